# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mrs_cluster_nodes: option checks before any request (build_request, then main() end to end over the real
AnsibleModule and a fake client), and one failure result that never lies about `changed`."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError
from ansible_collections.hwcloud.mrs.plugins.modules import mrs_cluster_nodes

from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClient, details
from ansible_collections.hwcloud.mrs.tests.unit.plugins.modules.module_harness import run


def test_a_scale_out_is_sent_once_waited_for_and_reported(monkeypatch):
    client = FakeClient(details(core=3), details(core=3, state="scaling-out", scale="scaling-out"), details(core=5))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="core", count=5, _ansible_diff=True)
    result = end.result
    assert end.kind == "exit" and result["changed"] is True, result
    assert (result["previous_count"], result["count"], result["scale_type"], result["instances"]) == (3, 5, "scale_out", 2)
    assert len(client.resizes) == 1 and result["request"] == client.resizes[0]
    assert client.resizes[0]["parameters"]["instances"] == "2" and client.resizes[0]["parameters"]["node_group"] == "core_node_default_group"
    assert result["diff"] == {"before": {"node_group": "core", "count": 3, "server_ids": []},
                              "after": {"node_group": "core", "count": 5, "server_ids": []}}
    assert result["polls"] >= 2 and "SK" not in repr(result)


def test_no_change_sends_nothing(monkeypatch):
    client = FakeClient(details(core=4))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="core", count=4)
    assert end.kind == "exit" and end.result["changed"] is False and end.result["request"] is None and client.resizes == []
    assert "diff" not in end.result


def test_check_mode_reports_the_request_without_sending_it(monkeypatch):
    client = FakeClient(details(core=3, task=2))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="task", count=0, _ansible_check_mode=True)
    assert end.kind == "exit" and end.result["changed"] is True and client.resizes == []
    assert end.result["request"]["parameters"]["scale_type"] == "scale_in" and end.result["count"] == 0


def test_the_cluster_is_found_by_name_and_scale_in_options_warn(monkeypatch):
    client = FakeClient(details(core=3, task=2), details(core=3, task=1),
                        listed=[[details(core=3, task=2, name="demo"), details(cluster_id="c2", name="demo", state="terminated")]])
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_name="demo", node_group="task", count=1, scale_without_start=True)
    assert end.kind == "exit" and end.result["cluster_id"] == "c1" and end.result["count"] == 1
    assert "scale_without_start" not in client.resizes[0]["parameters"]
    assert any("applies to scale-out only" in warning for warning in end.result.get("warnings", []))


def test_two_live_clusters_of_one_name_fail_naming_the_option(monkeypatch):
    client = FakeClient(listed=[[details(name="twin"), details(cluster_id="c2", name="twin")]])
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_name="twin", node_group="core", count=4)
    assert end.kind == "fail" and end.result["parameter"] == "cluster_name" and "more than one" in end.result["msg"]
    assert end.result["changed"] is False and client.resizes == []


@pytest.mark.parametrize("answers, options, words", [
    ([details(core=3), details(scale="scaling-error")], {}, "the scale failed"),
    ([details(core=3), details(state="scaling-out", scale="scaling-out")], dict(wait_timeout=60), "gave up after 60 s"),
    ([details(core=3), details(state="scaling-out", scale="scaling-out")], dict(wait_timeout=0), "gave up after 0 s"),
    ([details(core=3), MrsApiError(401, "APIGW.0307", "The token has expired")], {}, "APIGW.0307"),
    ([details(core=3), MrsApiError(400, "12000003", "The cluster does not exist.")], {}, "12000003"),
    ([details(core=3), {"clusterId": "c1", "clusterState": "running"}], dict(wait_timeout=30), "no readable Core node count"),
])
def test_a_failure_after_an_accepted_resize_is_changed_and_says_what_was_sent(monkeypatch, answers, options, words):
    """Was: changed false, no request, no scale type."""
    client = FakeClient(*answers)
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="core", count=4, **options)
    result = end.result
    assert end.kind == "fail" and words in result["msg"] and result["changed"] is True, result
    assert result["request"] == client.resizes[0] and len(client.resizes) == 1 and "changed=true" in result["msg"]
    assert (result["scale_type"], result["instances"], result["node_group"], result["previous_count"]) == ("scale_out", 1, "core", 3)
    assert result["cluster"]["state"] in ("running", "scaling-out") and result["cluster_id"] == "c1"
    if "api_error" in result:
        assert result["api_error"]["code"] in ("APIGW.0307", "12000003")


def test_a_failure_before_any_resize_is_not_changed(monkeypatch):
    client = FakeClient(MrsApiError(400, "12000003", "The cluster does not exist."))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="core", count=4)
    assert end.kind == "fail" and end.result["changed"] is False and "request" not in end.result
    assert end.result["api_error"]["code"] == "12000003" and client.resizes == []


def test_a_rule_broken_on_the_cluster_names_the_option(monkeypatch):
    end = run(monkeypatch, mrs_cluster_nodes, FakeClient(details(core=3)), cluster_id="c1", node_group="core", count=2)
    assert end.kind == "fail" and end.result["parameter"] == "count" and end.result["changed"] is False
    assert "request" not in end.result and end.result["cluster"]["core_count"] == 3


def test_an_answer_without_counts_fails_before_any_write(monkeypatch):
    """Was: computed from 0 (Core 5 asked on 3 nodes: instances "5", the cluster ended at 8)."""
    client = FakeClient({"clusterId": "c1", "clusterName": "demo", "clusterState": "running"})
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="core", count=5)
    assert end.kind == "fail" and "no readable Core node count" in end.result["msg"] and client.resizes == []


def test_a_resize_whose_count_shows_at_the_first_poll_is_done_and_changed(monkeypatch):
    client = FakeClient(details(core=3), details(core=4))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="core", count=4)
    assert end.kind == "exit" and end.result["changed"] is True and end.result["count"] == 4


def test_a_lost_answer_the_cluster_confirms_is_not_resent(monkeypatch):
    client = FakeClient(details(core=3), details(core=3, state="scaling-out", scale="scaling-out"), details(core=4),
                        write=[ResizeOutcomeUnknown("POST timed out")])
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="core", count=4)
    assert end.kind == "exit" and end.result["changed"] is True and len(client.resizes) == 1


def test_an_api_refusal_of_the_resize_returns_its_code(monkeypatch):
    client = FakeClient(details(core=3), write=[MrsApiError(400, "12000065", "Yearly/monthly clusters cannot be scaled.")])
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="core", count=4)
    assert end.kind == "fail" and end.result["api_error"]["code"] == "12000065" and end.result["changed"] is False
    assert end.result["request"] == client.resizes[0]


def core_to_4(**options):
    return dict(dict(node_group="core", count=4), **options)


@pytest.mark.parametrize("options, parameter, words", [
    (dict(cluster_id="c1", node_group="core", count=4, wait_timeout=-5), "wait_timeout", "must be 0 or more seconds"),
    (dict(cluster_id="c1 ", node_group="core", count=4), "cluster_id", "without surrounding whitespace"),
    (dict(cluster_id="c1", node_group="master", count=4), "node_group", "Master nodes cannot be changed"),
    (dict(cluster_id="c1", node_group="task", count=2, task_node_info=dict(node_size=" ")), "task_node_info.node_size", "required"),
    (dict(cluster_id="c1", node_group="core", server_ids=["t1"]), "server_ids", "only Task nodes can be removed by id"),
    (core_to_4(cluster_id=""), "cluster_id", "must be a non-empty string"),           # was: a message naming cluster_name
    (core_to_4(cluster_id=" 4c5f0d2e"), "cluster_id", "without surrounding whitespace"),
    (core_to_4(cluster_id="4c5f0d2e\n"), "cluster_id", "without surrounding whitespace"),
    (core_to_4(cluster_id="\u00e9t\u00e9"), "cluster_id", "ASCII letters"),
    (core_to_4(cluster_id="a/b"), "cluster_id", "ASCII letters"),
    (core_to_4(cluster_name=""), "cluster_name", "must be a non-empty string"),
    (core_to_4(cluster_name="  "), "cluster_name", "must be a non-empty string"),
    (core_to_4(cluster_name="analytics "), "cluster_name", "no surrounding whitespace"),
    (core_to_4(cluster_id="c1", wait_timeout=10 ** 400), "wait_timeout", "at most 604800"),
    (core_to_4(cluster_id="c1", wait_timeout=604801), "wait_timeout", "at most 604800"),
    (core_to_4(cluster_id="c1", count=-1), "count", "must be 0 or more"),
    (core_to_4(cluster_id="c1", current_count=501), "current_count", "must be from 0 to 500"),
    (core_to_4(cluster_id="c1", node_group="task", server_ids=["t1", "t1"]), "server_ids", "every id may appear once"),
    (core_to_4(cluster_id="c1", node_group="task", server_ids=["t1", " "]), "server_ids", "every id must be"),
])
def test_bad_options_fail_before_any_request_naming_the_option(monkeypatch, options, parameter, words):
    client = FakeClient(AssertionError("no request expected"), listed=[AssertionError("no request expected")])
    end = run(monkeypatch, mrs_cluster_nodes, client, **options)
    assert end.kind == "fail" and end.result["parameter"] == parameter and words in end.result["msg"], end.result
    assert end.result["msg"].startswith(parameter + ": ") and client.calls == []


@pytest.mark.parametrize("options, words", [
    (dict(cluster_id="c1", node_group="task", count=2, task_node_info=dict(node_size="x", data_volume_type="NVME")),
     "must be one of: SATA, SAS, SSD"),
    (dict(cluster_id="c1", node_group="core", count="many"), "is of type"),
    (dict(node_group="core", count=4), "one of the following is required: cluster_id, cluster_name"),
])
def test_the_argument_spec_refuses_before_any_request(monkeypatch, options, words):
    client = FakeClient(AssertionError("no request expected"))
    end = run(monkeypatch, mrs_cluster_nodes, client, **options)
    assert end.kind == "fail" and words in end.result["msg"] and client.calls == []


def test_a_rule_that_needs_the_cluster_fails_after_one_read(monkeypatch):
    client = FakeClient(details(core=3, task=497))
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="core", count=4)
    assert end.kind == "fail" and end.result["parameter"] == "count" and "at most 500" in end.result["msg"]
    assert client.calls == [("GET", "c1")] and end.result["cluster"]["core_count"] == 3


def task_hosts(*ids):
    return [{"id": server_id, "name": "node-%s" % server_id, "type": "Task", "node_group_name": "task_node_analysis_group"}
            for server_id in ids]


@pytest.mark.parametrize("check_mode", [False, True])
def test_server_ids_that_match_no_node_warn_naming_them_and_the_task_group(monkeypatch, check_mode):
    """#22: every id given is gone (or a typo): ok, nothing sent, and a warning instead of a silent ok."""
    client = FakeClient(details(core=3, task=2), hosts=[task_hosts("t1", "t2")])
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="task", server_ids=["tx-9", "ty-8"],
              _ansible_check_mode=check_mode)
    result = end.result
    assert end.kind == "exit" and result["changed"] is False and client.resizes == []
    assert result["already_gone"] == ["tx-9", "ty-8"] and result["server_ids"] == [] and result["count"] == 2
    (warning,) = [text for text in result.get("warnings", []) if text.startswith("server_ids:")]
    assert "none of tx-9, ty-8 is a node of cluster c1, so nothing was removed" in warning
    assert "The Task group task_node_analysis_group holds 2 nodes: node-t1 (t1), node-t2 (t2)" in warning


def test_the_warning_names_ten_task_nodes_and_counts_the_rest(monkeypatch):
    ids = ["t%02d" % number for number in range(12)]
    client = FakeClient(details(core=3, task=12), hosts=[task_hosts(*ids)])
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="task", server_ids=["gone-1"])
    (warning,) = [text for text in end.result.get("warnings", []) if text.startswith("server_ids:")]
    assert "holds 12 nodes: node-t00 (t00)" in warning and "node-t09 (t09) and 2 more." in warning and "t10" not in warning


@pytest.mark.parametrize("server_ids", [["t1"], ["t1", "gone-1"]])
def test_server_ids_that_match_a_node_remove_it_without_that_warning(monkeypatch, server_ids):
    client = FakeClient(details(core=3, task=2), details(core=3, task=1), hosts=[task_hosts("t1", "t2")])
    end = run(monkeypatch, mrs_cluster_nodes, client, cluster_id="c1", node_group="task", server_ids=server_ids)
    assert end.kind == "exit" and end.result["changed"] is True and client.resizes[0]["parameters"]["server_ids"] == ["t1"]
    assert not [text for text in end.result.get("warnings", []) if text.startswith("server_ids:")]


# --- build_request: the request main() plans from ---------------------------------------------------------------

def params(**options):
    base = dict((name, None) for name in mrs_cluster_nodes.ARGUMENT_SPEC)
    base.update(node_group="core", count=4, wait=True, wait_timeout=3600)
    base.update(options)
    return base


def test_good_options_build_a_normalised_request():
    cluster_id, cluster_name, request = mrs_cluster_nodes.build_request(
        params(cluster_id="4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21", node_group="task_node_default_group", server_ids=["t1"], count=None))
    assert cluster_id == "4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21" and cluster_name is None
    assert request.node_group == "task" and request.server_ids == ("t1",)
