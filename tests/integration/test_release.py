"""Release: the tarball `ansible-galaxy collection build` makes, and what a user does with it.

The build runs on a copy of the collection with development files planted in it, so the test proves that
galaxy.yml's build_ignore keeps them out (the staged copy has none: it holds only git-visible files). The
tarball is then installed with `ansible-galaxy collection install` into a temporary path, and playbooks run
from a folder outside any collection with ANSIBLE_COLLECTIONS_PATH naming only that path (no PYTHONPATH, no
sys.path scan), so every fully-qualified name resolves to the installed copy.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(ROOT, "tests", "integration", "playbooks")
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))

from docs_tools import tested_block as docs_block  # noqa: E402  pylint: disable=wrong-import-position
from reliability_support import counts  # noqa: E402  pylint: disable=wrong-import-position

# Development files planted in the copy that is built: none may reach the tarball.
DEVELOPMENT_FILES = [
    ".venv/bin/python", ".venv-2.16/bin/python", ".venv-2.21/bin/python", ".venv-demo/bin/python", ".tmp/collections/x", ".ci/run", "Makefile",
    "pytest.ini", ".ansible-lint", ".gitignore", ".pytest_cache/v/cache", "tests/.pytest_cache/v/cache",
    ".hypothesis/examples/x", "tests/unit/.hypothesis/x", "tests/output/junit.xml", "bench/run_bench.py",
    "demo/.venv/bin/python", ".git/HEAD", "plugins/modules/__pycache__/x.cpython-311.pyc", "changelogs/.plugin-cache.yaml",
    "hwcloud-mrs-0.0.1.tar.gz", ".ansible/collections/x",
]
DEVELOPMENT_PREFIXES = (".venv", ".tmp/", ".ci/", "tests/output/", "bench/", ".git/", ".ansible/",
                        "tests/integration/test_bench.py")  # it needs bench/
DEVELOPMENT_PARTS = (".pytest_cache", ".hypothesis", "__pycache__")
# What a user needs from the tarball.
REQUIRED_FILES = [
    "MANIFEST.json", "FILES.json", "README.md", "LICENSE", "meta/runtime.yml", "meta/execution-environment.yml",
    "bindep.txt", "changelogs/changelog.yaml", "changelogs/config.yaml", "docs/getting_started.md",
    "docs/troubleshooting.md", "docs/docsite/links.yml", "plugins/modules/mrs_cluster_nodes.py",
    "plugins/modules/mrs_cluster_info.py", "plugins/module_utils/_client.py", "plugins/module_utils/_connection/__init__.py",
    "plugins/module_utils/_connection/transport.py", "plugins/module_utils/_connection/auth/__init__.py",
    "plugins/module_utils/_connection/auth/password.py", "plugins/doc_fragments/connection.py",
    "plugins/filter/scale_steps.py", "roles/cluster_scale/meta/argument_specs.yml", "roles/cluster_scale/tasks/main.yml",
    "emulator/mrs_emulator.py", "emulator/mrs_emu/server.py", "emulator/harness.py",
]


def run(command, env=None, cwd=None):
    completed = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, "%s\nrc=%d\n%s%s" % (command, completed.returncode, completed.stdout, completed.stderr)
    return completed.stdout


def build(source, dest):
    """ansible-galaxy collection build of the collection at source; returns the tarball's path."""
    output = run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(dest), str(source)])
    return re.search(r"Created collection for hwcloud\.mrs at (\S+\.tar\.gz)", output).group(1)


def skip_copy(directory, names):
    """What the copy leaves out: big or busy folders (other tests write caches while this one copies)."""
    skipped = [name for name in names if name in (".git", ".tmp", ".ansible", "__pycache__", ".pytest_cache", ".hypothesis")
               or name.startswith(".venv")]
    if os.path.basename(directory) == "tests":
        skipped += [name for name in names if name == "output"]
    return skipped


@pytest.fixture(name="tarball", scope="module")
def tarball_fixture(tmp_path_factory):
    """The tarball built from a copy of the collection that also holds every kind of development file."""
    work = tmp_path_factory.mktemp("release")
    source = work / "src" / "hwcloud" / "mrs"
    shutil.copytree(ROOT, str(source), ignore=skip_copy)
    for relative in DEVELOPMENT_FILES:
        path = source / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("development file planted by test_release.py\n")
    return build(source, work / "dist")


@pytest.fixture(name="installed", scope="module")
def installed_fixture(tarball, tmp_path_factory):
    """The collections path the tarball was installed into, as a user would (offline: no Galaxy server)."""
    path = tmp_path_factory.mktemp("installed")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(path))
    env.pop("PYTHONPATH", None)
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "-p", str(path), tarball], env=env)
    return path


@pytest.fixture(name="user_env")
def user_env_fixture(ansible_env, installed, tmp_path):
    """ansible_env, with the installed copy as the only collection that Ansible can find."""
    env = dict(ansible_env, ANSIBLE_COLLECTIONS_PATH=str(installed), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="0",
               ANSIBLE_CONFIG=str(tmp_path / "no-ansible.cfg"))
    env.pop("PYTHONPATH", None)
    return env


def playbook_run(path, env, cwd, *args):
    """ansible-playbook on localhost from cwd; returns (rc, output)."""
    command = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", "-c", "local", str(path)] + list(args)
    completed = subprocess.run(command, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=300, check=False)
    return completed.returncode, completed.stdout + completed.stderr


def test_tarball_holds_the_collection_and_no_development_file(tarball):
    with tarfile.open(tarball) as archive:
        names = set(member.name for member in archive.getmembers())
        manifest = json.load(archive.extractfile("MANIFEST.json"))

    leaked = sorted(name for name in names if name in DEVELOPMENT_FILES or name.startswith(DEVELOPMENT_PREFIXES)
                    or name.endswith(".pyc") or any(part in DEVELOPMENT_PARTS or part.startswith(".venv") for part in name.split("/")))
    assert not leaked, "development files in the tarball: %s" % leaked
    missing = [path for path in REQUIRED_FILES if path not in names]
    assert not missing, "missing from the tarball: %s" % missing
    assert manifest["collection_info"]["namespace"] == "hwcloud" and manifest["collection_info"]["name"] == "mrs"
    assert manifest["collection_info"]["license"] == ["GPL-3.0-or-later"]


def test_installed_tarball_runs_playbooks_by_fqcn(mrs, puts, installed, user_env, tmp_path):
    cluster_id = mrs.create_cluster(name="smoke", core=3, task=0, scale_seconds=0)["clusterId"]
    shutil.copy(os.path.join(PLAYBOOKS, "installed_collection.yml"), str(tmp_path / "site.yml"))
    env = dict(user_env)
    access_key, secret_key = env.pop("HW_ACCESS_KEY"), env.pop("HW_SECRET_KEY")

    rc, output = playbook_run(tmp_path / "site.yml", env, tmp_path, "-e", json.dumps(
        dict(smoke_cluster="smoke", smoke_access_key=access_key, smoke_secret_key=secret_key)))

    assert rc == 0, output
    assert re.search(r"localhost\s+: ok=\d+\s+changed=[1-9]\d*\s+unreachable=0\s+failed=0", output), output
    assert secret_key not in output
    assert counts(mrs, cluster_id) == (4, 1)
    assert [(status, parameters["node_group"], parameters["scale_type"]) for status, parameters in puts()] == [
        (200, "core_node_default_group", "scale_out"), (200, "task_node_default_group", "scale_out")]

    # ansible-doc reads the installed copy too: the doc fragments travel with it.
    docs = json.loads(run([os.path.join(BIN, "ansible-doc"), "--json", "hwcloud.mrs.mrs_cluster_nodes"], env=env, cwd=str(tmp_path)))
    module_doc = docs["hwcloud.mrs.mrs_cluster_nodes"]["doc"]
    assert module_doc["filename"].startswith(str(installed)), module_doc["filename"]
    assert {"access_key", "secret_key", "region", "count"} <= set(module_doc["options"])


def test_installed_tarball_serves_the_inventory_plugin_and_the_policy_module(mrs, installed, user_env, tmp_path):
    """The plugins the smoke playbook does not use, from the installed copy alone: the inventory and the policy module."""
    cluster_id = mrs.create_cluster(name="smoke-more", core=3, task=2, scale_seconds=0)["clusterId"]
    source = tmp_path / "smoke.mrs.yml"
    source.write_text("plugin: hwcloud.mrs.mrs\nclusters: [smoke-more]\n")
    env = dict(user_env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
    listing = json.loads(run([os.path.join(BIN, "ansible-inventory"), "-i", str(source), "--list"], env=env, cwd=str(tmp_path)))
    hosts = list(listing["_meta"]["hostvars"])
    assert len(hosts) == 2 + 3 + 2, listing  # master, core and task hosts of the cluster
    assert "mrs_smoke_more" in listing or any(name.startswith("mrs_smoke") for name in listing), sorted(listing)

    site = tmp_path / "policy.yml"
    site.write_text("""---
- name: The policy module from the installed copy
  hosts: localhost
  gather_facts: false
  tasks:
    - name: A policy on the Task group
      hwcloud.mrs.mrs_autoscaling_policy:
        cluster_id: %s
        node_group: task
        min_capacity: 1
        max_capacity: 4
        rules:
          - name: grow
            adjustment_type: scale_out
            cool_down_minutes: 20
            scaling_adjustment: 1
            trigger: {metric_name: YARNMemoryAvailablePercentage, metric_value: 25, comparison_operator: LT, evaluation_periods: 3}
      register: smoke_policy

    - name: It was created
      ansible.builtin.assert:
        that:
          - smoke_policy is changed
          - smoke_policy.policy.max_capacity == 4
        quiet: true
""" % cluster_id)
    rc, output = playbook_run(site, user_env, tmp_path)
    assert rc == 0, output
    assert re.search(r"localhost\s+: ok=2\s+changed=1\s+unreachable=0\s+failed=0", output), output


def test_getting_started_first_playbook_stops_clearly_when_no_cluster_has_the_name(mrs, puts, user_env, tmp_path):
    """A mistyped or missing name: mrs_cluster_info returns [], and the page's guard says so (no 'no element 0')."""
    mrs.create_cluster(name="analytics-prod", core=3, task=0, scale_seconds=0)
    site = tmp_path / "first_playbook.yml"
    site.write_text(docs_block(os.path.join(ROOT, "docs", "getting_started.md"), "first_playbook.yml"))

    rc, output = playbook_run(site, user_env, tmp_path)

    assert rc != 0, output
    assert "0 clusters are named analytics in this project" in output, output
    assert "no element 0" not in output, output
    assert puts() == []
