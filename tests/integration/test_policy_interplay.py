"""Manual resizes and the cluster_scale role against auto-scaling policies, through real ansible-playbook runs on the
emulator (issue #14): a resize a policy owns is refused before any write (check mode too), a no-op stays one request,
the burst and a converge told to pause restore the policy exactly, schedule sets resource plans idempotently, and a
policy that fires during a module's wait neither makes it resize again nor report a count it did not reach."""

import copy
import json
import threading
import time

RULE = {"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": 2,
        "trigger": {"metric_name": "YARNMemoryAvailablePercentage", "metric_value": "25", "comparison_operator": "LT",
                    "evaluation_periods": 3}}
PLAN = {"period_type": "daily", "start_time": "08:00", "end_time": "18:00", "min_capacity": 2, "max_capacity": 5,
        "effective_days": ["MONDAY", "FRIDAY"]}
POLICY = {"auto_scaling_enable": True, "min_capacity": 1, "max_capacity": 6, "rules": [RULE], "resources_plans": [PLAN],
          "tags": [{"key": "team", "value": "data"}]}
TASK_GROUP = "task_node_analysis_group"


def policy_url(mrs, cid):
    return "%s/v2/%s/autoscaling-policy/%s" % (mrs.url, mrs.project_id, cid)


def set_policy(mrs, cid, method="POST", pool="default", **changes):
    body = {"node_group_name": TASK_GROUP, "resource_pool_name": pool, "auto_scaling_policy": dict(copy.deepcopy(POLICY), **changes)}
    answer = mrs.token_session().request(method, policy_url(mrs, cid), json=body, timeout=10)
    assert answer.ok, answer.text


def held(mrs, cid, pool="default"):
    answer = mrs.token_session().get(policy_url(mrs, cid), timeout=10)
    assert answer.ok, answer.text
    (entry,) = [entry for entry in answer.json() if entry["node_group_name"] == TASK_GROUP and entry["resource_pool_name"] == pool]
    return entry["auto_scaling_policy"]


def comparable(policy):
    """A policy as MRS holds it, in an order-free form (rule and plan order, a description MRS may add empty)."""
    policy = copy.deepcopy(policy)
    for rule in policy.get("rules", []):
        if not rule.get("description"):
            rule.pop("description", None)
    policy["rules"] = sorted(policy.get("rules", []), key=lambda rule: rule["name"])
    return json.dumps(policy, sort_keys=True)


def task_count(mrs, cid):
    return {group["GroupName"]: group["NodeNum"] for group in mrs.cluster(cid)["nodeGroups"]}[TASK_GROUP]


def resizes(mrs):
    return [entry for entry in mrs.requests_log() if entry["method"] == "PUT" and "/cluster_infos/" in entry["path"]]


def policy_writes(mrs):
    return [entry for entry in mrs.requests_log() if entry["method"] != "GET" and "/autoscaling-policy/" in entry["path"]]


def resize(playbook, tmp_path, *args, **extra):
    result_file = tmp_path / "resize.json"
    run = playbook("policy_resize", *args, result_file=str(result_file), **extra)
    assert run.rc == 0, run
    return json.loads(result_file.read_text())


def role(playbook, tmp_path, cid, entry, *args, **role_vars):
    result_file = tmp_path / ("%s.json" % entry)
    if result_file.exists():
        result_file.unlink()
    run = playbook("policy_role", *args, cluster_id=cid, entry=entry, role_vars=role_vars, result_file=str(result_file))
    assert run.rc == 0, run
    return json.loads(result_file.read_text())


def test_a_resize_of_a_group_whose_policy_is_enabled_is_refused_with_no_write_check_mode_too(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="owned", core=3, task=2, scale_seconds=0)["clusterId"]
    set_policy(mrs, cid)
    for args in ((), ("--check",)):
        mrs.clear_requests()
        result = resize(playbook, tmp_path, *args, cluster_id=cid, node_group="task", count=8)
        assert result["failed"] is True and result.get("changed") is not True, result
        assert result["parameter"] == "node_group"
        for part in (TASK_GROUP, "min_capacity 1, max_capacity 6", "enabled: false", "burst", "min_capacity/max_capacity",
                     "target 8 is also outside"):
            assert part in result["msg"], (part, result["msg"])
        log = mrs.requests_log()
        assert [entry["method"] for entry in log] == ["GET", "GET"] and "/autoscaling-policy/" in log[1]["path"]
    assert task_count(mrs, cid) == 2

    # inside the bounds: refused the same way, without the "outside" sentence
    result = resize(playbook, tmp_path, cluster_id=cid, node_group="task", count=4)
    assert result["failed"] is True and "outside" not in result["msg"] and resizes(mrs) == []

    # a no-op on the same group: one request, ok, the policy never read
    mrs.clear_requests()
    result = resize(playbook, tmp_path, cluster_id=cid, node_group="task", count=2)
    assert result["changed"] is False and not result.get("failed"), result
    assert len(mrs.requests_log()) == 1

    # the Core group has no policy: its resize goes through, with one policy read
    mrs.clear_requests()
    result = resize(playbook, tmp_path, cluster_id=cid, node_group="core", count=4)
    assert result["changed"] is True and len(resizes(mrs)) == 1
    assert sum(1 for entry in mrs.requests_log() if "/autoscaling-policy/" in entry["path"]) == 1

    # disabled: the Task resize goes through
    set_policy(mrs, cid, method="PUT", auto_scaling_enable=False)
    mrs.clear_requests()
    result = resize(playbook, tmp_path, cluster_id=cid, node_group="task", count=3)
    assert result["changed"] is True and len(resizes(mrs)) == 1


def test_a_failing_policy_read_stops_the_resize_before_any_write(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="unreadable", core=3, task=2, scale_seconds=0)["clusterId"]
    mrs.add_fault(method="GET", path="autoscaling-policy", status=403, times=10)
    mrs.clear_requests()
    result = resize(playbook, tmp_path, cluster_id=cid, node_group="task", count=3)
    mrs.clear_faults()
    assert result["failed"] is True and "auto-scaling policies failed" in result["msg"], result
    assert resizes(mrs) == [] and task_count(mrs, cid) == 2


def test_burst_restores_the_policy_after_a_failing_job_and_after_a_failing_grow(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="burst", core=3, task=2, scale_seconds=0)["clusterId"]
    set_policy(mrs, cid)
    original = comparable(held(mrs, cid))

    mrs.clear_requests()
    outcome = role(playbook, tmp_path, cid, "burst", cluster_scale_burst_task_count=4, job_fails=True)
    assert outcome["failed"] is True and "on purpose" in outcome["msg"], outcome
    writes = policy_writes(mrs)
    assert [entry["method"] for entry in writes] == ["PUT", "PUT"]
    assert writes[0]["body"]["auto_scaling_policy"]["auto_scaling_enable"] is False
    assert writes[1]["body"]["auto_scaling_policy"]["auto_scaling_enable"] is True
    assert len(resizes(mrs)) == 2  # the grow and the restore of the Task count
    log = mrs.requests_log()
    assert log.index(writes[0]) < log.index(resizes(mrs)[0]) and log.index(resizes(mrs)[1]) < log.index(writes[1])
    assert comparable(held(mrs, cid)) == original and task_count(mrs, cid) == 2

    # the grow fails (the scale ends in an error): the policy is restored all the same
    mrs.patch_cluster(cid, fail_next_scale="scaling-error")
    mrs.clear_requests()
    outcome = role(playbook, tmp_path, cid, "burst", cluster_scale_burst_task_count=4)
    assert outcome["failed"] is True and "scale failed" in outcome["msg"], outcome
    assert [entry["body"]["auto_scaling_policy"]["auto_scaling_enable"] for entry in policy_writes(mrs)] == [False, True]
    assert comparable(held(mrs, cid)) == original


def test_burst_and_converge_pause_and_restore_the_policy_of_every_resource_pool(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="pools", core=3, task=2, scale_seconds=0)["clusterId"]
    set_policy(mrs, cid)  # the group itself, enabled
    set_policy(mrs, cid, pool="pool_b", min_capacity=2, max_capacity=9, tags=[])  # another pool, enabled, other bounds
    set_policy(mrs, cid, pool="pool_c", auto_scaling_enable=False)  # disabled: left alone
    original = dict((pool, comparable(held(mrs, cid, pool))) for pool in ("default", "pool_b", "pool_c"))

    def pauses_and_restores():
        return sorted((entry["body"]["resource_pool_name"], entry["body"]["auto_scaling_policy"]["auto_scaling_enable"])
                      for entry in policy_writes(mrs))

    # the job fails: both enabled pools were paused before the grow and are restored, exactly, after the restore
    mrs.clear_requests()
    outcome = role(playbook, tmp_path, cid, "burst", cluster_scale_burst_task_count=4, job_fails=True)
    assert outcome["failed"] is True and "on purpose" in outcome["msg"], outcome
    assert pauses_and_restores() == [("default", False), ("default", True), ("pool_b", False), ("pool_b", True)]
    log, writes = mrs.requests_log(), policy_writes(mrs)
    assert len(resizes(mrs)) == 2  # the grow went through: no enabled pool was left to refuse it
    assert max(log.index(entry) for entry in writes[:2]) < log.index(resizes(mrs)[0]) < log.index(resizes(mrs)[1]) < min(
        log.index(entry) for entry in writes[2:])
    assert dict((pool, comparable(held(mrs, cid, pool))) for pool in original) == original and task_count(mrs, cid) == 2

    # only the other pool enabled: a converge is still refused (MRS refuses any enabled pool), and told, pauses that one
    set_policy(mrs, cid, method="PUT", auto_scaling_enable=False)
    original["default"] = comparable(held(mrs, cid))
    mrs.clear_requests()
    refused = role(playbook, tmp_path, cid, "converge", cluster_scale_task_count=3)
    assert refused["failed"] is True and "enabled auto-scaling policy" in refused["msg"], refused
    assert resizes(mrs) == [] and policy_writes(mrs) == []
    done = role(playbook, tmp_path, cid, "converge", cluster_scale_task_count=3, cluster_scale_pause_policy=True)
    assert done["failed"] is False and done["result"]["after"] == {"core": 3, "task": 3}, done
    assert pauses_and_restores() == [("pool_b", False), ("pool_b", True)]
    assert dict((pool, comparable(held(mrs, cid, pool))) for pool in original) == original and task_count(mrs, cid) == 3


def test_converge_refuses_an_enabled_policy_and_pauses_it_when_told(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="converge", core=3, task=2, scale_seconds=0)["clusterId"]
    set_policy(mrs, cid)
    original = comparable(held(mrs, cid))

    mrs.clear_requests()
    refused = role(playbook, tmp_path, cid, "converge", cluster_scale_core_count=4, cluster_scale_task_count=3)
    assert refused["failed"] is True and "enabled auto-scaling policy" in refused["msg"] and "burst" in refused["msg"], refused
    assert resizes(mrs) == [] and policy_writes(mrs) == []  # refused before any change, Core included

    mrs.clear_requests()
    done = role(playbook, tmp_path, cid, "converge", cluster_scale_core_count=4, cluster_scale_task_count=3,
                cluster_scale_pause_policy=True)
    assert done["failed"] is False and done["result"]["after"] == {"core": 4, "task": 3}, done
    assert [entry["body"]["auto_scaling_policy"]["auto_scaling_enable"] for entry in policy_writes(mrs)] == [False, True]
    assert comparable(held(mrs, cid)) == original and task_count(mrs, cid) == 3

    # the policy is back: a later converge without the variable is refused again
    mrs.clear_requests()
    refused = role(playbook, tmp_path, cid, "converge", cluster_scale_task_count=2)
    assert refused["failed"] is True and "cluster_scale" in refused["msg"] and resizes(mrs) == []


def test_schedule_sets_the_plans_and_a_rerun_changes_nothing(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="schedule", core=3, task=2, scale_seconds=0)["clusterId"]
    set_policy(mrs, cid)
    before = held(mrs, cid)
    windows = [{"days": ["MONDAY", "TUESDAY"], "start": "9:00", "end": "17:30", "min": 3, "max": 6},
               {"start": "20:00", "end": "23:00", "min": 1, "max": 2}]

    first = role(playbook, tmp_path, cid, "schedule", cluster_scale_schedule=windows)
    assert first["failed"] is False and first["result"]["changed"] is True, first
    after = held(mrs, cid)
    plans = sorted(after["resources_plans"], key=lambda plan: plan["start_time"])
    assert [(plan["start_time"], plan["end_time"], plan["min_capacity"], plan["max_capacity"]) for plan in plans] == [
        ("09:00", "17:30", 3, 6), ("20:00", "23:00", 1, 2)]
    assert plans[0]["effective_days"] == ["MONDAY", "TUESDAY"]
    assert comparable(dict(after, resources_plans=[])) == comparable(dict(before, resources_plans=[]))  # rules as they were

    mrs.clear_requests()
    again = role(playbook, tmp_path, cid, "schedule", cluster_scale_schedule=windows)
    assert again["failed"] is False and again["result"]["changed"] is False, again
    assert policy_writes(mrs) == []

    mrs.clear_requests()
    bad = role(playbook, tmp_path, cid, "schedule", cluster_scale_schedule=[{"start": "9:00", "end": "9:10", "min": 1, "max": 2}])
    # the policy rules' refusal, naming the window as the role's variable, before any request
    assert bad["failed"] is True and bad["msg"].startswith("cluster_scale_schedule[0].end: must be at least 30 minutes"), bad
    assert mrs.requests_log() == []


def test_schedule_creates_the_plans_of_a_named_task_group_and_refuses_other_groups_before_any_write(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="custom-schedule", type="custom", scale_seconds=0, node_groups=[
        {"name": "master_node_default_group", "count": 3, "kind": "master"}, {"name": "node_group_1", "count": 3, "kind": "core"},
        {"name": "node_group_2", "count": 2, "kind": "task"}])["clusterId"]
    windows = [{"start": "08:00", "end": "18:00", "min": 3, "max": 5}]
    made = role(playbook, tmp_path, cid, "schedule", cluster_scale_schedule=windows, cluster_scale_schedule_node_group="node_group_2",
                cluster_scale_schedule_min_capacity=3, cluster_scale_schedule_max_capacity=6)
    assert made["failed"] is False and made["result"]["changed"] is True and made["result"]["node_group"] == "node_group_2", made
    answer = mrs.token_session().get(policy_url(mrs, cid), timeout=10)
    (entry,) = [entry for entry in answer.json() if entry["node_group_name"] == "node_group_2"]
    assert [(plan["start_time"], plan["end_time"]) for plan in entry["auto_scaling_policy"]["resources_plans"]] == [("08:00", "18:00")]
    mrs.clear_requests()
    again = role(playbook, tmp_path, cid, "schedule", cluster_scale_schedule=windows, cluster_scale_schedule_node_group="task")
    assert again["failed"] is False and again["result"]["changed"] is False and policy_writes(mrs) == [], again
    # #21 P9: node_group_1 is a Core-kind group (taskNodeGroups does not list it), and core names none here: both refused
    for group in ("node_group_1", "core"):
        mrs.clear_requests()
        refused = role(playbook, tmp_path, cid, "schedule", cluster_scale_schedule=windows, cluster_scale_schedule_node_group=group,
                       cluster_scale_schedule_min_capacity=3, cluster_scale_schedule_max_capacity=6)
        assert refused["failed"] is True and "node_group" in refused["msg"] and policy_writes(mrs) == [], refused


class FireWhenIdle(threading.Thread):
    """Once the module's resize is in the log, fire the group's policy as soon as the emulator accepts it (it refuses
    while the resize runs): right after the resize ends, before the module's next poll.

    The module's own resize shows only after the default accept delay, as on MRS; the policy's scale-in is made to
    show at once (accept_delay 0 from then on), so that the module's next poll sees it: a policy scale MRS does not show
    yet is nothing the module could see, and reporting the target it reached then is no false success."""

    def __init__(self, mrs, cid):
        super().__init__(daemon=True)
        self.mrs, self.cid = mrs, cid
        self.fired = None
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set() and not resizes(self.mrs):
            time.sleep(0.05)
        self.mrs.patch_cluster(self.cid, accept_delay=0)  # the running resize keeps its own delay
        set_policy(self.mrs, self.cid, method="PUT")  # someone enables the policy while the module waits
        while not self.stop.is_set():
            try:
                self.fired = self.mrs.control("POST", "clusters/%s/policy-actions" % self.cid,
                                              {"node_group": TASK_GROUP, "adjustment": -1})
                return
            # the emulator answers 409 while the resize still runs
            except Exception:  # pylint: disable=broad-except
                time.sleep(0.05)


def test_a_policy_that_fires_during_the_wait_never_causes_a_second_resize_or_a_false_success(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="fires", core=3, task=2, scale_seconds=8)["clusterId"]
    set_policy(mrs, cid, auto_scaling_enable=False)
    mrs.clear_requests()
    firing = FireWhenIdle(mrs, cid)
    firing.start()
    result = resize(playbook, tmp_path, cluster_id=cid, node_group="task", count=4, wait=True, wait_timeout=120)
    firing.stop.set()
    firing.join(10)

    assert firing.fired is not None and firing.fired["policy_action"]["to"] == 3, firing.fired
    assert len(resizes(mrs)) == 1  # never a second resize
    mrs.wait_until_idle(cid)
    assert task_count(mrs, cid) == 3
    # the module saw the policy's scale-in (its poll comes after the fire): it fails, saying the count it ended with
    assert result["failed"] is True and result["changed"] is True, result
    assert "not the target 4" in result["msg"], result["msg"]
