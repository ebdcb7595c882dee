# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_planner.one_live_cluster: the one rule for "the one live cluster asked for" (mrs_cluster_info exactly_one,
mrs_cluster_nodes and mrs_autoscaling_policy by name)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import one_live_cluster


def view(cluster_id, name="demo", state="running"):
    return parse_cluster({"clusterId": cluster_id, "clusterName": name, "clusterState": state})


def test_the_one_live_namesake_is_chosen_over_gone_ones():
    live = view("c2")
    views = [view("c1", state="terminated"), live, view("c3", state="terminating"), view("c4", name="demo-2")]
    assert one_live_cluster(views, "demo", "p1") is live


@pytest.mark.parametrize("views", [[], [view("c1", state="terminated")], [view("c1", name="Demo")], [view("c1", name="demo ")]])
def test_no_live_cluster_of_exactly_that_name(views):
    with pytest.raises(PlanError) as caught:
        one_live_cluster(views, "demo", "p1")
    assert caught.value.parameter == "cluster_name"
    assert str(caught.value).startswith('cluster_name: no live cluster named "demo" in project p1')


def test_two_live_namesakes_are_listed_and_cluster_id_suggested():
    views = [view("c1"), view("c2", state="frozen"), view("c3", state="terminated")]
    with pytest.raises(PlanError) as caught:
        one_live_cluster(views, "demo", "p1")
    assert str(caught.value) == ('cluster_name: more than one live cluster named "demo" in project p1 (c1, c2); '
                                 'give cluster_id instead')


def test_a_name_is_quoted_as_json_so_quotes_and_spaces_stay_visible():
    with pytest.raises(PlanError, match=r'named "it\\"s"'):
        one_live_cluster([], 'it"s')


@pytest.mark.parametrize("state", ["terminated", "terminating"])
def test_by_id_a_gone_cluster_fails(state):
    with pytest.raises(PlanError) as caught:
        one_live_cluster([view("c9", state=state)])
    assert caught.value.parameter == "cluster_id" and str(caught.value).startswith("cluster_id: cluster c9 is %s" % state)


@pytest.mark.parametrize("state", ["running", "frozen", "abnormal", "scaling-out"])
def test_by_id_any_other_state_is_live(state):
    only = view("c9", state=state)
    assert one_live_cluster([only]) is only
