"""Shared by the adversarial layer (test_adversarial.py, test_issue11_examples.py): run mrs_cluster_nodes cases behind
the misbehaving gateway (gateway.py) and read what happened, from the saved results and the emulator's log.

A case is one inventory host of adversarial_nodes.yml: {"cluster_id" or "cluster_name", "node_group", "count",
"server_ids", "wait", "wait_timeout", "connection": {module_defaults overrides}}. Secret option values go in
`secrets` ({case name: {option: value}}), written to a vars file passed with -e @file, as a vault would give them:
ansible-playbook itself prints the values of -e on the command line at -vvvv, and that is not the collection's doing.
"""

import json
import os
import re

from reliability_support import emulator_env, load_json, run_playbook

# Tokens the emulator issues look like this (test_secrets.py uses the same pattern).
TOKEN_PATTERN = re.compile(r"MII[A-Za-z0-9_-]{16,}")
# How long ansible-playbook may take around one task beyond wait_timeout + read_timeout: the module's start-up
# (AnsiballZ), one connect, one poll interval of slack. The tests run on 2 busy cores.
MARGIN = 4.0


def gateway_env(ansible_env, emulator, gateway, credentials=True, **extra):
    """The environment of a run whose MRS and IAM endpoints are the gateway in front of `emulator`."""
    return emulator_env(ansible_env, emulator, credentials=credentials,
                        **dict(dict(HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url), **extra))


def password_env(ansible_env, emulator, gateway):
    """IAM user and password instead of AK/SK: the module gets its own token from the emulator's IAM, through the gateway."""
    return gateway_env(ansible_env, emulator, gateway, credentials=False, HW_USER_NAME=emulator.iam_user,
                       HW_PASSWORD=emulator.iam_password, HW_DOMAIN_NAME=emulator.iam_domain)


class Outcome:
    """One case: its saved task result and how long the task took (seconds, wall clock)."""

    def __init__(self, name, result, duration):
        self.name = name
        self.result = result
        self.duration = duration

    @property
    def failed(self):
        return bool(self.result.get("failed"))

    @property
    def changed(self):
        return self.result.get("changed")

    @property
    def msg(self):
        return str(self.result.get("msg", ""))

    def __repr__(self):
        return "Outcome(%s, %.1f s, %s)" % (self.name, self.duration, json.dumps(self.result, sort_keys=True, default=str)[:3000])


def run_cases(env, tmp_path, cases, *ansible_args, connection=None, secrets=None, forks=None):
    """Run adversarial_nodes.yml with one host per case; return (run, {name: Outcome})."""
    result_dir = tmp_path / "adversarial-results"
    if result_dir.exists():
        for stale in result_dir.iterdir():
            stale.unlink()
    result_dir.mkdir(exist_ok=True)
    args = ["-i", ",".join(cases) + ",", "-f", str(forks or len(cases))]
    if secrets:
        secrets_file = tmp_path / "adversarial-secrets.json"
        secrets_file.write_text(json.dumps({"case_secrets": secrets}))
        os.chmod(str(secrets_file), 0o600)
        args += ["-e", "@%s" % secrets_file]
    run = run_playbook(env, "adversarial_nodes", *(args + list(ansible_args)), cases=cases,
                       mrs_connection=connection or {}, result_dir=str(result_dir))
    outcomes = {}
    for name in cases:
        if (result_dir / (name + ".json")).exists():
            saved = load_json(result_dir / (name + ".json"))
            outcomes[name] = Outcome(name, saved["result"], float(saved["ended"]) - float(saved["started"]))
    return run, outcomes


def vendor_log(emulator, cluster_id=None):
    """The emulator's request log (what reached MRS), optionally only the entries on one cluster's paths."""
    return [entry for entry in emulator.requests_log() if cluster_id is None or cluster_id in entry["path"]]


def resizes(log, cluster_id):
    """(all PUTs, the accepted ones) to the cluster's resize route, from the emulator's log."""
    puts = [entry for entry in log if entry["method"] == "PUT" and entry["path"].endswith("/cluster_infos/" + cluster_id)]
    return puts, [entry for entry in puts if entry["status"] == 200]


def writes(log, cluster_id):
    """(every node-count write to the cluster, the accepted ones): v1.1 resizes (PUT cluster_infos/ID) and v2 expands and
    shrinks (POST clusters/ID/expand, clusters/ID/shrink), in the order the emulator received them."""
    v2 = re.compile(r"/clusters/%s/(expand|shrink)$" % re.escape(cluster_id))
    sent = [entry for entry in log
            if (entry["method"] == "PUT" and entry["path"].endswith("/cluster_infos/" + cluster_id))
            or (entry["method"] == "POST" and v2.search(entry["path"]))]
    return sent, [entry for entry in sent if entry["status"] == 200]


def leaks(texts, secrets):
    """Where a secret value (or its first 16 characters) or an emulator-issued token shows, as readable strings."""
    found = []
    for place, text in texts.items():
        for name, value in secrets.items():
            value = (value or "").strip()
            if value and (value in text or (len(value) >= 16 and value[:16] in text)):
                found.append("%s in %s" % (name, place))
        for match in TOKEN_PATTERN.findall(text):
            found.append("an IAM token (%s...) in %s" % (match[:8], place))
    return found


def tracebacks(text):
    """Whether ansible-playbook's output shows a traceback (older ansible-core: "MODULE FAILURE" for a module that crashed)."""
    return "Traceback (most recent call last)" in text or "MODULE FAILURE" in text


def crashed(result):
    """Whether a task result is that of a module that crashed instead of failing with its own message: ansible-core 2.19
    and later put "Task failed: Module failed: <the exception>" in msg then (fail_json keeps the module's msg)."""
    return tracebacks(json.dumps(result)) or "Module failed:" in str(result.get("msg", "")) or "module_stderr" in result
