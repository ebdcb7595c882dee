# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named node groups (#13): which API resizes which group, the v2 bodies, and every limit on every cluster type.

The clusters are the emulator's own details answers (its view code), parsed as the module parses them."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest

from mrs_emu.routes_v2 import node_view  # tests/conftest.py puts emulator/ on sys.path
from mrs_emu.state import cluster_view, new_cluster_record, sorted_hosts

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, ClusterView, NodeGroup, parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import GroupNotListed, GroupRef, V11, V2, listed_group, resolve_node_group
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import MAX_CORE_TASK_NODES, ResizeRequest
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_group import MIN_CORE_NODES, nodes_needed, plan_resize
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_gate import check_policy, policy_group

DEFAULTS = {"project_id": "p", "scale_seconds": 1.0}
CUSTOM_GROUPS = [{"name": "master_node_default_group", "count": 3, "kind": "master"},
                 {"name": "node_group_1", "count": 3, "kind": "core"},
                 {"name": "hdfs_nodes", "count": 4, "kind": "core"},
                 {"name": "compute_nodes", "count": 2, "kind": "task"}]


def record(**fields):
    return new_cluster_record(dict({"id": "c-1", "name": "c1"}, **fields), DEFAULTS, 1000.0, 1)


def view_of(rec):
    return parse_cluster(json.loads(json.dumps(cluster_view(rec, "cn-north-4", 1000.0))))


def emulated(**fields):
    return view_of(record(**fields))


def nodes_of(rec):
    """The v2 node list of ``rec`` as MRS answers it with query_node_detail=true, which the collection always sends (without
    it MRS, and the emulator, leave component_infos empty)."""
    return json.loads(json.dumps([node_view(rec, host, detail=True) for host in sorted_hosts(rec)]))


def refusal(view, request, **kwargs):
    with pytest.raises(PlanError) as caught:
        plan_resize(view, request, **kwargs)
    return caught.value


# --- which group, which API -------------------------------------------------------------------------

@pytest.mark.parametrize("kind, value, expected", [
    ("analysis", "core", GroupRef("core", "core_node_analysis_group", "core", V11)),
    ("analysis", "TASK", GroupRef("task", "task_node_analysis_group", "task", V11)),
    ("analysis", "core_node_default_group", GroupRef("core", "core_node_analysis_group", "core", V11)),
    ("analysis", "core_node_analysis_group", GroupRef("core", "core_node_analysis_group", "core", V11)),
    ("streaming", "task_node_streaming_group", GroupRef("task", "task_node_streaming_group", "task", V11)),
    ("streaming", "core", GroupRef("core", "core_node_streaming_group", "core", V11)),
    ("mixed", "core_node_streaming_group", GroupRef("core_node_streaming_group", "core_node_streaming_group", "core", V2)),
    ("mixed", "task_node_analysis_group", GroupRef("task_node_analysis_group", "task_node_analysis_group", "task", V2)),
])
def test_the_default_groups_take_v11_and_the_others_v2(kind, value, expected):
    assert resolve_node_group(emulated(type=kind, core=3, task=2), value) == expected


def test_on_a_custom_cluster_every_group_takes_v2():
    view = emulated(type="custom", node_groups=CUSTOM_GROUPS)
    assert resolve_node_group(view, "node_group_1") == GroupRef("node_group_1", "node_group_1", "custom", V2)
    assert resolve_node_group(view, "compute_nodes") == GroupRef("compute_nodes", "compute_nodes", "task", V2)
    assert resolve_node_group(view, "task") == GroupRef("compute_nodes", "compute_nodes", "task", V2)


def test_core_on_a_custom_cluster_names_the_groups_to_choose_from():
    with pytest.raises(GroupNotListed) as caught:
        resolve_node_group(emulated(type="custom"), "core")
    assert caught.value.parameter == "node_group"
    assert "a custom cluster has no default Core group" in caught.value.rule and "node_group_1" in caught.value.rule


@pytest.mark.parametrize("value, names", [("core", "core_node_analysis_group, core_node_streaming_group"),
                                          ("task", "task_node_analysis_group, task_node_streaming_group")])
def test_core_or_task_on_a_mixed_cluster_must_be_named(value, names):
    with pytest.raises(PlanError) as caught:
        resolve_node_group(emulated(type="mixed", core=3, task=1), value)
    assert caught.value.rule == "the cluster has 2 %s groups (%s): give the name of the one to resize" % (value.title(), names)


def test_an_unknown_name_lists_the_groups_and_a_near_match():
    with pytest.raises(PlanError) as caught:
        resolve_node_group(emulated(type="custom"), "Node_Group_1")
    assert caught.value.parameter == "node_group"
    assert "no node group named 'Node_Group_1'" in caught.value.rule
    assert "did you mean 'node_group_1'?" in caught.value.rule
    assert "groups that can be resized: node_group_1" in caught.value.rule
    assert "master_node_default_group" not in caught.value.rule


def test_a_task_group_that_does_not_exist_yet_takes_v11_which_creates_it():
    ref = resolve_node_group(emulated(type="streaming", core=3, task=0), "task")
    assert ref == GroupRef("task", "task_node_default_group", "task", V11)


def test_a_view_without_groups_still_resolves_core_and_task_as_today():
    bare = ClusterView("c", "n", "running", "", None, None, None, 2, 3, 0)
    assert resolve_node_group(bare, "core").api == V11
    with pytest.raises(PlanError, match="none listed"):
        resolve_node_group(bare, "node_group_1")


def test_a_custom_group_named_like_a_master_is_refused_by_its_name():
    view = ClusterView("c", "n", "running", "", None, None, None, 3, None, 0, cluster_type="custom",
                       node_groups=(NodeGroup("master_node_default_group", "master", 3),))
    with pytest.raises(PlanError, match="Master nodes cannot be changed"):
        resolve_node_group(view, "master_node_default_group")


# --- v2 plans ------------------------------------------------------------------------------------------

def test_a_custom_group_scale_out_is_an_expand_with_the_flags():
    plan = plan_resize(emulated(type="custom"), ResizeRequest("node_group_1", count=5, skip_bootstrap_scripts=False,
                                                              scale_without_start=True))
    assert (plan.api, plan.node_group, plan.group_name, plan.before, plan.after, plan.scale_type, plan.instances) == (
        V2, "node_group_1", "node_group_1", 3, 5, "scale_out", 2)
    assert plan.body == {"node_group_name": "node_group_1", "count": 2, "skip_bootstrap_scripts": False, "scale_without_start": True}


def test_a_v2_scale_in_is_a_shrink_without_the_scale_out_flags():
    plan = plan_resize(emulated(type="mixed", core=3, task=4), ResizeRequest("task_node_streaming_group", count=1,
                                                                             scale_without_start=True))
    assert plan.body == {"node_group_name": "task_node_streaming_group", "count": 3}
    assert plan.warnings == ("scale_without_start applies to scale-out only; it is not sent with this scale-in",)


def test_a_v2_no_op_names_its_group_and_api():
    plan = plan_resize(emulated(type="custom"), ResizeRequest("node_group_1", count=3))
    assert (plan.changed, plan.body, plan.api, plan.group_name) == (False, None, V2, "node_group_1")


def test_v11_plans_name_the_mrs_group_but_send_the_documented_default_name():
    plan = plan_resize(emulated(type="streaming", core=3, task=1), ResizeRequest("core_node_streaming_group", count=4))
    assert (plan.api, plan.node_group, plan.group_name) == (V11, "core", "core_node_streaming_group")
    assert plan.body["parameters"]["node_group"] == "core_node_default_group"


@pytest.mark.parametrize("group", ["core_node_analysis_group", "core_node_streaming_group"])
def test_each_core_group_of_a_mixed_cluster_keeps_three_nodes(group):
    error = refusal(emulated(type="mixed", core=4, task=1), ResizeRequest(group, count=2))
    assert (error.parameter, error.rule) == ("count", "%s is a Core group: Core groups can never go below %d nodes (asked for 2)"
                                             % (group, MIN_CORE_NODES))


def test_the_500_limit_counts_every_non_master_group():
    view = emulated(type="custom", node_groups=CUSTOM_GROUPS)  # 3 + 4 + 2 = 9 non-Master nodes
    assert plan_resize(view, ResizeRequest("hdfs_nodes", count=MAX_CORE_TASK_NODES - 5)).after == MAX_CORE_TASK_NODES - 5
    error = refusal(view, ResizeRequest("hdfs_nodes", count=MAX_CORE_TASK_NODES - 4))
    assert error.rule == ("The non-Master node groups can total at most 500 (this would make 501; at most 491 more can be added)")


def test_the_500_limit_on_a_mixed_cluster_counts_both_core_and_task_groups():
    view = emulated(type="mixed", core=3, task=2)  # 6 Core + 4 Task
    error = refusal(view, ResizeRequest("task_node_analysis_group", count=MAX_CORE_TASK_NODES - 7))
    assert error.rule.startswith("Core + Task nodes can total at most 500 (this would make 501")


def test_v2_refuses_server_ids_and_task_node_info_naming_the_option():
    view = emulated(type="mixed", core=3, task=2)
    error = refusal(view, ResizeRequest("task_node_analysis_group", count=1, server_ids=("x",)))
    assert error.parameter == "server_ids" and "only the Task group resized through the v1.1 API" in error.rule
    error = refusal(view, ResizeRequest("task_node_analysis_group", count=3, task_node_info={"node_size": "s"}))
    assert error.parameter == "task_node_info" and "drop task_node_info" in error.rule


def test_server_ids_with_a_core_group_name_are_refused():
    view = emulated(type="analysis", core=4, task=2)
    error = refusal(view, ResizeRequest("core_node_analysis_group", server_ids=("x",)))
    assert error.parameter == "server_ids" and error.rule.startswith("only Task nodes can be removed by id")


def test_prepaid_cluster_v11_refused_v2_planned():
    analysis = emulated(type="analysis", core=3, billing_type="Yearly/Monthly")
    assert refusal(analysis, ResizeRequest("core", count=4)).rule.startswith("yearly/monthly (prepaid) clusters cannot be scaled")
    custom = emulated(type="custom", billing_type="Yearly/Monthly")
    assert plan_resize(custom, ResizeRequest("node_group_1", count=4)).body == {"node_group_name": "node_group_1", "count": 1}


def test_a_busy_cluster_refuses_a_v2_change_but_not_a_no_op():
    rec = record(type="custom")
    rec["state"] = "scaling-out"
    view = view_of(rec)
    assert refusal(view, ResizeRequest("node_group_1", count=4)).parameter == "cluster"
    assert not plan_resize(view, ResizeRequest("node_group_1", count=3)).changed


def test_current_count_names_the_group():
    error = refusal(emulated(type="custom"), ResizeRequest("node_group_1", count=5, current_count=4))
    assert error.rule.startswith("the node_group_1 group has 3 nodes, not 4 as expected")


# --- a custom group's minimum, from its nodes ------------------------------------------------------------

def test_the_node_list_is_needed_only_for_a_custom_scale_in_below_three():
    view = emulated(type="custom", node_groups=CUSTOM_GROUPS)
    assert nodes_needed(view, ResizeRequest("node_group_1", count=2))
    assert nodes_needed(view, ResizeRequest("hdfs_nodes", count=0))
    assert not nodes_needed(view, ResizeRequest("hdfs_nodes", count=3))
    assert not nodes_needed(view, ResizeRequest("node_group_1", count=5))
    assert not nodes_needed(view, ResizeRequest("compute_nodes", count=0))  # a Task group: no minimum
    assert not nodes_needed(view, ResizeRequest("nope", count=0))
    assert not nodes_needed(emulated(type="analysis"), ResizeRequest("core", count=1))


def test_a_custom_group_running_the_datanode_keeps_three_nodes():
    rec = record(type="custom", node_groups=CUSTOM_GROUPS)
    error = refusal(view_of(rec), ResizeRequest("node_group_1", count=2), nodes=nodes_of(rec))
    assert (error.parameter, error.rule) == ("count", "node group node_group_1 runs the HDFS DataNode, so it holds HDFS data like a "
                                             "Core group: it can never go below 3 nodes (asked for 2)")


def test_a_custom_group_without_a_datanode_may_go_to_zero():
    groups = CUSTOM_GROUPS[:3] + [{"name": "compute", "count": 2, "kind": "task"}]
    rec = record(type="custom", node_groups=groups)
    # the emulator lists a task-kind group in taskNodeGroups; a custom cluster whose answer does not is custom here
    raw = json.loads(json.dumps(cluster_view(rec, "cn-north-4", 1000.0)))
    raw["taskNodeGroups"] = []
    view = parse_cluster(raw)
    assert view.group("compute").role == "custom"
    plan = plan_resize(view, ResizeRequest("compute", count=0), nodes=nodes_of(rec))
    assert plan.body == {"node_group_name": "compute", "count": 2}


def test_a_node_list_that_lacks_nodes_of_the_group_cannot_prove_it_holds_no_data():
    rec = record(type="custom", node_groups=CUSTOM_GROUPS)
    nodes = [node for node in nodes_of(rec) if node["node_group_name"] != "hdfs_nodes"]
    error = refusal(view_of(rec), ResizeRequest("hdfs_nodes", count=1), nodes=nodes)
    assert error.rule.startswith("the node list shows 0 of the 4 nodes of group hdfs_nodes")


@pytest.mark.parametrize("trim", ["drop", "null"])
def test_a_node_list_trimmed_of_its_components_never_lets_a_datanode_group_below_three(trim):
    """A gateway that drops component_infos must not turn "runs the DataNode" into "runs nothing"."""
    rec = record(type="custom", node_groups=CUSTOM_GROUPS)
    nodes = json.loads(json.dumps(nodes_of(rec)))
    for node in nodes:
        if trim == "drop":
            node.pop("component_infos", None)
        else:
            node["component_infos"] = None
    error = refusal(view_of(rec), ResizeRequest("node_group_1", count=2), nodes=nodes)
    assert error.parameter == "count" and "does not say which components" in error.rule, error.rule


def test_a_garbled_node_list_refuses_the_shrink_naming_the_field():
    rec = record(type="custom", node_groups=CUSTOM_GROUPS)
    nodes = json.loads(json.dumps(nodes_of(rec)))
    nodes[0]["component_infos"] = "DataNode"
    with pytest.raises(ClusterParseError, match=r"component_infos: expected a list"):
        plan_resize(view_of(rec), ResizeRequest("node_group_1", count=2), nodes=nodes)


# --- the policy check follows the resolved group -----------------------------------------------------------

def test_the_policy_check_uses_the_mrs_group_name():
    view = emulated(type="custom", node_groups=CUSTOM_GROUPS)
    plan = plan_resize(view, ResizeRequest("hdfs_nodes", count=5))
    assert policy_group(view, plan.node_group) == "hdfs_nodes"
    policy = {"auto_scaling_enable": True, "min_capacity": 1, "max_capacity": 9, "resources_plans": [],
              "rules": [{"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 1,
                         "trigger": {"metric_name": "YARNAppPending", "metric_value": "10", "comparison_operator": "GT",
                                     "evaluation_periods": 1}}]}
    others = [{"node_group_name": "node_group_1", "resource_pool_name": "default", "auto_scaling_policy": policy}]
    check_policy(plan, "hdfs_nodes", others)  # another group's policy does not hold this one
    with pytest.raises(PlanError, match=r"the hdfs_nodes group \(hdfs_nodes\) has an enabled auto-scaling policy"):
        check_policy(plan, "hdfs_nodes", [dict(others[0], node_group_name="hdfs_nodes")])


def test_a_policy_and_a_resize_mean_the_same_group_by_core_and_task():
    """One resolution of core / task (listed_group): the group a policy of ``core`` governs is the group a resize of
    ``core`` changes, and where the resize refuses the alias (a mixed cluster), so does the policy."""
    analysis = emulated(type="analysis", core=3, task=2)
    assert listed_group(analysis, "core") == resolve_node_group(analysis, "core").name == "core_node_analysis_group"
    assert listed_group(analysis, "task") == "task_node_analysis_group"
    with pytest.raises(PlanError, match="no node group named 'node_group_9'"):
        listed_group(analysis, "node_group_9")
    with pytest.raises(PlanError, match=r"the cluster has 2 Core groups \(core_node_analysis_group, core_node_streaming_group\)"):
        listed_group(emulated(type="mixed", core=3, task=1), "core")
    no_task = emulated(type="analysis", core=3, task=0)
    with pytest.raises(GroupNotListed, match="has no Task group as MRS names them") as caught:
        listed_group(no_task, "task")
    assert caught.value.parameter == "node_group" and policy_group(no_task, "task") is None
