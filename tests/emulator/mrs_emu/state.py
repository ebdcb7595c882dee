"""Cluster records (plain JSON data, persisted as is), their state machine and their API views."""

import json
import os
import tempfile
import uuid

from .common import (CLUSTER_TYPES, COMPONENTS, DEFAULT_GROUPS, DEFAULT_NODE_SIZE, DEFAULT_TASK_NODE_SIZE, DEFAULT_VOLUME,
                     FAILED_STAGE, FAILURE_OUTCOMES, HOST_TYPE_PREFIX, KINDS, MASTER_GROUP, ROOT_VOLUME_SIZE, STAGES, derived_id,
                     derived_uuid, flavor_resources, random_suffix)


def group_spec(flavor):
    return dict(DEFAULT_VOLUME, node_size=flavor)


def new_group(name, kind, flavor, prepaid=False):
    """A node group: its name, kind (master | core | task: the rules it follows), flavor, disks and billing."""
    return dict(group_spec(flavor), name=name, kind=kind, prepaid=prepaid)


def find_group(record, name):
    return next((group for group in record["groups"] if group["name"] == name), None)


def groups_of_kind(record, kind):
    return [group for group in record["groups"] if group["kind"] == kind]


def sorted_groups(record):
    """Master groups first, then core, then task groups, each kind in creation order (as MRS lists them)."""
    return sorted(record["groups"], key=lambda group: KINDS.index(group["kind"]))


def count_group(record, name):
    return sum(1 for host in record["hosts"] if host["group"] == name)


def count_kind(record, kind):
    names = {group["name"] for group in groups_of_kind(record, kind)}
    return sum(1 for host in record["hosts"] if host["group"] in names)


def host_type(record, group):
    """The hosts route's "type" for a host of group (see HOST_TYPE_PREFIX)."""
    if group["kind"] == "master":
        return "Master"
    title = group["kind"].title()
    if record["type"] == "mixed":
        return ("Streaming_" if "streaming" in group["name"] else "Analysis_") + title
    return HOST_TYPE_PREFIX[record["type"]] + title


def add_host(record, group_name, name):
    number = record["next_host"]
    record["next_host"] += 1
    record["hosts"].append({
        "id": str(uuid.uuid4()), "resource_id": str(uuid.uuid4()), "name": name, "group": group_name, "seq": number,
        "ip": "192.168.%d.%d" % (number // 250, number % 250 + 2)})


def initial_host_name(record, group, index):
    """Names of the hosts a cluster is created with: the OTC example's style on the default groups
    (<clusterId>_node_master1_XXXXX, <clusterId>_node_core_XXXXX), <clusterId>_<group>XXXX on custom ones."""
    cid = record["id"]
    if group["kind"] == "master":
        return "%s_node_master%d_%s" % (cid, index + 1, random_suffix())
    if record["type"] == "custom":
        return "%s_%s%s" % (cid, group["name"], random_suffix(4))
    stream = "streaming_" if "streaming" in group["name"] else ""
    return "%s_node_%s%s_%s" % (cid, stream, group["kind"], random_suffix())


def add_new_hosts(record, group_name, count):
    """Nodes added by a scale-out are named <clusterId>_<group>XXXX-NNNN, the style TF's host parser reads."""
    taken = {host["name"] for host in record["hosts"]}
    for _index in range(count):
        name = "%s_%s%s-%04d" % (record["id"], group_name, random_suffix(4), record["next_host"] % 10000)
        while name in taken:
            name = "%s_%s%s-%04d" % (record["id"], group_name, random_suffix(4), record["next_host"] % 10000)
        taken.add(name)
        add_host(record, group_name, name)


def default_groups(fields):
    """[(group, count)] for a create without node_groups: the groups MRS gives the cluster type.

    core/task/master set the counts (on a mixed cluster each of its two core/task groups gets them); a task
    group exists only with task > 0 or task_node_size (a cluster that never had Task nodes has none).
    """
    kind_of_cluster = fields.get("type", "analysis")
    task_size = fields.get("task_node_size")
    prepaid = fields.get("billing_type") == "Yearly/Monthly"
    master_count = fields.get("master", 3 if kind_of_cluster == "custom" else 2)
    groups = [(new_group(MASTER_GROUP, "master", DEFAULT_NODE_SIZE, prepaid), master_count)]
    for kind, name in DEFAULT_GROUPS[kind_of_cluster]:
        if kind == "core":
            groups.append((new_group(name, "core", DEFAULT_NODE_SIZE, prepaid), fields.get("core", 3)))
        elif fields.get("task", 0) or task_size:
            # Task groups cannot be prepaid (terraform-provider-huaweicloud): they stay pay-per-use.
            groups.append((new_group(name, "task", task_size or DEFAULT_TASK_NODE_SIZE), fields.get("task", 0)))
    return groups


def given_groups(fields):
    prepaid = fields.get("billing_type") == "Yearly/Monthly"
    return [(new_group(item["name"], item["kind"], item.get("node_size") or (
        DEFAULT_TASK_NODE_SIZE if item["kind"] == "task" else DEFAULT_NODE_SIZE), prepaid and item["kind"] != "task"),
        item["count"]) for item in fields["node_groups"]]


def new_cluster_record(fields, defaults, now, seq):
    record = {
        "id": fields["id"], "name": fields["name"], "project_id": fields.get("project_id") or defaults["project_id"],
        "type": fields.get("type", "analysis"), "state": "running", "scale": "", "stage_desc": None,
        "billing_type": fields.get("billing_type", "Metered"), "version": fields.get("version", "MRS 3.1.0"),
        "scale_seconds": float(fields.get("scale_seconds", defaults["scale_seconds"])),
        "accept_delay": float(fields.get("accept_delay", 0)),
        "tags": dict(fields.get("tags") or {}), "enterprise_project_id": fields.get("enterprise_project_id", "0"),
        "created_at": now, "updated_at": now, "seq": seq,
        "groups": [], "hosts": [], "next_host": 0, "operation": None, "fail_next_scale": None, "orders": {},
        "policies": {},
    }
    for group, count in (given_groups(fields) if fields.get("node_groups") else default_groups(fields)):
        record["groups"].append(group)
        for index in range(count):
            add_host(record, group["name"], initial_host_name(record, group, index))
    return record


def migrate_record(record):
    """A record saved by the emulator before cluster types (state format 1): an analysis cluster."""
    if isinstance(record["groups"], list):
        return record
    names = {"master": MASTER_GROUP, "core": "core_node_analysis_group", "task": "task_node_analysis_group"}
    record["groups"] = [dict(spec, name=names[role], kind=role, prepaid=False)
                        for role, spec in sorted(record["groups"].items(), key=lambda item: KINDS.index(item[0])) if spec]
    for host in record["hosts"]:
        host["group"] = names[host.pop("role")]
    operation = record["operation"]
    if operation:
        operation["group"] = names.get(operation.pop("role"))
        operation.update(via="v1.1", accepted=operation["started"])
        if operation.get("task_group"):
            operation["task_group"] = dict(operation["task_group"], name=names["task"], kind="task", prepaid=False)
    record.update(type="analysis", accept_delay=0.0, tags={}, enterprise_project_id="0", orders={}, policies={})
    return record


def start_operation(record, kind, now, outcome, group=None, add=0, remove=(), task_group=None, via="v1.1"):
    """Start a scale operation: the cluster stays running with its old counts for accept_delay seconds, then shows
    kind (scaling-out | scaling-in) for scale_seconds, then settles."""
    accepted_until = now + (record.get("accept_delay", 0) if outcome != "noop" else 0)
    record["operation"] = {"kind": kind, "group": group, "started": accepted_until, "accepted": now,
                           "deadline": accepted_until + record["scale_seconds"], "add": add, "remove": list(remove),
                           "task_group": task_group, "outcome": outcome, "via": via}
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
            existing = find_group(record, operation["task_group"]["name"])
            if existing:
                existing.update(operation["task_group"])
            else:
                record["groups"].append(operation["task_group"])
        add_new_hosts(record, operation["group"], operation["add"])
    elif outcome in FAILURE_OUTCOMES:
        record["stage_desc"] = FAILED_STAGE[operation["kind"]]
        if outcome == "scaling-error":
            record["scale"] = "scaling-error"
        else:
            record["state"] = outcome
    return True


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


def shown_state(record, now):
    """(clusterState, scale, stageDesc) as the API shows them now; an accepted resize shows only after accept_delay."""
    operation = record["operation"]
    if operation and now >= operation["started"]:
        stages = STAGES[operation["kind"]]
        duration = operation["deadline"] - operation["started"]
        progress = (now - operation["started"]) / duration if duration > 0 else 1.0
        return operation["kind"], operation["kind"], stages[min(int(progress * len(stages)), len(stages) - 1)]
    return record["state"], record["scale"], record["stage_desc"]


def cluster_view(record, region, now):
    """The cluster as GET cluster_infos/{id} shows it: wire names and types of the real API.

    Documented choices where the live API is unconfirmed: node-group keys are PascalCase (current SDKs,
    terraform #9226); stageDesc is null when idle; the keys are isMrsManagerFinish and bootstrapScripts
    (the vendor SDK's spelling); masterNodeNum / coreNodeNum count every group of that kind.
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


def host_view(record, host, region):
    group = find_group(record, host["group"])
    cpu, mem = flavor_resources(group["node_size"])
    return {
        "id": host["id"], "name": host["name"], "ip": host["ip"], "availability_zone_id": region + "a", "tags": [],
        "status": "ACTIVE", "resource_id": host["resource_id"], "flavor": group["node_size"], "type": host_type(record, group),
        "mem": mem, "cpu": cpu, "root_volume_size": str(ROOT_VOLUME_SIZE), "data_volume_type": group["data_volume_type"],
        "data_volume_size": group["data_volume_size"], "data_volume_count": group["data_volume_count"],
        "node_group_name": group["name"],
    }


def sorted_hosts(record):
    order = {group["name"]: index for index, group in enumerate(sorted_groups(record))}
    return sorted(record["hosts"], key=lambda host: (order[host["group"]], host["seq"]))


class Store:
    """The clusters and their persistence (the lock is the Cloud's)."""

    # -- persistence and lazy transitions ------------------------------------------------------------

    def _save(self):
        """Write the clusters atomically: temp file in the same folder, fsync, rename."""
        if not self.config.state:
            return
        folder = os.path.dirname(os.path.abspath(self.config.state))
        data = json.dumps({"format": 2, "seq": self.seq, "clusters": list(self.clusters.values())}, indent=1)
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
                "emulator": {"project_id": record["project_id"], "type": record["type"], "scale_seconds": record["scale_seconds"],
                             "accept_delay": record["accept_delay"], "fail_next_scale": record["fail_next_scale"],
                             "groups": [{"name": group["name"], "kind": group["kind"], "count": count_group(record, group["name"]),
                                         "prepaid": group["prepaid"]} for group in sorted_groups(record)],
                             "orders": [dict(order, order_id=order_id) for order_id, order in sorted(record["orders"].items())],
                             "operation": operation and {"kind": operation["kind"], "group": operation["group"], "via": operation["via"],
                                                         "outcome": operation["outcome"], "deadline": operation["deadline"],
                                                         "ends_in": max(0.0, operation["deadline"] - now)}}}
