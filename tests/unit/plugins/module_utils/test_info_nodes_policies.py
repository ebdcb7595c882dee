# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_nodes.parse_nodes and _policy.group_policies / main_policy: what mrs_cluster_info shows of nodes and policies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._nodes import NODE_KEYS, parse_nodes
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_api import group_policies, main_policy


def node(name="node-1", **extra):
    raw = {"node_name": name, "node_group_name": "node_group_1", "node_status": "started", "resource_id": "r-1",
           "server_info": {"server_id": "s-1", "internal_ip": "192.168.0.5", "server_type": "c6.2xlarge.4.linux.bigdata"},
           "component_infos": [{"role_name": "DataNode", "service_name": "HDFS"}, {"role_name": "NodeManager"}],
           "node_type": "Core"}
    raw.update(extra)
    return raw


def test_a_node_in_the_small_stable_shape():
    (parsed,) = parse_nodes([node()])
    assert parsed == {"name": "node-1", "group": "node_group_1", "status": "started", "ip": "192.168.0.5",
                      "resource_id": "r-1", "server_id": "s-1", "components": ["DataNode", "NodeManager"]}
    assert tuple(sorted(parsed)) == tuple(sorted(NODE_KEYS))


def test_what_the_answer_lacks_is_null_never_made_up():
    (parsed,) = parse_nodes([{"node_name": "n"}])
    assert parsed == dict(dict((key, None) for key in NODE_KEYS), name="n")
    (with_none,) = parse_nodes([node(component_infos=[])])
    assert with_none["components"] == []  # an empty list said so: none; only a missing one is unknown


@pytest.mark.parametrize("answer, field", [
    ({"nodes": []}, "nodes: expected a list"),
    (["node"], "nodes[0]: expected a JSON object"),
    ([node(), {"node_status": "started"}], "nodes[1].node_name: missing or empty"),
    ([node(component_infos="DataNode")], "nodes[0].component_infos: expected a list"),
    ([node(component_infos=[{"service_name": "HDFS"}])], "nodes[0].component_infos[0].role_name: missing or empty"),
    ([node(component_infos=["DataNode"])], "nodes[0].component_infos[0]: expected a JSON object"),
    ([node(server_info="s-1")], "nodes[0].server_info: expected a JSON object"),
])
def test_a_garbled_node_list_fails_naming_the_field(answer, field):
    with pytest.raises(ClusterParseError, match=r"^" + field.replace("[", r"\[").replace("]", r"\]")):
        parse_nodes(answer)


def policy(enabled=True, low=1, high=10, rules=1, plans=0):
    rule = {"name": "grow-%d", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 1,
            "trigger": {"metric_name": "YARNAppRunning", "metric_value": "75", "comparison_operator": "GT",
                        "evaluation_periods": 1}}
    plan = {"period_type": "daily", "start_time": "%02d:00", "end_time": "%02d:30", "min_capacity": 1, "max_capacity": 2}
    return {"auto_scaling_enable": enabled, "min_capacity": low, "max_capacity": high,
            "rules": [dict(rule, name=rule["name"] % index) for index in range(rules)],
            "resources_plans": [dict(plan, start_time=plan["start_time"] % index, end_time=plan["end_time"] % index)
                                for index in range(plans)]}


def entry(group, pool=None, **options):
    listed = {"node_group_name": group, "auto_scaling_policy": policy(**options)}
    if pool is not None:
        listed["resource_pool_name"] = pool
    return listed


def test_each_group_gets_its_policies_and_one_main_policy():
    found = group_policies([entry("task_node_analysis_group", rules=2, plans=1),
                            entry("node_group_1", "pool-b", enabled=False, low=0, high=4, rules=0, plans=0),
                            entry("node_group_1", "default", low=3, high=5)],
                           ["master_node_default_group", "task_node_analysis_group", "node_group_1"])
    assert found["master_node_default_group"] == [] and main_policy([]) is None
    (task,) = found["task_node_analysis_group"]
    assert task == {"resource_pool": "default", "enabled": True, "min_capacity": 1, "max_capacity": 10, "rule_count": 2,
                    "plan_count": 1}
    assert [summary["resource_pool"] for summary in found["node_group_1"]] == ["default", "pool-b"]
    assert main_policy(found["node_group_1"])["min_capacity"] == 3


def test_main_policy_is_the_default_pool_or_the_only_one():
    only = [{"resource_pool": "pool-a"}]
    assert main_policy(only) is only[0]
    assert main_policy([{"resource_pool": "pool-a"}, {"resource_pool": "pool-b"}]) is None


def test_policy_not_found_means_none_and_unknown_groups_are_kept_apart():
    assert group_policies([], ["a"]) == {"a": []}  # list_policies answers [] for MRS's "policy not found"
    assert sorted(group_policies([entry("gone_group")], ["a"])) == ["a", "gone_group"]


@pytest.mark.parametrize("listed, words", [
    ({"policies": []}, "not a list"),
    (["x"], "entry 0 of the auto-scaling policy list names no node group"),
    ([{"node_group_name": "g", "auto_scaling_policy": None}], "policy of node group g is not an object"),
    ([entry("g", low=7, high=3)], "policy of node group g cannot be read: min_capacity"),
    ([{"node_group_name": "g", "auto_scaling_policy": dict(policy(), auto_scaling_enable="yes")}], "node group g cannot be read: enabled"),
])
def test_a_policy_answer_that_cannot_be_read_fails_naming_the_group(listed, words):
    with pytest.raises(MrsError, match=words):
        group_policies(listed, ["g"])
