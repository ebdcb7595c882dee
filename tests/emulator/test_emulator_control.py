"""Control routes, the read routes' wire format, faults and the request log.

Clusters here are created with accept_delay=0: these tests watch the state machine and the rules, not the
delay before an accepted scale shows (that default has its own test in test_emulator_fidelity.py).
"""

import http.client
import json
import time
from urllib.parse import urlsplit

import pytest
import requests

from harness import EmulatorError


def vendor_get(mrs, url, **kwargs):
    return mrs.token_session().get(url, timeout=10, **kwargs)


def scale_out(instances="1"):
    return {"parameters": {"scale_type": "scale_out", "node_id": "node_orderadd", "instances": instances}}


def test_created_cluster_has_the_real_field_names_and_types(mrs):
    view = mrs.create_cluster(accept_delay=0, name="typed")
    for field in ("masterNodeNum", "coreNodeNum", "totalNodeNum", "createAt", "updateAt", "chargingStartTime", "clusterId",
                  "clusterName", "clusterState", "billingType", "clusterVersion", "dataCenter", "tags", "scale"):
        assert isinstance(view[field], str), field
    for field in ("volumeSize", "safeMode", "clusterType", "masterDataVolumeSize", "coreDataVolumeCount", "periodType"):
        assert isinstance(view[field], int) and not isinstance(view[field], bool), field
    assert (view["masterNodeNum"], view["coreNodeNum"], view["totalNodeNum"]) == ("2", "3", "5")
    assert (view["clusterState"], view["scale"], view["stageDesc"]) == ("running", "", None)
    assert (view["billingType"], view["clusterVersion"], view["dataCenter"]) == ("12", "MRS 3.1.0", mrs.region)
    assert view["taskNodeGroups"] == []  # never had Task nodes: no Task group
    groups = view["nodeGroups"]
    assert [(group["GroupName"], group["NodeNum"]) for group in groups] == [("master_node_default_group", 2), ("core_node_analysis_group", 3)]
    assert all(isinstance(group["NodeNum"], int) and isinstance(group["DataVolumeSize"], int) for group in groups)
    assert not any(key[0].islower() for group in groups for key in group)  # PascalCase keys
    assert len(view["createAt"]) == 10 and view["createAt"].isdigit()
    assert vendor_get(mrs, mrs.cluster_url(view["clusterId"])).json() == {"cluster": view}


def test_create_cluster_fields(mrs):
    view = mrs.create_cluster(accept_delay=0, name="custom", id="my-cluster", core=5, task=2, master=3, state="frozen",
                              billing_type="Yearly/Monthly", version="MRS 2.1.0", task_node_size="c6.large.2.linux.bigdata",
                              scale_seconds=7)
    assert (view["clusterId"], view["coreNodeNum"], view["masterNodeNum"], view["totalNodeNum"]) == ("my-cluster", "5", "3", "10")
    assert (view["clusterState"], view["billingType"], view["clusterVersion"]) == ("frozen", "11", "MRS 2.1.0")
    assert view["taskNodeGroups"][0]["NodeSize"] == "c6.large.2.linux.bigdata"
    assert mrs.cluster_control("my-cluster")["emulator"]["scale_seconds"] == 7


def test_task_node_size_without_task_nodes_makes_an_empty_task_group(mrs):
    view = mrs.create_cluster(accept_delay=0, name="once-had-tasks", task_node_size="c6.xlarge.4.linux.bigdata")
    assert [(group["GroupName"], group["NodeNum"], group["NodeSize"]) for group in view["taskNodeGroups"]] == [
        ("task_node_analysis_group", 0, "c6.xlarge.4.linux.bigdata")]


@pytest.mark.parametrize("fields,status", [
    ({}, 400), ({"name": ""}, 400), ({"name": "x", "cores": 3}, 400), ({"name": "x", "core": 0}, 400),
    ({"name": "x", "task": -1}, 400), ({"name": "x", "core": "3"}, 400), ({"name": "x", "state": "sleeping"}, 400),
    ({"name": "x", "billing_type": "Free"}, 400), ({"name": "x", "core": 499, "task": 2}, 400),
    ({"name": "x", "scale_seconds": -1}, 400),
])
def test_create_cluster_refuses_bad_fields(mrs, fields, status):
    with pytest.raises(EmulatorError, match="HTTP %d" % status):
        mrs.create_cluster(**fields)


def test_create_cluster_refuses_a_duplicate_id(mrs):
    mrs.create_cluster(accept_delay=0, name="a", id="same")
    with pytest.raises(EmulatorError, match="HTTP 409"):
        mrs.create_cluster(accept_delay=0, name="b", id="same")


def test_unknown_cluster_and_route_on_control_are_404(mrs):
    with pytest.raises(EmulatorError, match="HTTP 404"):
        mrs.cluster("nope")
    with pytest.raises(EmulatorError, match="HTTP 404"):
        mrs.patch_cluster("nope", state="running")
    with pytest.raises(EmulatorError, match="HTTP 404"):
        mrs.control("GET", "nothing-here")


@pytest.mark.parametrize("fields", [{"state": "sleeping"}, {"fail_next_scale": "maybe"}, {"scale": "scaling-out"}, {"color": "red"},
                                    {"scale_seconds": "fast"}])
def test_patch_refuses_bad_fields(mrs, fields):
    cluster = mrs.create_cluster(accept_delay=0, name="patch")
    with pytest.raises(EmulatorError, match="HTTP 400"):
        mrs.patch_cluster(cluster["clusterId"], **fields)


def test_control_cluster_list_and_hosts_route(mrs):
    first = mrs.create_cluster(accept_delay=0, name="one")
    mrs.create_cluster(accept_delay=0, name="two", project_id="a" * 32)
    listed = mrs.control("GET", "clusters")["clusters"]
    assert [item["cluster"]["clusterName"] for item in listed] == ["one", "two"]
    hosts = mrs.hosts(first["clusterId"])
    paged = vendor_get(mrs, mrs.hosts_url(first["clusterId"]), params={"pageSize": 100}).json()
    assert paged == {"total": 5, "hosts": hosts}


def test_hosts_route_pages_and_fields(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="big", core=10, task=2)
    first = vendor_get(mrs, mrs.hosts_url(cluster["clusterId"])).json()
    assert (first["total"], len(first["hosts"])) == (14, 10)  # default pageSize 10
    second = vendor_get(mrs, mrs.hosts_url(cluster["clusterId"]), params={"currentPage": 2}).json()
    assert len(second["hosts"]) == 4
    assert len({host["id"] for host in first["hosts"] + second["hosts"]}) == 14
    assert [host["type"] for host in first["hosts"][:3]] == ["Master", "Master", "Core"]
    host = second["hosts"][-1]
    assert host["type"] == "Task" and host["node_group_name"] == "task_node_analysis_group"
    assert host["name"].startswith(cluster["clusterId"] + "_node_task_")
    for field in ("id", "name", "ip", "status", "flavor", "type", "mem", "cpu", "root_volume_size", "data_volume_type", "resource_id"):
        assert isinstance(host[field], str) and host[field], field
    assert isinstance(host["data_volume_size"], int) and isinstance(host["data_volume_count"], int)
    assert (host["status"], host["tags"]) == ("ACTIVE", [])
    masters = [item for item in first["hosts"] if item["type"] == "Master"]
    assert masters[0]["name"].startswith(cluster["clusterId"] + "_node_master1_")
    assert masters[0]["ip"] == cluster["masterNodeIp"]


@pytest.mark.parametrize("query", [{"pageSize": 0}, {"pageSize": "ten"}, {"currentPage": 0}])
def test_bad_paging_is_12000002(mrs, query):
    cluster = mrs.create_cluster(accept_delay=0, name="paging")
    for url in (mrs.hosts_url(cluster["clusterId"]), mrs.cluster_url()):
        response = vendor_get(mrs, url, params=query)
        assert (response.status_code, response.json()["error_code"]) == (400, "12000002")


def test_hosts_of_an_unknown_cluster_is_12000003(mrs):
    response = vendor_get(mrs, mrs.hosts_url("missing"))
    assert (response.status_code, response.json()["error_code"]) == (400, "12000003")
    response = vendor_get(mrs, mrs.cluster_url("missing"))
    assert (response.status_code, response.json()["error_code"]) == (400, "12000003")


def test_list_filters_and_pages(mrs):
    mrs.create_cluster(accept_delay=0, name="alpha")
    mrs.create_cluster(accept_delay=0, name="beta", state="abnormal")
    mrs.create_cluster(accept_delay=0, name="gamma", state="terminated")
    mrs.create_cluster(accept_delay=0, name="elsewhere", project_id="b" * 32)

    def names(**query):
        body = vendor_get(mrs, mrs.cluster_url(), params=query).json()
        assert isinstance(body["clusterTotal"], int)
        return body["clusterTotal"], [cluster["clusterName"] for cluster in body["clusters"]]

    assert names() == (3, ["gamma", "beta", "alpha"])  # newest first, this project only
    assert names(clusterName="beta") == (1, ["beta"])
    assert names(clusterName="bet") == (1, ["beta"])  # fuzzy, as the real list matches
    assert names(clusterName="ALPH") == (1, ["alpha"])
    assert names(clusterName="zeta") == (0, [])
    assert names(clusterState="abnormal") == (1, ["beta"])
    assert names(clusterState="existing") == (2, ["beta", "alpha"])
    assert names(clusterState="history") == (1, ["gamma"])
    assert names(pageSize=2, currentPage=1) == (3, ["gamma", "beta"])
    assert names(pageSize=2, currentPage=2) == (3, ["alpha"])
    assert names(pageSize=2, currentPage=3) == (3, [])


def test_list_shows_the_live_state_of_a_scaling_cluster(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="moving", scale_seconds=30)
    mrs.token_session().put(mrs.cluster_url(cluster["clusterId"]), json=scale_out(), timeout=10)
    body = vendor_get(mrs, mrs.cluster_url(), params={"clusterState": "scaling-out"}).json()
    assert [item["clusterId"] for item in body["clusters"]] == [cluster["clusterId"]]


def test_unknown_vendor_route_is_404_apigw_0101(mrs):
    for method, path in (("GET", "/v2/%s/clusters" % mrs.project_id), ("DELETE", "/v1.1/%s/cluster_infos/x" % mrs.project_id)):
        response = requests.request(method, mrs.url + path, timeout=10)
        assert response.status_code == 404
        assert response.json()["error_code"] == "APIGW.0101"
        assert response.headers["X-Request-Id"]


def test_every_response_has_a_request_id_and_the_right_content_length(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="keepalive")
    token = mrs.mint_token()
    parts = urlsplit(mrs.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    calls = [("GET", "/v1.1/%s/cluster_infos/%s" % (mrs.project_id, cluster["clusterId"]), None, 200),
             ("GET", "/v1.1/%s/cluster_infos/missing" % mrs.project_id, None, 400),
             ("PUT", "/v1.1/%s/cluster_infos/%s" % (mrs.project_id, cluster["clusterId"]), json.dumps(scale_out()), 200),
             ("GET", "/nowhere", None, 404),
             ("GET", "/_emulator/faults", None, 200)]
    seen = set()
    for method, path, body, status in calls:  # one keep-alive connection: wrong lengths would desynchronise it
        connection.request(method, path, body=body, headers={"X-Auth-Token": token, "Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read()
        assert response.status == status
        assert int(response.getheader("Content-Length")) == len(data)
        json.loads(data)
        seen.add(response.getheader("X-Request-Id"))
    connection.request("GET", "/v1.1/%s/cluster_infos" % mrs.project_id)
    unauthenticated = connection.getresponse()
    unauthenticated.read()
    assert unauthenticated.status == 401
    seen.add(unauthenticated.getheader("X-Request-Id"))
    connection.close()
    assert None not in seen and len(seen) == len(calls) + 1


def test_request_log_records_vendor_calls_without_secrets(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="logged")
    session = mrs.token_session()
    token = session.headers["X-Auth-Token"]
    mrs.clear_requests()
    session.get(mrs.cluster_url(), params={"pageSize": 5}, timeout=10)
    session.put(mrs.cluster_url(cluster["clusterId"]), json=scale_out("2"), timeout=10)
    session.put(mrs.cluster_url(cluster["clusterId"]), json=scale_out("2"), timeout=10)
    requests.post(mrs.url + "/v3/auth/tokens", json={"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": mrs.iam_user, "password": mrs.iam_password, "domain": {"name": mrs.iam_domain}}}},
        "scope": {"project": {"id": mrs.project_id}}}}, timeout=10)
    mrs.cluster(cluster["clusterId"])  # control calls are not logged
    log = mrs.requests_log()
    assert [(entry["method"], entry["path"], entry["status"], entry["error_code"]) for entry in log] == [
        ("GET", "/v1.1/%s/cluster_infos" % mrs.project_id, 200, None),
        ("PUT", "/v1.1/%s/cluster_infos/%s" % (mrs.project_id, cluster["clusterId"]), 200, None),
        ("PUT", "/v1.1/%s/cluster_infos/%s" % (mrs.project_id, cluster["clusterId"]), 400, "12000018"),
        ("POST", "/v3/auth/tokens", 201, None),
    ]
    assert log[0]["query"] == "pageSize=5"
    assert log[1]["body"] == scale_out("2") and log[1]["auth"] == "token"
    assert log[3]["body"]["auth"]["identity"]["password"]["user"]["password"] == "***"  # the password is not logged
    text = json.dumps(log)
    assert token not in text and mrs.iam_password not in text and "X-Auth-Token" not in text
    mrs.clear_requests()
    assert mrs.requests_log() == []


def test_reset_forgets_clusters_log_and_faults_but_keeps_tokens(mrs):
    session = mrs.token_session()
    cluster = mrs.create_cluster(accept_delay=0, name="gone")
    session.get(mrs.cluster_url(), timeout=10)
    mrs.add_fault(path="/nothing", status=500)
    mrs.reset()
    assert mrs.control("GET", "clusters")["clusters"] == []
    assert mrs.requests_log() == [] and mrs.faults() == []
    assert session.get(mrs.cluster_url(cluster["clusterId"]), timeout=10).json()["error_code"] == "12000003"


# ---------------------------------------------------------------------------------------------------------
# Faults.

def test_status_fault_answers_with_its_code_and_retry_after_then_stops(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="flaky")
    fault = mrs.add_fault(method="GET", path="/cluster_infos/", times=2, status=429, error_code="APIGW.0308", retry_after=3)
    assert fault["times"] == 2
    session = mrs.token_session()
    for left in (1, 0):
        response = session.get(mrs.cluster_url(cluster["clusterId"]), timeout=10)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3"
        assert response.json()["error_code"] == "APIGW.0308"
        assert response.headers["X-Request-Id"]
        assert [item["times"] for item in mrs.faults()] == ([left] if left else [])
    assert session.get(mrs.cluster_url(cluster["clusterId"]), timeout=10).status_code == 200
    log = mrs.requests_log()
    assert [(entry["status"], entry.get("fault")) for entry in log] == [(429, "status"), (429, "status"), (200, None)]


def test_status_fault_default_body_and_custom_message(mrs):
    mrs.add_fault(status=503)
    mrs.add_fault(status=500, error_code="MRS.201", error_msg="ECS is down")
    session = mrs.token_session()
    first = session.get(mrs.cluster_url(), timeout=10)
    assert (first.status_code, first.json()["error_code"]) == (503, "MRS.300")
    assert "Retry-After" not in first.headers
    second = session.get(mrs.cluster_url(), timeout=10)
    assert (second.status_code, second.json()) == (500, {"error_code": "MRS.201", "error_msg": "ECS is down"})


def test_fault_matches_method_and_path_only(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="targeted")
    mrs.add_fault(method="PUT", path=r"/cluster_infos/[^/]+$", status=500)
    session = mrs.token_session()
    assert session.get(mrs.cluster_url(cluster["clusterId"]), timeout=10).status_code == 200
    assert session.get(mrs.cluster_url(), timeout=10).status_code == 200
    assert len(mrs.faults()) == 1
    assert session.put(mrs.cluster_url(cluster["clusterId"]), json=scale_out(), timeout=10).status_code == 500
    assert mrs.cluster(cluster["clusterId"])["clusterState"] == "running"  # the fault answered instead of the service


def test_faults_do_not_touch_control_routes_and_can_be_cleared(mrs):
    mrs.add_fault(status=500, times=5)
    assert mrs.create_cluster(accept_delay=0, name="control-ok")["clusterName"] == "control-ok"
    mrs.clear_faults()
    assert mrs.faults() == []
    assert mrs.token_session().get(mrs.cluster_url(), timeout=10).status_code == 200


def test_delay_fault_waits_then_answers_normally(mrs):
    mrs.add_fault(path="cluster_infos", delay=0.4)
    session = mrs.token_session()
    started = time.monotonic()
    response = session.get(mrs.cluster_url(), timeout=10)
    assert time.monotonic() - started >= 0.4
    assert response.status_code == 200
    started = time.monotonic()
    session.get(mrs.cluster_url(), timeout=10)
    assert time.monotonic() - started < 0.4
    assert [entry.get("fault") for entry in mrs.requests_log()] == ["delay", None]


def test_delay_fault_makes_a_client_time_out(mrs):
    mrs.add_fault(delay=0.6)
    with pytest.raises(requests.exceptions.ReadTimeout):
        mrs.token_session().get(mrs.cluster_url(), timeout=0.2)
    deadline = time.monotonic() + 5
    while not mrs.requests_log() and time.monotonic() < deadline:  # let the delayed call finish before the next test
        time.sleep(0.05)
    assert mrs.requests_log()[0]["fault"] == "delay"


def test_delay_with_status(mrs):
    mrs.add_fault(delay=0.3, status=502)
    started = time.monotonic()
    response = mrs.token_session().get(mrs.cluster_url(), timeout=10)
    assert time.monotonic() - started >= 0.3 and response.status_code == 502
    assert mrs.requests_log()[-1]["fault"] == "status"


def test_reset_before_drops_the_connection_without_applying(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="dropped", scale_seconds=0)
    mrs.add_fault(method="PUT", reset="before")
    with pytest.raises(requests.exceptions.ConnectionError):
        mrs.token_session().put(mrs.cluster_url(cluster["clusterId"]), json=scale_out(), timeout=10)
    assert mrs.cluster(cluster["clusterId"])["coreNodeNum"] == "3"
    entry = mrs.requests_log()[-1]
    assert (entry["method"], entry["status"], entry["fault"]) == ("PUT", None, "reset-before")


def test_reset_after_applies_then_drops_the_connection(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="applied", scale_seconds=0)
    mrs.add_fault(method="PUT", reset="after")
    with pytest.raises(requests.exceptions.ConnectionError):
        mrs.token_session().put(mrs.cluster_url(cluster["clusterId"]), json=scale_out(), timeout=10)
    assert mrs.wait_until_idle(cluster["clusterId"])["coreNodeNum"] == "4"
    entry = mrs.requests_log()[-1]
    assert (entry["status"], entry["fault"], entry["body"]) == (200, "reset-after", scale_out())


@pytest.mark.parametrize("fields", [{}, {"status": 200}, {"status": 500, "reset": "before"}, {"reset": "sideways"},
                                    {"delay": -1}, {"path": "("}, {"status": 500, "times": 0}, {"status": 500, "when": "now"}])
def test_bad_fault_is_refused(mrs, fields):
    with pytest.raises(EmulatorError, match="HTTP 400"):
        mrs.add_fault(**fields)


# ---------------------------------------------------------------------------------------------------------
# IAM tokens.

def token_body(mrs, user=None, password=None, domain=None, project=None):
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user or mrs.iam_user, "password": password or mrs.iam_password, "domain": {"name": domain or mrs.iam_domain}}}},
        "scope": {"project": project or {"id": mrs.project_id}}}}


@pytest.mark.parametrize("scope", ["id", "name"])
def test_password_token_works_on_mrs_routes(mrs, scope):
    project = {"id": mrs.project_id} if scope == "id" else {"name": mrs.region}
    response = requests.post(mrs.url + "/v3/auth/tokens", json=token_body(mrs, project=project), timeout=10)
    assert response.status_code == 201
    token = response.headers["X-Subject-Token"]
    body = response.json()["token"]
    assert (body["project"]["id"], body["project"]["name"]) == (mrs.project_id, mrs.region)
    assert body["expires_at"].endswith("Z") and "password" in body["methods"]
    assert token not in response.text
    cluster = mrs.create_cluster(accept_delay=0, name="token")
    details = requests.get(mrs.cluster_url(cluster["clusterId"]), headers={"X-Auth-Token": token}, timeout=10)
    assert details.status_code == 200
    assert mrs.requests_log()[-1]["auth"] == "token"


@pytest.mark.parametrize("change", [{"user": "intruder"}, {"password": "guess"}, {"domain": "other-domain"},
                                    {"project": {"id": "f" * 32}}, {"project": {"name": "eu-west-0"}}])
def test_wrong_credentials_or_project_get_no_token(mrs, change):
    response = requests.post(mrs.url + "/v3/auth/tokens", json=token_body(mrs, **change), timeout=10)
    assert response.status_code == 401
    assert "X-Subject-Token" not in response.headers
    assert response.json()["error"]["code"] == 401


@pytest.mark.parametrize("body", ["not json", json.dumps({"auth": {}}), json.dumps({"auth": {"identity": {"methods": "password"}}})])
def test_malformed_token_request_is_400(mrs, body):
    response = requests.post(mrs.url + "/v3/auth/tokens", data=body, timeout=10)
    assert response.status_code == 400


def test_unknown_expired_and_foreign_tokens_are_401(mrs):
    cluster_url = mrs.cluster_url()
    unknown = requests.get(cluster_url, headers={"X-Auth-Token": "MIInot-a-token"}, timeout=10)
    assert (unknown.status_code, unknown.json()["error_code"]) == (401, "APIGW.0301")
    foreign = requests.get(cluster_url, headers={"X-Auth-Token": mrs.mint_token(project_id="c" * 32)}, timeout=10)
    assert foreign.status_code == 401
    token = mrs.mint_token()
    assert requests.get(cluster_url, headers={"X-Auth-Token": token}, timeout=10).status_code == 200
    mrs.expire_tokens()
    expired = requests.get(cluster_url, headers={"X-Auth-Token": token}, timeout=10)
    assert (expired.status_code, expired.json()["error_code"]) == (401, "APIGW.0307")
    short = mrs.mint_token(ttl=0.2)
    assert requests.get(cluster_url, headers={"X-Auth-Token": short}, timeout=10).status_code == 200
    time.sleep(0.25)
    assert requests.get(cluster_url, headers={"X-Auth-Token": short}, timeout=10).status_code == 401


def test_project_lookup_with_a_token(mrs):
    session = mrs.token_session()
    found = session.get(mrs.url + "/v3/projects", params={"name": mrs.region}, timeout=10).json()
    assert [(project["id"], project["name"]) for project in found["projects"]] == [(mrs.project_id, mrs.region)]
    assert "self" in found["links"]
    assert session.get(mrs.url + "/v3/projects", params={"name": "nowhere"}, timeout=10).json()["projects"] == []


def test_temporary_credentials_are_distinct_and_complete(mrs):
    first, second = mrs.temporary_credentials(), mrs.temporary_credentials()
    assert set(first) == {"access", "secret", "securitytoken", "expires_at"}
    assert first["access"] != second["access"] and first["access"] != mrs.access_key
    assert all(first[key] for key in first)
