# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The requests transport: one ``requests.Session``, one request at a time, the whole answer read within the read
timeout, and for every failure whether the request can have reached the server.

PRIVATE to the collection: no compatibility promise outside it.

Knowing whether a connection was made takes urllib3's connection classes: the pools of the session's adapter use
subclasses that report ``connect()`` (``PoolManager.pool_classes_by_scheme``, ``HTTPConnectionPool.ConnectionCls``).
These are urllib3 internals; tests/unit/plugins/module_utils/test_transport_urllib3.py runs this file's tests under
every urllib3 line requests supports (1.26 and 2.x), so a change there fails a test, not a user.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import socket
import ssl
import threading
import time
import traceback
import warnings
from urllib.parse import urlsplit

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError

try:
    import requests
    import requests.adapters
    import requests.exceptions
    import urllib3.connection
    import urllib3.connectionpool
    import urllib3.exceptions
    import urllib3.util.ssl_
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

MAX_BODY = 16 * 1024 * 1024  # bytes of an answer at most: a host page is a few kB


class TransportError(MrsError):
    """No answer came. ``sent`` is False only when the connection was provably never made; ``refused`` says the host
    itself refused the connection (nothing listens on that port)."""

    def __init__(self, reason, sent, refused=False):
        super(TransportError, self).__init__(reason)
        self.reason = reason
        self.sent = sent
        self.refused = refused


class TlsError(TransportError):
    """The endpoint's certificate was refused (or the handshake failed for good): retrying cannot help."""


def address(url):
    """(host, port) of a URL, the port from its scheme when the URL names none."""
    parts = urlsplit(url)
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def is_loopback(host):
    """Whether ``host`` is this machine: 127.0.0.0/8, ::1 or localhost."""
    if str(host).lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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


def _openssl_trust_context():
    """A TLS context that trusts OpenSSL's default store (SSL_CERT_FILE / SSL_CERT_DIR, else the system's); urllib3
    loads requests' bundle into it too. urllib3 makes it, so that it checks host names as urllib3 expects of its
    contexts in each version (1.26 matches them itself and refuses a context that asks OpenSSL to)."""
    context = urllib3.util.ssl_.create_urllib3_context()
    context.load_default_certs()
    return context


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


def _verification_failure(causes):
    """Why the certificate was refused, or None. urllib3 1.26 matches host names itself and raises its own
    CertificateError (a ValueError, not ssl's), which only ever means a host name mismatch."""
    verification = _first(causes, (ssl.SSLCertVerificationError, ssl.CertificateError))
    if verification is not None:
        return getattr(verification, "verify_message", None) or str(verification)
    mismatch = next((cause for cause in causes if type(cause).__name__ == "CertificateError"), None)
    return None if mismatch is None else "Hostname mismatch: %s" % mismatch


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
        adapter = _adapter(self.tracker, _openssl_trust_context() if openssl_trust else None)
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
                raise self._translated(error) from error
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
        for rule in _FAILURES:
            found = rule(error, causes, sent)
            if found is not None:
                return found
        return TransportError(_describe(causes[-1] if causes else error), sent)


# What a failure of requests/urllib3 was, first match wins: rule(error, causes, sent) -> TransportError or None.


def _refused_certificate(_error, causes, _sent):
    verification = _verification_failure(causes)
    return None if verification is None else TlsError("certificate verification failed: %s" % verification, sent=False)


def _proxy_failure(error, causes, sent):
    if sent or not isinstance(error, requests.exceptions.ProxyError):
        return None
    return TransportError("the proxy failed or refused the connection: %s" % _describe(_first(causes, (OSError,)) or error), sent=False)


def _failed_handshake(_error, causes, sent):
    handshake = _first(causes, (ssl.SSLError,))
    if sent or handshake is None or isinstance(handshake, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        return None  # an EOF in the handshake is a server dropping the connection: not a TLS refusal
    return TlsError("TLS handshake failed: %s" % (handshake.reason or handshake), sent=False)


def _unresolved_name(_error, causes, _sent):
    if _first(causes, (socket.gaierror, getattr(urllib3.exceptions, "NameResolutionError", socket.gaierror))) is None:
        return None
    return TransportError("name resolution failed", sent=False)


def _refused_connection(_error, causes, sent):
    if sent or _first(causes, (ConnectionRefusedError,)) is None:
        return None
    return TransportError("connection refused", sent=False, refused=True)


def _timed_out(error, causes, sent):
    if not (isinstance(error, requests.exceptions.Timeout) or _first(causes, (socket.timeout, urllib3.exceptions.TimeoutError))):
        return None
    return TransportError("read timed out" if sent else "connect timed out", sent)


def _local_value_error(error, _causes_, sent):
    """A ValueError of our own (the answer too large) or of the HTTP library (a header value it refuses)."""
    if isinstance(error, ValueError) and not isinstance(error, requests.exceptions.RequestException):
        return TransportError(str(error), sent)
    return None


_FAILURES = (_refused_certificate, _proxy_failure, _failed_handshake, _unresolved_name, _refused_connection, _timed_out,
             _local_value_error)


def _describe(error):
    return "%s: %s" % (type(error).__name__, error)
