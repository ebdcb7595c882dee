# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The documented MRS limits that more than one rule module checks, written once.

The planner (``_planner``) is where each rule is checked and it re-exports these names; they live here, below both
the planner and the policy rules (``_policy``), only because the planner imports ``_policy``: a constant that both
need must not make either import the other. Pure, no imports. PRIVATE to the collection: no compatibility promise.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The most nodes the resizable (non-master) groups of a cluster may hold together; an auto-scaling policy's
# min_capacity / max_capacity (one group) are bounded by it too.
MAX_CORE_TASK_NODES = 500
