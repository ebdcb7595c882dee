"""What the vendor routes show: the cluster details, node groups, hosts and v2 nodes, with the real API's wire names
and types (checked against the vendor SDK's models by test_emulator_sdk_models.py)."""

from .common import (BILLING_CODES, BILLING_TYPES, CLUSTER_TYPES, COMPONENTS, DEFAULT_NODE_SIZE, ECS_STATUS, HOST_TYPE_PREFIX,
                     ROOT_VOLUME_SIZE, RUNNING_NODE, derived_id, derived_uuid, flavor_resources)
from .state import count_group, count_kind, find_group, groups_of_kind, is_prepaid, new_group, shown_state, sorted_groups, sorted_hosts


def host_type(record, group):
    """The hosts route's "type" for a host of group (see HOST_TYPE_PREFIX)."""
    if group["kind"] == "master":
        return "Master"
    title = group["kind"].title()
    if record["type"] == "mixed":
        return ("Streaming_" if "streaming" in group["name"] else "Analysis_") + title
    return HOST_TYPE_PREFIX[record["type"]] + title


def node_group_view(record, group):
    flavor = group["node_size"]
    return {
        "GroupName": group["name"], "NodeNum": count_group(record, group["name"]), "NodeSize": flavor,
        "NodeSpecId": derived_id("spec", flavor), "VmProductId": "", "VmSpecCode": None,
        "NodeProductId": derived_id("product", flavor), "RootVolumeSize": ROOT_VOLUME_SIZE,
        "RootVolumeProductId": derived_id("volume", "SAS"), "RootVolumeType": "SAS",
        "RootVolumeResourceSpecCode": "", "RootVolumeResourceType": "",
        "DataVolumeType": group["data_volume_type"], "DataVolumeCount": group["data_volume_count"],
        "DataVolumeSize": group["data_volume_size"], "DataVolumeProductId": derived_id("volume", group["data_volume_type"]),
        "DataVolumeResourceSpecCode": "", "DataVolumeResourceType": "",
    }


def tags_text(tags):
    return ",".join("%s=%s" % (key, value) for key, value in sorted(tags.items()))


def cluster_view(record, region, now):
    """The cluster as GET cluster_infos/{id} shows it: wire names and types of the real API.

    Documented choices where the live API is unconfirmed: node-group keys are PascalCase (current SDKs,
    terraform #9226); stageDesc is null when idle; the keys are isMrsManagerFinish and bootstrapScripts
    (the vendor SDK's spelling); masterNodeNum / coreNodeNum count every group of that kind; billingType is
    "12" / "11" (terraform-provider-huaweicloud docs/data-sources/mapreduce_clusters.md); externalIp,
    externalAlternateIp, deploymentId, vnc and instanceId are set as on a live cluster (the fields Terraform's
    clusters data source reads), with made-up values.
    """
    state, scale, stage = shown_state(record, now)
    cid = record["id"]
    masters = [host for host in sorted_hosts(record) if find_group(record, host["group"])["kind"] == "master"]
    master_ip = masters[0]["ip"] if masters else ""
    groups = [node_group_view(record, group) for group in sorted_groups(record)]
    task_groups = [view for view, group in zip(groups, sorted_groups(record)) if group["kind"] == "task"]
    fallback = new_group("", "core", DEFAULT_NODE_SIZE)
    master = (groups_of_kind(record, "master") or [fallback])[0]
    core = (groups_of_kind(record, "core") or [fallback])[0]
    prepaid = is_prepaid(record)
    view = {
        "clusterId": cid, "clusterName": record["name"], "totalNodeNum": str(len(record["hosts"])),
        "clusterState": state, "stageDesc": stage,
        "createAt": str(int(record["created_at"])), "updateAt": str(int(record["updated_at"])),
        "chargingStartTime": str(int(record["created_at"])), "billingType": BILLING_CODES[BILLING_TYPES[record["billing_type"]]],
        "dataCenter": region, "vpc": "vpc-mrs-emulator", "vpcId": derived_uuid("vpc", cid), "duration": "1" if prepaid else "0",
        "fee": "0", "hadoopVersion": "",
        "componentList": [{"componentId": "%s_%03d" % (record["version"], index + 1), "componentName": name,
                           "componentVersion": version, "componentDesc": desc}
                          for index, (name, version, desc) in enumerate(COMPONENTS)],
        "internalIp": master_ip, "remark": "",
        "orderId": derived_id("order", cid) if prepaid else None,
        "azId": derived_id("az", region), "azName": region + "a", "azCode": region + "a", "availabilityZoneId": region + "a",
        "tenantId": record["project_id"], "volumeSize": core["data_volume_size"],
        "volumeType": core["data_volume_type"], "subnetId": derived_uuid("subnet", cid), "subnetName": "subnet-mrs-emulator",
        "securityGroupsId": derived_uuid("secgroup", cid), "slaveSecurityGroupsId": derived_uuid("secgroup", cid),
        "bootstrapScripts": [], "safeMode": 1, "clusterVersion": record["version"], "nodePublicCertName": "mrs-emulator-keypair",
        "masterNodeIp": master_ip, "privateIpFirst": master_ip, "errorInfo": "", "tags": tags_text(record["tags"]),
        "masterNodeNum": str(count_kind(record, "master")), "coreNodeNum": str(count_kind(record, "core")),
        "masterNodeSize": master["node_size"], "coreNodeSize": core["node_size"],
        "masterNodeProductId": derived_id("product", master["node_size"]), "masterNodeSpecId": derived_id("spec", master["node_size"]),
        "coreNodeProductId": derived_id("product", core["node_size"]), "coreNodeSpecId": derived_id("spec", core["node_size"]),
        "masterDataVolumeType": master["data_volume_type"], "masterDataVolumeSize": master["data_volume_size"],
        "masterDataVolumeCount": master["data_volume_count"], "coreDataVolumeType": core["data_volume_type"],
        "coreDataVolumeSize": core["data_volume_size"], "coreDataVolumeCount": core["data_volume_count"],
        "enterpriseProjectId": record["enterprise_project_id"], "isMrsManagerFinish": True,
        "clusterType": CLUSTER_TYPES[record["type"]], "logCollection": 1,
        "periodType": 0, "scale": scale,
        "nodeGroups": groups,
        "taskNodeGroups": task_groups,
        "eipId": None, "eipAddress": None, "eipv6Address": None, "azCategory": 0,
    }
    view.update(live_fields(cid, master_ip))
    return view


def live_fields(cid, master_ip):
    """The fields MRS fills on a live cluster (terraform-provider-huaweicloud data_source_huaweicloud_mapreduce_clusters.go
    reads them): the master's floating address, the deployment and ECS instance ids, the VNC login URI."""
    number = int(derived_id("external", cid)[:4], 16)
    return {"externalIp": "100.85.%d.%d" % (number // 256 % 250, number % 250 + 2) if master_ip else None,
            "externalAlternateIp": "100.85.%d.%d" % (number // 256 % 250, number % 250 + 3) if master_ip else None,
            "deploymentId": derived_uuid("deployment", cid), "instanceId": derived_uuid("instance", cid),
            "vnc": "v2/%s/servers/%s/action" % (derived_id("tenant", cid), derived_uuid("instance", cid))}


def host_view(record, host, region):
    group = find_group(record, host["group"])
    cpu, mem = flavor_resources(group["node_size"])
    return {
        "id": host["id"], "name": host["name"], "ip": host["ip"], "availability_zone_id": region + "a", "tags": [],
        "status": ECS_STATUS[host.get("state", RUNNING_NODE)], "resource_id": host["resource_id"], "flavor": group["node_size"],
        "type": host_type(record, group),
        "mem": mem, "cpu": cpu, "root_volume_size": str(ROOT_VOLUME_SIZE), "data_volume_type": group["data_volume_type"],
        "data_volume_size": group["data_volume_size"], "data_volume_count": group["data_volume_count"],
        "node_group_name": group["name"],
    }


# The roles each kind of group runs (MRS Manager's role names; which roles a live node lists varies with the
# components installed).
ROLES = {
    "master": (("HDFS", "NameNode", "false"), ("Yarn", "ResourceManager", "false"), ("ZooKeeper", "quorumpeer", "false")),
    "core": (("HDFS", "DataNode", "true"), ("Yarn", "NodeManager", "true")),
    "task": (("Yarn", "NodeManager", "true"),),
}


def volumes(group):
    """data_volumes as the SDK's VolumeInfo list: one entry per volume type, with its count (a group has one type)."""
    if not group["data_volume_count"]:
        return []
    return [{"type": group["data_volume_type"], "size": group["data_volume_size"], "count": group["data_volume_count"]}]


def ha_status(record, host, group):
    """The first master of the group is ACTIVE, the others STANDBY; workers have no HA (UNKNOWN)."""
    if group["kind"] != "master":
        return "UNKNOWN"
    first = min((item for item in record["hosts"] if item["group"] == group["name"]), key=lambda item: item["seq"])
    return "ACTIVE" if first is host else "STANDBY"


def component_infos(record, host, group):
    """The role instances of a node (running_status, ha_status and config_status in the values Terraform's docs list)."""
    running = "running" if host.get("state", RUNNING_NODE) == RUNNING_NODE else "UNKNOWN"
    ha = ha_status(record, host, group)
    return [{
        "id": derived_id("component", host["id"], role), "name": "%s-%s" % (service.lower(), role),
        "instance_group_name": role + "-DEFAULT-GROUP", "running_status": running, "ha_status": ha,
        "config_status": "SYNCHRONIZED", "role_name": role, "role_short_name": role[:2].upper(),
        "role_type": "master" if group["kind"] == "master" else "worker", "service_name": service,
        "pair_name": "", "relation_pairs": "", "support_decom": decom, "support_reinstall": "true",
        "support_collect_stack_info": "false"} for service, role, decom in ROLES[group["kind"]]]


def node_detail(host, group):
    """node_detail with the SDK's NodeDetail fields (monitoring figures, made up, stable per host)."""
    _cpu, mem = flavor_resources(group["node_size"])
    number = int(derived_id("usage", host["id"])[:4], 16)
    disk = group["data_volume_size"] * group["data_volume_count"] + ROOT_VOLUME_SIZE
    return {
        "running_status": "running" if host.get("state", RUNNING_NODE) == RUNNING_NODE else "UNKNOWN",
        "cpu_usage": "%.2f" % (number % 6000 / 100.0), "memory_usage": "%.2f" % (number % 7000 / 100.0),
        "disk_usage": "%.2f" % (number % 5000 / 100.0), "total_memory": mem,
        "available_memory": str(int(mem) * (100 - number % 70) // 100), "total_hard_disk_space": str(disk),
        "available_hard_disk_space": str(disk * (100 - number % 50) // 100), "network_read": str(number * 13 % 100000),
        "network_write": str(number * 7 % 100000)}


def node_view(record, host, detail=False, ecs_detail=False):
    """A node as GET /v2/.../nodes shows it. component_infos is filled and node_detail present only with
    query_node_detail=true, cpu and mem only with query_ecs_detail=true (Terraform's cluster_nodes docs: "not empty only
    when ... is set to true"; its live acceptance test asserts them only with the flags). Without the flag
    component_infos is an empty list (the emulator's reading of "not empty only when")."""
    group = find_group(record, host["group"])
    server = {"server_id": host["id"], "server_name": host["name"], "server_type": "ECS", "data_volumes": volumes(group),
              "root_volume": {"type": "SAS", "size": ROOT_VOLUME_SIZE, "count": 1}, "cpu_type": "x86",
              "internal_ip": host["ip"]}
    if ecs_detail:
        server["cpu"], server["mem"] = flavor_resources(group["node_size"])
    view = {
        "node_name": host["name"], "resource_id": host["resource_id"], "node_group_name": group["name"],
        "node_type": host_type(record, group), "billing_type": "on-period" if group["prepaid"] else "on-quantity",
        "deployment_type": "Server", "server_info": server, "tags": [], "node_status": host.get("state", RUNNING_NODE),
        "component_infos": component_infos(record, host, group) if detail else [],
    }
    if detail:
        view["node_detail"] = node_detail(host, group)
    return view
