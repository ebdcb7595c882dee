"""Cluster records (plain JSON data, persisted as is) and their state machine; views.py shows them."""

import json
import os
import tempfile
import uuid

from .common import (BILLING_TYPES, DEFAULT_ACCEPT_DELAY, DEFAULT_GROUPS, DEFAULT_NODE_SIZE, DEFAULT_TASK_NODE_SIZE,
                     DEFAULT_VOLUME, FAILED_STAGE, FAILURE_OUTCOMES, KINDS, MASTER_GROUP, RUNNING_NODE, STAGES, random_suffix)


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


def add_host(record, group_name, name):
    number = record["next_host"]
    record["next_host"] += 1
    record["hosts"].append({
        "id": str(uuid.uuid4()), "resource_id": str(uuid.uuid4()), "name": name, "group": group_name, "seq": number,
        "ip": "192.168.%d.%d" % (number // 250, number % 250 + 2), "state": RUNNING_NODE})


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
    prepaid = is_prepaid_billing(fields.get("billing_type"))
    master_count = fields.get("master", 3 if kind_of_cluster == "custom" else 2)
    groups = [(new_group(MASTER_GROUP, "master", DEFAULT_NODE_SIZE, prepaid), master_count)]
    for kind, name in DEFAULT_GROUPS[kind_of_cluster]:
        if kind == "core":
            groups.append((new_group(name, "core", DEFAULT_NODE_SIZE, prepaid), fields.get("core", 3)))
        elif fields.get("task", 0) or task_size:
            # Task groups cannot be prepaid (terraform-provider-huaweicloud): they stay pay-per-use.
            groups.append((new_group(name, "task", task_size or DEFAULT_TASK_NODE_SIZE), fields.get("task", 0)))
    return groups


def is_prepaid_billing(billing_type):
    """billing_type of a create (Metered, Yearly/Monthly, 12 or 11; None = pay-per-use) is yearly/monthly."""
    return BILLING_TYPES.get(billing_type) == "Yearly/Monthly"


def is_prepaid(record):
    return BILLING_TYPES.get(record["billing_type"]) == "Yearly/Monthly"


def given_groups(fields):
    prepaid = is_prepaid_billing(fields.get("billing_type"))
    return [(new_group(item["name"], item["kind"], item.get("node_size") or (
        DEFAULT_TASK_NODE_SIZE if item["kind"] == "task" else DEFAULT_NODE_SIZE), prepaid and item["kind"] != "task"),
        item["count"]) for item in fields["node_groups"]]


def new_cluster_record(fields, defaults, now, seq):
    record = {
        "id": fields["id"], "name": fields["name"], "project_id": fields.get("project_id") or defaults["project_id"],
        "type": fields.get("type", "analysis"), "state": "running", "scale": "", "stage_desc": None,
        "billing_type": BILLING_TYPES[fields.get("billing_type", "Metered")], "version": fields.get("version", "MRS 3.1.0"),
        "scale_seconds": float(fields.get("scale_seconds", defaults["scale_seconds"])),
        "accept_delay": float(fields.get("accept_delay", DEFAULT_ACCEPT_DELAY)), "fail_next_scale_applied": 0,
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
    """A record as this emulator keeps it, from any saved format: fields added later take their old behaviour."""
    if not isinstance(record["groups"], list):
        migrate_format_1(record)
    record.setdefault("fail_next_scale_applied", 0)
    for host in record["hosts"]:
        host.setdefault("state", RUNNING_NODE)
    return record


def migrate_format_1(record):
    """A record saved by the emulator before cluster types (state format 1): an analysis cluster."""
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


def start_operation(record, kind, now, outcome, group=None, add=0, remove=(), task_group=None, via="v1.1", applied=0):
    """Start a scale operation: the cluster stays running with its old counts for accept_delay seconds, then shows
    kind (scaling-out | scaling-in) for scale_seconds, then settles. A failed outcome still adds or removes `applied`
    of its nodes (a scale that ends partly applied)."""
    accepted_until = now + (record.get("accept_delay", 0) if outcome != "noop" else 0)
    record["operation"] = {"kind": kind, "group": group, "started": accepted_until, "accepted": now,
                           "deadline": accepted_until + record["scale_seconds"], "add": add, "remove": list(remove),
                           "task_group": task_group, "outcome": outcome, "via": via, "applied": applied}
    record["updated_at"] = now


def apply_operation(record, operation, count=None):
    """Add the operation's nodes and remove its hosts: all of them, or only the first `count` (a partial outcome)."""
    add = operation["add"] if count is None else min(count, operation["add"])
    remove = operation["remove"] if count is None else operation["remove"][:count]
    removed = set(remove)
    record["hosts"] = [host for host in record["hosts"] if host["id"] not in removed]
    if operation["task_group"] and add:
        existing = find_group(record, operation["task_group"]["name"])
        if existing:
            existing.update(operation["task_group"])
        else:
            record["groups"].append(operation["task_group"])
    add_new_hosts(record, operation["group"], add)


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
        apply_operation(record, operation)
    elif outcome in FAILURE_OUTCOMES:
        apply_operation(record, operation, operation.get("applied", 0))
        record["stage_desc"] = FAILED_STAGE[operation["kind"]]
        if outcome == "scaling-error":
            record["scale"] = "scaling-error"
        else:
            record["state"] = outcome
    return True


def shown_state(record, now):
    """(clusterState, scale, stageDesc) as the API shows them now; an accepted resize shows only after accept_delay."""
    operation = record["operation"]
    if operation and now >= operation["started"]:
        stages = STAGES[operation["kind"]]
        duration = operation["deadline"] - operation["started"]
        progress = (now - operation["started"]) / duration if duration > 0 else 1.0
        return operation["kind"], operation["kind"], stages[min(int(progress * len(stages)), len(stages) - 1)]
    return record["state"], record["scale"], record["stage_desc"]


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


def cluster_view(record, region, now):
    """The details view, for code that imported it from here before views.py held the views (the collection's unit
    tests build clusters with new_cluster_record and read them through this)."""
    # views imports this module: import it when called
    from .views import cluster_view as view  # pylint: disable=import-outside-toplevel
    return view(record, region, now)
