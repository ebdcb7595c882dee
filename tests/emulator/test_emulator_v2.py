"""Cluster types, named node groups and the v2 routes (expand, shrink, nodes), with the vendor SDK's v2 client as the oracle.

The SDK (huaweicloudsdkmrs 3.1.219) v2 MrsClient drives expand, shrink and list_nodes on all four cluster types and the
v1 client shows the details (v2 has no details call); raw HTTP covers the refusals, accept_delay, orders and paging.

Clusters here are created with accept_delay=0: these tests watch the state machine and the rules, not the
delay before an accepted scale shows (that default has its own test in test_emulator_fidelity.py).
"""

import re
import time
import types

import pytest

from sdk_oracle import build

CUSTOM_GROUPS = [{"name": "master_node_default_group", "count": 3, "kind": "master"},
                 {"name": "node_group_1", "count": 3, "kind": "core"},
                 {"name": "hdfs_nodes", "count": 4, "kind": "core", "node_size": "c6.2xlarge.4.linux.bigdata"},
                 {"name": "compute_nodes", "count": 2, "kind": "task"}]
# (create fields, a group the SDK expands then shrinks, the details' group names, host types)
TYPES = {
    "analysis": ({"type": "analysis", "core": 3, "task": 2}, "task_node_analysis_group",
                 ["master_node_default_group", "core_node_analysis_group", "task_node_analysis_group"], {"Master", "Core", "Task"}, 0),
    "streaming": ({"type": "streaming", "core": 3, "task": 1}, "core_node_streaming_group",
                  ["master_node_default_group", "core_node_streaming_group", "task_node_streaming_group"],
                  {"Master", "Streaming_Core", "Streaming_Task"}, 1),
    "mixed": ({"type": "mixed", "core": 3, "task": 1}, "task_node_streaming_group",
              ["master_node_default_group", "core_node_analysis_group", "core_node_streaming_group", "task_node_analysis_group",
               "task_node_streaming_group"], {"Master", "Analysis_Core", "Streaming_Core", "Analysis_Task", "Streaming_Task"}, 2),
    "custom": ({"type": "custom", "node_groups": CUSTOM_GROUPS}, "hdfs_nodes",
               ["master_node_default_group", "node_group_1", "hdfs_nodes", "compute_nodes"], {"Master", "Core", "Task"}, 3),
}


@pytest.fixture(name="clients")
def clients_fixture(sdk, mrs):
    return types.SimpleNamespace(v1=build(sdk, sdk.v1, mrs), v2=build(sdk, sdk.v2, mrs))


def groups_of(view):
    return {group["GroupName"]: group["NodeNum"] for group in view["nodeGroups"]}


def v2_post(mrs, cluster_id, action, body, session=None):
    session = session or mrs.token_session()
    return session.post("%s/v2/%s/clusters/%s/%s" % (mrs.url, mrs.project_id, cluster_id, action), json=body, timeout=10)


def nodes_url(mrs, cluster_id):
    return "%s/v2/%s/clusters/%s/nodes" % (mrs.url, mrs.project_id, cluster_id)


def wait_idle(mrs, cluster_id):
    return mrs.wait_until_idle(cluster_id, timeout=15)


# -- the vendor SDK on every cluster type -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(TYPES))
def test_sdk_v2_expands_shrinks_and_lists_nodes_on_every_cluster_type(sdk, mrs, clients, kind):
    fields, group, names, host_types, cluster_type = TYPES[kind]
    created = mrs.create_cluster(accept_delay=0, name="c-" + kind, scale_seconds=0.2, **fields)
    cid = created["clusterId"]
    details = clients.v1.show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id=cid)).cluster
    assert details.cluster_type == cluster_type
    assert [item.group_name for item in details.node_groups] == names
    assert all(isinstance(item.node_num, int) for item in details.node_groups)
    assert {host["type"] for host in mrs.hosts(cid)} == host_types
    before = groups_of(created)[group]

    answer = clients.v2.expand_cluster(sdk.v2.ExpandClusterRequest(cluster_id=cid, body=sdk.v2.ExpandParam(
        node_group_name=group, count=2, skip_bootstrap_scripts=True, scale_without_start=False)))
    assert (answer.result, answer.order_id) == ("success", None)
    assert clients.v1.show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id=cid)).cluster.cluster_state == "scaling-out"
    view = wait_idle(mrs, cid)
    assert groups_of(view)[group] == before + 2 and view["clusterState"] == "running"
    added = [host for host in mrs.hosts(cid) if host["node_group_name"] == group][-2:]
    assert all(re.fullmatch(re.escape(cid) + "_" + group + r"[A-Za-z]{4}-\d{4}", host["name"]) for host in added)

    listed = clients.v2.list_nodes(sdk.v2.ListNodesRequest(cluster_id=cid, node_group=group, limit=100, offset=1,
                                                           query_node_detail=True))
    assert listed.node_total == before + 2 and len(listed.nodes) == before + 2
    node = listed.nodes[-1]
    assert (node.node_group_name, node.resource_id, node.server_info.internal_ip) == (group, added[-1]["resource_id"], added[-1]["ip"])
    assert node.node_status and node.component_infos and node.component_infos[0].role_name

    victim = listed.nodes[0].resource_id
    mrs.patch_cluster(cid, node_states={victim: "lost"})  # resource_ids take only nodes in an abnormal state
    answer = clients.v2.shrink_cluster(sdk.v2.ShrinkClusterRequest(cluster_id=cid, body=sdk.v2.ShrinkParam(
        node_group_name=group, resource_ids=[victim])))
    assert answer.result == "succeeded"
    assert clients.v1.show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id=cid)).cluster.cluster_state == "scaling-in"
    view = wait_idle(mrs, cid)
    assert groups_of(view)[group] == before + 1
    assert victim not in {host["resource_id"] for host in mrs.hosts(cid)}
    answer = clients.v2.shrink_cluster(sdk.v2.ShrinkClusterRequest(cluster_id=cid, body=sdk.v2.ShrinkParam(node_group_name=group, count=1)))
    assert groups_of(wait_idle(mrs, cid))[group] == before
    log = [entry for entry in mrs.requests_log() if entry["method"] == "POST"]
    assert [entry["body"] for entry in log] == [
        {"node_group_name": group, "count": 2, "skip_bootstrap_scripts": True, "scale_without_start": False},
        {"node_group_name": group, "resource_ids": [victim]}, {"node_group_name": group, "count": 1}]
    assert {entry["auth"] for entry in log} == {"signature"}


def test_sdk_v2_refusal_is_a_client_request_exception_with_the_code(sdk, mrs, clients):
    cid = mrs.create_cluster(accept_delay=0, name="custom", type="custom")["clusterId"]
    with pytest.raises(sdk.ClientRequestException) as caught:
        clients.v2.shrink_cluster(sdk.v2.ShrinkClusterRequest(cluster_id=cid, body=sdk.v2.ShrinkParam(node_group_name="node_group_1", count=1)))
    assert (caught.value.status_code, caught.value.error_code) == (400, "12000013")
    with pytest.raises(sdk.ClientRequestException) as caught:
        clients.v2.shrink_cluster(sdk.v2.ShrinkClusterRequest(cluster_id=cid, body=sdk.v2.ShrinkParam(
            node_group_name="master_node_default_group", count=1)))
    assert caught.value.error_code == "12000002"


def test_default_custom_cluster_has_the_groups_mrs_gives_it(mrs):
    view = mrs.create_cluster(accept_delay=0, name="custom", type="custom")
    assert [(group["GroupName"], group["NodeNum"]) for group in view["nodeGroups"]] == [
        ("master_node_default_group", 3), ("node_group_1", 3)]
    assert (view["clusterType"], view["masterNodeNum"], view["coreNodeNum"], view["taskNodeGroups"]) == (3, "3", "3", [])
    hosts = mrs.hosts(view["clusterId"])
    assert all(re.fullmatch(re.escape(view["clusterId"]) + r"_node_group_1[A-Za-z]{4}", host["name"])
               for host in hosts if host["node_group_name"] == "node_group_1")


def test_list_view_carries_the_node_groups_and_type(mrs):
    mrs.create_cluster(accept_delay=0, name="stream-1", type="streaming")
    body = mrs.token_session().get(mrs.cluster_url(), timeout=10).json()
    assert body["clusters"][0]["clusterType"] == 1
    assert [group["GroupName"] for group in body["clusters"][0]["nodeGroups"]] == ["master_node_default_group", "core_node_streaming_group"]


@pytest.mark.parametrize("fields,message", [
    ({"type": "hadoop"}, "type must be"),
    ({"node_groups": []}, "non-empty"),
    ({"node_groups": [{"name": "m", "count": 1, "kind": "master"}]}, "a master and a core group"),
    ({"node_groups": [{"name": "m", "count": 1, "kind": "master"}, {"name": "m", "count": 3, "kind": "core"}]}, "unique"),
    ({"node_groups": [{"name": "m", "count": 1, "kind": "master"}, {"name": "c", "count": 3, "kind": "edge"}]}, "kind"),
    ({"node_groups": [{"name": "m", "count": 1, "kind": "master"}, {"name": "bad name", "count": 3, "kind": "core"}]}, "name"),
    ({"node_groups": [{"name": "m", "count": 1, "kind": "master"}, {"name": "c", "count": -1, "kind": "core"}]}, "count"),
    ({"node_groups": [{"name": "m", "count": 1, "kind": "master"}, {"name": "c", "count": 3, "kind": "core", "extra": 1}]}, "object"),
    ({"node_groups": CUSTOM_GROUPS, "core": 4}, "replaces"),
    ({"accept_delay": -1}, "accept_delay"),
    ({"tags": ["a"]}, "tags"),
])
def test_create_refuses_bad_types_and_groups(mrs, fields, message):
    response = mrs.session.post(mrs.url + "/_emulator/clusters", json=dict(fields, name="x"), timeout=10)
    assert response.status_code == 400 and message in response.json()["error"]


# -- v2 refusals -------------------------------------------------------------------------------------------------------

REFUSED = [
    ("no group", "expand", {"count": 1}, "12000002"),
    ("group not a string", "expand", {"node_group_name": 5, "count": 1}, "12000002"),
    ("group too long", "expand", {"node_group_name": "g" * 65, "count": 1}, "12000002"),
    ("unknown group", "expand", {"node_group_name": "gpu_nodes", "count": 1}, "12000002"),
    ("count 0", "expand", {"node_group_name": "node_group_1", "count": 0}, "12000002"),
    ("count as string", "expand", {"node_group_name": "node_group_1", "count": "1"}, "12000002"),
    ("count a bool", "expand", {"node_group_name": "node_group_1", "count": True}, "12000002"),
    ("flag as string", "expand", {"node_group_name": "node_group_1", "count": 1, "scale_without_start": "true"}, "12000002"),
    ("unknown field", "expand", {"node_group_name": "node_group_1", "count": 1, "instances": 1}, "12000002"),
    ("over 500", "expand", {"node_group_name": "compute_nodes", "count": 492}, "12000028"),
    ("core below 3", "shrink", {"node_group_name": "node_group_1", "count": 1}, "12000013"),
    ("more than the task group has", "shrink", {"node_group_name": "compute_nodes", "count": 3}, "12000013"),
    ("no count or ids", "shrink", {"node_group_name": "compute_nodes"}, "12000002"),
    ("ids not a list", "shrink", {"node_group_name": "compute_nodes", "resource_ids": "abc"}, "12000002"),
    ("unknown resource id", "shrink", {"node_group_name": "compute_nodes", "resource_ids": ["nope"]}, "12000013"),
    ("count and ids disagree", "shrink", {"node_group_name": "compute_nodes", "count": 2, "resource_ids": ["x"]}, "12000002"),
    ("master shrink", "shrink", {"node_group_name": "master_node_default_group", "count": 1}, "12000002"),
]


@pytest.mark.parametrize("action,body,code", [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_v2_refusal_answers_400_with_its_code_and_changes_nothing(mrs, action, body, code):
    view = mrs.create_cluster(accept_delay=0, name="custom", type="custom", node_groups=CUSTOM_GROUPS)
    response = v2_post(mrs, view["clusterId"], action, body)
    assert (response.status_code, response.json()["error_code"]) == (400, code), response.text
    after = mrs.cluster(view["clusterId"])
    assert (after["clusterState"], groups_of(after)) == ("running", groups_of(view))


def test_v2_refuses_a_busy_or_unknown_cluster(mrs):
    cid = mrs.create_cluster(accept_delay=0, name="a", core=3, task=1, scale_seconds=5)["clusterId"]
    body = {"node_group_name": "task_node_analysis_group", "count": 1}
    assert v2_post(mrs, cid, "expand", body).status_code == 200
    assert v2_post(mrs, cid, "expand", body).json()["error_code"] == "12000018"
    mrs.patch_cluster(cid, state="abnormal")
    assert v2_post(mrs, cid, "shrink", body).json()["error_code"] == "12000017"
    assert v2_post(mrs, "no-such-cluster", "expand", body).json()["error_code"] == "12000003"
    response = mrs.session.post("%s/v2/%s/clusters/%s/expand" % (mrs.url, mrs.project_id, cid), json=body, timeout=10)
    assert (response.status_code, response.json()["error_code"]) == (401, "APIGW.0301")  # unsigned


def test_v2_failure_outcome_and_faults_as_for_v11(mrs):
    cid = mrs.create_cluster(accept_delay=0, name="a", type="streaming", scale_seconds=0.1)["clusterId"]
    mrs.patch_cluster(cid, fail_next_scale="abnormal")
    assert v2_post(mrs, cid, "expand", {"node_group_name": "core_node_streaming_group", "count": 1}).status_code == 200
    view = wait_idle(mrs, cid)
    assert (view["clusterState"], view["stageDesc"], groups_of(view)["core_node_streaming_group"]) == (
        "abnormal", "Cluster expansion failed", 3)
    mrs.patch_cluster(cid, state="running")
    mrs.add_fault(method="POST", path="/expand$", reset="after")
    mrs.clear_requests()
    with pytest.raises(Exception):
        v2_post(mrs, cid, "expand", {"node_group_name": "core_node_streaming_group", "count": 2})
    assert groups_of(wait_idle(mrs, cid))["core_node_streaming_group"] == 5  # applied, answer dropped
    (entry,) = mrs.requests_log()
    assert (entry["fault"], entry["status"], entry["body"]["count"]) == ("reset-after", 200, 2)


# -- accept_delay ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("route", ["v1.1", "v2"])
def test_accept_delay_keeps_the_cluster_running_with_old_counts(mrs, route):
    cid = mrs.create_cluster(name="slow", core=3, accept_delay=0.6, scale_seconds=0.3)["clusterId"]
    started = time.monotonic()
    if route == "v2":
        response = v2_post(mrs, cid, "expand", {"node_group_name": "core_node_analysis_group", "count": 2})
    else:
        response = mrs.token_session().put(mrs.cluster_url(cid), json={"parameters": {
            "scale_type": "scale_out", "node_id": "node_orderadd", "instances": "2"}}, timeout=10)
    assert response.status_code == 200
    view = mrs.cluster(cid)
    assert (view["clusterState"], view["scale"], view["coreNodeNum"]) == ("running", "", "3")  # a tool must not stop here
    assert v2_post(mrs, cid, "expand", {"node_group_name": "core_node_analysis_group", "count": 1}).json()["error_code"] == "12000018"
    seen = set()
    while time.monotonic() - started < 5:
        view = mrs.cluster(cid)
        seen.add(view["clusterState"])
        if view["coreNodeNum"] == "5":
            break
        time.sleep(0.03)
    assert view["coreNodeNum"] == "5" and "scaling-out" in seen and time.monotonic() - started >= 0.85


def test_accept_delay_can_be_patched_and_is_shown(mrs):
    cid = mrs.create_cluster(accept_delay=0, name="slow")["clusterId"]
    mrs.patch_cluster(cid, accept_delay=2)
    assert mrs.cluster_control(cid)["emulator"]["accept_delay"] == 2.0
    response = mrs.session.patch(mrs.url + "/_emulator/clusters/" + cid, json={"accept_delay": "2"}, timeout=10)
    assert response.status_code == 400


# -- prepaid groups and orders -----------------------------------------------------------------------------------------

def test_prepaid_expand_answers_an_order_and_nodes_come_after_payment(mrs):
    view = mrs.create_cluster(accept_delay=0, name="prepaid", billing_type="Yearly/Monthly", core=3, task=1, scale_seconds=0.1)
    cid = view["clusterId"]
    answer = v2_post(mrs, cid, "expand", {"node_group_name": "core_node_analysis_group", "count": 2})
    assert answer.status_code == 200 and answer.json()["result"] == "succeeded"
    order_id = answer.json()["order_id"]
    time.sleep(0.3)
    assert mrs.cluster(cid)["coreNodeNum"] == "3"  # nothing happens before payment
    # The unpaid order blocks every scale-out of the cluster (12000121), Task groups too; prepaid nodes are not removed
    # by a shrink.
    for group in ("core_node_analysis_group", "task_node_analysis_group"):
        assert v2_post(mrs, cid, "expand", {"node_group_name": group, "count": 1}).json()["error_code"] == "12000121"
    assert v2_post(mrs, cid, "shrink", {"node_group_name": "core_node_analysis_group", "count": 1}).json()["error_code"] == "12000065"
    paid = mrs.pay_order(order_id)
    assert paid["order"]["paid"] and paid["cluster"]["clusterState"] == "scaling-out"
    assert wait_idle(mrs, cid)["coreNodeNum"] == "5"
    # Task groups are never prepaid: once the order is paid they expand at once, without an order.
    assert v2_post(mrs, cid, "expand", {"node_group_name": "task_node_analysis_group", "count": 1}).json() == {"result": "success"}
    wait_idle(mrs, cid)
    response = mrs.session.post(mrs.url + "/_emulator/orders/%s/pay" % order_id, timeout=10)
    assert response.status_code == 409
    assert mrs.session.post(mrs.url + "/_emulator/orders/nope/pay", timeout=10).status_code == 404
    nodes = mrs.token_session().get(nodes_url(mrs, cid), params={"limit": 100}, timeout=10).json()["nodes"]
    assert {node["node_group_name"]: node["billing_type"] for node in nodes} == {
        "master_node_default_group": "on-period", "core_node_analysis_group": "on-period", "task_node_analysis_group": "on-quantity"}


# -- the node list -----------------------------------------------------------------------------------------------------

def test_large_cluster_pages_through_every_node(mrs):
    cid = mrs.create_cluster(accept_delay=0, name="big", core=300, task=150)["clusterId"]
    session = mrs.token_session()
    seen, page = [], 1
    while True:
        body = session.get(nodes_url(mrs, cid), params={"limit": 100, "offset": page}, timeout=10).json()
        assert body["node_total"] == 452
        if not body["nodes"]:
            break
        seen += [node["resource_id"] for node in body["nodes"]]
        page += 1
    assert len(seen) == len(set(seen)) == 452 and page == 6
    first = session.get(nodes_url(mrs, cid), timeout=10).json()
    assert len(first["nodes"]) == 10 and first["nodes"][0]["node_group_name"] == "master_node_default_group"
    hosts = session.get(mrs.hosts_url(cid), params={"pageSize": 500}, timeout=10).json()
    assert hosts["total"] == 452 and len(hosts["hosts"]) == 452
    task = session.get(nodes_url(mrs, cid), params={"node_group": "task_node_analysis_group", "limit": 1000}, timeout=10).json()
    assert task["node_total"] == 150 and {node["node_type"] for node in task["nodes"]} == {"Task"}


def test_node_list_filters_and_refusals(mrs):
    cid = mrs.create_cluster(accept_delay=0, name="n", core=3, task=2)["clusterId"]
    session = mrs.token_session()
    hosts = mrs.hosts(cid)
    one = session.get(nodes_url(mrs, cid), params={"internal_ip": hosts[2]["ip"]}, timeout=10).json()
    assert [node["node_name"] for node in one["nodes"]] == [hosts[2]["name"]]
    named = session.get(nodes_url(mrs, cid), params={"node_name": "_node_task_"}, timeout=10).json()
    assert named["node_total"] == 2
    ordered = session.get(nodes_url(mrs, cid), params={"sort_key": "node_name", "sort_dir": "desc"}, timeout=10).json()
    assert [node["node_name"] for node in ordered["nodes"]] == sorted((host["name"] for host in hosts), reverse=True)
    detail = session.get(nodes_url(mrs, cid), params={"query_node_detail": "true"}, timeout=10).json()
    assert all("node_detail" in node for node in detail["nodes"])
    for params in ({"limit": "0"}, {"limit": "x"}, {"offset": "-1"}, {"sort_dir": "up"}, {"query_node_detail": "yes"}):
        response = session.get(nodes_url(mrs, cid), params=params, timeout=10)
        assert (response.status_code, response.json()["error_code"]) == (400, "12000002"), params


# -- list filters ------------------------------------------------------------------------------------------------------

def test_list_filters_by_tags_and_enterprise_project(mrs):
    mrs.create_cluster(accept_delay=0, name="a", tags={"env": "prod", "team": "data"}, enterprise_project_id="ep-1")
    mrs.create_cluster(accept_delay=0, name="b", tags={"env": "dev"})
    mrs.create_cluster(accept_delay=0, name="c")
    session = mrs.token_session()

    def names(**query):
        return [cluster["clusterName"] for cluster in session.get(mrs.cluster_url(), params=query, timeout=10).json()["clusters"]]

    assert names(tags="env*prod") == ["a"]
    assert names(tags="env") == ["b", "a"]
    assert names(tags="env*prod,team*data") == ["a"] and names(tags="env*prod,team*ops") == []
    assert names(enterpriseProjectId="ep-1") == ["a"] and names(enterpriseProjectId="0") == ["c", "b"]
    assert session.get(mrs.cluster_url(), params={"tags": ",x"}, timeout=10).status_code == 400
    first = mrs.control("GET", "clusters")["clusters"][0]["cluster"]
    assert (first["tags"], first["enterpriseProjectId"]) == ("env=prod,team=data", "ep-1")
