# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP transport against real sockets on 127.0.0.1: what reaches the server, what comes back,
whether a failed request counts as sent, TLS verification, and proxies from the environment.

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

from ansible_collections.hwcloud.mrs.plugins.module_utils import _http

trustme = pytest.importorskip("trustme")

TIMEOUT = (2.0, 2.0)  # for requests that are answered at once: generous, never waited for
PROXY_VARIABLES = ("http_proxy", "https_proxy", "no_proxy", "all_proxy")
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
        status, headers, content = self.server.answer
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
    """Copy bytes both ways until either side closes."""
    while True:
        readable = select.select([one, other], [], [], 5)[0]
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

    def __init__(self, answer, connect_status):
        super(_Server, self).__init__(("127.0.0.1", 0), _Handler)
        self.port = self.server_address[1]
        self.answer = answer
        self.connect_status = connect_status
        self.seen = []

    def handle_error(self, request, client_address):
        pass  # a client that refused our certificate, for instance: the test asserts on the client's side


@pytest.fixture(name="serve")
def serve_fixture():
    """Start an HTTP (or, given a server TLS context, HTTPS) server recording what it receives."""
    running = []

    def start(status=200, headers=None, content=b"", context=None, connect_status=200):
        server = _Server((status, dict(headers or {}), content), connect_status)
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


def close_after_the_client_hello(connection, server):
    server.received.append(connection.recv(65536))  # read first: closing on unread data would be a reset, not an EOF


# ------------------------------------------------------------------------------------- TLS material


@pytest.fixture(name="authority", scope="module")
def authority_fixture():
    return trustme.CA()


@pytest.fixture(name="ca_file", scope="module")
def ca_file_fixture(authority, tmp_path_factory):
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return str(path)


def server_context(authority, *names):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(*names).configure_cert(context)
    return context


@pytest.fixture(name="https_server")
def https_server_fixture(serve, authority):
    """An HTTPS server whose certificate, from ``authority``, names 127.0.0.1."""
    return serve(content=b"secure", context=server_context(authority, "127.0.0.1"))


# ------------------------------------------------------------------------------------- requests and answers


def test_get_reaches_the_server_with_its_path_query_and_headers(serve):
    """Method, path, query (percent-escapes kept), Host and a custom header arrive as given."""
    server = serve(headers={"X-Request-Id": "req-42", "Content-Type": "application/json"},
                   content=json.dumps({"cluster": {"clusterId": "c-1"}}).encode("utf-8"))
    url = "http://127.0.0.1:%d/v1.1/p-1/cluster_infos?clusterName=a%%20b&pageSize=100" % server.port
    response = _http.send("GET", url, headers={"X-Auth-Token": "token-1", "Content-Type": "application/json"}, timeout=TIMEOUT)

    seen, = server.seen
    assert (seen.method, seen.target, seen.body) == ("GET", "/v1.1/p-1/cluster_infos?clusterName=a%20b&pageSize=100", b"")
    assert seen.headers["X-Auth-Token"] == "token-1"
    assert seen.headers["Host"] == "127.0.0.1:%d" % server.port
    assert response.status_code == 200
    assert response.json() == {"cluster": {"clusterId": "c-1"}}
    assert response.url == url


def test_answer_headers_are_read_whatever_their_case(serve):
    server = serve(headers={"X-Request-Id": "req-42", "Retry-After": "3"})
    response = _http.send("GET", "http://127.0.0.1:%d/" % server.port, timeout=TIMEOUT)
    assert response.headers.get("x-request-id") == "req-42"
    assert response.headers.get("X-REQUEST-ID") == "req-42"
    assert response.headers.get("retry-after") == "3"
    assert response.headers.get("X-Missing") is None


def test_put_delivers_its_body_intact(serve):
    """A resize body with non-ASCII text arrives byte for byte, with its Content-Length; the answer's text decodes."""
    body = json.dumps({"parameters": {"order_id": "", "scale_type": "scale_out", "instances": "4",
                                      "node_id": "node_orderadd", "comment": "Knoten \u00fcber"}}).encode("utf-8")
    server = serve(content="accept\u00e9".encode("utf-8"))
    response = _http.send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=body,
                          headers={"Content-Type": "application/json;charset=UTF-8"}, timeout=TIMEOUT)

    seen, = server.seen
    assert (seen.method, seen.target, seen.body) == ("PUT", "/v1.1/p-1/cluster_infos/c-1", body)
    assert seen.headers["Content-Length"] == str(len(body))
    assert seen.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert response.content == "accept\u00e9".encode("utf-8")
    assert response.text == "accept\u00e9"


@pytest.mark.parametrize("status", [400, 404, 429, 500, 503])
def test_error_status_is_returned_as_a_response_not_raised(serve, status):
    error = {"error_code": "MRS.0011", "error_msg": "Cluster c-1 is busy"}
    server = serve(status=status, headers={"X-Request-Id": "req-7"}, content=json.dumps(error).encode("utf-8"))
    response = _http.send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b"{}", timeout=TIMEOUT)
    assert response.status_code == status
    assert response.json() == error
    assert response.headers.get("x-request-id") == "req-7"


def test_a_gateway_page_that_is_not_json_raises_value_error_from_json(serve):
    """The client turns ValueError from json() into "answered with a body that is not JSON"."""
    server = serve(status=502, content=b"<html>Bad Gateway \xff</html>")
    response = _http.send("GET", "http://127.0.0.1:%d/" % server.port, timeout=TIMEOUT)
    assert response.status_code == 502
    assert response.text.startswith("<html>Bad Gateway")
    with pytest.raises(ValueError):
        response.json()


# ------------------------------------------------------------------------------------- was it sent?


def test_refused_connection_is_not_sent():
    """A port nobody listens on: the server got nothing, so even the resize may be sent again."""
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]
        with pytest.raises(_http.TransportError) as caught:
            _http.send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % port, body=b"{}", timeout=TIMEOUT)
    assert caught.value.sent is False
    assert caught.value.reason == "connection refused"
    assert not isinstance(caught.value, _http.TlsError)


def test_connect_timeout_is_not_sent():
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
        with pytest.raises(_http.TransportError) as caught:
            _http.send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % port, body=b"{}", timeout=(0.3, 5.0))
        elapsed = time.monotonic() - started
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
    assert caught.value.sent is False
    assert caught.value.reason == "connect timed out"
    assert elapsed < 2.0  # the connect timeout, not the read timeout


def test_tls_endpoint_that_never_handshakes_times_out_as_not_sent(raw_server, ca_file):
    """The TLS handshake is part of connecting: nothing of the request left before it completed."""
    server = raw_server(hold_silently)
    with pytest.raises(_http.TransportError) as caught:
        _http.send("PUT", "https://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b"{}", verify=ca_file,
                   timeout=(0.3, 5.0))
    assert caught.value.sent is False
    assert caught.value.reason == "connect timed out"


def test_tls_endpoint_dropping_the_handshake_is_not_sent_and_not_a_tls_error(raw_server, ca_file):
    """A load balancer closing mid-handshake: retryable (not TlsError), and the request was not sent."""
    server = raw_server(close_after_the_client_hello)
    with pytest.raises(_http.TransportError) as caught:
        _http.send("PUT", "https://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b"{}", verify=ca_file,
                   timeout=TIMEOUT)
    assert caught.value.sent is False
    assert not isinstance(caught.value, _http.TlsError)
    assert server.received[0][:1] == b"\x16"  # a TLS handshake record: the client did start the handshake


def test_server_that_reads_the_request_and_closes_counts_as_sent(raw_server):
    """The resize reached the server and no answer came: its outcome is unknown, it must not be re-sent."""
    server = raw_server(read_then_close)
    with pytest.raises(_http.TransportError) as caught:
        _http.send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b'{"instances": "4"}',
                   timeout=TIMEOUT)
    assert caught.value.sent is True
    assert not isinstance(caught.value, _http.TlsError)
    request, = server.received
    assert request.startswith(b"PUT /v1.1/p-1/cluster_infos/c-1 HTTP/1.1\r\n")
    assert request.endswith(b'\r\n\r\n{"instances": "4"}')


def test_answer_slower_than_the_read_timeout_counts_as_sent(raw_server):
    server = raw_server(read_then_answer_late(5.0))
    started = time.monotonic()
    with pytest.raises(_http.TransportError) as caught:
        _http.send("PUT", "http://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % server.port, body=b"{}", timeout=(5.0, 0.3))
    elapsed = time.monotonic() - started
    assert caught.value.sent is True
    assert caught.value.reason == "read timed out"
    assert 0.25 < elapsed < 2.0  # the read timeout, not the connect timeout
    assert len(server.received) == 1


def test_read_timeout_not_connect_timeout_bounds_the_wait_for_the_answer(raw_server):
    """An answer later than the connect timeout but within the read timeout is received."""
    server = raw_server(read_then_answer_late(0.4))
    response = _http.send("GET", "http://127.0.0.1:%d/" % server.port, timeout=(0.1, 3.0))
    assert (response.status_code, response.content) == (200, b"late")


# ------------------------------------------------------------------------------------- TLS


def test_unknown_ca_fails_verification_with_the_system_store(https_server):
    """By default only the system's CA store is trusted: a private CA is refused before anything is sent."""
    with pytest.raises(_http.TlsError) as caught:
        _http.send("PUT", "https://127.0.0.1:%d/v1.1/p-1/cluster_infos/c-1" % https_server.port, body=b"{}", timeout=TIMEOUT)
    assert caught.value.sent is False
    assert "certificate verification failed" in caught.value.reason
    assert https_server.seen == []


def test_ca_file_given_as_verify_is_trusted(https_server, ca_file):
    response = _http.send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=ca_file, timeout=TIMEOUT)
    assert (response.status_code, response.content) == (200, b"secure")


def test_another_ca_file_is_not_trusted(https_server, tmp_path):
    stranger = tmp_path / "stranger.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    with pytest.raises(_http.TlsError) as caught:
        _http.send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=str(stranger), timeout=TIMEOUT)
    assert caught.value.sent is False
    assert "certificate verification failed" in caught.value.reason


def test_ca_directory_in_openssl_hashed_form_is_trusted(https_server, authority, tmp_path):
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("no openssl command to hash the CA directory with")
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    subprocess.run([openssl, "rehash", str(tmp_path)], check=True, capture_output=True)
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".0")], "openssl rehash made no hashed link"
    response = _http.send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=str(tmp_path), timeout=TIMEOUT)
    assert (response.status_code, response.content) == (200, b"secure")


def test_missing_ca_file_is_a_tls_error_naming_it(https_server, tmp_path):
    """A wrong ca_bundle path fails as a TLS error the module reports, not as a traceback."""
    missing = str(tmp_path / "no-such-ca.pem")
    with pytest.raises(_http.TlsError) as caught:
        _http.send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=missing, timeout=TIMEOUT)
    assert caught.value.sent is False
    assert missing in caught.value.reason
    assert https_server.seen == []


def test_ca_file_without_a_certificate_is_a_tls_error_naming_it(https_server, tmp_path):
    not_pem = tmp_path / "key-not-ca.txt"
    not_pem.write_text("not a certificate\n")
    with pytest.raises(_http.TlsError) as caught:
        _http.send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=str(not_pem), timeout=TIMEOUT)
    assert caught.value.sent is False
    assert str(not_pem) in caught.value.reason


def test_verify_false_accepts_any_certificate(https_server):
    response = _http.send("GET", "https://127.0.0.1:%d/" % https_server.port, verify=False, timeout=TIMEOUT)
    assert (response.status_code, response.content) == (200, b"secure")


def test_certificate_for_another_host_is_refused_even_from_the_trusted_ca(serve, authority, ca_file):
    server = serve(context=server_context(authority, "mrs.example.invalid"))
    with pytest.raises(_http.TlsError) as caught:
        _http.send("GET", "https://127.0.0.1:%d/" % server.port, verify=ca_file, timeout=TIMEOUT)
    assert caught.value.sent is False
    assert "certificate verification failed" in caught.value.reason
    assert "mismatch" in caught.value.reason
    assert server.seen == []


# ------------------------------------------------------------------------------------- proxies


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy"])
def test_http_request_goes_to_the_proxy_with_the_absolute_url_and_credentials(serve, monkeypatch, variable):
    """user:password in the proxy URL (percent-escaped) becomes Proxy-Authorization; the target is never resolved here."""
    proxy = serve(content=b"from the proxy")
    monkeypatch.setenv(variable, "http://ops%%40corp:p%%3Ass@127.0.0.1:%d" % proxy.port)
    url = "http://%s:8080/v1.1/p-1/cluster_infos?pageSize=100" % TUNNEL_TARGET
    response = _http.send("GET", url, headers={"X-Auth-Token": "token-1"}, timeout=TIMEOUT)

    seen, = proxy.seen
    assert (seen.method, seen.target) == ("GET", url)
    assert seen.headers["Host"] == "%s:8080" % TUNNEL_TARGET
    assert seen.headers["Proxy-Authorization"] == basic("ops@corp", "p:ss")
    assert seen.headers["X-Auth-Token"] == "token-1"
    assert response.content == b"from the proxy"


def test_proxy_without_credentials_gets_no_proxy_authorization(serve, monkeypatch):
    proxy = serve()
    monkeypatch.setenv("HTTP_PROXY", "127.0.0.1:%d" % proxy.port)  # no scheme: http:// is meant
    _http.send("GET", "http://%s/" % TUNNEL_TARGET, timeout=TIMEOUT)
    seen, = proxy.seen
    assert seen.target == "http://%s/" % TUNNEL_TARGET
    assert "Proxy-Authorization" not in seen.headers


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "example.invalid,127.0.0.1", "*"])
def test_no_proxy_sends_the_request_directly(serve, monkeypatch, no_proxy):
    proxy, target = serve(content=b"from the proxy"), serve(content=b"direct")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:%d" % proxy.port)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    response = _http.send("GET", "http://127.0.0.1:%d/v1.1/x?y=1" % target.port, timeout=TIMEOUT)
    assert response.content == b"direct"
    assert [seen.target for seen in target.seen] == ["/v1.1/x?y=1"]
    assert proxy.seen == []


def test_https_proxy_is_not_used_for_http_urls(serve, monkeypatch):
    proxy, target = serve(), serve(content=b"direct")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:%d" % proxy.port)
    assert _http.send("GET", "http://127.0.0.1:%d/" % target.port, timeout=TIMEOUT).content == b"direct"
    assert proxy.seen == []


def test_https_request_tunnels_through_connect_and_keeps_proxy_credentials_from_the_server(serve, monkeypatch, authority, ca_file):
    """CONNECT host:port with Proxy-Authorization to the proxy; inside the tunnel, TLS verified for the target's name."""
    target = serve(content=b"through the tunnel", context=server_context(authority, TUNNEL_TARGET))
    proxy = serve()
    monkeypatch.setenv("HTTPS_PROXY", "http://ops:secret@127.0.0.1:%d" % proxy.port)
    url = "https://%s:%d/v1.1/p-1/cluster_infos/c-1" % (TUNNEL_TARGET, target.port)
    response = _http.send("PUT", url, body=b'{"instances": "4"}', headers={"X-Auth-Token": "token-1"}, verify=ca_file,
                          timeout=TIMEOUT)

    assert response.content == b"through the tunnel"
    connect, = proxy.seen
    assert (connect.method, connect.target) == ("CONNECT", "%s:%d" % (TUNNEL_TARGET, target.port))
    assert connect.headers["Proxy-Authorization"] == basic("ops", "secret")
    seen, = target.seen
    assert (seen.method, seen.target, seen.body) == ("PUT", "/v1.1/p-1/cluster_infos/c-1", b'{"instances": "4"}')
    assert seen.headers["X-Auth-Token"] == "token-1"
    assert seen.headers["Host"] == "%s:%d" % (TUNNEL_TARGET, target.port)
    assert "Proxy-Authorization" not in seen.headers


def test_proxy_refusing_the_tunnel_means_not_sent(serve, monkeypatch, ca_file):
    """A 407 to CONNECT: the request never reached MRS, so even the resize may be sent again."""
    proxy = serve(connect_status=407)
    monkeypatch.setenv("HTTPS_PROXY", "http://ops:wrong@127.0.0.1:%d" % proxy.port)
    with pytest.raises(_http.TransportError) as caught:
        _http.send("PUT", "https://%s/v1.1/p-1/cluster_infos/c-1" % TUNNEL_TARGET, body=b"{}", verify=ca_file, timeout=TIMEOUT)
    assert caught.value.sent is False
    assert "407" in caught.value.reason
    assert [seen.method for seen in proxy.seen] == ["CONNECT"]


@pytest.mark.parametrize("proxy_url, host, port", [
    ("http://proxy.example.invalid", "proxy.example.invalid", 80),
    ("proxy.example.invalid:3128", "proxy.example.invalid", 3128),
    ("https://proxy.example.invalid", "proxy.example.invalid", 443),
])
def test_proxy_port_defaults_to_the_schemes_as_requests_did(monkeypatch, proxy_url, host, port):
    monkeypatch.setenv("HTTPS_PROXY", proxy_url)
    assert _http.proxy_for("https", TUNNEL_TARGET)[:2] == (host, port)
