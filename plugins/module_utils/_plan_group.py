# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of one node group's resize: desired count + cluster view -> a ``Plan`` (the body of one call) or a clear
refusal, before any write. Pure: no I/O, no clock.

Every rule of the MRS resize APIs that can be checked up front is checked here, so that a request the cloud would
refuse is refused with the option name the user wrote. Which group and API a request means is ``_group_resolution``'s;
the options that need no cluster are ``_option_checks``'. Limits, one place each: MAX_CORE_TASK_NODES over every
non-Master group; MIN_CORE_NODES for a group that holds HDFS data (``hdfs_evidence``: every Core group, and a custom
group whose nodes run the HDFS DataNode or cannot say, read from the v2 node list; see ``nodes_needed``), which is
also the role's removal guard (``_plan_cluster.check_hdfs_removals``).

A plan that needs no change is a no-op: it never fails merely because the cluster could not be
written to (prepaid, busy, not running), which keeps re-runs of a playbook idempotent.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from dataclasses import dataclass
from typing import Optional, Tuple

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import V11, V2, host_kind, resolve_node_group, title
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import API_GROUP_NAMES, MAX_CORE_TASK_NODES, SCALE_OUT_ONLY_OPTIONS, validate_request

# A Core group (and a custom group that holds HDFS data) keeps at least this many nodes.
MIN_CORE_NODES = 3
# The node_id of the v1.1 resize body, as the vendor documents it.
NODE_ID = 'node_orderadd'

# The resize API documents both flags for MRS 1.7.2 and later.
FLAGS_MIN_VERSION = (1, 7, 2)

# The v2 node list's component that makes a custom group hold HDFS data: such a group keeps MIN_CORE_NODES nodes.
HDFS_DATA_ROLE = 'DataNode'


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
        kind = None if host is None else host_kind(view, host)
        if host is not None and kind != 'task':
            raise PlanError('server_ids', '%s (%s) is a %s node, not a Task node: only Task nodes can be removed by id'
                            % (server_id, host.name, title(kind)))
    present = tuple(server_id for server_id in ids if server_id in hosts_by_id)
    gone = tuple(server_id for server_id in ids if server_id not in hosts_by_id)
    listed_task_hosts = sum(1 for host in hosts if host_kind(view, host) == 'task')
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
                        % (title(group), before, current_count))


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


def check_custom_minimum(ref, before, after, nodes):
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
        check_custom_minimum(ref, before, after, nodes)
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
                    % (current_count, title(ref.key), before),)
    return Plan(node_group=ref.key, before=before, after=before, already_gone=already_gone, warnings=warnings, api=ref.api,
                group_name=ref.name)


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
        # Imported here: only a plan given a node list reads one, and AnsiballZ compiles every line a task imports, on
        # every task (docs/performance.md).
        from ansible_collections.hwcloud.mrs.plugins.module_utils._nodes import parse_nodes  # pylint: disable=import-outside-toplevel
        nodes = parse_nodes(nodes)  # refuses an answer that is not a node list, naming the field
    group, count, current_count, task_node_info = ref.key, request.count, request.current_count, request.task_node_info
    if request.server_ids and group != 'task':
        raise PlanError('server_ids', 'only Task nodes can be removed by id: %s is the %s group; use the Task group, or drop '
                        'server_ids' % (ref.name, title(ref.role)))
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
