# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A manual resize against the group's auto-scaling policies, before any write: an enabled policy owns the group's node
count, so MRS refuses a manual resize of it (12000124); the collection refuses it first, with the policy's bounds
and the ways out. Pure: the policies are the v2 GET list the caller read (``_policy_api.list_policies``).

Beside the policy rules (``_policy_rules``); the resize planner does not import it, the scaler and the role ask it.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._node_kinds import role_from_group_name
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import GroupNotListed, listed_group, title
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_api import normal_held, policy_entries


POLICY_MODULE = 'hwcloud.mrs.mrs_autoscaling_policy'


def policy_group(view, group):
    """The name MRS gives the group a resize of ``group`` (a plan's key: core/task, or a group name) acts on, as the
    policy module resolves it, or None when the answer names no such group."""
    try:
        return listed_group(view, group)
    except GroupNotListed:
        return None


def _policies_of(policies, group, group_name):
    """The policies (any resource pool) of the group, in normal form, read from the list as every reader reads it
    (``policy_entries``: an entry that cannot be read fails, never skipped); by role when the cluster answer named no
    group."""
    try:
        entries = policy_entries(policies)
    except MrsError as error:
        raise MrsError('%s; nothing was resized' % error) from error
    return [(name, normal_held(policy)) for name, _pool, policy in entries
            if name == group_name or (group_name is None and role_from_group_name(name) == group)]


def check_policy(plan, group_name, policies):
    """A planned manual resize against the group's auto-scaling policies (``policies``: the v2 GET list as
    ``_policy_api.list_policies`` returns it, [] when the cluster has none). An enabled policy owns the group's count, so
    the resize is refused here, before any write, with the policy's bounds and the three ways out; a disabled policy, or
    none, lets it proceed.
    """
    if not plan.changed:
        return
    for name, policy in _policies_of(policies, plan.node_group, group_name):
        if not policy['auto_scaling_enable']:
            continue
        raise PlanError('node_group', policy_refusal(plan.node_group, name, plan.before, plan.after, policy['min_capacity'],
                                                     policy['max_capacity']))


MODULE_WAYS_OUT = ('Three ways out: disable the policy with %s (enabled: false); use the cluster_scale role\'s burst, which '
                   'pauses the policy and restores it; or set the policy\'s min_capacity/max_capacity instead of a count.'
                   % POLICY_MODULE)


def enabled_policies(resource_pools):
    """The policies among ``resource_pools`` (a group's policies as mrs_autoscaling_policy ``state: read`` returns them:
    ``[{resource_pool_name, options}]``, options in the module's names) that own the group's node count: every enabled
    one, whatever its resource pool. MRS refuses a manual resize of the group while any of them is enabled (12000124),
    as ``check_policy`` refuses it."""
    return [pool for pool in resource_pools if pool['options']['enabled']]


def policy_refusal(node_group, group_name, before, after, low, high, ways_out=MODULE_WAYS_OUT):
    """Why a manual resize of ``node_group`` (``group_name`` as MRS names it) from ``before`` to ``after`` nodes is refused
    while its auto-scaling policy, bounded by ``low``..``high``, is enabled: one text for ``check_policy`` and for the
    role, which gives its own ``ways_out``."""
    outside = ''
    if not low <= after <= high:
        outside = (' The target %d is also outside the policy\'s min/max (%d..%d), so the policy would undo it even if the '
                   'resize were accepted.' % (after, low, high))
    return ('the %s group (%s) has an enabled auto-scaling policy (min_capacity %d, max_capacity %d), which owns its node '
            'count: MRS refuses a manual resize of it (12000124), so nothing was sent (resize %d -> %d).%s %s'
            % (title(node_group), group_name, low, high, before, after, outside, ways_out))
