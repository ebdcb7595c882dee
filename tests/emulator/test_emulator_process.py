"""The emulator as a program: command line, lifecycle, quiet output, --state persistence and TLS.

Clusters here are created with accept_delay=0: these tests watch the state machine and the rules, not the
delay before an accepted scale shows (that default has its own test in test_emulator_fidelity.py).
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
import requests

from harness import DEFAULTS, EMULATOR, read_first_line, start_emulator, stop_process

SCALE_OUT = {"parameters": {"scale_type": "scale_out", "node_id": "node_orderadd", "instances": "2"}}


def launch(*args):
    return subprocess.Popen([sys.executable, EMULATOR, "--port", "0"] + list(args),  # pylint: disable=consider-using-with
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_help_documents_every_default():
    result = subprocess.run([sys.executable, EMULATOR, "--help"], capture_output=True, text=True, timeout=30, check=True)
    text = " ".join(result.stdout.split())
    for value in list(DEFAULTS.values()) + ["(default: 3.0)", "(default: 86400)", "(default: 127.0.0.1)", "(default: 0)"]:
        assert value in text, value
    for route in ("/_emulator/clusters", "/_emulator/faults", "/_emulator/tokens", "/_emulator/credentials/temporary",
                  "fail_next_scale", "/v3/auth/tokens", "cluster_infos"):
        assert route in text, route


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_first_line_is_the_url_and_a_signal_stops_it_with_exit_0(stop_signal):
    process = launch("--scale-seconds", "0")
    try:
        line = read_first_line(process, 15)
        assert re.fullmatch(r"MRS emulator listening on http://127\.0\.0\.1:\d+", line)
        url = line.rsplit(" ", 1)[1]
        assert requests.get(url + "/_emulator/faults", timeout=5).json() == {"faults": []}
        process.send_signal(stop_signal)
        assert process.wait(10) == 0
    finally:
        stop_process(process)
        process.stdout.close()
        process.stderr.close()


def test_it_runs_wherever_it_is_copied_on_the_standard_library_alone(tmp_path):
    """The spec's promise: `python3 <its folder>/mrs_emulator.py` starts it, with no package besides the standard
    library (-I -S: no site-packages, no PYTHONPATH, no user site) and from any working folder."""
    folder = tmp_path / "anywhere"
    shutil.copytree(os.path.dirname(EMULATOR), str(folder), ignore=shutil.ignore_patterns("__pycache__", "harness.py"))
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    process = subprocess.Popen([sys.executable, "-I", "-S", str(folder / "mrs_emulator.py"), "--port", "0"],  # pylint: disable=consider-using-with
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(elsewhere))
    try:
        line = read_first_line(process, 15)
        assert re.fullmatch(r"MRS emulator listening on http://127\.0\.0\.1:\d+", line), "exit code %s, first line %r" % (process.poll(), line)
        url = line.rsplit(" ", 1)[1]
        created = requests.post(url + "/_emulator/clusters", json={"name": "copied"}, timeout=5)
        assert created.status_code == 201 and created.json()["cluster"]["clusterName"] == "copied"
    finally:
        assert stop_process(process) == 0
        process.stdout.close()
        process.stderr.close()


def test_it_stays_quiet_and_never_prints_secrets():
    process = launch("--scale-seconds", "0")
    try:
        url = read_first_line(process, 15).rsplit(" ", 1)[1]
        token = requests.post(url + "/_emulator/tokens", timeout=5).json()["token"]
        requests.post(url + "/_emulator/clusters", json={"name": "quiet", "id": "q"}, timeout=5)
        requests.put(url + "/v1.1/%s/cluster_infos/q" % DEFAULTS["project_id"], json=SCALE_OUT, headers={"X-Auth-Token": token}, timeout=5)
        requests.get(url + "/v1.1/%s/cluster_infos" % DEFAULTS["project_id"],
                     headers={"Authorization": "SDK-HMAC-SHA256 Access=x, SignedHeaders=host, Signature=00"}, timeout=5)
        requests.get(url + "/nowhere", timeout=5)
        requests.post(url + "/_emulator/faults", json={"reset": "before"}, timeout=5)
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(url + "/v1.1/x/cluster_infos", timeout=5)
    finally:
        assert stop_process(process) == 0
    stdout, stderr = process.stdout.read(), process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    assert (stdout, stderr) == (b"", b"")
    assert token.encode() not in stdout + stderr


def test_verbose_logs_requests_to_stderr():
    process = launch("--verbose")
    try:
        url = read_first_line(process, 15).rsplit(" ", 1)[1]
        requests.get(url + "/_emulator/faults", timeout=5)
    finally:
        stop_process(process)
    stderr = process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    assert b"GET /_emulator/faults" in stderr


@pytest.mark.parametrize("args", [["--tls-cert", "cert.pem"], ["--scale-seconds", "-1"], ["--port", "http"]])
def test_bad_arguments_exit_2(args):
    result = subprocess.run([sys.executable, EMULATOR] + args, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr


def test_an_unreadable_state_file_stops_it_with_a_message(tmp_path):
    state = tmp_path / "state.json"
    state.write_text("{not json")
    result = subprocess.run([sys.executable, EMULATOR, "--port", "0", "--state", str(state)], capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 2
    assert result.stdout == "" and str(state) in result.stderr


def test_command_line_credentials_region_and_project():
    settings = {"access_key": "OTHERAK", "secret_key": "other-sk", "project_id": "1" * 32, "region": "ap-southeast-1",
                "iam_user": "alice", "iam_password": "alice-pw", "iam_domain": "alice-domain"}
    with start_emulator("--token-ttl", "60", scale_seconds=0.5, **settings) as emu:
        assert (emu.access_key, emu.project_id, emu.region, emu.iam_user) == ("OTHERAK", "1" * 32, "ap-southeast-1", "alice")
        response = requests.post(emu.url + "/v3/auth/tokens", timeout=5, json={"auth": {
            "identity": {"methods": ["password"], "password": {"user": {"name": "alice", "password": "alice-pw",
                                                                        "domain": {"name": "alice-domain"}}}},
            "scope": {"project": {"name": "ap-southeast-1"}}}})
        assert response.status_code == 201
        token = response.json()["token"]
        assert token["project"]["id"] == "1" * 32
        lifetime = time.mktime(time.strptime(token["expires_at"][:19], "%Y-%m-%dT%H:%M:%S")) - time.mktime(
            time.strptime(token["issued_at"][:19], "%Y-%m-%dT%H:%M:%S"))
        assert 59 <= lifetime <= 61
        cluster = emu.create_cluster(accept_delay=0, name="custom")
        assert cluster["dataCenter"] == "ap-southeast-1"
        assert emu.cluster_control(cluster["clusterId"])["emulator"]["scale_seconds"] == 0.5
        session = emu.token_session(response.headers["X-Subject-Token"])
        assert session.get(emu.cluster_url(cluster["clusterId"]), timeout=5).status_code == 200


def test_state_survives_a_clean_restart(tmp_path):
    state = tmp_path / "state.json"
    with start_emulator(scale_seconds=0, state=state) as emu:
        cluster = emu.create_cluster(accept_delay=0, name="durable", task=1)
        emu.token_session().put(emu.cluster_url(cluster["clusterId"]), json=SCALE_OUT, timeout=5)
        before = emu.wait_until_idle(cluster["clusterId"])
        hosts = emu.hosts(cluster["clusterId"])
        emu.patch_cluster(cluster["clusterId"], fail_next_scale="abnormal")
    saved = json.loads(state.read_text())
    assert [record["id"] for record in saved["clusters"]] == [cluster["clusterId"]]
    assert sorted(os.listdir(tmp_path)) == ["state.json"]  # no temp files left behind
    with start_emulator(scale_seconds=0, state=state) as emu:
        assert emu.cluster(cluster["clusterId"]) == before
        assert emu.hosts(cluster["clusterId"]) == hosts
        assert emu.cluster_control(cluster["clusterId"])["emulator"]["fail_next_scale"] == "abnormal"
        emu.reset()
    assert json.loads(state.read_text())["clusters"] == []


def test_sigkill_mid_scale_leaves_a_readable_file_and_the_restart_finishes_the_scale(tmp_path):
    state = tmp_path / "state.json"
    with start_emulator(scale_seconds=1.5, state=state) as emu:
        cluster = emu.create_cluster(accept_delay=0, name="crash")
        assert emu.token_session().put(emu.cluster_url(cluster["clusterId"]), json=SCALE_OUT, timeout=5).status_code == 200
        emu.process.kill()
        emu.process.wait(5)
    saved = json.loads(state.read_text())
    operation = saved["clusters"][0]["operation"]
    assert operation["kind"] == "scaling-out" and operation["deadline"] > time.time()
    with start_emulator(scale_seconds=0, state=state) as emu:
        session = emu.token_session()
        view = session.get(emu.cluster_url(cluster["clusterId"]), timeout=5).json()["cluster"]
        if time.time() < operation["deadline"]:  # the restart came back within the scale window (it normally does)
            assert (view["clusterState"], view["coreNodeNum"]) == ("scaling-out", "3")
        done = emu.wait_until_idle(cluster["clusterId"], timeout=5)
        assert (done["clusterState"], done["coreNodeNum"], done["totalNodeNum"]) == ("running", "5", "7")
    assert json.loads(state.read_text())["clusters"][0]["operation"] is None


def test_a_scale_whose_deadline_passed_while_stopped_is_done_on_restart(tmp_path):
    state = tmp_path / "state.json"
    with start_emulator(scale_seconds=0.3, state=state) as emu:
        cluster = emu.create_cluster(accept_delay=0, name="later")
        emu.token_session().put(emu.cluster_url(cluster["clusterId"]), json=SCALE_OUT, timeout=5)
    time.sleep(0.4)
    with start_emulator(state=state) as emu:
        assert emu.cluster(cluster["clusterId"])["coreNodeNum"] == "5"


def test_tls_serves_https_with_the_given_certificate(tmp_path):
    trustme = pytest.importorskip("trustme")
    authority = trustme.CA()
    server_cert = authority.issue_cert("127.0.0.1")
    cert, key, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    server_cert.private_key_and_cert_chain_pem.write_to_path(str(cert))
    server_cert.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca_file))
    with start_emulator(scale_seconds=0, tls=(cert, key, ca_file)) as emu:
        assert re.fullmatch(r"https://127\.0\.0\.1:\d+", emu.url)
        cluster = emu.create_cluster(accept_delay=0, name="tls")
        response = emu.token_session().get(emu.cluster_url(cluster["clusterId"]), timeout=5)
        assert response.status_code == 200 and response.headers["X-Request-Id"]
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(emu.url + "/_emulator/faults", timeout=5)  # the system CAs do not trust it
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(emu.url.replace("https://", "http://") + "/_emulator/faults", timeout=5)
        assert emu.control("GET", "faults") == {"faults": []}  # bad clients did not break the server
