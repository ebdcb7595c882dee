# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""v2 expand / shrink over a scripted transport: one write, never re-sent once it may have arrived, answers checked."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils import _client
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import Response, TransportError
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError
# The scripted transport and answers of the v1.1 client tests serve the v2 calls unchanged.
from ansible_collections.hwcloud.mrs.tests.unit.plugins.module_utils.test_client import ENDPOINT, PROJECT, ScriptedTransport, response

BODY = {"node_group_name": "node_group_1", "count": 2}


def make_client(*script):
    settings = _client.Settings(endpoint=ENDPOINT, project_id=PROJECT, access_key="AK", secret_key="SK-secret", region="cn-north-4")
    transport = ScriptedTransport(*script)
    sleeps = []
    return _client.MrsClient(settings, send=transport, sleep=sleeps.append, jitter=lambda: 0.5), transport, sleeps


@pytest.mark.parametrize("action", ["expand", "shrink"])
@pytest.mark.parametrize("result", ["succeeded", "success", "SUCCESS", " Succeeded "])
def test_a_documented_success_posts_the_body_once(action, result):
    client, transport, _sleeps = make_client(response(body={"result": result}))
    assert getattr(client, action)("c-1", BODY) == {"result": result.strip().lower(), "order_id": None}
    (call,) = transport.calls
    assert (call["method"], call["url"]) == ("POST", "%s/v2/%s/clusters/c-1/%s" % (ENDPOINT, PROJECT, action))
    assert json.loads(call["data"]) == BODY
    assert call["headers"]["X-Project-Id"] == PROJECT


def test_a_prepaid_expand_returns_its_order():
    client, _transport, _sleeps = make_client(response(body={"result": "succeeded", "order_id": "CS2312011234ABCDE"}))
    assert client.expand("c-1", BODY)["order_id"] == "CS2312011234ABCDE"


@pytest.mark.parametrize("action", ["expand", "shrink"])
def test_result_failed_is_an_error_not_an_unknown_outcome(action):
    client, transport, _sleeps = make_client(response(body={"result": "failed"}))
    with pytest.raises(MrsError, match='answered {"result": "failed"}: MRS did not accept the %s' % action) as caught:
        getattr(client, action)("c-1", BODY)
    assert not isinstance(caught.value, ResizeOutcomeUnknown) and len(transport.calls) == 1


@pytest.mark.parametrize("answer", [
    response(body={}), response(body={"result": "ok"}), response(body={"result": "success", "order_id": 7}),
    Response(200, {}, b"", ENDPOINT), Response(200, {}, b"<html/>", ENDPOINT), response(302, headers={"Location": "/x"}),
    response(500, {"error_code": "MRS.300"}), response(502), response(503), response(504),
    TransportError("connection reset", sent=True), TransportError("read timed out", sent=True),
])
@pytest.mark.parametrize("action", ["expand", "shrink"])
def test_an_answer_that_may_hide_an_accepted_write_is_outcome_unknown_and_not_resent(action, answer):
    client, transport, _sleeps = make_client(answer, response(body={"result": "success"}))
    with pytest.raises(ResizeOutcomeUnknown):
        getattr(client, action)("c-1", BODY)
    assert len(transport.calls) == 1


@pytest.mark.parametrize("first", [response(429, {"error_code": "APIGW.0308"}, {"Retry-After": "2"}),
                                   TransportError("connect timed out", sent=False)])
def test_a_write_that_certainly_did_not_arrive_is_sent_again(first):
    client, transport, sleeps = make_client(first, response(body={"result": "success"}))
    assert client.expand("c-1", BODY)["result"] == "success"
    assert len(transport.calls) == 2 and json.loads(transport.calls[1]["data"]) == BODY
    assert sleeps[0] == (2.0 if isinstance(first, Response) else sleeps[0])


@pytest.mark.parametrize("code", ["12000013", "12000121", "12000002", "12000065"])
def test_a_refusal_is_an_api_error_explained_and_not_retried(code):
    client, transport, _sleeps = make_client(response(400, {"error_code": code, "error_msg": "refused"}))
    with pytest.raises(MrsApiError) as caught:
        client.shrink("c-1", BODY)
    assert caught.value.code == code and caught.value.meaning and len(transport.calls) == 1


def test_the_cluster_id_cannot_change_the_route():
    client, transport, _sleeps = make_client(response(body={"result": "success"}))
    client.expand("../x?y", BODY)
    assert transport.calls[0]["url"].endswith("/clusters/..%2Fx%3Fy/expand")
