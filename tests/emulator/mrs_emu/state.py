"""Cluster records (plain JSON data, persisted as is), their state machine and their API views."""

import json
import os
import re
import tempfile
import uuid

from .common import (COMPONENTS, DEFAULT_NODE_SIZE, DEFAULT_TASK_NODE_SIZE, DEFAULT_VOLUME, FAILED_STAGE, FAILURE_OUTCOMES, GROUP_NAMES,
                     HOST_TYPES, ROLE_ORDER, ROOT_VOLUME_SIZE, STAGES, derived_id, derived_uuid, random_suffix)


def flavor_resources(flavor):
    """(cpu, mem MB) as strings, read from a flavor like c6.4xlarge.4.linux.bigdata."""
    match = re.match(r"^[a-z0-9]+\.(\d*)(x?)large\.(\d+)", flavor)
    if not match:
        return "8", "32768"
    multiplier = int(match.group(1) or 1)
    cpu = 4 * multiplier if match.group(2) else 2
    return str(cpu), str(cpu * int(match.group(3)) * 1024)


def group_spec(flavor):
    return dict(DEFAULT_VOLUME, node_size=flavor)


def count_role(record, role):
    return sum(1 for host in record["hosts"] if host["role"] == role)


def add_host(record, role, name):
    number = record["next_host"]
    record["next_host"] += 1
    record["hosts"].append({
        "id": str(uuid.uuid4()), "resource_id": str(uuid.uuid4()), "name": name, "role": role, "seq": number,
        "ip": "192.168.%d.%d" % (number // 250, number % 250 + 2)})


def add_new_hosts(record, role, count):
    """Nodes added by a scale-out are named in the documented node-orderadd style."""
    taken = {host["name"] for host in record["hosts"]}
    for _index in range(count):
        name = "node-orderadd-%s.com" % random_suffix()
        while name in taken:
            name = "node-orderadd-%s.com" % random_suffix()
        taken.add(name)
        add_host(record, role, name)


def new_cluster_record(fields, defaults, now, seq):
    cluster_id = fields["id"]
    task_size = fields.get("task_node_size")
    record = {
        "id": cluster_id, "name": fields["name"], "project_id": fields.get("project_id") or defaults["project_id"],
        "state": "running", "scale": "", "stage_desc": None,
        "billing_type": fields.get("billing_type", "Metered"), "version": fields.get("version", "MRS 3.1.0"),
        "scale_seconds": float(fields.get("scale_seconds", defaults["scale_seconds"])),
        "created_at": now, "updated_at": now, "seq": seq,
        "groups": {"master": group_spec(DEFAULT_NODE_SIZE), "core": group_spec(DEFAULT_NODE_SIZE),
                   # A cluster that never had Task nodes has no Task group at all.
                   "task": group_spec(task_size or DEFAULT_TASK_NODE_SIZE) if fields.get("task", 0) or task_size else None},
        "hosts": [], "next_host": 0, "operation": None, "fail_next_scale": None,
    }
    for index in range(fields.get("master", 2)):
        add_host(record, "master", "%s_node_master%d_%s" % (cluster_id, index + 1, random_suffix()))
    for role in ("core", "task"):
        for _index in range(fields.get(role, 3 if role == "core" else 0)):
            add_host(record, role, "%s_node_%s_%s" % (cluster_id, role, random_suffix()))
    return record


def start_operation(record, kind, now, outcome, role=None, add=0, remove=(), task_group=None):
    record["operation"] = {"kind": kind, "role": role, "started": now, "deadline": now + record["scale_seconds"],
                           "add": add, "remove": list(remove), "task_group": task_group, "outcome": outcome}
    record["updated_at"] = now


def settle(record, now):
    """Finish the pending operation if its deadline has passed. True when the record changed."""
    operation = record["operation"]
    if operation is None or now < operation["deadline"]:
        return False
    record["operation"] = None
    record["updated_at"] = operation["deadline"]
    outcome = operation["outcome"]
    record["state"], record["scale"], record["stage_desc"] = "running", "", None
    if outcome == "apply":
        removed = set(operation["remove"])
        record["hosts"] = [host for host in record["hosts"] if host["id"] not in removed]
        if operation["task_group"]:
            record["groups"]["task"] = operation["task_group"]
        add_new_hosts(record, operation["role"], operation["add"])
    elif outcome in FAILURE_OUTCOMES:
        record["stage_desc"] = FAILED_STAGE[operation["kind"]]
        if outcome == "scaling-error":
            record["scale"] = "scaling-error"
        else:
            record["state"] = outcome
    return True


def node_group_view(record, role):
    spec = record["groups"][role]
    flavor = spec["node_size"]
    return {
        "GroupName": GROUP_NAMES[role], "NodeNum": count_role(record, role), "NodeSize": flavor,
        "NodeSpecId": derived_id("spec", flavor), "VmProductId": "", "VmSpecCode": None,
        "NodeProductId": derived_id("product", flavor), "RootVolumeSize": ROOT_VOLUME_SIZE,
        "RootVolumeProductId": derived_id("volume", "SAS"), "RootVolumeType": "SAS",
        "RootVolumeResourceSpecCode": "", "RootVolumeResourceType": "",
        "DataVolumeType": spec["data_volume_type"], "DataVolumeCount": spec["data_volume_count"],
        "DataVolumeSize": spec["data_volume_size"], "DataVolumeProductId": derived_id("volume", spec["data_volume_type"]),
        "DataVolumeResourceSpecCode": "", "DataVolumeResourceType": "",
    }


def cluster_view(record, region, now):
    """The cluster as GET cluster_infos/{id} shows it: wire names and types of the real API.

    Documented choices where the live API is unconfirmed: node-group keys are PascalCase (current SDKs,
    terraform #9226); stageDesc is null when idle; the keys are isMrsManagerFinish and bootstrapScripts
    (the vendor SDK's spelling).
    """
    operation = record["operation"]
    if operation:
        stages = STAGES[operation["kind"]]
        duration = operation["deadline"] - operation["started"]
        progress = (now - operation["started"]) / duration if duration > 0 else 1.0
        state, scale = operation["kind"], operation["kind"]
        stage = stages[min(int(progress * len(stages)), len(stages) - 1)]
    else:
        state, scale, stage = record["state"], record["scale"], record["stage_desc"]
    cid = record["id"]
    masters = [host for host in record["hosts"] if host["role"] == "master"]
    master_ip = masters[0]["ip"] if masters else ""
    task_groups = [node_group_view(record, "task")] if record["groups"]["task"] else []
    master, core = record["groups"]["master"], record["groups"]["core"]
    prepaid = record["billing_type"] == "Yearly/Monthly"
    return {
        "clusterId": cid, "clusterName": record["name"], "totalNodeNum": str(len(record["hosts"])),
        "clusterState": state, "stageDesc": stage,
        "createAt": str(int(record["created_at"])), "updateAt": str(int(record["updated_at"])),
        "chargingStartTime": str(int(record["created_at"])), "billingType": record["billing_type"],
        "dataCenter": region, "vpc": "vpc-mrs-emulator", "vpcId": derived_uuid("vpc", cid), "duration": "1" if prepaid else "0",
        "fee": "0", "hadoopVersion": "",
        "componentList": [{"componentId": "%s_%03d" % (record["version"], index + 1), "componentName": name,
                           "componentVersion": version, "componentDesc": desc}
                          for index, (name, version, desc) in enumerate(COMPONENTS)],
        "externalIp": None, "externalAlternateIp": None, "internalIp": master_ip, "deploymentId": None, "remark": "",
        "orderId": derived_id("order", cid) if prepaid else None,
        "azId": derived_id("az", region), "azName": region + "a", "azCode": region + "a", "availabilityZoneId": region + "a",
        "instanceId": None, "vnc": None, "tenantId": record["project_id"], "volumeSize": core["data_volume_size"],
        "volumeType": core["data_volume_type"], "subnetId": derived_uuid("subnet", cid), "subnetName": "subnet-mrs-emulator",
        "securityGroupsId": derived_uuid("secgroup", cid), "slaveSecurityGroupsId": derived_uuid("secgroup", cid),
        "bootstrapScripts": [], "safeMode": 1, "clusterVersion": record["version"], "nodePublicCertName": "mrs-emulator-keypair",
        "masterNodeIp": master_ip, "privateIpFirst": master_ip, "errorInfo": "", "tags": "",
        "masterNodeNum": str(count_role(record, "master")), "coreNodeNum": str(count_role(record, "core")),
        "masterNodeSize": master["node_size"], "coreNodeSize": core["node_size"],
        "masterNodeProductId": derived_id("product", master["node_size"]), "masterNodeSpecId": derived_id("spec", master["node_size"]),
        "coreNodeProductId": derived_id("product", core["node_size"]), "coreNodeSpecId": derived_id("spec", core["node_size"]),
        "masterDataVolumeType": master["data_volume_type"], "masterDataVolumeSize": master["data_volume_size"],
        "masterDataVolumeCount": master["data_volume_count"], "coreDataVolumeType": core["data_volume_type"],
        "coreDataVolumeSize": core["data_volume_size"], "coreDataVolumeCount": core["data_volume_count"],
        "enterpriseProjectId": "0", "isMrsManagerFinish": True, "clusterType": 0, "logCollection": 1,
        "periodType": 0, "scale": scale,
        "nodeGroups": [node_group_view(record, "master"), node_group_view(record, "core")] + task_groups,
        "taskNodeGroups": task_groups,
        "eipId": None, "eipAddress": None, "eipv6Address": None, "azCategory": 0,
    }


def host_view(record, host, region):
    spec = record["groups"][host["role"]]
    cpu, mem = flavor_resources(spec["node_size"])
    return {
        "id": host["id"], "name": host["name"], "ip": host["ip"], "availability_zone_id": region + "a", "tags": [],
        "status": "ACTIVE", "resource_id": host["resource_id"], "flavor": spec["node_size"], "type": HOST_TYPES[host["role"]],
        "mem": mem, "cpu": cpu, "root_volume_size": str(ROOT_VOLUME_SIZE), "data_volume_type": spec["data_volume_type"],
        "data_volume_size": spec["data_volume_size"], "data_volume_count": spec["data_volume_count"],
        "node_group_name": GROUP_NAMES[host["role"]],
    }


def sorted_hosts(record):
    return sorted(record["hosts"], key=lambda host: (ROLE_ORDER.index(host["role"]), host["seq"]))


class Store:
    """The clusters and their persistence (the lock is the Cloud's)."""

    # -- persistence and lazy transitions ------------------------------------------------------------

    def _save(self):
        """Write the clusters atomically: temp file in the same folder, fsync, rename."""
        if not self.config.state:
            return
        folder = os.path.dirname(os.path.abspath(self.config.state))
        data = json.dumps({"format": 1, "seq": self.seq, "clusters": list(self.clusters.values())}, indent=1)
        with tempfile.NamedTemporaryFile("w", dir=folder, prefix=".mrs-emulator-", suffix=".tmp", delete=False,
                                         encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, self.config.state)

    def _record(self, cluster_id, now):
        """The record with its pending operation settled (saved if that changed it), or None."""
        record = self.clusters.get(cluster_id)
        if record is not None and settle(record, now):
            self._save()
        return record

    def _settle_all(self, now):
        changed = [record for record in self.clusters.values() if settle(record, now)]
        if changed:
            self._save()

    def _control_view(self, record, now):
        operation = record["operation"]
        return {"cluster": cluster_view(record, self.config.region, now),
                "emulator": {"project_id": record["project_id"], "scale_seconds": record["scale_seconds"],
                             "fail_next_scale": record["fail_next_scale"],
                             "operation": operation and {"kind": operation["kind"], "role": operation["role"],
                                                         "outcome": operation["outcome"], "deadline": operation["deadline"],
                                                         "ends_in": max(0.0, operation["deadline"] - now)}}}
