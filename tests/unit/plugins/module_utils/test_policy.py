"""_policy: the normal form, every limit with its option path, the rule-by-rule changes, group aliases."""

import copy

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy import (PolicyError, as_options, changes, from_options, diff_view, held_policy,
                                                                          metric_value, normalise, pool_policies, request_body)

RULE = {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": 2,
        "trigger": {"metric_name": "m", "metric_value": "25", "comparison_operator": "LT", "evaluation_periods": 3}}
POLICY = {"auto_scaling_enable": True, "min_capacity": 1, "max_capacity": 8, "rules": [RULE],
          "resources_plans": [{"start_time": "9:00", "end_time": "9:30", "min_capacity": 1, "max_capacity": 2, "effective_days": ["friday", "MONDAY"]}]}


def test_equivalent_spellings_normalise_alike():
    other = copy.deepcopy(POLICY)
    other["rules"][0]["trigger"]["metric_value"] = 25.0
    other["resources_plans"][0].update(start_time="09:00", effective_days=["MONDAY", "FRIDAY"], period_type="daily")
    other["rules"][0]["description"] = None
    assert normalise(POLICY) == normalise(other)
    assert normalise(POLICY)["resources_plans"][0]["effective_days"] == ["MONDAY", "FRIDAY"]


@pytest.mark.parametrize("value,canonical", [("25", "25"), (25, "25"), ("25.50", "25.5"), (12.25, "12.25"), ("-0", "0"), (" 7 ", "7")])
def test_metric_value(value, canonical):
    assert metric_value(value, "p") == canonical


@pytest.mark.parametrize("value", ["1.234", "abc", True, None, [], "1e3", float("nan")])
def test_bad_metric_value_names_the_path(value):
    with pytest.raises(PolicyError) as caught:
        metric_value(value, "rules[0].trigger.metric_value")
    assert caught.value.parameter == "rules[0].trigger.metric_value"


def broken(path, value):
    policy = copy.deepcopy(POLICY)
    target = policy
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    target[keys[-1]] = value
    return policy


@pytest.mark.parametrize("path,value,parameter", [
    ("min_capacity", 9, "min_capacity"), ("max_capacity", True, "max_capacity"), ("auto_scaling_enable", "yes", "enabled"),
    ("rules.0.trigger.evaluation_periods", 289, "rules[0].trigger.evaluation_periods"),
    ("rules.0.trigger.comparison_operator", "lt", "rules[0].trigger.comparison_operator"),
    ("rules.0.cool_down_minutes", 10081, "rules[0].cool_down_minutes"), ("rules.0.name", "", "rules[0].name"),
    ("rules.0.trigger", "x", "rules[0].trigger"), ("rules.0.extra", 1, "rules[0]"),
    ("resources_plans.0.end_time", "9:29", "resources_plans[0].end_time"),
    ("resources_plans.0.start_time", "9:60", "resources_plans[0].start_time"),
    ("resources_plans.0.effective_days", ["MONDAY", "monday"], "resources_plans[0].effective_days[1]"),
    ("resources_plans.0.period_type", "weekly", "resources_plans[0].period_type"),
    ("rules", "grow", "rules"), ("tags", [{"key": "a", "value": "x"}, {"key": "a"}], "tags[1].key"),
])
def test_every_limit_names_its_option_path(path, value, parameter):
    with pytest.raises(PolicyError) as caught:
        normalise(broken(path, value))
    assert caught.value.parameter == parameter and str(caught.value).startswith(parameter + ": ")


def test_changes_are_rule_by_rule_and_diff_keys_rules_by_name():
    before = normalise(POLICY)
    after = normalise(broken("rules.0.trigger.evaluation_periods", 6))
    assert changes(before, after) == ["rules.grow.trigger.evaluation_periods: 3 -> 6"]
    assert changes(before, before) == [] and changes(None, after) == ["policy: created"] and changes(before, None) == ["policy: deleted"]
    assert diff_view(after)["rules"]["grow"]["trigger"]["evaluation_periods"] == 6
    added = normalise(dict(POLICY, rules=[RULE, dict(RULE, name="shrink", adjustment_type="scale_in")]))
    assert changes(before, added) == ["rules.shrink: added"]
    assert "description" not in request_body("g", "default", before)["auto_scaling_policy"]["rules"][0]


def test_the_options_of_a_held_policy_write_that_very_policy_again():
    """How the role restores a paused policy exactly: as_options, given back as the module's options, normalise alike."""
    held = normalise(dict(copy.deepcopy(POLICY), tags=[{"key": "team", "value": "data"}]))
    options = as_options(held)
    assert options["enabled"] is True and "auto_scaling_enable" not in options
    assert normalise(from_options(options)) == held
    paused = normalise(from_options(dict(options, enabled=False)))
    assert paused == dict(held, auto_scaling_enable=False)
    assert as_options(None) is None


def test_every_resource_pool_of_a_group_is_found_in_list_order():
    """The role pauses every enabled policy of a group, whatever its pool: pool_policies lists them all."""
    listed = [{"node_group_name": "task_node_analysis_group", "resource_pool_name": "default", "auto_scaling_policy": {"a": 1}},
              {"node_group_name": "core_node_analysis_group", "resource_pool_name": "default", "auto_scaling_policy": {"b": 2}},
              {"node_group_name": "task_node_analysis_group", "resource_pool_name": "pool_b", "auto_scaling_policy": {"c": 3}},
              {"node_group_name": "task_node_analysis_group", "auto_scaling_policy": {"d": 4}}]
    assert pool_policies(listed, "task_node_analysis_group") == [("default", {"a": 1}), ("pool_b", {"c": 3}), ("default", {"d": 4})]
    assert pool_policies(listed, "node_group_1") == []
    assert held_policy(listed, "task_node_analysis_group", "pool_b") == {"c": 3}
    assert held_policy(listed, "task_node_analysis_group", "pool_x") is None
    with pytest.raises(MrsError, match="node group g .resource pool p. is not an object"):
        pool_policies([{"node_group_name": "g", "resource_pool_name": "p", "auto_scaling_policy": []}], "g")
    with pytest.raises(MrsError, match="is not a list"):
        pool_policies({}, "g")
