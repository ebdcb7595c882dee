# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: scale_steps
short_description: Order the resizes that take a cluster from its current sizes to target sizes
version_added: 0.1.0
description:
  - Returns the resizes, one node group at a time, that take the Core and Task groups from their current counts to the targets.
  - Capacity comes first. Scale-outs run before scale-ins, Core before Task on the way out and Task before Core on the way in,
    so Task work keeps its HDFS and Core nodes leave last. When scaling out first would pass the 500-node limit of Core + Task,
    the scale-ins run first.
  - With O(step), no resize adds or removes more than that many nodes.
  - Each group only grows or only shrinks, so Core never drops below the smaller of its current and target counts.
  - Counts may be integers or strings that spell one (C("5"), as Jinja and YAML often give them), normalised as
    M(hwcloud.mrs.mrs_cluster_nodes) normalises its O(hwcloud.mrs.mrs_cluster_nodes#module:count); booleans, fractions, negative numbers
    and keys other than V(core) and V(task) in O(target) are refused.
  - Every resize is checked before it is returned, with the planner of M(hwcloud.mrs.mrs_cluster_nodes), on the counts the
    cluster will have by then, so a sequence that module would refuse part-way (Core below 3, Core + Task above 500, a
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
  names:
    description:
      - The names used in error messages for V(core), V(task), V(task_node_info) and V(step), so that a refusal
        names the variable the caller wrote (for example V(cluster_scale_core_count)).
      - Defaults to V(target.core), V(target.task), V(task_node_info) and V(step).
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

- name: Near the 500-node limit the scale-ins come first (Task 400 -> 100, then Core 100 -> 300)
  ansible.builtin.debug:
    msg: "{{ {'core': 100, 'task': 400} | hwcloud.mrs.scale_steps({'core': 300, 'task': 100}) }}"

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

import dataclasses

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterView, as_whole_number
from ansible_collections.hwcloud.mrs.plugins.module_utils._planner import (
    MAX_CORE_TASK_NODES, MIN_CORE_NODES, PlanError, ResizeRequest, plan_resize, validate_task_node_info)

GROUPS = ("core", "task")
# task_node_info not passed at all: the caller only wants the order; its module call carries the node spec.
NOT_PASSED = object()
DEFAULT_NAMES = {"core": "target.core", "task": "target.task", "task_node_info": "task_node_info", "step": "step"}


def _refuse(name, rule):
    raise AnsibleFilterError("%s: %s" % (name, rule))


def _whole_number(value, name):
    """``value`` as a non-negative int, normalised as the planner does (``"3"`` is 3); a whole float is accepted too."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    number = as_whole_number(value)
    if number is None:
        _refuse(name, "must be a whole number, got %r" % (value,))
    if number < 0:
        _refuse(name, "must be 0 or more, got %d" % number)
    return number


def _label(names, parameter, group):
    """The caller's name for the planner's ``parameter`` (``count`` is the group's count)."""
    if parameter == "count":
        return names[group]
    if parameter.startswith("task_node_info"):
        return names["task_node_info"] + parameter[len("task_node_info"):]
    return parameter


def _task_node_info(info, names):
    try:
        return validate_task_node_info(info)
    except PlanError as error:
        _refuse(_label(names, error.parameter, "task"), error.rule)


def _check_shape(goal, given, names):
    """The target on its own: Core at least MIN_CORE_NODES, Core + Task at most MAX_CORE_TASK_NODES."""
    if "core" in given and goal["core"] < MIN_CORE_NODES:
        _refuse(names["core"], "must be %d or more (MRS keeps at least %d Core nodes), got %d" % (MIN_CORE_NODES, MIN_CORE_NODES, goal["core"]))
    if given and goal["core"] is not None and goal["task"] is not None and goal["core"] + goal["task"] > MAX_CORE_TASK_NODES:
        _refuse(" / ".join(names[group] for group in GROUPS if group in given),
                "Core + Task would be %d nodes (Core %d, Task %d); MRS allows at most %d"
                % (goal["core"] + goal["task"], goal["core"], goal["task"], MAX_CORE_TASK_NODES))


def _view(counts):
    """A running cluster with these counts, for the planner to judge one resize of the sequence."""
    return ClusterView(cluster_id="", name="", state="running", scale="", stage_desc=None, billing_type=None, version=None,
                       master_count=0, core_count=counts["core"], task_count=counts["task"])


def _check_with_planner(now, steps, task_node_info, names, spec_checked=True):
    """Each resize as mrs_cluster_nodes will plan it, on the counts the cluster has by then; the planner's refusal, renamed.

    Without ``spec_checked``, a refusal about the Task node spec is left to the module call that carries it.
    """
    view = _view(now)
    for move in steps:
        group = move["node_group"]
        request = ResizeRequest(node_group=group, count=move["count"], current_count=move["from"],
                                task_node_info=task_node_info if group == "task" else None)
        try:
            plan_resize(view, request)
        except PlanError as error:
            if not spec_checked and error.parameter.startswith("task_node_info"):
                view = dataclasses.replace(view, **{"%s_count" % group: move["count"]})
                continue
            _refuse(_label(names, error.parameter, group), "%s (resize %s %d -> %d)" % (error.rule, group, move["from"], move["count"]))
        view = dataclasses.replace(view, **{"%s_count" % group: move["count"]})


def _moves(group, start, end, step):
    """The resizes of one group from start to end, each at most `step` nodes (0: one resize)."""
    moves, current = [], start
    stride = step or abs(end - start)
    while current != end:
        following = min(current + stride, end) if end > current else max(current - stride, end)
        moves.append({"node_group": group, "from": current, "count": following})
        current = following
    return moves


def scale_steps(current, target, step=0, task_node_info=NOT_PASSED, names=None):
    """The ordered resizes from the ``current`` counts to the ``target`` counts (see DOCUMENTATION)."""
    if names is not None and not isinstance(names, dict):
        raise AnsibleFilterError("scale_steps: names must be a dictionary")
    names = dict(DEFAULT_NAMES, **dict((key, str(value)) for key, value in (names or {}).items() if key in DEFAULT_NAMES))
    if (current is not None and not isinstance(current, dict)) or not isinstance(target, dict):
        raise AnsibleFilterError("scale_steps: the input and target must be dictionaries with core and task counts")
    unknown = sorted(str(key) for key in target if key not in GROUPS)
    if unknown:
        raise AnsibleFilterError("scale_steps: target may only have the keys core and task, got %s" % ", ".join(unknown))
    stride = _whole_number(step, names["step"])
    given = [group for group in GROUPS if target.get(group) is not None]
    wanted = dict((group, _whole_number(target[group], names[group]) if group in given else None) for group in GROUPS)
    checked = task_node_info is not NOT_PASSED
    spec = _task_node_info(task_node_info if checked else None, names)
    if current is None:
        _check_shape(wanted, given, names)
        return []
    now = dict((group, _whole_number(current.get(group), "current.%s" % group)) for group in GROUPS)
    goal = dict((group, now[group] if wanted[group] is None else wanted[group]) for group in GROUPS)
    _check_shape(goal, given, names)
    outs = [_moves(group, now[group], goal[group], stride) for group in ("core", "task") if goal[group] > now[group]]
    ins = [_moves(group, now[group], goal[group], stride) for group in ("task", "core") if goal[group] < now[group]]
    growth = sum(max(0, goal[group] - now[group]) for group in GROUPS)
    ordered = outs + ins if now["core"] + now["task"] + growth <= MAX_CORE_TASK_NODES else ins + outs
    steps = [move for moves in ordered for move in moves]
    _check_with_planner(now, steps, spec, names, checked)
    return steps


class FilterModule:
    """Filters of the hwcloud.mrs collection."""

    def filters(self):
        return {"scale_steps": scale_steps}
