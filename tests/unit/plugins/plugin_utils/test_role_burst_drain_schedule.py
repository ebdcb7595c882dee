# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster_scale role's burst, drain and schedule decisions, and the filter that dispatches them, from the role's
variables and its reads as the modules register them."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.filter.cluster_scale_plan import FilterModule, cluster_scale_plan
from ansible_collections.hwcloud.mrs.plugins.filter.cluster_scale_record import cluster_scale_record
from ansible_collections.hwcloud.mrs.plugins.plugin_utils import _role_burst, _role_drain, _role_schedule
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_analysis as analysis
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_cluster
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_group as group

SPEC = {"node_size": "s3.xlarge.2.linux.bigdata"}
SKIPPED = {"changed": False, "skipped": True}


LAKE = info_cluster("custom", group("master_node_default_group", "master", 3), group("node_group_1", "custom", 3),
                    group("node_group_2", "task", 1), id="c-2", name="lake")


def info(cluster):
    return {"changed": False, "clusters": [cluster]}


# --- burst ----------------------------------------------------------------------------------------------------------


@pytest.fixture(name="job")
def job_fixture(tmp_path):
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "job.yml").write_text("- name: The job\n  ansible.builtin.debug:\n")
    return tmp_path


def burst(job, **variables):
    return dict({"pattern": "burst", "cluster_scale_cluster_id": "c-1", "cluster_scale_cluster_name": None,
                 "cluster_scale_burst_task_count": None, "cluster_scale_burst_task_increase": None,
                 "cluster_scale_burst_node_group": "task", "cluster_scale_burst_tasks_file": "tasks/job.yml",
                 "cluster_scale_task_node_info": None, "cluster_scale_wait_timeout": 3600, "cluster_scale_progress_interval": 60,
                 "role_path": str(job / "role"), "playbook_dir": str(job)}, **variables)


@pytest.mark.parametrize("variables, message", [
    (dict(), "cluster_scale_burst_task_count / cluster_scale_burst_task_increase: give exactly one of them (got null and null)"),
    (dict(cluster_scale_burst_task_count=2, cluster_scale_burst_task_increase=2),
     "cluster_scale_burst_task_count / cluster_scale_burst_task_increase: give exactly one of them (got 2 and 2)"),
    (dict(cluster_scale_burst_task_increase=0), "cluster_scale_burst_task_increase: must be 1 or more, got 0"),
    (dict(cluster_scale_burst_task_increase=1, cluster_scale_burst_tasks_file=""),
     "cluster_scale_burst_tasks_file: required, the task file to run while the Task group is grown"),
    (dict(cluster_scale_burst_task_increase=1, cluster_scale_burst_tasks_file="tasks/jbo.yml"),
     'cluster_scale_burst_tasks_file: no task file "tasks/jbo.yml" (looked for '),
    (dict(cluster_scale_burst_task_increase=1, cluster_scale_burst_tasks_file="/no/such/job.yml"),
     'cluster_scale_burst_tasks_file: no task file "/no/such/job.yml" (looked for /no/such/job.yml). Nothing was changed'),
    (dict(cluster_scale_burst_task_increase=1, cluster_scale_task_node_info={"data_volume_count": 1}),
     "cluster_scale_task_node_info.node_size: required"),
    (dict(cluster_scale_burst_task_increase=1, cluster_scale_wait_timeout=604801), "cluster_scale_wait_timeout: must be 0 or more"),
])
def test_a_burst_is_refused_before_any_request_naming_the_variable(job, variables, message):
    refusal = _role_burst.plan(burst(job, **variables))["refusal"]
    assert refusal is not None and refusal.startswith(message), refusal


def test_the_task_file_is_looked_up_where_include_tasks_looks_from_the_role(job):
    assert _role_burst.plan(burst(job, cluster_scale_burst_task_increase=1))["refusal"] is None
    assert _role_burst.plan(burst(job, cluster_scale_burst_task_increase=1, cluster_scale_burst_tasks_file="job.yml"))["refusal"] is None
    directory = _role_burst.plan(burst(job, cluster_scale_burst_task_increase=1, cluster_scale_burst_tasks_file=str(job / "tasks")))
    assert directory["refusal"].startswith('cluster_scale_burst_tasks_file: no task file "%s"' % (job / "tasks"))
    _name, candidates = _role_burst.task_file_candidates(burst(job, cluster_scale_burst_tasks_file="x.yml"))
    assert candidates == [str(job / "role" / "tasks" / "x.yml"), str(job / "role" / "x.yml"), str(job / "tasks" / "x.yml"),
                          str(job / "x.yml")]


def test_a_burst_grows_by_its_size_and_never_shrinks(job):
    grown = _role_burst.plan(burst(job, cluster_scale_burst_task_increase=3), cluster=info(analysis(3, 2)))
    assert (grown["node_group"], grown["before"], grown["burst"], grown["policy_groups"]) == ("task", 2, 5, ["task"])
    assert grown["result"] == {"pattern": "burst", "cluster_id": "c-1", "cluster_name": "analytics", "check_mode": False,
                               "changed": False, "node_group": "task", "before": {"task": 2}, "burst": {"task": 5}, "after": None,
                               "restored": False}
    assert _role_burst.plan(burst(job, cluster_scale_burst_task_count=1), cluster=info(analysis(3, 2)))["burst"] == 2
    named = _role_burst.plan(burst(job, cluster_scale_burst_task_increase=2, cluster_scale_burst_node_group="node_group_2",
                                   cluster_scale_cluster_id="c-2"), cluster=info(LAKE))
    assert (named["node_group"], named["before"], named["burst"], named["task_node_info"]) == ("node_group_2", 1, 3, None)


@pytest.mark.parametrize("variables, cluster, message", [
    (dict(cluster_scale_burst_node_group="master_node_default_group"), LAKE,
     "cluster_scale_burst_node_group: the number of Master nodes cannot be changed"),
    (dict(cluster_scale_burst_node_group="node_group_7"), LAKE,
     "cluster_scale_burst_node_group: the cluster has no node group named 'node_group_7'"),
    (dict(cluster_scale_burst_task_increase=498), analysis(3, 0), "cluster_scale_burst_task_increase: Core + Task would be 501 nodes"),
    (dict(), analysis(3, 0), "cluster_scale_task_node_info: required when scaling the Task group out from 0 nodes"),
])
def test_the_grow_is_checked_as_mrs_cluster_nodes_will_check_it(job, variables, cluster, message):
    request = burst(job, **dict(dict(cluster_scale_burst_task_increase=1), **variables))
    refusal = _role_burst.plan(request, cluster=info(cluster))["refusal"]
    assert refusal is not None and refusal.startswith(message), refusal


def test_the_burst_pauses_every_enabled_policy_and_restores_the_count_unless_another_operation_owns_it(job):
    request = burst(job, cluster_scale_burst_task_increase=2, cluster_scale_task_node_info=SPEC)
    pools = [{"resource_pool_name": "default", "options": {"enabled": True, "min_capacity": 1, "max_capacity": 6}},
             {"resource_pool_name": "b", "options": {"enabled": False, "min_capacity": 1, "max_capacity": 6}}]
    read = {"results": [{"item": "task", "node_group": "task_node_analysis_group", "resource_pools": pools}]}
    stages = dict(cluster=info(analysis()), policies_read=read)
    ready = _role_burst.plan(request, **stages)
    assert ready["refusal"] is None and ready["go"] and ready["grow"] and ready["task_node_info"] == SPEC
    assert [(pause["name"], pause["resource_pool_name"]) for pause in ready["pause"]] == [("task_node_analysis_group", "default")]
    assert _role_burst.plan(request, check_mode=True, **stages)["grow"] is False  # a pause is only predicted in check mode
    pauses = {"results": [{"item": ready["pause"][0], "changed": True}]}
    grown = _role_burst.plan(request, pauses=pauses, grow={"changed": True, "count": 4}, **stages)
    assert grown["restore"] is True
    stale = {"changed": False, "failed": True, "parameter": "current_count", "msg": "current_count: the Task group has 3 nodes"}
    assert _role_burst.plan(request, pauses=pauses, grow=stale, **stages)["restore"] is False
    assert _role_burst.plan(request, pauses=pauses, grow=dict(stale, parameter=None), **stages)["restore"] is True
    assert _role_burst.plan(request, pauses=pauses, grow=SKIPPED, **stages)["restore"] is False
    done = _role_burst.plan(request, pauses=pauses, grow={"changed": True, "count": 4}, restore={"changed": True, "count": 2},
                            restores={"results": [{"item": ready["pause"][0], "changed": True}]}, **stages)
    assert done["problem"] is None
    assert done["result"] == dict(ready["result"], restored=True, policy_paused=["task_node_analysis_group"], changed=True,
                                  after={"task": 2})
    refused = _role_burst.plan(request, pauses={"results": [{"item": ready["pause"][0], "msg": "HTTP 500"}]}, **stages)
    assert refused["go"] is False and refused["grow"] is False


# --- drain ----------------------------------------------------------------------------------------------------------


def host(name, role, node_group=None):
    return {"id": "id-" + name, "name": name, "ip": None, "status": "ACTIVE", "type": role.capitalize(), "role": role,
            "node_group": node_group or "%s_node_analysis_group" % role}


HOSTS = [host("m1", "master"), host("c1", "core"), host("t1", "task"), host("t2", "task"), host("t3", "task")]


def drain(**variables):
    return dict({"pattern": "drain", "cluster_scale_cluster_id": "c-1", "cluster_scale_cluster_name": None,
                 "cluster_scale_drain_server_ids": [], "cluster_scale_drain_host_names": [],
                 "cluster_scale_drain_allow_missing": False, "cluster_scale_wait_timeout": 3600,
                 "cluster_scale_progress_interval": 60}, **variables)


def test_a_drain_removes_the_chosen_task_nodes_by_id_and_name():
    read = info(dict(analysis(3, 3), hosts=HOSTS))
    planned = _role_drain.plan(drain(cluster_scale_drain_server_ids=["id-t1"], cluster_scale_drain_host_names=["t3", "t1"]), cluster=read)
    assert planned["refusal"] is None and planned["server_ids"] == ["id-t1", "id-t3"] and planned["task_count"] == 3
    done = _role_drain.plan(drain(cluster_scale_drain_server_ids=["id-t1"]), cluster=read,
                            removal={"changed": True, "count": 2, "server_ids": ["id-t1"]})
    assert done["result"] == {"pattern": "drain", "cluster_id": "c-1", "cluster_name": "analytics", "check_mode": False,
                              "changed": True, "before": {"task": 3}, "after": {"task": 2},
                              "removed": {"server_ids": ["id-t1"], "host_names": ["t1"]},
                              "already_gone": {"server_ids": [], "host_names": []}}


def test_a_drain_of_a_node_that_is_not_a_task_node_is_refused_by_the_planners_rule():
    kinds = [host("t9", "task", node_group="core_node_analysis_group")] + HOSTS  # its group says Core: the group decides
    refusal = _role_drain.plan(drain(cluster_scale_drain_host_names=["c1", "t1", "t9", "m1"]),
                               cluster=info(dict(analysis(3, 3), hosts=kinds)))["refusal"]
    assert refusal == ("cluster_scale_drain_server_ids / cluster_scale_drain_host_names: only Task nodes can be drained; not Task "
                       "nodes: t9 (id-t9, core), m1 (id-m1, master), c1 (id-c1, core). Nothing was changed.")


def test_a_name_that_matches_no_host_is_a_typo_until_the_caller_says_it_is_gone():
    read = info(dict(analysis(3, 3), hosts=HOSTS))
    refusal = _role_drain.plan(drain(cluster_scale_drain_host_names=["t1", "t4"]), cluster=read)["refusal"]
    assert refusal == ('cluster_scale_drain_host_names: no host of cluster c-1 has "t4". Nothing was changed. Task hosts: t1, t2, '
                       't3. If these nodes were removed by an earlier run, set cluster_scale_drain_allow_missing to true to count '
                       'them as already gone.')
    allowed = _role_drain.plan(drain(cluster_scale_drain_host_names=["t1", "t4"], cluster_scale_drain_allow_missing=True), cluster=read)
    assert allowed["refusal"] is None and allowed["server_ids"] == ["id-t1"] and '"t4"; counted as already gone' in allowed["warning"]
    nothing = _role_drain.plan(drain(), cluster=read)["refusal"]
    assert nothing == "cluster_scale_drain_server_ids / cluster_scale_drain_host_names: give at least one Task node id or host name"


# --- schedule -------------------------------------------------------------------------------------------------------


def schedule(windows, **variables):
    return dict({"pattern": "schedule", "cluster_scale_cluster_id": "c-1", "cluster_scale_cluster_name": None,
                 "cluster_scale_schedule": windows, "cluster_scale_schedule_node_group": "task",
                 "cluster_scale_schedule_min_capacity": None, "cluster_scale_schedule_max_capacity": None}, **variables)


@pytest.mark.parametrize("windows, message", [
    ("08:00-18:00", "cluster_scale_schedule: must be a list of {days, start, end, min, max}"),
    ([["08:00"]], "cluster_scale_schedule: every entry must be a dictionary"),
    ([{"start": "08:00", "end": "18:00", "min": 1}], 'cluster_scale_schedule[0]: give start, end, min, max and optionally days, '
                                                     'nothing else (got {"start": "08:00", "end": "18:00", "min": 1})'),
    ([{"start": 570, "end": "18:00", "min": 1, "max": 2}],
     'cluster_scale_schedule[0].start: must be a quoted time "HH:mm" (got 570: YAML reads the unquoted time 9:30 as the number 570; '
     'write start: "9:30")'),
    ([{"start": "08:00", "end": 1.5, "min": 1, "max": 2}], 'cluster_scale_schedule[0].end: must be a quoted time "HH:mm" (got 1.5)'),
    ([{"start": "9:00", "end": "9:10", "min": 1, "max": 2}], "cluster_scale_schedule[0].end: must be at least 30 minutes after"),
    ([{"start": "08:00", "end": "18:00", "min": 3, "max": 2}], "cluster_scale_schedule[0].min: must not exceed"),
    ([{"start": "08:00", "end": "18:00", "min": 1, "max": 2, "days": ["FUNDAY"]}], "cluster_scale_schedule[0].days[0]: must be one of"),
])
def test_the_windows_are_checked_by_the_policy_rules_before_any_request(windows, message):
    refusal = _role_schedule.plan(schedule(windows))["refusal"]
    assert refusal is not None and refusal.startswith(message), refusal


def test_the_windows_become_the_modules_resource_plans_and_the_group_is_resolved_as_the_module_resolves_it():
    windows = [{"days": ["MONDAY"], "start": "9:00", "end": "17:30", "min": "3", "max": 6}]
    held = {"enabled": True, "min_capacity": 1, "max_capacity": 6}
    planned = _role_schedule.plan(schedule(windows), cluster=info(analysis(policy=held)))
    assert planned["refusal"] is None and planned["create"] is False and planned["node_group"] == "task_node_analysis_group"
    assert planned["plans"] == [{"period_type": "daily", "start_time": "9:00", "end_time": "17:30", "min_capacity": 3, "max_capacity": 6,
                                 "effective_days": ["MONDAY"]}]
    bounds = _role_schedule.plan(schedule(windows), cluster=info(analysis()))["refusal"]
    assert bounds == ("cluster_scale_schedule_min_capacity / cluster_scale_schedule_max_capacity: the task group has no auto-scaling "
                      "policy yet, so give the bounds of the one to create")
    created = _role_schedule.plan(schedule(windows, cluster_scale_schedule_min_capacity=1, cluster_scale_schedule_max_capacity=6),
                                  cluster=info(analysis()))
    assert created["refusal"] is None and created["create"] is True
    core = _role_schedule.plan(schedule(windows, cluster_scale_schedule_node_group="core"), cluster=info(LAKE))["refusal"]
    assert core.startswith("cluster_scale_schedule_node_group: core: the cluster has no Core group"), core
    named = _role_schedule.plan(schedule(windows, cluster_scale_schedule_node_group="node_group_9"), cluster=info(LAKE))["refusal"]
    assert named.startswith("cluster_scale_schedule_node_group: the cluster has no node group named 'node_group_9'"), named


def test_a_write_the_module_refuses_names_the_roles_variable():
    windows = [{"start": "08:00", "end": "18:00", "min": 1, "max": 2}]
    stages = dict(cluster=info(analysis(policy={"enabled": True})))
    refused = {"changed": False, "parameter": "node_group", "msg": "node_group: node_group_1 is a Core group, and MRS applies ..."}
    assert _role_schedule.plan(schedule(windows), write=refused, **stages)["problem"] == (
        "cluster_scale_schedule_node_group: node_group_1 is a Core group, and MRS applies ...")
    plans = {"changed": False, "parameter": "resources_plans[0].max_capacity", "msg": "resources_plans[0].max_capacity: too big"}
    assert _role_schedule.plan(schedule(windows), write=plans, **stages)["problem"] == "cluster_scale_schedule[0].max: too big"
    written = _role_schedule.plan(schedule(windows), write={"changed": True, "node_group": "task_node_analysis_group",
                                                            "changes": ["resources_plans: added"], "policy": {}}, **stages)
    assert written["problem"] is None and written["result"]["changed"] is True and written["result"]["cluster_name"] == "analytics"


# --- the filters ------------------------------------------------------------------------------------------------------


def test_the_filter_dispatches_by_pattern_and_refuses_input_that_is_not_the_roles(job):
    assert set(FilterModule().filters()) == {"cluster_scale_plan"}
    assert cluster_scale_plan(burst(job, cluster_scale_burst_task_increase=1))["refusal"] is None
    assert cluster_scale_plan(drain(), cluster=SKIPPED)["refusal"].startswith("cluster_scale_drain_server_ids")
    for bad in ({}, {"pattern": "shrink"}, ["converge"]):
        with pytest.raises(AnsibleFilterError, match="give the role's variables"):
            cluster_scale_plan(bad)
    with pytest.raises(AnsibleFilterError, match="drain takes no nodes"):
        cluster_scale_plan(drain(), nodes=SKIPPED)


def test_the_record_filter_refuses_what_is_not_a_step():
    with pytest.raises(AnsibleFilterError, match="give cluster_scale_result and a step"):
        cluster_scale_record({}, {"node_group": "core"})
    with pytest.raises(AnsibleFilterError, match="lacks"):
        cluster_scale_record({}, {"node_group": "core", "from": 3, "count": 4}, resize={"changed": True, "count": 4})
