"""Start the MRS emulator as a subprocess and drive its control routes (the project's tests, demo and benchmark use
it, and so can a user's own tests: docs/emulator.md). Unlike the emulator, it needs ``requests``.

    with start_emulator(scale_seconds=0) as emu:
        cluster = emu.create_cluster(name="demo", core=3)
        ... talk to emu.url with emu.access_key / emu.secret_key / emu.project_id ...
"""

import contextlib
import os
import select
import signal
import subprocess
import sys
import time

import requests

EMULATOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mrs_emulator.py")
BANNER = "MRS emulator listening on "

# The emulator's documented defaults (see `python3 mrs_emulator.py --help`).
DEFAULTS = {
    "access_key": "MRSEMULATORACCESSKEY",
    "secret_key": "mrs-emulator-demo-secret-key-0000000000",
    "project_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "region": "cn-north-4",
    "iam_user": "mrs-demo",
    "iam_password": "mrs-demo-password",
    "iam_domain": "mrs-demo-domain",
}


class EmulatorError(Exception):
    """A control route refused the call, or the emulator did not start."""


class Emulator:
    """A running emulator: its URL, credentials and control routes."""

    def __init__(self, process, url, settings, verify=True):
        self.process = process
        self.url = url
        self.access_key = settings["access_key"]
        self.secret_key = settings["secret_key"]
        self.project_id = settings["project_id"]
        self.region = settings["region"]
        self.iam_user = settings["iam_user"]
        self.iam_password = settings["iam_password"]
        self.iam_domain = settings["iam_domain"]
        self.verify = verify
        self._sessions = []
        self.session = self.new_session()

    def control(self, method, path, body=None):
        """Call a control route; return its JSON answer or raise EmulatorError."""
        response = self.session.request(method, self.url + "/_emulator/" + path, json=body, timeout=10)
        if response.status_code >= 300:
            raise EmulatorError("%s /_emulator/%s: HTTP %d %s" % (method, path, response.status_code, response.text))
        return response.json()

    def create_cluster(self, **fields):
        """Create a cluster (fields as POST /_emulator/clusters); return its details view."""
        return self.control("POST", "clusters", fields)["cluster"]

    def cluster(self, cluster_id):
        return self.control("GET", "clusters/" + cluster_id)["cluster"]

    def cluster_control(self, cluster_id):
        """The details view plus the emulator's own data (scale_seconds, fail_next_scale, operation)."""
        return self.control("GET", "clusters/" + cluster_id)

    def hosts(self, cluster_id):
        return self.control("GET", "clusters/%s/hosts" % cluster_id)["hosts"]

    def patch_cluster(self, cluster_id, **fields):
        return self.control("PATCH", "clusters/" + cluster_id, fields)["cluster"]

    def requests_log(self):
        return self.control("GET", "requests")["requests"]

    def clear_requests(self):
        self.control("DELETE", "requests")

    def add_fault(self, **fields):
        return self.control("POST", "faults", fields)["fault"]

    def faults(self):
        return self.control("GET", "faults")["faults"]

    def clear_faults(self):
        self.control("DELETE", "faults")

    def reset(self):
        self.control("POST", "reset")

    def mint_token(self, **fields):
        """A valid project-scoped token (optional fields: project_id, ttl seconds)."""
        return self.control("POST", "tokens", fields)["token"]

    def expire_tokens(self):
        self.control("DELETE", "tokens")

    def temporary_credentials(self):
        """{"access", "secret", "securitytoken", "expires_at"}: use with an X-Security-Token header."""
        return self.control("POST", "credentials/temporary")

    def expire_temporary_credentials(self):
        self.control("DELETE", "credentials/temporary")

    def cluster_url(self, cluster_id=None, project_id=None):
        """URL of the vendor details/resize route, or of the list route without cluster_id."""
        url = "%s/v1.1/%s/cluster_infos" % (self.url, project_id or self.project_id)
        return url + "/" + cluster_id if cluster_id else url

    def hosts_url(self, cluster_id, project_id=None):
        return "%s/v1.1/%s/clusters/%s/hosts" % (self.url, project_id or self.project_id, cluster_id)

    def v2_url(self, cluster_id, action, project_id=None):
        """URL of a v2 cluster route: action is expand, shrink or nodes."""
        return "%s/v2/%s/clusters/%s/%s" % (self.url, project_id or self.project_id, cluster_id, action)

    def pay_order(self, order_id):
        """Pay the order a prepaid v2 expand answered: its scale-out starts. Returns the cluster's control view."""
        return self.control("POST", "orders/%s/pay" % order_id)

    def token_session(self, token=None):
        """A requests session that calls the vendor routes with an X-Auth-Token (minted unless given)."""
        session = self.new_session()
        session.headers["X-Auth-Token"] = token or self.mint_token()
        return session

    def new_session(self):
        """A requests session that trusts the emulator's certificate (closed with the emulator).

        trust_env is off: REQUESTS_CA_BUNDLE and proxy variables would otherwise override verify
        and route local calls through a proxy.
        """
        session = requests.Session()
        session.trust_env = False
        session.verify = self.verify
        self._sessions.append(session)
        return session

    def wait_until_idle(self, cluster_id, timeout=10.0, interval=0.05):
        """Poll until no scale operation is pending or in progress; return the details view.

        An accepted scale is pending while the cluster still shows "running" with its old counts (accept_delay):
        the emulator's own record of the operation says when it is over, not the state the API shows.
        """
        deadline = time.monotonic() + timeout
        while True:
            view = self.cluster_control(cluster_id)
            cluster = view["cluster"]
            if not view["emulator"]["operation"] and cluster["clusterState"] not in ("scaling-out", "scaling-in"):
                return cluster
            if time.monotonic() > deadline:
                raise EmulatorError("cluster %s still %s after %.1f s" % (cluster_id, cluster["clusterState"], timeout))
            time.sleep(interval)

    def close(self):
        for session in self._sessions:
            session.close()


def read_first_line(process, timeout):
    """The first stdout line of process, read without blocking past the timeout ("" if none came)."""
    deadline = time.monotonic() + timeout
    data = b""
    fd = process.stdout.fileno()
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or process.poll() is not None:
            break
        ready, _writable, _errored = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
    return data.split(b"\n", 1)[0].decode("utf-8", "replace")


def stop_process(process, timeout=10):
    """SIGTERM, wait, and SIGKILL if it does not stop. Returns the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)
    return process.returncode


@contextlib.contextmanager
def start_emulator(*extra_args, scale_seconds=1, state=None, tls=None, startup_timeout=15, **settings):
    """Run the emulator on a free port for the duration of the with block.

    extra_args: more command-line arguments. state: a --state file. tls: (cert_file, key_file) or
    (cert_file, key_file, ca_file); the control session verifies against ca_file (default cert_file).
    settings: access_key, secret_key, project_id, region, iam_user, iam_password, iam_domain overrides.
    """
    values = dict(DEFAULTS, **settings)
    command = [sys.executable, EMULATOR, "--port", "0", "--scale-seconds", str(scale_seconds)]
    for name in DEFAULTS:
        if name in settings:
            command += ["--" + name.replace("_", "-"), settings[name]]
    verify = True
    if state:
        command += ["--state", str(state)]
    if tls:
        command += ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])]
        verify = str(tls[2] if len(tls) > 2 else tls[0])
    command += [str(arg) for arg in extra_args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE)  # pylint: disable=consider-using-with
    emulator = None
    try:
        line = read_first_line(process, startup_timeout)
        if not line.startswith(BANNER):
            raise EmulatorError("the emulator did not start (exit code %s, first line %r)" % (process.poll(), line))
        url = line[len(BANNER):]
        emulator = Emulator(process, url, values, verify)
        yield emulator
    finally:
        if emulator:
            emulator.close()
        stop_process(process)
        process.stdout.close()
