# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The scale_counts filter (the planner's shown_counts): which counts a whole-cluster result shows, with the one rule
of what a custom cluster is."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.hwcloud.mrs.plugins.filter.scale_counts import scale_counts
from ansible_collections.hwcloud.mrs.plugins.filter.scale_steps import scale_steps
from ansible_collections.hwcloud.mrs.tests.unit.plugins.filter.test_scale_steps_groups import ANALYSIS, MIXED, custom


def test_an_analysis_cluster_shows_core_and_task_and_the_groups_it_changes():
    target = {"task": 4}
    assert scale_counts(ANALYSIS, target, scale_steps(ANALYSIS, target)) == {"core": 3, "task": 2}


def test_a_custom_cluster_shows_only_its_named_groups():
    cluster = custom(node_group_1=3, node_group_2=1)
    target = {"node_group_1": 5}
    assert scale_counts(cluster, target, scale_steps(cluster, target)) == {"node_group_1": 3}


def test_a_custom_cluster_whose_answer_lacks_its_type_is_still_custom():
    """The rule of ClusterView.is_custom (a group not named like MRS's default groups), not a guess from the roles."""
    cluster = dict(custom(node_group_1=3), cluster_type=None)
    target = {"node_group_1": 4}
    assert scale_counts(cluster, target, scale_steps(cluster, target)) == {"node_group_1": 3}


def test_a_mixed_clusters_named_groups_show_beside_core_and_task():
    target = {"task_node_streaming_group": 2}
    steps = scale_steps(MIXED, target)
    assert scale_counts(MIXED, target, steps) == {"core": 6, "task": 1, "task_node_streaming_group": 0}


@pytest.mark.parametrize("args", [
    (None, {}, []),
    ({"node_groups": "x"}, {}, []),
    (ANALYSIS, [], []),
    (ANALYSIS, {}, [1]),
    (ANALYSIS, {}, [{"count": 2}]),
])
def test_anything_else_is_refused_with_the_filters_name(args):
    with pytest.raises(AnsibleFilterError, match="scale_counts: "):
        scale_counts(*copy.deepcopy(args))
