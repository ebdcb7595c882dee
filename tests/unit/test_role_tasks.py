# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The measures of the role's task files (#23): they only call the cluster_scale_plan filter and report, so no Jinja loop or
condition block, includes at most two deep from an entry point, and few internal facts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = os.path.join(ROOT, "roles")
TASKS = os.path.join(ROLES, "cluster_scale", "tasks")
ENTRY_POINTS = ("main", "converge", "burst", "profile", "drain", "schedule")
INCLUDES = ("ansible.builtin.include_tasks", "ansible.builtin.import_tasks", "include_tasks", "import_tasks")
# the internal names the task files set (registers, block and task vars, set_fact, loop variables): 65 before
MAX_INTERNAL_NAMES = 25


def task_files():
    for role in sorted(os.listdir(ROLES)):
        folder = os.path.join(ROLES, role, "tasks")
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else ():
            yield os.path.join(folder, name)


def load(name):
    with open(os.path.join(TASKS, name), encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def tasks_in(items):
    for item in items:
        yield item
        for section in ("block", "rescue", "always"):
            yield from tasks_in(item.get(section) or [])


def test_no_task_file_holds_a_jinja_loop_or_condition_block():
    for path in task_files():
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        assert not re.search(r"\{%-?\s*(for|if)\b", text), path


def test_includes_are_at_most_two_deep_from_each_entry_point():
    def depth(name):
        nested = [task.get(key) for task in tasks_in(load(name)) for key in INCLUDES if key in task]
        static = [target for target in nested if isinstance(target, str) and "{{" not in target]
        return 1 + max([depth(target) for target in static] or [0])

    depths = dict((entry, depth(entry + ".yml") - 1) for entry in ENTRY_POINTS)
    assert max(depths.values()) <= 2, depths


def test_the_task_files_pass_few_internal_facts():
    names = set()
    for path in task_files():
        with open(path, encoding="utf-8") as handle:
            names.update(re.findall(r"\bcluster_scale__[a-z_]+", handle.read()))
    with open(os.path.join(ROLES, "cluster_scale", "vars", "main.yml"), encoding="utf-8") as handle:
        names.update(re.findall(r"^(cluster_scale__[a-z_]+):", handle.read(), re.MULTILINE))
    assert len(names) <= MAX_INTERNAL_NAMES, sorted(names)


def test_every_decision_of_a_task_file_is_the_filters():
    """A task that decides in Jinja filters lists or maps them; the role's own decisions come from cluster_scale_plan."""
    for path in task_files():
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        assert not re.search(r"\b(selectattr|rejectattr|map\(|combine\(|difference\(|intersect\()", text), path
