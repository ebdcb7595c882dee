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
  - Returns MapReduce Service (MRS) clusters with their type, state, scale sub-state, version, billing type,
    node counts per group as integers, and every node group (name, kind, node count, flavor); with O(include_hosts),
    their hosts; with O(include_nodes), the v2 node list with the components each node runs; with
    O(include_policies), each group's auto-scaling policy.
  - Select one cluster by O(cluster_id) or O(cluster_name), or list the project's clusters, optionally by O(cluster_state).
    The list is read across all its pages.
  - Every list (clusters, hosts, nodes) is read whole or not at all. An entry listed twice (a page repeated, or shifted
    while the list was read) is returned once; the list must hold exactly as many entries as its own total says and,
    for the hosts and nodes of a cluster that is C(running) and not scaling, as many as the cluster's node counts say.
    A list that disagrees is read once more from its first page, then fails the task naming the list and the counts;
    an entry without its id fails it too. Nothing is ever silently left out or shown twice.
  - An answer whose counts contradict each other (for example C(coreNodeNum) against the Core node group) fails
    the task, naming the fields; a count the answer lacks is returned as null, never as 0.
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
      - Whether to read every returned cluster's hosts (one more request per cluster and page of 100 hosts), each host
        once, checked against the cluster's node counts (see the description).
    type: bool
    default: false
  include_nodes:
    description:
      - Whether to read every returned cluster's v2 node list (C(GET /v2/{project_id}/clusters/{cluster_id}/nodes)), with
        the components each node runs, in RV(clusters[].nodes). One more request per cluster and page of 100 nodes; never
        read unless asked. It asks MRS for the components (C(query_node_detail=true), without which MRS leaves them out),
        not for the CPU and memory of each node (C(query_ecs_detail)), which this module does not show.
      - An answer that is not a node list (an entry that is not an object, a node without C(node_name), components
        without role names) fails the task naming the field; nothing is shown from it.
    type: bool
    default: false
    version_added: 1.1.0
  include_policies:
    description:
      - Whether to read every returned cluster's auto-scaling policies (one v2 C(GET) per cluster; never read unless
        asked) and show each group's in RV(clusters[].node_groups[].policy) and RV(clusters[].node_groups[].policies).
      - MRS's "policy not found" (C(MRS.00005016)) means the cluster has none. Any other failure, or a policy MRS answers
        that breaks the documented limits, fails the task.
    type: bool
    default: false
    version_added: 1.1.0
seealso:
  - module: hwcloud.mrs.mrs_cluster_nodes
  - module: hwcloud.mrs.mrs_autoscaling_policy
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

- name: Read a custom cluster's groups, nodes and policies
  hwcloud.mrs.mrs_cluster_info:
    cluster_name: lake
    exactly_one: true
    include_nodes: true
    include_policies: true
  register: lake

- name: Show the DataNode hosts and the groups whose policy is enabled
  ansible.builtin.debug:
    msg:
      datanodes: "{{ lake.clusters[0].nodes | selectattr('components') | selectattr('components', 'contains', 'DataNode')
                     | map(attribute='name') | list }}"
      autoscaled: "{{ lake.clusters[0].node_groups | selectattr('policy') | selectattr('policy.enabled') | map(attribute='name') | list }}"

- name: List the running clusters of the project
  hwcloud.mrs.mrs_cluster_info:
    cluster_state: running
    region: cn-north-4
  register: running_clusters
"""

RETURN = r"""
clusters:
  description: The selected clusters, each once; empty when none matches a name or state.
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
    cluster_type:
      description:
        - V(analysis), V(streaming), V(mixed) or V(custom) (C(clusterType) 0 to 3); null when the answer lacks it or
          holds an unknown value.
      type: str
      sample: custom
      version_added: 1.1.0
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
      description:
        - C(billingType) as MRS answers it, unchanged; V(11) (yearly/monthly) and V(12) (pay-per-use) on today's API, the
          words V(Yearly/Monthly) or V(Metered) in older answers. RV(clusters[].billing_mode) is its reading.
      type: str
      sample: "12"
    billing_mode:
      description:
        - The billing mode read from C(billingType) in either form, as every module of this collection reads it
          (one reading, the one the resize path uses). V(prepaid) for V(11) or yearly/monthly, V(pay_per_use) for
          V(12) or metered; null when the answer lacks the field or holds a value no source documents, never a guess.
        - A prepaid cluster cannot be resized through the v1.1 API (MRS answers 12000065), and a prepaid group's v2
          expand waits for its order to be paid; M(hwcloud.mrs.mrs_cluster_nodes) treats an unknown mode as possibly prepaid.
      type: str
      sample: pay_per_use
      version_added: 1.1.0
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
          description:
            - Group name as MRS writes it, for example V(core_node_analysis_group) or V(node_group_1); what
              O(hwcloud.mrs.mrs_cluster_nodes#module:node_group) takes.
          type: str
        kind:
          description:
            - V(task) for any group MRS lists as a Task group (C(taskNodeGroups)); V(master) for the Master group; on
              analysis, streaming and mixed clusters V(core) or V(task) from the names MRS gives their groups
              (C(core_node_*), C(task_node_*)); on a custom cluster V(custom) for every other group, whatever its
              name (custom clusters name their groups freely).
          type: str
          version_added: 1.1.0
        role:
          description: The same as RV(clusters[].node_groups[].kind) (the 1.0.0 name, kept).
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
        policy:
          description:
            - The group's auto-scaling policy, in short; null when it has none.
            - When the group has policies in several resource pools, the one of the V(default) pool (null when none is
              in that pool); RV(clusters[].node_groups[].policies) lists them all.
          returned: when O(include_policies=true)
          type: dict
          version_added: 1.1.0
          contains:
            enabled:
              description: Whether the policy is enabled (then MRS refuses manual resizes of the group).
              type: bool
            min_capacity:
              description: The fewest nodes the policy keeps.
              type: int
            max_capacity:
              description: The most nodes the policy grows to.
              type: int
            rule_count:
              description: Its rules (on YARN metrics).
              type: int
            plan_count:
              description: Its resource plans (time windows with their own min/max).
              type: int
            resource_pool:
              description: The resource pool it is for, V(default) unless the policy names another.
              type: str
        policies:
          description:
            - Every auto-scaling policy of the group, one per resource pool, sorted by pool, each as in
              RV(clusters[].node_groups[].policy); empty when it has none.
          returned: when O(include_policies=true)
          type: list
          elements: dict
          version_added: 1.1.0
    hosts:
      description: The cluster's hosts, in the order MRS lists them, each once.
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
          description:
            - V(master), V(core), V(task) or V(custom). The kind of the host's node group as
              RV(clusters[].node_groups[].kind) reads it, never from a custom group's name; where that kind is V(custom),
              the host's own type says which (V(core) for C(Core)), else it stays V(custom).
          type: str
    nodes:
      description:
        - The cluster's nodes from the v2 node list, in the order MRS lists them, each once. A field the answer lacks is
          null.
      returned: when O(include_nodes=true)
      type: list
      elements: dict
      version_added: 1.1.0
      contains:
        name:
          description: Node name.
          type: str
        group:
          description: Name of the node's group, as in RV(clusters[].node_groups[].name).
          type: str
        status:
          description: Node status, for example V(started).
          type: str
        ip:
          description: Private IP address.
          type: str
        resource_id:
          description: The node's resource id.
          type: str
        server_id:
          description: ECS server id; what O(hwcloud.mrs.mrs_cluster_nodes#module:server_ids) takes.
          type: str
        components:
          description:
            - The role names of the components the node runs, for example V(DataNode), V(NodeManager); null when the
              answer does not say (never an invented empty list).
          type: list
          elements: str
"""

from dataclasses import asdict

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError, with_context
from ansible_collections.hwcloud.mrs.plugins.module_utils._hosts import parse_hosts
from ansible_collections.hwcloud.mrs.plugins.module_utils._module import MrsModule
from ansible_collections.hwcloud.mrs.plugins.module_utils._nodes import parse_nodes
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import check_id, check_text, one_live_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._paging import cluster_node_total
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_api import group_policies, list_policies, main_policy


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


def read_hosts(client, view):
    """The cluster's hosts, across their pages, each once; as many as the cluster answer counts when it is idle."""
    try:
        return client.list_hosts(view.cluster_id, expected=cluster_node_total(view))
    except MrsError as error:
        raise with_context(error, "cluster %s: reading its hosts (include_hosts) failed: %s" % (view.cluster_id, error)) from error


def read_nodes(client, view):
    """The cluster's v2 node list with the components of each node, across its pages, each once; as many as the cluster
    answer counts when it is idle."""
    try:
        return client.list_nodes(view.cluster_id, expected=cluster_node_total(view))
    except MrsError as error:
        raise with_context(error, "cluster %s: reading its v2 node list (include_nodes) failed: %s" % (view.cluster_id, error)) from error


def read_policies(client, view):
    """{group name: policy summaries} of the cluster, from one v2 GET; "policy not found" (MRS.00005016) means none."""
    try:
        listed = list_policies(client, view.cluster_id)
    except MrsError as error:
        raise with_context(error, "cluster %s: reading its auto-scaling policies (include_policies) failed: %s"
                           % (view.cluster_id, error)) from error
    try:
        return group_policies(listed, [group.name for group in view.node_groups])
    except MrsError as error:
        raise MrsError("cluster %s: %s; nothing is shown from a policy list that cannot be trusted" % (view.cluster_id, error)) from error


def cluster_result(view, hosts=None, nodes=None, policies=None):
    """One cluster as the module returns it; hosts, nodes (raw answers) and policies ({group: summaries}) when read.

    Returns (cluster, names of groups the policies name that the cluster answer does not list).
    """
    cluster = view.to_dict()
    cluster.setdefault("cluster_type", view.cluster_type)  # documented here; ClusterView.to_dict leaves it to this module
    for group in cluster["node_groups"]:
        group["kind"] = group["role"]
        if policies is not None:
            group["policies"] = policies.get(group["name"], [])
            group["policy"] = main_policy(group["policies"])
    if hosts is not None:
        cluster["hosts"] = [asdict(host) for host in parse_hosts(hosts, view.group_kinds())]
    if nodes is not None:
        try:
            cluster["nodes"] = parse_nodes(nodes)
        except ClusterParseError as error:
            raise with_context(error, "cluster %s: the v2 node list (GET .../clusters/%s/nodes) cannot be read: %s; nothing is "
                               "shown from a list that cannot be trusted" % (view.cluster_id, view.cluster_id, error)) from error
    listed = set(group["name"] for group in cluster["node_groups"])
    unlisted = sorted(name for name in policies or () if name not in listed)
    return cluster, unlisted


def main():
    module = MrsModule(
        argument_spec=dict(
            cluster_id=dict(type="str"),
            cluster_name=dict(type="str"),
            cluster_state=dict(type="str"),
            exactly_one=dict(type="bool", default=False),
            include_hosts=dict(type="bool", default=False),
            include_nodes=dict(type="bool", default=False),
            include_policies=dict(type="bool", default=False),
        ),
        mutually_exclusive=[("cluster_id", "cluster_name")],
        supports_check_mode=True,
    )
    try:
        params = checked_options(module.params)
        client = module.client
        clusters = []
        for view in read_clusters(client, params):
            hosts = read_hosts(client, view) if params["include_hosts"] else None
            nodes = read_nodes(client, view) if params["include_nodes"] else None
            policies = read_policies(client, view) if params["include_policies"] else None
            cluster, unlisted = cluster_result(view, hosts, nodes, policies)
            if unlisted:
                module.warn("cluster %s (%s): auto-scaling policies name node groups its answer does not list (%s); they are not "
                            "shown" % (view.name, view.cluster_id, ", ".join(unlisted)))
            clusters.append(cluster)
    except MrsError as error:  # the collection's own errors only (a ClusterParseError is one); anything else is a bug to see
        module.fail_from_error(error)
    module.exit_json(changed=False, clusters=clusters)


if __name__ == "__main__":
    main()
