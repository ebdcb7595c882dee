"""The hwcloud.mrs.mrs inventory plugin through real ansible-inventory and ansible-playbook runs against the emulator.

Each test writes an inventory source (a file ending in mrs.yml), runs ansible-inventory --list / --graph (or a
playbook) with the HW_* variables a user would set, and checks the groups, host vars, the requests the emulator
received and the messages of refused sources.
"""

import json
import os
import re
import subprocess
import sys

import yaml

from reliability_support import plain

BIN = os.path.dirname(sys.executable)
PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_inventory(ansible_env, tmp_path, config, *args, env=None, name="test.mrs.yml"):
    source = tmp_path / name
    source.write_text(yaml.safe_dump(dict({"plugin": "hwcloud.mrs.mrs"}, **config)) if isinstance(config, dict) else config)
    command = [os.path.join(BIN, "ansible-inventory"), "-i", str(source)] + (list(args) or ["--list"])
    # a source that fails to parse fails the run (as an AWX inventory source should), not only a warning
    run_env = dict(ansible_env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true", **(env or {}))
    completed = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=300, check=False)
    return completed


def listed(completed):
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return plain(json.loads(completed.stdout))


def members(inventory, group):
    return sorted(inventory.get(group, {}).get("hosts", []))


def test_groups_and_host_vars_as_documented(mrs, ansible_env, tmp_path):
    analytics = mrs.create_cluster(name="analytics", core=3, task=2, task_node_size="c6.2xlarge.4.linux.bigdata")
    stream = mrs.create_cluster(name="etl-stream", type="streaming", core=3)
    hosts = {host["name"]: host for host in mrs.hosts(analytics["clusterId"])}
    inventory = listed(run_inventory(ansible_env, tmp_path, {
        "keyed_groups": [{"key": "mrs_roles", "prefix": "role"}, {"key": "mrs_kind", "prefix": "kind"}],
        "groups": {"big_task": "mrs_kind == 'task' and mrs_cpu >= 8"},
        "compose": {"ansible_connection": "'local'", "node_memory_gb": "mrs_memory_mb // 1024"}}))
    hostvars = inventory["_meta"]["hostvars"]
    assert len(hostvars) == 7 + 5
    assert members(inventory, "mrs_analytics") == sorted(hosts)
    task_names = sorted(name for name, host in hosts.items() if host["type"] == "Task")
    core_names = sorted(name for name, host in hosts.items() if host["type"] == "Core")
    assert members(inventory, "mrs_analytics_task_node_analysis_group") == task_names
    assert members(inventory, "mrs_analytics_core_node_analysis_group") == core_names
    assert members(inventory, "mrs_analytics_NodeManager") == sorted(core_names + task_names)
    assert members(inventory, "mrs_analytics_DataNode") == core_names
    assert len(members(inventory, "mrs_analytics_NameNode")) == 2
    assert len(members(inventory, "mrs_etl_stream")) == 5  # the '-' sanitised
    assert members(inventory, "big_task") == task_names
    assert set(members(inventory, "kind_task")) == set(task_names)
    assert set(members(inventory, "role_DataNode")) >= set(core_names)
    task = hostvars[task_names[0]]
    api = hosts[task_names[0]]
    assert task["ansible_host"] == api["ip"] == task["mrs_private_ip"]
    assert (task["mrs_cluster_id"], task["mrs_cluster_name"], task["mrs_kind"], task["mrs_type"]) == \
        (analytics["clusterId"], "analytics", "task", "Task")
    assert (task["mrs_cpu"], task["mrs_memory_mb"], task["node_memory_gb"]) == (8, 32768, 32)
    assert isinstance(task["mrs_disk_gb"], int) and task["mrs_disk_gb"] > task["mrs_root_volume_gb"]
    assert (task["mrs_resource_id"], task["mrs_server_id"], task["mrs_status"]) == (api["resource_id"], api["id"], "ACTIVE")
    assert task["mrs_flavor"] == "c6.2xlarge.4.linux.bigdata" and task["mrs_billing_type"] == "on-quantity"
    # the components as MRS lists them with query_node_detail=true (running_status, ha_status and config_status in the
    # values Terraform's docs list), passed on unchanged
    assert task["mrs_components"] == [{"role": "NodeManager", "service": "Yarn", "status": "running", "ha_status": "UNKNOWN",
                                       "config_status": "SYNCHRONIZED"}]
    assert task["ansible_connection"] == "local"
    streaming_core = [vars_ for vars_ in hostvars.values() if vars_["mrs_cluster_id"] == stream["clusterId"] and vars_["mrs_kind"] == "core"]
    assert len(streaming_core) == 3 and streaming_core[0]["mrs_type"] == "Streaming_Core"

    graph = run_inventory(ansible_env, tmp_path, {}, "--graph")
    assert graph.returncode == 0, graph.stderr
    assert "@mrs_analytics_NodeManager:" in graph.stdout and "@mrs_etl_stream:" in graph.stdout
    assert task_names[0] in graph.stdout


def test_filters_clusters_by_name_id_state_tags_and_node_group(mrs, ansible_env, tmp_path):
    first = mrs.create_cluster(name="first", core=3, task=1, task_node_size="c6.2xlarge.4.linux.bigdata", tags={"env": "prod"})
    mrs.create_cluster(name="second", core=3, tags={"env": "dev"})
    broken = mrs.create_cluster(name="broken", core=3)
    mrs.patch_cluster(broken["clusterId"], state="terminated")
    everything = listed(run_inventory(ansible_env, tmp_path, {}))
    assert "mrs_first" in everything and "mrs_second" in everything and "mrs_broken" not in everything
    by_tag = listed(run_inventory(ansible_env, tmp_path, {"tags": {"env": "prod"}}))
    assert "mrs_first" in by_tag and "mrs_second" not in by_tag
    by_id = listed(run_inventory(ansible_env, tmp_path, {"clusters": [first["clusterId"]], "node_groups": ["task_node_analysis_group"]}))
    assert len(by_id["_meta"]["hostvars"]) == 1 and "mrs_second" not in by_id
    skipped = run_inventory(ansible_env, tmp_path, {"clusters": ["first", "broken"]})
    assert "mrs_first" in listed(skipped) and "broken" in skipped.stderr and "terminated" in skipped.stderr


def test_a_300_host_cluster_is_read_across_pages(mrs, ansible_env, tmp_path):
    big = mrs.create_cluster(name="big", type="custom", node_groups=[
        {"name": "master_group", "count": 3, "kind": "master"}, {"name": "workers", "count": 300, "kind": "core"},
        {"name": "extra", "count": 7, "kind": "task"}])
    mrs.clear_requests()
    inventory = listed(run_inventory(ansible_env, tmp_path, {"hostnames": ["resource_id"]}))
    assert len(inventory["_meta"]["hostvars"]) == 310
    assert len(members(inventory, "mrs_big_workers")) == 300 and len(members(inventory, "mrs_big_DataNode")) == 300
    assert sorted(inventory["_meta"]["hostvars"]) == sorted(host["resource_id"] for host in mrs.hosts(big["clusterId"]))
    assert all(vars_["mrs_components"] for vars_ in inventory["_meta"]["hostvars"].values())
    paths = [entry["path"] for entry in mrs.requests_log()]
    assert sum("/hosts" in path for path in paths) == 4 and sum("/nodes" in path for path in paths) == 4, paths


def test_the_cache_answers_the_second_run(mrs, ansible_env, tmp_path):
    mrs.create_cluster(name="cached", core=3)
    config = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"),
              "keyed_groups": [{"key": "mrs_kind", "prefix": "kind"}]}
    first = listed(run_inventory(ansible_env, tmp_path, config))
    assert mrs.requests_log()
    mrs.clear_requests()
    second = listed(run_inventory(ansible_env, tmp_path, config))
    assert second == first and mrs.requests_log() == []
    flushed = listed(run_inventory(ansible_env, tmp_path, config, "--list", "--flush-cache"))
    assert flushed == first and mrs.requests_log()


def test_a_failing_cluster_is_named(mrs, ansible_env, tmp_path):
    mrs.create_cluster(name="healthy", core=3)
    broken = mrs.create_cluster(name="wobbly", core=3)
    mrs.add_fault(method="GET", path="clusters/%s/nodes" % broken["clusterId"], status=500, error_code="12000001", times=10)
    run = run_inventory(ansible_env, tmp_path, {"retries": 1}, "--list", "-vvvv")
    assert run.returncode != 0
    output = run.stdout + run.stderr
    assert "cluster wobbly (%s)" % broken["clusterId"] in output and "cannot read its hosts" in output
    assert "12000001" in output
    assert mrs.secret_key not in output


def test_no_secret_at_any_verbosity(mrs, ansible_env, tmp_path):
    mrs.create_cluster(name="quiet", core=3)
    env = {"HW_SECRET_KEY": "", "HW_ACCESS_KEY": ""}
    source = "plugin: hwcloud.mrs.mrs\naccess_key: %s\nsecret_key: \"%s\\n\"\n" % (mrs.access_key, mrs.secret_key)
    good = run_inventory(ansible_env, tmp_path, source, "--list", "-vvvv", env=env)
    assert good.returncode == 0, good.stderr
    assert mrs.secret_key not in good.stdout + good.stderr
    mrs.add_fault(method="GET", path="cluster_infos", status=401, error_code="APIGW.0301", times=10)
    bad = run_inventory(ansible_env, tmp_path, source, "--list", "-vvvv", env=env)
    assert bad.returncode != 0 and "cannot list the clusters" in bad.stdout + bad.stderr
    assert mrs.secret_key not in bad.stdout + bad.stderr


def test_host_names_are_unique_across_clusters(mrs, ansible_env, tmp_path):
    one = mrs.create_cluster(name="one", core=3)
    two = mrs.create_cluster(name="two", core=3)
    inventory = listed(run_inventory(ansible_env, tmp_path, {"hostnames": ["private_ip", "name"]}))
    hostvars = inventory["_meta"]["hostvars"]
    assert len(hostvars) == 10
    ips_one = {host["ip"] for host in mrs.hosts(one["clusterId"])}
    assert ips_one == {host["ip"] for host in mrs.hosts(two["clusterId"])}  # the emulator reuses addresses per cluster
    assert ips_one <= set(hostvars)
    assert sum(name in ips_one for name in hostvars) == 5


def test_bad_options_are_refused_naming_them(mrs, ansible_env, tmp_path):
    mrs.create_cluster(name="present", core=3)
    cases = [
        ({"clustres": ["present"]}, "unknown option clustres"),
        ({"hostnames": ["ip"]}, "hostnames"),
        ({"regions": ["cn-north-4", "cn-east-3"]}, "project_id: names the project of one region"),
        ({"clusters": ["presnet"]}, "clusters: no cluster has the id or name presnet"),
        ({"retries": -1}, "retries: must be an integer of 0 or more"),
        ({"tags": {"a*b": "x"}}, "tags: 'a*b'"),
        ({"endpoint": "ftp://example.com"}, "endpoint"),
        ({"regions": "cn-north-4\nx"}, "region"),
    ]
    for config, message in cases:
        run = run_inventory(ansible_env, tmp_path, config)
        output = run.stdout + run.stderr
        assert run.returncode != 0, (config, output)
        assert message in output, (config, output)
        assert "Traceback" not in output


def test_a_play_runs_on_the_node_then_drains_it(mrs, ansible_env, tmp_path):
    cluster = mrs.create_cluster(name="drainme", core=3, task=3, task_node_size="c6.2xlarge.4.linux.bigdata")
    tasks = [host for host in mrs.hosts(cluster["clusterId"]) if host["type"] == "Task"]
    source = tmp_path / "drain.mrs.yml"
    source.write_text(yaml.safe_dump({"plugin": "hwcloud.mrs.mrs", "clusters": ["drainme"],
                                      "compose": {"ansible_connection": "'local'"}}))
    marker = tmp_path / "marker.json"
    command = [os.path.join(BIN, "ansible-playbook"), "-i", str(source), os.path.join(PLAYBOOKS, "inventory_drain.yml"),
               "-e", json.dumps({"drain_target": tasks[1]["name"], "marker_file": str(marker)})]
    run = subprocess.run(command, env=ansible_env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(marker.read_text()) == {"host": tasks[1]["name"], "kind": "task", "roles": ["NodeManager"], "ip": tasks[1]["ip"]}
    remaining = {host["name"] for host in mrs.hosts(cluster["clusterId"])}
    assert tasks[1]["name"] not in remaining and {tasks[0]["name"], tasks[2]["name"]} <= remaining
    with open(os.path.join(ROOT, "docs", "cluster_scale.md"), encoding="utf-8") as page:
        shown = re.search(r"<!-- tested: drain-a-node-first -->\s*\n```yaml\n(.*?)\n```", page.read(), re.DOTALL).group(1)
    with open(os.path.join(PLAYBOOKS, "inventory_drain.yml"), encoding="utf-8") as played:
        assert yaml.safe_load(shown) == yaml.safe_load(played), "docs/cluster_scale.md shows another play than the one tested"
    core = next(host for host in mrs.hosts(cluster["clusterId"]) if host["type"] == "Core")
    refused = subprocess.run(command[:-1] + [json.dumps({"drain_target": core["name"], "marker_file": str(marker)})], env=ansible_env,
                             capture_output=True, text=True, timeout=300, check=False)
    assert refused.returncode != 0 and "drain_target: give the inventory name of a Task node" in refused.stdout + refused.stderr
    shrinks = [entry for entry in mrs.requests_log() if entry["method"] in ("PUT", "POST") and entry["path"].startswith(("/v1.1", "/v2"))]
    assert len(shrinks) == 1, shrinks


def test_custom_and_mixed_clusters_group_every_node_group(mrs, ansible_env, tmp_path):
    lake = mrs.create_cluster(name="lake", type="custom", node_groups=[
        {"name": "master_node_default_group", "count": 3, "kind": "master"}, {"name": "node_group_1", "count": 4, "kind": "core"},
        {"name": "hdfs_nodes", "count": 2, "kind": "task"}, {"name": "task_node_hdfs", "count": 2, "kind": "core"}])
    blend = mrs.create_cluster(name="blend", type="mixed", node_groups=[
        {"name": "master_node_default_group", "count": 2, "kind": "master"}, {"name": "core_node_analysis_group", "count": 3, "kind": "core"},
        {"name": "core_node_streaming_group", "count": 3, "kind": "core"}, {"name": "task_node_streaming_group", "count": 1, "kind": "task"}])
    inventory = listed(run_inventory(ansible_env, tmp_path, {"keyed_groups": [{"key": "mrs_kind", "prefix": "kind"}],
                                                             "node_groups": [], "hostnames": ["name"]}))
    hostvars = inventory["_meta"]["hostvars"]
    assert len(hostvars) == 11 + 9
    expected = {  # node group: (kind, host type, roles), as the emulator builds them after MRS
        "mrs_lake_master_node_default_group": ("master", "Master", ["NameNode", "ResourceManager", "quorumpeer"]),
        "mrs_lake_node_group_1": ("core", "Core", ["DataNode", "NodeManager"]),
        "mrs_lake_hdfs_nodes": ("task", "Task", ["NodeManager"]),
        # a Core-kind group whose name looks like a Task group's: its kind comes from the cluster answer, not the name
        "mrs_lake_task_node_hdfs": ("core", "Core", ["DataNode", "NodeManager"]),
        "mrs_blend_master_node_default_group": ("master", "Master", ["NameNode", "ResourceManager", "quorumpeer"]),
        "mrs_blend_core_node_analysis_group": ("core", "Analysis_Core", ["DataNode", "NodeManager"]),
        "mrs_blend_core_node_streaming_group": ("core", "Streaming_Core", ["DataNode", "NodeManager"]),
        "mrs_blend_task_node_streaming_group": ("task", "Streaming_Task", ["NodeManager"]),
    }
    for cluster, prefix in ((lake, "mrs_lake_"), (blend, "mrs_blend_")):
        hosts = mrs.hosts(cluster["clusterId"])
        assert sorted(prefix + group["GroupName"] for group in cluster["nodeGroups"]) == sorted(
            name for name in expected if name.startswith(prefix))
        for host in hosts:
            group = prefix + host["node_group_name"]
            vars_ = hostvars[host["name"]]
            assert host["name"] in members(inventory, group) and host["name"] in members(inventory, prefix[:-1])
            assert (vars_["mrs_kind"], vars_["mrs_type"], vars_["mrs_roles"]) == expected[group], (host, vars_)
            assert (vars_["mrs_node_group"], vars_["ansible_host"], vars_["mrs_server_id"]) == (host["node_group_name"], host["ip"], host["id"])
        for name in (name for name in expected if name.startswith(prefix)):
            assert len(members(inventory, name)) == next(
                group["NodeNum"] for group in cluster["nodeGroups"] if prefix + group["GroupName"] == name), name
    assert len(members(inventory, "mrs_lake_DataNode")) == 6 and len(members(inventory, "mrs_blend_DataNode")) == 6
    assert (len(members(inventory, "kind_master")), len(members(inventory, "kind_core")), len(members(inventory, "kind_task"))) == (5, 12, 3)
    only = listed(run_inventory(ansible_env, tmp_path, {"clusters": ["lake"], "node_groups": ["node_group_1"]}))
    assert sorted(only["_meta"]["hostvars"]) == members(inventory, "mrs_lake_node_group_1")


def test_host_types_as_the_api_reference_writes_them(mrs, ansible_env, tmp_path):
    """The hosts API reference says MasterNode / CoreNode / TaskNode; a custom group's hosts may have a type of no kind at all."""
    from gateway import Gateway  # pylint: disable=import-outside-toplevel

    analysis = mrs.create_cluster(name="documented", core=3, task=1, task_node_size="c6.2xlarge.4.linux.bigdata")
    custom = mrs.create_cluster(name="freeform", type="custom")
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", re.escape("/clusters/%s/hosts" % analysis["clusterId"]), "set", values={"hosts.*.type": "CoreNode"}, times=None)
        gateway.add("GET", re.escape("/clusters/%s/hosts" % custom["clusterId"]), "set", values={"hosts.*.type": "Custom"}, times=None)
        inventory = listed(run_inventory(ansible_env, tmp_path, {}, env={"HW_MRS_ENDPOINT": gateway.url, "HW_AUTH_URL": gateway.url}))
    hostvars = inventory["_meta"]["hostvars"]
    kinds = dict((group["GroupName"], group) for group in analysis["nodeGroups"])
    assert sorted(kinds) == ["core_node_analysis_group", "master_node_default_group", "task_node_analysis_group"]
    # the group's name is the better witness: a master is a master whatever the host type says
    for group, kind in (("master_node_default_group", "master"), ("core_node_analysis_group", "core"), ("task_node_analysis_group", "task")):
        names = members(inventory, "mrs_documented_" + group)
        assert len(names) == kinds[group]["NodeNum"] and names, group
        assert set((hostvars[name]["mrs_kind"], hostvars[name]["mrs_type"]) for name in names) == {(kind, "CoreNode")}
    freeform = [vars_ for vars_ in hostvars.values() if vars_["mrs_cluster_name"] == "freeform"]
    assert sorted(set((vars_["mrs_node_group"], vars_["mrs_kind"]) for vars_ in freeform)) == [
        ("master_node_default_group", "master"), ("node_group_1", "custom")]
    assert len(members(inventory, "mrs_freeform_node_group_1")) == 3 and len(members(inventory, "mrs_freeform_DataNode")) == 3


def documented_block(marker):
    with open(os.path.join(ROOT, "docs", "inventory.md"), encoding="utf-8") as page:
        return re.search(r"<!-- tested: %s -->\s*\n```yaml\n(.*?)\n```" % re.escape(marker), page.read(), re.DOTALL).group(1)


def test_a_group_that_names_one_cluster_holds_its_hosts_only_and_the_guide_works_without_tags(mrs, ansible_env, tmp_path):
    """#20 class 8: 集群 and 数据 both became mrs___, one group holding both clusters' hosts; the guide's keyed_groups /
    groups / compose example with strict: true failed the whole inventory (0 hosts) as soon as one cluster had no env tag."""
    tagged = mrs.create_cluster(name="集群", core=3, task=2, task_node_size="c6.4xlarge.4.linux.bigdata", tags={"env": "prod"})
    untagged = mrs.create_cluster(name="数据", core=3, task=1, task_node_size="c6.2xlarge.4.linux.bigdata")
    hosts = dict((cluster["clusterId"], mrs.hosts(cluster["clusterId"])) for cluster in (tagged, untagged))
    workers = dict((cid, sorted(host["name"] for host in found if host["type"] in ("Core", "Task"))) for cid, found in hosts.items())

    example = documented_block("keyed-groups.mrs.yml")
    source = tmp_path / "keyed-groups.mrs.yml"
    source.write_text(example)
    completed = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", str(source), "--list"],
                               env=dict(ansible_env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true"), capture_output=True, text=True,
                               timeout=300, check=False)
    inventory = listed(completed)
    assert sorted(inventory["_meta"]["hostvars"]) == sorted(workers[tagged["clusterId"]] + workers[untagged["clusterId"]])
    assert members(inventory, "env_prod") == workers[tagged["clusterId"]]
    assert members(inventory, "env_untagged") == workers[untagged["clusterId"]]
    assert members(inventory, "big_task") == sorted(host["name"] for host in hosts[tagged["clusterId"]] if host["type"] == "Task")
    for cluster in (tagged, untagged):  # each cluster's groups, named by its id, hold its hosts only
        group = "mrs_" + re.sub(r"[^A-Za-z0-9_]", "_", cluster["clusterId"])
        assert members(inventory, group) == workers[cluster["clusterId"]]
        assert members(inventory, group + "_DataNode") == sorted(host["name"] for host in hosts[cluster["clusterId"]] if host["type"] == "Core")
    assert "mrs___" not in inventory and not any(name.startswith("mrs____") for name in inventory)

    # the example as the guide printed it: strict fails the whole inventory on the cluster without the tag
    broken = example.replace("mrs_cluster_tags.env | default('')", "mrs_cluster_tags.env").replace("    default_value: untagged\n", "")
    assert broken != example
    source.write_text(broken)
    refused = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", str(source), "--list"],
                             env=dict(ansible_env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true"), capture_output=True, text=True,
                             timeout=300, check=False)
    assert refused.returncode != 0 and "mrs_cluster_tags.env" in refused.stdout + refused.stderr
