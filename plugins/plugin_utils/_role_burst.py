# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the cluster_scale role's burst entry point: the burst size, the caller's task file, the group and its
grow (checked by the planner's ``resolve_node_group`` and ``plan_cluster``), the policies to pause, whether to restore the
count, and the result fact. Pure, but for looking the caller's task file up on the controller.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import resolve_node_group
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import plan_cluster, view_of_info
from ansible_collections.hwcloud.mrs.plugins.plugin_utils import _role_policies as policies
from ansible_collections.hwcloud.mrs.plugins.plugin_utils._role_common import (
    PASSED, Refusal, check_run, cluster_refusal, count, failure, named, planned, ran, read_cluster, text)

SIZES = ("cluster_scale_burst_task_count", "cluster_scale_burst_task_increase")
SPEC_NAMES = {"task_node_info": "cluster_scale_task_node_info"}


def _size(request):
    """(variable, value) of the one burst size given."""
    given = [name for name in SIZES if request.get(name) is not None]
    if len(given) != 1:
        raise Refusal("cluster_scale_burst_task_count / cluster_scale_burst_task_increase: give exactly one of them (got %s and %s)"
                      % tuple(text(request.get(name)) for name in SIZES))
    return given[0], count(given[0], request[given[0]], least=1)


def task_file_candidates(request):
    """Where include_tasks looks for the caller's task file from this role: an absolute path (or ~) as it is; a relative one
    in the role's tasks/ and the role, then in the playbook's directory and its tasks/."""
    name = str(request.get("cluster_scale_burst_tasks_file") or "").strip()
    if name.startswith(("/", "~")):
        return name, [os.path.expanduser(name)]
    role, playbook = str(request.get("role_path") or ""), str(request.get("playbook_dir") or "")
    return name, [os.path.join(role, "tasks", name), os.path.join(role, name), os.path.join(playbook, "tasks", name),
                  os.path.join(playbook, name)]


def _check_task_file(request):
    """The caller's task file exists before any request: a typo would otherwise be found only after the grow."""
    name, candidates = task_file_candidates(request)
    if not name:
        raise Refusal("cluster_scale_burst_tasks_file: required, the task file to run while the Task group is grown")
    if not any(os.path.isfile(path) for path in candidates):
        raise Refusal("cluster_scale_burst_tasks_file: no task file %s (looked for %s). Nothing was changed: the Task group is "
                      "grown only once the file is there. Give an absolute path, such as \"{{ playbook_dir }}/tasks/job.yml\"."
                      % (text(name), ", ".join(dict.fromkeys(candidates))))


def _check_spec(request):
    try:
        plan_cluster(None, {}, 0, request.get("cluster_scale_task_node_info"))
    except PlanError as error:
        raise Refusal(named(error, SPEC_NAMES))


def _grow(view, request, size_name, size):
    """(group, before, burst): the group as the caller named it, its count and the count during the burst. The group is
    resolved as mrs_cluster_nodes resolves it, and the grow checked as it will check it (the node limit, the Task node spec
    when the group grows from 0 nodes)."""
    group = request.get("cluster_scale_burst_node_group") or "task"
    try:
        before = view.count_of(resolve_node_group(view, group).key)
    except PlanError as error:
        raise Refusal("cluster_scale_burst_node_group: %s" % error.rule)
    burst = max(before, size) if size_name == "cluster_scale_burst_task_count" else before + size
    try:
        plan_cluster(view, {group: burst}, 0, request.get("cluster_scale_task_node_info"))
    except PlanError as error:
        raise Refusal(named(error, dict(SPEC_NAMES, **{group: size_name})))
    return group, before, burst


def plan(request, cluster=PASSED, policies_read=PASSED, pauses=PASSED, grow=PASSED, restore=PASSED, restores=PASSED,
         check_mode=False):
    """Everything the burst tasks need, as far as the reads given allow; ``refusal`` is why it stops before any change."""
    out = dict(refusal=None, cluster_id=None, policy_groups=[], pause=[], go=False, grow=False, restore=False, result=None,
               problem=None)
    return planned(out, _plan, request, cluster, policies_read, pauses, grow, restore, restores, check_mode)


def _plan(out, request, cluster, policies_read, pauses, grow, restore, restores, check_mode):
    size_name, size = _size(request)
    _check_task_file(request)
    _check_spec(request)
    check_run(request)
    info = read_cluster(cluster)
    if info is None:
        return
    try:
        group, before, burst = _grow(view_of_info(info), request, size_name, size)
    except (MrsError, KeyError, TypeError) as error:
        raise Refusal(cluster_refusal(error))
    published = {"pattern": "burst", "cluster_id": info.get("id"), "cluster_name": info.get("name"),
                 "check_mode": bool(check_mode), "changed": False, "node_group": group, "before": {group: before},
                 "burst": {group: burst}, "after": None, "restored": False}
    spec = request.get("cluster_scale_task_node_info") if group == "task" else None
    out.update(cluster_id=info.get("id"), node_group=group, before=before, burst=burst, task_node_info=spec, policy_groups=[group],
               result=published)
    if policies_read is PASSED:
        return
    out["pause"] = policies.pause_list(policies.enabled(policies_read))
    # in check mode a pause is only predicted, so the module would still see the policy enabled: neither resize is previewed
    out.update(go=True, grow=not (check_mode and out["pause"]))
    if pauses is PASSED:
        return
    if policies.pause_failures(pauses):  # nothing grows and the caller's tasks do not run: the always section restores
        out.update(go=False, grow=False)
    if grow is PASSED:
        return
    out["restore"] = _restores(grow) and not (check_mode and out["pause"])
    if restore is not PASSED:
        out["result"] = _final(published, out["pause"], grow, restore)
        out["problem"] = policies.problem(pauses, None if restores is PASSED else restores)


def _restores(grow):
    """Whether the count is restored: after a grow that ran, unless MRS refused it because the count had already changed
    (another operation owns the group then, and a "restore" would undo it)."""
    return ran(grow) and (failure(grow) is None or grow.get("parameter") != "current_count")


def _final(published, pause, grow, restore):
    """cluster_scale_result once the burst is over."""
    group = published["node_group"]
    restored = ran(restore)
    changed = bool((ran(grow) and grow.get("changed")) or (restored and restore.get("changed")) or pause)
    after = restore.get("count", published["before"][group]) if restored else published["before"][group]
    return dict(published, restored=restored, policy_paused=list(dict.fromkeys(item["name"] for item in pause)),
                changed=changed, after={group: after})
