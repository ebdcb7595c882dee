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
  - Counts may be integers or strings that spell one (as Jinja gives them); booleans, fractions, negative numbers
    and keys other than V(core) and V(task) in O(target) are refused.
  - The targets are not checked against the API's limits here; M(hwcloud.mrs.mrs_cluster_nodes) checks each step.
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
options:
  _input:
    description: The current counts, a dictionary with the keys V(core) and V(task).
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

MAX_CORE_TASK_NODES = 500
GROUPS = ("core", "task")


def _whole_number(value, what):
    """``value`` as a non-negative int; strings such as ``"3"`` are accepted, booleans and fractions are not."""
    if isinstance(value, bool):
        raise AnsibleFilterError("scale_steps: %s must be a whole number, got %r" % (what, value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.strip()
    try:
        number = int(value) if isinstance(value, (int, str)) else None
    except ValueError:
        number = None
    if number is None:
        raise AnsibleFilterError("scale_steps: %s must be a whole number, got %r" % (what, value))
    if number < 0:
        raise AnsibleFilterError("scale_steps: %s must be 0 or more, got %d" % (what, number))
    return number


def _moves(group, start, end, step):
    """The resizes of one group from start to end, each at most `step` nodes (0: one resize)."""
    moves, current = [], start
    stride = step or abs(end - start)
    while current != end:
        following = min(current + stride, end) if end > current else max(current - stride, end)
        moves.append({"node_group": group, "from": current, "count": following})
        current = following
    return moves


def scale_steps(current, target, step=0):
    """The ordered resizes from the ``current`` counts to the ``target`` counts (see DOCUMENTATION)."""
    if not isinstance(current, dict) or not isinstance(target, dict):
        raise AnsibleFilterError("scale_steps: the input and target must be dictionaries with core and task counts")
    unknown = sorted(str(key) for key in target if key not in GROUPS)
    if unknown:
        raise AnsibleFilterError("scale_steps: target may only have the keys core and task, got %s" % ", ".join(unknown))
    stride = _whole_number(step, "step")
    now = dict((group, _whole_number(current.get(group), "current.%s" % group)) for group in GROUPS)
    goal = dict((group, now[group] if target.get(group) is None else _whole_number(target[group], "target.%s" % group))
                for group in GROUPS)
    outs = [_moves(group, now[group], goal[group], stride) for group in ("core", "task") if goal[group] > now[group]]
    ins = [_moves(group, now[group], goal[group], stride) for group in ("task", "core") if goal[group] < now[group]]
    growth = sum(max(0, goal[group] - now[group]) for group in GROUPS)
    ordered = outs + ins if now["core"] + now["task"] + growth <= MAX_CORE_TASK_NODES else ins + outs
    return [move for moves in ordered for move in moves]


class FilterModule:
    """Filters of the hwcloud.mrs collection."""

    def filters(self):
        return {"scale_steps": scale_steps}
