# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The auto-scaling policy API's side: the policies MRS answers, read leniently, the one read of the list
(``list_policies``, the only function here that calls anything: the client it is given), and the body of a write.

- **Answers** (what MRS holds) are read leniently: a field the SDK's model makes optional may be missing (a rule without
  ``description``, a trigger without ``comparison_operator``, a policy without ``tags``), numbers may come as numbers or
  strings, fields this collection does not manage (``exec_scripts``) are ignored. Only what a write of that policy
  needs must be there.
- **The list**: every entry of the v2 GET list once, an entry that cannot be read failing the read; MRS's "policy not
  found" (POLICY_NOT_FOUND) means the cluster has none: ``list_policies`` returns [].

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from decimal import Decimal, InvalidOperation

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_options import (
    KEYS, SORTS, TIME_RE, as_list, canonical_number, minutes, normal_days)
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import whole_number_in


POLICY_NOT_FOUND = "MRS.00005016"  # MRS's "policy not found": the cluster has no policy
DEFAULT_POOL = "default"


def _held_bool(value, path, default=False):
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise PlanError(path, "must be a boolean (got %r)" % (value,))


def _held_count(value, path, default=None):
    if value is None and default is not None:
        return default
    return whole_number_in(path, value, 0, None, "must be a whole number (got {value!r})")


def _held_text(value, path):
    if not isinstance(value, str) or not value.strip():
        raise PlanError(path, "is required: a non-empty string (got %r)" % (value,))
    return value


def _held_object(value, path):
    if not isinstance(value, dict):
        raise PlanError(path, "must be an object (got %s)" % type(value).__name__)
    return value


def _held_metric_value(value, path):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PlanError(path, "must be a number (got %r)" % (value,))
    try:
        number = Decimal(value.strip() if isinstance(value, str) else repr(value))
    except InvalidOperation:
        raise PlanError(path, "must be a number (got %r)" % (value,))
    if not number.is_finite():
        raise PlanError(path, "must be a number (got %r)" % (value,))
    return canonical_number(str(number))


def _held_trigger(trigger, path):
    _held_object(trigger, path)
    operator = trigger.get("comparison_operator")
    if operator is not None and not isinstance(operator, str):
        raise PlanError(path + ".comparison_operator", "must be a string (got %r)" % (operator,))
    return {"metric_name": _held_text(trigger.get("metric_name"), path + ".metric_name"),
            "metric_value": _held_metric_value(trigger.get("metric_value"), path + ".metric_value"),
            "comparison_operator": operator or None,
            "evaluation_periods": _held_count(trigger.get("evaluation_periods"), path + ".evaluation_periods")}


def _held_rule(rule, path):
    _held_object(rule, path)
    description = rule.get("description")
    if description is not None and not isinstance(description, str):
        raise PlanError(path + ".description", "must be a string (got %r)" % (description,))
    return {"name": _held_text(rule.get("name"), path + ".name"), "description": description or "",
            "adjustment_type": _held_text(rule.get("adjustment_type"), path + ".adjustment_type"),
            "cool_down_minutes": _held_count(rule.get("cool_down_minutes"), path + ".cool_down_minutes"),
            "scaling_adjustment": _held_count(rule.get("scaling_adjustment"), path + ".scaling_adjustment"),
            "trigger": _held_trigger(rule.get("trigger"), path + ".trigger")}


def _held_time(value, path):
    if not isinstance(value, str) or not TIME_RE.match(value.strip()):
        raise PlanError(path, "must be a time H:mm (got %r)" % (value,))
    return "%02d:%02d" % divmod(minutes(value.strip()), 60)


def _held_plan(plan, path):
    _held_object(plan, path)
    period = plan.get("period_type") or "daily"
    if not isinstance(period, str):
        raise PlanError(path + ".period_type", "must be a string (got %r)" % (period,))
    return {"period_type": period, "start_time": _held_time(plan.get("start_time"), path + ".start_time"),
            "end_time": _held_time(plan.get("end_time"), path + ".end_time"),
            "min_capacity": _held_count(plan.get("min_capacity"), path + ".min_capacity"),
            "max_capacity": _held_count(plan.get("max_capacity"), path + ".max_capacity"),
            "effective_days": normal_days(plan.get("effective_days"), path + ".effective_days", strict=False)}


def _held_tag(tag, path):
    _held_object(tag, path)
    value = tag.get("value")
    if value is not None and not isinstance(value, str):
        raise PlanError(path + ".value", "must be a string (got %r)" % (value,))
    return {"key": _held_text(tag.get("key"), path + ".key"), "value": value or ""}


def _held_items(policy, name, reader):
    items = [reader(item, "%s[%d]" % (name, index)) for index, item in enumerate(as_list(policy.get(name), name))]
    keys = [KEYS[name](item) for item in items]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise PlanError("%s[%d]" % (name, index), "%s is listed twice" % key)
    return sorted(items, key=SORTS[name])


def read_held(policy):
    """The policy MRS answered in normal form, read as the vendor SDK's models allow: what they make optional may be
    missing (``auto_scaling_enable`` reads as false, the capacities as 0, lists as empty, a rule's description as
    empty, a trigger's ``comparison_operator`` as None: MRS's own), numbers may be strings, fields this collection does
    not manage are ignored. Raises PlanError (the field's path) only for what a write of it would need."""
    _held_object(policy, "auto_scaling_policy")
    low = _held_count(policy.get("min_capacity"), "min_capacity", 0)
    high = _held_count(policy.get("max_capacity"), "max_capacity", 0)
    if low > high:
        raise PlanError("min_capacity", "must not exceed max_capacity (%d > %d)" % (low, high))
    return {"auto_scaling_enable": _held_bool(policy.get("auto_scaling_enable"), "enabled"), "min_capacity": low,
            "max_capacity": high, "rules": _held_items(policy, "rules", _held_rule),
            "resources_plans": _held_items(policy, "resources_plans", _held_plan), "tags": _held_items(policy, "tags", _held_tag)}


def normal_held(policy):
    """MRS's policy in normal form; an answer that cannot be read is a failure of the answer, not of the options."""
    try:
        return read_held(policy)
    except PlanError as error:
        raise MrsError("the auto-scaling policy MRS answered cannot be read: %s" % error) from error


def held_enabled(policy):
    """Whether MRS's policy is enabled (only that field read: another group's policy need not be readable as a whole)."""
    return _held_bool(policy.get("auto_scaling_enable"), "enabled") if isinstance(policy, dict) else False


def policy_entries(listed):
    """Every entry of MRS's GET list (as ``list_policies`` returns it) as (node group, resource pool, policy), in its
    order. An entry that cannot be read fails the read, naming it (nothing is silently left out); an entry repeated as
    it is counts once; two different policies for one group and pool fail the read."""
    if not isinstance(listed, list):
        raise MrsError("the auto-scaling policy list is not a list (got %s)" % type(listed).__name__)
    found, seen = [], {}
    for index, entry in enumerate(listed):
        name = entry.get("node_group_name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            raise MrsError("entry %d of the auto-scaling policy list names no node group" % index)
        pool = entry.get("resource_pool_name") or DEFAULT_POOL
        policy = entry.get("auto_scaling_policy")
        if not isinstance(pool, str) or not isinstance(policy, dict):
            raise MrsError("the auto-scaling policy of node group %s is not an object (entry %d, resource pool %s)" % (name, index, pool))
        if (name, pool) in seen:
            first, held = seen[(name, pool)]
            if held != policy:
                raise MrsError("the auto-scaling policy list holds two different policies for node group %s, resource pool %s "
                               "(entries %d and %d): it cannot be trusted" % (name, pool, first, index))
            continue
        seen[(name, pool)] = (index, policy)
        found.append((name, pool, policy))
    return found


def pool_policies(listed, node_group):
    """Every auto_scaling_policy MRS holds for the group, one per resource pool, from the GET list, in its order:
    [(resource_pool_name, policy)]; an entry without a pool name is the group's own (``default``)."""
    return [(pool, policy) for name, pool, policy in policy_entries(listed) if name == node_group]


def held_policy(listed, node_group, resource_pool):
    """The auto_scaling_policy MRS holds for the group and pool, from the GET list, or None."""
    for pool, policy in pool_policies(listed, node_group):
        if pool == resource_pool:
            return policy
    return None


def group_policies(listed, group_names):
    """{group name: [summary, ...]} of the GET list (``listed``, as ``list_policies`` returns it), each summary
    {resource_pool, enabled, min_capacity, max_capacity, rule_count, plan_count}, sorted by resource pool, for every name
    of ``group_names`` (an empty list for a group without policy), plus the groups the list names that are not in
    ``group_names``. A policy MRS answers that cannot be read fails (MrsError naming the group), never shown half."""
    found = dict((name, []) for name in group_names)
    for name, pool, policy in policy_entries(listed):
        try:
            normal = read_held(policy)
        except PlanError as error:
            raise MrsError("the auto-scaling policy of node group %s cannot be read: %s" % (name, error)) from error
        found.setdefault(name, []).append({
            "resource_pool": pool, "enabled": normal["auto_scaling_enable"],
            "min_capacity": normal["min_capacity"], "max_capacity": normal["max_capacity"],
            "rule_count": len(normal["rules"]), "plan_count": len(normal["resources_plans"])})
    for summaries in found.values():
        summaries.sort(key=lambda summary: summary["resource_pool"])
    return found


def main_policy(summaries):
    """The one policy a group's ``policy`` shows: its default resource pool's, else its only one, else None."""
    default = [summary for summary in summaries if summary["resource_pool"] == DEFAULT_POOL]
    if default:
        return default[0]
    return summaries[0] if len(summaries) == 1 else None


def list_policies(client, cluster_id):
    """The cluster's auto-scaling policies, the v2 GET list; MRS's "policy not found" (POLICY_NOT_FOUND) answered to it
    means the cluster has none: []. Every reader of the list asks this; any other error is raised as it came."""
    try:
        return client.list_policies(cluster_id)
    except MrsApiError as error:
        if error.code == POLICY_NOT_FOUND:
            return []
        raise


def _body_rule(rule):
    body = dict((key, value) for key, value in rule.items() if key != "description" or value)
    body["trigger"] = dict((key, value) for key, value in rule["trigger"].items() if value is not None)
    return body


def request_body(node_group, resource_pool, normal):
    """The AutoScalingPolicyV2 body of a create or update: what the policy leaves to MRS (an empty description, a
    comparison_operator left out) is not sent."""
    policy = dict(normal, rules=[_body_rule(rule) for rule in normal["rules"]])
    return {"node_group_name": node_group, "resource_pool_name": resource_pool, "auto_scaling_policy": policy}
