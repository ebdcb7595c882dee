"""The HTTP server: routing, the Cloud that holds all state behind one lock, the command line."""

import argparse
import json
import os
import re
import signal
import socket
import ssl
import sys
import textwrap
import threading
import time
import traceback
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from .auth import AuthMixin
from .common import (DEFAULT_ACCESS_KEY, DEFAULT_IAM_DOMAIN, DEFAULT_IAM_PASSWORD, DEFAULT_IAM_USER, DEFAULT_PROJECT_ID,
                     DEFAULT_REGION, DEFAULT_SCALE_SECONDS, DEFAULT_SECRET_KEY, DEFAULT_TOKEN_TTL, MAX_BODY_BYTES,
                     MAX_LOGGED_REQUESTS, ApiError, ControlError, GatewayError, reply)
from .control import ControlMixin
from .faults import FaultsMixin, fault_error, fault_status
from .routes_v11 import V11Routes
from .routes_policy import PolicyRoutes
from .routes_v2 import V2Routes
from .state import Store, migrate_record


class Cloud(AuthMixin, V11Routes, V2Routes, PolicyRoutes, ControlMixin, FaultsMixin, Store):
    """All state of the emulator, behind one lock that public methods take around every use of state."""

    def __init__(self, config):
        self.config = config
        self.lock = threading.Lock()
        self.clusters = {}
        self.seq = 0
        self.tokens = {}
        self.temporary = {}
        self.faults = []
        self.fault_seq = 0
        self.order_seq = 0
        self.requests = deque(maxlen=MAX_LOGGED_REQUESTS)
        if config.state and os.path.exists(config.state) and os.path.getsize(config.state):
            with open(config.state, encoding="utf-8") as handle:
                saved = json.load(handle)
            self.clusters = {record["id"]: migrate_record(record) for record in saved["clusters"]}
            self.seq = saved["seq"]
        self._save()  # fail at start, not at the first change, if the state file cannot be written


# ---------------------------------------------------------------------------------------------------------
# HTTP.

ID = r"(?P<%s>[^/]+)"
VENDOR_ROUTES = (
    ("GET", re.compile(r"^/v1\.1/%s/cluster_infos/%s$" % (ID % "project_id", ID % "cluster_id")), "show_cluster", True),
    ("PUT", re.compile(r"^/v1\.1/%s/cluster_infos/%s$" % (ID % "project_id", ID % "cluster_id")), "resize", True),
    ("GET", re.compile(r"^/v1\.1/%s/cluster_infos$" % (ID % "project_id")), "list_clusters", True),
    ("GET", re.compile(r"^/v1\.1/%s/clusters/%s/hosts$" % (ID % "project_id", ID % "cluster_id")), "list_hosts", True),
    ("POST", re.compile(r"^/v2/%s/clusters/%s/expand$" % (ID % "project_id", ID % "cluster_id")), "expand", True),
    ("POST", re.compile(r"^/v2/%s/clusters/%s/shrink$" % (ID % "project_id", ID % "cluster_id")), "shrink", True),
    ("GET", re.compile(r"^/v2/%s/clusters/%s/nodes$" % (ID % "project_id", ID % "cluster_id")), "list_nodes", True),
    ("POST", re.compile(r"^/v2/%s/autoscaling-policy/%s$" % (ID % "project_id", ID % "cluster_id")), "create_policy", True),
    ("PUT", re.compile(r"^/v2/%s/autoscaling-policy/%s$" % (ID % "project_id", ID % "cluster_id")), "update_policy", True),
    ("GET", re.compile(r"^/v2/%s/autoscaling-policy/%s$" % (ID % "project_id", ID % "cluster_id")), "show_policy", True),
    ("DELETE", re.compile(r"^/v2/%s/autoscaling-policy/%s$" % (ID % "project_id", ID % "cluster_id")), "delete_policy", True),
    ("POST", re.compile(r"^/v1\.1/%s/autoscaling-policy/%s$" % (ID % "project_id", ID % "cluster_id")), "legacy_policy", True),
    ("POST", re.compile(r"^/v3/auth/tokens$"), "issue_token", False),
    ("GET", re.compile(r"^/v3/projects$"), "list_projects", True),
)
CLUSTER_PATH = re.compile(r"^/_emulator/clusters/(?P<cluster_id>[^/]+)$")
CLUSTER_HOSTS_PATH = re.compile(r"^/_emulator/clusters/(?P<cluster_id>[^/]+)/hosts$")
POLICY_ACTIONS_PATH = re.compile(r"^/_emulator/clusters/(?P<cluster_id>[^/]+)/policy-actions$")
ORDER_PAY_PATH = re.compile(r"^/_emulator/orders/(?P<order_id>[^/]+)/pay$")


def redacted(value):
    """The value with every "password" replaced: the log never holds a secret."""
    if isinstance(value, dict):
        return {key: "***" if key == "password" and not isinstance(item, dict) else redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def logged_body(path, body):
    """A write's body as the request log keeps it: parsed JSON (passwords redacted), else the text, else None."""
    if not body:
        return None
    try:
        return redacted(json.loads(body))
    except ValueError:
        return "(a body that is not JSON, not logged)" if path.startswith("/v3/") else body.decode("utf-8", "replace")[:2000]


def error_code_of(payload):
    if not isinstance(payload, dict):
        return None
    if "error_code" in payload:
        return str(payload["error_code"])
    nested = payload.get("error")
    return str(nested["code"]) if isinstance(nested, dict) and "code" in nested else None


class Handler(BaseHTTPRequestHandler):
    """Routes requests to the Cloud held by the server."""

    protocol_version = "HTTP/1.1"
    server_version = "MRS-Emulator/1.0"
    sys_version = ""
    timeout = 300
    # Headers and body go out in separate writes: without TCP_NODELAY, keep-alive clients wait for delayed ACKs.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _read_body(self):
        if self.headers.get("Transfer-Encoding"):
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        if length < 0 or length > MAX_BODY_BYTES:
            return None
        return self.rfile.read(length)

    def _send(self, status, payload, headers, request_id):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", request_id)
        for name, value in headers.items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(data)

    def _drop_connection(self):
        """Close without answering: the client sees the connection end with no response."""
        self.close_connection = True

    def _dispatch(self):
        request_id = uuid.uuid4().hex
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._send(400, {"error_code": "APIGW.0201", "error_msg": "Request error: a body needs a valid Content-Length."},
                       {"Connection": "close"}, request_id)
            return
        split = urlsplit(self.path)
        try:
            if split.path.startswith("/_emulator/"):
                status, payload = self._control(split.path, body)
                self._send(status, payload, {}, request_id)
            else:
                self._vendor(split.path, split.query, body, request_id)
        except Exception:  # pylint: disable=broad-except
            # A bug in the emulator: answer like the service would and keep serving.
            traceback.print_exc()
            self.close_connection = True
            self._send(500, {"error_code": "MRS.300", "error_msg": "MRS internal error."}, {"Connection": "close"}, request_id)

    def _vendor(self, path, query, body, request_id):
        cloud = self.server.cloud
        entry = {"time": time.time(), "method": self.command, "path": path, "query": query, "request_id": request_id,
                 "status": None, "error_code": None, "auth": None}
        if self.command in ("PUT", "POST", "DELETE"):
            entry["body"] = logged_body(path, body)
        fault = cloud.take_fault(self.command, path)
        if fault and fault["delay"]:
            entry["fault"] = "delay"
            time.sleep(fault["delay"])
        if fault and fault["reset"] == "before":
            entry["fault"] = "reset-before"
            cloud.log_request(entry)
            self._drop_connection()
            return
        if fault and fault_status(fault):
            entry["fault"] = "status"
            payload = fault_error(fault)
            if payload["error_code"].startswith("APIG"):
                payload["request_id"] = request_id  # the gateway's errors carry it in the body too
            result = reply(fault_status(fault), payload,
                           {"Retry-After": fault["retry_after"]} if fault["retry_after"] is not None else None)
        else:
            result = self._vendor_call(path, query, body, request_id)
        entry.update(status=result["status"], error_code=error_code_of(result["payload"]), auth=result["auth"])
        if fault and fault["reset"] == "after":
            entry["fault"] = "reset-after"
            cloud.log_request(entry)
            self._drop_connection()
            return
        cloud.log_request(entry)
        self._send(result["status"], result["payload"], result["headers"], request_id)

    def _vendor_call(self, path, query, body, request_id):
        cloud = self.server.cloud
        decoded = unquote(path)
        for method, pattern, handler_name, needs_auth in VENDOR_ROUTES:
            match = pattern.match(decoded)
            if match and method == self.command:
                args = match.groupdict()
                auth = None
                try:
                    if needs_auth:
                        auth = cloud.authenticate(self.command, path, query, self.headers, body, args.get("project_id"))
                    result = getattr(cloud, handler_name)(query=query, body=body, base_url=self.server.url, **args)
                except GatewayError as err:
                    return reply(err.status, dict(err.payload(), request_id=request_id), auth=auth)
                except ApiError as err:
                    return reply(err.status, err.payload(), auth=auth)
                result["auth"] = auth
                return result
        return reply(404, {"error_code": "APIGW.0101", "error_msg": "The API does not exist or has not been published in the environment",
                           "request_id": request_id})

    def _control(self, path, body):
        cloud = self.server.cloud
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            return 400, {"error": "the body is not valid JSON"}
        routes = {
            ("POST", "/_emulator/clusters"): lambda: (201, cloud.create_cluster(data)),
            ("GET", "/_emulator/clusters"): lambda: (200, cloud.all_clusters()),
            ("GET", "/_emulator/requests"): lambda: (200, cloud.list_requests()),
            ("DELETE", "/_emulator/requests"): lambda: (200, cloud.clear_requests()),
            ("POST", "/_emulator/faults"): lambda: (201, cloud.add_fault(data)),
            ("GET", "/_emulator/faults"): lambda: (200, cloud.list_faults()),
            ("DELETE", "/_emulator/faults"): lambda: (200, cloud.clear_faults()),
            ("POST", "/_emulator/tokens"): lambda: (201, cloud.mint_token(data)),
            ("DELETE", "/_emulator/tokens"): lambda: (200, cloud.expire_tokens()),
            ("POST", "/_emulator/credentials/temporary"): lambda: (201, cloud.temporary_credentials()),
            ("DELETE", "/_emulator/credentials/temporary"): lambda: (200, cloud.expire_temporary_credentials()),
            ("POST", "/_emulator/reset"): lambda: (200, cloud.reset()),
        }
        cluster = CLUSTER_PATH.match(path)
        hosts = CLUSTER_HOSTS_PATH.match(path)
        if cluster:
            routes[("GET", path)] = lambda: (200, cloud.get_cluster(cluster["cluster_id"]))
            routes[("PATCH", path)] = lambda: (200, cloud.patch_cluster(cluster["cluster_id"], data))
        elif hosts:
            routes[("GET", path)] = lambda: (200, cloud.all_hosts(hosts["cluster_id"]))
        actions = POLICY_ACTIONS_PATH.match(path)
        if actions:
            routes[("POST", path)] = lambda: (200, cloud.policy_action(actions["cluster_id"], data))
        order = ORDER_PAY_PATH.match(path)
        if order:
            routes[("POST", path)] = lambda: (200, cloud.pay_order(order["order_id"]))
        route = routes.get((self.command, path))
        if route is None:
            return 404, {"error": "no control route %s %s" % (self.command, path)}
        try:
            return route()
        except ControlError as err:
            return err.status, {"error": str(err)}


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, cloud, verbose):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.cloud = cloud
        self.verbose = verbose
        self.url = ""

    def handle_error(self, request, client_address):
        """Client disconnects and TLS handshake failures are routine here: report them only with --verbose."""
        if self.verbose:
            super().handle_error(request, client_address)


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Show every default, keep the route list in the epilog as written, never split a value at a hyphen."""

    def _split_lines(self, text, width):
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


def parse_args(argv, doc=__doc__):
    parser = argparse.ArgumentParser(
        prog="mrs_emulator.py",
        description=doc.split("\n\n", 1)[0],
        epilog=(doc.split("\n\n", 1) + [""])[1],
        formatter_class=HelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    parser.add_argument("--scale-seconds", type=float, default=DEFAULT_SCALE_SECONDS,
                        help="how long a scale operation stays in progress (new clusters; 0 allowed)")
    parser.add_argument("--access-key", default=DEFAULT_ACCESS_KEY, help="accepted access key (AK)")
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY, help="secret key (SK) of the access key")
    parser.add_argument("--project-id", default=DEFAULT_PROJECT_ID, help="project id of the emulated account")
    parser.add_argument("--region", default=DEFAULT_REGION, help="region name (also the IAM project name)")
    parser.add_argument("--iam-user", default=DEFAULT_IAM_USER, help="IAM user accepted by POST /v3/auth/tokens")
    parser.add_argument("--iam-password", default=DEFAULT_IAM_PASSWORD, help="password of the IAM user")
    parser.add_argument("--iam-domain", default=DEFAULT_IAM_DOMAIN, help="domain (account) name of the IAM user")
    parser.add_argument("--token-ttl", type=float, default=DEFAULT_TOKEN_TTL, help="lifetime of issued tokens, seconds")
    parser.add_argument("--tls-cert", help="PEM certificate (chain): serve HTTPS (with --tls-key)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--state", help="JSON file the clusters are kept in across restarts (written atomically)")
    parser.add_argument("--verbose", action="store_true", help="log every request and connection error to stderr")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.scale_seconds < 0:
        parser.error("--scale-seconds must be >= 0")
    return args


def main(argv=None, doc=__doc__):
    args = parse_args(argv, doc)
    try:
        cloud = Cloud(args)
    except (OSError, ValueError, KeyError, TypeError) as err:
        sys.stderr.write("mrs_emulator: cannot use the state file %s: %s\n" % (args.state, err))
        return 2
    server = EmulatorServer((args.host, args.port), cloud, args.verbose)
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        # The handshake then runs in the connection's own thread, not in the accept loop.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"
    host, port = server.server_address[:2]
    server.url = "%s://%s:%d" % (scheme, "[%s]" % host if ":" in host else host, port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    sys.stdout.write("MRS emulator listening on %s\n" % server.url)
    sys.stdout.flush()
    while not stop.wait(1):
        pass
    server.shutdown()
    server.server_close()
    return 0
