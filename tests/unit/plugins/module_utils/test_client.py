# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The client's decisions (auth, retries, what may be re-sent, errors, paging) over a scripted transport."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils import _client, _signer
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, TransientError

ENDPOINT = "http://127.0.0.1:9999"
IAM = "http://127.0.0.1:9998"
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
AK, SK = "AKEXAMPLE", "SK-very-secret-value"


def response(status=200, body=None, headers=None):
    return _client.Response(status, dict(headers or {}), json.dumps(body if body is not None else {}).encode("utf-8"), ENDPOINT)


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
    assert call["headers"]["User-Agent"] == _client.USER_AGENT  # added after signing, so a proxy may rewrite it
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
    client, transport, sleeps = make_client(response(503), _client.TransportError("connection reset", sent=True), response(502), response(body=CLUSTER))
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
    with pytest.raises(_client.ResizeOutcomeUnknown, match="may or may not have been applied"):
        client.resize("c1", RESIZE_BODY)
    assert len(transport.calls) == 1


@pytest.mark.parametrize("failure", [_client.TransportError("connection reset", sent=True), _client.TransportError("read timed out", sent=True)])
def test_resize_with_an_unknown_outcome_is_not_resent(failure):
    client, transport, _sleeps = make_client(failure, response(body={"result": "succeeded"}))
    with pytest.raises(_client.ResizeOutcomeUnknown, match="may or may not have been applied"):
        client.resize("c1", RESIZE_BODY)
    assert len(transport.calls) == 1


@pytest.mark.parametrize("failure", [response(429, headers={"Retry-After": "1"}), _client.TransportError("connect timed out", sent=False)])
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
    refused = [_client.TransportError("connection refused", sent=False) for _attempt in range(5)]
    client, transport, _sleeps = make_client(*refused, retries=4)
    with pytest.raises(TransientError, match="PUT .* failed: connection refused after 4 retries") as caught:
        client.resize("c1", RESIZE_BODY)
    assert not isinstance(caught.value, _client.ResizeOutcomeUnknown) and len(transport.calls) == 5


def test_tls_failure_names_the_options_and_is_not_retried():
    client, transport, _sleeps = make_client(_client.TlsError("certificate verification failed: unable to get local issuer certificate", sent=False))
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
