"""mrs_cluster_info through one real ansible-playbook run against the MRS emulator."""

import ast
import json
import os
import re
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


def returned_keys(contains, *asked):
    """The documented keys of ``contains`` a run returns: those returned always, or when one of ``asked`` was set."""
    return sorted(key for key, doc in contains.items()
                  if "when O(" not in doc.get("returned", "") or any("O(%s=true)" % option in doc["returned"] for option in asked))


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
    assert sorted(cluster) == returned_keys(contains, "include_hosts")
    # billing: MRS's own code (Terraform documents 11 yearly/monthly, 12 pay-per-use) and its one reading
    assert {key: cluster[key] for key in ("id", "name", "state", "scale", "stage_desc", "billing_type", "billing_mode",
                                          "version", "master_count", "core_count", "task_count")} == {
        "id": big, "name": "analytics", "state": "running", "scale": "", "stage_desc": None, "billing_type": "12",
        "billing_mode": "pay_per_use", "version": "MRS 3.1.0", "master_count": 2, "core_count": 120, "task_count": 2}
    groups = {group["role"]: group for group in cluster["node_groups"]}
    assert sorted(groups) == ["core", "master", "task"]
    for group in cluster["node_groups"]:
        assert sorted(group) == returned_keys(contains["node_groups"]["contains"]), group
        assert group["kind"] == group["role"]
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
    # and nothing that was not asked for: no v2 node list, no policy read
    assert not [entry["path"] for entry in mrs.requests_log() if "/v2/" in entry["path"]]


def info_calls(playbook, tmp_path, calls, env=None):
    """Run mrs_cluster_info once per option dict of ``calls`` in one ansible-playbook run; the results in order."""
    result_file = tmp_path / "calls.json"
    run = playbook("info_calls", env=env, calls=calls, result_file=str(result_file))
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


def v2_reads(mrs):
    """The v2 node-list and policy requests the emulator has logged."""
    return [(entry["method"], entry["path"]) for entry in mrs.requests_log()
            if entry["path"].endswith("/nodes") or "/autoscaling-policy/" in entry["path"]]


def test_include_nodes_returns_every_node_with_its_components(mrs, playbook, tmp_path):
    big = mrs.create_cluster(name="nodes-big", core=110, task=3)["clusterId"]  # two pages of the node list
    small = mrs.create_cluster(name="nodes-small", core=3)["clusterId"]
    mrs.clear_requests()

    default, with_nodes, by_state = info_calls(playbook, tmp_path, [
        dict(cluster_id=big), dict(cluster_id=big, include_nodes=True), dict(cluster_state="running", include_nodes=True)])

    contains = documented_return()["clusters"]["contains"]
    assert "nodes" not in default["clusters"][0]
    (cluster,) = with_nodes["clusters"]
    assert sorted(cluster) == returned_keys(contains, "include_nodes")
    emulated = dict((host["id"], host) for host in mrs.hosts(big))
    assert len(cluster["nodes"]) == len(emulated) == 115
    groups = dict((group["name"], group) for group in cluster["node_groups"])
    for node in cluster["nodes"]:
        assert sorted(node) == sorted(contains["nodes"]["contains"]), node
        twin = emulated[node["server_id"]]
        assert (node["name"], node["ip"], node["status"]) == (twin["name"], twin["ip"], "started")
        assert node["resource_id"] and node["group"] in groups
        kind = groups[node["group"]]["kind"]
        assert node["components"] == {"master": ["NameNode", "ResourceManager", "quorumpeer"], "core": ["DataNode", "NodeManager"],
                                      "task": ["NodeManager"]}[kind], node
    per_group = dict((name, sum(1 for node in cluster["nodes"] if node["group"] == name)) for name in groups)
    assert per_group == dict((name, group["node_count"]) for name, group in groups.items())
    # one node list per cluster, each across its pages; the run without include_nodes read none
    node_lists = [path for method, path in v2_reads(mrs)]
    assert sorted(set(node_lists)) == sorted("/v2/%s/clusters/%s/nodes" % (mrs.project_id, cid) for cid in (big, small))
    assert len(node_lists) == 2 + 2 + 1  # big: 2 pages, twice; small: one page
    assert sorted(len(found["nodes"]) for found in by_state["clusters"]) == [5, 115]


def test_a_trimmed_or_garbled_node_list_fails_clearly(mrs, playbook, tmp_path):
    from adversarial_support import crashed
    from gateway import Gateway

    cid = mrs.create_cluster(name="nodes-garbled", core=3)["clusterId"]
    nodes_re = re.escape("/clusters/%s/nodes" % cid) + "$"
    scripts = [
        (dict(action="trim", fields=["nodes.*.node_name"]), ["nodes[0].node_name: missing or empty"]),
        (dict(action="trim", fields=["nodes.*.component_infos.*.role_name"]), ["nodes[0].component_infos[0].role_name"]),
        (dict(action="status", status=404, error_code="MRS.0011", error_msg="not here"),
         ["reading its v2 node list (include_nodes) failed", "MRS.0011"]),
        (dict(action="set", values={"nodes": {"node_name": "x"}}), ["/nodes", "'nodes' is not a list"]),
        (dict(action="set", values={"nodes": []}), ["/nodes", "0 distinct nodes were read in 1 page, but its total says 5"]),
        (dict(action="trim", fields=["node_total"]), ["/nodes", "no 'node_total'"]),
        (dict(action="junk", body="<html>502</html>", content_type="text/html"), ["/nodes", "not JSON"]),
        (dict(action="truncate"), ["/nodes", "not JSON"]),
    ]
    for script, words in scripts:
        with Gateway(mrs.url) as gateway:
            gateway.add("GET", nodes_re, times=None, **script)
            (result,) = info_calls(playbook, tmp_path, [dict(cluster_id=cid, include_nodes=True)],
                                   env=dict(HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url, HW_MAX_RETRIES="0"))
        assert result["failed"] is True and "clusters" not in result, (script, result)
        assert not crashed(result), (script, result)
        assert all(word in result["msg"] for word in words), (script, result["msg"])


POLICY_RULE = {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": 2,
               "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": 25, "comparison_operator": "LT",
                           "evaluation_periods": 3}}
POLICY_PLAN = {"start_time": "9:00", "end_time": "18:00", "min_capacity": 3, "max_capacity": 8, "effective_days": ["MONDAY"]}


def test_include_policies_shows_what_mrs_autoscaling_policy_created(mrs, playbook, tmp_path):
    # MRS takes policies on Task groups only: the Task group holds two, one per resource pool (the default pool's
    # disabled, the other pool's enabled, and sorted before it), the Core and Master groups none
    cid = mrs.create_cluster(name="policies-info", core=3, task=2)["clusterId"]
    bare = mrs.create_cluster(name="policies-none", core=3)["clusterId"]
    policies_file = tmp_path / "policies.json"
    created = playbook("autoscaling_policy", result_file=str(policies_file), policies=[
        dict(cluster_id=cid, node_group="task", enabled=False, min_capacity=1, max_capacity=10, rules=[POLICY_RULE],
             resources_plans=[POLICY_PLAN]),
        dict(cluster_id=cid, node_group="task", resource_pool_name="analytics", min_capacity=2, max_capacity=4, rules=[POLICY_RULE]),
    ])
    assert created.rc == 0, created
    held = json.loads(policies_file.read_text())
    assert not any(entry.get("failed") for entry in held) and all(entry["changed"] for entry in held), held
    mrs.clear_requests()

    plain, with_policies, none, in_check_mode = info_calls(playbook, tmp_path, [
        dict(cluster_id=cid), dict(cluster_id=cid, include_policies=True), dict(cluster_id=bare, include_policies=True),
        dict(cluster_id=cid, include_policies=True, check_mode=True)])

    assert all("policy" not in group for group in plain["clusters"][0]["node_groups"])
    contains = documented_return()["clusters"]["contains"]["node_groups"]["contains"]
    groups = dict((group["kind"], group) for group in with_policies["clusters"][0]["node_groups"])
    for group in groups.values():
        assert sorted(group) == returned_keys(contains, "include_policies"), group
        for summary in group["policies"]:
            assert sorted(summary) == sorted(contains["policy"]["contains"]), summary

    def summary(result, pool="default"):
        policy = result["policy"]
        return {"resource_pool": pool, "enabled": policy["auto_scaling_enable"], "min_capacity": policy["min_capacity"],
                "max_capacity": policy["max_capacity"], "rule_count": len(policy["rules"]),
                "plan_count": len(policy["resources_plans"])}

    default_created, pool_created = held
    expected = {"resource_pool": "default", "enabled": False, "min_capacity": 1, "max_capacity": 10, "rule_count": 1, "plan_count": 1}
    # two resource pools: `policy` is the default pool's (disabled, listed second), `policies` lists both by pool
    assert groups["task"]["policy"] == summary(default_created) == expected
    assert groups["task"]["policies"] == [summary(pool_created, "analytics"), groups["task"]["policy"]]
    assert groups["task"]["policies"][0]["enabled"] is True
    assert groups["core"]["policy"] is None and groups["core"]["policies"] == []
    assert groups["master"]["policy"] is None and groups["master"]["policies"] == []
    # "policy not found" is no policy; check mode reads as usual
    assert all(group["policy"] is None for group in none["clusters"][0]["node_groups"]) and not none.get("failed")
    assert in_check_mode["clusters"] == with_policies["clusters"]
    # one policy read per run that asked, none for the run that did not
    assert [path for method, path in v2_reads(mrs)] == ["/v2/%s/autoscaling-policy/%s" % (mrs.project_id, cluster)
                                                        for cluster in (cid, bare, cid)]


def test_a_node_answer_without_optional_fields_is_shown_as_null(mrs, playbook, tmp_path):
    from gateway import Gateway

    cid = mrs.create_cluster(name="nodes-trimmed", core=3)["clusterId"]
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", re.escape("/clusters/%s/nodes" % cid) + "$", "trim", times=None,
                    fields=["nodes.*.server_info", "nodes.*.component_infos", "nodes.*.node_status"])
        (result,) = info_calls(playbook, tmp_path, [dict(cluster_id=cid, include_nodes=True)],
                               env=dict(HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url))
    nodes = result["clusters"][0]["nodes"]
    assert len(nodes) == 5 and all(node["name"] and node["resource_id"] and node["group"] for node in nodes)
    # what the answer lacked is null, never an invented empty list or status
    assert {(node["ip"], node["server_id"], node["status"], node["components"]) for node in nodes} == {(None, None, None, None)}


def test_a_policy_answer_that_cannot_be_read_fails_clearly(mrs, playbook, tmp_path):
    from adversarial_support import crashed
    from gateway import Gateway

    cid = mrs.create_cluster(name="policies-garbled", core=3, task=1)["clusterId"]
    broken = [{"node_group_name": "task_node_analysis_group", "resource_pool_name": "default",
               "auto_scaling_policy": {"auto_scaling_enable": True, "min_capacity": 9, "max_capacity": 2, "rules": []}}]
    scripts = [
        (json.dumps(broken), ["cluster %s" % cid, "node group task_node_analysis_group cannot be read", "min_capacity"]),
        (json.dumps([{"auto_scaling_policy": {}}]), ["cluster %s" % cid, "names no node group"]),
        (json.dumps({"policies": []}), ["cluster %s" % cid, "reading its auto-scaling policies (include_policies) failed"]),
    ]
    for body, words in scripts:
        with Gateway(mrs.url) as gateway:
            gateway.add("GET", re.escape("/autoscaling-policy/" + cid) + "$", "junk", body=body, content_type="application/json",
                        times=None)
            (result,) = info_calls(playbook, tmp_path, [dict(cluster_id=cid, include_policies=True)],
                                   env=dict(HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url, HW_MAX_RETRIES="0"))
        assert result["failed"] is True and "clusters" not in result and not crashed(result), (body, result)
        assert all(word in result["msg"] for word in words), (body, result["msg"])


KIND_ROLES = {"master": ["NameNode", "ResourceManager", "quorumpeer"], "core": ["DataNode", "NodeManager"], "task": ["NodeManager"]}


def test_every_cluster_type_shows_its_groups_kinds_nodes_and_policies(mrs, playbook, tmp_path):
    clusters = {
        "analysis": mrs.create_cluster(name="type-analysis", core=3, task=1)["clusterId"],
        "streaming": mrs.create_cluster(name="type-streaming", type="streaming", core=3, task=2)["clusterId"],
        "mixed": mrs.create_cluster(name="type-mixed", type="mixed", core=3, task=1)["clusterId"],
        "custom": mrs.create_cluster(name="type-custom", type="custom", node_groups=[
            {"name": "master_node_default_group", "count": 3, "kind": "master"},
            {"name": "node_group_1", "count": 4, "kind": "core", "node_size": "c6.4xlarge.4.linux.bigdata"},
            {"name": "hdfs_nodes", "count": 2, "kind": "task"}])["clusterId"],
    }
    created = playbook("autoscaling_policy", result_file=str(tmp_path / "policy.json"), policies=[
        dict(cluster_id=clusters["custom"], node_group="hdfs_nodes", min_capacity=1, max_capacity=5, rules=[POLICY_RULE])])
    assert created.rc == 0, created
    mrs.clear_requests()
    order = sorted(clusters)
    mrs.create_cluster(name="type-custom-default", type="custom")  # the groups MRS gives a custom cluster by default
    results = info_calls(playbook, tmp_path, [dict(cluster_id=clusters[kind], include_nodes=True, include_policies=True)
                                              for kind in order] + [dict(cluster_name="type-custom-default", exactly_one=True)])
    default_custom = results.pop()
    assert [(group["name"], group["kind"], group["node_count"]) for group in default_custom["clusters"][0]["node_groups"]] == [
        ("master_node_default_group", "master", 3), ("node_group_1", "custom", 3)], default_custom

    for kind, result in zip(order, results):
        assert not result.get("failed"), (kind, result)
        (cluster,) = result["clusters"]
        assert cluster["cluster_type"] == kind
        emulated = dict((group["GroupName"], group) for group in mrs.cluster(clusters[kind])["nodeGroups"])
        groups = dict((group["name"], group) for group in cluster["node_groups"])
        assert sorted(groups) == sorted(emulated), kind
        for name, group in groups.items():
            assert isinstance(group["node_count"], int) and group["node_count"] == int(emulated[name]["NodeNum"])
            assert group["node_size"] == emulated[name]["NodeSize"] and group["kind"] == group["role"]
        nodes_of = dict((name, [node for node in cluster["nodes"] if node["group"] == name]) for name in groups)
        assert dict((name, len(nodes)) for name, nodes in nodes_of.items()) == dict(
            (name, group["node_count"]) for name, group in groups.items()), kind
        if kind != "custom":
            for name, nodes in nodes_of.items():
                assert all(node["components"] == KIND_ROLES[groups[name]["kind"]] for node in nodes), (kind, name)
    custom = dict((group["name"], group) for group in results[order.index("custom")]["clusters"][0]["node_groups"])
    # a custom cluster's free names are custom groups, except one MRS lists among taskNodeGroups: that one is a Task group
    assert [custom[name]["kind"] for name in ("master_node_default_group", "node_group_1", "hdfs_nodes")] == [
        "master", "custom", "task"]
    assert custom["node_group_1"]["node_size"] == "c6.4xlarge.4.linux.bigdata"
    custom_nodes = results[order.index("custom")]["clusters"][0]["nodes"]
    assert {node["group"]: node["components"] for node in custom_nodes} == {
        "master_node_default_group": KIND_ROLES["master"], "node_group_1": KIND_ROLES["core"], "hdfs_nodes": KIND_ROLES["task"]}
    assert custom["hdfs_nodes"]["policy"] == {"resource_pool": "default", "enabled": True, "min_capacity": 1, "max_capacity": 5,
                                              "rule_count": 1, "plan_count": 0}
    assert custom["node_group_1"]["policy"] is None
    streaming = dict((group["kind"], group["name"]) for group in results[order.index("streaming")]["clusters"][0]["node_groups"])
    assert streaming == {"master": "master_node_default_group", "core": "core_node_streaming_group",
                         "task": "task_node_streaming_group"}
    mixed_kinds = sorted(group["kind"] for group in results[order.index("mixed")]["clusters"][0]["node_groups"])
    assert mixed_kinds == ["core", "core", "master", "task", "task"]
    # one node list and one policy read per cluster, nothing else but the cluster reads
    assert len([entry for entry in mrs.requests_log() if "/autoscaling-policy/" in entry["path"]]) == 4
    assert {entry["method"] for entry in mrs.requests_log()} == {"GET"}


def test_the_documented_nodes_and_policies_recipe_runs_as_written(mrs, playbook, ansible_env, tmp_path):
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, os.path.join(root, "tests", "utils"))
    from docs_tools import tested_block

    cid = mrs.create_cluster(name="lake", type="custom", node_groups=[
        {"name": "master_node_default_group", "count": 3, "kind": "master"}, {"name": "node_group_1", "count": 3, "kind": "core"},
        {"name": "compute", "count": 2, "kind": "task"}])["clusterId"]
    mrs.create_cluster(name="lake", core=3, state="terminated")  # a terminated namesake does not count
    created = playbook("autoscaling_policy", result_file=str(tmp_path / "policy.json"), policies=[
        dict(cluster_id=cid, node_group="compute", min_capacity=0, max_capacity=6, rules=[POLICY_RULE])])
    assert created.rc == 0, created
    site = tmp_path / "nodes-and-policies.yml"
    site.write_text(tested_block(os.path.join(root, "docs", "mrs_cluster_info.md"), "nodes-and-policies.yml"))

    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
                          str(site)], env=dict(ansible_env, ANSIBLE_CALLBACK_RESULT_FORMAT="json"), capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    shown = json.loads(re.search(r'^ok: \[localhost\] => (\{.*?^\})$', run.stdout, re.M | re.S).group(1))["msg"]
    names = sorted(host["name"] for host in mrs.hosts(cid) if "node_group_1" in host["name"] or host.get("group") == "node_group_1")
    assert sorted(shown["datanodes"]) == names and len(names) == 3, shown
    assert shown["autoscaled"] == ["compute"]
