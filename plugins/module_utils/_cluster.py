# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The MRS cluster as plain data, parsed from the v1.1 API responses.

Pure: no I/O, no clock. ``parse_cluster`` takes the value of the ``cluster`` key of
``GET /v1.1/{project_id}/cluster_infos/{cluster_id}``; ``parse_hosts`` takes the ``hosts`` list of
``GET /v1.1/{project_id}/clusters/{cluster_id}/hosts``.

The API is loose about types and key casing: node counts arrive as strings (``"3"``), node-group
keys are PascalCase in current responses and camelCase in older documents. Every key is therefore
read case-insensitively and with underscores ignored (``GroupName``, ``groupName`` and
``group_name`` are the same key), and every count is converted to an int or refused.

A value the answer lacks is never read as 0 (a gateway that trims a body, an API change). A count
that cannot be read at all is ``None`` in the view, and ``ClusterView.count`` refuses it with a
``ClusterParseError`` naming the fields, so nothing is ever planned or judged from it; the info
module shows it as null. A count spelt in a way that is not a whole number, and two fields that
say different things about one count (``coreNodeNum`` against the Core groups of ``nodeGroups``,
a group in both ``nodeGroups`` and ``taskNodeGroups``, ``totalNodeNum`` against the sum of the
groups), are refused when parsing: such an answer cannot be trusted for anything.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from dataclasses import asdict, dataclass
from typing import Optional, Tuple

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError

SCALING_STATES = ('scaling-out', 'scaling-in')
FAILURE_STATES = ('failed', 'abnormal', 'terminated', 'terminating', 'frozen')
PREPAID_BILLING_WORDS = ('yearly', 'monthly')

_GROUP_NAME_PREFIXES = (
    ('master_node_', 'master'),
    ('core_node_', 'core'),
    ('task_node_', 'task'),
)


class ClusterParseError(MrsError, ValueError):
    """The API answered with something that is not a cluster (or host list) we can trust."""


# Where each count comes from, for the message when an answer lacks it.
_COUNT_SOURCES = {
    'master': 'masterNodeNum or a master_node_* group in nodeGroups',
    'core': 'coreNodeNum or a core_node_* group in nodeGroups',
    'task': 'nodeGroups or taskNodeGroups',
}


def as_whole_number(value):
    """``value`` as an int when it is one or a string spelling one (``"3"``), else None.

    Booleans and floats are refused: ``True`` or ``2.5`` nodes is a mistake, not a count.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _normalise_key(key):
    return str(key).replace('_', '').lower()


class _Fields:
    """Read a JSON object by key, ignoring case and underscores, naming the field on errors."""

    def __init__(self, raw, where):
        if not isinstance(raw, dict):
            raise ClusterParseError('%s: expected a JSON object, got %s' % (where, type(raw).__name__))
        self._values = dict((_normalise_key(key), value) for key, value in raw.items())
        self._where = where

    def has(self, key):
        return self._values.get(_normalise_key(key)) not in (None, '')

    def get(self, key):
        return self._values.get(_normalise_key(key))

    def text(self, key, default=''):
        value = self.get(key)
        return default if value in (None, '') else str(value)

    def lower_text(self, key):
        return self.text(key).strip().lower()

    def required_text(self, key):
        if not self.has(key):
            raise ClusterParseError('%s.%s: missing or empty' % (self._where, key))
        return self.text(key)

    def count(self, key):
        """A non-negative int; the API sends counts as ints or as strings like ``"3"``."""
        value = self.get(key)
        number = as_whole_number(value)
        if number is None:
            raise ClusterParseError('%s.%s: expected a whole number, got %r' % (self._where, key, value))
        if number < 0:
            raise ClusterParseError('%s.%s: expected 0 or more, got %r' % (self._where, key, value))
        return number

    def optional_count(self, key):
        return self.count(key) if self.has(key) else None


def role_from_group_name(group_name):
    """``master``/``core``/``task`` from the MRS naming convention, else ``custom``."""
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


@dataclass(frozen=True)
class NodeGroup:
    name: str
    role: str
    node_count: int
    node_size: Optional[str] = None
    data_volume_type: Optional[str] = None
    data_volume_count: Optional[int] = None
    data_volume_size: Optional[int] = None
    root_volume_type: Optional[str] = None
    root_volume_size: Optional[int] = None


def _parse_node_group(raw, where):
    fields = _Fields(raw, where)
    name = fields.required_text('GroupName')
    return NodeGroup(
        name=name,
        role=role_from_group_name(name),
        node_count=fields.count('NodeNum'),
        node_size=fields.text('NodeSize', None),
        data_volume_type=fields.text('DataVolumeType', None),
        data_volume_count=fields.optional_count('DataVolumeCount'),
        data_volume_size=fields.optional_count('DataVolumeSize'),
        root_volume_type=fields.text('RootVolumeType', None),
        root_volume_size=fields.optional_count('RootVolumeSize'),
    )


def _parse_node_groups(fields):
    """(groups, listed): ``nodeGroups`` holds every group; ``taskNodeGroups`` repeats the Task ones (and may be all there is).

    ``listed`` says whether the answer listed its groups at all: a non-empty ``nodeGroups`` or a
    ``taskNodeGroups`` list (which is empty on a cluster without Task groups). Only then does the
    absence of a Task group mean 0 Task nodes. A group in both lists with two counts is refused.
    """
    groups, where = [], {}
    listed = False
    for key in ('nodeGroups', 'taskNodeGroups'):
        raw_groups = fields.get(key)
        if raw_groups is None:
            continue
        if not isinstance(raw_groups, list):
            raise ClusterParseError('cluster.%s: expected a list, got %s' % (key, type(raw_groups).__name__))
        listed = listed or key == 'taskNodeGroups' or bool(raw_groups)
        for index, raw_group in enumerate(raw_groups):
            here = 'cluster.%s[%d]' % (key, index)
            group = _parse_node_group(raw_group, here)
            if group.name not in where:
                where[group.name] = (here, group)
                groups.append(group)
                continue
            first_where, first = where[group.name]
            if first.node_count != group.node_count:
                raise ClusterParseError('%s.NodeNum is %d but %s.NodeNum, the same group %r, is %d: the answer contradicts itself'
                                        % (here, group.node_count, first_where, group.name, first.node_count))
    return tuple(groups), listed


def _sum_of_groups(groups, role):
    """The nodes of ``role`` over its groups, or None when the answer lists no group of that role."""
    counts = [group.node_count for group in groups if group.role == role]
    return sum(counts) if counts else None


@dataclass(frozen=True)
class ClusterView:
    """What the resize logic needs to know about a cluster. ``state`` and ``scale`` are lower-case."""

    cluster_id: str
    name: str
    state: str
    scale: str
    stage_desc: Optional[str]
    billing_type: Optional[str]
    version: Optional[str]
    master_count: Optional[int]
    core_count: Optional[int]
    task_count: Optional[int]
    node_groups: Tuple[NodeGroup, ...] = ()
    update_at: Optional[int] = None

    @property
    def is_prepaid(self):
        """Yearly/monthly clusters cannot be scaled through this API (error 12000065)."""
        billing = (self.billing_type or '').lower()
        return any(word in billing for word in PREPAID_BILLING_WORDS)

    @property
    def is_scaling(self):
        return self.state in SCALING_STATES or self.scale in SCALING_STATES

    @property
    def is_failed(self):
        return self.state in FAILURE_STATES

    def count(self, role):
        """The number of nodes of ``role`` (``master``, ``core`` or ``task``).

        Raises ``ClusterParseError`` naming the fields when the answer had no readable count: a
        count that is not there is never 0.
        """
        counts = {'master': self.master_count, 'core': self.core_count, 'task': self.task_count}
        if role not in counts:
            raise ValueError('role must be one of master, core, task; got %r' % (role,))
        if counts[role] is None:
            raise ClusterParseError('cluster: the answer has no readable %s node count (%s); nothing is decided from a '
                                    'count that is not there' % (role.capitalize(), _COUNT_SOURCES[role]))
        return counts[role]

    def updated_since(self, other):
        """Whether the API recorded a change of the cluster after ``other`` (``updateAt``; False when either lacks it)."""
        return self.update_at is not None and other.update_at is not None and self.update_at > other.update_at

    def summary(self):
        """The fields that say where a scale stands, JSON-safe, for results and messages."""
        return {
            'state': self.state,
            'scale': self.scale,
            'stage_desc': self.stage_desc,
            'master_count': self.master_count,
            'core_count': self.core_count,
            'task_count': self.task_count,
        }

    def to_dict(self):
        """The whole view, JSON-safe and snake_case, for the info module."""
        return {
            'id': self.cluster_id,
            'name': self.name,
            'state': self.state,
            'scale': self.scale,
            'stage_desc': self.stage_desc,
            'billing_type': self.billing_type,
            'version': self.version,
            'master_count': self.master_count,
            'core_count': self.core_count,
            'task_count': self.task_count,
            'node_groups': [asdict(group) for group in self.node_groups],
        }


def parse_cluster(raw):
    """Turn the ``cluster`` object of the details response into a ``ClusterView``.

    Raises ``ClusterParseError`` naming the field when the input cannot be trusted.
    """
    if isinstance(raw, dict) and isinstance(raw.get('cluster'), dict):
        raise ClusterParseError("cluster: got the whole response; pass the value of its 'cluster' key")
    fields = _Fields(raw, 'cluster')
    cluster_id = fields.required_text('clusterId')
    state = fields.required_text('clusterState').strip().lower()
    groups, listed = _parse_node_groups(fields)
    master = _role_count(fields, 'masterNodeNum', groups, 'master')
    core = _role_count(fields, 'coreNodeNum', groups, 'core')
    task = _sum_of_groups(groups, 'task')
    if task is None and listed:
        task = 0  # the groups are listed and none is a Task group: a cluster created without Task nodes
    _check_total(fields, groups, master, core, task)
    return ClusterView(
        cluster_id=cluster_id,
        name=fields.text('clusterName'),
        state=state,
        # An absent sub-state is no sub-state: clusterState still says scaling-out/scaling-in.
        scale=fields.lower_text('scale'),
        stage_desc=fields.text('stageDesc', None),
        billing_type=fields.text('billingType', None),
        version=fields.text('clusterVersion', None),
        master_count=master,
        core_count=core,
        task_count=task,
        node_groups=groups,
        update_at=as_whole_number(fields.get('updateAt')),
    )


def _role_count(fields, key, groups, role):
    """The cluster-level count and the sum over the role's groups: either when only one is there, refused when they differ."""
    stated = fields.count(key) if fields.has(key) else None
    summed = _sum_of_groups(groups, role)
    if stated is not None and summed is not None and stated != summed:
        raise ClusterParseError('cluster.%s is %d but the %s groups in nodeGroups have %d nodes: the answer contradicts itself'
                                % (key, stated, role.capitalize(), summed))
    return stated if stated is not None else summed


def _check_total(fields, groups, master, core, task):
    """``totalNodeNum``, when there, must be the sum of every group: else a group was dropped from the answer."""
    if not fields.has('totalNodeNum') or None in (master, core, task):
        return
    total = fields.count('totalNodeNum')
    custom = sum(group.node_count for group in groups if group.role == 'custom')
    if total != master + core + task + custom:
        raise ClusterParseError('cluster.totalNodeNum is %d but the groups have %d nodes (Master %d, Core %d, Task %d%s): '
                                'the answer contradicts itself or lacks a group'
                                % (total, master + core + task + custom, master, core, task, ', custom %d' % custom if custom else ''))


@dataclass(frozen=True)
class Host:
    id: str
    name: str
    ip: Optional[str]
    status: Optional[str]
    type: Optional[str]
    node_group: Optional[str]
    role: str


def _host_role(node_group, host_type):
    """The group name is the better witness; the host type is the fallback (older APIs lack the name)."""
    role = role_from_group_name(node_group)
    return role if role != 'custom' else role_from_host_type(host_type)


def parse_hosts(raw_hosts):
    """Turn the ``hosts`` list of the host-list response into a tuple of ``Host``."""
    if not isinstance(raw_hosts, list):
        raise ClusterParseError('hosts: expected a list, got %s' % type(raw_hosts).__name__)
    hosts = []
    for index, raw_host in enumerate(raw_hosts):
        fields = _Fields(raw_host, 'hosts[%d]' % index)
        node_group = fields.text('node_group_name', None)
        host_type = fields.text('type', None)
        hosts.append(Host(
            id=fields.required_text('id'),
            name=fields.text('name'),
            ip=fields.text('ip', None),
            status=fields.text('status', None),
            type=host_type,
            node_group=node_group,
            role=_host_role(node_group, host_type),
        ))
    return tuple(hosts)
