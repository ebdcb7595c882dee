"""Auto-scaling policies: the limits of the vendor SDK's models (AutoScalingPolicyV2, AutoScalingPolicyInfo, Rule,
Trigger, ResourcesPlan, Tag, ScaleScript) and the refusals, pure (no state, no I/O).

Every malformed field is 12000002 (invalid parameter) with the field's path. Inferred (unconfirmed) behaviour: a POST
for a group that already has a policy is refused (12000002: use PUT), a PUT or DELETE of a policy that does not exist
answers MRS.00005016 (the code Terraform's provider treats as "policy not found"), GET answers every policy of the
cluster as a list (empty when there is none). "At least one of resources_plans and rules while enabled" is documented.

Where the sources disagree the emulator refuses only what every source refuses: cool_down_minutes 0-10080 (SDK, OTC;
Terraform's docs say 5-10080), evaluation_periods 1-288 (SDK, OTC; Terraform's docs say 1-200), no limit on the number
of tags (Terraform's docs say 20, the SDK and OTC none). auto_scaling_enable, min_capacity and max_capacity of a v2
policy are optional (false, 0, 0: Terraform's docs). The legacy v1.1 route takes the loose types of the OTC example
("min_capacity": "1", "active_master": "true", s3a:// scripts).
"""

import re

import copy

from .common import ApiError, GROUP_NAME_RE, bounded_int, invalid, is_int

NOT_FOUND = "MRS.00005016"
CAPACITY = (0, 500)
COOL_DOWN = (0, 10080)
ADJUSTMENT = (1, 100)
PERIODS = (1, 288)
ADJUSTMENT_TYPES = ("scale_out", "scale_in")
OPERATORS = ("LT", "GT", "LTOE", "GTOE")
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
PERIOD_TYPES = ("daily",)
MIN_PLAN_MINUTES = 30
RULE_NAME_RE = r"^[A-Za-z0-9_-]{1,64}$"
METRIC_VALUE_RE = r"^-?[0-9]+(\.[0-9]{1,2})?$"
TIME_RE = r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$"
TAG_FORBIDDEN = re.compile(r"[\x00-\x1f=*<>\\,|/]")
SCRIPT_NAME_RE = r"^[A-Za-z0-9_-][A-Za-z0-9 _-]{0,63}$"
ACTION_STAGES = ("before_scale_out", "before_scale_in", "after_scale_out", "after_scale_in")
FAIL_ACTIONS = ("continue", "errorout")
POLICY_FIELDS = ("auto_scaling_enable", "min_capacity", "max_capacity", "resources_plans", "rules", "tags")
LEGACY_POLICY_FIELDS = ("auto_scaling_enable", "min_capacity", "max_capacity", "resources_plans", "rules", "exec_scripts")


def _object(value, path, fields, required=()):
    if not isinstance(value, dict):
        raise invalid("%s must be an object" % path)
    unknown = sorted(set(value) - set(fields))
    if unknown:
        raise invalid("unknown field(s) %s in %s" % (", ".join(unknown), path))
    for name in required:
        if value.get(name) is None:
            raise invalid("%s.%s is required" % (path, name))
    return value


def _list(value, path):
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid("%s must be a list" % path)
    return value


def _bounded(value, path, limits):
    if not bounded_int(value, *limits):
        raise invalid("%s must be an integer from %d to %d" % ((path,) + limits))
    return value


def _capacities(value, path):
    low = _bounded(value.get("min_capacity"), path + ".min_capacity", CAPACITY)
    high = _bounded(value.get("max_capacity"), path + ".max_capacity", CAPACITY)
    if low > high:
        raise invalid("%s.min_capacity (%d) must not exceed %s.max_capacity (%d)" % (path, low, path, high))


def minutes(text):
    hours, _sep, mins = text.partition(":")
    return int(hours) * 60 + int(mins)


def check_trigger(trigger, path):
    _object(trigger, path, ("metric_name", "metric_value", "comparison_operator", "evaluation_periods"),
            ("metric_name", "metric_value", "evaluation_periods"))
    name = trigger["metric_name"]
    if not isinstance(name, str) or not 1 <= len(name) <= 64:
        raise invalid("%s.metric_name must be 1 to 64 characters" % path)
    value = trigger["metric_value"]
    if not isinstance(value, str) or not re.match(METRIC_VALUE_RE, value):
        raise invalid("%s.metric_value must be a string holding an integer or a number with at most two decimals" % path)
    if trigger.get("comparison_operator") is not None and trigger["comparison_operator"] not in OPERATORS:
        raise invalid("%s.comparison_operator must be one of %s" % (path, ", ".join(OPERATORS)))
    _bounded(trigger["evaluation_periods"], path + ".evaluation_periods", PERIODS)


def check_rule(rule, path):
    _object(rule, path, ("name", "description", "adjustment_type", "cool_down_minutes", "scaling_adjustment", "trigger"),
            ("name", "adjustment_type", "cool_down_minutes", "scaling_adjustment", "trigger"))
    if not isinstance(rule["name"], str) or not re.match(RULE_NAME_RE, rule["name"]):
        raise invalid("%s.name must be 1 to 64 letters, digits, _ or -" % path)
    if rule.get("description") is not None and (not isinstance(rule["description"], str) or len(rule["description"]) > 1024):
        raise invalid("%s.description must be a string of at most 1024 characters" % path)
    if rule["adjustment_type"] not in ADJUSTMENT_TYPES:
        raise invalid("%s.adjustment_type must be scale_out or scale_in" % path)
    _bounded(rule["cool_down_minutes"], path + ".cool_down_minutes", COOL_DOWN)
    _bounded(rule["scaling_adjustment"], path + ".scaling_adjustment", ADJUSTMENT)
    check_trigger(rule["trigger"], path + ".trigger")


def check_plan(plan, path):
    _object(plan, path, ("period_type", "start_time", "end_time", "min_capacity", "max_capacity", "effective_days"),
            ("period_type", "start_time", "end_time", "min_capacity", "max_capacity"))
    if plan["period_type"] not in PERIOD_TYPES:
        raise invalid("%s.period_type must be daily" % path)
    for name in ("start_time", "end_time"):
        if not isinstance(plan[name], str) or not re.match(TIME_RE, plan[name]):
            raise invalid("%s.%s must be a time HH:mm from 0:00 to 23:59" % (path, name))
    if minutes(plan["end_time"]) - minutes(plan["start_time"]) < MIN_PLAN_MINUTES:
        raise invalid("%s.end_time must be at least %d minutes after start_time" % (path, MIN_PLAN_MINUTES))
    _capacities(plan, path)
    days = _list(plan.get("effective_days"), path + ".effective_days")
    if any(day not in DAYS for day in days) or len(set(days)) != len(days):
        raise invalid("%s.effective_days must list distinct days of %s" % (path, ", ".join(DAYS)))


def check_tags(tags, path):
    keys = []
    for index, tag in enumerate(_list(tags, path)):
        where = "%s[%d]" % (path, index)
        _object(tag, where, ("key", "value"), ("key",))
        key, value = tag["key"], tag.get("value", "")
        if not isinstance(key, str) or not 1 <= len(key) <= 36 or TAG_FORBIDDEN.search(key) or key != key.strip():
            raise invalid("%s.key must be 1 to 36 characters, no control characters, = * < > \\ , | / or edge spaces" % where)
        if not isinstance(value, str) or len(value) > 43 or TAG_FORBIDDEN.search(value) or value != value.strip():
            raise invalid("%s.value must be at most 43 characters, no control characters, = * < > \\ , | / or edge spaces" % where)
        keys.append(key)
    if len(set(keys)) != len(keys):
        raise invalid("%s keys must be unique" % path)


def check_script(script, path):
    _object(script, path, ("name", "uri", "parameters", "nodes", "active_master", "fail_action", "action_stage"),
            ("name", "uri", "nodes", "fail_action", "action_stage"))
    if not isinstance(script["name"], str) or not re.match(SCRIPT_NAME_RE, script["name"]):
        raise invalid("%s.name must be 1 to 64 letters, digits, spaces, _ or -, not starting with a space" % path)
    uri = script["uri"]
    if not isinstance(uri, str) or not (uri.startswith(("obs://", "s3a://")) or (uri.startswith("/") and uri.endswith(".sh"))):
        raise invalid("%s.uri must be an obs:// (or s3a://) path or a local path starting with / and ending with .sh" % path)
    if script.get("parameters") is not None and not isinstance(script["parameters"], str):
        raise invalid("%s.parameters must be a string" % path)
    nodes = _list(script["nodes"], path + ".nodes")
    if not nodes or not all(isinstance(item, str) and item for item in nodes):
        raise invalid("%s.nodes must list node group names" % path)
    if script.get("active_master") is not None and not isinstance(script["active_master"], bool):
        raise invalid("%s.active_master must be a boolean" % path)
    if script["fail_action"] not in FAIL_ACTIONS:
        raise invalid("%s.fail_action must be continue or errorout" % path)
    if script["action_stage"] not in ACTION_STAGES:
        raise invalid("%s.action_stage must be one of %s" % (path, ", ".join(ACTION_STAGES)))


def check_policy(policy, path="auto_scaling_policy", legacy=False):
    """Raise ApiError (12000002) naming the first field that breaks a documented limit."""
    _object(policy, path, LEGACY_POLICY_FIELDS if legacy else POLICY_FIELDS, ("auto_scaling_enable", "min_capacity", "max_capacity"))
    if not isinstance(policy["auto_scaling_enable"], bool):
        raise invalid("%s.auto_scaling_enable must be a boolean" % path)
    _capacities(policy, path)
    rules = _list(policy.get("rules"), path + ".rules")
    for index, rule in enumerate(rules):
        check_rule(rule, "%s.rules[%d]" % (path, index))
    names = [rule["name"] for rule in rules]
    if len(set(names)) != len(names):
        raise invalid("%s.rules names must be unique in a node group" % path)
    plans = _list(policy.get("resources_plans"), path + ".resources_plans")
    for index, plan in enumerate(plans):
        check_plan(plan, "%s.resources_plans[%d]" % (path, index))
    if policy["auto_scaling_enable"] and not rules and not plans:
        raise invalid("%s: an enabled policy needs at least one of resources_plans and rules" % path)
    if legacy:
        for index, script in enumerate(_list(policy.get("exec_scripts"), path + ".exec_scripts")):
            check_script(script, "%s.exec_scripts[%d]" % (path, index))
        scripts = [script["name"] for script in policy.get("exec_scripts") or []]
        if len(set(scripts)) != len(scripts):
            raise invalid("%s.exec_scripts names must be unique" % path)
    else:
        check_tags(policy.get("tags"), path + ".tags")


V2_DEFAULTS = {"auto_scaling_enable": False, "min_capacity": 0, "max_capacity": 0}
# The GET fills comparison_operator when the request left it out (Terraform's scaling_policy_v2 marks it Optional and
# Computed); no source names the value, GTOE is the operator of the only GET example (OTC viewing_auto_scaling_policies).
DEFAULT_OPERATOR = "GTOE"


def with_defaults(policy):
    """A v2 policy with its optional fields filled as MRS fills them: auto_scaling_enable false, min/max 0, on the
    policy and on each resource plan (Terraform's docs; the SDK's ResourcesPlan requires a plan's min/max)."""
    if not isinstance(policy, dict):
        return policy
    policy = dict(V2_DEFAULTS, **policy)
    if isinstance(policy.get("resources_plans"), list):
        policy["resources_plans"] = [dict({"min_capacity": 0, "max_capacity": 0}, **plan) if isinstance(plan, dict) else plan
                                     for plan in policy["resources_plans"]]
    return policy


def _digits_to_int(value):
    return int(value) if isinstance(value, str) and re.fullmatch(r"[0-9]{1,3}", value) else value


def loosened(policy):
    """A v1.1 policy with the OTC example's loose types made strict: "1" for a capacity, "true" for active_master."""
    if not isinstance(policy, dict):
        return policy
    policy = copy.deepcopy(policy)
    for holder in [policy] + [plan for plan in policy.get("resources_plans") or [] if isinstance(plan, dict)]:
        for name in ("min_capacity", "max_capacity"):
            if name in holder:
                holder[name] = _digits_to_int(holder[name])
    for script in policy.get("exec_scripts") or []:
        if isinstance(script, dict) and script.get("active_master") in ("true", "false"):
            script["active_master"] = script["active_master"] == "true"
    return policy


def check_target(body, fields=("node_group_name", "resource_pool_name", "auto_scaling_policy")):
    """(node_group_name, resource_pool_name) of a v2 body; both required."""
    _object(body, "body", fields)
    group, pool = body.get("node_group_name"), body.get("resource_pool_name")
    if not isinstance(group, str) or not re.match(GROUP_NAME_RE, group):
        raise invalid("node_group_name is required: 1 to 64 letters, digits, _ or -")
    if not isinstance(pool, str) or not re.match(GROUP_NAME_RE, pool):
        raise invalid("resource_pool_name is required (default for the node group itself)")
    return group, pool


def policy_key(group, pool):
    return group if pool == "default" else "%s/%s" % (group, pool)


def metric_number(text):
    """metric_value as the GET answers it: a number (the OTC example shows "metric_value" : 100), from the request's
    string (the SDK's and Terraform's type)."""
    if not isinstance(text, str):
        return text
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else float(text)


def rule_view(rule):
    trigger = dict(rule["trigger"], metric_value=metric_number(rule["trigger"]["metric_value"]))
    trigger.setdefault("comparison_operator", DEFAULT_OPERATOR)
    if trigger["comparison_operator"] is None:
        trigger["comparison_operator"] = DEFAULT_OPERATOR
    return dict(rule, description=rule.get("description") or "", trigger=trigger)


def stored_view(entry):
    """A stored policy as GET answers it: what MRS fills (the operator, description "", numbers for metric values,
    empty lists) and keeps (a v1.1 policy's exec_scripts: OTC's GET table lists ScaleScript)."""
    policy = dict(entry["auto_scaling_policy"])
    policy["resources_plans"] = [dict(plan) for plan in policy.get("resources_plans") or []]
    policy["rules"] = [rule_view(rule) for rule in policy.get("rules") or []]
    if "tags" in policy:
        policy["tags"] = list(policy["tags"] or [])
    if not policy.get("exec_scripts"):
        policy.pop("exec_scripts", None)
    return {"node_group_name": entry["node_group_name"], "resource_pool_name": entry["resource_pool_name"],
            "auto_scaling_policy": policy}


def enabled_policy(record, group_name):
    """The enabled policy entry on any resource pool of the group, or None."""
    for entry in record["policies"].values():
        if entry["node_group_name"] == group_name and entry["auto_scaling_policy"].get("auto_scaling_enable"):
            return entry
    return None


def other_enabled_group(record, group_name):
    """The name of another node group with an enabled policy, or None: the policies of different node groups are
    mutually exclusive, only one may be enabled (Huawei user guide mrs_01_24728)."""
    for entry in record["policies"].values():
        if entry["node_group_name"] != group_name and entry["auto_scaling_policy"].get("auto_scaling_enable"):
            return entry["node_group_name"]
    return None


def not_found(group, pool):
    return ApiError(400, NOT_FOUND, "The auto scaling policy of node group %s (resource pool %s) does not exist." % (group, pool))


def is_int_adjustment(value):
    return is_int(value) and value != 0
