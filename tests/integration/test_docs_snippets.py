"""Every guide runs as printed: each page of README.md and docs/*.md, block after block, against the emulator.

tests/utils/docs_run.py runs one page as a reader following it would (its world, isolation and conventions are in
its docstring and in CONTRIBUTING.md); this test runs every page the folder holds, so a new guide is covered
without anyone listing it, and fails on any block that does not work as printed. A block that is not run says
why (``# needs ...``); tests/unit/test_docs_blocks.py keeps those few.

Run one page by hand, from the collection's root:  .venv/bin/python tests/utils/docs_run.py docs/fleets.md
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNNER = os.path.join(ROOT, "tests", "utils", "docs_run.py")
sys.path.insert(0, os.path.join(ROOT, "tests", "utils"))

import docs_blocks  # noqa: E402  pylint: disable=wrong-import-position
import docs_run  # noqa: E402  pylint: disable=wrong-import-position
from java_home import find_java_home  # noqa: E402  pylint: disable=wrong-import-position

PAGES = docs_blocks.pages(ROOT)
# getting started installs ansible-core and more from PyPI, the README's `make demo` builds its venv: minutes on
# a loaded machine. No page may take longer than this.
PAGE_TIMEOUT = 1200


def describe(result):
    tail = "\n".join("    | " + line for line in result["output"].splitlines()[-30:])
    return "%s (%s%s): rc=%s\n%s" % (result["where"], result["kind"], ", " + result["name"] if result["name"] else "",
                                     result["rc"], tail)


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_every_block_of_the_page_runs_as_printed(page, tmp_path):
    if docs_run.WORLDS.get(page, {}).get("java") and find_java_home() is None:
        message = "%s runs ansible-rulebook, which needs Java 17 or later, and none was found: `make java` installs it" % page
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true: " + message)
        pytest.skip("******** SKIPPED: " + message + " ********")
    report = tmp_path / "report.json"
    workdir = tmp_path / "run"
    completed = subprocess.run([sys.executable, RUNNER, "--json", str(report), "--workdir", str(workdir), page],
                               cwd=ROOT, capture_output=True, text=True, timeout=PAGE_TIMEOUT, check=False)
    assert report.exists(), "docs_run.py wrote no report:\n%s%s" % (completed.stdout, completed.stderr[-3000:])
    results = json.loads(report.read_text())
    print(completed.stdout)

    failed = [describe(result) for result in results if result["status"] == "failed"]
    assert not failed, "%d block(s) of %s do not work as printed:\n\n%s" % (len(failed), page, "\n\n".join(failed))
    blocks = docs_blocks.parse(os.path.join(ROOT, page), ROOT)
    assert [result["where"] for result in results] == [block.where for block in blocks]
    # every runnable block ran, or was saved for a later block that ran it; only a `# needs` block is left out
    unrun = [block.where for block, result in zip(blocks, results)
             if block.runnable and result["status"] not in ("ran", "saved", "needs")]
    assert not unrun, "runnable blocks that were not run: %s" % unrun
    assert all(result["status"] == "needs" for block, result in zip(blocks, results) if block.needs)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    shutil.rmtree(str(workdir), ignore_errors=True)  # a passing page leaves nothing (a failing one keeps its folder)
