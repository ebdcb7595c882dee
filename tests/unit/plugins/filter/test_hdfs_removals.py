# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hdfs_removals filter: the role's removal guard, decided by the planner (#20 class 7). Clusters and nodes are shaped
as mrs_cluster_info returns them."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.filter.hdfs_removals import FilterModule, hdfs_removals
from ansible_collections.hwcloud.mrs.plugins.filter.scale_steps import scale_steps
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_cluster
from ansible_collections.hwcloud.mrs.tests.unit.doubles import info_group as group

ROLE_NAMES = {"removal_limit": "cluster_scale_core_removal_limit", "allow_removal": "cluster_scale_allow_core_removal",
              "node_group_1": "cluster_scale_profiles.night.node_groups.node_group_1"}


def cluster(cluster_type, *groups):
    return info_cluster(cluster_type, group("master_node_default_group", "master", 3), *groups, name="lake")


def nodes(name, count, components=("DataNode", "NodeManager")):
    return [{"name": "%s-%d" % (name, index), "group": name, "status": "started", "ip": None, "resource_id": "r-%s-%d" % (name, index),
             "server_id": None, "components": None if components is None else list(components)} for index in range(count)]


LAKE = cluster("custom", group("node_group_1", "custom", 6), group("compute", "custom", 4), group("burst", "task", 2))


def test_the_night_profile_taking_a_datanode_group_from_6_to_3_is_refused_before_any_resize():
    """Was: node_group_1 6 -> 3 in one shrink with the default limit of 1 (the Jinja guard saw only Core groups)."""
    steps = scale_steps(LAKE, {"node_group_1": 3})
    with_nodes = dict(LAKE, nodes=nodes("node_group_1", 6) + nodes("compute", 4, ["NodeManager"]) + nodes("burst", 2, ["NodeManager"]))
    result = hdfs_removals(with_nodes, steps, limit=1, names=ROLE_NAMES, label="profile night")
    assert result["removed"] == 3 and result["needs_nodes"] is False
    assert result["refusal"].startswith("cluster_scale_core_removal_limit: this run would remove 3 nodes that hold HDFS data "
                                        "(node_group_1 6 -> 3, profile night) and at most 1 may go in one run. Nothing was changed.")
    assert "set cluster_scale_core_removal_limit to 3 or more" in result["refusal"]
    assert "or set cluster_scale_allow_core_removal to true for this run" in result["refusal"]
    assert hdfs_removals(with_nodes, steps, limit=3, names=ROLE_NAMES)["refusal"] is None
    assert hdfs_removals(with_nodes, steps, limit=None)["refusal"] is None


def test_without_the_node_list_a_shrinking_custom_group_needs_it_and_counts_meanwhile():
    steps = scale_steps(LAKE, {"compute": 1, "burst": 0})
    result = hdfs_removals(LAKE, steps, limit=1, names=ROLE_NAMES)
    assert result["needs_nodes"] is True and result["removed"] == 3
    assert [(item["node_group"], item["holds_hdfs"]) for item in result["groups"]] == [("burst", False), ("compute", None)]
    assert "compute counts: the node list of group compute was not read, so it is taken as holding HDFS data" in result["refusal"]
    known = hdfs_removals(LAKE, steps, limit=1, nodes=nodes("compute", 4, ["NodeManager"]), names=ROLE_NAMES)
    assert known["refusal"] is None and known["removed"] == 0 and known["needs_nodes"] is False


@pytest.mark.parametrize("components", [None, []])
def test_a_node_list_without_components_takes_the_safe_reading_and_refuses_below_three(components):
    steps = scale_steps(LAKE, {"compute": 2})
    result = hdfs_removals(LAKE, steps, limit=None, nodes=nodes("compute", 4, components), names={"compute": "cluster_scale_node_groups.compute"})
    assert result["groups"][0]["holds_hdfs"] is None and result["needs_nodes"] is False
    assert result["refusal"].startswith("cluster_scale_node_groups.compute: the node list does not say which components")
    assert "taking the safe reading that it does, it keeps at least 3 nodes (asked for 2)" in result["refusal"]


def test_a_datanode_group_below_three_is_refused_with_the_nodes_read_and_named_by_the_callers_variable():
    result = hdfs_removals(LAKE, scale_steps(LAKE, {"node_group_1": 2}), nodes=nodes("node_group_1", 6), names=ROLE_NAMES)
    assert result["refusal"].startswith("cluster_scale_profiles.night.node_groups.node_group_1: node group node_group_1 runs the "
                                        "HDFS DataNode")


def test_core_groups_of_analysis_and_mixed_clusters_always_count_and_the_message_says_core_nodes():
    analysis = cluster("analysis", group("core_node_analysis_group", "core", 8), group("task_node_analysis_group", "task", 4))
    result = hdfs_removals(analysis, scale_steps(analysis, {"core": 6, "task": 0}), limit=1, names=ROLE_NAMES, label="profile night")
    assert result["refusal"].startswith("cluster_scale_core_removal_limit: this run would remove 2 Core nodes (8 -> 6, profile night)")
    assert "decommissions" in result["refusal"] and result["needs_nodes"] is False


def test_a_limit_that_is_not_a_count_is_a_refusal_naming_it():
    assert hdfs_removals(LAKE, [], limit=-1, names=ROLE_NAMES)["refusal"] == "cluster_scale_core_removal_limit: must be 0 or more, got -1"


@pytest.mark.parametrize("args", [("nope", []), (LAKE, "steps"), (LAKE, [{"node_group": "gone", "from": 2, "count": 1}]),
                                  (dict(LAKE, nodes="x"), [])])
def test_input_it_cannot_read_is_an_error(args):
    with pytest.raises(AnsibleFilterError, match="^hdfs_removals: "):
        hdfs_removals(*args)


def test_the_filter_is_registered():
    assert FilterModule().filters()["hdfs_removals"] is hdfs_removals
