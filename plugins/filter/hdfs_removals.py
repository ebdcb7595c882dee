# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: hdfs_removals
short_description: The nodes a whole-cluster plan removes from node groups that hold HDFS data, checked before any resize
version_added: 1.1.0
description:
  - Returns, for each node group the resizes of
    R(hwcloud.mrs.scale_steps,ansible_collections.hwcloud.mrs.scale_steps_filter) shrink, how many nodes they remove and
    whether the group holds HDFS data, by the rule that gives such a group its minimum of 3 nodes in
    M(hwcloud.mrs.mrs_cluster_nodes) - every Core group does, a Task group does not, and a custom group does when one of
    its nodes runs the HDFS C(DataNode).
  - A custom group's nodes are read from the v2 node list (M(hwcloud.mrs.mrs_cluster_info) with
    O(hwcloud.mrs.mrs_cluster_info#module:include_nodes=true), in the input's C(nodes), or O(nodes)). Without it, or when
    it does not show every node of the group with its components (MRS lists them only when asked), the group is taken as
    holding HDFS data - the safe reading - and RV(_value.needs_nodes) says that reading the node list would tell.
  - With the node list, a custom group that holds HDFS data (or whose nodes cannot say) going below 3 nodes is refused,
    as M(hwcloud.mrs.mrs_cluster_nodes) would refuse that resize.
  - With O(limit), a plan that removes more than that many nodes from groups that hold HDFS data (or may) is refused,
    naming O(names) and the groups. MRS decommissions each such node before removing it, copying its blocks to the
    remaining DataNodes.
  - A refusal is returned in RV(_value.refusal), a message that starts with the name of the setting at fault, so that
    the caller fails with it as it is (the role C(hwcloud.mrs.cluster_scale) asserts it is null). Input that cannot be
    read is an error.
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
options:
  _input:
    description: A cluster as M(hwcloud.mrs.mrs_cluster_info) returns it (an element of its C(clusters)).
    type: dict
    required: true
  steps:
    description: The resizes R(hwcloud.mrs.scale_steps,ansible_collections.hwcloud.mrs.scale_steps_filter) returned.
    type: list
    elements: dict
    required: true
  limit:
    description: The most nodes the plan may remove from groups that hold HDFS data; V(null) (the default) checks no limit.
    type: int
  nodes:
    description:
      - The cluster's v2 node list as M(hwcloud.mrs.mrs_cluster_info) returns it (its C(clusters[].nodes)). Defaults to the
        input's C(nodes), when it has them.
    type: list
    elements: dict
  names:
    description:
      - The names used in refusals - V(removal_limit) for the setting O(limit) came from (default V(limit)),
        V(allow_removal) for a setting that lifts it, named in the advice when given, and each group's key (as in
        O(steps)) for the setting its target came from (default V(target.KEY)), as for
        R(hwcloud.mrs.scale_steps,ansible_collections.hwcloud.mrs.scale_steps_filter).
    type: dict
  label:
    description: Text added to the list of changes in a refusal, for example the profile being applied.
    type: str
seealso:
  - module: hwcloud.mrs.mrs_cluster_nodes
  - module: hwcloud.mrs.mrs_cluster_info
"""

EXAMPLES = r"""
- name: Refuse, before any resize, a plan that removes more than one node holding HDFS data
  ansible.builtin.assert:
    that: removals.refusal is none
    fail_msg: "{{ removals.refusal or '' }}"
  vars:
    removals: "{{ cluster | hwcloud.mrs.hdfs_removals(steps, limit=1) }}"
    cluster: "{{ info.clusters[0] }}"  # from hwcloud.mrs.mrs_cluster_info with exactly_one and include_nodes
    steps: "{{ cluster | hwcloud.mrs.scale_steps({'node_group_1': 3}) }}"
"""

RETURN = r"""
_value:
  description: What the plan removes from the groups it shrinks.
  type: dict
  contains:
    removed:
      description: The nodes the plan removes from groups that hold HDFS data, or may (what O(limit) is checked against).
      type: int
    needs_nodes:
      description: Whether a group's HDFS data is unknown only because the node list was not given.
      type: bool
    refusal:
      description: Why the plan is refused (over O(limit), or a group that holds HDFS data below 3 nodes), or V(null).
      type: str
    groups:
      description: One entry per group the plan shrinks, in the plan's order.
      type: list
      elements: dict
      contains:
        node_group:
          description: The group as the resizes name it (V(core), V(task) or the group's name).
          type: str
        name:
          description: The group as MRS names it.
          type: str
        kind:
          description: The group's kind (V(core), V(task) or V(custom)), as M(hwcloud.mrs.mrs_cluster_info) shows it.
          type: str
        from:
          description: The group's count before the plan.
          type: int
        count:
          description: The group's count after the plan.
          type: int
        removed:
          description: The nodes the plan removes from it.
          type: int
        holds_hdfs:
          description: V(true), V(false), or V(null) when its node list cannot say (then it counts as holding HDFS data).
          type: bool
        why:
          description: What the answer is based on.
          type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import check_hdfs_removals, hdfs_removals as planned_removals, view_of_info
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import node_count
from ansible_collections.hwcloud.mrs.plugins.plugin_utils._names import named

NOT_PASSED = object()


def hdfs_removals(cluster, steps, limit=None, nodes=NOT_PASSED, names=None, label=None):
    """The planner's ``hdfs_removals`` and ``check_hdfs_removals`` of the plan (see DOCUMENTATION); every rule is the
    planner's, this only shapes the arguments and the answer."""
    _check_shapes(cluster, steps, names)
    names = dict((str(key), str(value)) for key, value in (names or {}).items())
    names.setdefault("removal_limit", "limit")
    nodes = _node_list(cluster.get("nodes") if nodes is NOT_PASSED else nodes)
    try:
        view = view_of_info(cluster)
        removals = planned_removals(view, steps, nodes)
    except (MrsError, KeyError, TypeError) as error:  # a PlanError too: the steps do not fit the cluster
        raise AnsibleFilterError("hdfs_removals: %s" % (error,))
    refusal = None
    try:
        limit = None if limit is None else node_count(names["removal_limit"], limit)
        check_hdfs_removals(view, steps, nodes, limit, names, label)
    except PlanError as error:
        refusal = named(error, names)
    counted = [item for item in removals if item["holds_hdfs"] is not False]
    return {"removed": sum(item["removed"] for item in counted),
            "needs_nodes": nodes is None and any(item["holds_hdfs"] is None for item in removals),
            "groups": removals, "refusal": refusal}


def _check_shapes(cluster, steps, names):
    """The filter's own arguments: a cluster as mrs_cluster_info returns it, the steps of scale_steps, a names mapping."""
    if not isinstance(cluster, dict) or not isinstance(cluster.get("node_groups"), list) or not isinstance(steps, list) \
            or not all(isinstance(move, dict) for move in steps):
        raise AnsibleFilterError("hdfs_removals: give a cluster as mrs_cluster_info returns it and the steps scale_steps returned")
    if names is not None and not isinstance(names, dict):
        raise AnsibleFilterError("hdfs_removals: names must be a dictionary")


def _node_list(nodes):
    """``nodes`` when it is a node list as mrs_cluster_info returns it (include_nodes), or None (not read)."""
    if nodes is not None and (not isinstance(nodes, list) or not all(isinstance(node, dict) for node in nodes)):
        raise AnsibleFilterError("hdfs_removals: nodes must be the node list mrs_cluster_info returns (include_nodes)")
    return nodes


class FilterModule:
    """The hdfs_removals filter of the hwcloud.mrs collection."""

    def filters(self):
        return {"hdfs_removals": hdfs_removals}
