"""hwcloud.mrs.mrs_events and its two rulebooks end to end: a real ansible-rulebook (Java 17) against the emulator.

Each test starts ``ansible-rulebook`` as a user would (the rulebook by its name in the collection, connection through
the HW_* variables, variables in a --vars file), waits until the source has its baseline, then changes the cluster the
way the scenario says and reads what the rulebook did. Short intervals (0.3 s) keep them fast.

Without Java 17 these tests are skipped, loudly; under CI=true a missing Java fails them (`make test` installs Java
where apt-get can: see tests/utils/java_home.py).
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "utils"))

from java_home import find_java_home  # noqa: E402  pylint: disable=wrong-import-position

INTERVAL = 0.3
STARTUP = 120  # seconds for ansible-rulebook to start its JVM and the source to read its baseline (a loaded machine)
EVENT_LINE = re.compile(r"^MRS_EVENT (\{.*\})\s*$", re.MULTILINE)
TASK_NODE_SIZE = "c6.2xlarge.4.linux.bigdata"


@pytest.fixture(name="java_home", scope="session")
def java_home_fixture():
    home = find_java_home()
    if home is None:
        message = ("ansible-rulebook needs Java 17 or later and none was found (JAVA_HOME, java on PATH, /usr/lib/jvm): "
                   "`make test` installs openjdk-17-jre-headless where apt-get can")
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: " + message)
        pytest.skip("******** SKIPPED: " + message + " ********")
    return home


class Rulebook:
    """A running ansible-rulebook process, its output in a file."""

    def __init__(self, process, log_path):
        self.process = process
        self.log_path = log_path

    def output(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return log.read()

    def events(self):
        return [json.loads(line) for line in EVENT_LINE.findall(self.output())]

    def wait_for(self, check, what, timeout=60.0):
        """Poll until ``check()`` is true; fail with the rulebook's output tail otherwise."""
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found:
                return found
            if self.process.poll() is not None:
                pytest.fail("ansible-rulebook ended (rc=%s) before %s:\n%s" % (self.process.returncode, what, self.output()[-6000:]))
            if time.monotonic() > deadline:
                pytest.fail("no %s within %.0f s; ansible-rulebook said:\n%s" % (what, timeout, self.output()[-6000:]))
            time.sleep(0.2)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture(name="rulebook")
def rulebook_fixture(ansible_env, java_home, tmp_path):
    """start(rulebook, **variables): ansible-rulebook -r RULEBOOK --vars FILE -v, stopped at the end of the test."""
    started = []

    def start(name, **variables):
        vars_file = tmp_path / "vars.yml"
        vars_file.write_text(yaml.safe_dump(dict(variables, mrs_events_interval=INTERVAL)))
        inventory = tmp_path / "inventory.yml"  # run_playbook needs one: localhost, with the venv's Python
        inventory.write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
            "ansible_connection": "local", "ansible_python_interpreter": ansible_env["ANSIBLE_PYTHON_INTERPRETER"]}}}}))
        env = dict(ansible_env, JAVA_HOME=java_home, PATH=BIN + os.pathsep + ansible_env.get("PATH", ""))
        log_path = str(tmp_path / "rulebook.log")
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen([os.path.join(BIN, "ansible-rulebook"), "-r", name, "-i", str(inventory),
                                        "--vars", str(vars_file), "-v"],
                                       cwd=str(tmp_path), env=env, stdout=log, stderr=subprocess.STDOUT)
        running = Rulebook(process, log_path)
        started.append(running)
        running.wait_for(lambda: "hwcloud.mrs.mrs_events - INFO - baseline:" in running.output(), "baseline", STARTUP)
        return running

    yield start
    for running in started:
        running.stop()
        assert running.process.returncode is not None


def kinds(events, cluster_id):
    return [event["event"] for event in events if event["cluster_id"] == cluster_id]


def test_a_scale_through_mrs_cluster_nodes_is_seen_started_succeeded_then_counted(mrs, rulebook, scale, ansible_env):
    cluster = mrs.create_cluster(name="analytics", core=3, scale_seconds=4)  # many polls see the scale run
    cid = cluster["clusterId"]
    running = rulebook(os.path.join(HERE, "rulebooks", "print_events.yml"))

    outcome, result = scale(cluster_id=cid, node_group="core", count=4)
    assert outcome.rc == 0, outcome
    assert result["changed"]

    events = running.wait_for(lambda: [e for e in running.events() if e["event"] == "node_count_changed"] and running.events(),
                              "node_count_changed")
    assert kinds(events, cid) == ["state_changed", "scale_started", "state_changed", "scale_succeeded", "node_count_changed"]
    by_kind = dict((event["event"], event) for event in events)
    assert by_kind["scale_started"]["after"] == "scaling-out"
    assert by_kind["node_count_changed"]["node_group"] == "core_node_analysis_group"
    assert (by_kind["node_count_changed"]["before"], by_kind["node_count_changed"]["after"]) == (3, 4)
    assert all(event["cluster_name"] == "analytics" and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", event["at"])
               for event in events)
    # the source only reads: every request it made was a GET, and the one resize is the playbook's
    assert [entry["method"] for entry in mrs.requests_log() if entry["method"] != "GET"] == ["PUT"]
    assert ansible_env["HW_SECRET_KEY"] not in running.output()


class Webhook:
    """A local HTTP endpoint that records what is POSTed to it."""

    def __init__(self):
        self.posts = []
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  pylint: disable=invalid-name
                length = int(self.headers.get("Content-Length") or 0)
                posts.append(json.loads(self.rfile.read(length).decode("utf-8")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hooks/mrs" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(name="webhook")
def webhook_fixture():
    hook = Webhook()
    yield hook
    hook.close()


def test_rulebook_1_reports_a_failed_scale_to_a_file_and_a_webhook(mrs, rulebook, scale, webhook, tmp_path, ansible_env):
    cluster = mrs.create_cluster(name="etl", core=3, task=2, task_node_size=TASK_NODE_SIZE, scale_seconds=1)
    cid = cluster["clusterId"]
    mrs.patch_cluster(cid, fail_next_scale="scaling-error")
    reports = tmp_path / "reports"
    running = rulebook("hwcloud.mrs.report_failed_scale", mrs_report_dir=str(reports), mrs_report_webhook_url=webhook.url)

    outcome, _result = scale(cluster_id=cid, node_group="task", count=4)
    assert outcome.rc != 0 and "failed" in outcome.output  # the task itself sees the failure too

    report_file = reports / ("scale_failed-%s.json" % cid)
    running.wait_for(lambda: report_file.exists() and webhook.posts, "report file and webhook post", timeout=90)
    report = json.loads(report_file.read_text())
    assert report == webhook.posts[0]
    assert report["event"]["event"] == "scale_failed" and report["event"]["cluster_id"] == cid
    assert report["event"]["after"] == "scaling-error" and report["event"]["stage"]
    assert report["cluster"]["id"] == cid and report["cluster"]["scale"] == "scaling-error"
    assert "failed" in report["summary"]
    assert oct(os.stat(str(report_file)).st_mode & 0o777) == "0o600"
    secret = ansible_env["HW_SECRET_KEY"]
    assert secret not in report_file.read_text() and secret not in running.output()
    assert len(webhook.posts) == 1


def console_resize(mrs, cluster_id, scale_type, group, instances):
    """A resize made behind the collection's back: the vendor route, authenticated as the console would be."""
    session = mrs.token_session()
    parameters = {"order_id": "", "scale_type": scale_type, "node_id": "node_orderadd", "node_group": group,
                  "instances": str(instances)}
    body = {"service_id": "", "plan_id": "", "parameters": parameters}
    answer = session.put(mrs.cluster_url(cluster_id), json=body, timeout=10)
    assert answer.status_code == 200, answer.text


def resizes(mrs):
    return [(entry.get("body") or {}).get("parameters", {}) for entry in mrs.requests_log() if entry["method"] == "PUT"]


def test_rulebook_2_brings_a_console_resize_back_once_and_its_own_change_does_nothing(mrs, rulebook):
    cluster = mrs.create_cluster(name="lake", core=3, task=2, task_node_size=TASK_NODE_SIZE, scale_seconds=1)
    other = mrs.create_cluster(name="scratch", core=3, task=1, task_node_size=TASK_NODE_SIZE, scale_seconds=0)
    cid = cluster["clusterId"]
    running = rulebook("hwcloud.mrs.hold_declared_sizes",
                       mrs_declared_sizes={"lake": {"task_node_analysis_group": 2}})

    console_resize(mrs, cid, "scale_out", "task_node_default_group", 1)  # someone adds a Task node in the console
    console_resize(mrs, other["clusterId"], "scale_out", "task_node_default_group", 2)  # not declared: left alone

    running.wait_for(lambda: len(resizes(mrs)) >= 3 and mrs.wait_until_idle(cid)["taskNodeGroups"][0]["NodeNum"] == 2,
                     "the correction back to 2 Task nodes", timeout=120)
    # the correction's own change (3 -> 2) is a node_count_changed too: its playbook run stops at once
    running.wait_for(lambda: running.output().count("Stop unless the change moved a declared group away from its size") >= 2,
                     "the playbook run on the correction's own event")
    time.sleep(3 * INTERVAL + 1)
    puts = resizes(mrs)
    assert len(puts) == 3, puts  # the two console resizes and ONE correction
    assert (puts[2]["scale_type"], puts[2]["node_group"], str(puts[2]["instances"])) == ("scale_in", "task_node_default_group", "1")
    assert mrs.cluster(other["clusterId"])["taskNodeGroups"][0]["NodeNum"] == 3
    assert "FAILED" not in running.output() and "fatal:" not in running.output()
