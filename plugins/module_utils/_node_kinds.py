# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one reading of a node group's or a host's kind: ``master``, ``core``, ``task`` or ``custom``. Pure: names and
types in, a kind out; the cluster answer (``_cluster``), the host list (``_hosts``) and the inventory ask it.

PRIVATE to the collection: no compatibility promise outside it.

A group's kind is read from what the answer says, in one place (``group_roles``): ``task`` for a group listed in
``taskNodeGroups`` whatever its name; ``master`` for the Master group (``master_node_*``, the name MRS gives it on every
cluster type). The other groups of an analysis, streaming or mixed cluster have the names MRS gives each type
(``core_node_analysis_group``, ``task_node_streaming_group``...), which say their kind there: ``core`` or ``task``. A
custom cluster (MRS 3.x) names its groups freely, so there a name never decides a kind: every group that is neither Master
nor listed in ``taskNodeGroups`` is ``custom`` (a Core-kind group whose HDFS data, if any, its nodes tell),
``task_node_hdfs`` included. An answer without ``clusterType`` is read as a custom cluster's when it lists a group not
named as MRS names the default groups (``custom_layout``).

A host's kind is its group's, as the cluster answer reads it; where that says ``custom`` or nothing, the host's own type
(``Master``, ``CoreNode``, ``Analysis_Core``, ``Streaming_Task``) tells (``host_kind``).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

_GROUP_NAME_PREFIXES = (
    ('master_node_', 'master'),
    ('core_node_', 'core'),
    ('task_node_', 'task'),
)


def role_from_group_name(group_name):
    """``master``/``core``/``task`` from the MRS naming convention, else ``custom``.

    The names of the default groups only: what a name says where the answer says nothing else (a cluster read from
    counts alone, a host without its group). A cluster answer's groups take their roles from ``group_roles``."""
    lowered = (group_name or '').lower()
    for prefix, role in _GROUP_NAME_PREFIXES:
        if lowered.startswith(prefix):
            return role
    return 'custom'


def role_from_host_type(host_type):
    """Hosts report types such as ``Master``, ``CoreNode``, ``Analysis_Core`` or ``Streaming_Task``."""
    lowered = (host_type or '').lower()
    for role in ('master', 'core', 'task'):
        if role in lowered:
            return role
    return 'custom'


def custom_layout(cluster_type, names, task_names=None):
    """Whether the groups are a custom cluster's: ``clusterType`` says so, or, in an answer without it, a group is not
    named as MRS names the default groups (``master_node_*``, ``core_node_*``, ``task_node_*``), or the Task groups the
    answer lists (``task_names``, None when it lists none) are not the ``task_node_*`` ones: names that contradict the
    answer's own lists are a custom cluster's, whose names say nothing."""
    if cluster_type is not None:
        return cluster_type == 'custom'
    if any(role_from_group_name(name) == 'custom' for name in names):
        return True
    if task_names is None:
        return False
    listed = set(task_names)
    return any((role_from_group_name(name) == 'task') != (name in listed) for name in names
               if role_from_group_name(name) != 'master')


def group_roles(cluster_type, names, task_names=None):
    """``role_of(name)``: the one reading of a group's kind, for an answer whose groups are ``names`` and whose
    ``taskNodeGroups`` lists ``task_names`` (None when it has no such list).

    ``taskNodeGroups`` lists the Task groups whatever their names; the Master group is named ``master_node_*`` on every
    type. On an analysis, streaming or mixed cluster the other names are the ones MRS gives that type, and say the kind.
    On a custom cluster they say nothing: a group that is neither Master nor listed in ``taskNodeGroups`` is ``custom``
    (MRS counts it as a Core-kind group; whether it holds HDFS data its nodes tell), whatever its name. Without
    ``taskNodeGroups`` a custom cluster's Task groups are not known, so they are ``custom`` too: the reading under which
    no HDFS rule is lost.
    """
    tasks = frozenset(task_names or ())
    custom = custom_layout(cluster_type, names, task_names)

    def role_of(name):
        if name in tasks:
            return 'task'
        by_name = role_from_group_name(name)
        if by_name == 'master' or not custom:
            return by_name
        return 'custom'
    return role_of


def _host_role(node_group, host_type):
    """Without a cluster answer: a default group's name (``master_node_*``, ``core_node_*``, ``task_node_*``) is the better
    witness; the host type is the fallback (older APIs lack the name)."""
    role = role_from_group_name(node_group)
    return role if role != 'custom' else role_from_host_type(host_type)


def host_kind(node_group, host_type, kinds=None):
    """A host's kind (``Host.role``; the inventory's ``mrs_kind``): ``master``, ``core``, ``task`` or ``custom``.

    ``kinds`` is ``ClusterView.group_kinds()`` of the host's cluster. A host of a group the answer lists has that group's
    role (``group_roles``: ``taskNodeGroups``, ``clusterType``, never a custom group's name); where the role is
    ``custom`` (a custom cluster's group neither Master nor a listed Task group), the host's own type says which
    (``Core``), else it stays ``custom``. A group the answer does not list is read by its host type on a custom cluster,
    whose names say nothing, and as without ``kinds`` elsewhere. Without ``kinds`` (no cluster answer was read):
    ``_host_role``, a default group's name, then the host type.
    """
    if not kinds:
        return _host_role(node_group, host_type)
    role = (kinds.get('groups') or {}).get(node_group)
    if role not in (None, 'custom'):
        return role
    if role is None and not kinds.get('custom'):
        return _host_role(node_group, host_type)
    return role_from_host_type(host_type)
