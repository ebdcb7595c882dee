"""A misbehaving gateway: a real HTTP server between the modules and the MRS emulator.

The emulator's own faults (POST /_emulator/faults) cover what MRS itself does: error answers, throttling, a
slow answer, a connection dropped before or after the request is applied. A gateway, a proxy or an API change
does more: it trims fields from an answer, answers 200 with junk (instead of forwarding, or AFTER forwarding,
when the write already reached MRS), redirects to a login page, drip-feeds a body, throttles with odd
Retry-After values. This gateway does all of that, request by request, following a script:

    with Gateway(emulator.url) as gateway:
        gateway.add("GET", r"/cluster_infos/ID$", "trim", fields=["cluster.coreNodeNum", "cluster.nodeGroups"], times=None)
        gateway.add("PUT", r"/cluster_infos/ID$", "junk", body="", forward=True)      # MRS accepted it; the answer is empty
        gateway.add("GET", r"/cluster_infos/ID$", "status", status=429, retry_after="-1", after_put=True)
        env["HW_MRS_ENDPOINT"] = env["HW_AUTH_URL"] = gateway.url
        ... run ansible-playbook ...
        gateway.log     # what came in, which rule hit it, what was forwarded and answered

A rule matches a request by method (None: any), a regular expression searched in the path (query string
excluded) and, with ``query``, one searched in the query string. ``times`` is how many requests it hits (None: every
one), ``skip`` how many matching requests it lets through first, and ``after_put`` arms it only once a resize (PUT)
forwarded by the gateway was accepted with HTTP 200, which is how a fault lands during the wait (True: a resize on a
path the rule's own regex matches; a string: a regex for the resize's path). ``after_write`` does the same for ANY
write the gateway forwarded and MRS accepted (a PUT, POST or DELETE answered 2xx, IAM excluded): a v1.1 resize, a v2
expand / shrink, a policy create / update / delete (True: any such write; a string: a regex for its path; the paths
are in ``accepted_write_paths``, "METHOD path" in ``accepted_writes``). The first armed rule that matches decides.

Actions (``action`` and its options):

- ``trim``      forward, then delete fields from the JSON answer: ``fields`` are dotted paths, ``*`` for every item of a
                list (``cluster.nodeGroups.*.NodeNum``, ``total``).
- ``set``       forward, then set fields (``values``: dotted path -> value; the value ``"{auth_token}"`` is the request's
                X-Auth-Token, as an answer that echoes it).
- ``junk``      answer ``status`` (200) with ``body`` (str or bytes; ``{}``, HTML, ``""``) and ``content_type``;
                ``forward=True`` forwards first (the request reached MRS) and replaces its answer.
- ``truncate``  forward, then answer with the first half of the body (a JSON document cut short), status kept.
- ``redirect``  answer ``status`` (302) with ``Location: location`` (default ``/login``, which the gateway answers with
                an HTML login page, 200) and ``body`` (default a small HTML page), without forwarding.
- ``drip``      forward, then send the body one byte every ``interval`` seconds, for at most ``max_seconds`` (then the
                connection is reset), Content-Length announcing the whole body.
- ``reset``     reset the connection (TCP RST) ``when`` = ``before`` forwarding (MRS got nothing) or ``after`` (MRS
                applied it, the answer is lost).
- ``delay``     sleep ``seconds``, then forward; ``after=True`` forwards at once and sleeps before answering (MRS applied
                the write at once, its answer comes after the client's read timeout).
- ``status``    answer ``status`` with an MRS-style error body (``error_code``, ``error_msg``; ``{auth_token}``,
                ``{security_token}`` in the message are replaced by the request's headers, as an answer that echoes
                them) and ``Retry-After: retry_after`` when given (any string: ``"2"``, an HTTP date, ``"-1"``,
                ``"soon"``), or ``Retry-After`` as the HTTP date ``retry_after_date_in`` seconds after the answer;
                ``forward=True`` forwards first (a 5xx after MRS accepted the request).

Paged lists (the host list ``.../clusters/ID/hosts``, the v2 node list ``.../clusters/ID/nodes``, the cluster list
``.../cluster_infos``; ``LISTS`` says which field holds the items, the total and the page number) have actions of their
own. The gateway remembers the items it answered for every page of every list path, so that a later page can be made
from an earlier one. They hit pages from ``from_page`` on (default 2: a later page; 1 for ``total``), and they combine:
every armed page rule that matches applies, in script order, on top of the one other rule that decides (if any):

- ``repeat``    forward, then answer the items of the page before (as the gateway answered it) again: page 2 = page 1.
- ``shift``     forward, then move the list by ``by`` items across the page boundary, as a list that changed between
                two requests does: ``by=1`` (an item was inserted before the boundary) starts the page with the last
                item of the page before, read again; ``by=-1`` (an item before the boundary went away) drops the page's
                first item, which moved onto the page already read: it is never seen.
- ``shrink``    forward, then answer the page with no item (a later page empty), the total kept.
- ``total``     forward, then set the total (``total``, ``clusterTotal``, ``node_total``) to the upstream total plus
                ``delta`` (a lie either way), or to ``value``.

A path part that is a number picks one item of a list in ``trim`` and ``set`` (``hosts.57.id``: one entry trimmed of its
id).

Other actors: ``hook(callback, method, path, when, ...)`` runs ``callback(entry)`` (the log entry of the request) at a
chosen point of a matching request, as another operator working on the same cloud at that moment would:
``when="before"`` when the request arrives, before the gateway forwards or fakes anything (the task read the cluster and
is about to write: its write is on its way); ``"after"`` once the emulator answered it, before the answer goes back;
``"accepted"`` the same, for a write the emulator accepted (2xx). ``after_write``, ``skip`` and ``times`` (default 1) as
for rules: ``hook(..., method="GET", path=cluster, after_write=expand, skip=1)`` acts during the wait, on the second poll
after the expand was accepted. A callback that raises is recorded in ``hook_errors`` (the request goes on).
``on_accepted_put(callback, path)`` runs callback() once, when the first PUT on a path matching ``path`` is accepted
(for example: expire every IAM token, as if the token expired during the wait); ``on_accepted_write(callback, path,
method)`` the same for any write.

Standard library only; it binds 127.0.0.1 on a free port and serves each connection in its own thread.
"""

import copy
import email.utils
import http.client
import http.server
import json
import re
import socket
import struct
import threading
import time
from urllib.parse import parse_qsl, urlsplit

HOP_BY_HOP = ("connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length")
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action='/login'>Sign in</form></body></html>"
IAM = re.compile(r"^/v3/")  # the IAM routes: a token request is not a write to the cloud
WRITE_METHODS = ("PUT", "POST", "DELETE")
PAGE_ACTIONS = ("repeat", "shift", "shrink", "total")
ACTIONS = ("trim", "set", "junk", "truncate", "redirect", "drip", "reset", "delay", "status") + PAGE_ACTIONS
HOOK_POINTS = ("before", "after", "accepted")


class PagedList:
    """One paged list route: where its items, its total and its page number are (the page size too)."""

    def __init__(self, name, path, items, total, item_id, page, size):
        self.name, self.path, self.items, self.total, self.item_id = name, re.compile(path), items, total, item_id
        self.page, self.size = page, size

    def page_of(self, query):
        """The 1-based page number a query asks for (the v2 node list reads offset 0 as page 1)."""
        value = dict(parse_qsl(query)).get(self.page, "1")
        try:
            return max(int(value), 1)
        except ValueError:
            return 1


LISTS = (
    PagedList("hosts", r"^/v1\.1/[^/]+/clusters/[^/]+/hosts$", "hosts", "total", "id", "currentPage", "pageSize"),
    PagedList("nodes", r"^/v2/[^/]+/clusters/[^/]+/nodes$", "nodes", "node_total", "node_name", "offset", "limit"),
    PagedList("clusters", r"^/v1\.1/[^/]+/cluster_infos$", "clusters", "clusterTotal", "clusterId", "currentPage", "pageSize"),
)


def paged_list(path):
    """The PagedList whose route this path is, or None."""
    return next((item for item in LISTS if item.path.search(path)), None)


def http_date(seconds_from_now):
    """An HTTP-date (RFC 7231) that many seconds from now, as Retry-After may carry."""
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


def _is_write(method, path):
    return method in WRITE_METHODS and not IAM.search(path)


class _Trigger:
    """What rules and hooks share: which requests they match, whether they are armed, how often they fire."""

    def __init__(self, method, path, times, skip, after_put, after_write, query=None):
        self.method = method.upper() if method else None
        self.path = re.compile(path)
        self.query = re.compile(query) if query else None
        self.times = times
        self.skip = skip
        self.after_put = after_put
        self.after_write = after_write
        self.hits = 0

    def matches(self, method, path, query):
        return (self.method in (None, method) and bool(self.path.search(path))
                and (self.query is None or bool(self.query.search(query or ""))))

    def armed(self, accepted_put_paths, accepted_write_paths):
        if self.after_put:
            pattern = self.path if self.after_put is True else re.compile(self.after_put)
            if not any(pattern.search(seen) for seen in accepted_put_paths):
                return False
        if self.after_write is True:
            return bool(accepted_write_paths)
        if self.after_write:
            return any(re.search(self.after_write, seen) for seen in accepted_write_paths)
        return True

    def take(self):
        """Count one matching, armed request: True when this one fires (past ``skip``, within ``times``)."""
        if self.times is not None and self.hits >= self.times + self.skip:
            return False
        self.hits += 1
        return self.hits > self.skip


class Rule(_Trigger):
    """One line of the gateway's script (see the module docstring)."""

    def __init__(self, method, path, action, times=1, skip=0, after_put=False, after_write=False, query=None, **options):
        if action not in ACTIONS:
            raise ValueError("unknown gateway action %r (known: %s)" % (action, ", ".join(ACTIONS)))
        super().__init__(method, path, times, skip, after_put, after_write, query)
        self.action = action
        self.from_page = options.pop("from_page", 1 if action == "total" else 2) if action in PAGE_ACTIONS else None
        if action == "shift" and options.get("by") not in (1, -1):
            raise ValueError("shift takes by=1 or by=-1")
        self.options = options

    def matches(self, method, path, query):
        if not super().matches(method, path, query):
            return False
        if self.from_page is None:
            return True
        listed = paged_list(path)
        return listed is not None and listed.page_of(query) >= self.from_page

    def describe(self):
        return "%s %s%s %s%s" % (self.method or "*", self.path.pattern, " ?" + self.query.pattern if self.query else "", self.action,
                                 " %s" % json.dumps(self.options, sort_keys=True, default=str) if self.options else "")

    def __repr__(self):
        return "Rule(%s)" % self.describe()


class Hook(_Trigger):
    """Another actor's move at a chosen point of a matching request (see the module docstring)."""

    def __init__(self, callback, method=None, path="", when="before", times=1, skip=0, after_put=False, after_write=False,
                 query=None, name=None):
        if when not in HOOK_POINTS:
            raise ValueError("a hook runs %s, not %r" % (" or ".join(HOOK_POINTS), when))
        super().__init__(method, path, times, skip, after_put, after_write, query)
        self.callback = callback
        self.when = when
        self.name = name or getattr(callback, "__name__", "hook")
        self.errors = []


def _index(document, head):
    """The index a path part names in a list (a number, negative from the end), or None."""
    if head.lstrip("-").isdigit() and -len(document) <= int(head) < len(document):
        return int(head) % len(document)
    return None


def _delete(document, parts):
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if isinstance(document, list):
        if head == "*":
            for item in document:
                _delete(item, rest)
        elif _index(document, head) is not None:
            if rest:
                _delete(document[_index(document, head)], rest)
            else:
                del document[_index(document, head)]
    elif isinstance(document, dict) and head in document:
        if rest:
            _delete(document[head], rest)
        else:
            del document[head]


def _set(document, parts, value):
    head, rest = parts[0], parts[1:]
    if isinstance(document, list):
        if head == "*":
            for item in document:
                _set(item, rest, value)
        elif _index(document, head) is not None:
            if rest:
                _set(document[_index(document, head)], rest, value)
            else:
                document[_index(document, head)] = value
    elif isinstance(document, dict):
        if rest:
            _set(document.setdefault(head, {}), rest, value)
        else:
            document[head] = value


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "misbehaving-gateway"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass  # the gateway keeps its own log

    def do_GET(self):
        self._handle()

    def do_PUT(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_PATCH(self):
        self._handle()

    def do_DELETE(self):
        self._handle()

    # ------------------------------------------------------------------------------------------------ plumbing

    def _handle(self):
        gateway = self.server.gateway
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        entry = {"time": time.time(), "method": self.command, "path": split.path, "query": split.query, "rule": None,
                 "action": None, "forwarded": False, "upstream_status": None, "status": None, "hooks": []}
        for name in ("X-Auth-Token", "X-Security-Token"):
            if self.headers.get(name):
                gateway.note_secret(self.headers[name])
        self.close_connection = True
        if split.path == "/login":
            entry["status"] = 200
            gateway.record(entry)
            self._answer(200, [("Content-Type", "text/html")], LOGIN_PAGE)
            return
        gateway.busy(1)
        try:
            self._dispatch(gateway, entry, split, body)
        finally:
            gateway.busy(-1)

    def _dispatch(self, gateway, entry, split, body):
        gateway.fire("before", entry)
        rule = gateway.take_rule(self.command, split.path, split.query)
        pages = gateway.take_page_rules(self.command, split.path, split.query)
        if rule is not None:
            entry.update(rule=rule.describe(), action=rule.action)
        if pages:
            entry["page_rules"] = [page_rule.describe() for page_rule in pages]
            if rule is None:
                entry.update(rule=pages[0].describe(), action=pages[0].action)
        try:
            self._act(gateway, rule, body, entry, pages)
        finally:
            gateway.record(entry)

    def _act(self, gateway, rule, body, entry, pages=()):
        options = rule.options if rule else {}
        action = rule.action if rule else None
        if action == "reset" and options.get("when", "before") == "before":
            self._reset()
            return
        if action == "redirect":
            location = options.get("location", "/login")
            entry["status"] = options.get("status", 302)
            body = options.get("body", "<html>Moved</html>")
            self._answer(entry["status"], [("Location", location), ("Content-Type", options.get("content_type", "text/html"))],
                         body.encode("utf-8") if isinstance(body, str) else body)
            return
        if action in ("status", "junk") and not options.get("forward"):
            (self._error if action == "status" else self._junk)(options, entry)
            return
        if action == "delay" and not options.get("after"):
            time.sleep(options["seconds"])
        upstream = self._forward(gateway, body, entry)
        if upstream is None:  # the emulator dropped the connection: so does the gateway
            self._reset()
            return
        status, headers, content = upstream
        if action == "delay" and options.get("after"):
            gateway.stopping.wait(options["seconds"])
        if action == "reset":
            self._reset()
            return
        if action in ("status", "junk"):
            (self._error if action == "status" else self._junk)(options, entry)
            return
        if action in ("trim", "set"):
            content = self._rewrite(content, action, options)
        elif action == "truncate":
            content = content[:max(1, len(content) // 2)]
        content = gateway.page_answered(entry, content, pages)
        entry["status"] = status
        if action == "drip":
            self._drip(status, headers, content, options)
            return
        self._answer(status, headers, content)

    def _rewrite(self, content, action, options):
        try:
            document = json.loads(content.decode("utf-8"))
        except ValueError:
            return content
        document = copy.deepcopy(document)
        if action == "trim":
            for field in options["fields"]:
                _delete(document, field.split("."))
        else:
            for field, value in options["values"].items():
                if isinstance(value, str):
                    value = value.replace("{auth_token}", self.headers.get("X-Auth-Token", ""))
                _set(document, field.split("."), value)
        return json.dumps(document).encode("utf-8")

    def _forward(self, gateway, body, entry):
        """Send the request on to the emulator as it came (Host included: the signature covers it)."""
        headers = [(name, value) for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP]
        connection = http.client.HTTPConnection(gateway.upstream_host, gateway.upstream_port, timeout=120)
        try:
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            entry["forwarded"] = True
            answer = connection.getresponse()
            content = answer.read()
        except (OSError, http.client.HTTPException):
            return None
        finally:
            connection.close()
        entry["upstream_status"] = answer.status
        entry["request_id"] = answer.getheader("X-Request-Id")
        response_headers = [(name, value) for name, value in answer.getheaders() if name.lower() not in HOP_BY_HOP]
        for name, value in response_headers:
            if name.lower() == "x-subject-token":
                gateway.note_secret(value)
        path = urlsplit(self.path).path
        if self.command == "PUT" and answer.status == 200:
            gateway.put_accepted(path)
        if 200 <= answer.status < 300 and _is_write(self.command, path):
            gateway.write_accepted(self.command, path)
            gateway.fire("accepted", entry)
        gateway.fire("after", entry)
        return answer.status, response_headers, content

    def _error(self, options, entry):
        message = options.get("error_msg", "The gateway refused the request.")
        message = message.replace("{auth_token}", self.headers.get("X-Auth-Token", "")).replace(
            "{security_token}", self.headers.get("X-Security-Token", ""))
        payload = json.dumps({"error_code": options.get("error_code", "APIGW.0308"), "error_msg": message}).encode("utf-8")
        headers = [("Content-Type", "application/json")]
        if options.get("retry_after") is not None:
            headers.append(("Retry-After", str(options["retry_after"])))
        elif options.get("retry_after_date_in") is not None:
            # an HTTP date computed when the answer is sent: a date fixed when the rule was added may have passed
            headers.append(("Retry-After", http_date(options["retry_after_date_in"])))
        entry["status"] = options["status"]
        self._answer(options["status"], headers, payload)

    def _junk(self, options, entry):
        body = options.get("body", "{}")
        body = body.encode("utf-8") if isinstance(body, str) else body
        entry["status"] = options.get("status", 200)
        self._answer(entry["status"], [("Content-Type", options.get("content_type", "application/json"))], body)

    def _head(self, status, headers, content):
        """The status line and headers of an answer whose body is ``content``, closing the connection after it."""
        self.send_response_only(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Connection", "close")
        self.end_headers()

    def _answer(self, status, headers, content):
        try:
            self._head(status, headers, content)
            self.wfile.write(content)
            self.wfile.flush()
        except OSError:
            pass  # the client gave up

    def _drip(self, status, headers, content, options):
        interval, max_seconds = options.get("interval", 0.1), options.get("max_seconds", 30.0)
        stop = self.server.gateway.stopping
        started = time.monotonic()
        try:
            self._head(status, headers, content)
            self.wfile.flush()
            for index in range(len(content)):
                if stop.is_set() or time.monotonic() - started > max_seconds:
                    self._reset()
                    return
                self.wfile.write(content[index:index + 1])
                self.wfile.flush()
                stop.wait(interval)
        except OSError:
            pass  # the client gave up: what a client with a deadline does

    def _reset(self):
        """Close with a TCP RST: the client sees 'connection reset by peer' and no answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


def page_rewrite(document, listed, rule, earlier):
    """Apply a page action (``rule``) to the answer ``document`` of a page of the list ``listed``; ``earlier`` is the items
    the gateway answered for the page before (None when it answered none)."""
    items = document.get(listed.items)
    if not isinstance(items, list):
        return document
    action, options = rule.action, rule.options
    if action == "repeat" and earlier is not None:
        document[listed.items] = copy.deepcopy(earlier)
    elif action == "shift" and options["by"] == 1 and earlier:
        document[listed.items] = [copy.deepcopy(earlier[-1])] + items
    elif action == "shift" and options["by"] == -1:
        document[listed.items] = items[1:]
    elif action == "shrink":
        document[listed.items] = []
    elif action == "total":
        upstream = document.get(listed.total)
        try:
            base = int(upstream)
        except (TypeError, ValueError):
            base = len(items)
        value = options["value"] if "value" in options else base + options.get("delta", 0)
        # keep the answer's own type: MRS answers some totals as strings
        document[listed.total] = str(value) if isinstance(upstream, str) else value
    return document


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that went away mid-answer is part of the tests


class Gateway:
    """The running gateway: ``url``, the script (``add``, ``hook``, ``clear``), its ``log`` and the secrets it saw pass."""

    def __init__(self, upstream_url):
        upstream = urlsplit(upstream_url)
        if upstream.scheme != "http":
            raise ValueError("the gateway forwards to an http:// emulator, got %r" % upstream_url)
        self.upstream_host, self.upstream_port = upstream.hostname, upstream.port
        self.rules = []
        self.hooks = []
        self.log = []
        self.secrets = set()
        self.accepted_puts = 0
        self.accepted_put_paths = []
        self.accepted_write_paths = []
        self.accepted_writes = []
        self.stopping = threading.Event()
        self._in_flight = 0
        self._idle = threading.Condition()
        self._pages = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.gateway = self
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # ------------------------------------------------------------------------------------------------ script

    def add(self, method, path, action, **options):
        """Append a rule (see the module docstring); returns it (its ``hits`` count the requests it hit)."""
        rule = Rule(method, path, action, **options)
        with self._lock:
            self.rules.append(rule)
        return rule

    def hook(self, callback, method=None, path="", when="before", **options):
        """Run callback(entry) at a point of a matching request (see the module docstring); returns the Hook."""
        hook = Hook(callback, method, path, when, **options)
        with self._lock:
            self.hooks.append(hook)
        return hook

    def clear(self):
        """Forget the script, the log and what was accepted (the pages remembered too): a fresh gateway on the same port."""
        with self._lock:
            self.rules, self.hooks, self.log, self._pages = [], [], [], {}
            self.accepted_puts, self.accepted_put_paths = 0, []
            self.accepted_write_paths, self.accepted_writes = [], []

    def on_accepted_put(self, callback, path=""):
        """Run callback() once, when the first resize on a path matching the regex `path` is accepted."""
        return self.hook(lambda _entry: callback(), method="PUT", path=path, when="accepted", name=getattr(callback, "__name__", None))

    def on_accepted_write(self, callback, path="", method=None):
        """Run callback() once, when the first write (PUT, POST, DELETE) on a path matching `path` is accepted."""
        return self.hook(lambda _entry: callback(), method=method, path=path, when="accepted", name=getattr(callback, "__name__", None))

    def take_rule(self, method, path, query=""):
        """The first armed rule that matches and fires (None: forward as it came); page rules aside (take_page_rules)."""
        with self._lock:
            for rule in self.rules:
                if rule.from_page is not None or not rule.matches(method, path, query):
                    continue
                if not rule.armed(self.accepted_put_paths, self.accepted_write_paths):
                    continue
                if rule.times is not None and rule.hits >= rule.times + rule.skip:
                    continue
                return rule if rule.take() else None
        return None

    def take_page_rules(self, method, path, query=""):
        """Every armed page rule (repeat, shift, shrink, total) that matches and fires: they combine, in script order."""
        with self._lock:
            return [rule for rule in self.rules if rule.from_page is not None and rule.matches(method, path, query)
                    and rule.armed(self.accepted_put_paths, self.accepted_write_paths) and rule.take()]

    def fire(self, when, entry):
        """Run the hooks due at this point of this request, outside the lock; a hook that raises is recorded."""
        with self._lock:
            due = [hook for hook in self.hooks if hook.when == when and hook.matches(entry["method"], entry["path"], entry["query"])
                   and hook.armed(self.accepted_put_paths, self.accepted_write_paths) and hook.take()]
        for hook in due:
            entry["hooks"].append(hook.name)
            try:
                hook.callback(entry)
            except Exception as error:  # pylint: disable=broad-except
                hook.errors.append("%s: %r" % (hook.name, error))

    @property
    def hook_errors(self):
        with self._lock:
            return [error for hook in self.hooks for error in hook.errors]

    # ------------------------------------------------------------------------------------------------ record

    def busy(self, change):
        with self._idle:
            self._in_flight += change
            self._idle.notify_all()

    def wait_idle(self, timeout=30.0):
        """Wait until no request is in the gateway's hands (a delayed write may still be on its way after the task ended);
        True when none is."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def record(self, entry):
        with self._lock:
            self.log.append(entry)

    def note_secret(self, value):
        with self._lock:
            self.secrets.add(value.strip())

    def put_accepted(self, path):
        with self._lock:
            self.accepted_puts += 1
            self.accepted_put_paths.append(path)

    def write_accepted(self, method, path):
        """A write (PUT, POST, DELETE; IAM excluded) was accepted: it arms the after_write rules and hooks."""
        with self._lock:
            self.accepted_write_paths.append(path)
            self.accepted_writes.append("%s %s" % (method, path))

    def page_answered(self, entry, content, rules):
        """A paged list's answer on its way back: apply the page actions of ``rules`` in order and remember its items."""
        listed = paged_list(entry["path"]) if entry["method"] == "GET" else None
        if listed is None:
            return content
        try:
            document = json.loads(content.decode("utf-8"))
        except ValueError:
            return content
        if not isinstance(document, dict):
            return content
        page = listed.page_of(entry["query"])
        with self._lock:
            earlier = self._pages.get((entry["path"], page - 1))
        for rule in rules:
            document = page_rewrite(document, listed, rule, earlier)
        if rules:
            content = json.dumps(document).encode("utf-8")
        if isinstance(document.get(listed.items), list):
            with self._lock:
                self._pages[(entry["path"], page)] = copy.deepcopy(document[listed.items])
        return content

    def entries(self, action=None):
        """Log entries, optionally only those a rule with this action hit."""
        with self._lock:
            return [dict(entry) for entry in self.log if action is None or entry["action"] == action]

    # ------------------------------------------------------------------------------------------------ life

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
