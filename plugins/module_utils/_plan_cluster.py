# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan of a whole cluster: the ordered resizes (``Step``) that take its groups to a target, each one checked as
``_plan_group.plan_resize`` checks it, and what such a plan removes from groups that hold HDFS data. Pure: no I/O.

What the ``scale_steps``, ``scale_counts`` and ``hdfs_removals`` filters and the cluster_scale role ask: ``plan_cluster``,
``shown_counts``, ``hdfs_removals`` / ``check_hdfs_removals`` (the removal guard, by the rule of
``_plan_group.hdfs_evidence``), and ``view_of_info`` (a cluster as mrs_cluster_info returns it, as a ``ClusterView``).

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from dataclasses import dataclass, replace

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterView, NodeGroup
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import V11, V2, GroupRef, default_groups_apply, resolve_node_group, title
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import (
    API_GROUP_NAMES, MAX_CORE_TASK_NODES, ResizeRequest, check_node_group, validate_task_node_info)
from ansible_collections.hwcloud.mrs.plugins.module_utils._node_kinds import role_from_group_name
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_group import MIN_CORE_NODES, check_custom_minimum, hdfs_evidence, plan_resize
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import node_count


# The groups a whole-cluster plan may resize, in the order capacity grows: Core (HDFS) before Task on the way out,
# Task before Core on the way in. A named group (v2 expand/shrink) joins this tuple, or sorts after it by name.
GROWTH_ORDER = ('core', 'task')


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
                        % (' + '.join(title(key) for key in keys), total,
                           ', '.join('%s %d' % (title(key), goal[key]) for key in keys), MAX_CORE_TASK_NODES))


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
            raise PlanError('current.%s' % (key,), error.rule) from error
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
                raise PlanError(parameter, '%s (resize %s %d -> %d)' % (error.rule, move.node_group, move.before, move.after)) from error
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
            raise PlanError('target.%s' % given, error.rule) from error
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
    every = _every_group(view, refs)
    now = dict((key, view.count_of(key)) for key in every)
    goal = dict((key, wanted.get(key, now[key])) for key in every)
    total_now = view.resizable_total()
    _check_target(goal, labels, every, total_now, now)
    steps = _ordered_moves(refs, now, goal, stride, total_now)
    _check_each_step(view, refs, labels, steps, spec, check_spec)
    return steps


def _every_group(view, refs):
    """key -> GroupRef for every resizable group of ``view``, the groups ``refs`` sets included. A role the answer lists
    no group of counts by its v1.1 count (a Task group MRS creates from 0 nodes), on the clusters whose default groups
    the v1.1 resize means (``default_groups_apply``)."""
    every = dict(refs)
    for group in view.node_groups:
        if group.role != 'master':
            ref = resolve_node_group(view, group.name)
            every.setdefault(ref.key, ref)
    if default_groups_apply(view):
        listed = set(ref.role for ref in every.values())
        for role in API_GROUP_NAMES:
            if role not in listed and getattr(view, '%s_count' % role) is not None:
                every[role] = GroupRef(role, API_GROUP_NAMES[role], role, V11)
    return every


def _ordered_moves(refs, now, goal, stride, total_now):
    """The resizes of the groups of ``refs`` from ``now`` to ``goal``, capacity first: scale-outs before scale-ins (in
    ``_growth_rank`` order out, the reverse in), unless growing first would pass MAX_CORE_TASK_NODES."""
    keys = sorted(refs, key=lambda key: _growth_rank(refs[key]))
    outs = [_moves(key, now[key], goal[key], stride) for key in keys if goal[key] > now[key]]
    ins = [_moves(key, now[key], goal[key], stride) for key in reversed(keys) if goal[key] < now[key]]
    growth = sum(max(0, goal[key] - now[key]) for key in keys)
    ordered = outs + ins if total_now + growth <= MAX_CORE_TASK_NODES else ins + outs
    return [move for moves in ordered for move in moves]


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
                check_custom_minimum(ref, item['from'], item['count'], nodes)
            except PlanError as error:
                raise PlanError('target.%s' % item['node_group'], '%s (resize %s %d -> %d)'
                                % (error.rule, item['node_group'], item['from'], item['count'])) from error
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
