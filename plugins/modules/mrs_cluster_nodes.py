#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mrs_cluster_nodes
short_description: Scale a node group of a Huawei Cloud MRS cluster
version_added: 1.0.0
description:
  - Brings a node group of a MapReduce Service (MRS) cluster to the size you ask for, idempotently. Any group MRS lets
    a user resize can be given, by the name M(hwcloud.mrs.mrs_cluster_info) shows, on every cluster type (analysis,
    streaming, mixed and custom).
  - Reads the cluster, compares the group's current node count with O(count), and calls a resize API only when a
    change is needed, once.
  - 'Which API: the default Core and Task groups of an analysis or streaming cluster (the one Core and the one Task
    group) go through C(PUT /v1.1/{project_id}/cluster_infos/{cluster_id}), the resize the vendor documents for them,
    which alone can remove chosen Task nodes (O(server_ids)) and create a Task group that does not exist yet
    (O(task_node_info)). Every other group (the named groups of a custom cluster, every group of a mixed cluster) goes
    through C(POST /v2/{project_id}/clusters/{cluster_id}/expand) or C(/shrink), which take any group by name; MRS
    picks the nodes a shrink removes. RV(api) says which one was used.'
  - A group's kind comes from the cluster answer (C(taskNodeGroups), C(clusterType)), never from a custom group's name.
  - Every documented limit is checked before the call, with a message naming the option and the rule.
    Master nodes cannot be changed; every Core group keeps at least 3 nodes; the groups other than Master together
    never exceed 500 nodes; nodes are removed by id only from the Task group on the v1.1 path; prepaid
    (yearly/monthly, C(billingType) 11 or the words) clusters cannot be scaled through the v1.1 API;
    O(skip_bootstrap_scripts) and O(scale_without_start) need MRS 1.7.2 or later.
  - Whether a custom group holds HDFS data is not in the cluster answer. Before shrinking one below 3 nodes the module
    reads its nodes (C(GET /v2/{project_id}/clusters/{cluster_id}/nodes)); a group whose nodes run the HDFS DataNode
    holds HDFS data and keeps at least 3 nodes, as MRS requires (it answers 12000013 otherwise). A node list that does
    not show every node of the group with its components (C(component_infos) missing or empty) cannot say, and the
    group is taken as holding HDFS data.
  - A v2 expand of a yearly/monthly (prepaid) group answers an order instead of starting, and its nodes come only once the
    order is paid. The module then returns RV(order_id) with C(changed=true) and a warning saying how to pay it, and
    does not wait; run the task again once it is paid to wait for the nodes. A re-run before that is refused by MRS
    with 12000121 (unpaid order). An expand answer without C(order_id) on a group that may be prepaid (its cluster's
    C(billingType) prepaid or unknown, not a Task group) is not taken for pay-per-use; when no scale-out starts within
    30 seconds, the module returns with a warning instead of waiting for nodes only payment brings.
  - With O(wait), waits until the cluster is running, no scale is in progress and the group has the target count.
    If a scale is already in progress when the task starts, it waits for that first and plans from the result.
  - A resize whose answer is lost in the network, or that MRS refuses with a code this collection does not know (the v2
    routes may answer C(MRS.0000xxxx)), is never sent again. The module decides whether it took effect from the group's
    own count, never from cluster-wide fields another operator moves (C(updateAt), another group), and fails clearly
    when it cannot tell. MRS shows an accepted scale only after a while (Huawei's Terraform provider waits 20 seconds
    before its first look), so the module watches the cluster for 30 seconds (at most until O(wait_timeout)) before it
    says the resize was not applied as far as the cluster shows.
  - A resize refused because the cluster is busy (12000018, 12000012, 12000082, 12000125) applied nothing. With O(wait),
    the module backs off (5 s doubling to 60 s, jittered), reads the cluster and plans again, at most 5 times and never
    past O(wait_timeout). Nodes that are not running (12000068, 12000080) are not waited for.
  - Once a resize was accepted, the task reports C(changed=true) on every path, also when it then fails (a timeout,
    an API error, a failed scale); the failure result carries RV(request), RV(scale_type), RV(previous_count) and
    RV(count), and the message says whether the scale ended partly applied or another operation changed the group as
    well, and never advises a re-run that would undo another operator's change. A re-run finds the scale in progress,
    waits for it and then plans; if the target was reached it changes nothing and says C(changed=false), because this
    run changed nothing.
  - Nothing is decided from a value the API answer lacks. A cluster answer without the group's count, or whose counts
    contradict each other, is a clear failure before any write, never a count of 0.
  - When a change is planned (in check mode too), the module reads the cluster's auto-scaling policies once
    (C(GET /v2/{project_id}/autoscaling-policy/{cluster_id})); a no-op never does. A resize of a group whose policy is
    enabled fails before any write, naming the policy's min/max and the ways out (disable it with
    M(hwcloud.mrs.mrs_autoscaling_policy), use the burst of the role C(hwcloud.mrs.cluster_scale), or set the policy's
    bounds). A policy read that fails fails the task before any write.
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
extends_documentation_fragment:
  - hwcloud.mrs.connection
  - hwcloud.mrs.attributes
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details: With O(progress_interval), the action plugin runs the module as a background job and prints the progress lines.
  async:
    description: Supports being used with the C(async) keyword.
    support: full
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: Reads the cluster and returns the predicted counts and the request body it would send, without sending it.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details: Shows the node group's count before and after, and the ids of the nodes that would be removed.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details: A second run with the same options finds the cluster at the requested size and makes no change.
options:
  cluster_id:
    description:
      - ID of the cluster. Exactly one of O(cluster_id) and O(cluster_name) is required.
      - 1 to 64 characters, ASCII letters, digits, V(-) and V(_) (a UUID), without surrounding whitespace.
    type: str
  cluster_name:
    description:
      - Name of the cluster, resolved through the cluster list. Fails when no live cluster or more than one has that name.
      - Not blank, without surrounding whitespace or control characters, at most 255 characters.
    type: str
  node_group:
    description:
      - The node group to scale. V(core) and V(task) (any case; also the v1.1 API's names V(core_node_default_group)
        and V(task_node_default_group)) mean the one Core or Task group of an analysis or streaming cluster.
      - Or the group's name exactly as MRS writes it and M(hwcloud.mrs.mrs_cluster_info) shows it (case-sensitive), for
        example V(node_group_1) on a custom cluster or V(core_node_streaming_group) on a mixed cluster. Since 1.1.0.
      - A mixed cluster has two Core and two Task groups, so it needs the group's name. A custom cluster names its
        groups freely and has no default Core group, so V(core) is refused there and V(task) means its one group listed
        among its Task groups.
      - Master groups cannot be scaled; an unknown name is refused, listing the groups that can be resized. No write
        is made in either case.
    type: str
    required: true
  count:
    description:
      - The number of nodes the group should have. At least one of O(count) and O(server_ids) is required.
      - For a Core group at least 3 (also for a custom group running the HDFS DataNode), and all groups but the
        Master ones together at most 500.
    type: int
  current_count:
    description:
      - A precondition. When the group's current count differs from this, the task fails and changes nothing.
      - Protects a cluster from a change planned on stale facts. 0 to 500.
    type: int
  server_ids:
    description:
      - Ids of Task nodes that must be gone. The module removes those still present, and only those.
      - An id that is no longer among the cluster's hosts counts as already gone and is reported in RV(already_gone).
      - With O(count) too, the two must agree. Only for the Task group resized through the v1.1 API (see RV(api));
        the v2 shrink cannot choose the nodes, so O(server_ids) with any other group is refused before any write.
      - Each id is well-formed (as O(cluster_id)) and appears once.
      - An id counts as already gone only when the host list shows every Task node of the group; otherwise the task fails.
      - When no id given is among the cluster's hosts, nothing is removed and the task returns C(ok) with a warning
        naming the ids and the nodes the Task group holds, so that a typo does not pass silently as "already gone".
    type: list
    elements: str
  task_node_info:
    description:
      - The Task node specification. The API accepts it only while the Task group has 0 nodes, so the module
        sends it only then, and requires it when scaling the Task group out from 0 nodes.
      - A playbook may always carry it; it is validated either way.
      - Only for the groups resized through the v1.1 API; with a group resized through v2 expand/shrink (which keeps
        the group's own node spec) it is refused before any write.
    type: dict
    suboptions:
      node_size:
        description: Instance flavor of the Task nodes, for example V(c6.2xlarge.4.linux.bigdata).
        type: str
        required: true
      data_volume_type:
        description: Data disk type.
        type: str
        choices: [SATA, SAS, SSD, GPSSD]
      data_volume_count:
        description: Number of data disks per node, 0 to 20 (as the vendor SDK's C(TaskNodeInfo) documents it; before 1.1.0, 1 to 10).
        type: int
      data_volume_size:
        description: Size of each data disk in GB, 100 to 32000.
        type: int
  skip_bootstrap_scripts:
    description:
      - On scale-out of a cluster created with bootstrap actions, whether to skip them on the new nodes (MRS 1.7.2 and later).
      - Ignored, with a warning, on scale-in.
      - When not set, it is not sent and MRS applies its default; for the v2 expand the vendor documents V(true) (skip).
    type: bool
  scale_without_start:
    description:
      - On scale-out, whether to leave the components on the new nodes stopped (MRS 1.7.2 and later).
      - Ignored, with a warning, on scale-in.
    type: bool
  wait:
    description:
      - Whether to wait until the scale has finished and the group has the target count.
      - With V(false), the task returns once MRS has accepted the request; a scale already in progress then makes
        the task fail instead of waiting for it.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait in all, for a scale already in progress and for this one. Real scale-outs take tens of minutes.
      - Polls 2, 5, 10, 20 and 30 seconds after the resize, then every 30 seconds.
      - 0 to 604800 (7 days). The task ends within this plus one O(read_timeout).
    type: int
    default: 3600
  progress_interval:
    description:
      - With O(wait), print a line every this many seconds while the task waits, with the group's node count so far, the
        target and the cluster's state, so that a scale of tens of minutes shows that it is alive (in a terminal, and in
        AWX or Automation Controller, whose job output shows such lines). V(0), the default, prints none.
      - The module itself runs unchanged, as one background job on the target (Ansible's async machinery, driven by the
        collection's action plugin). The resize is sent at most once, and the module alone decides when the scale is
        done, failed or changed by someone else. Each line costs one read of the cluster
        (M(hwcloud.mrs.mrs_cluster_info)); between lines the plugin only looks whether the job has finished.
      - Not in check mode, and not when the task has C(async) of its own (Ansible's C(async) then reports the job).
      - 0 to 604800.
    type: int
    default: 0
    version_added: 1.1.0
seealso:
  - module: hwcloud.mrs.mrs_cluster_info
  - name: MRS API, adjusting cluster nodes
    description: The vendor's v1.1 resize API reference.
    link: https://support.huaweicloud.com/intl/en-us/api-mrs/mrs_02_0032.html
  - name: MRS API, scaling out a cluster (v2)
    description: The vendor's v2 expand API reference (shrink is beside it).
    link: https://support.huaweicloud.com/intl/en-us/api-mrs/mrs_02_0210.html
"""

EXAMPLES = r"""
- name: Grow the Core group to 5 nodes and wait until they are in
  hwcloud.mrs.mrs_cluster_nodes:
    cluster_id: 4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21
    node_group: core
    count: 5
    region: cn-north-4

- name: Give the Task group 4 nodes; the node spec is used only if it has none yet
  hwcloud.mrs.mrs_cluster_nodes:
    cluster_name: analytics-prod
    node_group: task
    count: 4
    task_node_info:
      node_size: c6.2xlarge.4.linux.bigdata
      data_volume_type: SSD
      data_volume_count: 1
      data_volume_size: 600

- name: Grow a named group of an MRS 3.x custom cluster to 6 nodes (v2 expand)
  hwcloud.mrs.mrs_cluster_nodes:
    cluster_name: lakehouse
    node_group: node_group_1
    count: 6

- name: On a mixed cluster, name the group (there are two Core and two Task groups)
  hwcloud.mrs.mrs_cluster_nodes:
    cluster_name: mixed-prod
    node_group: task_node_streaming_group
    count: 2

- name: Remove two chosen Task nodes, only if the group still has the 6 we planned on
  hwcloud.mrs.mrs_cluster_nodes:
    cluster_id: 4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21
    node_group: task
    server_ids:
      - c9573435-7814-4b2c-9131-ad78b814414c
      - a4951009-6a0f-4e7b-9c81-9d4bd1f8c537
    current_count: 6

- name: Connection settings once for every task of the play
  module_defaults:
    group/hwcloud.mrs.mrs:
      region: cn-north-4
      project_id: "{{ mrs_project_id }}"
      access_key: "{{ vault_hw_access_key }}"
      secret_key: "{{ vault_hw_secret_key }}"
  block:
    - name: Start the resize and return without waiting
      hwcloud.mrs.mrs_cluster_nodes:
        cluster_name: analytics-prod
        node_group: task
        count: 0
        wait: false
"""

RETURN = r"""
cluster_id:
  description: ID of the cluster (null on a failure before it was known).
  returned: success and failure
  type: str
  sample: 4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21
cluster_name:
  description: Name of the cluster.
  returned: success
  type: str
  sample: analytics-prod
node_group:
  description: The group as O(node_group) gave it (V(core), V(task) or a group name).
  returned: success, and on failure once a plan was made
  type: str
  sample: core
group_name:
  description:
    - The group as MRS names it, for example V(core_node_analysis_group) or V(node_group_1). For a Task group the
      v1.1 API is about to create, V(task_node_default_group).
  returned: success, and on failure once a plan was made
  type: str
  sample: node_group_1
  version_added: 1.1.0
api:
  description:
    - The API that resizes the group, V(v1.1) (C(PUT cluster_infos)) or V(v2) (C(POST expand) / C(shrink)). RV(request)
      is that API's body.
  returned: success, and on failure once a plan was made
  type: str
  sample: v2
  version_added: 1.1.0
order_id:
  description:
    - The order a v2 expand of a yearly/monthly (prepaid) group answered. Its nodes come only once it is paid, so the
      module did not wait and RV(count) is the count before; pay it, then run the task again to wait for the nodes.
  returned: when a prepaid expand answered an order
  type: str
  sample: CS2312011234ABCDE
  version_added: 1.1.0
previous_count:
  description: Nodes in the group when the module planned the change (after any scale already in progress had finished).
  returned: success, and on failure once a plan was made
  type: int
  sample: 3
count:
  description:
    - Nodes in the group at the end. The target when the module did not wait, and the prediction in check mode.
    - The count before when a prepaid expand answered RV(order_id) (no node comes until the order is paid), and when an
      expand of a group that may be yearly/monthly was accepted with an answer that carries no order_id and no scale-out
      started after it (an order may wait to be paid; the module warns and does not wait).
    - On failure after MRS accepted the resize, the group's count as last read (for example the nodes a scale that ended
      partly applied reached), when the answer had it.
  returned: success, and on failure once a resize was accepted
  type: int
  sample: 5
scale_type:
  description: V(scale_out) or V(scale_in) when a change was (or in check mode, would be) requested, else null.
  returned: success, and on failure once a plan was made
  type: str
  sample: scale_out
instances:
  description: Number of nodes added or removed; 0 when nothing changed.
  returned: success, and on failure once a plan was made
  type: int
  sample: 2
request:
  description:
    - The body of the resize request sent (in check mode, the one that would be sent); null when none was needed.
    - On the v2 path (see RV(api)) the expand or shrink body, with C(node_group_name) and C(count) (the nodes to add or
      remove), and on an expand the scale-out options that were set.
    - On failure, the body sent before the task failed, or null when none was sent.
  returned: success, and on failure once a plan was made
  type: dict
  sample:
    service_id: ""
    plan_id: ""
    parameters:
      order_id: ""
      scale_type: scale_out
      node_id: node_orderadd
      node_group: core_node_default_group
      instances: "2"
    previous_values:
      plan_id: ""
server_ids:
  description: Ids of the Task nodes removed (or that would be removed), when O(server_ids) was given.
  returned: success
  type: list
  elements: str
  sample: [c9573435-7814-4b2c-9131-ad78b814414c]
already_gone:
  description:
    - Ids from O(server_ids) that were not among the cluster's hosts, so already gone.
    - When they are all the ids given, the task also warns, naming them and the nodes the Task group holds.
  returned: success
  type: list
  elements: str
  sample: []
elapsed:
  description: Seconds the task spent, waiting included.
  returned: success and failure
  type: float
  sample: 612.4
polls:
  description: How many times the module read the cluster while waiting.
  returned: success and failure
  type: int
  sample: 14
cluster:
  description:
    - The cluster as last read (after the wait when the module waited). On failure, as last read before it; null if it never was.
    - A count the answer lacked is null, never 0.
  returned: success and failure
  type: dict
  contains:
    state:
      description: C(clusterState), for example V(running) or V(scaling-out).
      type: str
      sample: running
    scale:
      description: The node-change sub-state (C(scale)); empty when no change is under way.
      type: str
      sample: ""
    stage_desc:
      description: Progress text of an operation (C(stageDesc)), or null.
      type: str
      sample: null
    master_count:
      description: Master nodes.
      type: int
      sample: 2
    core_count:
      description: Core nodes.
      type: int
      sample: 5
    task_count:
      description: Task nodes.
      type: int
      sample: 0
parameter:
  description: The option (or V(cluster)) whose rule the request broke.
  returned: failure from a rule
  type: str
  sample: count
api_error:
  description: On failure from the API, its HTTP status, error code, message and request id.
  returned: failure from the MRS or IAM API
  type: dict
  sample:
    status: 400
    code: "12000065"
    message: Yearly/monthly clusters cannot be scaled.
    request_id: 5b0d3c6e2f
"""

import time

# First, before any other module of the collection: from AnsiballZ's zip, each one is then compiled once, not twice.
from ansible_collections.hwcloud.mrs.plugins.module_utils import _zip_import
_zip_import.install()

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._module import MrsModule
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import host_kind
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import (
    DATA_VOLUME_TYPES, ResizeRequest, check_id, check_text, check_wait_timeout, validate_request)
from ansible_collections.hwcloud.mrs.plugins.module_utils._scaling import NodeScaler, ScaleFailed, failure_advice, reached_count

ARGUMENT_SPEC = dict(
    cluster_id=dict(type="str"),
    cluster_name=dict(type="str"),
    node_group=dict(type="str", required=True),
    count=dict(type="int"),
    current_count=dict(type="int"),
    server_ids=dict(type="list", elements="str"),
    task_node_info=dict(type="dict", options=dict(
        node_size=dict(type="str", required=True),
        data_volume_type=dict(type="str", choices=list(DATA_VOLUME_TYPES)),
        data_volume_count=dict(type="int"),
        data_volume_size=dict(type="int"),
    )),
    skip_bootstrap_scripts=dict(type="bool"),
    scale_without_start=dict(type="bool"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=3600),
    progress_interval=dict(type="int", default=0),
)


def build_request(params):
    """The checked options: (cluster_id, cluster_name, request). Raises PlanError naming the option, before any request.

    The shape of this module's own options is checked here; every rule of the resize itself is the
    planner's (``validate_request``), which this calls rather than repeats.
    """
    cluster_id = check_id("cluster_id", params["cluster_id"]) if params["cluster_id"] is not None else None
    cluster_name = check_text("cluster_name", params["cluster_name"]) if params["cluster_name"] is not None else None
    check_wait_timeout(params["wait_timeout"])
    request = validate_request(ResizeRequest(
        node_group=params["node_group"],
        count=params["count"],
        current_count=params["current_count"],
        server_ids=params["server_ids"],
        task_node_info=params["task_node_info"],
        skip_bootstrap_scripts=params["skip_bootstrap_scripts"],
        scale_without_start=params["scale_without_start"],
    ))
    return cluster_id, cluster_name, request


ORDER_WARNING = ("the expand of node group %s answered order %s: it is a yearly/monthly (prepaid) group, whose nodes come only "
                 "once the order is paid, so the task did not wait. Pay the order in the Huawei Cloud console (Billing Center, "
                 "Orders, Unpaid Orders) or through the BSS API, then run the task again: it waits for the nodes and reports "
                 "changed=false once they are in. Until the order is paid, a re-run is refused by MRS with 12000121 (unpaid order)")


ORDER_LOST_WARNING = ("MRS accepted the expand of node group %s, but its answer carried no order_id, and no scale-out "
                      "started: the group may be yearly/monthly (prepaid), whose expand answers an order and adds nodes only "
                      "once it is paid, so the task did not wait for them and re-sent nothing. Look for an unpaid MRS order "
                      "in the Huawei Cloud console (Billing Center, Orders, Unpaid Orders), pay it, then run the task again: "
                      "it waits for the nodes")


SHOWN_HOSTS = 10  # nodes a warning names before "and N more"


def unmatched_ids_warning(outcome):
    """The warning of a task none of whose ``server_ids`` is among the cluster's hosts (each gone already, or a typo): it
    removed nothing, so it names the ids and what the Task group holds. None for any other outcome."""
    plan = outcome.plan
    if plan.changed or plan.server_ids or not plan.already_gone:
        return None
    tasks = sorted("%s (%s)" % (host.name, host.id) for host in outcome.hosts or () if host_kind(outcome.planned_on, host) == "task")
    more = " and %d more" % (len(tasks) - SHOWN_HOSTS) if len(tasks) > SHOWN_HOSTS else ""
    return ("server_ids: none of %s is a node of cluster %s, so nothing was removed. The Task group %s holds %d node%s%s%s. "
            "If an earlier run removed them, that is expected; otherwise check the ids (hwcloud.mrs.mrs_cluster_info with "
            "include_hosts: true lists each node's id)"
            % (", ".join(plan.already_gone), outcome.cluster_id, plan.group_name or plan.node_group, plan.before,
               "" if plan.before == 1 else "s", ": " + ", ".join(tasks[:SHOWN_HOSTS]) if tasks else "", more))


def _group_fields(plan, given):
    return dict(node_group=given, group_name=plan.group_name, api=plan.api)


def summarise(outcome, elapsed, given=None):
    """The success result. ``given``: the node_group option as the user wrote it (default: the plan's key)."""
    plan = outcome.plan
    given = plan.node_group if given is None else given
    final = outcome.final or outcome.planned_on
    pending_order = bool(outcome.order_id or outcome.order_unknown)
    waited = outcome.final is not None and outcome.applied and not pending_order
    result = dict(
        changed=plan.changed,
        cluster_id=outcome.cluster_id,
        cluster_name=outcome.planned_on.name,
        previous_count=plan.before,
        count=final.count_of(plan.node_group) if waited else (plan.before if pending_order else plan.after),
        scale_type=plan.scale_type,
        instances=plan.instances,
        request=plan.body,
        server_ids=list(plan.server_ids),
        already_gone=list(plan.already_gone),
        elapsed=round(elapsed, 2),
        polls=outcome.polls,
        cluster=final.summary(),
        **_group_fields(plan, given)
    )
    if outcome.order_id:
        result["order_id"] = outcome.order_id
    result["diff"] = dict(
        before=dict(node_group=given, count=plan.before, server_ids=sorted(plan.server_ids)),
        after=dict(node_group=given, count=plan.after, server_ids=[]),
    )
    return result


def failure(error, elapsed, given=None):
    """The failure result of any ``ScaleFailed``: the one place that says what had changed when the task failed.

    ``changed`` is true exactly when a resize was applied (accepted by MRS, or shown by the cluster after a
    lost answer); then, and whenever a plan was made, the result carries what was (or would be) sent.
    ``MrsModule.fail_from_error`` adds the option or API error the cause is about.
    """
    # Imported on a failure only: a no-op task never waits, and AnsiballZ compiles every line a task imports, on every task.
    from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import WaitError, seconds  # pylint: disable=import-outside-toplevel
    cause, outcome = error.cause, error.outcome
    if isinstance(cause, WaitError):
        msg = "%s (cluster %s, waited %s s in %d polls)" % (cause.message, outcome.cluster_id, seconds(cause.elapsed), cause.polls)
    else:
        msg = str(cause)
    msg += failure_advice(outcome, cause)
    result = dict(msg=msg, changed=bool(outcome.applied), cluster_id=outcome.cluster_id, elapsed=round(elapsed, 2), polls=outcome.polls)
    count = reached_count(outcome, cause)
    if count is not None:
        result["count"] = count
    last = cause.last if isinstance(cause, WaitError) and cause.last is not None else outcome.last
    result["cluster"] = last.summary() if last is not None else None
    plan = outcome.plan
    if plan is not None:
        result.update(previous_count=plan.before, scale_type=plan.scale_type, instances=plan.instances,
                      request=plan.body if outcome.sent else None,
                      **_group_fields(plan, plan.node_group if given is None else given))
    return result


def main():
    module = MrsModule(
        argument_spec=ARGUMENT_SPEC,
        mutually_exclusive=[("cluster_id", "cluster_name")],
        required_one_of=[("cluster_id", "cluster_name"), ("count", "server_ids")],
        supports_check_mode=True,
    )
    started = time.monotonic()
    params = module.params
    try:
        cluster_id, cluster_name, request = build_request(params)
    except MrsError as error:
        module.fail_from_error(error)

    scaler = NodeScaler(module.client, wait=params["wait"], timeout=params["wait_timeout"], check_mode=module.check_mode)
    try:
        outcome = scaler.converge(cluster_id, request, cluster_name=cluster_name)
    except ScaleFailed as error:
        module.fail_from_error(error.cause, **failure(error, time.monotonic() - started, params["node_group"]))

    for warning in outcome.plan.warnings:
        module.warn(warning)
    if outcome.order_id:
        module.warn(ORDER_WARNING % (outcome.plan.group_name, outcome.order_id))
    if outcome.order_unknown:
        module.warn(ORDER_LOST_WARNING % outcome.plan.group_name)
    unmatched = unmatched_ids_warning(outcome)
    if unmatched is not None:
        module.warn(unmatched)
    result = summarise(outcome, time.monotonic() - started, params["node_group"])
    if not module._diff:
        del result["diff"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
