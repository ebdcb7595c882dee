# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The requests transport: one ``requests.Session``, one request at a time, the whole answer read within the read
timeout, and for every failure whether the request can have reached the server (``failures`` says what it was).

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
        """The TransportError for a failure of requests/urllib3, with a reason a user can act on (``failures``)."""
        if self.tracker.fired:
            return TransportError("read timed out (the answer did not complete within %.1f s)" % self.tracker.read_timeout, sent=True)
        # Imported on the first failure only: AnsiballZ compiles every line a task imports, on every task, and a task whose
        # requests succeed needs none of the rules (docs/performance.md).
        from ansible_collections.hwcloud.mrs.plugins.module_utils._connection import failures  # pylint: disable=import-outside-toplevel
        return failures.transport_error(error, self.tracker.reached)
