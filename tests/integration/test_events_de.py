"""The decision environment (DE) of docs/events.md: what ansible-builder makes of it, with the collection's tarball.

No container runtime is needed: `ansible-builder create` writes the build context (Containerfile and _build/) from the
definition exactly as the page prints it, next to the tarball the page names. See test_execution_environment.py for
the collection's own dependency metadata, which a DE takes in the same way as an EE.
"""

import os
import re
import subprocess
import sys

import pytest
import yaml

pytest.importorskip("ansible_builder.ee_schema")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))

from docs_tools import tested_block as docs_block  # noqa: E402  pylint: disable=wrong-import-position


def run(command, cwd=None):
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, "%s\nrc=%d\n%s%s" % (command, completed.returncode, completed.stdout, completed.stderr)
    return completed.stdout


def test_the_documented_decision_environment_builds_a_context_with_rulebook_java_and_the_collection(tmp_path):
    definition = docs_block(os.path.join(ROOT, "docs", "events.md"), "decision-environment.yml")
    (tmp_path / "decision-environment.yml").write_text(definition)
    output = run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path / "dist"), ROOT])
    tarball = re.search(r"Created collection for hwcloud\.mrs at (\S+\.tar\.gz)", output).group(1)
    source = yaml.safe_load(definition)["additional_build_files"][0]["src"]
    assert os.path.basename(tarball) == source, "docs/events.md names %s, the build makes %s" % (source, os.path.basename(tarball))
    os.symlink(tarball, str(tmp_path / source))

    run([os.path.join(BIN, "ansible-builder"), "create", "--file", "decision-environment.yml", "--context", "context",
         "--output-filename", "Containerfile"], cwd=str(tmp_path))

    context = tmp_path / "context"
    assert (context / "_build" / "requirements.txt").read_text().split() == ["ansible-rulebook>=1.3,<2"]
    assert "java-17-openjdk-headless" in (context / "_build" / "bindep.txt").read_text()
    assert (context / "_build" / "collections" / source).exists()
    assert re.search(r"ansible-galaxy collection install .*requirements\.yml", (context / "Containerfile").read_text())
