"""The vendor SDK (huaweicloudsdkmrs 3.1.219) as the oracle: it must work against the emulator unchanged.

Raw requests signed by the SDK's own Signer check the emulator's signature verification case by case.

Clusters here are created with accept_delay=0: these tests watch the state machine and the rules, not the
delay before an accepted scale shows (that default has its own test in test_emulator_fidelity.py).
"""

import datetime
import hashlib
import time
import types

import pytest
import requests

import mrs_emulator
from harness import start_emulator
from sdk_oracle import build


def make_client(sdk, url, credentials, ca_file=None):
    return build(sdk, sdk.v1, types.SimpleNamespace(url=url), credentials, ca_file)


@pytest.fixture(name="client")
def client_fixture(sdk, mrs):
    return make_client(sdk, mrs.url, sdk.BasicCredentials(mrs.access_key, mrs.secret_key, mrs.project_id))


def scale_request(sdk, cluster_id, **params):
    params.setdefault("node_id", "node_orderadd")
    body = sdk.v1.ClusterScalingReq(parameters=sdk.v1.ClusterScalingParams(**params))
    return sdk.v1.UpdateClusterScalingRequest(cluster_id=cluster_id, body=body)


def wait_running(sdk, client, cluster_id, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        cluster = client.show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id=cluster_id)).cluster
        if cluster.cluster_state == "running" or time.monotonic() > deadline:
            return cluster
        time.sleep(0.05)


def test_sdk_shows_cluster_details(sdk, mrs, client):
    created = mrs.create_cluster(accept_delay=0, name="analytics", core=4, task=2)
    cluster = client.show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id=created["clusterId"])).cluster
    assert (cluster.cluster_id, cluster.cluster_name, cluster.cluster_state, cluster.scale) == (
        created["clusterId"], "analytics", "running", "")
    assert (cluster.master_node_num, cluster.core_node_num, cluster.total_node_num) == ("2", "4", "8")
    assert [(group.group_name, group.node_num) for group in cluster.node_groups] == [
        ("master_node_default_group", 2), ("core_node_analysis_group", 4), ("task_node_analysis_group", 2)]
    assert all(group.node_size and group.data_volume_count == 1 for group in cluster.node_groups)
    assert [(group.group_name, group.node_num) for group in cluster.task_node_groups] == [("task_node_analysis_group", 2)]
    assert (cluster.billing_type, cluster.cluster_version, cluster.data_center) == ("12", "MRS 3.1.0", mrs.region)
    assert cluster.stage_desc is None


def test_sdk_lists_clusters_with_filters_and_pages(sdk, mrs, client):
    for name in ("alpha", "beta", "gamma"):
        mrs.create_cluster(accept_delay=0, name=name)
    everything = client.list_clusters(sdk.v1.ListClustersRequest())
    assert everything.cluster_total == 3
    assert {cluster.cluster_name for cluster in everything.clusters} == {"alpha", "beta", "gamma"}
    named = client.list_clusters(sdk.v1.ListClustersRequest(cluster_name="beta"))
    assert [cluster.cluster_name for cluster in named.clusters] == ["beta"]
    second_page = client.list_clusters(sdk.v1.ListClustersRequest(page_size="2", current_page="2"))
    assert (second_page.cluster_total, len(second_page.clusters)) == (3, 1)


def test_sdk_lists_hosts(sdk, mrs, client):
    created = mrs.create_cluster(accept_delay=0, name="hosts", core=3, task=1)
    response = client.list_hosts(sdk.v1.ListHostsRequest(cluster_id=created["clusterId"], page_size="100", current_page="1"))
    assert response.total == 6
    assert sorted(host.type for host in response.hosts) == ["Core", "Core", "Core", "Master", "Master", "Task"]
    assert all(host.status == "ACTIVE" and host.id and host.ip and host.flavor for host in response.hosts)
    first_page = client.list_hosts(sdk.v1.ListHostsRequest(cluster_id=created["clusterId"], page_size="4", current_page="1"))
    assert (first_page.total, len(first_page.hosts)) == (6, 4)


def test_sdk_resizes_core_through_to_the_new_count(sdk, mrs, client):
    created = mrs.create_cluster(accept_delay=0, name="grow", core=3, scale_seconds=0.3)
    response = client.update_cluster_scaling(scale_request(sdk, created["clusterId"], scale_type="scale_out",
                                                           node_group="core_node_default_group", instances="2"))
    assert response.result == "succeeded"
    assert mrs.cluster(created["clusterId"])["clusterState"] == "scaling-out"
    cluster = wait_running(sdk, client, created["clusterId"])
    assert (cluster.cluster_state, cluster.core_node_num, cluster.total_node_num, cluster.scale) == ("running", "5", "7", "")
    assert [group.node_num for group in cluster.node_groups if group.group_name == "core_node_analysis_group"] == [5]


def test_sdk_adds_task_nodes_from_zero_then_removes_one_by_id(sdk, mrs, client):
    created = mrs.create_cluster(accept_delay=0, name="tasks", scale_seconds=0)
    info = sdk.v1.TaskNodeInfo(node_size="c6.4xlarge.4.linux.bigdata", data_volume_type="SAS", data_volume_count=1, data_volume_size=600)
    client.update_cluster_scaling(scale_request(sdk, created["clusterId"], scale_type="scale_out", node_group="task_node_default_group",
                                                instances=2, task_node_info=info))
    cluster = wait_running(sdk, client, created["clusterId"])
    assert [(group.group_name, group.node_num) for group in cluster.task_node_groups] == [("task_node_analysis_group", 2)]
    hosts = client.list_hosts(sdk.v1.ListHostsRequest(cluster_id=created["clusterId"], page_size="100")).hosts
    victim = next(host.id for host in hosts if host.type == "Task")
    client.update_cluster_scaling(scale_request(sdk, created["clusterId"], scale_type="scale_in", node_group="task_node_default_group",
                                                instances="1", server_ids=[victim]))
    wait_running(sdk, client, created["clusterId"])
    hosts = client.list_hosts(sdk.v1.ListHostsRequest(cluster_id=created["clusterId"], page_size="100")).hosts
    assert victim not in {host.id for host in hosts}
    assert sum(host.type == "Task" for host in hosts) == 1


def test_sdk_refused_rule_is_a_client_request_exception(sdk, mrs, client):
    created = mrs.create_cluster(accept_delay=0, name="small", core=3)
    mrs.clear_requests()
    with pytest.raises(sdk.ClientRequestException) as refused:
        client.update_cluster_scaling(scale_request(sdk, created["clusterId"], scale_type="scale_in", instances="1"))
    assert (refused.value.status_code, refused.value.error_code) == (400, "12000013")
    assert refused.value.request_id == mrs.requests_log()[-1]["request_id"]
    with pytest.raises(sdk.ClientRequestException) as unknown:
        client.show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id="no-such-cluster"))
    assert (unknown.value.status_code, unknown.value.error_code) == (400, "12000003")


def test_sdk_with_a_wrong_secret_key_gets_401_apigw_0301(sdk, mrs):
    created = mrs.create_cluster(accept_delay=0, name="locked")
    wrong = make_client(sdk, mrs.url, sdk.BasicCredentials(mrs.access_key, mrs.secret_key + "x", mrs.project_id))
    with pytest.raises(sdk.ClientRequestException) as refused:
        wrong.show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id=created["clusterId"]))
    assert (refused.value.status_code, refused.value.error_code) == (401, "APIGW.0301")
    assert refused.value.error_msg == "Incorrect IAM authentication information: verify aksk signature fail"
    assert refused.value.request_id


def test_sdk_with_an_unknown_access_key_gets_401(sdk, mrs):
    wrong = make_client(sdk, mrs.url, sdk.BasicCredentials("UNKNOWNACCESSKEY0000", mrs.secret_key, mrs.project_id))
    with pytest.raises(sdk.ClientRequestException) as refused:
        wrong.list_clusters(sdk.v1.ListClustersRequest())
    assert (refused.value.status_code, refused.value.error_code) == (401, "APIGW.0301")


def test_sdk_with_temporary_credentials_needs_the_security_token(sdk, mrs):
    mrs.create_cluster(accept_delay=0, name="sts")
    temporary = mrs.temporary_credentials()
    with_token = sdk.BasicCredentials(temporary["access"], temporary["secret"], mrs.project_id).with_security_token(
        temporary["securitytoken"])
    assert make_client(sdk, mrs.url, with_token).list_clusters(sdk.v1.ListClustersRequest()).cluster_total == 1
    without = make_client(sdk, mrs.url, sdk.BasicCredentials(temporary["access"], temporary["secret"], mrs.project_id))
    with pytest.raises(sdk.ClientRequestException) as refused:
        without.list_clusters(sdk.v1.ListClustersRequest())
    assert (refused.value.status_code, refused.value.error_code) == (401, "APIGW.0301")
    wrong_token = sdk.BasicCredentials(temporary["access"], temporary["secret"], mrs.project_id).with_security_token("forged")
    with pytest.raises(sdk.ClientRequestException):
        make_client(sdk, mrs.url, wrong_token).list_clusters(sdk.v1.ListClustersRequest())
    mrs.expire_temporary_credentials()
    with pytest.raises(sdk.ClientRequestException) as expired:
        make_client(sdk, mrs.url, with_token).list_clusters(sdk.v1.ListClustersRequest())
    assert expired.value.status_code == 401


def test_sdk_finds_the_project_id_through_iam(sdk, mrs):
    """BasicCredentials without a project id and a region: the SDK asks GET /v3/projects?name=REGION first."""
    mrs.create_cluster(accept_delay=0, name="by-region")
    # Fresh temporary credentials: the SDK caches the project id per access key and region for the whole process.
    temporary = mrs.temporary_credentials()
    credentials = sdk.BasicCredentials(temporary["access"], temporary["secret"]).with_security_token(
        temporary["securitytoken"]).with_iam_endpoint(mrs.url)
    config = sdk.HttpConfig.get_default_config()
    config.timeout = (5, 10)
    by_region = (sdk.v1.MrsClient.new_builder().with_http_config(config).with_credentials(credentials)
                 .with_region(sdk.Region(mrs.region, mrs.url)).build())
    assert by_region.list_clusters(sdk.v1.ListClustersRequest()).cluster_total == 1
    assert credentials.project_id == mrs.project_id
    calls = [(entry["method"], entry["path"], entry["query"], entry["status"], entry["auth"]) for entry in mrs.requests_log()]
    assert calls[0] == ("GET", "/v3/projects", "name=" + mrs.region, 200, "signature")
    assert calls[1][1] == "/v1.1/%s/cluster_infos" % mrs.project_id


def test_sdk_over_https_verifies_the_emulator_certificate(sdk, tmp_path):
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    server_cert = authority.issue_cert("127.0.0.1", "localhost")
    cert, key, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    server_cert.private_key_and_cert_chain_pem.write_to_path(str(cert))
    server_cert.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca_file))
    with start_emulator(scale_seconds=0, tls=(cert, key, ca_file)) as emu:
        assert emu.url.startswith("https://127.0.0.1:")
        created = emu.create_cluster(accept_delay=0, name="secure")
        client = make_client(sdk, emu.url, sdk.BasicCredentials(emu.access_key, emu.secret_key, emu.project_id),
                             ca_file=str(ca_file))
        cluster = client.show_cluster_details(sdk.v1.ShowClusterDetailsRequest(cluster_id=created["clusterId"])).cluster
        assert cluster.cluster_name == "secure"


# ---------------------------------------------------------------------------------------------------------
# Signature verification, request by request, with signatures made by the SDK's Signer.

def signed(sdk, emu, method, path, query=(), body="", headers=None, base_headers=None, date=None):
    """(url, headers, body bytes) of a request signed by the SDK's Signer; by default with MrsClient's headers."""
    header_params = {"Content-Type": "application/json", "X-Project-Id": emu.project_id} if base_headers is None else base_headers
    header_params.update(headers or {})
    if date:
        header_params["X-Sdk-Date"] = date
    request = sdk.SdkRequest(method=method, schema="http", host=emu.url.split("://", 1)[1], resource_path=path,
                             query_params=list(query), header_params=header_params, body=body)
    credentials = sdk.BasicCredentials(emu.access_key, emu.secret_key, emu.project_id)
    request = sdk.Signer(credentials).sign(request)
    return emu.url + request.uri, dict(request.header_params), request.body or b""


def send(method, url, headers, body):
    return requests.request(method, url, headers=headers, data=body, timeout=10)


def sdk_date(offset_seconds):
    moment = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def test_signed_request_is_accepted_and_logged_as_signature(sdk, mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="signed")
    url, headers, body = signed(sdk, mrs, "GET", "/v1.1/%s/cluster_infos/%s" % (mrs.project_id, cluster["clusterId"]))
    response = send("GET", url, headers, body)
    assert response.status_code == 200
    assert response.json()["cluster"]["clusterId"] == cluster["clusterId"]
    assert mrs.requests_log()[-1]["auth"] == "signature"


def test_signed_query_is_part_of_the_signature(sdk, mrs):
    path = "/v1.1/%s/cluster_infos" % mrs.project_id
    url, headers, body = signed(sdk, mrs, "GET", path, query=[("pageSize", "5"), ("clusterName", "a b/c~d")])
    assert send("GET", url, headers, body).status_code == 200
    assert send("GET", url.replace("pageSize=5", "pageSize=6"), headers, body).status_code == 401


def test_tampered_body_fails_the_signature(sdk, mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="tamper")
    path = "/v1.1/%s/cluster_infos/%s" % (mrs.project_id, cluster["clusterId"])
    text = '{"parameters": {"scale_type": "scale_out", "node_id": "node_orderadd", "instances": "1"}}'
    url, headers, body = signed(sdk, mrs, "PUT", path, body=text)
    response = send("PUT", url, headers, body.replace(b'"1"', b'"9"'))
    assert response.status_code == 401
    assert response.json()["error_code"] == "APIGW.0301"
    assert response.json()["request_id"] == response.headers["X-Request-Id"]
    assert mrs.cluster(cluster["clusterId"])["clusterState"] == "running"
    assert send("PUT", url, headers, body).status_code == 200  # the untampered request passes


@pytest.mark.parametrize("offset,status", [(-20 * 60, 401), (20 * 60, 401), (-10 * 60, 200), (10 * 60, 200)])
def test_x_sdk_date_must_be_within_15_minutes(sdk, mrs, offset, status):
    url, headers, body = signed(sdk, mrs, "GET", "/v1.1/%s/cluster_infos" % mrs.project_id, date=sdk_date(offset))
    assert send("GET", url, headers, body).status_code == status


def test_signature_must_cover_x_sdk_date(sdk, mrs):
    url, headers, body = signed(sdk, mrs, "GET", "/v1.1/%s/cluster_infos" % mrs.project_id)
    # Drop x-sdk-date from SignedHeaders and re-sign with the emulator's own signer: still refused.
    names = sorted(name.lower() for name in headers if name.lower() not in ("authorization", "x-sdk-date"))
    text = mrs_emulator.string_to_sign("GET", "/v1.1/%s/cluster_infos" % mrs.project_id, "",
                                       {name.lower(): value for name, value in headers.items()}, names, mrs_emulator.EMPTY_BODY_SHA256,
                                       headers["X-Sdk-Date"])
    headers["Authorization"] = "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (
        mrs.access_key, ";".join(names), mrs_emulator.signature(mrs.secret_key, text))
    assert send("GET", url, headers, body).status_code == 401


def test_signed_header_changed_after_signing_fails(sdk, mrs):
    url, headers, body = signed(sdk, mrs, "GET", "/v1.1/%s/cluster_infos" % mrs.project_id, headers={"X-Custom": "one"})
    assert send("GET", url, headers, body).status_code == 200
    assert send("GET", url, dict(headers, **{"X-Custom": "two"}), body).status_code == 401


def test_x_project_id_must_match_the_path(sdk, mrs):
    other = "e" * 32
    url, headers, body = signed(sdk, mrs, "GET", "/v1.1/%s/cluster_infos" % other)  # header says mrs.project_id
    response = send("GET", url, headers, body)
    assert (response.status_code, response.json()["error_code"]) == (401, "APIGW.0301")
    url, headers, body = signed(sdk, mrs, "GET", "/v1.1/%s/cluster_infos" % other, headers={"X-Project-Id": other})
    assert send("GET", url, headers, body).status_code == 200


@pytest.mark.parametrize("authorization", [
    None, "", "Basic dXNlcjpwYXNz", "SDK-HMAC-SHA256 Access=MRSEMULATORACCESSKEY, SignedHeaders=host;x-sdk-date, Signature=zz",
    "SDK-HMAC-SHA256 Access=MRSEMULATORACCESSKEY, SignedHeaders=host;x-sdk-date, Signature=" + "0" * 64,
])
def test_missing_or_malformed_authorization_is_401(mrs, authorization):
    headers = {"X-Sdk-Date": sdk_date(0)}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = requests.get(mrs.cluster_url(), headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.json()["error_code"] == "APIGW.0301"
    assert response.headers["X-Request-Id"]


def test_iam_project_lookup_signed_like_the_sdk(sdk, mrs):
    iam_headers = {"User-Agent": "huaweicloud-usdk-python/3.0"}  # the SDK's IAM call sends no Content-Type nor X-Project-Id
    url, headers, body = signed(sdk, mrs, "GET", "/v3/projects", query=[("name", mrs.region)], base_headers=dict(iam_headers))
    assert "SignedHeaders=host;user-agent;x-sdk-date," in headers["Authorization"]
    response = send("GET", url, headers, body)
    assert response.status_code == 200
    assert [(project["id"], project["name"]) for project in response.json()["projects"]] == [(mrs.project_id, mrs.region)]
    url, headers, body = signed(sdk, mrs, "GET", "/v3/projects", query=[("name", "eu-west-0")], base_headers=dict(iam_headers))
    assert send("GET", url, headers, body).json()["projects"] == []


# The documented test vectors (fixed date, so the emulator's pure functions are checked directly).
VECTOR_PROJECT = "0123456789abcdef0123456789abcdef"
VECTOR_CLUSTER = "b4bd2ed6-d39b-4e8b-9e63-4bd5f8c7a0d1"
VECTOR_BODY = ('{"parameters": {"scale_type": "scale_out", "node_id": "node_orderadd", '
               '"node_group": "core_node_default_group", "instances": "1"}}')


@pytest.mark.parametrize("method,path,query,body,expected", [
    ("GET", "/v1.1/%s/cluster_infos/%s" % (VECTOR_PROJECT, VECTOR_CLUSTER), "", "",
     "764011a8da4d49a754f3d339310cc118e29968efbd7534165e44d5e61b2d9192"),
    ("PUT", "/v1.1/%s/cluster_infos/%s" % (VECTOR_PROJECT, VECTOR_CLUSTER), "", VECTOR_BODY,
     "74c9af80f43419cb98b5c71b73ba2e44bb0d0ccca814619a44048c7489e17671"),
    ("GET", "/v1.1/%s/clusters/%s/hosts" % (VECTOR_PROJECT, VECTOR_CLUSTER), "pageSize=100&currentPage=1", "",
     "8a06c4c580aaccb532e07d4c3e53345ca2c9173b02896d303b16e6569b972570"),
])
def test_signature_test_vectors(method, path, query, body, expected):
    headers = {"content-type": "application/json", "host": "mrs.ap-southeast-1.myhuaweicloud.com",
               "x-project-id": VECTOR_PROJECT, "x-sdk-date": "20240101T000000Z"}
    payload_hash = hashlib.sha256(body.encode()).hexdigest()
    text = mrs_emulator.string_to_sign(method, path, query, headers, sorted(headers), payload_hash, "20240101T000000Z")
    assert mrs_emulator.signature("EXAMPLESK00000000000000000000000000000000", text) == expected
