# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which node group (and which resize API) a name means on the cluster's answer, and a host's kind. Pure: no I/O.

Two APIs resize a node group, and ``resolve_node_group`` picks one from the cluster view, in this one place:

- ``PUT /v1.1/{project_id}/cluster_infos/{cluster_id}`` (the vendor's "adjust cluster nodes" document) for the
  default Core and Task groups it documents (``core_node_default_group`` / ``task_node_default_group``): the one
  Core and the one Task group of an analysis or streaming cluster (``default_groups_apply``). Only it removes
  chosen Task nodes (``server_ids``) and creates the Task group of a cluster that has none (``task_node_info``).
- ``POST /v2/{project_id}/clusters/{cluster_id}/expand`` and ``/shrink`` for every other group: the named groups
  of a custom cluster, every group of a mixed cluster (two of each kind, which the default names cannot tell
  apart), any group the v1.1 document does not name. This is what Huawei's Terraform provider moved to.

A group's kind is the cluster view's (``_node_kinds.group_roles``: ``taskNodeGroups`` and ``clusterType``), never a
custom group's name. Resizes, auto-scaling policies, the filters and the role all resolve a group here.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from dataclasses import dataclass

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import API_GROUP_NAMES, MASTER_RULE, check_node_group


V11 = 'v1.1'
V2 = 'v2'

# The cluster types whose one Core and one Task group the v1.1 resize's default group names mean.
V11_CLUSTER_TYPES = ('analysis', 'streaming')
_ROLE_TITLES = {'core': 'Core', 'task': 'Task', 'master': 'Master', 'custom': 'custom'}


def title(group):
    """A role (or a key) as a message names it: ``Core``, ``Task``, ``Master``, ``custom``; any other key as it is."""
    return _ROLE_TITLES.get(group, group)


class GroupNotListed(PlanError):
    """``core`` / ``task`` on a cluster whose answer lists no group of that role: an analysis cluster without Task nodes,
    a custom cluster (no default Core group; no Task group listed)."""


@dataclass(frozen=True)
class GroupRef:
    """The group a request resizes: ``key`` is ``core`` / ``task`` on the v1.1 path (the counts of the cluster view), the
    group's name on the v2 path; ``name`` the group as MRS names it; ``role`` as ``NodeGroup.role``; ``api`` V11 or V2."""

    key: str
    name: str
    role: str
    api: str


def _resizable(view):
    return [group.name for group in view.node_groups if group.role != 'master']


def _choose_from(view):
    names = _resizable(view)
    return 'groups that can be resized: %s' % (', '.join(names) if names else 'none listed in the cluster answer')


def default_groups_apply(view):
    """Whether the v1.1 resize's two default groups (``core_node_default_group`` / ``task_node_default_group``) are this
    cluster's one Core and one Task group: an analysis or a streaming cluster.

    The vendor documents the v1.1 resize for "streaming, analysis and hybrid clusters" (HWDOC mrs_02_0029), but only for
    those two group names: a hybrid (mixed) cluster has an analysis and a streaming group of each kind, and which of them
    a default name would change is not documented, so every group of a mixed cluster is resized by name through v2, as
    every group of a custom cluster is. An answer without ``clusterType`` is taken for an analysis or streaming cluster
    only when its groups are the default ones, at most one of each kind: the v1.1 path is never chosen from a field the
    answer lacks."""
    if view.cluster_type is not None:
        return view.cluster_type in V11_CLUSTER_TYPES
    return not view.is_custom and len(view.groups_of('core')) <= 1 and len(view.groups_of('task')) <= 1


def resolve_node_group(view, value):
    """The ``GroupRef`` that ``value`` (``core``, ``task`` or a group name) means on the cluster ``view``; the API choice.

    The one resolution of node groups, for every module, the filters and the role. Kinds come from the answer
    (``ClusterView`` roles: ``clusterType``, the group lists, ``taskNodeGroups``), never from a custom group's name.

    - An analysis or streaming cluster (``default_groups_apply``): ``core`` / ``task`` and the name of its one Core or
      Task group take the v1.1 path; a Task group the answer does not list yet is created by it (``task_node_info``).
    - A mixed cluster: every group by its name, through v2; ``core`` / ``task`` are refused (it has two of each).
    - A custom cluster: every group by its name, through v2; ``task`` means its one Task group (``taskNodeGroups``);
      ``core`` names no group (the cluster has no default Core group).
    Master groups and names the cluster does not have are refused, naming the groups that can be resized.
    """
    value = check_node_group(value)
    if value in API_GROUP_NAMES:
        return _resolve_alias(view, value)
    group = view.group(value)
    if group is None:
        near = [name for name in _resizable(view) if name.lower() == value.lower()]
        raise PlanError('node_group', 'the cluster has no node group named %r (names are case-sensitive%s; %s)'
                        % (value, ', did you mean %r?' % near[0] if near else '', _choose_from(view)))
    if group.role == 'master':
        raise PlanError('node_group', '%s is a Master group: %s' % (group.name, MASTER_RULE))
    if group.role in API_GROUP_NAMES and default_groups_apply(view) and len(view.groups_of(group.role)) == 1:
        return GroupRef(group.role, group.name, group.role, V11)
    return GroupRef(group.name, group.name, group.role, V2)


def _resolve_alias(view, role):
    """``core`` / ``task`` on ``view`` (see ``resolve_node_group``)."""
    groups = view.groups_of(role)
    if len(groups) > 1:
        raise PlanError('node_group', 'the cluster has %d %s groups (%s): give the name of the one to resize'
                        % (len(groups), title(role), ', '.join(group.name for group in groups)))
    if default_groups_apply(view):
        return GroupRef(role, groups[0].name if groups else API_GROUP_NAMES[role], role, V11)
    if view.cluster_type == 'mixed' or not view.is_custom:
        raise PlanError('node_group', 'a mixed cluster has an analysis and a streaming %s group, each resized by its name '
                        'through v2 expand/shrink: give the name of the one to resize (%s)' % (title(role), _choose_from(view)))
    if role == 'task' and len(groups) == 1:
        return GroupRef(groups[0].name, groups[0].name, 'task', V2)
    if role == 'task':
        raise GroupNotListed('node_group', 'this custom cluster lists no Task group (taskNodeGroups); give the name of the '
                             'group to resize (%s)' % _choose_from(view))
    raise GroupNotListed('node_group', 'a custom cluster has no default Core group (its groups are named at creation, and '
                         'whether one holds HDFS data depends on the roles its nodes run): give the group\'s name (%s)'
                         % _choose_from(view))


def listed_group(view, group):
    """The name MRS gives the group that ``group`` (``core`` / ``task`` or a group name) means on ``view``, resolved as a
    resize resolves it (``resolve_node_group``), when the answer lists that group; else a PlanError naming ``node_group``.
    The one resolution of ``core`` / ``task`` for resizes and auto-scaling policies alike."""
    ref = resolve_node_group(view, group)
    if view.group(ref.name) is None:
        raise GroupNotListed('node_group', '%s: the cluster has no %s group as MRS names them (%s); give the group\'s name'
                             % (group, title(ref.role), _choose_from(view)))
    return ref.name


def non_task_hosts(view, hosts):
    """The hosts (``Host``) that are not Task nodes, by the kind their group has on ``view`` (``host_kind``): what a
    removal of chosen nodes refuses, since only Task nodes can be removed by id."""
    return [host for host in hosts if host_kind(view, host) != 'task']


def host_kind(view, host):
    """A host's kind (``master``, ``core``, ``task`` or ``custom``): its group's, as the cluster answer ``view`` says it,
    when the host names a group the answer lists; else what the host list says (``Host.role``, ``_node_kinds.host_kind``)."""
    group = view.group(host.node_group) if host.node_group else None
    return group.role if group is not None else host.role
