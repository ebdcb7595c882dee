"""What the cluster_scale role prints, through real ansible-playbook runs on the emulator (#22, #23):

- a refusal of any kind arrives as the role's own message, naming the role variable, and no run's output holds the
  wrappers Ansible puts around a failing filter or loop ("Finalization of task args", "One or more items failed");
- a long resize shows that it is alive: a line with the group's count every cluster_scale_progress_interval seconds,
  through the module's own wait (one resize), in a plain run and under ansible-runner (AWX);
- a converge of one group prints what a user needs: far fewer lines than the role's internals did (111).
"""

import json
import os
import re
import sys

import pytest

WRAPPERS = ("Finalization of task args", "One or more items failed", "Traceback", "The conditional check", "unexpected templating")
POLICY = {"auto_scaling_enable": True, "min_capacity": 1, "max_capacity": 6, "tags": [],
          "rules": [{"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": 2,
                     "trigger": {"metric_name": "YARNAppPending", "metric_value": "10", "comparison_operator": "GT",
                                 "evaluation_periods": 3}}]}
CUSTOM = [{"name": "master_node_default_group", "count": 3, "kind": "master"}, {"name": "node_group_1", "count": 3, "kind": "core"},
          {"name": "node_group_2", "count": 1, "kind": "task"}]
PROGRESS = re.compile(r"^\[localhost\] mrs_cluster_nodes: node group (\S+) has (\d+) nodes \(target (\d+)\) after (\d+) s; cluster (.+)$",
                      re.MULTILINE)


def load(path):
    return json.loads(path.read_text())


def add_policy(mrs, cid, group):
    url = "%s/v2/%s/autoscaling-policy/%s" % (mrs.url, mrs.project_id, cid)
    answer = mrs.token_session().post(url, json={"node_group_name": group, "resource_pool_name": "default",
                                                 "auto_scaling_policy": POLICY}, timeout=10)
    assert answer.ok, answer.text


def writes(mrs):
    return [(entry["method"], entry["path"]) for entry in mrs.requests_log() if entry["method"] not in ("GET", "HEAD")]


def no_wrapper(run):
    found = [wrapper for wrapper in WRAPPERS if wrapper in run.output]
    assert not found, (found, run.output)


def watched(playbook, tmp_path, **options):
    """One mrs_cluster_nodes task with progress_interval (playbooks/nodes_progress.yml): (run, its registered result)."""
    result_file = tmp_path / "nodes.json"
    run = playbook("nodes_progress", result_file=str(result_file), **options)
    return run, load(result_file)


def refusals(playbook, tmp_path, cases):
    result_file = tmp_path / "refusals.json"
    run = playbook("role_refusals", cases=cases, result_file=str(result_file))
    assert run.rc == 0, run
    no_wrapper(run)
    return load(result_file)


def test_every_kind_of_refusal_is_the_roles_message_naming_its_variable(mrs, playbook, tmp_path):
    analytics = mrs.create_cluster(name="analytics", core=6, task=2, scale_seconds=0)["clusterId"]
    lake = mrs.create_cluster(name="lake", type="custom", node_groups=CUSTOM, scale_seconds=0)["clusterId"]
    add_policy(mrs, analytics, "task_node_analysis_group")
    core_host = next(host["name"] for host in mrs.hosts(analytics) if host["type"] == "Core")
    at = dict(cluster_scale_cluster_id=analytics)
    cases = [
        ("core-below-3", "converge", dict(at, cluster_scale_core_count=2), "cluster_scale_core_count: must be 3 or more"),
        ("profile-not-applied", "profile", dict(at, cluster_scale_profiles={"day": {"core": 6}, "night": {"core": 2}},
                                                cluster_scale_profile="day"), "cluster_scale_profiles.night.core: must be 3 or more"),
        ("past-the-node-limit", "converge", dict(at, cluster_scale_task_count=495),
         "cluster_scale_task_count: Core + Task would be 501 nodes"),
        ("no-such-cluster", "converge", dict(cluster_scale_cluster_name="no-such", cluster_scale_core_count=4),
         'cluster_scale_cluster_name: no live cluster named "no-such"'),
        ("no-such-group", "converge", dict(cluster_scale_cluster_id=lake, cluster_scale_node_groups={"node_group_9": 4}),
         "cluster_scale_node_groups.node_group_9: the cluster has no node group named 'node_group_9'"),
        ("hdfs-removal-limit", "converge", dict(at, cluster_scale_core_count=3),
         "cluster_scale_core_removal_limit: this run would remove 3 Core nodes (6 -> 3)"),
        ("enabled-policy", "converge", dict(at, cluster_scale_task_count=3),
         "cluster_scale_task_count: the Task group (task_node_analysis_group) has an enabled auto-scaling policy"),
        ("burst-no-such-group", "burst", dict(cluster_scale_cluster_id=lake, cluster_scale_burst_node_group="node_group_7",
                                              cluster_scale_burst_task_increase=1),
         "cluster_scale_burst_node_group: the cluster has no node group named 'node_group_7'"),
        ("drain-a-core-node", "drain", dict(at, cluster_scale_drain_host_names=[core_host]),
         "cluster_scale_drain_server_ids / cluster_scale_drain_host_names: only Task nodes can be drained"),
        ("unquoted-time", "schedule", dict(at, cluster_scale_schedule=[{"start": 570, "end": "18:00", "min": 1, "max": 2}]),
         'cluster_scale_schedule[0].start: must be a quoted time "HH:mm"'),
    ]
    mrs.clear_requests()

    saved = refusals(playbook, tmp_path, [dict(name=name, entry=entry, vars=variables) for name, entry, variables, _start in cases])

    for name, _entry, _variables, start in cases:
        assert saved[name].startswith(start), (name, saved[name])
    # the way out of a policy that owns the group's count is the role's variable
    assert "set cluster_scale_pause_policy: true" in saved["enabled-policy"] and "burst" in saved["enabled-policy"]
    assert writes(mrs) == []


def test_a_failed_policy_read_and_a_failed_pause_say_their_cause_and_nothing_else(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="analytics", core=3, task=2, scale_seconds=0)["clusterId"]
    add_policy(mrs, cid, "task_node_analysis_group")
    case = dict(name="read", entry="converge", vars=dict(cluster_scale_cluster_id=cid, cluster_scale_core_count=4,
                                                         cluster_scale_task_count=3))
    mrs.add_fault(method="GET", path="autoscaling-policy", status=403, error_code="APIGW.0302", times=20)
    mrs.clear_requests()
    read = refusals(playbook, tmp_path, [case])["read"]
    mrs.clear_faults()
    assert read.startswith("reading the auto-scaling policy of node group core failed: ") and "APIGW.0302" in read, read
    assert "node group task failed" in read and "Nothing was changed" in read and writes(mrs) == []

    mrs.add_fault(method="PUT", path="autoscaling-policy", status=403, error_code="APIGW.0302", times=1)
    mrs.clear_requests()
    paused = refusals(playbook, tmp_path, [dict(case, name="pause", vars=dict(case["vars"], cluster_scale_pause_policy=True))])["pause"]
    mrs.clear_faults()
    assert paused.startswith("the auto-scaling policy of node group task_node_analysis_group (resource pool default) could not "
                             "be paused: ") and "Nothing was resized." in paused, paused
    # the one pause was refused; nothing was resized, and the policy that stayed enabled needed no restore
    assert [method for method, path in writes(mrs)] == ["PUT"]


def test_a_converge_of_one_group_prints_what_a_user_needs(mrs, playbook):
    mrs.create_cluster(name="analytics", core=3, task=2, scale_seconds=0)

    run = playbook("role_one_group", cluster_name="analytics", core=4)

    assert run.rc == 0, run
    shown = re.search(r"^PLAY \[.*?^PLAY RECAP[^\n]*\n", run.output, re.DOTALL | re.MULTILINE).group(0).splitlines()
    # 111 lines when the role's decisions were Jinja in 13 task files; the resize and its change stay on show
    assert len(shown) <= 45, "\n".join(shown)
    assert "TASK [hwcloud.mrs.cluster_scale : Resize core 3 -> 4]" in run.output
    assert re.search(r"TASK \[hwcloud.mrs.cluster_scale : Resize core 3 -> 4\] \**\nchanged: \[localhost\]", run.output), run
    assert re.search(r"localhost\s+: ok=\d+\s+changed=1\s", run.output), run
    no_wrapper(run)


def test_a_long_resize_prints_the_groups_count_while_it_waits_and_is_sent_once(mrs, playbook):
    cid = mrs.create_cluster(name="analytics", core=3, task=0, scale_seconds=7)["clusterId"]

    run = playbook("role_one_group", cluster_name="analytics", core=5, cluster_scale_progress_interval=2)

    assert run.rc == 0, run
    lines = PROGRESS.findall(run.output)
    assert len(lines) >= 2, run
    assert all(group == "core" and target == "5" for group, _count, target, _elapsed, _state in lines), lines
    assert [int(elapsed) for _group, _count, _target, elapsed, _state in lines] == sorted(
        int(elapsed) for _group, _count, _target, elapsed, _state in lines)
    assert any(state.startswith("scaling") for _group, _count, _target, _elapsed, state in lines), lines
    # the lines come between the task's header and its result, and the resize was sent once
    header = run.output.index("Resize core 3 -> 5]")
    assert header < run.output.index(lines[0][0] + " has") < run.output.index("changed: [localhost]", header)
    assert [method for method, path in writes(mrs)] == ["PUT"]
    assert mrs.cluster(cid)["coreNodeNum"] == "5"


def test_the_module_alone_prints_the_same_lines_and_keeps_its_result_and_warnings(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="direct", core=3, task=0, scale_seconds=5)["clusterId"]

    run, result = watched(playbook, tmp_path, cluster_id=cid, node_group="core", count=4, wait_timeout=60, progress_interval=2)

    assert run.rc == 0, run
    assert len(PROGRESS.findall(run.output)) >= 2, run
    assert result["changed"] is True and result["count"] == 4 and result["previous_count"] == 3, result
    assert not [key for key in ("ansible_job_id", "finished", "started", "results_file") if key in result], result
    # a no-op whose precondition is stale warns: the warning comes through the background job
    run, result = watched(playbook, tmp_path, cluster_id=cid, node_group="core", count=4, current_count=3, progress_interval=2)
    assert run.rc == 0 and result["changed"] is False, run
    assert "current_count: expected 3 Core nodes but the group has 4" in run.output, run


def test_a_resize_that_fails_while_watched_fails_with_the_modules_result(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="direct", core=3, task=0, scale_seconds=3)["clusterId"]
    mrs.patch_cluster(cid, fail_next_scale="failed")

    run, result = watched(playbook, tmp_path, cluster_id=cid, node_group="core", count=5, wait_timeout=60, progress_interval=2)

    assert run.rc == 0, run  # the playbook ignores the failure, to save it
    assert result["failed"] is True and result["changed"] is True and "scale" in result["msg"], result
    assert result["previous_count"] == 3 and result["request"] is not None, result
    assert [method for method, path in writes(mrs)] == ["PUT"]


def test_a_bad_progress_interval_is_refused_before_any_request(mrs, playbook, tmp_path):
    cid = mrs.create_cluster(name="direct", core=3, task=0)["clusterId"]
    mrs.clear_requests()

    run, result = watched(playbook, tmp_path, cluster_id=cid, node_group="core", count=5, progress_interval=-1)

    assert result["failed"] is True and result["msg"].startswith("progress_interval: must be 0 or more seconds"), result
    assert mrs.requests_log() == []


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of forkpty:DeprecationWarning")
def test_the_progress_lines_reach_awx_as_job_events(mrs, ansible_env, tmp_path):
    """ansible-runner, the engine of AWX and Automation Platform: each line is an event of the job, in its output."""
    ansible_runner = pytest.importorskip("ansible_runner")
    mrs.create_cluster(name="analytics", core=3, task=0, scale_seconds=6)
    names = ("HW_MRS_ENDPOINT", "HW_AUTH_URL", "HW_REGION_NAME", "HW_PROJECT_ID", "HW_ACCESS_KEY", "HW_SECRET_KEY")
    envvars = dict((name, ansible_env[name]) for name in names)
    envvars.update(ANSIBLE_COLLECTIONS_PATH=ansible_env["ANSIBLE_COLLECTIONS_PATH"], ANSIBLE_NOCOLOR="1",
                   PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))

    result = ansible_runner.run(
        private_data_dir=str(tmp_path), host_cwd=str(tmp_path),
        playbook=os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "role_one_group.yml"),
        inventory={"all": {"hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}},
        envvars=envvars, extravars={"cluster_name": "analytics", "core": 4, "cluster_scale_progress_interval": 2},
        quiet=True, timeout=300)

    output = result.stdout.read()
    assert (result.status, result.rc) == ("successful", 0), output
    lines = [event["stdout"] for event in result.events if PROGRESS.search(event.get("stdout") or "")]
    assert len(lines) >= 2, json.dumps([event.get("stdout") for event in result.events], indent=1)
    assert ansible_env["HW_SECRET_KEY"] not in output
