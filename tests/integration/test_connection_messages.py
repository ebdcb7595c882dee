"""Messages that point at the cause (issue #22), through real playbooks: a connection failure names the service, its host
and port and the option to check; a refused connection to this machine fails at once; a region IAM knows no project
of is called probably wrong, with the closest known regions."""

import socket

import pytest


@pytest.fixture(name="dead_port")
def dead_port_fixture():
    """A port of 127.0.0.1 nothing listens on while the test runs (bound, never listening: connections are refused)."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


def test_an_mrs_endpoint_where_nothing_listens_fails_at_once_naming_it(mrs, playbook, dead_port):
    run = playbook("auth_check", cluster_id="c-1", env={"HW_MRS_ENDPOINT": "http://127.0.0.1:%d" % dead_port, "HW_MAX_RETRIES": "4"})
    assert run.rc == 2, run
    assert "to MRS at 127.0.0.1:%d failed: connection refused: nothing listens on port %d of this machine" % (dead_port, dead_port) \
        in run.output, run
    assert "so it was not retried" in run.output and "check endpoint, proxy and network" in run.output
    assert mrs.requests_log() == []


def test_an_iam_endpoint_where_nothing_listens_fails_at_once_naming_iam(mrs, playbook, dead_port):
    cluster_id = mrs.create_cluster(name="auth", core=3)["clusterId"]
    run = playbook("auth_check", cluster_id=cluster_id, env={"HW_AUTH_URL": "http://127.0.0.1:%d/v3" % dead_port, "HW_PROJECT_ID": ""})
    assert run.rc == 2, run
    assert "GET /v3/projects to IAM at 127.0.0.1:%d failed: connection refused" % dead_port in run.output, run
    assert "check iam_endpoint" in run.output


@pytest.mark.parametrize("region, closest", [("cn-nort-4", "cn-north-4"), ("eu-west-1", "eu-west-0")])
def test_a_region_iam_knows_no_project_of_is_called_probably_wrong_with_the_closest_regions(mrs, playbook, region, closest):
    cluster_id = mrs.create_cluster(name="auth", core=3)["clusterId"]
    run = playbook("auth_check", cluster_id=cluster_id, env={"HW_REGION_NAME": region, "HW_PROJECT_ID": ""})
    assert run.rc == 2, run
    assert "found 0 projects named '%s' in IAM" % region in run.output, run
    assert "the region is probably wrong: %s is not a known Huawei Cloud region; the closest known: " % region in run.output
    assert closest in run.output.split("the closest known: ")[1].split(";")[0]
    assert [(entry["method"], entry["path"]) for entry in mrs.requests_log()] == [("GET", "/v3/projects")]
