# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_zip_import: the collection's modules in an AnsiballZ-like zip are compiled once and import exactly as before; outside
a zip nothing changes. Counts, never times: a fresh Python imports from a zip built here, with zipimport's compile
counted."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import zipfile

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils import _zip_import

UTILS = "ansible_collections/hwcloud/mrs/plugins/module_utils/"
PACKAGES = ("ansible_collections/", "ansible_collections/hwcloud/", "ansible_collections/hwcloud/mrs/",
            "ansible_collections/hwcloud/mrs/plugins/", UTILS, UTILS + "pkg/")
SAMPLE = '''
import json

VALUE = 41


def answer():
    """Raises on purpose when asked to, so a traceback can show its line."""
    return VALUE + 1


def fail():
    raise ValueError("from the zip")
'''

# Run in a fresh interpreter (-I: no PYTHONPATH, so the collection comes from the zip alone). zipimport calls the
# builtin compile through its module globals, so a compile defined there counts every compile of a zipped source.
SCRIPT = r'''
import inspect, json, sys, traceback, zipimport
from importlib.machinery import PathFinder

archive, install = sys.argv[1], sys.argv[2] == "install"
counts = {}
real_compile = compile


def counting(source, filename, *args, **kwargs):
    counts[filename] = counts.get(filename, 0) + 1
    return real_compile(source, filename, *args, **kwargs)


zipimport.compile = counting
sys.path.insert(0, archive)
from ansible_collections.hwcloud.mrs.plugins.module_utils import _zip_import
first = sys.meta_path[0]
if install:
    _zip_import.install()
    _zip_import.install()
from ansible_collections.hwcloud.mrs.plugins.module_utils import sample
from ansible_collections.hwcloud.mrs.plugins.module_utils.pkg import inner
import top
result = dict(counts={name.replace(archive, "ZIP"): count for name, count in counts.items()},
              answer=sample.answer(), inner=inner.answer(), top=top.VALUE,
              file=sample.__file__.replace(archive, "ZIP"), origin=sample.__spec__.origin.replace(archive, "ZIP"),
              cached=(sample.__cached__ or "").replace(archive, "ZIP"), parent=sample.__spec__.parent,
              search=sample.__spec__.submodule_search_locations,
              loader=type(sample.__loader__).__name__, package=sample.__package__,
              inner_file=inner.__file__.replace(archive, "ZIP"),
              pkg_path=[entry.replace(archive, "ZIP") for entry in sys.modules[inner.__package__].__path__],
              pkg_file=sys.modules[inner.__package__].__file__.replace(archive, "ZIP"),
              source=inspect.getsource(sample.answer).splitlines()[0],
              finders=sum(finder is _zip_import.CompileOnce for finder in sys.meta_path), first_kept=sys.meta_path[0] is first,
              before_path_finder=install and sys.meta_path.index(_zip_import.CompileOnce) < sys.meta_path.index(PathFinder))
try:
    sample.fail()
except ValueError:
    result["traceback"] = [(frame.filename.replace(archive, "ZIP"), frame.line) for frame in traceback.extract_tb(sys.exc_info()[2])][-1]
try:
    import ansible_collections.hwcloud.mrs.plugins.module_utils.missing  # noqa: F401
except ImportError as error:
    result["missing"] = type(error).__name__
print(json.dumps(result))
'''


@pytest.fixture(name="archive")
def archive_fixture(tmp_path):
    """A zip laid out as AnsiballZ lays out a module's payload: the collection's packages, this finder, a plain module,
    a package with a module, and a module outside the collection."""
    path = str(tmp_path / "payload.zip")
    with open(_zip_import.__file__, encoding="utf-8") as handle:
        finder_source = handle.read()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as payload:
        for package in PACKAGES:
            payload.writestr(package + "__init__.py", "")
        payload.writestr(UTILS + "_zip_import.py", finder_source)
        payload.writestr(UTILS + "sample.py", SAMPLE)
        payload.writestr(UTILS + "pkg/inner.py", "from ..sample import answer\n")
        payload.writestr("top.py", "VALUE = 'outside the collection'\n")
    return path


def _run(archive, mode):
    completed = subprocess.run([sys.executable, "-I", "-c", SCRIPT, archive, mode], capture_output=True, text=True,
                               check=False, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_each_collection_module_from_the_zip_is_compiled_once(archive):
    seen = _run(archive, "install")
    assert seen["counts"]["ZIP/" + UTILS + "sample.py"] == 1
    assert seen["counts"]["ZIP/" + UTILS + "pkg/inner.py"] == 1
    assert seen["counts"]["ZIP/" + UTILS + "pkg/__init__.py"] == 1  # a package of the collection too
    assert seen["finders"] == 1  # installed twice, present once
    # just before the path finder: what comes first (ansible-test's import checker, built-in modules) keeps its place
    assert seen["before_path_finder"] and seen["first_kept"]


def test_a_module_imported_through_the_finder_is_the_module_the_usual_import_makes(archive):
    usual, once = _run(archive, "usual"), _run(archive, "install")
    for key in ("answer", "inner", "top", "file", "origin", "cached", "parent", "search", "loader", "package", "inner_file",
                "pkg_path", "pkg_file", "source", "traceback", "missing"):
        assert once[key] == usual[key], key
    assert once["file"] == once["origin"] == "ZIP/" + UTILS + "sample.py"
    assert once["loader"] == "zipimporter"
    assert once["traceback"] == ["ZIP/" + UTILS + "sample.py", 'raise ValueError("from the zip")']
    assert once["missing"] == "ModuleNotFoundError"
    assert once["answer"] == once["inner"] == 42


def test_outside_a_zip_the_finder_leaves_the_import_to_python(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "path_importer_cache", dict(sys.path_importer_cache))
    (tmp_path / "plain.py").write_text("VALUE = 1\n")
    assert _zip_import.CompileOnce.find_spec(_zip_import.PREFIX + "plugins.module_utils.plain", [str(tmp_path)]) is None
    assert _zip_import.CompileOnce.find_spec("json", None) is None  # not the collection's
    assert _zip_import.CompileOnce.find_spec(_zip_import.PREFIX + "plugins", None) is None  # a top-level search


def test_a_zip_entry_without_the_module_is_passed_over(archive, monkeypatch):
    monkeypatch.setattr(sys, "path_importer_cache", dict(sys.path_importer_cache))
    elsewhere = os.path.join(archive, UTILS.rstrip("/"))
    spec = _zip_import.CompileOnce.find_spec(_zip_import.PREFIX + "plugins.module_utils.sample",
                                             [os.path.join(archive, "ansible_collections"), elsewhere])
    assert spec.origin == os.path.join(archive, UTILS + "sample.py")
    assert _zip_import.CompileOnce.find_spec(_zip_import.PREFIX + "plugins.module_utils.nothing", [elsewhere]) is None
    package = _zip_import.CompileOnce.find_spec(_zip_import.PREFIX + "plugins.module_utils.pkg", [elsewhere])
    assert package.origin == os.path.join(archive, UTILS + "pkg", "__init__.py")
    assert package.submodule_search_locations == [os.path.join(archive, UTILS + "pkg")]
