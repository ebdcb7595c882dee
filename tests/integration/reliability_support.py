"""Shared by the reliability tests (test_faults, test_bad_input, test_secrets, test_tls, test_concurrency,
test_emulator_restart): run ansible-playbook processes, point them at any emulator, read the emulator's log. The counts
a cluster ends with (``counts``, ``group_counts``) and ansible-inventory's output without its wrappers (``plain``) are
read here for every integration test.

Every test checks what an operator would: the counts the emulator ends with, the resize requests it accepted,
and the messages of the runs. See docs/reliability.md for the matrix.
"""

import json
import os
import subprocess
import sys
import time

PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks")
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
# The connection variables of the session emulator that a test pointed at another emulator must replace or drop.
CONNECTION_VARIABLES = ("HW_MRS_ENDPOINT", "HW_AUTH_URL", "HW_REGION_NAME", "HW_PROJECT_ID", "HW_ACCESS_KEY", "HW_SECRET_KEY",
                        "HW_SECURITY_TOKEN", "HW_AUTH_TOKEN", "HW_USER_NAME", "HW_PASSWORD", "HW_DOMAIN_NAME", "HW_CACERT_FILE",
                        "HW_MAX_RETRIES")


class Run:
    """The outcome of one ansible-playbook process."""

    def __init__(self, returncode, stdout, stderr):
        self.rc = returncode
        self.output = stdout + stderr

    def __repr__(self):
        return "Run(rc=%d)\n%s" % (self.rc, self.output[-20000:])


def emulator_env(ansible_env, emulator, credentials=True, **extra):
    """ansible_env pointed at `emulator`: endpoints, region and project; its AK/SK unless credentials is false."""
    env = dict((name, value) for name, value in ansible_env.items() if name not in CONNECTION_VARIABLES)
    env.update(HW_MRS_ENDPOINT=emulator.url, HW_AUTH_URL=emulator.url, HW_REGION_NAME=emulator.region,
               HW_PROJECT_ID=emulator.project_id)
    if credentials:
        env.update(HW_ACCESS_KEY=emulator.access_key, HW_SECRET_KEY=emulator.secret_key)
    env.update(extra)
    return env


def playbook_command(name, *ansible_args, **extra_vars):
    return [ANSIBLE_PLAYBOOK, "-c", "local", os.path.join(PLAYBOOKS, name + ".yml"), "-e", json.dumps(extra_vars)] + list(ansible_args)


def start_playbook(env, name, *ansible_args, **extra_vars):
    """Start tests/integration/playbooks/<name>.yml; the inventory comes with ansible_args (-i ...)."""
    return subprocess.Popen(playbook_command(name, *ansible_args, **extra_vars), env=env,  # pylint: disable=consider-using-with
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process, timeout=300):
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    return Run(process.returncode, stdout, stderr)


def run_playbook(env, name, *ansible_args, **extra_vars):
    """Run a playbook on localhost unless ansible_args give another inventory."""
    if "-i" not in ansible_args:
        ansible_args = ("-i", "localhost,") + ansible_args
    return finish(start_playbook(env, name, *ansible_args, **extra_vars))


def cluster_path(emulator, cluster_id):
    return "/v1.1/%s/cluster_infos/%s" % (emulator.project_id, cluster_id)


def hosts_path(emulator, cluster_id):
    return "/v1.1/%s/clusters/%s/hosts" % (emulator.project_id, cluster_id)


def puts_to(log, path):
    """The resize requests the log shows on one cluster path, as (status, fault, parameters)."""
    return [(entry["status"], entry.get("fault"), (entry.get("body") or {}).get("parameters"))
            for entry in log if entry["method"] == "PUT" and entry["path"] == path]


def accepted(puts):
    """The resizes MRS accepted (HTTP 200) among puts_to(...)."""
    return [parameters for status, _fault, parameters in puts if status == 200]


def counts(emulator, cluster_id):
    """(core, task) as the emulator has them."""
    roles = [host["type"] for host in emulator.hosts(cluster_id)]
    return roles.count("Core"), roles.count("Task")


def group_counts(emulator, cluster_id):
    """{group name: count} as the emulator has them, for every group of any cluster type (its control route)."""
    return dict((group["name"], group["count"]) for group in emulator.cluster_control(cluster_id)["emulator"]["groups"])


def plain(value):
    """The value without the {"__ansible_unsafe": ...} wrappers ansible-inventory puts around every plugin string."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def wait_idle(emulator, cluster_ids, timeout=30.0):
    """Wait until no listed cluster has a scale in progress (a late resize may still start one)."""
    for cluster_id in cluster_ids:
        emulator.wait_until_idle(cluster_id, timeout=timeout)


def load_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def wait_for(predicate, timeout, interval=0.05):
    """Poll predicate() until it is true; False when the timeout passed first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
