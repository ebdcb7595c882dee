# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure diff of hwcloud.mrs.mrs_events: sequences of snapshots in, events out, no server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.extensions.eda.plugins.event_source._mrs_events_diff import (
    EVENTS, ClusterSnap, diff, initial_events, policy_rows, snapshot_of, watched)
from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster

AT = "2026-12-07T03:00:00Z"
GROUPS = (("master_node_default_group", 2), ("core_node_analysis_group", 3), ("task_node_analysis_group", 2))


def snap(state="running", scale="", stage=None, counts=GROUPS, policies=None, cluster_id="c1", name="analytics"):
    return ClusterSnap(cluster_id=cluster_id, name=name, state=state, scale=scale, stage=stage, counts=counts, policies=policies)


def replay(*snapshots):
    """The events of a sequence of snapshots ({id: ClusterSnap} each), the first being the baseline."""
    events = []
    for previous, current in zip(snapshots, snapshots[1:]):
        events.extend(diff(previous, current, AT))
    return events


def names(events):
    return [item["mrs"]["event"] for item in events]


def test_an_unchanged_cluster_gives_no_event():
    assert replay({"c1": snap()}, {"c1": snap()}, {"c1": snap()}) == []


def test_a_scale_out_seen_while_it_runs_is_started_then_succeeded_then_counted():
    events = replay({"c1": snap()},
                    {"c1": snap("scaling-out", "scaling-out", "Creating VM")},
                    {"c1": snap("scaling-out", "scaling-out", "Adding node to the cluster")},
                    {"c1": snap(counts=GROUPS[:2] + (("task_node_analysis_group", 4),))})
    assert names(events) == ["state_changed", "scale_started", "state_changed", "scale_succeeded", "node_count_changed"]
    started, succeeded, counted = events[1]["mrs"], events[3]["mrs"], events[4]["mrs"]
    assert started == {"event": "scale_started", "cluster_id": "c1", "cluster_name": "analytics", "at": AT,
                       "after": "scaling-out", "stage": "Creating VM"}
    assert (succeeded["before"], succeeded["after"], succeeded["stage"]) == ("scaling-out", "running", None)
    assert counted == {"event": "node_count_changed", "cluster_id": "c1", "cluster_name": "analytics", "at": AT,
                       "node_group": "task_node_analysis_group", "before": 2, "after": 4}
    assert "node_group" not in started  # the cluster's scale state names no group


def test_a_failed_scale_is_scale_failed_with_its_stage_and_no_count_change():
    events = replay({"c1": snap()},
                    {"c1": snap("running", "scaling-out")},  # the sub-state alone says a scale runs
                    {"c1": snap("running", "scaling-error", "Cluster expansion failed")})
    assert names(events) == ["scale_started", "scale_failed"]
    assert events[1]["mrs"]["stage"] == "Cluster expansion failed" and events[1]["mrs"]["after"] == "scaling-error"


def test_a_scale_that_breaks_the_cluster_is_a_state_change_and_a_failed_scale():
    events = replay({"c1": snap("scaling-in", "scaling-in")}, {"c1": snap("abnormal", "", "Cluster shrink failed")})
    assert names(events) == ["state_changed", "scale_failed"]
    assert (events[0]["mrs"]["before"], events[0]["mrs"]["after"]) == ("scaling-in", "abnormal")


def test_a_scale_failed_between_two_polls_is_reported_from_the_error_it_leaves():
    events = replay({"c1": snap()}, {"c1": snap("running", "scaling-error", "Cluster expansion failed")},
                    {"c1": snap("running", "scaling-error", "Cluster expansion failed")})
    assert names(events) == ["scale_failed"]  # once: the error staying is no new failure


def test_a_scale_done_between_two_polls_shows_only_as_counts_nothing_is_invented():
    events = replay({"c1": snap()}, {"c1": snap(counts=GROUPS[:2] + (("task_node_analysis_group", 0),))})
    assert names(events) == ["node_count_changed"]


def test_a_new_scale_in_the_other_direction_is_a_new_start():
    events = replay({"c1": snap("scaling-out", "scaling-out")}, {"c1": snap("scaling-in", "scaling-in")})
    assert names(events) == ["state_changed", "scale_started"]
    assert events[1]["mrs"]["after"] == "scaling-in"


def test_a_group_that_appears_or_goes_has_null_on_that_side():
    events = replay({"c1": snap(counts=GROUPS[:2])}, {"c1": snap()}, {"c1": snap(counts=GROUPS[:2])})
    assert [(e["mrs"]["node_group"], e["mrs"]["before"], e["mrs"]["after"]) for e in events] == [
        ("task_node_analysis_group", None, 2), ("task_node_analysis_group", 2, None)]


def test_clusters_created_deleted_and_terminated():
    other = snap(cluster_id="c2", name="etl")
    events = replay({"c1": snap()}, {"c1": snap(), "c2": other}, {"c2": other},
                    {"c2": snap("terminated", cluster_id="c2", name="etl")}, {"c2": snap("terminated", cluster_id="c2", name="etl")}, {})
    assert names(events) == ["cluster_created", "cluster_deleted", "cluster_deleted"]
    assert [(e["mrs"]["cluster_id"], e["mrs"].get("before"), e["mrs"]["after"]) for e in events] == [
        ("c2", None, "running"), ("c1", "running", None), ("c2", "running", "terminated")]


def test_a_terminated_cluster_first_seen_is_not_created():
    assert replay({}, {"c9": snap("terminated", cluster_id="c9")}) == []


def test_state_changes_are_reported_for_any_state():
    events = replay({"c1": snap()}, {"c1": snap("abnormal")}, {"c1": snap("running")})
    assert [(e["mrs"]["before"], e["mrs"]["after"]) for e in events] == [("running", "abnormal"), ("abnormal", "running")]


def test_policy_changes_only_when_both_polls_read_them():
    enabled = (("task_node_analysis_group", "default", True, 1, 5),)
    bounds = (("task_node_analysis_group", "default", True, 2, 5),)
    events = replay({"c1": snap(policies=())}, {"c1": snap(policies=enabled)}, {"c1": snap(policies=bounds)},
                    {"c1": snap(policies=None)}, {"c1": snap(policies=())})
    assert names(events) == ["policy_changed", "policy_changed"]
    assert events[0]["mrs"]["before"] is None
    assert events[0]["mrs"]["after"] == {"resource_pool": "default", "enabled": True, "min_capacity": 1, "max_capacity": 5}
    assert (events[1]["mrs"]["before"]["min_capacity"], events[1]["mrs"]["after"]["min_capacity"]) == (1, 2)


def test_policy_rows_compare_enabled_and_bounds_per_group_and_pool():
    summary = {"resource_pool": "default", "enabled": False, "min_capacity": 0, "max_capacity": 3, "rule_count": 1, "plan_count": 0}
    summaries = {"task_node_analysis_group": [summary], "core_node_analysis_group": []}
    assert policy_rows(summaries) == (("task_node_analysis_group", "default", False, 0, 3),)


def test_initial_events_report_what_the_first_poll_shows():
    current = {"c1": snap(), "c2": snap("scaling-out", "scaling-out", "Creating VM", cluster_id="c2"),
               "c3": snap("running", "scaling-error", "Cluster expansion failed", cluster_id="c3"),
               "c4": snap("terminated", cluster_id="c4")}
    events = initial_events(current, AT)
    assert [(e["mrs"]["cluster_id"], e["mrs"]["event"]) for e in events] == [
        ("c1", "cluster_created"), ("c2", "cluster_created"), ("c2", "scale_started"), ("c3", "cluster_created"),
        ("c3", "scale_failed")]
    assert all(e["mrs"]["initial"] is True for e in events)


def test_every_event_kind_is_reachable_and_documented():
    kinds = set()
    kinds.update(names(replay({"c1": snap(policies=())}, {"c1": snap("scaling-out", policies=())},
                              {"c1": snap(counts=GROUPS[:2], policies=(("g", "default", True, 0, 1),))},
                              {"c1": snap("scaling-in")}, {"c1": snap("failed")}, {}, {"c1": snap()})))
    assert kinds == set(EVENTS)


def test_snapshot_of_a_parsed_answer_keeps_the_groups_in_order_or_the_role_counts():
    view = parse_cluster({"clusterId": "c1", "clusterName": "a", "clusterState": "Running", "scale": "", "stageDesc": None,
                          "nodeGroups": [{"GroupName": "master_node_default_group", "NodeNum": "2"},
                                         {"GroupName": "node_group_1", "NodeNum": 3}]})
    assert snapshot_of(view).counts == (("master_node_default_group", 2), ("node_group_1", 3))
    assert snapshot_of(view).state == "running"
    bare = parse_cluster({"clusterId": "c1", "clusterName": "a", "clusterState": "running", "masterNodeNum": "2", "coreNodeNum": "3"})
    assert snapshot_of(bare).counts == (("master", 2), ("core", 3))


def test_watched_by_id_or_name():
    assert watched(snap(), frozenset())
    assert watched(snap(), frozenset({"c1"})) and watched(snap(), frozenset({"analytics"}))
    assert not watched(snap(), frozenset({"etl"}))
