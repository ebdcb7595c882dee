"""mrs_cluster_info through one real ansible-playbook run against the MRS emulator."""

import ast
import json
import os
from urllib.parse import parse_qs

import yaml

MODULE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      "plugins", "modules", "mrs_cluster_info.py")


def documented_return():
    """The RETURN block of the module, parsed."""
    with open(MODULE, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "RETURN" for target in node.targets):
            return yaml.safe_load(node.value.value)
    raise AssertionError("no RETURN in %s" % MODULE)


def test_reads_clusters_groups_and_hosts_as_documented(mrs, playbook, tmp_path):
    # 124 hosts (two pages of the host list) and, with the small clusters, 102 clusters (two pages of the cluster list)
    big = mrs.create_cluster(name="analytics", core=120, task=2, task_node_size="s3.xlarge.2.linux.bigdata")["clusterId"]
    old = mrs.create_cluster(name="analytics", core=3, state="terminated")["clusterId"]
    frozen = mrs.create_cluster(name="frozen", core=3, state="frozen")["clusterId"]
    small = [mrs.create_cluster(name="small-%03d" % index, core=3)["clusterId"] for index in range(99)]
    mrs.clear_requests()
    result_file = tmp_path / "result.json"

    run = playbook("info", cluster_id=big, cluster_name="analytics", result_file=str(result_file))

    assert run.rc == 0, run
    result = json.loads(result_file.read_text())
    contains = documented_return()["clusters"]["contains"]

    # one cluster by id: every documented key and no other, counts as integers
    (cluster,) = result["by_id"]["clusters"]
    assert result["by_id"]["changed"] is False
    assert sorted(cluster) == sorted(contains)
    assert {key: cluster[key] for key in ("id", "name", "state", "scale", "stage_desc", "billing_type", "version",
                                          "master_count", "core_count", "task_count")} == {
        "id": big, "name": "analytics", "state": "running", "scale": "", "stage_desc": None, "billing_type": "Metered",
        "version": "MRS 3.1.0", "master_count": 2, "core_count": 120, "task_count": 2}
    groups = {group["role"]: group for group in cluster["node_groups"]}
    assert sorted(groups) == ["core", "master", "task"]
    for group in cluster["node_groups"]:
        assert sorted(group) == sorted(contains["node_groups"]["contains"]), group
        assert isinstance(group["node_count"], int) and isinstance(group["data_volume_count"], int)
    assert (groups["master"]["node_count"], groups["core"]["node_count"], groups["task"]["node_count"]) == (2, 120, 2)
    assert groups["task"]["node_size"] == "s3.xlarge.2.linux.bigdata"

    # its hosts, across both pages of the host list
    emulated = {host["id"]: host for host in mrs.hosts(big)}
    assert len(cluster["hosts"]) == len(emulated) == 124
    for host in cluster["hosts"]:
        assert sorted(host) == sorted(contains["hosts"]["contains"]), host
        twin = emulated[host["id"]]
        assert (host["name"], host["ip"], host["type"]) == (twin["name"], twin["ip"], twin["type"])
        assert host["role"] == host["type"].lower() and host["status"] == "ACTIVE"
    # the name filter is exact and keeps terminated clusters (their state says so); check mode changes nothing
    assert sorted((found["id"], found["state"]) for found in result["by_name"]["clusters"]) == sorted(
        [(big, "running"), (old, "terminated")])
    assert "hosts" not in result["by_name"]["clusters"][0]
    # the state filter, and the whole list across its pages
    assert sorted(result["running"]) == sorted([big] + small)
    assert sorted(result["every"]) == sorted([big, old, frozen] + small) and result["every_changed"] is False
    list_path = "/v1.1/%s/cluster_infos" % mrs.project_id
    pages = [parse_qs(entry["query"]).get("currentPage") for entry in mrs.requests_log()
             if entry["method"] == "GET" and entry["path"] == list_path]
    assert ["1"] in pages and ["2"] in pages
    # a cluster that does not exist fails with the API's error code
    assert result["missing"]["failed"] is True and "12000003" in result["missing"]["msg"]
    # nothing but reads
    assert {entry["method"] for entry in mrs.requests_log()} == {"GET"}


def info_calls(playbook, tmp_path, calls):
    """Run mrs_cluster_info once per option dict of ``calls`` in one ansible-playbook run; the results in order."""
    result_file = tmp_path / "calls.json"
    run = playbook("info_calls", calls=calls, result_file=str(result_file))
    assert run.rc == 0, run
    results = json.loads(result_file.read_text())
    assert len(results) == len(calls)
    return results


def test_exactly_one_is_the_rule_mrs_cluster_nodes_applies(mrs, playbook, tmp_path):
    live = mrs.create_cluster(name="analytics", core=3)["clusterId"]
    old = mrs.create_cluster(name="analytics", core=3, state="terminated")["clusterId"]
    twins = [mrs.create_cluster(name="twin", core=3)["clusterId"], mrs.create_cluster(name="twin", core=3, state="frozen")["clusterId"]]
    mrs.create_cluster(name="analytics-dev", core=3)  # the list API matches names loosely; the rule does not
    mrs.create_cluster(name="gone", core=3, state="terminated")
    mrs.clear_requests()

    one, missing, gone_only, two, by_id, dead, no_selector, in_check_mode = info_calls(playbook, tmp_path, [
        dict(cluster_name="analytics", exactly_one=True), dict(cluster_name="no-such", exactly_one=True),
        dict(cluster_name="gone", exactly_one=True), dict(cluster_name="twin", exactly_one=True),
        dict(cluster_id=live, exactly_one=True), dict(cluster_id=old, exactly_one=True),
        dict(cluster_state="running", exactly_one=True), dict(cluster_name="twin", exactly_one=True, check_mode=True)])

    assert one.get("failed") is not True and [cluster["id"] for cluster in one["clusters"]] == [live]
    assert missing["failed"] and missing["parameter"] == "cluster_name"
    assert missing["msg"].startswith('cluster_name: no live cluster named "no-such" in project %s' % mrs.project_id)
    assert gone_only["failed"] and 'no live cluster named "gone"' in gone_only["msg"]
    prefix = 'cluster_name: more than one live cluster named "twin" in project %s (' % mrs.project_id
    assert two["failed"] and two["msg"].startswith(prefix) and two["msg"].endswith("); give cluster_id instead")
    assert sorted(two["msg"][len(prefix):-len("); give cluster_id instead")].split(", ")) == sorted(twins)
    assert in_check_mode["msg"] == two["msg"]
    assert by_id.get("failed") is not True and [cluster["id"] for cluster in by_id["clusters"]] == [live]
    assert dead["failed"] and dead["parameter"] == "cluster_id" and dead["msg"].startswith("cluster_id: cluster %s is terminated" % old)
    assert no_selector["failed"] and no_selector["msg"].startswith("exactly_one: needs cluster_id or cluster_name")
    assert {entry["method"] for entry in mrs.requests_log()} == {"GET"}
