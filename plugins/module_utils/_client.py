# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MRS client: settings, authentication, retry policy, the requests transport and answer checking.

PRIVATE to the collection: no compatibility promise outside it.

Pieces, each with one job:

- ``Settings``: the connection options, cleaned (secrets stripped) and validated before any request.
- ``AkSk`` / ``TemporaryAkSk`` / ``Token`` / ``Password``: one way to authenticate each, behind
  ``headers(request)`` / ``refresh()``; chosen once, from the settings (``MrsClient.auth_method``).
- ``RetryPolicy``: jittered exponential back-off, ``Retry-After`` (parsed by urllib3), the deadline.
- ``Transport``: one ``requests.Session``; it tells whether a failed request can have reached the server,
  and bounds every attempt in time (a drip-fed answer included).
- ``MrsClient``: the routes, what counts as their documented answer, and which failures are retried.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import os
import random
import re
import socket
import ssl
import threading
import time
import traceback
import warnings
from urllib.parse import quote, urlsplit

from ansible_collections.hwcloud.mrs.plugins.module_utils import _paging, _signer
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, TransientError, parse_error

try:
    import requests
    import requests.adapters
    import requests.exceptions
    import urllib3.connection
    import urllib3.connectionpool
    import urllib3.exceptions
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

USER_AGENT = "hwcloud.mrs-ansible-collection"
MAX_RETRY_AFTER = 60.0
MAX_BODY = 16 * 1024 * 1024  # bytes of an answer at most: a host page is a few kB
MIN_ATTEMPT = 1.0  # seconds an attempt gets at least, even when started at or after the deadline
MASK = "********"
# Regions whose MRS endpoint is not under myhuaweicloud.com (huaweicloudsdkmrs v1 region table).
MRS_DOMAIN_EXCEPTIONS = {
    "ap-southeast-1": "myhuaweicloud.cn",
    "ap-southeast-4": "myhuaweicloud.cn",
    "ru-northwest-2": "myhuaweicloud.cn",
    "eu-west-101": "myhuaweicloud.eu",
}
PAGE_SIZE = 100
MIN_SECRET_FRAGMENT = 8  # characters of a secret that are masked when a text begins or ends with them (a cut secret)
# HWDOC ListNodes: the node_group filter takes 3 to 14 characters; a longer (or shorter) name is filtered here instead
NODE_GROUP_FILTER_LENGTHS = (3, 14)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_URL_CREDENTIALS = re.compile(r"(//)[^/@\s]+@")


class ResizeOutcomeUnknown(MrsError):
    """The resize request may or may not have reached MRS: only re-reading the cluster can tell."""


class TransportError(MrsError):
    """No answer came. ``sent`` is False only when the connection was provably never made."""

    def __init__(self, reason, sent):
        super(TransportError, self).__init__(reason)
        self.reason = reason
        self.sent = sent


class TlsError(TransportError):
    """The endpoint's certificate was refused (or the handshake failed for good): retrying cannot help."""


# ================================================================================= masking


def _secret_forms(secret):
    """The ways a secret may be spelt in an answer that echoes it: as is, JSON-escaped (ASCII or not), percent-encoded."""
    forms = set((secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1], quote(secret, safe="")))
    return [form for form in forms if form]


def _masked_ends(text, form, fragment):
    """``text`` with the longest head of ``form`` (at least ``fragment`` characters) it ends with masked (the text was cut
    inside the secret), and the longest tail of ``form`` it begins with (cut before it)."""
    if len(text) >= fragment and text[-fragment:] in form:  # else no head of the secret can end the text
        for size in range(min(len(form) - 1, len(text)), fragment - 1, -1):
            if text.endswith(form[:size]):
                text = text[:-size] + MASK
                break
    if len(text) >= fragment and text[:fragment] in form:
        for size in range(min(len(form) - 1, len(text)), fragment - 1, -1):
            if text.startswith(form[-size:]):
                text = MASK + text[size:]
                break
    return text


def mask_secrets(text, secrets, fragment=MIN_SECRET_FRAGMENT):
    """``text`` with every secret replaced by MASK, in every form an answer may spell it (``_secret_forms``), and with a
    head or tail of a secret of ``fragment`` or more characters masked where the text begins or ends (someone cut it
    inside the secret). Mask first, then cut: whoever shortens a text masks it before."""
    text = _URL_CREDENTIALS.sub(r"\1" + MASK + "@", str(text))
    forms = sorted(set(form for secret in secrets if isinstance(secret, str) and secret for form in _secret_forms(secret)),
                   key=len, reverse=True)
    for form in forms:
        text = text.replace(form, MASK)
    for form in forms:
        text = _masked_ends(text, form, fragment)
    return text


def mrs_endpoint(region):
    return "https://mrs.%s.%s" % (region, MRS_DOMAIN_EXCEPTIONS.get(region, "myhuaweicloud.com"))


def iam_endpoint(region):
    return "https://iam.%s.myhuaweicloud.com" % region


# ================================================================================= settings


def openssl_trust_named(environ=None):
    """Whether the environment names an OpenSSL trust store (SSL_CERT_FILE / SSL_CERT_DIR).

    requests alone reads only REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (else certifi). The standard library, curl and
    ansible.builtin.uri read these two, so a company CA added there is trusted too, beside requests' bundle.
    """
    environ = os.environ if environ is None else environ
    return bool(environ.get("SSL_CERT_FILE") or environ.get("SSL_CERT_DIR"))


def _checked_url(option, url):
    """An http(s) URL with a host and nothing a base URL must not carry; the message never echoes credentials."""
    if not isinstance(url, str) or url != url.strip() or re.search(r"\s", url) or _CONTROL.search(url):
        raise MrsError("%s: must be an http:// or https:// URL without spaces or control characters" % option)
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and parts.hostname and (parts.port or True)
    except ValueError:  # a port that is not a number
        usable = False
    if usable and (parts.username is not None or parts.password is not None):
        raise MrsError("%s: must not carry user:password@ (credentials go in their own options)" % option)
    if not usable:
        raise MrsError("%s: must be an http:// or https:// URL with a host name, got %r" % (option, url))
    if parts.query or parts.fragment or url.rstrip("/").endswith(("?", "#")):
        raise MrsError("%s: must not have a query (?...) or a fragment (#...), got %r" % (option, url))
    try:
        url.encode("ascii")
    except UnicodeEncodeError:
        raise MrsError("%s: must be ASCII (write an international host name in its xn-- form), got %r" % (option, url))
    return url


def _normalise_iam_url(url):
    """Accept an IAM URL with or without the '/v3' suffix Terraform's HW_AUTH_URL carries."""
    url = url.rstrip("/")
    return url[:-len("/v3")] if url.endswith("/v3") else url


def _positive_number(option, value):
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise MrsError("%s: must be a number of seconds" % option)
    if not math.isfinite(number) or number <= 0:
        raise MrsError("%s: must be a finite number of seconds greater than 0, got %s" % (option, value))
    return number


class Settings:
    """The connection options of a task, as the doc fragment documents them: cleaned here, validated by ``validate()``."""

    FIELDS = ("region", "project_id", "access_key", "secret_key", "security_token", "auth_token", "user_name",
              "password", "domain_name", "endpoint", "iam_endpoint", "validate_certs", "ca_bundle",
              "connect_timeout", "read_timeout", "retries")
    SECRETS = ("secret_key", "security_token", "auth_token", "password")
    # values sent in a header must be latin-1 text without control characters (the HTTP library's rule, checked here first)
    HEADER_VALUES = ("access_key", "security_token", "auth_token")

    def __init__(self, **values):
        unknown = set(values) - set(self.FIELDS)
        if unknown:
            raise TypeError("unknown connection settings: %s" % ", ".join(sorted(unknown)))
        defaults = dict(validate_certs=True, connect_timeout=10, read_timeout=60, retries=4)
        self._raw_secrets = []
        for field in self.FIELDS:
            value = values.get(field)
            if field in self.SECRETS + ("access_key",) and isinstance(value, str):
                if field in self.SECRETS:
                    self._raw_secrets.append(value)
                # `ansible-vault encrypt_string` reading stdin keeps the trailing newline; an empty value is no value
                value = value.strip() or None
            elif value == "":
                value = None  # an empty environment variable (HW_PROJECT_ID="") gives no value, as it always did
            setattr(self, field, defaults.get(field) if value is None else value)

    def secret_values(self):
        """Every secret as given and as cleaned, for masking."""
        cleaned = [value for value in (getattr(self, name) for name in self.SECRETS) if value]
        return [value for value in cleaned + self._raw_secrets if isinstance(value, str) and value.strip()]

    def validate(self):
        """Fail naming the option for any value that cannot work; never echo a secret."""
        for name in self.SECRETS + ("access_key",):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise MrsError("%s: must be a string" % name)
            if _CONTROL.search(value):
                raise MrsError("%s: contains a control character (a line break or tab inside the value?); the value is not shown"
                               % name)
            if name in self.HEADER_VALUES:
                try:
                    value.encode("latin-1")
                except UnicodeEncodeError:
                    raise MrsError("%s: contains characters that cannot be sent in an HTTP header (non-latin-1); the value is not "
                                   "shown" % name)
        for name, rule in (("project_id", r"[A-Za-z0-9_-]+"), ("region", r"[A-Za-z0-9_.-]+")):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, str) and re.fullmatch(rule, value)):
                raise MrsError("%s: must be letters, digits, '-' or '_' only (no spaces, line breaks or other characters), got %r"
                               % (name, value))
        self.connect_timeout = _positive_number("connect_timeout", self.connect_timeout)
        self.read_timeout = _positive_number("read_timeout", self.read_timeout)
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or self.retries < 0:
            raise MrsError("retries: must be an integer of 0 or more, got %r" % (self.retries,))
        for name in ("endpoint", "iam_endpoint"):
            if getattr(self, name) is not None:
                _checked_url(name, getattr(self, name))
        if self.ca_bundle is not None and self.validate_certs:
            if not isinstance(self.ca_bundle, str) or not os.path.exists(self.ca_bundle):
                raise MrsError("ca_bundle: no such file or directory: %s" % (self.ca_bundle,))
            if not os.path.isdir(self.ca_bundle):
                try:
                    ssl.create_default_context(cafile=self.ca_bundle)
                except (ssl.SSLError, OSError, ValueError) as error:
                    raise MrsError("ca_bundle: cannot load %s as PEM CA certificates (%s)" % (self.ca_bundle, getattr(error, "reason", None) or error))
        return self

    def auth_method(self):
        """Which way to authenticate, or a message naming what is missing. The precedence is documented."""
        if self.auth_token:
            return "token"
        if self.access_key or self.secret_key:
            if not (self.access_key and self.secret_key):
                raise MrsError("access_key and secret_key must be given together")
            return "temporary_aksk" if self.security_token else "aksk"
        if self.user_name or self.password:
            if not (self.user_name and self.password and self.domain_name):
                raise MrsError("IAM password authentication needs user_name, password and domain_name")
            return "password"
        raise MrsError("no credentials: give access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), auth_token, "
                       "or user_name, password and domain_name")

    def ignored_credentials(self):
        """The credential options given but not used because another method takes precedence."""
        method = self.auth_method()
        given = [name for name in ("access_key", "secret_key", "user_name", "password") if getattr(self, name)]
        used = dict(token=(), aksk=("access_key", "secret_key"), temporary_aksk=("access_key", "secret_key"),
                    password=("user_name", "password"))[method]
        return [name for name in given if name not in used]


# ================================================================================= authentication


class Request:
    """What an authenticator needs to see of a request."""

    def __init__(self, method, url, payload, headers):
        self.method = method
        self.url = url
        self.payload = payload
        self.headers = headers


class AkSk:
    """Permanent access keys: every request is signed (SDK-HMAC-SHA256)."""

    name = "aksk"

    def __init__(self, access_key, secret_key):
        self._access_key = access_key
        self._secret_key = secret_key

    def headers(self, request):
        return _signer.sign(request.method, request.url, request.headers, request.payload, self._access_key, self._secret_key)

    def refresh(self):
        """Nothing to renew: a 401 is final."""
        return False


class TemporaryAkSk(AkSk):
    """Temporary access keys: signed, with the security token among the signed headers."""

    name = "temporary_aksk"

    def __init__(self, access_key, secret_key, security_token):
        super(TemporaryAkSk, self).__init__(access_key, secret_key)
        self._security_token = security_token

    def headers(self, request):
        request.headers = dict(request.headers, **{"X-Security-Token": self._security_token})
        return super(TemporaryAkSk, self).headers(request)


class Token:
    """A pre-issued token, sent as X-Auth-Token; it cannot be renewed."""

    name = "token"

    def __init__(self, token):
        self._token = token

    def headers(self, request):
        return dict(request.headers, **{"X-Auth-Token": self._token})

    def refresh(self):
        return False


class Password:
    """A token obtained from IAM with user name and password, renewed once when it expires mid-run."""

    name = "password"

    def __init__(self, obtain):
        self._obtain = obtain  # () -> token; the client's IAM call, retried like a read
        self.token = None
        self.refreshed = False

    def headers(self, request):
        if not self.token:
            self.token = self._obtain()
        return dict(request.headers, **{"X-Auth-Token": self.token})

    def refresh(self):
        if self.refreshed:
            return False
        self.token, self.refreshed = None, True
        return True


# ================================================================================= retry policy


class OutOfTime(MrsError):
    """The next attempt cannot start before the deadline."""


class RetryPolicy:
    """How long to wait before the next attempt: jittered exponential back-off, or what Retry-After asks.

    ``deadline`` (a ``clock()`` value or None): no pause runs past it; when the next attempt cannot start
    before it, ``pause`` raises OutOfTime at once.
    """

    def __init__(self, retries, clock=time.monotonic, sleep=time.sleep, jitter=random.random, base=1.0, cap=30.0,
                 max_retry_after=MAX_RETRY_AFTER):
        self.retries = retries
        self.clock = clock
        self.sleep = sleep
        self.jitter = jitter
        self.base = base
        self.cap = cap
        self.max_retry_after = max_retry_after
        self.deadline = None

    def backoff(self, attempt):
        """Equal jitter: half the ceiling, plus a random share of the other half."""
        ceiling = min(self.base * 2 ** attempt, self.cap)
        return ceiling / 2 + self.jitter() * ceiling / 2

    @staticmethod
    def parse_retry_after(value):
        """Seconds asked by a Retry-After header (seconds or an HTTP date), or None when absent or unusable."""
        if value is None or not HAS_REQUESTS:
            return None
        try:
            seconds = Retry().parse_retry_after(str(value))
        except (urllib3.exceptions.InvalidHeader, ValueError, TypeError, OverflowError):
            return None
        return seconds if isinstance(seconds, (int, float)) and math.isfinite(seconds) and seconds >= 0 else None

    def time_left(self):
        return None if self.deadline is None else self.deadline - self.clock()

    def pause(self, attempt, retry_after=None):
        """Sleep before retry number ``attempt + 1`` and return the seconds slept; OutOfTime when no time is left."""
        asked = self.parse_retry_after(retry_after)
        delay = min(asked, self.max_retry_after) if asked is not None else self.backoff(attempt)
        left = self.time_left()
        if left is not None:
            if left <= 0:
                raise OutOfTime("the deadline has passed")
            if asked is not None and delay > left:
                raise OutOfTime("the server asked to wait %.0f s (Retry-After) but only %.1f s are left before the deadline"
                                % (delay, left))
            delay = min(delay, left)
        self.sleep(delay)
        return delay

    def attempt_limits(self, connect_timeout, read_timeout):
        """(connect, read) seconds for an attempt starting now: within the deadline plus one read timeout."""
        if self.deadline is None:
            return connect_timeout, read_timeout
        budget = max(self.deadline + read_timeout - self.clock(), min(MIN_ATTEMPT, read_timeout))
        return min(connect_timeout, budget), min(read_timeout, budget)


# ================================================================================= transport


class Response:
    """An answer read completely: status, headers (any case), body bytes, URL."""

    def __init__(self, status_code, headers, content, url):
        self.status_code = status_code
        self.headers = dict((str(name).lower(), value) for name, value in dict(headers or {}).items())
        self.content = content
        self.url = url

    def header(self, name):
        return self.headers.get(name.lower())

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content.decode("utf-8"))


class _Tracker:
    """What the current attempt's connection did: whether it was made (or reused), and a watchdog bounding the answer."""

    def __init__(self, clock):
        self.clock = clock
        self.reached = False
        self.read_timeout = None
        self.fired = False
        self._timer = None

    def start(self, read_timeout):
        self.reached, self.fired, self.read_timeout = False, False, read_timeout

    def connected(self, sock):
        """The connection (TCP, TLS, proxy tunnel) is up: from now on the request may reach the server."""
        self.reached = True
        if self._timer is None and sock is not None and self.read_timeout:
            self._timer = threading.Timer(self.read_timeout, self._expire, args=(sock,))
            self._timer.daemon = True
            self._timer.start()

    def _expire(self, sock):
        """The answer did not complete within read_timeout: cut the connection so the read returns now."""
        self.fired = True
        while sock is not None and not isinstance(sock, socket.socket):
            sock = getattr(sock, "socket", None)  # urllib3's SSLTransport (TLS in TLS) wraps the socket
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self):
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
            timer.join()


def _tracked_classes(tracker):
    """urllib3 pool classes whose connections report to ``tracker`` when they are made or reused."""

    def tracked(base):
        class Tracked(base):
            def connect(self):
                super(Tracked, self).connect()
                tracker.connected(self.sock)

            def request(self, *args, **kwargs):  # pylint: disable=signature-differs
                if self.sock is not None:  # a kept-alive connection: nothing proves the server did not read it
                    tracker.connected(self.sock)
                return super(Tracked, self).request(*args, **kwargs)
        Tracked.__name__ = "Tracked" + base.__name__
        return Tracked

    class HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
        ConnectionCls = tracked(urllib3.connection.HTTPConnection)

    class HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
        ConnectionCls = tracked(urllib3.connection.HTTPSConnection)

    return {"http": HTTPPool, "https": HTTPSPool}


def _adapter(tracker, ssl_context=None):
    """The session's adapter: connections that report to ``tracker``; ``ssl_context`` adds its CAs to requests' bundle."""
    classes = _tracked_classes(tracker)
    extra = {} if ssl_context is None else {"ssl_context": ssl_context}

    class Adapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super(Adapter, self).init_poolmanager(*args, **dict(kwargs, **extra))
            self.poolmanager.pool_classes_by_scheme = classes

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super(Adapter, self).proxy_manager_for(proxy, **dict(proxy_kwargs, **extra))
            if hasattr(manager, "pool_classes_by_scheme"):
                manager.pool_classes_by_scheme = classes
            return manager

    return Adapter()


def _no_auth(prepared):
    """An auth hook that adds nothing: it stops requests from taking credentials from ~/.netrc."""
    return prepared


def _causes(error):
    """The error and what caused it, outermost first (urllib3 and requests nest them in args and ``reason``)."""
    seen, queue = [], [error]
    while queue:
        current = queue.pop(0)
        if not isinstance(current, BaseException) or any(current is known for known in seen):
            continue
        seen.append(current)
        queue.extend([getattr(current, "reason", None), getattr(current, "original_error", None), current.__cause__,
                      current.__context__] + list(current.args))
    return seen


def _first(causes, types):
    return next((cause for cause in causes if isinstance(cause, types)), None)


class Transport:
    """Sends one request at a time on one requests.Session and reads the whole answer within the read timeout.

    ``send`` returns a Response for any HTTP status, or raises TransportError (``sent`` False only when the
    connection was never made: refused, DNS, connect timeout, TLS handshake, a proxy refusing the tunnel).
    """

    def __init__(self, clock=time.monotonic, openssl_trust=False):
        """``openssl_trust``: also trust OpenSSL's default store (SSL_CERT_FILE / SSL_CERT_DIR, else the system's),
        beside the bundle requests verifies against; for ``verify=True`` only."""
        self.tracker = _Tracker(clock)
        self.session = requests.Session()
        self.session.auth = _no_auth
        # urllib3 loads requests' bundle (ca_certs) into this context too, so both are trusted
        adapter = _adapter(self.tracker, ssl.create_default_context() if openssl_trust else None)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def fresh_connections(self):
        """Drop kept-alive connections, so that the next request's "was it sent?" is exact."""
        for adapter in self.session.adapters.values():
            adapter.close()

    def __call__(self, method, url, body=None, headers=None, timeout=None, verify=True):
        connect_timeout, read_timeout = timeout
        self.tracker.start(read_timeout)
        try:
            try:
                with warnings.catch_warnings():
                    # validate_certs: false is warned about once by the module, not on every request by urllib3
                    warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
                    answer = self.session.request(method, url, data=body, headers=headers, verify=verify,
                                                  timeout=(connect_timeout, read_timeout), allow_redirects=False, stream=True)
                    try:
                        content = self._read_body(answer)
                    finally:
                        answer.close()
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError) as error:
                raise self._translated(error)
            if self.tracker.fired:
                raise TransportError("read timed out (the answer did not complete within %.1f s)" % read_timeout, sent=True)
            return Response(answer.status_code, answer.headers, content, url)
        finally:
            self.tracker.stop()

    @staticmethod
    def _read_body(answer):
        chunks, size = [], 0
        for chunk in answer.iter_content(65536):
            size += len(chunk)
            if size > MAX_BODY:
                raise ValueError("the answer is larger than %d bytes" % MAX_BODY)
            chunks.append(chunk)
        return b"".join(chunks)

    def _translated(self, error):
        """The TransportError for a failure of requests/urllib3, with a reason a user can act on."""
        sent = self.tracker.reached
        if self.tracker.fired:
            return TransportError("read timed out (the answer did not complete within %.1f s)" % self.tracker.read_timeout, sent=True)
        causes = _causes(error)
        verification = _first(causes, (ssl.SSLCertVerificationError, ssl.CertificateError))
        if verification is not None:
            detail = getattr(verification, "verify_message", None) or str(verification)
            return TlsError("certificate verification failed: %s" % detail, sent=False)
        if not sent and isinstance(error, requests.exceptions.ProxyError):
            inner = _first(causes, (OSError,)) or error
            return TransportError("the proxy failed or refused the connection: %s" % _describe(inner), sent=False)
        handshake = _first(causes, (ssl.SSLError,))
        if not sent and handshake is not None and not isinstance(handshake, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
            return TlsError("TLS handshake failed: %s" % (handshake.reason or handshake), sent=False)
        if _first(causes, (socket.gaierror, getattr(urllib3.exceptions, "NameResolutionError", socket.gaierror))) is not None:
            return TransportError("name resolution failed", sent=False)
        if not sent and _first(causes, (ConnectionRefusedError,)) is not None:
            return TransportError("connection refused", sent=False)
        timed_out = isinstance(error, requests.exceptions.Timeout) or _first(causes, (socket.timeout, urllib3.exceptions.TimeoutError)) is not None
        if timed_out:
            return TransportError("read timed out" if sent else "connect timed out", sent)
        if isinstance(error, ValueError) and not isinstance(error, requests.exceptions.RequestException):
            return TransportError(str(error), sent)
        innermost = causes[-1] if causes else error
        return TransportError(_describe(innermost), sent)


def _describe(error):
    return "%s: %s" % (type(error).__name__, error)


# ================================================================================= the client


def _is_object_with(*keys, **types):
    """A check that the answer is a JSON object holding each key (of the given type, if named)."""
    def check(document, _response=None):
        if not isinstance(document, dict):
            return "not a JSON object"
        for key in keys:
            if key not in document:
                return "no %r" % key
            wanted = types.get(key)
            if wanted is not None and not isinstance(document[key], wanted):
                return "%r is not %s" % (key, _TYPE_NAMES.get(wanted, wanted))
        return None
    return check


def _count(value):
    """A list's total: a whole number of 0 or more (an int, or a string or float spelling one), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None


def _entry_id(entry, id_key):
    """The id of a list entry (non-empty text or a number), or None when the entry has none or is not an object."""
    value = entry.get(id_key) if isinstance(entry, dict) else None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        return None
    return str(value)


def _paged_answer(items_key, total_key, id_key):
    """A page of a list: a JSON object with the list of entries (each an object with its id) and the list's total."""
    shape = _is_object_with(items_key, total_key, **{items_key: list})

    def check(document, _response=None):
        problem = shape(document)
        if problem is not None:
            return problem
        if _count(document[total_key]) is None:
            return "%r is %r, not a count" % (total_key, document[total_key])
        for index, entry in enumerate(document[items_key]):
            if not isinstance(entry, dict):
                return "%s[%d]: expected a JSON object, got %s" % (items_key, index, type(entry).__name__)
            if _entry_id(entry, id_key) is None:
                return "%s[%d].%s: missing or empty (every entry must carry its id)" % (items_key, index, id_key)
        return None
    return check


_TYPE_NAMES = {dict: "an object", list: "a list"}
CLUSTER_ANSWER = _is_object_with("cluster", cluster=dict)
CLUSTERS_ANSWER = _paged_answer("clusters", "clusterTotal", "clusterId")
HOSTS_ANSWER = _paged_answer("hosts", "total", "id")
NODES_ANSWER = _paged_answer("nodes", "node_total", "node_name")
PROJECTS_ANSWER = _is_object_with("projects", projects=list)
_TOKEN_BODY = _is_object_with("token", token=dict)


def TOKEN_ANSWER(document, response):  # pylint: disable=invalid-name
    """The IAM token answer: a "token" object and the token itself in X-Subject-Token."""
    return _TOKEN_BODY(document) or (None if (response.header("X-Subject-Token") or "").strip() else "without an X-Subject-Token header")


def _resize_answer(document, _response=None):
    """The documented success of the resize: {"result": "succeeded"}."""
    if isinstance(document, dict) and str(document.get("result", "")).strip().lower() == "succeeded":
        return None
    return "not the documented success {\"result\": \"succeeded\"}"


V2_RESULTS = ("succeeded", "success", "failed")


def _v2_scale_answer(document, _response=None):
    """The documented answers of v2 expand/shrink: {"result": "succeeded" | "success" | "failed", "order_id"?}."""
    if isinstance(document, dict) and str(document.get("result", "")).strip().lower() in V2_RESULTS:
        order_id = document.get("order_id")
        if order_id is None or isinstance(order_id, str):
            return None
        return "an order_id that is not a string"
    return "not the documented {\"result\": \"succeeded\" | \"success\" | \"failed\"}"


POLICIES_KEY = "auto_scaling_policies"


def _POLICIES_ANSWER(document, _response=None):  # pylint: disable=invalid-name
    """The policy list: a bare JSON list (the vendor SDK's ShowAutoScalingPolicyResponse, Terraform), or that list
    wrapped as {"auto_scaling_policies": [...]} (Open Telekom Cloud's API example); anything else is unreadable."""
    if isinstance(document, list) or (isinstance(document, dict) and isinstance(document.get(POLICIES_KEY), list)):
        return None
    return 'neither a list of policies nor {"%s": [...]}' % POLICIES_KEY


def _EMPTY_OK(document, _response=None):  # pylint: disable=invalid-name
    """A write of a policy: the SDK's answer models have no fields, so any JSON object (or no body) is the success."""
    return None if isinstance(document, dict) else "not a JSON object"


class MrsClient:
    """Talks to MRS (and IAM for tokens and project ids), one request at a time.

    Reads (and the IAM token request) are retried with jittered exponential back-off on 429 (honouring
    Retry-After), 5xx, redirects, unreadable answers and connection errors, ``retries`` times at most and
    never past ``deadline``. A resize (v1.1 PUT, v2 expand or shrink) is sent again only on 429 or when its connection
    was never made.

    ``deadline``: a ``clock()`` value (``time.monotonic()`` by default) or None, set by the caller.
    ``auth_method``: how this client authenticates: token, aksk, temporary_aksk or password.
    """

    def __init__(self, settings, send=None, sleep=time.sleep, jitter=random.random, clock=time.monotonic):
        if send is None and not HAS_REQUESTS:
            raise MrsError("the Python library requests is required (pip install requests)")
        self.settings = settings.validate()
        if not (settings.endpoint or settings.region):
            raise MrsError("region is required unless endpoint is given (HW_REGION_NAME)")
        self.auth_method = settings.auth_method()
        self.endpoint = _checked_url("endpoint", settings.endpoint or mrs_endpoint(settings.region)).rstrip("/")
        self.iam = _normalise_iam_url(_checked_url("iam_endpoint", settings.iam_endpoint or iam_endpoint(settings.region or "")))
        self.verify = (settings.ca_bundle or True) if settings.validate_certs else False
        tls = any(url.startswith("https://") for url in (self.endpoint, self.iam))
        self._send = send if send is not None else Transport(clock, openssl_trust=tls and self.verify is True and openssl_trust_named())
        self.retry = RetryPolicy(settings.retries, clock=clock, sleep=sleep, jitter=jitter)
        self._project_id = settings.project_id
        self.on_secret = None  # called with every secret learnt at run time (the IAM token), e.g. to add it to no_log
        self._auth = self._authenticator()

    @property
    def deadline(self):
        return self.retry.deadline

    @deadline.setter
    def deadline(self, value):
        self.retry.deadline = value

    def _authenticator(self):
        settings = self.settings
        if self.auth_method == "token":
            return Token(settings.auth_token)
        if self.auth_method == "temporary_aksk":
            return TemporaryAkSk(settings.access_key, settings.secret_key, settings.security_token)
        if self.auth_method == "aksk":
            return AkSk(settings.access_key, settings.secret_key)
        return Password(self._password_token)

    # ----------------------------------------------------------------------------- MRS routes

    def get_cluster(self, cluster_id):
        return self._mrs("GET", "/cluster_infos/%s" % _segment(cluster_id), expect=CLUSTER_ANSWER)["cluster"]

    def list_clusters(self, cluster_name=None, cluster_state=None):
        """Every cluster matching the filters, across pages, each once (``_read_list``)."""
        filters = dict((key, value) for key, value in (("clusterName", cluster_name), ("clusterState", cluster_state)) if value)
        return self._read_v11_list("/cluster_infos", filters, "clusters", "clusterTotal", "clusterId", "the cluster list", "cluster")

    def list_hosts(self, cluster_id, expected=None):
        """Every host of the cluster, across pages, each once (``_read_list``).

        ``expected``: the cluster's node count as its answer gives it (``_paging.cluster_node_total``), or None; the
        list must hold exactly that many hosts.
        """
        return self._read_v11_list("/clusters/%s/hosts" % _segment(cluster_id), {}, "hosts", "total", "id",
                                   "the host list of cluster %s" % cluster_id, "host",
                                   expected=_paging.Expected(expected, "the cluster answer's node count"))

    def resize(self, cluster_id, body):
        """Send one resize. Raises ResizeOutcomeUnknown when the request may have been applied unseen."""
        return self._mrs("PUT", "/cluster_infos/%s" % _segment(cluster_id), body=body, idempotent=False, expect=_resize_answer)

    def expand(self, cluster_id, body):
        """Send one v2 expand (``POST /v2/{project_id}/clusters/{id}/expand``), never re-sent once it may have arrived.

        Returns ``{"result": ..., "order_id": str or None}``; ``order_id`` only for a yearly/monthly group, whose nodes
        come once the order is paid. Raises ResizeOutcomeUnknown as ``resize`` does, MrsError for ``"result": "failed"``.
        """
        return self._v2_scale("expand", cluster_id, body)

    def shrink(self, cluster_id, body):
        """Send one v2 shrink (``POST /v2/{project_id}/clusters/{id}/shrink``); the same guarantees as ``expand``."""
        return self._v2_scale("shrink", cluster_id, body)

    def _v2_scale(self, action, cluster_id, body):
        path = "/v2/%s/clusters/%s/%s" % (self.project_id, _segment(cluster_id), action)
        answer = self._call(self.endpoint, "POST", path, body=body, idempotent=False, project_scoped=True, expect=_v2_scale_answer)[0]
        result = str(answer["result"]).strip().lower()
        if result == "failed":
            raise MrsError("POST %s answered {\"result\": \"failed\"}: MRS did not accept the %s; check the cluster's operation "
                           "log in the MRS console before running the task again" % (path, action))
        order_id = answer.get("order_id") or None
        return {"result": result, "order_id": order_id}

    # ..... inventory (#15): the clusters by tag, the v2 node list with components

    def list_tagged_clusters(self, tags):
        """Every cluster carrying all of tags ({key: value or None for the key alone}), across pages, each once."""
        wanted = ",".join(key if value in (None, "") else "%s*%s" % (key, value) for key, value in sorted(tags.items()))
        filters = {"tags": wanted} if wanted else {}
        return self._read_v11_list("/cluster_infos", filters, "clusters", "clusterTotal", "clusterId", "the cluster list", "cluster")

    def list_nodes(self, cluster_id, node_group=None, ecs_detail=False, expected=None):
        """Every node of the cluster (of ``node_group`` only, when given) with its components, across pages, each once
        (``GET /v2/{project_id}/clusters/{id}/nodes``, ``_read_list``).

        The route pages by ``limit`` and ``offset``, read as the page number from 1 (the vendor SDK's default of 1). MRS
        lists a node's components only with ``query_node_detail=true``, which is always sent (every reader of the list
        needs them: the DataNode minimum of a custom group, ``include_nodes``, the inventory), and its ``cpu`` / ``mem``
        only with ``query_ecs_detail=true``, sent when ``ecs_detail`` asks (where they are shown). ``node_group`` is
        also filtered here, so a name the route's filter does not take (3 to 14 characters) is filtered here only.
        ``expected``: the count the cluster answer gives for these nodes (the cluster's, or the group's), or None.
        """
        filters = {"query_node_detail": "true"}
        if ecs_detail:
            filters["query_ecs_detail"] = "true"
        low, high = NODE_GROUP_FILTER_LENGTHS
        if node_group is not None and low <= len(node_group) <= high:
            filters["node_group"] = node_group
        path = "/v2/%s/clusters/%s/nodes" % (self.project_id, _segment(cluster_id))
        what = "the v2 node list of cluster %s%s" % (cluster_id, "" if node_group is None else ", group %s" % node_group)
        keep = None if node_group is None else (lambda node: node.get("node_group_name") == node_group)
        source = "the cluster answer's node count" if node_group is None else "the cluster answer's count of group %s" % node_group
        return self._read_list(path, filters, lambda page: dict(limit=PAGE_SIZE, offset=page), "nodes", "node_total", "node_name",
                               what, "node", expected=_paging.Expected(expected, source), keep=keep)

    # auto-scaling policies (v2): one GET lists every group's policy; the writes answer an empty object (or nothing)

    def _policy_call(self, method, cluster_id, body=None, idempotent=True, expect=None):
        path = "/v2/%s/autoscaling-policy/%s" % (self.project_id, _segment(cluster_id))
        return self._call(self.endpoint, method, path, body=body, idempotent=idempotent, project_scoped=True, expect=expect)[0]

    def list_policies(self, cluster_id):
        """Every auto-scaling policy of the cluster: [{node_group_name, resource_pool_name, auto_scaling_policy}], whether
        MRS answers the bare list or wraps it in {"auto_scaling_policies": [...]}."""
        document = self._policy_call("GET", cluster_id, expect=_POLICIES_ANSWER)
        return document if isinstance(document, list) else document[POLICIES_KEY]

    def create_policy(self, cluster_id, body):
        """Send one policy create (so update and delete): never sent again once it may have arrived. ResizeOutcomeUnknown
        when its answer was lost (a 5xx, an unreadable 2xx, a redirect, a reset after sending): the caller settles it by
        reading the policies back."""
        return self._policy_call("POST", cluster_id, body=body, idempotent=False, expect=_EMPTY_OK)

    def update_policy(self, cluster_id, body):
        return self._policy_call("PUT", cluster_id, body=body, idempotent=False, expect=_EMPTY_OK)

    def delete_policy(self, cluster_id, node_group, resource_pool):
        body = {"node_group_name": node_group, "resource_pool_name": resource_pool}
        return self._policy_call("DELETE", cluster_id, body=body, idempotent=False, expect=_EMPTY_OK)

    # ----------------------------------------------------------------------------- plumbing

    @property
    def project_id(self):
        if not self._project_id:
            self._project_id = self._discover_project_id()
        return self._project_id

    def _mrs(self, method, route, query=None, body=None, idempotent=True, expect=None):
        path = "/v1.1/%s%s" % (self.project_id, route)
        return self._call(self.endpoint, method, path, query, body, idempotent, project_scoped=True, expect=expect)[0]

    def _read_v11_list(self, route, filters, items_key, total_key, id_key, what, noun, expected=None):
        path = "/v1.1/%s%s" % (self.project_id, route)
        return self._read_list(path, filters, lambda page: dict(pageSize=PAGE_SIZE, currentPage=page), items_key, total_key,
                               id_key, what, noun, expected=expected)

    def _read_list(self, path, filters, paging, items_key, total_key, id_key, what, noun, expected=None, keep=None):
        """Every distinct entry of a paged list, through the one paged reader (``_paging.read_all``): each entry once by
        its id, the count checked against the list's total and ``expected``, one re-read from page 1 when they
        disagree, then a failure naming the list. A page whose entries lack their id, or whose total is no count, is
        an unreadable answer, retried like any other."""
        expect = _paged_answer(items_key, total_key, id_key)

        def fetch(page):
            answer = self._call(self.endpoint, "GET", path, dict(filters, **paging(page)), project_scoped=True, expect=expect)[0]
            return answer[items_key], _count(answer[total_key])

        return _paging.read_all(fetch, lambda entry: _entry_id(entry, id_key), "%s (GET %s)" % (what, path), noun,
                                expected=None if expected is None or expected.count is None else expected, keep=keep)

    def _call(self, base, method, path, query=None, body=None, idempotent=True, project_scoped=False, expect=None, auth=True):
        """(document, response) of a documented success; raise the error that says what happened otherwise."""
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        query_string = _signer.canonical_query_from_pairs((query or {}).items())
        url = base + path + ("?" + query_string if query_string else "")
        route = "%s %s" % (method, path)
        attempt = 0
        while True:
            headers = {"Content-Type": "application/json"}
            if project_scoped:
                headers["X-Project-Id"] = self.project_id
            if auth:
                headers = self._auth.headers(Request(method, url, payload, headers))
            headers["User-Agent"] = USER_AGENT  # after signing, so a proxy may rewrite it
            failure, retry_after = None, None
            if not idempotent and hasattr(self._send, "fresh_connections"):
                self._send.fresh_connections()
            try:
                response = self._send(method, url, body=payload or None, headers=headers, verify=self.verify,
                                      timeout=self.retry.attempt_limits(self.settings.connect_timeout, self.settings.read_timeout))
            except TlsError as error:
                raise MrsError(self._mask("TLS verification of %s failed (%s): give ca_bundle, or validate_certs: false only for a "
                                          "test endpoint" % (base, error.reason)))
            except TransportError as error:
                # A request whose connection was never made did not reach the server: even the resize may be sent again.
                if error.sent and not idempotent:
                    raise ResizeOutcomeUnknown(self._mask("%s failed: %s; the request may or may not have been applied"
                                                          % (route, error.reason)))
                failure = TransientError(self._mask("%s failed: %s after %d retries; check endpoint, proxy and network"
                                                    % (route, error.reason, attempt)))
            else:
                status = response.status_code
                if 200 <= status < 300:
                    document, problem = self._document(response, expect)
                    if problem is None:
                        return document, response
                    if not idempotent:
                        raise ResizeOutcomeUnknown(self._mask("%s answered HTTP %d with a body that is %s; the request may or may "
                                                              "not have been applied" % (route, status, problem)))
                    failure = TransientError(self._mask("%s answered HTTP %d with an unreadable answer (%s) after %d retries"
                                                        % (route, status, problem, attempt)))
                elif 300 <= status < 400 or status < 200:
                    where = response.header("Location")
                    if not idempotent:
                        raise ResizeOutcomeUnknown(self._mask("%s answered HTTP %d%s, which is never followed; the request may or "
                                                              "may not have been applied" % (route, status, " to %s" % where if where else "")))
                    failure = TransientError(self._mask("%s answered HTTP %d%s, which is never followed, after %d retries; check "
                                                        "the endpoint" % (route, status, " to %s" % where if where else "", attempt)))
                elif status == 401 and auth and self._auth.refresh():
                    continue  # the token expired during a long run: a new one, once
                elif status == 429 or (status >= 500 and idempotent):
                    failure = self._api_error(response, method, path)
                    retry_after = response.header("Retry-After")
                elif status >= 500:
                    # A gateway may answer 5xx after MRS accepted the resize: only the cluster can tell.
                    raise ResizeOutcomeUnknown("%s; the request may or may not have been applied" % self._api_error(response, method, path))
                else:
                    raise self._api_error(response, method, path)
            if attempt >= self.settings.retries:
                raise failure
            try:
                self.retry.pause(attempt, retry_after)
            except OutOfTime as out:
                raise _with_note(failure, "; no retry: %s" % out)
            attempt += 1

    @staticmethod
    def _document(response, expect):
        if expect is _EMPTY_OK and not (response.content or b"").strip():
            return {}, None
        try:
            document = response.json()
        except ValueError:
            return None, "not JSON"
        problem = expect(document, response) if expect is not None else None
        return document, problem

    def _secrets(self):
        token = getattr(self._auth, "token", None)
        values = self.settings.secret_values() + ([token] if token else [])
        return sorted(set(values), key=len, reverse=True)

    def _mask(self, text):
        return mask_secrets(text, self._secrets())

    def _api_error(self, response, method, path):
        """The API error of an answer, every part of it masked before anything is cut (``parse_error`` cuts a long body)."""
        return parse_error(response.status_code, response.text, response.header("X-Request-Id"), method, path, mask=self._mask)

    # ----------------------------------------------------------------------------- IAM

    def _password_token(self):
        """A project-scoped token from IAM; scoped by project id when known, else by the region's name."""
        if not (self._project_id or self.settings.region):
            raise MrsError("project_id or region is required for IAM password authentication")
        scope = {"id": self._project_id} if self._project_id else {"name": self.settings.region}
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": self.settings.user_name, "password": self.settings.password,
                "domain": {"name": self.settings.domain_name}}}},
            "scope": {"project": scope}}}

        document, response = self._call(self.iam, "POST", "/v3/auth/tokens", body=body, expect=TOKEN_ANSWER, auth=False)
        token = response.header("X-Subject-Token").strip()
        if self.on_secret is not None:
            self.on_secret(token)
        if not self._project_id:
            project = document["token"].get("project")
            self._project_id = project.get("id") if isinstance(project, dict) else None
        return token

    def _discover_project_id(self):
        if self.auth_method == "password":
            self._auth.headers(Request("POST", self.iam, b"", {}))  # obtains the token, which names the project
            if self._project_id:
                return self._project_id
        if not self.settings.region:
            raise MrsError("project_id is required when region is not given (HW_PROJECT_ID)")
        document = self._call(self.iam, "GET", "/v3/projects", query={"name": self.settings.region}, expect=PROJECTS_ANSWER)[0]
        projects = document["projects"]
        if len(projects) != 1:
            raise MrsError("found %d projects named %r in IAM; give project_id explicitly" % (len(projects), self.settings.region))
        project_id = projects[0].get("id") if isinstance(projects[0], dict) else None
        if not isinstance(project_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", project_id):
            raise MrsError("IAM answered GET /v3/projects with a project without a usable id; give project_id explicitly")
        return project_id


def _segment(value):
    """A path segment: an id is quoted so that it can never change the route."""
    return quote(str(value), safe="")


def _with_note(error, note):
    if hasattr(error, "describe"):
        error.message = error.message + note
        error.args = (error.describe(),)
    else:
        error.args = ((error.args[0] if error.args else "") + note,)
    return error
