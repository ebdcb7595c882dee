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
    cluster_id = mrs.create_cluster(name="prepaid", type="custom", billing_type="Yearly/Monthly", scale_seconds=2)["clusterId"]

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


def test_a_lost_prepaid_expand_answer_is_one_write_no_wait_for_unpaid_nodes_and_a_warning(mrs, scale):
    """The order_id comes only in the answer: when that answer is lost, the module cannot wait for nodes that will not come
    before payment (it would sit until wait_timeout); it returns changed, warns, and never re-sends."""
    cluster_id = mrs.create_cluster(name="prepaid", type="custom", billing_type="Yearly/Monthly", scale_seconds=2)["clusterId"]
    mrs.add_fault(method="POST", path="/expand$", reset="after", times=1)
    run, result = scale(cluster_id=cluster_id, node_group="node_group_1", count=5, wait_timeout=45)
    assert run.rc == 0, run
    assert result["changed"] is True and result["count"] == 3 and "order_id" not in result, result
    assert result["elapsed"] < 40, result
    assert "unpaid MRS order" in run.output and "re-sent" in run.output, run.output
    assert len(writes(mrs)) == 1 and group_count(mrs, cluster_id, "node_group_1") == 3


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
