# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the cluster_scale role's drain entry point: which hosts the names and ids mean, that they are Task
nodes (the planner's rule: ``non_task_hosts``), which are missing, and the result fact. Pure.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import host_kind, non_task_hosts
from ansible_collections.hwcloud.mrs.plugins.module_utils._hosts import Host
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import view_of_info
from ansible_collections.hwcloud.mrs.plugins.plugin_utils._role_common import (
    NOTHING_CHANGED, PASSED, Refusal, check_run, cluster_refusal, planned, ran, read_cluster, text)

NAMES = "cluster_scale_drain_server_ids / cluster_scale_drain_host_names"
SHOWN_HOSTS = 10


def _given(request):
    ids = list(request.get("cluster_scale_drain_server_ids") or [])
    names = list(request.get("cluster_scale_drain_host_names") or [])
    if not ids and not names:
        raise Refusal("%s: give at least one Task node id or host name" % NAMES)
    return ids, names


def _hosts(info):
    """The cluster's hosts as the planner reads them."""
    return [Host(**dict((field, host.get(field)) for field in ("id", "name", "ip", "status", "type", "node_group", "role")))
            for host in info["hosts"]]


def _choose(view, hosts, ids, names):
    """(chosen hosts, ids that match no host, names that match no host); a chosen host that is not a Task node is refused."""
    chosen = [host for host in hosts if host.id in ids] + [host for host in hosts if host.name in names]
    others = list(dict((host.id, host) for host in non_task_hosts(view, chosen)).values())
    if others:
        raise Refusal("%s: only Task nodes can be drained; not Task nodes: %s. %s" % (
            NAMES, ", ".join("%s (%s, %s)" % (host.name, host.id, host_kind(view, host)) for host in others), NOTHING_CHANGED))
    known_ids, known_names = set(host.id for host in hosts), set(host.name for host in hosts)
    return chosen, [item for item in ids if item not in known_ids], [item for item in names if item not in known_names]


def _missing(view, info, hosts, gone_ids, gone_names):
    """A name or id that matches no host is most often a typo, which would otherwise pass as "already gone"."""
    named = (["cluster_scale_drain_server_ids"] if gone_ids else []) + (["cluster_scale_drain_host_names"] if gone_names else [])
    tasks = sorted(host.name for host in hosts if host_kind(view, host) == "task")
    more = " and %d more" % (len(tasks) - SHOWN_HOSTS) if len(tasks) > SHOWN_HOSTS else ""
    return ("%s: no host of cluster %s has %s. %s Task hosts: %s%s. If these nodes were removed by an earlier run, set "
            "cluster_scale_drain_allow_missing to true to count them as already gone."
            % (" / ".join(named), info.get("id"), ", ".join(text(item) for item in gone_ids + gone_names), NOTHING_CHANGED,
               ", ".join(tasks[:SHOWN_HOSTS]) or "none", more))


def plan(request, cluster=PASSED, removal=PASSED, check_mode=False):
    """Everything the drain tasks need: the ids to remove (``server_ids``), the ``warning`` about nodes counted as already
    gone, the result fact once the removal ran; ``refusal`` is why it stops before any change."""
    out = dict(refusal=None, cluster_id=None, server_ids=[], task_count=None, warning=None, result=None)
    return planned(out, _plan, request, cluster, removal, check_mode)


def _plan(out, request, cluster, removal, check_mode):
    ids, names = _given(request)
    check_run(request)
    info = read_cluster(cluster)
    if info is None:
        return
    chosen, gone_ids, gone_names = _resolved(request, info, ids, names)
    gone = gone_ids + gone_names
    out.update(cluster_id=info.get("id"), server_ids=list(dict.fromkeys(host.id for host in chosen)), task_count=info.get("task_count"))
    if gone:
        out["warning"] = ("[WARNING] cluster_scale drain: no host of cluster %s has %s; counted as already gone "
                          "(cluster_scale_drain_allow_missing is true). Check the spelling if you expected them to be removed now."
                          % (info.get("id"), ", ".join(text(item) for item in gone)))
    if removal is not PASSED:
        out["result"] = _result(info, chosen, gone_ids, gone_names, removal, check_mode)


def _resolved(request, info, ids, names):
    """(chosen hosts, ids that match no host, names that match no host) on the cluster; a name or id that matches no host
    is refused unless cluster_scale_drain_allow_missing counts it as already gone."""
    try:
        view, hosts = view_of_info(info), _hosts(info)
        chosen, gone_ids, gone_names = _choose(view, hosts, ids, names)
    except (MrsError, KeyError, TypeError) as error:
        raise Refusal(cluster_refusal(error))
    if (gone_ids or gone_names) and not request.get("cluster_scale_drain_allow_missing"):
        raise Refusal(_missing(view, info, hosts, gone_ids, gone_names))
    return chosen, gone_ids, gone_names


def _result(info, chosen, gone_ids, gone_names, removal, check_mode):
    """The result fact once the removal task was reached (it may have been skipped: nothing left to remove)."""
    removed = list(removal.get("server_ids") or []) if ran(removal) else []
    return {
        "pattern": "drain", "cluster_id": info.get("id"), "cluster_name": info.get("name"), "check_mode": bool(check_mode),
        "changed": bool(ran(removal) and removal.get("changed")), "before": {"task": info.get("task_count")},
        "after": {"task": removal.get("count") if ran(removal) else info.get("task_count")},
        "removed": {"server_ids": removed, "host_names": list(dict.fromkeys(host.name for host in chosen if host.id in removed))},
        "already_gone": {"server_ids": gone_ids, "host_names": gone_names}}
