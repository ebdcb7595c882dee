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

A rule matches a request by method (None: any) and a regular expression searched in the path (query string
excluded). ``times`` is how many requests it hits (None: every one), ``skip`` how many matching requests it lets
through first, and ``after_put`` arms it only once a resize (PUT) forwarded by the gateway was accepted with
HTTP 200, which is how a fault lands during the wait (True: a resize on a path the rule's own regex matches; a
string: a regex for the resize's path). ``after_write`` (a regex) does the same for any node-count write the gateway
forwarded and MRS accepted with HTTP 200: a v1.1 resize (PUT) or a v2 expand / shrink (POST .../expand, .../shrink),
whose paths ``accepted_write_paths`` lists. The first armed rule that matches decides.

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
- ``delay``     sleep ``seconds``, then forward.
- ``status``    answer ``status`` with an MRS-style error body (``error_code``, ``error_msg``; ``{auth_token}``,
                ``{security_token}`` in the message are replaced by the request's headers, as an answer that echoes
                them) and ``Retry-After: retry_after`` when given (any string: ``"2"``, an HTTP date, ``"-1"``,
                ``"soon"``), or ``Retry-After`` as the HTTP date ``retry_after_date_in`` seconds after the answer;
                ``forward=True`` forwards first (a 5xx after MRS accepted the request).

``on_accepted_put(callback, path)`` runs callback() once, when the first forwarded PUT on a path matching the regex
``path`` is accepted, before its answer
goes back (for example: expire every IAM token, as if the token expired during the wait).

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
from urllib.parse import urlsplit

HOP_BY_HOP = ("connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length")
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><form action='/login'>Sign in</form></body></html>"
V2_WRITE = re.compile(r"/clusters/[^/]+/(expand|shrink)$")  # the v2 resize routes, which after_write also counts
ACTIONS = ("trim", "set", "junk", "truncate", "redirect", "drip", "reset", "delay", "status")


def http_date(seconds_from_now):
    """An HTTP-date (RFC 7231) that many seconds from now, as Retry-After may carry."""
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


class Rule:
    """One line of the gateway's script (see the module docstring)."""

    def __init__(self, method, path, action, times=1, skip=0, after_put=False, after_write=False, **options):
        if action not in ACTIONS:
            raise ValueError("unknown gateway action %r (known: %s)" % (action, ", ".join(ACTIONS)))
        self.method = method.upper() if method else None
        self.path = re.compile(path)
        self.action = action
        self.times = times
        self.skip = skip
        self.after_put = after_put
        self.after_write = after_write
        self.options = options
        self.hits = 0

    def describe(self):
        return "%s %s %s%s" % (self.method or "*", self.path.pattern, self.action,
                               " %s" % json.dumps(self.options, sort_keys=True, default=str) if self.options else "")

    def __repr__(self):
        return "Rule(%s)" % self.describe()


def _delete(document, parts):
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    items = document if head == "*" and isinstance(document, list) else None
    if items is not None:
        for item in items:
            _delete(item, rest)
    elif isinstance(document, dict) and head in document:
        if rest:
            _delete(document[head], rest)
        else:
            del document[head]


def _set(document, parts, value):
    head, rest = parts[0], parts[1:]
    if head == "*" and isinstance(document, list):
        for item in document:
            _set(item, rest, value)
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
                 "action": None, "forwarded": False, "upstream_status": None, "status": None}
        for name in ("X-Auth-Token", "X-Security-Token"):
            if self.headers.get(name):
                gateway.note_secret(self.headers[name])
        self.close_connection = True
        if split.path == "/login":
            entry["status"] = 200
            gateway.record(entry)
            self._answer(200, [("Content-Type", "text/html")], LOGIN_PAGE)
            return
        rule = gateway.take_rule(self.command, split.path)
        if rule is not None:
            entry.update(rule=rule.describe(), action=rule.action)
        try:
            self._act(gateway, rule, body, entry)
        finally:
            gateway.record(entry)

    def _act(self, gateway, rule, body, entry):
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
        if action == "status" and not options.get("forward"):
            self._error(options, entry)
            return
        if action == "junk" and not options.get("forward"):
            self._junk(options, entry)
            return
        if action == "delay":
            time.sleep(options["seconds"])
        upstream = self._forward(gateway, body, entry)
        if upstream is None:  # the emulator dropped the connection: so does the gateway
            self._reset()
            return
        status, headers, content = upstream
        if action == "reset":
            self._reset()
            return
        if action in ("status",):
            self._error(options, entry)
            return
        if action == "junk":
            self._junk(options, entry)
            return
        if action in ("trim", "set"):
            content = self._rewrite(content, action, options)
        elif action == "truncate":
            content = content[:max(1, len(content) // 2)]
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
        response_headers = [(name, value) for name, value in answer.getheaders() if name.lower() not in HOP_BY_HOP]
        for name, value in response_headers:
            if name.lower() == "x-subject-token":
                gateway.note_secret(value)
        if self.command == "PUT" and answer.status == 200:
            gateway.put_accepted(urlsplit(self.path).path)
        if answer.status == 200 and (self.command == "PUT" or (self.command == "POST" and V2_WRITE.search(urlsplit(self.path).path))):
            gateway.write_accepted(urlsplit(self.path).path)
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

    def _answer(self, status, headers, content):
        try:
            self.send_response_only(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(content)
            self.wfile.flush()
        except OSError:
            pass  # the client gave up

    def _drip(self, status, headers, content, options):
        interval, max_seconds = options.get("interval", 0.1), options.get("max_seconds", 30.0)
        stop = self.server.gateway.stopping
        started = time.monotonic()
        try:
            self.send_response_only(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Connection", "close")
            self.end_headers()
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


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client that went away mid-answer is part of the tests


class Gateway:
    """The running gateway: ``url``, the script (``add``, ``clear``), its ``log`` and the secrets it saw pass."""

    def __init__(self, upstream_url):
        upstream = urlsplit(upstream_url)
        if upstream.scheme != "http":
            raise ValueError("the gateway forwards to an http:// emulator, got %r" % upstream_url)
        self.upstream_host, self.upstream_port = upstream.hostname, upstream.port
        self.rules = []
        self.log = []
        self.secrets = set()
        self.accepted_puts = 0
        self.accepted_put_paths = []
        self.accepted_write_paths = []
        self.stopping = threading.Event()
        self._callbacks = []
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

    def clear(self):
        with self._lock:
            self.rules, self.log, self._callbacks = [], [], []
            self.accepted_puts, self.accepted_put_paths = 0, []
            self.accepted_write_paths = []

    def on_accepted_put(self, callback, path=""):
        """Run callback() once, when the first resize on a path matching the regex `path` is accepted."""
        with self._lock:
            self._callbacks.append((path, callback))

    def take_rule(self, method, path):
        with self._lock:
            for rule in self.rules:
                if rule.method not in (None, method) or not rule.path.search(path):
                    continue
                if rule.after_put and not self._armed(rule):
                    continue
                if rule.after_write and not any(re.search(rule.after_write, seen) for seen in self.accepted_write_paths):
                    continue
                if rule.times is not None and rule.hits >= rule.times + rule.skip:
                    continue
                rule.hits += 1
                if rule.hits <= rule.skip:
                    return None
                return rule
        return None

    # ------------------------------------------------------------------------------------------------ record

    def record(self, entry):
        with self._lock:
            self.log.append(entry)

    def note_secret(self, value):
        with self._lock:
            self.secrets.add(value.strip())

    def _armed(self, rule):
        """after_put=True: a resize on a path the rule's own regex matches was accepted; a string: a regex for that path."""
        pattern = rule.path if rule.after_put is True else re.compile(rule.after_put)
        return any(pattern.search(path) for path in self.accepted_put_paths)

    def put_accepted(self, path):
        with self._lock:
            self.accepted_puts += 1
            self.accepted_put_paths.append(path)
            due = [(pattern, callback) for pattern, callback in self._callbacks if re.search(pattern, path)]
            self._callbacks = [item for item in self._callbacks if item not in due]
        for _pattern, callback in due:
            callback()

    def write_accepted(self, path):
        """A node-count write (v1.1 PUT or v2 expand / shrink POST) was accepted: it arms the after_write rules."""
        with self._lock:
            self.accepted_write_paths.append(path)

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
