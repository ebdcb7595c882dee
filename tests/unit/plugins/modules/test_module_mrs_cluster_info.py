# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""mrs_cluster_info: no invented zeros, options checked first, and only the collection's errors caught."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._module import MrsModule
from ansible_collections.hwcloud.mrs.plugins.modules import mrs_cluster_info as module_under_test


class Exit(Exception):
    def __init__(self, kind, result):
        super().__init__(kind)
        self.kind = kind
        self.result = result


class Client:
    def __init__(self, answer):
        self.answer = answer

    def get_cluster(self, cluster_id):
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def list_clusters(self, cluster_name=None, cluster_state=None):
        return [self.get_cluster(None)]


def run_module(monkeypatch, client, **options):
    class FakeModule:
        def __init__(self, **_kwargs):
            self.params = dict(dict(cluster_id=None, cluster_name=None, cluster_state=None, exactly_one=False, include_hosts=False,
                                    include_nodes=False, include_policies=False), **options)
            self.client = client

        def fail_json(self, **result):
            raise Exit("fail", result)

        fail_from_error = MrsModule.fail_from_error  # the real one place that turns an error into fail_json

        def exit_json(self, **result):
            raise Exit("exit", result)

    monkeypatch.setattr(module_under_test, "MrsModule", FakeModule)
    with pytest.raises(Exit) as caught:
        module_under_test.main()
    return caught.value


def test_counts_the_answer_lacks_are_null_not_zero(monkeypatch):
    end = run_module(monkeypatch, Client({"clusterId": "c1", "clusterName": "demo", "clusterState": "running"}), cluster_id="c1")
    cluster = end.result["clusters"][0]
    assert end.kind == "exit" and (cluster["master_count"], cluster["core_count"], cluster["task_count"]) == (None, None, None)


def test_an_answer_that_contradicts_itself_fails_naming_the_field(monkeypatch):
    answer = {"clusterId": "c1", "clusterState": "running", "coreNodeNum": "3",
              "nodeGroups": [{"GroupName": "core_node_analysis_group", "NodeNum": 5}]}
    end = run_module(monkeypatch, Client(answer), cluster_id="c1")
    assert end.kind == "fail" and "coreNodeNum" in end.result["msg"]


def test_a_bug_is_not_hidden_as_a_failure(monkeypatch):
    """Was: any ValueError became a polite failure, hiding bugs."""
    with pytest.raises(ValueError, match="a bug"):
        run_module(monkeypatch, Client(ValueError("a bug")), cluster_id="c1")


@pytest.mark.parametrize("options, parameter", [
    (dict(cluster_id=""), "cluster_id"), (dict(cluster_id="c1 "), "cluster_id"), (dict(cluster_id="c\u00e91"), "cluster_id"),
    (dict(cluster_name=""), "cluster_name"), (dict(cluster_name=" x"), "cluster_name"), (dict(cluster_state=" "), "cluster_state"),
])
def test_bad_options_fail_before_any_request(monkeypatch, options, parameter):
    end = run_module(monkeypatch, Client(AssertionError("no request was expected")), **options)
    assert end.kind == "fail" and end.result["parameter"] == parameter and end.result["msg"].startswith(parameter + ": ")
