# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: scale_counts
short_description: The counts before a whole-cluster resize, by the keys of its resizes
version_added: 1.1.0
description:
  - Returns the node counts that a result of a whole-cluster plan shows, keyed as the resizes of
    R(hwcloud.mrs.scale_steps,ansible_collections.hwcloud.mrs.scale_steps_filter) are - V(core) and V(task) (the
    C(core_count) and C(task_count) of the cluster), unless the cluster is an MRS 3.x custom cluster, then every group
    O(target) sets by name, and every group a resize in O(steps) changes, at its count before that resize.
  - Whether a cluster is custom is the planner's rule, the same M(hwcloud.mrs.mrs_cluster_nodes) uses to choose its API.
    It is the cluster type when the answer has it. Without the type, a cluster is custom when it lists a group that is
    not named like the default MRS groups.
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
options:
  _input:
    description: A cluster as M(hwcloud.mrs.mrs_cluster_info) returns it (an element of its C(clusters)).
    type: dict
    required: true
  target:
    description: The target counts given to R(hwcloud.mrs.scale_steps,ansible_collections.hwcloud.mrs.scale_steps_filter).
    type: dict
    required: true
  steps:
    description: The resizes R(hwcloud.mrs.scale_steps,ansible_collections.hwcloud.mrs.scale_steps_filter) returned.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: The counts before the plan, for a report
  ansible.builtin.debug:
    msg: "{{ cluster | hwcloud.mrs.scale_counts({'node_group_1': 5}, steps) }}"
  vars:
    cluster: "{{ info.clusters[0] }}"
    steps: "{{ info.clusters[0] | hwcloud.mrs.scale_steps({'node_group_1': 5}) }}"
"""

RETURN = r"""
_value:
  description: The counts by key (V(core), V(task) or a group name).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import shown_counts, view_of_info


def scale_counts(cluster, target, steps):
    """The planner's ``shown_counts`` of the cluster (see DOCUMENTATION)."""
    if not isinstance(cluster, dict) or not isinstance(cluster.get("node_groups"), list) or not isinstance(target, dict) \
            or not isinstance(steps, list) or not all(isinstance(move, dict) for move in steps):
        raise AnsibleFilterError("scale_counts: give a cluster as mrs_cluster_info returns it, the target counts and the "
                                 "steps scale_steps returned")
    try:
        return shown_counts(view_of_info(cluster), target, steps)
    except (MrsError, KeyError) as error:
        raise AnsibleFilterError("scale_counts: %s" % error)


class FilterModule:
    """The scale_counts filter of the hwcloud.mrs collection."""

    def filters(self):
        return {"scale_counts": scale_counts}
