"""docs/fleets.md: the two async fleet playbooks, exactly as the page shows them, on ten clusters of the emulator.

Each playbook is taken from its `<!-- tested: ... -->` block and run with `--forks 3` (fewer forks than clusters,
so forks alone could not run them all at once). Eight clusters need a resize, one is already at its size, one
is prepaid (refused before any write) and one fails during its scale. Every cluster that can be scaled must end
at its target with exactly one resize, report changed (or ok, for the one at its size) under its own name, and
the failures must be reported under theirs while every other cluster completes.
"""

import json
import os
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLEETS = os.path.join(ROOT, "docs", "fleets.md")
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))

from docs_tools import tested_block as docs_block  # noqa: E402  pylint: disable=wrong-import-position

SCALED = ["grow-%02d" % number for number in range(1, 7)] + ["shrink-01", "shrink-02"]
AT_SIZE = "steady-01"
PREPAID = "prepaid-01"   # refused by the planner before any write (12000065)
BROKEN = "broken-01"     # the resize is accepted, then the scale fails
FAILING = (PREPAID, BROKEN)

# ansible-core has no JSON stdout callback (ansible.posix's is not installed): this one writes every task result
# to a file, beside the default output a user reads.
RECORDER = """
import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "fleet_recorder"
    CALLBACK_NEEDS_ENABLED = False

    def __init__(self):
        super().__init__()
        self.tasks = {}

    def _record(self, result, status):
        task = self.tasks.setdefault(result._task.get_name(), {})
        entry = task.setdefault(result._host.get_name(), {"results": []})
        data = dict(result._result, status=status, failed=status == "failed")
        if "_ansible_item_label" in data or "ansible_loop_var" in data:
            entry["results"].append(data)
        else:
            entry.update(data)

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_item_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_item_on_failed(self, result):
        self._record(result, "failed")

    def v2_playbook_on_stats(self, stats):
        hosts = sorted(stats.processed.keys())
        report = {"tasks": self.tasks, "stats": dict((host, stats.summarize(host)) for host in hosts)}
        with open(os.environ["FLEET_REPORT"], "w", encoding="utf-8") as handle:
            json.dump(report, handle, default=str)
"""


def make_fleet(mrs):
    """Eleven clusters on the emulator: {name: (cluster id, target Core count)}."""
    fleet = {}
    for index, name in enumerate(SCALED):
        start, target = (3, 4 + index % 3) if name.startswith("grow") else (6, 4)
        fleet[name] = (mrs.create_cluster(name=name, core=start, scale_seconds=2)["clusterId"], target)
    fleet[AT_SIZE] = (mrs.create_cluster(name=AT_SIZE, core=5)["clusterId"], 5)
    fleet[PREPAID] = (mrs.create_cluster(name=PREPAID, core=3, billing_type="Yearly/Monthly")["clusterId"], 5)
    fleet[BROKEN] = (mrs.create_cluster(name=BROKEN, core=3, scale_seconds=1)["clusterId"], 5)
    mrs.patch_cluster(fleet[BROKEN][0], fail_next_scale="failed")
    mrs.clear_requests()
    return fleet


def run_documented(block, ansible_env, tmp_path, inventory, extra_vars):
    playbook = tmp_path / block
    playbook.write_text(docs_block(FLEETS, block))
    plugins = tmp_path / "callback_plugins"
    plugins.mkdir(exist_ok=True)
    (plugins / "fleet_recorder.py").write_text(RECORDER)
    report_file = tmp_path / ("%s.report.json" % block)
    env = dict(ansible_env, ANSIBLE_CALLBACK_PLUGINS=str(plugins), ANSIBLE_CALLBACKS_ENABLED="fleet_recorder",
               ANSIBLE_ASYNC_DIR=str(tmp_path / "async"), FLEET_REPORT=str(report_file))
    # the page's defaults, except the waits, which the emulator makes short
    extra = dict(fleet_wait_timeout=60, fleet_poll_delay=1, **extra_vars)
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, str(playbook),
               "--forks", "3", "-e", json.dumps(extra)]
    started = time.monotonic()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    wall = time.monotonic() - started
    if not report_file.exists():
        pytest.fail("no report (rc %d):\n%s\n%s" % (completed.returncode, completed.stdout[-3000:], completed.stderr[-3000:]))
    report = json.loads(report_file.read_text())
    return completed, report, wall


def assert_fleet_outcome(mrs, fleet, results):
    """results: {cluster name: its async_status result}."""
    assert sorted(results) == sorted(fleet)
    puts = {}
    for entry in mrs.requests_log():
        if entry["method"] == "PUT":
            cluster_id = entry["path"].rstrip("/").rsplit("/", 1)[-1]
            puts[cluster_id] = puts.get(cluster_id, 0) + 1
    for name, (cluster_id, target) in fleet.items():
        result = results[name]
        if name in FAILING:
            assert result.get("failed") is True, (name, result)
            continue
        assert not result.get("failed"), (name, result)
        assert int(mrs.cluster(cluster_id)["coreNodeNum"]) == target, name
        if name == AT_SIZE:
            assert result.get("changed") is False and puts.get(cluster_id, 0) == 0, (name, result)
        else:
            assert result.get("changed") is True, (name, result)
            assert result["count"] == target and puts.get(cluster_id) == 1, (name, result, puts.get(cluster_id))
    assert "prepaid" in results[PREPAID]["msg"].lower(), results[PREPAID]["msg"]
    assert puts.get(fleet[PREPAID][0], 0) == 0, "a prepaid cluster got a resize"
    assert puts.get(fleet[BROKEN][0]) == 1 and results[BROKEN].get("changed") is True, results[BROKEN]


def task_results(report, task_name):
    assert task_name in report["tasks"], sorted(report["tasks"])
    return report["tasks"][task_name]


def test_one_host_per_cluster_scales_the_whole_fleet_at_once_and_names_the_failed_clusters(mrs, ansible_env, tmp_path):
    fleet = make_fleet(mrs)
    inventory = tmp_path / "fleet.json"
    hosts = dict((name, {"mrs_core_count": target}) for name, (_cluster_id, target) in fleet.items())
    hosts[BROKEN]["mrs_cluster_name"] = BROKEN  # the page's way to name a cluster other than its host
    inventory.write_text(json.dumps({"mrs_fleet": {"hosts": hosts}}))

    completed, report, wall = run_documented("fleet-hosts.yml", ansible_env, tmp_path, str(inventory), {})

    assert completed.returncode == 2, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = task_results(report, "Wait until this cluster has its size")
    assert_fleet_outcome(mrs, fleet, results)
    stats = report["stats"]
    for name in fleet:  # the recap, cluster by cluster
        assert stats[name]["failures"] == (1 if name in FAILING else 0), (name, stats[name])
        # Ansible counts a failed task as failed, not changed, even when its result says changed (broken-01's does)
        assert stats[name]["changed"] == (0 if name in (AT_SIZE,) + FAILING else 1), (name, stats[name])
        assert ("fatal: [%s]" % name in completed.stdout) == (name in FAILING), name  # the line a user reads
    # 8 scales of 2 s with 3 forks: forks alone would need 3 waves of > 2 s; at once, the scales overlap
    assert wall < 60, wall


def test_a_loop_on_localhost_scales_the_whole_fleet_at_once_and_names_the_failed_clusters(mrs, ansible_env, tmp_path):
    fleet = make_fleet(mrs)
    clusters = [dict(name=name, core=target) for name, (_cluster_id, target) in fleet.items()]

    completed, report, _wall = run_documented("fleet-loop.yml", ansible_env, tmp_path, "localhost,",
                                              {"fleet_clusters": clusters, "ansible_python_interpreter": sys.executable})

    assert completed.returncode == 2, completed.stdout[-3000:] + completed.stderr[-3000:]
    loop = task_results(report, "Wait until every cluster has its size")["localhost"]
    assert report["stats"]["localhost"]["failures"] == 1
    results = dict((item["item"]["item"]["name"], item) for item in loop["results"])
    assert_fleet_outcome(mrs, fleet, results)
    for name in fleet:  # every item a user reads is labelled with its cluster's name
        assert results[name]["_ansible_item_label"] == name
        assert ("(item=%s)" % name) in completed.stdout, name
