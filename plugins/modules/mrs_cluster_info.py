#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mrs_cluster_info
short_description: Read Huawei Cloud MRS clusters, their node groups and hosts
version_added: 1.0.0
description:
  - Returns MapReduce Service (MRS) clusters with their state, scale sub-state, version, billing type,
    node counts per group as integers, and node groups; with O(include_hosts), their hosts too.
  - Select one cluster by O(cluster_id) or O(cluster_name), or list the project's clusters, optionally by O(cluster_state).
    The list is read across all its pages.
  - An answer whose counts contradict each other (for example C(coreNodeNum) against the Core node group) fails
    the task, naming the fields; a count the answer lacks is returned as null, never as 0.
requirements:
  - python >= 3.9 (where the module runs; the controller needs the Python its ansible-core needs, 3.10 or later)
  - requests
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
extends_documentation_fragment:
  - hwcloud.mrs.connection
  - hwcloud.mrs.attributes
  - hwcloud.mrs.attributes.INFO_MODULE
options:
  cluster_id:
    description:
      - ID of the cluster to read. Fails when the cluster does not exist.
      - 1 to 64 characters, ASCII letters, digits, V(-) and V(_) (a UUID), without surrounding whitespace.
    type: str
  cluster_name:
    description:
      - Return only clusters with exactly this name (there may be several, or none).
      - Not blank, without surrounding whitespace or control characters.
    type: str
  cluster_state:
    description:
      - Return only clusters in this state, for example V(running), V(scaling-out) or V(abnormal).
      - Ignored with O(cluster_id).
    type: str
  exactly_one:
    description:
      - Whether to fail unless the selection is exactly one live cluster (not V(terminated) or V(terminating)).
      - With O(cluster_name), fails when no live cluster or more than one has exactly that name (the message lists the
        ids); RV(clusters) then holds that one cluster, without the terminated namesakes.
      - With O(cluster_id), fails when that cluster is terminated or terminating.
      - The same rule, with the same message, that M(hwcloud.mrs.mrs_cluster_nodes) applies to its cluster selector.
      - Needs O(cluster_id) or O(cluster_name).
    type: bool
    default: false
    version_added: 1.1.0
  include_hosts:
    description:
      - Whether to read every returned cluster's hosts (one more request per cluster and page of 100 hosts).
    type: bool
    default: false
seealso:
  - module: hwcloud.mrs.mrs_cluster_nodes
"""

EXAMPLES = r"""
- name: Read one cluster with its hosts
  hwcloud.mrs.mrs_cluster_info:
    cluster_id: 4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21
    include_hosts: true
  register: mrs

- name: Show the Task nodes' ids
  ansible.builtin.debug:
    msg: "{{ mrs.clusters[0].hosts | selectattr('role', 'equalto', 'task') | map(attribute='id') | list }}"

- name: Find the one live cluster of a name (fails when there is none, or more than one)
  hwcloud.mrs.mrs_cluster_info:
    cluster_name: analytics-prod
    exactly_one: true
  register: prod

- name: List the running clusters of the project
  hwcloud.mrs.mrs_cluster_info:
    cluster_state: running
    region: cn-north-4
  register: running_clusters
"""

RETURN = r"""
clusters:
  description: The selected clusters; empty when none matches a name or state.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Cluster ID.
      type: str
      sample: 4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21
    name:
      description: Cluster name.
      type: str
      sample: analytics-prod
    state:
      description: C(clusterState), lower-case, for example V(running), V(scaling-out), V(abnormal).
      type: str
      sample: running
    scale:
      description: The node-change sub-state (C(scale)), for example V(scaling-out) or V(scaling-error); empty when idle.
      type: str
      sample: ""
    stage_desc:
      description: Progress text of an operation under way (C(stageDesc)), or null.
      type: str
      sample: null
    billing_type:
      description: Billing mode, for example V(Metered) or V(Yearly/Monthly) (prepaid clusters cannot be scaled).
      type: str
      sample: Metered
    version:
      description: MRS version.
      type: str
      sample: MRS 3.1.0
    master_count:
      description: Master nodes; null when the answer lacks the count (never a made-up 0).
      type: int
      sample: 2
    core_count:
      description: Core nodes; null when the answer lacks the count.
      type: int
      sample: 3
    task_count:
      description: Task nodes, over every Task group; null when the answer lists no node groups.
      type: int
      sample: 2
    node_groups:
      description: The node groups, keys in snake_case.
      type: list
      elements: dict
      contains:
        name:
          description: Group name, for example V(core_node_analysis_group).
          type: str
        role:
          description: V(master), V(core), V(task), or V(custom) for a group of a custom cluster.
          type: str
        node_count:
          description: Nodes in the group.
          type: int
        node_size:
          description: Instance flavor.
          type: str
        data_volume_type:
          description: Data disk type.
          type: str
        data_volume_count:
          description: Data disks per node.
          type: int
        data_volume_size:
          description: Size of each data disk in GB.
          type: int
        root_volume_type:
          description: System disk type.
          type: str
        root_volume_size:
          description: System disk size in GB.
          type: int
    hosts:
      description: The cluster's hosts.
      returned: when O(include_hosts=true)
      type: list
      elements: dict
      contains:
        id:
          description: Host (ECS server) ID; what O(hwcloud.mrs.mrs_cluster_nodes#module:server_ids) takes.
          type: str
        name:
          description: Host name.
          type: str
        ip:
          description: Private IP address.
          type: str
        status:
          description: Server status, for example V(ACTIVE).
          type: str
        type:
          description: Node type as the API reports it, for example V(Core) or V(Task).
          type: str
        node_group:
          description: Name of the host's node group, when the API reports it.
          type: str
        role:
          description: V(master), V(core), V(task) or V(custom).
          type: str
"""

from dataclasses import asdict

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster, parse_hosts
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._module import MrsModule
from ansible_collections.hwcloud.mrs.plugins.module_utils._planner import PlanError, check_id, check_text, one_live_cluster


def checked_options(params):
    """The selection options, each checked before any request (raises PlanError naming the option)."""
    if params["cluster_id"] is not None:
        check_id("cluster_id", params["cluster_id"])
    for name in ("cluster_name", "cluster_state"):
        if params[name] is not None:
            check_text(name, params[name])
    if params["exactly_one"] and params["cluster_id"] is None and params["cluster_name"] is None:
        raise PlanError("exactly_one", "needs cluster_id or cluster_name: it checks the one cluster they select")
    return params


def read_clusters(client, params):
    if params["cluster_id"]:
        views = [parse_cluster(client.get_cluster(params["cluster_id"]))]
    else:
        listed = client.list_clusters(cluster_name=params["cluster_name"], cluster_state=params["cluster_state"])
        # The API matches names loosely; the option promises an exact match.
        views = [view for view in (parse_cluster(raw) for raw in listed) if params["cluster_name"] in (None, view.name)]
    if params.get("exactly_one"):
        return [one_live_cluster(views, params["cluster_name"], client.project_id)]
    return views


def main():
    module = MrsModule(
        argument_spec=dict(
            cluster_id=dict(type="str"),
            cluster_name=dict(type="str"),
            cluster_state=dict(type="str"),
            exactly_one=dict(type="bool", default=False),
            include_hosts=dict(type="bool", default=False),
        ),
        mutually_exclusive=[("cluster_id", "cluster_name")],
        supports_check_mode=True,
    )
    try:
        params = checked_options(module.params)
        client = module.client
        clusters = []
        for view in read_clusters(client, params):
            cluster = view.to_dict()
            if params["include_hosts"]:
                cluster["hosts"] = [asdict(host) for host in parse_hosts(client.list_hosts(view.cluster_id))]
            clusters.append(cluster)
    except MrsError as error:  # the collection's own errors only (a ClusterParseError is one); anything else is a bug to see
        module.fail_from_error(error)
    module.exit_json(changed=False, clusters=clusters)


if __name__ == "__main__":
    main()
