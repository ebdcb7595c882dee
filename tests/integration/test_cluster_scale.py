"""The hwcloud.mrs.cluster_scale role through real ansible-playbook runs against the MRS emulator.

Each test runs one playbook of tests/integration/playbooks/role_*.yml (several calls of the role per run) and
checks what an operator would: the counts the emulator ends with, the resize requests it received, the
result fact saved by the playbook, and the messages of refused calls.
"""

import json
import os
import re
import subprocess
import sys
import threading
import time

import yaml

from reliability_support import counts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE = os.path.join(ROOT, "roles", "cluster_scale")
TASK_SPEC = {"node_size": "s3.xlarge.2.linux.bigdata"}


def resizes(puts):
    """The accepted resizes as (scale_type, group, instances), in the order the emulator received them."""
    collected = puts()
    assert all(status == 200 for status, _parameters in collected), collected
    return [(parameters["scale_type"], parameters["node_group"].split("_")[0], int(parameters["instances"]))
            for _status, parameters in collected]


def guide_block(name):
    """The code block of docs/cluster_scale.md marked <!-- tested: NAME -->: the test runs what the guide shows."""
    with open(os.path.join(ROOT, "docs", "cluster_scale.md"), encoding="utf-8") as page:
        found = re.search(r"<!-- tested: %s -->\s*\n```yaml\n(.*?)\n```" % re.escape(name), page.read(), re.DOTALL)
    assert found, "docs/cluster_scale.md has no block marked %s" % name
    return yaml.safe_load(found.group(1))


def load(path):
    return json.loads(path.read_text())


def test_converge_stepwise_then_nothing_to_do(mrs, playbook, puts, tmp_path):
    mrs.create_cluster(name="analytics", core=3, task=1, state="terminated")  # an old cluster of the same name
    cluster_id = mrs.create_cluster(name="analytics", core=3, task=4, scale_seconds=0)["clusterId"]
    connection = dict(endpoint=mrs.url, iam_endpoint=mrs.url, region=mrs.region, project_id=mrs.project_id,
                      access_key=mrs.access_key, secret_key=mrs.secret_key)
    result_file = tmp_path / "result.json"

    # Wrong credentials in the environment: only the play's module_defaults can make the role work.
    run = playbook("role_converge", env={"HW_ACCESS_KEY": "NOTTHEKEY", "HW_SECRET_KEY": "not-the-secret"},
                   cluster_name="analytics", core=6, task=1, mrs_connection=connection, result_file=str(result_file))

    assert run.rc == 0, run
    # capacity first (Core grows before Task shrinks), at most 2 nodes per resize, one at a time
    assert resizes(puts) == [("scale_out", "core", 2), ("scale_out", "core", 1), ("scale_in", "task", 2), ("scale_in", "task", 1)]
    assert counts(mrs, cluster_id) == (6, 1)
    result = load(result_file)
    first, second = result["first"], result["second"]
    assert first["cluster_id"] == cluster_id and first["pattern"] == "converge" and first["changed"] is True
    assert first["before"] == {"core": 3, "task": 4} and first["after"] == {"core": 6, "task": 1}
    assert [(step["node_group"], step["from"], step["count"]) for step in first["steps"]] == [
        ("core", 3, 5), ("core", 5, 6), ("task", 4, 2), ("task", 2, 1)]
    assert second["changed"] is False and second["steps"] == []
    assert second["before"] == second["after"] == {"core": 6, "task": 1}


def test_converge_in_check_mode_reads_and_changes_nothing(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="analytics", core=3, task=0, scale_seconds=0)["clusterId"]
    result_file = tmp_path / "result.json"

    run = playbook("role_converge", "--check", cluster_name="analytics", core=6, task=3, result_file=str(result_file))

    assert run.rc == 0, run
    assert puts() == []
    assert counts(mrs, cluster_id) == (3, 0)
    assert any(entry["method"] == "GET" for entry in mrs.requests_log())
    first = load(result_file)["first"]
    assert first["check_mode"] is True and first["changed"] is True
    assert first["before"] == {"core": 3, "task": 0} and first["after"] == first["target"] == {"core": 6, "task": 3}
    assert [(step["node_group"], step["from"], step["count"]) for step in first["steps"]] == [
        ("core", 3, 5), ("core", 5, 6), ("task", 0, 2), ("task", 2, 3)]
    # the first resize is previewed by the module, the later ones (which start from its result) are reported
    assert "would resize task from 2 to 3 nodes" in run.output, run


class ConcurrentResize(threading.Thread):
    """Another operator: once the playbook has read the cluster `after_reads` times, add one Core node through the API."""

    def __init__(self, mrs, cluster_id, after_reads):
        super().__init__(daemon=True)
        self.mrs, self.cluster_id, self.after_reads = mrs, cluster_id, after_reads
        self.session = mrs.token_session()
        self.stop = threading.Event()
        self.status = None

    def reads(self):
        path = "/v1.1/%s/cluster_infos/%s" % (self.mrs.project_id, self.cluster_id)
        return sum(1 for entry in self.mrs.requests_log() if entry["method"] == "GET" and entry["path"] == path)

    def run(self):
        while not self.stop.is_set() and self.reads() < self.after_reads:
            time.sleep(0.02)
        if not self.stop.is_set():
            body = {"service_id": "", "plan_id": "", "previous_values": {"plan_id": ""},
                    "parameters": {"order_id": "", "scale_type": "scale_out", "node_id": "node_orderadd",
                                   "node_group": "core_node_default_group", "instances": "1"}}
            self.status = self.session.put(self.mrs.cluster_url(self.cluster_id), json=body, timeout=10).status_code


def test_converge_guards_core_removal_and_concurrent_changes(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="analytics", core=6, task=0, scale_seconds=0)["clusterId"]
    result_file = tmp_path / "result.json"
    # read 1: the refused Core removal; read 2: the converge to 8, planned from 6. Then the other operator adds a node.
    other = ConcurrentResize(mrs, cluster_id, after_reads=2)
    other.start()

    run = playbook("role_guards", cluster_id=cluster_id, result_file=str(result_file))
    other.stop.set()
    other.join(10)

    assert run.rc == 0, run
    assert other.status == 200
    result = load(result_file)
    assert ("cluster_scale_core_removal_limit: this run would remove 3 Core nodes (6 -> 3) and at most 1 may go in one run"
            in result["refusals"]["core_limit"])
    assert "current_count" in result["refusals"]["concurrent"] and "7" in result["refusals"]["concurrent"], result
    # the refused runs sent nothing: the only resizes are the other operator's and the explicitly allowed one
    assert resizes(puts) == [("scale_out", "core", 1), ("scale_in", "core", 4)]
    assert counts(mrs, cluster_id) == (3, 0)
    assert result["allowed"]["before"]["core"] == 7 and result["allowed"]["after"]["core"] == 3


def test_burst_restores_the_task_count_even_when_the_job_fails(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="etl", core=3, task=0, scale_seconds=0)["clusterId"]

    run = playbook("role_burst", cluster_id=cluster_id, result_dir=str(tmp_path))

    # the second job's failure surfaces: the play fails, after the restore, and stops there
    assert run.rc == 2, run
    assert "the second heavy job failed" in run.output
    assert run.output.index("the second heavy job failed") < run.output.rindex("Restore the Task count recorded before the burst")
    assert not (tmp_path / "after-failure.txt").exists()
    # each job ran on the grown group, and the group is back to its recorded count
    assert load(tmp_path / "job-first.json") == {"task_count": 3, "burst": {"task": 3}}
    assert load(tmp_path / "job-second.json") == {"task_count": 2, "burst": {"task": 2}}
    assert counts(mrs, cluster_id) == (3, 0)
    assert resizes(puts) == [("scale_out", "task", 3), ("scale_in", "task", 3), ("scale_out", "task", 2), ("scale_in", "task", 2)]
    # the Task group grew from 0, so both scale-outs carried the node spec
    assert [parameters.get("task_node_info", {}).get("node_size") for _status, parameters in puts()] == [
        TASK_SPEC["node_size"], None, TASK_SPEC["node_size"], None]
    first = load(tmp_path / "first.json")
    assert first["before"] == {"task": 0} and first["burst"] == {"task": 3} and first["after"] == {"task": 0}
    assert first["restored"] is True and first["changed"] is True


def test_profiles_are_applied_by_name(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="etl", core=3, task=0, scale_seconds=0)["clusterId"]
    result_file = tmp_path / "result.json"

    run = playbook("role_profile", cluster_name="etl", result_file=str(result_file))

    assert run.rc == 0, run
    assert resizes(puts) == [("scale_out", "core", 1), ("scale_out", "task", 3), ("scale_in", "task", 3), ("scale_in", "core", 1)]
    assert counts(mrs, cluster_id) == (3, 0)
    result = load(result_file)
    assert result["business_hours"]["profile"] == "business_hours" and result["business_hours"]["after"] == {"core": 4, "task": 3}
    assert result["night"]["profile"] == "night" and result["night"]["after"] == {"core": 3, "task": 0}


def test_drain_removes_exactly_the_chosen_task_nodes(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="etl", core=3, task=4, scale_seconds=0)["clusterId"]
    hosts = mrs.hosts(cluster_id)
    tasks = [host for host in hosts if host["type"] == "Task"]
    core_host = next(host for host in hosts if host["type"] == "Core")
    result_file = tmp_path / "result.json"

    run = playbook("role_drain", cluster_id=cluster_id, core_host_name=core_host["name"], drain_ids=[tasks[0]["id"]],
                   drain_names=[tasks[2]["name"], "node-gone-long-ago.com"], result_file=str(result_file))

    assert run.rc == 0, run
    result = load(result_file)
    assert "only Task nodes can be drained" in result["refusal"] and core_host["name"] in result["refusal"]
    assert tasks[2]["name"] not in result["refusal"]
    # a name that matches no host is a typo until the caller says otherwise: refused before any change, naming it
    missing = result["missing"]
    assert missing and missing.startswith("cluster_scale_drain_host_names: no host of cluster %s has \"node-gone-long-ago.com\"" % cluster_id)
    assert "Nothing was changed" in missing and "cluster_scale_drain_allow_missing" in missing and tasks[1]["name"] in missing
    # allowed, it is reported as already gone, with a warning
    assert "counted as already gone" in run.output
    collected = puts()
    assert len(collected) == 1 and collected[0][0] == 200, collected
    assert collected[0][1]["scale_type"] == "scale_in" and collected[0][1]["instances"] == "2"
    assert sorted(collected[0][1]["server_ids"]) == sorted([tasks[0]["id"], tasks[2]["id"]])
    remaining = sorted(host["id"] for host in mrs.hosts(cluster_id) if host["type"] == "Task")
    assert remaining == sorted([tasks[1]["id"], tasks[3]["id"]])
    drain = result["drain"]
    assert drain["before"] == {"task": 4} and drain["after"] == {"task": 2} and drain["changed"] is True
    assert sorted(drain["removed"]["server_ids"]) == sorted([tasks[0]["id"], tasks[2]["id"]])
    assert sorted(drain["removed"]["host_names"]) == sorted([tasks[0]["name"], tasks[2]["name"]])
    assert drain["already_gone"] == {"server_ids": [], "host_names": ["node-gone-long-ago.com"]}


def test_burst_profile_and_drain_in_check_mode_change_nothing(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="etl", core=3, task=2, scale_seconds=0)["clusterId"]
    victim = next(host for host in mrs.hosts(cluster_id) if host["type"] == "Task")

    run = playbook("role_check", "--check", cluster_id=cluster_id, drain_name=victim["name"], result_dir=str(tmp_path))

    assert run.rc == 0, run
    assert puts() == [] and {entry["method"] for entry in mrs.requests_log()} == {"GET"}
    assert counts(mrs, cluster_id) == (3, 2)
    result = load(tmp_path / "check.json")
    burst, profile, drain = result["burst"], result["profile"], result["drain"]
    assert burst["check_mode"] is True and burst["changed"] is True
    assert (burst["before"], burst["burst"], burst["after"]) == ({"task": 2}, {"task": 4}, {"task": 2})
    # the caller's tasks ran too (in check mode), on the cluster as it is
    assert load(tmp_path / "job-check.json") == {"task_count": 2, "burst": {"task": 4}}
    assert profile["profile"] == "night" and profile["after"] == {"core": 4, "task": 0}
    assert [(step["node_group"], step["from"], step["count"]) for step in profile["steps"]] == [("core", 3, 4), ("task", 2, 0)]
    assert drain["changed"] is True and drain["removed"]["server_ids"] == [victim["id"]] and drain["after"] == {"task": 1}


REFUSALS = {
    # (the wording of the argument spec's own messages varies a little between ansible-core versions)
    "type_int": "argument 'cluster_scale_core_count' is of type",
    "type_bool": "argument 'cluster_scale_allow_core_removal' is of type",
    # the planner's rule and words (the disk types live only there), naming the role's variable
    "choices": "cluster_scale_task_node_info.data_volume_type: must be one of SATA, SAS, SSD, GPSSD (got 'NVME')",
    "suboption_required": "missing required arguments: node_size found in cluster_scale_task_node_info",
    "required": "missing required arguments: cluster_scale_burst_tasks_file",
    "no_cluster": "cluster_scale_cluster_id / cluster_scale_cluster_name: give exactly one of them",
    "two_clusters": "cluster_scale_cluster_id / cluster_scale_cluster_name: give exactly one of them",
    "no_target": "cluster_scale_core_count / cluster_scale_task_count: give at least one target size",
    "core_below_3": "cluster_scale_core_count: must be 3 or more",
    "task_negative": "cluster_scale_task_count: must be 0 or more, got -1",
    "step_negative": "cluster_scale_step: must be 0 or more",
    "limit_negative": "cluster_scale_core_removal_limit: must be 0 or more, got -1",
    "timeout_negative": "cluster_scale_wait_timeout: must be 0 or more seconds, got -5",
    "volume_count": ["cluster_scale_task_node_info.data_volume_count: must be", "21"],
    "burst_both": "cluster_scale_burst_task_count / cluster_scale_burst_task_increase: give exactly one of them",
    "burst_zero": "cluster_scale_burst_task_increase: must be 1 or more, got 0",
    "profile_unknown": 'cluster_scale_profile: no profile named "weekend" in cluster_scale_profiles; known profiles: day, night',
    "profile_bad_key": "cluster_scale_profiles.night: unknown keys tasks (known: core, task, task_node_info)",
    # "5" is a size for a profile as for converge; the profile that is not applied is checked too
    "profile_bad_core": "cluster_scale_profiles.night.core: must be 3 or more (MRS keeps at least 3 Core nodes), got 2",
    "profile_over_500": "cluster_scale_profiles.peak.core / cluster_scale_profiles.peak.task: Core + Task would be 501 nodes",
    "profile_not_a_number": "cluster_scale_profiles.day.core: must be a whole number, got 'five'",
    "burst_file_relative": ['cluster_scale_burst_tasks_file: no task file "tasks/burst_jbo.yml"', "/playbooks/tasks/burst_jbo.yml",
                            "Nothing was changed"],
    "burst_file_absolute": ['cluster_scale_burst_tasks_file: no task file "', '/playbooks/tasks/no_such_job.yml"'],
    "burst_file_directory": ['cluster_scale_burst_tasks_file: no task file "', '/playbooks/tasks"'],
    "drain_nothing": "cluster_scale_drain_server_ids / cluster_scale_drain_host_names: give at least one Task node id or host name",
    "over_500": "cluster_scale_task_count: Core + Task would be 501 nodes (Core 3, Task 498); MRS allows at most 500",
    # the planner's own rule and words (mrs_cluster_nodes), naming the role's variable
    "task_from_0": ["cluster_scale_task_node_info: required", "from 0 nodes"],
}


def test_bad_variables_are_refused_before_any_change(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="analytics", core=3, task=0, scale_seconds=0)["clusterId"]
    result_file = tmp_path / "result.json"

    run = playbook("role_bad_vars", cluster_id=cluster_id, result_file=str(result_file))

    assert run.rc == 0, run
    refusals = load(result_file)
    assert sorted(refusals) == sorted(REFUSALS), "cases that were not refused: %s" % sorted(set(REFUSALS) - set(refusals))
    for case, expected in REFUSALS.items():
        for part in expected if isinstance(expected, list) else [expected]:
            assert part in refusals[case], (case, refusals[case])
    assert "unable to convert to int" in refusals["type_int"] and "unable to convert to bool" in refusals["type_bool"]
    assert puts() == []
    # only the two rules that need the cluster's counts read it; every other call was refused before any request
    assert [entry["method"] for entry in mrs.requests_log()] == ["GET", "GET"]


def test_role_documentation_renders_every_entry_point_and_variable(ansible_env):
    with open(os.path.join(ROLE, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-doc"), "-t", "role", "hwcloud.mrs.cluster_scale"]

    run = subprocess.run(command, env=ansible_env, capture_output=True, text=True, timeout=120, check=False)

    assert run.returncode == 0 and not run.stderr.strip(), run.stderr
    assert sorted(specs) == ["burst", "converge", "drain", "main", "profile", "schedule"]
    for entry, spec in specs.items():
        assert re.search(r"ENTRY POINT: \W*%s\W* - %s" % (entry, re.escape(spec["short_description"])), run.stdout), entry
        for option in spec["options"]:
            assert option.startswith("cluster_scale_") and option in run.stdout, (entry, option)


def test_role_defaults_match_the_documented_defaults():
    with open(os.path.join(ROLE, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]
    with open(os.path.join(ROLE, "defaults", "main.yml"), encoding="utf-8") as handle:
        defaults = yaml.safe_load(handle)
    documented = {}
    for spec in specs.values():
        for option, details in spec["options"].items():
            if details.get("required"):
                assert option not in defaults, "required %s must not have a default" % option
            else:
                documented[option] = details.get("default")
    assert defaults == documented


def test_a_size_spelled_as_a_string_is_the_same_size_for_converge_and_profile(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="etl", core=3, task=0, scale_seconds=0)["clusterId"]
    result_file = tmp_path / "result.json"

    run = playbook("role_string_sizes", cluster_id=cluster_id, result_file=str(result_file))

    assert run.rc == 0, run
    assert resizes(puts) == [("scale_out", "core", 1), ("scale_out", "core", 1), ("scale_out", "task", 2)]
    assert counts(mrs, cluster_id) == (5, 2)
    result = load(result_file)
    assert result["converge"]["target"] == {"core": 4, "task": 0} and result["converge"]["after"] == {"core": 4, "task": 0}
    assert result["profile"]["target"] == {"core": 5, "task": 2} and result["profile"]["after"] == {"core": 5, "task": 2}


class FailNextScaleAfterPuts(threading.Thread):
    """Once the emulator has accepted `after` resizes, make the next accepted one end in `outcome`."""

    def __init__(self, mrs, cluster_id, after, outcome="failed"):
        super().__init__(daemon=True)
        self.mrs, self.cluster_id, self.after, self.outcome = mrs, cluster_id, after, outcome
        self.stop = threading.Event()
        self.armed = False

    def run(self):
        while not self.stop.is_set():
            if sum(1 for entry in self.mrs.requests_log() if entry["method"] == "PUT" and entry["status"] == 200) >= self.after:
                self.mrs.patch_cluster(self.cluster_id, fail_next_scale=self.outcome)
                self.armed = True
                return
            time.sleep(0.02)


def test_a_converge_that_fails_part_way_says_what_it_changed(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="etl", core=3, task=0, scale_seconds=0)["clusterId"]
    result_file = tmp_path / "result.json"
    saboteur = FailNextScaleAfterPuts(mrs, cluster_id, after=1)
    saboteur.start()

    run = playbook("role_partial_failure", cluster_id=cluster_id, result_file=str(result_file))
    saboteur.stop.set()
    saboteur.join(10)

    assert run.rc == 0, run  # the caller's rescue handled it
    assert saboteur.armed
    # the first resize was applied, the second was accepted and failed, the third was never sent
    assert resizes(puts) == [("scale_out", "core", 1), ("scale_out", "core", 1)]
    saved = load(result_file)
    message, applied, result = saved["msg"], saved["applied"], saved["result"]
    assert "stopped at resize 2 of 3 (core 4 -> 5)" in message, message
    assert "Applied before it: core 3 -> 4." in message and "Not started: task 0 -> 1." in message, message
    assert [(step["node_group"], step["from"], step["count"], step["changed"]) for step in applied] == [("core", 3, 4, True)]
    assert result["failed"] is True and result["changed"] is True and result["cluster_id"] == cluster_id
    assert result["steps"] == applied and result["before"] == {"core": 3, "task": 0} and result["after"] == {"core": 4, "task": 0}
    in_progress = result["in_progress"]
    assert (in_progress["node_group"], in_progress["from"], in_progress["count"]) == ("core", 4, 5) and in_progress["msg"]
    assert [(step["node_group"], step["from"], step["count"]) for step in result["not_started"]] == [("task", 0, 1)]
    # the applied resize's task reported a change
    assert re.search(r"changed: \[localhost\]", run.output), run


def test_the_documented_day_and_night_profiles_switch_back_to_night(mrs, playbook, puts, tmp_path):
    cluster_id = mrs.create_cluster(name="analytics", core=6, task=0, scale_seconds=0)["clusterId"]
    result_file = tmp_path / "result.json"

    guide = guide_block("day-night-profiles")[0]["vars"]

    run = playbook("role_day_night", cluster_name="analytics", guide_profiles=guide["cluster_scale_profiles"],
                   guide_core_removal_limit=guide["cluster_scale_core_removal_limit"], result_file=str(result_file))

    assert run.rc == 0, run
    result = load(result_file)
    refusal = result["refusal"]
    # the refusal names the variable to raise, by how much, and why Core scale-in is slow
    assert refusal.startswith("cluster_scale_core_removal_limit: this run would remove 2 Core nodes (8 -> 6, profile night)"), refusal
    assert "set cluster_scale_core_removal_limit to 2 or more" in refusal and "decommissions" in refusal and "HDFS" in refusal
    assert "Nothing was changed" in refusal
    assert resizes(puts) == [("scale_out", "core", 2), ("scale_out", "task", 24), ("scale_in", "task", 24), ("scale_in", "core", 2)]
    assert counts(mrs, cluster_id) == (6, 0)
    assert result["night"]["after"] == {"core": 6, "task": 0}
