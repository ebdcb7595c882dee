# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which node group an auto-scaling policy acts on, checked against the cluster before any write. Pure.

- ``node_group`` means what the one resolution of groups (``_option_checks.check_node_group``, ``_group_resolution.listed_group``) says it means on the
  cluster's view; a group the cluster lacks is refused, except that reading (or deleting) the policy of a ``core`` /
  ``task`` group the cluster does not have finds none.
- Huawei's MRS user guide (mrs_01_24728, "Adding an Auto Scaling Policy for MRS Task Nodes",
  https://support.huaweicloud.com/intl/en-us/eu-west-0-usermanual-mrs/mrs_01_24728.html): auto-scaling applies to Task nodes,
  and the policies of different node groups are mutually exclusive: only one node group of a cluster may have an
  enabled policy. A group is a Task group by the cluster's own description (``ClusterView``'s group role: the
  ``taskNodeGroups`` list of a custom cluster), never by its name.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import listed_group
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import API_GROUP_NAMES, check_node_group
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_api import held_enabled, policy_entries

USER_GUIDE = "Huawei MRS user guide mrs_01_24728"
_KINDS = {"core": "a Core group", "master": "a Master group", "custom": "not listed as a Task group (taskNodeGroups)"}


def target_group(view, value, reading=False):
    """The name MRS gives the group ``value`` (``core``, ``task`` in any case, or a group name) means on ``view``.

    ``core`` / ``task`` on a cluster whose answer lists no such group: None when ``reading`` (reading or deleting finds
    no policy there), else a PlanError naming ``node_group``. Anything else the planner refuses (a name the cluster
    lacks, two groups of that role, a Master group, a malformed name) is refused as it says, before any write.
    """
    key = check_node_group(value)
    if key in API_GROUP_NAMES and not view.groups_of(key):
        if reading:
            return None
        raise PlanError("node_group", "%s: the cluster has no %s group (its groups: %s); give the name of the Task group "
                        "whose policy to set" % (value, key.capitalize(), _names(view.node_groups)))
    return listed_group(view, value)


def _names(groups):
    return ", ".join(group.name for group in groups) or "none listed"


def check_task_group(view, name, before, wanted):
    """Refuse, before any write, a policy that would be created on a non-Task group or left enabled there; deleting
    one, or disabling one that exists, is how such a policy is cleared and goes through."""
    group = view.group(name)
    if wanted is None or group is None or group.role == "task":
        return
    if before is not None and not wanted["auto_scaling_enable"]:
        return
    kind = _KINDS.get(group.role, "not a Task group")
    raise PlanError("node_group", "%s is %s, and MRS applies auto-scaling policies to Task groups only (%s), so nothing "
                    "was written; the cluster's Task groups: %s" % (name, kind, USER_GUIDE, _names(view.groups_of("task"))))


def enabled_elsewhere(listed, name):
    """The other node groups of the GET list with an enabled policy (any resource pool), sorted."""
    found = set()
    for group, pool, policy in policy_entries(listed):
        if group == name:
            continue
        try:
            if held_enabled(policy):
                found.add(group)
        except PlanError as error:
            raise MrsError("the auto-scaling policy of node group %s (resource pool %s) cannot be read: %s" % (group, pool, error)) from error
    return sorted(found)


def check_one_enabled(listed, name, wanted):
    """Refuse, before any write, to leave ``name``'s policy enabled while another group's is: only one node group of a
    cluster may have an enabled policy. The message names the other group and the two ways out."""
    if wanted is None or not wanted["auto_scaling_enable"]:
        return
    others = enabled_elsewhere(listed, name)
    if others:
        raise PlanError("enabled", "node group %s already has an enabled auto-scaling policy, and only one node group of a "
                        "cluster may have one (%s), so nothing was written: disable that one first "
                        "(hwcloud.mrs.mrs_autoscaling_policy with node_group: %s and enabled: false), or give enabled: false here"
                        % (" and ".join(others), USER_GUIDE, others[0]))
