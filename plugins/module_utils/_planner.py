# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Desired node count + cluster view -> a resize plan or a clear refusal, before any write.

Pure: no I/O, no clock. Every rule of the MRS resize APIs that can be checked up front is checked
here, so that a request the cloud would refuse is refused with the option name the user wrote.

Two APIs resize a node group, and ``resolve_node_group`` picks one from the cluster view, in this one place:

- ``PUT /v1.1/{project_id}/cluster_infos/{cluster_id}`` (the vendor's "adjust cluster nodes" document) for the
  default Core and Task groups it documents (``core_node_default_group`` / ``task_node_default_group``): the one
  Core and the one Task group of an analysis or streaming cluster (``default_groups_apply``). Only it removes
  chosen Task nodes (``server_ids``) and creates the Task group of a cluster that has none (``task_node_info``).
- ``POST /v2/{project_id}/clusters/{cluster_id}/expand`` and ``/shrink`` for every other group: the named groups
  of a custom cluster, every group of a mixed cluster (two of each kind, which the default names cannot tell
  apart), any group the v1.1 document does not name. This is what Huawei's Terraform provider moved to.

A group's kind is the cluster view's (``_cluster._group_roles``: ``taskNodeGroups`` and ``clusterType``), never a
custom group's name. Limits, one place each: MAX_CORE_TASK_NODES over every non-Master group; MIN_CORE_NODES for a
group that holds HDFS data (``hdfs_evidence``: every Core group, and a custom group whose nodes run the HDFS
DataNode or cannot say, read from the v2 node list; see ``nodes_needed``), which is also the role's removal guard
(``check_hdfs_removals``).

A plan that needs no change is a no-op: it never fails merely because the cluster could not be
written to (prepaid, busy, not running), which keeps re-runs of a playbook idempotent.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import re
from dataclasses import dataclass, replace
from typing import Optional, Tuple

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterView, NodeGroup, as_whole_number, role_from_group_name
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._limits import MAX_CORE_TASK_NODES

MIN_CORE_NODES = 3
# MAX_CORE_TASK_NODES (imported above) is the planner's too: written in _limits so that _policy can share it.
NODE_ID = 'node_orderadd'
API_GROUP_NAMES = {'core': 'core_node_default_group', 'task': 'task_node_default_group'}
# As the vendor SDK's v1 TaskNodeInfo model documents them (huaweicloudsdkmrs 3.1.219: GPSSD, 0 to 20 disks).
DATA_VOLUME_TYPES = ('SATA', 'SAS', 'SSD', 'GPSSD')
DATA_VOLUME_COUNT_RANGE = (0, 20)
DATA_VOLUME_SIZE_RANGE = (100, 32000)
TASK_NODE_INFO_KEYS = ('node_size', 'data_volume_type', 'data_volume_count', 'data_volume_size')
SCALE_OUT_ONLY_OPTIONS = ('skip_bootstrap_scripts', 'scale_without_start')
# The resize API documents both flags for MRS 1.7.2 and later.
FLAGS_MIN_VERSION = (1, 7, 2)
# 7 days: longer than any scale, and far from what a float deadline cannot hold.
MAX_WAIT_TIMEOUT = 604800
# The groups a whole-cluster plan may resize, in the order capacity grows: Core (HDFS) before Task on the way out,
# Task before Core on the way in. A named group (v2 expand/shrink) joins this tuple, or sorts after it by name.
GROWTH_ORDER = ('core', 'task')
# Cluster and node (ECS server) ids are UUIDs; a little wider, but nothing a URL path or a log line could misread.
ID_PATTERN = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z')
ID_RULE = '1 to 64 characters: ASCII letters, digits, - and _, starting with a letter or digit'
MAX_NAME_LENGTH = 255
GONE_STATES = ('terminated', 'terminating')  # a cluster in these states is no longer there to act on
# A node group's name as MRS writes it (the v2 ExpandParam's node_group_name: 1 to 64 characters).
GROUP_NAME_PATTERN = re.compile(r'[A-Za-z0-9_-]{1,64}\Z')
GROUP_NAME_RULE = 'core, task, or a node group name as mrs_cluster_info shows it (1 to 64 ASCII letters, digits, _ and -)'
V11 = 'v1.1'
V2 = 'v2'
# The cluster types whose one Core and one Task group the v1.1 resize's default group names mean.
V11_CLUSTER_TYPES = ('analysis', 'streaming')
# The v2 node list's component that makes a custom group hold HDFS data: such a group keeps MIN_CORE_NODES nodes.
HDFS_DATA_ROLE = 'DataNode'

_NODE_GROUP_ALIASES = {
    'core': 'core',
    'core_node_default_group': 'core',
    'task': 'task',
    'task_node_default_group': 'task',
}
_MASTER_ALIASES = ('master', 'master_node_default_group')
_MASTER_PREFIX = 'master_node_'
_MASTER_RULE = 'the number of Master nodes cannot be changed after the cluster is created'
_ROLE_TITLES = {'core': 'Core', 'task': 'Task', 'master': 'Master', 'custom': 'custom'}


class PlanError(MrsError, ValueError):
    """A request that must not reach the API.

    ``parameter`` is the option the user wrote (or ``cluster`` when the cluster itself refuses),
    ``rule`` one sentence saying what is wrong.
    """

    def __init__(self, parameter, rule):
        super().__init__('%s: %s' % (parameter, rule), parameter=parameter)
        self.rule = rule


class GroupNotListed(PlanError):
    """``core`` / ``task`` on a cluster whose answer lists no group of that role: an analysis cluster without Task nodes,
    a custom cluster (no default Core group; no Task group listed)."""


@dataclass
class ResizeRequest:
    """What the user asked for. ``node_group`` is ``core``, ``task`` or a group name (see ``check_node_group``)."""

    node_group: str
    count: Optional[int] = None
    current_count: Optional[int] = None
    server_ids: Optional[Tuple[str, ...]] = None
    task_node_info: Optional[dict] = None
    skip_bootstrap_scripts: Optional[bool] = None
    scale_without_start: Optional[bool] = None


@dataclass(frozen=True)
class GroupRef:
    """The group a request resizes: ``key`` is ``core`` / ``task`` on the v1.1 path (the counts of the cluster view), the
    group's name on the v2 path; ``name`` the group as MRS names it; ``role`` as ``NodeGroup.role``; ``api`` V11 or V2."""

    key: str
    name: str
    role: str
    api: str


@dataclass(frozen=True)
class Plan:
    """The outcome of planning: ``body`` is the body of the ``api``'s call, or None when nothing needs to change.

    ``node_group`` is the key (``core``, ``task`` or, on the v2 path, the group name), ``group_name`` the group as MRS
    names it. On v2 a scale-out is an expand and a scale-in a shrink.
    """

    node_group: str
    before: int
    after: int
    scale_type: Optional[str] = None
    instances: int = 0
    server_ids: Tuple[str, ...] = ()
    already_gone: Tuple[str, ...] = ()
    body: Optional[dict] = None
    warnings: Tuple[str, ...] = ()
    api: str = V11
    group_name: Optional[str] = None

    @property
    def changed(self):
        return self.scale_type is not None


def check_id(parameter, value, each=False):
    """``value`` when it is a well-formed cluster or node id; else a PlanError naming ``parameter`` and the rule.

    Nothing is stripped: an id with surrounding whitespace is a mistake in the play, said so rather than guessed at.
    ``each``: the value is one entry of a list option (the message says "every id").
    """
    subject = 'every id must be' if each else 'must be'
    if not isinstance(value, str) or not value:
        raise PlanError(parameter, '%s a non-empty string (got %r)' % (subject, value))
    if value != value.strip():
        raise PlanError(parameter, '%s an id without surrounding whitespace (got %r)' % (subject, value))
    if not ID_PATTERN.match(value):
        raise PlanError(parameter, '%s %s (got %r)' % (subject, ID_RULE, value))
    return value


def check_text(parameter, value):
    """``value`` when it is usable text for a name or state filter: not blank, no surrounding whitespace, no control characters."""
    if not isinstance(value, str) or not value.strip():
        raise PlanError(parameter, 'must be a non-empty string (got %r)' % (value,))
    if value != value.strip():
        raise PlanError(parameter, 'must have no surrounding whitespace (got %r)' % (value,))
    if len(value) > MAX_NAME_LENGTH or any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise PlanError(parameter, 'must be at most %d characters without control characters (got %r)' % (MAX_NAME_LENGTH, value))
    return value


def one_live_cluster(views, cluster_name=None, project_id=None):
    """The one live (not terminated or terminating) cluster that was asked for; else a PlanError naming the option.

    By name (``cluster_name``): ``views`` are the listed clusters; exactly one live cluster must have exactly that name.
    By id (``cluster_name`` None): ``views`` holds the one cluster read by its id, which must not be gone.
    """
    if cluster_name is None:
        (view,) = views
        if view.state in GONE_STATES:
            raise PlanError('cluster_id', 'cluster %s is %s; give a live cluster' % (view.cluster_id, view.state))
        return view
    live = [view for view in views if view.name == cluster_name and view.state not in GONE_STATES]
    where = ' in project %s' % project_id if project_id else ''
    if not live:
        raise PlanError('cluster_name', 'no live cluster named %s%s (terminated clusters do not count); check the name, the '
                        'region and the project' % (json.dumps(cluster_name), where))
    if len(live) > 1:
        raise PlanError('cluster_name', 'more than one live cluster named %s%s (%s); give cluster_id instead'
                        % (json.dumps(cluster_name), where, ', '.join(view.cluster_id for view in live)))
    return live[0]


def check_node_group(value):
    """``core`` or ``task`` for the short names and the v1.1 API names (any case, surrounding blanks ignored), else the
    group name exactly as given (MRS names are case-sensitive). Master groups and malformed names are refused.

    The syntax check before any request; which group a name means is ``resolve_node_group``'s, on the cluster view.
    """
    if not isinstance(value, str) or not value.strip():
        raise PlanError('node_group', 'must be %s (got %r)' % (GROUP_NAME_RULE, value))
    key = value.strip().lower()
    if key in _NODE_GROUP_ALIASES:
        return _NODE_GROUP_ALIASES[key]
    if key in _MASTER_ALIASES or key.startswith(_MASTER_PREFIX):
        raise PlanError('node_group', _MASTER_RULE)
    if not GROUP_NAME_PATTERN.match(value):
        raise PlanError('node_group', 'must be %s (got %r)' % (GROUP_NAME_RULE, value))
    return value


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
        raise PlanError('node_group', '%s is a Master group: %s' % (group.name, _MASTER_RULE))
    if group.role in API_GROUP_NAMES and default_groups_apply(view) and len(view.groups_of(group.role)) == 1:
        return GroupRef(group.role, group.name, group.role, V11)
    return GroupRef(group.name, group.name, group.role, V2)


def _resolve_alias(view, role):
    """``core`` / ``task`` on ``view`` (see ``resolve_node_group``)."""
    groups = view.groups_of(role)
    if len(groups) > 1:
        raise PlanError('node_group', 'the cluster has %d %s groups (%s): give the name of the one to resize'
                        % (len(groups), _ROLE_TITLES[role], ', '.join(group.name for group in groups)))
    if default_groups_apply(view):
        return GroupRef(role, groups[0].name if groups else API_GROUP_NAMES[role], role, V11)
    if view.cluster_type == 'mixed' or not view.is_custom:
        raise PlanError('node_group', 'a mixed cluster has an analysis and a streaming %s group, each resized by its name '
                        'through v2 expand/shrink: give the name of the one to resize (%s)' % (_ROLE_TITLES[role], _choose_from(view)))
    if role == 'task' and len(groups) == 1:
        return GroupRef(groups[0].name, groups[0].name, 'task', V2)
    if role == 'task':
        raise GroupNotListed('node_group', 'this custom cluster lists no Task group (taskNodeGroups); give the name of the '
                             'group to resize (%s)' % _choose_from(view))
    raise GroupNotListed('node_group', 'a custom cluster has no default Core group (its groups are named at creation, and '
                         'whether one holds HDFS data depends on the roles its nodes run): give the group\'s name (%s)'
                         % _choose_from(view))


def validate_task_node_info(info):
    """The Task node spec, cleaned (canonical types, no None values), or None when not given.

    A dict whose values are all None counts as not given: that is what an argument spec with
    suboptions produces when the user left the option out.
    """
    if info is None:
        return None
    if not isinstance(info, dict):
        raise PlanError('task_node_info', 'must be a dictionary with node_size and optionally %s' % ', '.join(TASK_NODE_INFO_KEYS[1:]))
    given = dict((key, value) for key, value in info.items() if value is not None)
    if not given:
        return None
    unknown = sorted(set(given) - set(TASK_NODE_INFO_KEYS))
    if unknown:
        raise PlanError('task_node_info', 'unknown key(s) %s; allowed: %s' % (', '.join(unknown), ', '.join(TASK_NODE_INFO_KEYS)))
    cleaned = {'node_size': _node_size(given.get('node_size'))}
    if 'data_volume_type' in given:
        cleaned['data_volume_type'] = _data_volume_type(given['data_volume_type'])
    if 'data_volume_count' in given:
        cleaned['data_volume_count'] = _whole_number_in_range('task_node_info.data_volume_count', given['data_volume_count'], DATA_VOLUME_COUNT_RANGE)
    if 'data_volume_size' in given:
        cleaned['data_volume_size'] = _whole_number_in_range('task_node_info.data_volume_size', given['data_volume_size'], DATA_VOLUME_SIZE_RANGE, ' GB')
    return cleaned


def _node_size(value):
    if not isinstance(value, str) or not value.strip():
        raise PlanError('task_node_info.node_size', 'required: the Task node flavor, e.g. c3.4xlarge.2.linux.bigdata')
    return value.strip()


def _data_volume_type(value):
    canonical = value.strip().upper() if isinstance(value, str) else None
    if canonical not in DATA_VOLUME_TYPES:
        raise PlanError('task_node_info.data_volume_type', 'must be one of %s (got %r)' % (', '.join(DATA_VOLUME_TYPES), value))
    return canonical


def _whole_number_in_range(parameter, value, bounds, unit=''):
    low, high = bounds
    number = as_whole_number(value)
    if number is None or not low <= number <= high:
        raise PlanError(parameter, 'must be a whole number from %d to %d%s (got %r)' % (low, high, unit, value))
    return number


def node_count(parameter, value):
    """``value`` as a count of nodes (``"3"`` and ``3.0`` are 3), else a PlanError naming ``parameter``.

    The one normalisation of a count for the module, the whole-cluster plan and so the role.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    number = as_whole_number(value)
    if number is None:
        raise PlanError(parameter, 'must be a whole number, got %r' % (value,))
    if number < 0:
        raise PlanError(parameter, 'must be 0 or more, got %d' % number)
    return number


def _optional_node_count(parameter, value, high=None):
    if value is None:
        return None
    number = node_count(parameter, value)
    if high is not None and number > high:
        raise PlanError(parameter, 'must be from 0 to %d: no node group can have more nodes (got %d)' % (high, number))
    return number


def check_wait_timeout(value, parameter='wait_timeout'):
    """``value`` when it is a usable wait in seconds (0 to MAX_WAIT_TIMEOUT), else a PlanError naming ``parameter``."""
    number = as_whole_number(value)
    if number is None or not 0 <= number <= MAX_WAIT_TIMEOUT:
        raise PlanError(parameter, 'must be 0 or more seconds, got %s (at most %d, 7 days)' % (value, MAX_WAIT_TIMEOUT))
    return number


def _check_flags_version(view, flags):
    """The scale-out flags need MRS 1.7.2 or later (the resize API's documentation; MRS refuses them with 12000067 on an
    older cluster): refused up front, naming the flag, when the answer's ``clusterVersion`` says the cluster is older.
    A version the answer lacks, or that cannot be read, leaves the decision to MRS."""
    version = _version_tuple(view.version)
    if flags and version is not None and version < FLAGS_MIN_VERSION:
        raise PlanError(sorted(flags)[0], 'needs MRS %s or later, and this cluster runs %s (MRS refuses it with 12000067): drop '
                        '%s' % ('.'.join(str(part) for part in FLAGS_MIN_VERSION), view.version, ' and '.join(sorted(flags))))


def _version_tuple(text):
    match = re.search(r'(\d+)\.(\d+)(?:\.(\d+))?', text or '')
    return None if match is None else tuple(int(part or 0) for part in match.groups())


def _scale_out_flags(request):
    """The scale-out-only booleans the user set, in the order the API documents them (the argument spec made them booleans)."""
    return dict((name, getattr(request, name)) for name in SCALE_OUT_ONLY_OPTIONS if getattr(request, name) is not None)


def _checked_server_ids(server_ids, group):
    """The ids as a tuple (None when not given): each a well-formed id, none twice, and not for the Core group.

    Whether a group name is the v1.1 Task group is known only on the cluster view (``_check_v2_options``).
    """
    if server_ids is None:
        return None
    server_ids = tuple(check_id('server_ids', server_id, each=True) for server_id in server_ids)
    repeated = sorted(set(server_id for server_id in server_ids if server_ids.count(server_id) > 1))
    if repeated:
        raise PlanError('server_ids', 'every id may appear once; repeated: %s' % ', '.join(repeated))
    if server_ids and group == 'core':
        raise PlanError('server_ids', 'only Task nodes can be removed by id: use node_group task, or drop server_ids')
    return server_ids


def non_task_hosts(view, hosts):
    """The hosts (``Host``) that are not Task nodes, by the kind their group has on ``view`` (``_host_kind``): what a
    removal of chosen nodes refuses, since only Task nodes can be removed by id."""
    return [host for host in hosts if _host_kind(view, host) != 'task']


def host_kind(view, host):
    """A host's kind (``master``, ``core``, ``task`` or ``custom``): its group's on ``view``, else the host list's."""
    return _host_kind(view, host)


def _host_kind(view, host):
    """A host's kind: its group's, as the cluster answer says it, when the host names a group the answer lists; else what
    the host list says (``Host.role``, ``_cluster.host_kind``)."""
    group = view.group(host.node_group) if host.node_group else None
    return group.role if group is not None else host.role


def _split_server_ids(view, ids, hosts, before):
    """(ids still in the cluster, ids already gone). Ids of non-Task nodes are refused.

    An id counts as gone only when the host list is complete for the Task group (as many Task hosts as
    the group has nodes): a list cut short (a page missing, a trimmed answer) says nothing about the
    ids it does not show.
    """
    if not ids:
        return (), ()
    hosts_by_id = dict((host.id, host) for host in hosts)
    for server_id in ids:
        host = hosts_by_id.get(server_id)
        kind = None if host is None else _host_kind(view, host)
        if host is not None and kind != 'task':
            raise PlanError('server_ids', '%s (%s) is a %s node, not a Task node: only Task nodes can be removed by id'
                            % (server_id, host.name, _ROLE_TITLES.get(kind, kind)))
    present = tuple(server_id for server_id in ids if server_id in hosts_by_id)
    gone = tuple(server_id for server_id in ids if server_id not in hosts_by_id)
    listed_task_hosts = sum(1 for host in hosts if _host_kind(view, host) == 'task')
    if gone and listed_task_hosts < before:
        raise PlanError('server_ids', 'the host list shows %d Task nodes but the Task group has %d, so it cannot tell whether %s '
                        'are gone; nothing was sent (run again, or check the host list)' % (listed_task_hosts, before, ', '.join(gone)))
    return present, gone


def _target_count(before, count, present_ids, server_ids_given):
    """The group's node count after the change, from ``count``, ``server_ids`` or both."""
    if not server_ids_given:
        if count is None:
            raise PlanError('count', 'give count (the number of nodes wanted) or server_ids (the Task nodes to remove)')
        return count
    after = before - len(present_ids)
    if after < 0:
        raise PlanError('server_ids', 'the host list shows %d of these Task nodes but the Task group has only %d' % (len(present_ids), before))
    if count is not None and count != after:
        raise PlanError('count', 'count and server_ids must agree: removing %d of the given nodes leaves %d, not %d' % (len(present_ids), after, count))
    return after


def _check_current_count(current_count, before, group):
    if current_count is not None and current_count != before:
        raise PlanError('current_count', 'the %s group has %d nodes, not %d as expected: the plan was made on stale facts'
                        % (_title(group), before, current_count))


def _check_v2_options(ref, request):
    """What only the v1.1 path can do, refused on a v2 group before any write."""
    if ref.api == V11:
        return
    if request.server_ids:
        raise PlanError('server_ids', 'only the Task group resized through the v1.1 API can remove chosen nodes; %s is resized '
                        'through v2 expand/shrink, which removes nodes MRS chooses: drop server_ids and give count' % ref.name)
    if request.task_node_info is not None:
        raise PlanError('task_node_info', 'applies only to the Task group resized through the v1.1 API (it creates that group); '
                        '%s is resized through v2 expand/shrink, which keeps the group\'s own node spec: drop task_node_info'
                        % ref.name)


def hosts_needed(view, request):
    """Whether planning ``request`` needs the v1.1 host list: ``server_ids`` on the v1.1 Task group. False for anything
    ``plan_resize`` refuses anyway (so a refusal never waits for a read)."""
    try:
        request = validate_request(request)
        ref = resolve_node_group(view, request.node_group)
    except MrsError:
        return False
    return bool(request.server_ids) and ref.api == V11 and ref.key == 'task'


def nodes_needed(view, request):
    """Whether planning ``request`` needs the v2 node list (``GET /v2/.../nodes``): a scale-in of a custom group below
    MIN_CORE_NODES. The details answer does not say a custom group's kind; its nodes do (a DataNode holds HDFS data,
    and MRS keeps such a group at 3 or more). False for anything ``plan_resize`` would refuse anyway."""
    return node_list_group(view, request) is not None


def node_list_group(view, request):
    """The name of the group whose nodes planning ``request`` reads (``nodes_needed``), or None: only that group's nodes
    are read, and their count is checked against the group's count in the cluster answer."""
    try:
        request = validate_request(request)
        ref = resolve_node_group(view, request.node_group)
        before = view.count_of(ref.key)
    except MrsError:
        return None
    if ref.role == 'custom' and request.count is not None and request.count < min(before, MIN_CORE_NODES):
        return ref.name
    return None


def hdfs_evidence(ref, count, nodes):
    """(holds, why): whether the group ``ref`` (a ``GroupRef``, with ``count`` nodes) holds HDFS data, and on what.

    The one rule behind a group's minimum of MIN_CORE_NODES and the role's removal guard. ``holds`` is True for a Core
    group (the Core groups of analysis, streaming and mixed clusters hold HDFS data), False for a Task group, and for a
    custom group what its nodes say (``nodes``: the v2 node list as ``_nodes.parse_nodes`` reads it, as
    mrs_cluster_info returns it, or None when it was not read): True when one of its
    nodes runs the HDFS DataNode; False only when the list shows every node of the group and each one's components;
    None (unknown) otherwise. A node whose components the answer leaves out or empties (MRS lists them only when asked,
    with ``query_node_detail=true``) says nothing: unknown is never taken for "no DataNode".
    """
    if ref.role == 'core':
        return True, 'a Core group'
    if ref.role != 'custom':
        return False, 'a Task group'
    if nodes is None:
        return None, 'the node list of group %s was not read' % ref.name
    mine = [node for node in nodes if node.get('group') == ref.name]
    if any(HDFS_DATA_ROLE in (node['components'] or ()) for node in mine):
        return True, 'runs the HDFS DataNode'
    if len(mine) < count:
        return None, 'the node list shows %d of the %d nodes of group %s' % (len(mine), count, ref.name)
    unknown = sorted(node['name'] for node in mine if not node['components'])
    if unknown:
        return None, ('the node list does not say which components %s of group %s run (component_infos missing or empty; MRS '
                      'lists them only with query_node_detail=true)' % (', '.join(unknown), ref.name))
    return False, 'no node of it runs the HDFS DataNode'


def _check_custom_minimum(ref, before, after, nodes):
    """A custom group that holds HDFS data keeps MIN_CORE_NODES nodes (``nodes``: the parsed v2 node list). A group whose
    nodes cannot say is taken as holding HDFS data: the shrink is refused rather than decided from what is missing."""
    holds, why = hdfs_evidence(ref, before, nodes)
    if holds:
        raise PlanError('count', 'node group %s %s, so it holds HDFS data like a Core group: it can never go below %d nodes '
                        '(asked for %d)' % (ref.name, why, MIN_CORE_NODES, after))
    if holds is None:
        raise PlanError('count', '%s, so it cannot tell whether the group holds HDFS data; taking the safe reading that it does, '
                        'it keeps at least %d nodes (asked for %d): nothing was sent (run again, or check the node list with '
                        'hwcloud.mrs.mrs_cluster_info include_nodes)' % (why, MIN_CORE_NODES, after))


def _check_node_limits(view, ref, before, after, nodes=None):
    if ref.role == 'core' and after < MIN_CORE_NODES:
        if ref.api == V11:
            raise PlanError('count', 'Core nodes can never go below %d (asked for %d)' % (MIN_CORE_NODES, after))
        raise PlanError('count', '%s is a Core group: Core groups can never go below %d nodes (asked for %d)'
                        % (ref.name, MIN_CORE_NODES, after))
    if ref.role == 'custom' and after < min(before, MIN_CORE_NODES) and nodes is not None:
        _check_custom_minimum(ref, before, after, nodes)
    if after <= before:
        return
    total_now = view.resizable_total()  # refused when the answer lacks a count it needs
    total_after = total_now + after - before
    if total_after > MAX_CORE_TASK_NODES:
        what = 'the non-Master node groups' if view.groups_of('custom') else 'Core + Task nodes'
        raise PlanError('count', '%s can total at most %d (this would make %d; at most %d more can be added)'
                        % (what[0].upper() + what[1:], MAX_CORE_TASK_NODES, total_after, max(0, MAX_CORE_TASK_NODES - total_now)))


def _task_node_info_to_send(group, before, after, task_node_info):
    """The spec goes only with a Task scale-out from 0 nodes, where it is required; otherwise it is not sent."""
    if group != 'task' or before != 0 or after <= before:
        return None
    if task_node_info is None:
        raise PlanError('task_node_info', 'required when scaling the Task group out from 0 nodes: give at least node_size')
    return task_node_info


def _check_cluster_can_scale(view, api=V11):
    if view.is_prepaid and api == V11:
        raise PlanError('cluster', 'yearly/monthly (prepaid) clusters cannot be scaled through the v1.1 resize API (error '
                        '12000065), which is what resizes this group')
    if view.state != 'running' or view.is_scaling:
        raise PlanError('cluster', "cluster is in state '%s'%s: only a running cluster can be scaled" % (view.state, _progress(view)))


def _progress(view):
    parts = []
    if view.scale:
        parts.append("scale '%s'" % view.scale)
    if view.stage_desc:
        parts.append("stage '%s'" % view.stage_desc)
    return ' (%s)' % ', '.join(parts) if parts else ''


def _body(group, scale_type, instances, task_node_info=None, flags=None, server_ids=()):
    """The PUT body in the documented shape and key order; optional keys only when they apply."""
    parameters = {
        'order_id': '',
        'scale_type': scale_type,
        'node_id': NODE_ID,
        'node_group': API_GROUP_NAMES[group],
    }
    if task_node_info is not None:
        parameters['task_node_info'] = dict(task_node_info)
    parameters['instances'] = str(instances)
    parameters.update(flags or {})
    if server_ids:
        parameters['server_ids'] = list(server_ids)
    return {'service_id': '', 'plan_id': '', 'parameters': parameters, 'previous_values': {'plan_id': ''}}


def _v2_body(ref, scale_type, instances, flags):
    """The v2 ExpandParam / ShrinkParam body: the group by name and the nodes to add or remove."""
    body = {'node_group_name': ref.name, 'count': instances}
    if scale_type == 'scale_out':
        body.update(flags)
    return body


def _no_change(ref, before, current_count, already_gone):
    warnings = ()
    if current_count is not None and current_count != before:
        warnings = ('current_count: expected %d %s nodes but the group has %d, which is already what was asked for; nothing to change'
                    % (current_count, _title(ref.key), before),)
    return Plan(node_group=ref.key, before=before, after=before, already_gone=already_gone, warnings=warnings, api=ref.api,
                group_name=ref.name)


def validate_request(request):
    """``request`` checked and normalised by every rule that needs no cluster (raises ``PlanError``).

    The module calls it before any request; ``plan_resize`` calls it again (it is idempotent), so the
    planner is total whatever the caller did before.
    """
    group = check_node_group(request.node_group)
    return replace(
        request,
        node_group=group,
        count=_optional_node_count('count', request.count),
        current_count=_optional_node_count('current_count', request.current_count, MAX_CORE_TASK_NODES),
        server_ids=_checked_server_ids(request.server_ids, group),
        task_node_info=validate_task_node_info(request.task_node_info),
    )


def plan_resize(view, request, hosts=None, nodes=None):
    """Plan the resize ``request`` (a ``ResizeRequest``) of the cluster ``view`` (a ``ClusterView``).

    ``hosts`` (a sequence of ``Host``) is needed only with ``server_ids``; ``nodes`` (the v2 node list) only when
    ``nodes_needed`` says so (without it, a custom group's minimum is not checked: the caller that writes passes it).
    Returns a ``Plan``; raises ``PlanError`` for any request the API would refuse, and ``ClusterParseError`` when the
    view lacks a count the plan needs (the group's, and every non-Master group's for the 500-node limit).
    """
    request = validate_request(request)
    ref = resolve_node_group(view, request.node_group)
    _check_v2_options(ref, request)
    if nodes is not None:
        # Imported here, as normal_held below: only a plan given a node list reads one, and AnsiballZ compiles every line a
        # task imports, on every task (docs/performance.md).
        from ansible_collections.hwcloud.mrs.plugins.module_utils._nodes import parse_nodes  # pylint: disable=import-outside-toplevel
        nodes = parse_nodes(nodes)  # refuses an answer that is not a node list, naming the field
    group, count, current_count, task_node_info = ref.key, request.count, request.current_count, request.task_node_info
    if request.server_ids and group != 'task':
        raise PlanError('server_ids', 'only Task nodes can be removed by id: %s is the %s group; use the Task group, or drop '
                        'server_ids' % (ref.name, _title(ref.role)))
    flags = _scale_out_flags(request)
    before = view.count_of(group)
    present_ids, already_gone = _split_server_ids(view, request.server_ids, hosts, before)
    # An empty server_ids list names no node: with count, count decides alone; without count, there is nothing to remove.
    by_id = bool(present_ids or already_gone) or (count is None and request.server_ids is not None)
    after = _target_count(before, count, present_ids, by_id)
    if after == before:
        return _no_change(ref, before, current_count, already_gone)

    _check_current_count(current_count, before, group)
    _check_node_limits(view, ref, before, after, nodes)
    task_node_info = _task_node_info_to_send(group, before, after, task_node_info) if ref.api == V11 else None
    _check_cluster_can_scale(view, ref.api)

    instances = abs(after - before)
    scale_type = 'scale_out' if after > before else 'scale_in'
    if scale_type == 'scale_out':
        _check_flags_version(view, flags)
    warnings = () if scale_type == 'scale_out' else tuple(
        '%s applies to scale-out only; it is not sent with this scale-in' % name for name in flags)
    if ref.api == V2:
        return Plan(group, before, after, scale_type, instances, body=_v2_body(ref, scale_type, instances, flags),
                    warnings=warnings, api=V2, group_name=ref.name)
    if scale_type == 'scale_out':
        body = _body(group, 'scale_out', instances, task_node_info, flags)
        return Plan(group, before, after, 'scale_out', instances, body=body, group_name=ref.name)
    body = _body(group, 'scale_in', instances, server_ids=present_ids)
    return Plan(group, before, after, 'scale_in', instances, present_ids, already_gone, body, warnings, group_name=ref.name)


POLICY_MODULE = 'hwcloud.mrs.mrs_autoscaling_policy'


def listed_group(view, group):
    """The name MRS gives the group that ``group`` (``core`` / ``task`` or a group name) means on ``view``, resolved as a
    resize resolves it (``resolve_node_group``), when the answer lists that group; else a PlanError naming ``node_group``.
    The one resolution of ``core`` / ``task`` for resizes and auto-scaling policies alike."""
    ref = resolve_node_group(view, group)
    if view.group(ref.name) is None:
        raise GroupNotListed('node_group', '%s: the cluster has no %s group as MRS names them (%s); give the group\'s name'
                             % (group, _title(ref.role), _choose_from(view)))
    return ref.name


def policy_group(view, group):
    """The name MRS gives the group a resize of ``group`` (a plan's key: core/task, or a group name) acts on, as the
    policy module resolves it, or None when the answer names no such group."""
    try:
        return listed_group(view, group)
    except GroupNotListed:
        return None


def _policies_of(policies, group, group_name):
    """The policy entries (any resource pool) of the group; by role when the cluster answer named no group."""
    if not isinstance(policies, list):
        raise MrsError('the auto-scaling policy list is not a list (got %s); nothing was resized' % type(policies).__name__)
    # Imported here: only a planned change reads the policies, and a no-op task then never compiles the policy rules.
    from ansible_collections.hwcloud.mrs.plugins.module_utils._policy import normal_held  # pylint: disable=import-outside-toplevel
    found = []
    for entry in policies:
        if not isinstance(entry, dict):
            raise MrsError('an entry of the auto-scaling policy list is not an object; nothing was resized')
        name = entry.get('node_group_name')
        if name == group_name or (group_name is None and role_from_group_name(name) == group):
            policy = entry.get('auto_scaling_policy')
            if not isinstance(policy, dict):
                raise MrsError('the auto-scaling policy of node group %s is not an object; nothing was resized' % name)
            found.append((name, normal_held(policy)))
    return found


def check_policy(plan, group_name, policies):
    """A planned manual resize against the group's auto-scaling policies (``policies``: the v2 GET list; an empty list,
    or None for MRS's "policy not found", means none). An enabled policy owns the group's count, so the resize is refused
    here, before any write, with the policy's bounds and the three ways out; a disabled policy, or none, lets it proceed.
    """
    if not plan.changed or policies is None:
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
            % (_title(node_group), group_name, low, high, before, after, outside, ways_out))


@dataclass(frozen=True)
class Step:
    """One resize of a whole-cluster plan: ``node_group`` (a ``GroupRef`` key: ``core``, ``task`` or a group name, what
    mrs_cluster_nodes takes as its node_group) from ``before`` to ``after`` nodes."""

    node_group: str
    before: int
    after: int


# The order capacity grows in: Core groups (HDFS) first, then custom groups (which may hold HDFS data too: the
# cluster answer does not say), then Task groups; within a kind the v1.1 default group first, then by name. Scale-ins
# run in the reverse order, so Task nodes leave first and Core nodes last.
_ROLE_ORDER = ('core', 'custom', 'task')


def _growth_rank(ref):
    role_rank = _ROLE_ORDER.index(ref.role) if ref.role in _ROLE_ORDER else len(_ROLE_ORDER)
    return (role_rank, 0 if ref.key in GROWTH_ORDER else 1, ref.key)


def _title(group):
    return _ROLE_TITLES.get(group, group)


def _check_target(goal, given, refs, total_now=None, now=None):
    """The target on its own: a Core group at least MIN_CORE_NODES, the non-Master groups together at most
    MAX_CORE_TASK_NODES.

    ``goal`` maps each key of ``refs`` (key -> GroupRef, every group the check knows) to its count; ``given`` maps the
    keys the caller set to the key as the caller wrote it. ``total_now`` is the cluster's non-Master total before the
    plan and ``now`` each group's count then (both None before the cluster was read: then the sum of the groups set
    is checked).
    """
    for key, label in given.items():
        if refs[key].role == 'core' and goal[key] < MIN_CORE_NODES:
            raise PlanError('target.%s' % label, 'must be %d or more (MRS keeps at least %d Core nodes), got %d'
                            % (MIN_CORE_NODES, MIN_CORE_NODES, goal[key]))
    if not given:
        return
    keys = sorted(goal, key=lambda key: _growth_rank(refs[key]))
    total = sum(goal.values()) if total_now is None else total_now + sum(goal[key] - now[key] for key in goal)
    if total > MAX_CORE_TASK_NODES:
        raise PlanError(' / '.join('target.%s' % given[key] for key in keys if key in given),
                        '%s would be %d nodes (%s); MRS allows at most %d'
                        % (' + '.join(_title(key) for key in keys), total,
                           ', '.join('%s %d' % (_title(key), goal[key]) for key in keys), MAX_CORE_TASK_NODES))


def _moves(group, start, end, stride):
    """The resizes of one group from ``start`` to ``end``, each at most ``stride`` nodes (0: one resize)."""
    moves, current = [], start
    stride = stride or abs(end - start)
    while current != end:
        following = min(current + stride, end) if end > current else max(current - stride, end)
        moves.append(Step(group, current, following))
        current = following
    return moves


def _counts_view(counts):
    """The cluster a mapping of counts describes (``core`` / ``task``: the default groups, any other key a group of that
    name, its role from the name): what a whole-cluster plan is made on when no cluster view is given."""
    groups = []
    for key, value in counts.items():
        try:
            name = check_node_group(key)
        except PlanError as error:
            raise PlanError('current.%s' % (key,), error.rule)
        if any(group.name == API_GROUP_NAMES.get(name, name) for group in groups):
            raise PlanError('current.%s' % key, 'the same node group is given twice')
        number = node_count('current.%s' % key, value)
        groups.append(NodeGroup(name=API_GROUP_NAMES.get(name, name), role=name if name in API_GROUP_NAMES else
                                role_from_group_name(name), node_count=number))
    if any(group.role in API_GROUP_NAMES for group in groups) or not groups:
        for role in API_GROUP_NAMES:  # Core and Task as before: both counts are needed
            if not any(group.role == role for group in groups):
                node_count('current.%s' % role, None)
    totals = dict((role, sum(group.node_count for group in groups if group.role == role)) for role in API_GROUP_NAMES)
    return ClusterView(cluster_id='', name='', state='running', scale='', stage_desc=None, billing_type=None, version=None,
                       master_count=0, core_count=totals['core'], task_count=totals['task'], node_groups=tuple(groups))


def _view_of(base, refs, counts):
    """``base`` as a running, idle cluster whose groups of ``refs`` (key -> GroupRef) have the ``counts`` (key -> count):
    what each resize of a sequence is planned on. A group's change moves the cluster-level count of its role too (a
    custom group's moves the Core count, which the v1.1 answer counts it in), so the node limit sees every node."""
    core, task = base.core_count, base.task_count
    groups = list(base.node_groups)
    for key, count in counts.items():
        ref = refs[key]
        delta = count - base.count_of(key)
        if not delta:
            continue
        groups = [replace(group, node_count=group.node_count + delta) if group.name == ref.name else group for group in groups]
        if ref.role == 'task':
            task = task + delta if task is not None else None
        elif core is not None:
            core += delta
    return replace(base, state='running', scale='', stage_desc=None, billing_type=None, core_count=core, task_count=task,
                   node_groups=tuple(groups))


def _check_each_step(base, refs, labels, steps, task_node_info, check_spec):
    """Each resize planned with ``plan_resize`` on the counts the cluster has by then; its refusal names the target."""
    counts = {}
    for move in steps:
        ref = refs[move.node_group]
        spec = task_node_info if ref.api == V11 and ref.key == 'task' else None
        request = ResizeRequest(node_group=move.node_group, count=move.after, current_count=move.before, task_node_info=spec)
        try:
            plan_resize(_view_of(base, refs, counts), request)
        except PlanError as error:
            if check_spec or not error.parameter.startswith('task_node_info'):
                parameter = 'target.%s' % labels[move.node_group] if error.parameter in ('count', 'node_group') else error.parameter
                raise PlanError(parameter, '%s (resize %s %d -> %d)' % (error.rule, move.node_group, move.before, move.after))
        counts[move.node_group] = move.after


def _target_refs(view, target):
    """key -> GroupRef and key -> the caller's key for every group ``target`` sets; on ``view`` (None: by name only)."""
    refs, labels = {}, {}
    for given in target:
        try:
            if view is None:
                name = check_node_group(given)
                role = name if name in API_GROUP_NAMES else role_from_group_name(name)
                ref = GroupRef(name, API_GROUP_NAMES.get(name, name), role, V11 if name in API_GROUP_NAMES else V2)
            else:
                ref = resolve_node_group(view, given)
        except PlanError as error:
            raise PlanError('target.%s' % given, error.rule)
        if ref.key in refs:
            raise PlanError('target.%s / target.%s' % (labels[ref.key], given), 'both name the node group %s; give it once' % ref.name)
        refs[ref.key], labels[ref.key] = ref, given
    return refs, labels


def view_of_info(cluster):
    """A cluster as mrs_cluster_info returns it (an element of its ``clusters``), as a ``ClusterView``; the counts checked
    as counts, naming ``current.<group>``. What the filters plan on."""
    groups = []
    for index, group in enumerate(cluster["node_groups"]):
        if not isinstance(group, dict) or not isinstance(group.get("name"), str):
            raise PlanError("current.node_groups[%d]" % index, "must be a node group as mrs_cluster_info returns it (with name)")
        groups.append(NodeGroup(name=group["name"], role=group.get("role") or group.get("kind") or "custom",
                                node_count=node_count("current.%s" % group["name"], group.get("node_count"))))
    counts = dict((key, None if cluster.get(key) is None else node_count("current.%s" % key, cluster[key]))
                  for key in ("master_count", "core_count", "task_count"))
    return ClusterView(cluster_id=str(cluster.get("id") or ""), name=str(cluster.get("name") or ""), state="running", scale="",
                       stage_desc=None, billing_type=None, version=None, node_groups=tuple(groups),
                       cluster_type=cluster.get("cluster_type"), **counts)


def shown_counts(view, target, steps):
    """The counts a whole-cluster result shows, by the keys of its resizes: Core and Task (``core_count`` /
    ``task_count``) unless the cluster is custom (``ClusterView.is_custom``), every group ``target`` sets by name, and
    every group a step (``Step``, or a dict with ``node_group`` and ``from``) changes, at its count before."""
    shown = {}
    if not view.is_custom:
        shown.update(core=view.core_count, task=view.task_count)
    for group in view.node_groups:
        if target.get(group.name) is not None:
            shown[group.name] = group.node_count
    for move in steps:
        key, before = (move['node_group'], move['from']) if isinstance(move, dict) else (move.node_group, move.before)
        shown.setdefault(key, before)
    return shown


def plan_cluster(current, target, step=0, task_node_info=None, check_spec=True):
    """The ordered resizes (a list of ``Step``) that take the groups from ``current`` to ``target``.

    ``current`` is the cluster: a ``ClusterView``, or a mapping of counts (``core`` and ``task``, and any group by
    name), or None before the cluster was read (then only the target and the spec are checked, and the plan is empty).
    ``target`` maps groups (``core``, ``task`` or a group name, as mrs_cluster_nodes takes ``node_group``) to counts;
    a group left out or None keeps its count. Which group a key means, and its rules, are ``resolve_node_group``'s and
    ``plan_resize``'s: a Master group or one the cluster does not have is refused. ``step`` caps the nodes one resize
    adds or removes (0: no cap). Capacity comes first: scale-outs before scale-ins (Core groups out first, custom
    ones next, Task last; the reverse in), unless growing first would pass MAX_CORE_TASK_NODES; each group only grows or
    only shrinks. Every resize is checked with ``plan_resize`` before the plan is returned, so a sequence the module
    would refuse part way is refused whole. Without ``check_spec``, a missing Task node spec is left to the call that
    makes the resize. Refusals are PlanErrors naming ``target.<key>``, ``current.<key>``, ``step`` or the spec.
    """
    stride = node_count('step', step)
    view = None
    if current is not None:
        view = current if isinstance(current, ClusterView) else _counts_view(current)
    refs, labels = _target_refs(view, [key for key in target if target[key] is not None])
    wanted = dict((key, node_count('target.%s' % labels[key], target[labels[key]])) for key in refs)
    spec = validate_task_node_info(task_node_info)
    if view is None:
        _check_target(wanted, labels, refs)
        return []
    every = dict(refs)
    for group in view.node_groups:
        if group.role != 'master':
            ref = resolve_node_group(view, group.name)
            every.setdefault(ref.key, ref)
    # A role the answer lists no group of counts by its v1.1 count (a Task group MRS creates from 0 nodes), on the
    # clusters whose default groups the v1.1 resize means (default_groups_apply).
    listed = set(ref.role for ref in every.values())
    default_groups = default_groups_apply(view)
    for role in API_GROUP_NAMES:
        if default_groups and role not in listed and getattr(view, '%s_count' % role) is not None:
            every[role] = GroupRef(role, API_GROUP_NAMES[role], role, V11)
    now = dict((key, view.count_of(key)) for key in every)
    goal = dict((key, wanted.get(key, now[key])) for key in every)
    total_now = view.resizable_total()
    _check_target(goal, labels, every, total_now, now)
    keys = sorted(refs, key=lambda key: _growth_rank(refs[key]))
    outs = [_moves(key, now[key], goal[key], stride) for key in keys if goal[key] > now[key]]
    ins = [_moves(key, now[key], goal[key], stride) for key in reversed(keys) if goal[key] < now[key]]
    growth = sum(max(0, goal[key] - now[key]) for key in keys)
    ordered = outs + ins if total_now + growth <= MAX_CORE_TASK_NODES else ins + outs
    steps = [move for moves in ordered for move in moves]
    _check_each_step(view, refs, labels, steps, spec, check_spec)
    return steps


def hdfs_removals(view, steps, nodes=None):
    """What a whole-cluster plan removes from groups that may hold HDFS data, by the rule of ``hdfs_evidence`` (the rule
    that gives such a group its minimum of MIN_CORE_NODES).

    ``steps``: the plan (``Step``, or dicts with ``node_group``, ``from`` and ``count`` as the scale_steps filter returns
    them); ``nodes``: the parsed v2 node list, or None when it was not read. One dict per group the plan shrinks, in the
    plan's order: ``node_group`` (the step key), ``name`` (as MRS names it), ``kind`` (its role), ``from``, ``count`` (after the plan),
    ``removed``, ``holds_hdfs`` (True, False or None: unknown) and ``why``.
    """
    order, ends = [], {}
    for move in steps:
        key, before, after = (move['node_group'], move['from'], move['count']) if isinstance(move, dict) else (
            move.node_group, move.before, move.after)
        if key not in ends:
            order.append(key)
            ends[key] = [before, after]
        ends[key][1] = after
    found = []
    for key in order:
        before, after = ends[key]
        if after >= before:
            continue
        ref = resolve_node_group(view, key)
        holds, why = hdfs_evidence(ref, view.count_of(ref.key), nodes)
        found.append({'node_group': key, 'name': ref.name, 'kind': ref.role, 'from': before, 'count': after,
                      'removed': before - after, 'holds_hdfs': holds, 'why': why})
    return found


def check_hdfs_removals(view, steps, nodes=None, limit=None, names=None, label=None):
    """``hdfs_removals`` of the plan, checked before its first resize: a group that holds HDFS data (or whose nodes cannot
    say, the safe reading) keeps MIN_CORE_NODES nodes once its node list was read, and the plan removes at most ``limit``
    nodes from such groups (None: no limit). Refusals are PlanErrors naming ``target.<key>`` or ``removal_limit``;
    ``names`` may rename ``removal_limit`` and name ``allow_removal`` (the setting that lifts the limit) in the advice;
    ``label`` is added to the list of changes (e.g. the profile). Returns the removals.
    """
    names = dict({'removal_limit': 'removal_limit'}, **(names or {}))
    removals = hdfs_removals(view, steps, nodes)
    for item in removals:
        if item['kind'] == 'custom' and item['count'] < MIN_CORE_NODES and item['holds_hdfs'] is not False and nodes is not None:
            ref = resolve_node_group(view, item['node_group'])
            try:
                _check_custom_minimum(ref, item['from'], item['count'], nodes)
            except PlanError as error:
                raise PlanError('target.%s' % item['node_group'], '%s (resize %s %d -> %d)'
                                % (error.rule, item['node_group'], item['from'], item['count']))
    counted = [item for item in removals if item['holds_hdfs'] is not False]
    total = sum(item['removed'] for item in counted)
    if limit is not None and total > limit:
        raise PlanError(names['removal_limit'], _removal_refusal(counted, total, limit, names, label))
    return removals


def _removal_refusal(counted, total, limit, names, label):
    core_only = all(item['kind'] == 'core' for item in counted)
    changes = ', '.join('%s%d -> %d' % ('' if item['node_group'] == 'core' else item['node_group'] + ' ', item['from'], item['count'])
                        for item in counted)
    notes = ''.join(' %s counts: %s%s.' % (item['name'], item['why'], '' if item['holds_hdfs'] else ', so it is taken as holding HDFS data')
                    for item in counted if item['kind'] != 'core')
    allow = ', or set %s to true for this run' % names['allow_removal'] if names.get('allow_removal') else ''
    return ('this run would remove %d %s (%s%s) and at most %d may go in one run. Nothing was changed.%s %s hold HDFS data: MRS '
            'decommissions each one before removing it, copying its blocks to the remaining DataNodes, which takes minutes to '
            'hours depending on the data, and the cluster keeps less redundancy while it runs. To remove them in one run, set '
            '%s to %d or more (for example with the profile or in group_vars)%s.'
            % (total, 'Core nodes' if core_only else 'nodes that hold HDFS data', changes, ', %s' % label if label else '', limit,
               notes, 'Core nodes' if core_only else 'Such nodes', names['removal_limit'], total, allow))
