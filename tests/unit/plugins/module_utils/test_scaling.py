# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flow of one task over a fake client: at most one accepted resize per change, whatever the network does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, PlanError, TransientError
from ansible_collections.hwcloud.mrs.plugins.module_utils._lookup import find_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import ResizeRequest
from ansible_collections.hwcloud.mrs.plugins.module_utils._scaling import RESIZE_GRACE, ScaleFailed
from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import WaitTimeout
from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClient, FakeClock, details, scaler


def failure(client, request=None, **kwargs):
    """Run converge and return the ScaleFailed it must raise."""
    with pytest.raises(ScaleFailed) as caught:
        scaler(client, **kwargs).converge("c1", request or CORE_TO_5)
    return caught.value


CORE_TO_5 = ResizeRequest(node_group="core", count=5)


def test_no_change_reads_once_and_sends_nothing():
    client = FakeClient(details(core=5))
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert not outcome.plan.changed and client.resizes == [] and outcome.polls == 0


def test_change_sends_one_resize_and_waits_for_the_count():
    client = FakeClient(details(core=3), details(core=3, state="scaling-out", scale="scaling-out"), details(core=5))
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1 and client.resizes[0]["parameters"]["instances"] == "2"
    assert outcome.final.core_count == 5 and outcome.applied


def test_check_mode_sends_nothing_and_predicts():
    client = FakeClient(details(core=3))
    outcome = scaler(client, check_mode=True).converge("c1", CORE_TO_5)
    assert client.resizes == [] and outcome.plan.after == 5 and not outcome.applied


def test_a_scale_in_progress_is_awaited_before_planning():
    client = FakeClient(details(core=3, state="scaling-out", scale="scaling-out"), details(core=5))
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert client.resizes == [] and not outcome.plan.changed and outcome.polls == 1


def test_without_wait_a_scale_in_progress_is_a_clear_refusal():
    client = FakeClient(details(core=3, state="scaling-out", scale="scaling-out"))
    error = failure(client, wait=False)
    assert isinstance(error.cause, PlanError) and error.cause.parameter == "cluster"
    assert client.resizes == [] and not error.outcome.applied


def test_busy_answer_waits_then_replans_from_what_the_other_run_left():
    busy = MrsApiError(400, "12000018", "The cluster is scaling.")
    client = FakeClient(details(core=3), details(core=5, state="scaling-out", scale="scaling-out"), details(core=5),
                        write=[busy])
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1  # the refused one; nothing was applied by us
    assert not outcome.plan.changed and outcome.planned_on.core_count == 5


def test_busy_answer_without_wait_fails():
    busy = MrsApiError(400, "12000018", "The cluster is scaling.")
    client = FakeClient(details(core=3), write=[busy])
    error = failure(client, wait=False)
    assert isinstance(error.cause, MrsApiError) and not error.outcome.applied and len(client.resizes) == 1


def test_lost_answer_of_an_applied_resize_is_not_resent():
    lost = ResizeOutcomeUnknown("PUT failed: ConnectionError; the request may or may not have been applied")
    client = FakeClient(details(core=3), details(core=3, state="scaling-out", scale="scaling-out"), details(core=5),
                        write=[lost])
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1 and outcome.final.core_count == 5


def test_lost_answer_of_a_resize_that_did_not_apply_fails_clearly_without_resending():
    lost = ResizeOutcomeUnknown("PUT failed: ConnectionError; the request may or may not have been applied")
    client = FakeClient(details(core=3), write=[lost])
    with pytest.raises(ScaleFailed, match="showed no sign of this resize .*so it was not applied as far as the cluster shows; "
                       "nothing was re-sent") as caught:
        scaler(client).converge("c1", CORE_TO_5)
    assert caught.value.outcome.applied is False and caught.value.outcome.sent
    assert len(client.resizes) == 1


def test_lost_answer_and_unreadable_cluster_fails_without_resending():
    lost = ResizeOutcomeUnknown("PUT failed")
    client = FakeClient(details(core=3), TransientError("GET failed after 4 retries"), write=[lost])
    with pytest.raises(MrsError, match="the cluster could not be read.*nothing was re-sent"):
        scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1


def test_a_resize_that_shows_up_late_is_recognised_without_resending():
    lost = ResizeOutcomeUnknown("PUT failed: ReadTimeout; the request may or may not have been applied")
    client = FakeClient(details(core=3), details(core=3), details(core=3), details(core=3, state="scaling-out", scale="scaling-out"),
                        details(core=5), write=[lost])
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1 and outcome.final.core_count == 5


def test_lost_answer_then_a_refused_read_says_nothing_was_resent():
    lost = ResizeOutcomeUnknown("PUT failed")
    client = FakeClient(details(core=3), MrsApiError(401, "APIGW.0301", "signature"), write=[lost])
    with pytest.raises(MrsError, match="reading the cluster afterwards failed .*nothing was re-sent"):
        scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1


def test_transient_read_errors_while_waiting_are_ridden_out():
    client = FakeClient(details(core=3), TransientError("503"), TransientError("503"), details(core=5))
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert outcome.final.core_count == 5 and len(client.resizes) == 1


def test_timeout_covers_both_waits():
    client = FakeClient(details(core=3), details(core=3, state="scaling-out", scale="scaling-out"))
    error = failure(client, timeout=10)
    assert isinstance(error.cause, WaitTimeout) and error.outcome.applied
    assert len(client.resizes) == 1


def test_a_listed_cluster_with_node_groups_spares_the_first_read():
    client = FakeClient(MrsError("no read was expected"))
    outcome = scaler(client).converge("c1", CORE_TO_5, listed=details(core=5))
    assert not outcome.plan.changed and client.resizes == []


def test_a_listed_cluster_without_node_groups_is_read_first():
    listed = dict(details(core=3), nodeGroups=None)
    client = FakeClient(details(core=5))
    outcome = scaler(client).converge("c1", CORE_TO_5, listed=listed)
    assert not outcome.plan.changed and client.resizes == []  # planned on the read (5), not on the listed 3


def test_find_cluster_ignores_terminated_and_partial_names():
    assert find_cluster(FakeClient(details()), "demo")["clusterId"] == "c1"
    with pytest.raises(MrsError, match='cluster_name: no live cluster named "nope"'):
        find_cluster(FakeClient(details()), "nope")


def test_finding_a_cluster_sets_no_deadline_on_the_client():
    """The policy module finds its cluster this way: no scaler, so no resize's one-hour deadline on its client."""
    client = FakeClient(details())
    find_cluster(client, "demo")
    assert getattr(client, "deadline", None) is None


# --- issue #11: each class of break, as it was found and as the class reaches ------------------------------------

BUSY = MrsApiError(400, "12000018", "The cluster is scaling.")


def trimmed(raw, *keys):
    """``raw`` without ``keys``, as a gateway that trims a body would pass it on."""
    return dict((key, value) for key, value in raw.items() if key not in keys)


def timed_scaler(client, **kwargs):
    clock = FakeClock()
    return scaler(client, clock=clock, **kwargs), clock


@pytest.mark.parametrize("answer", [
    trimmed(details(core=3), "coreNodeNum", "nodeGroups"),          # no count at all: was read as 0, sent instances "5"
    trimmed(details(core=3), "coreNodeNum", "nodeGroups", "masterNodeNum"),
    dict(details(core=3), coreNodeNum=None, nodeGroups=[]),
])
def test_a_cluster_answer_without_the_core_count_is_refused_before_any_write(answer):
    client = FakeClient(answer)
    error = failure(client)
    assert client.resizes == [] and not error.outcome.applied
    assert "no readable Core node count" in str(error) and "coreNodeNum" in str(error)


@pytest.mark.parametrize("answer", [
    trimmed(details(core=3, task=2), "nodeGroups"),                  # was: Task 0, so "count: 0" was "ok, unchanged"
    trimmed(details(core=3, task=2), "nodeGroups", "taskNodeGroups"),
])
def test_a_cluster_answer_without_task_groups_is_not_a_task_count_of_0(answer):
    client = FakeClient(answer)
    error = failure(client, ResizeRequest(node_group="task", count=0))
    assert client.resizes == [] and "no readable Task node count" in str(error)


def test_an_empty_task_group_list_is_0_task_nodes():
    client = FakeClient(dict(trimmed(details(core=3), "nodeGroups"), taskNodeGroups=[]))
    outcome = scaler(client).converge("c1", ResizeRequest(node_group="task", count=0))
    assert not outcome.plan.changed and outcome.plan.before == 0


def test_growing_needs_both_counts_for_the_500_limit():
    answer = dict(details(core=3), nodeGroups=None)  # the Core count is there, the Task count is not
    client = FakeClient(answer)
    error = failure(client)
    assert client.resizes == [] and "Task node count" in str(error)


@pytest.mark.parametrize("answer, field", [
    (dict(details(core=3), coreNodeNum="5"), "coreNodeNum"),                     # disagrees with the Core group
    (dict(details(core=3, task=2), totalNodeNum="5"), "totalNodeNum"),           # a group was dropped
    (dict(details(core=3, task=2), taskNodeGroups=[{"GroupName": "task_node_analysis_group", "NodeNum": 4}]), "NodeNum"),
    (dict(details(core=3), coreNodeNum="three"), "coreNodeNum"),
])
def test_a_cluster_answer_that_contradicts_itself_is_refused_before_any_write(answer, field):
    client = FakeClient(answer)
    error = failure(client)
    assert client.resizes == [] and field in str(error)


def test_a_cluster_answer_without_a_state_is_refused():
    client = FakeClient(trimmed(details(core=3), "clusterState"))
    error = failure(client)
    assert client.resizes == [] and "clusterState" in str(error)


def test_an_id_missing_from_a_short_host_list_is_not_reported_gone():
    """Was: a node on page 2 was 'already gone' while it still ran. The host list shows 1 of the 2 Task nodes."""
    client = FakeClient(details(core=3, task=2))
    error = failure(client, ResizeRequest(node_group="task", server_ids=("t2",)))
    assert client.resizes == [] and isinstance(error.cause, PlanError) and error.cause.parameter == "server_ids"
    assert "the host list shows 1 Task nodes but the Task group has 2" in str(error)
    # the list is read against the cluster's node count (2 Master + 3 Core + 2 Task), which the real reader checks first
    assert client.host_reads == [7]


def test_an_id_missing_from_a_complete_host_list_is_gone():
    client = FakeClient(details(core=3, task=1))
    outcome = scaler(client).converge("c1", ResizeRequest(node_group="task", server_ids=("t2",)))
    assert client.resizes == [] and outcome.plan.already_gone == ("t2",)


def test_a_planning_read_that_cannot_be_parsed_fails_clearly_without_a_write():
    client = FakeClient({"clusterId": "c1"})
    error = failure(client)
    assert client.resizes == [] and "clusterState" in str(error)


# changed after an accepted resize: every failure path carries applied, the plan and the body sent

SCALING = details(core=3, state="scaling-out", scale="scaling-out")


@pytest.mark.parametrize("after_resize, kwargs", [
    ([SCALING], dict(timeout=10)),                                                     # wait timeout
    ([SCALING], dict(timeout=0)),                                                      # wait_timeout 0
    ([MrsApiError(401, "APIGW.0307", "The token has expired")], {}),                   # a 401 mid-wait
    ([MrsApiError(400, "12000003", "The cluster does not exist.")], {}),               # the cluster vanished
    ([MrsApiError(404, "404", "Not Found")], {}),
    ([details(core=3, scale="scaling-error", state="running")], {}),                   # WaitFailed
    ([details(core=3, state="abnormal")], {}),
    ([{"clusterId": "c1"}], dict(timeout=30)),                                         # unreadable polls until the deadline
])
def test_every_failure_after_an_accepted_resize_says_it_was_applied(after_resize, kwargs):
    client = FakeClient(details(core=3), *after_resize)
    error = failure(client, **kwargs)
    assert len(client.resizes) == 1
    outcome = error.outcome
    assert outcome.applied is True and outcome.sent and outcome.cluster_id == "c1"
    assert outcome.plan.body == client.resizes[0] and outcome.plan.scale_type == "scale_out" and outcome.plan.before == 3
    assert outcome.last is not None


def test_a_resize_confirmed_after_a_lost_answer_is_applied_when_the_wait_then_fails():
    lost = ResizeOutcomeUnknown("PUT failed: ReadTimeout; the request may or may not have been applied")
    moving = details(core=4, state="scaling-out", scale="scaling-out")  # the Core count moved: this resize shows
    client = FakeClient(details(core=3), moving, MrsApiError(401, "APIGW.0307", "expired"), write=[lost])
    error = failure(client)
    assert error.outcome.applied is True and len(client.resizes) == 1


def test_a_scale_in_progress_after_a_lost_answer_is_awaited_and_judged_by_the_groups_count():
    """#20 class 2: a scale in progress is the cluster's, not the group's (it may be another operator's). The task waits for
    it to end and decides from the Core count: unchanged, so this resize was not applied (changed=false), nothing re-sent."""
    lost = ResizeOutcomeUnknown("PUT failed: ReadTimeout; the request may or may not have been applied")
    client = FakeClient(details(core=3), SCALING, SCALING, details(core=3, task=2), write=[lost])
    error = failure(client)
    assert error.outcome.applied is False and len(client.resizes) == 1
    assert "that scale was another operation's, or this resize applied nothing; nothing was re-sent" in str(error)


def test_a_scale_in_progress_after_a_lost_answer_that_then_shows_the_change_is_applied():
    lost = ResizeOutcomeUnknown("PUT failed: ReadTimeout; the request may or may not have been applied")
    client = FakeClient(details(core=3), SCALING, SCALING, details(core=5), write=[lost])
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert outcome.applied and outcome.final.core_count == 5 and len(client.resizes) == 1


def test_a_scale_the_other_way_after_a_lost_answer_is_not_this_resize():
    lost = ResizeOutcomeUnknown("PUT failed: ReadTimeout; the request may or may not have been applied")
    client = FakeClient(details(core=3), details(core=3, state="scaling-in", scale="scaling-in"), write=[lost])
    error = failure(client)
    assert error.outcome.applied is False and "which MRS runs one at a time, so this resize was not applied" in str(error)


def test_without_wait_a_scale_in_progress_after_a_lost_answer_is_an_unknown_outcome_never_a_change():
    lost = ResizeOutcomeUnknown("PUT failed: ReadTimeout; the request may or may not have been applied")
    client = FakeClient(details(core=3), SCALING, write=[lost])
    error = failure(client, wait=False)
    assert error.outcome.applied is False and len(client.resizes) == 1
    assert "may be this resize or another operation; with wait: false the task does not wait" in str(error)


@pytest.mark.parametrize("elsewhere", [
    dict(updateAt="1700000090"),                       # another operator changed a policy: the cluster's updateAt moved
    dict(updateAt="1700000090", taskNodeGroups=[]),    # and the answer changed shape
])
def test_a_lost_answer_is_never_settled_by_updateat(elsewhere):
    """#20 class 2: was reported accepted (changed: true, then a full wait) because updateAt moved."""
    lost = ResizeOutcomeUnknown("PUT failed: ReadTimeout; the request may or may not have been applied")
    before = dict(details(core=3), updateAt="1700000000")
    client = FakeClient(before, dict(before, **elsewhere), write=[lost])
    scaling, clock = timed_scaler(client)
    with pytest.raises(ScaleFailed, match="showed no sign of this resize") as caught:
        scaling.converge("c1", CORE_TO_5)
    # the grace period watched in full, never the wait_timeout (3600 s)
    assert caught.value.outcome.applied is False and RESIZE_GRACE <= clock.now < RESIZE_GRACE + 5, clock.now


def test_a_failure_before_the_resize_is_not_applied():
    client = FakeClient(MrsApiError(401, "APIGW.0301", "signature"))
    error = failure(client)
    assert error.outcome.applied is False and error.outcome.plan is None and not error.outcome.sent


# one bad poll never ends a wait

@pytest.mark.parametrize("bad", [
    {"clusterId": "c1"},                                       # no state
    trimmed(details(core=3), "coreNodeNum", "nodeGroups"),     # no count
    dict(details(core=3), coreNodeNum="x"),                    # unreadable count
    "<html>gateway</html>",                                    # not an object
    TransientError("GET answered 200 with an unreadable body"),
])
def test_one_bad_poll_is_pending_not_an_end(bad):
    client = FakeClient(details(core=3), bad, details(core=5))
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert outcome.final.core_count == 5 and outcome.applied and len(client.resizes) == 1


def test_bad_polls_until_the_deadline_time_out_with_the_last_error():
    client = FakeClient(details(core=3), dict(details(core=3), coreNodeNum="x"))
    error = failure(client, timeout=30)
    assert isinstance(error.cause, WaitTimeout) and "coreNodeNum" in str(error.cause.last_error)
    assert "the answer could not be used" in error.cause.message or "fetching failed" in error.cause.message


def test_a_scale_in_progress_seen_through_bad_polls_is_still_awaited():
    client = FakeClient(SCALING, {"clusterId": "c1"}, details(core=5))
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert client.resizes == [] and not outcome.plan.changed


# busy refusals back off, re-read, and stop

def test_busy_refusals_while_the_cluster_looks_idle_are_bounded_and_back_off():
    """Was: re-sent every second until wait_timeout (about 3,600 writes in an hour)."""
    client = FakeClient(details(core=3), write=[BUSY] * 100)
    scaling, clock = timed_scaler(client, jitter=lambda: 1.0)
    with pytest.raises(ScaleFailed) as caught:
        scaling.converge("c1", CORE_TO_5)
    assert len(client.resizes) == 6  # the first and at most 5 more
    assert clock.sleeps == [5.0, 10.0, 20.0, 40.0, 60.0]
    assert "refused as busy 6 times" in str(caught.value) and caught.value.outcome.applied is False
    assert isinstance(caught.value.cause, MrsApiError) and caught.value.cause.code == "12000018"


def test_busy_pauses_are_jittered():
    client = FakeClient(*([details(core=3)] * 4 + [details(core=5)]), write=[BUSY] * 3)
    scaling, clock = timed_scaler(client, jitter=lambda: 0.0)
    outcome = scaling.converge("c1", CORE_TO_5)
    assert clock.sleeps[:3] == [2.5, 5.0, 10.0] and outcome.applied and len(client.resizes) == 4


def test_busy_refusals_never_sleep_past_the_deadline():
    client = FakeClient(details(core=3), write=[BUSY] * 100)
    scaling, clock = timed_scaler(client, timeout=12, jitter=lambda: 1.0)
    with pytest.raises(ScaleFailed, match="would come after wait_timeout"):
        scaling.converge("c1", CORE_TO_5)
    assert clock.now <= 12 and len(client.resizes) == 2


def test_each_replan_after_busy_reads_the_cluster_again():
    client = FakeClient(details(core=3), details(core=4), details(core=5), write=[BUSY])
    scaling, _clock = timed_scaler(client)
    outcome = scaling.converge("c1", CORE_TO_5)
    # the second plan was made on the second read (4 nodes): one more node, not two
    assert outcome.plan.before == 4 and client.resizes[1]["parameters"]["instances"] == "1"


def test_the_client_gets_the_task_deadline():
    client = FakeClient(details(core=5))
    scaling, clock = timed_scaler(client, timeout=42)
    assert getattr(client, "deadline", None) is None  # building the scaler sets nothing: the run starts the deadline
    clock.now += 100
    scaling.converge("c1", CORE_TO_5)
    assert client.deadline == 100 + 42


# a new failure on a cluster already in scaling-error

def test_a_quick_new_failure_on_a_cluster_already_in_scaling_error_fails_within_the_start_window():
    """Was: waited until the timeout. The earlier failure left scaling-error; the new one fails between two polls, with the
    same stageDesc. updateAt is no evidence (anyone moves it), so the scale that never showed fails after START_WINDOW."""
    before = dict(details(core=3, scale="scaling-error"), updateAt="1700000000", stageDesc="Cluster expansion failed")
    after = dict(before, updateAt="1700000090")
    client = FakeClient(before, after)
    scaling, clock = timed_scaler(client)
    with pytest.raises(ScaleFailed, match="no scale showed within 30 s after MRS accepted the resize") as caught:
        scaling.converge("c1", CORE_TO_5)
    assert caught.value.outcome.applied and 30 <= clock.now < 60


def test_an_updateat_moved_by_another_operator_on_an_old_scaling_error_is_no_failure():
    """#20 class 2: a policy change elsewhere moves updateAt while the accepted scale has not shown yet (accept delay)."""
    before = dict(details(core=3, scale="scaling-error"), updateAt="1700000000", stageDesc="Cluster expansion failed")
    moved = dict(before, updateAt="1700000010")
    client = FakeClient(before, moved, moved, dict(SCALING, updateAt="1700000020"), details(core=5))
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert outcome.final.core_count == 5 and len(client.resizes) == 1


def test_an_old_scaling_error_with_nothing_new_is_still_not_started():
    before = dict(details(core=3, scale="scaling-error"), updateAt="1700000000", stageDesc="Cluster expansion failed")
    client = FakeClient(before, before, SCALING, details(core=5))
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert outcome.final.core_count == 5


def test_a_new_stage_text_on_an_old_scaling_error_is_a_new_failure():
    before = details(core=3, scale="scaling-error")  # set by hand: no stage text, no updateAt
    after = dict(before, stageDesc="Cluster expansion failed")
    client = FakeClient(before, after)
    with pytest.raises(ScaleFailed, match="the scale failed"):
        scaler(client).converge("c1", CORE_TO_5)


def test_a_quick_failure_after_a_lost_answer_settles_at_once_by_the_groups_count():
    """A failed scale recorded after a lost answer may be this one's or another operation's: the Core count, unchanged,
    says this resize applied nothing (changed=false); the task says so at once, without waiting out the grace period."""
    lost = ResizeOutcomeUnknown("PUT failed; the request may or may not have been applied")
    before = dict(details(core=3), updateAt="1700000000")
    after = dict(before, updateAt="1700000030", scale="scaling-error", stageDesc="Cluster expansion failed")
    client = FakeClient(before, after, write=[lost])
    scaling, clock = timed_scaler(client)
    with pytest.raises(ScaleFailed) as caught:
        scaling.converge("c1", CORE_TO_5)
    assert caught.value.outcome.applied is False and clock.now < 5
    assert "recorded a scale, but group core_node_analysis_group still has 3 nodes" in str(caught.value)


def test_find_cluster_refuses_an_entry_without_an_id():
    client = FakeClient(details(), listed=[[{"clusterName": "demo", "clusterState": "running"}]])
    with pytest.raises(ScaleFailed, match="clusterId"):
        scaler(client).converge(None, CORE_TO_5, cluster_name="demo")


# auto-scaling policies: read only when a change is planned, an enabled one refuses before any write

def policy_entry(group="core_node_analysis_group", enabled=True, low=3, high=8, pool="default"):
    policy = {"auto_scaling_enable": enabled, "min_capacity": low, "max_capacity": high, "resources_plans": [],
              "rules": [{"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 1,
                         "trigger": {"metric_name": "YARNAppPending", "metric_value": "10", "comparison_operator": "GT",
                                     "evaluation_periods": 1}}]}
    return {"node_group_name": group, "resource_pool_name": pool, "auto_scaling_policy": policy}


def test_a_no_op_never_reads_the_policies():
    client = FakeClient(details(core=5), policies=[RuntimeError("must not be read")])
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert not outcome.plan.changed and client.policy_reads == 0


@pytest.mark.parametrize("check_mode", [False, True])
def test_an_enabled_policy_refuses_the_resize_before_any_write_check_mode_too(check_mode):
    client = FakeClient(details(core=3), policies=[[policy_entry(low=3, high=4)]])
    with pytest.raises(ScaleFailed) as failed:
        scaler(client, check_mode=check_mode).converge("c1", CORE_TO_5)
    message = str(failed.value.cause)
    assert client.resizes == [] and client.policy_reads == 1 and failed.value.cause.parameter == "node_group"
    for part in ("core_node_analysis_group", "min_capacity 3, max_capacity 4", "enabled: false", "burst",
                 "min_capacity/max_capacity", "outside the policy's min/max (3..4)"):
        assert part in message


def test_inside_the_bounds_says_nothing_about_outside():
    client = FakeClient(details(core=3), policies=[[policy_entry(low=3, high=8)]])
    with pytest.raises(ScaleFailed) as failed:
        scaler(client).converge("c1", CORE_TO_5)
    assert "outside" not in str(failed.value.cause) and client.resizes == []


@pytest.mark.parametrize("policies", [[], None, [policy_entry(enabled=False)], [policy_entry(group="task_node_analysis_group")],
                                      MrsApiError(400, "MRS.00005016", "The auto scaling policy does not exist")])
def test_no_policy_a_disabled_one_or_another_groups_lets_it_proceed(policies):
    client = FakeClient(details(core=3), details(core=5), policies=[[] if policies is None else policies])
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1 and outcome.applied and client.policy_reads == 1


@pytest.mark.parametrize("policies", [MrsApiError(500, "MRS.0001", "internal"), TransientError("connection reset"),
                                      {"not": "a list"}, ["garbage"], [dict(policy_entry(), auto_scaling_policy="x")],
                                      [dict(policy_entry(), auto_scaling_policy={"auto_scaling_enable": "yes"})]])
def test_a_failing_or_garbled_policy_read_stops_before_any_write(policies):
    client = FakeClient(details(core=3), policies=[policies])
    with pytest.raises(ScaleFailed) as failed:
        scaler(client).converge("c1", CORE_TO_5)
    assert client.resizes == [] and not failed.value.outcome.sent
    assert "polic" in str(failed.value.cause)


def test_busy_refusals_plan_again_but_read_the_policies_once():
    busy = MrsApiError(400, "12000018", "busy")
    client = FakeClient(details(core=3), details(core=3), details(core=5), write=[busy])
    outcome = scaler(client, jitter=lambda: 0.0).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 2 and outcome.applied and client.policy_reads == 1


def test_a_cluster_answer_without_group_names_matches_policies_by_role():
    raw = details(core=3)
    del raw["nodeGroups"]
    raw["taskNodeGroups"] = []
    client = FakeClient(raw, policies=[[policy_entry(group="core_node_group_x")]])
    with pytest.raises(ScaleFailed) as failed:
        scaler(client).converge("c1", CORE_TO_5)
    assert failed.value.cause.parameter == "node_group" and client.resizes == []


def test_the_grace_after_an_unknown_outcome_covers_terraforms_first_poll_and_the_docs_say_it():
    """Huawei's Terraform provider looks at the cluster 20 s after a resize at the earliest; the watch after a lost answer
    is longer, so a re-run after it does not meet a scale MRS had accepted but not shown yet. The module's documentation
    gives the same figure."""
    from ansible_collections.hwcloud.mrs.plugins.modules import mrs_cluster_nodes  # pylint: disable=import-outside-toplevel
    assert RESIZE_GRACE >= 20 * 1.5
    text = " ".join(mrs_cluster_nodes.DOCUMENTATION.split())
    assert "when no scale-out starts within %d seconds" % RESIZE_GRACE in text
    assert "watches the cluster for %d seconds" % RESIZE_GRACE in text
