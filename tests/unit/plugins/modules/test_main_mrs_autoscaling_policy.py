# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mrs_autoscaling_policy main() end to end over the real AnsibleModule and a fake client (#12)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError
from ansible_collections.hwcloud.mrs.plugins.modules import mrs_autoscaling_policy

from ansible_collections.hwcloud.mrs.tests.unit.plugins.modules.module_harness import FakeClient, details, run

GROUP = "task_node_analysis_group"


def trigger(value, operator, periods):
    return {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": value, "comparison_operator": operator,
            "evaluation_periods": periods}


def held_rules(grow=2):
    return [{"name": "grow", "description": "", "adjustment_type": "scale_out", "cool_down_minutes": 20,
             "scaling_adjustment": grow, "trigger": trigger("25", "LT", 3)},
            {"name": "shrink", "description": "", "adjustment_type": "scale_in", "cool_down_minutes": 20,
             "scaling_adjustment": 1, "trigger": trigger("70", "GT", 6)}]


def held(grow=2, group=GROUP, pool="default", enabled=True):
    """One entry of MRS's GET list, as MRS spells it."""
    return {"node_group_name": group, "resource_pool_name": pool,
            "auto_scaling_policy": {"auto_scaling_enable": enabled, "min_capacity": 2, "max_capacity": 20,
                                    "rules": held_rules(grow),
                                    "resources_plans": [{"period_type": "daily", "start_time": "08:00", "end_time": "18:00",
                                                         "min_capacity": 6, "max_capacity": 20,
                                                         "effective_days": ["MONDAY", "TUESDAY"]}],
                                    "tags": [{"key": "team", "value": "data"}]}}


def options(grow=2, **extra):
    """The module options of ``held(grow)``, spelt differently: rule order, 8:00, 25 as a number, day order and case."""
    rules = [{"name": "shrink", "adjustment_type": "scale_in", "cool_down_minutes": 20, "scaling_adjustment": 1,
              "trigger": trigger(70.0, "GT", 6)},
             {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": grow,
              "trigger": trigger(25, "LT", 3)}]
    plans = [{"start_time": "8:00", "end_time": "18:00", "min_capacity": 6, "max_capacity": 20,
              "effective_days": ["tuesday", "MONDAY"]}]
    base = dict(cluster_id="c1", node_group=GROUP, min_capacity=2, max_capacity=20, rules=rules, resources_plans=plans,
                tags=[{"key": "team", "value": "data"}])
    base.update(extra)
    return base


def by_name(**extra):
    args = options(cluster_name="demo", **extra)
    del args["cluster_id"]
    return args


def secret_free(result):
    text = json.dumps(result)
    assert "SK\\n" not in text and "secret_key" not in text and '"AK"' not in text


# --- state present --------------------------------------------------------------------------------------------------

def test_present_creates_then_returns_the_policy_read_back(monkeypatch):
    client = FakeClient(policies=[[], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    result = end.result
    assert end.kind == "exit" and result["changed"] is True and result["changes"] == ["policy: created"], result
    ((kind, body),) = client.policy_writes
    assert kind == "CREATE" and body["node_group_name"] == GROUP and body["resource_pool_name"] == "default"
    sent = body["auto_scaling_policy"]
    assert [rule["name"] for rule in sent["rules"]] == ["grow", "shrink"]
    assert all("description" not in rule for rule in sent["rules"])  # an empty description is not sent
    assert sent["rules"][0]["trigger"]["metric_value"] == "25" and sent["rules"][1]["trigger"]["metric_value"] == "70"
    assert sent["resources_plans"][0]["start_time"] == "08:00" and sent["resources_plans"][0]["effective_days"] == ["MONDAY", "TUESDAY"]
    assert result["policy"] == held()["auto_scaling_policy"] and result["options"] is None
    assert client.calls[0] == ("POLICIES", "c1") and client.calls[-1] == ("POLICIES", "c1")
    secret_free(result)


def test_one_rule_changed_updates_and_changes_names_that_rule_only(monkeypatch):
    client = FakeClient(policies=[[held(grow=2)], [held(grow=3)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(grow=3))
    assert end.kind == "exit" and end.result["changed"] is True
    assert end.result["changes"] == ["rules.grow.scaling_adjustment: 2 -> 3"]
    ((kind, body),) = client.policy_writes
    assert kind == "UPDATE" and [rule["scaling_adjustment"] for rule in body["auto_scaling_policy"]["rules"]] == [3, 1]
    assert end.result["options"]["rules"][0]["scaling_adjustment"] == 2  # options: the policy before the task
    assert end.result["policy"]["rules"][0]["scaling_adjustment"] == 3


def test_a_rerun_in_another_spelling_writes_nothing(monkeypatch):
    client = FakeClient(policies=[[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "exit" and end.result["changed"] is False and end.result["changes"] == []
    assert client.calls == [("POLICIES", "c1")]  # a group name costs no cluster read, one list, no write
    assert end.result["policy"] == held()["auto_scaling_policy"]


def test_another_pool_of_the_group_is_not_this_policy(monkeypatch):
    client = FakeClient(policies=[[held(pool="pool1")], [held(pool="pool1"), held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.result["changed"] is True and [call[0] for call in client.policy_writes] == ["CREATE"]


def test_check_mode_writes_nothing_and_returns_the_predicted_policy(monkeypatch):
    client = FakeClient(policies=[[held(grow=2)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, _ansible_check_mode=True, **options(grow=5))
    assert end.kind == "exit" and end.result["changed"] is True and client.policy_writes == []
    assert client.calls == [("POLICIES", "c1")]
    assert [rule["scaling_adjustment"] for rule in end.result["policy"]["rules"]] == [5, 1]
    assert end.result["changes"] == ["rules.grow.scaling_adjustment: 2 -> 5"]


def test_check_mode_of_a_delete_predicts_no_policy(monkeypatch):
    client = FakeClient(policies=[[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, _ansible_check_mode=True, cluster_id="c1", node_group=GROUP,
              state="absent")
    assert end.result["changed"] is True and end.result["policy"] is None and client.policy_writes == []


def test_diff_mode_shows_rule_by_rule(monkeypatch):
    client = FakeClient(policies=[[held(grow=2)], [held(grow=3)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, _ansible_diff=True, **options(grow=3))
    before, after = end.result["diff"]["before"], end.result["diff"]["after"]
    assert set(before["rules"]) == set(after["rules"]) == {"grow", "shrink"}
    assert before["rules"]["grow"]["scaling_adjustment"] == 2 and after["rules"]["grow"]["scaling_adjustment"] == 3
    assert before["rules"]["shrink"] == after["rules"]["shrink"]
    assert list(after["resources_plans"]) == ["08:00-18:00 MONDAY,TUESDAY"] and after["tags"] == {"team": "data"}


def test_diff_mode_of_a_create_starts_from_nothing(monkeypatch):
    client = FakeClient(policies=[[], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, _ansible_diff=True, _ansible_check_mode=True, **options())
    assert end.result["diff"]["before"] == {} and set(end.result["diff"]["after"]["rules"]) == {"grow", "shrink"}


def test_rules_left_out_are_removed(monkeypatch):
    client = FakeClient(policies=[[held()], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(rules=[], resources_plans=[], enabled=False, tags=[]))
    assert end.result["changed"] is True
    assert end.result["changes"] == ["auto_scaling_enable: True -> False", "rules.grow: removed", "rules.shrink: removed",
                                     "resources_plans[08:00-18:00 MONDAY,TUESDAY]: removed", "tags: {'team': 'data'} -> {}"]
    ((kind, body),) = client.policy_writes
    assert kind == "UPDATE" and body["auto_scaling_policy"]["rules"] == [] and body["auto_scaling_policy"]["tags"] == []


# --- state absent ---------------------------------------------------------------------------------------------------

def test_absent_deletes_the_group_and_pool_and_again_is_no_change(monkeypatch):
    client = FakeClient(policies=[[held(), held(pool="pool1")]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="absent")
    assert end.kind == "exit" and end.result["changed"] is True and end.result["changes"] == ["policy: deleted"]
    assert client.policy_writes == [("DELETE", {"node_group_name": GROUP, "resource_pool_name": "default"})]
    assert end.result["policy"] is None and end.result["options"]["max_capacity"] == 20

    again = FakeClient(policies=[[held(pool="pool1")]])
    end = run(monkeypatch, mrs_autoscaling_policy, again, cluster_id="c1", node_group=GROUP, state="absent")
    assert end.kind == "exit" and end.result["changed"] is False and again.policy_writes == []
    assert end.result["policy"] is None and end.result["changes"] == []


def test_absent_ignores_the_policy_options(monkeypatch):
    """min/max and rules mean nothing to a delete: even broken ones do not stop it."""
    client = FakeClient(policies=[[]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="absent",
              min_capacity=9, max_capacity=1)
    assert end.kind == "exit" and end.result["changed"] is False


# --- "policy not found" (MRS.00005016) is no policy, whatever the state --------------------------------------------

NOT_FOUND = MrsApiError(404, "MRS.00005016", "policy not found")


def test_read_policy_not_found_is_none(monkeypatch):
    client = FakeClient(policies=[NOT_FOUND])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="read")
    assert end.kind == "exit", end.result
    assert (end.result["policy"], end.result["options"], end.result["resource_pools"]) == (None, None, [])


def test_present_after_policy_not_found_creates(monkeypatch):
    client = FakeClient(policies=[NOT_FOUND, [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "exit" and end.result["changed"] is True, end.result
    assert [call[0] for call in client.policy_writes] == ["CREATE"]


def test_absent_after_policy_not_found_is_no_change(monkeypatch):
    client = FakeClient(policies=[NOT_FOUND])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="absent")
    assert end.kind == "exit" and end.result["changed"] is False and client.policy_writes == []


def test_another_error_of_the_list_fails_before_any_write(monkeypatch):
    client = FakeClient(policies=[MrsApiError(500, "MRS.0001", "internal error")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "fail" and end.result["api_error"]["code"] == "MRS.0001" and client.policy_writes == []


# --- state read -----------------------------------------------------------------------------------------------------

def test_read_returns_policy_options_and_every_pool_and_never_writes(monkeypatch):
    other = held(group="core_node_analysis_group")
    client = FakeClient(policies=[[other, held(), held(grow=4, pool="pool1", enabled=False)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="read",
              _ansible_check_mode=False)
    result = end.result
    assert end.kind == "exit" and result["changed"] is False and client.policy_writes == []
    assert result["policy"] == held()["auto_scaling_policy"] and result["node_group"] == GROUP
    assert result["options"]["enabled"] is True and "auto_scaling_enable" not in result["options"]
    assert [pool["resource_pool_name"] for pool in result["resource_pools"]] == ["default", "pool1"]
    assert result["resource_pools"][1]["options"]["enabled"] is False
    assert result["resource_pools"][1]["options"]["rules"][0]["scaling_adjustment"] == 4
    secret_free(result)


def test_the_options_read_give_back_the_very_policy(monkeypatch):
    """What the role does to restore a paused policy: read's options, passed as they are, are no change."""
    end = run(monkeypatch, mrs_autoscaling_policy, FakeClient(policies=[[held()]]), cluster_id="c1", node_group=GROUP,
              state="read")
    restored = FakeClient(policies=[[held()]])
    again = run(monkeypatch, mrs_autoscaling_policy, restored, cluster_id="c1", node_group=GROUP, **end.result["options"])
    assert again.kind == "exit" and again.result["changed"] is False and restored.policy_writes == [], again.result


def test_read_of_an_alias_on_a_cluster_without_that_group_is_no_policy(monkeypatch):
    cluster = details(core=3)
    cluster["nodeGroups"].pop()  # no Task group listed
    client = FakeClient(clusters=[cluster], policies=[AssertionError("no list expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group="task", state="read")
    assert end.kind == "exit", end.result
    assert (end.result["node_group"], end.result["policy"], end.result["resource_pools"]) == (None, None, [])
    assert client.calls == [("GET", "c1")]


def test_an_alias_resolves_to_the_mrs_name(monkeypatch):
    client = FakeClient(clusters=[details(core=3, task=2)], policies=[[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(node_group="task"))
    assert end.kind == "exit" and end.result["node_group"] == GROUP and end.result["changed"] is False
    assert client.calls == [("GET", "c1"), ("POLICIES", "c1")]


def test_present_with_an_alias_the_cluster_lacks_fails_naming_node_group(monkeypatch):
    cluster = details(core=3)
    cluster["nodeGroups"].pop()
    client = FakeClient(clusters=[cluster], policies=[AssertionError("no list expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(node_group="task"))
    assert end.kind == "fail" and end.result["parameter"] == "node_group" and client.policy_writes == []


# --- cluster_name -----------------------------------------------------------------------------------------------------

def test_cluster_name_resolves_through_the_list_without_a_second_read(monkeypatch):
    client = FakeClient(listed=[[details(cluster_id="old", state="terminated"), details(cluster_id="c7", task=1)]],
                        policies=[[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **by_name(node_group="task"))
    assert end.kind == "exit" and end.result["cluster_id"] == "c7" and end.result["changed"] is False, end.result
    assert client.calls == [("LIST", "demo"), ("POLICIES", "c7")]


@pytest.mark.parametrize("listed, words", [
    ([], 'no live cluster named "demo"'),
    ([details(cluster_id="c1"), details(cluster_id="c2")], "more than one live cluster named \"demo\" in project p1 (c1, c2)")])
def test_cluster_name_none_or_several_refused_before_any_write(monkeypatch, listed, words):
    client = FakeClient(listed=[listed], policies=[AssertionError("no list expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **by_name())
    assert end.kind == "fail" and end.result["parameter"] == "cluster_name" and words in end.result["msg"]
    assert client.calls == [("LIST", "demo")]


def test_the_argument_spec_refuses_both_selectors(monkeypatch):
    client = FakeClient()
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(cluster_name="demo"))
    assert end.kind == "fail" and "mutually exclusive" in end.result["msg"] and client.calls == []


def test_a_mixed_clusters_core_is_refused_naming_the_groups(monkeypatch):
    mixed = details(core=3, clusterType=2, coreNodeNum="6", totalNodeNum="8")
    mixed["nodeGroups"].insert(2, {"GroupName": "core_node_streaming_group", "NodeNum": 3})
    mixed["nodeGroups"].pop()
    client = FakeClient(clusters=[mixed], policies=[AssertionError("no list expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(node_group="core"))
    assert end.kind == "fail" and end.result["parameter"] == "node_group", end.result
    assert "core_node_analysis_group" in end.result["msg"] and "core_node_streaming_group" in end.result["msg"]
    assert client.calls == [("GET", "c1")]


# --- invalid input: refused before any request, naming the option path -------------------------------------------------

def _rules(**change):
    rules = options()["rules"]
    rules = copy.deepcopy(rules)
    for path, value in change.items():
        index, _sep, rest = path.partition("__")
        target = rules[int(index[1:])]
        keys = rest.split("__")
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return rules


def _plans(**change):
    return [dict(options()["resources_plans"][0], **change)]


@pytest.mark.parametrize("change, parameter", [
    (dict(rules=_rules(r1__trigger__evaluation_periods=0)), "rules[1].trigger.evaluation_periods"),
    (dict(rules=_rules(r1__trigger__evaluation_periods=289)), "rules[1].trigger.evaluation_periods"),
    (dict(rules=_rules(r0__trigger__metric_value="12.345")), "rules[0].trigger.metric_value"),
    (dict(rules=_rules(r0__trigger__metric_value=True)), "rules[0].trigger.metric_value"),
    (dict(rules=_rules(r0__trigger__comparison_operator="EQ")), "rules[0].trigger.comparison_operator"),
    (dict(rules=_rules(r1__name="shrink")), "rules[1].name"),
    (dict(rules=_rules(r0__adjustment_type="scale_up")), "rules[0].adjustment_type"),
    (dict(rules=_rules(r0__scaling_adjustment=101)), "rules[0].scaling_adjustment"),
    (dict(rules=_rules(r0__cool_down_minutes=10081)), "rules[0].cool_down_minutes"),
    (dict(rules=[{"name": "x", "adjustment_type": "scale_in", "cool_down_minutes": 1, "scaling_adjustment": 1}]),
     "rules[0].trigger"),
    (dict(resources_plans=_plans(end_time="08:29")), "resources_plans[0].end_time"),
    (dict(resources_plans=_plans(start_time="24:00")), "resources_plans[0].start_time"),
    (dict(resources_plans=_plans(effective_days=["MONDAY", "monday"])), "resources_plans[0].effective_days[1]"),
    (dict(resources_plans=_plans(period_type="weekly")), "resources_plans[0].period_type"),
    (dict(min_capacity=21), "min_capacity"),
    (dict(max_capacity=501), "max_capacity"),
    (dict(min_capacity=None), "min_capacity"),
    (dict(rules=[], resources_plans=[]), "rules"),
    (dict(tags=[{"key": "a"}, {"key": "a", "value": "b"}]), "tags[1].key"),
    (dict(node_group="node group"), "node_group"),
    (dict(resource_pool_name=""), "resource_pool_name"),
    (dict(cluster_id="c/1"), "cluster_id")])
def test_invalid_options_fail_before_any_request_naming_the_path(monkeypatch, change, parameter):
    client = FakeClient(clusters=[AssertionError("no request expected")], policies=[AssertionError("no request expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(**change))
    assert end.kind == "fail" and end.result["parameter"] == parameter, end.result
    assert end.result["msg"].startswith(parameter) and client.calls == []
    secret_free(end.result)


def test_a_disabled_policy_may_have_no_rule(monkeypatch):
    client = FakeClient(policies=[[], [held(enabled=False)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(enabled=False, rules=[], resources_plans=[]))
    assert end.kind == "exit" and [call[0] for call in client.policy_writes] == ["CREATE"]


def test_a_garbled_policy_answer_fails_as_the_answer_not_the_options(monkeypatch):
    bad = held()
    bad["auto_scaling_policy"]["rules"][0]["trigger"]["evaluation_periods"] = 0
    client = FakeClient(policies=[[bad]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "fail" and "parameter" not in end.result and client.policy_writes == []
    assert "MRS answered cannot be read" in end.result["msg"]


# --- API errors -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("before, change", [([], {}), ([held()], dict(grow=3)), ([held()], dict(state="absent"))])
def test_an_api_error_on_the_write_returns_its_code_and_no_change(monkeypatch, before, change):
    error = MrsApiError(400, "MRS.0046", "The policy is invalid.")
    client = FakeClient(policies=[before], policy_error=error)
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(**change))
    assert end.kind == "fail" and end.result["api_error"]["code"] == "MRS.0046" and "MRS.0046" in end.result["msg"]
    assert end.result.get("changed", False) is False and len(client.policy_writes) == 1
    secret_free(end.result)


def test_a_failed_read_back_after_the_write_says_it_changed(monkeypatch):
    client = FakeClient(policies=[[], MrsApiError(500, "MRS.0001", "internal error")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "fail" and end.result["changed"] is True and end.result["policy"] is None
    assert "the policy was written, but reading it back failed" in end.result["msg"]
    assert end.result["changes"] == ["policy: created"]


def test_a_bug_is_a_traceback_not_a_polite_failure(monkeypatch):
    with pytest.raises(ValueError, match="a bug"):
        run(monkeypatch, mrs_autoscaling_policy, FakeClient(policies=[ValueError("a bug")]), **options())
