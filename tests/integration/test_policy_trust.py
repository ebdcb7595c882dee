"""Auto-scaling policies you can trust: each example of issue #20 (classes 1, 5, 6, 9, 10) and #21 (P4, P5, P9) as a real
ansible-playbook run against the emulator, behind the misbehaving gateway (gateway.py) where the network must misbehave.

Every test names the rule it proves; docs/reliability.md lists them ("Auto-scaling policies")."""

import ast
import copy
import json
import os
import subprocess
import sys

import yaml
from gateway import Gateway

TASK_GROUP = "task_node_analysis_group"
GROW = {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": 2,
        "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": "25", "comparison_operator": "LT",
                    "evaluation_periods": 3}}
SHRINK = {"name": "shrink", "description": "idle", "adjustment_type": "scale_in", "cool_down_minutes": 30,
          "scaling_adjustment": 1, "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": "70",
                                               "comparison_operator": "GT", "evaluation_periods": 6}}
PLAN = {"period_type": "daily", "start_time": "08:00", "end_time": "18:00", "min_capacity": 2, "max_capacity": 5,
        "effective_days": ["MONDAY", "FRIDAY"]}
POLICY = {"auto_scaling_enable": True, "min_capacity": 1, "max_capacity": 6, "rules": [GROW, SHRINK], "resources_plans": [PLAN],
          "tags": [{"key": "team", "value": "data"}]}
EXAMPLE_CLUSTER = "4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21"  # the cluster id the module's EXAMPLES and its guide use
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUIDE = os.path.join(ROOT, "docs", "mrs_autoscaling_policy.md")
MODULE = os.path.join(ROOT, "plugins", "modules", "mrs_autoscaling_policy.py")


# --- helpers ------------------------------------------------------------------------------------------------------------

def policy_url(mrs, cid):
    return "%s/v2/%s/autoscaling-policy/%s" % (mrs.url, mrs.project_id, cid)


def set_policy(mrs, cid, group=TASK_GROUP, method="POST", policy=None, **changes):
    """Write a policy straight to the emulator, as another tool (the console, Terraform) would."""
    body = {"node_group_name": group, "resource_pool_name": "default",
            "auto_scaling_policy": dict(copy.deepcopy(POLICY if policy is None else policy), **changes)}
    answer = mrs.token_session().request(method, policy_url(mrs, cid), json=body, timeout=10)
    assert answer.ok, answer.text


def listed(mrs, cid):
    answer = mrs.token_session().get(policy_url(mrs, cid), timeout=10)
    assert answer.ok, answer.text
    return answer.json()


def held(mrs, cid, group=TASK_GROUP):
    found = [entry["auto_scaling_policy"] for entry in listed(mrs, cid) if entry["node_group_name"] == group]
    return found[0] if found else None


def comparable(policy):
    """A policy in an order-free form (rule order; an empty description MRS may add or drop; metric_value, which a write
    sends as a string and MRS's GET answers as a number, as a number)."""
    policy = copy.deepcopy(policy)
    for rule in policy.get("rules", []):
        if not rule.get("description"):
            rule.pop("description", None)
        trigger = rule.get("trigger") or {}
        if isinstance(trigger.get("metric_value"), (str, int)) and not isinstance(trigger["metric_value"], bool):
            trigger["metric_value"] = float(trigger["metric_value"])
    policy["rules"] = sorted(policy.get("rules", []), key=lambda rule: rule["name"])
    return json.dumps(policy, sort_keys=True)


def policy_writes(mrs):
    return [entry for entry in mrs.requests_log() if entry["method"] != "GET" and "/autoscaling-policy/" in entry["path"]]


def accepted(entries):
    return [entry for entry in entries if entry["status"] == 200]


def options(cid, **extra):
    """The module options of POLICY for the Task group of cluster cid."""
    args = dict(cluster_id=cid, node_group="task", min_capacity=POLICY["min_capacity"], max_capacity=POLICY["max_capacity"],
                rules=copy.deepcopy(POLICY["rules"]), resources_plans=[dict(PLAN)], tags=copy.deepcopy(POLICY["tags"]))
    args.update(extra)
    return args


def apply(playbook, tmp_path, policies, env=None):
    """mrs_autoscaling_policy once per entry (autoscaling_policy.yml), in order; the results."""
    result_file = tmp_path / "result.json"
    if result_file.exists():
        result_file.unlink()
    run = playbook("autoscaling_policy", env=env, policies=policies, result_file=str(result_file))
    assert run.rc == 0, run
    return json.loads(result_file.read_text())


def role(playbook, tmp_path, cid, entry, env=None, **role_vars):
    result_file = tmp_path / ("%s.json" % entry)
    if result_file.exists():
        result_file.unlink()
    run = playbook("policy_role", env=env, cluster_id=cid, entry=entry, role_vars=role_vars, result_file=str(result_file))
    assert run.rc == 0, run
    return json.loads(result_file.read_text())


def through(gateway):
    return {"HW_MRS_ENDPOINT": gateway.url, "HW_AUTH_URL": gateway.url}


def no_traceback(*results):
    text = json.dumps(results)
    assert "Traceback" not in text and "Module failed:" not in text and "module_stderr" not in text, text


# --- #20 class 1: a policy write whose answer is lost is settled by reading -------------------------------------------------

# (what the task does, the gateway's rule on the write, whether MRS applied it)
LOST_ANSWERS = {
    "update answered 502 after MRS applied it": ("update", dict(method="PUT", action="status", status=502, forward=True), True),
    "create whose connection was reset after MRS applied it": ("create", dict(method="POST", action="reset", when="after"), True),
    "delete answered with a login page (302)": ("delete", dict(method="DELETE", action="redirect"), False),
    "update answered an unreadable 200 after MRS applied it": (
        "update", dict(method="PUT", action="junk", body="<html>", forward=True), True),
    "update answered 502 that never reached MRS": ("update", dict(method="PUT", action="status", status=502), False),
}


def test_a_lost_policy_write_is_settled_by_reading_never_sent_twice_and_reported_once(mrs, playbook, tmp_path):
    """#20 class 1: a PUT applied behind a 502 failed with changed false, and so did the re-run: the change was never
    reported. Now: changed exactly when the read shows it took effect, one write per change, a re-run that is no change;
    a write that did not take effect fails saying so, and the re-run writes it once."""
    for name, (what, script, applied) in sorted(LOST_ANSWERS.items()):
        rule = dict(script)
        cid = mrs.create_cluster(name="lost", core=3, task=2)["clusterId"]
        if what != "create":
            set_policy(mrs, cid)
        tasks = {"create": options(cid), "update": options(cid, max_capacity=9),
                 "delete": dict(cluster_id=cid, node_group="task", state="absent")}
        task = tasks[what]
        mrs.clear_requests()
        with Gateway(mrs.url) as gateway:
            gateway.add(rule.pop("method"), r"/autoscaling-policy/", rule.pop("action"), times=1, **rule)
            first, again = apply(playbook, tmp_path, [task, task], env=through(gateway))
        no_traceback(first, again)
        sent = accepted(policy_writes(mrs))
        if applied:
            assert first["changed"] is True and not first.get("failed"), (name, first)
            assert "may or may not" not in first.get("msg", "")
            assert again["changed"] is False and not again.get("failed"), (name, again)
            assert len(sent) == 1, (name, sent)  # one accepted write for one change
        else:
            assert first.get("failed") is True and first["changed"] is False, (name, first)
            assert "did not take effect" in first["msg"] and "may be safely run again" in first["msg"], (name, first["msg"])
            assert again["changed"] is True and not again.get("failed"), (name, again)
            assert len(sent) == 1, (name, sent)  # the re-run's write, and only it
        expected = {"create": POLICY, "update": dict(POLICY, max_capacity=9), "delete": None}[what]
        final = held(mrs, cid)
        assert (final is None) if expected is None else comparable(final) == comparable(expected), (name, final)


def test_the_roles_restore_whose_answer_is_lost_but_applied_does_not_fail(mrs, playbook, tmp_path):
    """#20 class 1: the burst's restore of the paused policy answered 502 after MRS applied it made the role fail with
    "could not be restored (... may or may not have been applied)" while MRS held it restored exactly."""
    cid = mrs.create_cluster(name="restore", core=3, task=2, scale_seconds=0)["clusterId"]
    set_policy(mrs, cid)
    original = comparable(held(mrs, cid))
    mrs.clear_requests()
    with Gateway(mrs.url) as gateway:
        gateway.add("PUT", r"/autoscaling-policy/", "status", status=502, forward=True, skip=1, times=1)  # the pause passes
        outcome = role(playbook, tmp_path, cid, "burst", env=through(gateway), cluster_scale_burst_task_count=4)
    assert outcome["failed"] is False, outcome
    assert "may or may not" not in json.dumps(outcome) and outcome["result"]["policy_paused"] == [TASK_GROUP]
    writes = accepted(policy_writes(mrs))
    assert [entry["body"]["auto_scaling_policy"]["auto_scaling_enable"] for entry in writes] == [False, True]
    assert comparable(held(mrs, cid)) == original


# --- #20 class 5 / #21 P5: read whatever the API may return ---------------------------------------------------------------

def partial_rule():
    """A rule as another tool may write it: no description, no comparison_operator (optional in the SDK's Rule/Trigger)."""
    rule = copy.deepcopy(GROW)
    del rule["trigger"]["comparison_operator"]
    return rule


def test_a_policy_another_tool_wrote_without_optional_fields_is_read_replaced_and_does_not_block_a_resize(mrs, playbook, tmp_path):
    """#20 class 5: such a policy made state: read, include_policies and the module's own replacement fail, and blocked a
    manual resize of its group while it was disabled. MRS's own GET fills comparison_operator in (#21 P5); an answer
    without it (optional in the SDK's Trigger) is what every read here gets, through a gateway that leaves it out."""
    cid = mrs.create_cluster(name="partial", core=3, task=2, scale_seconds=0)["clusterId"]
    set_policy(mrs, cid, policy={"auto_scaling_enable": False, "min_capacity": 0, "max_capacity": 4, "rules": [partial_rule()]})
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", r"/autoscaling-policy/", "trim", times=None,
                    fields=["*.auto_scaling_policy.rules.*.trigger.comparison_operator", "*.auto_scaling_policy.rules.*.description",
                            "*.auto_scaling_policy.tags"])
        env = through(gateway)
        read, replaced = apply(playbook, tmp_path, [dict(cluster_id=cid, node_group="task", state="read"), options(cid)], env=env)
        no_traceback(read, replaced)
        assert not read.get("failed") and read["options"]["rules"][0]["trigger"]["comparison_operator"] is None, read
        assert read["options"]["enabled"] is False and read["options"]["tags"] == []
        assert replaced["changed"] is True and not replaced.get("failed"), replaced

        set_policy(mrs, cid, method="PUT", policy={"auto_scaling_enable": False, "min_capacity": 0, "max_capacity": 4,
                                                   "rules": [partial_rule()]})
        info_file = tmp_path / "info.json"
        run = playbook("policy_info", env=env, cluster_id=cid, result_file=str(info_file))
        assert run.rc == 0, run
        info = json.loads(info_file.read_text())
        assert not info.get("failed"), info
        (task,) = [group for group in info["clusters"][0]["node_groups"] if group["name"] == TASK_GROUP]
        assert task["policy"]["enabled"] is False and task["policy"]["rule_count"] == 1

        resize_file = tmp_path / "resize.json"
        run = playbook("policy_resize", env=env, cluster_id=cid, node_group="task", count=3, result_file=str(resize_file))
        assert run.rc == 0, run
        resized = json.loads(resize_file.read_text())
        assert resized["changed"] is True and not resized.get("failed"), resized
        assert len(gateway.entries(action="trim")) >= 3, "the gateway never left the optional fields out"


def test_a_rerun_after_mrs_normalised_the_policy_is_no_change(mrs, playbook, tmp_path):
    """#21 P5: MRS's GET fills comparison_operator, answers metric_value as a number and description "", and keeps a v1.1
    policy's exec_scripts. A task that left the operator to MRS and re-runs after that normalisation writes nothing."""
    cid = mrs.create_cluster(name="normalised", core=3, task=2)["clusterId"]
    task = options(cid, rules=[partial_rule(), dict(copy.deepcopy(SHRINK), trigger=dict(SHRINK["trigger"], metric_value="25",
                                                                                        comparison_operator="LT"))])
    (created,) = apply(playbook, tmp_path, [task])
    assert created["changed"] is True, created
    (post,) = accepted(policy_writes(mrs))
    assert [("comparison_operator" in rule["trigger"]) for rule in post["body"]["auto_scaling_policy"]["rules"]] == [False, True]
    mrs.clear_requests()
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", r"/autoscaling-policy/", "set", times=None, values={
            "*.auto_scaling_policy.rules.*.trigger.comparison_operator": "LT",
            "*.auto_scaling_policy.rules.*.trigger.metric_value": 25,
            "*.auto_scaling_policy.rules.*.description": "",
            "*.auto_scaling_policy.exec_scripts": [{"name": "notify", "uri": "obs://bucket/notify.sh", "nodes": [TASK_GROUP],
                                                    "fail_action": "continue", "action_stage": "after_scale_out"}]})
        again, read = apply(playbook, tmp_path, [dict(task, rules=[partial_rule(), dict(SHRINK, trigger=dict(
            SHRINK["trigger"], metric_value=25, comparison_operator="LT"), description=None)]),
            dict(cluster_id=cid, node_group="task", state="read")], env=through(gateway))
        assert gateway.entries(action="set"), "the gateway's normalisation never applied"
    no_traceback(again, read)
    assert again["changed"] is False and not again.get("failed"), again
    assert policy_writes(mrs) == []
    assert read["policy"]["exec_scripts"][0]["name"] == "notify"  # the policy is shown as MRS holds it


def test_a_policy_list_wrapped_in_auto_scaling_policies_is_read(mrs, playbook, tmp_path):
    """#21 P4: Open Telekom Cloud's example wraps the list as {"auto_scaling_policies": [...]}; every policy read failed."""
    cid = mrs.create_cluster(name="wrapped", core=3, task=2)["clusterId"]
    set_policy(mrs, cid)
    body = json.dumps({"auto_scaling_policies": listed(mrs, cid)})
    mrs.clear_requests()
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", r"/autoscaling-policy/", "junk", body=body, times=None)
        read, again = apply(playbook, tmp_path, [dict(cluster_id=cid, node_group="task", state="read"), options(cid)],
                            env=through(gateway))
    no_traceback(read, again)
    assert read["options"]["max_capacity"] == 6 and again["changed"] is False, (read, again)
    assert policy_writes(mrs) == []


# --- #20 class 9: an option the task leaves out keeps what MRS holds ---------------------------------------------------------

def example(title):
    """The task of the module's EXAMPLES whose name starts with ``title``, as printed."""
    with open(MODULE, encoding="utf-8") as handle:
        (examples,) = [node.value.value for node in ast.parse(handle.read()).body
                       if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES"]
    (task,) = [task for task in yaml.safe_load(examples) if task["name"].startswith(title)]
    return task


def guide_example(title):
    """The first task of a yaml block of docs/mrs_autoscaling_policy.md whose name starts with ``title``, as printed."""
    with open(GUIDE, encoding="utf-8") as handle:
        text = handle.read()
    for block in text.split("```yaml")[1:]:
        tasks = yaml.safe_load(block.split("```")[0])
        for task in tasks if isinstance(tasks, list) else []:
            if isinstance(task, dict) and str(task.get("name", "")).startswith(title):
                return task
    raise AssertionError("no example %r in %s" % (title, GUIDE))


def run_tasks(ansible_env, tmp_path, tasks):
    """A playbook of these tasks, as printed, on localhost."""
    book = tmp_path / "example.yml"
    book.write_text(yaml.safe_dump([{"name": "Run the documented example", "hosts": "localhost", "gather_facts": False,
                                     "tasks": tasks}], sort_keys=False))
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local", str(book)]
    return subprocess.run(command, env=ansible_env, capture_output=True, text=True, timeout=300, check=False)


def test_the_documented_pause_and_resume_lose_nothing(mrs, ansible_env, tmp_path):
    """#20 class 9: the module's "Pause the policy" example, and way out 1 of the resize refusal, set enabled: false
    without rules and resources_plans, which defaulted to [], so the run deleted them. Run as printed (the module's
    EXAMPLES and its guide), pause then resume gives back the very policy."""
    mrs.create_cluster(name="analytics-prod", core=3, task=2, id=EXAMPLE_CLUSTER)
    set_policy(mrs, EXAMPLE_CLUSTER)
    original = comparable(held(mrs, EXAMPLE_CLUSTER))
    for source in (example, guide_example):
        pause, resume = source("Pause the policy"), source("Resume it")
        given = set(pause["hwcloud.mrs.mrs_autoscaling_policy"])  # the guide names the cluster, EXAMPLES give its id
        assert len(given & {"cluster_id", "cluster_name"}) == 1 and given - {"cluster_id", "cluster_name"} == {"node_group", "enabled"}
        mrs.clear_requests()
        run = run_tasks(ansible_env, tmp_path, [pause])
        assert run.returncode == 0, run.stdout + run.stderr
        assert comparable(held(mrs, EXAMPLE_CLUSTER)) == comparable(dict(POLICY, auto_scaling_enable=False)), source
        assert len(accepted(policy_writes(mrs))) == 1
        run = run_tasks(ansible_env, tmp_path, [resume])
        assert run.returncode == 0, run.stdout + run.stderr
        assert comparable(held(mrs, EXAMPLE_CLUSTER)) == original, source


# --- #20 class 6 / #21 P9: the group is checked against the cluster ----------------------------------------------------------

def test_node_group_is_resolved_on_the_cluster_and_a_group_it_lacks_is_refused_before_any_write(mrs, playbook, tmp_path):
    """#20 class 6: state: absent with node_group: Task reported ok while the Task group's enabled policy stayed; a group
    the cluster lacks got its POST sent; state: read of task on a custom cluster without Task groups failed."""
    cid = mrs.create_cluster(name="groups", core=3, task=2)["clusterId"]
    bare = mrs.create_cluster(name="bare", type="custom", node_groups=[
        {"name": "master_node_default_group", "count": 3, "kind": "master"}, {"name": "node_group_1", "count": 3, "kind": "core"}])["clusterId"]
    set_policy(mrs, cid)
    mrs.clear_requests()
    deleted, missing, read = apply(playbook, tmp_path, [
        dict(cluster_id=cid, node_group="Task", state="absent"), options(cid, node_group="task_node_analysis_grop"),
        dict(cluster_id=bare, node_group="task", state="read")])
    no_traceback(deleted, missing, read)
    assert deleted["changed"] is True and deleted["node_group"] == TASK_GROUP and held(mrs, cid) is None, deleted
    assert missing["failed"] is True and missing["parameter"] == "node_group", missing
    assert "task_node_analysis_grop" in missing["msg"] and TASK_GROUP in missing["msg"]
    assert not read.get("failed") and read["policy"] is None and read["node_group"] is None, read
    assert [entry["method"] for entry in policy_writes(mrs)] == ["DELETE"]


def test_a_policy_goes_on_a_task_group_only_and_on_one_enabled_group_only(mrs, playbook, tmp_path):
    """#21 P9 (Huawei MRS user guide mrs_01_24728): auto-scaling applies to Task nodes, and only one node group of a
    cluster may have an enabled policy; both are refused before any write, the second naming the enabled group."""
    cid = mrs.create_cluster(name="two-task-groups", type="custom", node_groups=[
        {"name": "master_node_default_group", "count": 3, "kind": "master"}, {"name": "node_group_1", "count": 3, "kind": "core"},
        {"name": "node_group_2", "count": 2, "kind": "task"}, {"name": "node_group_3", "count": 2, "kind": "task"}])["clusterId"]
    set_policy(mrs, cid, group="node_group_2")
    mrs.clear_requests()
    core, second, paused_second = apply(playbook, tmp_path, [
        options(cid, node_group="node_group_1"), options(cid, node_group="node_group_3"),
        options(cid, node_group="node_group_3", enabled=False)])
    no_traceback(core, second, paused_second)
    assert core["failed"] is True and "Task groups only" in core["msg"] and "mrs_01_24728" in core["msg"], core
    assert second["failed"] is True and second["parameter"] == "enabled", second
    assert "node group node_group_2 already has an enabled auto-scaling policy" in second["msg"]
    assert paused_second["changed"] is True and not paused_second.get("failed"), paused_second
    assert [(entry["method"], entry["body"]["node_group_name"]) for entry in policy_writes(mrs)] == [("POST", "node_group_3")]


# --- #20 class 10: messages that say the cause -------------------------------------------------------------------------------

def test_a_failed_policy_read_inside_burst_says_its_cause(mrs, playbook, tmp_path):
    """#20 class 10: it surfaced only as "One or more items failed"."""
    cid = mrs.create_cluster(name="unreadable", core=3, task=2, scale_seconds=0)["clusterId"]
    mrs.add_fault(method="GET", path="autoscaling-policy", status=403, error_code="APIGW.0302", times=20)
    mrs.clear_requests()
    outcome = role(playbook, tmp_path, cid, "burst", cluster_scale_burst_task_count=4)
    mrs.clear_faults()
    assert outcome["failed"] is True and "One or more items failed" not in outcome["msg"], outcome
    assert "reading the auto-scaling policy of node group task failed" in outcome["msg"] and "APIGW.0302" in outcome["msg"]
    assert [entry for entry in mrs.requests_log() if entry["method"] != "GET"] == []  # nothing was changed


def test_an_unquoted_schedule_time_is_refused_naming_the_variable_and_how_to_quote_it(mrs, playbook, tmp_path):
    """#20 class 10: start_time: 9:30, which YAML reads as 570, was refused as "start_time (got '570')"."""
    cid = mrs.create_cluster(name="unquoted", core=3, task=2)["clusterId"]
    mrs.clear_requests()
    outcome = role(playbook, tmp_path, cid, "schedule", cluster_scale_schedule=[{"start": 570, "end": "18:00", "min": 1, "max": 2}],
                   cluster_scale_schedule_min_capacity=1, cluster_scale_schedule_max_capacity=4)
    assert outcome["failed"] is True, outcome
    assert outcome["msg"] == ('cluster_scale_schedule[0].start: must be a quoted time "HH:mm" (got 570: YAML reads the unquoted '
                              'time 9:30 as the number 570; write start: "9:30")'), outcome["msg"]
    assert mrs.requests_log() == []
