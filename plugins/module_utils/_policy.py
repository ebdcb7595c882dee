# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auto-scaling policies, pure: the documented limits, the normal form two policies are compared in, the rule-by-rule diff.

Field names are the vendor SDK's (``AutoScalingPolicyInfo``, ``Rule``, ``Trigger``, ``ResourcesPlan``, ``Tag``). Every
limit is checked here, before any request, with the option path in the message (``rules[1].trigger.evaluation_periods``,
indexes from 0 as in Jinja). PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from decimal import Decimal, InvalidOperation

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._limits import MAX_CORE_TASK_NODES

# A policy's bounds: no group can hold more nodes than the cluster's node limit (the planner's, from _limits).
CAPACITY = (0, MAX_CORE_TASK_NODES)
COOL_DOWN = (0, 10080)
ADJUSTMENT = (1, 100)
PERIODS = (1, 288)
ADJUSTMENT_TYPES = ("scale_out", "scale_in")
OPERATORS = ("LT", "GT", "LTOE", "GTOE")
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
PERIOD_TYPES = ("daily",)
MIN_PLAN_MINUTES = 30
POLICY_NOT_FOUND = "MRS.00005016"  # MRS's "policy not found": the cluster has no policy
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
METRIC_VALUE_RE = re.compile(r"^-?[0-9]+(\.[0-9]{1,2})?$")
TIME_RE = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
TAG_FORBIDDEN = re.compile(r"[\x00-\x1f=*<>\\,|/]")
RULE_KEYS = ("name", "description", "adjustment_type", "cool_down_minutes", "scaling_adjustment", "trigger")
TRIGGER_KEYS = ("metric_name", "metric_value", "comparison_operator", "evaluation_periods")
PLAN_KEYS = ("period_type", "start_time", "end_time", "min_capacity", "max_capacity", "effective_days")


class PolicyError(MrsError, ValueError):
    """A policy that must not reach the API: ``parameter`` is the option path, the message says the rule."""

    def __init__(self, parameter, rule):
        super(PolicyError, self).__init__("%s: %s" % (parameter, rule))
        self.parameter = parameter
        self.rule = rule


def _int(value, path, limits):
    if isinstance(value, bool) or not isinstance(value, int) or not limits[0] <= value <= limits[1]:
        raise PolicyError(path, "must be an integer from %d to %d (got %r)" % (limits[0], limits[1], value))
    return value


def _text(value, path, pattern=None, rule=None, most=None):
    if not isinstance(value, str) or not value:
        raise PolicyError(path, "is required: a non-empty string (got %r)" % (value,))
    if pattern is not None and not pattern.match(value):
        raise PolicyError(path, "%s (got %r)" % (rule, value))
    if most is not None and len(value) > most:
        raise PolicyError(path, "must be at most %d characters (got %d)" % (most, len(value)))
    return value


def _capacities(item, path):
    low = _int(item.get("min_capacity"), path + "min_capacity", CAPACITY)
    high = _int(item.get("max_capacity"), path + "max_capacity", CAPACITY)
    if low > high:
        raise PolicyError(path + "min_capacity", "must not exceed %smax_capacity (%d > %d)" % (path, low, high))
    return low, high


def _object(item, path, keys):
    if not isinstance(item, dict):
        raise PolicyError(path, "must be a dictionary (got %s)" % type(item).__name__)
    unknown = sorted(set(item) - set(keys))
    if unknown:
        raise PolicyError(path, "unknown key(s) %s; allowed: %s" % (", ".join(unknown), ", ".join(keys)))
    return item


def _list(value, path):
    if value is None:
        return []
    if not isinstance(value, list):
        raise PolicyError(path, "must be a list (got %s)" % type(value).__name__)
    return value


def minutes(text):
    hours, _sep, mins = text.partition(":")
    return int(hours) * 60 + int(mins)


def metric_value(value, path):
    """The threshold as MRS keeps it: a string with an integer or a number with at most two decimals, in one spelling."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PolicyError(path, "must be a number with at most two decimals (got %r)" % (value,))
    text = value.strip() if isinstance(value, str) else repr(value)
    if isinstance(value, float) and text.endswith(".0"):
        text = text[:-2]
    if not METRIC_VALUE_RE.match(text):
        raise PolicyError(path, "must be an integer or a number with at most two decimals, such as 25 or 12.5 (got %r)" % (value,))
    try:
        canonical = format(Decimal(text).normalize(), "f")
    except InvalidOperation:
        raise PolicyError(path, "must be a number (got %r)" % (value,))
    return "0" if canonical in ("-0", "") else canonical


def _time(value, path):
    text = _text(value, path, TIME_RE, "must be a time HH:mm from 00:00 to 23:59")
    return "%02d:%02d" % divmod(minutes(text), 60)


def normal_trigger(trigger, path):
    _object(trigger, path, TRIGGER_KEYS)
    operator = trigger.get("comparison_operator")
    if operator not in OPERATORS:
        raise PolicyError(path + ".comparison_operator", "must be one of %s (got %r)" % (", ".join(OPERATORS), operator))
    return {
        "metric_name": _text(trigger.get("metric_name"), path + ".metric_name", most=64),
        "metric_value": metric_value(trigger.get("metric_value"), path + ".metric_value"),
        "comparison_operator": operator,
        "evaluation_periods": _int(trigger.get("evaluation_periods"), path + ".evaluation_periods", PERIODS),
    }


def normal_rule(rule, path):
    _object(rule, path, RULE_KEYS)
    name = _text(rule.get("name"), path + ".name", NAME_RE, "must be 1 to 64 letters, digits, _ or -")
    if rule.get("adjustment_type") not in ADJUSTMENT_TYPES:
        raise PolicyError(path + ".adjustment_type", "must be scale_out or scale_in (got %r)" % (rule.get("adjustment_type"),))
    description = rule.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 1024):
        raise PolicyError(path + ".description", "must be a string of at most 1024 characters")
    if rule.get("trigger") is None:
        raise PolicyError(path + ".trigger", "is required")
    normal = {
        "name": name,
        "description": description or "",
        "adjustment_type": rule["adjustment_type"],
        "cool_down_minutes": _int(rule.get("cool_down_minutes"), path + ".cool_down_minutes", COOL_DOWN),
        "scaling_adjustment": _int(rule.get("scaling_adjustment"), path + ".scaling_adjustment", ADJUSTMENT),
        "trigger": normal_trigger(rule["trigger"], path + ".trigger"),
    }
    return normal


def normal_plan(plan, path):
    _object(plan, path, PLAN_KEYS)
    period = plan.get("period_type") or "daily"
    if period not in PERIOD_TYPES:
        raise PolicyError(path + ".period_type", "must be daily (got %r)" % (period,))
    start = _time(plan.get("start_time"), path + ".start_time")
    end = _time(plan.get("end_time"), path + ".end_time")
    if minutes(end) - minutes(start) < MIN_PLAN_MINUTES:
        raise PolicyError(path + ".end_time", "must be at least %d minutes after start_time %s (got %s)" % (MIN_PLAN_MINUTES, start, end))
    low, high = _capacities(plan, path + ".")
    days = []
    for index, day in enumerate(_list(plan.get("effective_days"), path + ".effective_days")):
        where = "%s.effective_days[%d]" % (path, index)
        upper = day.upper() if isinstance(day, str) else day
        if upper not in DAYS:
            raise PolicyError(where, "must be one of %s (got %r)" % (", ".join(DAYS), day))
        if upper in days:
            raise PolicyError(where, "%s is listed twice" % upper)
        days.append(upper)
    return {"period_type": period, "start_time": start, "end_time": end, "min_capacity": low, "max_capacity": high,
            "effective_days": sorted(days, key=DAYS.index)}


def normal_tags(tags, path):
    normal = []
    for index, tag in enumerate(_list(tags, path)):
        where = "%s[%d]" % (path, index)
        _object(tag, where, ("key", "value"))
        key = tag.get("key")
        value = "" if tag.get("value") is None else tag.get("value")
        if not isinstance(key, str) or not 1 <= len(key) <= 36 or TAG_FORBIDDEN.search(key) or key != key.strip():
            raise PolicyError(where + ".key", "must be 1 to 36 characters without control characters, = * < > \\ , | / or "
                              "surrounding spaces (got %r)" % (key,))
        if not isinstance(value, str) or len(value) > 43 or TAG_FORBIDDEN.search(value) or value != value.strip():
            raise PolicyError(where + ".value", "must be at most 43 characters without control characters, = * < > \\ , | / or "
                              "surrounding spaces (got %r)" % (value,))
        if any(item["key"] == key for item in normal):
            raise PolicyError(where + ".key", "%r is given twice" % key)
        normal.append({"key": key, "value": value})
    return sorted(normal, key=lambda item: item["key"])


def normalise(policy):
    """The policy (the module's options or MRS's answer, SDK field names) in the one form two policies compare in;
    raises PolicyError naming the first option path that breaks a documented limit."""
    if not isinstance(policy, dict):
        raise PolicyError("auto_scaling_policy", "must be a dictionary")
    enabled = policy.get("auto_scaling_enable")
    if not isinstance(enabled, bool):
        raise PolicyError("enabled", "must be a boolean (got %r)" % (enabled,))
    low, high = _capacities(policy, "")
    rules = [normal_rule(rule, "rules[%d]" % index) for index, rule in enumerate(_list(policy.get("rules"), "rules"))]
    for index, rule in enumerate(rules):
        if any(other["name"] == rule["name"] for other in rules[:index]):
            raise PolicyError("rules[%d].name" % index, "%r is used by an earlier rule; rule names are unique in a node group" % rule["name"])
    plans = [normal_plan(plan, "resources_plans[%d]" % index)
             for index, plan in enumerate(_list(policy.get("resources_plans"), "resources_plans"))]
    if enabled and not rules and not plans:
        raise PolicyError("rules", "an enabled policy needs at least one rule or one of resources_plans")
    return {
        "auto_scaling_enable": enabled,
        "min_capacity": low,
        "max_capacity": high,
        "rules": sorted(rules, key=lambda rule: rule["name"]),
        "resources_plans": sorted(plans, key=lambda plan: (plan["start_time"], plan["end_time"], plan["effective_days"])),
        "tags": normal_tags(policy.get("tags"), "tags"),
    }


def from_options(params):
    """The policy the module's options describe (before normalise)."""
    return {"auto_scaling_enable": params.get("enabled"), "min_capacity": params.get("min_capacity"),
            "max_capacity": params.get("max_capacity"), "rules": params.get("rules") or [],
            "resources_plans": params.get("resources_plans") or [], "tags": params.get("tags") or []}


def as_options(normal):
    """A normalised policy in the module's option names (``enabled`` for ``auto_scaling_enable``), or None: given back to
    the module as they are, they write that very policy again (how a paused policy is restored exactly)."""
    if normal is None:
        return None
    options = dict((key, value) for key, value in normal.items() if key != "auto_scaling_enable")
    options["enabled"] = normal["auto_scaling_enable"]
    return options


def request_body(node_group, resource_pool, normal):
    """The AutoScalingPolicyV2 body of a create or update (a rule without description sends none)."""
    policy = dict(normal, rules=[dict((key, value) for key, value in rule.items() if key != "description" or value)
                                 for rule in normal["rules"]])
    return {"node_group_name": node_group, "resource_pool_name": resource_pool, "auto_scaling_policy": policy}


def pool_policies(listed, node_group):
    """Every auto_scaling_policy MRS holds for the group, one per resource pool, from the GET list, in its order:
    [(resource_pool_name, policy)]; an entry without a pool name is the group's own (``default``)."""
    if not isinstance(listed, list):
        raise MrsError("the auto-scaling policy list is not a list (got %s)" % type(listed).__name__)
    found = []
    for entry in listed:
        if isinstance(entry, dict) and entry.get("node_group_name") == node_group:
            pool = entry.get("resource_pool_name") or "default"
            policy = entry.get("auto_scaling_policy")
            if not isinstance(policy, dict):
                raise MrsError("the auto-scaling policy of node group %s (resource pool %s) is not an object" % (node_group, pool))
            found.append((pool, policy))
    return found


def held_policy(listed, node_group, resource_pool):
    """The auto_scaling_policy MRS holds for the group and pool, from the GET list, or None."""
    for pool, policy in pool_policies(listed, node_group):
        if pool == resource_pool:
            return policy
    return None


def normal_held(policy):
    """MRS's policy in normal form; an answer that breaks the limits is a failure of the answer, not of the options."""
    try:
        return normalise(policy)
    except PolicyError as error:
        raise MrsError("the auto-scaling policy MRS answered cannot be read: %s" % error)


def _by_name(items, key):
    return dict((item[key], item) for item in items)


def _plan_key(plan):
    return "%s-%s %s" % (plan["start_time"], plan["end_time"], ",".join(plan["effective_days"]) or "every day")


def diff_view(normal):
    """The policy as diff mode shows it: rules keyed by name and plans by window, so the diff names the rule that changes."""
    if normal is None:
        return {}
    view = dict((key, value) for key, value in normal.items() if key not in ("rules", "resources_plans", "tags"))
    view["rules"] = dict((rule["name"], dict((key, value) for key, value in rule.items() if key != "name")) for rule in normal["rules"])
    view["resources_plans"] = dict((_plan_key(plan), plan) for plan in normal["resources_plans"])
    view["tags"] = dict((tag["key"], tag["value"]) for tag in normal["tags"])
    return view


def changes(before, after):
    """What changes, one line per field or rule: ``rules.grow.trigger.evaluation_periods: 3 -> 6``, ``rules.shrink: added``."""
    if before is None and after is None:
        return []
    if before is None:
        return ["policy: created"]
    if after is None:
        return ["policy: deleted"]
    lines = []
    for key in ("auto_scaling_enable", "min_capacity", "max_capacity"):
        if before[key] != after[key]:
            lines.append("%s: %r -> %r" % (key, before[key], after[key]))
    lines.extend(_keyed_changes("rules.%s", _by_name(before["rules"], "name"), _by_name(after["rules"], "name")))
    lines.extend(_keyed_changes("resources_plans[%s]", diff_view(before)["resources_plans"], diff_view(after)["resources_plans"]))
    if before["tags"] != after["tags"]:
        lines.append("tags: %s -> %s" % (diff_view(before)["tags"], diff_view(after)["tags"]))
    return lines


def _keyed_changes(label, old, new):
    """Lines for items keyed alike in ``old`` and ``new`` (rules by name, plans by window): removed, added or changed."""
    lines = []
    for key in sorted(set(old) | set(new)):
        if key not in new:
            lines.append("%s: removed" % (label % key))
        elif key not in old:
            lines.append("%s: added" % (label % key))
        else:
            lines.extend(_field_changes(label % key, old[key], new[key]))
    return lines


def _field_changes(prefix, old, new):
    lines = []
    for key in sorted(set(old) | set(new)):
        if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            lines.extend(_field_changes("%s.%s" % (prefix, key), old[key], new[key]))
        elif old.get(key) != new.get(key):
            lines.append("%s.%s: %r -> %r" % (prefix, key, old.get(key), new.get(key)))
    return lines


def check_target(node_group, resource_pool):
    _text(node_group, "node_group", NAME_RE, "must be core, task, or a group name of 1 to 64 letters, digits, _ or -")
    _text(resource_pool, "resource_pool_name", NAME_RE, "must be 1 to 64 letters, digits, _ or - (default: the group itself)")


DEFAULT_POOL = "default"


def group_policies(listed, group_names):
    """{group name: [summary, ...]} of the GET list (``listed``; None for MRS's "policy not found": none), each summary
    {resource_pool, enabled, min_capacity, max_capacity, rule_count, plan_count}, sorted by resource pool, for every name
    of ``group_names`` (an empty list for a group without policy), plus the groups the list names that are not in
    ``group_names``. A policy MRS answers that cannot be read fails (MrsError naming the group), never shown half."""
    found = dict((name, []) for name in group_names)
    if listed is None:
        return found
    if not isinstance(listed, list):
        raise MrsError("the auto-scaling policy list is not a list (got %s)" % type(listed).__name__)
    for index, entry in enumerate(listed):
        name = entry.get("node_group_name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            raise MrsError("entry %d of the auto-scaling policy list names no node group" % index)
        policy = entry.get("auto_scaling_policy")
        if not isinstance(policy, dict):
            raise MrsError("the auto-scaling policy of node group %s is not an object" % name)
        try:
            normal = normalise(policy)
        except PolicyError as error:
            raise MrsError("the auto-scaling policy of node group %s cannot be read: %s" % (name, error))
        found.setdefault(name, []).append({
            "resource_pool": entry.get("resource_pool_name") or DEFAULT_POOL, "enabled": normal["auto_scaling_enable"],
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
