"""The demo playbook through ansible-runner, the engine AWX and Automation Platform run playbooks with.

ansible_runner.run() gets what AWX gives it: a private data directory, an inventory, the credentials as
environment variables (as an AWX credential type injects them) and extra variables. The test checks what AWX
shows (the run's status, its per-host stats, the job events of each task) and what the emulator ends with.
"""

import os
import sys

import pytest

from reliability_support import counts

ansible_runner = pytest.importorskip("ansible_runner")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEMO = os.path.join(ROOT, "demo", "scale_clusters.yml")
HW_VARIABLES = ("HW_MRS_ENDPOINT", "HW_AUTH_URL", "HW_REGION_NAME", "HW_PROJECT_ID", "HW_ACCESS_KEY", "HW_SECRET_KEY")


# Python 3.12+ warns that pexpect forks a multi-threaded process (the xdist worker); ansible-runner execs at once.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of forkpty:DeprecationWarning")
def test_demo_playbook_runs_under_ansible_runner(mrs, ansible_env, tmp_path):
    analytics = mrs.create_cluster(name="analytics", core=3, task=0, scale_seconds=0)["clusterId"]
    etl = mrs.create_cluster(name="etl", core=3, task=3, task_node_size="c6.2xlarge.4.linux.bigdata", scale_seconds=0)["clusterId"]
    streams = mrs.create_cluster(name="streams", type="custom", scale_seconds=0)["clusterId"]
    bad_node = [host["id"] for host in mrs.hosts(etl) if host["type"] == "Task"][0]
    envvars = dict((name, ansible_env[name]) for name in HW_VARIABLES)
    # ansible-runner starts the ansible-playbook it finds on PATH: the one of this test's Python
    envvars.update(ANSIBLE_COLLECTIONS_PATH=ansible_env["ANSIBLE_COLLECTIONS_PATH"], ANSIBLE_NOCOLOR="1",
                   PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))

    result = ansible_runner.run(
        private_data_dir=str(tmp_path),
        host_cwd=str(tmp_path),
        playbook=DEMO,
        inventory={"all": {"hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}},
        envvars=envvars,
        extravars={"etl_bad_node": bad_node},
        quiet=True,
        timeout=300,
    )

    output = result.stdout.read()
    assert (result.status, result.rc) == ("successful", 0), output
    assert result.stats["changed"] == {"localhost": 4} and not result.stats["failures"], result.stats
    resizes = [event["event_data"] for event in result.events
               if event["event"] == "runner_on_ok" and event["event_data"]["task_action"] == "hwcloud.mrs.mrs_cluster_nodes"]
    assert [(data["task"], data["res"]["previous_count"], data["res"]["count"]) for data in resizes] == [
        ("Analytics - grow the Core group to 5 nodes", 3, 5),
        ("Analytics - give the empty Task group 2 nodes of this flavor", 0, 2),
        ("ETL - remove the Task node that keeps failing its jobs", 3, 2),
        ("Streams - grow the custom cluster's named group node_group_1 to 4 nodes (v2 expand)", 3, 4),
    ]
    assert [data["res"]["api"] for data in resizes] == ["v1.1", "v1.1", "v1.1", "v2"]
    assert counts(mrs, analytics) == (5, 2)
    assert counts(mrs, etl) == (3, 2) and bad_node not in [host["id"] for host in mrs.hosts(etl)]
    assert [host["node_group_name"] for host in mrs.hosts(streams)].count("node_group_1") == 4
    assert ansible_env["HW_SECRET_KEY"] not in output
