"""The fault matrix: mrs_cluster_nodes through injected faults, in real ansible-playbook runs against the emulator.

Every case runs on its own cluster, all cases of a test in one playbook run (one inventory host per case, in
parallel). For each case the test checks what an operator would: the run reached the target count or failed
with a clear message, the emulator accepted exactly one resize for the change (none when the run failed before
it), every accepted resize is exactly the one asked for (so nothing beyond the request was removed), and the
injected fault really fired. docs/reliability.md lists the cases and what each proves.
"""

import re
import threading
import time

from reliability_support import (accepted, cluster_path, counts, emulator_env, finish, hosts_path, load_json, puts_to,
                                 start_playbook, wait_idle)

CORE_OUT = {"order_id": "", "scale_type": "scale_out", "node_id": "node_orderadd", "node_group": "core_node_default_group",
            "instances": "1"}


def task_in(server_ids):
    return {"order_id": "", "scale_type": "scale_in", "node_id": "node_orderadd", "node_group": "task_node_default_group",
            "instances": str(len(server_ids)), "server_ids": server_ids}


class Case:
    """One row of the matrix.

    cluster: fields of the emulated cluster (fail_next_scale too). options: of the task (count, node_group;
    server_ids are indexes into the cluster's Task nodes). connection: overrides of the connection settings (None
    drops one). faults: injected before the run, each with "on" = cluster | hosts, the route it hits. after_put:
    actions once the resizes of this case (and of `together`) are accepted: "expire_tokens", ("state", value) or
    a fault on the cluster. expect: "ok", or fragments of the failure message. accepted_puts: resizes the emulator
    must accept over the case, rerun included. final: (core, task) at the end. fired: the kinds of fault that must
    show in the log on the case's routes. check: more checks on those log entries.
    """

    def __init__(self, name, cluster=None, options=None, connection=None, faults=(), after_put=(), expect="ok",
                 accepted_puts=1, final=(4, 0), fired=(), rerun=False, check=None):
        self.name = name
        self.cluster = dict(dict(core=3), **(cluster or {}))
        self.options = dict((key, value) for key, value in dict(dict(count=4), **(options or {})).items() if value is not None)
        self.connection = connection or {}
        self.faults = faults
        self.after_put = after_put
        self.together = [self]
        self.expect = expect
        self.accepted_puts = accepted_puts
        self.final = final
        self.fired = fired
        self.rerun = rerun
        self.check = check
        self.cluster_id = None
        self.server_ids = []

    def __repr__(self):
        return "Case(%s)" % self.name

    @property
    def group(self):
        return self.options.get("node_group", "core")


def fault(on, **fields):
    return dict(fields, on=on)


def retry_after_honoured(method, seconds):
    """The request after the throttled one came at least Retry-After seconds later (our own first backoff is < 1 s)."""

    def check(entries):
        calls = [entry for entry in entries if entry["method"] == method]
        throttled = next(index for index, entry in enumerate(calls) if entry["status"] == 429)
        gap = calls[throttled + 1]["time"] - calls[throttled]["time"]
        assert gap >= seconds - 0.1, "the retry came %.2f s after the 429, Retry-After was %s s" % (gap, seconds)

    return check


class Watcher(threading.Thread):
    """Acts once resizes are accepted, like a network or IAM going wrong mid-wait.

    actions: {tuple of cluster paths: [action]}; an action runs once every cluster of its key has an accepted
    resize. The watcher uses its own HTTP session.
    """

    def __init__(self, emulator, actions):
        super().__init__(daemon=True)
        self.emulator = emulator
        self.pending = dict(actions)
        self.session = emulator.new_session()
        self.stop = threading.Event()
        self.errors = []

    def control(self, method, path, body=None):
        response = self.session.request(method, self.emulator.url + "/_emulator/" + path, json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def run(self):
        while self.pending and not self.stop.is_set():
            try:
                done = set(entry["path"] for entry in self.control("GET", "requests")["requests"]
                           if entry["method"] == "PUT" and entry["status"] == 200)
                for paths in [key for key in self.pending if set(key) <= done]:
                    for action in self.pending.pop(paths):
                        self.act(paths[0], action)
            except Exception as error:  # pylint: disable=broad-except
                self.errors.append(error)
                return
            time.sleep(0.03)

    def act(self, path, action):
        if action == "expire_tokens":
            self.control("DELETE", "tokens")
        elif isinstance(action, tuple):
            self.control("PATCH", "clusters/" + path.rsplit("/", 1)[1], {action[0]: action[1]})
        else:
            self.control("POST", "faults", dict(action, path=re.escape(path) + "$"))


def run_matrix(mrs, ansible_env, tmp_path, cases, forks=12):
    """Create the clusters and faults of the cases, run them all in one playbook; return (run, request log)."""
    for case in cases:
        fields = dict(case.cluster)
        fail_next_scale = fields.pop("fail_next_scale", None)
        case.cluster_id = mrs.create_cluster(name="fault-" + case.name, **fields)["clusterId"]
        if fail_next_scale:
            mrs.patch_cluster(case.cluster_id, fail_next_scale=fail_next_scale)
        tasks = [host["id"] for host in mrs.hosts(case.cluster_id) if host["type"] == "Task"]
        case.server_ids = [tasks[index] for index in case.options.get("server_ids", [])]
        routes = {"cluster": cluster_path(mrs, case.cluster_id), "hosts": hosts_path(mrs, case.cluster_id)}
        for spec in case.faults:
            spec = dict(spec)
            mrs.add_fault(path=re.escape(routes[spec.pop("on")]) + "$", **spec)
    actions = dict((tuple(cluster_path(mrs, other.cluster_id) for other in case.together), list(case.after_put))
                   for case in cases if case.after_put)
    plays = {}
    for case in cases:
        options = dict(case.options, cluster_id=case.cluster_id)
        if case.server_ids:
            options["server_ids"] = case.server_ids
        plays[case.name] = dict(options, connection=case.connection, rerun=case.rerun)
    watcher = Watcher(mrs, actions)
    watcher.start()
    connection = dict(access_key=mrs.access_key, secret_key=mrs.secret_key)
    try:
        run = finish(start_playbook(emulator_env(ansible_env, mrs, credentials=False), "fault_matrix", "-i", ",".join(plays) + ",",
                                    "-f", str(forks), cases=plays, mrs_connection=connection, result_file=str(tmp_path / "results.json")))
    finally:
        watcher.stop.set()
        watcher.join(10)
    assert not watcher.errors and not watcher.pending, (watcher.errors, watcher.pending, run)
    wait_idle(mrs, [case.cluster_id for case in cases])
    return run, mrs.requests_log()


def results_of(tmp_path):
    """{case name: (first result, result of the rerun)} as the playbook saved them."""
    saved = load_json(tmp_path / "results.json")
    return dict(zip(saved["cases"], zip(saved["first"], saved["second"])))


def check_case(mrs, case, log, results):
    """Every promise of the matrix for one case."""
    first, second = results[case.name]
    last = second if case.rerun else first
    if case.expect == "ok":
        assert not last.get("failed"), last.get("msg")
        target = case.final[0] if case.group == "core" else case.final[1]
        assert last["changed"] is True and last["count"] == target, last
    else:
        assert first.get("failed") is True, first
        for fragment in case.expect:
            assert fragment in first["msg"], (fragment, first["msg"])
    if case.rerun:
        assert first.get("failed") is True and not second.get("failed"), (first.get("msg"), second.get("msg"))
    # exactly one accepted resize per change, and it is exactly the one asked for: nothing beyond it added or removed
    puts = puts_to(log, cluster_path(mrs, case.cluster_id))
    accepted_puts = accepted(puts)
    assert len(accepted_puts) == case.accepted_puts, puts
    expected_body = task_in(case.server_ids) if case.server_ids else CORE_OUT
    assert all(parameters == expected_body for parameters in accepted_puts), accepted_puts
    assert counts(mrs, case.cluster_id) == case.final
    if case.server_ids:
        remaining = set(host["id"] for host in mrs.hosts(case.cluster_id) if host["type"] == "Task")
        assert not remaining & set(case.server_ids), remaining
    # the injected fault really fired on this case's routes
    mine = [entry for entry in log if case.cluster_id in entry["path"]]
    fired = sorted(set(entry.get("fault") for entry in mine if entry.get("fault")))
    assert fired == sorted(set(case.fired)), fired
    if case.check:
        case.check(mine)


def assert_matrix(run, mrs, cases, log, tmp_path):
    assert run.rc == 0, run  # the playbook ignores the expected failures: rc 0 means every case ran to its end
    problems = []
    results = results_of(tmp_path)
    for case in cases:
        try:
            check_case(mrs, case, log, results)
        except (AssertionError, StopIteration, IndexError) as error:
            problems.append("%s: %s" % (case.name, error))
    assert not problems, "\n".join(problems)


def statuses(method, expected):
    """The case's first requests of this method got exactly these answers, in this order."""

    def check(entries):
        answers = [entry["status"] for entry in entries if entry["method"] == method]
        assert answers[:len(expected)] == expected, answers

    return check


def token_expired_mid_wait(entries):
    assert any(entry["status"] == 401 and entry["error_code"] == "APIGW.0307" for entry in entries), entries


def matrix(token):
    password = Case("iam-password-token-expires-mid-wait", cluster=dict(scale_seconds=6), check=token_expired_mid_wait,
                    connection=dict(access_key=None, secret_key=None, user_name="mrs-demo", password="mrs-demo-password",
                                    domain_name="mrs-demo-domain"))
    preissued = Case("iam-token-expires-mid-wait", cluster=dict(scale_seconds=6), check=token_expired_mid_wait,
                     connection=dict(access_key=None, secret_key=None, auth_token=token),
                     expect=["APIGW.0307", "the token has expired", "obtain a new token"])
    # both tokens expire at once, once both resizes are accepted (the emulator expires every token it issued);
    # these two cases come first, so that they start together
    password.after_put, password.together = ["expire_tokens"], [password, preissued]
    return [
        password,
        preissued,
        # reads: retried with backoff (Retry-After honoured); the run reaches the target with one resize
        Case("get-429-retry-after", faults=[fault("cluster", method="GET", status=429, retry_after="2")], fired=["status"],
             check=retry_after_honoured("GET", 2)),
        Case("get-500-then-502", faults=[fault("cluster", method="GET", status=500), fault("cluster", method="GET", status=502)],
             fired=["status"], check=statuses("GET", [500, 502, 200])),
        Case("get-503-then-504", faults=[fault("cluster", method="GET", status=503), fault("cluster", method="GET", status=504)],
             fired=["status"], check=statuses("GET", [503, 504, 200])),
        Case("get-slower-than-read-timeout", connection=dict(read_timeout=2), faults=[fault("cluster", method="GET", delay=5)],
             fired=["delay"]),
        Case("get-reset-before-answer", faults=[fault("cluster", method="GET", reset="before")], fired=["reset-before"]),
        Case("hosts-503-on-scale-in-by-id", cluster=dict(task=3), options=dict(node_group="task", count=None, server_ids=[1]),
             faults=[fault("hosts", method="GET", status=503)], final=(3, 2), fired=["status"]),
        Case("faults-while-waiting", cluster=dict(scale_seconds=2), connection=dict(retries=1, read_timeout=2),
             after_put=[dict(method="GET", status=503, times=2), dict(method="GET", reset="before"), dict(method="GET", delay=4)],
             fired=["delay", "reset-before", "status"]),
        Case("get-503-retries-exhausted", connection=dict(retries=1), faults=[fault("cluster", method="GET", status=503, times=5)],
             expect=["HTTP 503", "GET"], accepted_puts=0, final=(3, 0), fired=["status"]),
        # the resize: sent again only when MRS certainly did not process it (429); otherwise decided by reading the cluster
        Case("put-429-retry-after", faults=[fault("cluster", method="PUT", status=429, retry_after="2")], fired=["status"],
             check=retry_after_honoured("PUT", 2)),
        Case("put-429-on-scale-in-by-id", cluster=dict(task=3), options=dict(node_group="task", count=None, server_ids=[0, 2]),
             faults=[fault("cluster", method="PUT", status=429, retry_after="1")], final=(3, 1), fired=["status"]),
        Case("put-reset-after-applied-scale-in-by-id", cluster=dict(task=3), options=dict(node_group="task", count=None, server_ids=[1]),
             faults=[fault("cluster", method="PUT", reset="after")], final=(3, 2), fired=["reset-after"]),
        Case("put-reset-before-applied", faults=[fault("cluster", method="PUT", reset="before")], rerun=True, fired=["reset-before"],
             expect=["may or may not have been applied", "nothing was re-sent"]),
        # the cluster goes wrong mid-scale: a clear failure naming the state and the counts, after one resize
        Case("turns-abnormal-mid-scale", cluster=dict(scale_seconds=3), after_put=[("state", "abnormal")],
             expect=["no longer usable", "abnormal", "Core nodes 3 (target 4)"], final=(3, 0)),
        Case("ends-failed", cluster=dict(fail_next_scale="failed"), expect=["no longer usable", "'failed'", "Core nodes 3 (target 4)"],
             final=(3, 0)),
    ]


def test_fault_matrix(mrs, ansible_env, tmp_path):
    cases = matrix(mrs.mint_token())

    run, log = run_matrix(mrs, ansible_env, tmp_path, cases)

    assert_matrix(run, mrs, cases, log, tmp_path)
    # the password run asked IAM for a new token when its token expired mid-wait
    assert len([entry for entry in log if entry["method"] == "POST" and entry["path"] == "/v3/auth/tokens"]) >= 2


def test_ambiguous_resize_answers_are_resolved_by_reading_the_cluster(mrs, ansible_env, tmp_path):
    """A resize answered with a 5xx, or answered after read_timeout, is never sent again; the cluster decides.

    docs/authentication.md: "Any other failure of a resize (a reset connection, a timeout, a 5xx) is resolved by
    reading the cluster. If the cluster shows the scale, the module waits for it. If it does not, the module fails
    and says that nothing was re-sent." A 5xx from the emulator means the resize was not applied. The slow answer
    comes 3 s after the request, read_timeout is 1 s, and MRS applies the resize then: the run must reach the
    target, or fail without claiming that the resize was not applied.
    """
    cases = [Case("put-%d" % status, faults=[fault("cluster", method="PUT", status=status)], fired=["status"],
                  expect=["HTTP %d" % status, "nothing was re-sent"], accepted_puts=0, final=(3, 0),
                  check=statuses("PUT", [status]))
             for status in (500, 502, 503, 504)]
    slow = Case("put-answered-after-read-timeout", connection=dict(read_timeout=1), faults=[fault("cluster", method="PUT", delay=3)],
                fired=["delay"])

    run, log = run_matrix(mrs, ansible_env, tmp_path, cases + [slow])
    time.sleep(2)  # the slow resize is applied 3 s after it was sent
    wait_idle(mrs, [slow.cluster_id])
    log = mrs.requests_log()

    problems = []
    first = results_of(tmp_path)[slow.name][0]
    if first.get("failed") and ("not applied" in first["msg"] or "nothing was re-sent" not in first["msg"]):
        problems.append("%s: the resize was applied but the run said: %s" % (slow.name, first["msg"]))
    slow.expect = "ok" if not first.get("failed") else ["nothing was re-sent"]
    try:
        assert_matrix(run, mrs, cases + [slow], log, tmp_path)
    except AssertionError as error:
        problems.append(str(error))
    assert not problems, "\n".join(problems)
