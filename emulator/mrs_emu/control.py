"""Control routes (/_emulator/...): create, inspect and force clusters; reset."""

import re
import time
import uuid

from .common import (BILLING_TYPES, CLUSTER_STATES, CLUSTER_TYPES, DEFAULT_GROUPS, FAILURE_OUTCOMES, GROUP_NAME_RE, KINDS,
                     MAX_CORE_AND_TASK, NODE_STATES, SCALE_VALUES, SCALING_STATES, ControlError, is_int, is_number, require,
                     require_object)
from .state import count_group, new_cluster_record, sorted_groups, sorted_hosts, start_operation
from .views import cluster_view, host_view

CREATE_FIELDS = ("name", "core", "task", "master", "state", "billing_type", "version", "task_node_size", "id",
                 "project_id", "scale_seconds", "type", "node_groups", "accept_delay", "tags", "enterprise_project_id")
PATCH_FIELDS = ("state", "scale", "scale_seconds", "fail_next_scale", "accept_delay", "fail_next_scale_applied", "node_states")
GROUP_FIELDS = ("name", "count", "kind", "node_size")


def check_node_groups(groups):
    """node_groups: [{"name", "count", "kind": master | core | task, "node_size"}], at least one master and one core group."""
    require(isinstance(groups, list) and groups, "node_groups must be a non-empty list")
    for index, group in enumerate(groups):
        where = "node_groups[%d]" % index
        require(isinstance(group, dict) and not set(group) - set(GROUP_FIELDS),
                "%s must be an object with %s" % (where, ", ".join(GROUP_FIELDS)))
        require(isinstance(group.get("name"), str) and re.match(GROUP_NAME_RE, group["name"]),
                "%s.name must be 1 to 64 letters, digits, _ or -" % where)
        require(group.get("kind") in KINDS, "%s.kind must be master, core or task" % where)
        low = 0 if group["kind"] == "task" else 1
        require(is_int(group.get("count")) and group["count"] >= low, "%s.count must be an integer >= %d" % (where, low))
        require(group.get("node_size") is None or (isinstance(group["node_size"], str) and group["node_size"]),
                "%s.node_size must be a non-empty string" % where)
    names = [group["name"] for group in groups]
    require(len(set(names)) == len(names), "node_groups names must be unique")
    kinds = [group["kind"] for group in groups]
    require("master" in kinds and "core" in kinds, "node_groups needs a master and a core group")
    require(sum(group["count"] for group in groups if group["kind"] != "master") <= MAX_CORE_AND_TASK,
            "the core and task groups may hold at most %d nodes" % MAX_CORE_AND_TASK)


def check_create(body):
    require_object(body, CREATE_FIELDS)
    require(isinstance(body.get("name"), str) and body["name"], "name is required")
    for field, low in (("core", 1), ("task", 0), ("master", 1)):
        require(field not in body or (is_int(body[field]) and body[field] >= low), "%s must be an integer >= %d" % (field, low))
    require(body.get("type", "analysis") in CLUSTER_TYPES, "type must be one of " + ", ".join(CLUSTER_TYPES))
    if "node_groups" in body:
        check_node_groups(body["node_groups"])
        require(not set(body) & {"core", "task", "master", "task_node_size"},
                "node_groups replaces core, task, master and task_node_size: give one or the other")
    copies = sum(1 for kind, _name in DEFAULT_GROUPS[body.get("type", "analysis")] if kind == "core")
    require(copies * (body.get("core", 3) + body.get("task", 0)) <= MAX_CORE_AND_TASK, "core + task must be <= %d" % MAX_CORE_AND_TASK)
    require("accept_delay" not in body or (is_number(body["accept_delay"]) and 0 <= body["accept_delay"] <= 3600),
            "accept_delay must be a number of seconds from 0 to 3600")
    require("tags" not in body or (isinstance(body["tags"], dict) and all(
        isinstance(key, str) and key and isinstance(value, str) for key, value in body["tags"].items())),
        "tags must be an object of strings")
    require(body.get("state", "running") in CLUSTER_STATES, "state must be one of " + ", ".join(CLUSTER_STATES))
    require(body.get("billing_type", "Metered") in BILLING_TYPES,
            "billing_type must be Metered or 12 (pay-per-use), Yearly/Monthly or 11 (yearly/monthly)")
    for field in ("version", "task_node_size", "id", "project_id", "enterprise_project_id"):
        require(field not in body or (isinstance(body[field], str) and body[field]), "%s must be a non-empty string" % field)
    require("scale_seconds" not in body or (is_number(body["scale_seconds"]) and body["scale_seconds"] >= 0),
            "scale_seconds must be a number >= 0")


def check_patch(body, record):
    require_object(body, PATCH_FIELDS)
    require("state" not in body or body["state"] in CLUSTER_STATES, "state must be one of " + ", ".join(CLUSTER_STATES))
    require("scale" not in body or body["scale"] in SCALE_VALUES,
            "scale must be one of %r (force a scaling-out/scaling-in state instead)" % (SCALE_VALUES,))
    scaling = body["state"] in SCALING_STATES if "state" in body else record["operation"] is not None
    require("scale" not in body or not scaling, "scale cannot be set while a scale operation is in progress")
    require("scale_seconds" not in body or (is_number(body["scale_seconds"]) and body["scale_seconds"] >= 0),
            "scale_seconds must be a number >= 0")
    require(body.get("fail_next_scale") in FAILURE_OUTCOMES + (None,), "fail_next_scale must be failed, abnormal, scaling-error or null")
    require("accept_delay" not in body or (is_number(body["accept_delay"]) and 0 <= body["accept_delay"] <= 3600),
            "accept_delay must be a number of seconds from 0 to 3600")
    require("fail_next_scale_applied" not in body or (is_int(body["fail_next_scale_applied"]) and body["fail_next_scale_applied"] >= 0),
            "fail_next_scale_applied must be an integer >= 0 (how many nodes a failed scale still adds or removes)")
    if "node_states" in body:
        check_node_states(body["node_states"], record)


def check_node_states(states, record):
    """node_states: {host id | resource_id | node name: state}; every key one host of the cluster."""
    require(isinstance(states, dict) and states, "node_states must be an object {host id, resource_id or name: state}")
    for key, state in states.items():
        require(state in NODE_STATES, "node_states[%r] must be one of %s" % (key, ", ".join(NODE_STATES)))
        require(find_host(record, key) is not None, "node_states: no host %r in cluster %s (give its id, resource_id or name)"
                % (key, record["id"]))


def find_host(record, key):
    return next((host for host in record["hosts"] if key in (host["id"], host["resource_id"], host["name"])), None)


class ControlMixin:
    """What the control routes do to the clusters."""

    def _control_view(self, record, now):
        operation = record["operation"]
        return {"cluster": cluster_view(record, self.config.region, now),
                "emulator": {"project_id": record["project_id"], "type": record["type"], "scale_seconds": record["scale_seconds"],
                             "accept_delay": record["accept_delay"], "fail_next_scale": record["fail_next_scale"],
                             "fail_next_scale_applied": record.get("fail_next_scale_applied", 0),
                             "billing_type": BILLING_TYPES[record["billing_type"]], "node_states": {
                                 host["id"]: host["state"] for host in record["hosts"] if host.get("state", "started") != "started"},
                             "groups": [{"name": group["name"], "kind": group["kind"], "count": count_group(record, group["name"]),
                                         "prepaid": group["prepaid"]} for group in sorted_groups(record)],
                             "orders": [dict(order, order_id=order_id) for order_id, order in sorted(record["orders"].items())],
                             "operation": operation and {"kind": operation["kind"], "group": operation["group"], "via": operation["via"],
                                                         "outcome": operation["outcome"], "deadline": operation["deadline"],
                                                         "ends_in": max(0.0, operation["deadline"] - now)}}}

    def create_cluster(self, body):
        check_create(body)
        now = time.time()
        with self.lock:
            fields = dict(body, id=body.get("id") or str(uuid.uuid4()))
            if fields["id"] in self.clusters:
                raise ControlError(409, "cluster %s already exists" % fields["id"])
            self.seq += 1
            record = new_cluster_record(fields, {"project_id": self.config.project_id, "scale_seconds": self.config.scale_seconds},
                                        now, self.seq)
            self._force_state(record, fields.get("state", "running"), now)
            self.clusters[record["id"]] = record
            self._save()
            return self._control_view(record, now)

    @staticmethod
    def _force_state(record, state, now):
        if state in SCALING_STATES:
            start_operation(record, state, now, outcome="noop")
        else:
            record.update(operation=None, state=state, scale="", stage_desc=None, updated_at=now)

    def patch_cluster(self, cluster_id, body):
        now = time.time()
        with self.lock:
            record = self._control_record(cluster_id, now)
            check_patch(body, record)
            if "scale_seconds" in body:
                record["scale_seconds"] = float(body["scale_seconds"])
            if "accept_delay" in body:
                record["accept_delay"] = float(body["accept_delay"])
            if "state" in body:
                self._force_state(record, body["state"], now)
            if "scale" in body:
                record["scale"] = body["scale"]
            if "fail_next_scale" in body:
                record["fail_next_scale"] = body["fail_next_scale"]
            if "fail_next_scale_applied" in body:
                record["fail_next_scale_applied"] = body["fail_next_scale_applied"]
            for key, state in (body.get("node_states") or {}).items():
                find_host(record, key)["state"] = state
                record["updated_at"] = now
            self._save()
            return self._control_view(record, now)

    def _control_record(self, cluster_id, now):
        record = self._record(cluster_id, now)
        if record is None:
            raise ControlError(404, "no cluster %s" % cluster_id)
        return record

    def get_cluster(self, cluster_id):
        now = time.time()
        with self.lock:
            return self._control_view(self._control_record(cluster_id, now), now)

    def all_clusters(self):
        now = time.time()
        with self.lock:
            self._settle_all(now)
            return {"clusters": [self._control_view(record, now) for record in sorted(self.clusters.values(), key=lambda r: r["seq"])]}

    def all_hosts(self, cluster_id):
        with self.lock:
            record = self._control_record(cluster_id, time.time())
            hosts = [host_view(record, host, self.config.region) for host in sorted_hosts(record)]
        return {"total": len(hosts), "hosts": hosts}

    def pay_order(self, order_id):
        """POST /_emulator/orders/{order_id}/pay: the order's scale-out starts (the same state machine as any resize)."""
        now = time.time()
        with self.lock:
            self._settle_all(now)
            record = next((item for item in self.clusters.values() if order_id in item["orders"]), None)
            if record is None:
                raise ControlError(404, "no order %s" % order_id)
            order = record["orders"][order_id]
            if order["paid"]:
                raise ControlError(409, "order %s is already paid" % order_id)
            if record["operation"] or record["state"] != "running":
                raise ControlError(409, "cluster %s is busy (%s); pay the order when it is running" % (record["id"], record["state"]))
            order["paid"] = True
            self._start(record, {"kind": "scaling-out", "group": order["group"], "add": order["count"]}, now, via="order")
            return dict(self._control_view(record, now), order=dict(order, order_id=order_id))

    def reset(self):
        with self.lock:
            self.clusters.clear()
            self.faults.clear()
            self.requests.clear()
            self._save()
        return {"result": "reset"}
