# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: cluster_scale_plan
short_description: The decisions of the cluster_scale role, from its variables and what its tasks read
version_added: 1.1.0
description:
  - The one place where the role C(hwcloud.mrs.cluster_scale) decides what to do; its task files only call this filter,
    then act on and report what it returns. Every rule of a resize or a policy is asked of the planner that
    M(hwcloud.mrs.mrs_cluster_nodes) and M(hwcloud.mrs.mrs_autoscaling_policy) use, so the role refuses what they would
    refuse, with their words, naming the role's variables.
  - Called with the role's variables alone, it checks every rule that needs no cluster (before any request). Each read
    the role's tasks registered (O(cluster), O(nodes), O(policies)...) takes the decision one stage further; a stage not
    reached is left out.
  - A refusal is returned in RV(_value.refusal), never raised, so the role fails with it as it is (an assert), not wrapped
    in Ansible's "Finalization of task args" or "One or more items failed". A read that failed becomes the refusal, naming
    the role's variables where the module named its options. The filter raises only for input that is not the role's.
  - Internal to the role, documented for its readers; its input and output may change with the role.
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
options:
  _input:
    description:
      - The role's variables for one entry point, keyed by their names (C(cluster_scale_core_count)...), with C(pattern)
        (V(converge), V(profile), V(burst), V(drain) or V(schedule)); for burst also C(role_path) and C(playbook_dir).
    type: dict
    required: true
  cluster:
    description: The registered result of the role's mrs_cluster_info task (run with C(failed_when=false)).
    type: dict
  nodes:
    description:
      - converge, profile - the registered result of the node list read (mrs_cluster_info with
        O(hwcloud.mrs.mrs_cluster_info#module:include_nodes)), run or skipped.
    type: dict
  policies:
    description: converge, profile, burst - the registered result of the loop of mrs_autoscaling_policy C(state=read) over RV(_value.policy_groups).
    type: dict
  pauses:
    description: converge, profile, burst - the registered result of the loop that paused RV(_value.pause).
    type: dict
  restores:
    description: converge, profile, burst - the registered result of the loop that restored RV(_value.pause).
    type: dict
  grow:
    description: burst - the registered result of the grow.
    type: dict
  restore:
    description: burst - the registered result of the restore of the count.
    type: dict
  removal:
    description: drain - the registered result of the removal.
    type: dict
  write:
    description: schedule - the registered result of the policy write.
    type: dict
  check_mode:
    description: Whether the play runs in check mode.
    type: bool
    default: false
seealso:
  - module: hwcloud.mrs.mrs_cluster_nodes
  - module: hwcloud.mrs.mrs_autoscaling_policy
"""

EXAMPLES = r"""
- name: Refuse, before any request, what the role would refuse
  ansible.builtin.assert:
    that: checked.refusal is none
    fail_msg: "{{ checked.refusal }}"
  vars:
    checked: "{{ {'pattern': 'converge', 'cluster_scale_cluster_name': 'analytics', 'cluster_scale_core_count': 2}
                  | hwcloud.mrs.cluster_scale_plan }}"
  ignore_errors: true  # cluster_scale_core_count: must be 3 or more (MRS keeps at least 3 Core nodes), got 2
"""

RETURN = r"""
_value:
  description:
    - What the role's tasks need at the stage reached. Every pattern has RV(_value.refusal) and C(cluster_id); the other
      keys are the pattern's (for converge and profile C(steps), C(needs_nodes), C(policy_groups), C(pause), C(go),
      C(result), C(problem); for burst C(grow), C(restore); for drain C(server_ids), C(warning); for schedule C(plans),
      C(node_group), C(create)).
  type: dict
  contains:
    refusal:
      description: Why the role stops before any change, starting with the role variable at fault; null when it goes on.
      type: str
    policy_groups:
      description: converge, profile, burst - the groups whose auto-scaling policies the role reads before it changes them.
      type: list
      elements: str
    pause:
      description: converge, profile, burst - the enabled policies the role pauses before the change and restores after it.
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.plugin_utils import _role_burst, _role_converge, _role_drain, _role_schedule

PLANS = {"converge": (_role_converge.plan, ("cluster", "nodes", "policies", "pauses", "restores")),
         "profile": (_role_converge.plan, ("cluster", "nodes", "policies", "pauses", "restores")),
         "burst": (_role_burst.plan, ("cluster", "policies", "pauses", "grow", "restore", "restores")),
         "drain": (_role_drain.plan, ("cluster", "removal")),
         "schedule": (_role_schedule.plan, ("cluster", "write"))}
RENAMED = {"policies": "policies_read"}


def cluster_scale_plan(request, check_mode=False, **reads):
    """The decisions of one entry point of the role (see DOCUMENTATION)."""
    if not isinstance(request, dict) or request.get("pattern") not in PLANS:
        raise AnsibleFilterError("cluster_scale_plan: give the role's variables with pattern one of %s" % ", ".join(sorted(PLANS)))
    decide, known = PLANS[request["pattern"]]
    unknown = sorted(set(reads) - set(known))
    if unknown:
        raise AnsibleFilterError("cluster_scale_plan: %s takes no %s (it takes %s)"
                                 % (request["pattern"], ", ".join(unknown), ", ".join(known)))
    return decide(request, check_mode=bool(check_mode), **dict((RENAMED.get(key, key), value) for key, value in reads.items()))


class FilterModule:
    """The cluster_scale_plan filter of the hwcloud.mrs collection."""

    def filters(self):
        return {"cluster_scale_plan": cluster_scale_plan}
