# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() as Ansible would: the real AnsibleModule and argument spec, a fake MRS client, no network.

Module arguments go in through ansible.module_utils.testing.patch_module_args where ansible-core has it (2.19 and
later), else through basic._ANSIBLE_ARGS (2.16 to 2.18). exit_json and fail_json raise ``Done`` with the result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json

import pytest

from ansible.module_utils import basic

from ansible_collections.hwcloud.mrs.plugins.module_utils import _client
from ansible_collections.hwcloud.mrs.plugins.module_utils._scaling import NodeScaler

CONNECTION = dict(region="cn-north-4", project_id="p1", access_key="AK", secret_key="SK\n")


class Done(Exception):
    def __init__(self, kind, result):
        super().__init__(kind)
        self.kind = kind
        self.result = result


@contextlib.contextmanager
def module_args(args):
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:  # ansible-core before 2.19
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps(dict(ANSIBLE_MODULE_ARGS=args)).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved
    else:
        with patch_module_args(args):
            yield


class FakeClient:
    """The MrsClient methods the modules call, answering from lists; records every call."""

    auth_method = "aksk"
    project_id = "p1"

    def __init__(self, clusters=(), listed=(), hosts=(), resize_error=None, policies=(), policy_error=None):
        self.clusters = list(clusters)
        self.policies = list(policies) or [[]]
        self.listed = list(listed)
        self.hosts = list(hosts)
        self.resize_error = resize_error
        self.policy_error = policy_error
        self.calls = []
        self.deadline = None
        self.on_secret = None

    def _answer(self, queue):
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_cluster(self, cluster_id):
        self.calls.append(("GET", cluster_id))
        return self._answer(self.clusters)

    def list_clusters(self, cluster_name=None, cluster_state=None):
        self.calls.append(("LIST", cluster_name))
        return self._answer(self.listed)

    def list_hosts(self, cluster_id, expected=None):
        self.calls.append(("HOSTS", cluster_id))
        self.expected_hosts = expected
        return self._answer(self.hosts)

    def list_policies(self, cluster_id):
        self.calls.append(("POLICIES", cluster_id))
        return self._answer(self.policies)

    def _policy_write(self, call):
        self.calls.append(call)
        if self.policy_error is not None:
            raise self.policy_error
        return {}

    def create_policy(self, cluster_id, body):
        return self._policy_write(("CREATE", body))

    def update_policy(self, cluster_id, body):
        return self._policy_write(("UPDATE", body))

    def delete_policy(self, cluster_id, node_group, resource_pool):
        return self._policy_write(("DELETE", {"node_group_name": node_group, "resource_pool_name": resource_pool}))

    @property
    def policy_writes(self):
        return [call for call in self.calls if call[0] in ("CREATE", "UPDATE", "DELETE")]

    def resize(self, cluster_id, body):
        self.calls.append(("PUT", body))
        if self.resize_error is not None:
            raise self.resize_error

    @property
    def puts(self):
        return [call[1] for call in self.calls if call[0] == "PUT"]


def details(core=3, task=0, state="running", scale="", cluster_id="c1", name="demo", **extra):
    raw = {"clusterId": cluster_id, "clusterName": name, "clusterState": state, "scale": scale, "masterNodeNum": "2",
           "coreNodeNum": str(core), "totalNodeNum": str(2 + core + task),
           "nodeGroups": [{"GroupName": "master_node_default_group", "NodeNum": 2},
                          {"GroupName": "core_node_analysis_group", "NodeNum": core},
                          {"GroupName": "task_node_analysis_group", "NodeNum": task}]}
    raw.update(extra)
    return raw


def run(monkeypatch, module, client, **options):
    """main() of ``module`` with ``options`` (connection settings added); returns ``Done``."""
    warnings = []

    def finish(kind):
        def method(self, **result):
            raise Done(kind, dict(result, warnings=warnings) if warnings else result)
        return method

    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, text: warnings.append(text))

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", finish("exit"))
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", finish("fail"))
    monkeypatch.setattr(_client, "HAS_REQUESTS", True)
    monkeypatch.setattr(_client, "MrsClient", lambda settings: client)
    original = NodeScaler.__init__

    def fast_init(self, scaler_client, **kwargs):  # the real scaler on a fake clock: waits take no time
        now = [0.0]

        def sleep(seconds):
            now[0] += seconds
        original(self, scaler_client, clock=lambda: now[0], sleep=sleep, jitter=lambda: 0.5, **kwargs)
    monkeypatch.setattr(NodeScaler, "__init__", fast_init)
    with module_args(dict(CONNECTION, **options)):
        with pytest.raises(Done) as caught:
            module.main()
    return caught.value
