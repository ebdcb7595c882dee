"""Every row of the fidelity audit (shared/research/emulator-fidelity.md, re-audit of 2026-12-07) as a named test.

Each test is named after its row (O = the old 11, E = v2 expand/shrink, G = cluster types and hosts, N = node list,
P = policies, S = state transitions, NM = not modelled before) and its docstring cites the source the emulator follows.
Sources: PYSDK = huaweicloudsdkmrs 3.1.219; TF = huaweicloud/terraform-provider-huaweicloud a0345b8 (paths under
huaweicloud/services/mrs/ unless written in full); OTC = opentelekomcloud-docs/mapreduce-service 4baf732, api-ref/source/;
HWDOC = Huawei's pages, by URL; RESIZE = the vendor's resize page (shared/spec/mrs-resize-api.md). Where the live
behaviour is unconfirmed the docstring says so; docs/emulator.md ("Where the emulator differs from MRS") says the rest.

Clusters are created with accept_delay=0 except where the delay is what the row is about.
"""

import re
import subprocess
import sys
import time

import pytest
import requests

from harness import EMULATOR, start_emulator

RULE = {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 1,
        "trigger": {"metric_name": "YARNAppPending", "metric_value": "10", "comparison_operator": "GT", "evaluation_periods": 3}}


def create(mrs, **fields):
    fields = dict({"name": "fidelity", "accept_delay": 0, "scale_seconds": 0.1}, **fields)
    return mrs.create_cluster(**fields)


def resize(mrs, cid, **params):
    params = dict({"node_id": "node_orderadd", "instances": "1"}, **params)
    return mrs.token_session().put(mrs.cluster_url(cid), json={"parameters": params}, timeout=10)


def v2(mrs, cid, action, body):
    return mrs.token_session().post(mrs.v2_url(cid, action), json=body, timeout=10)


def nodes(mrs, cid, **query):
    return mrs.token_session().get(mrs.v2_url(cid, "nodes"), params=dict({"limit": 100}, **query), timeout=10).json()


def policy_url(mrs, cid, version="v2"):
    return "%s/%s/%s/autoscaling-policy/%s" % (mrs.url, version, mrs.project_id, cid)


def policy(mrs, cid, method="POST", group="task_node_analysis_group", version="v2", **fields):
    body = dict({"auto_scaling_enable": True, "min_capacity": 0, "max_capacity": 5, "rules": [RULE]}, **fields)
    payload = ({"node_group": group, "auto_scaling_policy": body} if version == "v1.1" else
               {"node_group_name": group, "resource_pool_name": "default", "auto_scaling_policy": body})
    return mrs.token_session().request(method, policy_url(mrs, cid, version), json=payload, timeout=10)


def code(response):
    return response.status_code, response.json().get("error_code")


def counts(view):
    return {group["GroupName"]: group["NodeNum"] for group in view["nodeGroups"]}


# -- 1. the 11 old mismatches ------------------------------------------------------------------------------------------

def test_O1_host_type_per_cluster_type(mrs):
    """O1 (X, unconfirmed): TF resource_huaweicloud_mapreduce_cluster.go 1522-1541 switches on Master, Analysis_Core,
    Analysis_Task, Streaming_Core, Streaming_Task; OTC querying_a_host_list.rst shows Core on an analysis cluster. The
    emulator keeps Core/Task on analysis and custom clusters, the prefixed types on streaming and mixed ones."""
    expected = {"analysis": {"Master", "Core", "Task"}, "streaming": {"Master", "Streaming_Core", "Streaming_Task"},
                "mixed": {"Master", "Analysis_Core", "Streaming_Core", "Analysis_Task", "Streaming_Task"},
                "custom": {"Master", "Core", "Task"}}
    for kind, types in expected.items():
        cid = create(mrs, type=kind, task=1)["clusterId"]
        assert {host["type"] for host in mrs.hosts(cid)} == types, kind


def test_O2_added_hosts_are_named_cluster_group_suffix_number(mrs):
    """O2: TF resource_huaweicloud_mapreduce_cluster.go 1534 parses <clusterId>_<group>xxxx[-000x]."""
    cid = create(mrs, core=3, scale_seconds=0)["clusterId"]
    assert resize(mrs, cid, scale_type="scale_out").ok
    added = mrs.hosts(mrs.wait_until_idle(cid)["clusterId"])[-1]["name"]
    assert re.fullmatch(re.escape(cid) + r"_core_node_analysis_group[A-Za-z]{4}-\d{4}", added)


def test_O3_list_cluster_name_is_a_case_insensitive_substring(mrs):
    """O3: TF docs/data-sources/mapreduce_clusters.md 39 (the name filter is fuzzy)."""
    for name in ("Analytics-prod", "analytics", "etl"):
        create(mrs, name=name)
    answer = mrs.token_session().get(mrs.cluster_url(), params={"clusterName": "ANALYTICS"}, timeout=10).json()
    assert sorted(cluster["clusterName"] for cluster in answer["clusters"]) == ["Analytics-prod", "analytics"]


def test_O4_list_filters_by_tags_and_enterprise_project(mrs):
    """O4: PYSDK v1/model/list_clusters_request.py (tags k1*v1,k2; enterpriseProjectId)."""
    create(mrs, name="a", tags={"env": "prod", "team": "x"}, enterprise_project_id="ep1")
    create(mrs, name="b", tags={"env": "dev"})
    session = mrs.token_session()
    assert [c["clusterName"] for c in session.get(mrs.cluster_url(), params={"tags": "env*prod,team"}, timeout=10).json()["clusters"]] == ["a"]
    assert [c["clusterName"] for c in session.get(mrs.cluster_url(), params={"enterpriseProjectId": "ep1"}, timeout=10).json()["clusters"]] == ["a"]


def test_O5_server_ids_that_are_not_task_nodes_are_12000013(mrs):
    """O5: OTC appendix/error_code.rst, 12000013 "... The task node does not exist"."""
    cid = create(mrs, core=4, task=1)["clusterId"]
    core_host = next(host["id"] for host in mrs.hosts(cid) if host["type"] == "Core")
    assert code(resize(mrs, cid, scale_type="scale_in", node_group="task_node_default_group", server_ids=[core_host])) == (400, "12000013")


def test_O6_task_data_disks_take_gpssd_and_zero_disks(mrs):
    """O6: PYSDK v1/model/task_node_info.py (GPSSD; data_volume_count 0-20)."""
    cid = create(mrs)["clusterId"]
    info = {"node_size": "c6.2xlarge.4.linux.bigdata", "data_volume_type": "GPSSD", "data_volume_count": 0, "data_volume_size": 100}
    assert resize(mrs, cid, scale_type="scale_out", node_group="task_node_default_group", task_node_info=info).ok
    other = create(mrs)["clusterId"]
    assert code(resize(mrs, other, scale_type="scale_out", node_group="task_node_default_group",
                       task_node_info=dict(info, data_volume_count=21))) == (400, "12000002")


def test_O7_prepaid_v11_refused_v2_answers_an_order_task_groups_never_prepaid(mrs):
    """O7: RESIZE 12000065; PYSDK v2/model/expand_cluster_response.py 35 (order_id); TF 386 (Task groups are never
    prepaid)."""
    cid = create(mrs, billing_type="Yearly/Monthly", core=3, task=1)["clusterId"]
    assert code(resize(mrs, cid, scale_type="scale_out")) == (400, "12000065")
    assert "order_id" in v2(mrs, cid, "expand", {"node_group_name": "core_node_analysis_group", "count": 1}).json()
    billing = {node["node_group_name"]: node["billing_type"] for node in nodes(mrs, cid)["nodes"]}
    assert billing["task_node_analysis_group"] == "on-quantity" and billing["core_node_analysis_group"] == "on-period"


def test_O8_billing_type_is_answered_as_12_or_11_and_created_from_words_or_codes(mrs):
    """O8: TF docs/data-sources/mapreduce_clusters.md 100 ("11" yearly/monthly, "12" pay-per-use); the control route
    keeps the words of the 2017 OTC example (shared/spec/emulator.md, "Fidelity")."""
    for given, shown in (("Metered", "12"), ("12", "12"), ("Yearly/Monthly", "11"), ("11", "11")):
        view = create(mrs, billing_type=given)
        assert view["billingType"] == shown
        listed = mrs.token_session().get(mrs.cluster_url(), timeout=10).json()["clusters"]
        assert next(c for c in listed if c["clusterId"] == view["clusterId"])["billingType"] == shown
    assert create(mrs)["billingType"] == "12"
    assert code(resize(mrs, create(mrs, billing_type="11")["clusterId"], scale_type="scale_out")) == (400, "12000065")


def test_O9_an_accepted_scale_does_not_show_at_once_by_default(mrs):
    """O9: TF common.go 52-53 waits 20 s before its first poll (the cloud does not flip at once). The emulator's
    default accept_delay is 1 s (short: every test pays it), documented in --help; 0 stays allowed."""
    view = mrs.create_cluster(name="delayed", core=3, scale_seconds=0.2)
    cid = view["clusterId"]
    assert mrs.cluster_control(cid)["emulator"]["accept_delay"] == 1.0
    started = time.monotonic()
    assert resize(mrs, cid, scale_type="scale_out").ok
    early = mrs.cluster(cid)
    if time.monotonic() - started < 0.8:  # a loaded machine may take longer than the delay to read
        assert (early["clusterState"], early["coreNodeNum"]) == ("running", "3")
    assert code(resize(mrs, cid, scale_type="scale_out")) == (400, "12000018")  # accepted: busy although "running"
    # the harness waits through the delay too (it asks the emulator whether an operation is pending)
    assert mrs.wait_until_idle(cid)["coreNodeNum"] == "4" and time.monotonic() - started >= 1.0
    help_text = subprocess.run([sys.executable, EMULATOR, "--help"], capture_output=True, text=True, check=True).stdout
    assert "accept_delay=1 " in help_text and "Terraform waits 20 s" in help_text
    instant = create(mrs, accept_delay=0, scale_seconds=5)["clusterId"]
    assert resize(mrs, instant, scale_type="scale_out").ok and mrs.cluster(instant)["clusterState"] == "scaling-out"


def test_O10_auth_failures_answer_the_message_of_their_cause(sdk, mrs):
    """O10: OTC API Gateway FAQ apig-faq-0003 ("verify aksk signature fail", "Get secretKey failed,ak:...,err:ak not
    exist", "decrypt token fail"); an expired token is APIGW.0307 "The token must be updated."."""
    from sdk_oracle import build  # pylint: disable=import-outside-toplevel
    cid = create(mrs)["clusterId"]
    request = sdk.v1.ShowClusterDetailsRequest(cluster_id=cid)
    answers = {}
    for name, ak, sk in (("unknown ak", "NOSUCHACCESSKEY00000", mrs.secret_key), ("wrong sk", mrs.access_key, mrs.secret_key + "x")):
        with pytest.raises(sdk.ClientRequestException) as caught:
            build(sdk, sdk.v1, mrs, sdk.BasicCredentials(ak, sk, mrs.project_id)).show_cluster_details(request)
        answers[name] = (caught.value.status_code, caught.value.error_code, caught.value.error_msg)
    assert answers["unknown ak"] == (401, "APIGW.0301", "Incorrect IAM authentication information: Get secretKey failed,"
                                                        "ak:NOSUCHACCESSKEY00000,err:ak not exist")
    assert answers["wrong sk"] == (401, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail")
    forged = requests.get(mrs.cluster_url(cid), headers={"X-Auth-Token": "MIIforged"}, timeout=10).json()
    assert (forged["error_code"], forged["error_msg"]) == ("APIGW.0301", "Incorrect IAM authentication information: decrypt token fail")
    token = mrs.mint_token()
    mrs.expire_tokens()
    expired = requests.get(mrs.cluster_url(cid), headers={"X-Auth-Token": token}, timeout=10)
    assert code(expired) == (401, "APIGW.0307") and expired.json()["error_msg"] == "The token must be updated."


def test_O11_a_live_cluster_has_its_external_ip_deployment_and_vnc(mrs):
    """O11: TF data_source_huaweicloud_mapreduce_clusters.go 589-600 reads externalIp, deploymentId, vnc, orderId."""
    view = create(mrs)
    for field in ("externalIp", "externalAlternateIp", "deploymentId", "vnc", "instanceId"):
        assert isinstance(view[field], str) and view[field], field
    assert view["orderId"] is None and create(mrs, billing_type="11")["orderId"]


# -- 2. v2 expand / shrink ---------------------------------------------------------------------------------------------

def test_E1_expand_body_takes_the_sdk_fields_and_refuses_others(mrs):
    """E1: PYSDK v2/model/expand_param.py 17-28 (node_group_name str, count int, two bools)."""
    cid = create(mrs, core=3)["clusterId"]
    body = {"node_group_name": "core_node_analysis_group", "count": 1, "skip_bootstrap_scripts": True, "scale_without_start": False}
    for bad in ({"count": "1"}, {"scale_without_start": "false"}, {"instances": 1}):
        assert code(v2(mrs, cid, "expand", dict(body, **bad))) == (400, "12000002"), bad
    assert v2(mrs, cid, "expand", body).json() == {"result": "success"}


def test_E2_expand_answers_success_or_an_order(mrs):
    """E2: PYSDK v2/model/expand_cluster_response.py 33-36 ("success" for pay-per-use; order_id for yearly/monthly).
    The prepaid answer's result ("succeeded") is unconfirmed."""
    postpaid, prepaid = create(mrs)["clusterId"], create(mrs, billing_type="11")["clusterId"]
    assert v2(mrs, postpaid, "expand", {"node_group_name": "core_node_analysis_group", "count": 1}).json() == {"result": "success"}
    answer = v2(mrs, prepaid, "expand", {"node_group_name": "core_node_analysis_group", "count": 1}).json()
    assert answer["result"] == "succeeded" and answer["order_id"].startswith("CS")


def test_E3_shrink_takes_count_or_resource_ids_and_answers_succeeded(mrs):
    """E3: PYSDK v2/model/shrink_param.py; TF …node_batch_shrink.go (count or resource_ids, never both)."""
    cid = create(mrs, core=3, task=3, scale_seconds=0)["clusterId"]
    assert v2(mrs, cid, "shrink", {"node_group_name": "task_node_analysis_group", "count": 1}).json() == {"result": "succeeded"}
    assert code(v2(mrs, mrs.wait_until_idle(cid)["clusterId"], "shrink", {"node_group_name": "task_node_analysis_group"})) == (400, "12000002")


def test_E4_resource_ids_take_only_abnormal_nodes_of_pay_per_use_clusters(mrs):
    """E4: TF docs/resources/mapreduce_cluster_node_batch_shrink.md 16, 70 (shutdown, lost, unknown, detached or
    error nodes; postpaid clusters only); PYSDK v2/model/shrink_param.py 38 (forced deletion of abnormal ECS nodes)."""
    cid = create(mrs, core=3, task=3, scale_seconds=0)["clusterId"]
    tasks = [host for host in mrs.hosts(cid) if host["type"] == "Task"]
    healthy = v2(mrs, cid, "shrink", {"node_group_name": "task_node_analysis_group", "resource_ids": [tasks[0]["resource_id"]]})
    assert code(healthy) == (400, "12000013") and "shutdown, lost, unknown, detached, error" in healthy.json()["error_msg"]
    mrs.patch_cluster(cid, node_states={tasks[0]["resource_id"]: "lost", tasks[1]["name"]: "error"})
    answer = v2(mrs, cid, "shrink", {"node_group_name": "task_node_analysis_group",
                                     "resource_ids": [tasks[0]["resource_id"], tasks[1]["resource_id"]]})
    assert answer.json() == {"result": "succeeded"}
    assert [host["id"] for host in mrs.hosts(mrs.wait_until_idle(cid)["clusterId"]) if host["type"] == "Task"] == [tasks[2]["id"]]
    prepaid = create(mrs, billing_type="11", task=2)["clusterId"]
    task = next(host for host in mrs.hosts(prepaid) if host["type"] == "Task")
    mrs.patch_cluster(prepaid, node_states={task["id"]: "lost"})
    assert code(v2(mrs, prepaid, "shrink", {"node_group_name": "task_node_analysis_group", "resource_ids": [task["resource_id"]]})) == (
        400, "12000065")


def test_E5_a_master_group_expands_on_v2_and_never_shrinks(mrs):
    """E5: TF PR #8789 ("Master nodes support expansion only"), resource_huaweicloud_mapreduce_cluster.go 406 (no shrink)."""
    cid = create(mrs, scale_seconds=0)["clusterId"]
    assert v2(mrs, cid, "expand", {"node_group_name": "master_node_default_group", "count": 1}).json() == {"result": "success"}
    assert mrs.wait_until_idle(cid)["masterNodeNum"] == "3"
    assert code(v2(mrs, cid, "shrink", {"node_group_name": "master_node_default_group", "count": 1})) == (400, "12000002")
    assert code(resize(mrs, cid, scale_type="scale_out", node_group="master_node_default_group")) == (400, "12000002")


@pytest.mark.parametrize("group", [None, "core_node_default_group", "node_group_1", "task_node_default_group", "anything"])
def test_E6_v11_resize_refused_on_custom_cluster(mrs, group):
    """E6: HWDOC https://support.huaweicloud.com/intl/en-us/ae-ad-1-api-mrs/mrs_02_0029.html: the v1.1 resize APIs
    "support only streaming, analysis, and hybrid clusters". Code 12000054 "The operation is not supported." from the
    same page's error table (the live code is unconfirmed; 12000002 is the other candidate)."""
    cid = create(mrs, type="custom", task=1)["clusterId"]
    params = {"scale_type": "scale_out"} if group is None else {"scale_type": "scale_out", "node_group": group}
    answer = resize(mrs, cid, **params)
    assert code(answer) == (400, "12000054") and "/v2/" in answer.json()["error_msg"]
    assert mrs.cluster(cid)["clusterState"] == "running" and not mrs.cluster_control(cid)["emulator"]["operation"]
    assert v2(mrs, cid, "expand", {"node_group_name": "node_group_1", "count": 1}).ok


def test_E7_v2_cluster_routes_answer_v1_style_codes(mrs):
    """E7 (unconfirmed): TF issue #1647 (POST /v2/…/clusters answered 12000002); the v2 policy routes answer MRS.0000xxxx
    (TF …scaling_policy_v2.go 27-28: MRS.00005016)."""
    cid = create(mrs, scale_seconds=5)["clusterId"]
    assert code(v2(mrs, cid, "expand", {"node_group_name": "nope", "count": 1})) == (400, "12000002")
    assert code(v2(mrs, "no-such", "expand", {"node_group_name": "nope", "count": 1})) == (400, "12000003")
    assert v2(mrs, cid, "expand", {"node_group_name": "core_node_analysis_group", "count": 1}).ok
    assert code(v2(mrs, cid, "expand", {"node_group_name": "core_node_analysis_group", "count": 1})) == (400, "12000018")


def test_E8_an_unpaid_order_blocks_every_scale_out_of_the_cluster(mrs):
    """E8: OTC appendix/error_code.rst 147, 12000121 "...scale out the Yearly/Monthly cluster ... the cluster has an
    unpaid order" (the cluster, not only the group); a shrink is not a scale-out."""
    cid = create(mrs, billing_type="11", core=4, task=2, scale_seconds=0)["clusterId"]
    order = v2(mrs, cid, "expand", {"node_group_name": "core_node_analysis_group", "count": 1}).json()["order_id"]
    for group in ("master_node_default_group", "core_node_analysis_group", "task_node_analysis_group"):
        assert code(v2(mrs, cid, "expand", {"node_group_name": group, "count": 1})) == (400, "12000121"), group
    assert v2(mrs, cid, "shrink", {"node_group_name": "task_node_analysis_group", "count": 1}).ok
    mrs.wait_until_idle(cid)
    mrs.pay_order(order)
    mrs.wait_until_idle(cid)
    assert v2(mrs, cid, "expand", {"node_group_name": "task_node_analysis_group", "count": 1}).ok


def test_E9_prepaid_shrink_refused_and_the_order_paid_by_a_control_route(mrs):
    """E9 (code unconfirmed): TF …node_batch_expand.go 164-177 pays the order through BSS, then waits; shrink is for
    postpaid nodes only."""
    cid = create(mrs, billing_type="11", core=4, scale_seconds=0)["clusterId"]
    assert code(v2(mrs, cid, "shrink", {"node_group_name": "core_node_analysis_group", "count": 1})) == (400, "12000065")
    order = v2(mrs, cid, "expand", {"node_group_name": "core_node_analysis_group", "count": 2}).json()["order_id"]
    assert mrs.cluster(cid)["coreNodeNum"] == "4"
    mrs.pay_order(order)
    assert mrs.wait_until_idle(cid)["coreNodeNum"] == "6"


# -- 3. cluster types, node groups, hosts ------------------------------------------------------------------------------

def test_G1_each_cluster_type_gets_the_groups_mrs_gives_it(mrs):
    """G1: TF resource_huaweicloud_mapreduce_cluster.go 37-41 (group names); a live custom cluster has
    master_node_default_group and node_group_1 (TF acceptance data_source_huaweicloud_mapreduce_clusters_test.go)."""
    assert list(counts(create(mrs, type="streaming", task=1))) == [
        "master_node_default_group", "core_node_streaming_group", "task_node_streaming_group"]
    assert counts(create(mrs, type="custom")) == {"master_node_default_group": 3, "node_group_1": 3}


def test_G2_details_carry_the_sdk_keys_and_pascal_case_groups(mrs):
    """G2: PYSDK v1/model/cluster.py (clusterType int) and node_group_v10.py (PascalCase); TF #9226."""
    view = create(mrs, type="mixed")
    assert view["clusterType"] == 2 and set(view["nodeGroups"][0]) >= {"GroupName", "NodeNum", "NodeSize", "DataVolumeCount"}
    assert isinstance(view["totalNodeNum"], str) and isinstance(view["nodeGroups"][0]["NodeNum"], int)


def test_G3_hosts_page_ten_by_default_with_resource_id_and_group(mrs):
    """G3: PYSDK v1/model/host_model.py (resource_id, node_group_name); OTC querying_a_host_list.rst (pageSize 10)."""
    cid = create(mrs, core=12)["clusterId"]
    answer = mrs.token_session().get(mrs.hosts_url(cid), timeout=10).json()
    assert answer["total"] == 14 and len(answer["hosts"]) == 10
    assert all(host["resource_id"] and host["node_group_name"] for host in answer["hosts"])


def test_G4_custom_group_rules_follow_the_declared_kind_without_assigned_roles(mrs):
    """G4 (not modelled): TF 1057 reads AssignedRoles; MRS decides a custom group's minimum from the roles it runs
    (DataNode). The emulator follows a declared kind instead and shows no AssignedRoles (docs/emulator.md)."""
    groups = [{"name": "master_node_default_group", "count": 3, "kind": "master"}, {"name": "hdfs", "count": 3, "kind": "core"},
              {"name": "compute", "count": 1, "kind": "task"}]
    view = create(mrs, type="custom", node_groups=groups)
    assert all("AssignedRoles" not in group for group in view["nodeGroups"])
    assert code(v2(mrs, view["clusterId"], "shrink", {"node_group_name": "hdfs", "count": 1})) == (400, "12000013")
    roles = {node["node_group_name"]: {c["role_name"] for c in node["component_infos"]}
             for node in nodes(mrs, view["clusterId"], query_node_detail="true")["nodes"]}
    assert "DataNode" in roles["hdfs"] and "DataNode" not in roles["compute"]


def test_G5_nodes_take_states_other_than_running(mrs):
    """G5: TF docs/data-sources/mapreduce_cluster_nodes.md (node_status values), docs/resources/
    mapreduce_cluster_node_batch_shrink.md 70 (shutdown, lost, unknown, detached, error). Set per node through
    PATCH /_emulator/clusters/{id} {"node_states": {...}} (a new optional field)."""
    cid = create(mrs, core=3, task=1)["clusterId"]
    host = mrs.hosts(cid)[-1]
    view = mrs.control("PATCH", "clusters/" + cid, {"node_states": {host["name"]: "shutdown"}})
    assert view["emulator"]["node_states"] == {host["id"]: "shutdown"}
    assert mrs.hosts(cid)[-1]["status"] == "SHUTOFF"
    assert nodes(mrs, cid)["nodes"][-1]["node_status"] == "shutdown"
    for bad in ({"node_states": {host["id"]: "sleeping"}}, {"node_states": {"nope": "lost"}}, {"node_states": []}):
        assert mrs.session.patch(mrs.url + "/_emulator/clusters/" + cid, json=bad, timeout=10).status_code == 400
    mrs.patch_cluster(cid, node_states={host["id"]: "started"})
    assert mrs.hosts(cid)[-1]["status"] == "ACTIVE"


# -- 4. node list --------------------------------------------------------------------------------------------------------

def test_N1_offset_is_the_page_number_from_1_and_limit_defaults_to_10(mrs):
    """N1: TF data_source_huaweicloud_mapreduce_cluster_nodes.go 346-382 ("offset means the page number"); PYSDK
    v2/model/list_nodes_request.py 52-54 (limit 10, offset 1)."""
    cid = create(mrs, core=13)["clusterId"]
    session = mrs.token_session()
    first = session.get(mrs.v2_url(cid, "nodes"), timeout=10).json()
    assert (first["node_total"], len(first["nodes"])) == (15, 10)
    assert len(session.get(mrs.v2_url(cid, "nodes"), params={"offset": 2}, timeout=10).json()["nodes"]) == 5
    assert session.get(mrs.v2_url(cid, "nodes"), params={"offset": 0}, timeout=10).json()["nodes"] == first["nodes"]


def test_N2_node_filters(mrs):
    """N2: PYSDK v2/model/list_nodes_request.py (node_group, fuzzy node_name, internal_ip, sort_key=node_name)."""
    cid = create(mrs, core=3, task=1)["clusterId"]
    assert [n["node_group_name"] for n in nodes(mrs, cid, node_group="task_node_analysis_group")["nodes"]] == ["task_node_analysis_group"]
    assert len(nodes(mrs, cid, node_name="master")["nodes"]) == 2
    ip = mrs.hosts(cid)[0]["ip"]
    assert [n["server_info"]["internal_ip"] for n in nodes(mrs, cid, internal_ip=ip)["nodes"]] == [ip]
    names = [n["node_name"] for n in nodes(mrs, cid, sort_key="node_name", sort_dir="desc")["nodes"]]
    assert names == sorted(names, reverse=True)


def test_N3_data_volumes_are_one_entry_per_type_with_count(mrs):
    """N3: PYSDK v2/model/volume_info.py (type, size, count); TF acceptance …cluster_nodes_test.go 58-60 (count >= 1)."""
    cid = create(mrs, core=3)["clusterId"]
    info = {"node_size": "c6.2xlarge.4.linux.bigdata", "data_volume_type": "SSD", "data_volume_count": 4, "data_volume_size": 200}
    assert resize(mrs, cid, scale_type="scale_out", node_group="task_node_default_group", task_node_info=info).ok
    mrs.wait_until_idle(cid)
    volumes = {n["node_group_name"]: n["server_info"]["data_volumes"] for n in nodes(mrs, cid)["nodes"]}
    assert volumes["task_node_analysis_group"] == [{"type": "SSD", "size": 200, "count": 4}]
    assert volumes["core_node_analysis_group"] == [{"type": "SAS", "size": 600, "count": 1}]
    assert nodes(mrs, cid)["nodes"][0]["server_info"]["root_volume"]["count"] == 1


def test_N4_server_type_is_ecs_not_the_flavor(mrs):
    """N4: PYSDK v2/model/server_info.py 50 ("ECS或者BMS"); TF docs/data-sources/mapreduce_cluster_nodes.md."""
    cid = create(mrs)["clusterId"]
    assert {n["server_info"]["server_type"] for n in nodes(mrs, cid)["nodes"]} == {"ECS"}


def test_N5_node_detail_has_the_sdk_fields_only_with_query_node_detail(mrs):
    """N5: PYSDK v2/model/node_detail.py; TF acceptance …cluster_nodes_test.go 77-86 (with query_node_detail=true)."""
    cid = create(mrs)["clusterId"]
    assert all("node_detail" not in n for n in nodes(mrs, cid)["nodes"])
    detail = nodes(mrs, cid, query_node_detail="true")["nodes"][0]["node_detail"]
    assert set(detail) == {"running_status", "cpu_usage", "memory_usage", "disk_usage", "total_memory", "available_memory",
                           "total_hard_disk_space", "available_hard_disk_space", "network_read", "network_write"}
    assert all(isinstance(value, str) and value for value in detail.values())


def test_N6_components_only_with_query_node_detail_cpu_mem_only_with_query_ecs_detail(mrs):
    """N6 (unconfirmed: the live answer without the flag may omit the key rather than leave it empty): TF
    docs/data-sources/mapreduce_cluster_nodes.md ("not empty only when query_node_detail / query_ecs_detail is set to
    true") and its live acceptance test (87, 104-105)."""
    cid = create(mrs, core=3)["clusterId"]
    plain = nodes(mrs, cid)["nodes"]
    assert all(n["component_infos"] == [] and "cpu" not in n["server_info"] and "mem" not in n["server_info"] for n in plain)
    detailed = nodes(mrs, cid, query_node_detail="true", query_ecs_detail="true")["nodes"]
    assert all(n["component_infos"] and n["server_info"]["cpu"] and n["server_info"]["mem"] for n in detailed)
    core_roles = {c["role_name"] for n in detailed if n["node_group_name"] == "core_node_analysis_group" for c in n["component_infos"]}
    assert "DataNode" in core_roles
    assert code(mrs.token_session().get(mrs.v2_url(cid, "nodes"), params={"query_node_detail": "yes"}, timeout=10)) == (400, "12000002")


def test_N7_node_billing_type_is_on_period_or_on_quantity(mrs):
    """N7: TF data_source_huaweicloud_mapreduce_cluster_nodes.go 465-471; PYSDK v2/model/cluster_node.py."""
    assert {n["billing_type"] for n in nodes(mrs, create(mrs)["clusterId"])["nodes"]} == {"on-quantity"}
    assert {n["billing_type"] for n in nodes(mrs, create(mrs, billing_type="11")["clusterId"])["nodes"]} == {"on-period"}


# -- 5. auto-scaling policies ------------------------------------------------------------------------------------------

def test_P1_policy_routes_v2_and_legacy_v11(mrs):
    """P1: PYSDK v2/mrs_client.py 125-957 (v2 POST/PUT/GET/DELETE); TF resource_huaweicloud_mapreduce_scaling_policy.go 25
    (v1.1 POST)."""
    cid = create(mrs, task=2)["clusterId"]
    assert policy(mrs, cid).ok and policy(mrs, cid, "PUT").ok
    assert mrs.token_session().get(policy_url(mrs, cid), timeout=10).ok
    assert policy(mrs, cid, version="v1.1", group="task_node_default_group").ok
    target = {"node_group_name": "task_node_analysis_group", "resource_pool_name": "default"}
    assert mrs.token_session().delete(policy_url(mrs, cid), json=target, timeout=10).ok


def test_P2_policy_body_names_casing_and_types_of_the_sdk(mrs):
    """P2: PYSDK v2/model/auto_scaling_policy_v2.py, auto_scaling_policy_info.py, rule.py, trigger.py (metric_value str)."""
    cid = create(mrs, task=2)["clusterId"]
    trigger = dict(RULE["trigger"], metric_value=10)
    assert code(policy(mrs, cid, rules=[dict(RULE, trigger=trigger)])) == (400, "12000002")
    assert code(policy(mrs, cid, min_capacity="0")) == (400, "12000002")
    assert policy(mrs, cid, tags=[{"key": "owner", "value": "data"}]).ok


def test_P3_policy_write_answers(mrs):
    """P3: PYSDK create/update/delete_auto_scaling_policy_response.py (no fields); v1.1 {"result": "succeeded"}."""
    cid = create(mrs, task=2)["clusterId"]
    assert policy(mrs, cid).json() == {} and policy(mrs, cid, "PUT").json() == {}
    assert policy(mrs, cid, version="v1.1", group="task_node_default_group").json() == {"result": "succeeded"}


def test_P4_policy_get_is_a_bare_list(mrs):
    """P4 (unconfirmed): PYSDK show_auto_scaling_policy_response.py 31 and TF …scaling_policy_v2.go 354 read a bare list;
    the OTC example (viewing_auto_scaling_policies.rst 217) wraps it as {"auto_scaling_policies": [...]}, a known
    variant the emulator does not answer (docs/emulator.md)."""
    cid = create(mrs, task=2)["clusterId"]
    assert mrs.token_session().get(policy_url(mrs, cid), timeout=10).json() == []
    policy(mrs, cid)
    shown = mrs.token_session().get(policy_url(mrs, cid), timeout=10).json()
    assert isinstance(shown, list) and shown[0]["node_group_name"] == "task_node_analysis_group"


def test_P5_policy_get_fills_the_operator_numbers_and_description_and_keeps_scripts(mrs):
    """P5: TF …scaling_policy_v2.go (comparison_operator Optional+Computed: MRS fills it); OTC
    viewing_auto_scaling_policies.rst example ("metric_value" : 100, "description" : "", "comparison_operator" :
    "GTOE"; its Table 8 lists ScaleScript). The filled operator GTOE is the example's, no source names a default."""
    cid = create(mrs, task=2)["clusterId"]
    trigger = {"metric_name": "YARNAppPending", "metric_value": "7.50", "evaluation_periods": 3}
    assert policy(mrs, cid, rules=[dict(RULE, trigger=trigger)]).ok
    rule = mrs.token_session().get(policy_url(mrs, cid), timeout=10).json()[0]["auto_scaling_policy"]["rules"][0]
    assert rule["trigger"] == {"metric_name": "YARNAppPending", "metric_value": 7.5, "comparison_operator": "GTOE", "evaluation_periods": 3}
    assert rule["description"] == ""
    script = {"name": "s", "uri": "obs://b/s.sh", "nodes": ["task"], "fail_action": "continue", "action_stage": "after_scale_out"}
    assert policy(mrs, cid, version="v1.1", group="task_node_default_group", exec_scripts=[script]).ok
    shown = mrs.token_session().get(policy_url(mrs, cid), timeout=10).json()[0]["auto_scaling_policy"]
    assert shown["exec_scripts"] == [script] and shown["rules"][0]["trigger"]["metric_value"] == 10


def test_P6_optional_policy_fields_default(mrs):
    """P6: TF docs/resources/mapreduce_scaling_policy_v2.md 77-84 (auto_scaling_enable false, min/max_capacity 0; a plan's
    min/max 0); TF omits a 0 (ValueIgnoreEmpty)."""
    cid = create(mrs, task=2)["clusterId"]
    body = {"node_group_name": "task_node_analysis_group", "resource_pool_name": "default", "auto_scaling_policy": {"rules": [RULE]}}
    assert mrs.token_session().post(policy_url(mrs, cid), json=body, timeout=10).ok
    shown = mrs.token_session().get(policy_url(mrs, cid), timeout=10).json()[0]["auto_scaling_policy"]
    assert (shown["auto_scaling_enable"], shown["min_capacity"], shown["max_capacity"]) == (False, 0, 0)
    plan = {"period_type": "daily", "start_time": "8:00", "end_time": "9:00"}
    assert policy(mrs, cid, "PUT", resources_plans=[plan], max_capacity=2).ok


def test_P7_limits_refuse_only_what_every_source_refuses(mrs):
    """P7: PYSDK/OTC cool_down_minutes 0-10080 and evaluation_periods 1-288; TF docs say 5-10080 (147), 1-200 (169) and
    at most 20 tags (96). Only what every source refuses is refused."""
    cid = create(mrs, task=2)["clusterId"]
    assert policy(mrs, cid, rules=[dict(RULE, cool_down_minutes=0)]).ok  # TF: >= 5
    assert policy(mrs, cid, "PUT", rules=[dict(RULE, trigger=dict(RULE["trigger"], evaluation_periods=288))]).ok  # TF: <= 200
    assert policy(mrs, cid, "PUT", tags=[{"key": "k%d" % index, "value": "v"} for index in range(21)]).ok  # TF: <= 20
    assert code(policy(mrs, cid, "PUT", rules=[dict(RULE, cool_down_minutes=10081)])) == (400, "12000002")
    assert code(policy(mrs, cid, "PUT", rules=[dict(RULE, trigger=dict(RULE["trigger"], evaluation_periods=289))])) == (400, "12000002")


def test_P8_legacy_v11_takes_the_loose_types_of_the_otc_example(mrs):
    """P8: OTC apis/auto_scaling_apis/configuring_an_auto_scaling_rule.rst 348-372 ("min_capacity": "1", "9:50",
    "active_master": "true") and 122 (s3a://)."""
    cid = create(mrs, task=2)["clusterId"]
    script = {"name": "before_scale_out", "uri": "s3a://XXX/zeppelin_install.sh", "parameters": "", "nodes": ["master", "core", "task"],
              "active_master": "true", "action_stage": "before_scale_out", "fail_action": "continue"}
    plan = {"period_type": "daily", "start_time": "9:50", "end_time": "10:20", "min_capacity": "2", "max_capacity": "3"}
    answer = policy(mrs, cid, version="v1.1", group="task_node_default_group", min_capacity="1", max_capacity="3",
                    resources_plans=[plan], exec_scripts=[script])
    assert answer.json() == {"result": "succeeded"}, answer.text
    shown = mrs.token_session().get(policy_url(mrs, cid), timeout=10).json()[0]["auto_scaling_policy"]
    assert (shown["min_capacity"], shown["resources_plans"][0]["min_capacity"], shown["exec_scripts"][0]["active_master"]) == (1, 2, True)


def test_P9_policies_only_on_task_groups_and_one_enabled_group_per_cluster(mrs):
    """P9: HWDOC https://support.huaweicloud.com/intl/en-us/eu-west-0-usermanual-mrs/mrs_01_24728.html (auto scaling is
    for Task nodes; the policies of different node groups are mutually exclusive, one enabled); OTC v1.1 (only
    task_node_default_group). The refusal is 12000002 (the only code documented on these routes; unconfirmed)."""
    cid = create(mrs, type="mixed", task=1)["clusterId"]
    for group in ("core_node_analysis_group", "master_node_default_group"):
        assert code(policy(mrs, cid, group=group)) == (400, "12000002"), group
        assert code(policy(mrs, cid, group=group, auto_scaling_enable=False)) == (400, "12000002"), group
    assert policy(mrs, cid, group="task_node_analysis_group").ok
    second = policy(mrs, cid, group="task_node_streaming_group")
    assert code(second) == (400, "12000002") and "task_node_analysis_group" in second.json()["error_msg"]
    assert policy(mrs, cid, group="task_node_streaming_group", auto_scaling_enable=False).ok  # a disabled one may exist
    assert code(policy(mrs, cid, "PUT", group="task_node_streaming_group")) == (400, "12000002")
    assert code(policy(mrs, cid, version="v1.1", group="task_node_streaming_group")) == (400, "12000002")
    assert policy(mrs, cid, "PUT", group="task_node_analysis_group", auto_scaling_enable=False).ok
    assert policy(mrs, cid, "PUT", group="task_node_streaming_group").ok
    custom = create(mrs, type="custom", task=1)["clusterId"]
    assert code(policy(mrs, custom, group="node_group_1")) == (400, "12000002") and policy(mrs, custom, group="node_group_2").ok


def test_P10_policy_not_found_is_mrs_00005016_at_400(mrs):
    """P10: TF …scaling_policy_v2.go 27-28, 519 (MRS.00005016 = not found)."""
    cid = create(mrs, task=2)["clusterId"]
    assert code(policy(mrs, cid, "PUT")) == (400, "MRS.00005016")


def test_P11_a_manual_resize_under_an_enabled_policy_is_12000124(mrs):
    """P11: OTC appendix/error_code.rst 153 (12000124)."""
    cid = create(mrs, task=2)["clusterId"]
    policy(mrs, cid)
    assert code(v2(mrs, cid, "expand", {"node_group_name": "task_node_analysis_group", "count": 1})) == (400, "12000124")


def test_P12_policies_scale_only_through_the_policy_actions_route(mrs):
    """P12 (not modelled): metrics and clock-driven plans are service-side; POST /_emulator/clusters/{id}/policy-actions
    fires a rule, clamped to min/max."""
    cid = create(mrs, task=2, scale_seconds=0)["clusterId"]
    policy(mrs, cid, min_capacity=1, max_capacity=3)
    time.sleep(0.2)
    assert mrs.cluster(cid)["clusterState"] == "running" and counts(mrs.cluster(cid))["task_node_analysis_group"] == 2
    fired = mrs.control("POST", "clusters/%s/policy-actions" % cid, {"node_group": "task_node_analysis_group", "adjustment": 5})
    assert fired["policy_action"]["to"] == 3


# -- 6. state transitions and errors -------------------------------------------------------------------------------------

def test_S1_an_accepted_scale_steps_through_the_stages(mrs):
    """S1: PYSDK v1/model/cluster.py 174 (stageDesc values, in order); back to running with the counts."""
    stages = ["Preparing for cluster expansion", "Creating VM", "Initializing VM", "Adding node to the cluster"]
    cid = create(mrs, scale_seconds=1.2)["clusterId"]
    assert resize(mrs, cid, scale_type="scale_out").ok
    seen, deadline = [], time.monotonic() + 30
    while time.monotonic() < deadline:
        view = mrs.cluster(cid)
        if view["clusterState"] == "running":
            break
        assert (view["clusterState"], view["scale"]) == ("scaling-out", "scaling-out")
        if not seen or seen[-1] != view["stageDesc"]:
            seen.append(view["stageDesc"])
        time.sleep(0.05)
    assert seen and seen == sorted(seen, key=stages.index)  # documented stages, in their order
    assert (view["coreNodeNum"], view["scale"], view["stageDesc"]) == ("4", "", None)


@pytest.mark.parametrize("outcome,state,scale", [("failed", "failed", ""), ("abnormal", "abnormal", ""),
                                                 ("scaling-error", "running", "scaling-error")])
def test_S2_a_failed_scale_ends_failed_abnormal_or_scaling_error(mrs, outcome, state, scale):
    """S2: TF common.go 68-73 (failed = error, abnormal = done); PYSDK cluster.py 290 (scale: scaling-error)."""
    cid = create(mrs, scale_seconds=0)["clusterId"]
    mrs.patch_cluster(cid, fail_next_scale=outcome)
    assert resize(mrs, cid, scale_type="scale_out").ok
    view = mrs.wait_until_idle(cid)
    assert (view["clusterState"], view["scale"], view["coreNodeNum"]) == (state, scale, "3")


@pytest.mark.parametrize("kind", ["scale_out", "scale_in"])
def test_S3_a_scale_that_ends_partly_applied(mrs, kind):
    """S3: a scale that ends abnormal with some of its nodes added (or removed), through the new optional PATCH field
    fail_next_scale_applied (shared/spec/emulator.md, "Fidelity")."""
    cid = create(mrs, core=6, scale_seconds=0)["clusterId"]
    mrs.patch_cluster(cid, fail_next_scale="abnormal", fail_next_scale_applied=2)
    assert resize(mrs, cid, scale_type=kind, instances="3").ok
    view = mrs.wait_until_idle(cid)
    assert (view["clusterState"], view["coreNodeNum"]) == ("abnormal", "8" if kind == "scale_out" else "4")
    assert mrs.cluster_control(cid)["emulator"]["fail_next_scale_applied"] == 0  # used once
    assert mrs.session.patch(mrs.url + "/_emulator/clusters/" + cid, json={"fail_next_scale_applied": -1}, timeout=10).status_code == 400


def test_S4_not_running_is_12000017_busy_is_12000018(mrs):
    """S4: OTC resizing_a_cluster.rst 339 (12000017, 12000018)."""
    cid = create(mrs, scale_seconds=5)["clusterId"]
    assert resize(mrs, cid, scale_type="scale_out").ok
    assert code(resize(mrs, cid, scale_type="scale_out")) == (400, "12000018")
    frozen = create(mrs, state="frozen")["clusterId"]
    assert code(resize(mrs, frozen, scale_type="scale_out")) == (400, "12000017")


def test_S5_error_bodies_and_an_unknown_cluster_is_400_12000003(mrs):
    """S5: OTC calling_apis/response.rst ({error_code, error_msg}); TF common.go 17 (400 12000003 = gone)."""
    answer = mrs.token_session().get(mrs.cluster_url("no-such-cluster"), timeout=10)
    assert code(answer) == (400, "12000003") and set(answer.json()) == {"error_code", "error_msg"}
    assert answer.headers["X-Request-Id"]


# -- 7. not modelled before: quota, busy, version, IAM -------------------------------------------------------------------

@pytest.mark.parametrize("error_code,fragment", [
    ("12000030", "number of nodes"), ("12000031", "vCPUs"), ("12000032", "memory"), ("12000033", "number of disks"),
    ("12000034", "disk capacity"), ("12000234", "Insufficient resources for the flavor"), ("MRS.101", "quota is insufficient"),
    ("MRS.104", "Insufficient resources"), ("MRS.105", "IP addresses"), ("MRS.201", "ECS error")])
def test_NM1_quota_resource_and_ecs_failures_with_their_documented_message(mrs, error_code, fragment):
    """NM1: RESIZE and OTC resizing_a_cluster.rst Table 8 (12000030-34, MRS.101/104/105/201), OTC appendix (12000234),
    TF issue #1290 (MRS.201 with Ecs.0005). Caused by the request on the cloud; here a fault names only the code."""
    cid = create(mrs)["clusterId"]
    mrs.add_fault(method="PUT", path="cluster_infos", error_code=error_code)
    answer = resize(mrs, cid, scale_type="scale_out")
    assert code(answer) == (400, error_code) and fragment in answer.json()["error_msg"]
    assert mrs.cluster(cid)["clusterState"] == "running"


def test_NM2_busy_refusals(mrs):
    """NM2: RESIZE 12000068 ("The status of some nodes is not running", modelled: a node not started); OTC appendix
    12000125 (task_node_info during a scale, modelled); 12000012, 12000080, 12000082 by fault with their messages."""
    cid = create(mrs, core=3, scale_seconds=5)["clusterId"]
    mrs.patch_cluster(cid, node_states={mrs.hosts(cid)[-1]["id"]: "unknown"})
    assert code(resize(mrs, cid, scale_type="scale_out")) == (400, "12000068")
    mrs.patch_cluster(cid, node_states={mrs.hosts(cid)[-1]["id"]: "started"})
    assert resize(mrs, cid, scale_type="scale_out").ok
    info = {"node_size": "c6.2xlarge.4.linux.bigdata"}
    assert code(resize(mrs, cid, scale_type="scale_out", node_group="task_node_default_group", task_node_info=info)) == (400, "12000125")
    for error_code, fragment in (("12000012", "Tasks are being executed"), ("12000080", "not running"), ("12000082", "Node groups")):
        mrs.add_fault(path="cluster_infos", error_code=error_code)
        answer = mrs.token_session().get(mrs.cluster_url(cid), timeout=10)
        assert code(answer) == (400, error_code) and fragment in answer.json()["error_msg"]


def test_NM3_frozen_clusters_and_the_ak_lockout(mrs):
    """NM3 (not modelled as an account state): a frozen cluster refuses scaling (12000017); the AK lockout after five
    failed signatures ("AK access failed to reach the limit,forbidden.", OTC apig-faq-0003) only as a fault."""
    cid = create(mrs, state="frozen")["clusterId"]
    assert code(resize(mrs, cid, scale_type="scale_out")) == (400, "12000017")
    locked = "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden."
    mrs.add_fault(status=401, error_code="APIGW.0301", error_msg=locked)
    answer = mrs.token_session().get(mrs.cluster_url(cid), timeout=10)
    assert code(answer) == (401, "APIGW.0301") and answer.json()["error_msg"] == locked


def test_NM4_version_limits_of_the_v11_flags(mrs):
    """NM4: RESIZE and OTC resizing_a_cluster.rst (skip_bootstrap_scripts and scale_without_start: "MRS 1.7.2 or later";
    12000067 "...version is too early"). Asking for either on an older cluster is refused; false is what it does."""
    old = create(mrs, version="MRS 1.7.1")["clusterId"]
    for flag in ("skip_bootstrap_scripts", "scale_without_start"):
        answer = resize(mrs, old, scale_type="scale_out", **{flag: True})
        assert code(answer) == (400, "12000067") and "1.7.2" in answer.json()["error_msg"]
    assert resize(mrs, old, scale_type="scale_out", scale_without_start=False).ok
    assert resize(mrs, create(mrs, version="MRS 1.7.2")["clusterId"], scale_type="scale_out", skip_bootstrap_scripts=True).ok


def test_NM5_iam_403_apigw_0302(sdk, mrs):
    """NM5: the API gateway's 403 APIGW.0302 "The IAM user is not authorized to access the API." (by fault)."""
    from sdk_oracle import build  # pylint: disable=import-outside-toplevel
    cid = create(mrs)["clusterId"]
    mrs.add_fault(error_code="APIGW.0302")
    with pytest.raises(sdk.ClientRequestException) as caught:
        build(sdk, sdk.v1, mrs).show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id=cid))
    assert (caught.value.status_code, caught.value.error_code, caught.value.error_msg) == (
        403, "APIGW.0302", "The IAM user is not authorized to access the API.")
    assert caught.value.request_id == mrs.requests_log()[-1]["request_id"]


def test_the_state_file_of_an_older_emulator_keeps_its_clusters(tmp_path):
    """A state file written before node states and partial scales (format 2 without those fields) still loads."""
    state = tmp_path / "state.json"
    with start_emulator(scale_seconds=0, state=state) as emu:
        cid = emu.create_cluster(name="old", accept_delay=0)["clusterId"]
    text = state.read_text(encoding="utf-8")
    state.write_text(re.sub(r',\s*"state": "started"', "", text).replace('"fail_next_scale_applied": 0,', ""), encoding="utf-8")
    with start_emulator(scale_seconds=0, state=state) as emu:
        assert emu.hosts(cid)[0]["status"] == "ACTIVE" and emu.cluster_control(cid)["emulator"]["fail_next_scale_applied"] == 0
