# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mrs_autoscaling_policy main() end to end over the real AnsibleModule and a fake client (#12, #20, #21)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError
from ansible_collections.hwcloud.mrs.plugins.modules import mrs_autoscaling_policy

from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClient, custom, details
from ansible_collections.hwcloud.mrs.tests.unit.plugins.modules.module_harness import run

GROUP = "task_node_analysis_group"
CORE = "core_node_analysis_group"


def trigger(value, operator, periods):
    return {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": value, "comparison_operator": operator,
            "evaluation_periods": periods}


def held_rules(grow=2):
    return [{"name": "grow", "description": "", "adjustment_type": "scale_out", "cool_down_minutes": 20,
             "scaling_adjustment": grow, "trigger": trigger("25", "LT", 3)},
            {"name": "shrink", "description": "", "adjustment_type": "scale_in", "cool_down_minutes": 20,
             "scaling_adjustment": 1, "trigger": trigger("70", "GT", 6)}]


PLAN = {"period_type": "daily", "start_time": "08:00", "end_time": "18:00", "min_capacity": 6, "max_capacity": 20,
        "effective_days": ["MONDAY", "TUESDAY"]}


def held(grow=2, group=GROUP, pool="default", enabled=True, **changes):
    """One entry of MRS's GET list, as MRS spells it."""
    policy = {"auto_scaling_enable": enabled, "min_capacity": 2, "max_capacity": 20, "rules": held_rules(grow),
              "resources_plans": [dict(PLAN)], "tags": [{"key": "team", "value": "data"}]}
    policy.update(changes)
    return {"node_group_name": group, "resource_pool_name": pool, "auto_scaling_policy": policy}


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


def cluster(core=3, task=2, **extra):
    return details(core=core, task=task, **extra)


def client_with(policies, *clusters, **extra):
    return FakeClient(*(clusters or [cluster()]), policies=policies, **extra)


def by_name(**extra):
    args = options(cluster_name="demo", **extra)
    del args["cluster_id"]
    return args


def secret_free(result):
    text = json.dumps(result)
    assert "SK\\n" not in text and "secret_key" not in text and '"AK"' not in text


def kinds(client):
    return [call[0] for call in client.calls]


# --- state present --------------------------------------------------------------------------------------------------

def test_present_creates_then_returns_the_policy_read_back(monkeypatch):
    client = client_with([[], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    result = end.result
    assert end.kind == "exit" and result["changed"] is True and result["changes"] == ["policy: created"], result
    ((kind, body),) = client.policy_writes
    assert kind == "CREATE" and body["node_group_name"] == GROUP and body["resource_pool_name"] == "default"
    sent = body["auto_scaling_policy"]
    assert [rule["name"] for rule in sent["rules"]] == ["grow", "shrink"]
    assert all("description" not in rule for rule in sent["rules"])  # a description left out is not sent
    assert sent["rules"][0]["trigger"]["metric_value"] == "25" and sent["rules"][1]["trigger"]["metric_value"] == "70"
    assert sent["resources_plans"][0]["start_time"] == "08:00" and sent["resources_plans"][0]["effective_days"] == ["MONDAY", "TUESDAY"]
    assert result["policy"] == held()["auto_scaling_policy"] and result["options"] is None
    # the group is checked against the cluster, then one list, the write, the read back
    assert kinds(client) == ["GET", "POLICIES", "CREATE", "POLICIES"]
    secret_free(result)


def test_one_rule_changed_updates_and_changes_names_that_rule_only(monkeypatch):
    client = client_with([[held(grow=2)], [held(grow=3)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(grow=3))
    assert end.kind == "exit" and end.result["changed"] is True
    assert end.result["changes"] == ["rules.grow.scaling_adjustment: 2 -> 3"]
    ((kind, body),) = client.policy_writes
    assert kind == "UPDATE" and [rule["scaling_adjustment"] for rule in body["auto_scaling_policy"]["rules"]] == [3, 1]
    assert end.result["options"]["rules"][0]["scaling_adjustment"] == 2  # options: the policy before the task
    assert end.result["policy"]["rules"][0]["scaling_adjustment"] == 3


def test_a_rerun_in_another_spelling_writes_nothing(monkeypatch):
    client = client_with([[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "exit" and end.result["changed"] is False and end.result["changes"] == []
    assert kinds(client) == ["GET", "POLICIES"]  # the cluster, one list, no write
    assert end.result["policy"] == held()["auto_scaling_policy"]


def test_another_pool_of_the_group_is_not_this_policy(monkeypatch):
    client = client_with([[held(pool="pool1")], [held(pool="pool1"), held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.result["changed"] is True and [call[0] for call in client.policy_writes] == ["CREATE"]


def test_check_mode_writes_nothing_and_returns_the_predicted_policy(monkeypatch):
    client = client_with([[held(grow=2)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, _ansible_check_mode=True, **options(grow=5))
    assert end.kind == "exit" and end.result["changed"] is True and client.policy_writes == []
    assert kinds(client) == ["GET", "POLICIES"]
    assert [rule["scaling_adjustment"] for rule in end.result["policy"]["rules"]] == [5, 1]
    assert end.result["changes"] == ["rules.grow.scaling_adjustment: 2 -> 5"]


def test_check_mode_of_a_delete_predicts_no_policy(monkeypatch):
    client = client_with([[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, _ansible_check_mode=True, cluster_id="c1", node_group=GROUP,
              state="absent")
    assert end.result["changed"] is True and end.result["policy"] is None and client.policy_writes == []


def test_diff_mode_shows_rule_by_rule(monkeypatch):
    client = client_with([[held(grow=2)], [held(grow=3)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, _ansible_diff=True, **options(grow=3))
    before, after = end.result["diff"]["before"], end.result["diff"]["after"]
    assert set(before["rules"]) == set(after["rules"]) == {"grow", "shrink"}
    assert before["rules"]["grow"]["scaling_adjustment"] == 2 and after["rules"]["grow"]["scaling_adjustment"] == 3
    assert before["rules"]["shrink"] == after["rules"]["shrink"]
    assert list(after["resources_plans"]) == ["08:00-18:00 MONDAY,TUESDAY"] and after["tags"] == {"team": "data"}


def test_diff_mode_of_a_create_starts_from_nothing(monkeypatch):
    client = client_with([[], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, _ansible_diff=True, _ansible_check_mode=True, **options())
    assert end.result["diff"]["before"] == {} and set(end.result["diff"]["after"]["rules"]) == {"grow", "shrink"}


def test_empty_lists_given_on_purpose_remove_them(monkeypatch):
    client = client_with([[held()], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(rules=[], resources_plans=[], enabled=False, tags=[]))
    assert end.result["changed"] is True
    assert end.result["changes"] == ["auto_scaling_enable: True -> False", "rules.grow: removed", "rules.shrink: removed",
                                     "resources_plans[08:00-18:00 MONDAY,TUESDAY]: removed", "tags: {'team': 'data'} -> {}"]
    ((kind, body),) = client.policy_writes
    assert kind == "UPDATE" and body["auto_scaling_policy"]["rules"] == [] and body["auto_scaling_policy"]["tags"] == []
    assert body["auto_scaling_policy"]["resources_plans"] == []


# --- #20 class 9: an option the task leaves out keeps what MRS holds -------------------------------------------------

def pause_args(**extra):
    """The module's own "Pause the policy" example (EXAMPLES), against cluster c1."""
    args = dict(cluster_id="c1", node_group=GROUP, enabled=False)
    args.update(extra)
    return args


def test_the_documented_pause_keeps_rules_plans_bounds_and_tags_and_resume_restores_it_exactly(monkeypatch):
    paused = held(enabled=False)
    client = client_with([[held()], [paused]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **pause_args())
    assert end.kind == "exit" and end.result["changes"] == ["auto_scaling_enable: True -> False"], end.result
    ((kind, body),) = client.policy_writes
    unsent = [dict((key, value) for key, value in rule.items() if key != "description") for rule in held_rules()]
    assert kind == "UPDATE" and body["auto_scaling_policy"] == dict(held()["auto_scaling_policy"], auto_scaling_enable=False, rules=unsent)
    resumed = client_with([[paused], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, resumed, **pause_args(enabled=True))
    assert end.result["changes"] == ["auto_scaling_enable: False -> True"]
    assert resumed.policy_writes[0][1]["auto_scaling_policy"]["rules"] == body["auto_scaling_policy"]["rules"]
    assert resumed.policy_writes[0][1]["auto_scaling_policy"]["resources_plans"] == [PLAN]


def test_editing_one_rule_keeps_the_plans_and_tags_left_out(monkeypatch):
    client = client_with([[held()], [held(grow=5)]])
    args = options(grow=5)
    del args["resources_plans"], args["tags"], args["min_capacity"], args["max_capacity"]
    end = run(monkeypatch, mrs_autoscaling_policy, client, **args)
    assert end.result["changes"] == ["rules.grow.scaling_adjustment: 2 -> 5"], end.result
    sent = client.policy_writes[0][1]["auto_scaling_policy"]
    assert sent["resources_plans"] == [PLAN] and sent["tags"] == [{"key": "team", "value": "data"}]
    assert (sent["min_capacity"], sent["max_capacity"], sent["auto_scaling_enable"]) == (2, 20, True)


def test_purge_false_merges_the_given_rule_plan_and_tag_in(monkeypatch):
    client = client_with([[held()], [held()]])
    rule = {"name": "burst", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 4,
            "trigger": trigger(10, "LT", 1)}
    grow = dict(options()["rules"][1], scaling_adjustment=3)
    plan = {"start_time": "20:00", "end_time": "22:00", "min_capacity": 1, "max_capacity": 4}
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, rules=[rule, grow], purge_rules=False,
              resources_plans=[plan], purge_resources_plans=False, tags=[{"key": "owner", "value": "ops"}], purge_tags=False)
    assert end.result["changes"] == ["rules.burst: added", "rules.grow.scaling_adjustment: 2 -> 3",
                                     "resources_plans[20:00-22:00 every day]: added",
                                     "tags: {'team': 'data'} -> {'owner': 'ops', 'team': 'data'}"], end.result
    sent = client.policy_writes[0][1]["auto_scaling_policy"]
    assert [rule["name"] for rule in sent["rules"]] == ["burst", "grow", "shrink"] and len(sent["resources_plans"]) == 2


def test_a_purge_without_its_list_changes_nothing(monkeypatch):
    client = client_with([[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, purge_rules=True,
              purge_resources_plans=True, purge_tags=True)
    assert end.kind == "exit" and end.result["changed"] is False and client.policy_writes == []


def test_enabled_left_out_keeps_a_paused_policy_paused_and_a_new_policy_is_enabled(monkeypatch):
    client = client_with([[held(enabled=False)]])
    args = options()
    end = run(monkeypatch, mrs_autoscaling_policy, client, **args)
    assert end.result["changed"] is False and client.policy_writes == []
    created = client_with([[], [held()]])
    run(monkeypatch, mrs_autoscaling_policy, created, **args)
    assert created.policy_writes[0][1]["auto_scaling_policy"]["auto_scaling_enable"] is True


@pytest.mark.parametrize("left_out", ["min_capacity", "max_capacity"])
def test_a_policy_cannot_be_created_without_its_bounds_nothing_written(monkeypatch, left_out):
    client = client_with([[]])
    args = options()
    del args[left_out]
    end = run(monkeypatch, mrs_autoscaling_policy, client, **args)
    assert end.kind == "fail" and end.result["parameter"] == left_out and client.policy_writes == []
    assert "required to create a policy" in end.result["msg"] and "max_capacity 0 empties the group" in end.result["msg"]


def test_a_bound_given_alone_is_checked_against_the_one_mrs_holds(monkeypatch):
    client = client_with([[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, min_capacity=25)
    assert end.kind == "fail" and end.result["parameter"] == "min_capacity" and client.policy_writes == []
    assert "25 > 20; the max_capacity is the one MRS holds" in end.result["msg"]


def test_an_enabled_policy_left_without_rules_or_plans_says_which_were_left_out(monkeypatch):
    client = client_with([[held(enabled=False, rules=[], resources_plans=[])]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, enabled=True, rules=[])
    assert end.kind == "fail" and end.result["parameter"] == "rules" and client.policy_writes == []
    assert "resources_plans left out: the policy MRS holds has none" in end.result["msg"]


# --- state absent ---------------------------------------------------------------------------------------------------

def test_absent_deletes_the_group_and_pool_and_again_is_no_change(monkeypatch):
    client = client_with([[held(), held(pool="pool1")]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="absent")
    assert end.kind == "exit" and end.result["changed"] is True and end.result["changes"] == ["policy: deleted"]
    assert client.policy_writes == [("DELETE", {"node_group_name": GROUP, "resource_pool_name": "default"})]
    assert end.result["policy"] is None and end.result["options"]["max_capacity"] == 20

    again = client_with([[held(pool="pool1")]])
    end = run(monkeypatch, mrs_autoscaling_policy, again, cluster_id="c1", node_group=GROUP, state="absent")
    assert end.kind == "exit" and end.result["changed"] is False and again.policy_writes == []
    assert end.result["policy"] is None and end.result["changes"] == []


def test_absent_ignores_the_policy_options(monkeypatch):
    """min/max and rules mean nothing to a delete: even broken ones do not stop it."""
    client = client_with([[]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="absent",
              min_capacity=9, max_capacity=1)
    assert end.kind == "exit" and end.result["changed"] is False


@pytest.mark.parametrize("spelling", ["Task", "TASK", "task"])
def test_absent_of_the_task_alias_in_any_case_deletes_the_task_groups_policy(monkeypatch, spelling):
    """#20 class 6: node_group: Task reported ok while the Task group's enabled policy stayed."""
    client = client_with([[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=spelling, state="absent")
    assert end.kind == "exit" and end.result["changed"] is True and end.result["node_group"] == GROUP, end.result
    assert client.policy_writes == [("DELETE", {"node_group_name": GROUP, "resource_pool_name": "default"})]


def test_a_delete_answered_policy_not_found_is_no_change(monkeypatch):
    """Another actor deleted it between the read and the delete: the task changed nothing, and does not fail."""
    client = client_with([[held()]], write=[MrsApiError(400, "MRS.00005016", "policy not found")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="absent")
    assert end.kind == "exit" and end.result["changed"] is False and end.result["policy"] is None


# --- "policy not found" (MRS.00005016) is no policy, whatever the state --------------------------------------------

NOT_FOUND = MrsApiError(404, "MRS.00005016", "policy not found")


def test_read_policy_not_found_is_none(monkeypatch):
    client = client_with([NOT_FOUND])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="read")
    assert end.kind == "exit", end.result
    assert (end.result["policy"], end.result["options"], end.result["resource_pools"]) == (None, None, [])


def test_present_after_policy_not_found_creates(monkeypatch):
    client = client_with([NOT_FOUND, [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "exit" and end.result["changed"] is True, end.result
    assert [call[0] for call in client.policy_writes] == ["CREATE"]


def test_absent_after_policy_not_found_is_no_change(monkeypatch):
    client = client_with([NOT_FOUND])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="absent")
    assert end.kind == "exit" and end.result["changed"] is False and client.policy_writes == []


def test_another_error_of_the_list_fails_before_any_write(monkeypatch):
    client = client_with([MrsApiError(500, "MRS.0001", "internal error")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "fail" and end.result["api_error"]["code"] == "MRS.0001" and client.policy_writes == []


# --- state read -----------------------------------------------------------------------------------------------------

def test_read_returns_policy_options_and_every_pool_and_never_writes(monkeypatch):
    other = held(group=CORE, enabled=False)
    client = client_with([[other, held(), held(grow=4, pool="pool1", enabled=False)]])
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
    end = run(monkeypatch, mrs_autoscaling_policy, client_with([[held()]]), cluster_id="c1", node_group=GROUP,
              state="read")
    restored = client_with([[held()]])
    again = run(monkeypatch, mrs_autoscaling_policy, restored, cluster_id="c1", node_group=GROUP, **end.result["options"])
    assert again.kind == "exit" and again.result["changed"] is False and restored.policy_writes == [], again.result


def test_read_of_an_alias_on_a_cluster_without_that_group_is_no_policy(monkeypatch):
    raw = details(core=3)
    raw["nodeGroups"].pop()  # no Task group listed
    client = FakeClient(raw, policies=[AssertionError("no list expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group="task", state="read")
    assert end.kind == "exit", end.result
    assert (end.result["node_group"], end.result["policy"], end.result["resource_pools"]) == (None, None, [])
    assert client.calls == [("GET", "c1")]


def test_read_of_task_on_a_custom_cluster_without_task_groups_is_no_policy(monkeypatch):
    """#20 class 6: it failed, where the module doc says it reads as no policy."""
    client = FakeClient(custom(), policies=[AssertionError("no list expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group="task", state="read")
    assert end.kind == "exit" and end.result["policy"] is None and end.result["node_group"] is None, end.result
    absent = FakeClient(custom(), policies=[AssertionError("no list expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, absent, cluster_id="c1", node_group="task", state="absent")
    assert end.kind == "exit" and end.result["changed"] is False and absent.policy_writes == []


def test_an_alias_resolves_to_the_mrs_name(monkeypatch):
    client = client_with([[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(node_group="task"))
    assert end.kind == "exit" and end.result["node_group"] == GROUP and end.result["changed"] is False
    assert client.calls == [("GET", "c1"), ("POLICIES", "c1")]


def test_present_with_an_alias_the_cluster_lacks_fails_naming_node_group(monkeypatch):
    raw = details(core=3)
    raw["nodeGroups"].pop()
    client = FakeClient(raw, policies=[AssertionError("no list expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(node_group="task"))
    assert end.kind == "fail" and end.result["parameter"] == "node_group" and client.policy_writes == []


@pytest.mark.parametrize("state", ["present", "absent", "read"])
def test_a_group_the_cluster_lacks_is_refused_before_any_write(monkeypatch, state):
    """#20 class 6: a group the cluster lacks got its POST sent."""
    client = client_with([AssertionError("no list expected")])
    args = options(node_group="task_node_analysis_grop") if state == "present" else dict(
        cluster_id="c1", node_group="task_node_analysis_grop", state=state)
    end = run(monkeypatch, mrs_autoscaling_policy, client, **args)
    assert end.kind == "fail" and end.result["parameter"] == "node_group", end.result
    assert "no node group named 'task_node_analysis_grop'" in end.result["msg"] and kinds(client) == ["GET"]


def test_a_terminated_cluster_by_id_is_refused(monkeypatch):
    client = client_with([AssertionError("no list expected")], cluster(state="terminated"))
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "fail" and end.result["parameter"] == "cluster_id" and kinds(client) == ["GET"]


# --- #21 P9: Task groups only, one enabled group -------------------------------------------------------------------

def test_a_policy_on_a_core_group_is_refused_before_any_write(monkeypatch):
    for group in ("core", CORE):
        client = client_with([[]])
        end = run(monkeypatch, mrs_autoscaling_policy, client, **options(node_group=group))
        assert end.kind == "fail" and end.result["parameter"] == "node_group" and client.policy_writes == [], end.result
        assert "Task groups only" in end.result["msg"] and "mrs_01_24728" in end.result["msg"] and GROUP in end.result["msg"]


def test_a_custom_clusters_task_groups_are_those_task_node_groups_lists(monkeypatch):
    client = FakeClient(custom(tasks={"node_group_2": 2}), policies=[[], [held(group="node_group_2")]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(node_group="node_group_2"))
    assert end.kind == "exit" and end.result["changed"] is True and client.policy_writes[0][0] == "CREATE", end.result
    refused = FakeClient(custom(tasks={"node_group_2": 2}), policies=[[]])
    end = run(monkeypatch, mrs_autoscaling_policy, refused, **options(node_group="node_group_1"))
    assert end.kind == "fail" and "node_group_1 is not listed as a Task group" in end.result["msg"] and refused.policy_writes == []
    assert "node_group_2" in end.result["msg"]
    named_task = FakeClient(custom(tasks={"node_group_2": 2}), policies=[[held(group="node_group_2")]])
    end = run(monkeypatch, mrs_autoscaling_policy, named_task, **options(node_group="task"))
    assert end.kind == "exit" and end.result["node_group"] == "node_group_2" and end.result["changed"] is False


def test_a_core_groups_existing_policy_may_be_disabled_or_deleted(monkeypatch):
    """How a policy MRS should never have held is cleared: disabling or deleting it goes through."""
    client = client_with([[held(group=CORE)], [held(group=CORE, enabled=False)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=CORE, enabled=False)
    assert end.kind == "exit" and end.result["changes"] == ["auto_scaling_enable: True -> False"], end.result
    gone = client_with([[held(group=CORE)]])
    end = run(monkeypatch, mrs_autoscaling_policy, gone, cluster_id="c1", node_group=CORE, state="absent")
    assert end.kind == "exit" and gone.policy_writes[0][0] == "DELETE"


def test_a_second_enabled_group_is_refused_naming_the_other_and_a_disabled_one_goes_through(monkeypatch):
    raw = custom(tasks={"node_group_2": 2, "node_group_3": 2})
    client = FakeClient(raw, policies=[[held(group="node_group_2")]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(node_group="node_group_3"))
    assert end.kind == "fail" and end.result["parameter"] == "enabled" and client.policy_writes == [], end.result
    assert "node group node_group_2 already has an enabled auto-scaling policy" in end.result["msg"]
    assert "node_group: node_group_2 and enabled: false" in end.result["msg"]
    disabled = FakeClient(raw, policies=[[held(group="node_group_2")], [held(group="node_group_3", enabled=False)]])
    end = run(monkeypatch, mrs_autoscaling_policy, disabled, **options(node_group="node_group_3", enabled=False))
    assert end.kind == "exit" and disabled.policy_writes[0][0] == "CREATE"
    other_pool = FakeClient(raw, policies=[[held(group="node_group_3", pool="pool1")], [held(group="node_group_3")]])
    end = run(monkeypatch, mrs_autoscaling_policy, other_pool, **options(node_group="node_group_3"))
    assert end.kind == "exit" and end.result["changed"] is True  # another pool of the same group is the same group


# --- cluster_name -----------------------------------------------------------------------------------------------------

def test_cluster_name_resolves_through_the_list_without_a_second_read(monkeypatch):
    client = FakeClient(listed=[[cluster(cluster_id="old", state="terminated"), cluster(cluster_id="c7", task=1)]],
                        policies=[[held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **by_name(node_group="task"))
    assert end.kind == "exit" and end.result["cluster_id"] == "c7" and end.result["changed"] is False, end.result
    assert client.calls == [("LIST", "demo"), ("POLICIES", "c7")]


def test_cluster_name_of_a_custom_cluster_listed_without_task_node_groups_reads_its_details(monkeypatch):
    listed = custom(tasks={"node_group_2": 2})
    del listed["taskNodeGroups"]
    client = FakeClient(custom(tasks={"node_group_2": 2}), listed=[[listed]], policies=[[held(group="node_group_2")]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **by_name(node_group="node_group_2"))
    assert end.kind == "exit" and end.result["changed"] is False, end.result
    assert kinds(client) == ["LIST", "GET", "POLICIES"]


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


def test_a_mixed_clusters_task_alias_is_refused_naming_the_groups(monkeypatch):
    mixed = details(core=3, task=2, clusterType=2, totalNodeNum="9")
    mixed["nodeGroups"].append({"GroupName": "task_node_streaming_group", "NodeNum": 2})
    client = FakeClient(mixed, policies=[AssertionError("no list expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(node_group="task"))
    assert end.kind == "fail" and end.result["parameter"] == "node_group", end.result
    assert "task_node_analysis_group" in end.result["msg"] and "task_node_streaming_group" in end.result["msg"]
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
    (dict(rules=_rules(r0__cool_down_minutes=-1)), "rules[0].cool_down_minutes"),
    (dict(rules=[{"name": "x", "adjustment_type": "scale_in", "cool_down_minutes": 1, "scaling_adjustment": 1}]),
     "rules[0].trigger"),
    (dict(resources_plans=_plans(end_time="08:29")), "resources_plans[0].end_time"),
    (dict(resources_plans=_plans(start_time="24:00")), "resources_plans[0].start_time"),
    (dict(resources_plans=_plans(effective_days=["MONDAY", "monday"])), "resources_plans[0].effective_days[1]"),
    (dict(resources_plans=_plans(period_type="weekly")), "resources_plans[0].period_type"),
    (dict(min_capacity=21), "min_capacity"),
    (dict(max_capacity=501), "max_capacity"),
    (dict(rules=[], resources_plans=[], enabled=True), "rules"),
    (dict(tags=[{"key": "a"}, {"key": "a", "value": "b"}]), "tags[1].key"),
    (dict(node_group="node group"), "node_group"),
    (dict(resource_pool_name=""), "resource_pool_name"),
    (dict(cluster_id="c/1"), "cluster_id")])
def test_invalid_options_fail_before_any_request_naming_the_path(monkeypatch, change, parameter):
    client = FakeClient(AssertionError("no request expected"), policies=[AssertionError("no request expected")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(**change))
    assert end.kind == "fail" and end.result["parameter"] == parameter, end.result
    assert end.result["msg"].startswith(parameter) and client.calls == []
    secret_free(end.result)


def test_an_unquoted_time_is_explained(monkeypatch):
    """#20 class 10: YAML reads an unquoted 9:30 as 570; the message says what was written and how to quote it."""
    client = FakeClient(AssertionError("no request expected"))
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(resources_plans=_plans(start_time=570)))
    assert end.kind == "fail" and end.result["parameter"] == "resources_plans[0].start_time"
    assert "got '570'" in end.result["msg"] and 'unquoted 9:30' in end.result["msg"] and '"9:30"' in end.result["msg"]


def test_a_disabled_policy_may_have_no_rule(monkeypatch):
    client = client_with([[], [held(enabled=False)]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(enabled=False, rules=[], resources_plans=[]))
    assert end.kind == "exit" and [call[0] for call in client.policy_writes] == ["CREATE"]


def test_a_garbled_policy_answer_fails_as_the_answer_not_the_options(monkeypatch):
    bad = held()
    bad["auto_scaling_policy"]["rules"][0]["trigger"]["evaluation_periods"] = "many"
    client = client_with([[bad]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "fail" and "parameter" not in end.result and client.policy_writes == []
    assert "MRS answered cannot be read: rules[0].trigger.evaluation_periods" in end.result["msg"]


# --- #20 class 5 / #21 P5 / P6: read whatever MRS may answer ---------------------------------------------------------

def partial():
    """A policy another tool created: disabled, no tags, a rule without description or comparison_operator (both optional
    in the vendor SDK's Rule and Trigger), bounds left out (0, P6), and v1.1's exec_scripts."""
    rule = {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": 2,
            "trigger": {"metric_name": "YARNAppPending", "metric_value": 10, "evaluation_periods": 1}}
    return {"node_group_name": GROUP, "resource_pool_name": "default",
            "auto_scaling_policy": {"auto_scaling_enable": False, "rules": [rule],
                                    "exec_scripts": [{"name": "s", "uri": "obs://b/s.sh", "nodes": [GROUP],
                                                      "fail_action": "continue", "action_stage": "after_scale_out"}]}}


def test_a_partial_policy_reads_and_its_options_write_it_again(monkeypatch):
    client = client_with([[partial()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, cluster_id="c1", node_group=GROUP, state="read")
    assert end.kind == "exit", end.result
    opts = end.result["options"]
    assert (opts["enabled"], opts["min_capacity"], opts["max_capacity"], opts["tags"]) == (False, 0, 0, [])
    assert opts["rules"][0]["trigger"]["comparison_operator"] is None and opts["rules"][0]["description"] == ""
    again = client_with([[partial()]])
    end = run(monkeypatch, mrs_autoscaling_policy, again, cluster_id="c1", node_group=GROUP, **opts)
    assert end.kind == "exit" and end.result["changed"] is False and again.policy_writes == [], end.result


def test_the_modules_own_replacement_of_a_partial_policy_goes_through(monkeypatch):
    client = client_with([[partial()], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "exit" and end.result["changed"] is True, end.result
    ((kind, body),) = client.policy_writes
    assert kind == "UPDATE" and "exec_scripts" not in body["auto_scaling_policy"]


def test_a_new_rule_without_comparison_operator_is_sent_without_it_and_mrs_filling_it_in_is_no_change(monkeypatch):
    """#21 P5: MRS's GET fills comparison_operator, answers metric_value as a number and description "", keeps
    exec_scripts; a re-run after that normalisation is a no-op."""
    args = options()
    for rule in args["rules"]:
        del rule["trigger"]["comparison_operator"]
    client = client_with([[], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **args)
    sent = client.policy_writes[0][1]["auto_scaling_policy"]
    assert end.kind == "exit" and all("comparison_operator" not in rule["trigger"] for rule in sent["rules"])
    normalised = held()
    for rule in normalised["auto_scaling_policy"]["rules"]:
        rule["trigger"]["metric_value"] = int(rule["trigger"]["metric_value"])
    normalised["auto_scaling_policy"]["exec_scripts"] = partial()["auto_scaling_policy"]["exec_scripts"]
    for again_args in (args, options()):
        again = client_with([[normalised]])
        end = run(monkeypatch, mrs_autoscaling_policy, again, **again_args)
        assert end.kind == "exit" and end.result["changed"] is False and again.policy_writes == [], end.result


def test_a_rule_left_without_description_keeps_mrs_description(monkeypatch):
    described = held()
    described["auto_scaling_policy"]["rules"][0]["description"] = "grow on memory"
    client = client_with([[described]])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "exit" and end.result["changed"] is False and client.policy_writes == []
    cleared = client_with([[described], [held()]])
    rules = _rules(r1__description="")
    end = run(monkeypatch, mrs_autoscaling_policy, cleared, **options(rules=rules))
    assert end.result["changes"] == ["rules.grow.description: 'grow on memory' -> ''"]


# --- #21 P6 / P7: limits the sources disagree on are MRS's to decide, and explained --------------------------------

def test_disputed_limits_are_sent_and_mrs_refusal_is_explained(monkeypatch):
    rules = _rules(r0__cool_down_minutes=0, r1__trigger__evaluation_periods=250)
    tags = [{"key": "k%02d" % index, "value": "v"} for index in range(25)]
    refusal = MrsApiError(400, "12000002", "invalid parameter")
    client = client_with([[]], write=[refusal])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(rules=rules, tags=tags))
    assert end.kind == "fail" and end.result["api_error"]["code"] == "12000002" and len(client.policy_writes) == 1
    for words in ("rule shrink has cool_down_minutes 0", "Terraform provider documents 5 to 10080",
                  "rule grow has evaluation_periods 250", "1 to 200", "the policy has 25 tags", "MRS may hold the stricter limit"):
        assert words in end.result["msg"], (words, end.result["msg"])
    accepted = client_with([[], [held()]])
    end = run(monkeypatch, mrs_autoscaling_policy, accepted, **options(rules=rules, tags=tags))
    sent = accepted.policy_writes[0][1]["auto_scaling_policy"]
    assert end.kind == "exit" and len(sent["tags"]) == 25
    assert sorted((rule["cool_down_minutes"], rule["trigger"]["evaluation_periods"]) for rule in sent["rules"]) == [(0, 6), (20, 250)]


# --- API errors -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("before, change", [([], {}), ([held()], dict(grow=3)), ([held()], dict(state="absent"))])
def test_an_api_error_on_the_write_returns_its_code_and_no_change(monkeypatch, before, change):
    error = MrsApiError(400, "MRS.0046", "The policy is invalid.")
    client = client_with([before], write=[error])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(**change))
    assert end.kind == "fail" and end.result["api_error"]["code"] == "MRS.0046" and "MRS.0046" in end.result["msg"]
    assert end.result.get("changed", False) is False and len(client.policy_writes) == 1
    secret_free(end.result)


def test_a_failed_read_back_after_the_write_says_it_changed(monkeypatch):
    client = client_with([[], MrsApiError(500, "MRS.0001", "internal error")])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "fail" and end.result["changed"] is True and end.result["policy"] is None
    assert "the policy was written, but reading it back failed" in end.result["msg"]
    assert end.result["changes"] == ["policy: created"]


def test_a_bug_is_a_traceback_not_a_polite_failure(monkeypatch):
    with pytest.raises(ValueError, match="a bug"):
        run(monkeypatch, mrs_autoscaling_policy, client_with([ValueError("a bug")]), **options())


# --- #20 class 1: a write whose answer is lost is settled by reading ---------------------------------------------------

LOST = ResizeOutcomeUnknown("PUT /v2/p1/autoscaling-policy/c1 answered HTTP 502 ...; the request may or may not have been applied")

SETTLED = [
    # (state/options change, the list before, the list read back, changed, the write kind)
    (dict(), [], [held()], True, "CREATE"),
    (dict(grow=3), [held()], [held(grow=3)], True, "UPDATE"),
    (dict(state="absent"), [held()], [], True, "DELETE"),
]


@pytest.mark.parametrize("change, before, after, changed, kind", SETTLED)
def test_a_lost_answer_that_took_effect_is_changed_with_one_write(monkeypatch, change, before, after, changed, kind):
    client = client_with([before, after], write=[LOST])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(**change))
    assert end.kind == "exit" and end.result["changed"] is changed, end.result
    assert [call[0] for call in client.policy_writes] == [kind]  # never a second write
    assert end.result["policy"] == (after[0]["auto_scaling_policy"] if after else None)
    assert "may or may not" not in json.dumps(end.result)


@pytest.mark.parametrize("change, before, _after, _changed, kind", SETTLED)
def test_a_lost_answer_that_did_not_take_effect_fails_saying_so_with_no_change(monkeypatch, change, before, _after, _changed, kind):
    client = client_with([before, before], write=[LOST])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(**change))
    assert end.kind == "fail" and end.result["changed"] is False, end.result
    assert "did not take effect" in end.result["msg"] and "may be safely run again" in end.result["msg"]
    assert "HTTP 502" in end.result["msg"] and "may or may not" not in end.result["msg"]
    assert [call[0] for call in client.policy_writes] == [kind]


def test_a_lost_answer_and_another_actors_change_fails_naming_what_mrs_holds(monkeypatch):
    client = client_with([[held()], [held(grow=7)]], write=[LOST])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options(grow=3))
    assert end.kind == "fail" and end.result["changed"] is False and len(client.policy_writes) == 1
    assert "neither the policy asked nor the one before" in end.result["msg"]
    assert "rules.grow.scaling_adjustment: 2 -> 7" in end.result["msg"]


def test_a_lost_answer_whose_read_back_fails_says_the_outcome_is_unknown(monkeypatch):
    client = client_with([[], MrsApiError(503, "APIGW.0308", "busy")], write=[LOST])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **options())
    assert end.kind == "fail" and "whether it took effect is unknown" in end.result["msg"] and len(client.policy_writes) == 1
    assert "Run the task again" in end.result["msg"]


def test_a_lost_answer_after_mrs_normalised_the_policy_is_still_changed(monkeypatch):
    """The read back of a settled create is judged after MRS's own normalisation (#21 P5): a new rule's operator."""
    args = options()
    del args["rules"][0]["trigger"]["comparison_operator"]
    normalised = held()
    normalised["auto_scaling_policy"]["rules"][1]["trigger"]["metric_value"] = 70
    client = client_with([[], [normalised]], write=[LOST])
    end = run(monkeypatch, mrs_autoscaling_policy, client, **args)
    assert end.kind == "exit" and end.result["changed"] is True, end.result
