# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The requests transport and the client against real sockets on 127.0.0.1: what reaches the server, what
comes back, whether a failed request counts as sent, bounded reads, TLS verification (certifi unless
ca_bundle; REQUESTS_CA_BUNDLE), proxies from the environment (https:// proxies included), and the client's
handling of redirects, unreadable answers and IAM faults over the wire.

Every server here runs in threads of this process and is shut down by its fixture; no test leaves a
thread behind (checked after each test).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import collections
import http.server
import json
import select
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils import _client
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection import call
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import TlsError, Transport, TransportError
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, TransientError

trustme = pytest.importorskip("trustme")

TIMEOUT = (2.0, 2.0)  # for requests that are answered at once: generous, never waited for
PROXY_VARIABLES = ("http_proxy", "https_proxy", "no_proxy", "all_proxy", "requests_ca_bundle", "curl_ca_bundle", "netrc")
TUNNEL_TARGET = "mrs.example.invalid"  # not resolvable: reaching it at all proves the proxy was used

Seen = collections.namedtuple("Seen", "method target headers body")


@pytest.fixture(autouse=True)
def no_proxy_from_the_machine(monkeypatch):
    """Proxy variables of the machine running the tests would change where requests go."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(autouse=True)
def no_thread_left_behind():
    before = set(threading.enumerate())
    yield
    left = [thread for thread in threading.enumerate() if thread not in before and thread.is_alive()]
    assert not left, "threads left running: %r" % left


# ------------------------------------------------------------------------------------- servers


class _Handler(http.server.BaseHTTPRequestHandler):
    """Records each request and answers with the server's ``answer``; CONNECT opens a tunnel to 127.0.0.1."""

    timeout = 5  # no handler thread can outlive a stuck client by more than this

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append(Seen(self.command, self.path, self.headers, body))

    def _answer(self):
        self._record()
        status, headers, content = self.server.next_answer()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_PUT = do_POST = do_DELETE = _answer

    def do_CONNECT(self):
        self._record()
        if self.server.connect_status != 200:
            self.send_response(self.server.connect_status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        port = int(self.path.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as upstream:  # every name leads here
            _pump(self.connection, upstream)

    def log_message(self, *args):
        pass


def _pump(one, other):
    """Copy bytes both ways until either side closes (TLS sockets may hold decrypted bytes select cannot see)."""
    while True:
        pending = [side for side in (one, other) if isinstance(side, ssl.SSLSocket) and side.pending()]
        readable = pending or select.select([one, other], [], [], 5)[0]
        if not readable:
            return
        for source in readable:
            data = source.recv(65536)
            if not data:
                return
            (other if source is one else one).sendall(data)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = False  # so that server_close() joins the handler threads
    block_on_close = True

    def __init__(self, answers, connect_status):
        super(_Server, self).__init__(("127.0.0.1", 0), _Handler)
        self.port = self.server_address[1]
        self.answers = list(answers)
        self.connect_status = connect_status
        self.seen = []

    def next_answer(self):
        """The scripted answers in turn; the last one again and again."""
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def handle_error(self, request, client_address):
        pass  # a client that refused our certificate, for instance: the test asserts on the client's side


@pytest.fixture(name="serve")
def serve_fixture():
    """Start an HTTP (or, given a server TLS context, HTTPS) server recording what it receives."""
    running = []

    def start(status=200, headers=None, content=b"", context=None, connect_status=200, answers=None):
        """``answers``: a list of (status, headers, content) to give in turn instead of one answer."""
        answers = [(code, dict(extra or {}), body) for code, extra, body in answers] if answers else [(status, dict(headers or {}), content)]
        server = _Server(answers, connect_status)
        if context is not None:
            # The handshake happens in the handler thread, on the first read, never in the accepting one.
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        thread = threading.Thread(target=server.serve_forever, kwargs=dict(poll_interval=0.02))
        thread.start()
        running.append((server, thread))
        return server

    yield start
    for server, thread in running:
        server.shutdown()
        thread.join()
        server.server_close()


def _read_request(connection):
    """The bytes of one request (head and Content-Length body) from a raw connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _separator, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class _RawServer:
    """Accepts connections on 127.0.0.1 and hands each to ``behaviour(connection, server)`` in a thread."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.received = []
        self.release = threading.Event()  # set at teardown: a behaviour waiting on it stops waiting
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.02)
        self.port = self.listener.getsockname()[1]
        self.threads = []
        self.acceptor = threading.Thread(target=self._accept)
        self.acceptor.start()

    def _accept(self):
        while not self.release.is_set():
            try:
                connection, _address = self.listener.accept()
            except socket.timeout:
                continue
            thread = threading.Thread(target=self._handle, args=(connection,))
            thread.start()
            self.threads.append(thread)

    def _handle(self, connection):
        with connection:
            connection.settimeout(5)
            try:
                self.behaviour(connection, self)
            except OSError:
                pass  # the client gave up first: that is what some tests are about

    def stop(self):
        self.release.set()
        self.acceptor.join()
        for thread in self.threads:
            thread.join()
        self.listener.close()


@pytest.fixture(name="raw_server")
def raw_server_fixture():
    """Start a server that misbehaves as ``behaviour(connection, server)`` says."""
    running = []

    def start(behaviour):
        server = _RawServer(behaviour)
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()


def read_then_close(connection, server):
    server.received.append(_read_request(connection))


def read_then_answer_late(delay):
    def behaviour(connection, server):
        server.received.append(_read_request(connection))
        server.release.wait(delay)
        connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nlate")
    return behaviour


def hold_silently(_connection, server):
    server.release.wait(5)


def close_at_once(connection, server):
    """Accept, then close before reading anything of the request."""
    server.received.append(b"")
    connection.shutdown(socket.SHUT_RDWR)


def close_after_the_client_hello(connection, server):
    server.received.append(connection.recv(65536))  # read first: closing on unread data would be a reset, not an EOF


def drip(head, body, pause=0.2):
    """Read the request, then send ``head`` and ``body`` one byte per ``pause`` seconds (until the client gives up)."""
    def behaviour(connection, server):
        server.received.append(_read_request(connection))
        for byte in head + body:
            if server.release.wait(pause):
                return
            connection.sendall(bytes([byte]))
    return behaviour


# ------------------------------------------------------------------------------------- TLS material


@pytest.fixture(name="authority", scope="module")
def authority_fixture():
    return trustme.CA()


@pytest.fixture(name="ca_file", scope="module")
def ca_file_fixture(authority, tmp_path_factory):
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(name="stranger_file", scope="module")
def stranger_file_fixture(tmp_path_factory):
    path = tmp_path_factory.mktemp("stranger") / "stranger.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


def server_context(authority, *names):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(*names).configure_cert(context)
    return context


@pytest.fixture(name="https_server")
def https_server_fixture(serve, authority):
    """An HTTPS server whose certificate, from ``authority``, names 127.0.0.1."""
    return serve(content=b"secure", context=server_context(authority, "127.0.0.1"))


@pytest.fixture(name="send")
def send_fixture():
    return Transport()


# ------------------------------------------------------------------------------------- requests and answers


def test_get_reaches_the_server_with_its_path_query_and_headers(serve, send):
    """Method, path, query (percent-escapes kept), Host and a custom header arrive as given."""
    server = serve(headers={"X-Request-Id": "req-42", "Content-Type": "application/json"},
                   content=json.dumps({"cluster": {"clusterId": "c-1"}}).encode("utf-8"))
    url = "http://127.0.0.1:%d/v1.1/p-1/cluster_infos?clusterName=a%%20b&pageSize=100" % server.port
    response = send("GET", url, headers={"X-Auth-Token": "token-1", "Content-Type": "application/json"}, timeout=TIMEOUT)

    seen, = server.seen
    assert (seen.method, seen.target, seen.body) == ("GET", "/v1.1/p-1/cluster_infos?clusterName=a%20b&pageSize=100", b"")
    assert seen.headers["X-Auth-Token"] == "token-1"
    assert seen.headers["Host"] == "127.0.0.1:%d" % server.port
    assert response.status_code == 200
    assert response.json() == {"cluster": {"clusterId": "c-1"}}
    assert response.url == url


def test_answer_headers_are_read_whatever_their_case(serve, send):
    server = serve(headers={"X-Request-Id": "req-42", "Retry-After": "3"})
    response = send("GET", "http://127.0.0.1:%d/" % server.port, timeout=TIMEOUT)
    assert response.header("x-request-id") == "req-42"
    assert response.header("X-REQUEST-ID") == "req-42"
    assert response.header("retry-after") == "3"
    assert response.header("X-Missing") is None


def test_put_delivers_its_body_intact(serve, send):
    """A resize body with non-ASCII text arrives byte for byte, with its Content-Length; the answer's text decodes."""
    body = json.dumps({"parameters": {"order_id": "", "scale_type": "scale_out", "instances": "4",
                                      "node_id": "node_orderadd", "comment": "Knoten \u00fcber"}}).encode("utf-8")
    server = serve(content="accept\u00e9".encode("utf-8"))
    response = send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=body,
                    headers={"Content-Type": "application/json;charset=UTF-8"}, timeout=TIMEOUT)

    seen, = server.seen
    assert (seen.method, seen.target, seen.body) == ("PUT", "/v1.1/p-1/cluster_infos/c-1", body)
    assert seen.headers["Content-Length"] == str(len(body))
    assert seen.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert response.content == "accept\u00e9".encode("utf-8")
    assert response.text == "accept\u00e9"


@pytest.mark.parametrize("status", [301, 302, 307, 400, 404, 429, 500, 503])
def test_any_status_is_returned_as_a_response_and_a_redirect_is_never_followed(serve, send, status):
    error = {"error_code": "MRS.0011", "error_msg": "Cluster c-1 is busy"}
    server = serve(status=status, headers={"X-Request-Id": "req-7", "Location": "/elsewhere"}, content=json.dumps(error).encode("utf-8"))
    response = send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b"{}", timeout=TIMEOUT)
    assert response.status_code == status
    assert response.json() == error
    assert response.header("x-request-id") == "req-7"
    assert [seen.target for seen in server.seen] == ["/v1.1/p-1/cluster_infos/c-1"]


def test_credentials_in_netrc_are_never_sent(serve, send, monkeypatch, tmp_path):
    """requests reads ~/.netrc (or $NETRC) for a host without auth: the client must not send those credentials."""
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password netrc-secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    server = serve()
    send("GET", "http://127.0.0.1:%d/" % server.port, headers={"X-Auth-Token": "token-1"}, timeout=TIMEOUT)
    seen, = server.seen
    assert "Authorization" not in seen.headers


# ------------------------------------------------------------------------------------- was it sent?


def _refusing_port():
    """A port bound but not listening: connecting to it is refused. The caller closes the socket."""
    bound = socket.socket()
    bound.bind(("127.0.0.1", 0))
    return bound, bound.getsockname()[1]


def test_refused_connection_is_not_sent(send):
    """A port nobody listens on: the server got nothing, so even the resize may be sent again."""
    bound, port = _refusing_port()
    with bound:
        with pytest.raises(TransportError) as caught:
            send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % port, body=b"{}", timeout=TIMEOUT)
    assert caught.value.sent is False
    assert caught.value.reason == "connection refused"
    assert not isinstance(caught.value, TlsError)


def test_name_that_does_not_resolve_is_not_sent(send):
    with pytest.raises(TransportError) as caught:
        send("PUT", "http://%s/v1.1/p-1/cluster_infos/c-1" % TUNNEL_TARGET, body=b"{}", timeout=TIMEOUT)
    assert caught.value.sent is False
    assert caught.value.reason == "name resolution failed"


def test_connect_timeout_is_not_sent(send):
    """A listener whose backlog is full never completes the handshake: "connect timed out", not sent."""
    listener = socket.socket()
    fillers = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _attempt in range(8):  # fill the accept queue until a connect is ignored (Linux: after one)
            filler = socket.socket()
            fillers.append(filler)
            filler.settimeout(0.1)
            try:
                filler.connect(("127.0.0.1", port))
            except socket.timeout:
                break
        else:
            pytest.skip("this system completes connections beyond a full backlog: no deterministic connect timeout")
        started = time.monotonic()
        with pytest.raises(TransportError) as caught:
            send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % port, body=b"{}", timeout=(0.3, 5.0))
        elapsed = time.monotonic() - started
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
    assert caught.value.sent is False
    assert caught.value.reason == "connect timed out"
    assert elapsed < 2.0  # the connect timeout, not the read timeout


def test_tls_endpoint_that_never_handshakes_times_out_as_not_sent(raw_server, send, ca_file):
    """The TLS handshake is part of connecting: nothing of the request left before it completed
    (urllib3 calls this a read timeout; the connection hook knows better)."""
    server = raw_server(hold_silently)
    with pytest.raises(TransportError) as caught:
        send("PUT", "https://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b"{}", verify=ca_file,
             timeout=(0.3, 5.0))
    assert caught.value.sent is False
    assert caught.value.reason == "connect timed out"


def test_tls_endpoint_dropping_the_handshake_is_not_sent_and_not_a_tls_error(raw_server, send, ca_file):
    """A load balancer closing mid-handshake: retryable (not TlsError), and the request was not sent."""
    server = raw_server(close_after_the_client_hello)
    with pytest.raises(TransportError) as caught:
        send("PUT", "https://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b"{}", verify=ca_file, timeout=TIMEOUT)
    assert caught.value.sent is False
    assert not isinstance(caught.value, TlsError)
    assert server.received[0][:1] == b"\x16"  # a TLS handshake record: the client did start the handshake


@pytest.mark.parametrize("behaviour", [read_then_close, close_at_once], ids=["after-reading", "before-reading"])
def test_server_that_accepts_then_closes_counts_as_sent(raw_server, send, behaviour):
    """The connection was made: whether the server read (and applied) the request, the client cannot know."""
    server = raw_server(behaviour)
    with pytest.raises(TransportError) as caught:
        send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b'{"instances": "4"}', timeout=TIMEOUT)
    assert caught.value.sent is True
    assert not isinstance(caught.value, TlsError)
    if behaviour is read_then_close:
        request, = server.received
        assert request.startswith(b"PUT /v1.1/p-1/cluster_infos/c-1 HTTP/1.1\r\n")
        assert request.endswith(b'\r\n\r\n{"instances": "4"}')


def test_answer_slower_than_the_read_timeout_counts_as_sent(raw_server, send):
    server = raw_server(read_then_answer_late(5.0))
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b"{}", timeout=(5.0, 0.3))
    elapsed = time.monotonic() - started
    assert caught.value.sent is True
    assert caught.value.reason.startswith("read timed out")
    assert 0.25 < elapsed < 2.0  # the read timeout, not the connect timeout
    assert len(server.received) == 1


def test_read_timeout_not_connect_timeout_bounds_the_wait_for_the_answer(raw_server, send):
    """An answer later than the connect timeout but within the read timeout is received."""
    server = raw_server(read_then_answer_late(0.4))
    response = send("GET", "http://127.0.0.1:%d/" % server.port, timeout=(0.1, 3.0))
    assert (response.status_code, response.content) == (200, b"late")


@pytest.mark.parametrize("head, body", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n", b'{"cluster": {"clusterId": "c-1", "clusterName": "drip-fed-x"}}'),
    (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"x" * 40 + b"\r\n\r\n", b"{}"),
], ids=["body", "headers"])
def test_a_drip_fed_answer_is_cut_at_the_read_timeout(raw_server, send, head, body):
    """A byte every 0.2 s keeps every single read alive; the whole answer must still come within read_timeout."""
    server = raw_server(drip(head, body))
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        send("GET", "http://127.0.0.1:%d/" % server.port, timeout=(2.0, 1.0))
    elapsed = time.monotonic() - started
    assert caught.value.sent is True and caught.value.reason.startswith("read timed out")
    assert 0.9 < elapsed < 1.6


# ------------------------------------------------------------------------------------- TLS


def test_private_ca_is_refused_by_the_default_store(https_server, send):
    """By default requests trusts certifi's bundle: a private CA is refused before anything is sent."""
    with pytest.raises(TlsError) as caught:
        send("PUT", "https://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % https_server.port, body=b"{}", timeout=TIMEOUT)
    assert caught.value.sent is False
    assert "certificate verification failed" in caught.value.reason
    assert https_server.seen == []


def test_ca_file_given_as_verify_is_trusted(https_server, send, ca_file):
    response = send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=ca_file, timeout=TIMEOUT)
    assert (response.status_code, response.content) == (200, b"secure")


def test_another_ca_file_is_not_trusted(https_server, send, stranger_file):
    with pytest.raises(TlsError) as caught:
        send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=stranger_file, timeout=TIMEOUT)
    assert caught.value.sent is False
    assert "certificate verification failed" in caught.value.reason


def test_ca_directory_in_openssl_hashed_form_is_trusted(https_server, send, authority, tmp_path):
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("no openssl command to hash the CA directory with")
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    subprocess.run([openssl, "rehash", str(tmp_path)], check=True, capture_output=True)
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".0")], "openssl rehash made no hashed link"
    response = send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=str(tmp_path), timeout=TIMEOUT)
    assert (response.status_code, response.content) == (200, b"secure")


def test_verify_false_accepts_any_certificate(https_server, send):
    response = send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=False, timeout=TIMEOUT)
    assert (response.status_code, response.content) == (200, b"secure")


def test_certificate_for_another_host_is_refused_even_from_the_trusted_ca(serve, send, authority, ca_file):
    server = serve(context=server_context(authority, "mrs.example.invalid"))
    with pytest.raises(TlsError) as caught:
        send("GET", "https://127.0.0.1:%d/" % server.port, verify=ca_file, timeout=TIMEOUT)
    assert caught.value.sent is False
    assert "certificate verification failed" in caught.value.reason
    assert "mismatch" in caught.value.reason
    assert server.seen == []


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_requests_ca_bundle_replaces_the_default_store_but_neither_ca_bundle_nor_verify_false(
        https_server, send, monkeypatch, variable, ca_file, stranger_file):
    """What docs/authentication.md says: the variable replaces certifi; a given ca_bundle or validate_certs: false wins."""
    monkeypatch.setenv(variable, ca_file)
    assert send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=True, timeout=TIMEOUT).content == b"secure"
    monkeypatch.setenv(variable, stranger_file)
    with pytest.raises(TlsError):
        send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=True, timeout=TIMEOUT)
    assert send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=ca_file, timeout=TIMEOUT).content == b"secure"
    assert send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=False, timeout=TIMEOUT).content == b"secure"


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "SSL_CERT_DIR"])
def test_openssl_trust_adds_the_store_ssl_cert_file_names_beside_requests_bundle(
        https_server, monkeypatch, variable, authority, ca_file, stranger_file, tmp_path):
    """A CA named by SSL_CERT_FILE / SSL_CERT_DIR is trusted beside REQUESTS_CA_BUNDLE; without openssl_trust it is not."""
    if variable == "SSL_CERT_DIR":
        hashed = tmp_path / "hashed"
        hashed.mkdir()
        # an OpenSSL-hashed directory, as `openssl rehash` writes it
        name = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", ca_file], capture_output=True, text=True, check=True).stdout.strip()
        authority.cert_pem.write_to_path(str(hashed / ("%s.0" % name)))
        monkeypatch.setenv(variable, str(hashed))
    else:
        monkeypatch.setenv(variable, ca_file)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", stranger_file)
    url = "https://127.0.0.1:%d/" % https_server.port
    assert Transport(openssl_trust=True)("GET", url, verify=True, timeout=TIMEOUT).content == b"secure"
    with pytest.raises(TlsError):
        Transport()("GET", url, verify=True, timeout=TIMEOUT)


# ------------------------------------------------------------------------------------- proxies


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
def test_http_request_goes_to_the_proxy_with_the_absolute_url_and_credentials(serve, send, monkeypatch, variable):
    """user:password in the proxy URL (percent-escaped) becomes Proxy-Authorization; the target is never resolved here."""
    proxy = serve(content=b"from the proxy")
    monkeypatch.setenv(variable, "http://ops%%40corp:p%%3Ass@127.0.0.1:%d" % proxy.port)
    url = "http://%s:8080/v1.1/p-1/cluster_infos?pageSize=100" % TUNNEL_TARGET
    response = send("GET", url, headers={"X-Auth-Token": "token-1"}, timeout=TIMEOUT)

    seen, = proxy.seen
    assert (seen.method, seen.target) == ("GET", url)
    assert seen.headers["Host"] == "%s:8080" % TUNNEL_TARGET
    assert seen.headers["Proxy-Authorization"] == basic("ops@corp", "p:ss")
    assert seen.headers["X-Auth-Token"] == "token-1"
    assert response.content == b"from the proxy"


def test_proxy_without_credentials_gets_no_proxy_authorization(serve, send, monkeypatch):
    proxy = serve()
    monkeypatch.setenv("HTTP_PROXY", "127.0.0.1:%d" % proxy.port)  # no scheme: http:// is meant
    send("GET", "http://%s/" % TUNNEL_TARGET, timeout=TIMEOUT)
    seen, = proxy.seen
    assert seen.target == "http://%s/" % TUNNEL_TARGET
    assert "Proxy-Authorization" not in seen.headers


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "example.invalid,127.0.0.1", "*"])
def test_no_proxy_sends_the_request_directly(serve, send, monkeypatch, no_proxy):
    proxy, target = serve(content=b"from the proxy"), serve(content=b"direct")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:%d" % proxy.port)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    response = send("GET", "http://127.0.0.1:%d/v1.1/x?y=1" % target.port, timeout=TIMEOUT)
    assert response.content == b"direct"
    assert [seen.target for seen in target.seen] == ["/v1.1/x?y=1"]
    assert proxy.seen == []


def test_https_proxy_is_not_used_for_http_urls(serve, send, monkeypatch):
    proxy, target = serve(), serve(content=b"direct")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:%d" % proxy.port)
    assert send("GET", "http://127.0.0.1:%d/" % target.port, timeout=TIMEOUT).content == b"direct"
    assert proxy.seen == []


def _tunnel_case(serve, authority):
    target = serve(content=b"through the tunnel", context=server_context(authority, TUNNEL_TARGET))
    return target, "https://%s:%d/v1.1/p-1/cluster_infos/c-1" % (TUNNEL_TARGET, target.port)


def _assert_tunnelled(response, proxy, target):
    assert response.content == b"through the tunnel"
    connect, = proxy.seen
    assert (connect.method, connect.target) == ("CONNECT", "%s:%d" % (TUNNEL_TARGET, target.port))
    assert connect.headers["Proxy-Authorization"] == basic("ops", "secret")
    seen, = target.seen
    assert (seen.method, seen.target, seen.body) == ("PUT", "/v1.1/p-1/cluster_infos/c-1", b'{"instances": "4"}')
    assert seen.headers["X-Auth-Token"] == "token-1"
    assert seen.headers["Host"] == "%s:%d" % (TUNNEL_TARGET, target.port)
    assert "Proxy-Authorization" not in seen.headers


def test_https_request_tunnels_through_connect_and_keeps_proxy_credentials_from_the_server(serve, send, monkeypatch, authority, ca_file):
    """CONNECT host:port with Proxy-Authorization to the proxy; inside the tunnel, TLS verified for the target's name."""
    target, url = _tunnel_case(serve, authority)
    proxy = serve()
    monkeypatch.setenv("HTTPS_PROXY", "http://ops:secret@127.0.0.1:%d" % proxy.port)
    response = send("PUT", url, body=b'{"instances": "4"}', headers={"X-Auth-Token": "token-1"}, verify=ca_file, timeout=TIMEOUT)
    _assert_tunnelled(response, proxy, target)


def test_https_proxy_is_spoken_to_over_tls_then_tunnels(serve, send, monkeypatch, authority, ca_file):
    """An https:// proxy URL: TLS to the proxy (verified with the same trust), CONNECT inside it, TLS to the target in the tunnel."""
    target, url = _tunnel_case(serve, authority)
    proxy = serve(context=server_context(authority, "127.0.0.1"))
    monkeypatch.setenv("HTTPS_PROXY", "https://ops:secret@127.0.0.1:%d" % proxy.port)
    response = send("PUT", url, body=b'{"instances": "4"}', headers={"X-Auth-Token": "token-1"}, verify=ca_file, timeout=TIMEOUT)
    _assert_tunnelled(response, proxy, target)


def test_proxy_refusing_the_tunnel_means_not_sent(serve, send, monkeypatch, ca_file):
    """A 407 to CONNECT: the request never reached MRS, so even the resize may be sent again."""
    proxy = serve(connect_status=407)
    monkeypatch.setenv("HTTPS_PROXY", "http://ops:wrong@127.0.0.1:%d" % proxy.port)
    with pytest.raises(TransportError) as caught:
        send("PUT", "https://%s/v1.1/p-1/cluster_infos/c-1" % TUNNEL_TARGET, body=b"{}", verify=ca_file, timeout=TIMEOUT)
    assert caught.value.sent is False
    assert "407" in caught.value.reason
    assert "wrong" not in caught.value.reason
    assert [seen.method for seen in proxy.seen] == ["CONNECT"]


# ------------------------------------------------------------------------------------- the client over the wire

PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
RESIZE = {"parameters": {"scale_type": "scale_out", "node_id": "node_orderadd", "instances": "1"}}
SUCCEEDED = (200, {}, b'{"result": "succeeded"}')


def client_for(port, scheme="http", sleeps=None, **settings):
    values = dict(endpoint="%s://127.0.0.1:%d" % (scheme, port), iam_endpoint="%s://127.0.0.1:%d" % (scheme, port),
                  project_id=PROJECT, access_key="AK", secret_key="SK-secret", retries=2, connect_timeout=2, read_timeout=2)
    values.update(settings)
    sleep = (sleeps.append if sleeps is not None else (lambda _seconds: None))
    return _client.MrsClient(_client.Settings(**values), sleep=sleep, jitter=lambda: 0.5)


def puts(server):
    return [seen for seen in server.seen if seen.method == "PUT"]


def test_resize_refused_at_connect_is_sent_again_once_the_endpoint_listens(monkeypatch):
    """Never connected, so provably not sent: the resize goes again, and reaches the server exactly once.

    The endpoint stands for a remote one (only a refusal by this machine fails at once: see the next test), so the
    client is told 127.0.0.1 is not this machine."""
    monkeypatch.setattr(call, "is_loopback", lambda host: False)
    bound, port = _refusing_port()
    accepted, sleeps, threads = [], [], []

    def serve_one():
        connection, _address = bound.accept()
        with connection:
            accepted.append(_read_request(connection))
            connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 23\r\n\r\n{\"result\": \"succeeded\"}")

    def sleep(seconds):
        sleeps.append(seconds)
        bound.listen(4)  # the endpoint comes up during the back-off
        threads.append(threading.Thread(target=serve_one))
        threads[-1].start()

    with bound:
        bound.settimeout(5)
        client = client_for(port)
        client.retry.sleep = sleep
        try:
            assert client.resize("c-1", RESIZE) == {"result": "succeeded"}
        finally:
            for thread in threads:
                thread.join(6)
    assert len(sleeps) == 1 and len(accepted) == 1 and accepted[0].startswith(b"PUT ")


def test_a_refused_connection_to_this_machine_fails_at_once_without_a_pause():
    """Nothing listens on the port: no back-off, no second connection, a message naming MRS, the host and the port."""
    bound, port = _refusing_port()
    sleeps = []
    with bound:
        client = client_for(port, sleeps=sleeps, retries=4)
        with pytest.raises(TransientError) as caught:
            client.resize("c-1", RESIZE)
    assert sleeps == [] and not isinstance(caught.value, ResizeOutcomeUnknown)
    assert "to MRS at 127.0.0.1:%d failed: connection refused: nothing listens on port %d" % (port, port) in str(caught.value)


@pytest.mark.parametrize("behaviour", [read_then_close, close_at_once, read_then_answer_late(5.0)],
                         ids=["closed-after-reading", "closed-before-reading", "read-timeout"])
def test_resize_that_may_have_arrived_is_outcome_unknown_and_never_resent(raw_server, behaviour):
    server = raw_server(behaviour)
    client = client_for(server.port, read_timeout=0.5)
    with pytest.raises(ResizeOutcomeUnknown, match="may or may not have been applied"):
        client.resize("c-1", RESIZE)
    assert len(server.received) == 1


@pytest.mark.parametrize("answer, problem", [
    ((302, {"Location": "http://127.0.0.1:1/v1.1/elsewhere"}, b""), "HTTP 302 to http://127.0.0.1:1/v1.1/elsewhere, which is never followed"),
    ((200, {}, b""), "HTTP 200 with a body that is not JSON"),
    ((200, {"Content-Type": "text/html"}, b"<html>Accepted</html>"), "HTTP 200 with a body that is not JSON"),
    ((200, {}, b"{}"), "not the documented success"),
    ((202, {}, b'{"result": "failed"}'), "not the documented success"),
    ((503, {}, b"<html>Service Unavailable</html>"), "HTTP 503"),
], ids=["302", "200-empty", "200-html", "200-empty-object", "202-other-result", "503"])
def test_resize_answer_that_is_not_the_documented_success_is_outcome_unknown(serve, answer, problem):
    server = serve(answers=[answer, SUCCEEDED])
    with pytest.raises(ResizeOutcomeUnknown) as caught:
        client_for(server.port).resize("c-1", RESIZE)
    assert problem in str(caught.value) and "may or may not have been applied" in str(caught.value)
    assert len(server.seen) == 1  # neither re-sent nor the redirect followed


def test_resize_answered_429_is_sent_again_after_retry_after(serve):
    server = serve(answers=[(429, {"Retry-After": "2"}, b'{"error_code": "APIGW.0308"}'), SUCCEEDED])
    sleeps = []
    assert client_for(server.port, sleeps=sleeps).resize("c-1", RESIZE) == {"result": "succeeded"}
    assert sleeps == [2.0] and len(puts(server)) == 2


@pytest.mark.parametrize("answer, problem", [
    ((302, {"Location": "/login"}, b""), "HTTP 302 to /login, which is never followed"),
    ((200, {}, b"{}"), "unreadable answer (no 'cluster')"),
    ((200, {}, b"<html>maintenance</html>"), "unreadable answer (not JSON)"),
    ((200, {}, b'{"cluster": "c-1"}'), "unreadable answer ('cluster' is not an object)"),
    ((200, {}, b"[]"), "unreadable answer (not a JSON object)"),
])
def test_a_read_answered_unreadably_is_retried_then_fails_as_transient_naming_the_route(serve, answer, problem):
    good = (200, {}, json.dumps({"cluster": {"clusterId": "c-1"}}).encode("utf-8"))
    server = serve(answers=[answer, good])
    assert client_for(server.port).get_cluster("c-1") == {"clusterId": "c-1"}  # retried like a 5xx
    server = serve(answers=[answer])
    with pytest.raises(TransientError) as caught:
        client_for(server.port, retries=2).get_cluster("c-1")
    assert "GET /v1.1/%s/cluster_infos/c-1" % PROJECT in str(caught.value) and problem in str(caught.value)
    assert len(server.seen) == 3


def token_answer(token="TOKEN-FROM-IAM"):
    return (201, {"X-Subject-Token": token}, json.dumps({"token": {"project": {"id": PROJECT}}}).encode("utf-8"))


@pytest.mark.parametrize("fault", [
    (503, {}, b"<html>Service Unavailable</html>"),
    (429, {"Retry-After": "1"}, b'{"error_code": "APIGW.0308"}'),
    (201, {}, b'{"token": {}}'),  # no X-Subject-Token
    (200, {}, b"<html>sso portal</html>"),
], ids=["503", "429", "no-token-header", "html"])
def test_the_iam_token_request_is_retried_like_a_read(serve, fault):
    cluster = (200, {}, json.dumps({"cluster": {"clusterId": "c-1"}}).encode("utf-8"))
    server = serve(answers=[fault, token_answer(), cluster])
    client = client_for(server.port, access_key=None, secret_key=None, project_id=None, region="cn-north-4",
                        user_name="alice", password="pw-secret", domain_name="acme")
    assert client.get_cluster("c-1") == {"clusterId": "c-1"}
    assert [seen.method for seen in server.seen] == ["POST", "POST", "GET"]
    assert server.seen[2].headers["X-Auth-Token"] == "TOKEN-FROM-IAM"


def test_the_iam_token_request_survives_a_connection_reset(raw_server):
    """The first connection is cut after the request was read; the second gets the token."""
    calls = []

    def behaviour(connection, server):
        request = _read_request(connection)
        server.received.append(request)
        calls.append(request.split(b" ", 2)[:2])
        if len(calls) == 1:
            return  # closed without an answer
        if request.startswith(b"POST"):
            body = json.dumps({"token": {"project": {"id": PROJECT}}}).encode("utf-8")
            connection.sendall(b"HTTP/1.0 201 Created\r\nX-Subject-Token: T-2\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        else:
            body = json.dumps({"cluster": {"clusterId": "c-1"}}).encode("utf-8")
            connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    server = raw_server(behaviour)
    client = client_for(server.port, access_key=None, secret_key=None, project_id=None, region="cn-north-4",
                        user_name="alice", password="pw-secret", domain_name="acme")
    assert client.get_cluster("c-1") == {"clusterId": "c-1"}
    assert [call[0] for call in calls] == [b"POST", b"POST", b"GET"]


@pytest.mark.parametrize("status", [400, 401])
def test_a_refused_password_is_never_retried(serve, status):
    """A wrong password sent again and again could lock the IAM user."""
    server = serve(status=status, content=b'{"error": {"code": %d, "message": "The username or password is wrong."}}' % status)
    client = client_for(server.port, access_key=None, secret_key=None, project_id=None, region="cn-north-4",
                        user_name="alice", password="pw-secret", domain_name="acme")
    with pytest.raises(MrsApiError) as caught:
        client.get_cluster("c-1")
    assert caught.value.status == status and "pw-secret" not in str(caught.value)
    assert len(server.seen) == 1


def test_a_drip_fed_read_ends_within_the_deadline_plus_one_read_timeout(raw_server):
    head, body = b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n", b"{" + b" " * 58 + b"}"
    server = raw_server(drip(head, body, pause=0.1))
    client = client_for(server.port, read_timeout=0.8, retries=5)
    client.retry.sleep = time.sleep
    client.retry.base = 0.1
    started = time.monotonic()
    client.deadline = started + 1.0
    with pytest.raises(TransientError, match="read timed out"):
        client.get_cluster("c-1")
    assert time.monotonic() - started < 1.0 + 0.8 + 0.5


def test_a_secret_echoed_by_the_server_never_reaches_a_message(serve):
    token = "TOKEN-FROM-IAM-echoed"
    echo = (400, {}, json.dumps({"error_code": "12000002", "error_msg": "bad token %s and pw-secret" % token}).encode("utf-8"))
    server = serve(answers=[token_answer(token), echo])
    client = client_for(server.port, access_key=None, secret_key=None, project_id=None, region="cn-north-4",
                        user_name="alice", password="pw-secret\n", domain_name="acme")
    with pytest.raises(MrsError) as caught:
        client.get_cluster("c-1")
    assert token not in str(caught.value) and "pw-secret" not in str(caught.value)
    assert json.loads(server.seen[0].body)["auth"]["identity"]["password"]["user"]["password"] == "pw-secret"


def test_a_tls_failure_through_the_client_names_the_endpoint_and_ca_bundle(https_server):
    client = client_for(https_server.port, scheme="https")
    with pytest.raises(MrsError) as caught:
        client.get_cluster("c-1")
    assert "TLS verification of https://127.0.0.1:%d failed" % https_server.port in str(caught.value)
    assert "give ca_bundle" in str(caught.value) and https_server.seen == []
