# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the cluster_scale role's schedule entry point: the windows as resource plans, checked by the policy
rules (``_policy_options.option_parts``) before any request and named as the role's variable; the group whose policy holds them
(``_policy_scope.target_group``); the bounds of a policy to create; the result fact. Pure.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import view_of_info
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_options import option_parts
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_scope import target_group
from ansible_collections.hwcloud.mrs.plugins.plugin_utils._role_common import (
    PASSED, Refusal, check_selector, cluster_refusal, failure, planned, ran, read_cluster, text, whole)

WINDOW_KEYS = ("days", "start", "end", "min", "max")
# a window's keys, as the role names them, for the module's names of a resource plan's fields
FIELDS = {"start_time": "start", "end_time": "end", "min_capacity": "min", "max_capacity": "max", "effective_days": "days"}
PLAN_PATH = re.compile(r"resources_plans\[(\d+)\](?:\.(\w+))?")
OPTIONS = {"node_group": "cluster_scale_schedule_node_group", "min_capacity": "cluster_scale_schedule_min_capacity",
           "max_capacity": "cluster_scale_schedule_max_capacity", "cluster_id": "cluster_scale_cluster_id",
           "cluster_name": "cluster_scale_cluster_name"}


def _role_path(parameter):
    """``resources_plans[0].end_time`` as the role's variable: ``cluster_scale_schedule[0].end``."""
    def one(match):
        field = match.group(2)
        return "cluster_scale_schedule[%s]%s" % (match.group(1), "." + FIELDS.get(field, field) if field else "")
    return PLAN_PATH.sub(one, parameter)


def _windows(schedule):
    """The windows' shape and keys (the role's own rule)."""
    if isinstance(schedule, (str, bytes, dict)) or not isinstance(schedule, list):
        raise Refusal("cluster_scale_schedule: must be a list of {days, start, end, min, max}")
    if not all(isinstance(window, dict) for window in schedule):
        raise Refusal("cluster_scale_schedule: every entry must be a dictionary with start, end, min, max and optionally days")
    bad = ["cluster_scale_schedule[%d]: give start, end, min, max and optionally days, nothing else (got %s)" % (index, text(window))
           for index, window in enumerate(schedule)
           if set(window) - set(WINDOW_KEYS) or set(WINDOW_KEYS[1:]) - set(window)]
    if bad:
        raise Refusal("; ".join(bad))


def _quoted(schedule):
    """YAML 1.1 reads an unquoted 9:30 as the number 570 (minutes, base 60): say so, naming the window, before any request."""
    bad = []
    for index, window in enumerate(schedule):
        for key in ("start", "end"):
            value = window[key]
            if isinstance(value, str):
                continue
            minutes = whole(value) if not isinstance(value, float) else None
            written = "%d:%02d" % divmod(minutes, 60) if minutes is not None and 0 <= minutes < 1440 else None
            bad.append('cluster_scale_schedule[%d].%s: must be a quoted time "HH:mm" (got %s%s)'
                       % (index, key, text(value), ': YAML reads the unquoted time %s as the number %s; write %s: "%s"'
                          % (written, value, key, written) if written else ""))
    if bad:
        raise Refusal("; ".join(bad))


def _plans(schedule):
    """The windows as the module's resource plans, checked by the policy rules before any request."""
    plans = [{"period_type": "daily", "start_time": str(window["start"]), "end_time": str(window["end"]),
              "min_capacity": _number(window["min"]), "max_capacity": _number(window["max"]),
              "effective_days": window.get("days") or []} for window in schedule]
    try:
        option_parts({"resources_plans": plans})
    except PlanError as error:
        raise Refusal("%s: %s" % (_role_path(error.parameter), error.rule))
    return plans


def _number(value):
    number = whole(value)
    return value if number is None else number


def plan(request, cluster=PASSED, write=PASSED, check_mode=False):
    """Everything the schedule tasks need: the resource plans, the group as MRS names it, whether its policy is created (then
    with the bounds), the result fact and the ``problem`` of a write MRS or the module refused; ``refusal`` is why it stops
    before any write."""
    out = dict(refusal=None, cluster_id=None, plans=[], node_group=None, create=False, result=None, problem=None)
    return planned(out, _plan, request, cluster, write, check_mode)


def _plan(out, request, cluster, write, check_mode):
    schedule = request.get("cluster_scale_schedule")
    _windows(schedule)
    _quoted(schedule)
    out["plans"] = _plans(schedule)
    check_selector(request)
    info = read_cluster(cluster)
    if info is None:
        return
    name, create = _target(request, info)
    out.update(cluster_id=info.get("id"), node_group=name, create=create)
    if write is not PASSED:
        out.update(_written(write, info, check_mode))


def _target(request, info):
    """(the group as MRS names it, whether its policy is to be created): the group the role's variable means on the cluster
    (``target_group``), and a policy to create has its bounds."""
    given = request.get("cluster_scale_schedule_node_group") or "task"
    try:
        name = target_group(view_of_info(info), given)
    except (PlanError, MrsError) as error:
        if getattr(error, "parameter", None) == "node_group":
            raise Refusal("cluster_scale_schedule_node_group: %s" % error.rule)
        raise Refusal(cluster_refusal(error))
    group = next((item for item in info.get("node_groups") or [] if item.get("name") == name), {})
    create = group.get("policy") is None
    low, high = request.get("cluster_scale_schedule_min_capacity"), request.get("cluster_scale_schedule_max_capacity")
    if create and (low is None or high is None):
        raise Refusal("cluster_scale_schedule_min_capacity / cluster_scale_schedule_max_capacity: the %s group has no auto-scaling "
                      "policy yet, so give the bounds of the one to create" % given)
    return name or given, create


def _written(write, info, check_mode):
    """What the policy write registered: its ``problem`` when the module or MRS refused it (named as the role's
    variables), its ``result`` fact when it ran; {} when it did not run."""
    message = failure(write)
    if message is not None:
        parameter = str(write.get("parameter") or "")
        if parameter in OPTIONS and message.startswith(parameter + ": "):
            message = OPTIONS[parameter] + message[len(parameter):]
        return {"problem": _role_path(message)}
    if not ran(write):
        return {}
    return {"result": {"pattern": "schedule", "cluster_id": info.get("id"), "cluster_name": info.get("name"),
                       "node_group": write.get("node_group"), "check_mode": bool(check_mode),
                       "changed": bool(write.get("changed")), "changes": write.get("changes"), "policy": write.get("policy")}}
