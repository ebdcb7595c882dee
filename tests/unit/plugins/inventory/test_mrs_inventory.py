"""The pure logic of the hwcloud.mrs.mrs inventory plugin: options, cluster selection, host records, names, groups."""

import json

import pytest

from mrs_emu.state import cluster_view, new_cluster_record, sorted_hosts  # tests/conftest.py puts emulator/ on sys.path
from mrs_emu.views import host_view, node_view

from ansible_collections.hwcloud.mrs.plugins.inventory import mrs
from ansible_collections.hwcloud.mrs.plugins.inventory.mrs import InventoryError
from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._hosts import parse_hosts

CLUSTER = {"clusterId": "c-1", "clusterName": "analytics prod", "clusterState": "running", "tags": "env=prod,team=data"}


def host(name, **extra):
    return dict({"id": "srv-" + name, "name": name, "ip": "10.0.0.%d" % len(name), "status": "ACTIVE", "resource_id": "res-" + name,
                 "flavor": "c6.2xlarge.4.linux.bigdata", "type": "Task", "mem": "32768", "cpu": "8", "root_volume_size": "480",
                 "data_volume_type": "SAS", "data_volume_size": 600, "data_volume_count": 2, "node_group_name": "task_node_analysis_group"},
                **extra)


def node(name, roles=("NodeManager",), **extra):
    return dict({"node_name": name, "resource_id": "res-" + name, "node_group_name": "task_node_analysis_group", "node_type": "Task",
                 "billing_type": "on-quantity", "node_status": "started",
                 "server_info": {"server_id": "srv-" + name, "internal_ip": "10.0.0.%d" % len(name), "cpu": "8", "mem": "32768",
                                 "data_volumes": [{"type": "SAS", "size": 600}], "root_volume": {"size": 480}},
                 "component_infos": [{"role_name": role, "service_name": "Yarn", "running_status": "Good"} for role in roles]}, **extra)


def test_check_options_refuses_what_cannot_work():
    assert mrs.check_options([], "cn-north-4", None, None, ["name"], {}) == ["cn-north-4"]
    assert mrs.check_options([], None, None, "https://x", ["name"], {}) == [None]
    assert mrs.check_options(["a", "b"], "c", None, None, ["name"], {"env": None}) == ["a", "b"]
    for args, message in ((["a", "a"], None, None, None, ["name"], {}), "regions: lists a region twice"), \
            ((["a", "b"], None, "p", None, ["name"], {}), "project_id:"), \
            ((["a", "b"], None, None, "https://x", ["name"], {}), "endpoint:"), \
            (([], "a", None, None, [], {}), "hostnames:"), \
            (([], "a", None, None, ["name"], {"k,x": "v"}), "tags:"), \
            (([], "a", None, None, ["name"], {"k": "v*w"}), "tags:"), \
            (([], "a", None, None, ["name"], {"": "v"}), "tags:"):
        with pytest.raises(InventoryError, match=message):
            mrs.check_options(*args)


def test_unknown_options_are_named():
    assert mrs.unknown_options({"plugin": 1, "clustres": 1, "ak": 1, "secret_key": 1, "keyed_groups": 1}) == ["clustres"]


def test_select_clusters_by_id_name_and_state():
    listed = [CLUSTER, dict(CLUSTER, clusterId="c-2", clusterName="old", clusterState="terminated")]
    assert mrs.select_clusters(listed, [], ["running"]) == ([CLUSTER], [], [])
    chosen, warnings, missing = mrs.select_clusters(listed, ["c-1", "analytics prod", "old", "typo"], ["running"])
    assert chosen == [CLUSTER] and missing == ["typo"]
    assert len(warnings) == 1 and "old (c-2) is terminated" in warnings[0]


@pytest.mark.parametrize("garbage", ["garbage", {"clusterName": "no id"}, {"clusterId": ""}, None])
def test_a_cluster_entry_without_its_id_is_never_left_out_silently(garbage):
    """#20 class 3: a list entry without clusterId silently dropped a cluster from the inventory."""
    with pytest.raises(InventoryError, match="the cluster list's entry 1 has no clusterId"):
        mrs.select_clusters([CLUSTER, garbage], [], ["running"])


def test_host_records_join_both_apis():
    entry = {"region": "r", "cluster": CLUSTER, "hosts": [host("n1"), host("n22")], "nodes": [node("n1"), node("only-v2", ("DataNode", "NodeManager"))]}
    records = mrs.host_records(entry)
    assert len(records) == 3
    first = records[0]
    assert first["ansible_host"] == "10.0.0.2" and first["mrs_cpu"] == 8 and first["mrs_memory_mb"] == 32768
    assert first["mrs_disk_gb"] == 480 + 2 * 600 and first["mrs_kind"] == "task" and first["mrs_cluster_tags"] == {"env": "prod", "team": "data"}
    assert first["mrs_roles"] == ["NodeManager"] and first["mrs_billing_type"] == "on-quantity"
    assert records[1]["mrs_components"] == [] and "mrs_billing_type" not in records[1]
    assert records[2]["mrs_name"] == "only-v2" and records[2]["mrs_roles"] == ["DataNode", "NodeManager"]
    assert records[2]["mrs_data_volume_count"] == 1 and records[2]["mrs_disk_gb"] == 1080


def test_garbled_answers_give_clear_errors_or_missing_values():
    with pytest.raises(InventoryError, match=r"cluster analytics prod \(c-1\): the hosts answer"):
        mrs.host_records({"cluster": CLUSTER, "hosts": ["x"], "nodes": []})
    with pytest.raises(InventoryError, match="nodes answer"):
        mrs.host_records({"cluster": CLUSTER, "hosts": [], "nodes": [None]})
    garbled_host = host("n1", cpu="eight", mem=True, data_volume_size="nan", type=None, node_group_name="core_node_x")
    quiet_node = node("n1", server_info=None, node_type=None, component_infos=[{"role_name": "DataNode"}])
    odd = mrs.host_records({"cluster": dict(CLUSTER, tags=None), "hosts": [garbled_host], "nodes": [quiet_node]})
    record = odd[0]
    assert "mrs_cpu" not in record and "mrs_memory_mb" not in record and "mrs_disk_gb" not in record
    assert record["mrs_kind"] == "core" and record["mrs_roles"] == ["DataNode"] and record["mrs_cluster_tags"] == {}


@pytest.mark.parametrize("garbled, field", [
    (dict(server_info="trimmed"), r"nodes\[0\]\.server_info: expected a JSON object"),
    (dict(component_infos=[None]), r"nodes\[0\]\.component_infos\[0\]: expected a JSON object"),
    (dict(component_infos=[{"role_name": ""}]), r"nodes\[0\]\.component_infos\[0\]\.role_name: missing or empty"),
    (dict(node_name=""), r"nodes\[0\]\.node_name: missing or empty"),
])
def test_a_garbled_node_list_is_refused_naming_the_field(garbled, field):
    """The node list is read by _nodes, as mrs_cluster_info include_nodes reads it: what it refuses, the inventory refuses."""
    with pytest.raises(InventoryError, match=r"cluster analytics prod \(c-1\): the nodes answer cannot be read: " + field):
        mrs.host_records({"cluster": CLUSTER, "hosts": [host("n1")], "nodes": [node("n1", **garbled)]})
    with pytest.raises(InventoryError, match=r"the hosts answer cannot be read: hosts\[0\]\.id: missing or empty"):
        mrs.host_records({"cluster": CLUSTER, "hosts": [host("n1", id="")], "nodes": []})


@pytest.mark.parametrize("value, expected", [("8", 8), (8, 8), (" 3 ", 3), ("2.5", None), ("inf", None), ("16384.0", None),
                                             ("nan", None), (None, None), (True, None), ([], None), ("1e400", None)])
def test_numbers(value, expected):
    """Sizes are read as the collection reads every count (as_whole_number); one that is not a whole number is absent."""
    (record,) = mrs.host_records({"cluster": CLUSTER, "hosts": [host("n1", cpu=value, mem=value)], "nodes": []})
    assert record.get("mrs_cpu") == expected and record.get("mrs_memory_mb") == expected
    (from_node,) = mrs.host_records({"cluster": CLUSTER, "hosts": [], "nodes": [node("n1", server_info={"cpu": value})]})
    assert from_node.get("mrs_cpu") == expected


KINDS = [("Master", "", "master"), ("Streaming_Core", "", "core"), ("Analysis_Task", "", "task"), ("Core", "", "core"),
         ("MasterNode", "", "master"), ("CoreNode", "", "core"), ("TaskNode", "", "task"),  # the API reference's spelling
         ("GPU", "", "custom"), (None, "task_node_x", "task"), (None, "node_group_1", "custom"),
         ("Core", "node_group_1", "core"), ("Custom", "node_group_1", "custom"), ("Task", "hdfs_nodes", "task"),
         ("CoreNode", "master_node_default_group", "master"), ("Task", "core_node_analysis_group", "core")]


@pytest.mark.parametrize("host_type, group, kind", KINDS)
def test_kind_is_the_role_mrs_cluster_info_gives_the_host(host_type, group, kind):
    """The node group's name decides (master_node_*, core_node_*, task_node_*), else the host type, else custom."""
    raw = host("n1", type=host_type, node_group_name=group)
    (record,) = mrs.host_records({"cluster": CLUSTER, "hosts": [raw], "nodes": []})
    assert record["mrs_kind"] == kind == parse_hosts([raw])[0].role
    (from_node,) = mrs.host_records({"cluster": CLUSTER, "hosts": [], "nodes": [node("n1", node_type=host_type, node_group_name=group)]})
    assert from_node["mrs_kind"] == kind
    joined = mrs.host_records({"cluster": CLUSTER, "hosts": [host("n1", type=None, node_group_name=None)],
                               "nodes": [node("n1", node_type=host_type, node_group_name=group)]})
    assert [record["mrs_kind"] for record in joined] == [kind]  # what the hosts answer lacks, the node list tells


def test_a_custom_cluster_keeps_its_group_names_and_components():
    custom = dict(CLUSTER, clusterName="lake")
    hosts = [host("m1", type="Master", node_group_name="master_node_default_group"),
             host("w1", type="Core", node_group_name="node_group_1"), host("w2", type="Core", node_group_name="node_group_1")]
    nodes = [node("m1", ("NameNode",), node_group_name="master_node_default_group"),
             node("w1", ("DataNode", "NodeManager"), node_group_name="node_group_1"),
             node("w2", ("DataNode", "NodeManager"), node_group_name="node_group_1", component_infos=None)]
    records = mrs.host_records({"cluster": custom, "hosts": hosts, "nodes": nodes})
    assert [(r["mrs_node_group"], r["mrs_kind"], r["mrs_roles"]) for r in records] == [
        ("master_node_default_group", "master", ["NameNode"]), ("node_group_1", "core", ["DataNode", "NodeManager"]),
        ("node_group_1", "core", [])]
    assert mrs.default_group_names(records[1], mrs.cluster_groups(records)["c-1"]) == [
        "mrs_lake", "mrs_lake_node_group_1", "mrs_lake_DataNode", "mrs_lake_NodeManager"]
    assert records[1]["mrs_components"][0] == {"role": "DataNode", "service": "Yarn", "status": "Good", "ha_status": None,
                                               "config_status": None}


def test_names_are_unique_and_follow_the_preference():
    records = [{"mrs_name": "a", "mrs_private_ip": "10.0.0.1", "mrs_resource_id": "r1"},
               {"mrs_name": "b", "mrs_private_ip": "10.0.0.1", "mrs_resource_id": "r2"},
               {"mrs_private_ip": "10.0.0.1", "mrs_resource_id": "r3"},
               {"mrs_name": "a", "mrs_private_ip": "10.0.0.1", "mrs_resource_id": "r4"}]
    names = [name for name, _record in mrs.assign_names(records, ["private_ip", "name"])]
    assert names == ["10.0.0.1", "b", "10.0.0.1_r3", "a"]
    with pytest.raises(InventoryError, match="none of the hostnames name"):
        mrs.assign_names([{"mrs_cluster_id": "c"}], ["name"])


def test_default_groups_are_sanitised():
    record = {"mrs_cluster_id": "c-1", "mrs_cluster_name": "analytics prod-1", "mrs_node_group": "core.group",
              "mrs_roles": ["NodeManager", "Data-Node"]}
    groups = mrs.cluster_groups([record])
    assert groups == {"c-1": "mrs_analytics_prod_1"}
    assert mrs.default_group_names(record, groups["c-1"]) == [
        "mrs_analytics_prod_1", "mrs_analytics_prod_1_core_group", "mrs_analytics_prod_1_NodeManager", "mrs_analytics_prod_1_Data_Node"]
    assert mrs.parse_tags_text("a=1, b = 2,,c") == {"a": "1", "b": "2", "c": ""}
    assert mrs.parse_tags_text({"k": "v"}) == {"k": "v"} and mrs.parse_tags_text(5) == {}


def member(cluster_id, name, group="core_node_analysis_group", roles=("DataNode",)):
    return {"mrs_cluster_id": cluster_id, "mrs_cluster_name": name, "mrs_node_group": group, "mrs_roles": list(roles)}


def groups_of(records):
    """{group: the clusters whose hosts it holds}, as the plugin builds them."""
    names = mrs.cluster_groups(records)
    holds = {}
    for record in records:
        for group in mrs.default_group_names(record, names[record["mrs_cluster_id"]]):
            holds.setdefault(group, set()).add(record["mrs_cluster_id"])
    return names, holds


@pytest.mark.parametrize("records, named", [
    # #20 class 8: 集群 and 数据 both became mrs___, one group holding both clusters' hosts
    ([member("4c5f-1", "集群"), member("9d2e-2", "数据")], {"4c5f-1": "mrs_4c5f_1", "9d2e-2": "mrs_9d2e_2"}),
    ([member("a-1", "etl-stream"), member("b-2", "etl stream"), member("c-3", "lake")],
     {"a-1": "mrs_a_1", "b-2": "mrs_b_2", "c-3": "mrs_lake"}),
    ([member("a-1", "analytics"), member("b-2", "analytics")], {"a-1": "mrs_a_1", "b-2": "mrs_b_2"}),  # one name, two regions
    # a cluster name plus a node group spelling another cluster's group: mrs_a_b_c would hold both
    ([member("x-1", "a", group="b_c"), member("y-2", "a_b", group="c")], {"x-1": "mrs_x_1", "y-2": "mrs_y_2"}),
    ([member("x-1", "analytics"), member("y-2", "analytics_DataNode", group="g")], {"x-1": "mrs_x_1", "y-2": "mrs_y_2"}),
    ([member("x-1", "analytics"), member("y-2", "analytics-prod")], {"x-1": "mrs_analytics", "y-2": "mrs_analytics_prod"}),
    ([member("x-1", "")], {"x-1": "mrs_x_1"}),
])
def test_a_group_that_names_one_cluster_holds_that_clusters_hosts_only(records, named):
    names, holds = groups_of(records)
    assert names == named
    assert all(len(clusters) == 1 for clusters in holds.values()), holds


def test_clusters_whose_groups_meet_even_by_id_are_refused_naming_the_group():
    renamed, holds = groups_of([member("x", "dup"), member("w", "dup"), member("k", "x")])  # k's name is x's id
    assert renamed == {"x": "mrs_x", "w": "mrs_w", "k": "mrs_k"} and all(len(clusters) == 1 for clusters in holds.values())
    with pytest.raises(InventoryError, match="the default group mrs_a_b would hold the hosts of the clusters a-b, a_b, even named"):
        mrs.cluster_groups([member("a-b", "dup"), member("a_b", "dup")])


def test_kind_comes_from_the_cluster_answer_never_from_a_custom_groups_name():
    """A custom cluster's Core-kind group named task_node_hdfs: its hosts are not Task hosts, in the inventory
    (mrs_kind) and in mrs_cluster_info (hosts[].role) alike; a listed Task group is Task whatever its name."""
    groups = [{"name": "master_node_default_group", "count": 3, "kind": "master"},
              {"name": "task_node_hdfs", "count": 3, "kind": "core"}, {"name": "compute", "count": 2, "kind": "task"}]
    rec = new_cluster_record({"id": "c-1", "name": "lake", "type": "custom", "node_groups": groups},
                             {"project_id": "p", "scale_seconds": 1.0}, 1000.0, 1)
    answer = json.loads(json.dumps(cluster_view(rec, "cn-north-4", 1000.0)))
    kinds = parse_cluster(answer).group_kinds()
    hosts = json.loads(json.dumps([host_view(rec, item, "cn-north-4") for item in sorted_hosts(rec)]))
    nodes = json.loads(json.dumps([node_view(rec, item, detail=True) for item in sorted_hosts(rec)]))
    records = mrs.host_records({"cluster": dict(CLUSTER, clusterName="lake"), "kinds": kinds, "hosts": hosts, "nodes": nodes})
    shown = sorted(set((record["mrs_node_group"], record["mrs_kind"]) for record in records))
    assert shown == [("compute", "task"), ("master_node_default_group", "master"), ("task_node_hdfs", "core")]
    assert sorted(set((host.node_group, host.role) for host in parse_hosts(hosts, kinds))) == shown
    # without a type that names a kind, such a group's hosts stay custom: its name never makes them Task
    untyped = [dict(raw, type="Custom") for raw in hosts]
    assert set(host.role for host in parse_hosts(untyped, kinds) if host.node_group == "task_node_hdfs") == {"custom"}
    # a group the answer does not list, on a custom cluster: its host type, never its name
    (stray,) = parse_hosts([host("n1", type="Core", node_group_name="task_node_new")], kinds)
    assert stray.role == "core"
    # a node the hosts answer lacks takes the same reading from the node list
    (from_node,) = mrs.host_records({"cluster": CLUSTER, "kinds": kinds, "hosts": [],
                                     "nodes": [node("n1", node_type="Core", node_group_name="task_node_hdfs")]})
    assert from_node["mrs_kind"] == "core"
