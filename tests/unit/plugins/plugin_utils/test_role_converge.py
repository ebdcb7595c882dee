# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster_scale role's converge and profile decisions, stage by stage, as its task files ask them: what the role's
variables and its reads (shaped as the modules register them) give, and every refusal as the role's own message."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.plugin_utils._role_converge import plan, record
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_analysis as analysis
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_cluster
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_group as group

SPEC = {"node_size": "s3.xlarge.2.linux.bigdata"}
SKIPPED = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}
NO_LOOP = {"changed": False, "skipped": True, "results": [], "msg": "No items in the list"}


LAKE = info_cluster("custom", group("master_node_default_group", "master", 3), group("node_group_1", "custom", 6),
                    group("node_group_2", "task", 1), id="c-2", name="lake")


def info(cluster):
    return {"changed": False, "clusters": [cluster]}


def converge(**variables):
    return dict({"pattern": "converge", "cluster_scale_cluster_id": "c-1", "cluster_scale_cluster_name": None,
                 "cluster_scale_core_count": None, "cluster_scale_task_count": None, "cluster_scale_node_groups": {},
                 "cluster_scale_task_node_info": None, "cluster_scale_step": 0, "cluster_scale_core_removal_limit": 1,
                 "cluster_scale_allow_core_removal": False, "cluster_scale_wait_timeout": 3600,
                 "cluster_scale_progress_interval": 60, "cluster_scale_pause_policy": False}, **variables)


def profile(profiles, chosen, **variables):
    request = converge(cluster_scale_profiles=profiles, cluster_scale_profile=chosen, **variables)
    request["pattern"] = "profile"
    for name in ("cluster_scale_core_count", "cluster_scale_task_count", "cluster_scale_node_groups"):
        del request[name]
    return request


def reads(*results):
    return {"changed": False, "results": [dict(result, ansible_loop_var="cluster_scale__policy_group") for result in results]}


def policy_read(key, name, *pools):
    return {"cluster_scale__policy_group": key, "changed": False, "node_group": name, "resource_pools": list(pools)}


def pool(name="default", enabled=True, low=1, high=6):
    return {"resource_pool_name": name, "options": {"enabled": enabled, "min_capacity": low, "max_capacity": high, "rules": [],
                                                    "resources_plans": [], "tags": []}}


@pytest.mark.parametrize("variables, message", [
    (dict(), "cluster_scale_core_count / cluster_scale_task_count: give at least one target size"),
    (dict(cluster_scale_core_count=2), "cluster_scale_core_count: must be 3 or more (MRS keeps at least 3 Core nodes), got 2"),
    (dict(cluster_scale_task_count=-1), "cluster_scale_task_count: must be 0 or more, got -1"),
    (dict(cluster_scale_core_count="five"), "cluster_scale_core_count: must be a whole number, got 'five'"),
    (dict(cluster_scale_core_count=4, cluster_scale_node_groups={"core": 5}),
     "cluster_scale_core_count / cluster_scale_node_groups.core: give the core size once"),
    (dict(cluster_scale_node_groups={"master": 1}), "cluster_scale_node_groups.master: the number of Master nodes cannot be changed"),
    (dict(cluster_scale_core_count=300, cluster_scale_task_count=201),
     "cluster_scale_core_count / cluster_scale_task_count: Core + Task would be 501 nodes"),
    (dict(cluster_scale_core_count=4, cluster_scale_step=-1), "cluster_scale_step: must be 0 or more, got -1"),
    (dict(cluster_scale_core_count=4, cluster_scale_core_removal_limit=-1), "cluster_scale_core_removal_limit: must be 0 or more, got -1"),
    (dict(cluster_scale_core_count=4, cluster_scale_wait_timeout=-5), "cluster_scale_wait_timeout: must be 0 or more seconds, got -5"),
    (dict(cluster_scale_core_count=4, cluster_scale_progress_interval="soon"), "cluster_scale_progress_interval: must be 0 or more seconds"),
    (dict(cluster_scale_task_count=2, cluster_scale_task_node_info=dict(SPEC, data_volume_type="NVME")),
     "cluster_scale_task_node_info.data_volume_type: must be one of"),
    (dict(cluster_scale_core_count=4, cluster_scale_cluster_id=None),
     "cluster_scale_cluster_id / cluster_scale_cluster_name: give exactly one of them, not empty (got cluster_scale_cluster_id=null"),
    (dict(cluster_scale_core_count=4, cluster_scale_cluster_name="analytics"),
     "cluster_scale_cluster_id / cluster_scale_cluster_name: give exactly one of them"),
    (dict(cluster_scale_core_count=4, cluster_scale_cluster_id=" "), "cluster_scale_cluster_id / cluster_scale_cluster_name: give exactly one"),
])
def test_the_variables_are_refused_before_any_request_naming_them(variables, message):
    decided = plan(converge(**variables))
    assert decided["refusal"].startswith(message), decided["refusal"]
    assert decided["steps"] == [] and decided["policy_groups"] == []


def test_the_variables_alone_go_on_and_say_nothing_of_the_cluster():
    decided = plan(converge(cluster_scale_core_count="5"))
    assert decided["refusal"] is None and decided["cluster_id"] is None and decided["steps"] == []


@pytest.mark.parametrize("profiles, chosen, message", [
    ({"day": {"core": 5}}, "weekend", 'cluster_scale_profile: no profile named "weekend" in cluster_scale_profiles; known profiles: day'),
    ({"day": {"core": 5}, "night": {"core": 3, "tasks": 0}}, "day",
     "cluster_scale_profiles.night: unknown keys tasks (known: core, task, task_node_info); sizes of other node groups go under"),
    ({"day": {"node_groups": [4]}}, "day", "cluster_scale_profiles.day.node_groups: must be a dictionary of node group names"),
    ({"day": {}}, "day", "cluster_scale_profiles.day: give core, task and/or node_groups"),
    ({"day": 5}, "day", "cluster_scale_profiles.day: must be a dictionary with core, task and/or node_groups"),
    ({"day": {"core": 4, "node_groups": {"core": 5}}}, "day",
     "cluster_scale_profiles.day.core / cluster_scale_profiles.day.node_groups.core: give the core size once"),
    ({"day": {"core": "5"}, "night": {"core": "2"}}, "day", "cluster_scale_profiles.night.core: must be 3 or more"),
    ({"day": {"task": 2, "task_node_info": dict(SPEC, data_volume_count=21)}}, "day",
     "cluster_scale_profiles.day.task_node_info.data_volume_count: must be a whole number from 0 to 20"),
    ({"day": {"task": 2}}, "day", None),
])
def test_every_profile_is_checked_not_only_the_one_applied(profiles, chosen, message):
    decided = plan(profile(profiles, chosen))
    if message is None:
        assert decided["refusal"] is None
    else:
        assert decided["refusal"] is not None and decided["refusal"].startswith(message), decided["refusal"]


def test_a_profile_of_two_shapes_lists_every_error_at_once():
    decided = plan(profile({"a": 5, "b": {"cores": 3}}, "a"))
    assert decided["refusal"] == ("cluster_scale_profiles.a: must be a dictionary with core, task and/or node_groups; "
                                  "cluster_scale_profiles.b: unknown keys cores (known: core, task, task_node_info); sizes of "
                                  "other node groups go under node_groups; cluster_scale_profiles.b: give core, task and/or node_groups")


def test_on_the_cluster_the_plan_orders_the_resizes_and_names_the_groups_to_read():
    request = converge(cluster_scale_core_count=6, cluster_scale_task_count=1, cluster_scale_step=2)
    planned = plan(request, cluster=info(analysis(3, 4)))
    assert planned["refusal"] is None and planned["needs_nodes"] is False and planned["cluster_id"] == "c-1"
    assert planned["policy_groups"] == ["core", "task"]
    assert planned["before"] == {"core": 3, "task": 4} and planned["goal"] == {"core": 6, "task": 1}
    read = reads(policy_read("core", "x"), policy_read("task", "y"))
    ready = plan(request, cluster=info(analysis(3, 4)), nodes=SKIPPED, policies_read=read)
    assert [(step["node_group"], step["from"], step["count"], step["label"], step["run"]) for step in ready["steps"]] == [
        ("core", 3, 5, "core 3 -> 5", True), ("core", 5, 6, "core 5 -> 6", True), ("task", 4, 2, "task 4 -> 2", True),
        ("task", 2, 1, "task 2 -> 1", True)]
    assert [step["index"] for step in ready["steps"]] == [0, 1, 2, 3] and ready["go"] is True and ready["pause"] == []
    assert ready["result"] == {"pattern": "converge", "profile": None, "cluster_id": "c-1", "cluster_name": "analytics",
                               "check_mode": False, "changed": False, "failed": False, "before": {"core": 3, "task": 4},
                               "target": {"core": 6, "task": 1}, "after": {"core": 3, "task": 4}, "steps": [],
                               "in_progress": None, "not_started": []}


def test_a_rerun_at_the_target_reads_no_policy_and_resizes_nothing():
    planned = plan(converge(cluster_scale_core_count=3), cluster=info(analysis()))
    assert planned["refusal"] is None and planned["policy_groups"] == [] and planned["needs_nodes"] is False
    ready = plan(converge(cluster_scale_core_count=3), cluster=info(analysis()), nodes=SKIPPED, policies_read=NO_LOOP)
    assert ready["steps"] == [] and ready["result"]["changed"] is False and ready["result"]["after"] == {"core": 3, "task": 2}


def test_in_check_mode_only_the_first_resize_is_previewed_and_none_while_policies_are_paused():
    request = converge(cluster_scale_core_count=5, cluster_scale_task_count=3, cluster_scale_step=1, cluster_scale_task_node_info=SPEC)
    ready = plan(request, cluster=info(analysis(3, 2)), nodes=SKIPPED, policies_read=NO_LOOP, check_mode=True)
    assert [step["run"] for step in ready["steps"]] == [True, False, False]
    assert ready["steps"][2]["label"] == "task 2 -> 3: would resize task from 2 to 3 nodes (check mode previews only the first resize)"
    assert ready["steps"][2]["task_node_info"] == SPEC and ready["steps"][0]["task_node_info"] is None
    assert ready["result"]["after"] == ready["result"]["target"] == {"core": 5, "task": 3}
    paused = plan(dict(request, cluster_scale_pause_policy=True), cluster=info(analysis(3, 2)), nodes=SKIPPED,
                  policies_read=reads(policy_read("task", "task_node_analysis_group", pool())), check_mode=True)
    assert [step["run"] for step in paused["steps"]] == [False, False, False] and len(paused["pause"]) == 1


def test_a_refusal_on_the_cluster_names_the_variable_and_reads_nothing_more():
    planned = plan(converge(cluster_scale_task_count=495), cluster=info(analysis(6, 2)))
    assert planned["refusal"].startswith("cluster_scale_task_count: Core + Task would be 501 nodes (Core 6, Task 495)")
    assert planned["policy_groups"] == [] and planned["needs_nodes"] is False
    planned = plan(converge(cluster_scale_task_count=2), cluster=info(analysis(3, 0)))
    assert planned["refusal"].startswith("cluster_scale_task_node_info: required when scaling the Task group out from 0 nodes")


def test_a_failed_read_of_the_cluster_names_the_roles_variable():
    failed = {"changed": False, "failed": False, "failed_when_result": False, "parameter": "cluster_name",
              "msg": 'cluster_name: no live cluster named "x" (terminated clusters do not count); give cluster_id instead'}
    planned = plan(converge(cluster_scale_core_count=4, cluster_scale_cluster_id=None, cluster_scale_cluster_name="x"), cluster=failed)
    assert planned["refusal"] == ('cluster_scale_cluster_name: no live cluster named "x" (terminated clusters do not count); give '
                                  'cluster_scale_cluster_id instead')
    crashed = {"changed": False, "failed_when_result": False, "msg": "MODULE FAILURE\nSee stdout/stderr for the exact error"}
    assert plan(converge(cluster_scale_core_count=4), cluster=crashed)["refusal"].startswith("MODULE FAILURE")


def test_an_answer_the_plan_cannot_use_is_refused_not_raised():
    broken = dict(analysis(), core_count=None, node_groups=[group("core_node_analysis_group", "core", "three")])
    refusal = plan(converge(cluster_scale_core_count=4), cluster=info(broken))["refusal"]
    assert refusal.startswith("the cluster as hwcloud.mrs.mrs_cluster_info returned it cannot be planned on: ")
    assert plan(converge(cluster_scale_core_count=4), cluster={"changed": False, "clusters": []})["refusal"].startswith(
        "reading the cluster returned no cluster")


def test_the_hdfs_guard_refuses_core_removals_at_once_and_custom_ones_once_the_nodes_say():
    core = plan(converge(cluster_scale_core_count=3), cluster=info(analysis(6, 0)))
    assert core["refusal"].startswith("cluster_scale_core_removal_limit: this run would remove 3 Core nodes (6 -> 3) and at most 1")
    assert core["policy_groups"] == []
    request = converge(cluster_scale_node_groups={"node_group_1": 4}, cluster_scale_cluster_id="c-2")
    planned = plan(request, cluster=info(LAKE))
    assert planned["refusal"] is None and planned["needs_nodes"] is True and planned["policy_groups"] == ["node_group_1"]
    datanodes = {"changed": False, "clusters": [dict(LAKE, nodes=[
        {"name": "n%d" % index, "group": "node_group_1", "components": ["DataNode"]} for index in range(6)])]}
    refusal = plan(request, cluster=info(LAKE), nodes=datanodes, policies_read=NO_LOOP)["refusal"]
    assert refusal.startswith("cluster_scale_core_removal_limit: this run would remove 2 nodes that hold HDFS data (node_group_1 6 -> 4)")
    assert "set cluster_scale_core_removal_limit to 2 or more" in refusal and "cluster_scale_allow_core_removal to true" in refusal
    compute = {"changed": False, "clusters": [dict(LAKE, nodes=[
        {"name": "n%d" % index, "group": "node_group_1", "components": ["NodeManager"]} for index in range(6)])]}
    assert plan(request, cluster=info(LAKE), nodes=compute, policies_read=NO_LOOP)["refusal"] is None
    allowed = plan(dict(request, cluster_scale_allow_core_removal=True), cluster=info(LAKE), nodes=datanodes, policies_read=NO_LOOP)
    assert allowed["refusal"] is None
    failed = {"changed": False, "msg": "cluster c-2: reading its v2 node list (include_nodes) failed: HTTP 500"}
    assert plan(request, cluster=info(LAKE), nodes=failed, policies_read=NO_LOOP)["refusal"].startswith(
        "reading the cluster's node list, which tells whether its custom groups hold HDFS data, failed: cluster c-2")


def test_a_profile_names_its_own_variables_and_itself_in_the_guard():
    profiles = {"business_hours": {"core": 8, "task": 24, "task_node_info": SPEC}, "night": {"core": 6, "task": 0}}
    refusal = plan(profile(profiles, "night"), cluster=info(analysis(8, 24)))["refusal"]
    assert refusal.startswith("cluster_scale_core_removal_limit: this run would remove 2 Core nodes (8 -> 6, profile night)")
    ready = plan(profile(profiles, "night", cluster_scale_core_removal_limit=2), cluster=info(analysis(8, 24)), nodes=SKIPPED,
                 policies_read=NO_LOOP)
    assert ready["refusal"] is None and ready["result"]["profile"] == "night" and ready["result"]["pattern"] == "profile"
    too_big = plan(profile({"peak": {"node_groups": {"task_node_analysis_group": 495}}}, "peak"), cluster=info(analysis(6, 2)))
    assert too_big["refusal"].startswith("cluster_scale_profiles.peak.node_groups.task_node_analysis_group: ")


def test_an_enabled_policy_refuses_the_converge_naming_the_target_and_the_way_out():
    request = converge(cluster_scale_core_count=4, cluster_scale_task_count=3)
    read = reads(policy_read("core", "core_node_analysis_group"),
                 policy_read("task", "task_node_analysis_group", pool("default", False), pool("pool_b", True, 2, 9)))
    refusal = plan(request, cluster=info(analysis()), nodes=SKIPPED, policies_read=read)["refusal"]
    assert refusal == (
        "cluster_scale_task_count: the Task group (task_node_analysis_group, resource pool pool_b) has an enabled auto-scaling "
        "policy (min_capacity 2, max_capacity 9), which owns its node count: MRS refuses a manual resize of it (12000124), so "
        "nothing was changed (resize 2 -> 3). Ways out: set cluster_scale_pause_policy: true to pause it for this run and restore "
        "it exactly as it was afterwards; disable it with hwcloud.mrs.mrs_autoscaling_policy (enabled: false); use the role's "
        "burst entry point, which pauses it and restores it; or set the policy's min_capacity/max_capacity instead of a count.")
    paused = plan(dict(request, cluster_scale_pause_policy=True), cluster=info(analysis()), nodes=SKIPPED, policies_read=read)
    assert paused["refusal"] is None and paused["pause"] == [
        {"name": "task_node_analysis_group", "resource_pool_name": "pool_b", "options": pool("pool_b", True, 2, 9)["options"]}]
    outside = plan(converge(cluster_scale_task_count=8), cluster=info(analysis()), nodes=SKIPPED,
                   policies_read=reads(policy_read("task", "task_node_analysis_group", pool())))["refusal"]
    assert "The target 8 is also outside the policy's min/max (1..6)" in outside


def test_a_failed_policy_read_names_each_group_and_stops_before_any_change():
    read = reads(policy_read("core", "core_node_analysis_group"),
                 {"cluster_scale__policy_group": "task", "changed": False, "msg": "HTTP 403 APIGW.0302: forbidden"})
    refusal = plan(converge(cluster_scale_core_count=4, cluster_scale_task_count=3), cluster=info(analysis()), nodes=SKIPPED,
                   policies_read=read)["refusal"]
    assert refusal == ("reading the auto-scaling policy of node group task failed: HTTP 403 APIGW.0302: forbidden. Nothing was "
                       "changed. A resize of a group whose policy is enabled is refused, so the role does not go on without knowing.")


def test_a_failed_pause_stops_every_resize_and_a_failed_restore_says_how_to_restore():
    request = converge(cluster_scale_task_count=3, cluster_scale_pause_policy=True)
    read = reads(policy_read("task", "task_node_analysis_group", pool()))
    stages = dict(cluster=info(analysis()), nodes=SKIPPED, policies_read=read)
    pause = dict(ansible_loop_var="cluster_scale__pause",
                 cluster_scale__pause={"name": "task_node_analysis_group", "resource_pool_name": "default", "options": pool()["options"]})
    failed = plan(request, pauses={"results": [dict(pause, msg="HTTP 500")]}, **stages)
    assert failed["go"] is False and failed["steps"] == []
    assert failed["problem"] == ("the auto-scaling policy of node group task_node_analysis_group (resource pool default) could not "
                                 "be paused: HTTP 500. Nothing was resized.")
    done = plan(request, pauses={"results": [dict(pause, changed=True)]}, restores={"results": [dict(pause, msg="HTTP 502")]}, **stages)
    assert done["go"] is True and len(done["steps"]) == 1
    assert done["problem"].startswith("the auto-scaling policy of node group task_node_analysis_group (resource pool default) was "
                                      "paused by this run and could not be restored (HTTP 502); restore it with "
                                      "hwcloud.mrs.mrs_autoscaling_policy, resource_pool_name default and the options it had: {")
    assert plan(request, pauses={"results": [dict(pause, changed=True)]}, restores={"results": [dict(pause)]}, **stages)["problem"] is None


def test_each_resize_is_recorded_with_the_count_the_module_reported():
    start = plan(converge(cluster_scale_core_count=5, cluster_scale_step=1), cluster=info(analysis()), nodes=SKIPPED,
                 policies_read=NO_LOOP)
    first, second = start["steps"]
    result = record(start["result"], first, resize={"changed": True, "count": 4, "elapsed": 12.5})
    assert result["steps"] == [{"node_group": "core", "from": 3, "count": 4, "changed": True, "elapsed": 12.5}]
    assert result["after"] == {"core": 4, "task": 2} and result["changed"] is True
    result = record(result, second, resize={"changed": False, "count": 5, "elapsed": 1})
    assert [step["changed"] for step in result["steps"]] == [True, False] and result["after"] == {"core": 5, "task": 2}
    assert start["result"]["steps"] == []  # the filter returns a new result


def test_a_resize_check_mode_did_not_preview_is_recorded_as_planned():
    start = plan(converge(cluster_scale_core_count=5, cluster_scale_step=1), cluster=info(analysis()), nodes=SKIPPED,
                 policies_read=NO_LOOP, check_mode=True)
    result = record(record(start["result"], start["steps"][0], resize={"changed": True, "count": 3, "elapsed": 0.5}),
                    start["steps"][1], resize=SKIPPED)
    assert [(step["count"], step["changed"], step["elapsed"]) for step in result["steps"]] == [(4, True, 0.5), (5, True, 0)]
    assert result["after"] == {"core": 5, "task": 2}  # in check mode the result shows the target


def test_a_resize_that_fails_stops_the_run_saying_what_was_applied_in_progress_and_not_started():
    start = plan(converge(cluster_scale_core_count=5, cluster_scale_task_count=1, cluster_scale_step=1, cluster_scale_task_node_info=SPEC),
                 cluster=info(analysis(3, 0)), nodes=SKIPPED, policies_read=NO_LOOP)
    steps = start["steps"]
    result = record(start["result"], steps[0], resize={"changed": True, "count": 4, "elapsed": 3})
    stopped = record(result, steps[1], failure_result={"changed": True, "msg": "the scale failed: state 'failed'"}, steps=steps)
    assert stopped["failed"] is True and stopped["changed"] is True and stopped["after"] == {"core": 4, "task": 0}
    assert stopped["in_progress"] == {"node_group": "core", "from": 4, "count": 5, "changed": True,
                                      "msg": "the scale failed: state 'failed'"}
    assert stopped["not_started"] == [{"node_group": "task", "from": 0, "count": 1}]
    assert stopped["msg"] == ("converge of cluster c-1 stopped at resize 2 of 3 (core 4 -> 5): the scale failed: state 'failed'. "
                              "MRS had accepted this resize, so the group may still be changing. Applied before it: core 3 -> 4. "
                              "Not started: task 0 -> 1. cluster_scale_applied and cluster_scale_result hold the details.")
    first = record(start["result"], steps[0], failure_result={"changed": False, "msg": "refused"}, steps=steps)
    assert first["changed"] is False and "Applied before it: none. Not started: core 4 -> 5, task 0 -> 1." in first["msg"]
