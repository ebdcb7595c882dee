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
    Task node group of a MapReduce Service (MRS) cluster, through the v2 API C(/v2/{project_id}/autoscaling-policy/{cluster_id}).
  - An option the task leaves out keeps what MRS holds. With O(state=present) the options given change the group's
    policy and nothing else; O(enabled=false) alone pauses the policy and keeps its rules, plans, bounds and tags. A list
    given (O(rules), O(resources_plans), O(tags)) replaces MRS's list, or is merged into it with its C(purge_*) option
    false, as amazon.aws's C(purge_tags) does; an empty list given with C(purge_*) true empties it on purpose.
  - The module reads the cluster and its policies once each, compares the normalised policy (rule order, day order,
    C(9:00) against C(09:00), C(25) against C(25.0), what MRS fills in itself do not count as changes) and writes only
    on a difference. MRS's "policy not found" (C(MRS.00005016)) answered to the policy list means the cluster has none.
  - A write whose answer is lost (a 5xx after MRS applied it, an unreadable answer, a redirect, a connection reset after
    sending) is never sent again. The module reads the policies back, and C(changed) is true exactly when MRS
    holds the policy asked. When the read shows the write did not take effect, the task fails saying so (running it
    again is safe).
  - Every limit every source agrees on is checked before any request, and a failure names the option path, for example
    C(rules[1].trigger.evaluation_periods) (indexes from 0). Where the sources disagree (C(cool_down_minutes) from 0 or
    from 5, C(evaluation_periods) up to 288 or 200, at most 20 tags or any number), MRS decides, and its refusal is
    explained. The group is checked against the cluster before any write too, see O(node_group).
  - While a group's policy is enabled, MRS refuses a manual resize of that group (error 12000124);
    M(hwcloud.mrs.mrs_cluster_nodes) reads the policy and refuses such a resize before sending it. Pause the policy
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
    details: Reads the cluster and the policy and returns the policy it would write, without writing.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details: The policy before and after, rules keyed by name and plans by time window, so the diff shows the rule that changes.
  idempotent:
    description: When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
    details: A second run reads the cluster and the policies once each and changes nothing.
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
      - The node group, resolved on the cluster as M(hwcloud.mrs.mrs_cluster_nodes) resolves it. V(core) and V(task) (in
        any case) mean the cluster's one Core or Task group as MRS names it (for example V(task_node_analysis_group));
        any other value is the group's name, for example V(node_group_2) on a custom cluster. A group the cluster does
        not have is refused before any write.
      - MRS applies auto-scaling policies to Task groups only, and only one node group of a cluster may have an enabled
        policy (Huawei MRS user guide, mrs_01_24728). So, before any write, the module refuses to create a policy on a
        group that is not a Task group (on a custom cluster, the Task groups are those its C(taskNodeGroups) lists) or
        to leave one enabled there, and refuses to leave this group's policy enabled while another group's is, naming
        that group. Deleting such a policy, or disabling one, goes through.
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
        the cluster does not have reads as no policy (and V(absent) of it is no change). The role
        C(hwcloud.mrs.cluster_scale) reads the policies this way before it pauses them, and gives each pool's C(options)
        back to restore it exactly.
    type: str
    choices: [present, absent, read]
    default: present
  enabled:
    description:
      - Whether the policy acts (C(auto_scaling_enable)). An enabled policy needs at least one rule or resource plan.
      - Left out, the policy keeps the state MRS holds; a policy created without it is enabled.
      - Before 1.1.0 this option defaulted to V(true), so a task that left it out enabled a paused policy.
    type: bool
  min_capacity:
    description:
      - The fewest nodes the policy keeps in the group, 0 to 500, at most O(max_capacity).
      - Left out, the policy keeps the one MRS holds. Required to create a policy.
    type: int
  max_capacity:
    description:
      - The most nodes the policy lets the group have, 0 to 500.
      - Left out, the policy keeps the one MRS holds. Required to create a policy.
    type: int
  rules:
    description:
      - The scaling rules; names unique in the group.
      - Left out, the policy keeps the rules MRS holds. Given, they replace them (O(purge_rules=true)) or are merged in
        by name (O(purge_rules=false)). V([]) removes every rule.
      - Before 1.1.0 this option defaulted to V([]), so a task that left it out removed the rules.
    type: list
    elements: dict
    suboptions:
      name:
        description: Rule name, 1 to 64 letters, digits, V(_) or V(-). Required.
        type: str
      description:
        description:
          - Free text, at most 1024 characters. Left out, the rule keeps the description MRS holds for a rule of that
            name. V("") removes it.
        type: str
      adjustment_type:
        description: V(scale_out) or V(scale_in). Required.
        type: str
      cool_down_minutes:
        description:
          - Minutes the group rests after the rule fired, 0 to 10080 (a week). Required.
          - Huawei's Terraform provider documents 5 to 10080; the vendor SDK and the API reference 0 to 10080, so 0 to 4
            are sent and MRS decides.
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
            description:
              - V(LT), V(GT), V(LTOE) or V(GTOE).
              - Optional, as in the vendor SDK's C(Trigger). Left out, the rule keeps the operator MRS holds for a rule of
                that name; a new rule without it is sent without it and MRS fills it in.
            type: str
          evaluation_periods:
            description:
              - Consecutive 5-minute periods the condition must hold, 1 to 288. Required.
              - Huawei's Terraform provider documents 1 to 200; the vendor SDK and the API reference 1 to 288, so 201 to 288
                are sent and MRS decides.
            type: int
  purge_rules:
    description:
      - With O(rules) given, whether rules MRS holds that O(rules) does not name are removed (V(true)), or kept and the
        rules given merged in by name (V(false)). Without O(rules), the rules are not changed whatever this says.
    type: bool
    default: true
    version_added: 1.1.0
  resources_plans:
    description:
      - Time windows with their own capacity bounds (C(ResourcesPlan)).
      - Left out, the policy keeps the plans MRS holds. Given, they replace them (O(purge_resources_plans=true)) or are
        merged in by window (O(purge_resources_plans=false), a plan with the same start, end and days replacing that
        one). V([]) removes every plan.
      - Before 1.1.0 this option defaulted to V([]), so a task that left it out removed the plans.
    type: list
    elements: dict
    suboptions:
      period_type:
        description: V(daily), the only period MRS has.
        type: str
        default: daily
      start_time:
        description: Start, V(HH:mm) from V(00:00) to V(23:59), quoted (an unquoted V(9:30) is the number 570 in YAML). Required.
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
  purge_resources_plans:
    description:
      - With O(resources_plans) given, whether plans MRS holds that O(resources_plans) does not list are removed (V(true)),
        or kept (V(false)). Without O(resources_plans), the plans are not changed whatever this says.
    type: bool
    default: true
    version_added: 1.1.0
  tags:
    description:
      - Tags of the policy, keys unique, key 1 to 36 and value at most 43 characters. Huawei's Terraform provider
        documents at most 20 tags; the vendor SDK and the API reference no limit, so MRS decides.
      - Left out, the policy keeps the tags MRS holds. Given, they replace them (O(purge_tags=true)) or are merged in by
        key (O(purge_tags=false)). V([]) removes every tag.
      - Before 1.1.0 this option defaulted to V([]), so a task that left it out removed the tags.
    type: list
    elements: dict
    suboptions:
      key:
        description: Tag key.
        type: str
      value:
        description: Tag value.
        type: str
        default: ""
  purge_tags:
    description:
      - With O(tags) given, whether tags MRS holds that O(tags) does not name are removed (V(true)), or kept (V(false)).
        Without O(tags), the tags are not changed whatever this says.
    type: bool
    default: true
    version_added: 1.1.0
seealso:
  - module: hwcloud.mrs.mrs_cluster_nodes
  - module: hwcloud.mrs.mrs_cluster_info
  - name: Adding an Auto Scaling Policy for MRS Task Nodes (Huawei MRS user guide)
    description: Auto-scaling applies to Task nodes; only one node group of a cluster may have an enabled policy.
    link: https://support.huaweicloud.com/intl/en-us/eu-west-0-usermanual-mrs/mrs_01_24728.html
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

- name: Pause the policy (a manual resize of the group is refused while it is enabled); rules, plans and bounds stay
  hwcloud.mrs.mrs_autoscaling_policy:
    cluster_id: 4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21
    node_group: task_node_analysis_group
    enabled: false

- name: Resume it, exactly as it was
  hwcloud.mrs.mrs_autoscaling_policy:
    cluster_id: 4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21
    node_group: task_node_analysis_group
    enabled: true

- name: Change one rule, keep the other rules, the plans and the tags
  hwcloud.mrs.mrs_autoscaling_policy:
    cluster_name: analytics-prod
    node_group: task
    purge_rules: false
    rules:
      - name: grow
        adjustment_type: scale_out
        cool_down_minutes: 10
        scaling_adjustment: 4
        trigger: {metric_name: YARNMemoryAvailablePercentage, metric_value: 20, comparison_operator: LT, evaluation_periods: 2}

- name: Remove every resource plan on purpose, keep the rules
  hwcloud.mrs.mrs_autoscaling_policy:
    cluster_name: analytics-prod
    node_group: task
    resources_plans: []

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
  description:
    - The node group's name as MRS knows it (V(core) and V(task) resolved).
    - Null when O(state=read) or O(state=absent) named V(core) or V(task) and the cluster has no such group.
  returned: always
  type: str
changes:
  description: What changed (or would change), one line per field or rule, for example C(rules.grow.scaling_adjustment 2 -> 3).
  returned: always
  type: list
  elements: str
  sample: ["rules.grow.scaling_adjustment: 2 -> 3", "rules.shrink: added"]
"""

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, with_context
from ansible_collections.hwcloud.mrs.plugins.module_utils._lookup import find_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._module import MrsModule
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import check_id, one_live_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_api import (
    POLICY_NOT_FOUND, held_policy, list_policies, normal_held, pool_policies, request_body)
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_options import LISTS, check_target, from_options, option_parts
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_rules import as_options, changes, check_whole, diff_view, disputed, matches, merge
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_scope import check_one_enabled, check_task_group, target_group

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
    enabled=dict(type="bool"),
    min_capacity=dict(type="int"),
    max_capacity=dict(type="int"),
    rules=dict(type="list", elements="dict", options=RULE_SPEC),
    purge_rules=dict(type="bool", default=True),
    resources_plans=dict(type="list", elements="dict", options=PLAN_SPEC),
    purge_resources_plans=dict(type="bool", default=True),
    tags=dict(type="list", elements="dict", options=TAG_SPEC),
    purge_tags=dict(type="bool", default=True),
)
LOST = "; the request may or may not have been applied"


class Failed(MrsError):
    """The task fails with these return values (``result``): what was written, and what MRS holds."""

    def __init__(self, message, result):
        super(Failed, self).__init__(message)
        self.result = result


def _without_nones(value):
    """Sub-options the play left out arrive as None: drop them, so a left-out option is left out (and "is required"
    is said of what a rule or plan must have)."""
    if isinstance(value, dict):
        return dict((key, _without_nones(item)) for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return [_without_nones(item) for item in value]
    return value


def wanted_parts(params):
    """What the options give of the policy (``_policy_options.option_parts``), or None for state=absent / read; raises
    PlanError before any request."""
    if params["cluster_id"] is not None:
        check_id("cluster_id", params["cluster_id"])
    check_target(params["node_group"], params["resource_pool_name"])
    if params["state"] != "present":
        return None
    return option_parts(_without_nones(from_options(params)))


def locate(client, params):
    """The view of the one live cluster the options name: by id, or through the list (the details read as well when
    the list's entry does not describe the groups: a custom cluster's Task groups are those ``taskNodeGroups`` names)."""
    if params["cluster_id"] is not None:
        return one_live_cluster([parse_cluster(client.get_cluster(params["cluster_id"]))])
    raw = find_cluster(client, params["cluster_name"])
    view = parse_cluster(raw)
    if not raw.get("nodeGroups") or ("taskNodeGroups" not in raw and view.is_custom):
        view = parse_cluster(client.get_cluster(view.cluster_id))
    return view


def read(listed, cluster_id, node_group, pool):
    """state=read: the group's policy, never a write."""
    held = held_policy(listed, node_group, pool)
    normal = normal_held(held) if held is not None else None
    pools = [dict(resource_pool_name=name, options=as_options(normal_held(policy))) for name, policy in pool_policies(listed, node_group)]
    return dict(changed=False, cluster_id=cluster_id, node_group=node_group, changes=[], policy=held, options=as_options(normal),
                resource_pools=pools)


def run(module):
    params = module.params
    parts = wanted_parts(params)
    client = module.client
    view = locate(client, params)
    node_group = target_group(view, params["node_group"], reading=params["state"] != "present")
    if node_group is None:  # core / task on a cluster without such a group: no policy to read or delete
        result = dict(changed=False, cluster_id=view.cluster_id, node_group=None, changes=[], policy=None, options=None)
        return dict(result, resource_pools=[]) if params["state"] == "read" else result
    pool = params["resource_pool_name"]
    listed = list_policies(client, view.cluster_id)
    if params["state"] == "read":
        return read(listed, view.cluster_id, node_group, pool)
    held = held_policy(listed, node_group, pool)
    before = normal_held(held) if held is not None else None
    wanted = None
    if parts is not None:
        purge = dict((name, params["purge_" + name]) for name in LISTS)
        wanted = check_whole(merge(before, parts, purge), parts, node_group)
        check_task_group(view, node_group, before, wanted)
        check_one_enabled(listed, node_group, wanted)
    changed = not matches(before, wanted)
    result = dict(changed=changed, options=as_options(before), cluster_id=view.cluster_id, node_group=node_group,
                  changes=changes(before, wanted) if changed else [], policy=held)
    if module._diff:
        result["diff"] = dict(before=diff_view(before), after=diff_view(wanted))
    if not changed:
        return result
    if module.check_mode:
        result["policy"] = request_body(node_group, pool, wanted)["auto_scaling_policy"] if wanted is not None else None
        return result
    result["policy"] = write(client, result, pool, before, wanted)
    return result


def write(client, result, pool, before, wanted):
    """Send the one write of the change and return the policy MRS holds after it (None after a delete). A write whose
    answer was lost is settled by reading the policies, never sent again (``settle``)."""
    cluster_id, node_group = result["cluster_id"], result["node_group"]
    try:
        if wanted is None:
            client.delete_policy(cluster_id, node_group, pool)
        elif before is None:
            client.create_policy(cluster_id, request_body(node_group, pool, wanted))
        else:
            client.update_policy(cluster_id, request_body(node_group, pool, wanted))
    except ResizeOutcomeUnknown as error:
        return settle(client, result, pool, before, wanted, str(error).replace(LOST, ""))
    except MrsApiError as error:
        if wanted is None and error.code == POLICY_NOT_FOUND:  # gone since the read: another actor deleted it
            result.update(changed=False, changes=[])
            return None
        explanation = explained(error, wanted)
        if explanation is None:
            raise
        raise explanation from error
    if wanted is None:
        return None
    try:
        return held_policy(list_policies(client, cluster_id), node_group, pool)
    except MrsError as error:
        raise Failed("the policy was written, but reading it back failed: %s" % error, dict(result, policy=None))


def settle(client, result, pool, before, wanted, cause):
    """The write's answer was lost (a 5xx, an unreadable answer, a redirect, a connection reset after sending): read the
    policies back. ``changed`` exactly when MRS holds the policy asked; else fail saying what MRS holds."""
    what = "deletion" if wanted is None else "creation" if before is None else "update"
    where = "of node group %s (resource pool %s)" % (result["node_group"], pool)
    try:
        held = held_policy(list_policies(client, result["cluster_id"]), result["node_group"], pool)
        after = normal_held(held) if held is not None else None
    except MrsError as error:
        raise Failed("the answer to the %s of the auto-scaling policy %s was lost (%s), and reading the policies back to "
                     "settle it failed too (%s): whether it took effect is unknown. Run the task again: it reads the policy "
                     "first and writes only what MRS does not hold yet" % (what, where, cause, error),
                     dict(result, changed=False, policy=None))
    if matches(after, wanted):
        return held
    failed = dict(result, changed=False, changes=[], policy=held)
    if matches(after, before):
        raise Failed("the %s of the auto-scaling policy %s did not take effect: its answer was lost (%s) and MRS still holds "
                     "the policy as it was. Nothing changed; the task may be safely run again" % (what, where, cause), failed)
    raise Failed("the answer to the %s of the auto-scaling policy %s was lost (%s), and MRS now holds neither the policy "
                 "asked nor the one before (another actor changed it meanwhile?): %s. Nothing more was written; read it "
                 "with state: read before running the task again" % (what, where, cause, "; ".join(changes(before, after))), failed)


def explained(error, wanted):
    """MRS refused the write: where the sources disagree on a limit the policy is near, the refusal saying so beside MRS's
    answer; None when there is nothing to add."""
    notes = disputed(wanted) if wanted is not None and 400 <= (error.status or 0) < 500 else []
    if not notes:
        return None
    return with_context(error, "%s. Where the sources disagree on a limit, this policy has: %s; MRS may hold the stricter "
                        "limit (see the module's guide, docs/mrs_autoscaling_policy.md)" % (error.describe(), "; ".join(notes)))


def main():
    module = MrsModule(argument_spec=ARGUMENT_SPEC, mutually_exclusive=[("cluster_id", "cluster_name")],
                       required_one_of=[("cluster_id", "cluster_name")], supports_check_mode=True)
    try:
        result = run(module)
    except Failed as error:
        module.fail_from_error(error, **error.result)
    except MrsError as error:  # the collection's own errors only; anything else is a bug to see
        module.fail_from_error(error)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
