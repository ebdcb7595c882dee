# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mrs_cluster_nodes main() on named groups (#13): what it returns, what it refuses, the prepaid order."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.modules import mrs_cluster_nodes

from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClient, custom, details
from ansible_collections.hwcloud.mrs.tests.unit.plugins.modules.module_harness import run


def test_a_custom_group_is_expanded_and_the_result_names_group_and_api(monkeypatch):
    client = FakeClient(custom(3), custom(3, state="scaling-out", scale="scaling-out"), custom(4))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="node_group_1", count=4, _ansible_diff=True)
    result = end.result
    assert end.kind == "exit" and result["changed"] is True, result
    assert (result["node_group"], result["group_name"], result["api"], result["count"]) == ("node_group_1", "node_group_1", "v2", 4)
    assert client.writes == [("EXPAND", {"node_group_name": "node_group_1", "count": 1})]
    assert result["request"] == {"node_group_name": "node_group_1", "count": 1} and "order_id" not in result
    assert result["diff"]["after"] == {"node_group": "node_group_1", "count": 4, "server_ids": []}


def test_the_default_groups_report_v11_and_the_mrs_name(monkeypatch):
    client = FakeClient(details(core=4))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="CORE", count=4)
    assert (end.result["node_group"], end.result["group_name"], end.result["api"]) == ("CORE", "core_node_analysis_group", "v1.1")


def test_a_prepaid_expand_returns_the_order_does_not_wait_and_says_what_to_do(monkeypatch):
    client = FakeClient(custom(3), write=[{"result": "success", "order_id": "CS123"}])
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="node_group_1", count=5)
    result = end.result
    assert end.kind == "exit" and result["changed"] is True and result["order_id"] == "CS123"
    assert result["count"] == 3 and result["polls"] == 0 and [call[0] for call in client.calls].count("GET") == 1
    (warning,) = result["warnings"]
    assert "order CS123" in warning and "Pay the order" in warning and "run the task again" in warning and "12000121" in warning


@pytest.mark.parametrize("options, parameter, words", [
    (dict(node_group="master_node_default_group", count=4), "node_group", "Master nodes cannot be changed"),
    (dict(node_group="Node_Group_1", count=4), "node_group", "did you mean 'node_group_1'?"),
    (dict(node_group="core", count=4), "node_group", "a custom cluster has no default Core group"),
    (dict(node_group="node_group_1", count=4, server_ids=["a"]), "server_ids", "only the Task group resized through the v1.1 API"),
    (dict(node_group="node_group_1", count=4, task_node_info=dict(node_size="x")), "task_node_info", "drop task_node_info"),
    (dict(node_group="node group", count=4), "node_group", "core, task, or a node group name"),
])
def test_refusals_name_the_option_and_write_nothing(monkeypatch, options, parameter, words):
    client = FakeClient(custom(3))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", **options)
    assert end.kind == "fail" and end.result["parameter"] == parameter and words in end.result["msg"], end.result
    assert client.writes == [] and end.result.get("changed", False) is False
    assert ("HOSTS", "c1") not in client.calls


def test_a_mixed_cluster_needs_the_group_name(monkeypatch):
    mixed = details(core=3, clusterType=2, coreNodeNum="6", totalNodeNum="8")
    mixed["nodeGroups"].insert(2, {"GroupName": "core_node_streaming_group", "NodeNum": 3})
    mixed["nodeGroups"].pop()
    mixed["totalNodeNum"] = "8"
    end = run(monkeypatch, mrs_cluster_nodes, FakeClient(mixed), cluster_id="c1", node_group="core", count=4)
    assert end.kind == "fail" and "core_node_analysis_group, core_node_streaming_group" in end.result["msg"]


def test_a_scale_that_ends_partly_applied_fails_with_changed_true_the_count_reached_and_what_to_check(monkeypatch):
    """#21 S3: MRS ends the expand abnormal with one of two nodes added."""
    client = FakeClient(custom(3), custom(3, state="scaling-out", scale="scaling-out"), custom(4, state="abnormal"))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="node_group_1", count=5)
    result = end.result
    assert end.kind == "fail" and result["changed"] is True and result["count"] == 4 and result["previous_count"] == 3
    assert "the scale ended partly applied: 4 group node_group_1 nodes of the target 5 (from 3)" in result["msg"]
    assert "MRS applied part of this resize (changed=true)" in result["msg"] and "remaining 1" in result["msg"]


def test_another_operator_growing_the_group_past_the_target_is_said_and_no_rerun_is_advised(monkeypatch):
    """#20 class 10: the old message advised 'run the task again to wait for it', which would remove their nodes."""
    client = FakeClient(custom(3), custom(3, state="scaling-out", scale="scaling-out"), custom(8))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="node_group_1", count=5)
    msg = end.result["msg"]
    assert end.kind == "fail" and end.result["changed"] is True and end.result["count"] == 8
    assert "another operation" in msg and "Do not run the task again to correct the count" in msg
    assert "run the task again to wait for it" not in msg


def test_an_expand_answer_trimmed_of_its_order_id_on_a_prepaid_cluster_returns_and_warns(monkeypatch):
    """#20 class 4: was taken for pay-per-use, and the task waited the whole wait_timeout."""
    client = FakeClient(dict(custom(3), billingType="11"))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="node_group_1", count=5, wait_timeout=3600)
    result = end.result
    assert end.kind == "exit" and result["changed"] is True and result["count"] == 3 and "order_id" not in result
    (warning,) = result["warnings"]
    assert "carried no order_id" in warning and "Unpaid Orders" in warning and result["elapsed"] < 60
