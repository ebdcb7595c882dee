"""The pure logic of the hwcloud.mrs.mrs inventory plugin: options, cluster selection, host records, names, groups."""

import pytest

from ansible_collections.hwcloud.mrs.plugins.inventory import mrs
from ansible_collections.hwcloud.mrs.plugins.inventory.mrs import InventoryError

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
    listed = [CLUSTER, dict(CLUSTER, clusterId="c-2", clusterName="old", clusterState="terminated"), "garbage", {"clusterName": "no id"}]
    assert mrs.select_clusters(listed, [], ["running"]) == ([CLUSTER], [], [])
    chosen, warnings, missing = mrs.select_clusters(listed, ["c-1", "analytics prod", "old", "typo"], ["running"])
    assert chosen == [CLUSTER] and missing == ["typo"]
    assert len(warnings) == 1 and "old (c-2) is terminated" in warnings[0]


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
    garbled_node = node("n1", server_info="trimmed", node_type=None, component_infos=[None, {"role_name": ""}, {"role_name": "DataNode"}])
    odd = mrs.host_records({"cluster": dict(CLUSTER, tags=None), "hosts": [garbled_host], "nodes": [garbled_node]})
    record = odd[0]
    assert "mrs_cpu" not in record and "mrs_memory_mb" not in record and "mrs_disk_gb" not in record
    assert record["mrs_kind"] == "core" and record["mrs_roles"] == ["DataNode"] and record["mrs_cluster_tags"] == {}


@pytest.mark.parametrize("value, expected", [("8", 8), (8, 8), ("16384.0", 16384), (" 3 ", 3), ("2.5", None), ("inf", None),
                                             ("nan", None), (None, None), (True, None), ([], None), ("1e400", None)])
def test_numbers(value, expected):
    assert mrs._int(value) == expected  # pylint: disable=protected-access


@pytest.mark.parametrize("host_type, group, kind", [("Master", "", "master"), ("Streaming_Core", "", "core"), ("Analysis_Task", "", "task"),
                                                    ("Core", "", "core"), ("GPU", "", "custom"), (None, "task_node_x", "task"),
                                                    (None, "node_group_1", "custom"), ("Coreish", "", "custom")])
def test_kind(host_type, group, kind):
    assert mrs.kind_of(host_type, group) == kind


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
    record = {"mrs_cluster_name": "analytics prod-1", "mrs_node_group": "core.group", "mrs_roles": ["NodeManager", "Data-Node"]}
    assert mrs.default_group_names(record) == ["mrs_analytics_prod_1", "mrs_analytics_prod_1_core_group", "mrs_analytics_prod_1_NodeManager",
                                               "mrs_analytics_prod_1_Data_Node"]
    assert mrs.parse_tags_text("a=1, b = 2,,c") == {"a": "1", "b": "2", "c": ""}
    assert mrs.parse_tags_text({"k": "v"}) == {"k": "v"} and mrs.parse_tags_text(5) == {}
