"""The secrets audit: run the collection at -vvvv with distinctive secrets and find none of them anywhere.

The emulator accepts a distinctive secret key and IAM password; it issues the temporary AK/SK, security token and
IAM token. The playbook (secrets_audit.yml) authenticates every way the collection supports, scales, fails on
purpose (API errors that echo the secrets, a refused input, a wrong key), and runs the role. The test scans
every output a user could see: ansible-playbook's output at -vvvv, the registered results, the error messages,
the emulator's request log and its own --verbose log.
"""

import json
import re
import uuid

from harness import start_emulator
from reliability_support import counts, emulator_env, load_json, run_playbook

# Tokens the emulator issues look like this; none may show, including the one the module gets from the password.
TOKEN_PATTERN = re.compile(r"MII[A-Za-z0-9_-]{16,}")


def distinctive(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex)


def test_no_secret_shows_anywhere_at_vvvv(ansible_env, tmp_path, capfd):
    secret_key, password, wrong_secret_key = distinctive("SKAUDIT"), distinctive("PWAUDIT"), distinctive("WRONGSKAUDIT")
    control_marker = distinctive("CONTROL")
    with start_emulator("--verbose", scale_seconds=0, secret_key=secret_key, iam_password=password) as emulator:
        cluster_id = emulator.create_cluster(name="secrets", core=3)["clusterId"]
        echo_cluster_id = emulator.create_cluster(name="secrets-echo", core=3)["clusterId"]
        temporary = emulator.temporary_credentials()
        iam_token = emulator.mint_token()
        secrets = {"secret key": secret_key, "password": password, "wrong secret key": wrong_secret_key,
                   "temporary secret key": temporary["secret"], "security token": temporary["securitytoken"], "IAM token": iam_token}
        # MRS answers with error messages that repeat the secrets of the request
        echo_path = re.escape("/v1.1/%s/cluster_infos/%s" % (emulator.project_id, echo_cluster_id)) + "$"
        emulator.add_fault(method="GET", path=echo_path, status=400, error_code="MRS.103",
                           error_msg="bad request: secret %s, token %s" % (temporary["secret"], temporary["securitytoken"]))
        emulator.add_fault(method="GET", path=echo_path, status=400, error_code="MRS.103",
                           error_msg="bad request: token %s, password %s" % (iam_token, password))
        result_file = tmp_path / "results.json"
        # secrets go in a vars file, as in a vault: -vvvv prints the values of -e on the command line (Ansible's doing)
        secrets_file = tmp_path / "secrets.json"
        secrets_file.write_text(json.dumps(dict(temporary=temporary, iam_token=iam_token, iam_password=password,
                                                wrong_secret_key=wrong_secret_key)))
        secrets_file.chmod(0o600)

        run = run_playbook(emulator_env(ansible_env, emulator, HW_SECRET_KEY=secret_key), "secrets_audit", "-vvvv",
                           "-e", "@%s" % secrets_file, cluster_id=cluster_id, echo_cluster_id=echo_cluster_id,
                           iam_user=emulator.iam_user, iam_domain=emulator.iam_domain, control_marker=control_marker,
                           result_file=str(result_file))

        log = emulator.requests_log()
        final = counts(emulator, cluster_id)
    emulator_output = capfd.readouterr()

    # the run did what it was meant to do, so the audit saw every path
    assert run.rc == 0, run
    results = load_json(result_file)
    assert final == (8, 0) and results["role"]["after"] == {"core": 8, "task": 0}
    for name in ("aksk", "temporary", "token", "password"):
        assert results[name]["changed"] is True and not results[name].get("failed"), (name, results[name])
    for name, echoed in (("echo_temporary", "bad request: secret ********, token ********"),
                         ("echo_token", "bad request: token ********, password ********")):
        assert results[name]["failed"] is True and echoed in results[name]["msg"], results[name]["msg"]
    assert "count" in results["refused"]["msg"] and "APIGW.0301" in results["wrong"]["msg"]
    assert sorted(set(entry["auth"] for entry in log if entry["auth"])) == ["signature", "token"]
    assert any(entry["path"] == "/v3/auth/tokens" and entry["status"] == 201 for entry in log)
    # the scan reads real material: -vvvv output (the control value and the module arguments show), the log, stderr
    assert control_marker in run.output and emulator.access_key in run.output and "AnsiballZ_mrs_cluster_nodes" in run.output
    assert "/v3/auth/tokens" in emulator_output.err

    places = {"ansible-playbook output": run.output, "registered results": result_file.read_text(),
              "emulator request log": json.dumps(log), "emulator output": emulator_output.out + emulator_output.err}
    leaks = ["%s in the %s" % (name, place) for place, text in places.items() for name, value in secrets.items()
             if value in text or value[:16] in text]
    leaks += ["an IAM token (%s...) in the %s" % (match[:8], place) for place, text in places.items() for match in TOKEN_PATTERN.findall(text)]
    assert not leaks, leaks


def pieces(secret, size=8):
    return set(secret[index:index + size] for index in range(len(secret) - size + 1))


def test_a_secret_echoed_past_the_cut_of_a_plain_text_error_shows_no_piece_of_it(mrs, playbook, ansible_env, tmp_path):
    """#20 class 11: an IAM 401 in plain text echoed the password 270 characters in; it was cut at 300 characters before
    it was masked, so 30 of the password's 38 characters reached the task result, -vvvv and ANSIBLE_LOG_PATH."""
    from gateway import Gateway
    from test_inventory import run_inventory

    password = "PWAUDIT-" + uuid.uuid4().hex[:30]
    assert len(password) == 38
    cluster_id = mrs.create_cluster(name="echo", core=3)["clusterId"]
    body = "x" * 270 + password + " is not the password of user alice; " + "y" * 100
    log_file, result_file = tmp_path / "ansible.log", tmp_path / "results.json"
    with Gateway(mrs.url) as gateway:
        gateway.add("POST", r"/v3/auth/tokens$", "junk", status=401, body=body, content_type="text/plain", times=None)
        env = dict(HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url, HW_ACCESS_KEY="", HW_SECRET_KEY="", HW_USER_NAME="alice",
                   HW_PASSWORD=password, HW_DOMAIN_NAME=mrs.iam_domain, HW_MAX_RETRIES="0", ANSIBLE_LOG_PATH=str(log_file))
        run = playbook("info_calls", "-vvvv", env=env, calls=[dict(cluster_id=cluster_id)], result_file=str(result_file))
        inventory = run_inventory(ansible_env, tmp_path, {}, "--list", "-vvvv", env=env)
        echoed = gateway.entries("junk")
    assert run.rc == 0, run
    (result,) = json.loads(result_file.read_text())
    assert result["failed"] is True and "HTTP 401" in result["msg"] and "x" * 200 + "********" in result["msg"], result["msg"]
    assert inventory.returncode != 0 and "HTTP 401" in inventory.stdout + inventory.stderr
    assert len(echoed) >= 2  # the module's and the inventory's token requests both met the echo
    places = {"ansible-playbook output": run.output, "task result": result_file.read_text(), "ANSIBLE_LOG_PATH": log_file.read_text(),
              "ansible-inventory output": inventory.stdout + inventory.stderr}
    leaks = ["%r in the %s" % (piece, place) for place, text in places.items() for piece in sorted(pieces(password)) if piece in text]
    assert not leaks, leaks
