# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding the cluster a task names by ``cluster_name``: one read of the cluster list, no other state.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import one_live_cluster


def find_cluster(client, cluster_name):
    """The cluster list's entry (the raw answer) of the one live cluster named exactly ``cluster_name`` (the rule:
    ``one_live_cluster``). The API matches names loosely, so entries of other names are left out before anything is read
    from them."""
    found = [(raw, parse_cluster(raw)) for raw in client.list_clusters(cluster_name=cluster_name)
             if isinstance(raw, dict) and raw.get("clusterName") == cluster_name]
    view = one_live_cluster([view for _raw, view in found], cluster_name, client.project_id)
    return next(raw for raw, seen in found if seen is view)
