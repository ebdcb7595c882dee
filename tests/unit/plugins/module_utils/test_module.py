# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MrsModule: the missing-library failure, client construction, and secrets handed to Ansible's no_log."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json

import pytest

from ansible.module_utils import basic

from ansible_collections.hwcloud.mrs.plugins.module_utils import _module
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection import transport

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    @contextlib.contextmanager
    def patch_module_args(args):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved


class Failed(Exception):
    pass


@pytest.fixture(name="module")
def module_fixture(monkeypatch):
    def fail_json(self, **result):
        raise Failed(result)

    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, text: warnings.append(text))
    for name in ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_AUTH_TOKEN", "HW_PROJECT_ID", "HW_REGION_NAME", "HW_USER_NAME", "HW_PASSWORD"):
        monkeypatch.delenv(name, raising=False)

    def build(**args):
        with patch_module_args(args):
            built = _module.MrsModule(argument_spec={})
        built.test_warnings = warnings
        return built
    return build


def test_without_requests_the_module_fails_with_ansibles_missing_library_message(module, monkeypatch):
    monkeypatch.setattr(transport, "HAS_REQUESTS", False)
    monkeypatch.setattr(transport, "REQUESTS_IMPORT_ERROR", "Traceback: No module named 'requests'")
    with pytest.raises(Failed) as caught:
        module(region="cn-north-4", access_key="AK", secret_key="SK")
    result = caught.value.args[0]
    assert "Failed to import the required Python library (requests)" in result["msg"]
    assert result["exception"] == "Traceback: No module named 'requests'"


def test_cleaned_secrets_are_masked_by_ansible_and_the_token_from_iam_too(module):
    built = module(region="cn-north-4", project_id="p1", user_name="u", password="pw-secret\n", domain_name="d")
    client = built.client
    assert "pw-secret" in built.no_log_values and "pw-secret\n" in built.no_log_values
    client.on_secret("TOKEN-FROM-IAM")
    assert "TOKEN-FROM-IAM" in built.no_log_values


def test_a_token_that_wins_over_given_keys_is_warned_about(module):
    built = module(region="cn-north-4", project_id="p1", access_key="AK", secret_key="SK", auth_token="stale-token")
    assert built.client.auth_method == "token"
    warning, = built.test_warnings
    assert "authenticating with token" in warning and "access_key, secret_key are given but not used" in warning
    assert "stale-token" not in warning


@pytest.mark.parametrize("args, option", [
    (dict(read_timeout=float("nan")), "read_timeout"), (dict(connect_timeout=0), "connect_timeout"),
    (dict(project_id="p1\n"), "project_id"), (dict(retries=-1), "retries"), (dict(endpoint="https://mrs.test/?a=1"), "endpoint"),
    (dict(auth_token="tok\nen"), "auth_token"),
])
def test_a_bad_option_fails_cleanly_naming_it(module, args, option):
    values = dict(region="cn-north-4", project_id="p1", access_key="AK", secret_key="SK")
    values.update(args)
    built = module(**values)
    with pytest.raises(Failed) as caught:
        built.client  # pylint: disable=pointless-statement
    assert caught.value.args[0]["msg"].startswith(option + ": ")
