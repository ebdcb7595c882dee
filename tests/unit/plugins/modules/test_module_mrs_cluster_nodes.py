# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mrs_cluster_nodes: option checks before any request, and one failure result that never lies about `changed`."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._module import MrsModule
from ansible_collections.hwcloud.mrs.plugins.modules import mrs_cluster_nodes as module_under_test


def params(**options):
    base = dict((name, None) for name in module_under_test.ARGUMENT_SPEC)
    base.update(node_group="core", count=4, wait=True, wait_timeout=3600)
    base.update(options)
    return base


@pytest.mark.parametrize("options, parameter, rule", [
    (dict(cluster_id=""), "cluster_id", "must be a non-empty string"),           # was: a message naming cluster_name
    (dict(cluster_id=" 4c5f0d2e"), "cluster_id", "without surrounding whitespace"),
    (dict(cluster_id="4c5f0d2e\n"), "cluster_id", "without surrounding whitespace"),
    (dict(cluster_id="\u00e9t\u00e9"), "cluster_id", "ASCII letters"),
    (dict(cluster_id="a/b"), "cluster_id", "ASCII letters"),
    (dict(cluster_name=""), "cluster_name", "must be a non-empty string"),
    (dict(cluster_name="  "), "cluster_name", "must be a non-empty string"),
    (dict(cluster_name="analytics "), "cluster_name", "no surrounding whitespace"),
    (dict(cluster_id="c1", wait_timeout=-5), "wait_timeout", "must be 0 or more seconds"),
    (dict(cluster_id="c1", wait_timeout=10 ** 400), "wait_timeout", "at most 604800"),
    (dict(cluster_id="c1", wait_timeout=604801), "wait_timeout", "at most 604800"),
    (dict(cluster_id="c1", count=-1), "count", "must be 0 or more"),
    (dict(cluster_id="c1", current_count=501), "current_count", "must be from 0 to 500"),
    (dict(cluster_id="c1", node_group="task", server_ids=["t1", "t1"]), "server_ids", "every id may appear once"),
    (dict(cluster_id="c1", node_group="task", server_ids=["t1", " "]), "server_ids", "every id must be"),
    (dict(cluster_id="c1", server_ids=["t1"]), "server_ids", "only Task nodes can be removed by id"),
    (dict(cluster_id="c1", node_group="master"), "node_group", "Master nodes cannot be changed"),
])
def test_bad_options_are_refused_naming_the_option_and_the_rule(options, parameter, rule):
    with pytest.raises(PlanError) as caught:
        module_under_test.build_request(params(**options))
    assert caught.value.parameter == parameter and rule in str(caught.value) and str(caught.value).startswith(parameter + ": ")


def test_good_options_build_a_normalised_request():
    cluster_id, cluster_name, request = module_under_test.build_request(
        params(cluster_id="4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21", node_group="task_node_default_group", server_ids=["t1"], count=None))
    assert cluster_id == "4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21" and cluster_name is None
    assert request.node_group == "task" and request.server_ids == ("t1",)


# the whole module over a fake AnsibleModule and a fake client: the failure result after an accepted resize

class Exit(Exception):
    def __init__(self, kind, result):
        super().__init__(kind)
        self.kind = kind
        self.result = result


def details(core=3, state="running", scale=""):
    return {"clusterId": "c1", "clusterName": "demo", "clusterState": state, "scale": scale, "masterNodeNum": "2",
            "coreNodeNum": str(core), "nodeGroups": [{"GroupName": "core_node_analysis_group", "NodeNum": core}]}


class Client:
    project_id = "p1"

    def __init__(self, *answers):
        self.answers = list(answers)
        self.resizes = []

    def get_cluster(self, cluster_id):
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def list_policies(self, cluster_id):
        return []

    def resize(self, cluster_id, body):
        self.resizes.append(body)


def run_module(monkeypatch, client, **options):
    class FakeModule:
        check_mode = False
        _diff = False

        def __init__(self, **_kwargs):
            self.params = params(**options)
            self.client = client

        def fail_json(self, **result):
            raise Exit("fail", result)

        fail_from_error = MrsModule.fail_from_error  # the real one place that turns an error into fail_json

        def exit_json(self, **result):
            raise Exit("exit", result)

        def warn(self, _text):
            pass

    monkeypatch.setattr(module_under_test, "MrsModule", FakeModule)
    monkeypatch.setattr(module_under_test.NodeScaler, "__init__", _fast_scaler_init(module_under_test.NodeScaler.__init__))
    with pytest.raises(Exit) as caught:
        module_under_test.main()
    return caught.value


def _fast_scaler_init(original):
    """The real NodeScaler on a fake clock, so waits take no time."""
    def init(self, client, **kwargs):
        now = [0.0]

        def sleep(seconds):
            now[0] += seconds
        original(self, client, clock=lambda: now[0], sleep=sleep, **kwargs)
    return init


@pytest.mark.parametrize("after, options, cause", [
    ([details(state="scaling-out", scale="scaling-out")], dict(wait_timeout=60), "gave up after 60 s"),
    ([details(state="scaling-out", scale="scaling-out")], dict(wait_timeout=0), "gave up after 0 s"),
    ([MrsApiError(401, "APIGW.0307", "The token has expired")], {}, "APIGW.0307"),
    ([MrsApiError(400, "12000003", "The cluster does not exist.")], {}, "12000003"),
    ([details(scale="scaling-error")], {}, "the scale failed"),
    ([{"clusterId": "c1", "clusterState": "running"}], dict(wait_timeout=30), "no readable Core node count"),
])
def test_a_failure_after_an_accepted_resize_says_changed_and_what_was_sent(monkeypatch, after, options, cause):
    """Was: changed false, no request, no scale type."""
    client = Client(details(core=3), *after)
    end = run_module(monkeypatch, client, cluster_id="c1", **options)
    result = end.result
    assert end.kind == "fail" and cause in result["msg"], result["msg"]
    assert result["changed"] is True and "changed=true" in result["msg"]
    assert result["request"] == client.resizes[0] and len(client.resizes) == 1
    assert (result["scale_type"], result["instances"], result["node_group"], result["previous_count"]) == ("scale_out", 1, "core", 3)
    assert result["cluster"]["state"] in ("running", "scaling-out") and result["cluster_id"] == "c1"
    if "api_error" in result:
        assert result["api_error"]["code"] in ("APIGW.0307", "12000003")


def test_a_failure_before_any_resize_is_not_changed(monkeypatch):
    client = Client(MrsApiError(400, "12000003", "The cluster does not exist."))
    end = run_module(monkeypatch, client, cluster_id="c1")
    assert end.kind == "fail" and end.result["changed"] is False and "request" not in end.result
    assert end.result["api_error"]["code"] == "12000003" and client.resizes == []


def test_a_rule_broken_on_the_cluster_names_the_option(monkeypatch):
    end = run_module(monkeypatch, Client(details(core=3)), cluster_id="c1", count=2)
    assert end.kind == "fail" and end.result["parameter"] == "count" and end.result["changed"] is False
    assert "request" not in end.result and end.result["cluster"]["core_count"] == 3


def test_an_answer_without_counts_fails_before_any_write(monkeypatch):
    """Was: computed from 0 (Core 5 asked on 3 nodes: instances "5", the cluster ended at 8)."""
    client = Client({"clusterId": "c1", "clusterName": "demo", "clusterState": "running"})
    end = run_module(monkeypatch, client, cluster_id="c1", count=5)
    assert end.kind == "fail" and "no readable Core node count" in end.result["msg"] and client.resizes == []


def test_success_is_unchanged(monkeypatch):
    client = Client(details(core=3), details(core=4))
    end = run_module(monkeypatch, client, cluster_id="c1")
    assert end.kind == "exit" and end.result["changed"] is True and end.result["count"] == 4
