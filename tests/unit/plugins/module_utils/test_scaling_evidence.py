# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a change is judged on (#20 classes 2 and 4, #21 O8, E7, S3): the group's own count, never a field another actor
moves; an answer trimmed of its order_id is no proof of pay-per-use; refusals MRS documents, those this collection does
not know, the busy ones; a scale that ends partly applied; failure messages that never advise undoing another
operation (#20 class 10)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import BUSY_CODES, ERROR_CODES, MrsApiError, known_code
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import ResizeRequest
from ansible_collections.hwcloud.mrs.plugins.module_utils._scaling import ScaleFailed, failure_advice, reached_count
from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import WaitFailed, WaitTimeout
from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClient, scaler
from ansible_collections.hwcloud.mrs.tests.unit.doubles import custom as custom_cluster

GROW = ResizeRequest("node_group_1", count=5)


def custom(tasks=None, billing="12", **fields):
    """A custom cluster: node_group_1 (Core kind) and compute (a Task group of 2), pay-per-use."""
    return custom_cluster(tasks={"compute": 2} if tasks is None else tasks, billing=billing, **fields)


def scaling(**kwargs):
    return custom(state="scaling-out", scale="scaling-out", **kwargs)


def failed(client, request=GROW, **kwargs):
    with pytest.raises(ScaleFailed) as caught:
        scaler(client, **kwargs).converge("c1", request)
    return caught.value


LOST = ResizeOutcomeUnknown("POST expand failed: connection reset; the request may or may not have been applied")


# --- #20 class 2: evidence specific to the change -------------------------------------------------------------------

def test_a_v2_expand_that_never_reached_mrs_is_not_accepted_when_another_operator_changes_a_policy():
    """Was: changed: true, then a full wait, because the other operator's policy change moved updateAt."""
    client = FakeClient(custom(update_at=100), custom(update_at=160), write=[LOST])
    error = failed(client)
    assert error.outcome.applied is False and len(client.writes) == 1
    assert "showed no sign of this resize" in str(error) and "nothing was re-sent" in str(error)


def test_another_groups_count_is_no_evidence():
    client = FakeClient(custom(), custom(tasks={"compute": 5}), write=[LOST])
    assert failed(client).outcome.applied is False


def test_the_groups_own_count_is_evidence():
    client = FakeClient(custom(), scaling(group1=4), custom(group1=5), write=[LOST])
    outcome = scaler(client).converge("c1", GROW)
    assert outcome.applied and outcome.final.count_of("node_group_1") == 5 and len(client.writes) == 1


def test_another_operators_scale_of_another_group_that_ends_is_no_evidence():
    """The scale seen after the lost answer was another operator's expand of compute: awaited, then judged by node_group_1."""
    client = FakeClient(custom(), scaling(), scaling(), custom(tasks={"compute": 4}), write=[LOST])
    error = failed(client)
    assert error.outcome.applied is False and "that scale was another operation's" in str(error)


# --- #20 class 4, #21 O8: an answer trimmed of its order_id ------------------------------------------------------------

@pytest.mark.parametrize("billing", ["11", "Yearly/Monthly", None])
def test_an_expand_answer_without_its_order_id_on_a_group_that_may_be_prepaid_does_not_wait(billing):
    """Was: taken for pay-per-use, and the task waited the whole wait_timeout for nodes only payment brings."""
    client = FakeClient(custom(billing=billing), write=[{"result": "succeeded", "order_id": None}])
    outcome = scaler(client, timeout=3600).converge("c1", GROW)
    assert outcome.applied and outcome.order_unknown and outcome.order_id is None and len(client.writes) == 1
    assert outcome.polls <= 5  # the grace period, never the wait_timeout


@pytest.mark.parametrize("billing, request_", [("12", GROW), ("Metered", GROW), ("11", ResizeRequest("compute", count=4))])
def test_pay_per_use_clusters_and_task_groups_wait_for_their_nodes(billing, request_):
    group = request_.node_group
    after = dict(group1=5) if group == "node_group_1" else dict(tasks={"compute": 4})
    client = FakeClient(custom(billing=billing), scaling(billing=billing), custom(billing=billing, **after))
    outcome = scaler(client).converge("c1", request_)
    assert outcome.applied and not outcome.order_unknown and outcome.final.count_of(group) == request_.count


def test_an_expand_answer_without_order_id_whose_scale_shows_is_awaited():
    client = FakeClient(custom(billing=None), scaling(billing=None), custom(group1=5, billing=None))
    outcome = scaler(client).converge("c1", GROW)
    assert not outcome.order_unknown and outcome.final.count_of("node_group_1") == 5


@pytest.mark.parametrize("billing, words", [("11", "On a yearly/monthly group an expand answers an order"),
                                            (None, "does not say how it is billed")])
def test_a_lost_expand_answer_on_a_group_that_may_be_prepaid_says_where_to_look_and_that_a_rerun_is_safe(billing, words):
    client = FakeClient(custom(billing=billing), write=[LOST])
    error = failed(client)
    assert error.outcome.applied is False and words in str(error) and "12000121" in str(error)


# --- #21 E7: refusals --------------------------------------------------------------------------------------------------

def test_an_unknown_v2_refusal_is_settled_by_reading_the_group_never_by_a_second_write():
    refused = MrsApiError(400, "MRS.00001234", "Something MRS did not document")
    client = FakeClient(custom(), scaling(group1=4), custom(group1=5), write=[refused])
    outcome = scaler(client).converge("c1", GROW)
    assert outcome.applied and outcome.final.count_of("node_group_1") == 5 and len(client.writes) == 1


def test_an_unknown_refusal_that_shows_no_change_fails_with_its_code_and_nothing_re_sent():
    refused = MrsApiError(400, "MRS.00001234", "Something MRS did not document")
    error = failed(FakeClient(custom(), write=[refused]))
    assert error.outcome.applied is False and "MRS.00001234" in str(error) and "nothing was re-sent" in str(error)
    assert isinstance(error.cause, Exception)


@pytest.mark.parametrize("code", ["12000065", "12000121", "12000013", "12000068", "12000080", "APIGW.0302"])
def test_a_documented_refusal_fails_at_once_without_reading_the_cluster_again(code):
    client = FakeClient(custom(), write=[MrsApiError(400, code, "refused")])
    error = failed(client)
    assert error.outcome.applied is False and client.calls.count(("GET", "c1")) == 1 and error.cause.code == code


@pytest.mark.parametrize("code", BUSY_CODES)
def test_every_busy_refusal_backs_off_and_plans_again(code):
    client = FakeClient(custom(), custom(), scaling(), custom(group1=5), write=[MrsApiError(400, code, "busy"), {"result": "success"}])
    outcome = scaler(client, jitter=lambda: 0.0).converge("c1", GROW)
    assert outcome.applied and [name for name, _body in client.writes] == ["EXPAND", "EXPAND"]


def test_the_table_knows_the_busy_codes_and_the_nodes_not_running_codes_are_not_retried():
    for code in BUSY_CODES + ("12000068", "12000080", "12000067", "MRS.00005016"):
        assert known_code(code) and ERROR_CODES[code][0] and ERROR_CODES[code][1]
    assert not set(BUSY_CODES) & {"12000068", "12000080"} and not known_code("MRS.00001234")


# --- #21 S3, #20 class 10: where a failure leaves the group, and what the message advises -------------------------------

def test_a_scale_that_ends_partly_applied_is_a_failure_with_the_count_reached_and_changed_true():
    client = FakeClient(custom(), scaling(), custom(group1=4, state="abnormal"))
    error = failed(client)
    assert isinstance(error.cause, WaitFailed) and error.outcome.applied
    assert "the scale ended partly applied: 4 group node_group_1 nodes of the target 5 (from 3)" in str(error.cause)
    advice = failure_advice(error.outcome, error.cause)
    assert "MRS applied part of this resize (changed=true): group node_group_1 has 4 nodes (from 3, target 5)" in advice
    assert "a re-run asks MRS for the remaining 1" in advice and reached_count(error.outcome, error.cause) == 4


def test_a_group_grown_past_the_target_by_another_operator_is_never_advised_a_rerun():
    """Was: 'run the task again to wait for it', which would shrink away the other operator's nodes."""
    client = FakeClient(custom(), scaling(), custom(group1=7))
    error = failed(client)
    advice = failure_advice(error.outcome, error.cause)
    assert "another operation" in str(error.cause) and "changed the group as well" in advice
    assert "Do not run the task again to correct the count: it would remove the nodes it added" in advice
    assert "run the task again to wait" not in advice and reached_count(error.outcome, error.cause) == 7


def test_a_group_shrunk_below_the_target_by_another_operator_while_growing_is_another_operation_too():
    client = FakeClient(custom(group1=4), scaling(group1=4), custom(group1=2))
    error = failed(client, request=ResizeRequest("node_group_1", count=6))
    assert "add back the nodes it removed" in failure_advice(error.outcome, error.cause)


def test_a_timeout_while_still_scaling_advises_waiting_and_a_failed_scale_advises_checking_first():
    client = FakeClient(custom(), scaling())
    error = failed(client, timeout=60)
    assert isinstance(error.cause, WaitTimeout)
    assert "the cluster is still scaling: run the task again to wait for it" in failure_advice(error.outcome, error.cause)
    client = FakeClient(custom(), scaling(), custom(scale="scaling-error", stage="Cluster expansion failed"))
    error = failed(client)
    advice = failure_advice(error.outcome, error.cause)
    assert "still has its 3 nodes" in advice and "which would send the resize again" in advice


def test_nothing_applied_adds_no_advice():
    error = failed(FakeClient(custom(), write=[MrsApiError(400, "12000065", "prepaid")]))
    assert failure_advice(error.outcome, error.cause) == "" and reached_count(error.outcome, error.cause) is None


def test_a_read_that_fails_while_a_scale_after_a_lost_answer_runs_says_both():
    client = FakeClient(custom(), scaling(), MrsApiError(401, "APIGW.0307", "expired"), write=[LOST])
    error = failed(client)
    assert error.outcome.applied is False and "reading the cluster while it ran failed" in str(error)
    assert "connection reset" in str(error) and "nothing was re-sent" in str(error)
