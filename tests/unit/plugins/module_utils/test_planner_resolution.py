# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One resolution of node groups (#20 class 6), the HDFS rule behind a group's minimum and the removal guard (#20 classes
4 and 7, #21 N6), billingType in both forms (#21 O8) and the version limit of the scale-out flags (#21 NM4).

Clusters are the emulator's own details answers (its view code), parsed as the module parses them; the examples of the
issues are the first rows of each table."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest
from hypothesis import given, settings, strategies as st

from mrs_emu.routes_v2 import node_view  # tests/conftest.py puts emulator/ on sys.path
from mrs_emu.state import cluster_view, new_cluster_record, sorted_hosts

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import PAY_PER_USE, PREPAID, billing_mode, parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import GroupNotListed, GroupRef, V11, V2, resolve_node_group
from ansible_collections.hwcloud.mrs.plugins.module_utils._node_kinds import role_from_group_name
from ansible_collections.hwcloud.mrs.plugins.module_utils._nodes import parse_nodes
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import ResizeRequest
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import Step, check_hdfs_removals, hdfs_removals, plan_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_group import MIN_CORE_NODES, hdfs_evidence, plan_resize

DEFAULTS = {"project_id": "p", "scale_seconds": 1.0}
MASTER = {"name": "master_node_default_group", "count": 3, "kind": "master"}


def record(**fields):
    return new_cluster_record(dict({"id": "c-1", "name": "c1"}, **fields), DEFAULTS, 1000.0, 1)


def raw_of(rec):
    return json.loads(json.dumps(cluster_view(rec, "cn-north-4", 1000.0)))


def emulated(trim=(), **fields):
    raw = raw_of(record(**fields))
    for key in trim:
        raw.pop(key, None)
    return parse_cluster(raw)


def nodes_of(rec, drop=None):
    """The v2 node list of ``rec``, as MRS answers it with query_node_detail=true (which the collection always sends) and
    parse_nodes reads it; ``drop``: a component_infos value to put on every node."""
    raw = json.loads(json.dumps([node_view(rec, host, detail=True) for host in sorted_hosts(rec)]))
    for node in raw:
        if drop == "missing":
            node.pop("component_infos", None)
        elif drop is not None:
            node["component_infos"] = drop
    return parse_nodes(raw)


def refusal(call, *args, **kwargs):
    with pytest.raises(PlanError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- #20 class 6: the examples ------------------------------------------------------------------------------------------

def test_a_mixed_cluster_refuses_task_with_task_node_info_even_without_task_groups():
    """Was: sent to v1.1 as task_node_default_group. A mixed cluster has two Task groups; the docs say name it."""
    for task in (0, 2):
        view = emulated(type="mixed", core=3, task=task)
        error = refusal(plan_resize, view, ResizeRequest("task", count=2, task_node_info={"node_size": "c6.2xlarge.4.linux.bigdata"}))
        assert error.parameter == "node_group" and "Task group" in error.rule and "give the name" in error.rule, error.rule


def test_a_named_task_group_of_a_mixed_cluster_goes_through_v2_even_when_it_is_the_only_one_listed():
    """Was: v1.1, although docs/custom_clusters.md says every group of a mixed cluster goes through v2."""
    rec = record(type="mixed", core=3, task=2)
    raw = raw_of(rec)
    raw["nodeGroups"] = [group for group in raw["nodeGroups"] if group["GroupName"] != "task_node_streaming_group"]
    raw["taskNodeGroups"] = [group for group in raw["taskNodeGroups"] if group["GroupName"] != "task_node_streaming_group"]
    raw["totalNodeNum"] = str(int(raw["totalNodeNum"]) - 2)
    view = parse_cluster(raw)
    plan = plan_resize(view, ResizeRequest("task_node_analysis_group", count=4))
    assert (plan.api, plan.node_group, plan.body) == (V2, "task_node_analysis_group",
                                                      {"node_group_name": "task_node_analysis_group", "count": 2})


def test_a_core_kind_group_named_task_node_hdfs_keeps_the_custom_cluster_readable():
    """Was: 'coreNodeNum ... contradicts itself', so the whole cluster could not be read."""
    view = emulated(type="custom", node_groups=[MASTER, {"name": "node_group_1", "count": 3, "kind": "core"},
                                                {"name": "task_node_hdfs", "count": 4, "kind": "core"},
                                                {"name": "compute", "count": 2, "kind": "task"}])
    assert [(group.name, group.role) for group in view.node_groups] == [
        ("master_node_default_group", "master"), ("node_group_1", "custom"), ("task_node_hdfs", "custom"), ("compute", "task")]
    assert resolve_node_group(view, "task_node_hdfs") == GroupRef("task_node_hdfs", "task_node_hdfs", "custom", V2)
    assert resolve_node_group(view, "task") == GroupRef("compute", "compute", "task", V2)


# --- one resolution, every cluster type: a table ---------------------------------------------------------------------

# (cluster, trim from the answer, node_group given, expected GroupRef or the refusal's words)
RESOLUTIONS = [
    (dict(type="analysis", core=3, task=2), (), "core", GroupRef("core", "core_node_analysis_group", "core", V11)),
    (dict(type="analysis", core=3, task=0), (), "task", GroupRef("task", "task_node_default_group", "task", V11)),
    (dict(type="streaming", core=3, task=1), (), "task_node_streaming_group", GroupRef("task", "task_node_streaming_group", "task", V11)),
    (dict(type="analysis", core=3, task=2), ("clusterType",), "task", GroupRef("task", "task_node_analysis_group", "task", V11)),
    (dict(type="analysis", core=3, task=2), ("clusterType", "taskNodeGroups"), "core",
     GroupRef("core", "core_node_analysis_group", "core", V11)),
    (dict(type="mixed", core=3, task=1), (), "core_node_analysis_group",
     GroupRef("core_node_analysis_group", "core_node_analysis_group", "core", V2)),
    (dict(type="mixed", core=3, task=1), ("clusterType",), "task_node_streaming_group",
     GroupRef("task_node_streaming_group", "task_node_streaming_group", "task", V2)),
    (dict(type="mixed", core=3, task=1), (), "core", "the cluster has 2 Core groups"),
    (dict(type="mixed", core=3, task=0), (), "task", "a mixed cluster has an analysis and a streaming Task group"),
    (dict(type="mixed", core=3, task=0), ("clusterType",), "task", "a mixed cluster has an analysis and a streaming Task group"),
    (dict(type="custom"), (), "node_group_1", GroupRef("node_group_1", "node_group_1", "custom", V2)),
    (dict(type="custom"), ("clusterType",), "node_group_1", GroupRef("node_group_1", "node_group_1", "custom", V2)),
    (dict(type="custom"), (), "core", "a custom cluster has no default Core group"),
    (dict(type="custom"), (), "task", "this custom cluster lists no Task group"),
    (dict(type="custom", node_groups=[MASTER, {"name": "core_node_x", "count": 3, "kind": "core"}]), (), "core",
     "a custom cluster has no default Core group"),
    (dict(type="custom", node_groups=[MASTER, {"name": "n1", "count": 3, "kind": "core"}, {"name": "t1", "count": 1, "kind": "task"}]),
     ("taskNodeGroups",), "task", "this custom cluster lists no Task group"),
    (dict(type="custom"), (), "master_node_default_group", "Master nodes cannot be changed"),
    (dict(type="custom"), (), "nope", "no node group named 'nope'"),
]


@pytest.mark.parametrize("fields, trim, value, expected", RESOLUTIONS)
def test_one_resolution_on_every_cluster_type(fields, trim, value, expected):
    view = emulated(trim=trim, **fields)
    if isinstance(expected, GroupRef):
        assert resolve_node_group(view, value) == expected
    else:
        error = refusal(resolve_node_group, view, value)
        assert error.parameter == "node_group" and expected in error.rule, error.rule


def test_custom_core_and_a_missing_task_group_are_group_not_listed_so_a_policy_read_sees_no_group():
    assert isinstance(refusal(resolve_node_group, emulated(type="custom"), "core"), GroupNotListed)
    assert isinstance(refusal(resolve_node_group, emulated(type="custom"), "task"), GroupNotListed)
    assert not isinstance(refusal(resolve_node_group, emulated(type="mixed", core=3, task=1), "task"), GroupNotListed)


def test_a_whole_cluster_plan_of_a_mixed_cluster_never_invents_a_v11_task_group():
    view = emulated(type="mixed", core=3, task=0)
    error = refusal(plan_cluster, view, {"task": 2}, task_node_info={"node_size": "x"})
    assert error.parameter == "target.task" and "a mixed cluster" in error.rule


NAMES = st.sampled_from(["node_group_1", "hdfs", "task_node_hdfs", "core_node_x", "task_node_analysis_group", "compute",
                         "core_node_streaming_group", "Gpu-2", "task_node_default_group_x"])


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(groups=st.lists(st.tuples(NAMES, st.sampled_from(["core", "task"]), st.integers(0, 6)), min_size=1, max_size=5,
                       unique_by=lambda item: item[0]),
       trim_type=st.booleans())
def test_custom_groups_take_their_kind_from_the_answer_never_from_their_names(groups, trim_type):
    """Property: on a custom cluster, any names, any kinds: the answer parses, a group's role is task exactly when MRS
    lists it among the Task groups (else custom), and no group takes the v1.1 path."""
    node_groups = [MASTER] + [{"name": name, "count": max(count, 1) if kind == "core" else count, "kind": kind}
                              for name, kind, count in groups]
    view = emulated(trim=("clusterType",) if trim_type else (), type="custom", node_groups=node_groups)
    if trim_type and not view.is_custom:
        # Without clusterType, groups all named and listed as the default ones of one type are read as that type: the
        # documented reading of an answer without the field (nothing in it tells them from an analysis cluster's).
        assert all((role_from_group_name(name) == "task") == (kind == "task") for name, kind, _count in groups)
        assert all(role_from_group_name(name) != "custom" for name, _kind, _count in groups)
        return
    assert view.is_custom
    for name, kind, _count in groups:
        assert view.group(name).role == ("task" if kind == "task" else "custom")
        assert resolve_node_group(view, name).api == V2


# --- #20 class 4, #21 N6: HDFS evidence from the node list ------------------------------------------------------------

CUSTOM = [MASTER, {"name": "node_group_1", "count": 3, "kind": "core"}, {"name": "compute", "count": 2, "kind": "core"}]


def custom_without_datanode_on_compute():
    """A custom cluster whose compute group (Core kind) runs no DataNode: the emulator gives every core-kind node one, so
    the list is edited as MRS would answer for such a group."""
    rec = record(type="custom", node_groups=CUSTOM)
    nodes = nodes_of(rec)
    for node in nodes:
        if node["group"] == "compute":
            node["components"] = ["NodeManager"]
    return emulated(type="custom", node_groups=CUSTOM), nodes, rec


@pytest.mark.parametrize("edit, holds, words", [
    (None, True, "runs the HDFS DataNode"),
    ("no-datanode", False, "no node of it runs the HDFS DataNode"),
    ("missing", None, "does not say which components"),       # no component_infos at all (no query_node_detail)
    ([], None, "does not say which components"),              # emptied: not evidence of "no DataNode"
    ("short", None, "the node list shows 2 of the 3 nodes"),
    ("unread", None, "was not read"),
])
def test_hdfs_evidence_is_true_only_on_a_datanode_false_only_on_a_complete_list(edit, holds, words):
    view, nodes, rec = custom_without_datanode_on_compute()
    ref = resolve_node_group(view, "node_group_1")
    if edit == "no-datanode":
        ref = resolve_node_group(view, "compute")
    elif edit == "short":
        nodes = [node for node in nodes if node["group"] == "node_group_1"][:2]
        nodes = [dict(node, components=["NodeManager"]) for node in nodes]
    elif edit == "unread":
        nodes = None
    elif edit is not None:
        nodes = nodes_of(rec, drop=edit)
    assert hdfs_evidence(ref, 3 if ref.name == "node_group_1" else 2, nodes)[0] is holds
    assert words in hdfs_evidence(ref, 3 if ref.name == "node_group_1" else 2, nodes)[1]


@pytest.mark.parametrize("drop", ["missing", []])
def test_a_shrink_below_three_from_a_list_without_components_is_refused_and_says_which_reading(drop):
    rec = record(type="custom", node_groups=CUSTOM)
    raw = json.loads(json.dumps([node_view(rec, host, detail=True) for host in sorted_hosts(rec)]))
    for node in raw:
        if drop == "missing":
            node.pop("component_infos")
        else:
            node["component_infos"] = drop
    error = refusal(plan_resize, emulated(type="custom", node_groups=CUSTOM), ResizeRequest("compute", count=0), nodes=raw)
    assert error.parameter == "count" and "taking the safe reading that it does, it keeps at least 3 nodes" in error.rule
    assert "query_node_detail=true" in error.rule


def test_nodes_in_other_states_count_as_mrs_counts_them_and_say_nothing_without_components():
    """A group's count is NodeNum, as MRS counts it, nodes shut down or lost included; such a node listed without its
    components leaves the group's HDFS data unknown."""
    view, nodes, _rec = custom_without_datanode_on_compute()
    for node in nodes:
        if node["group"] == "compute":
            node.update(status="lost", components=None)
            break
    assert view.count_of("compute") == 2
    assert hdfs_evidence(resolve_node_group(view, "compute"), 2, nodes)[0] is None


# --- #20 class 7: the removal guard, by the same rule ----------------------------------------------------------------

def test_the_night_profile_taking_a_datanode_custom_group_from_6_to_3_is_refused_by_the_limit():
    rec = record(type="custom", node_groups=[MASTER, {"name": "node_group_1", "count": 6, "kind": "core"}])
    view = emulated(type="custom", node_groups=[MASTER, {"name": "node_group_1", "count": 6, "kind": "core"}])
    steps = plan_cluster(view, {"node_group_1": 3})
    assert steps == [Step("node_group_1", 6, 3)]
    error = refusal(check_hdfs_removals, view, steps, nodes_of(rec), 1,
                    {"removal_limit": "cluster_scale_core_removal_limit", "allow_removal": "cluster_scale_allow_core_removal"},
                    "profile night")
    assert error.parameter == "cluster_scale_core_removal_limit"
    assert error.rule.startswith("this run would remove 3 nodes that hold HDFS data (node_group_1 6 -> 3, profile night) and at "
                                 "most 1 may go in one run. Nothing was changed. node_group_1 counts: runs the HDFS DataNode.")
    assert "set cluster_scale_core_removal_limit to 3 or more" in error.rule and "cluster_scale_allow_core_removal" in error.rule
    assert check_hdfs_removals(view, steps, nodes_of(rec), 3)[0]["removed"] == 3


def test_the_guard_counts_an_unknown_group_and_says_why_and_leaves_a_group_without_datanode_out():
    view, nodes, _rec = custom_without_datanode_on_compute()
    steps = [Step("node_group_1", 3, 4), Step("compute", 2, 0)]
    assert check_hdfs_removals(view, steps, nodes, 0)[0]["holds_hdfs"] is False
    error = refusal(check_hdfs_removals, view, steps, None, 0)
    assert "compute counts: the node list of group compute was not read, so it is taken as holding HDFS data" in error.rule
    assert hdfs_removals(view, steps)[0]["removed"] == 2


def test_the_guard_refuses_a_datanode_group_below_three_once_the_nodes_are_known():
    rec = record(type="custom", node_groups=CUSTOM)
    view = emulated(type="custom", node_groups=CUSTOM)
    steps = [Step("compute", 2, 1)]
    error = refusal(check_hdfs_removals, view, steps, nodes_of(rec), None)
    assert error.parameter == "target.compute" and "can never go below %d nodes" % MIN_CORE_NODES in error.rule
    assert check_hdfs_removals(view, steps, None, None)[0]["holds_hdfs"] is None  # no list: left to the module's own check


def test_core_groups_count_on_every_cluster_type_and_task_groups_never():
    mixed = emulated(type="mixed", core=5, task=2)
    steps = plan_cluster(mixed, {"core_node_analysis_group": 4, "core_node_streaming_group": 3, "task_node_analysis_group": 0})
    removals = dict((item["node_group"], item["holds_hdfs"]) for item in hdfs_removals(mixed, steps))
    assert removals == {"core_node_analysis_group": True, "core_node_streaming_group": True, "task_node_analysis_group": False}
    error = refusal(check_hdfs_removals, mixed, steps, None, 2)
    assert error.rule.startswith("this run would remove 3 Core nodes (core_node_streaming_group 5 -> 3, core_node_analysis_group 5 -> 4)")
    analysis = emulated(type="analysis", core=6, task=0)
    error = refusal(check_hdfs_removals, analysis, plan_cluster(analysis, {"core": 3}), None, 1)
    assert error.rule.startswith("this run would remove 3 Core nodes (6 -> 3)")


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(counts=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), st.booleans()), min_size=1, max_size=3),
       limit=st.integers(0, 6))
def test_the_guard_and_the_minimum_agree_on_which_groups_hold_hdfs_data(counts, limit):
    """Property: a group counts toward the limit exactly when the minimum of 3 applies to it (hdfs_evidence is both)."""
    groups = [MASTER] + [{"name": "g%d" % index, "count": max(now, 1), "kind": "core"} for index, (now, _to, _dn) in enumerate(counts)]
    rec = record(type="custom", node_groups=groups)
    view = emulated(type="custom", node_groups=groups)
    nodes = [node for node in nodes_of(rec) if node["group"] != MASTER["name"]]
    for node in nodes:
        if not counts[int(node["group"][1:])][2]:
            node["components"] = ["NodeManager"]
    steps = [Step("g%d" % index, max(now, 1), target) for index, (now, target, _dn) in enumerate(counts) if target != max(now, 1)]
    for item in hdfs_removals(view, steps, nodes):
        ref = resolve_node_group(view, item["node_group"])
        try:
            plan_resize(view, ResizeRequest(item["node_group"], count=0), nodes=[
                {"node_name": node["name"], "node_group_name": node["group"],
                 "component_infos": [{"role_name": role} for role in node["components"]]} for node in nodes])
            minimum_applies = False
        except PlanError as error:
            minimum_applies = "holds HDFS data" in error.rule
        assert bool(item["holds_hdfs"]) is minimum_applies, (ref, item)
    removed = sum(item["removed"] for item in hdfs_removals(view, steps, nodes) if item["holds_hdfs"])
    fits = [step for step in steps if step.after >= MIN_CORE_NODES or step.after >= step.before]
    if removed <= limit and len(fits) == len(steps):
        check_hdfs_removals(view, steps, nodes, limit)
    elif removed > limit:
        with pytest.raises(PlanError):
            check_hdfs_removals(view, steps, nodes, limit)


# --- #21 O8: billingType in both forms ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, mode", [
    ("11", PREPAID), (11, PREPAID), ("Yearly/Monthly", PREPAID), ("on-period", PREPAID),
    ("12", PAY_PER_USE), (12, PAY_PER_USE), ("Metered", PAY_PER_USE), ("on-quantity", PAY_PER_USE),
    (None, None), ("", None), ("13", None), ("weekly", None), (True, None),
])
def test_billing_mode_reads_both_documented_forms_and_never_guesses(value, mode):
    assert billing_mode(value) == mode


@pytest.mark.parametrize("billing", ["11", 11, "Yearly/Monthly"])
def test_a_prepaid_cluster_never_gets_a_v11_write_whatever_the_form(billing):
    """Was: billingType 11 read as pay-per-use, so the v1.1 resize went out and MRS refused it with 12000065."""
    rec = record(type="analysis", core=3, task=1)
    raw = raw_of(rec)
    raw["billingType"] = billing
    error = refusal(plan_resize, parse_cluster(raw), ResizeRequest("core", count=4))
    assert error.parameter == "cluster" and "12000065" in error.rule


# --- #21 NM4: the flags that need MRS 1.7.2 --------------------------------------------------------------------------

@pytest.mark.parametrize("version, refused", [("MRS 1.6.3", True), ("MRS 1.7.1", True), ("MRS 1.7.2", False),
                                              ("MRS 3.1.0", False), (None, False), ("unknown", False)])
def test_the_scale_out_flags_are_refused_up_front_on_a_cluster_older_than_1_7_2(version, refused):
    rec = record(type="analysis", core=3, task=1)
    raw = raw_of(rec)
    raw["clusterVersion"] = version
    request = ResizeRequest("core", count=4, skip_bootstrap_scripts=True)
    if refused:
        error = refusal(plan_resize, parse_cluster(raw), request)
        assert error.parameter == "skip_bootstrap_scripts" and "12000067" in error.rule and version in error.rule
    else:
        assert plan_resize(parse_cluster(raw), request).body["parameters"]["skip_bootstrap_scripts"] is True
    # a scale-in never sends the flags, so it is never refused for them
    assert plan_resize(parse_cluster(raw), ResizeRequest("task", count=0, skip_bootstrap_scripts=True)).changed
