# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The scale_steps filter (and so plan_cluster) over named node groups: custom, mixed and analysis clusters as
mrs_cluster_info returns them, capacity first across any groups, every step checked by the planner's resize rules."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import functools

import pytest
from hypothesis import assume, given, settings, strategies as st

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.filter.scale_steps import MAX_CORE_TASK_NODES, scale_steps
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import plan_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_group import MIN_CORE_NODES
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_cluster as cluster
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_group

SPEC = {"node_size": "s3.xlarge.2.linux.bigdata"}


def step(group, start, end):
    return {"node_group": group, "from": start, "count": end}


# A node group as mrs_cluster_info returns it, with a field the filter does not read.
group = functools.partial(info_group, node_size="s3.xlarge.2.linux.bigdata")


def custom(**counts):
    groups = [group("master_node_default_group", "master", 3)]
    groups += [group(name, "custom", count) for name, count in sorted(counts.items())]
    return cluster("custom", *groups)


ANALYSIS = cluster("analysis", group("master_node_default_group", "master", 2), group("core_node_analysis_group", "core", 3),
                   group("task_node_analysis_group", "task", 2))
MIXED = cluster("mixed", group("master_node_default_group", "master", 3), group("core_node_analysis_group", "core", 3),
                group("core_node_streaming_group", "core", 3), group("task_node_analysis_group", "task", 1),
                group("task_node_streaming_group", "task", 0))


def test_a_custom_group_converges_by_name_in_one_resize_and_then_not_at_all():
    assert scale_steps(custom(node_group_1=3), {"node_group_1": 5}) == [step("node_group_1", 3, 5)]
    assert scale_steps(custom(node_group_1=5), {"node_group_1": 5}) == []
    assert scale_steps(custom(node_group_1=5), {"node_group_1": "2"}, step=2) == [step("node_group_1", 5, 3), step("node_group_1", 3, 2)]


def test_two_groups_stepwise_capacity_first():
    # node_group_2 grows (in steps of 2) before node_group_1 shrinks; a group left out keeps its count
    steps = scale_steps(custom(node_group_1=6, node_group_2=1, node_group_3=4), {"node_group_1": 3, "node_group_2": 5}, step=2)
    assert steps == [step("node_group_2", 1, 3), step("node_group_2", 3, 5), step("node_group_1", 6, 4), step("node_group_1", 4, 3)]


def test_core_groups_grow_first_and_shrink_last_across_roles():
    # analysis Core/Task by their keys and a custom-looking name: Core out, Task out; then named groups out
    current = cluster("mixed", group("master_node_default_group", "master", 3), group("core_node_analysis_group", "core", 3),
                      group("core_node_streaming_group", "core", 3), group("task_node_analysis_group", "task", 4),
                      group("task_node_streaming_group", "task", 2))
    steps = scale_steps(current, {"task_node_streaming_group": 5, "core_node_streaming_group": 4,
                                  "task_node_analysis_group": 1, "core_node_analysis_group": 3})
    assert steps == [step("core_node_streaming_group", 3, 4), step("task_node_streaming_group", 2, 5),
                     step("task_node_analysis_group", 4, 1)]


def test_the_default_groups_keep_their_v11_keys_and_their_names_mean_them():
    # on an analysis cluster the one Core group is `core` whatever the caller calls it: mrs_cluster_nodes takes either
    assert scale_steps(ANALYSIS, {"core_node_analysis_group": 4, "task": 0}) == [step("core", 3, 4), step("task", 2, 0)]
    assert scale_steps(ANALYSIS, {"core": 4}) == scale_steps(ANALYSIS, {"CORE_NODE_DEFAULT_GROUP": 4}) == [step("core", 3, 4)]


@pytest.mark.parametrize("current, target, message", [
    (custom(node_group_1=3), {"master_node_default_group": 4}, "target.master_node_default_group: the number of Master nodes"),
    (custom(node_group_1=3), {"master": 4}, "target.master: the number of Master nodes cannot be changed"),
    (None, {"master_node_default_group": 4}, "target.master_node_default_group: the number of Master nodes"),
    (custom(node_group_1=3), {"node_group_9": 4},
     "target.node_group_9: the cluster has no node group named 'node_group_9' (names are case-sensitive; groups that can be "
     "resized: node_group_1)"),
    (custom(node_group_1=3), {"Node_Group_1": 4}, "did you mean 'node_group_1'?"),
    (None, {"node group": 4}, "target.node group: must be core, task, or a node group name"),
    (MIXED, {"core": 4}, "target.core: the cluster has 2 Core groups (core_node_analysis_group, core_node_streaming_group)"),
    (ANALYSIS, {"core": 4, "core_node_analysis_group": 5},
     "target.core / target.core_node_analysis_group: both name the node group core_node_analysis_group; give it once"),
    (MIXED, {"core_node_streaming_group": 2},
     "target.core_node_streaming_group: must be 3 or more (MRS keeps at least 3 Core nodes), got 2"),
    (None, {"core_node_streaming_group": 2}, "target.core_node_streaming_group: must be 3 or more"),
    # the node limit counts every non-Master group, the ones the target leaves alone too
    (custom(node_group_1=3, node_group_2=300), {"node_group_1": 201},
     "target.node_group_1: node_group_1 + node_group_2 would be 501 nodes (node_group_1 201, node_group_2 300); MRS allows at most 500"),
    (None, {"node_group_1": 300, "node_group_2": 201}, "target.node_group_1 / target.node_group_2: node_group_1 + node_group_2 "
                                                       "would be 501 nodes"),
    (custom(node_group_1=3), {"node_group_1": "lots"}, "target.node_group_1: must be a whole number, got 'lots'"),
    # the v1.1-only Task node spec is for the v1.1 Task group: a named group never carries it
    (custom(node_group_1=0), {"node_group_1": 2}, None),
])
def test_bad_targets_are_refused_naming_the_key(current, target, message):
    if message is None:  # a custom group from 0 needs no Task node spec (v2 keeps the group's own)
        assert scale_steps(current, target, task_node_info=None) == [step("node_group_1", 0, 2)]
        return
    with pytest.raises(AnsibleFilterError) as caught:
        scale_steps(current, target, task_node_info=SPEC)
    assert message in str(caught.value)


def test_refusals_name_the_callers_variable_for_a_named_group():
    names = {"node_group_1": "cluster_scale_node_groups.node_group_1", "master_node_default_group": "cluster_scale_node_groups.m"}
    with pytest.raises(AnsibleFilterError, match=r"^cluster_scale_node_groups\.m: .*Master"):
        scale_steps(custom(node_group_1=3), {"master_node_default_group": 4}, names=names)
    with pytest.raises(AnsibleFilterError, match=r"^cluster_scale_node_groups\.node_group_1: must be 0 or more"):
        scale_steps(None, {"node_group_1": -2}, names=names)


def test_ins_first_when_growing_first_would_pass_the_limit_across_named_groups():
    steps = scale_steps(custom(node_group_1=100, node_group_2=400), {"node_group_1": 300, "node_group_2": 100})
    assert steps == [step("node_group_2", 400, 100), step("node_group_1", 100, 300)]


def test_a_count_the_answer_lacks_is_refused_not_read_as_0():
    broken = custom(node_group_1=3)
    broken["node_groups"][1]["node_count"] = None
    with pytest.raises(AnsibleFilterError, match="current.node_group_1: must be a whole number, got None"):
        scale_steps(broken, {"node_group_1": 4})


def test_counts_by_name_work_without_a_cluster_answer():
    # the kind of a group follows from its name: core_node_* keeps 3, anything else is a custom group (v2)
    assert scale_steps({"node_group_1": 2, "node_group_2": 4}, {"node_group_1": 4, "node_group_2": 0}) == [
        step("node_group_1", 2, 4), step("node_group_2", 4, 0)]
    with pytest.raises(AnsibleFilterError, match="current.master: the number of Master nodes"):
        scale_steps({"master": 3, "node_group_1": 2}, {"node_group_1": 4})


def test_plan_cluster_takes_a_cluster_view_and_checks_each_step_with_the_resize_rules():
    with pytest.raises(PlanError) as caught:
        plan_cluster({"core": 3, "task": 0}, {"task": 2}, task_node_info=None)
    assert caught.value.parameter == "task_node_info" and "(resize task 0 -> 2)" in str(caught.value)


@st.composite
def custom_plans(draw):
    names = ["node_group_%d" % index for index in range(1, draw(st.integers(min_value=1, max_value=4)) + 1)]
    start = dict((name, draw(st.integers(min_value=0, max_value=150))) for name in names)
    assume(sum(start.values()) <= MAX_CORE_TASK_NODES)  # a cluster MRS let exist
    goal = dict((name, draw(st.one_of(st.none(), st.integers(min_value=0, max_value=150)))) for name in names)
    return start, goal, draw(st.one_of(st.just(0), st.integers(min_value=1, max_value=40)))


@settings(max_examples=300, deadline=None)
@given(custom_plans())
def test_named_steps_reach_the_target_within_the_limit(plan):
    start, goal, stride = plan
    final = dict((name, start[name] if goal[name] is None else goal[name]) for name in start)
    if sum(final.values()) > MAX_CORE_TASK_NODES:
        with pytest.raises(AnsibleFilterError, match="MRS allows at most"):
            scale_steps(custom(**start), goal, step=stride)
        return
    steps = scale_steps(custom(**start), goal, step=stride)
    counts = dict(start)
    for resize in steps:
        name = resize["node_group"]
        assert resize["from"] == counts[name] != resize["count"]
        assert min(start[name], final[name]) <= resize["count"] <= max(start[name], final[name])
        assert not stride or abs(resize["count"] - resize["from"]) <= stride
        counts[name] = resize["count"]
        assert sum(counts.values()) <= MAX_CORE_TASK_NODES
    assert counts == final
    assert MIN_CORE_NODES == 3  # the planner's, used by the Core cases above


def test_custom_groups_grow_after_core_and_before_task_and_shrink_the_other_way():
    current = cluster("mixed", group("master_node_default_group", "master", 3), group("core_node_analysis_group", "core", 3),
                      group("core_node_streaming_group", "core", 3), group("hdfs_nodes", "custom", 3),
                      group("task_node_analysis_group", "task", 4))
    out = scale_steps(current, {"task_node_analysis_group": 6, "hdfs_nodes": 4, "core_node_streaming_group": 4})
    # every group of a mixed cluster, its one listed Task group too, is resized by its name (v2): never the v1.1 key task
    assert [move["node_group"] for move in out] == ["core_node_streaming_group", "hdfs_nodes", "task_node_analysis_group"]
    back = scale_steps(current, {"task_node_analysis_group": 1, "hdfs_nodes": 2, "core_node_analysis_group": 3,
                                 "core_node_streaming_group": 4})
    assert [move["node_group"] for move in back] == ["core_node_streaming_group", "task_node_analysis_group", "hdfs_nodes"]


def test_a_custom_cluster_whose_answer_lacks_its_type_is_still_told_by_its_groups():
    untyped = custom(node_group_1=3, node_group_2=300)
    untyped["cluster_type"] = None
    with pytest.raises(AnsibleFilterError) as caught:
        scale_steps(untyped, {"node_group_1": 201})
    assert "node_group_1 + node_group_2 would be 501 nodes (node_group_1 201, node_group_2 300)" in str(caught.value)
    # an analysis cluster without a Task group yet still counts Task (the v1.1 path creates it)
    no_task = cluster(None, group("master_node_default_group", "master", 2), group("core_node_analysis_group", "core", 3))
    with pytest.raises(AnsibleFilterError, match=r"Core \+ Task would be 501 nodes \(Core 3, Task 498\)"):
        scale_steps(no_task, {"task": 498}, task_node_info=SPEC)
