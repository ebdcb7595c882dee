# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: cluster_scale_record
short_description: The cluster_scale role's result fact after one resize of a converge, or after it failed
version_added: 1.1.0
description:
  - Returns C(cluster_scale_result) of a converge or profile run of the role C(hwcloud.mrs.cluster_scale) with one more
    resize recorded in its C(steps) (with C(changed) and C(elapsed)), and C(after) moved to the count the module reported.
  - With O(failure), the result of a run that stopped at that resize instead - C(failed), C(in_progress) (the resize, with
    C(changed) when MRS had accepted it, and the module's C(msg)), C(not_started), and C(msg), the message the run stops
    with (what was applied, what was in progress, what was not started).
  - Internal to the role, documented for its readers.
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
options:
  _input:
    description: C(cluster_scale_result) before the resize (the role sets it before its first one).
    type: dict
    required: true
  step:
    description: The resize, an element of the steps of R(hwcloud.mrs.cluster_scale_plan,ansible_collections.hwcloud.mrs.cluster_scale_plan_filter).
    type: dict
    required: true
  resize:
    description: The registered result of the mrs_cluster_nodes task that made it (skipped when check mode did not preview it).
    type: dict
  failure:
    description: C(ansible_failed_result) of the resize that failed.
    type: dict
  steps:
    description: Every step of the plan, with O(failure) (the ones after O(step) were not started).
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Record the resize
  ansible.builtin.set_fact:
    cluster_scale_result: "{{ cluster_scale_result | hwcloud.mrs.cluster_scale_record(step, resize=resized) }}"
  vars:
    step: {node_group: core, from: 3, count: 4, index: 0}
    resized: {changed: true, count: 4, elapsed: 612.5}
    cluster_scale_result: {check_mode: false, changed: false, steps: [], after: {core: 3}, pattern: converge}
"""

RETURN = r"""
_value:
  description: C(cluster_scale_result) with the resize recorded (see the role's README, section Result).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.plugin_utils._role_converge import record


def cluster_scale_record(result, step, resize=None, failure=None, steps=None):
    """The result after one resize, or after it failed (see DOCUMENTATION)."""
    if not isinstance(result, dict) or not isinstance(step, dict) or not all(key in step for key in ("node_group", "from", "count")):
        raise AnsibleFilterError("cluster_scale_record: give cluster_scale_result and a step of cluster_scale_plan")
    try:
        return record(result, step, resize, failure, steps)
    except (KeyError, TypeError) as error:
        raise AnsibleFilterError("cluster_scale_record: cluster_scale_result or the step lacks %s" % error)


class FilterModule:
    """The cluster_scale_record filter of the hwcloud.mrs collection."""

    def filters(self):
        return {"cluster_scale_record": cluster_scale_record}
