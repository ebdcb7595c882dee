"""The emulator killed with SIGKILL mid-scale while ansible-playbook waits, restarted on the same port and state file.

The --state file must be readable JSON right after the kill, with the scale still in it; the restarted emulator
must serve the cluster and finish the scale; the waiting run must reach the target through the outage, with the
one resize it sent before the kill and none after.
"""

import json
import signal

from harness import start_emulator
from reliability_support import cluster_path, emulator_env, finish, load_json, start_playbook, wait_for


def test_sigkill_mid_scale_then_restart_with_the_same_state(ansible_env, tmp_path):
    state = tmp_path / "state.json"
    result_file = tmp_path / "results.json"
    with start_emulator(state=state, scale_seconds=1) as first:
        port = first.url.rsplit(":", 1)[1]
        cluster_id = first.create_cluster(name="restart", core=3, scale_seconds=6)["clusterId"]
        path = cluster_path(first, cluster_id)
        run = start_playbook(emulator_env(ansible_env, first, HW_MAX_RETRIES="2"), "fleet_nodes", "-i", "restart,",
                             fleet={"restart": dict(cluster_id=cluster_id, node_group="core", count=5)}, result_file=str(result_file))
        try:
            assert wait_for(lambda: any(entry["method"] == "PUT" for entry in first.requests_log()), timeout=120)
            before = [(entry["method"], entry["status"]) for entry in first.requests_log() if entry["path"] == path]
            first.process.send_signal(signal.SIGKILL)
            first.process.wait(10)
            saved = json.loads(state.read_text())  # readable right after the kill
            # the waiting module meets a dead endpoint for a while
            assert wait_for(lambda: run.poll() is not None, timeout=1.5) is False
            with start_emulator("--port", port, state=state, scale_seconds=1) as second:
                assert second.url == first.url
                served = second.control("GET", "clusters")["clusters"]
                outcome = finish(run)
                after = [(entry["method"], entry["status"]) for entry in second.requests_log() if entry["path"] == path]
                final = second.cluster(cluster_id)
        finally:
            if run.poll() is None:
                run.kill()

    assert outcome.rc == 0, outcome
    assert before.count(("PUT", 200)) == 1 and [method for method, _status in before].count("PUT") == 1, before
    record = next(cluster for cluster in saved["clusters"] if cluster["id"] == cluster_id)
    assert record["operation"]["kind"] == "scaling-out" and record["operation"]["add"] == 2, record
    assert [view["cluster"]["clusterId"] for view in served] == [cluster_id]
    assert "PUT" not in [method for method, _status in after] and ("GET", 200) in after, after
    assert final["coreNodeNum"] == "5" and final["clusterState"] == "running"
    result = load_json(result_file)["restart"]
    assert result["changed"] is True and result["count"] == 5 and result["cluster"]["core_count"] == 5, result
