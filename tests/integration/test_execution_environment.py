"""Execution environment (EE) for AWX and Automation Platform: what ansible-builder makes of the collection.

No container runtime is needed: `ansible-builder create` writes the build context (Containerfile and _build/),
and `ansible-builder introspect` is the step the image build runs to collect each installed collection's
dependencies from its meta/execution-environment.yml. Both run here on the tarball a user would install.
"""

import os
import re
import subprocess
import sys

import pytest
import yaml

ee_schema = pytest.importorskip("ansible_builder.ee_schema")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))

from docs_tools import tested_block as docs_block  # noqa: E402  pylint: disable=wrong-import-position


def run(command, cwd=None, env=None):
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, "%s\nrc=%d\n%s%s" % (command, completed.returncode, completed.stdout, completed.stderr)
    return completed.stdout


def requirement_lines(path):
    with open(path, encoding="utf-8") as requirements:
        return [line.strip() for line in requirements if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(name="tarball", scope="module")
def tarball_fixture(tmp_path_factory):
    dist = tmp_path_factory.mktemp("ee-dist")
    output = run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(dist), ROOT])
    return re.search(r"Created collection for hwcloud\.mrs at (\S+\.tar\.gz)", output).group(1)


def test_collection_metadata_is_a_valid_version_3_definition():
    with open(os.path.join(ROOT, "meta", "execution-environment.yml"), encoding="utf-8") as meta:
        definition = yaml.safe_load(meta)

    ee_schema.validate_schema(definition)  # raises DefinitionError when invalid

    assert definition["version"] == 3
    assert definition["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}  # requests, and CA certificates


def test_builder_takes_in_the_installed_collections_dependencies(tarball, tmp_path):
    """What the image build's introspection step collects from the collection installed from its tarball."""
    collections = tmp_path / "collections"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections))
    env.pop("PYTHONPATH", None)
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "-p", str(collections), tarball], env=env)

    run([os.path.join(BIN, "ansible-builder"), "introspect", "--sanitize", "--write-pip", str(tmp_path / "pip.txt"),
         "--write-bindep", str(tmp_path / "bindep.txt"), str(collections)])

    assert requirement_lines(tmp_path / "pip.txt") == [
        "%s  # from collection hwcloud.mrs" % line for line in requirement_lines(os.path.join(ROOT, "requirements.txt"))]
    assert requirement_lines(tmp_path / "bindep.txt") == [
        "%s  # from collection hwcloud.mrs" % line for line in requirement_lines(os.path.join(ROOT, "bindep.txt"))]


def test_builder_creates_a_build_context_from_the_documented_definition(tarball, tmp_path):
    """docs/getting_started.md's EE definition, next to the tarball, as the page tells the user to lay them out."""
    (tmp_path / "execution-environment.yml").write_text(
        docs_block(os.path.join(ROOT, "docs", "getting_started.md"), "execution-environment.yml"))
    os.symlink(tarball, str(tmp_path / os.path.basename(tarball)))

    run([os.path.join(BIN, "ansible-builder"), "create", "--file", "execution-environment.yml", "--context", "context",
         "--output-filename", "Containerfile"], cwd=str(tmp_path))

    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    assert re.search(r'^ARG ANSIBLE_INSTALL_REFS="ansible-core[^"]*ansible-runner', containerfile, re.MULTILINE), containerfile
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
    # the builder stage collects the collection's bindep.txt, then installs it
    assert "introspect.py introspect" in containerfile and "install-from-bindep" in containerfile
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert galaxy == {"collections": [{"name": "collections/" + os.path.basename(tarball), "type": "file"}]}
    with open(tarball, "rb") as built:
        assert (context / "_build" / "collections" / os.path.basename(tarball)).read_bytes() == built.read()
    assert sorted(os.listdir(str(context / "_build" / "scripts"))) == [
        "assemble", "check_ansible", "check_galaxy", "entrypoint", "install-from-bindep", "introspect.py", "pip_install"]
