# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The MRS cluster as plain data, parsed from the v1.1 API responses.

Pure: no I/O, no clock. ``parse_cluster`` takes the value of the ``cluster`` key of
``GET /v1.1/{project_id}/cluster_infos/{cluster_id}`` (or an entry of the cluster list).

The API is loose about types and key casing: node counts arrive as strings (``"3"``), node-group
keys are PascalCase in current responses and camelCase in older documents. Every key is therefore
read case-insensitively and with underscores ignored (``GroupName``, ``groupName`` and
``group_name`` are the same key), and every count is converted to an int or refused.

Node groups have a role (``master``, ``core``, ``task`` or ``custom``), read from what the answer says
(``taskNodeGroups``, ``clusterType``) by the one reading of a kind, ``_node_kinds.group_roles``. The cluster type comes
from ``clusterType`` (0 analysis, 1 streaming, 2 mixed, 3 custom). The host list is ``_hosts``'s.

``billingType`` is read in both documented forms (``billing_mode``): ``11`` / yearly/monthly (prepaid) and ``12`` /
pay-per-use (``Metered``); any other value, or none, is unknown, never taken for pay-per-use.

A value the answer lacks is never read as 0 (a gateway that trims a body, an API change). A count
that cannot be read at all is ``None`` in the view, and ``ClusterView.count`` refuses it with a
``ClusterParseError`` naming the fields, so nothing is ever planned or judged from it; the info
module shows it as null. A count spelt in a way that is not a whole number, and two fields that
say different things about one count (``coreNodeNum`` against the Core groups of ``nodeGroups``,
a group in both ``nodeGroups`` and ``taskNodeGroups``, ``totalNodeNum`` against the sum of the
groups), are refused when parsing: such an answer cannot be trusted for anything. Where custom groups
exist, ``coreNodeNum`` may count some of them (MRS counts every group of the Core kind, and a custom
group's kind is not in the answer), so it must lie between the Core-named groups' nodes and those plus the
custom groups' nodes.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from dataclasses import asdict, dataclass
from typing import Optional, Tuple

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._node_kinds import custom_layout, group_roles
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import as_whole_number

SCALING_STATES = ('scaling-out', 'scaling-in')
FAILURE_STATES = ('failed', 'abnormal', 'terminated', 'terminating', 'frozen')
# billingType: 11 / 12 (Huawei's Terraform provider, docs/data-sources/mapreduce_clusters.md), the words of older answers
# (an OTC example: Metered), and the v2 node list's on-period / on-quantity.
PREPAID = 'prepaid'
PAY_PER_USE = 'pay_per_use'
PREPAID_BILLING_CODES = ('11',)
PAY_PER_USE_BILLING_CODES = ('12',)
PREPAID_BILLING_WORDS = ('yearly', 'monthly', 'on-period', 'prepaid')
PAY_PER_USE_BILLING_WORDS = ('metered', 'on-quantity', 'on-demand', 'pay-per-use', 'postpaid')

CLUSTER_TYPES = ('analysis', 'streaming', 'mixed', 'custom')  # clusterType 0, 1, 2, 3


class ClusterParseError(MrsError, ValueError):
    """The API answered with something that is not a cluster (or host list) we can trust."""


# Where each count comes from, for the message when an answer lacks it.
_COUNT_SOURCES = {
    'master': 'masterNodeNum or a master_node_* group in nodeGroups',
    'core': 'coreNodeNum or a core_node_* group in nodeGroups',
    'task': 'nodeGroups or taskNodeGroups',
}


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


def billing_mode(value):
    """``PREPAID``, ``PAY_PER_USE`` or None (unknown) for a ``billingType`` (or a node's ``billing_type``) in any
    documented form: ``11`` / ``12``, the words (``Yearly/Monthly``, ``Metered``), ``on-period`` / ``on-quantity``.
    A value that is missing, empty or not one of these is unknown: never taken for pay-per-use."""
    text = '' if value is None or isinstance(value, bool) else str(value).strip().lower()
    if text in PREPAID_BILLING_CODES or any(word in text for word in PREPAID_BILLING_WORDS):
        return PREPAID
    if text in PAY_PER_USE_BILLING_CODES or any(word in text for word in PAY_PER_USE_BILLING_WORDS):
        return PAY_PER_USE
    return None


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


def _parse_node_group(raw, where, role_of):
    fields = _Fields(raw, where)
    name = fields.required_text('GroupName')
    return NodeGroup(
        name=name,
        role=role_of(name),
        node_count=fields.count('NodeNum'),
        node_size=fields.text('NodeSize', None),
        data_volume_type=fields.text('DataVolumeType', None),
        data_volume_count=fields.optional_count('DataVolumeCount'),
        data_volume_size=fields.optional_count('DataVolumeSize'),
        root_volume_type=fields.text('RootVolumeType', None),
        root_volume_size=fields.optional_count('RootVolumeSize'),
    )


def _raw_group_lists(fields):
    """[(key, list)] of ``nodeGroups`` and ``taskNodeGroups`` as given (absent lists left out)."""
    found = []
    for key in ('nodeGroups', 'taskNodeGroups'):
        raw_groups = fields.get(key)
        if raw_groups is None:
            continue
        if not isinstance(raw_groups, list):
            raise ClusterParseError('cluster.%s: expected a list, got %s' % (key, type(raw_groups).__name__))
        found.append((key, raw_groups))
    return found


def _group_names(lists, only=None):
    """The names the lists (``_raw_group_lists``) give their groups, in order; ``only``: one list's key. None when
    ``only`` is a list the answer does not have."""
    if only is not None and only not in [key for key, _raw in lists]:
        return None
    names = []
    for key, raw_groups in lists:
        if only not in (None, key):
            continue
        for index, raw_group in enumerate(raw_groups):
            names.append(_Fields(raw_group, 'cluster.%s[%d]' % (key, index)).required_text('GroupName'))
    return names


def _parse_node_groups(fields, cluster_type=None):
    """(groups, listed): ``nodeGroups`` holds every group; ``taskNodeGroups`` repeats the Task ones (and may be all there is).

    ``listed`` says whether the answer says which groups are Task groups, so that the absence of one means 0 Task
    nodes: a ``taskNodeGroups`` list (empty on a cluster without Task groups), or, on a cluster whose group names say
    their kinds (not a custom one), a non-empty ``nodeGroups``. A group in both lists with two counts is refused.
    """
    groups, where = [], {}
    lists = _raw_group_lists(fields)
    names, task_names = _group_names(lists), _group_names(lists, 'taskNodeGroups')
    role_of = group_roles(cluster_type, names, task_names)
    listed = task_names is not None or (not custom_layout(cluster_type, names, task_names) and any(raw for key, raw in lists))
    for key, raw_groups in lists:
        for index, raw_group in enumerate(raw_groups):
            here = 'cluster.%s[%d]' % (key, index)
            group = _parse_node_group(raw_group, here, role_of)
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
    cluster_type: Optional[str] = None

    def group(self, name):
        """The node group named exactly ``name``, or None."""
        return next((group for group in self.node_groups if group.name == name), None)

    def groups_of(self, role):
        """The listed groups of ``role`` (master, core, task or custom), in the answer's order."""
        return tuple(group for group in self.node_groups if group.role == role)

    def count_of(self, key):
        """The nodes of ``key``: a role (``master``, ``core``, ``task``, as ``count``) or a group's exact name.

        A group the answer does not list has no readable count: ``ClusterParseError``, never 0.
        """
        if key in _COUNT_SOURCES:
            return self.count(key)
        group = self.group(key)
        if group is None:
            raise ClusterParseError('cluster: the answer lists no node group named %r (groups: %s); nothing is decided from a '
                                    'count that is not there' % (key, ', '.join(g.name for g in self.node_groups) or 'none'))
        return group.node_count

    @property
    def is_custom(self):
        """A custom cluster (MRS 3.x): ``clusterType`` says so, or, in an answer without it, a group is listed that is not
        named as MRS names the default groups (``core_node_*``, ``task_node_*``, ``master_node_*``), or the Task groups
        contradict those names (``custom_layout``). Old analysis clusters without the field keep their default groups.
        The one rule every caller asks."""
        return custom_layout(self.cluster_type, [group.name for group in self.node_groups],
                             [group.name for group in self.node_groups if group.role == 'task'] if self.node_groups else None)

    def group_kinds(self):
        """What ``_node_kinds.host_kind`` needs from this answer, JSON-safe (the inventory caches it): every listed group's
        role, the one reading of ``group_roles``, and whether the cluster is custom (its group names say no kind)."""
        return {'custom': self.is_custom, 'groups': dict((group.name, group.role) for group in self.node_groups)}

    def resizable_total(self):
        """The nodes of every group but the Master ones: what MRS caps at 500.

        The larger of the listed non-Master groups' sum and Core + Task (``coreNodeNum`` may count a group the answer
        left out). Refused (``ClusterParseError``) when a count it needs is not there, except on a custom cluster,
        whose listed groups are the whole truth when the cluster-level counts are missing.
        """
        listed = sum(group.node_count for group in self.node_groups if group.role != 'master')
        if self.core_count is None or self.task_count is None:
            if self.is_custom and any(group.role != 'master' for group in self.node_groups):
                return listed
            self.count('core')
            self.count('task')
        return max(listed, self.core_count + self.task_count)

    @property
    def billing_mode(self):
        """``PREPAID``, ``PAY_PER_USE`` or None when the answer does not say (``billing_mode``): never a guess."""
        return billing_mode(self.billing_type)

    @property
    def is_prepaid(self):
        """Yearly/monthly (``billingType`` 11 or the words): such clusters cannot be scaled through the v1.1 API (error
        12000065), and their non-Task groups grow through an order. False also when the answer does not say: ask
        ``billing_mode`` where an unknown billing must be read as possibly prepaid."""
        return self.billing_mode == PREPAID

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
        """Whether the API recorded a change of the cluster after ``other`` (``updateAt``; False when either lacks it).

        Anyone moves ``updateAt`` (another operator's policy change, a tag), so it is never evidence that a given change
        happened or failed: shown for information only."""
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
            'billing_mode': self.billing_mode,
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
    cluster_type = _cluster_type(fields)
    groups, listed = _parse_node_groups(fields, cluster_type)
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
        cluster_type=cluster_type,
    )


def _cluster_type(fields):
    """``clusterType`` 0..3 (an int or a string spelling one, or the type's name) as its name; None when absent or unknown.

    An unknown value is not refused (the info module must still show such a cluster); the planner treats a cluster of
    no known type like a non-custom one, whose Core/Task groups follow the naming convention.
    """
    value = fields.get('clusterType')
    number = as_whole_number(value)
    if number is not None:
        return CLUSTER_TYPES[number] if 0 <= number < len(CLUSTER_TYPES) else None
    name = str(value).strip().lower() if isinstance(value, str) else None
    return name if name in CLUSTER_TYPES else None


def _role_count(fields, key, groups, role):
    """The cluster-level count and the sum over the role's groups: either when only one is there, refused when they differ.

    Where custom groups exist, ``coreNodeNum`` may count some of them (MRS counts each group of the Core kind, which
    the answer does not name for a custom group): it must then lie between the Core groups' nodes and those plus the
    custom groups' nodes.
    """
    stated = fields.count(key) if fields.has(key) else None
    summed = _sum_of_groups(groups, role)
    custom = _sum_of_groups(groups, 'custom') if role == 'core' else None
    if stated is not None and custom is not None:
        low = summed or 0
        if not low <= stated <= low + custom:
            raise ClusterParseError('cluster.%s is %d but the Core groups in nodeGroups have %d nodes and the custom groups %d: '
                                    'the answer contradicts itself' % (key, stated, low, custom))
        return stated
    if stated is not None and summed is not None and stated != summed:
        raise ClusterParseError('cluster.%s is %d but the %s groups in nodeGroups have %d nodes: the answer contradicts itself'
                                % (key, stated, role.capitalize(), summed))
    return stated if stated is not None else summed


def _check_total(fields, groups, master, core, task):
    """``totalNodeNum``, when there, must be the sum of every listed group: else a group was dropped from the answer.

    With custom groups the sum is over the groups themselves (``coreNodeNum`` may count custom groups too);
    without them, over the cluster-level counts, which also cover an answer that lists only some groups.
    """
    if not fields.has('totalNodeNum'):
        return
    total = fields.count('totalNodeNum')
    custom = sum(group.node_count for group in groups if group.role == 'custom')
    if any(group.role == 'custom' for group in groups):
        listed = sum(group.node_count for group in groups)
        if total != listed:
            raise ClusterParseError('cluster.totalNodeNum is %d but the groups in nodeGroups have %d nodes (%s): the answer '
                                    'contradicts itself or lacks a group'
                                    % (total, listed, ', '.join('%s %d' % (group.name, group.node_count) for group in groups)))
        return
    if None in (master, core, task):
        return
    if total != master + core + task + custom:
        raise ClusterParseError('cluster.totalNodeNum is %d but the groups have %d nodes (Master %d, Core %d, Task %d): '
                                'the answer contradicts itself or lacks a group'
                                % (total, master + core + task, master, core, task))
