"""The resize route: every documented rule with its error code, and the scale state machine.

Clusters here are created with accept_delay=0: these tests watch the state machine and the rules, not the
delay before an accepted scale shows (that default has its own test in test_emulator_fidelity.py).
"""

import re
import time
import uuid

import pytest

SCALE_OUT_STAGES = ["Preparing for cluster expansion", "Creating VM", "Initializing VM", "Adding node to the cluster"]
SCALE_IN_STAGES = ["Preparing for cluster shrink", "Decommissioning instance", "Deleting VM", "Deleting node from the cluster"]
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TASK_INFO = {"node_size": "s3.xlarge.2.linux.bigdata", "data_volume_type": "SATA", "data_volume_count": 2, "data_volume_size": 200}


def params(scale_type="scale_out", instances="1", **extra):
    body = {"scale_type": scale_type, "node_id": "node_orderadd", "instances": instances}
    body.update(extra)
    return {"parameters": body}


def resize(mrs, cluster_id, body, session=None, raw=None):
    session = session or mrs.token_session()
    if raw is not None:
        return session.put(mrs.cluster_url(cluster_id), data=raw, headers={"Content-Type": "application/json"}, timeout=10)
    return session.put(mrs.cluster_url(cluster_id), json=body, timeout=10)


def counts(view):
    groups = {group["GroupName"]: group["NodeNum"] for group in view["nodeGroups"]}
    return view["coreNodeNum"], groups.get("task_node_analysis_group"), view["totalNodeNum"]


# (name, cluster fields, body or raw text, expected error code)
REFUSALS = [
    ("prepaid", {"billing_type": "Yearly/Monthly"}, params(), "12000065"),
    ("abnormal", {"state": "abnormal"}, params(), "12000017"),
    ("frozen", {"state": "frozen"}, params(), "12000017"),
    ("failed", {"state": "failed"}, params(), "12000017"),
    ("starting", {"state": "starting"}, params(), "12000017"),
    ("already scaling out", {"state": "scaling-out", "scale_seconds": 30}, params(), "12000018"),
    ("already scaling in", {"state": "scaling-in", "scale_seconds": 30}, params("scale_in"), "12000018"),
    ("malformed json", {}, "{not json", "12000002"),
    ("body not an object", {}, [1, 2], "12000002"),
    ("parameters missing", {}, {"service_id": ""}, "12000002"),
    ("bad scale_type", {}, params("scale_up"), "12000002"),
    ("scale_type missing", {}, {"parameters": {"node_id": "node_orderadd", "instances": "1"}}, "12000002"),
    ("bad node_id", {}, {"parameters": {"scale_type": "scale_out", "node_id": "node_add", "instances": "1"}}, "12000002"),
    ("instances zero", {}, params(instances="0"), "12000002"),
    ("instances negative", {}, params(instances=-1), "12000002"),
    ("instances not a number", {}, params(instances="two"), "12000002"),
    ("instances a fraction", {}, params(instances="1.5"), "12000002"),
    ("instances a float", {}, params(instances=1.0), "12000002"),
    ("instances a boolean", {}, params(instances=True), "12000002"),
    ("instances missing", {}, {"parameters": {"scale_type": "scale_out", "node_id": "node_orderadd"}}, "12000002"),
    ("master group", {}, params(node_group="master_node_default_group"), "12000002"),
    ("unknown group", {}, params(node_group="gpu_node_group"), "12000002"),
    ("bad scale_without_start", {}, params(scale_without_start="maybe"), "12000002"),
    ("server_ids on core scale-in", {"core": 5}, params("scale_in", server_ids=["x"]), "12000002"),
    ("server_ids not a list", {"task": 2}, params("scale_in", node_group="task_node_default_group", server_ids="abc"), "12000002"),
    ("task_node_info without node_size", {}, params(node_group="task_node_default_group", task_node_info={"data_volume_count": 1}),
     "12000002"),
    ("task_node_info not an object", {}, params(node_group="task_node_default_group", task_node_info="big"), "12000002"),
    ("bad data_volume_type", {}, params(node_group="task_node_default_group", task_node_info=dict(TASK_INFO, data_volume_type="NVME")),
     "12000002"),
    # Task data disks as the current vendor SDK model allows them: 0 to 20 (the older vendor document said 1 to 10).
    ("data_volume_count -1", {}, params(node_group="task_node_default_group", task_node_info=dict(TASK_INFO, data_volume_count=-1)),
     "12000002"),
    ("data_volume_count 21", {}, params(node_group="task_node_default_group", task_node_info=dict(TASK_INFO, data_volume_count=21)),
     "12000002"),
    ("data_volume_size 99", {}, params(node_group="task_node_default_group", task_node_info=dict(TASK_INFO, data_volume_size=99)),
     "12000002"),
    ("data_volume_size 32001", {}, params(node_group="task_node_default_group", task_node_info=dict(TASK_INFO, data_volume_size=32001)),
     "12000002"),
    ("task scale-out from 0 without task_node_info", {}, params(node_group="task_node_default_group"), "12000002"),
    ("task_node_info while Task > 0", {"task": 1}, params(node_group="task_node_default_group", task_node_info=TASK_INFO), "12000123"),
    ("above 500 Core+Task", {"core": 3, "task": 2}, params(instances="496"), "12000028"),
    ("task scale-out above 500", {"core": 400, "task": 100}, params(node_group="task_node_default_group"), "12000028"),
    ("core below 3", {"core": 3}, params("scale_in"), "12000013"),
    ("core 5 minus 3", {"core": 5}, params("scale_in", instances="3"), "12000013"),
    ("more task nodes than exist", {"task": 2}, params("scale_in", node_group="task_node_default_group", instances="3"), "12000013"),
    ("task scale-in with no task nodes", {}, params("scale_in", node_group="task_node_default_group"), "12000013"),
]


@pytest.mark.parametrize("fields,body,code", [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_refused_resize_answers_400_with_its_code_and_changes_nothing(mrs, fields, body, code):
    cluster = mrs.create_cluster(accept_delay=0, name="rules", **fields)
    response = resize(mrs, cluster["clusterId"], None, raw=body) if isinstance(body, str) else resize(mrs, cluster["clusterId"], body)
    assert response.status_code == 400
    error = response.json()
    assert set(error) == {"error_code", "error_msg"}
    assert error["error_code"] == code
    assert error["error_msg"]
    after = mrs.cluster(cluster["clusterId"])
    assert after["clusterState"] == cluster["clusterState"]
    assert counts(after) == counts(cluster)


def test_unknown_cluster_is_12000003(mrs):
    response = resize(mrs, str(uuid.uuid4()), params())
    assert response.status_code == 400
    assert response.json()["error_code"] == "12000003"


def test_cluster_of_another_project_is_12000003(mrs):
    other = "f" * 32
    cluster = mrs.create_cluster(accept_delay=0, name="elsewhere", project_id=other)
    session = mrs.token_session()
    assert session.put(mrs.cluster_url(cluster["clusterId"]), json=params(), timeout=10).json()["error_code"] == "12000003"
    elsewhere = mrs.token_session(mrs.mint_token(project_id=other))
    assert elsewhere.put(mrs.cluster_url(cluster["clusterId"], other), json=params(), timeout=10).status_code == 200


def test_server_ids_must_name_exactly_the_task_nodes_removed(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="ids", core=4, task=3)
    hosts = mrs.hosts(cluster["clusterId"])
    task_ids = [host["id"] for host in hosts if host["type"] == "Task"]
    core_id = next(host["id"] for host in hosts if host["type"] == "Core")
    task_group = {"node_group": "task_node_default_group"}
    refused = [
        params("scale_in", instances="2", server_ids=task_ids[:1], **task_group),             # fewer ids than instances
        params("scale_in", instances="1", server_ids=task_ids[:2], **task_group),             # more ids than instances
        params("scale_in", instances="2", server_ids=[task_ids[0], task_ids[0]], **task_group),  # duplicate
    ]
    # Ids that are not Task nodes get the documented 12000013 "the task node does not exist".
    not_task_nodes = [
        params("scale_in", instances="1", server_ids=[str(uuid.uuid4())], **task_group),      # unknown id
        params("scale_in", instances="1", server_ids=[core_id], **task_group),                # a Core node
    ]
    for body, code in [(body, "12000002") for body in refused] + [(body, "12000013") for body in not_task_nodes]:
        response = resize(mrs, cluster["clusterId"], body)
        assert (response.status_code, response.json()["error_code"]) == (400, code), body
    assert len(mrs.hosts(cluster["clusterId"])) == len(hosts)


ACCEPTED = [
    ("instances as string", {}, params(instances="2")),
    ("instances as integer", {}, params(instances=2)),
    ("node_group absent means core", {}, params()),
    ("node_group empty means core", {}, params(node_group="")),
    ("node_group null means core", {}, params(node_group=None)),
    ("core default group name", {}, params(node_group="core_node_default_group")),
    ("core real group name", {}, params(node_group="core_node_analysis_group")),
    ("task default group name", {"task": 1}, params(node_group="task_node_default_group")),
    ("task real group name", {"task": 1}, params(node_group="task_node_analysis_group")),
    ("server_ids ignored for scale_out", {}, params(server_ids=["not-a-node"])),
    ("flags as booleans", {}, params(skip_bootstrap_scripts=False, scale_without_start=True)),
    ("skip_bootstrap_scripts as the SDK's string", {}, params(skip_bootstrap_scripts="false")),
    ("full vendor example", {}, {"service_id": "", "plan_id": "", "previous_values": {"plan_id": ""},
                                 "parameters": {"order_id": "", "scale_type": "scale_out", "node_id": "node_orderadd",
                                                "node_group": "core_node_default_group", "instances": "1",
                                                "skip_bootstrap_scripts": False, "scale_without_start": False}}),
    ("exactly 500 Core+Task", {"core": 3, "task": 2}, params(instances="495")),
    ("core down to exactly 3", {"core": 5}, params("scale_in", instances="2")),
    ("every task node", {"task": 5}, params("scale_in", node_group="task_node_default_group", instances="5")),
    ("task_node_info bounds low", {}, params(node_group="task_node_default_group",
                                             task_node_info=dict(TASK_INFO, data_volume_count=0, data_volume_size=100))),
    ("task_node_info bounds high", {}, params(node_group="task_node_default_group",
                                              task_node_info=dict(TASK_INFO, data_volume_count=20, data_volume_size=32000))),
    ("task_node_info GPSSD", {}, params(node_group="task_node_default_group", task_node_info=dict(TASK_INFO, data_volume_type="GPSSD"))),
    ("task_node_info node_size only", {}, params(node_group="task_node_default_group", task_node_info={"node_size": "c6.large.2"})),
]


@pytest.mark.parametrize("fields,body", [case[1:] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED])
def test_accepted_resize_answers_succeeded_and_starts_scaling(mrs, fields, body):
    cluster = mrs.create_cluster(accept_delay=0, name="ok", scale_seconds=30, **fields)
    response = resize(mrs, cluster["clusterId"], body)
    assert response.status_code == 200
    assert response.json() == {"result": "succeeded"}
    expected = "scaling-out" if body["parameters"]["scale_type"] == "scale_out" else "scaling-in"
    view = mrs.cluster(cluster["clusterId"])
    assert (view["clusterState"], view["scale"]) == (expected, expected)


def test_scale_out_steps_through_the_stages_then_applies_the_counts(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="grow", core=3, task=2, scale_seconds=0.8)
    before = {host["id"] for host in mrs.hosts(cluster["clusterId"])}
    assert resize(mrs, cluster["clusterId"], params(instances="2", node_group="core_node_default_group")).status_code == 200
    seen = []
    view = mrs.cluster(cluster["clusterId"])
    while view["clusterState"] == "scaling-out":
        assert view["scale"] == "scaling-out"
        assert counts(view) == ("3", 2, "7")  # counts change only at the end
        if not seen or seen[-1] != view["stageDesc"]:
            seen.append(view["stageDesc"])
        time.sleep(0.03)
        view = mrs.cluster(cluster["clusterId"])
    assert len(seen) >= 3
    assert seen == sorted(seen, key=SCALE_OUT_STAGES.index)  # in order, each a documented stage
    assert (view["clusterState"], view["scale"], view["stageDesc"]) == ("running", "", None)
    assert counts(view) == ("5", 2, "9")
    assert int(view["updateAt"]) >= int(cluster["updateAt"])
    hosts = mrs.hosts(cluster["clusterId"])
    added = [host for host in hosts if host["id"] not in before]
    assert len(added) == 2
    for host in added:
        assert host["type"] == "Core" and host["node_group_name"] == "core_node_analysis_group"
        # <clusterId>_<group>XXXX-NNNN, which terraform-provider-huaweicloud's host parser reads
        assert re.fullmatch(re.escape(cluster["clusterId"]) + r"_core_node_analysis_group[A-Za-z]{4}-\d{4}", host["name"])
        assert UUID_RE.match(host["id"])
    assert len({host["ip"] for host in hosts}) == len(hosts)


def test_scale_in_by_server_ids_removes_exactly_those_hosts(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="shrink", task=4, scale_seconds=0)
    tasks = [host["id"] for host in mrs.hosts(cluster["clusterId"]) if host["type"] == "Task"]
    chosen = [tasks[0], tasks[2]]
    body = params("scale_in", instances="2", node_group="task_node_default_group", server_ids=chosen)
    assert resize(mrs, cluster["clusterId"], body).status_code == 200
    view = mrs.wait_until_idle(cluster["clusterId"])
    remaining = {host["id"] for host in mrs.hosts(cluster["clusterId"]) if host["type"] == "Task"}
    assert remaining == {tasks[1], tasks[3]}
    assert counts(view) == ("3", 2, "7")
    assert view["taskNodeGroups"][0]["NodeNum"] == 2


def test_scale_in_without_server_ids_removes_the_newest_nodes(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="newest", core=3, scale_seconds=0)
    original = {host["id"] for host in mrs.hosts(cluster["clusterId"]) if host["type"] == "Core"}
    resize(mrs, cluster["clusterId"], params(instances="2"))
    mrs.wait_until_idle(cluster["clusterId"])
    assert resize(mrs, cluster["clusterId"], params("scale_in", instances="2")).status_code == 200
    view = mrs.wait_until_idle(cluster["clusterId"])
    assert {host["id"] for host in mrs.hosts(cluster["clusterId"]) if host["type"] == "Core"} == original
    assert view["coreNodeNum"] == "3"


def test_scale_in_shows_the_shrink_stages(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="stages", core=4, scale_seconds=30)
    resize(mrs, cluster["clusterId"], params("scale_in"))
    view = mrs.cluster(cluster["clusterId"])
    assert (view["clusterState"], view["scale"], view["stageDesc"]) == ("scaling-in", "scaling-in", SCALE_IN_STAGES[0])


def test_task_scale_out_from_zero_creates_the_task_group_from_task_node_info(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="tasks", scale_seconds=0)
    assert cluster["taskNodeGroups"] == []
    assert [group["GroupName"] for group in cluster["nodeGroups"]] == ["master_node_default_group", "core_node_analysis_group"]
    body = params(instances=2, node_group="task_node_default_group", task_node_info=TASK_INFO)
    assert resize(mrs, cluster["clusterId"], body).status_code == 200
    view = mrs.wait_until_idle(cluster["clusterId"])
    group = view["taskNodeGroups"][0]
    assert view["nodeGroups"][2] == group
    assert (group["GroupName"], group["NodeNum"], group["NodeSize"]) == ("task_node_analysis_group", 2, "s3.xlarge.2.linux.bigdata")
    assert (group["DataVolumeType"], group["DataVolumeCount"], group["DataVolumeSize"]) == ("SATA", 2, 200)
    tasks = [host for host in mrs.hosts(cluster["clusterId"]) if host["type"] == "Task"]
    assert len(tasks) == 2
    assert {(host["flavor"], host["data_volume_type"], host["data_volume_count"], host["data_volume_size"], host["cpu"], host["mem"])
            for host in tasks} == {("s3.xlarge.2.linux.bigdata", "SATA", 2, 200, "4", "8192")}
    assert view["totalNodeNum"] == "7"


def test_task_group_emptied_stays_and_needs_task_node_info_again(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="empty-task", task=1, scale_seconds=0)
    resize(mrs, cluster["clusterId"], params("scale_in", node_group="task_node_default_group"))
    view = mrs.wait_until_idle(cluster["clusterId"])
    assert view["taskNodeGroups"][0]["NodeNum"] == 0
    refused = resize(mrs, cluster["clusterId"], params(node_group="task_node_default_group"))
    assert refused.json()["error_code"] == "12000002"
    assert resize(mrs, cluster["clusterId"], params(node_group="task_node_default_group", task_node_info=TASK_INFO)).status_code == 200
    assert mrs.wait_until_idle(cluster["clusterId"])["taskNodeGroups"][0]["NodeNum"] == 1


def test_a_second_resize_during_a_scale_is_12000018_and_the_first_completes(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="busy", scale_seconds=0.3)
    assert resize(mrs, cluster["clusterId"], params()).status_code == 200
    second = resize(mrs, cluster["clusterId"], params())
    assert second.json()["error_code"] == "12000018"
    assert mrs.wait_until_idle(cluster["clusterId"])["coreNodeNum"] == "4"


def test_forced_scaling_state_changes_no_counts_and_ends_running(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="forced", scale_seconds=0.3)
    view = mrs.patch_cluster(cluster["clusterId"], state="scaling-out")
    assert (view["clusterState"], view["scale"]) == ("scaling-out", "scaling-out")
    assert resize(mrs, cluster["clusterId"], params()).json()["error_code"] == "12000018"
    time.sleep(0.35)
    view = mrs.cluster(cluster["clusterId"])
    assert (view["clusterState"], view["scale"], view["stageDesc"]) == ("running", "", None)
    assert counts(view) == counts(cluster)


def test_forcing_abnormal_stops_the_scale_operation(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="stop", scale_seconds=0.2)
    resize(mrs, cluster["clusterId"], params(instances="2"))
    assert mrs.patch_cluster(cluster["clusterId"], state="abnormal")["clusterState"] == "abnormal"
    time.sleep(0.3)
    view = mrs.cluster(cluster["clusterId"])
    assert (view["clusterState"], view["coreNodeNum"]) == ("abnormal", "3")
    assert resize(mrs, cluster["clusterId"], params()).json()["error_code"] == "12000017"
    assert mrs.patch_cluster(cluster["clusterId"], state="running")["clusterState"] == "running"
    assert resize(mrs, cluster["clusterId"], params()).status_code == 200


@pytest.mark.parametrize("failure,state,scale,stage", [
    ("failed", "failed", "", "Cluster expansion failed"),
    ("abnormal", "abnormal", "", "Cluster expansion failed"),
    ("scaling-error", "running", "scaling-error", "Cluster expansion failed"),
])
def test_fail_next_scale_ends_the_next_resize_in_that_state_without_counts(mrs, failure, state, scale, stage):
    cluster = mrs.create_cluster(accept_delay=0, name="doomed", scale_seconds=0)
    mrs.patch_cluster(cluster["clusterId"], fail_next_scale=failure)
    assert resize(mrs, cluster["clusterId"], params(instances="2")).status_code == 200
    view = mrs.wait_until_idle(cluster["clusterId"])
    assert (view["clusterState"], view["scale"], view["stageDesc"], view["coreNodeNum"]) == (state, scale, stage, "3")
    assert len(mrs.hosts(cluster["clusterId"])) == 5


def test_fail_next_scale_is_used_once_and_a_later_scale_clears_scaling_error(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="once", scale_seconds=0)
    mrs.patch_cluster(cluster["clusterId"], fail_next_scale="scaling-error")
    resize(mrs, cluster["clusterId"], params())
    assert mrs.wait_until_idle(cluster["clusterId"])["scale"] == "scaling-error"
    assert resize(mrs, cluster["clusterId"], params()).status_code == 200
    view = mrs.wait_until_idle(cluster["clusterId"])
    assert (view["clusterState"], view["scale"], view["stageDesc"], view["coreNodeNum"]) == ("running", "", None, "4")


def test_failed_shrink_says_so_in_stage_desc(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="shrink-fail", core=4, scale_seconds=0)
    mrs.patch_cluster(cluster["clusterId"], fail_next_scale="failed")
    resize(mrs, cluster["clusterId"], params("scale_in"))
    view = mrs.wait_until_idle(cluster["clusterId"])
    assert (view["clusterState"], view["stageDesc"], view["coreNodeNum"]) == ("failed", "Cluster shrink failed", "4")


def test_patch_scale_field_and_scale_seconds(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="patch", scale_seconds=0)
    assert mrs.patch_cluster(cluster["clusterId"], scale="scaling-error")["scale"] == "scaling-error"
    assert mrs.patch_cluster(cluster["clusterId"], scale="")["scale"] == ""
    mrs.patch_cluster(cluster["clusterId"], scale_seconds=30)
    resize(mrs, cluster["clusterId"], params())
    control = mrs.cluster_control(cluster["clusterId"])
    assert control["cluster"]["clusterState"] == "scaling-out"
    assert 29 < control["emulator"]["operation"]["ends_in"] <= 30


def test_scale_seconds_zero_completes_by_the_next_read(mrs):
    cluster = mrs.create_cluster(accept_delay=0, name="instant", scale_seconds=0)
    resize(mrs, cluster["clusterId"], params(instances=3))
    view = mrs.token_session().get(mrs.cluster_url(cluster["clusterId"]), timeout=10).json()["cluster"]
    assert (view["clusterState"], view["coreNodeNum"], view["totalNodeNum"]) == ("running", "6", "8")
