# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compile each module of the collection once, not twice, when a module runs from its AnsiballZ zip.

PRIVATE to the collection: no compatibility promise outside it.

AnsiballZ runs a module with its zip file on ``sys.path``, and Python writes no bytecode for what it imports from a
zip: every imported line is compiled again on every task. CPython's ``zipimporter`` compiles each module twice on top:
``find_spec`` asks ``get_filename`` for the module's path, and ``get_filename`` compiles the source only to learn it;
``exec_module`` then compiles it again (CPython 3.9 to 3.14, python/cpython#141276). For this collection that second
compile was the largest single cost of a no-op task over a module that only imports requests (docs/performance.md).

``install()`` puts ``CompileOnce`` on ``sys.meta_path``, before the path finder. For a module or package of this
collection that a ``zipimporter`` holds, it builds the spec zipimporter's own ``find_spec`` builds, from what the
importer knows without compiling (``is_package``, ``archive``, ``prefix``), and leaves the loading to that same
importer, which compiles once. Everything else (a file on disk as in the unit tests, any other name) gets ``None`` and
goes the usual way, so nothing changes outside a zip. Stdlib only; a module imports this before any other
of the collection's module_utils.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys
import zipimport
from importlib.machinery import PathFinder
from importlib.util import spec_from_file_location

PREFIX = "ansible_collections.hwcloud.mrs."


def _zip_importer(entry):
    """The zipimporter of a path entry, or None when the entry is not inside a zip (or no longer readable)."""
    importer = sys.path_importer_cache.get(entry)
    if importer is None:
        # The first module of a package's folder: the path finder has not met the folder yet; make its importer as
        # the path finder would (a zipimporter takes a path inside an archive), and keep it for the next module.
        try:
            importer = sys.path_importer_cache[entry] = zipimport.zipimporter(entry)
        except (zipimport.ZipImportError, OSError, TypeError):
            return None
    return importer if isinstance(importer, zipimport.zipimporter) else None


class CompileOnce:
    """A meta path finder for the collection's modules and packages in a zip: their spec without compiling them (see
    the module's docstring)."""

    @staticmethod
    def find_spec(name, path=None, target=None):  # pylint: disable=unused-argument
        if not name.startswith(PREFIX) or not path:
            return None
        leaf = name.rpartition(".")[2]
        for entry in path:
            importer = _zip_importer(entry)
            if importer is None:
                return None
            try:
                package = importer.is_package(leaf)
            except zipimport.ZipImportError:
                continue  # not in this entry: the next one may hold it
            # The spec zipimporter's own find_spec makes, with the location given instead of asked of get_filename.
            location = os.sep.join([importer.archive, importer.prefix + leaf] + (["__init__.py"] if package else []))
            return spec_from_file_location(name, location if package else location + ".py", loader=importer,
                                           submodule_search_locations=[] if package else None)
        return None


def install():
    """Put ``CompileOnce`` on ``sys.meta_path`` just before the path finder (which would find the collection's modules
    through the zipimporter, compiling each to name its file), once per process. The finders before it (built-in and
    frozen modules, ansible-test's import checker) keep their places."""
    if CompileOnce in sys.meta_path:
        return
    position = next((index for index, finder in enumerate(sys.meta_path) if finder is PathFinder), len(sys.meta_path))
    sys.meta_path.insert(position, CompileOnce)
