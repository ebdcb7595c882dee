# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every rule has one home, the planner: what YAML cannot import from it is checked against it here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import yaml

from ansible_collections.hwcloud.mrs.plugins.module_utils import _limits, _planner, _policy
from ansible_collections.hwcloud.mrs.plugins.module_utils._planner import DATA_VOLUME_TYPES, MAX_CORE_TASK_NODES
from ansible_collections.hwcloud.mrs.plugins.modules.mrs_cluster_nodes import ARGUMENT_SPEC

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE = os.path.join(ROOT, "roles", "cluster_scale")
PLUGINS = os.path.join(ROOT, "plugins")


def test_the_node_limit_has_one_definition():
    """The planner's node limit bounds a policy's capacities too, and its number is written in _limits alone."""
    assert _planner.MAX_CORE_TASK_NODES == _limits.MAX_CORE_TASK_NODES
    assert _policy.CAPACITY == (0, MAX_CORE_TASK_NODES)
    definitions = []
    for folder, _dirs, files in os.walk(PLUGINS):
        for name in sorted(files):
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    definitions.extend((name, line.strip()) for line in handle
                                       if re.match(r"\s*[A-Z_]+\s*=.*\b%d\b" % MAX_CORE_TASK_NODES, line)
                                       and "STATUS" not in line)  # an HTTP status 500 is no node limit
    assert definitions == [("_limits.py", "MAX_CORE_TASK_NODES = %d" % MAX_CORE_TASK_NODES)]


def test_the_role_argument_spec_takes_the_planners_disk_types():
    """ansible-doc and the role's argument validation need the choices written out; they must be the planner's."""
    with open(os.path.join(ROLE, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]
    for entry, spec in specs.items():
        info = spec["options"].get("cluster_scale_task_node_info")
        if info is not None:
            assert info["options"]["data_volume_type"]["choices"] == list(DATA_VOLUME_TYPES), entry
    assert ARGUMENT_SPEC["task_node_info"]["options"]["data_volume_type"]["choices"] == list(DATA_VOLUME_TYPES)


def test_no_role_task_restates_a_limit():
    """The role asks the planner (through the scale_steps filter and the modules); no task file writes a limit."""
    tasks = os.path.join(ROLE, "tasks")
    for name in sorted(os.listdir(tasks)):
        with open(os.path.join(tasks, name), encoding="utf-8") as handle:
            text = handle.read()
        assert not re.search(r"\b%d\b" % MAX_CORE_TASK_NODES, text), name
        assert "SATA" not in text and "32000" not in text, name
