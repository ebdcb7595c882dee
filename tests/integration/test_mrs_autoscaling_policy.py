"""mrs_autoscaling_policy through real ansible-playbook runs on the emulator: create, update, no-op, check, diff,
delete; invalid policies refused before any request; a manual resize under an enabled policy refused by MRS."""

import copy
import json

GROW = {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": 2,
        "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": 25, "comparison_operator": "LT", "evaluation_periods": 3}}
SHRINK = {"name": "shrink", "description": "idle", "adjustment_type": "scale_in", "cool_down_minutes": 30, "scaling_adjustment": 1,
          "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": "70.5", "comparison_operator": "GTOE",
                      "evaluation_periods": 6}}
PLAN = {"start_time": "9:00", "end_time": "18:00", "min_capacity": 3, "max_capacity": 8, "effective_days": ["FRIDAY", "MONDAY"]}
POLICY = {"node_group": "task", "min_capacity": 1, "max_capacity": 10, "rules": [GROW, SHRINK], "resources_plans": [PLAN],
          "tags": [{"key": "team", "value": "data"}]}


def apply(playbook, tmp_path, policies, *args):
    result_file = tmp_path / "result.json"
    if result_file.exists():
        result_file.unlink()
    run = playbook("autoscaling_policy", *args, policies=policies, result_file=str(result_file))
    assert run.rc == 0, run
    return json.loads(result_file.read_text())


def writes(mrs):
    return [entry for entry in mrs.requests_log() if entry["method"] != "GET"]


def policy_reads(mrs):
    return [entry for entry in mrs.requests_log() if entry["method"] == "GET" and "autoscaling-policy" in entry["path"]]


def case(cid, **fields):
    return dict(copy.deepcopy(POLICY), cluster_id=cid, **fields)


def test_create_update_noop_check_diff_delete(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="policies", core=3, task=2)["clusterId"]
    mrs.clear_requests()
    (created,) = apply(playbook, tmp_path, [case(cid)])
    assert created["changed"] is True and not created.get("failed"), created
    assert created["node_group"] == "task_node_analysis_group" and created["changes"] == ["policy: created"]
    held = created["policy"]
    assert (held["auto_scaling_enable"], held["min_capacity"], held["max_capacity"]) == (True, 1, 10)
    assert {rule["name"] for rule in held["rules"]} == {"grow", "shrink"}
    assert held["resources_plans"][0]["start_time"] == "09:00" and held["resources_plans"][0]["effective_days"] == ["MONDAY", "FRIDAY"]
    (post,) = writes(mrs)
    assert post["method"] == "POST" and post["path"].endswith("/autoscaling-policy/" + cid)
    assert post["body"]["node_group_name"] == "task_node_analysis_group" and post["body"]["resource_pool_name"] == "default"
    assert [rule["trigger"]["metric_value"] for rule in post["body"]["auto_scaling_policy"]["rules"]] == ["25", "70.5"]

    # no-op re-run by group name: the cluster (the group is checked against it) and the policies read once, nothing written
    mrs.clear_requests()
    (again,) = apply(playbook, tmp_path, [case(cid, node_group="task_node_analysis_group")])
    assert again["changed"] is False and again["changes"] == [], again
    assert len(mrs.requests_log()) == 2 and len(policy_reads(mrs)) == 1 and writes(mrs) == []

    # check mode + diff: one rule changes; nothing is sent
    changed = case(cid, node_group="task_node_analysis_group")
    changed["rules"][1]["trigger"]["evaluation_periods"] = 12
    mrs.clear_requests()
    (checked,) = apply(playbook, tmp_path, [changed], "--check", "--diff")
    assert checked["changed"] is True and writes(mrs) == []
    assert checked["changes"] == ["rules.shrink.trigger.evaluation_periods: 6 -> 12"]
    assert checked["diff"]["before"]["rules"]["shrink"]["trigger"]["evaluation_periods"] == 6
    assert checked["diff"]["after"]["rules"]["shrink"]["trigger"]["evaluation_periods"] == 12
    assert checked["diff"]["before"]["rules"]["grow"] == checked["diff"]["after"]["rules"]["grow"]
    assert checked["policy"]["rules"][1]["trigger"]["evaluation_periods"] == 12

    # the update: one PUT, the policy as MRS holds it
    mrs.clear_requests()
    (updated,) = apply(playbook, tmp_path, [changed])
    assert updated["changed"] is True
    assert [entry["method"] for entry in writes(mrs)] == ["PUT"]
    shrink = [rule for rule in updated["policy"]["rules"] if rule["name"] == "shrink"][0]
    assert shrink["trigger"]["evaluation_periods"] == 12

    # delete, delete again
    mrs.clear_requests()
    gone, still_gone = apply(playbook, tmp_path, [{"cluster_id": cid, "state": "absent"}, {"cluster_name": "policies", "state": "absent"}])
    assert (gone["changed"], gone["policy"], still_gone["changed"]) == (True, None, False), (gone, still_gone)
    assert [entry["method"] for entry in writes(mrs)] == ["DELETE"]
    assert writes(mrs)[0]["body"] == {"node_group_name": "task_node_analysis_group", "resource_pool_name": "default"}


def without(path):
    """POLICY with the dotted path removed."""
    policy = copy.deepcopy(POLICY)
    keys = path.split(".")
    target = policy
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    del target[keys[-1]]
    return policy


def with_(path, value):
    policy = copy.deepcopy(POLICY)
    keys = path.split(".")
    target = policy
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    target[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value
    return policy


INVALID = [
    (with_("min_capacity", -1), "min_capacity"),
    (with_("max_capacity", 501), "max_capacity"),
    (with_("min_capacity", 11), "min_capacity"),
    (with_("rules.0.name", "has space"), "rules[0].name"),
    (with_("rules.1.name", "grow"), "rules[1].name"),
    (with_("rules.1.adjustment_type", "scale_up"), "rules[1].adjustment_type"),
    (with_("rules.0.cool_down_minutes", 10081), "rules[0].cool_down_minutes"),
    (with_("rules.0.scaling_adjustment", 0), "rules[0].scaling_adjustment"),
    (with_("rules.1.scaling_adjustment", 101), "rules[1].scaling_adjustment"),
    (with_("rules.1.trigger.evaluation_periods", 289), "rules[1].trigger.evaluation_periods"),
    (with_("rules.0.trigger.evaluation_periods", 0), "rules[0].trigger.evaluation_periods"),
    (with_("rules.0.trigger.comparison_operator", "EQ"), "rules[0].trigger.comparison_operator"),
    (with_("rules.0.trigger.metric_value", "1.234"), "rules[0].trigger.metric_value"),
    (with_("rules.0.trigger.metric_name", "m" * 65), "rules[0].trigger.metric_name"),
    (without("rules.1.trigger"), "rules[1].trigger"),
    (with_("rules.0.description", "d" * 1025), "rules[0].description"),
    (with_("resources_plans.0.start_time", "25:00"), "resources_plans[0].start_time"),
    (with_("resources_plans.0.end_time", "9:20"), "resources_plans[0].end_time"),
    (with_("resources_plans.0.max_capacity", 2), "resources_plans[0].min_capacity"),
    (with_("resources_plans.0.effective_days", ["MONDAY", "FUNDAY"]), "resources_plans[0].effective_days[1]"),
    (with_("tags.0.key", "a=b"), "tags[0].key"),
    (dict(POLICY, rules=[], resources_plans=[], enabled=True), "rules"),
    (dict(POLICY, node_group="bad name"), "node_group"),
]


def test_invalid_policies_are_refused_before_any_request_naming_the_option_path(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="policies", core=3, task=2)["clusterId"]
    mrs.clear_requests()
    results = apply(playbook, tmp_path, [dict(policy, cluster_id=cid) for policy, _path in INVALID])
    assert len(results) == len(INVALID) >= 15
    for result, (_policy, path) in zip(results, INVALID):
        assert result.get("failed") is True, result
        assert result["msg"].startswith(path + ": "), (path, result["msg"])
        assert result["parameter"] == path
        assert "Traceback" not in json.dumps(result)
    assert mrs.requests_log() == []  # nothing at all was sent: not even a read


def test_a_custom_clusters_policy_goes_on_its_task_group_only(mrs, playbook, tmp_path):
    """#21 P9: MRS applies policies to Task groups only; on a custom cluster those are the groups taskNodeGroups lists."""
    cid = mrs.create_cluster(name="custom", type="custom", node_groups=[
        {"name": "master_node_default_group", "count": 3, "kind": "master"}, {"name": "node_group_1", "count": 3, "kind": "core"},
        {"name": "node_group_2", "count": 2, "kind": "task"}])["clusterId"]
    mrs.clear_requests()
    core, named_core = apply(playbook, tmp_path, [case(cid, node_group="core"), case(cid, node_group="node_group_1")])
    assert core["failed"] and core["parameter"] == "node_group" and "Traceback" not in json.dumps(core), core
    assert named_core["failed"] and "Task groups only" in named_core["msg"] and "node_group_2" in named_core["msg"], named_core
    assert writes(mrs) == []
    task, named = apply(playbook, tmp_path, [case(cid, node_group="task"), case(cid, node_group="node_group_2")])
    assert task["changed"] is True and task["node_group"] == "node_group_2", task
    assert named["changed"] is False and named["node_group"] == "node_group_2", named


def test_mrs_refusals_come_back_with_code_and_meaning(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="policies", core=3, task=2)["clusterId"]
    (master,) = apply(playbook, tmp_path, [case(cid, node_group="master_node_default_group")])
    assert master["failed"] and master["parameter"] == "node_group" and "Master" in master["msg"], master
    (unknown,) = apply(playbook, tmp_path, [case("0123456789abcdef")])
    assert unknown["failed"] and unknown["api_error"]["code"] == "12000003", unknown
    mrs.clear_requests()
    refused = case(cid, min_capacity=None, max_capacity=None)
    del refused["min_capacity"], refused["max_capacity"]
    (unbounded,) = apply(playbook, tmp_path, [refused])
    assert unbounded["failed"] and unbounded["parameter"] == "min_capacity" and writes(mrs) == [], unbounded


def test_manual_resize_of_a_group_with_an_enabled_policy_is_refused_with_advice(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="policies", core=3, task=2, scale_seconds=0.2)["clusterId"]
    (created,) = apply(playbook, tmp_path, [case(cid, max_capacity=6)])
    assert created["changed"] is True
    mrs.clear_requests()
    result_file = tmp_path / "resize.json"
    run = playbook("autoscaling_resize", cluster_id=cid, node_group="task", count=4, result_file=str(result_file))
    assert run.rc == 0, run
    result = json.loads(result_file.read_text())
    assert result["failed"] is True and result.get("changed") is not True
    # mrs_cluster_nodes reads the policy first (issue #14) and refuses before any write, with the way out
    assert "12000124" in result["msg"] and "min_capacity 1, max_capacity 6" in result["msg"] and result["parameter"] == "node_group"
    assert "mrs_autoscaling_policy" in result["msg"] and "burst" in result["msg"] and "max_capacity" in result["msg"]
    assert [entry for entry in writes(mrs) if entry["method"] == "PUT"] == []  # refused before any write
    assert mrs.cluster(cid)["clusterState"] == "running"

    # disabled, the same resize goes through
    (paused,) = apply(playbook, tmp_path, [case(cid, max_capacity=6, enabled=False)])
    assert paused["changes"] == ["auto_scaling_enable: True -> False"]
    run = playbook("autoscaling_resize", cluster_id=cid, node_group="task", count=4, result_file=str(result_file))
    assert json.loads(result_file.read_text())["changed"] is True
