# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An auto-scaling policy's options, what a task may write: each checked before any request, with the option path in the
message (``rules[1].trigger.evaluation_periods``, indexes from 0 as in Jinja), and put in the normal form two
policies are compared in. Pure.

Field names are the vendor SDK's (``AutoScalingPolicyInfo``, ``Rule``, ``Trigger``, ``ResourcesPlan``, ``Tag``).
Where the sources disagree on a limit, only what every source refuses is refused here; MRS decides the rest
(``_policy_rules.disputed`` explains its refusal). Whole numbers are read by ``_values``' one rule.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from decimal import Decimal

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import MAX_CORE_TASK_NODES
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import NAME_PATTERN, NAME_RULE, as_whole_number, whole_number_in


# A policy's bounds: no group can hold more nodes than the cluster's node limit.
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
METRIC_VALUE_RE = re.compile(r"^-?[0-9]+(\.[0-9]{1,2})?$")
TIME_RE = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
TAG_FORBIDDEN = re.compile(r"[\x00-\x1f=*<>\\,|/]")
RULE_KEYS = ("name", "description", "adjustment_type", "cool_down_minutes", "scaling_adjustment", "trigger")
TRIGGER_KEYS = ("metric_name", "metric_value", "comparison_operator", "evaluation_periods")
PLAN_KEYS = ("period_type", "start_time", "end_time", "min_capacity", "max_capacity", "effective_days")
LISTS = ("rules", "resources_plans", "tags")


def _int(value, path, limits):
    return whole_number_in(path, value, limits[0], limits[1], "must be a whole number from %d to %d (got {value!r})" % limits)


def _text(value, path, pattern=None, rule=None, most=None):
    if not isinstance(value, str) or not value:
        raise PlanError(path, "is required: a non-empty string (got %r)" % (value,))
    if pattern is not None and not pattern.match(value):
        raise PlanError(path, "%s (got %r)" % (rule, value))
    if most is not None and len(value) > most:
        raise PlanError(path, "must be at most %d characters (got %d)" % (most, len(value)))
    return value


def _capacities(item, path):
    low = _int(item.get("min_capacity"), path + "min_capacity", CAPACITY)
    high = _int(item.get("max_capacity"), path + "max_capacity", CAPACITY)
    if low > high:
        raise PlanError(path + "min_capacity", "must not exceed %smax_capacity (%d > %d)" % (path, low, high))
    return low, high


def _object(item, path, keys):
    if not isinstance(item, dict):
        raise PlanError(path, "must be a dictionary (got %s)" % type(item).__name__)
    unknown = sorted(set(item) - set(keys))
    if unknown:
        raise PlanError(path, "unknown key(s) %s; allowed: %s" % (", ".join(unknown), ", ".join(keys)))
    return item


def as_list(value, path):
    """``value`` when it is a list; None (left out) is an empty one."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise PlanError(path, "must be a list (got %s)" % type(value).__name__)
    return value


def minutes(text):
    """The minutes since midnight of a time ``H:MM`` that ``TIME_RE`` matched."""
    hours, _sep, mins = text.partition(":")
    return int(hours) * 60 + int(mins)


def metric_value(value, path):
    """The threshold as MRS keeps it: a string with an integer or a number with at most two decimals, in one spelling."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PlanError(path, "must be a number with at most two decimals (got %r)" % (value,))
    text = value.strip() if isinstance(value, str) else repr(value)
    if isinstance(value, float) and text.endswith(".0"):
        text = text[:-2]
    if not METRIC_VALUE_RE.match(text):
        raise PlanError(path, "must be an integer or a number with at most two decimals, such as 25 or 12.5 (got %r)" % (value,))
    return canonical_number(text)


def canonical_number(text):
    """A decimal number in one spelling (``25.50`` is ``25.5``, ``-0`` is ``0``), as MRS's answers are compared."""
    canonical = format(Decimal(text).normalize(), "f")
    return "0" if canonical in ("-0", "") else canonical


def sexagesimal_hint(value):
    """What YAML 1.1 made of an unquoted ``H:MM`` (``9:30`` is read as the number 570), to say in a message; else ''."""
    number = as_whole_number(value)
    if number is None or not 0 <= number < 24 * 60:
        return ""
    hours, mins = divmod(number, 60)
    return ("; an unquoted %d:%02d in YAML is read as the number %d (base 60): write the time quoted, \"%d:%02d\""
            % (hours, mins, number, hours, mins))


def _time(value, path):
    if not isinstance(value, str) or not TIME_RE.match(value):
        raise PlanError(path, "must be a time HH:mm from 00:00 to 23:59 (got %r)%s" % (value, sexagesimal_hint(value)))
    return "%02d:%02d" % divmod(minutes(value), 60)


def normal_trigger(trigger, path):
    """A trigger of the options; ``comparison_operator`` may be left out (None: keep MRS's, or MRS chooses)."""
    _object(trigger, path, TRIGGER_KEYS)
    operator = trigger.get("comparison_operator")
    if operator is not None and operator not in OPERATORS:
        raise PlanError(path + ".comparison_operator", "must be one of %s (got %r)" % (", ".join(OPERATORS), operator))
    return {
        "metric_name": _text(trigger.get("metric_name"), path + ".metric_name", most=64),
        "metric_value": metric_value(trigger.get("metric_value"), path + ".metric_value"),
        "comparison_operator": operator,
        "evaluation_periods": _int(trigger.get("evaluation_periods"), path + ".evaluation_periods", PERIODS),
    }


def normal_rule(rule, path):
    """A rule of the options; ``description`` may be left out (None: keep MRS's)."""
    _object(rule, path, RULE_KEYS)
    name = _text(rule.get("name"), path + ".name", NAME_PATTERN, "must be " + NAME_RULE)
    if rule.get("adjustment_type") not in ADJUSTMENT_TYPES:
        raise PlanError(path + ".adjustment_type", "must be scale_out or scale_in (got %r)" % (rule.get("adjustment_type"),))
    description = rule.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 1024):
        raise PlanError(path + ".description", "must be a string of at most 1024 characters")
    if rule.get("trigger") is None:
        raise PlanError(path + ".trigger", "is required")
    return {
        "name": name,
        "description": description,
        "adjustment_type": rule["adjustment_type"],
        "cool_down_minutes": _int(rule.get("cool_down_minutes"), path + ".cool_down_minutes", COOL_DOWN),
        "scaling_adjustment": _int(rule.get("scaling_adjustment"), path + ".scaling_adjustment", ADJUSTMENT),
        "trigger": normal_trigger(rule["trigger"], path + ".trigger"),
    }


def normal_days(value, path, strict=True):
    """The effective days in week order, upper case, none twice; ``strict``: each one of DAYS (options, not answers)."""
    days = []
    for index, day in enumerate(as_list(value, path)):
        upper = day.upper() if isinstance(day, str) else day
        if strict and upper not in DAYS:
            raise PlanError("%s[%d]" % (path, index), "must be one of %s (got %r)" % (", ".join(DAYS), day))
        if upper in days:
            raise PlanError("%s[%d]" % (path, index), "%s is listed twice" % upper)
        days.append(upper)
    return sorted(days, key=lambda day: (DAYS.index(day) if day in DAYS else len(DAYS), str(day)))


def normal_plan(plan, path):
    _object(plan, path, PLAN_KEYS)
    period = plan.get("period_type") or "daily"
    if period not in PERIOD_TYPES:
        raise PlanError(path + ".period_type", "must be daily (got %r)" % (period,))
    start = _time(plan.get("start_time"), path + ".start_time")
    end = _time(plan.get("end_time"), path + ".end_time")
    if minutes(end) - minutes(start) < MIN_PLAN_MINUTES:
        raise PlanError(path + ".end_time", "must be at least %d minutes after start_time %s (got %s)" % (MIN_PLAN_MINUTES, start, end))
    low, high = _capacities(plan, path + ".")
    return {"period_type": period, "start_time": start, "end_time": end, "min_capacity": low, "max_capacity": high,
            "effective_days": normal_days(plan.get("effective_days"), path + ".effective_days")}


def normal_tags(tags, path):
    normal = []
    for index, tag in enumerate(as_list(tags, path)):
        where = "%s[%d]" % (path, index)
        _object(tag, where, ("key", "value"))
        key = tag.get("key")
        value = "" if tag.get("value") is None else tag.get("value")
        if not isinstance(key, str) or not 1 <= len(key) <= 36 or TAG_FORBIDDEN.search(key) or key != key.strip():
            raise PlanError(where + ".key", "must be 1 to 36 characters without control characters, = * < > \\ , | / or "
                            "surrounding spaces (got %r)" % (key,))
        if not isinstance(value, str) or len(value) > 43 or TAG_FORBIDDEN.search(value) or value != value.strip():
            raise PlanError(where + ".value", "must be at most 43 characters without control characters, = * < > \\ , | / or "
                            "surrounding spaces (got %r)" % (value,))
        if any(item["key"] == key for item in normal):
            raise PlanError(where + ".key", "%r is given twice" % key)
        normal.append({"key": key, "value": value})
    return sorted(normal, key=_tag_key)


def _rule_key(rule):
    return rule["name"]


def _plan_sort(plan):
    return (plan["start_time"], plan["end_time"], plan["effective_days"])


def plan_key(plan):
    return "%s-%s %s" % (plan["start_time"], plan["end_time"], ",".join(plan["effective_days"]) or "every day")


def _tag_key(tag):
    return tag["key"]


KEYS = {"rules": _rule_key, "resources_plans": plan_key, "tags": _tag_key}
SORTS = {"rules": _rule_key, "resources_plans": _plan_sort, "tags": _tag_key}


def _normal_rules(rules, path="rules"):
    normal = [normal_rule(rule, "%s[%d]" % (path, index)) for index, rule in enumerate(as_list(rules, path))]
    for index, rule in enumerate(normal):
        if any(other["name"] == rule["name"] for other in normal[:index]):
            raise PlanError("%s[%d].name" % (path, index), "%r is used by an earlier rule; rule names are unique in a node group"
                            % rule["name"])
    return sorted(normal, key=_rule_key)


def _normal_plans(plans, path="resources_plans"):
    normal = [normal_plan(plan, "%s[%d]" % (path, index)) for index, plan in enumerate(as_list(plans, path))]
    return sorted(normal, key=_plan_sort)


def option_parts(policy):
    """The parts of a policy a task gives (SDK field names; a key left out or None is not given), each checked and in
    normal form, before any request. A bound given alone is checked against MRS's other one later, by ``check_whole``."""
    if not isinstance(policy, dict):
        raise PlanError("auto_scaling_policy", "must be a dictionary")
    parts = {}
    if policy.get("auto_scaling_enable") is not None:
        if not isinstance(policy["auto_scaling_enable"], bool):
            raise PlanError("enabled", "must be a boolean (got %r)" % (policy["auto_scaling_enable"],))
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
        raise PlanError("rules", "an enabled policy needs at least one rule or one of resources_plans")
    return parts


def from_options(params):
    """The policy the module's options give (SDK field names), the options left out (None) left out."""
    names = dict(enabled="auto_scaling_enable", min_capacity="min_capacity", max_capacity="max_capacity", rules="rules",
                 resources_plans="resources_plans", tags="tags")
    return dict((field, params.get(option)) for option, field in names.items() if params.get(option) is not None)


def check_target(node_group, resource_pool):
    """The group and the resource pool a policy task names, checked as names before any request."""
    _text(node_group, "node_group", NAME_PATTERN, "must be core, task, or a group name of " + NAME_RULE)
    _text(resource_pool, "resource_pool_name", NAME_PATTERN, "must be %s (default: the group itself)" % NAME_RULE)
