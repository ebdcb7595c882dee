"""mrs_cluster_nodes through real ansible-playbook runs against the MRS emulator."""

import json
import time

import pytest

TASK_SPEC = {"node_size": "s3.xlarge.2.linux.bigdata", "data_volume_type": "SATA", "data_volume_count": 2, "data_volume_size": 200}


def failed_result(run):
    """The result of the failed task, as the default callback prints it after 'FAILED! => '."""
    text = run.output.split("FAILED! => ", 1)[1]
    return json.JSONDecoder().raw_decode(text)[0]


def task_ids(mrs, cluster_id):
    return [host["id"] for host in mrs.hosts(cluster_id) if host["type"] == "Task"]


# The request examples of the vendor document, reproduced through the module: (cluster, options, parameters sent).
VENDOR_EXAMPLES = [
    pytest.param(dict(core=3), dict(node_group="core", count=4),
                 {"order_id": "", "scale_type": "scale_out", "node_id": "node_orderadd", "node_group": "core_node_default_group",
                  "instances": "1", "skip_bootstrap_scripts": False, "scale_without_start": False},
                 id="core-out-by-1"),
    pytest.param(dict(core=3, task=2, task_node_size="s3.xlarge.2.linux.bigdata"), dict(node_group="task", count=3),
                 {"order_id": "", "scale_type": "scale_out", "node_id": "node_orderadd", "node_group": "task_node_default_group",
                  "instances": "1", "skip_bootstrap_scripts": False, "scale_without_start": False},
                 id="task-out-by-1"),
    pytest.param(dict(core=3, task=0), dict(node_group="task", count=1, task_node_info=TASK_SPEC),
                 {"order_id": "", "scale_type": "scale_out", "node_id": "node_orderadd", "node_group": "task_node_default_group",
                  "task_node_info": TASK_SPEC, "instances": "1", "scale_without_start": False},
                 id="task-out-from-0-with-spec"),
    pytest.param(dict(core=4), dict(node_group="core", count=3),
                 {"order_id": "", "scale_type": "scale_in", "node_id": "node_orderadd", "node_group": "core_node_default_group",
                  "instances": "1"},
                 id="core-in-by-1"),
    pytest.param(dict(core=3, task=2), dict(node_group="task", count=1),
                 {"order_id": "", "scale_type": "scale_in", "node_id": "node_orderadd", "node_group": "task_node_default_group",
                  "instances": "1"},
                 id="task-in-by-1"),
]


@pytest.mark.parametrize("cluster, options, parameters", VENDOR_EXAMPLES)
def test_vendor_examples_reach_the_new_size(mrs, scale, puts, cluster, options, parameters):
    cluster_id = mrs.create_cluster(name="example", **cluster)["clusterId"]
    flags = {key: parameters[key] for key in ("skip_bootstrap_scripts", "scale_without_start") if key in parameters}

    run, result = scale(cluster_id=cluster_id, **dict(options, **flags))

    assert run.rc == 0, run
    assert puts() == [(200, parameters)]
    group = options["node_group"]
    assert result["changed"] is True
    assert result["count"] == options["count"] and result["cluster"]["%s_count" % group] == options["count"]
    assert result["request"]["parameters"] == parameters
    assert int(mrs.cluster(cluster_id)["coreNodeNum" if group == "core" else "totalNodeNum"]) == (
        options["count"] if group == "core" else options["count"] + 2 + cluster["core"])


def test_scale_in_of_two_chosen_task_nodes_removes_exactly_those(mrs, scale, puts):
    cluster_id = mrs.create_cluster(name="example", core=3, task=4)["clusterId"]
    chosen = task_ids(mrs, cluster_id)[1:3]

    run, result = scale(cluster_id=cluster_id, node_group="task", server_ids=chosen)

    assert run.rc == 0, run
    assert puts() == [(200, {"order_id": "", "scale_type": "scale_in", "node_id": "node_orderadd",
                             "node_group": "task_node_default_group", "instances": "2", "server_ids": chosen})]
    remaining = task_ids(mrs, cluster_id)
    assert len(remaining) == 2 and not set(chosen) & set(remaining)
    assert sorted(result["server_ids"]) == sorted(chosen) and result["count"] == 2

    again, result = scale(cluster_id=cluster_id, node_group="task", server_ids=chosen)
    assert again.rc == 0 and result["changed"] is False
    assert sorted(result["already_gone"]) == sorted(chosen)
    assert len(puts()) == 1


def squeezed(text):
    """``text`` without whitespace: the default callback wraps a long warning at spaces and hyphens."""
    return "".join(text.split())


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check"])
def test_server_ids_that_match_no_node_return_ok_with_a_warning(mrs, scale, puts, check_mode):
    """#22: ids a typo made (or an earlier run removed) are an ok that says so, naming the ids and what the Task group
    holds, never a silent ok."""
    cluster_id = mrs.create_cluster(name="example", core=3, task=2)["clusterId"]
    typo = "0f5c1e5a-6a8b-4f37-9b6d-00000000abcd"

    run, result = scale(*(["--check"] if check_mode else []), cluster_id=cluster_id, node_group="task", server_ids=[typo])

    assert run.rc == 0, run
    assert result["changed"] is False and result["already_gone"] == [typo] and result["count"] == 2 and puts() == []
    (group,) = [group["GroupName"] for group in mrs.cluster(cluster_id)["nodeGroups"] if group["GroupName"].startswith("task_")]
    tasks = sorted("%s (%s)" % (host["name"], host["id"]) for host in mrs.hosts(cluster_id) if host["type"] == "Task")
    assert squeezed("[WARNING]: server_ids: none of %s is a node of cluster %s, so nothing was removed. The Task group %s "
                    "holds 2 nodes: %s." % (typo, cluster_id, group, ", ".join(tasks))) in squeezed(run.output), run
    assert len(task_ids(mrs, cluster_id)) == 2


def test_second_run_changes_nothing_with_one_request(mrs, scale, puts):
    cluster_id = mrs.create_cluster(name="example", core=3)["clusterId"]
    first, _result = scale(cluster_id=cluster_id, node_group="core", count="5")  # a string, as Jinja gives it
    assert first.rc == 0, first
    mrs.clear_requests()

    second, result = scale(cluster_id=cluster_id, node_group="core", count=5)

    assert second.rc == 0, second
    assert result["changed"] is False and result["count"] == 5 and result["request"] is None
    assert [(entry["method"], entry["status"]) for entry in mrs.requests_log()] == [("GET", 200)]


def test_check_mode_predicts_and_sends_nothing(mrs, scale, puts):
    cluster_id = mrs.create_cluster(name="example", core=3)["clusterId"]

    run, result = scale("--check", "--diff", cluster_id=cluster_id, node_group="core", count=6)

    assert run.rc == 0, run
    assert puts() == []
    assert result["changed"] is True and result["count"] == 6 and result["previous_count"] == 3
    assert result["request"]["parameters"]["instances"] == "3"
    assert mrs.cluster(cluster_id)["coreNodeNum"] == "3"
    assert '-    "count": 3,' in run.output and '+    "count": 6,' in run.output


def test_diff_shows_the_removed_nodes(mrs, scale):
    cluster_id = mrs.create_cluster(name="example", core=3, task=3)["clusterId"]
    victim = task_ids(mrs, cluster_id)[0]

    run, _result = scale("--diff", cluster_id=cluster_id, node_group="task", server_ids=[victim])

    assert run.rc == 0, run
    removed_lines = [line for line in run.output.splitlines() if line.startswith("-") and victim in line]
    assert len(removed_lines) == 1, run


RULE_CASES = [
    dict(node_group="core", count=2, expect="count: Core nodes can never go below 3"),
    dict(node_group="core", count=501, expect="count: Core + Task nodes can total at most 500"),
    dict(node_group="task", count=499, expect="count: Core + Task nodes can total at most 500"),
    dict(node_group="master", count=3, expect="node_group: the number of Master nodes cannot be changed"),
    dict(node_group="gpu", count=3, expect="node_group: the cluster has no node group named 'gpu'"),
    dict(node_group="core", server_ids=["x"], expect="server_ids: only Task nodes can be removed by id"),
    dict(node_group="core", count=-1, expect="count: must be 0 or more"),
    dict(node_group="core", count=5, current_count=4, expect="current_count:"),
    dict(node_group="task", count=5, task_node_info={"node_size": "s3.xlarge.2.linux.bigdata", "data_volume_count": 21},
         expect="task_node_info.data_volume_count"),
    dict(node_group="task", count=5, task_node_info={"node_size": "s3.xlarge.2.linux.bigdata", "data_volume_size": 99},
         expect="task_node_info.data_volume_size"),
    dict(node_group="task", count=5, task_node_info={"node_size": "s3", "data_volume_type": "NVME"},
         expect="data_volume_type"),
    dict(node_group="task", count=5, task_node_info={"data_volume_type": "SSD"}, expect="node_size"),
    dict(node_group="task", count=5, expect="task_node_info: required when scaling the Task group out from 0 nodes"),
    dict(node_group="core", count=4, cluster_id="no-such-cluster", expect="12000003"),
]


def test_every_rule_violation_fails_before_any_put(mrs, playbook, puts):
    cluster_id = mrs.create_cluster(name="example", core=3, task=0)["clusterId"]

    run = playbook("rules", cluster_id=cluster_id, cases=RULE_CASES)

    assert run.rc == 0, run
    assert run.output.count("ok: [localhost] => (item=") == len(RULE_CASES), run
    assert puts() == []


@pytest.mark.parametrize("cluster, options, expect", [
    (dict(core=3, billing_type="Yearly/Monthly"), dict(node_group="core", count=4), "prepaid"),
    (dict(core=3, state="frozen"), dict(node_group="core", count=4), "cluster: cluster is in state 'frozen'"),
    (dict(core=3), dict(node_group="core", count=4, wait=False), "scaling"),
])
def test_cluster_side_refusals_send_no_put(mrs, scale, puts, cluster, options, expect):
    cluster_id = mrs.create_cluster(name="example", **cluster)["clusterId"]
    if expect == "scaling":
        mrs.patch_cluster(cluster_id, state="scaling-out", scale_seconds=30)

    run, _result = scale(cluster_id=cluster_id, **options)

    assert run.rc == 2 and expect in run.output, run
    assert puts() == []


def test_prepaid_cluster_already_at_size_is_not_an_error(mrs, scale):
    cluster_id = mrs.create_cluster(name="example", core=3, billing_type="Yearly/Monthly")["clusterId"]
    run, result = scale(cluster_id=cluster_id, node_group="core", count=3)
    assert run.rc == 0 and result["changed"] is False, run


def test_waits_for_a_scale_already_in_progress_then_plans(mrs, scale, puts):
    cluster_id = mrs.create_cluster(name="example", core=3)["clusterId"]
    mrs.patch_cluster(cluster_id, state="scaling-out", scale_seconds=5)  # still scaling when the task first reads

    run, result = scale(cluster_id=cluster_id, node_group="core", count=4)

    assert run.rc == 0, run
    assert puts() == [(200, result["request"]["parameters"])]
    assert result["count"] == 4 and result["polls"] >= 2


def test_timeout_fails_with_state_and_counts(mrs, scale, puts):
    cluster_id = mrs.create_cluster(name="example", core=3, scale_seconds=30)["clusterId"]

    run, _result = scale(cluster_id=cluster_id, node_group="core", count=4, wait_timeout=2)

    assert run.rc == 2, run
    assert "gave up after 2 s" in run.output and "scaling-out" in run.output and "Core nodes 3 (target 4)" in run.output
    assert len(puts()) == 1
    # the resize was accepted: the failure says so, and carries what was sent (issue #11)
    failed = failed_result(run)
    assert failed["changed"] is True and failed["request"]["parameters"] == puts()[0][1]
    assert (failed["scale_type"], failed["instances"], failed["node_group"], failed["previous_count"]) == ("scale_out", 1, "core", 3)
    assert failed["cluster"]["state"] == "scaling-out" and "timeout 2 s" in failed["msg"]
    documented = documented_return_keys("mrs_cluster_nodes")
    on_failure = {key for key, spec in documented.items() if "failure" in spec["returned"]}
    assert set(failed) - {"changed", "failed", "msg", "invocation", "_ansible_no_log"} <= on_failure


def test_wait_timeout_0_after_an_accepted_resize_is_changed(mrs, scale, puts):
    cluster_id = mrs.create_cluster(name="example", core=3, scale_seconds=30)["clusterId"]

    run, _result = scale(cluster_id=cluster_id, node_group="core", count=4, wait_timeout=0)

    assert run.rc == 2 and len(puts()) == 1, run
    failed = failed_result(run)
    assert failed["changed"] is True and failed["request"]["parameters"]["instances"] == "1"


def test_a_new_failure_on_a_cluster_already_in_scaling_error_fails_within_the_start_window(mrs, scale, puts):
    """Issue #11: the earlier failure left scaling-error; the new scale fails between two polls. Was: waited until the timeout.
    The failure leaves the same stageDesc; updateAt is no evidence (#20 class 2: anyone moves it), so the scale that never
    showed is judged failed at the wait's poll at START_WINDOW (30 s), far from the timeout."""
    cluster_id = mrs.create_cluster(name="example", core=3, scale_seconds=1)["clusterId"]
    mrs.patch_cluster(cluster_id, fail_next_scale="scaling-error")
    first, _result = scale(cluster_id=cluster_id, node_group="core", count=4)
    assert first.rc == 2 and "the scale failed" in first.output, first
    assert mrs.cluster(cluster_id)["scale"] == "scaling-error"

    mrs.patch_cluster(cluster_id, fail_next_scale="scaling-error")
    started = time.monotonic()
    run, _result = scale(cluster_id=cluster_id, node_group="core", count=4, wait_timeout=600)
    took = time.monotonic() - started

    assert run.rc == 2 and "the scale failed at once or never started" in run.output and "Core nodes 3 (target 4)" in run.output, run
    assert took < 90, "waited %.0f s for a scale that had failed" % took
    assert len(puts()) == 2
    failed = failed_result(run)
    assert failed["changed"] is True and failed["request"] is not None


def test_a_scaling_error_left_by_hand_and_a_new_failure_fails_at_once(mrs, scale, puts):
    cluster_id = mrs.create_cluster(name="example", core=3, scale_seconds=1)["clusterId"]
    mrs.patch_cluster(cluster_id, scale="scaling-error", fail_next_scale="scaling-error")
    started = time.monotonic()

    run, _result = scale(cluster_id=cluster_id, node_group="core", count=4, wait_timeout=120)

    assert run.rc == 2 and "the scale failed" in run.output, run
    assert time.monotonic() - started < 30 and len(puts()) == 1


@pytest.mark.parametrize("outcome, expect", [("scaling-error", "the scale failed"), ("abnormal", "no longer usable"),
                                             ("failed", "no longer usable")])
def test_a_failed_scale_fails_the_task(mrs, scale, puts, outcome, expect):
    cluster_id = mrs.create_cluster(name="example", core=3)["clusterId"]
    mrs.patch_cluster(cluster_id, fail_next_scale=outcome)

    run, _result = scale(cluster_id=cluster_id, node_group="core", count=5)

    assert run.rc == 2 and expect in run.output, run
    assert "Core nodes 3 (target 5)" in run.output
    assert len(puts()) == 1


def test_wait_false_returns_once_accepted(mrs, scale):
    cluster_id = mrs.create_cluster(name="example", core=3, scale_seconds=30)["clusterId"]
    run, result = scale(cluster_id=cluster_id, node_group="core", count=4, wait=False)
    assert run.rc == 0 and result["changed"] is True and result["count"] == 4, run
    # accepted, not waited for: MRS shows an accepted scale only after a while (the emulator's accept_delay, 1 s), so
    # the cluster goes to scaling-out soon after the task ended, not at the instant it returned
    deadline = time.monotonic() + 10
    while mrs.cluster(cluster_id)["clusterState"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert mrs.cluster(cluster_id)["clusterState"] == "scaling-out"


def test_cluster_by_name(mrs, scale):
    mrs.create_cluster(name="other", core=3)
    cluster_id = mrs.create_cluster(name="analytics", core=3)["clusterId"]

    run, result = scale(cluster_name="analytics", node_group="core", count=4)

    assert run.rc == 0, run
    assert result["cluster_id"] == cluster_id and mrs.cluster(cluster_id)["coreNodeNum"] == "4"

    mrs.clear_requests()
    run, result = scale(cluster_name="analytics", node_group="core", count=4)

    assert run.rc == 0 and result["changed"] is False, run
    # the cluster list both finds the cluster and shows its node groups: no second read
    assert [(entry["method"], entry["path"]) for entry in mrs.requests_log()] == [("GET", "/v1.1/%s/cluster_infos" % mrs.project_id)]


@pytest.mark.parametrize("clusters, expect", [([], 'cluster_name: no live cluster named "analytics"'),
                                              (["analytics", "analytics"], 'cluster_name: more than one live cluster named "analytics"')])
def test_cluster_name_must_match_exactly_one(mrs, scale, puts, clusters, expect):
    for name in clusters:
        mrs.create_cluster(name=name, core=3)
    run, _result = scale(cluster_name="analytics", node_group="core", count=4)
    assert run.rc == 2 and expect in run.output, run
    assert puts() == []


def documented_return_keys(module_name):
    """The top-level keys of a module's RETURN, read the way ansible-doc reads them."""
    import importlib

    import yaml

    module = importlib.import_module("ansible_collections.hwcloud.mrs.plugins.modules.%s" % module_name)
    return yaml.safe_load(module.RETURN)


def test_return_documents_exactly_what_is_returned(mrs, scale):
    cluster_id = mrs.create_cluster(name="example", core=3, task=2)["clusterId"]
    run, result = scale(cluster_id=cluster_id, node_group="task", count=3)
    assert run.rc == 0, run

    documented = documented_return_keys("mrs_cluster_nodes")
    returned = set(result) - {"changed", "failed", "invocation", "warnings", "diff"}
    # "success", or "success and failure" / "success, and on failure ..." for keys the failure result carries too
    success_keys = {key for key, spec in documented.items() if spec["returned"].startswith("success")}
    assert returned == success_keys
    assert set(result["cluster"]) == set(documented["cluster"]["contains"])
    for key in success_keys:
        if result[key] is not None:
            expected = {"str": str, "int": int, "float": float, "dict": dict, "list": list}[documented[key]["type"]]
            assert isinstance(result[key], expected), key
