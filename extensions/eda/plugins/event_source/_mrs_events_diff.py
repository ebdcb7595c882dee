# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the ``hwcloud.mrs.mrs_events`` source reports: snapshots of the watched clusters, and the events between two.

PURE: no I/O, no clock. The source (``mrs_events.py``) reads MRS and builds a snapshot per poll with ``snapshot_of``;
``diff(previous, current, at)`` turns two snapshots into the events, ``initial_events(current, at)`` reports a first
snapshot when ``emit_initial`` asks for it. PRIVATE to the collection: not an event source itself.

A snapshot is a dict ``{cluster id: ClusterSnap}`` holding exactly the clusters the poll could vouch for: the source
carries a cluster's previous ``ClusterSnap`` forward when its entry could not be read, and leaves a cluster out only
once its deletion is confirmed. A ``terminated`` cluster stays in as a tombstone while MRS still lists it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from dataclasses import dataclass
from typing import Optional, Tuple

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import FAILURE_STATES, SCALING_STATES

# The event names, in the order a poll reports one cluster's events.
EVENTS = ("cluster_created", "cluster_deleted", "state_changed", "scale_started", "scale_succeeded", "scale_failed",
          "node_count_changed", "policy_changed")
DELETED_STATE = "terminated"  # MRS keeps a deleted cluster in its history list in this state (Terraform reads it as gone)
SCALE_ERROR = "scaling-error"  # the ``scale`` sub-state a failed expansion or shrink leaves on a running cluster
POLICY_FIELDS = ("enabled", "min_capacity", "max_capacity")


@dataclass(frozen=True)
class ClusterSnap:
    """One cluster as one poll saw it: what the events are computed from.

    ``counts``: ((node group, nodes), ...) in the answer's order (by role, ``master``/``core``/``task``, when the
    answer listed no group). ``policies``: ((node group, resource pool, enabled, min, max), ...), or None when the
    policies were not read (``include_policies`` false, or their read failed: nothing is then said about them).
    """

    cluster_id: str
    name: str
    state: str
    scale: str = ""
    stage: Optional[str] = None
    counts: Tuple[Tuple[str, Optional[int]], ...] = ()
    policies: Optional[Tuple[Tuple[str, str, bool, int, int], ...]] = None

    @property
    def deleted(self):
        return self.state == DELETED_STATE

    @property
    def scaling(self):
        return self.state in SCALING_STATES or self.scale in SCALING_STATES

    @property
    def scale_failed(self):
        """The answer says the last scale failed: the ``scaling-error`` sub-state (a failed state is a state change)."""
        return self.scale == SCALE_ERROR

    @property
    def direction(self):
        """``scaling-out`` or ``scaling-in`` while a scale runs, else None."""
        return next((value for value in (self.scale, self.state) if value in SCALING_STATES), None)


def snapshot_of(view, policies=None):
    """The ``ClusterSnap`` of a parsed cluster (``_cluster.ClusterView``) and its policy summaries (``policy_rows``)."""
    if view.node_groups:
        counts = tuple((group.name, group.node_count) for group in view.node_groups)
    else:  # an answer without nodeGroups: the role counts it does carry
        roles = (("master", view.master_count), ("core", view.core_count), ("task", view.task_count))
        counts = tuple((role, count) for role, count in roles if count is not None)
    return ClusterSnap(cluster_id=view.cluster_id, name=view.name, state=view.state, scale=view.scale,
                       stage=view.stage_desc, counts=counts, policies=policies)


def policy_rows(groups):
    """The compared part of ``_policy_api.group_policies``' answer ({group: [summary, ...]}): one row per group and pool."""
    rows = []
    for group in sorted(groups):
        for summary in groups[group]:
            rows.append((group, summary["resource_pool"], bool(summary["enabled"]), summary["min_capacity"],
                         summary["max_capacity"]))
    return tuple(rows)


def watched(view_or_snap, wanted):
    """Whether the source watches this cluster: every cluster when ``wanted`` is empty, else those named by id or name."""
    if not wanted:
        return True
    cluster_id = getattr(view_or_snap, "cluster_id")
    return cluster_id in wanted or getattr(view_or_snap, "name") in wanted


# ================================================================================= events


def event(kind, snap, at, **details):
    """``{"mrs": {...}}``: the event name, the cluster, the poll's UTC time, and the details that apply."""
    body = {"event": kind, "cluster_id": snap.cluster_id, "cluster_name": snap.name, "at": at}
    body.update(details)
    return {"mrs": body}


def initial_events(current, at):
    """The first snapshot, reported (``emit_initial``): each live cluster as ``cluster_created`` with ``initial: true``,
    and a scale it shows running (``scale_started``) or failed (``scale_failed``), also marked ``initial``."""
    events = []
    for snap in current.values():
        if snap.deleted:
            continue
        events.append(event("cluster_created", snap, at, after=snap.state, initial=True))
        if snap.scaling:
            events.append(event("scale_started", snap, at, after=snap.direction, stage=snap.stage, initial=True))
        elif snap.scale_failed:
            events.append(event("scale_failed", snap, at, after=snap.scale, stage=snap.stage, initial=True))
    return events


def diff(previous, current, at):
    """Every event between two snapshots, cluster by cluster in the current answer's order, then the deleted ones.

    A cluster in ``previous`` and not in ``current`` is deleted: the source leaves one out only once MRS confirmed it.
    """
    events = []
    for cluster_id, snap in current.items():
        before = previous.get(cluster_id)
        if before is None or before.deleted:
            if not snap.deleted:
                events.append(event("cluster_created", snap, at, after=snap.state))
            continue
        if snap.deleted:
            events.append(event("cluster_deleted", snap, at, before=before.state, after=snap.state))
            continue
        events.extend(cluster_events(before, snap, at))
    for cluster_id, before in previous.items():
        if cluster_id not in current and not before.deleted:
            events.append(event("cluster_deleted", before, at, before=before.state, after=None))
    return events


def cluster_events(before, after, at):
    """The events of one cluster seen in both snapshots: its state, its scale, its groups' counts, its policies."""
    events = []
    if before.state != after.state:
        events.append(event("state_changed", after, at, before=before.state, after=after.state))
    events.extend(scale_events(before, after, at))
    events.extend(count_events(before, after, at))
    events.extend(policy_events(before, after, at))
    return events


def scale_events(before, after, at):
    """From the cluster's ``clusterState``, ``scale`` and ``stageDesc``, which name no node group: per cluster.

    A scale that started and ended between two polls shows only through its counts (``node_count_changed``), or, when
    it failed, through the ``scaling-error`` it leaves; nothing is reported that the answers do not show.
    """
    if not before.scaling and after.scaling:
        return [event("scale_started", after, at, after=after.direction, stage=after.stage)]
    if before.scaling and not after.scaling:
        failed = after.scale_failed or after.state in FAILURE_STATES
        return [event("scale_failed" if failed else "scale_succeeded", after, at, before=before.direction,
                      after=after.scale or after.state, stage=after.stage)]
    if before.scaling and after.scaling and before.direction != after.direction:
        # one scale ended unseen and the other direction began: its outcome is unknown, the new one is not
        return [event("scale_started", after, at, before=before.direction, after=after.direction, stage=after.stage)]
    if after.scale_failed and not before.scale_failed:
        return [event("scale_failed", after, at, before=before.scale or before.state, after=after.scale, stage=after.stage)]
    return []


def count_events(before, after, at):
    """``node_count_changed`` per node group whose count differs; a group that appears or goes has null on that side."""
    old, new = dict(before.counts), dict(after.counts)
    names = [name for name, _count in after.counts] + [name for name, _count in before.counts if name not in new]
    return [event("node_count_changed", after, at, node_group=name, before=old.get(name), after=new.get(name))
            for name in names if old.get(name) != new.get(name)]


def _policy_view(row):
    if row is None:
        return None
    return dict(zip(("resource_pool",) + POLICY_FIELDS, row[1:]))


def policy_events(before, after, at):
    """``policy_changed`` per node group and resource pool whose policy was created, deleted, enabled, disabled or
    re-bounded; only when both polls read the policies."""
    if before.policies is None or after.policies is None:
        return []
    old = dict(((row[0], row[1]), row) for row in before.policies)
    new = dict(((row[0], row[1]), row) for row in after.policies)
    keys = list(new) + [key for key in old if key not in new]
    return [event("policy_changed", after, at, node_group=key[0], before=_policy_view(old.get(key)),
                  after=_policy_view(new.get(key)))
            for key in keys if old.get(key) != new.get(key)]
