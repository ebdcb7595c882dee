# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() as Ansible would: the real AnsibleModule and argument spec, a fake MRS client (tests/unit/doubles.py),
no network.

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
from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClock

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
        clock = FakeClock()
        original(self, scaler_client, clock=clock, sleep=clock.sleep, jitter=lambda: 0.5, **kwargs)
    monkeypatch.setattr(NodeScaler, "__init__", fast_init)
    with module_args(dict(CONNECTION, **options)):
        with pytest.raises(Done) as caught:
            module.main()
    return caught.value
