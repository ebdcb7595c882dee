#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mrs_autoscaling_policy
short_description: Manage the auto-scaling policy of a Huawei Cloud MRS node group
version_added: 1.0.0
description:
  - Creates, updates or deletes the auto-scaling policy (rules on YARN metrics, time-window resource plans) of one
    node group of a MapReduce Service (MRS) cluster, through the v2 API C(/v2/{project_id}/autoscaling-policy/{cluster_id}).
  - Declarative. With O(state=present) the group's policy becomes exactly what the options say (rules or plans left
    out are removed). The module reads the policies once, compares the normalised policy (rule order, day order,
    C(9:00) against C(09:00), C(25) against C(25.0) do not count as changes) and writes only on a difference.
  - MRS's "policy not found" (C(MRS.00005016)) answered to the policy list means the cluster has none.
  - Every documented limit is checked before any request, and a failure names the option path, for example
    C(rules[1].trigger.evaluation_periods) (indexes from 0).
  - While a group's policy is enabled, MRS refuses a manual resize of that group (error 12000124);
    M(hwcloud.mrs.mrs_cluster_nodes) reads the policy and refuses such a resize before sending it. Disable the policy
    with O(enabled=false), or change O(min_capacity) and O(max_capacity).
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
extends_documentation_fragment:
  - hwcloud.mrs.connection
  - hwcloud.mrs.attributes
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: Reads the policy and returns the policy it would write, without writing.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details: The policy before and after, rules keyed by name and plans by time window, so the diff shows the rule that changes.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details: A second run reads the policies once and changes nothing.
options:
  cluster_id:
    description:
      - ID of the cluster. Exactly one of O(cluster_id) and O(cluster_name) is required.
    type: str
  cluster_name:
    description:
      - Name of the cluster, resolved through the cluster list. Fails when no live cluster or more than one has that name.
    type: str
  node_group:
    description:
      - The node group. V(core) and V(task) mean the cluster's first Core or Task group as MRS names them (for
        example V(core_node_analysis_group), V(task_node_analysis_group)); they cost one read of the cluster when
        O(cluster_id) is given. Any other value is the group's name, for example V(node_group_1) on a custom cluster.
    type: str
    required: true
  resource_pool_name:
    description:
      - The resource pool. V(default) is the node group itself; another name sets the policy of that pool of the group
        (MRS versions that support resource pools).
    type: str
    default: default
  state:
    description:
      - V(present) creates or updates the policy, V(absent) deletes it (a policy that is not there is no change).
      - V(read) only reads the group's policy and returns it (RV(policy), RV(options)), and the policies of all the
        group's resource pools (RV(resource_pools)); it never writes and is never a change. A V(core) or V(task) group
        the cluster does not have reads as no policy. The role C(hwcloud.mrs.cluster_scale) reads the policies this way
        before it pauses them, and gives each pool's C(options) back to restore it exactly.
    type: str
    choices: [present, absent, read]
    default: present
  enabled:
    description:
      - Whether the policy acts (C(auto_scaling_enable)). An enabled policy needs at least one rule or resource plan.
    type: bool
    default: true
  min_capacity:
    description:
      - The fewest nodes the policy keeps in the group, 0 to 500, at most O(max_capacity). Required with O(state=present).
    type: int
  max_capacity:
    description:
      - The most nodes the policy lets the group have, 0 to 500. Required with O(state=present).
    type: int
  rules:
    description:
      - The scaling rules; names unique in the group.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Rule name, 1 to 64 letters, digits, V(_) or V(-). Required.
        type: str
      description:
        description: Free text, at most 1024 characters.
        type: str
      adjustment_type:
        description: V(scale_out) or V(scale_in). Required.
        type: str
      cool_down_minutes:
        description: Minutes the group rests after the rule fired, 0 to 10080 (a week). Required.
        type: int
      scaling_adjustment:
        description: Nodes added or removed each time the rule fires, 1 to 100. Required.
        type: int
      trigger:
        description: The condition. Required.
        type: dict
        suboptions:
          metric_name:
            description: The metric, for example V(YARNAppPending) or V(YARNMemoryAvailablePercentage); at most 64 characters. Required.
            type: str
          metric_value:
            description: The threshold, an integer or a number with at most two decimals (a string or a number). Required.
            type: raw
          comparison_operator:
            description: V(LT), V(GT), V(LTOE) or V(GTOE). Required.
            type: str
          evaluation_periods:
            description: Consecutive 5-minute periods the condition must hold, 1 to 288. Required.
            type: int
  resources_plans:
    description:
      - Time windows with their own capacity bounds (C(ResourcesPlan)).
    type: list
    elements: dict
    default: []
    suboptions:
      period_type:
        description: V(daily), the only period MRS has.
        type: str
        default: daily
      start_time:
        description: Start, V(HH:mm) from V(00:00) to V(23:59). Required.
        type: str
      end_time:
        description: End, V(HH:mm), at least 30 minutes after O(resources_plans[].start_time). Required.
        type: str
      min_capacity:
        description: The fewest nodes during the window, 0 to 500. Required.
        type: int
      max_capacity:
        description: The most nodes during the window, 0 to 500. Required.
        type: int
      effective_days:
        description: Days the plan applies (V(MONDAY) ... V(SUNDAY)); empty means every day.
        type: list
        elements: str
        default: []
  tags:
    description:
      - Tags of the policy, keys unique, key 1 to 36 and value at most 43 characters.
    type: list
    elements: dict
    default: []
    suboptions:
      key:
        description: Tag key.
        type: str
      value:
        description: Tag value.
        type: str
        default: ""
seealso:
  - module: hwcloud.mrs.mrs_cluster_nodes
  - module: hwcloud.mrs.mrs_cluster_info
"""

EXAMPLES = r"""
- name: Grow the Task group on pending YARN memory, shrink it when idle, 2 to 20 nodes
  hwcloud.mrs.mrs_autoscaling_policy:
    cluster_name: analytics-prod
    node_group: task
    min_capacity: 2
    max_capacity: 20
    rules:
      - name: grow
        adjustment_type: scale_out
        cool_down_minutes: 20
        scaling_adjustment: 2
        trigger: {metric_name: YARNMemoryAvailablePercentage, metric_value: 25, comparison_operator: LT, evaluation_periods: 3}
      - name: shrink
        adjustment_type: scale_in
        cool_down_minutes: 20
        scaling_adjustment: 1
        trigger: {metric_name: YARNMemoryAvailablePercentage, metric_value: 70, comparison_operator: GT, evaluation_periods: 6}
    resources_plans:
      - {start_time: "08:00", end_time: "18:00", min_capacity: 6, max_capacity: 20, effective_days: [MONDAY, TUESDAY, WEDNESDAY]}

- name: Pause the policy (a manual resize of the group is refused while it is enabled)
  hwcloud.mrs.mrs_autoscaling_policy:
    cluster_id: 4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21
    node_group: task_node_analysis_group
    enabled: false
    min_capacity: 2
    max_capacity: 20

- name: Remove it
  hwcloud.mrs.mrs_autoscaling_policy:
    cluster_id: 4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21
    node_group: task
    state: absent
"""

RETURN = r"""
policy:
  description:
    - The group's auto-scaling policy as MRS holds it after the task (C(auto_scaling_enable), C(min_capacity),
      C(max_capacity), C(rules), C(resources_plans), C(tags)); in check mode the policy that would be written.
    - Null when the group has no policy.
  returned: always
  type: dict
  sample: {"auto_scaling_enable": true, "min_capacity": 2, "max_capacity": 20, "rules": [], "resources_plans": [], "tags": []}
options:
  description:
    - The group's policy as MRS held it before the task, normalised and in this module's option names (O(enabled),
      O(min_capacity), O(max_capacity), O(rules), O(resources_plans), O(tags)). Given back to the module as they are,
      they write that very policy again. Null when the group had no policy.
  returned: always
  type: dict
  sample: {"enabled": true, "min_capacity": 2, "max_capacity": 20, "rules": [], "resources_plans": [], "tags": []}
resource_pools:
  description:
    - With O(state=read), every policy the group has, one per resource pool (V(default) is the group itself), each
      with its C(resource_pool_name) and its C(options) as in RV(options). Empty when the group has none.
  returned: when state=read
  type: list
  elements: dict
  version_added: 1.1.0
  sample: [{"resource_pool_name": "default", "options": {"enabled": true, "min_capacity": 2, "max_capacity": 20, "rules": [],
            "resources_plans": [], "tags": []}}]
cluster_id:
  description: The cluster's ID.
  returned: always
  type: str
node_group:
  description: The node group's name as MRS knows it (V(core) and V(task) resolved).
  returned: always
  type: str
changes:
  description: What changed (or would change), one line per field or rule, for example C(rules.grow.scaling_adjustment 2 -> 3).
  returned: always
  type: list
  elements: str
  sample: ["rules.grow.scaling_adjustment: 2 -> 3", "rules.shrink: added"]
"""

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._module import MrsModule
from ansible_collections.hwcloud.mrs.plugins.module_utils._planner import API_GROUP_NAMES, GroupNotListed, check_id, listed_group
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy import (
    PolicyError, as_options, changes, check_target, diff_view, from_options, held_policy, list_policies, normal_held,
    normalise, pool_policies, request_body)
from ansible_collections.hwcloud.mrs.plugins.module_utils._scaling import NodeScaler

TRIGGER_SPEC = dict(metric_name=dict(type="str"), metric_value=dict(type="raw"), comparison_operator=dict(type="str"),
                    evaluation_periods=dict(type="int"))
RULE_SPEC = dict(name=dict(type="str"), description=dict(type="str"), adjustment_type=dict(type="str"),
                 cool_down_minutes=dict(type="int"), scaling_adjustment=dict(type="int"),
                 trigger=dict(type="dict", options=TRIGGER_SPEC))
PLAN_SPEC = dict(period_type=dict(type="str", default="daily"), start_time=dict(type="str"), end_time=dict(type="str"),
                 min_capacity=dict(type="int"), max_capacity=dict(type="int"),
                 effective_days=dict(type="list", elements="str", default=[]))
TAG_SPEC = dict(key=dict(type="str", no_log=False), value=dict(type="str", default=""))
ARGUMENT_SPEC = dict(
    cluster_id=dict(type="str"),
    cluster_name=dict(type="str"),
    node_group=dict(type="str", required=True),
    resource_pool_name=dict(type="str", default="default"),
    state=dict(type="str", choices=["present", "absent", "read"], default="present"),
    enabled=dict(type="bool", default=True),
    min_capacity=dict(type="int"),
    max_capacity=dict(type="int"),
    rules=dict(type="list", elements="dict", default=[], options=RULE_SPEC),
    resources_plans=dict(type="list", elements="dict", default=[], options=PLAN_SPEC),
    tags=dict(type="list", elements="dict", default=[], options=TAG_SPEC),
)


def _without_nones(value):
    """Sub-options the play left out arrive as None: drop them, so the checks say "is required" for what is missing."""
    if isinstance(value, dict):
        return dict((key, _without_nones(item)) for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return [_without_nones(item) for item in value]
    return value


def desired_policy(params):
    """The normalised policy the options describe, or None for state=absent; raises PolicyError before any request."""
    if params["cluster_id"] is not None:
        check_id("cluster_id", params["cluster_id"])
    check_target(params["node_group"], params["resource_pool_name"])
    if params["state"] in ("absent", "read"):
        return None
    for name in ("min_capacity", "max_capacity"):
        if params[name] is None:
            raise PolicyError(name, "is required with state: present")
    return normalise(_without_nones(from_options(params)))


def locate(client, params):
    """(cluster_id, group name): the cluster by id or through the list (NodeScaler.find_cluster), core/task resolved."""
    raw = None
    cluster_id = params["cluster_id"]
    if cluster_id is None:
        raw = NodeScaler(client).find_cluster(params["cluster_name"])
        cluster_id = parse_cluster(raw).cluster_id
    node_group = params["node_group"]
    if node_group in API_GROUP_NAMES:
        view = parse_cluster(raw) if raw is not None and raw.get("nodeGroups") else parse_cluster(client.get_cluster(cluster_id))
        node_group = listed_group(view, node_group)
    return cluster_id, node_group


def read(client, params):
    """state=read: the group's policy, never a write; a core/task group the cluster lacks has none."""
    try:
        cluster_id, node_group = locate(client, params)
    except GroupNotListed:
        cluster_id = params["cluster_id"]
        return dict(changed=False, cluster_id=cluster_id, node_group=None, changes=[], policy=None, options=None, resource_pools=[])
    listed = list_policies(client, cluster_id)
    held = held_policy(listed, node_group, params["resource_pool_name"])
    normal = normal_held(held) if held is not None else None
    pools = [dict(resource_pool_name=pool, options=as_options(normal_held(policy))) for pool, policy in pool_policies(listed, node_group)]
    return dict(changed=False, cluster_id=cluster_id, node_group=node_group, changes=[], policy=held, options=as_options(normal),
                resource_pools=pools)


def run(module):
    params = module.params
    desired = desired_policy(params)
    client = module.client
    if params["state"] == "read":
        return read(client, params)
    cluster_id, node_group = locate(client, params)
    pool = params["resource_pool_name"]
    held = held_policy(list_policies(client, cluster_id), node_group, pool)
    before = normal_held(held) if held is not None else None
    result = dict(changed=before != desired, options=as_options(before), cluster_id=cluster_id, node_group=node_group,
                  changes=changes(before, desired), policy=held)
    if module._diff:
        result["diff"] = dict(before=diff_view(before), after=diff_view(desired))
    if not result["changed"]:
        return result
    body = request_body(node_group, pool, desired) if desired is not None else None
    if module.check_mode:
        result["policy"] = body["auto_scaling_policy"] if body else None
        return result
    if desired is None:
        client.delete_policy(cluster_id, node_group, pool)
        result["policy"] = None
        return result
    if before is None:
        client.create_policy(cluster_id, body)
    else:
        client.update_policy(cluster_id, body)
    try:
        result["policy"] = held_policy(list_policies(client, cluster_id), node_group, pool)
    except MrsError as error:
        raise Written(error, result)
    return result


class Written(MrsError):
    """The write was accepted but what followed failed: the task changed the policy and says so."""

    def __init__(self, cause, result):
        super(Written, self).__init__("the policy was written, but reading it back failed: %s" % cause)
        self.result = result


def main():
    module = MrsModule(argument_spec=ARGUMENT_SPEC, mutually_exclusive=[("cluster_id", "cluster_name")],
                       required_one_of=[("cluster_id", "cluster_name")], supports_check_mode=True)
    try:
        result = run(module)
    except PolicyError as error:
        module.fail_from_error(error, parameter=error.parameter)
    except Written as error:
        module.fail_from_error(error, **dict(error.result, changed=True, policy=None))
    except MrsError as error:  # the collection's own errors only; anything else is a bug to see
        module.fail_from_error(error)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
