# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the cluster_scale role's converge and profile entry points, from the role's variables and what its
tasks read: the target and the names of its variables, the resizes (the planner's ``plan_cluster``), the counts the result
shows (``shown_counts``), the HDFS removal guard (``check_hdfs_removals``), the policies to pause or the refusal, and the
result fact as the resizes go. Pure.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import (
    check_hdfs_removals, hdfs_removals, plan_cluster, shown_counts, view_of_info)
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import node_count
from ansible_collections.hwcloud.mrs.plugins.plugin_utils import _role_policies as policies
from ansible_collections.hwcloud.mrs.plugins.plugin_utils._role_common import (
    NOTHING_CHANGED, PASSED, Refusal, check_run, cluster_refusal, count, failure, named, planned, ran, read_cluster,
    text)

PROFILE_KEYS = ("core", "task", "task_node_info", "node_groups")


def _sizes_and_names(core, task, by_group, where):
    """The target sizes ({core, task, group name: count}) and the role's variable of each (``where`` maps core, task and a
    group name to its variable)."""
    sizes = {"core": core, "task": task}
    sizes.update(by_group)
    names = {"core": where("core"), "task": where("task")}
    names.update((key, where(key)) for key in by_group)
    return sizes, names


def _converge_target(request):
    """converge: the target and the names of its variables (cluster_scale_core_count, cluster_scale_node_groups.KEY)."""
    core, task = request.get("cluster_scale_core_count"), request.get("cluster_scale_task_count")
    by_group = request.get("cluster_scale_node_groups") or {}
    if not isinstance(by_group, dict):
        raise Refusal("cluster_scale_node_groups: must be a dictionary of node group names and sizes (got %s)" % text(by_group))
    if core is None and task is None and not by_group:
        raise Refusal("cluster_scale_core_count / cluster_scale_task_count: give at least one target size (or sizes by node "
                      "group in cluster_scale_node_groups)")
    twice = [key for key, value in (("core", core), ("task", task)) if value is not None and key in by_group]
    if twice:
        raise Refusal("; ".join("cluster_scale_%s_count / cluster_scale_node_groups.%s: give the %s size once" % (key, key, key)
                                for key in twice))

    def where(key):
        return "cluster_scale_%s_count" % key if key in ("core", "task") and key not in by_group else "cluster_scale_node_groups.%s" % key

    sizes, names = _sizes_and_names(core, task, by_group, where)
    return sizes, dict(names, task_node_info="cluster_scale_task_node_info"), request.get("cluster_scale_task_node_info")


def _profile_shape(name, profile):
    """The shape of one profile (the role's own rule), as a list of what is wrong with it."""
    where = "cluster_scale_profiles.%s" % name
    if not isinstance(profile, dict):
        return ["%s: must be a dictionary with core, task and/or node_groups" % where]
    errors = []
    unknown = sorted(set(profile) - set(PROFILE_KEYS))
    if unknown:
        errors.append("%s: unknown keys %s (known: core, task, task_node_info); sizes of other node groups go under node_groups"
                      % (where, ", ".join(unknown)))
    by_group = profile.get("node_groups", {})
    if not isinstance(by_group, dict):
        errors.append("%s.node_groups: must be a dictionary of node group names and sizes" % where)
    elif "core" not in profile and "task" not in profile and not by_group:
        errors.append("%s: give core, task and/or node_groups" % where)
    else:
        errors.extend("%s.%s / %s.node_groups.%s: give the %s size once" % (where, key, where, key, key)
                      for key in ("core", "task") if key in profile and key in by_group)
    return errors


def _profile_target(name, profile, fallback_spec):
    """One profile's target, the names of its variables and its Task node spec (its own, or cluster_scale_task_node_info)."""
    where = "cluster_scale_profiles.%s" % name
    by_group = profile.get("node_groups") or {}
    sizes, names = _sizes_and_names(profile.get("core"), profile.get("task"), by_group,
                                    lambda key: "%s.%s" % (where, key) if key in ("core", "task") else "%s.node_groups.%s" % (where, key))
    own = "task_node_info" in profile
    names["task_node_info"] = "%s.task_node_info" % where if own else "cluster_scale_task_node_info"
    return sizes, names, profile["task_node_info"] if own else fallback_spec


def _check_target(sizes, names, spec, step=0):
    """The target and the Task node spec on their own, before the cluster is read: the planner's rules, its words."""
    try:
        plan_cluster(None, sizes, step, spec)
    except PlanError as error:
        raise Refusal(named(error, names))


def _profile_request(request):
    """profile: the profile exists, every profile is well formed and its sizes and spec pass the planner, not only the one
    applied; the target is the profile's."""
    profiles, chosen = request.get("cluster_scale_profiles"), request.get("cluster_scale_profile")
    if not isinstance(profiles, dict):
        raise Refusal("cluster_scale_profiles: must be a dictionary of profiles (got %s)" % text(profiles))
    if chosen not in profiles:
        raise Refusal("cluster_scale_profile: no profile named %s in cluster_scale_profiles; known profiles: %s"
                      % (text(chosen), ", ".join(sorted(str(name) for name in profiles)) or "none"))
    errors = [error for name in sorted(profiles, key=str) for error in _profile_shape(name, profiles[name])]
    if errors:
        raise Refusal("; ".join(errors))
    fallback = request.get("cluster_scale_task_node_info")
    for name in sorted(profiles, key=str):
        _check_target(*_profile_target(name, profiles[name], fallback))
    return _profile_target(chosen, profiles[chosen], fallback)


def wanted(request):
    """What a converge or profile run wants, checked by every rule that needs no cluster (Refusal): {sizes, names, spec,
    step, limit, label}."""
    if request.get("pattern") == "profile":
        sizes, names, spec = _profile_request(request)
    else:
        sizes, names, spec = _converge_target(request)
    names = dict(names, step="cluster_scale_step", removal_limit="cluster_scale_core_removal_limit",
                 allow_removal="cluster_scale_allow_core_removal")
    limit = count("cluster_scale_core_removal_limit", request.get("cluster_scale_core_removal_limit", 1))
    _check_target(sizes, names, spec, request.get("cluster_scale_step", 0))
    check_run(request)
    profile = request.get("cluster_scale_profile") if request.get("pattern") == "profile" else None
    return dict(sizes=sizes, names=names, spec=spec, step=request.get("cluster_scale_step", 0),
                limit=None if request.get("cluster_scale_allow_core_removal") else limit,
                label="profile %s" % profile if profile else None, profile=profile)


def _goal(before, sizes, steps):
    """The counts the run ends with, by the keys the result shows: each target, and where each group's resizes end."""
    goal = dict(before)
    for key in before:
        if sizes.get(key) is not None:
            goal[key] = node_count(key, sizes[key])
    for move in steps:
        goal[move["node_group"]] = move["count"]
    return goal


def _nodes(registered):
    """The v2 node list a mrs_cluster_info include_nodes task read (None when it did not run), or a Refusal."""
    message = failure(registered)
    if message is not None:
        raise Refusal("reading the cluster's node list, which tells whether its custom groups hold HDFS data, failed: %s. %s"
                      % (message, NOTHING_CHANGED))
    if not ran(registered):
        return None
    clusters = registered.get("clusters") or [{}]
    return clusters[0].get("nodes")


def _plan_on(view, want):
    """The resizes, each checked as mrs_cluster_nodes will check it, as the role's steps."""
    try:
        steps = plan_cluster(view, want["sizes"], want["step"], want["spec"])
    except PlanError as error:
        raise Refusal(named(error, want["names"]))
    return [{"node_group": move.node_group, "from": move.before, "count": move.after} for move in steps]


def _hdfs(view, steps, want, nodes):
    """The HDFS removal guard, on the node list when it was read (the planner's rule and words)."""
    try:
        check_hdfs_removals(view, steps, nodes, want["limit"], want["names"], want["label"])
    except PlanError as error:
        raise Refusal(named(error, want["names"]))


def _needs_nodes(view, steps):
    """Whether a group the plan shrinks holds HDFS data only its node list can tell (a custom group)."""
    return any(item["holds_hdfs"] is None for item in hdfs_removals(view, steps, None))


def _steps_to_run(steps, want, check_mode, pausing):
    """The steps as the role runs them: the module previews only the first one in check mode (each later one starts from a
    count only the earlier ones make), and none while policies are paused in check mode (the pause is only predicted)."""
    shown = []
    for index, move in enumerate(steps):
        run = not check_mode or (index == 0 and not pausing)
        title = "%s %d -> %d" % (move["node_group"], move["from"], move["count"])
        spec = want["spec"] if move["node_group"] == "task" else None
        shown.append(dict(move, index=index, run=run, task_node_info=spec, label=title if run else
                          "%s: would resize %s from %d to %d nodes (check mode previews only the first resize)"
                          % (title, move["node_group"], move["from"], move["count"])))
    return shown


def _result(request, want, cluster, before, goal, check_mode):
    """cluster_scale_result before the first resize; each resize adds its step (``record``)."""
    return {"pattern": request.get("pattern", "converge"), "profile": want["profile"], "cluster_id": cluster.get("id"),
            "cluster_name": cluster.get("name"), "check_mode": bool(check_mode), "changed": False, "failed": False,
            "before": before, "target": goal, "after": dict(goal if check_mode else before), "steps": [], "in_progress": None,
            "not_started": []}


def plan(request, cluster=PASSED, nodes=PASSED, policies_read=PASSED, pauses=PASSED, restores=PASSED, check_mode=False):
    """Everything the converge and profile tasks need, as far as the reads given allow (see ``_plan``); ``refusal`` is why
    the run stops, or None."""
    out = dict(refusal=None, cluster_id=None, steps=[], needs_nodes=False, policy_groups=[], pause=[], go=False, result=None,
               problem=None)
    return planned(out, _plan, request, cluster, nodes, policies_read, pauses, restores, check_mode)


def _plan(out, request, cluster, nodes, policies_read, pauses, restores, check_mode):
    """Stage by stage: the variables (no read given); the plan on the cluster (``cluster``: the read of mrs_cluster_info),
    with the groups whose policies to read and whether the node list is needed; the HDFS guard (``nodes`` given: the node
    list read, or skipped); the policies (``policies_read``: the `state: read` loop); the pauses and restores."""
    want = wanted(request)
    info = read_cluster(cluster)
    if info is None:
        return
    try:
        view = view_of_info(info)
        steps = _plan_on(view, want)
        before = shown_counts(view, want["sizes"], steps)
        goal = _goal(before, want["sizes"], steps)
        needs = nodes is PASSED and _needs_nodes(view, steps)
        if nodes is not PASSED:
            _hdfs(view, steps, want, _nodes(nodes))
        elif not needs:
            _hdfs(view, steps, want, None)
    except (MrsError, KeyError, TypeError) as error:  # PlanErrors were named above: here an answer the plan cannot use
        raise Refusal(cluster_refusal(error))
    out.update(cluster_id=info.get("id"), needs_nodes=needs, before=before, goal=goal,
               policy_groups=list(dict.fromkeys(move["node_group"] for move in steps)))
    if policies_read is PASSED:
        return
    found = policies.enabled(policies_read)
    pause = request.get("cluster_scale_pause_policy")
    if not pause:
        policies.refuse_enabled(found, want["names"], before, goal)
    out.update(pause=policies.pause_list(found) if pause else [])
    out.update(steps=_steps_to_run(steps, want, check_mode, bool(out["pause"])), go=True,
               result=_result(request, want, info, before, goal, check_mode))
    if pauses is not PASSED:
        out["problem"] = policies.problem(pauses, None if restores is PASSED else restores)
        if policies.pause_failures(pauses):  # nothing is resized: the always section restores what was paused, and fails
            out.update(go=False, steps=[])


def record(result, step, resize=None, failure_result=None, steps=None):
    """cluster_scale_result after one resize of the plan (``resize``: its registered result, skipped in check mode), or after
    it failed (``failure_result``: ansible_failed_result; ``steps``: the plan's steps): then with ``failed``, ``in_progress``,
    ``not_started`` and ``msg``, the message the run stops with."""
    done = dict((key, step[key]) for key in ("node_group", "from", "count"))
    result = dict(result)
    if failure_result is not None:
        return _stopped(result, step, done, failure_result, steps or [])
    if ran(resize):
        done.update(changed=bool(resize.get("changed")), elapsed=resize.get("elapsed", 0))
        if not result["check_mode"]:
            result["after"] = dict(result["after"], **{step["node_group"]: resize.get("count", step["count"])})
    else:
        done.update(changed=True, elapsed=0)
    result.update(changed=True, steps=result["steps"] + [done])
    return result


def _changes(moves):
    return ", ".join("%s %d -> %d" % (move["node_group"], move["from"], move["count"]) for move in moves) or "none"


def _stopped(result, step, done, failed, steps):
    accepted = bool(failed.get("changed"))
    message = str(failed.get("msg") or "failed")
    left = [dict((key, move[key]) for key in ("node_group", "from", "count")) for move in steps[step["index"] + 1:]]
    result.update(failed=True, changed=bool(result["steps"]) or accepted, in_progress=dict(done, changed=accepted, msg=message),
                  not_started=left)
    result["msg"] = ("%s%s of cluster %s stopped at resize %d of %d (%s %d -> %d): %s. %sApplied before it: %s. Not started: %s. "
                     "cluster_scale_applied and cluster_scale_result hold the details."
                     % (result["pattern"], " " + result["profile"] if result.get("profile") else "", result["cluster_id"],
                        step["index"] + 1, len(steps) or step["index"] + 1, step["node_group"], step["from"], step["count"],
                        message, "MRS had accepted this resize, so the group may still be changing. " if accepted else "",
                        _changes(result["steps"]), _changes(left)))
    return result
