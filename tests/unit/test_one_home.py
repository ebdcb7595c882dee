# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every rule has one home, the planner: what YAML cannot import from it is checked against it here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re


from ansible_collections.hwcloud.mrs.plugins.module_utils import _policy_options
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import DATA_VOLUME_TYPES, MAX_CORE_TASK_NODES
from ansible_collections.hwcloud.mrs.plugins.modules.mrs_cluster_nodes import ARGUMENT_SPEC

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE = os.path.join(ROOT, "roles", "cluster_scale")
PLUGINS = os.path.join(ROOT, "plugins")


def test_the_node_limit_has_one_definition():
    """The planner's node limit bounds a policy's capacities too, and its number is written in _option_checks alone."""
    assert _policy_options.CAPACITY == (0, MAX_CORE_TASK_NODES)
    definitions = []
    for folder, _dirs, files in os.walk(PLUGINS):
        for name in sorted(files):
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    definitions.extend((name, line.strip()) for line in handle
                                       if re.match(r"\s*[A-Z_]+\s*=.*\b%d\b" % MAX_CORE_TASK_NODES, line)
                                       and "STATUS" not in line)  # an HTTP status 500 is no node limit
    assert definitions == [("_option_checks.py", "MAX_CORE_TASK_NODES = %d" % MAX_CORE_TASK_NODES)]


def test_the_disk_types_live_in_the_planner_alone():
    """The module's choices are built from the planner's constant; the role writes no disk type at all (its argument
    spec leaves data_volume_type to the planner, whose refusal the role passes on before any request)."""
    assert ARGUMENT_SPEC["task_node_info"]["options"]["data_volume_type"]["choices"] == list(DATA_VOLUME_TYPES)
    for folder, _dirs, files in os.walk(ROLE):
        for name in sorted(files):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read()
            assert not [kind for kind in DATA_VOLUME_TYPES if re.search(r"\b%s\b" % kind, text)], os.path.join(folder, name)


def test_no_role_task_restates_a_limit():
    """The role asks the planner (through the scale_steps filter and the modules); no task file writes a limit."""
    tasks = os.path.join(ROLE, "tasks")
    for name in sorted(os.listdir(tasks)):
        with open(os.path.join(tasks, name), encoding="utf-8") as handle:
            text = handle.read()
        assert not re.search(r"\b%d\b" % MAX_CORE_TASK_NODES, text), name
        assert "SATA" not in text and "32000" not in text, name
