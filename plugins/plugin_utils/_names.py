# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The caller's names for the planner's parameters, in the refusals of the collection's filters and of the cluster_scale
role: a refusal names the value the caller wrote (``cluster_scale_core_count``), not the planner's ``target.core``.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def label(names, parameter):
    """The caller's name for one of the planner's parameters: ``target.KEY`` (the target of a group) is ``names[KEY]``,
    ``task_node_info`` and its sub-options start with ``names["task_node_info"]``, any other parameter is
    ``names[parameter]``; a parameter ``names`` does not know keeps its own name."""
    if parameter.startswith("target.") and parameter[len("target."):] in names:
        return names[parameter[len("target."):]]
    if parameter.startswith("task_node_info") and "task_node_info" in names:
        return names["task_node_info"] + parameter[len("task_node_info"):]
    return names.get(parameter, parameter)


def named(error, names):
    """A PlanError's message naming the caller's values: ``name / other: rule``."""
    return "%s: %s" % (" / ".join(label(names, part) for part in error.parameter.split(" / ")), error.rule)
