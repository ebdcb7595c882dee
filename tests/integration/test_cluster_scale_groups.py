"""The cluster_scale role over named node groups (#13), through real ansible-playbook runs on a custom emulator cluster:
converge and profile take sizes by group name, ordered capacity first across groups, each resize made by
mrs_cluster_nodes (v2 expand/shrink for a named group); a re-run changes nothing; a Master group or a group the
cluster does not have is refused before any write."""

import json

GROUPS = [{"name": "master_node_default_group", "count": 3, "kind": "master"},
          {"name": "node_group_1", "count": 3, "kind": "core"},
          {"name": "node_group_2", "count": 1, "kind": "task"}]
JOB = "tasks/policy_job.yml"


def custom_cluster(mrs, name="lake"):
    return mrs.create_cluster(name=name, type="custom", node_groups=GROUPS, scale_seconds=0)["clusterId"]


def counts(mrs, cid):
    return dict((group["GroupName"], group["NodeNum"]) for group in mrs.cluster(cid)["nodeGroups"])


def writes(mrs):
    """Every write the emulator received (resizes of either API, policy writes), as (method, path tail, body)."""
    return [(entry["method"], entry["path"].rsplit("/", 1)[-1], entry.get("body")) for entry in mrs.requests_log()
            if entry["method"] not in ("GET", "HEAD")]


def role(playbook, tmp_path, entry, *args, **role_vars):
    result_file = tmp_path / ("%s.json" % entry)
    if result_file.exists():
        result_file.unlink()
    run = playbook("role_entry", *args, entry=entry, result_file=str(result_file), job_fails=False,
                   cluster_scale_burst_tasks_file=JOB, **role_vars)
    assert run.rc == 0, run
    return json.loads(result_file.read_text())


def test_converge_a_custom_group_then_two_groups_stepwise_and_rerun_changes_nothing(mrs, playbook, tmp_path):
    cid = custom_cluster(mrs)

    # check mode: the plan and the prediction, nothing written
    mrs.clear_requests()
    checked = role(playbook, tmp_path, "converge", "--check", cluster_scale_cluster_name="lake",
                   cluster_scale_node_groups={"node_group_1": 5, "node_group_2": 2})
    assert checked["failed"] is False and checked["result"]["check_mode"] is True, checked
    assert checked["result"]["after"] == {"node_group_1": 5, "node_group_2": 2} and writes(mrs) == []
    assert counts(mrs, cid) == {"master_node_default_group": 3, "node_group_1": 3, "node_group_2": 1}

    mrs.clear_requests()
    done = role(playbook, tmp_path, "converge", cluster_scale_cluster_name="lake", cluster_scale_node_groups={"node_group_1": 5})
    assert done["failed"] is False, done
    result = done["result"]
    assert result["changed"] is True and result["cluster_id"] == cid
    assert [(step["node_group"], step["from"], step["count"]) for step in result["steps"]] == [("node_group_1", 3, 5)]
    assert result["before"]["node_group_1"] == 3 and result["after"]["node_group_1"] == result["target"]["node_group_1"] == 5
    assert writes(mrs) == [("POST", "expand", {"node_group_name": "node_group_1", "count": 2})]
    assert counts(mrs, cid) == {"master_node_default_group": 3, "node_group_1": 5, "node_group_2": 1}

    # again: nothing to do, nothing written
    mrs.clear_requests()
    again = role(playbook, tmp_path, "converge", cluster_scale_cluster_id=cid, cluster_scale_node_groups={"node_group_1": 5})
    assert again["failed"] is False and again["result"]["changed"] is False and again["result"]["steps"] == [], again
    assert [entry["method"] for entry in mrs.requests_log()] == ["GET"]  # one read of the cluster, by its id

    # two groups in steps of 2: node_group_2 grows first (capacity first), node_group_1 shrinks after it. node_group_1's
    # nodes run the DataNode, so its 2 removed nodes count against the HDFS removal limit (#20 class 7): raised to 2
    mrs.clear_requests()
    both = role(playbook, tmp_path, "converge", cluster_scale_cluster_id=cid, cluster_scale_step=2,
                cluster_scale_core_removal_limit=2, cluster_scale_node_groups={"node_group_1": 3, "node_group_2": 4})
    assert both["failed"] is False, both
    assert [(step["node_group"], step["from"], step["count"]) for step in both["result"]["steps"]] == [
        ("node_group_2", 1, 3), ("node_group_2", 3, 4), ("node_group_1", 5, 3)]
    assert writes(mrs) == [("POST", "expand", {"node_group_name": "node_group_2", "count": 2}),
                           ("POST", "expand", {"node_group_name": "node_group_2", "count": 1}),
                           ("POST", "shrink", {"node_group_name": "node_group_1", "count": 2})]
    assert counts(mrs, cid) == {"master_node_default_group": 3, "node_group_1": 3, "node_group_2": 4}
    assert both["result"]["after"] == {"node_group_1": 3, "node_group_2": 4}

    assert any(entry["path"].endswith("/nodes") for entry in mrs.requests_log())  # the node list told the guard

    mrs.clear_requests()
    rerun = role(playbook, tmp_path, "converge", cluster_scale_cluster_id=cid, cluster_scale_step=2,
                 cluster_scale_node_groups={"node_group_1": 3, "node_group_2": 4})
    assert rerun["failed"] is False and rerun["result"]["changed"] is False, rerun
    assert writes(mrs) == []


def test_profile_and_burst_take_named_groups(mrs, playbook, tmp_path):
    cid = custom_cluster(mrs)
    profiles = {"day": {"node_groups": {"node_group_1": 4, "node_group_2": 2}}, "night": {"node_groups": {"node_group_2": 0}}}

    mrs.clear_requests()
    day = role(playbook, tmp_path, "profile", cluster_scale_cluster_id=cid, cluster_scale_profiles=profiles,
               cluster_scale_profile="day")
    assert day["failed"] is False and day["result"]["profile"] == "day", day
    assert [(step["node_group"], step["from"], step["count"]) for step in day["result"]["steps"]] == [
        ("node_group_1", 3, 4), ("node_group_2", 1, 2)]
    assert counts(mrs, cid)["node_group_1"] == 4 and counts(mrs, cid)["node_group_2"] == 2

    # burst a named group: grown for the job, restored after it
    mrs.clear_requests()
    burst = role(playbook, tmp_path, "burst", cluster_scale_cluster_id=cid, cluster_scale_burst_node_group="node_group_2",
                 cluster_scale_burst_task_increase=3)
    assert burst["failed"] is False, burst
    assert burst["result"]["before"] == {"node_group_2": 2} and burst["result"]["burst"] == {"node_group_2": 5}
    assert burst["result"]["after"] == {"node_group_2": 2} and burst["result"]["restored"] is True
    assert writes(mrs) == [("POST", "expand", {"node_group_name": "node_group_2", "count": 3}),
                           ("POST", "shrink", {"node_group_name": "node_group_2", "count": 3})]
    assert counts(mrs, cid)["node_group_2"] == 2


def test_a_master_group_or_an_unknown_group_is_refused_before_any_write(mrs, playbook, tmp_path):
    cid = custom_cluster(mrs)
    cases = [
        ("converge", dict(cluster_scale_node_groups={"master_node_default_group": 4}),
         ["cluster_scale_node_groups.master_node_default_group:", "Master"]),
        ("converge", dict(cluster_scale_node_groups={"node_group_9": 4}),
         ["cluster_scale_node_groups.node_group_9: the cluster has no node group named 'node_group_9'", "node_group_1, node_group_2"]),
        ("converge", dict(cluster_scale_node_groups={"Node_Group_1": 4}), ["did you mean 'node_group_1'?"]),
        # one bad group refuses the whole plan: the good one is not resized either
        ("converge", dict(cluster_scale_node_groups={"node_group_2": 6, "master": 1}),
         ["cluster_scale_node_groups.master: the number of Master nodes cannot be changed"]),
        ("converge", dict(cluster_scale_core_count=4, cluster_scale_node_groups={"core": 5}),
         ["cluster_scale_core_count / cluster_scale_node_groups.core: give the core size once"]),
        ("profile", dict(cluster_scale_profiles={"day": {"node_groups": {"node_group_1": 4}},
                                                 "night": {"node_groups": {"master_node_default_group": 1}}},
                         cluster_scale_profile="day"),
         ["cluster_scale_profiles.night.node_groups.master_node_default_group:", "Master"]),
        ("profile", dict(cluster_scale_profiles={"day": {"node_groups": [4]}}, cluster_scale_profile="day"),
         ["cluster_scale_profiles.day.node_groups: must be a dictionary"]),
        ("burst", dict(cluster_scale_burst_node_group="master_node_default_group", cluster_scale_burst_task_increase=1),
         ["cluster_scale_burst_node_group:", "Master"]),
        ("burst", dict(cluster_scale_burst_node_group="node_group_7", cluster_scale_burst_task_increase=1),
         ["cluster_scale_burst_node_group: the cluster has no node group named 'node_group_7'"]),
    ]
    mrs.clear_requests()
    for entry, role_vars, expected in cases:
        outcome = role(playbook, tmp_path, entry, cluster_scale_cluster_id=cid, **role_vars)
        assert outcome["failed"] is True, (entry, role_vars, outcome)
        for part in expected:
            assert part in outcome["msg"], (entry, role_vars, part, outcome["msg"])
    assert writes(mrs) == []
    assert counts(mrs, cid) == {"master_node_default_group": 3, "node_group_1": 3, "node_group_2": 1}


POLICY = {"auto_scaling_enable": True, "min_capacity": 1, "max_capacity": 6, "tags": [],
          "rules": [{"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 20, "scaling_adjustment": 2,
                     "trigger": {"metric_name": "YARNAppPending", "metric_value": "10", "comparison_operator": "GT",
                                 "evaluation_periods": 3}}]}


def test_a_named_groups_policy_is_refused_or_paused_and_restored(mrs, playbook, tmp_path):
    cid = custom_cluster(mrs)
    url = "%s/v2/%s/autoscaling-policy/%s" % (mrs.url, mrs.project_id, cid)
    answer = mrs.token_session().post(url, json={"node_group_name": "node_group_2", "resource_pool_name": "default",
                                                 "auto_scaling_policy": POLICY}, timeout=10)
    assert answer.ok, answer.text

    mrs.clear_requests()
    refused = role(playbook, tmp_path, "converge", cluster_scale_cluster_id=cid,
                   cluster_scale_node_groups={"node_group_1": 4, "node_group_2": 3})
    assert refused["failed"] is True and "node_group_2" in refused["msg"] and "enabled auto-scaling policy" in refused["msg"]
    assert writes(mrs) == []  # node_group_1 was not resized either

    mrs.clear_requests()
    done = role(playbook, tmp_path, "converge", cluster_scale_cluster_id=cid, cluster_scale_pause_policy=True,
                cluster_scale_node_groups={"node_group_1": 4, "node_group_2": 3})
    assert done["failed"] is False, done
    assert [(method, tail, (body or {}).get("auto_scaling_policy", {}).get("auto_scaling_enable"))
            for method, tail, body in writes(mrs)] == [
        ("PUT", cid, False), ("POST", "expand", None), ("POST", "expand", None), ("PUT", cid, True)]
    assert counts(mrs, cid) == {"master_node_default_group": 3, "node_group_1": 4, "node_group_2": 3}
    held = [entry for entry in mrs.token_session().get(url, timeout=10).json() if entry["node_group_name"] == "node_group_2"]
    assert held[0]["auto_scaling_policy"]["auto_scaling_enable"] is True


# --- #20 class 7: the HDFS removal guard covers every group that holds HDFS data ---------------------------------------

def role_via(playbook, tmp_path, entry, env, **role_vars):
    result_file = tmp_path / ("%s-via.json" % entry)
    if result_file.exists():
        result_file.unlink()
    run = playbook("role_entry", env=env, entry=entry, result_file=str(result_file), job_fails=False,
                   cluster_scale_burst_tasks_file=JOB, **role_vars)
    assert run.rc == 0, run
    return json.loads(result_file.read_text())


NIGHT = {"day": {"node_groups": {"node_group_1": 6}}, "night": {"node_groups": {"node_group_1": 3}}}


def test_the_night_profile_taking_a_datanode_custom_group_from_6_to_3_is_refused_before_any_change(mrs, playbook, tmp_path):
    """Was: node_group_1 6 -> 3 in one shrink with the default limit of 1 (the guard saw only Core-kind groups)."""
    cid = mrs.create_cluster(name="lake", type="custom", scale_seconds=0, node_groups=[
        GROUPS[0], dict(GROUPS[1], count=6), GROUPS[2]])["clusterId"]
    mrs.clear_requests()
    night = role(playbook, tmp_path, "profile", cluster_scale_cluster_id=cid, cluster_scale_profiles=NIGHT,
                 cluster_scale_profile="night")
    assert night["failed"] is True, night
    assert night["msg"].startswith("cluster_scale_core_removal_limit: this run would remove 3 nodes that hold HDFS data "
                                   "(node_group_1 6 -> 3, profile night) and at most 1 may go in one run. Nothing was changed. "
                                   "node_group_1 counts: runs the HDFS DataNode."), night["msg"]
    assert "set cluster_scale_core_removal_limit to 3 or more" in night["msg"]
    assert "cluster_scale_allow_core_removal to true" in night["msg"]
    assert writes(mrs) == [] and counts(mrs, cid)["node_group_1"] == 6

    raised = role(playbook, tmp_path, "profile", cluster_scale_cluster_id=cid, cluster_scale_profiles=NIGHT,
                  cluster_scale_profile="night", cluster_scale_core_removal_limit=3)
    assert raised["failed"] is False, raised
    assert writes(mrs) == [("POST", "shrink", {"node_group_name": "node_group_1", "count": 3})]


def test_a_custom_group_whose_nodes_run_no_datanode_is_not_counted_and_a_trimmed_node_list_is(mrs, playbook, tmp_path):
    """The same rule as the minimum: a custom group counts when its nodes run the DataNode, or when they cannot say."""
    from gateway import Gateway
    cid = mrs.create_cluster(name="lake", type="custom", scale_seconds=0, node_groups=[
        GROUPS[0], dict(GROUPS[1], count=6), GROUPS[2]])["clusterId"]
    nodes = r"/clusters/%s/nodes$" % cid
    with Gateway(mrs.url) as gateway:
        env = dict(HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url)
        gateway.add("GET", nodes, "set", times=None, values={"nodes.*.component_infos": []})
        trimmed = role_via(playbook, tmp_path, "converge", env, cluster_scale_cluster_id=cid,
                           cluster_scale_node_groups={"node_group_1": 4})
        assert trimmed["failed"] is True and "this run would remove 2 nodes that hold HDFS data" in trimmed["msg"], trimmed
        assert "does not say which components" in trimmed["msg"] and "so it is taken as holding HDFS data" in trimmed["msg"]
        assert writes(mrs) == []

        gateway.clear()
        no_datanode = [{"role_name": "NodeManager", "service_name": "Yarn"}]
        gateway.add("GET", nodes, "set", times=None, values={"nodes.*.component_infos": no_datanode})
        compute = role_via(playbook, tmp_path, "converge", env, cluster_scale_cluster_id=cid,
                           cluster_scale_node_groups={"node_group_1": 4})
    assert compute["failed"] is False, compute
    assert writes(mrs) == [("POST", "shrink", {"node_group_name": "node_group_1", "count": 2})]
