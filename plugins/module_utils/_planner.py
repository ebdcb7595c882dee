# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Desired node count + cluster view -> a resize plan or a clear refusal, before any write.

Pure: no I/O, no clock. Every rule of the MRS resize API
(``PUT /v1.1/{project_id}/cluster_infos/{cluster_id}``) that can be checked up front is checked
here, so that a request the cloud would refuse is refused with the option name the user wrote.

A plan that needs no change is a no-op: it never fails merely because the cluster could not be
written to (prepaid, busy, not running), which keeps re-runs of a playbook idempotent.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
from dataclasses import dataclass, replace
from typing import Optional, Tuple

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import as_whole_number
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError

MIN_CORE_NODES = 3
MAX_CORE_TASK_NODES = 500
NODE_ID = 'node_orderadd'
API_GROUP_NAMES = {'core': 'core_node_default_group', 'task': 'task_node_default_group'}
DATA_VOLUME_TYPES = ('SATA', 'SAS', 'SSD')
DATA_VOLUME_COUNT_RANGE = (1, 10)
DATA_VOLUME_SIZE_RANGE = (100, 32000)
TASK_NODE_INFO_KEYS = ('node_size', 'data_volume_type', 'data_volume_count', 'data_volume_size')
SCALE_OUT_ONLY_OPTIONS = ('skip_bootstrap_scripts', 'scale_without_start')
# Cluster and node (ECS server) ids are UUIDs; a little wider, but nothing a URL path or a log line could misread.
ID_PATTERN = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z')
ID_RULE = '1 to 64 characters: ASCII letters, digits, - and _, starting with a letter or digit'
MAX_NAME_LENGTH = 255

_NODE_GROUP_ALIASES = {
    'core': 'core',
    'core_node_default_group': 'core',
    'task': 'task',
    'task_node_default_group': 'task',
}
_MASTER_ALIASES = ('master', 'master_node_default_group')
_ROLE_TITLES = {'core': 'Core', 'task': 'Task', 'master': 'Master', 'custom': 'custom'}


class PlanError(MrsError, ValueError):
    """A request that must not reach the API.

    ``parameter`` is the option the user wrote (or ``cluster`` when the cluster itself refuses),
    ``rule`` one sentence saying what is wrong.
    """

    def __init__(self, parameter, rule):
        super().__init__('%s: %s' % (parameter, rule))
        self.parameter = parameter
        self.rule = rule


@dataclass
class ResizeRequest:
    """What the user asked for. ``node_group`` is ``core`` or ``task`` (see ``normalise_node_group``)."""

    node_group: str
    count: Optional[int] = None
    current_count: Optional[int] = None
    server_ids: Optional[Tuple[str, ...]] = None
    task_node_info: Optional[dict] = None
    skip_bootstrap_scripts: Optional[bool] = None
    scale_without_start: Optional[bool] = None


@dataclass(frozen=True)
class Plan:
    """The outcome of planning: ``body`` is the PUT body, or None when nothing needs to change."""

    node_group: str
    before: int
    after: int
    scale_type: Optional[str] = None
    instances: int = 0
    server_ids: Tuple[str, ...] = ()
    already_gone: Tuple[str, ...] = ()
    body: Optional[dict] = None
    warnings: Tuple[str, ...] = ()

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


def normalise_node_group(value):
    """``core`` or ``task`` from the short name or the API group name, case-insensitive."""
    key = value.strip().lower() if isinstance(value, str) else None
    if key in _NODE_GROUP_ALIASES:
        return _NODE_GROUP_ALIASES[key]
    if key in _MASTER_ALIASES:
        raise PlanError('node_group', 'the number of Master nodes cannot be changed after the cluster is created')
    raise PlanError('node_group', 'must be one of core, task, core_node_default_group, task_node_default_group (got %r)' % (value,))


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


def _optional_node_count(parameter, value, high=None):
    if value is None:
        return None
    number = as_whole_number(value)
    if number is None:
        raise PlanError(parameter, 'must be a whole number of nodes (got %r)' % (value,))
    if number < 0:
        raise PlanError(parameter, 'must be 0 or more (got %d)' % number)
    if high is not None and number > high:
        raise PlanError(parameter, 'must be from 0 to %d: no node group can have more nodes (got %d)' % (high, number))
    return number


def _scale_out_flags(request):
    """The scale-out-only booleans the user set, in the order the API documents them."""
    flags = {}
    for name in SCALE_OUT_ONLY_OPTIONS:
        value = getattr(request, name)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise PlanError(name, 'must be true or false (got %r)' % (value,))
        flags[name] = value
    return flags


def _checked_server_ids(server_ids, group):
    """The ids as a tuple (None when not given): each a well-formed id, none twice, and only for the Task group."""
    if server_ids is None:
        return None
    if isinstance(server_ids, (str, bytes, dict)) or not hasattr(server_ids, '__iter__'):
        raise PlanError('server_ids', 'must be a list of node ids')
    server_ids = tuple(check_id('server_ids', server_id, each=True) for server_id in server_ids)
    repeated = sorted(set(server_id for server_id in server_ids if server_ids.count(server_id) > 1))
    if repeated:
        raise PlanError('server_ids', 'every id may appear once; repeated: %s' % ', '.join(repeated))
    if server_ids and group != 'task':
        raise PlanError('server_ids', 'only Task nodes can be removed by id: use node_group task, or drop server_ids')
    return server_ids


def _split_server_ids(ids, hosts, before):
    """(ids still in the cluster, ids already gone). Ids of non-Task nodes are refused.

    An id counts as gone only when the host list is complete for the Task group (as many Task hosts as
    the group has nodes): a list cut short (a page missing, a trimmed answer) says nothing about the
    ids it does not show.
    """
    if not ids:
        return (), ()
    if hosts is None:
        raise PlanError('server_ids', 'the cluster host list is needed to check the ids, and none was given')
    hosts_by_id = dict((host.id, host) for host in hosts)
    for server_id in ids:
        host = hosts_by_id.get(server_id)
        if host is not None and host.role != 'task':
            raise PlanError('server_ids', '%s (%s) is a %s node, not a Task node: only Task nodes can be removed by id'
                            % (server_id, host.name, _ROLE_TITLES.get(host.role, host.role)))
    present = tuple(server_id for server_id in ids if server_id in hosts_by_id)
    gone = tuple(server_id for server_id in ids if server_id not in hosts_by_id)
    listed_task_hosts = sum(1 for host in hosts if host.role == 'task')
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
                        % (_ROLE_TITLES[group], before, current_count))


def _check_node_limits(view, group, before, after):
    if group == 'core' and after < MIN_CORE_NODES:
        raise PlanError('count', 'Core nodes can never go below %d (asked for %d)' % (MIN_CORE_NODES, after))
    if after <= before:
        return
    total_now = view.count('core') + view.count('task')  # both needed, and refused when the answer lacks one
    total_after = total_now + after - before
    if total_after > MAX_CORE_TASK_NODES:
        raise PlanError('count', 'Core + Task nodes can total at most %d (this would make %d; at most %d more can be added)'
                        % (MAX_CORE_TASK_NODES, total_after, max(0, MAX_CORE_TASK_NODES - total_now)))


def _task_node_info_to_send(group, before, after, task_node_info):
    """The spec goes only with a Task scale-out from 0 nodes, where it is required; otherwise it is not sent."""
    if group != 'task' or before != 0 or after <= before:
        return None
    if task_node_info is None:
        raise PlanError('task_node_info', 'required when scaling the Task group out from 0 nodes: give at least node_size')
    return task_node_info


def _check_cluster_can_scale(view):
    if view.is_prepaid:
        raise PlanError('cluster', 'yearly/monthly (prepaid) clusters cannot be scaled (error 12000065)')
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


def _no_change(group, before, current_count, already_gone):
    warnings = ()
    if current_count is not None and current_count != before:
        warnings = ('current_count: expected %d %s nodes but the group has %d, which is already what was asked for; nothing to change'
                    % (current_count, _ROLE_TITLES[group], before),)
    return Plan(node_group=group, before=before, after=before, already_gone=already_gone, warnings=warnings)


def validate_request(request):
    """``request`` checked and normalised by every rule that needs no cluster (raises ``PlanError``).

    The module calls it before any request; ``plan_resize`` calls it again (it is idempotent), so the
    planner is total whatever the caller did before.
    """
    group = normalise_node_group(request.node_group)
    _scale_out_flags(request)
    return replace(
        request,
        node_group=group,
        count=_optional_node_count('count', request.count),
        current_count=_optional_node_count('current_count', request.current_count, MAX_CORE_TASK_NODES),
        server_ids=_checked_server_ids(request.server_ids, group),
        task_node_info=validate_task_node_info(request.task_node_info),
    )


def plan_resize(view, request, hosts=None):
    """Plan the resize ``request`` (a ``ResizeRequest``) of the cluster ``view`` (a ``ClusterView``).

    ``hosts`` (a sequence of ``Host``) is needed only with ``server_ids``. Returns a ``Plan``;
    raises ``PlanError`` for any request the API would refuse, and ``ClusterParseError`` when the
    view lacks a count the plan needs (the group's, and Core and Task for the 500-node limit).
    """
    request = validate_request(request)
    group, count, current_count, task_node_info = request.node_group, request.count, request.current_count, request.task_node_info
    flags = _scale_out_flags(request)
    before = view.count(group)
    present_ids, already_gone = _split_server_ids(request.server_ids, hosts, before)
    # An empty server_ids list names no node: with count, count decides alone; without count, there is nothing to remove.
    by_id = bool(present_ids or already_gone) or (count is None and request.server_ids is not None)
    after = _target_count(before, count, present_ids, by_id)
    if after == before:
        return _no_change(group, before, current_count, already_gone)

    _check_current_count(current_count, before, group)
    _check_node_limits(view, group, before, after)
    task_node_info = _task_node_info_to_send(group, before, after, task_node_info)
    _check_cluster_can_scale(view)

    instances = abs(after - before)
    if after > before:
        body = _body(group, 'scale_out', instances, task_node_info, flags)
        return Plan(group, before, after, 'scale_out', instances, body=body)
    warnings = tuple('%s applies to scale-out only; it is not sent with this scale-in' % name for name in flags)
    body = _body(group, 'scale_in', instances, server_ids=present_ids)
    return Plan(group, before, after, 'scale_in', instances, present_ids, already_gone, body, warnings)
