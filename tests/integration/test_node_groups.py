"""Named node groups (#13) through real ansible-playbook runs against the emulator: all four cluster types, the
v1.1 / v2 choice, check mode, idempotent re-runs, refusals with no write, the v2 path under faults, accept_delay
and a prepaid group's order."""

import json
import re

import pytest

CUSTOM_GROUPS = [{"name": "master_node_default_group", "count": 3, "kind": "master"},
                 {"name": "node_group_1", "count": 3, "kind": "core"},
                 {"name": "compute_nodes", "count": 2, "kind": "task"}]
WRITE = re.compile(r"/(cluster_infos/[^/]+|clusters/[^/]+/(expand|shrink))$")


def writes(mrs):
    """Every write of a node count the emulator received: (method, route, HTTP status, body)."""
    found = []
    for entry in mrs.requests_log():
        match = WRITE.search(entry["path"])
        if entry["method"] in ("PUT", "POST") and match:
            route = match.group(2) or "resize"
            found.append((entry["method"], route, entry["status"], entry.get("body")))
    return found


def failed_result(run):
    text = run.output.split("FAILED! => ", 1)[1]
    return json.JSONDecoder().raw_decode(text)[0]


def group_count(mrs, cluster_id, name):
    return next(group["count"] for group in mrs.cluster_control(cluster_id)["emulator"]["groups"] if group["name"] == name)


# (cluster, node_group given, MRS group, api, out to, back in to)
SCALES = [
    pytest.param(dict(type="analysis", core=3, task=2), "core", "core_node_analysis_group", "v1.1", 4, 3, id="analysis-core"),
    pytest.param(dict(type="analysis", core=3, task=2), "task_node_analysis_group", "task_node_analysis_group", "v1.1", 3, 1,
                 id="analysis-task-by-name"),
    pytest.param(dict(type="streaming", core=3, task=1), "task_node_streaming_group", "task_node_streaming_group", "v1.1", 2, 0,
                 id="streaming-task"),
    pytest.param(dict(type="mixed", core=3, task=1), "core_node_streaming_group", "core_node_streaming_group", "v2", 4, 3,
                 id="mixed-streaming-core"),
    pytest.param(dict(type="mixed", core=3, task=1), "task_node_analysis_group", "task_node_analysis_group", "v2", 2, 0,
                 id="mixed-analysis-task"),
    pytest.param(dict(type="custom", node_groups=CUSTOM_GROUPS), "node_group_1", "node_group_1", "v2", 5, 3, id="custom-group"),
    pytest.param(dict(type="custom", node_groups=CUSTOM_GROUPS), "compute_nodes", "compute_nodes", "v2", 3, 0, id="custom-task-group"),
]


@pytest.mark.parametrize("cluster, given, name, api, out, back", SCALES)
def test_each_cluster_type_scales_a_group_out_and_in_with_one_write_each(mrs, scale, cluster, given, name, api, out, back):
    cluster_id = mrs.create_cluster(name="groups", **cluster)["clusterId"]
    before = group_count(mrs, cluster_id, name)
    route = {"v1.1": ("PUT", "resize", "resize"), "v2": ("POST", "expand", "shrink")}[api]

    run, result = scale(cluster_id=cluster_id, node_group=given, count=out)
    assert run.rc == 0, run
    assert (result["changed"], result["node_group"], result["group_name"], result["api"]) == (True, given, name, api)
    assert (result["previous_count"], result["count"]) == (before, out) and group_count(mrs, cluster_id, name) == out
    sent = writes(mrs)
    assert [(method, kind, status) for method, kind, status, _body in sent] == [(route[0], route[1], 200)]
    if api == "v2":
        assert sent[0][3] == {"node_group_name": name, "count": out - before}

    mrs.clear_requests()
    run, result = scale(cluster_name="groups", node_group=given, count=back)
    assert run.rc == 0, run
    assert result["changed"] is True and result["count"] == back and group_count(mrs, cluster_id, name) == back
    sent = writes(mrs)
    assert [(method, kind) for method, kind, _status, _body in sent] == [(route[0], route[2])]
    if api == "v2":
        assert sent[0][3] == {"node_group_name": name, "count": out - back}


def test_check_mode_sends_nothing_and_a_second_run_is_one_read(mrs, scale):
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]

    run, result = scale("--check", cluster_id=cluster_id, node_group="node_group_1", count=4)
    assert run.rc == 0, run
    assert result["changed"] is True and result["request"] == {"node_group_name": "node_group_1", "count": 1}
    assert writes(mrs) == [] and group_count(mrs, cluster_id, "node_group_1") == 3

    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=4)
    assert run.rc == 0 and result["changed"] is True, run
    mrs.clear_requests()
    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=4)
    assert run.rc == 0 and result["changed"] is False and result["request"] is None, run
    assert [(entry["method"], entry["path"].rsplit("/", 2)[-2]) for entry in mrs.requests_log()] == [("GET", "cluster_infos")]


@pytest.mark.parametrize("options, words", [
    (dict(node_group="Node_Group_1", count=4), ["node_group: the cluster has no node group named 'Node_Group_1'",
                                                "did you mean 'node_group_1'?", "node_group_1, compute_nodes"]),
    (dict(node_group="gpu", count=4), ["no node group named 'gpu'"]),
    (dict(node_group="master_node_default_group", count=4), ["node_group: the number of Master nodes cannot be changed"]),
    (dict(node_group="core", count=4), ["a custom cluster has no default Core group"]),
    (dict(node_group="node_group_1", count=2), ["node_group_1 runs the HDFS DataNode", "never go below 3 nodes"]),
    (dict(node_group="node_group_1", count=501), ["can total at most 500", "at most 495 more"]),
    (dict(node_group="compute_nodes", count=1, server_ids=["x"]), ["server_ids: only the Task group resized through the v1.1 API"]),
])
def test_bad_groups_and_limits_are_refused_with_no_write(mrs, scale, options, words):
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]
    run, _result = scale(cluster_id=cluster_id, **options)
    assert run.rc != 0, run
    failure = failed_result(run)
    for word in words:
        assert word in failure["msg"], failure["msg"]
    assert failure["changed"] is False if "changed" in failure else True
    assert writes(mrs) == []


def test_a_mixed_cluster_needs_the_group_name(mrs, scale):
    cluster_id = mrs.create_cluster(name="mixed", type="mixed", core=3, task=1)["clusterId"]
    run, _result = scale(cluster_id=cluster_id, node_group="task", count=2)
    assert run.rc != 0 and "the cluster has 2 Task groups (task_node_analysis_group, task_node_streaming_group)" in run.output, run
    assert writes(mrs) == []


# --- the v2 path under faults -------------------------------------------------------------------------------

V2_WRITE = r"/clusters/[^/]+/(expand|shrink)$"


def test_a_429_on_the_expand_is_retried_after_retry_after_and_applied_once(mrs, scale):
    cluster_id = mrs.create_cluster(name="custom", type="custom")["clusterId"]
    mrs.add_fault(method="POST", path=V2_WRITE, status=429, retry_after="2")
    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=4)
    assert run.rc == 0 and result["count"] == 4, run
    posts = [entry for entry in mrs.requests_log() if entry["method"] == "POST"]
    assert [entry["status"] for entry in posts] == [429, 200]
    assert posts[1]["time"] - posts[0]["time"] >= 1.9
    assert group_count(mrs, cluster_id, "node_group_1") == 4


@pytest.mark.parametrize("action, count", [("expand", 5), ("shrink", 3)])
def test_a_reset_after_the_write_was_accepted_is_settled_by_reading_with_one_write(mrs, scale, action, count):
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=[
        dict(CUSTOM_GROUPS[0]), dict(CUSTOM_GROUPS[1], count=4), CUSTOM_GROUPS[2]])["clusterId"]
    mrs.add_fault(method="POST", path=V2_WRITE, reset="after")
    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=count)
    assert run.rc == 0 and result["changed"] is True and result["count"] == count, run
    sent = writes(mrs)
    assert [(kind, status) for _method, kind, status, _body in sent] == [(action, 200)]
    assert [entry.get("fault") for entry in mrs.requests_log() if entry["method"] == "POST"] == ["reset-after"]
    assert group_count(mrs, cluster_id, "node_group_1") == count


def test_a_5xx_on_the_shrink_is_never_resent_and_fails_saying_so(mrs, scale):
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]
    mrs.add_fault(method="POST", path=V2_WRITE, status=503)
    run, _result = scale(cluster_id=cluster_id, node_group="compute_nodes", count=1)
    assert run.rc != 0, run
    failure = failed_result(run)
    assert "HTTP 503" in failure["msg"] and "nothing was re-sent" in failure["msg"], failure["msg"]
    assert [entry["status"] for entry in mrs.requests_log() if entry["method"] == "POST"] == [503]
    assert group_count(mrs, cluster_id, "compute_nodes") == 2


def test_an_accept_delay_longer_than_the_first_polls_does_not_end_the_wait_early(mrs, scale):
    cluster_id = mrs.create_cluster(name="custom", type="custom", accept_delay=6, scale_seconds=1)["clusterId"]
    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=5)
    assert run.rc == 0, run
    assert result["changed"] is True and result["count"] == 5 and result["polls"] >= 3
    assert group_count(mrs, cluster_id, "node_group_1") == 5 and len(writes(mrs)) == 1


# --- a prepaid group ---------------------------------------------------------------------------------------------

def test_a_prepaid_expand_returns_the_order_and_does_not_wait_then_waits_once_paid(mrs, scale):
    # accept_delay 0: the paid order's scale shows at once, so the re-run after payment finds it under way. (With the
    # default 1 s, a re-run within that second sends an expand that MRS refuses as busy; the task backs off, applies
    # nothing and still ends changed=false at 5, but this test counts every write, refused or not.)
    cluster_id = mrs.create_cluster(name="prepaid", type="custom", billing_type="Yearly/Monthly", scale_seconds=2,
                                    accept_delay=0)["clusterId"]

    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=5)
    assert run.rc == 0, run
    order_id = result["order_id"]
    assert result["changed"] is True and order_id and result["count"] == 3 and result["polls"] == 0
    assert "Pay the order" in run.output and order_id in run.output
    assert [entry["method"] for entry in mrs.requests_log()] == ["GET", "GET", "POST"]  # cluster, policies, expand

    run, _result = scale(cluster_id=cluster_id, node_group="node_group_1", count=5)
    assert run.rc != 0, run
    failure = failed_result(run)
    assert failure["api_error"]["code"] == "12000121" and "pay the order" in failure["msg"], failure["msg"]
    assert failure["changed"] is False

    mrs.pay_order(order_id)
    mrs.clear_requests()
    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=5)
    assert run.rc == 0 and result["changed"] is False and result["count"] == 5, run
    assert writes(mrs) == [] and group_count(mrs, cluster_id, "node_group_1") == 5

    run, _result = scale(cluster_id=cluster_id, node_group="node_group_1", count=4)
    assert run.rc != 0 and failed_result(run)["api_error"]["code"] == "12000065", run


def test_a_lost_prepaid_expand_answer_is_one_write_no_wait_and_says_where_the_order_is_and_that_a_rerun_is_safe(mrs, scale):
    """The order_id comes only in the answer, and nothing of the group shows until the order is paid: when that answer is
    lost, nothing specific to this change can be seen (#20 class 2: not the cluster's updateAt), so the outcome is not
    claimed (changed=false). The module does not wait for nodes that will not come before payment, never re-sends, and
    says where to look; a re-run is safe because MRS refuses a second expand while the order is unpaid (12000121)."""
    cluster_id = mrs.create_cluster(name="prepaid", type="custom", billing_type="Yearly/Monthly", scale_seconds=2)["clusterId"]
    mrs.add_fault(method="POST", path="/expand$", reset="after", times=1)
    run, _result = scale(cluster_id=cluster_id, node_group="node_group_1", count=5, wait_timeout=45)
    assert run.rc != 0, run
    failure = failed_result(run)
    assert failure["changed"] is False and failure["elapsed"] < 40, failure
    for words in ("unpaid MRS order", "nothing was re-sent", "Running the task again is safe", "12000121"):
        assert words in failure["msg"], failure["msg"]
    assert len(writes(mrs)) == 1 and group_count(mrs, cluster_id, "node_group_1") == 3

    run, _result = scale(cluster_id=cluster_id, node_group="node_group_1", count=5, wait_timeout=45)
    assert run.rc != 0 and failed_result(run)["api_error"]["code"] == "12000121", run
    assert group_count(mrs, cluster_id, "node_group_1") == 3


def test_a_prepaid_analysis_cluster_is_refused_before_any_write(mrs, scale):
    cluster_id = mrs.create_cluster(name="prepaid", core=3, billing_type="Yearly/Monthly")["clusterId"]
    run, _result = scale(cluster_id=cluster_id, node_group="core", count=4)
    assert run.rc != 0 and "cannot be scaled through the v1.1 resize API (error 12000065)" in run.output, run
    assert writes(mrs) == []


# --- auto-scaling policies follow the group's MRS name ------------------------------------------------------------

RULE = {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": 2,
        "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": "25", "comparison_operator": "LT",
                    "evaluation_periods": 3}}


def test_an_enabled_policy_on_the_named_group_refuses_the_resize_and_another_groups_does_not(mrs, scale):
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]
    url = "%s/v2/%s/autoscaling-policy/%s" % (mrs.url, mrs.project_id, cluster_id)
    policy = {"auto_scaling_enable": True, "min_capacity": 0, "max_capacity": 6, "rules": [RULE], "resources_plans": []}
    answer = mrs.token_session().post(url, json={"node_group_name": "compute_nodes", "resource_pool_name": "default",
                                                 "auto_scaling_policy": policy}, timeout=10)
    assert answer.ok, answer.text
    mrs.clear_requests()

    run, _result = scale(cluster_id=cluster_id, node_group="compute_nodes", count=4)
    assert run.rc != 0, run
    failure = failed_result(run)
    assert "the compute_nodes group (compute_nodes) has an enabled auto-scaling policy" in failure["msg"], failure["msg"]
    assert writes(mrs) == []

    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=4)
    assert run.rc == 0 and result["changed"] is True and result["count"] == 4, run


# --- #20 and #21 through real runs: one resolution, evidence specific to the change, absence is not evidence -----------
# The gateway (tests/integration/gateway.py) plays what the emulator does not do yet: numeric billingType, a trimmed
# order_id, emptied component_infos, a partly applied scale, another operator's change of the group during the wait.

def via(gateway):
    return dict(HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url)


def scale_via(playbook, tmp_path, env, **options):
    """One mrs_cluster_nodes task through ``env`` (a gateway): (run, result or None)."""
    result_file = tmp_path / "via.json"
    if result_file.exists():
        result_file.unlink()
    run = playbook("nodes", env=env, result_file=str(result_file), **options)
    return run, (json.loads(result_file.read_text()) if result_file.exists() else None)


def details_with(mrs, cluster_id, state="running", **counts):
    """Gateway ``set`` values that make the details answer show these group counts (and the totals that follow)."""
    cluster = mrs.cluster(cluster_id)
    groups = [dict(group, NodeNum=counts.get(group["GroupName"], group["NodeNum"])) for group in cluster["nodeGroups"]]
    tasks = [group for group in groups if group["GroupName"] in set(task["GroupName"] for task in cluster["taskNodeGroups"])]
    core = sum(int(group["NodeNum"]) for group in groups if group not in tasks and not group["GroupName"].startswith("master_node"))
    return {"cluster.nodeGroups": groups, "cluster.taskNodeGroups": tasks, "cluster.coreNodeNum": str(core),
            "cluster.totalNodeNum": str(sum(int(group["NodeNum"]) for group in groups)), "cluster.clusterState": state,
            "cluster.scale": "", "cluster.stageDesc": None}


def test_mixed_cluster_task_with_task_node_info_is_refused_with_no_write(mrs, scale):
    """Was: sent to v1.1 as task_node_default_group (a mixed cluster has two Task groups)."""
    cluster_id = mrs.create_cluster(name="mixed", type="mixed", core=3, task=0)["clusterId"]
    run, _result = scale(cluster_id=cluster_id, node_group="task", count=2, task_node_info={"node_size": "c6.2xlarge.4.linux.bigdata"})
    assert run.rc != 0 and "Task group" in failed_result(run)["msg"] and "give the name" in failed_result(run)["msg"], run
    assert writes(mrs) == []


def test_a_named_task_group_of_a_mixed_cluster_goes_through_v2_when_it_is_the_only_one_listed(mrs, playbook, tmp_path):
    """Was: v1.1, because the answer listed one Task group."""
    from gateway import Gateway
    cluster_id = mrs.create_cluster(name="mixed", type="mixed", core=3, task=1)["clusterId"]
    cluster = mrs.cluster(cluster_id)
    kept = [group for group in cluster["nodeGroups"] if group["GroupName"] != "task_node_streaming_group"]
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", r"/cluster_infos/%s$" % cluster_id, "set", times=1, values={
            "cluster.nodeGroups": kept, "cluster.totalNodeNum": str(sum(int(group["NodeNum"]) for group in kept)),
            "cluster.taskNodeGroups": [group for group in cluster["taskNodeGroups"] if group["GroupName"] != "task_node_streaming_group"]})
        run, result = scale_via(playbook, tmp_path, via(gateway), cluster_id=cluster_id, node_group="task_node_analysis_group", count=2)
    assert run.rc == 0 and result["api"] == "v2" and result["count"] == 2, run
    assert [(method, kind) for method, kind, _status, _body in writes(mrs)] == [("POST", "expand")]


def test_a_core_kind_group_named_task_node_hdfs_keeps_the_custom_cluster_readable_and_its_minimum(mrs, scale, playbook, tmp_path):
    """Was: the whole cluster could not be read ('coreNodeNum ... contradicts itself')."""
    cluster_id = mrs.create_cluster(name="lake", type="custom", node_groups=[
        CUSTOM_GROUPS[0], {"name": "task_node_hdfs", "count": 3, "kind": "core"}, CUSTOM_GROUPS[2]])["clusterId"]
    run, result = scale(cluster_id=cluster_id, node_group="task_node_hdfs", count=4)
    assert run.rc == 0 and (result["api"], result["count"]) == ("v2", 4), run
    run, _result = scale(cluster_id=cluster_id, node_group="task_node_hdfs", count=2)
    assert run.rc != 0 and "task_node_hdfs runs the HDFS DataNode" in failed_result(run)["msg"], run
    assert [kind for _method, kind, _status, _body in writes(mrs)] == ["expand"]


def test_a_lost_expand_is_not_judged_accepted_on_another_operators_policy_change(mrs, playbook, tmp_path):
    """Was: changed: true, then a full wait, because the policy change moved the cluster's updateAt."""
    import threading
    import time
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]
    mrs.add_fault(method="POST", path=V2_WRITE, reset="before")
    stop = threading.Event()

    def other_operator():
        while not stop.is_set():
            if any(entry["method"] == "POST" and entry.get("fault") for entry in mrs.requests_log()):
                time.sleep(1.2)  # updateAt counts seconds
                url = "%s/v2/%s/autoscaling-policy/%s" % (mrs.url, mrs.project_id, cluster_id)
                policy = {"auto_scaling_enable": False, "min_capacity": 0, "max_capacity": 6, "rules": [RULE], "resources_plans": []}
                mrs.token_session().post(url, json={"node_group_name": "compute_nodes", "resource_pool_name": "default",
                                                    "auto_scaling_policy": policy}, timeout=10)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=other_operator, daemon=True)
    thread.start()
    run, _result = scale_via(playbook, tmp_path, {}, cluster_id=cluster_id, node_group="node_group_1", count=5, wait_timeout=40)
    stop.set()
    thread.join(10)
    assert run.rc != 0, run
    failure = failed_result(run)
    assert failure["changed"] is False and "showed no sign of this resize" in failure["msg"], failure["msg"]
    assert any(entry["method"] == "POST" and "autoscaling-policy" in entry["path"] for entry in mrs.requests_log())
    assert group_count(mrs, cluster_id, "node_group_1") == 3


@pytest.mark.parametrize("billing", ["Yearly/Monthly", "11"])
def test_a_prepaid_expand_answer_trimmed_of_its_order_id_returns_and_warns_instead_of_waiting(mrs, playbook, tmp_path, billing):
    """Was: taken for pay-per-use; the task waited the whole wait_timeout for nodes that only payment brings."""
    from gateway import Gateway
    cluster_id = mrs.create_cluster(name="prepaid", type="custom", billing_type="Yearly/Monthly", scale_seconds=2)["clusterId"]
    with Gateway(mrs.url) as gateway:
        gateway.add("POST", r"/expand$", "trim", fields=["order_id"])
        gateway.add("GET", r"/cluster_infos/%s$" % cluster_id, "set", times=None, values={"cluster.billingType": billing})
        run, result = scale_via(playbook, tmp_path, via(gateway), cluster_id=cluster_id, node_group="node_group_1", count=5,
                                wait_timeout=120)
    assert run.rc == 0, run
    assert result["changed"] is True and result["count"] == 3 and "order_id" not in result and result["elapsed"] < 60, result
    assert "carried no order_id" in run.output and "Unpaid Orders" in run.output
    assert len(writes(mrs)) == 1


def test_a_prepaid_analysis_cluster_answering_billing_type_11_gets_no_v11_write(mrs, playbook, tmp_path):
    """Was: 11 was not read as prepaid, so the v1.1 resize went out and MRS refused it with 12000065."""
    from gateway import Gateway
    cluster_id = mrs.create_cluster(name="prepaid", core=3)["clusterId"]
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", r"/cluster_infos/%s$" % cluster_id, "set", times=None, values={"cluster.billingType": "11"})
        run, _result = scale_via(playbook, tmp_path, via(gateway), cluster_id=cluster_id, node_group="core", count=4)
    assert run.rc != 0 and "(error 12000065)" in run.output, run
    assert writes(mrs) == []


@pytest.mark.parametrize("emptied", [[], None])
def test_a_node_list_with_emptied_components_never_lets_a_datanode_group_below_three(mrs, playbook, tmp_path, emptied):
    """Was: component_infos [] read as 'no DataNode here', and the shrink below 3 was sent."""
    from gateway import Gateway
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", r"/clusters/%s/nodes$" % cluster_id, "set", times=None, values={"nodes.*.component_infos": emptied})
        run, _result = scale_via(playbook, tmp_path, via(gateway), cluster_id=cluster_id, node_group="node_group_1", count=2)
    assert run.rc != 0, run
    msg = failed_result(run)["msg"]
    assert "does not say which components" in msg and "taking the safe reading that it does, it keeps at least 3 nodes" in msg, msg
    assert writes(mrs) == []


def test_another_operator_growing_the_group_past_the_target_is_reported_and_no_rerun_advised(mrs, playbook, tmp_path):
    """Was: 'run the task again to wait for it', which would shrink away the other operator's nodes."""
    from gateway import Gateway
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", r"/cluster_infos/%s$" % cluster_id, "set", times=None, after_write=r"/expand$",
                    values=details_with(mrs, cluster_id, node_group_1=7))
        run, _result = scale_via(playbook, tmp_path, via(gateway), cluster_id=cluster_id, node_group="node_group_1", count=5)
    assert run.rc != 0, run
    failure = failed_result(run)
    assert failure["changed"] is True and failure["count"] == 7, failure
    assert "another operation" in failure["msg"] and "Do not run the task again to correct the count" in failure["msg"]
    assert "run the task again to wait for it" not in failure["msg"]


def test_a_scale_that_ends_partly_applied_is_reported_with_the_count_reached(mrs, playbook, tmp_path):
    """The emulator does not end a scale partly applied yet (helper H5 adds it): the gateway shows it."""
    from gateway import Gateway
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]
    mrs.patch_cluster(cluster_id, fail_next_scale="abnormal")
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", r"/cluster_infos/%s$" % cluster_id, "set", times=None, after_write=r"/expand$",
                    values=details_with(mrs, cluster_id, state="abnormal", node_group_1=4))
        run, _result = scale_via(playbook, tmp_path, via(gateway), cluster_id=cluster_id, node_group="node_group_1", count=5)
    assert run.rc != 0, run
    failure = failed_result(run)
    assert failure["changed"] is True and failure["count"] == 4 and failure["previous_count"] == 3, failure
    assert "partly applied" in failure["msg"] and "MRS applied part of this resize" in failure["msg"], failure["msg"]


@pytest.mark.parametrize("forward", [True, False])
def test_an_unknown_v2_refusal_is_settled_by_reading_the_group(mrs, playbook, tmp_path, forward):
    """MRS.0000xxxx codes on the v2 routes: a code the collection does not know is settled by the group's count, never
    by a second write. forward=True: MRS applied it and the answer said otherwise."""
    from gateway import Gateway
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]
    with Gateway(mrs.url) as gateway:
        gateway.add("POST", r"/expand$", "status", status=400, error_code="MRS.00001234", error_msg="undocumented", forward=forward)
        run, result = scale_via(playbook, tmp_path, via(gateway), cluster_id=cluster_id, node_group="node_group_1", count=4)
    posts = [entry for entry in mrs.requests_log() if entry["method"] == "POST"]
    assert len(posts) == (1 if forward else 0)
    if forward:
        assert run.rc == 0 and result["changed"] is True and result["count"] == 4, run
    else:
        failure = failed_result(run)
        assert run.rc != 0 and failure["changed"] is False and "MRS.00001234" in failure["msg"], run
        assert "nothing was re-sent" in failure["msg"]


@pytest.mark.parametrize("code, retried", [("12000082", True), ("12000012", True), ("12000080", False)])
def test_busy_refusals_are_retried_and_nodes_not_running_is_not(mrs, scale, code, retried):
    cluster_id = mrs.create_cluster(name="custom", type="custom", node_groups=CUSTOM_GROUPS)["clusterId"]
    mrs.add_fault(method="POST", path=V2_WRITE, status=400, error_code=code, times=1)
    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=4)
    posts = [entry["status"] for entry in mrs.requests_log() if entry["method"] == "POST"]
    if retried:
        assert run.rc == 0 and result["count"] == 4 and posts == [400, 200], run
    else:
        assert run.rc != 0 and posts == [400] and failed_result(run)["api_error"]["code"] == code, run
