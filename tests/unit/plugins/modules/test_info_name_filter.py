# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info module promises an exact name match even where the list API matches loosely."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.modules.mrs_cluster_info import read_clusters
from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClient


# What a list API that matches names by substring, as some MRS deployments do, answers for "analytics".
LOOSE = [{"clusterId": "c1", "clusterName": "analytics", "clusterState": "running", "coreNodeNum": "3"},
         {"clusterId": "c2", "clusterName": "analytics-dev", "clusterState": "running", "coreNodeNum": "3"}]


def test_name_filter_is_exact():
    views = read_clusters(FakeClient(listed=[LOOSE]), dict(cluster_id=None, cluster_name="analytics", cluster_state=None))
    assert [view.cluster_id for view in views] == ["c1"]


def test_no_name_lists_everything():
    views = read_clusters(FakeClient(listed=[LOOSE]), dict(cluster_id=None, cluster_name=None, cluster_state=None))
    assert [view.cluster_id for view in views] == ["c1", "c2"]
