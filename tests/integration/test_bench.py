"""`make bench` keeps working: its request counts (section 1) and its schedule sweep, from a real run of the runner.

The times it measures are not asserted anywhere (they depend on the machine); the counts are what users are
promised in docs/performance.md, so they are asserted here.
"""

import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_bench_counts_one_request_for_a_no_op_and_keeps_every_wait_within_the_call_budget(ansible_env, tmp_path):
    out = tmp_path / "results.json"
    completed = subprocess.run([sys.executable, os.path.join(REPO, "bench", "run_bench.py"), "--only", "calls,schedule",
                                "--out", str(out)], env=ansible_env, capture_output=True, text=True, timeout=600, check=False)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    results = json.loads(out.read_text())
    requests = dict((row["scenario"], row["requests"]) for row in results["calls"])
    assert requests["no-op, cluster_id, project_id and AK/SK given"] == dict(iam=0, list=0, get=1, policy=0, put=0, total=1)
    # a planned change reads the cluster's auto-scaling policies once (issue #14), in check mode too
    assert requests["check mode, a change of 3 -> 5 predicted"] == dict(iam=0, list=0, get=1, policy=1, put=0, total=2)
    assert requests["no-op by cluster_name"] == dict(iam=0, list=1, get=0, policy=0, put=0, total=1)
    assert requests["no-op without project_id (IAM lookup)"] == dict(iam=1, list=0, get=1, policy=0, put=0, total=2)
    shipped = results["schedule"]["schedules"][0]
    assert shipped["schedule"].startswith("shipped") and shipped["budget_ok"] == 1.0
    # one scale at S = 2 s: the GET, the policy read, the PUT and one poll, within a budget of 3 + ceil(log2 S) + S/30
    assert shipped["samples"]["2"]["requests"] == 4 and 4 <= shipped["samples"]["2"]["budget"] < 5
    assert [shipped["samples"][seconds]["polls"] for seconds in ("2", "10", "30", "1800")] == [1, 3, 5, 64]
    assert "1. requests: no-op by cluster_name" in completed.stdout  # the table a user reads
