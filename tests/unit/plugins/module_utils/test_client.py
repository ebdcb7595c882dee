# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's decisions (auth, retries, what may be re-sent, errors, paging) over a scripted transport."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import re
import time

import pytest
import trustme

from ansible_collections.hwcloud.mrs.plugins.module_utils import _client, _signer
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown, USER_AGENT
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.retry import MAX_RETRY_AFTER, RetryPolicy
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.settings import openssl_trust_named
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import Response, TlsError, TransportError
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, TransientError
from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClock

ENDPOINT = "http://127.0.0.1:9999"
IAM = "http://127.0.0.1:9998"
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
AK, SK = "AKEXAMPLE", "SK-very-secret-value"


def response(status=200, body=None, headers=None):
    return Response(status, dict(headers or {}), json.dumps(body if body is not None else {}).encode("utf-8"), ENDPOINT)


class ScriptedTransport:
    """Answers each request with the next scripted item (a Response, or an exception to raise)."""

    def __init__(self, *script):
        self.script = list(script)
        self.calls = []

    def __call__(self, method, url, body=None, headers=None, timeout=None, verify=None):
        self.calls.append(dict(method=method, url=url, data=body, headers=headers, timeout=timeout, verify=verify))
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def make_client(*script, **settings):
    values = dict(endpoint=ENDPOINT, iam_endpoint=IAM, project_id=PROJECT, access_key=AK, secret_key=SK, region="cn-north-4")
    values.update(settings)
    sleeps = []
    transport = ScriptedTransport(*script)
    client = _client.MrsClient(_client.Settings(**values), send=transport, sleep=sleeps.append, jitter=lambda: 0.5)
    return client, transport, sleeps


CLUSTER = {"cluster": {"clusterId": "c1", "coreNodeNum": "3"}}


def test_aksk_request_is_signed_verifiably():
    client, transport, _sleeps = make_client(response(body=CLUSTER))

    assert client.get_cluster("c1") == CLUSTER["cluster"]

    call = transport.calls[0]
    assert call["url"] == ENDPOINT + "/v1.1/%s/cluster_infos/c1" % PROJECT
    assert call["headers"]["X-Project-Id"] == PROJECT
    assert call["headers"]["User-Agent"] == USER_AGENT  # added after signing, so a proxy may rewrite it
    unsigned = dict((k, v) for k, v in call["headers"].items() if k not in ("Authorization", "User-Agent"))
    assert _signer.sign("GET", call["url"], unsigned, b"", AK, SK)["Authorization"] == call["headers"]["Authorization"]
    assert "X-Auth-Token" not in call["headers"]


def test_temporary_credentials_sign_the_security_token():
    client, transport, _sleeps = make_client(response(body=CLUSTER), security_token="STS-TOKEN")
    client.get_cluster("c1")
    headers = transport.calls[0]["headers"]
    assert headers["X-Security-Token"] == "STS-TOKEN"
    assert "x-security-token" in headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")


def test_preissued_token_is_sent_instead_of_a_signature():
    client, transport, _sleeps = make_client(response(body=CLUSTER), access_key=None, secret_key=None, auth_token="TOKEN-1")
    client.get_cluster("c1")
    headers = transport.calls[0]["headers"]
    assert headers["X-Auth-Token"] == "TOKEN-1"
    assert "Authorization" not in headers


def token_response(token, project_id=PROJECT):
    return response(201, {"token": {"project": {"id": project_id, "name": "cn-north-4"}}}, {"X-Subject-Token": token})


def test_password_auth_scopes_by_region_and_learns_the_project_id():
    client, transport, _sleeps = make_client(token_response("TOKEN-P"), response(body=CLUSTER),
                                             access_key=None, secret_key=None, project_id=None,
                                             user_name="alice", password="pw-secret", domain_name="acme")
    client.get_cluster("c1")

    auth_call, mrs_call = transport.calls
    assert auth_call["url"] == IAM + "/v3/auth/tokens"
    sent = json.loads(auth_call["data"])
    assert sent["auth"]["scope"] == {"project": {"name": "cn-north-4"}}
    assert sent["auth"]["identity"]["password"]["user"] == {"name": "alice", "password": "pw-secret", "domain": {"name": "acme"}}
    assert mrs_call["url"] == ENDPOINT + "/v1.1/%s/cluster_infos/c1" % PROJECT
    assert mrs_call["headers"]["X-Auth-Token"] == "TOKEN-P"


def test_password_auth_gets_a_new_token_once_when_it_expires():
    expired = response(401, {"error_code": "APIGW.0307", "error_msg": "token expired"})
    client, transport, _sleeps = make_client(token_response("OLD"), expired, token_response("NEW"), response(body=CLUSTER),
                                             access_key=None, secret_key=None,
                                             user_name="alice", password="pw", domain_name="acme")
    client.get_cluster("c1")
    assert [call["headers"].get("X-Auth-Token") for call in transport.calls if "/v1.1/" in call["url"]] == ["OLD", "NEW"]


def test_expired_preissued_token_fails_with_the_code_explained():
    client, _transport, _sleeps = make_client(response(401, {"error_code": "APIGW.0307", "error_msg": "token expired"}),
                                              access_key=None, secret_key=None, auth_token="T")
    with pytest.raises(MrsApiError) as caught:
        client.get_cluster("c1")
    assert caught.value.status == 401 and "obtain a new token" in str(caught.value)


@pytest.mark.parametrize("projects, ok", [([{"id": "p-1", "name": "cn-north-4"}], True), ([], False),
                                          ([{"id": "a"}, {"id": "b"}], False)])
def test_project_id_looked_up_from_the_region(projects, ok):
    client, transport, _sleeps = make_client(response(body={"projects": projects}), response(body=CLUSTER), project_id=None)
    if not ok:
        with pytest.raises(MrsError, match="give project_id explicitly"):
            client.get_cluster("c1")
        return
    client.get_cluster("c1")
    assert transport.calls[0]["url"] == IAM + "/v3/projects?name=cn-north-4"
    assert "X-Project-Id" not in transport.calls[0]["headers"]
    assert transport.calls[1]["url"] == ENDPOINT + "/v1.1/p-1/cluster_infos/c1"


@pytest.mark.parametrize("region, expected", [
    ("cn-north-4", "https://mrs.cn-north-4.myhuaweicloud.com"),
    ("ap-southeast-1", "https://mrs.ap-southeast-1.myhuaweicloud.cn"),
    ("eu-west-101", "https://mrs.eu-west-101.myhuaweicloud.eu"),
])
def test_endpoints_follow_the_vendor_region_table(region, expected):
    client = _client.MrsClient(_client.Settings(region=region, access_key=AK, secret_key=SK), send=ScriptedTransport())
    assert client.endpoint == expected
    assert client.iam == "https://iam.%s.myhuaweicloud.com" % region


def test_iam_url_with_v3_suffix_is_accepted():
    client, _transport, _sleeps = make_client(iam_endpoint="https://iam.example.test/v3/")
    assert client.iam == "https://iam.example.test"


@pytest.mark.parametrize("settings, message", [
    (dict(access_key=None, secret_key=None), "no credentials"),
    (dict(secret_key=None), "access_key and secret_key must be given together"),
    (dict(access_key=None, secret_key=None, user_name="u", password="p"), "needs user_name, password and domain_name"),
    (dict(endpoint=None, region=None), "region is required"),
])
def test_missing_settings_are_named(settings, message):
    with pytest.raises(MrsError, match=message):
        make_client(**settings)


def test_429_honours_retry_after_then_succeeds():
    client, transport, sleeps = make_client(response(429, {"error_code": "APIGW.0308"}, {"Retry-After": "3"}), response(body=CLUSTER))
    client.get_cluster("c1")
    assert sleeps == [3.0] and len(transport.calls) == 2


def test_5xx_and_connection_errors_on_reads_back_off_and_retry():
    client, transport, sleeps = make_client(response(503), TransportError("connection reset", sent=True), response(502), response(body=CLUSTER))
    client.get_cluster("c1")
    assert len(transport.calls) == 4
    assert sleeps == [0.75, 1.5, 3.0]  # equal jitter at 0.5: half the ceiling plus half of the other half


def test_retries_are_bounded():
    client, transport, sleeps = make_client(*[response(500, {"error_code": "MRS.300", "error_msg": "boom"})] * 3, retries=2)
    with pytest.raises(MrsApiError) as caught:
        client.get_cluster("c1")
    assert len(transport.calls) == 3 and len(sleeps) == 2
    assert caught.value.code == "MRS.300" and "retry later" in str(caught.value)


RESIZE_BODY = {"parameters": {"scale_type": "scale_out", "instances": "1"}}


@pytest.mark.parametrize("failure", [response(503), response(502), response(504), response(500, {"error_code": "MRS.300"})])
def test_resize_answered_with_a_server_error_has_an_unknown_outcome_and_is_not_resent(failure):
    # A gateway can answer 5xx after MRS accepted the resize: only reading the cluster can tell.
    client, transport, _sleeps = make_client(failure, response(body={"result": "succeeded"}))
    with pytest.raises(ResizeOutcomeUnknown, match="may or may not have been applied"):
        client.resize("c1", RESIZE_BODY)
    assert len(transport.calls) == 1


@pytest.mark.parametrize("failure", [TransportError("connection reset", sent=True), TransportError("read timed out", sent=True)])
def test_resize_with_an_unknown_outcome_is_not_resent(failure):
    client, transport, _sleeps = make_client(failure, response(body={"result": "succeeded"}))
    with pytest.raises(ResizeOutcomeUnknown, match="may or may not have been applied"):
        client.resize("c1", RESIZE_BODY)
    assert len(transport.calls) == 1


@pytest.mark.parametrize("failure", [response(429, headers={"Retry-After": "1"}), TransportError("connect timed out", sent=False)])
def test_resize_is_resent_when_the_server_certainly_did_not_process_it(failure):
    client, transport, _sleeps = make_client(failure, response(body={"result": "succeeded"}))
    assert client.resize("c1", RESIZE_BODY) == {"result": "succeeded"}
    assert len(transport.calls) == 2
    assert json.loads(transport.calls[1]["data"]) == RESIZE_BODY


def test_refused_rule_is_not_retried_and_keeps_the_request_id():
    refused = response(400, {"error_code": "12000018", "error_msg": "The cluster is scaling."}, {"X-Request-Id": "req-42"})
    client, transport, _sleeps = make_client(refused)
    with pytest.raises(MrsApiError) as caught:
        client.resize("c1", RESIZE_BODY)
    error = caught.value
    assert (error.status, error.code, error.request_id) == (400, "12000018", "req-42")
    assert "already scaling" in str(error) and "req-42" in str(error)
    assert len(transport.calls) == 1


def test_secrets_echoed_in_an_error_are_masked():
    echo = response(400, {"error_code": "12000002", "error_msg": "bad value pw-secret and %s" % SK})
    client, _transport, _sleeps = make_client(echo, password="pw-secret")
    with pytest.raises(MrsApiError) as caught:
        client.get_cluster("c1")
    assert "pw-secret" not in str(caught.value) and SK not in str(caught.value)
    assert "********" in str(caught.value)


def test_a_token_from_iam_echoed_in_an_error_is_masked():
    echo = response(400, {"error_code": "12000002", "error_msg": "bad token TOKEN-FROM-IAM"})
    client, _transport, _sleeps = make_client(token_response("TOKEN-FROM-IAM"), echo, access_key=None, secret_key=None,
                                              user_name="alice", password="pw", domain_name="acme")
    with pytest.raises(MrsApiError) as caught:
        client.get_cluster("c1")
    assert "TOKEN-FROM-IAM" not in str(caught.value)


def test_a_resize_that_never_left_is_reported_as_not_sent_once_retries_run_out():
    refused = [TransportError("connection refused", sent=False) for _attempt in range(5)]
    client, transport, _sleeps = make_client(*refused, retries=4)
    with pytest.raises(TransientError, match="PUT .* failed: connection refused after 4 retries") as caught:
        client.resize("c1", RESIZE_BODY)
    assert not isinstance(caught.value, ResizeOutcomeUnknown) and len(transport.calls) == 5


def test_tls_failure_names_the_options_and_is_not_retried():
    client, transport, _sleeps = make_client(TlsError("certificate verification failed: unable to get local issuer certificate", sent=False))
    with pytest.raises(MrsError, match="ca_bundle"):
        client.get_cluster("c1")
    assert len(transport.calls) == 1


def test_hosts_are_read_across_pages():
    page1 = response(body={"total": 3, "hosts": [{"id": "h1"}, {"id": "h2"}]})
    page2 = response(body={"total": 3, "hosts": [{"id": "h3"}]})
    client, transport, _sleeps = make_client(page1, page2)
    assert [host["id"] for host in client.list_hosts("c1")] == ["h1", "h2", "h3"]
    assert [call["url"].split("?")[1] for call in transport.calls] == ["currentPage=1&pageSize=100", "currentPage=2&pageSize=100"]


def test_list_clusters_passes_filters():
    client, transport, _sleeps = make_client(response(body={"clusterTotal": 1, "clusters": [{"clusterId": "c1"}]}))
    assert client.list_clusters(cluster_name="prod 01", cluster_state="running") == [{"clusterId": "c1"}]
    assert transport.calls[0]["url"].endswith("?clusterName=prod%2001&clusterState=running&currentPage=1&pageSize=100")


@pytest.fixture(name="ca_file", scope="module")
def ca_file_fixture(tmp_path_factory):
    trustme = pytest.importorskip("trustme")
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return str(path)


@pytest.mark.parametrize("settings, verify", [(dict(validate_certs=False), False), (dict(ca_bundle="CA"), "CA"),
                                              (dict(validate_certs=False, ca_bundle="CA"), False), ({}, True)])
def test_tls_settings_go_with_every_request(settings, verify, ca_file):
    settings = dict((key, ca_file if value == "CA" else value) for key, value in settings.items())
    client, transport, _sleeps = make_client(response(body=CLUSTER), **settings)
    client.get_cluster("c1")
    assert transport.calls[0]["verify"] == (ca_file if verify == "CA" else verify)


@pytest.mark.parametrize("settings, expect", [
    (dict(endpoint="mrs.example.test"), "endpoint: must be an http:// or https:// URL with a host name, got 'mrs.example.test'"),
    (dict(endpoint="https://mrs.example.test:port"), "endpoint: must be an http:// or https:// URL"),
    (dict(iam_endpoint="ftp://iam.example.test"), "iam_endpoint: must be an http:// or https:// URL"),
])
def test_an_endpoint_that_is_not_an_http_url_is_refused_naming_the_option(settings, expect):
    with pytest.raises(MrsError, match=re.escape(expect)):
        make_client(**settings)


# ------------------------------------------------------------------------------------- retry policy and deadline


def clocked_client(*script, **settings):
    clock = FakeClock(1000.0)
    values = dict(endpoint=ENDPOINT, iam_endpoint=IAM, project_id=PROJECT, access_key=AK, secret_key=SK, region="cn-north-4")
    values.update(settings)
    transport = ScriptedTransport(*script)
    client = _client.MrsClient(_client.Settings(**values), send=transport, sleep=clock.sleep, jitter=lambda: 0.5, clock=clock)
    return client, transport, clock


def throttled(retry_after):
    return response(429, {"error_code": "APIGW.0308", "error_msg": "throttled"}, {"Retry-After": retry_after})


def test_retry_after_longer_than_the_time_left_fails_at_once_naming_it():
    """Retry-After: 20 with 6 s left: no sleep past the deadline; the last error, with why there is no retry."""
    client, transport, clock = clocked_client(throttled("20"), response(body=CLUSTER))
    client.deadline = clock() + 6
    with pytest.raises(TransientError) as caught:
        client.get_cluster("c1")
    assert sum(clock.sleeps) <= 6 and len(transport.calls) == 1
    assert "Retry-After" in str(caught.value) and "6.0 s are left" in str(caught.value)


def test_own_backoff_is_capped_by_the_time_left_and_no_attempt_starts_after_the_deadline():
    client, transport, clock = clocked_client(*[response(503)] * 10, retries=10)
    client.deadline = clock() + 2.0
    with pytest.raises(TransientError, match="no retry: the deadline has passed"):
        client.get_cluster("c1")
    assert clock.sleeps == [0.75, 1.25]  # 0.75, then 1.5 capped to the 1.25 s left
    assert len(transport.calls) == 3


def test_retry_after_as_an_http_date_is_honoured():
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    client, _transport, clock = clocked_client(throttled(when), response(body=CLUSTER))
    client.get_cluster("c1")
    assert len(clock.sleeps) == 1 and 25 <= clock.sleeps[0] <= 31


@pytest.mark.parametrize("value", ["-1", "garbage", "1e3", "", "  ", "\u00e9", "Wed, 99 Foo 2015 07:28:00 GMT"])
def test_unusable_retry_after_falls_back_to_own_backoff(value):
    client, transport, clock = clocked_client(throttled(value), response(body=CLUSTER))
    client.get_cluster("c1")
    assert clock.sleeps == [0.75] and len(transport.calls) == 2


def test_huge_retry_after_is_capped():
    client, _transport, clock = clocked_client(throttled("999999999999999999999"), response(body=CLUSTER))
    client.get_cluster("c1")
    assert clock.sleeps == [MAX_RETRY_AFTER]


@pytest.mark.parametrize("left, expect", [(None, (10, 60)), (100.0, (10, 60)), (3.0, (10, 60)), (-30.0, (10, 30.0)), (-100.0, (1.0, 1.0))])
def test_attempt_timeouts_end_within_the_deadline_plus_one_read_timeout(left, expect):
    clock = FakeClock(1000.0)
    policy = RetryPolicy(4, clock=clock, sleep=clock.sleep)
    policy.deadline = None if left is None else clock() + left
    assert policy.attempt_limits(10, 60) == expect


def test_the_deadline_reaches_every_attempt_timeout():
    client, transport, clock = clocked_client(response(body=CLUSTER), read_timeout=5, connect_timeout=3)
    client.deadline = clock() - 4  # already past: the attempt still gets what is left of one read timeout
    client.get_cluster("c1")
    assert transport.calls[0]["timeout"] == (1.0, 1.0)


# ------------------------------------------------------------------------------------- IAM


def password_client(*script, **settings):
    values = dict(access_key=None, secret_key=None, project_id=None, user_name="alice", password="pw-secret", domain_name="acme")
    values.update(settings)
    return make_client(*script, **values)


@pytest.mark.parametrize("fault", [
    response(503), throttled("1"), TransportError("ConnectionResetError: reset by peer", sent=True),
    TransportError("connection refused", sent=False), response(201, {"token": {}}),  # no X-Subject-Token
    response(302, headers={"Location": "https://sso.example.test/"}), response(200, {"not": "a token"}, {"X-Subject-Token": "T"}),
], ids=["503", "429", "reset", "refused", "no-token-header", "302", "no-token-object"])
def test_the_password_token_request_is_retried_like_a_read(fault):
    client, transport, sleeps = password_client(fault, token_response("TOKEN-P"), response(body=CLUSTER))
    assert client.get_cluster("c1") == CLUSTER["cluster"]
    assert [call["url"] for call in transport.calls[:2]] == [IAM + "/v3/auth/tokens"] * 2
    assert transport.calls[2]["headers"]["X-Auth-Token"] == "TOKEN-P" and len(sleeps) == 1


@pytest.mark.parametrize("status", [400, 401, 403])
def test_a_refused_password_is_never_retried(status):
    client, transport, _sleeps = password_client(response(status, {"error": {"code": status, "message": "wrong password"}}))
    with pytest.raises(MrsApiError) as caught:
        client.get_cluster("c1")
    assert caught.value.status == status and len(transport.calls) == 1


def test_a_token_expiring_mid_run_is_renewed_once_only():
    expired = response(401, {"error_code": "APIGW.0307", "error_msg": "token expired"})
    client, transport, _sleeps = password_client(token_response("OLD"), expired, token_response("NEW"), expired)
    with pytest.raises(MrsApiError, match="APIGW.0307"):
        client.get_cluster("c1")
    assert len(transport.calls) == 4


def test_the_project_lookup_is_retried_like_a_read():
    client, transport, _sleeps = make_client(response(503), response(200, {"unexpected": []}), response(body={"projects": [{"id": "p-1"}]}),
                                             response(body=CLUSTER), project_id=None)
    client.get_cluster("c1")
    assert [call["url"] for call in transport.calls].count(IAM + "/v3/projects?name=cn-north-4") == 3


def test_an_iam_token_is_handed_to_on_secret_for_masking():
    client, _transport, _sleeps = password_client(token_response("TOKEN-P"), response(body=CLUSTER))
    learnt = []
    client.on_secret = learnt.append
    client.get_cluster("c1")
    assert learnt == ["TOKEN-P"]


# ------------------------------------------------------------------------------------- answers


@pytest.mark.parametrize("body, problem", [
    ({}, "no 'cluster'"), ({"cluster": None}, "'cluster' is not an object"), ([1], "not a JSON object"),
])
def test_get_cluster_without_its_documented_key_is_retried_then_transient(body, problem):
    client, transport, _sleeps = make_client(*[response(body=body)] * 3, retries=2)
    with pytest.raises(TransientError) as caught:
        client.get_cluster("c1")
    assert problem in str(caught.value) and "GET /v1.1/%s/cluster_infos/c1" % PROJECT in str(caught.value)
    assert len(transport.calls) == 3


@pytest.mark.parametrize("body", [{"hosts": [{"id": "h1"}]}, {"total": 1}, {"total": "x", "hosts": []}, {"total": 1, "hosts": {}}])
def test_a_host_list_without_its_count_or_list_is_never_read_as_complete(body):
    client, _transport, _sleeps = make_client(*[response(body=body)] * 3, retries=2)
    with pytest.raises(TransientError):
        client.list_hosts("c1")


@pytest.mark.parametrize("body", [{"clusters": []}, {"clusterTotal": 0}, "[]"])
def test_a_cluster_list_without_its_documented_keys_is_unreadable(body):
    client, _transport, _sleeps = make_client(*[response(body=body)] * 3, retries=2)
    with pytest.raises(TransientError, match="unreadable"):
        client.list_clusters(cluster_name="x")


@pytest.mark.parametrize("answer", [response(body={}), response(body={"result": "failed"}), Response(200, {}, b"", ENDPOINT),
                                    Response(200, {}, b"<html>ok</html>", ENDPOINT), response(301, headers={"Location": "/x"}),
                                    response(501), response(520)])
def test_a_resize_answer_that_is_not_the_documented_success_is_outcome_unknown(answer):
    client, transport, _sleeps = make_client(answer, response(body={"result": "succeeded"}))
    with pytest.raises(ResizeOutcomeUnknown):
        client.resize("c1", RESIZE_BODY)
    assert len(transport.calls) == 1


def test_a_cluster_id_cannot_change_the_route():
    client, transport, _sleeps = make_client(response(body=CLUSTER))
    client.get_cluster("c1/../../x?y#z")
    assert transport.calls[0]["url"] == ENDPOINT + "/v1.1/%s/cluster_infos/c1%%2F..%%2F..%%2Fx%%3Fy%%23z" % PROJECT


# ------------------------------------------------------------------------------------- secrets


SECRETS = dict(secret_key="SK-very-secret-value", security_token="STS-token-value", auth_token="AUTH-token-value", password="pw-secret")


@pytest.mark.parametrize("name", sorted(SECRETS))
@pytest.mark.parametrize("shape", ["%s\n", " %s ", "\t%s\r\n"])
def test_a_secret_with_surrounding_whitespace_is_used_cleaned(name, shape):
    settings = dict(security_token=None)
    if name == "password":
        settings.update(access_key=None, secret_key=None, user_name="alice", domain_name="acme")
        script = [token_response("T"), response(body=CLUSTER)]
    elif name == "auth_token":
        settings.update(access_key=None, secret_key=None)
        script = [response(body=CLUSTER)]
    else:
        script = [response(body=CLUSTER)]
    settings[name] = shape % SECRETS[name]
    client, transport, _sleeps = make_client(*script, **settings)
    assert client.get_cluster("c1") == CLUSTER["cluster"]
    call = transport.calls[-1]
    if name == "security_token":
        assert call["headers"]["X-Security-Token"] == SECRETS[name]
    elif name == "auth_token":
        assert call["headers"]["X-Auth-Token"] == SECRETS[name]
    elif name == "password":
        assert json.loads(transport.calls[0]["data"])["auth"]["identity"]["password"]["user"]["password"] == SECRETS[name]
    else:
        unsigned = dict((k, v) for k, v in call["headers"].items() if k not in ("Authorization", "User-Agent"))
        assert _signer.sign("GET", call["url"], unsigned, b"", AK, SECRETS[name])["Authorization"] == call["headers"]["Authorization"]


@pytest.mark.parametrize("name", sorted(SECRETS) + ["access_key"])
@pytest.mark.parametrize("bad", ["abc\ndef", "abc\x00def", "abc\x7fdef"])
def test_a_secret_with_a_control_character_inside_fails_naming_the_option_not_the_value(name, bad):
    settings = {name: bad}
    if name == "password":
        settings.update(access_key=None, secret_key=None, user_name="alice", domain_name="acme")
    with pytest.raises(MrsError) as caught:
        make_client(**settings)
    assert str(caught.value).startswith(name + ": ") and bad not in str(caught.value) and "abc" not in str(caught.value)


@pytest.mark.parametrize("name", ["auth_token", "security_token", "access_key"])
def test_a_header_secret_that_is_not_latin1_fails_naming_the_option(name):
    with pytest.raises(MrsError) as caught:
        make_client(**{name: "qzx\u20acqzx"})
    assert str(caught.value).startswith(name + ": ") and "qzx" not in str(caught.value)


def all_texts(error):
    return [str(error), repr(error.args)] + [str(getattr(error, field, "")) for field in ("message", "reason")]


@pytest.mark.parametrize("fault", [
    response(400, {"error_code": "12000002", "error_msg": "bad %s %s %s %s" % tuple(SECRETS.values())}),
    response(503, {"error_msg": "echo %s" % SECRETS["auth_token"]}),
    TransportError("InvalidHeader: Invalid leading whitespace in header value %r" % SECRETS["security_token"], sent=False),
    TransportError("proxy http://user:proxy-pass@proxy.example.test:3128 failed", sent=False),
    TlsError("certificate verification failed for %s" % SECRETS["secret_key"], sent=False),
])
def test_no_secret_appears_in_any_error_text(fault):
    settings = dict((name, value + "\n") for name, value in SECRETS.items())
    client, _transport, _sleeps = make_client(*[fault] * 3, retries=2, **settings)
    with pytest.raises(MrsError) as caught:
        client.get_cluster("c1")
    for text in all_texts(caught.value):
        for secret in list(SECRETS.values()) + ["proxy-pass"]:
            assert secret not in text


def test_a_resize_error_built_from_an_exception_text_is_masked():
    client, _transport, _sleeps = make_client(TransportError("reset while sending X-Auth-Token AUTH-token-value", sent=True),
                                              access_key=None, secret_key=None, auth_token="AUTH-token-value\n")
    with pytest.raises(ResizeOutcomeUnknown) as caught:
        client.resize("c1", RESIZE_BODY)
    assert "AUTH-token-value" not in str(caught.value)


# ------------------------------------------------------------------------------------- option hygiene


@pytest.mark.parametrize("settings, option", [
    (dict(project_id=" %s" % PROJECT), "project_id"), (dict(project_id=PROJECT + "\n"), "project_id"),
    (dict(project_id="pr\u00f6ject"), "project_id"), (dict(project_id="a/b"), "project_id"),
    (dict(region="cn-north-4\n"), "region"), (dict(region="cn north"), "region"), (dict(region="cn-n\u00f6rth"), "region"),
    (dict(connect_timeout=0), "connect_timeout"), (dict(connect_timeout=-1), "connect_timeout"),
    (dict(read_timeout=-1), "read_timeout"), (dict(read_timeout=float("nan")), "read_timeout"),
    (dict(read_timeout=float("inf")), "read_timeout"), (dict(read_timeout="soon"), "read_timeout"),
    (dict(retries=-1), "retries"), (dict(retries=1.5), "retries"),
    (dict(endpoint="https://mrs.example.test/?x=1"), "endpoint"), (dict(endpoint="https://mrs.example.test/#top"), "endpoint"),
    (dict(endpoint="https://user:pass@mrs.example.test"), "endpoint"), (dict(endpoint=" https://mrs.example.test"), "endpoint"),
    (dict(endpoint="https://mrs.example.test\n"), "endpoint"), (dict(endpoint="https://mrs.exa mple.test"), "endpoint"),
    (dict(endpoint="https://mrs.example.test?"), "endpoint"),
    (dict(iam_endpoint="https://iam.example.test/v3?a"), "iam_endpoint"), (dict(iam_endpoint="https://u@iam.example.test"), "iam_endpoint"),
    (dict(ca_bundle="/no/such/ca.pem"), "ca_bundle"),
])
def test_a_bad_connection_option_fails_naming_it_before_any_request(settings, option):
    transport = ScriptedTransport()
    values = dict(endpoint=ENDPOINT, iam_endpoint=IAM, project_id=PROJECT, access_key=AK, secret_key=SK, region="cn-north-4")
    values.update(settings)
    with pytest.raises(MrsError) as caught:
        _client.MrsClient(_client.Settings(**values), send=transport)
    assert str(caught.value).startswith(option + ": ")
    assert transport.calls == []
    assert "pass@" not in str(caught.value)


def test_a_ca_bundle_that_is_not_pem_fails_naming_it(tmp_path):
    junk = tmp_path / "ca.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(MrsError, match="ca_bundle: cannot load"):
        make_client(ca_bundle=str(junk))


@pytest.mark.parametrize("settings, method, ignored", [
    (dict(auth_token="T"), "token", ["access_key", "secret_key"]),
    (dict(security_token="S"), "temporary_aksk", []),
    ({}, "aksk", []),
    (dict(access_key=None, secret_key=None, user_name="u", password="p", domain_name="d"), "password", []),
    (dict(user_name="u", password="p", domain_name="d"), "aksk", ["user_name", "password"]),
])
def test_the_chosen_auth_method_is_visible(settings, method, ignored):
    client, _transport, _sleeps = make_client(**settings)
    assert client.auth_method == method
    assert client.settings.ignored_credentials() == ignored


@pytest.mark.parametrize("environ, expected", [
    ({}, False),
    ({"SSL_CERT_FILE": "/etc/ca.pem"}, True),
    ({"SSL_CERT_DIR": "/etc/certs"}, True),
    ({"SSL_CERT_FILE": ""}, False),
    ({"REQUESTS_CA_BUNDLE": "/r.pem"}, False),  # requests applies its own variable itself
])
def test_an_openssl_trust_store_is_named_by_ssl_cert_file_or_dir(environ, expected):
    assert openssl_trust_named(environ) is expected


def test_openssl_trust_is_on_only_for_the_default_trust_of_an_https_endpoint(monkeypatch, tmp_path):
    """ca_bundle means that CA only, validate_certs: false nothing, and plain HTTP needs no TLS context at all."""
    monkeypatch.setenv("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")
    made = []
    monkeypatch.setattr(_client, "Transport", lambda clock, openssl_trust=False: made.append(openssl_trust))
    bundle = tmp_path / "ca.pem"
    bundle.write_text(trustme.CA().cert_pem.bytes().decode("ascii"))
    common = dict(region="r-1", project_id="p1", access_key="AK", secret_key="SK")
    for endpoint, extra, expected in (("https://mrs.example", {}, True), ("https://mrs.example", dict(ca_bundle=str(bundle)), False),
                                      ("https://mrs.example", dict(validate_certs=False), False), ("http://127.0.0.1:1", {}, False)):
        _client.MrsClient(_client.Settings(endpoint=endpoint, iam_endpoint=endpoint, **dict(common, **extra)))
        assert made.pop() is expected, (endpoint, extra)
