"""The auto-scaling policy routes: v2 POST / PUT / GET / DELETE autoscaling-policy/{cluster_id}, the legacy v1.1 POST,
and the control route that fires a group's enabled policy (POST /_emulator/clusters/{id}/policy-actions).

Scope (Huawei user guide mrs_01_24728, OTC v1.1 "only Task nodes support auto scaling rules"): a policy only on a Task
group, and an enabled policy on one node group of the cluster at most. Both refusals answer 12000002 ("the parameter is
invalid", the only code the sources document on these routes; the live code is unconfirmed).
"""

import copy
import time

from .common import ApiError, ControlError, invalid, reply, require, require_object
from .policy import (check_policy, check_target, enabled_policy, is_int_adjustment, loosened, not_found, other_enabled_group,
                     policy_key, stored_view, with_defaults)
from .routes_v2 import body_object
from .scaling import check_removal, check_total, cluster_can_scale, newest_ids
from .state import count_group, find_group, groups_of_kind

LEGACY_TASK_GROUP = "task_node_default_group"


def policy_group(record, name):
    group = find_group(record, name)
    if group is None:
        raise invalid("node group %s does not exist in cluster %s" % (name, record["name"]))
    if group["kind"] != "task":
        raise invalid("node group %s is a %s group: only Task node groups support auto scaling" % (name, group["kind"].title()))
    return group


def check_one_enabled_group(record, group_name, policy):
    """An enabled policy only while no other node group of the cluster has one."""
    other = other_enabled_group(record, group_name) if policy.get("auto_scaling_enable") else None
    if other:
        raise invalid("node group %s already has an enabled auto scaling policy, and only one node group of a cluster may "
                      "have one: disable that policy first" % other)


class PolicyRoutes:
    """Policies are kept in record["policies"], keyed by group (and resource pool unless it is default)."""

    def _write_policy(self, project_id, cluster_id, body, creating):
        now = time.time()
        with self.lock:
            record = self._vendor_record(project_id, cluster_id, now)
            request = body_object(body)
            group_name, pool = check_target(request)
            policy_group(record, group_name)
            if request.get("auto_scaling_policy") is None:
                raise invalid("auto_scaling_policy is required")
            policy = with_defaults(request["auto_scaling_policy"])
            check_policy(policy)
            key = policy_key(group_name, pool)
            exists = key in record["policies"]
            if creating and exists:
                raise invalid("node group %s (resource pool %s) already has an auto scaling policy; update it with PUT" % (group_name, pool))
            if not creating and not exists:
                raise not_found(group_name, pool)
            check_one_enabled_group(record, group_name, policy)
            record["policies"][key] = {"node_group_name": group_name, "resource_pool_name": pool,
                                       "auto_scaling_policy": copy.deepcopy(policy)}
            record["updated_at"] = now
            self._save()
        return reply(200, {})

    def create_policy(self, project_id, cluster_id, body, **_):
        return self._write_policy(project_id, cluster_id, body, creating=True)

    def update_policy(self, project_id, cluster_id, body, **_):
        return self._write_policy(project_id, cluster_id, body, creating=False)

    def show_policy(self, project_id, cluster_id, **_):
        """A JSON list, one entry per group and resource pool (the SDK's ShowAutoScalingPolicyResponse.body)."""
        now = time.time()
        with self.lock:
            record = self._vendor_record(project_id, cluster_id, now)
            names = [group["name"] for group in record["groups"]]
            entries = sorted(record["policies"].values(), key=lambda entry: (
                names.index(entry["node_group_name"]) if entry["node_group_name"] in names else len(names), entry["resource_pool_name"]))
            return reply(200, [stored_view(entry) for entry in entries])

    def delete_policy(self, project_id, cluster_id, body, **_):
        now = time.time()
        with self.lock:
            record = self._vendor_record(project_id, cluster_id, now)
            group_name, pool = check_target(body_object(body), ("node_group_name", "resource_pool_name"))
            key = policy_key(group_name, pool)
            if key not in record["policies"]:
                raise not_found(group_name, pool)
            del record["policies"][key]
            record["updated_at"] = now
            self._save()
        return reply(200, {})

    def legacy_policy(self, project_id, cluster_id, body, **_):
        """v1.1 create-or-update: Task groups only (node_group task_node_default_group or a Task group's name), with
        exec_scripts. There is no v1.1 DELETE: auto_scaling_enable false turns the policy off."""
        now = time.time()
        with self.lock:
            record = self._vendor_record(project_id, cluster_id, now)
            request = body_object(body)
            if not isinstance(request, dict) or sorted(set(request) - {"node_group", "auto_scaling_policy"}):
                raise invalid("the body takes node_group and auto_scaling_policy")
            name = request.get("node_group")
            tasks = groups_of_kind(record, "task")
            if name == LEGACY_TASK_GROUP:
                group = tasks[0] if tasks else None
            else:
                group = find_group(record, name) if isinstance(name, str) else None
            if group is None or group["kind"] != "task":
                raise invalid("node_group must be %s or a Task node group of the cluster (only Task groups take a v1.1 policy)"
                              % LEGACY_TASK_GROUP)
            if request.get("auto_scaling_policy") is None:
                raise invalid("auto_scaling_policy is required")
            policy = loosened(request["auto_scaling_policy"])
            check_policy(policy, legacy=True)
            check_one_enabled_group(record, group["name"], policy)
            record["policies"][group["name"]] = {"node_group_name": group["name"], "resource_pool_name": "default",
                                                 "auto_scaling_policy": policy}
            record["updated_at"] = now
            self._save()
        return reply(200, {"result": "succeeded"})

    def policy_action(self, cluster_id, body):
        """POST /_emulator/clusters/{id}/policy-actions {"node_group", "adjustment"}: the enabled policy scales the group
        by adjustment, clamped to its min/max, through the same state machine as a resize. 409 without an enabled
        policy or while the cluster cannot scale; an adjustment the bounds reduce to 0 starts nothing."""
        require_object(body, ("node_group", "adjustment"))
        require(isinstance(body.get("node_group"), str) and body["node_group"], "node_group is required")
        require(is_int_adjustment(body.get("adjustment")), "adjustment must be a non-zero integer")
        now = time.time()
        with self.lock:
            record = self._control_record(cluster_id, now)
            group = find_group(record, body["node_group"])
            if group is None:
                raise ControlError(404, "no node group %s in cluster %s" % (body["node_group"], cluster_id))
            entry = enabled_policy(record, group["name"])
            if entry is None:
                raise ControlError(409, "node group %s has no enabled auto scaling policy" % group["name"])
            policy = entry["auto_scaling_policy"]
            have = count_group(record, group["name"])
            target = min(max(have + body["adjustment"], policy["min_capacity"]), policy["max_capacity"])
            applied = target - have
            if (body["adjustment"] > 0) != (applied > 0):
                applied = 0
            try:
                if applied:
                    cluster_can_scale(record)
                    if applied > 0:
                        check_total(record, applied)
                        plan = {"kind": "scaling-out", "group": group["name"], "add": applied}
                    else:
                        check_removal(record, group, -applied)
                        plan = {"kind": "scaling-in", "group": group["name"], "remove": newest_ids(record, group, -applied)}
                    self._start(record, plan, now, via="policy")
            except ApiError as err:
                raise ControlError(409, "the policy cannot scale node group %s now: %s" % (group["name"], err.message)) from err
            return dict(self._control_view(record, now), policy_action={
                "node_group": group["name"], "from": have, "to": have + applied, "applied": applied})
