"""The adversarial layer: hypothesis draws fault sequences, each one real ansible-playbook run of mrs_cluster_nodes behind
the misbehaving gateway (gateway.py) and the emulator's own faults, and every run is held to the same invariants:

1. at most one resize accepted for the change (the emulator's log);
2. the accepted resize is exactly the one the request needs, never one computed from a value the answer lacked: the
   group ends at the target or unchanged (never target + current), and a removal by id removes those nodes only;
3. `changed` is true exactly when the emulator accepted a resize;
4. the task ends within wait_timeout + read_timeout + a small margin;
5. no secret value (secret key, password, a token the emulator issued) in the output at -vvvv or in the result;
6. no traceback, no crashed module.

Each example is one scenario (Core up by id, Core down by name, Task up, Task nodes removed by id, Core up with IAM
password auth) and one to three faults, each on one route (the cluster, the cluster list, the host list, IAM, the
resize) before the resize or during the wait. The examples are derandomized, so a run is the same every time; set
ADVERSARIAL_SEED=<int> to draw others (the seed is printed on failure, and the same seed replays them), and
ADVERSARIAL_EXAMPLES=<n> for more or fewer than 10. Shrinking is off: one example is one playbook run of several
seconds, and the failing sequence is printed as drawn.

Budget: about 8 s per example on 2 cores, 12 examples, under 150 s for the file.
"""

import json
import os
import re
import time
import uuid

from hypothesis import HealthCheck, Phase, given, note, settings, seed as hypothesis_seed, strategies as st

from adversarial_support import MARGIN, crashed, gateway_env, leaks, password_env, resizes, run_cases, tracebacks, vendor_log
from gateway import Gateway
from reliability_support import wait_idle

SEED = os.environ.get("ADVERSARIAL_SEED")
EXAMPLES = int(os.environ.get("ADVERSARIAL_EXAMPLES", "10"))
WAIT_TIMEOUT = 8
READ_TIMEOUT = 3
CONNECTION = dict(read_timeout=READ_TIMEOUT, connect_timeout=2, retries=3)
HTML = "<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>"

# name: (cluster fields, task options, auth)
SCENARIOS = {
    "core-up-by-id": (dict(core=3), dict(node_group="core", count=5), "aksk"),
    "core-down-by-name": (dict(core=5), dict(node_group="core", count=3, by_name=True), "aksk"),
    "task-up": (dict(core=3, task=2), dict(node_group="task", count=4), "aksk"),
    "task-removed-by-id": (dict(core=3, task=4), dict(node_group="task", remove=2), "aksk"),
    "core-up-with-password": (dict(core=3), dict(node_group="core", count=4), "password"),
}

# What a gateway or the emulator can do to one request; "retry_after" values are strings, as on the wire.
RETRY_AFTER = ("1", "0", "-1", "soon", "date+1", "2.5")
READ_FAULTS = (
    [dict(action="status", status=status) for status in (500, 502, 503, 504)]
    + [dict(action="status", status=429, retry_after=value) for value in RETRY_AFTER]
    + [dict(action="reset", when="before"), dict(action="delay", seconds=READ_TIMEOUT + 1),
       dict(action="junk", body="{}"), dict(action="junk", body=HTML, content_type="text/html"), dict(action="junk", body=""),
       dict(action="truncate"), dict(action="drip", interval=0.05, max_seconds=25), dict(action="redirect")]
)
TRIMS = {
    "cluster": [["cluster.coreNodeNum", "cluster.nodeGroups", "cluster.taskNodeGroups"], ["cluster.nodeGroups.*.NodeNum"],
                ["cluster.clusterState"], ["cluster"]],
    "hosts": [["total"], ["hosts.*.id"], ["hosts"]],
    "list": [["clusterTotal"], ["clusters.*.clusterName"]],
    "iam": [["token"]],
}
WRITE_FAULTS = (
    [dict(action="status", status=429, retry_after=value) for value in RETRY_AFTER]
    + [dict(action="status", status=503), dict(action="status", status=502, forward=True),
       dict(action="reset", when="before"), dict(action="reset", when="after"), dict(action="delay", seconds=READ_TIMEOUT + 1),
       dict(action="junk", body="", forward=True), dict(action="junk", body="{}", forward=True),
       dict(action="junk", body=HTML, content_type="text/html", forward=True), dict(action="junk", body="{}"),
       dict(action="truncate"), dict(action="redirect"), dict(emulator=True, status=400, error_code="12000018")]
)


@st.composite
def faults(draw, scenario):
    """One fault: a route, before the resize or during the wait, an action, and how many requests it hits."""
    _cluster, options, auth = SCENARIOS[scenario]
    routes = ["cluster", "resize"]
    routes += ["list"] if options.get("by_name") else []
    routes += ["hosts"] if options.get("remove") else []
    routes += ["iam"] if auth == "password" else []
    route = draw(st.sampled_from(routes))
    if route == "resize":
        spec = dict(draw(st.sampled_from(WRITE_FAULTS)))
        return dict(spec, route=route, times=draw(st.integers(1, 2)), mid_wait=False)
    spec = dict(draw(st.sampled_from(READ_FAULTS + [dict(action="trim", fields=fields) for fields in TRIMS[route]])))
    mid_wait = route in ("cluster", "iam") and draw(st.booleans())
    return dict(spec, route=route, times=draw(st.integers(1, 3)), mid_wait=mid_wait)


@st.composite
def sequences(draw):
    scenario = draw(st.sampled_from(sorted(SCENARIOS)))
    return scenario, draw(st.lists(faults(scenario), min_size=1, max_size=3))


def route_regex(emulator, route, cluster_id):
    return {
        "cluster": re.escape("/cluster_infos/" + cluster_id) + "$",
        "resize": re.escape("/cluster_infos/" + cluster_id) + "$",
        "list": re.escape("/v1.1/%s/cluster_infos" % emulator.project_id) + "$",
        "hosts": re.escape("/clusters/%s/hosts" % cluster_id) + "$",
        "iam": r"^/v3/auth/tokens$",
    }[route]


def install(emulator, gateway, fault, cluster_id):
    spec = dict(fault)
    route, times, mid_wait = spec.pop("route"), spec.pop("times"), spec.pop("mid_wait")
    path = route_regex(emulator, route, cluster_id)
    if spec.pop("emulator", False):
        emulator.add_fault(method="PUT", path=path, times=times, **spec)
        return
    if spec.get("retry_after") == "date+1":
        del spec["retry_after"]
        spec["retry_after_date_in"] = 1
    method = {"resize": "PUT", "iam": "POST"}.get(route, "GET")
    after_put = re.escape("/cluster_infos/" + cluster_id) + "$" if mid_wait else False
    gateway.add(method, path, spec.pop("action"), times=times, after_put=after_put, **spec)


def expected_body(options, cluster, server_ids):
    """The one resize the request needs (what test_faults.py calls CORE_OUT / task_in)."""
    group = options["node_group"]
    node_group = "%s_node_default_group" % group
    if server_ids:
        return {"order_id": "", "scale_type": "scale_in", "node_id": "node_orderadd", "node_group": node_group,
                "instances": str(len(server_ids)), "server_ids": server_ids}
    current = cluster[group]
    return {"order_id": "", "scale_type": "scale_out" if options["count"] > current else "scale_in", "node_id": "node_orderadd",
            "node_group": node_group, "instances": str(abs(options["count"] - current))}


def group_state(emulator, cluster_id, group):
    hosts = [host["id"] for host in emulator.hosts(cluster_id) if host["type"] == group.capitalize()]
    return len(hosts), set(hosts)


def describe(scenario, sequence):
    return "%s with %s" % (scenario, json.dumps(sequence, sort_keys=True))


def check_invariants(emulator, gateway, run, outcome, scenario, cluster_id, before, server_ids):
    """Every invariant of the module docstring; returns the broken ones as sentences."""
    fields, options, _auth = SCENARIOS[scenario]
    group = options["node_group"]
    broken = []
    if outcome is None:
        return ["the playbook saved no result (rc %d)" % run.rc]
    result = outcome.result
    log = vendor_log(emulator)
    puts, accepted = resizes(log, cluster_id)
    # 1. at most one accepted resize for the change
    if len(accepted) > 1:
        broken.append("%d resizes accepted for one change" % len(accepted))
    # 2. only the resize the request needs, and the group ends at the target or unchanged
    wanted = expected_body(options, fields, server_ids)
    for entry in accepted:
        if (entry.get("body") or {}).get("parameters") != wanted:
            broken.append("a resize other than the one asked for was accepted: %s (wanted %s)" % (entry.get("body"), wanted))
    wait_idle(emulator, [cluster_id], timeout=30)
    count, ids = group_state(emulator, cluster_id, group)
    if server_ids:
        allowed = (before[1], before[1] - set(server_ids))
        if ids not in allowed:
            broken.append("Task nodes removed beyond the request: %d left of %d" % (len(ids), len(before[1])))
    elif count not in (before[0], options["count"]):
        broken.append("the %s group ended at %d: neither the target %d nor the %d it had" % (group, count, options["count"], before[0]))
    # 3. changed exactly when a resize was accepted
    if bool(result.get("changed")) != bool(accepted):
        broken.append("changed is %r but the emulator accepted %d resize(s)" % (result.get("changed"), len(accepted)))
    # 4. the deadline
    limit = WAIT_TIMEOUT + READ_TIMEOUT + MARGIN
    if outcome.duration > limit:
        broken.append("the task ran %.1f s, more than wait_timeout %d + read_timeout %d + %.0f s" % (
            outcome.duration, WAIT_TIMEOUT, READ_TIMEOUT, MARGIN))
    # 5. no secret anywhere
    secrets = {"secret key": emulator.secret_key, "password": emulator.iam_password}
    secrets.update(("token %d seen by the gateway" % index, value) for index, value in enumerate(sorted(gateway.secrets)))
    broken += leaks({"the output at -vvvv": run.output, "the result": json.dumps(result)}, secrets)
    # 6. no traceback
    if tracebacks(run.output) or crashed(result):
        broken.append("a traceback or a crashed module: %s" % str(result.get("msg"))[:300])
    if broken:
        broken.append("PUTs seen by the emulator: %s" % [(entry["status"], entry.get("fault")) for entry in puts])
        broken.append("result: %s" % json.dumps(result, sort_keys=True, default=str)[:2500])
    return broken


def run_example(emulator, ansible_env, tmp_path, scenario, sequence):
    fields, options, auth = SCENARIOS[scenario]
    emulator.reset()
    name = "adv-%s-%s" % (scenario, uuid.uuid4().hex[:8])
    cluster_id = emulator.create_cluster(name=name, scale_seconds=1, **fields)["clusterId"]
    group = options["node_group"]
    before = group_state(emulator, cluster_id, group)
    server_ids = sorted(before[1])[:options["remove"]] if options.get("remove") else None
    case = dict(node_group=group, wait_timeout=WAIT_TIMEOUT)
    case.update(dict(cluster_name=name) if options.get("by_name") else dict(cluster_id=cluster_id))
    case.update(dict(server_ids=server_ids) if server_ids else dict(count=options["count"]))
    with Gateway(emulator.url) as gateway:
        for fault in sequence:
            install(emulator, gateway, fault, cluster_id)
        env = password_env(ansible_env, emulator, gateway) if auth == "password" else gateway_env(ansible_env, emulator, gateway)
        run, outcomes = run_cases(env, tmp_path, {"example": case}, "-vvvv", connection=CONNECTION)
        broken = check_invariants(emulator, gateway, run, outcomes.get("example"), scenario, cluster_id, before, server_ids)
    emulator.clear_faults()
    return broken


def _seeded(test):
    return hypothesis_seed(int(SEED))(test) if SEED is not None else test


def test_every_fault_sequence_keeps_the_promises(emulator, ansible_env, tmp_path):
    """The examples are drawn inside the test, so that a failure prints the drawn sequence and not the fixtures."""

    @_seeded
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=SEED is None, database=None,
              phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(example=sequences())
    def every_sequence(example):
        scenario, sequence = example
        note("replay: ADVERSARIAL_SEED=%s (derandomized when unset); example: %s" % (SEED, describe(scenario, sequence)))
        started = time.monotonic()
        broken = run_example(emulator, ansible_env, tmp_path, scenario, sequence)
        assert not broken, "%s (%.1f s):\n- %s" % (describe(scenario, sequence), time.monotonic() - started, "\n- ".join(broken))

    every_sequence()  # pylint: disable=no-value-for-parameter
