"""Every way a Huawei Cloud user authenticates, through a real playbook against the emulator."""

import pytest

NO_AKSK = {"HW_ACCESS_KEY": "", "HW_SECRET_KEY": ""}


def iam_calls(mrs):
    return [(entry["method"], entry["path"]) for entry in mrs.requests_log() if entry["path"].startswith("/v3/")]


def test_aksk_with_project_id_makes_no_iam_call(mrs, playbook):
    cluster_id = mrs.create_cluster(name="auth", core=3)["clusterId"]
    run = playbook("auth_check", cluster_id=cluster_id)
    assert run.rc == 0, run
    assert iam_calls(mrs) == []
    assert {entry["auth"] for entry in mrs.requests_log()} == {"signature"}


def test_aksk_without_project_id_looks_it_up_once_from_the_region(mrs, playbook):
    cluster_id = mrs.create_cluster(name="auth", core=3)["clusterId"]
    run = playbook("auth_check", cluster_id=cluster_id, env={"HW_PROJECT_ID": ""})
    assert run.rc == 0, run
    assert iam_calls(mrs) == [("GET", "/v3/projects")]


def test_temporary_credentials_with_security_token(mrs, playbook):
    cluster_id = mrs.create_cluster(name="auth", core=3)["clusterId"]
    temporary = mrs.temporary_credentials()
    env = {"HW_ACCESS_KEY": temporary["access"], "HW_SECRET_KEY": temporary["secret"], "HW_SECURITY_TOKEN": temporary["securitytoken"]}
    run = playbook("auth_check", cluster_id=cluster_id, env=env)
    assert run.rc == 0, run


def test_temporary_credentials_without_their_token_are_refused(mrs, playbook):
    cluster_id = mrs.create_cluster(name="auth", core=3)["clusterId"]
    temporary = mrs.temporary_credentials()
    run = playbook("auth_check", cluster_id=cluster_id, env={"HW_ACCESS_KEY": temporary["access"], "HW_SECRET_KEY": temporary["secret"]})
    assert run.rc == 2 and "APIGW.0301" in run.output, run


def test_preissued_token(mrs, playbook):
    cluster_id = mrs.create_cluster(name="auth", core=3)["clusterId"]
    env = dict(NO_AKSK, HW_AUTH_TOKEN=mrs.mint_token())
    run = playbook("auth_check", cluster_id=cluster_id, env=env)
    assert run.rc == 0, run
    assert {entry["auth"] for entry in mrs.requests_log()} == {"token"}


def test_iam_password_learns_the_project_from_the_token(mrs, playbook):
    cluster_id = mrs.create_cluster(name="auth", core=3)["clusterId"]
    env = dict(NO_AKSK, HW_PROJECT_ID="", HW_USER_NAME=mrs.iam_user, HW_PASSWORD=mrs.iam_password, HW_DOMAIN_NAME=mrs.iam_domain)
    run = playbook("auth_check", cluster_id=cluster_id, env=env)
    assert run.rc == 0, run
    assert iam_calls(mrs) == [("POST", "/v3/auth/tokens")]


@pytest.mark.parametrize("env, expect", [
    ({"HW_SECRET_KEY": "not-the-secret-key"}, "APIGW.0301"),
    (dict(NO_AKSK, HW_USER_NAME="mrs-demo", HW_PASSWORD="wrong-password", HW_DOMAIN_NAME="mrs-demo-domain"), "HTTP 401"),
    (NO_AKSK, "no credentials"),
])
def test_bad_credentials_fail_clearly(mrs, playbook, env, expect):
    cluster_id = mrs.create_cluster(name="auth", core=3)["clusterId"]
    run = playbook("auth_check", cluster_id=cluster_id, env=env)
    assert run.rc == 2 and expect in run.output, run
