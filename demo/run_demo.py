"""make demo: start the MRS emulator, create three clusters (two analysis, one MRS 3.x custom), run the demo playbook
twice (the second run changes nothing)."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "emulator"))

from harness import start_emulator  # noqa: E402  pylint: disable=wrong-import-position


def run_playbook(emulator, extra_vars, collections_path):
    env = dict(os.environ,
               ANSIBLE_COLLECTIONS_PATH=collections_path,
               ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
               HW_MRS_ENDPOINT=emulator.url, HW_AUTH_URL=emulator.url, HW_REGION_NAME=emulator.region,
               HW_PROJECT_ID=emulator.project_id, HW_ACCESS_KEY=emulator.access_key, HW_SECRET_KEY=emulator.secret_key)
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
               os.path.join(HERE, "scale_clusters.yml"), "-e", "etl_bad_node=%s" % extra_vars["etl_bad_node"]]
    return subprocess.run(command, env=env, check=False).returncode


def is_resize(entry):
    """A v1.1 resize (PUT cluster_infos/{id}) or a v2 expand / shrink."""
    path = entry["path"].split("?")[0]
    return entry["method"] == "PUT" and "/cluster_infos/" in path or entry["method"] == "POST" and path.endswith(("/expand", "/shrink"))


def show(emulator, cluster_ids, title):
    print("\n== %s" % title)
    for cluster_id in cluster_ids:
        cluster = emulator.cluster(cluster_id)
        groups = ", ".join("%s=%s" % (group["GroupName"], group["NodeNum"]) for group in cluster["nodeGroups"])
        row = (cluster["clusterName"], cluster["clusterState"], cluster["coreNodeNum"], cluster["totalNodeNum"], groups)
        print("   %-10s %-8s core %-2s total %-2s  %s" % row)


def main():
    collections_path = sys.argv[1]
    with start_emulator(scale_seconds=2) as emulator:
        analytics = emulator.create_cluster(name="analytics", core=3, task=0)
        etl = emulator.create_cluster(name="etl", core=3, task=3, task_node_size="c6.2xlarge.4.linux.bigdata")
        # An MRS 3.x custom cluster: master_node_default_group and the named group node_group_1, scaled through v2.
        streams = emulator.create_cluster(name="streams", type="custom", accept_delay=1)
        cluster_ids = [analytics["clusterId"], etl["clusterId"], streams["clusterId"]]
        bad_node = [host for host in emulator.hosts(etl["clusterId"]) if host["type"] == "Task"][0]
        print("MRS emulator at %s; the ETL cluster's failing Task node is %s (%s)" % (emulator.url, bad_node["name"], bad_node["id"]))
        show(emulator, cluster_ids, "before")

        for run_name, title in (("first run", "scale"), ("second run", "the same playbook again, nothing to change")):
            print("\n== %s: %s" % (run_name, title))
            emulator.clear_requests()
            if run_playbook(emulator, {"etl_bad_node": bad_node["id"]}, collections_path) != 0:
                return 1
            log = emulator.requests_log()
            print("   API requests: %d (%d resize)" % (len(log), sum(1 for entry in log if is_resize(entry))))
            show(emulator, cluster_ids, "after the " + run_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
