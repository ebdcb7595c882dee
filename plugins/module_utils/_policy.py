# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auto-scaling policies, pure: the limits of what a task may write, the lenient reading of what MRS answers, the merge
of a task's options into the policy MRS holds, the normal form two policies are compared in, the rule-by-rule diff.

Field names are the vendor SDK's (``AutoScalingPolicyInfo``, ``Rule``, ``Trigger``, ``ResourcesPlan``, ``Tag``).

- **Options** (what a task writes) are checked here, before any request, with the option path in the message
  (``rules[1].trigger.evaluation_periods``, indexes from 0 as in Jinja). Where the sources disagree on a limit, only
  what every source refuses is refused here; MRS decides the rest (``disputed`` explains its refusal).
- **Answers** (what MRS holds) are read leniently: a field the SDK's model makes optional may be missing (a rule without
  ``description``, a trigger without ``comparison_operator``, a policy without ``tags``), numbers may come as numbers or
  strings, fields this collection does not manage (``exec_scripts``) are ignored. Only what a write of that policy
  needs must be there.
- **Left out keeps what MRS holds**: an option the task does not give (None) keeps MRS's value; a list given replaces
  MRS's list unless its ``purge_*`` is false (then it is merged in, by rule name, plan window or tag key), the
  convention of amazon.aws's ``purge_tags``. Inside a rule, ``description`` and ``trigger.comparison_operator`` left
  out keep those of MRS's rule of the same name (or, for a new rule, let MRS choose).

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from decimal import Decimal, InvalidOperation

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import as_whole_number
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._limits import MAX_CORE_TASK_NODES

# A policy's bounds: no group can hold more nodes than the cluster's node limit (the planner's, from _limits).
CAPACITY = (0, MAX_CORE_TASK_NODES)
# The SDK's Rule and the API reference say 0-10080; Huawei's Terraform provider documents 5-10080: 0-4 is left to MRS.
COOL_DOWN = (0, 10080)
ADJUSTMENT = (1, 100)
# The SDK's Trigger and the API reference say 1-288; Huawei's Terraform provider documents 1-200: 201-288 is left to MRS.
PERIODS = (1, 288)
ADJUSTMENT_TYPES = ("scale_out", "scale_in")
OPERATORS = ("LT", "GT", "LTOE", "GTOE")
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
PERIOD_TYPES = ("daily",)
MIN_PLAN_MINUTES = 30
POLICY_NOT_FOUND = "MRS.00005016"  # MRS's "policy not found": the cluster has no policy
DEFAULT_POOL = "default"
NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
METRIC_VALUE_RE = re.compile(r"^-?[0-9]+(\.[0-9]{1,2})?$")
TIME_RE = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
TAG_FORBIDDEN = re.compile(r"[\x00-\x1f=*<>\\,|/]")
RULE_KEYS = ("name", "description", "adjustment_type", "cool_down_minutes", "scaling_adjustment", "trigger")
TRIGGER_KEYS = ("metric_name", "metric_value", "comparison_operator", "evaluation_periods")
PLAN_KEYS = ("period_type", "start_time", "end_time", "min_capacity", "max_capacity", "effective_days")
LISTS = ("rules", "resources_plans", "tags")
# Limits on which the sources disagree: (what, test on the normal form, who says what). Not refused up front.
TF_COOL_DOWN_MIN = 5
TF_PERIODS_MAX = 200
TF_TAGS_MAX = 20


class PolicyError(MrsError, ValueError):
    """A policy that must not reach the API: ``parameter`` is the option path, the message says the rule."""

    def __init__(self, parameter, rule):
        super(PolicyError, self).__init__("%s: %s" % (parameter, rule))
        self.parameter = parameter
        self.rule = rule


# ================================================================================= options: what a task may write


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
    return _canonical_number(text)


def _canonical_number(text):
    canonical = format(Decimal(text).normalize(), "f")
    return "0" if canonical in ("-0", "") else canonical


def sexagesimal_hint(value):
    """What YAML 1.1 made of an unquoted ``H:MM`` (``9:30`` is read as the number 570), to say in a message; else ''."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or not 0 <= int(text) < 24 * 60:
        return ""
    return ("; an unquoted %d:%02d in YAML is read as the number %s (base 60): write the time quoted, \"%d:%02d\""
            % (int(text) // 60, int(text) % 60, text, int(text) // 60, int(text) % 60))


def _time(value, path):
    if not isinstance(value, str) or not TIME_RE.match(value):
        raise PolicyError(path, "must be a time HH:mm from 00:00 to 23:59 (got %r)%s" % (value, sexagesimal_hint(value)))
    return "%02d:%02d" % divmod(minutes(value), 60)


def normal_trigger(trigger, path):
    """A trigger of the options; ``comparison_operator`` may be left out (None: keep MRS's, or MRS chooses)."""
    _object(trigger, path, TRIGGER_KEYS)
    operator = trigger.get("comparison_operator")
    if operator is not None and operator not in OPERATORS:
        raise PolicyError(path + ".comparison_operator", "must be one of %s (got %r)" % (", ".join(OPERATORS), operator))
    return {
        "metric_name": _text(trigger.get("metric_name"), path + ".metric_name", most=64),
        "metric_value": metric_value(trigger.get("metric_value"), path + ".metric_value"),
        "comparison_operator": operator,
        "evaluation_periods": _int(trigger.get("evaluation_periods"), path + ".evaluation_periods", PERIODS),
    }


def normal_rule(rule, path):
    """A rule of the options; ``description`` may be left out (None: keep MRS's)."""
    _object(rule, path, RULE_KEYS)
    name = _text(rule.get("name"), path + ".name", NAME_RE, "must be 1 to 64 letters, digits, _ or -")
    if rule.get("adjustment_type") not in ADJUSTMENT_TYPES:
        raise PolicyError(path + ".adjustment_type", "must be scale_out or scale_in (got %r)" % (rule.get("adjustment_type"),))
    description = rule.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 1024):
        raise PolicyError(path + ".description", "must be a string of at most 1024 characters")
    if rule.get("trigger") is None:
        raise PolicyError(path + ".trigger", "is required")
    return {
        "name": name,
        "description": description,
        "adjustment_type": rule["adjustment_type"],
        "cool_down_minutes": _int(rule.get("cool_down_minutes"), path + ".cool_down_minutes", COOL_DOWN),
        "scaling_adjustment": _int(rule.get("scaling_adjustment"), path + ".scaling_adjustment", ADJUSTMENT),
        "trigger": normal_trigger(rule["trigger"], path + ".trigger"),
    }


def _days(value, path, strict=True):
    days = []
    for index, day in enumerate(_list(value, path)):
        upper = day.upper() if isinstance(day, str) else day
        if strict and upper not in DAYS:
            raise PolicyError("%s[%d]" % (path, index), "must be one of %s (got %r)" % (", ".join(DAYS), day))
        if upper in days:
            raise PolicyError("%s[%d]" % (path, index), "%s is listed twice" % upper)
        days.append(upper)
    return sorted(days, key=lambda day: (DAYS.index(day) if day in DAYS else len(DAYS), str(day)))


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
    return {"period_type": period, "start_time": start, "end_time": end, "min_capacity": low, "max_capacity": high,
            "effective_days": _days(plan.get("effective_days"), path + ".effective_days")}


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
    return sorted(normal, key=_tag_key)


def _rule_key(rule):
    return rule["name"]


def _plan_sort(plan):
    return (plan["start_time"], plan["end_time"], plan["effective_days"])


def _plan_key(plan):
    return "%s-%s %s" % (plan["start_time"], plan["end_time"], ",".join(plan["effective_days"]) or "every day")


def _tag_key(tag):
    return tag["key"]


KEYS = {"rules": _rule_key, "resources_plans": _plan_key, "tags": _tag_key}
SORTS = {"rules": _rule_key, "resources_plans": _plan_sort, "tags": _tag_key}


def _normal_rules(rules, path="rules"):
    normal = [normal_rule(rule, "%s[%d]" % (path, index)) for index, rule in enumerate(_list(rules, path))]
    for index, rule in enumerate(normal):
        if any(other["name"] == rule["name"] for other in normal[:index]):
            raise PolicyError("%s[%d].name" % (path, index), "%r is used by an earlier rule; rule names are unique in a node group"
                              % rule["name"])
    return sorted(normal, key=_rule_key)


def _normal_plans(plans, path="resources_plans"):
    normal = [normal_plan(plan, "%s[%d]" % (path, index)) for index, plan in enumerate(_list(plans, path))]
    return sorted(normal, key=_plan_sort)


def option_parts(policy):
    """The parts of a policy a task gives (SDK field names; a key left out or None is not given), each checked and in
    normal form, before any request. A bound given alone is checked against MRS's other one later, by ``check_whole``."""
    if not isinstance(policy, dict):
        raise PolicyError("auto_scaling_policy", "must be a dictionary")
    parts = {}
    if policy.get("auto_scaling_enable") is not None:
        if not isinstance(policy["auto_scaling_enable"], bool):
            raise PolicyError("enabled", "must be a boolean (got %r)" % (policy["auto_scaling_enable"],))
        parts["auto_scaling_enable"] = policy["auto_scaling_enable"]
    for name in ("min_capacity", "max_capacity"):
        if policy.get(name) is not None:
            parts[name] = _int(policy[name], name, CAPACITY)
    if "min_capacity" in parts and "max_capacity" in parts:
        _capacities(parts, "")
    readers = {"rules": _normal_rules, "resources_plans": _normal_plans, "tags": lambda tags: normal_tags(tags, "tags")}
    for name in LISTS:
        if policy.get(name) is not None:
            parts[name] = readers[name](policy[name])
    if parts.get("auto_scaling_enable") and parts.get("rules") == [] and parts.get("resources_plans") == []:
        raise PolicyError("rules", "an enabled policy needs at least one rule or one of resources_plans")
    return parts


def from_options(params):
    """The policy the module's options give (SDK field names), the options left out (None) left out."""
    names = dict(enabled="auto_scaling_enable", min_capacity="min_capacity", max_capacity="max_capacity", rules="rules",
                 resources_plans="resources_plans", tags="tags")
    return dict((field, params.get(option)) for option, field in names.items() if params.get(option) is not None)


# ================================================================================= answers: what MRS holds, read leniently


def _held_bool(value, path, default=False):
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise PolicyError(path, "must be a boolean (got %r)" % (value,))


def _held_count(value, path, default=None):
    if value is None and default is not None:
        return default
    number = as_whole_number(value)
    if number is None or number < 0:
        raise PolicyError(path, "must be a whole number (got %r)" % (value,))
    return number


def _held_text(value, path):
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(path, "is required: a non-empty string (got %r)" % (value,))
    return value


def _held_object(value, path):
    if not isinstance(value, dict):
        raise PolicyError(path, "must be an object (got %s)" % type(value).__name__)
    return value


def _held_metric_value(value, path):
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PolicyError(path, "must be a number (got %r)" % (value,))
    try:
        number = Decimal(value.strip() if isinstance(value, str) else repr(value))
    except InvalidOperation:
        raise PolicyError(path, "must be a number (got %r)" % (value,))
    if not number.is_finite():
        raise PolicyError(path, "must be a number (got %r)" % (value,))
    return _canonical_number(str(number))


def _held_trigger(trigger, path):
    _held_object(trigger, path)
    operator = trigger.get("comparison_operator")
    if operator is not None and not isinstance(operator, str):
        raise PolicyError(path + ".comparison_operator", "must be a string (got %r)" % (operator,))
    return {"metric_name": _held_text(trigger.get("metric_name"), path + ".metric_name"),
            "metric_value": _held_metric_value(trigger.get("metric_value"), path + ".metric_value"),
            "comparison_operator": operator or None,
            "evaluation_periods": _held_count(trigger.get("evaluation_periods"), path + ".evaluation_periods")}


def _held_rule(rule, path):
    _held_object(rule, path)
    description = rule.get("description")
    if description is not None and not isinstance(description, str):
        raise PolicyError(path + ".description", "must be a string (got %r)" % (description,))
    return {"name": _held_text(rule.get("name"), path + ".name"), "description": description or "",
            "adjustment_type": _held_text(rule.get("adjustment_type"), path + ".adjustment_type"),
            "cool_down_minutes": _held_count(rule.get("cool_down_minutes"), path + ".cool_down_minutes"),
            "scaling_adjustment": _held_count(rule.get("scaling_adjustment"), path + ".scaling_adjustment"),
            "trigger": _held_trigger(rule.get("trigger"), path + ".trigger")}


def _held_time(value, path):
    if not isinstance(value, str) or not TIME_RE.match(value.strip()):
        raise PolicyError(path, "must be a time H:mm (got %r)" % (value,))
    return "%02d:%02d" % divmod(minutes(value.strip()), 60)


def _held_plan(plan, path):
    _held_object(plan, path)
    period = plan.get("period_type") or "daily"
    if not isinstance(period, str):
        raise PolicyError(path + ".period_type", "must be a string (got %r)" % (period,))
    return {"period_type": period, "start_time": _held_time(plan.get("start_time"), path + ".start_time"),
            "end_time": _held_time(plan.get("end_time"), path + ".end_time"),
            "min_capacity": _held_count(plan.get("min_capacity"), path + ".min_capacity"),
            "max_capacity": _held_count(plan.get("max_capacity"), path + ".max_capacity"),
            "effective_days": _days(plan.get("effective_days"), path + ".effective_days", strict=False)}


def _held_tag(tag, path):
    _held_object(tag, path)
    value = tag.get("value")
    if value is not None and not isinstance(value, str):
        raise PolicyError(path + ".value", "must be a string (got %r)" % (value,))
    return {"key": _held_text(tag.get("key"), path + ".key"), "value": value or ""}


def _held_items(policy, name, reader):
    items = [reader(item, "%s[%d]" % (name, index)) for index, item in enumerate(_list(policy.get(name), name))]
    keys = [KEYS[name](item) for item in items]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            raise PolicyError("%s[%d]" % (name, index), "%s is listed twice" % key)
    return sorted(items, key=SORTS[name])


def read_held(policy):
    """The policy MRS answered in normal form, read as the vendor SDK's models allow: what they make optional may be
    missing (``auto_scaling_enable`` reads as false, the capacities as 0, lists as empty, a rule's description as
    empty, a trigger's ``comparison_operator`` as None: MRS's own), numbers may be strings, fields this collection does
    not manage are ignored. Raises PolicyError (the field's path) only for what a write of it would need."""
    _held_object(policy, "auto_scaling_policy")
    low = _held_count(policy.get("min_capacity"), "min_capacity", 0)
    high = _held_count(policy.get("max_capacity"), "max_capacity", 0)
    if low > high:
        raise PolicyError("min_capacity", "must not exceed max_capacity (%d > %d)" % (low, high))
    return {"auto_scaling_enable": _held_bool(policy.get("auto_scaling_enable"), "enabled"), "min_capacity": low,
            "max_capacity": high, "rules": _held_items(policy, "rules", _held_rule),
            "resources_plans": _held_items(policy, "resources_plans", _held_plan), "tags": _held_items(policy, "tags", _held_tag)}


def normal_held(policy):
    """MRS's policy in normal form; an answer that cannot be read is a failure of the answer, not of the options."""
    try:
        return read_held(policy)
    except PolicyError as error:
        raise MrsError("the auto-scaling policy MRS answered cannot be read: %s" % error)


def held_enabled(policy):
    """Whether MRS's policy is enabled (only that field read: another group's policy need not be readable as a whole)."""
    return _held_bool(policy.get("auto_scaling_enable"), "enabled") if isinstance(policy, dict) else False


# ================================================================================= the policy list


def policy_entries(listed):
    """Every entry of MRS's GET list as (node group, resource pool, policy), in its order; None (MRS's "policy not found")
    is no entry. An entry that cannot be read fails the read, naming it (nothing is silently left out); an entry
    repeated as it is counts once; two different policies for one group and pool fail the read."""
    if listed is None:
        return []
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
    """{group name: [summary, ...]} of the GET list (``listed``; None for MRS's "policy not found": none), each summary
    {resource_pool, enabled, min_capacity, max_capacity, rule_count, plan_count}, sorted by resource pool, for every name
    of ``group_names`` (an empty list for a group without policy), plus the groups the list names that are not in
    ``group_names``. A policy MRS answers that cannot be read fails (MrsError naming the group), never shown half."""
    found = dict((name, []) for name in group_names)
    for name, pool, policy in policy_entries(listed):
        try:
            normal = read_held(policy)
        except PolicyError as error:
            raise MrsError("the auto-scaling policy of node group %s cannot be read: %s" % (name, error))
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


# ================================================================================= the policy to write


def _fill_rule(rule, held):
    """``rule`` with what it leaves out (description, trigger.comparison_operator: None) taken from ``held``, MRS's rule
    of the same name (or None)."""
    if held is None:
        return rule
    filled = dict(rule, trigger=dict(rule["trigger"]))
    if filled["description"] is None:
        filled["description"] = held["description"]
    if filled["trigger"]["comparison_operator"] is None:
        filled["trigger"]["comparison_operator"] = held["trigger"]["comparison_operator"]
    return filled


def _merged_list(name, held, given, purge):
    """The list to write: ``given`` (None: left out, ``held`` kept), replacing ``held`` when ``purge``, else merged in by
    rule name, plan window or tag key; a rule keeps what it leaves out from MRS's rule of the same name."""
    if given is None:
        return list(held)
    held_by_key = dict((KEYS[name](item), item) for item in held)
    if name == "rules":
        given = [_fill_rule(rule, held_by_key.get(rule["name"])) for rule in given]
    if not purge:
        given_keys = set(KEYS[name](item) for item in given)
        given = [item for item in held if KEYS[name](item) not in given_keys] + list(given)
    return sorted(given, key=SORTS[name])


def merge(held, parts, purge=None):
    """The whole policy a task means: ``parts`` (``option_parts``) over ``held`` (MRS's, normal form, or None for a group
    without policy); what the parts leave out keeps MRS's value. ``purge``: {list name: bool}, true by default. A new
    policy is enabled unless the parts say otherwise; its capacities stay None until ``check_whole`` requires them."""
    purge = purge or {}
    base = held or {"auto_scaling_enable": True, "min_capacity": None, "max_capacity": None, "rules": [],
                    "resources_plans": [], "tags": []}
    whole = dict((key, parts.get(key, base[key])) for key in ("auto_scaling_enable", "min_capacity", "max_capacity"))
    for name in LISTS:
        whole[name] = _merged_list(name, base[name], parts.get(name), purge.get(name, True))
    return whole


def check_whole(whole, parts, node_group):
    """The merged policy's own rules, after the read and before any write, naming the option: a new policy needs both
    capacities; min_capacity at most max_capacity; an enabled policy needs a rule or a resource plan."""
    for name in ("min_capacity", "max_capacity"):
        if whole[name] is None:
            raise PolicyError(name, "is required to create a policy: node group %s has none yet (MRS would take a bound left "
                              "out as 0, and a policy with max_capacity 0 empties the group)" % node_group)
    if whole["min_capacity"] > whole["max_capacity"]:
        given = "min_capacity" if "min_capacity" in parts else "max_capacity"
        raise PolicyError(given, "must keep min_capacity at most max_capacity (%d > %d; the %s is the one MRS holds)"
                          % (whole["min_capacity"], whole["max_capacity"],
                             "max_capacity" if given == "min_capacity" else "min_capacity"))
    if whole["auto_scaling_enable"] and not whole["rules"] and not whole["resources_plans"]:
        kept = [name for name in ("rules", "resources_plans") if name not in parts]
        raise PolicyError("rules", "an enabled policy needs at least one rule or one of resources_plans%s"
                          % (" (%s left out: the policy MRS holds has none)" % " and ".join(kept) if kept else ""))
    return whole


def matches(held, wanted):
    """Whether MRS holds the policy ``wanted`` (normal forms, None for none): what ``wanted`` leaves to MRS (a new rule's
    description or comparison_operator) matches whatever MRS chose."""
    if held is None or wanted is None:
        return held is None and wanted is None
    held_rules = dict((rule["name"], rule) for rule in held["rules"])
    filled = dict(wanted, rules=[_fill_rule(rule, held_rules.get(rule["name"])) for rule in wanted["rules"]])
    return filled == held


def as_options(normal):
    """A normalised policy in the module's option names (``enabled`` for ``auto_scaling_enable``), or None: given back to
    the module as they are, they write that very policy again (how a paused policy is restored exactly)."""
    if normal is None:
        return None
    options = dict((key, value) for key, value in normal.items() if key != "auto_scaling_enable")
    options["enabled"] = normal["auto_scaling_enable"]
    return options


def _body_rule(rule):
    body = dict((key, value) for key, value in rule.items() if key != "description" or value)
    body["trigger"] = dict((key, value) for key, value in rule["trigger"].items() if value is not None)
    return body


def request_body(node_group, resource_pool, normal):
    """The AutoScalingPolicyV2 body of a create or update: what the policy leaves to MRS (an empty description, a
    comparison_operator left out) is not sent."""
    policy = dict(normal, rules=[_body_rule(rule) for rule in normal["rules"]])
    return {"node_group_name": node_group, "resource_pool_name": resource_pool, "auto_scaling_policy": policy}


def disputed(normal):
    """Values of ``normal`` on which the sources disagree (none refused here), each with who says what: said with
    MRS's refusal of a write, so the user knows which limit MRS may hold."""
    notes = []
    for rule in normal["rules"]:
        if rule["cool_down_minutes"] < TF_COOL_DOWN_MIN:
            notes.append("rule %s has cool_down_minutes %d: the vendor SDK and the API reference allow 0 to 10080, Huawei's "
                         "Terraform provider documents %d to 10080" % (rule["name"], rule["cool_down_minutes"], TF_COOL_DOWN_MIN))
        if rule["trigger"]["evaluation_periods"] > TF_PERIODS_MAX:
            notes.append("rule %s has evaluation_periods %d: the vendor SDK and the API reference allow 1 to 288, Huawei's "
                         "Terraform provider documents 1 to %d" % (rule["name"], rule["trigger"]["evaluation_periods"], TF_PERIODS_MAX))
    if len(normal["tags"]) > TF_TAGS_MAX:
        notes.append("the policy has %d tags: Huawei's Terraform provider documents at most %d, the vendor SDK and the API "
                     "reference no limit" % (len(normal["tags"]), TF_TAGS_MAX))
    return notes


# ================================================================================= what changes


def diff_view(normal):
    """The policy as diff mode shows it: rules keyed by name and plans by window, so the diff names the rule that changes."""
    if normal is None:
        return {}
    view = dict((key, value) for key, value in normal.items() if key not in LISTS)
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
    lines.extend(_keyed_changes("rules.%s", dict((rule["name"], rule) for rule in before["rules"]),
                                dict((rule["name"], rule) for rule in after["rules"])))
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


def normalise(policy):
    """A whole policy (options or an answer in SDK field names) checked as options and in normal form: what a create of
    it would write. Raises PolicyError naming the first option path that breaks a limit."""
    parts = option_parts(policy)
    return check_whole(merge(None, parts), parts, "(new)")
