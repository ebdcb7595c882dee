# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every cluster type parses (#13): answers built by the emulator's own view code, and hand-written ones (trimmed,
contradictory) that try to break the parser."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import json

import pytest

from mrs_emu.state import cluster_view, new_cluster_record  # tests/conftest.py puts emulator/ on sys.path

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, parse_cluster

DEFAULTS = {"project_id": "p", "scale_seconds": 1.0}
CUSTOM_GROUPS = [{"name": "master_node_default_group", "count": 3, "kind": "master"},
                 {"name": "node_group_1", "count": 3, "kind": "core"},
                 {"name": "hdfs_nodes", "count": 4, "kind": "core"},
                 {"name": "compute_nodes", "count": 2, "kind": "task"}]


def emulated(**fields):
    """The ``cluster`` object the emulator's details route would answer for a cluster created with ``fields``."""
    record = new_cluster_record(dict({"id": "c-1", "name": "c1"}, **fields), DEFAULTS, 1000.0, 1)
    return json.loads(json.dumps(cluster_view(record, "cn-north-4", 1000.0)))  # as on the wire: no shared dicts


def roles(view):
    return [(group.name, group.role, group.node_count) for group in view.node_groups]


def test_the_emulators_default_custom_cluster_parses():
    """The reproduction of #13: coreNodeNum counts node_group_1 and the parser counted it as custom too (6 vs 9)."""
    raw = emulated(type="custom")
    assert (raw["totalNodeNum"], raw["coreNodeNum"], raw["clusterType"]) == ("6", "3", 3)
    view = parse_cluster(raw)
    assert view.cluster_type == "custom"
    assert roles(view) == [("master_node_default_group", "master", 3), ("node_group_1", "custom", 3)]
    assert view.group("node_group_1").node_count == 3 and view.count_of("node_group_1") == 3
    assert view.count("master") == 3 and view.count("task") == 0
    assert view.resizable_total() == 3


def test_a_custom_cluster_with_a_task_group_takes_its_role_from_task_node_groups():
    raw = emulated(type="custom", node_groups=CUSTOM_GROUPS)
    view = parse_cluster(raw)
    assert roles(view) == [("master_node_default_group", "master", 3), ("node_group_1", "custom", 3),
                           ("hdfs_nodes", "custom", 4), ("compute_nodes", "task", 2)]
    assert view.task_count == 2 and view.core_count == 7  # coreNodeNum as MRS counts it: every group of the Core kind
    assert view.resizable_total() == 9


@pytest.mark.parametrize("kind, expected", [
    ("analysis", [("master_node_default_group", "master", 2), ("core_node_analysis_group", "core", 3),
                  ("task_node_analysis_group", "task", 2)]),
    ("streaming", [("master_node_default_group", "master", 2), ("core_node_streaming_group", "core", 3),
                   ("task_node_streaming_group", "task", 2)]),
    ("mixed", [("master_node_default_group", "master", 2), ("core_node_analysis_group", "core", 3),
               ("core_node_streaming_group", "core", 3), ("task_node_analysis_group", "task", 2),
               ("task_node_streaming_group", "task", 2)]),
])
def test_analysis_streaming_and_mixed_clusters_parse_with_their_group_names(kind, expected):
    view = parse_cluster(emulated(type=kind, core=3, task=2))
    assert view.cluster_type == kind
    assert roles(view) == expected
    assert view.count("core") == sum(count for _name, role, count in expected if role == "core")
    assert view.resizable_total() == sum(count for _name, role, count in expected if role != "master")


@pytest.mark.parametrize("value, expected", [(0, "analysis"), ("1", "streaming"), (2, "mixed"), ("3", "custom"),
                                             ("CUSTOM", "custom"), (None, None), (7, None), ("x", None), (True, None)])
def test_cluster_type_from_an_int_a_string_or_a_name(value, expected):
    raw = emulated(type="analysis")
    raw["clusterType"] = value
    assert parse_cluster(raw).cluster_type == expected


def test_a_trimmed_custom_answer_that_lost_a_group_is_refused():
    raw = emulated(type="custom", node_groups=CUSTOM_GROUPS)
    raw["nodeGroups"] = [group for group in raw["nodeGroups"] if group["GroupName"] != "hdfs_nodes"]
    with pytest.raises(ClusterParseError, match="coreNodeNum is 7 but .* custom groups 3: the answer contradicts itself"):
        parse_cluster(raw)
    raw["coreNodeNum"] = "3"
    with pytest.raises(ClusterParseError, match="totalNodeNum is 12 but the groups in nodeGroups have 8 nodes"):
        parse_cluster(raw)


def test_core_node_num_beyond_the_core_and_custom_groups_is_refused():
    raw = emulated(type="custom", node_groups=CUSTOM_GROUPS)
    raw["coreNodeNum"] = "8"  # node_group_1 + hdfs_nodes have 7
    with pytest.raises(ClusterParseError, match="coreNodeNum is 8 but the Core groups in nodeGroups have 0 nodes and the custom groups 7"):
        parse_cluster(raw)


def test_on_a_custom_cluster_a_core_named_group_is_a_custom_group_and_core_node_num_still_bounds_them():
    """Names never decide a custom group's kind: core_node_x is a custom group like extra (#20 class 6)."""
    raw = emulated(type="custom", node_groups=[{"name": "master_node_default_group", "count": 3, "kind": "master"},
                                               {"name": "core_node_x", "count": 3, "kind": "core"},
                                               {"name": "extra", "count": 2, "kind": "core"}])
    assert roles(parse_cluster(raw))[1:] == [("core_node_x", "custom", 3), ("extra", "custom", 2)]
    raw["coreNodeNum"] = "6"
    with pytest.raises(ClusterParseError, match="coreNodeNum is 6 but the Core groups in nodeGroups have 0 nodes and the custom groups 5"):
        parse_cluster(raw)


def test_a_group_in_both_lists_with_two_counts_is_still_refused():
    raw = emulated(type="custom", node_groups=CUSTOM_GROUPS)
    raw["taskNodeGroups"][0]["NodeNum"] = 5
    with pytest.raises(ClusterParseError, match="the same group 'compute_nodes'"):
        parse_cluster(raw)


def test_a_mixed_answer_whose_total_disagrees_is_refused():
    raw = emulated(type="mixed", core=3, task=1)
    raw["totalNodeNum"] = "11"
    with pytest.raises(ClusterParseError, match="totalNodeNum is 11"):
        parse_cluster(raw)


def test_a_mixed_answer_whose_core_node_num_disagrees_is_refused():
    raw = emulated(type="mixed", core=3, task=1)
    raw["coreNodeNum"] = "3"  # two Core groups of 3
    with pytest.raises(ClusterParseError, match="coreNodeNum is 3 but the Core groups in nodeGroups have 6"):
        parse_cluster(raw)


def test_hand_written_custom_answer_without_cluster_level_counts():
    """A minimal custom answer: groups only, counts as strings, camelCase keys. The groups are the truth."""
    raw = {"clusterId": "x", "clusterState": "running", "clusterType": "3", "totalNodeNum": "7",
           "nodeGroups": [{"groupName": "master_node_default_group", "nodeNum": "3"},
                          {"group_name": "node_group_1", "node_num": "4"}]}
    view = parse_cluster(raw)
    assert roles(view) == [("master_node_default_group", "master", 3), ("node_group_1", "custom", 4)]
    assert view.core_count is None and view.resizable_total() == 4
    with pytest.raises(ClusterParseError, match="no readable Core node count"):
        view.count("core")


def test_without_cluster_level_counts_a_non_custom_cluster_refuses_the_total():
    raw = {"clusterId": "x", "clusterState": "running", "clusterType": 0,
           "nodeGroups": [{"GroupName": "master_node_default_group", "NodeNum": 2}, {"GroupName": "other", "NodeNum": 4}]}
    view = parse_cluster(raw)
    with pytest.raises(ClusterParseError, match="no readable Core node count"):
        view.resizable_total()


def test_a_group_the_answer_does_not_list_has_no_count():
    view = parse_cluster(emulated(type="custom"))
    assert view.group("Node_Group_1") is None
    with pytest.raises(ClusterParseError, match="lists no node group named 'nope'"):
        view.count_of("nope")


def test_the_info_view_carries_the_custom_roles():
    data = parse_cluster(emulated(type="custom")).to_dict()
    assert [(group["name"], group["role"]) for group in data["node_groups"]] == [
        ("master_node_default_group", "master"), ("node_group_1", "custom")]


def test_an_old_answer_without_total_or_type_still_parses():
    raw = copy.deepcopy(emulated(type="analysis", core=3, task=2))
    for key in ("totalNodeNum", "clusterType"):
        del raw[key]
    view = parse_cluster(raw)
    assert view.cluster_type is None and (view.core_count, view.task_count) == (3, 2)


@pytest.mark.parametrize("fields, custom", [
    (dict(type="custom"), True),
    (dict(type="analysis", core=3, task=2), False),
    (dict(type="mixed", core=3, task=1), False),
    (dict(type="streaming", core=3, task=1), False),
])
@pytest.mark.parametrize("trim_type", [False, True])
def test_is_custom_is_the_type_or_without_it_a_group_not_named_like_the_defaults(fields, custom, trim_type):
    raw = json.loads(json.dumps(emulated(**fields)))
    if trim_type:
        del raw["clusterType"]
    view = parse_cluster(raw)
    assert view.is_custom is custom
    assert view.cluster_type == (None if trim_type else fields["type"])
