# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's policy routes over a scripted transport: the list in both envelopes the sources show (#21 P4), and a
policy write whose answer is lost raising the signal the module settles by reading, never sent twice (#20 class 1)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import Response, TransportError
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import TransientError

from ansible_collections.hwcloud.mrs.tests.unit.plugins.module_utils.test_client import PROJECT, make_client, response

ENTRY = {"node_group_name": "task_node_analysis_group", "resource_pool_name": "default",
         "auto_scaling_policy": {"auto_scaling_enable": True, "min_capacity": 1, "max_capacity": 3}}


@pytest.mark.parametrize("body", [[ENTRY], {"auto_scaling_policies": [ENTRY]}])
def test_the_policy_list_is_read_bare_or_wrapped(body):
    """The SDK and Terraform read a bare list; Open Telekom Cloud's API example wraps it in auto_scaling_policies."""
    client, transport, _sleeps = make_client(response(body=body))
    assert client.list_policies("c1") == [ENTRY]
    assert transport.calls[0]["url"].endswith("/v2/%s/autoscaling-policy/c1" % PROJECT)


@pytest.mark.parametrize("body", [{}, {"auto_scaling_policies": {}}, {"policies": [ENTRY]}, "text", 3])
def test_any_other_policy_list_is_unreadable(body):
    client, transport, _sleeps = make_client(*[response(body=body)] * 5, retries=2)
    with pytest.raises(TransientError, match='neither a list of policies nor {"auto_scaling_policies": \\[...\\]}'):
        client.list_policies("c1")
    assert len(transport.calls) == 3  # a read: retried, then refused


BODY = {"node_group_name": "g", "resource_pool_name": "default", "auto_scaling_policy": {}}
WRITES = [("create_policy", ("c1", BODY), "POST"), ("update_policy", ("c1", BODY), "PUT"),
          ("delete_policy", ("c1", "g", "default"), "DELETE")]
LOST = [
    response(502, {"error_code": "APIGW.0502", "error_msg": "bad gateway"}),
    Response(200, {}, b"<html>", "x"),
    response(302, {}, headers={"Location": "/login"}),
    TransportError("connection reset by peer", sent=True),
]


@pytest.mark.parametrize("method, args, verb", WRITES)
@pytest.mark.parametrize("answer", LOST, ids=["5xx", "unreadable-2xx", "3xx", "reset-after-sending"])
def test_a_policy_write_whose_answer_is_lost_is_sent_once_and_said_unknown(method, args, verb, answer):
    client, transport, _sleeps = make_client(answer, response(body={}))
    with pytest.raises(ResizeOutcomeUnknown, match="may or may not have been applied"):
        getattr(client, method)(*args)
    assert [call["method"] for call in transport.calls] == [verb]


@pytest.mark.parametrize("method, args, verb", WRITES)
def test_a_policy_write_never_sent_or_throttled_is_sent_again(method, args, verb):
    client, transport, _sleeps = make_client(TransportError("connection refused", sent=False),
                                             response(429, {"error_code": "APIGW.0308", "error_msg": "throttled"}),
                                             response(body={}))
    assert getattr(client, method)(*args) == {}
    assert [call["method"] for call in transport.calls] == [verb] * 3
