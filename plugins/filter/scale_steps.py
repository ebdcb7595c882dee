# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: scale_steps
short_description: Order the resizes that take a cluster from its current sizes to target sizes
version_added: 1.0.0
description:
  - Returns the resizes, one node group at a time, that take the node groups from their current counts to the targets -
    the Core and Task groups (V(core), V(task)) and, since version 1.1.0, any node group by its name (for example
    V(node_group_1) on a custom cluster), as M(hwcloud.mrs.mrs_cluster_nodes) takes its
    O(hwcloud.mrs.mrs_cluster_nodes#module:node_group).
  - Capacity comes first. Scale-outs run before scale-ins, Core groups before custom groups (which may hold HDFS data)
    before Task groups on the way out and the reverse on the way in, so Task work keeps its HDFS and Core nodes leave
    last. When scaling out first would
    pass the node limit of the cluster's non-Master groups, the scale-ins run first.
  - With O(step), no resize adds or removes more than that many nodes.
  - Each group only grows or only shrinks, so Core never drops below the smaller of its current and target counts.
  - Counts may be integers or strings that spell one (C("5"), as Jinja and YAML often give them), normalised as
    M(hwcloud.mrs.mrs_cluster_nodes) normalises its O(hwcloud.mrs.mrs_cluster_nodes#module:count); booleans, fractions and
    negative numbers are refused, and so are, in O(target), a Master group, a group the cluster does not have and two
    keys for the same group (V(core) and V(core_node_analysis_group)).
  - Every resize is checked before it is returned, with the planner of M(hwcloud.mrs.mrs_cluster_nodes), on the counts the
    cluster will have by then, so a sequence that module would refuse part-way (a Core group below its minimum, the
    groups above the node limit, a Task group grown from 0 nodes without O(task_node_info) when it is passed, a bad
    O(task_node_info)) is refused before the first resize.
  - With an input of V(null) (before the cluster has been read), only the target (counts, group names, Master groups)
    and O(task_node_info) are checked, and the result is an empty list.
  - Every refusal is an error whose message starts with the name of the value at fault, from O(names).
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
options:
  _input:
    description:
      - The cluster now. Either a cluster as M(hwcloud.mrs.mrs_cluster_info) returns it (an element of its
        C(clusters), with C(node_groups)), which knows every group, its kind and the cluster type; or the current
        counts, a dictionary with the keys V(core) and V(task) and, for other groups, their names (each such group's
        kind then follows from its name).
      - V(null) checks only the target and O(task_node_info), and returns an empty list.
    type: dict
    required: true
  target:
    description:
      - The target counts, a dictionary with V(core), V(task) and/or group names; a group left out or null keeps its count.
    type: dict
    required: true
  step:
    description: The most nodes one resize may add or remove; V(0) means no limit.
    type: int
    default: 0
  task_node_info:
    description:
      - The Task node specification the resizes carry, as O(hwcloud.mrs.mrs_cluster_nodes#module:task_node_info). It is
        checked when given, and required when the Task group grows from 0 nodes.
      - Not passed at all, the filter only orders the resizes and checks the counts, leaving the node specification to
        the module call that makes the resize. Pass it (V(null) included, as the role does) to have a Task group grown
        from 0 nodes without one refused before the first resize.
    type: dict
  wait_timeout:
    description:
      - The seconds each resize may wait, checked as M(hwcloud.mrs.mrs_cluster_nodes) checks its
        O(hwcloud.mrs.mrs_cluster_nodes#module:wait_timeout), so that a caller that passes it on to the module is
        refused before any request. Not passed, it is not checked.
    type: raw
    version_added: 1.1.0
  names:
    description:
      - The names used in error messages for the keys of O(target), V(task_node_info), V(step) and V(wait_timeout), so
        that a refusal names the variable the caller wrote (for example V(cluster_scale_core_count)).
      - Defaults to V(target.KEY) (V(target.core), V(target.node_group_1), ...), V(task_node_info), V(step) and
        V(wait_timeout).
    type: dict
seealso:
  - module: hwcloud.mrs.mrs_cluster_nodes
  - module: hwcloud.mrs.mrs_cluster_info
"""

EXAMPLES = r"""
- name: Plan Core 3 -> 7 and Task 6 -> 2, at most 2 nodes per resize
  ansible.builtin.debug:
    msg: "{{ {'core': 3, 'task': 6} | hwcloud.mrs.scale_steps({'core': 7, 'task': 2}, step=2) }}"
  # [{node_group: core, from: 3, count: 5}, {node_group: core, from: 5, count: 7},
  #  {node_group: task, from: 6, count: 4}, {node_group: task, from: 4, count: 2}]

- name: A custom cluster as mrs_cluster_info shows it - node_group_1 grows before node_group_2 shrinks
  ansible.builtin.debug:
    msg: "{{ cluster | hwcloud.mrs.scale_steps({'node_group_1': 5, 'node_group_2': 1}) }}"
  vars:
    cluster: "{{ info.clusters[0] }}"  # registered from hwcloud.mrs.mrs_cluster_info with exactly_one

- name: Near the node limit the scale-ins come first (Task 400 -> 100, then Core 100 -> 300)
  ansible.builtin.debug:
    msg: "{{ {'core': 100, 'task': 400} | hwcloud.mrs.scale_steps({'core': 300, 'task': 100}) }}"

- name: Refused before any request, naming the variable - a wait the module would refuse
  ansible.builtin.debug:
    msg: "{{ none | hwcloud.mrs.scale_steps({}, wait_timeout=-5, names={'wait_timeout': 'cluster_scale_wait_timeout'}) }}"
  ignore_errors: true

- name: Refused before any resize, naming the variable - cluster_scale_task_count needs a Task node spec from 0 nodes
  ansible.builtin.debug:
    msg: "{{ {'core': 3, 'task': 0} | hwcloud.mrs.scale_steps({'task': 2}, task_node_info=none, names={'task': 'cluster_scale_task_count'}) }}"
  ignore_errors: true
"""

RETURN = r"""
_value:
  description: The resizes in order, each with the group, its count before (C(from)) and after (C(count)); empty when nothing changes.
  type: list
  elements: dict
  contains:
    node_group:
      description:
        - V(core) or V(task) for the groups M(hwcloud.mrs.mrs_cluster_nodes) resizes through the v1.1 API, else the
          group's name; what that module takes as O(hwcloud.mrs.mrs_cluster_nodes#module:node_group).
      type: str
    from:
      description: The group's count before this resize.
      type: int
    count:
      description: The group's count after this resize.
      type: int
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import MAX_CORE_TASK_NODES, check_wait_timeout
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import plan_cluster, view_of_info
from ansible_collections.hwcloud.mrs.plugins.plugin_utils._names import named

__all__ = ("MAX_CORE_TASK_NODES", "FilterModule", "scale_steps")

# task_node_info not passed at all: the caller only wants the order; its module call carries the node spec.
NOT_PASSED = object()
DEFAULT_NAMES = {"core": "target.core", "task": "target.task", "task_node_info": "task_node_info", "step": "step",
                 "wait_timeout": "wait_timeout"}


def _message(error, names):
    if error.parameter == "target":  # the filter's own argument, not a value in it
        return "scale_steps: target %s" % error.rule
    return named(error, names)


def scale_steps(current, target, step=0, task_node_info=NOT_PASSED, names=None, wait_timeout=NOT_PASSED):
    """The ordered resizes from the ``current`` counts to the ``target`` counts (see DOCUMENTATION).

    Every rule is the planner's (``plan_cluster``); this only shapes the arguments and renames its refusals.
    """
    if names is not None and not isinstance(names, dict):
        raise AnsibleFilterError("scale_steps: names must be a dictionary")
    names = dict(DEFAULT_NAMES, **dict((str(key), str(value)) for key, value in (names or {}).items()))
    if (current is not None and not isinstance(current, dict)) or not isinstance(target, dict):
        raise AnsibleFilterError("scale_steps: the input and target must be dictionaries (a cluster from mrs_cluster_info or "
                                 "counts by group)")
    checked = task_node_info is not NOT_PASSED
    try:
        if wait_timeout is not NOT_PASSED:
            check_wait_timeout(wait_timeout)
        if current is not None and isinstance(current.get("node_groups"), list):
            current = view_of_info(current)
        steps = plan_cluster(current, target, step, task_node_info if checked else None, check_spec=checked)
    except PlanError as error:
        raise AnsibleFilterError(_message(error, names))
    except MrsError as error:  # a cluster that lacks a count the plan needs: nothing is decided from it
        raise AnsibleFilterError("scale_steps: %s" % error)
    return [{"node_group": move.node_group, "from": move.before, "count": move.after} for move in steps]


class FilterModule:
    """Filters of the hwcloud.mrs collection."""

    def filters(self):
        return {"scale_steps": scale_steps}
