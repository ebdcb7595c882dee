"""_policy: the normal form, every limit with its option path, the lenient reading of answers, the merge of what a task
leaves out, the rule-by-rule changes, the policy list."""

import copy

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError as PolicyError
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_api import (
    held_policy, normal_held, policy_entries, pool_policies, read_held, request_body)
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_options import from_options, metric_value, option_parts, sexagesimal_hint
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_rules import (
    as_options, changes, check_whole, diff_view, disputed, matches, merge, normalise)

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


def test_only_what_every_source_refuses_is_refused_up_front():
    """#21 P7: cool-down 0-4 (Terraform says 5 at least) and periods 201-288 (Terraform says 200 at most) pass, and are
    named by disputed(); -1 and 289, which every source refuses, do not."""
    normal = normalise(dict(POLICY, rules=[dict(RULE, cool_down_minutes=0, trigger=dict(RULE["trigger"], evaluation_periods=288))],
                            tags=[{"key": "k%d" % index} for index in range(21)]))
    notes = disputed(normal)
    assert len(notes) == 3 and "cool_down_minutes 0" in notes[0] and "evaluation_periods 288" in notes[1] and "21 tags" in notes[2]
    assert disputed(normalise(POLICY)) == []
    for path, value in (("rules.0.cool_down_minutes", -1), ("rules.0.trigger.evaluation_periods", 289)):
        with pytest.raises(PolicyError):
            normalise(broken(path, value))


def test_the_comparison_operator_and_description_may_be_left_out_and_are_not_sent():
    rule = copy.deepcopy(RULE)
    del rule["trigger"]["comparison_operator"]
    normal = normalise(dict(POLICY, rules=[rule]))
    assert normal["rules"][0]["trigger"]["comparison_operator"] is None and normal["rules"][0]["description"] is None
    sent = request_body("g", "default", normal)["auto_scaling_policy"]["rules"][0]
    assert "comparison_operator" not in sent["trigger"] and "description" not in sent


def test_unquoted_times_are_explained():
    assert 'an unquoted 9:30 in YAML is read as the number 570 (base 60): write the time quoted, "9:30"' in sexagesimal_hint(570)
    assert sexagesimal_hint("570") == sexagesimal_hint(570) and sexagesimal_hint("9:30") == "" and sexagesimal_hint(True) == ""
    assert sexagesimal_hint(1440) == ""
    with pytest.raises(PolicyError, match="got '570'.*unquoted 9:30"):
        normalise(broken("resources_plans.0.start_time", "570"))


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
    """How the role restores a paused policy exactly: as_options, given back as the module's options, merge alike."""
    held = read_held(dict(copy.deepcopy(POLICY), tags=[{"key": "team", "value": "data"}]))
    options = as_options(held)
    assert options["enabled"] is True and "auto_scaling_enable" not in options
    parts = option_parts(from_options(options))
    assert matches(held, merge(held, parts)) and merge(held, parts) == held
    paused = merge(held, option_parts({"auto_scaling_enable": False}))
    assert paused == dict(held, auto_scaling_enable=False)
    assert as_options(None) is None


# --- reading what MRS answers (#20 class 5, #21 P5/P6) ------------------------------------------------------------------

def test_an_answer_is_read_as_leniently_as_the_sdk_models_allow():
    answer = {"rules": [{"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": "20", "scaling_adjustment": 2,
                         "trigger": {"metric_name": "m", "metric_value": 100, "evaluation_periods": 250}}],
              "resources_plans": [{"start_time": "9:00", "end_time": "9:10", "min_capacity": 1, "max_capacity": 2}],
              "exec_scripts": [{"name": "s"}], "unknown": True}
    normal = read_held(answer)
    assert (normal["auto_scaling_enable"], normal["min_capacity"], normal["max_capacity"], normal["tags"]) == (False, 0, 0, [])
    rule = normal["rules"][0]
    assert rule["description"] == "" and rule["cool_down_minutes"] == 20 and rule["trigger"]["metric_value"] == "100"
    assert rule["trigger"]["comparison_operator"] is None and rule["trigger"]["evaluation_periods"] == 250
    assert normal["resources_plans"][0]["start_time"] == "09:00" and normal["resources_plans"][0]["period_type"] == "daily"
    assert read_held({"auto_scaling_enable": "true"})["auto_scaling_enable"] is True


@pytest.mark.parametrize("answer, path", [
    ({"min_capacity": "lots"}, "min_capacity"),
    ({"min_capacity": 7, "max_capacity": 3}, "min_capacity"),
    ({"auto_scaling_enable": "yes"}, "enabled"),
    ({"rules": [{"adjustment_type": "scale_out"}]}, "rules[0].name"),
    ({"rules": [dict(RULE, trigger=None)]}, "rules[0].trigger"),
    ({"rules": [dict(RULE, trigger=dict(RULE["trigger"], metric_value="high"))]}, "rules[0].trigger.metric_value"),
    ({"rules": [RULE, RULE]}, "rules[1]"),
    ({"resources_plans": [{"start_time": "morning", "end_time": "9:00", "min_capacity": 1, "max_capacity": 1}]},
     "resources_plans[0].start_time"),
    ({"tags": [{"value": "x"}]}, "tags[0].key"),
    ([], "auto_scaling_policy"),
])
def test_an_answer_a_write_could_not_send_back_is_refused_naming_the_field(answer, path):
    with pytest.raises(PolicyError) as caught:
        read_held(answer)
    assert caught.value.parameter == path
    with pytest.raises(MrsError, match="MRS answered cannot be read: " + path.replace("[", r"\[").replace("]", r"\]")):
        normal_held(answer)


# --- left out keeps what MRS holds (#20 class 9) ---------------------------------------------------------------------

HELD = read_held(dict(POLICY, tags=[{"key": "team", "value": "data"}],
                      rules=[dict(RULE, description="memory"), dict(RULE, name="shrink", adjustment_type="scale_in")]))


def test_a_part_left_out_keeps_what_mrs_holds():
    assert merge(HELD, {}) == HELD
    assert merge(HELD, option_parts({"auto_scaling_enable": False})) == dict(HELD, auto_scaling_enable=False)
    assert merge(HELD, option_parts({"max_capacity": 9}))["rules"] == HELD["rules"]


def test_a_list_given_replaces_or_with_purge_false_merges():
    new = dict(RULE, name="burst")
    grow = dict(RULE, scaling_adjustment=5)
    assert [rule["name"] for rule in merge(HELD, option_parts({"rules": [new]}))["rules"]] == ["burst"]
    merged = merge(HELD, option_parts({"rules": [new, grow]}), {"rules": False})
    assert [(rule["name"], rule["scaling_adjustment"]) for rule in merged["rules"]] == [("burst", 2), ("grow", 5), ("shrink", 2)]
    assert merged["rules"][1]["description"] == "memory"  # left out in the given rule: MRS's kept
    assert merge(HELD, option_parts({"tags": [{"key": "owner", "value": "ops"}]}), {"tags": False})["tags"] == [
        {"key": "owner", "value": "ops"}, {"key": "team", "value": "data"}]
    plan = {"start_time": "09:00", "end_time": "09:30", "min_capacity": 2, "max_capacity": 2, "effective_days": ["MONDAY", "FRIDAY"]}
    replaced = merge(HELD, option_parts({"resources_plans": [plan]}), {"resources_plans": False})["resources_plans"]
    assert [(item["min_capacity"], item["max_capacity"]) for item in replaced] == [(2, 2)]  # the same window: replaced
    assert merge(HELD, option_parts({"rules": []}))["rules"] == []


def test_check_whole_names_the_option_and_says_what_mrs_holds():
    with pytest.raises(PolicyError, match="^min_capacity: is required to create a policy: node group g"):
        check_whole(merge(None, option_parts({"max_capacity": 3, "rules": [RULE]})), {}, "g")
    parts = option_parts({"min_capacity": 9})
    with pytest.raises(PolicyError, match=r"^min_capacity: .*\(9 > 8; the max_capacity is the one MRS holds\)"):
        check_whole(merge(HELD, parts), parts, "g")
    parts = option_parts({"rules": []})
    with pytest.raises(PolicyError, match="resources_plans left out: the policy MRS holds has none"):
        check_whole(merge(dict(HELD, resources_plans=[]), parts), parts, "g")
    with pytest.raises(PolicyError, match="^rules: an enabled policy needs"):
        option_parts({"auto_scaling_enable": True, "rules": [], "resources_plans": []})


def test_what_a_task_leaves_to_mrs_matches_what_mrs_chose():
    rule = copy.deepcopy(RULE)
    del rule["trigger"]["comparison_operator"]
    wanted = normalise(dict(POLICY, rules=[rule]))
    chosen = read_held(dict(POLICY, rules=[dict(RULE, trigger=dict(RULE["trigger"], comparison_operator="GT"))]))
    assert matches(chosen, wanted) and not matches(chosen, normalise(POLICY)) and matches(None, None)
    assert not matches(None, wanted) and not matches(chosen, None)
    assert merge(chosen, option_parts({"rules": [rule]}))["rules"][0]["trigger"]["comparison_operator"] == "GT"


# --- the policy list (#21 P4 and #20's "nothing silently left out") ----------------------------------------------------

def test_every_resource_pool_of_a_group_is_found_in_list_order():
    """The role pauses every enabled policy of a group, whatever its pool: pool_policies lists them all."""
    listed = [{"node_group_name": "task_node_analysis_group", "resource_pool_name": "default", "auto_scaling_policy": {"a": 1}},
              {"node_group_name": "core_node_analysis_group", "resource_pool_name": "default", "auto_scaling_policy": {"b": 2}},
              {"node_group_name": "task_node_analysis_group", "resource_pool_name": "pool_b", "auto_scaling_policy": {"c": 3}},
              {"node_group_name": "task_node_analysis_group", "auto_scaling_policy": {"a": 1}}]
    assert pool_policies(listed, "task_node_analysis_group") == [("default", {"a": 1}), ("pool_b", {"c": 3})]
    assert pool_policies(listed, "node_group_1") == []
    assert held_policy(listed, "task_node_analysis_group", "pool_b") == {"c": 3}
    assert held_policy(listed, "task_node_analysis_group", "pool_x") is None
    with pytest.raises(MrsError, match="node group g is not an object .entry 0, resource pool p."):
        pool_policies([{"node_group_name": "g", "resource_pool_name": "p", "auto_scaling_policy": []}], "g")
    with pytest.raises(MrsError, match="is not a list"):
        pool_policies({}, "g")


@pytest.mark.parametrize("listed, words", [
    (["x"], "entry 0 of the auto-scaling policy list names no node group"),
    ([{"node_group_name": "", "auto_scaling_policy": {}}], "entry 0 of the auto-scaling policy list names no node group"),
    ([{"node_group_name": "g", "auto_scaling_policy": {"a": 1}}, {"node_group_name": "g", "auto_scaling_policy": {"a": 2}}],
     "two different policies for node group g, resource pool default .entries 0 and 1."),
])
def test_an_entry_that_cannot_be_read_fails_the_list_naming_it(listed, words):
    """An entry of another group is never silently skipped: it could be the enabled policy a resize must know of."""
    with pytest.raises(MrsError, match=words):
        policy_entries(listed)
    assert policy_entries([]) == []
