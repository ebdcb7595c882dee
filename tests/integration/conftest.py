"""Run real ansible-playbook processes against the session's MRS emulator."""

import json
import os
import subprocess
import sys
import tempfile

import pytest

PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _collections_path():
    """`make test` points ANSIBLE_COLLECTIONS_PATH at the staged copy; a bare pytest run links the checkout."""
    if os.environ.get("ANSIBLE_COLLECTIONS_PATH"):
        return os.environ["ANSIBLE_COLLECTIONS_PATH"]
    root = tempfile.mkdtemp(prefix="hwcloud-mrs-collections-")
    os.makedirs(os.path.join(root, "ansible_collections", "hwcloud"))
    os.symlink(REPO, os.path.join(root, "ansible_collections", "hwcloud", "mrs"))
    return root


class PlaybookRun:
    """The outcome of one ansible-playbook process."""

    def __init__(self, completed):
        self.rc = completed.returncode
        self.output = completed.stdout + completed.stderr

    def __repr__(self):
        return "PlaybookRun(rc=%d)\n%s" % (self.rc, self.output)


@pytest.fixture(scope="session")
def ansible_env(emulator):
    """The environment a user would set: HW_* connection variables pointing at the emulator."""
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=_collections_path(),
        ANSIBLE_PYTHON_INTERPRETER=os.environ.get("ANSIBLE_PYTHON_INTERPRETER", sys.executable),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_HOST_KEY_CHECKING="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        HW_MRS_ENDPOINT=emulator.url,
        HW_AUTH_URL=emulator.url,
        HW_REGION_NAME=emulator.region,
        HW_PROJECT_ID=emulator.project_id,
        HW_ACCESS_KEY=emulator.access_key,
        HW_SECRET_KEY=emulator.secret_key,
    )
    return env


@pytest.fixture
def playbook(mrs, ansible_env):  # pylint: disable=redefined-outer-name,unused-argument
    """run(name, *ansible_args, env=None, **extra_vars) runs tests/integration/playbooks/<name>.yml on localhost."""

    def run(name, *ansible_args, env=None, **extra_vars):
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
                   os.path.join(PLAYBOOKS, name + ".yml"), "-e", json.dumps(extra_vars)] + list(ansible_args)
        run_env = dict(ansible_env, **(env or {}))
        return PlaybookRun(subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=300, check=False))

    return run


@pytest.fixture
def scale(playbook, tmp_path):  # pylint: disable=redefined-outer-name
    """scale(*ansible_args, **options) -> (PlaybookRun, the registered result or None): one mrs_cluster_nodes task
    (playbooks/nodes.yml) with these options."""

    def run(*ansible_args, **options):
        result_file = tmp_path / "result.json"
        if result_file.exists():
            result_file.unlink()
        outcome = playbook("nodes", *ansible_args, result_file=str(result_file), **options)
        return outcome, (json.loads(result_file.read_text()) if result_file.exists() else None)

    return run


@pytest.fixture
def puts(mrs):
    """The resize requests the emulator has received since the test began, as (status, parameters) pairs."""

    def collect():
        return [(entry["status"], (entry.get("body") or {}).get("parameters"))
                for entry in mrs.requests_log() if entry["method"] == "PUT"]

    return collect
