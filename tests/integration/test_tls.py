"""TLS: the emulator over HTTPS with a certificate from a private CA, in one playbook run (tls_matrix.yml).

Refused by default (here SSL_CERT_FILE naming the usual public bundle), refused with another CA and with a
host name the certificate does not name; accepted with ca_bundle, HW_CACERT_FILE, SSL_CERT_FILE or
REQUESTS_CA_BUNDLE naming the CA (ca_bundle winning over REQUESTS_CA_BUNDLE); accepted with validate_certs:
false only with a warning. A refused run never reaches the emulator's HTTP layer.
"""

import re

import certifi
import pytest

from harness import start_emulator
from reliability_support import counts, emulator_env, load_json, run_playbook

WARNING = "validate_certs is false: TLS certificates of the MRS and IAM endpoints are not verified"


def test_tls_is_verified_unless_told_otherwise_and_then_with_a_warning(ansible_env, tmp_path):
    trustme = pytest.importorskip("trustme")
    authority, stranger = trustme.CA(), trustme.CA()
    server_cert = authority.issue_cert("127.0.0.1")  # the IP address only: "localhost" does not match
    cert, key, ca_file, other_ca = (tmp_path / name for name in ("cert.pem", "key.pem", "ca.pem", "other-ca.pem"))
    server_cert.private_key_and_cert_chain_pem.write_to_path(str(cert))
    server_cert.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca_file))
    stranger.cert_pem.write_to_path(str(other_ca))
    with start_emulator(scale_seconds=0, tls=(cert, key, ca_file)) as emulator:
        assert emulator.url.startswith("https://127.0.0.1:")
        by_name = emulator.url.replace("127.0.0.1", "localhost")
        rows = [
            # (name, connection settings, environment of the task, accepted?, fragments of the failure message)
            ("default-refused", {}, {}, False, ["TLS verification of %s failed" % emulator.url, "give ca_bundle"]),
            ("other-ca-refused", dict(ca_bundle=str(other_ca)), {}, False, ["TLS verification of %s failed" % emulator.url]),
            ("host-name-mismatch-refused", dict(ca_bundle=str(ca_file), endpoint=by_name), {}, False,
             ["TLS verification of %s failed" % by_name]),
            ("ca-bundle-accepted", dict(ca_bundle=str(ca_file)), {}, True, []),
            ("ca-bundle-from-environment-accepted", {}, dict(HW_CACERT_FILE=str(ca_file)), True, []),
            ("requests-ca-bundle-from-environment-accepted", {}, dict(REQUESTS_CA_BUNDLE=str(ca_file)), True, []),
            ("ca-bundle-wins-over-requests-ca-bundle", dict(ca_bundle=str(ca_file)), dict(REQUESTS_CA_BUNDLE=str(other_ca)), True, []),
            ("system-store-from-ssl-cert-file-accepted", {}, dict(SSL_CERT_FILE=str(ca_file)), True, []),
            ("validate-certs-false-accepted-with-a-warning", dict(validate_certs=False), {}, True, []),
        ]
        cases = [dict(name=name, cluster_id=emulator.create_cluster(name=name)["clusterId"], connection=connection,
                      environment=environment) for name, connection, environment, _accepted, _fragments in rows]
        connection = dict(endpoint=emulator.url, iam_endpoint=emulator.url, region=emulator.region, project_id=emulator.project_id,
                          retries=0)
        # SSL_CERT_FILE names the usual public bundle: it must neither trust the private CA nor override validate_certs: false
        env = emulator_env(ansible_env, emulator, SSL_CERT_FILE=certifi.where())
        del env["HW_MRS_ENDPOINT"], env["HW_AUTH_URL"]

        run = run_playbook(env, "tls_matrix", cases=cases, mrs_connection=connection, result_file=str(tmp_path / "results.json"))

        assert run.rc == 0, run
        results = load_json(tmp_path / "results.json")
        log = emulator.requests_log()
        for case, (name, _connection, _environment, accepted, fragments) in zip(cases, rows):
            result = results[name]
            mine = [entry for entry in log if case["cluster_id"] in entry["path"]]
            if accepted:
                assert not result.get("failed") and result["changed"] is True, (name, result.get("msg"))
                assert counts(emulator, case["cluster_id"]) == (4, 0), name
                assert [entry["status"] for entry in mine if entry["method"] == "PUT"] == [200], name
            else:
                assert result.get("failed") is True and all(fragment in result["msg"] for fragment in fragments), (name, result)
                assert mine == [] and counts(emulator, case["cluster_id"]) == (3, 0), name
    # one warning (only one case has validate_certs: false), in the output a user reads
    assert len(re.findall(r"\[WARNING\]: %s" % re.escape(WARNING), run.output)) == 1, run
