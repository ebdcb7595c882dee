# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The scale_steps filter: the order and size of the resizes the cluster_scale role makes."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest
from hypothesis import assume, given, settings, strategies as st

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.filter.scale_steps import MAX_CORE_TASK_NODES, FilterModule, scale_steps
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import check_wait_timeout

SPEC = {"node_size": "s3.xlarge.2.linux.bigdata"}


def step(group, start, end):
    return {"node_group": group, "from": start, "count": end}


# (current, target, step, expected resizes in order)
CASES = [
    pytest.param({"core": 3, "task": 0}, {"core": 3, "task": 0}, 0, [], id="already-there"),
    pytest.param({"core": 3, "task": 2}, {}, 0, [], id="empty-target-keeps-both"),
    pytest.param({"core": 3, "task": 2}, {"core": None, "task": None}, 0, [], id="null-target-keeps-both"),
    pytest.param({"core": 3, "task": 0}, {"core": 5}, 0, [step("core", 3, 5)], id="core-out"),
    pytest.param({"core": 5, "task": 4}, {"task": 1}, 0, [step("task", 4, 1)], id="task-in-core-untouched"),
    pytest.param({"core": 3, "task": 6}, {"core": 7, "task": 2}, 2,
                 [step("core", 3, 5), step("core", 5, 7), step("task", 6, 4), step("task", 4, 2)], id="documented-example"),
    pytest.param({"core": 3, "task": 0}, {"core": 4, "task": 3}, 0, [step("core", 3, 4), step("task", 0, 3)],
                 id="both-out-core-first"),
    pytest.param({"core": 6, "task": 4}, {"core": 4, "task": 1}, 0, [step("task", 4, 1), step("core", 6, 4)],
                 id="both-in-task-first-core-last"),
    pytest.param({"core": 6, "task": 1}, {"core": 3, "task": 5}, 0, [step("task", 1, 5), step("core", 6, 3)],
                 id="out-before-in"),
    pytest.param({"core": 3, "task": 0}, {"core": 10}, 4, [step("core", 3, 7), step("core", 7, 10)], id="last-step-shorter"),
    pytest.param({"core": 3, "task": 0}, {"core": 5}, 10, [step("core", 3, 5)], id="step-larger-than-change"),
    pytest.param({"core": 3, "task": 5}, {"task": 0}, 1,
                 [step("task", 5, 4), step("task", 4, 3), step("task", 3, 2), step("task", 2, 1), step("task", 1, 0)],
                 id="task-to-zero-one-by-one"),
    pytest.param({"core": 100, "task": 400}, {"core": 300, "task": 100}, 0, [step("task", 400, 100), step("core", 100, 300)],
                 id="ins-first-near-500"),
    pytest.param({"core": 100, "task": 400}, {"core": 200, "task": 300}, 0, [step("task", 400, 300), step("core", 100, 200)],
                 id="ins-first-exactly-500"),
    pytest.param({"core": 100, "task": 300}, {"core": 200, "task": 200}, 0, [step("core", 100, 200), step("task", 300, 200)],
                 id="outs-first-when-500-is-reached-not-passed"),
    pytest.param({"core": "3", "task": "0"}, {"core": "4", "task": 1.0}, "0", [step("core", 3, 4), step("task", 0, 1)],
                 id="strings-and-whole-floats-as-jinja-gives-them"),
]


@pytest.mark.parametrize("current, target, stride, expected", CASES)
def test_ordered_resizes(current, target, stride, expected):
    assert scale_steps(current, target, step=stride, task_node_info=SPEC) == expected


def test_default_step_is_one_resize_per_group():
    assert scale_steps({"core": 3, "task": 0}, {"core": 50, "task": 20}, task_node_info=SPEC) == [step("core", 3, 50), step("task", 0, 20)]


def test_registered_as_a_filter():
    assert FilterModule().filters() == {"scale_steps": scale_steps}


@pytest.mark.parametrize("current, target, stride, message", [
    ([3, 0], {"core": 3}, 0, "must be dictionaries"),
    ({"core": 3, "task": 0}, "core=4", 0, "must be dictionaries"),
    ({"core": 3}, {"core": 4}, 0, "current.task: must be a whole number, got None"),
    ({"core": 3, "task": 0}, {"core": -1}, 0, "target.core: must be 0 or more, got -1"),
    ({"core": 3, "task": 0}, {"core": "four"}, 0, "target.core: must be a whole number, got 'four'"),
    ({"core": 3, "task": 0}, {"core": 4.5}, 0, "target.core: must be a whole number, got 4.5"),
    ({"core": 3, "task": 0}, {"core": True}, 0, "target.core: must be a whole number, got True"),
    ({"core": 3, "task": 0}, {"cores": 4}, 0, "target.cores: the cluster has no node group named 'cores'"),
    ({"core": 3, "task": 0}, {"core": 4}, -1, "step: must be 0 or more, got -1"),
    ({"core": 3, "task": 0}, {"core": 4}, "two", "step: must be a whole number, got 'two'"),
    ({"core": 3, "task": 0}, {"core": 2}, 0, "target.core: must be 3 or more (MRS keeps at least 3 Core nodes), got 2"),
    ({"core": 3, "task": 0}, {"task": 498}, 0, "target.task: Core + Task would be 501 nodes (Core 3, Task 498); MRS allows at most 500"),
])
def test_bad_input_is_refused_with_the_field_named(current, target, stride, message):
    with pytest.raises(AnsibleFilterError) as caught:
        scale_steps(current, target, step=stride)
    assert message in str(caught.value)


def test_a_task_group_grown_from_0_needs_the_spec_only_when_it_is_passed():
    """The role passes task_node_info (null included) to have it checked; a caller after the order alone does not."""
    with pytest.raises(AnsibleFilterError) as caught:
        scale_steps({"core": 3, "task": 0}, {"task": 2}, task_node_info=None)
    assert "task_node_info: required when scaling the Task group out from 0 nodes" in str(caught.value)
    assert scale_steps({"core": 3, "task": 0}, {"core": 4, "task": 1}) == [step("core", 3, 4), step("task", 0, 1)]
    with pytest.raises(AnsibleFilterError, match="must be 3 or more"):
        scale_steps({"core": 3, "task": 0}, {"core": 2, "task": 1})  # every other rule still applies


NAMES = {"core": "cluster_scale_profiles.night.core", "task": "cluster_scale_profiles.night.task",
         "task_node_info": "cluster_scale_profiles.night.task_node_info", "step": "cluster_scale_step"}


@pytest.mark.parametrize("current, target, spec, message", [
    (None, {"core": 2}, None, "cluster_scale_profiles.night.core: must be 3 or more"),
    (None, {"core": "2"}, None, "cluster_scale_profiles.night.core: must be 3 or more"),
    (None, {"task": "many"}, None, "cluster_scale_profiles.night.task: must be a whole number, got 'many'"),
    (None, {"core": 300, "task": "201"}, None,
     "cluster_scale_profiles.night.core / cluster_scale_profiles.night.task: Core + Task would be 501 nodes"),
    (None, {"task": 2}, {"node_size": "x", "data_volume_count": 21}, "cluster_scale_profiles.night.task_node_info.data_volume_count: must be"),
    (None, {"task": 2}, {"node_size": "x", "disks": 1}, "cluster_scale_profiles.night.task_node_info: unknown key(s) disks"),
    (None, {"task": 2}, "big", "cluster_scale_profiles.night.task_node_info: must be a dictionary"),
    ({"core": 3, "task": 0}, {"task": "2"}, None, "cluster_scale_profiles.night.task_node_info: required when scaling the Task group out from 0"),
    # a Task node spec that is wrong is refused even when this run would not send it (the group has nodes already)
    ({"core": 3, "task": 4}, {"task": 6}, {"data_volume_type": "SSD"}, "cluster_scale_profiles.night.task_node_info.node_size: required"),
])
def test_refusals_name_the_callers_variable(current, target, spec, message):
    with pytest.raises(AnsibleFilterError) as caught:
        scale_steps(current, target, step=0, task_node_info=spec, names=NAMES)
    assert message in str(caught.value)


def test_a_count_spelled_as_a_string_is_the_same_count():
    # one normalisation for every entry point of the role: "5" is 5, " 5 " too, as mrs_cluster_nodes takes them
    as_numbers = scale_steps({"core": 3, "task": 2}, {"core": 5, "task": 0}, step=1)
    assert scale_steps({"core": "3", "task": "2"}, {"core": "5", "task": " 0 "}, step="1") == as_numbers
    assert scale_steps(None, {"core": "5", "task": "0"}, task_node_info=SPEC) == []


def test_null_input_checks_only_the_target():
    # no cluster yet: nothing to order, and no rule that needs the current counts (a Task group from 0, the 500 limit
    # with a group left out)
    assert scale_steps(None, {"task": 499}) == []
    assert scale_steps(None, {}, task_node_info=SPEC) == []


def test_a_sequence_the_module_would_refuse_part_way_is_refused_before_the_first_resize():
    # Task 0 -> 4 in steps of 2 after Core 3 -> 5: the Task scale-out needs the node spec; without it the first resize
    # (Core) would be applied and the second refused, so the whole plan is refused, naming the variable
    with pytest.raises(AnsibleFilterError) as caught:
        scale_steps({"core": 3, "task": 0}, {"core": 5, "task": 4}, step=2, task_node_info=None,
                    names={"task_node_info": "cluster_scale_task_node_info"})
    assert str(caught.value).startswith("cluster_scale_task_node_info: required")
    assert "(resize task 0 -> 2)" in str(caught.value)


@pytest.mark.parametrize("value", [-5, "-1", 604801, "soon", True, 1.5, None])
def test_a_wait_timeout_the_module_would_refuse_is_refused_with_its_words(value):
    """The role passes its wait timeout on to every resize: refused here, before any request, in the planner's words."""
    with pytest.raises(AnsibleFilterError) as caught:
        scale_steps(None, {}, wait_timeout=value, names={"wait_timeout": "cluster_scale_wait_timeout"})
    with pytest.raises(PlanError) as planner:
        check_wait_timeout(value)
    assert str(caught.value) == "cluster_scale_wait_timeout: %s" % planner.value.rule
    assert str(caught.value).startswith("cluster_scale_wait_timeout: must be 0 or more seconds, got ")


@pytest.mark.parametrize("value", [0, 3600, "3600", 604800])
def test_a_usable_wait_timeout_passes(value):
    assert scale_steps(None, {}, wait_timeout=value) == []
    assert scale_steps({"core": 3, "task": 0}, {"core": 4}, wait_timeout=value) == [step("core", 3, 4)]


def test_a_wait_timeout_not_passed_is_not_checked_and_its_default_name_is_its_own():
    assert scale_steps(None, {}) == []
    with pytest.raises(AnsibleFilterError, match=r"^wait_timeout: must be 0 or more seconds, got -1"):
        scale_steps(None, {}, wait_timeout=-1)


def test_names_must_be_a_dictionary():
    with pytest.raises(AnsibleFilterError, match="names must be a dictionary"):
        scale_steps({"core": 3, "task": 0}, {"core": 4}, names="core")


# --- properties ---------------------------------------------------------------------------------

@st.composite
def plans(draw):
    """A start and a target within the API's limits (Core >= 3, Core + Task <= 500), and a step."""
    counts = st.integers(min_value=3, max_value=MAX_CORE_TASK_NODES).flatmap(
        lambda core: st.tuples(st.just(core), st.integers(min_value=0, max_value=MAX_CORE_TASK_NODES - core)))
    start, goal = draw(counts), draw(counts)
    keep = draw(st.sampled_from(["none", "core", "task"]))  # a group left out of the target keeps its count
    target = {"core": None if keep == "core" else goal[0], "task": None if keep == "task" else goal[1]}
    # the group kept at its start count must still fit with the other's target
    assume(sum(start[index] if target[group] is None else target[group] for index, group in enumerate(("core", "task")))
           <= MAX_CORE_TASK_NODES)
    stride = draw(st.one_of(st.just(0), st.integers(min_value=1, max_value=60)))
    return {"core": start[0], "task": start[1]}, target, stride


@settings(max_examples=400, deadline=None)
@given(plans())
def test_steps_reach_the_target_safely(plan):
    current, target, stride = plan
    steps = scale_steps(current, target, step=stride, task_node_info=SPEC)
    final = {group: current[group] if target[group] is None else target[group] for group in ("core", "task")}

    counts = dict(current)
    for resize in steps:
        group = resize["node_group"]
        assert group in ("core", "task")
        # each resize starts where the group stands and changes it
        assert resize["from"] == counts[group] and resize["count"] != resize["from"]
        # monotone per group: never past the target, always towards it
        assert min(current[group], final[group]) <= resize["count"] <= max(current[group], final[group])
        if stride:
            assert abs(resize["count"] - resize["from"]) <= stride
        counts[group] = resize["count"]
        assert counts["core"] + counts["task"] <= MAX_CORE_TASK_NODES
        assert counts["core"] >= min(current["core"], final["core"])

    assert counts == final
    for group in ("core", "task"):
        moves = [resize for resize in steps if resize["node_group"] == group]
        # one direction per group, and the resizes of a group are consecutive
        assert len(set((resize["count"] > resize["from"]) for resize in moves)) <= 1
        if moves:
            first = steps.index(moves[0])
            assert steps[first:first + len(moves)] == moves
        # as few resizes as the step allows
        change = abs(final[group] - current[group])
        assert len(moves) == (0 if change == 0 else (-(-change // stride) if stride else 1))
