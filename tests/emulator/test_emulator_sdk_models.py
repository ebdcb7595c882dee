"""The vendor SDK's models judge every answer the collection reads (issue #21).

Each request the collection makes (v1.1 and v2: details, list, hosts, nodes with and without the detail flags,
resize, expand, shrink, policy create / update / show / delete, error answers) goes through the SDK's own v1 or v2
client against the emulator. sdk_oracle.judge then checks the raw answer against the SDK's response model (every key
one the model knows, every value of the declared type, nothing it requires missing) and that the SDK's deserialised
object holds the raw answer's values, the ones the collection reads. The only departures allowed are the documented
ones in sdk_oracle.KNOWN_VARIANTS, each with its source.

Clusters here are created with accept_delay=0 unless the test watches a scale that is accepted but not shown yet.
"""

import copy
import json
import time

import pytest
import requests

from sdk_oracle import build, judge, model_problems, required_attributes, value_mismatches

RULE = {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 1,
        "trigger": {"metric_name": "YARNAppPending", "metric_value": "7.50", "evaluation_periods": 3}}
CUSTOM_GROUPS = [{"name": "master_node_default_group", "count": 3, "kind": "master"},
                 {"name": "node_group_1", "count": 3, "kind": "core"},
                 {"name": "compute_nodes", "count": 2, "kind": "task"}]


@pytest.fixture(name="v1")
def v1_fixture(sdk, mrs):
    return build(sdk, sdk.v1, mrs)


@pytest.fixture(name="v2")
def v2_fixture(sdk, mrs):
    return build(sdk, sdk.v2, mrs)


def details(sdk, v1, cluster_id):
    return judge(sdk.v1_models, v1.show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id=cluster_id)))["cluster"]


# -- the judge itself: it must catch what it is there to catch ---------------------------------------------------------

def test_the_judge_catches_an_unknown_key_a_wrong_type_and_a_missing_required_field(sdk):
    models = sdk.v2_models
    good = {"node_group_name": "g", "resource_pool_name": "default", "auto_scaling_policy": {"auto_scaling_enable": True}}
    assert model_problems(models, "AutoScalingPolicyV2", good) == []
    assert "resource_pool_name" in required_attributes(models.AutoScalingPolicyV2)
    wrong = [dict(good, surprise=1), dict(good, node_group_name=5),
             {"node_group_name": "g", "auto_scaling_policy": {}},
             dict(good, auto_scaling_policy={"min_capacity": "1"}), dict(good, auto_scaling_policy={"min_capacity": True})]
    for answer in wrong:
        assert model_problems(models, "AutoScalingPolicyV2", answer), answer
    trigger = {"metric_name": "m", "metric_value": 100, "evaluation_periods": 1}
    assert model_problems(models, "Trigger", trigger) == []  # the documented variant: a number
    assert model_problems(models, "Trigger", dict(trigger, metric_value=[1]))
    assert model_problems(models, "list[VolumeInfo]", [{"type": "SAS", "size": "600"}])
    assert value_mismatches(models, "list[str]", ["a"], ["b"])


# -- v1.1: details, list, hosts, resize -------------------------------------------------------------------------------

@pytest.mark.parametrize("fields", [
    {"type": "analysis", "core": 4, "task": 2}, {"type": "streaming", "core": 3, "task": 1}, {"type": "mixed", "core": 3, "task": 1},
    {"type": "custom", "node_groups": CUSTOM_GROUPS}, {"billing_type": "Yearly/Monthly", "core": 3},
    {"core": 3, "task_node_size": "c6.2xlarge.4.linux.bigdata"}, {"state": "frozen"}, {"tags": {"env": "prod", "team": "data"}},
], ids=["analysis", "streaming", "mixed", "custom", "prepaid", "empty-task-group", "frozen", "tagged"])
def test_details_of_every_cluster_kind_fit_the_cluster_model(sdk, mrs, v1, fields):
    created = mrs.create_cluster(accept_delay=0, name="judged", **fields)
    cluster = details(sdk, v1, created["clusterId"])
    assert cluster == created
    assert cluster["billingType"] in ("11", "12") and isinstance(cluster["clusterType"], int)


def test_details_during_and_after_a_scale_fit_the_model(sdk, mrs, v1):
    created = mrs.create_cluster(name="moving", core=3, task=1, scale_seconds=1.5, accept_delay=0.5)
    cid = created["clusterId"]
    mrs.patch_cluster(cid, fail_next_scale="scaling-error", fail_next_scale_applied=1)
    response = v1.update_cluster_scaling(sdk.v1.UpdateClusterScalingRequest(cluster_id=cid, body=sdk.v1.ClusterScalingReq(
        parameters=sdk.v1.ClusterScalingParams(scale_type="scale_out", node_id="node_orderadd", node_group="task_node_default_group",
                                               instances="2"))))
    assert judge(sdk.v1_models, response) == {"result": "succeeded"}
    seen, deadline = set(), time.monotonic() + 30
    while ("running", "scaling-error") not in seen and time.monotonic() < deadline:
        cluster = details(sdk, v1, cid)
        seen.add((cluster["clusterState"], cluster["scale"]))
    assert ("scaling-out", "scaling-out") in seen and ("running", "scaling-error") in seen, seen
    assert cluster["stageDesc"] == "Cluster expansion failed" and cluster["totalNodeNum"] == "7"


def test_cluster_list_with_every_filter_fits_the_model(sdk, mrs, v1):
    for name, tags in (("alpha", {"env": "prod"}), ("beta", {}), ("Alphabet", {"env": "dev"})):
        mrs.create_cluster(accept_delay=0, name=name, tags=tags)
    requests_ = [sdk.v1.ListClustersRequest(), sdk.v1.ListClustersRequest(cluster_name="alpha", page_size="1", current_page="2"),
                 sdk.v1.ListClustersRequest(cluster_state="running"), sdk.v1.ListClustersRequest(tags="env*prod")]
    answers = [judge(sdk.v1_models, v1.list_clusters(request)) for request in requests_]
    assert [answer["clusterTotal"] for answer in answers] == [3, 2, 3, 1]
    assert [cluster["clusterName"] for cluster in answers[1]["clusters"]] == ["alpha"]


def test_hosts_of_every_state_fit_the_host_model(sdk, mrs, v1):
    cid = mrs.create_cluster(accept_delay=0, name="hosts", core=3, task=2)["clusterId"]
    mrs.patch_cluster(cid, node_states={host["id"]: state for host, state in zip(mrs.hosts(cid)[-2:], ("lost", "shutdown"))})
    answer = judge(sdk.v1_models, v1.list_hosts(sdk.v1.ListHostsRequest(cluster_id=cid, page_size="4", current_page="2")))
    assert answer["total"] == 7 and [host["status"] for host in answer["hosts"]] == ["ACTIVE", "UNKNOWN", "SHUTOFF"]


def test_resize_scale_in_by_server_ids_and_task_node_info_answers_fit_the_model(sdk, mrs, v1):
    cid = mrs.create_cluster(accept_delay=0, name="resize", core=3, scale_seconds=0)["clusterId"]
    info = sdk.v1.TaskNodeInfo(node_size="c6.2xlarge.4.linux.bigdata", data_volume_type="GPSSD", data_volume_count=0, data_volume_size=100)
    grow = sdk.v1.ClusterScalingParams(scale_type="scale_out", node_id="node_orderadd", node_group="task_node_default_group", instances=2,
                                       task_node_info=info, skip_bootstrap_scripts="false", scale_without_start=False)
    answer = v1.update_cluster_scaling(sdk.v1.UpdateClusterScalingRequest(cluster_id=cid, body=sdk.v1.ClusterScalingReq(parameters=grow)))
    assert judge(sdk.v1_models, answer) == {"result": "succeeded"}
    mrs.wait_until_idle(cid)
    victim = [host["id"] for host in mrs.hosts(cid) if host["type"] == "Task"][0]
    shrink = sdk.v1.ClusterScalingParams(scale_type="scale_in", node_id="node_orderadd", node_group="task_node_default_group",
                                         instances="1", server_ids=[victim])
    answer = v1.update_cluster_scaling(sdk.v1.UpdateClusterScalingRequest(cluster_id=cid, body=sdk.v1.ClusterScalingReq(parameters=shrink)))
    assert judge(sdk.v1_models, answer) == {"result": "succeeded"}
    assert details(sdk, v1, cid)["taskNodeGroups"][0]["DataVolumeType"] == "GPSSD"


# -- v2: nodes, expand, shrink ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("node_detail,ecs_detail", [(None, None), (True, None), (None, True), (True, True), (False, False)])
def test_nodes_with_and_without_the_detail_flags_fit_the_cluster_node_model(sdk, mrs, v2, node_detail, ecs_detail):
    cid = mrs.create_cluster(accept_delay=0, name="nodes", core=3, task=1)["clusterId"]
    mrs.patch_cluster(cid, node_states={mrs.hosts(cid)[-1]["id"]: "error"})
    request = sdk.v2.ListNodesRequest(cluster_id=cid, limit=4, offset=2, query_node_detail=node_detail, query_ecs_detail=ecs_detail)
    answer = judge(sdk.v2_models, v2.list_nodes(request))
    assert answer["node_total"] == 6 and len(answer["nodes"]) == 2
    for node in answer["nodes"]:
        assert bool(node["component_infos"]) == bool(node_detail) and ("node_detail" in node) == bool(node_detail)
        assert ("cpu" in node["server_info"]) == bool(ecs_detail) == ("mem" in node["server_info"])
        assert node["server_info"]["server_type"] == "ECS" and node["server_info"]["data_volumes"] == [
            {"type": "SAS", "size": 600, "count": 1}]
    assert answer["nodes"][-1]["node_status"] == "error"


def test_expand_and_shrink_answers_fit_the_model_postpaid_and_prepaid(sdk, mrs, v2):
    postpaid = mrs.create_cluster(accept_delay=0, name="custom", type="custom", node_groups=CUSTOM_GROUPS, scale_seconds=0)["clusterId"]
    answer = v2.expand_cluster(sdk.v2.ExpandClusterRequest(cluster_id=postpaid, body=sdk.v2.ExpandParam(
        node_group_name="master_node_default_group", count=1, skip_bootstrap_scripts=False, scale_without_start=True)))
    assert judge(sdk.v2_models, answer) == {"result": "success"}
    mrs.wait_until_idle(postpaid)
    answer = v2.shrink_cluster(sdk.v2.ShrinkClusterRequest(cluster_id=postpaid, body=sdk.v2.ShrinkParam(node_group_name="compute_nodes", count=1)))
    assert judge(sdk.v2_models, answer) == {"result": "succeeded"}
    prepaid = mrs.create_cluster(accept_delay=0, name="prepaid", billing_type="11", core=3)["clusterId"]
    answer = v2.expand_cluster(sdk.v2.ExpandClusterRequest(cluster_id=prepaid, body=sdk.v2.ExpandParam(
        node_group_name="core_node_analysis_group", count=1)))
    raw = judge(sdk.v2_models, answer)
    assert raw["result"] == "succeeded" and raw["order_id"] == answer.order_id and answer.order_id.startswith("CS")


# -- policies ---------------------------------------------------------------------------------------------------------

def test_policy_create_update_show_delete_answers_fit_the_model(sdk, mrs, v2):
    cid = mrs.create_cluster(accept_delay=0, name="policies", core=3, task=2)["clusterId"]
    models = sdk.v2
    trigger = models.Trigger(metric_name="YARNAppPending", metric_value="7.50", evaluation_periods=3)
    rule = models.Rule(name="grow", adjustment_type="scale_out", cool_down_minutes=5, scaling_adjustment=1, trigger=trigger)
    plan = models.ResourcesPlan(period_type="daily", start_time="8:00", end_time="20:00", min_capacity=1, max_capacity=3)
    policy = models.AutoScalingPolicyInfo(auto_scaling_enable=True, min_capacity=0, max_capacity=5, rules=[rule], resources_plans=[plan],
                                          tags=[models.Tag(key="owner", value="data")])
    body = models.AutoScalingPolicyV2(node_group_name="task_node_analysis_group", resource_pool_name="default", auto_scaling_policy=policy)
    assert judge(sdk.v2_models, v2.create_auto_scaling_policy(models.CreateAutoScalingPolicyRequest(cluster_id=cid, body=body))) == {}
    shown = judge(sdk.v2_models, v2.show_auto_scaling_policy(models.ShowAutoScalingPolicyRequest(cluster_id=cid)))
    assert shown[0]["auto_scaling_policy"]["rules"][0]["trigger"] == {
        "metric_name": "YARNAppPending", "metric_value": 7.5, "evaluation_periods": 3, "comparison_operator": "GTOE"}
    policy.auto_scaling_enable = False
    assert judge(sdk.v2_models, v2.update_auto_scaling_policy(models.UpdateAutoScalingPolicyRequest(cluster_id=cid, body=body))) == {}
    delete = models.AutoScalingPolicyDeleteReq(node_group_name="task_node_analysis_group", resource_pool_name="default")
    assert judge(sdk.v2_models, v2.delete_auto_scaling_policy(models.DeleteAutoScalingPolicyRequest(cluster_id=cid, body=delete))) == {}


def test_a_legacy_policy_shown_by_v2_fits_the_model_with_its_scripts(sdk, mrs, v1, v2):
    cid = mrs.create_cluster(accept_delay=0, name="legacy", core=3, task=1)["clusterId"]
    script = sdk.v1.ScaleScript(name="before", uri="obs://bucket/s.sh", nodes=["task"], active_master=False, fail_action="continue",
                                action_stage="before_scale_out")
    trigger = sdk.v1.Trigger(metric_name="m", metric_value="70", comparison_operator="GT", evaluation_periods=1)
    rule = sdk.v1.Rule(name="shrink", adjustment_type="scale_in", cool_down_minutes=0, scaling_adjustment=1, trigger=trigger)
    policy = sdk.v1.AutoScalingPolicy(auto_scaling_enable=True, min_capacity=0, max_capacity=2, rules=[rule], exec_scripts=[script])
    request = sdk.v1.CreateScalingPolicyRequest(cluster_id=cid, body=sdk.v1.AutoScalingPolicyReqV11(
        node_group="task_node_default_group", auto_scaling_policy=policy))
    assert judge(sdk.v1_models, v1.create_scaling_policy(request)) == {"result": "succeeded"}
    shown = judge(sdk.v2_models, v2.show_auto_scaling_policy(sdk.v2.ShowAutoScalingPolicyRequest(cluster_id=cid)))
    assert shown[0]["auto_scaling_policy"]["exec_scripts"][0]["name"] == "before"
    assert shown[0]["auto_scaling_policy"]["rules"][0]["description"] == ""


def test_an_empty_policy_list_fits_the_model(sdk, mrs, v2):
    cid = mrs.create_cluster(accept_delay=0, name="none")["clusterId"]
    assert judge(sdk.v2_models, v2.show_auto_scaling_policy(sdk.v2.ShowAutoScalingPolicyRequest(cluster_id=cid))) == []


# -- error answers ----------------------------------------------------------------------------------------------------

def refusals(mrs, cid):
    """(what, method, path, body, fault) for one refusal of each kind the collection can meet."""
    rule = copy.deepcopy(RULE)
    policy = {"node_group_name": "core_node_analysis_group", "resource_pool_name": "default",
              "auto_scaling_policy": {"auto_scaling_enable": True, "max_capacity": 3, "rules": [rule]}}
    v11 = "/v1.1/%s/cluster_infos/%s" % (mrs.project_id, cid)
    v2 = "/v2/%s/clusters/%s/" % (mrs.project_id, cid)
    return [
        ("unknown cluster", "GET", "/v1.1/%s/cluster_infos/nope" % mrs.project_id, None, None),
        ("core below 3", "PUT", v11, {"parameters": {"scale_type": "scale_in", "node_id": "node_orderadd", "instances": "1"}}, None),
        ("master shrink", "POST", v2 + "shrink", {"node_group_name": "master_node_default_group", "count": 1}, None),
        ("policy on core", "POST", "/v2/%s/autoscaling-policy/%s" % (mrs.project_id, cid), policy, None),
        ("policy not found", "DELETE", "/v2/%s/autoscaling-policy/%s" % (mrs.project_id, cid),
         {"node_group_name": "task_node_analysis_group", "resource_pool_name": "default"}, None),
        ("no such route", "GET", "/v2/%s/clusters/%s/jobs" % (mrs.project_id, cid), None, None),
        ("quota", "POST", v2 + "expand", {"node_group_name": "core_node_analysis_group", "count": 1}, {"error_code": "12000030"}),
        ("forbidden", "GET", v11, None, {"error_code": "APIGW.0302"}),
        ("throttled", "GET", v11, None, {"status": 429, "retry_after": 1}),
    ]


@pytest.mark.parametrize("index", range(9))
def test_every_refusal_is_an_error_body_the_sdk_reads_code_message_and_request_id_from(sdk, mrs, index):
    cid = mrs.create_cluster(accept_delay=0, name="refusals", core=3, task=1)["clusterId"]
    what, method, path, body, fault = refusals(mrs, cid)[index]
    session = mrs.token_session()
    if fault:
        mrs.add_fault(method=method, path=path, **fault)
    raw = session.request(method, mrs.url + path, json=body, timeout=10)
    assert raw.status_code >= 400, what
    payload = raw.json()
    assert set(payload) <= {"error_code", "error_msg", "request_id"} and payload["error_code"] and payload["error_msg"], (what, payload)
    assert payload.get("request_id", raw.headers["X-Request-Id"]) == raw.headers["X-Request-Id"]
    if raw.status_code == 429:
        return  # the SDK's transport turns a 429 into a RetryError before its error handler reads the body
    # The SDK's error handler reads the same three values (through its own HTTP stack, same route).
    if fault:
        mrs.add_fault(method=method, path=path, **fault)
    client = build(sdk, sdk.v2, mrs)
    with pytest.raises(sdk.ClientRequestException) as caught:
        client.do_http_request(method=method, resource_path=path, path_params={}, query_params=[],
                               header_params={"Content-Type": "application/json"}, body=body, post_params={},
                               cname=None, response_type=None, response_headers=None, collection_formats={},
                               request_type=None)
    assert (caught.value.status_code, caught.value.error_code, caught.value.error_msg) == (
        raw.status_code, payload["error_code"], payload["error_msg"]), what
    assert caught.value.request_id == mrs.requests_log()[-1]["request_id"]


def test_iam_answers_keep_their_documented_shape(mrs):
    """The IAM routes have no model in huaweicloudsdkmrs: the token answer as Keystone documents it."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": mrs.iam_user, "password": mrs.iam_password, "domain": {"name": mrs.iam_domain}}}}, "scope": {"project": {"id": mrs.project_id}}}}
    answer = requests.post(mrs.url + "/v3/auth/tokens", data=json.dumps(body), headers={"Content-Type": "application/json"}, timeout=10)
    assert answer.status_code == 201 and answer.headers["X-Subject-Token"]
    assert answer.json()["token"]["project"]["id"] == mrs.project_id
