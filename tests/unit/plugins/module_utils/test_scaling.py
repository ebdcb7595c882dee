# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The flow of one task over a fake client: at most one accepted resize per change, whatever the network does."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._client import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, TransientError
from ansible_collections.hwcloud.mrs.plugins.module_utils._planner import PlanError, ResizeRequest
from ansible_collections.hwcloud.mrs.plugins.module_utils._scaling import NodeScaler, ScaleFailed
from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import WaitTimeout


def failure(client, request=None, **kwargs):
    """Run converge and return the ScaleFailed it must raise."""
    with pytest.raises(ScaleFailed) as caught:
        scaler(client, **kwargs).converge("c1", request or CORE_TO_5)
    return caught.value


def details(core=3, task=0, state="running", scale=""):
    groups = [{"GroupName": "master_node_default_group", "NodeNum": 2}, {"GroupName": "core_node_analysis_group", "NodeNum": core}]
    if task:
        groups.append({"GroupName": "task_node_analysis_group", "NodeNum": task})
    return {"clusterId": "c1", "clusterName": "demo", "clusterState": state, "scale": scale, "stageDesc": None,
            "billingType": "Metered", "masterNodeNum": "2", "coreNodeNum": str(core), "nodeGroups": groups}


class FakeClient:
    """Answers get_cluster from a script (the last answer repeats) and records every resize."""

    project_id = "p1"

    def __init__(self, *answers, resize_error=None):
        self.answers = list(answers)
        self.resizes = []
        self.resize_errors = list(resize_error or [])

    def get_cluster(self, cluster_id):
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def list_hosts(self, cluster_id):
        return [{"id": "t1", "name": "n1", "type": "Task", "node_group_name": "task_node_analysis_group"}]

    def list_clusters(self, cluster_name=None, cluster_state=None):
        return [{"clusterId": "c1", "clusterName": "demo", "clusterState": "running"},
                {"clusterId": "c0", "clusterName": "demo", "clusterState": "terminated"},
                {"clusterId": "c2", "clusterName": "demo-2", "clusterState": "running"}]

    def resize(self, cluster_id, body):
        self.resizes.append(body)
        if self.resize_errors:
            raise self.resize_errors.pop(0)
        return {"result": "succeeded"}


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def scaler(client, **kwargs):
    clock = FakeClock()
    return NodeScaler(client, clock=clock, sleep=clock.sleep, **kwargs)


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
                        resize_error=[busy])
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1  # the refused one; nothing was applied by us
    assert not outcome.plan.changed and outcome.planned_on.core_count == 5


def test_busy_answer_without_wait_fails():
    busy = MrsApiError(400, "12000018", "The cluster is scaling.")
    client = FakeClient(details(core=3), resize_error=[busy])
    error = failure(client, wait=False)
    assert isinstance(error.cause, MrsApiError) and not error.outcome.applied and len(client.resizes) == 1


def test_lost_answer_of_an_applied_resize_is_not_resent():
    lost = ResizeOutcomeUnknown("PUT failed: ConnectionError; the request may or may not have been applied")
    client = FakeClient(details(core=3), details(core=3, state="scaling-out", scale="scaling-out"), details(core=5),
                        resize_error=[lost])
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1 and outcome.final.core_count == 5


def test_lost_answer_of_a_resize_that_did_not_apply_fails_clearly_without_resending():
    lost = ResizeOutcomeUnknown("PUT failed: ConnectionError; the request may or may not have been applied")
    client = FakeClient(details(core=3), resize_error=[lost])
    with pytest.raises(ScaleFailed, match="showed no sign of this resize .*outcome is unknown; nothing was re-sent") as caught:
        scaler(client).converge("c1", CORE_TO_5)
    assert caught.value.outcome.applied is False and caught.value.outcome.sent
    assert len(client.resizes) == 1


def test_lost_answer_and_unreadable_cluster_fails_without_resending():
    lost = ResizeOutcomeUnknown("PUT failed")
    client = FakeClient(details(core=3), TransientError("GET failed after 4 retries"), resize_error=[lost])
    with pytest.raises(MrsError, match="the cluster could not be read.*nothing was re-sent"):
        scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1


def test_a_resize_that_shows_up_late_is_recognised_without_resending():
    lost = ResizeOutcomeUnknown("PUT failed: ReadTimeout; the request may or may not have been applied")
    client = FakeClient(details(core=3), details(core=3), details(core=3), details(core=3, state="scaling-out", scale="scaling-out"),
                        details(core=5), resize_error=[lost])
    outcome = scaler(client).converge("c1", CORE_TO_5)
    assert len(client.resizes) == 1 and outcome.final.core_count == 5


def test_lost_answer_then_a_refused_read_says_nothing_was_resent():
    lost = ResizeOutcomeUnknown("PUT failed")
    client = FakeClient(details(core=3), MrsApiError(401, "APIGW.0301", "signature"), resize_error=[lost])
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
    assert scaler(FakeClient(details())).find_cluster("demo")["clusterId"] == "c1"
    with pytest.raises(MrsError, match="cluster_name: no cluster named 'nope'"):
        scaler(FakeClient(details())).find_cluster("nope")
