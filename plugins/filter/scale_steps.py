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
  - Returns the resizes, one node group at a time, that take the Core and Task groups from their current counts to the targets.
  - Capacity comes first. Scale-outs run before scale-ins, Core before Task on the way out and Task before Core on the way in,
    so Task work keeps its HDFS and Core nodes leave last. When scaling out first would pass the node limit of Core + Task,
    the scale-ins run first.
  - With O(step), no resize adds or removes more than that many nodes.
  - Each group only grows or only shrinks, so Core never drops below the smaller of its current and target counts.
  - Counts may be integers or strings that spell one (C("5"), as Jinja and YAML often give them), normalised as
    M(hwcloud.mrs.mrs_cluster_nodes) normalises its O(hwcloud.mrs.mrs_cluster_nodes#module:count); booleans, fractions, negative numbers
    and keys other than V(core) and V(task) in O(target) are refused.
  - Every resize is checked before it is returned, with the planner of M(hwcloud.mrs.mrs_cluster_nodes), on the counts the
    cluster will have by then, so a sequence that module would refuse part-way (Core below its minimum, Core + Task above the node limit, a
    Task group grown from 0 nodes without O(task_node_info) when it is passed, a bad O(task_node_info)) is refused before
    the first resize.
  - With an input of V(null) (before the cluster has been read), only the target and O(task_node_info) are checked, and
    the result is an empty list.
  - Every refusal is an error whose message starts with the name of the value at fault, from O(names).
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
options:
  _input:
    description:
      - The current counts, a dictionary with the keys V(core) and V(task).
      - V(null) checks only the target and O(task_node_info), and returns an empty list.
    type: dict
    required: true
  target:
    description: The target counts, a dictionary with V(core) and/or V(task); a group left out or null keeps its count.
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
      - The names used in error messages for V(core), V(task), V(task_node_info), V(step) and V(wait_timeout), so that
        a refusal names the variable the caller wrote (for example V(cluster_scale_core_count)).
      - Defaults to V(target.core), V(target.task), V(task_node_info), V(step) and V(wait_timeout).
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
      description: V(core) or V(task).
      type: str
    from:
      description: The group's count before this resize.
      type: int
    count:
      description: The group's count after this resize.
      type: int
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.module_utils._planner import MAX_CORE_TASK_NODES, PlanError, check_wait_timeout, plan_cluster

__all__ = ("MAX_CORE_TASK_NODES", "FilterModule", "scale_steps")

# task_node_info not passed at all: the caller only wants the order; its module call carries the node spec.
NOT_PASSED = object()
DEFAULT_NAMES = {"core": "target.core", "task": "target.task", "task_node_info": "task_node_info", "step": "step",
                 "wait_timeout": "wait_timeout"}


def _label(names, parameter):
    """The caller's name for one of the planner's parameters (``target.core``, ``task_node_info.node_size``, ``step``)."""
    if parameter.startswith("target.") and parameter[len("target."):] in names:
        return names[parameter[len("target."):]]
    if parameter.startswith("task_node_info"):
        return names["task_node_info"] + parameter[len("task_node_info"):]
    return names.get(parameter, parameter)


def _message(error, names):
    if error.parameter == "target":  # the filter's own argument, not a value in it
        return "scale_steps: target %s" % error.rule
    return "%s: %s" % (" / ".join(_label(names, part) for part in error.parameter.split(" / ")), error.rule)


def scale_steps(current, target, step=0, task_node_info=NOT_PASSED, names=None, wait_timeout=NOT_PASSED):
    """The ordered resizes from the ``current`` counts to the ``target`` counts (see DOCUMENTATION).

    Every rule is the planner's (``plan_cluster``); this only shapes the arguments and renames its refusals.
    """
    if names is not None and not isinstance(names, dict):
        raise AnsibleFilterError("scale_steps: names must be a dictionary")
    names = dict(DEFAULT_NAMES, **dict((key, str(value)) for key, value in (names or {}).items() if key in DEFAULT_NAMES))
    if (current is not None and not isinstance(current, dict)) or not isinstance(target, dict):
        raise AnsibleFilterError("scale_steps: the input and target must be dictionaries with core and task counts")
    checked = task_node_info is not NOT_PASSED
    try:
        if wait_timeout is not NOT_PASSED:
            check_wait_timeout(wait_timeout)
        steps = plan_cluster(current, target, step, task_node_info if checked else None, check_spec=checked)
    except PlanError as error:
        raise AnsibleFilterError(_message(error, names))
    return [{"node_group": move.node_group, "from": move.before, "count": move.after} for move in steps]


class FilterModule:
    """Filters of the hwcloud.mrs collection."""

    def filters(self):
        return {"scale_steps": scale_steps}
