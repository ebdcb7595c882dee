"""Auto-scaling policies: the vendor SDK's v2 client manages them unchanged; raw HTTP covers every documented limit,
the legacy v1.1 route, the refusal of a manual resize under an enabled policy and the policy-actions control route.

Clusters here are created with accept_delay=0: these tests watch the state machine and the rules, not the
delay before an accepted scale shows (that default has its own test in test_emulator_fidelity.py).
"""

import copy

import pytest

from sdk_oracle import build

RULE = {"name": "grow", "description": "grow on pending memory", "adjustment_type": "scale_out", "cool_down_minutes": 20,
        "scaling_adjustment": 2, "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": "25",
                                             "comparison_operator": "LT", "evaluation_periods": 3}}
PLAN = {"period_type": "daily", "start_time": "9:00", "end_time": "18:30", "min_capacity": 2, "max_capacity": 6,
        "effective_days": ["MONDAY", "FRIDAY"]}
POLICY = {"auto_scaling_enable": True, "min_capacity": 1, "max_capacity": 8, "resources_plans": [PLAN], "rules": [RULE],
          "tags": [{"key": "team", "value": "data"}]}


@pytest.fixture(name="v2client")
def v2client_fixture(sdk, mrs):
    return build(sdk, sdk.v2, mrs)


def url(mrs, cluster_id, version="v2"):
    return "%s/%s/%s/autoscaling-policy/%s" % (mrs.url, version, mrs.project_id, cluster_id)


def call(mrs, method, cluster_id, body=None, version="v2"):
    return mrs.token_session().request(method, url(mrs, cluster_id, version), json=body, timeout=10)


def body(group="task_node_analysis_group", policy=None, pool="default"):
    return {"node_group_name": group, "resource_pool_name": pool, "auto_scaling_policy": copy.deepcopy(policy or POLICY)}


def cluster(mrs, **fields):
    fields = dict({"name": "policy", "core": 3, "task": 2, "scale_seconds": 0.2, "accept_delay": 0}, **fields)
    return mrs.create_cluster(**fields)["clusterId"]


def test_sdk_v2_creates_shows_updates_and_deletes_a_policy(sdk, mrs, v2client):
    cid = cluster(mrs)
    v2 = sdk.v2
    policy = v2.AutoScalingPolicyInfo(
        auto_scaling_enable=True, min_capacity=1, max_capacity=8,
        resources_plans=[v2.ResourcesPlan(**PLAN)],
        rules=[v2.Rule(**dict(RULE, trigger=v2.Trigger(**RULE["trigger"])))], tags=[v2.Tag(key="team", value="data")])
    v2client.create_auto_scaling_policy(v2.CreateAutoScalingPolicyRequest(cluster_id=cid, body=v2.AutoScalingPolicyV2(
        node_group_name="task_node_analysis_group", resource_pool_name="default", auto_scaling_policy=policy)))
    shown = v2client.show_auto_scaling_policy(v2.ShowAutoScalingPolicyRequest(cluster_id=cid)).body
    assert len(shown) == 1 and shown[0].node_group_name == "task_node_analysis_group"
    held = shown[0].auto_scaling_policy
    assert (held.auto_scaling_enable, held.min_capacity, held.max_capacity) == (True, 1, 8)
    assert held.rules[0].trigger.evaluation_periods == 3 and held.resources_plans[0].effective_days == ["MONDAY", "FRIDAY"]
    assert held.tags[0].key == "team"

    policy.max_capacity = 10
    policy.rules[0].scaling_adjustment = 3
    v2client.update_auto_scaling_policy(v2.UpdateAutoScalingPolicyRequest(cluster_id=cid, body=v2.AutoScalingPolicyV2(
        node_group_name="task_node_analysis_group", resource_pool_name="default", auto_scaling_policy=policy)))
    held = v2client.show_auto_scaling_policy(v2.ShowAutoScalingPolicyRequest(cluster_id=cid)).body[0].auto_scaling_policy
    assert (held.max_capacity, held.rules[0].scaling_adjustment) == (10, 3)

    v2client.delete_auto_scaling_policy(v2.DeleteAutoScalingPolicyRequest(cluster_id=cid, body=v2.AutoScalingPolicyDeleteReq(
        node_group_name="task_node_analysis_group", resource_pool_name="default")))
    assert not v2client.show_auto_scaling_policy(v2.ShowAutoScalingPolicyRequest(cluster_id=cid)).body  # [] reads as None
    with pytest.raises(sdk.ClientRequestException) as caught:
        v2client.delete_auto_scaling_policy(v2.DeleteAutoScalingPolicyRequest(cluster_id=cid, body=v2.AutoScalingPolicyDeleteReq(
            node_group_name="task_node_analysis_group", resource_pool_name="default")))
    assert (caught.value.status_code, caught.value.error_code) == (400, "MRS.00005016")
    writes = [entry for entry in mrs.requests_log() if entry["method"] != "GET"]
    assert [entry["method"] for entry in writes] == ["POST", "PUT", "DELETE", "DELETE"]
    assert writes[0]["body"]["auto_scaling_policy"]["rules"][0]["trigger"]["comparison_operator"] == "LT"
    assert {entry["auth"] for entry in writes} == {"signature"}


def test_get_lists_every_group_and_pool_and_update_or_delete_of_nothing_is_not_found(mrs):
    cid = cluster(mrs, type="mixed", core=3, task=2)
    assert call(mrs, "GET", cid).json() == []
    assert call(mrs, "POST", cid, body("task_node_streaming_group", dict(POLICY, auto_scaling_enable=False))).status_code == 200
    assert call(mrs, "POST", cid, body()).status_code == 200
    assert call(mrs, "POST", cid, body(pool="pool_a")).status_code == 200
    listed = call(mrs, "GET", cid).json()
    assert [(item["node_group_name"], item["resource_pool_name"]) for item in listed] == [
        ("task_node_analysis_group", "default"), ("task_node_analysis_group", "pool_a"), ("task_node_streaming_group", "default")]
    again = call(mrs, "POST", cid, body())
    assert again.status_code == 400 and again.json()["error_code"] == "12000002" and "PUT" in again.json()["error_msg"]
    for method, payload in (("PUT", body("task_node_streaming_group", pool="other")),
                            ("DELETE", {"node_group_name": "task_node_analysis_group", "resource_pool_name": "nope"})):
        answer = call(mrs, method, cid, payload)
        assert (answer.status_code, answer.json()["error_code"]) == (400, "MRS.00005016")
    unknown = call(mrs, "GET", "no-such-cluster")
    assert unknown.json()["error_code"] == "12000003"


def mutate(path, value):
    policy = copy.deepcopy(POLICY)
    target = policy
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is KeyError:
        del target[keys[-1]]
    elif isinstance(target, list):
        target[int(keys[-1])] = value
    else:
        target[keys[-1]] = value
    return policy


INVALID = [
    ("min_capacity", -1, "auto_scaling_policy.min_capacity"),
    ("max_capacity", 501, "auto_scaling_policy.max_capacity"),
    ("min_capacity", 9, "must not exceed"),
    ("max_capacity", "8", "auto_scaling_policy.max_capacity"),
    ("auto_scaling_enable", "true", "auto_scaling_enable must be a boolean"),
    ("auto_scaling_enable", None, "auto_scaling_policy.auto_scaling_enable"),
    ("rules.0.name", "no spaces", "rules[0].name"),
    ("rules.0.name", "x" * 65, "rules[0].name"),
    ("rules.0.description", "d" * 1025, "rules[0].description"),
    ("rules.0.adjustment_type", "scale_up", "rules[0].adjustment_type"),
    ("rules.0.cool_down_minutes", 10081, "rules[0].cool_down_minutes"),
    ("rules.0.cool_down_minutes", -1, "rules[0].cool_down_minutes"),
    ("rules.0.scaling_adjustment", 0, "rules[0].scaling_adjustment"),
    ("rules.0.scaling_adjustment", 101, "rules[0].scaling_adjustment"),
    ("rules.0.trigger.metric_name", "", "rules[0].trigger.metric_name"),
    ("rules.0.trigger.metric_value", "1.234", "rules[0].trigger.metric_value"),
    ("rules.0.trigger.metric_value", 25, "rules[0].trigger.metric_value"),
    ("rules.0.trigger.comparison_operator", "EQ", "rules[0].trigger.comparison_operator"),
    ("rules.0.trigger.evaluation_periods", 0, "rules[0].trigger.evaluation_periods"),
    ("rules.0.trigger.evaluation_periods", 289, "rules[0].trigger.evaluation_periods"),
    ("rules.0.trigger", KeyError, "rules[0].trigger is required"),
    ("resources_plans.0.period_type", "weekly", "resources_plans[0].period_type"),
    ("resources_plans.0.start_time", "24:00", "resources_plans[0].start_time"),
    ("resources_plans.0.end_time", "9:29", "resources_plans[0].end_time"),
    ("resources_plans.0.end_time", "8:00", "resources_plans[0].end_time"),
    ("resources_plans.0.min_capacity", 7, "resources_plans[0].min_capacity (7) must not exceed"),
    ("resources_plans.0.max_capacity", 600, "resources_plans[0].max_capacity"),
    ("resources_plans.0.effective_days", ["MONDAY", "MONDAY"], "resources_plans[0].effective_days"),
    ("resources_plans.0.effective_days", ["monday"], "resources_plans[0].effective_days"),
    ("tags.0.key", "a/b", "tags[0].key"),
    ("tags.0.value", "v" * 44, "tags[0].value"),
    ("rules.0.surprise", 1, "unknown field(s) surprise"),
]


@pytest.mark.parametrize("path,value,message", INVALID, ids=[item[0] + "=" + repr(item[1])[:12] for item in INVALID])
def test_every_documented_limit_is_refused_with_12000002_and_the_field(mrs, path, value, message):
    cid = cluster(mrs)
    answer = call(mrs, "POST", cid, body(policy=mutate(path, value)))
    assert answer.status_code == 400 and answer.json()["error_code"] == "12000002", answer.text
    assert message in answer.json()["error_msg"]
    assert call(mrs, "GET", cid).json() == []


def test_structural_refusals(mrs):
    cid = cluster(mrs)
    duplicate = copy.deepcopy(POLICY)
    duplicate["rules"].append(dict(RULE, adjustment_type="scale_in"))
    cases = [
        (body(policy=duplicate), "names must be unique"),
        (body(policy=dict(POLICY, rules=[], resources_plans=[])), "at least one of resources_plans and rules"),
        (body("master_node_default_group"), "Master group"),
        (body("no_such_group"), "does not exist"),
        (dict(body(), resource_pool_name=None), "resource_pool_name is required"),
        ({"node_group_name": "task_node_analysis_group", "resource_pool_name": "default"}, "auto_scaling_policy is required"),
        (body(policy=dict(POLICY, exec_scripts=[])), "unknown field(s) exec_scripts"),
    ]
    for payload, message in cases:
        answer = call(mrs, "POST", cid, payload)
        assert answer.json()["error_code"] == "12000002" and message in answer.json()["error_msg"], (payload, answer.text)
    garbled = mrs.token_session().post(url(mrs, cid), data=b'{"node_group_name": ', timeout=10)
    assert garbled.json()["error_code"] == "12000002"
    # A disabled policy may carry neither rules nor plans.
    assert call(mrs, "POST", cid, body(policy=dict(POLICY, auto_scaling_enable=False, rules=[], resources_plans=[]))).status_code == 200


def test_manual_resize_of_a_group_with_an_enabled_policy_is_refused_v11_and_v2(mrs):
    cid = cluster(mrs)
    assert call(mrs, "POST", cid, body()).status_code == 200
    session = mrs.token_session()
    v11 = session.put(mrs.cluster_url(cid), json={"parameters": {"scale_type": "scale_out", "node_id": "node_orderadd", "instances": "1",
                                                                 "node_group": "task_node_default_group"}}, timeout=10)
    v2 = session.post(mrs.v2_url(cid, "shrink"), json={"node_group_name": "task_node_analysis_group", "count": 1}, timeout=10)
    for answer in (v11, v2):
        assert (answer.status_code, answer.json()["error_code"]) == (400, "12000124")
        assert "min 1, max 8" in answer.json()["error_msg"]
    # Other groups still resize; a disabled policy lets the group resize again.
    assert session.post(mrs.v2_url(cid, "expand"), json={"node_group_name": "core_node_analysis_group", "count": 1}, timeout=10).ok
    mrs.wait_until_idle(cid)
    assert call(mrs, "PUT", cid, body(policy=dict(POLICY, auto_scaling_enable=False))).status_code == 200
    assert session.post(mrs.v2_url(cid, "shrink"), json={"node_group_name": "task_node_analysis_group", "count": 1}, timeout=10).ok


def test_legacy_v11_policy_is_task_only_with_exec_scripts(mrs):
    cid = cluster(mrs)
    script = {"name": "before grow", "uri": "obs://bucket/scale.sh", "parameters": "${mrs_scale_node_hostnames}",
              "nodes": ["master_node_default_group"], "active_master": True, "fail_action": "continue", "action_stage": "before_scale_out"}
    legacy = {"auto_scaling_enable": True, "min_capacity": 0, "max_capacity": 4, "rules": [RULE], "exec_scripts": [script]}
    answer = call(mrs, "POST", cid, {"node_group": "task_node_default_group", "auto_scaling_policy": legacy}, version="v1.1")
    assert (answer.status_code, answer.json()) == (200, {"result": "succeeded"})
    shown = call(mrs, "GET", cid).json()
    assert shown[0]["node_group_name"] == "task_node_analysis_group" and shown[0]["auto_scaling_policy"]["exec_scripts"] == [script]
    # Create-or-update: posting again replaces; auto_scaling_enable false is how it is turned off (no v1.1 DELETE).
    off = {"auto_scaling_enable": False, "min_capacity": 0, "max_capacity": 4}
    assert call(mrs, "POST", cid, {"node_group": "task_node_default_group", "auto_scaling_policy": off}, version="v1.1").ok
    assert call(mrs, "GET", cid).json()[0]["auto_scaling_policy"]["auto_scaling_enable"] is False
    for payload, message in (
            ({"node_group": "core_node_analysis_group", "auto_scaling_policy": off}, "only Task groups"),
            ({"node_group": "task_node_default_group", "auto_scaling_policy": dict(legacy, exec_scripts=[dict(script, uri="run.sh")])},
             "exec_scripts[0].uri"),
            ({"node_group": "task_node_default_group", "auto_scaling_policy": dict(legacy, exec_scripts=[dict(script, action_stage="x")])},
             "exec_scripts[0].action_stage"),
            ({"node_group": "task_node_default_group", "auto_scaling_policy": dict(legacy, tags=[])}, "unknown field(s) tags")):
        answer = call(mrs, "POST", cid, payload, version="v1.1")
        assert answer.json()["error_code"] == "12000002" and message in answer.json()["error_msg"], answer.text
    no_task = cluster(mrs, task=0)
    answer = call(mrs, "POST", no_task, {"node_group": "task_node_default_group", "auto_scaling_policy": off}, version="v1.1")
    assert answer.json()["error_code"] == "12000002"


def test_policy_actions_scale_within_min_max_through_the_state_machine(mrs):
    cid = cluster(mrs, task=2)
    with pytest.raises(Exception, match="409"):
        mrs.control("POST", "clusters/%s/policy-actions" % cid, {"node_group": "task_node_analysis_group", "adjustment": 1})
    assert call(mrs, "POST", cid, body(policy=dict(POLICY, min_capacity=1, max_capacity=4))).ok
    fired = mrs.control("POST", "clusters/%s/policy-actions" % cid, {"node_group": "task_node_analysis_group", "adjustment": 5})
    assert fired["policy_action"] == {"node_group": "task_node_analysis_group", "from": 2, "to": 4, "applied": 2}
    assert fired["cluster"]["clusterState"] == "scaling-out"
    with pytest.raises(Exception, match="409"):  # busy: the same state machine as a resize
        mrs.control("POST", "clusters/%s/policy-actions" % cid, {"node_group": "task_node_analysis_group", "adjustment": -1})
    view = mrs.wait_until_idle(cid)
    assert {group["GroupName"]: group["NodeNum"] for group in view["nodeGroups"]}["task_node_analysis_group"] == 4
    capped = mrs.control("POST", "clusters/%s/policy-actions" % cid, {"node_group": "task_node_analysis_group", "adjustment": 1})
    assert capped["policy_action"]["applied"] == 0 and capped["cluster"]["clusterState"] == "running"
    shrunk = mrs.control("POST", "clusters/%s/policy-actions" % cid, {"node_group": "task_node_analysis_group", "adjustment": -9})
    assert shrunk["policy_action"]["to"] == 1
    view = mrs.wait_until_idle(cid)
    assert {group["GroupName"]: group["NodeNum"] for group in view["nodeGroups"]}["task_node_analysis_group"] == 1
    for payload in ({"node_group": "task_node_analysis_group", "adjustment": 0}, {"node_group": "task_node_analysis_group"},
                    {"node_group": "task_node_analysis_group", "adjustment": True}, {"node_group": "x", "adjustment": 1, "extra": 1}):
        with pytest.raises(Exception, match="400"):
            mrs.control("POST", "clusters/%s/policy-actions" % cid, payload)
    with pytest.raises(Exception, match="404"):
        mrs.control("POST", "clusters/%s/policy-actions" % cid, {"node_group": "nope", "adjustment": 1})
    assert [entry for entry in mrs.requests_log() if "expand" in entry["path"] or "cluster_infos" in entry["path"]] == []


def test_policies_survive_a_restart_with_state(tmp_path):
    from harness import start_emulator  # pylint: disable=import-outside-toplevel
    state = str(tmp_path / "state.json")
    with start_emulator(scale_seconds=0, state=state) as emu:
        cid = emu.create_cluster(accept_delay=0, name="kept", core=3, task=1)["clusterId"]
        assert call(emu, "POST", cid, body()).ok
    with start_emulator(scale_seconds=0, state=state) as emu:
        assert call(emu, "GET", cid).json()[0]["auto_scaling_policy"]["max_capacity"] == 8
