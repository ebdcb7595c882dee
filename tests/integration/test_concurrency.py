"""Concurrency: two ansible-playbook runs converging one cluster at once, and 20 clusters in one run with forks 10.

Every run must end at the target without failing (a 12000018 "already scaling" refusal is waited out with
wait: true), and the emulator must accept exactly one resize per change: never a duplicate.
"""

import re

from reliability_support import (accepted, cluster_path, counts, emulator_env, finish, load_json, puts_to, start_playbook,
                                 wait_for, wait_idle)

SPEC = {"node_size": "s3.xlarge.2.linux.bigdata"}


def test_two_runs_converging_one_cluster_at_once(mrs, ansible_env, tmp_path):
    """Both runs plan on the same picture, both send the Core resize: MRS accepts one and refuses the other (12000018).

    To make the race certain, the cluster is busy when both runs start (both wait for it), both are released at
    once, and the emulator holds each resize 3 s before handling it. The runs authenticate differently (AK/SK and
    a token), so the log tells them apart.
    """
    cluster_id = mrs.create_cluster(name="race", core=3, task=0)["clusterId"]
    mrs.patch_cluster(cluster_id, state="scaling-out", scale_seconds=120)  # another operation, running when they start
    path = cluster_path(mrs, cluster_id)
    mrs.add_fault(method="PUT", path=re.escape(path) + "$", delay=3, times=2)
    runs = []
    for index, env in enumerate((emulator_env(ansible_env, mrs), emulator_env(ansible_env, mrs, HW_AUTH_TOKEN=mrs.mint_token()))):
        runs.append(start_playbook(env, "fleet_converge", "-i", "localhost,", cluster_id=cluster_id, core=5, task=2, task_node_info=SPEC,
                                   result_file=str(tmp_path / ("run%d.json" % index))))

    def both_waiting():
        reads = [entry["auth"] for entry in mrs.requests_log() if entry["method"] == "GET" and entry["path"] == path]
        return reads.count("signature") >= 3 and reads.count("token") >= 3  # role's read, module's read, a poll

    released = wait_for(both_waiting, timeout=120)
    # Every operation from now on lasts 6 s: much longer than the gap between the two resizes, as on the real service
    # (where it takes minutes). A resize planned on the same count that landed after the other run's operation had
    # already ended would be accepted: the API takes a number of nodes to add, not a target.
    mrs.patch_cluster(cluster_id, state="running", scale_seconds=6)
    results = [finish(run) for run in runs]

    assert released, results
    assert [result.rc for result in results] == [0, 0], results
    wait_idle(mrs, [cluster_id])
    puts = puts_to(mrs.requests_log(), path)
    assert counts(mrs, cluster_id) == (5, 2)
    # one accepted resize per change; the loser of the race was refused with 12000018 and did not fail
    assert sorted((parameters["node_group"], parameters["instances"]) for parameters in accepted(puts)) == [
        ("core_node_default_group", "2"), ("task_node_default_group", "2")], puts
    refused = [entry for entry in mrs.requests_log() if entry["method"] == "PUT" and entry["path"] == path and entry["status"] != 200]
    assert refused and all((entry["status"], entry["error_code"]) == (400, "12000018") for entry in refused), refused
    assert "core_node_default_group" in [entry["body"]["parameters"]["node_group"] for entry in refused], refused
    for index in range(2):
        result = load_json(tmp_path / ("run%d.json" % index))
        assert result["after"] == {"core": 5, "task": 2}, result
    # exactly one of the runs made each resize
    made = [step["node_group"] for index in range(2) for step in load_json(tmp_path / ("run%d.json" % index))["steps"] if step["changed"]]
    assert sorted(made) == ["core", "task"], made


def fleet_cases(mrs):
    """20 clusters: Core out and in, Task out from 0, Task nodes removed by id, two already at size, three busy."""
    plans = []
    for index in range(5):
        plans.append(("core-out-%d" % index, dict(core=3), dict(node_group="core", count=4 + index % 3), (4 + index % 3, 0)))
    for index in range(3):
        plans.append(("core-in-%d" % index, dict(core=6), dict(node_group="core", count=4), (4, 0)))
    for index in range(4):
        plans.append(("task-out-%d" % index, dict(core=3, task=0), dict(node_group="task", count=2, task_node_info=SPEC), (3, 2)))
    for index in range(3):
        plans.append(("task-drain-%d" % index, dict(core=3, task=3), dict(node_group="task", server_ids=[index]), (3, 2)))
    for index in range(2):
        plans.append(("at-size-%d" % index, dict(core=4), dict(node_group="core", count=4), (4, 0)))
    for index in range(3):
        plans.append(("busy-%d" % index, dict(core=3, busy=True), dict(node_group="core", count=5), (5, 0)))
    cases, busy = {}, []
    for name, cluster, options, final in plans:
        if cluster.pop("busy", False):
            busy.append(name)
        cluster_id = mrs.create_cluster(name="fleet-" + name, scale_seconds=1, **cluster)["clusterId"]
        options = dict(options, cluster_id=cluster_id)
        if "server_ids" in options:
            tasks = [host["id"] for host in mrs.hosts(cluster_id) if host["type"] == "Task"]
            options["server_ids"] = [tasks[position] for position in options["server_ids"]]
        cases[name] = dict(options=options, final=final)
    for name in busy:  # an operation of someone else, still running when the fleet run reaches these clusters
        mrs.patch_cluster(cases[name]["options"]["cluster_id"], state="scaling-out", scale_seconds=6)
        mrs.patch_cluster(cases[name]["options"]["cluster_id"], scale_seconds=1)
    return cases


def test_twenty_clusters_in_one_run_with_forks_10(mrs, ansible_env, tmp_path):
    cases = fleet_cases(mrs)
    assert len(cases) == 20
    fleet = dict((name, case["options"]) for name, case in cases.items())

    run = finish(start_playbook(emulator_env(ansible_env, mrs), "fleet_nodes", "-i", ",".join(fleet) + ",", "-f", "10", fleet=fleet,
                                result_file=str(tmp_path / "results.json")))

    assert run.rc == 0 and "failed=0" in run.output and "failed=1" not in run.output, run
    results = load_json(tmp_path / "results.json")
    wait_idle(mrs, [case["options"]["cluster_id"] for case in cases.values()])
    log = mrs.requests_log()
    assert [entry for entry in log if entry["method"] == "PUT" and entry["status"] != 200] == []
    problems = []
    for name, case in cases.items():
        options, result = case["options"], results[name]
        puts = accepted(puts_to(log, cluster_path(mrs, options["cluster_id"])))
        changes = 0 if name.startswith("at-size") else 1
        removed = options.get("server_ids")
        remaining = [host["id"] for host in mrs.hosts(options["cluster_id"]) if host["type"] == "Task"]
        if (counts(mrs, options["cluster_id"]) != case["final"] or len(puts) != changes or result["changed"] != bool(changes)
                or (removed and (puts[0]["server_ids"] != removed or set(removed) & set(remaining)))):
            problems.append("%s: counts %s (want %s), accepted resizes %s, result %s"
                            % (name, counts(mrs, options["cluster_id"]), case["final"], puts, result))
    assert not problems, "\n".join(problems)
    # the busy clusters were waited for (at least one still busy when its task started), then resized once
    assert any(results["busy-%d" % index]["polls"] >= 1 for index in range(3))
