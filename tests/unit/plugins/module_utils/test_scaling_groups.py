# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""NodeScaler on named groups (#13): the plan's API picks the call, the wait follows the group, an order stops the wait."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import ResizeRequest
from ansible_collections.hwcloud.mrs.plugins.module_utils._scaling import ScaleFailed
from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import WaitFailed
from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClient, custom, scaler


def node(group, datanode):
    roles = [{"role_name": "DataNode", "service_name": "HDFS"}] if datanode else [{"role_name": "NodeManager", "service_name": "Yarn"}]
    return {"node_name": "n", "node_group_name": group, "component_infos": roles}


def test_a_custom_group_scale_out_is_one_expand_and_waits_for_that_group():
    client = FakeClient(custom(3), custom(3, state="scaling-out", scale="scaling-out"), custom(5))
    outcome = scaler(client).converge("c1", ResizeRequest("node_group_1", count=5))
    assert client.writes == [("EXPAND", {"node_group_name": "node_group_1", "count": 2})]
    assert outcome.applied and outcome.final.count_of("node_group_1") == 5 and outcome.plan.api == "v2"


def test_the_wait_does_not_end_while_the_accepted_expand_has_not_shown():
    """accept_delay: MRS keeps the old picture for a while after accepting; that is pending, never done or failed."""
    client = FakeClient(custom(3), custom(3), custom(3), custom(3, state="scaling-out", scale="scaling-out"), custom(5))
    outcome = scaler(client).converge("c1", ResizeRequest("node_group_1", count=5))
    assert outcome.final.count_of("node_group_1") == 5 and outcome.polls == 4


def test_a_scale_that_ends_short_of_the_target_in_the_group_fails():
    client = FakeClient(custom(3), custom(3, state="scaling-out", scale="scaling-out"), custom(4))
    with pytest.raises(ScaleFailed) as caught:
        scaler(client).converge("c1", ResizeRequest("node_group_1", count=5))
    assert isinstance(caught.value.cause, WaitFailed) and "4 group node_group_1 nodes, not the target 5" in str(caught.value.cause)


def test_a_shrink_below_three_of_a_datanode_group_is_refused_after_reading_the_nodes_and_before_any_write():
    client = FakeClient(custom(3), nodes=[[node("node_group_1", True)] * 3])
    with pytest.raises(ScaleFailed) as caught:
        scaler(client).converge("c1", ResizeRequest("node_group_1", count=2))
    assert isinstance(caught.value.cause, PlanError) and "runs the HDFS DataNode" in str(caught.value.cause)
    # one group's nodes, checked against that group's count in the cluster answer
    assert client.writes == [] and client.node_reads == [dict(node_group="node_group_1", ecs_detail=False, expected=3)]


def test_a_shrink_of_a_custom_group_without_data_goes_through_once():
    client = FakeClient(custom(3), custom(3, state="scaling-in", scale="scaling-in"), custom(1),
                        nodes=[[node("node_group_1", False)] * 3])
    outcome = scaler(client).converge("c1", ResizeRequest("node_group_1", count=1))
    assert client.writes == [("SHRINK", {"node_group_name": "node_group_1", "count": 2})]
    assert outcome.final.count_of("node_group_1") == 1


def test_a_shrink_to_three_or_more_does_not_read_the_nodes():
    client = FakeClient(custom(5), custom(5, state="scaling-in", scale="scaling-in"), custom(3))
    scaler(client).converge("c1", ResizeRequest("node_group_1", count=3))
    assert client.node_reads == []


def test_a_no_op_is_one_read():
    client = FakeClient(custom(3))
    outcome = scaler(client).converge("c1", ResizeRequest("node_group_1", count=3))
    assert client.calls == [("GET", "c1")] and not outcome.plan.changed


def test_check_mode_reads_and_predicts_but_never_writes():
    client = FakeClient(custom(3))
    outcome = scaler(client, check_mode=True).converge("c1", ResizeRequest("node_group_1", count=7))
    assert client.writes == [] and outcome.plan.body == {"node_group_name": "node_group_1", "count": 4}


def test_an_order_stops_the_task_without_waiting():
    client = FakeClient(custom(3), write=[{"result": "success", "order_id": "CS0001"}])
    outcome = scaler(client).converge("c1", ResizeRequest("node_group_1", count=4))
    assert outcome.order_id == "CS0001" and outcome.applied and client.calls.count(("GET", "c1")) == 1


def test_a_lost_expand_answer_is_settled_by_reading_never_by_resending():
    client = FakeClient(custom(3), custom(3, state="scaling-out", scale="scaling-out"), custom(5),
                        write=[ResizeOutcomeUnknown("POST expand failed: connection reset")])
    outcome = scaler(client).converge("c1", ResizeRequest("node_group_1", count=5))
    assert len(client.writes) == 1 and outcome.applied and outcome.final.count_of("node_group_1") == 5


def test_a_busy_refusal_of_a_v2_write_replans_and_sends_once_more():
    busy = MrsApiError(400, "12000018", "busy")
    client = FakeClient(custom(3), custom(3), custom(3, state="scaling-out", scale="scaling-out"), custom(5), write=[busy])
    scaler(client, jitter=lambda: 0.0).converge("c1", ResizeRequest("node_group_1", count=5))
    assert [name for name, *_rest in client.writes] == ["EXPAND", "EXPAND"]


def test_a_task_group_of_a_custom_cluster_shrinks_through_v2_without_reading_nodes():
    client = FakeClient(custom(3, tasks={"compute": 2}), custom(3, tasks={"compute": 2}, state="scaling-in", scale="scaling-in"),
                        custom(3, tasks={"compute": 0}))
    scaler(client).converge("c1", ResizeRequest("task", count=0))
    assert client.writes == [("SHRINK", {"node_group_name": "compute", "count": 2})] and client.node_reads == []
