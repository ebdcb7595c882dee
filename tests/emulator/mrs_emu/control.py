"""Control routes (/_emulator/...): create, inspect and force clusters; reset."""

import time
import uuid

from .common import (BILLING_TYPES, CLUSTER_STATES, FAILURE_OUTCOMES, MAX_CORE_AND_TASK, SCALE_VALUES, SCALING_STATES, ControlError,
                     is_int, is_number, require, require_object)
from .state import host_view, new_cluster_record, sorted_hosts, start_operation

CREATE_FIELDS = ("name", "core", "task", "master", "state", "billing_type", "version", "task_node_size", "id",
                 "project_id", "scale_seconds")
PATCH_FIELDS = ("state", "scale", "scale_seconds", "fail_next_scale")


def check_create(body):
    require_object(body, CREATE_FIELDS)
    require(isinstance(body.get("name"), str) and body["name"], "name is required")
    for field, low in (("core", 1), ("task", 0), ("master", 1)):
        require(field not in body or (is_int(body[field]) and body[field] >= low), "%s must be an integer >= %d" % (field, low))
    require(body.get("core", 3) + body.get("task", 0) <= MAX_CORE_AND_TASK, "core + task must be <= %d" % MAX_CORE_AND_TASK)
    require(body.get("state", "running") in CLUSTER_STATES, "state must be one of " + ", ".join(CLUSTER_STATES))
    require(body.get("billing_type", "Metered") in BILLING_TYPES, "billing_type must be Metered or Yearly/Monthly")
    for field in ("version", "task_node_size", "id", "project_id"):
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


class ControlMixin:
    """What the control routes do to the clusters."""

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
            if "state" in body:
                self._force_state(record, body["state"], now)
            if "scale" in body:
                record["scale"] = body["scale"]
            if "fail_next_scale" in body:
                record["fail_next_scale"] = body["fail_next_scale"]
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

    def reset(self):
        with self.lock:
            self.clusters.clear()
            self.faults.clear()
            self.requests.clear()
            self._save()
        return {"result": "reset"}
