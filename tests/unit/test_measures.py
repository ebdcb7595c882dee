# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The size measures of issue #23, one test per file so that a failure names the file, and its message the function:
no function, method or closure under plugins/ or extensions/ above cyclomatic complexity 15 (radon's reading, grade C
or better), and no file under plugins/module_utils/ (sub-packages included) above 500 lines. The third measure, no
``{% for`` / ``{% if`` block in roles/*/tasks/, is held by test_role_tasks.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_COMPLEXITY = 15
MAX_MODULE_UTILS_LINES = 500
# radon is in tests/requirements.txt (.venv/); the ansible-core version venvs run tests/unit without it, on the same code
HAS_RADON = importlib.util.find_spec("radon") is not None


def python_files(*folders):
    """The .py files under ``folders`` (relative to the collection's root), as relative paths, sorted."""
    found = []
    for folder in folders:
        for directory, subfolders, names in os.walk(os.path.join(ROOT, folder)):
            subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
            found.extend(os.path.relpath(os.path.join(directory, name), ROOT) for name in names if name.endswith(".py"))
    return sorted(found)


def blocks(found):
    """Every function, method and closure radon found (a class's complexity sums its methods: each is judged itself)."""
    for block in found:
        if hasattr(block, "methods"):
            yield from blocks(block.methods)
            yield from blocks(block.inner_classes)
            continue
        yield block
        yield from blocks(block.closures)


def test_the_measures_see_the_files():
    """A walk that found nothing would pass every measure."""
    assert "plugins/modules/mrs_cluster_nodes.py" in python_files("plugins")
    assert "plugins/module_utils/_connection/call.py" in python_files("plugins/module_utils")
    assert any(path.startswith("extensions/eda/") for path in python_files("extensions"))


@pytest.mark.skipif(not HAS_RADON, reason="radon is not installed here (it is in tests/requirements.txt)")
@pytest.mark.parametrize("path", python_files("plugins", "extensions"))
def test_no_function_is_above_the_complexity_limit(path):
    from radon.complexity import cc_visit  # pylint: disable=import-outside-toplevel

    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        found = cc_visit(handle.read())
    above = ["%s:%d %s has cyclomatic complexity %d" % (path, block.lineno, block.fullname, block.complexity)
             for block in blocks(found) if block.complexity > MAX_COMPLEXITY]
    assert not above, "; ".join(above) + " (at most %d: split it by meaning)" % MAX_COMPLEXITY


@pytest.mark.parametrize("path", python_files("plugins/module_utils"))
def test_no_module_utils_file_is_above_the_line_limit(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        lines = len(handle.read().splitlines())
    assert lines <= MAX_MODULE_UTILS_LINES, "%s has %d lines (at most %d: one concern per file)" % (path, lines, MAX_MODULE_UTILS_LINES)
