"""The bad-input matrix: invalid inputs of mrs_cluster_nodes and of the cluster_scale role, in real playbook runs.

Every case must fail with a message that names the option (or role variable) and the rule it breaks, and no
resize request may reach the emulator. All cases of the module run in one playbook (bad_module.yml), all cases of
the role in another (bad_role.yml). docs/reliability.md lists them.
"""

from reliability_support import CONNECTION_VARIABLES, load_json, run_playbook

SPEC = {"node_size": "s3.xlarge.2.linux.bigdata"}


def module_cases(clusters, hosts, mrs):
    """(name, task options, connection overrides, fragments the message must contain)."""
    main, tasky = clusters["main"], clusters["tasky"]
    core_host = next(host["id"] for host in hosts if host["type"] == "Core")
    task_host = next(host["id"] for host in hosts if host["type"] == "Task")
    core = dict(cluster_id=main, node_group="core")
    task = dict(cluster_id=main, node_group="task")
    expired = mrs.mint_token(ttl=0.001)
    rows = [
        # types and shapes (the argument spec)
        ("count-not-a-number", dict(core, count="many"), {}, ["count", "is of type", "int"]),
        ("wait-not-a-boolean", dict(core, count=4, wait="perhaps"), {}, ["wait", "is of type", "bool"]),
        # required options and combinations
        ("node-group-missing", dict(cluster_id=main, count=4), {}, ["missing required arguments: node_group"]),
        ("no-cluster", dict(node_group="core", count=4), {}, ["one of the following is required: cluster_id, cluster_name"]),
        ("cluster-id-and-name", dict(core, cluster_name="bad-main", count=4), {}, ["mutually exclusive: cluster_id|cluster_name"]),
        ("neither-count-nor-server-ids", dict(core), {}, ["one of the following is required: count, server_ids"]),
        ("node-size-missing", dict(task, count=2, task_node_info={"data_volume_type": "SSD"}), {},
         ["missing required arguments: node_size", "task_node_info"]),
        ("data-volume-type-unknown", dict(task, count=2, task_node_info=dict(SPEC, data_volume_type="NVME")), {},
         ["data_volume_type", "must be one of: SATA, SAS, SSD, GPSSD"]),
        # ranges and limits
        ("count-negative", dict(core, count=-1), {}, ["count: must be 0 or more"]),
        ("wait-timeout-negative", dict(core, count=4, wait_timeout=-5), {}, ["wait_timeout: must be 0 or more seconds"]),
        ("core-below-3", dict(core, count=2), {}, ["count: Core nodes can never go below 3"]),
        ("core-above-500", dict(core, count=501), {}, ["count: Core + Task nodes can total at most 500", "this would make 501"]),
        ("full-cluster-one-more-core", dict(cluster_id=clusters["full"], node_group="core", count=4), {},
         ["count: Core + Task nodes can total at most 500", "at most 0 more can be added"]),
        ("data-volume-count-21", dict(task, count=2, task_node_info=dict(SPEC, data_volume_count=21)), {},
         ["task_node_info.data_volume_count: must be a whole number from 0 to 20"]),
        ("data-volume-size-32001", dict(task, count=2, task_node_info=dict(SPEC, data_volume_size=32001)), {},
         ["task_node_info.data_volume_size: must be a whole number from 100 to 32000"]),
        ("node-size-blank", dict(task, count=2, task_node_info={"node_size": "  "}), {}, ["task_node_info.node_size: required"]),
        # node groups and node ids
        ("node-group-master", dict(cluster_id=main, node_group="master", count=3), {}, ["node_group: the number of Master nodes cannot be changed"]),
        ("node-group-unknown", dict(cluster_id=main, node_group="gpu", count=3), {},
         ["node_group: the cluster has no node group named 'gpu'", "core_node_analysis_group"]),
        ("node-group-malformed", dict(cluster_id=main, node_group="gpu nodes", count=3), {},
         ["node_group: must be core, task, or a node group name"]),
        ("server-ids-on-core", dict(core, server_ids=[core_host]), {}, ["server_ids: only Task nodes can be removed by id"]),
        ("server-ids-naming-a-core-node", dict(cluster_id=tasky, node_group="task", server_ids=[core_host, task_host]), {},
         ["server_ids:", "is a Core node, not a Task node"]),
        ("server-ids-empty-string", dict(cluster_id=tasky, node_group="task", server_ids=[""]), {},
         ["server_ids: every id must be a non-empty string"]),
        ("unknown-server-ids-and-count-disagree", dict(cluster_id=tasky, node_group="task", server_ids=["no-such-node"], count=1), {},
         ["count: count and server_ids must agree", "leaves 2, not 1"]),
        # the cluster's own state
        ("task-from-0-without-spec", dict(task, count=2), {}, ["task_node_info: required when scaling the Task group out from 0 nodes"]),
        ("stale-current-count", dict(core, count=5, current_count=4), {}, ["current_count: the Core group has 3 nodes, not 4"]),
        ("frozen-cluster", dict(cluster_id=clusters["frozen"], node_group="core", count=4), {},
         ["cluster: cluster is in state 'frozen'", "only a running cluster can be scaled"]),
        ("busy-cluster-without-wait", dict(cluster_id=clusters["busy"], node_group="core", count=4, wait=False), {},
         ["cluster: cluster is in state 'scaling-out'", "only a running cluster can be scaled"]),
        ("prepaid-cluster", dict(cluster_id=clusters["prepaid"], node_group="core", count=4), {},
         ["cluster: yearly/monthly (prepaid) clusters cannot be scaled"]),
        ("terminated-cluster", dict(cluster_id=clusters["terminated"], node_group="core", count=4), {},
         ["cluster: cluster is in state 'terminated'"]),
        # finding the cluster
        ("unknown-cluster-id", dict(cluster_id="no-such-cluster", node_group="core", count=4), {},
         ["12000003", "the cluster does not exist", "cluster_id"]),
        ("unknown-cluster-name", dict(cluster_name="no-such-cluster", node_group="core", count=4), {},
         ['cluster_name: no live cluster named "no-such-cluster"']),
        ("cluster-name-of-two-clusters", dict(cluster_name="bad-twin", node_group="core", count=4), {},
         ['cluster_name: more than one live cluster named "bad-twin"']),
        # credentials and connection
        ("wrong-secret-key", dict(core, count=4), dict(secret_key="not-the-secret-key-of-this-access-key"),
         ["APIGW.0301", "check access_key/secret_key"]),
        ("access-key-without-secret-key", dict(core, count=4), dict(secret_key=None), ["access_key and secret_key must be given together"]),
        ("no-credentials", dict(core, count=4), dict(access_key=None, secret_key=None), ["no credentials", "access_key", "auth_token"]),
        ("wrong-password", dict(core, count=4),
         dict(access_key=None, secret_key=None, user_name=mrs.iam_user, password="wrong-password", domain_name=mrs.iam_domain),
         ["/v3/auth/tokens", "The username or password is wrong"]),
        ("expired-token", dict(core, count=4), dict(auth_token=expired), ["APIGW.0307", "the token has expired"]),
        ("unreachable-endpoint", dict(core, count=4), dict(endpoint="http://127.0.0.1:9", retries=0), ["check endpoint, proxy and network"]),
        ("neither-region-nor-endpoint", dict(core, count=4), dict(endpoint=None, region=None), ["region is required unless endpoint is given"]),
    ]
    return [dict(name=name, args=args, connection=connection, expect=expect) for name, args, connection, expect in rows]


def test_invalid_module_inputs_are_refused_before_any_put(mrs, ansible_env, tmp_path):
    clusters = {
        "main": mrs.create_cluster(name="bad-main", core=3, task=0)["clusterId"],
        "tasky": mrs.create_cluster(name="bad-tasky", core=3, task=2)["clusterId"],
        "full": mrs.create_cluster(name="bad-full", core=3, task=497)["clusterId"],
        "frozen": mrs.create_cluster(name="bad-frozen", state="frozen")["clusterId"],
        "busy": mrs.create_cluster(name="bad-busy", state="scaling-out", scale_seconds=120)["clusterId"],
        "prepaid": mrs.create_cluster(name="bad-prepaid", billing_type="Yearly/Monthly")["clusterId"],
        "terminated": mrs.create_cluster(name="bad-terminated", state="terminated")["clusterId"],
    }
    mrs.create_cluster(name="bad-twin")
    mrs.create_cluster(name="bad-twin")
    cases = module_cases(clusters, mrs.hosts(clusters["tasky"]), mrs)
    assert len(set(case["name"] for case in cases)) == len(cases)
    connection = dict(endpoint=mrs.url, iam_endpoint=mrs.url, region=mrs.region, project_id=mrs.project_id,
                      access_key=mrs.access_key, secret_key=mrs.secret_key)
    env = dict((name, value) for name, value in ansible_env.items() if name not in CONNECTION_VARIABLES)

    parts = dict(("part%d" % index, cases[index::3]) for index in range(3))

    run = run_playbook(env, "bad_module", "-i", ",".join(parts) + ",", "-f", "3", cases=parts, mrs_connection=connection,
                       result_file=str(tmp_path / "result.json"))

    assert run.rc == 0, run
    saved = load_json(tmp_path / "result.json")
    outcomes = dict(zip(saved["cases"], zip(saved["failed"], saved["msg"])))
    problems = ["%s: %s" % (case["name"], outcomes.get(case["name"])) for case in cases
                if not (outcomes.get(case["name"], (False,))[0] and all(part in outcomes[case["name"]][1] for part in case["expect"]))]
    assert not problems, "cases not refused as expected (fragments: %s):\n%s" % (
        dict((case["name"], case["expect"]) for case in cases if any(problem.startswith(case["name"] + ":") for problem in problems)),
        "\n".join(problems))
    assert [entry for entry in mrs.requests_log() if entry["method"] == "PUT"] == []
    assert mrs.cluster(clusters["main"])["coreNodeNum"] == "3"


ROLE_CASES = [
    # (name, entry point, variables, fragments the message must contain); CLUSTER is replaced by the main cluster's id
    ("converge-task-count-not-a-number", "converge", dict(cluster_scale_task_count="lots"),
     ["cluster_scale_task_count", "is of type", "int"]),
    ("converge-data-volume-size-50", "converge", dict(cluster_scale_task_count=2, cluster_scale_task_node_info=dict(SPEC, data_volume_size=50)),
     ["cluster_scale_task_node_info.data_volume_size: must be", "100 to 32000", "50"]),
    ("converge-unknown-cluster-name", "converge", dict(cluster_scale_cluster_id=None, cluster_scale_cluster_name="no-such-cluster", cluster_scale_core_count=4),
     ["cluster_scale_cluster_name: no live cluster named \"no-such-cluster\""]),
    ("converge-cluster-name-of-two-clusters", "converge", dict(cluster_scale_cluster_id=None, cluster_scale_cluster_name="bad-twin",
                                                               cluster_scale_core_count=4),
     ["cluster_scale_cluster_name: more than one live cluster named \"bad-twin\""]),
    ("converge-terminated-cluster", "converge", dict(cluster_scale_cluster_id="TERMINATED", cluster_scale_core_count=4),
     ["cluster_scale_cluster_id: cluster", "is terminated"]),
    ("converge-prepaid-cluster", "converge", dict(cluster_scale_cluster_id="PREPAID", cluster_scale_core_count=4),
     ["cluster: yearly/monthly (prepaid) clusters cannot be scaled"]),
    ("profile-bad-task-node-info", "profile", dict(cluster_scale_profiles={"day": {"task": 2, "task_node_info": dict(SPEC, data_volume_count=21)}},
                                                   cluster_scale_profile="day"),
     ["cluster_scale_profiles.day.task_node_info.data_volume_count: must be", "0 to 20", "21"]),
    ("burst-past-500", "burst", dict(cluster_scale_burst_task_increase=498, cluster_scale_task_node_info=SPEC),
     ["cluster_scale_burst_task_increase: Core + Task would be 501 nodes", "at most 500"]),
    ("drain-a-master-node", "drain", dict(cluster_scale_drain_server_ids=["MASTER"]), ["only Task nodes can be drained", "master"]),
]


def test_invalid_role_variables_are_refused_before_any_put(mrs, ansible_env, tmp_path):
    main = mrs.create_cluster(name="bad-role-main", core=3, task=0)["clusterId"]
    ids = {
        "CLUSTER": main,
        "TERMINATED": mrs.create_cluster(name="bad-role-terminated", state="terminated")["clusterId"],
        "PREPAID": mrs.create_cluster(name="bad-role-prepaid", billing_type="Yearly/Monthly")["clusterId"],
        "MASTER": next(host["id"] for host in mrs.hosts(main) if host["type"] == "Master"),
    }
    mrs.create_cluster(name="bad-twin")
    mrs.create_cluster(name="bad-twin")
    cases = []
    for name, entry, variables, expect in ROLE_CASES:
        variables = dict(dict(cluster_scale_cluster_id="CLUSTER"), **variables)
        resolved = dict((key, ids.get(value, value) if isinstance(value, str) else value) for key, value in variables.items())
        resolved["cluster_scale_drain_server_ids"] = [ids.get(value, value) for value in resolved.get("cluster_scale_drain_server_ids", [])]
        cases.append(dict(name=name, entry=entry, vars=resolved, expect=expect))

    run = run_playbook(ansible_env, "bad_role", cases=cases, result_file=str(tmp_path / "result.json"))

    assert run.rc == 0, run
    outcomes = load_json(tmp_path / "result.json")
    problems = ["%s: %s" % (case["name"], outcomes.get(case["name"])) for case in cases
                if not all(part in outcomes.get(case["name"], "SUCCEEDED") for part in case["expect"])]
    assert not problems, "cases not refused as expected:\n" + "\n".join(problems)
    assert [entry for entry in mrs.requests_log() if entry["method"] == "PUT"] == []
