"""Shared by the adversarial layer (test_adversarial*.py, test_failure_classes.py): run cases behind the misbehaving
gateway (gateway.py), act as another operator on the same cloud (Actor), and read what happened, from the saved results
and the emulator's log.

Each generated test hands ``check_drawn`` its strategy, its runner and how many examples it draws: the seeded,
derandomized hypothesis settings are written here once.

A case is one inventory host of a playbook: adversarial_nodes.yml (mrs_cluster_nodes: {"cluster_id" or "cluster_name",
"node_group", "count", "server_ids", "wait", "wait_timeout", "connection": {module_defaults overrides}}),
adversarial_policy.yml (mrs_autoscaling_policy: its options) or adversarial_reads.yml ({"module": "info" | "nodes"} and
that module's options). Secret option values go in `secrets` ({case name: {option: value}}), written to a vars file
passed with -e @file, as a vault would give them: ansible-playbook itself prints the values of -e on the command line
at -vvvv, and that is not the collection's doing.
"""

import json
import os
import re
import time

from hypothesis import HealthCheck, Phase, example, given, note, seed, settings

from ansible_collections.hwcloud.mrs.plugins.module_utils._signer import sign
from reliability_support import emulator_env, load_json, run_playbook

# Tokens the emulator issues look like this (test_secrets.py uses the same pattern).
TOKEN_PATTERN = re.compile(r"MII[A-Za-z0-9_-]{16,}")
# How long ansible-playbook may take around one task beyond wait_timeout + read_timeout: the module's start-up
# (AnsiballZ), one connect, one poll interval of slack. The tests run on 2 busy cores.
MARGIN = 4.0


# The seed a generated test draws from when ADVERSARIAL_SEED is unset, so that every run draws the same examples. These are
# the seeds hypothesis's derandomize derived from each test's own source before the tests shared check_drawn (the hex of
# the digest it hashes into its Random): recorded, the examples stay the very ones drawn and fixed before.
RECORDED_SEED = int("8f8402f053ccfccbea38e2e4141cc4418a9055f924cd9681afba1d7d0b0e7b0a"
                    "eb35fcbe9ab918142a164fca333766ac", 16)  # the actor, page and policy tests


def example_count(default, own=None):
    """How many examples a generated test draws: ``own`` (the value of its own setting, read where the test is) when set,
    else ADVERSARIAL_EXAMPLES, else ``default``."""
    return int(own if own is not None else os.environ.get("ADVERSARIAL_EXAMPLES", str(default)))


def check_drawn(strategy, run, describe, examples, recorded=RECORDED_SEED, explicit=()):
    """Draw ``examples`` values from ``strategy`` (after the ``explicit`` ones, in order) and fail at the first whose
    ``run(drawn)`` returns broken invariants, the failure saying ``describe(drawn)``, how long it took and each one.

    The same examples on every run: drawn from the ``recorded`` seed, or from ADVERSARIAL_SEED=<int> when set (it draws
    others, and the same value replays them; it is printed on failure). Shrinking is off (an example is one or more
    playbook runs of several seconds) and the failing example is printed as drawn. Called inside the test, so that a
    failure prints the drawn example and not the fixtures."""
    chosen = os.environ.get("ADVERSARIAL_SEED")

    def every_example(drawn):
        note("replay: ADVERSARIAL_SEED=%s (the recorded seed when unset); example: %s" % (chosen, describe(drawn)))
        started = time.monotonic()
        broken = run(drawn)
        assert not broken, "%s (%.1f s):\n- %s" % (describe(drawn), time.monotonic() - started, "\n- ".join(broken))

    test = every_example
    for value in reversed(explicit):  # as @example decorators written in this order
        test = example(drawn=value)(test)
    test = settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow])(given(drawn=strategy)(test))
    seed(int(chosen) if chosen is not None else recorded)(test)()


def gateway_env(ansible_env, emulator, gateway, credentials=True, **extra):
    """The environment of a run whose MRS and IAM endpoints are the gateway in front of `emulator`."""
    return emulator_env(ansible_env, emulator, credentials=credentials,
                        **dict(dict(HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url), **extra))


def password_env(ansible_env, emulator, gateway):
    """IAM user and password instead of AK/SK: the module gets its own token from the emulator's IAM, through the gateway."""
    return gateway_env(ansible_env, emulator, gateway, credentials=False, HW_USER_NAME=emulator.iam_user,
                       HW_PASSWORD=emulator.iam_password, HW_DOMAIN_NAME=emulator.iam_domain)


class Outcome:
    """One case: its saved task result and how long the task took (seconds, wall clock)."""

    def __init__(self, name, result, duration):
        self.name = name
        self.result = result
        self.duration = duration

    @property
    def failed(self):
        return bool(self.result.get("failed"))

    @property
    def changed(self):
        return self.result.get("changed")

    @property
    def msg(self):
        return str(self.result.get("msg", ""))

    def __repr__(self):
        return "Outcome(%s, %.1f s, %s)" % (self.name, self.duration, json.dumps(self.result, sort_keys=True, default=str)[:3000])


def run_cases(env, tmp_path, cases, *ansible_args, connection=None, secrets=None, forks=None, playbook="adversarial_nodes"):
    """Run the playbook (adversarial_nodes.yml unless told) with one host per case; return (run, {name: Outcome})."""
    result_dir = tmp_path / "adversarial-results"
    if result_dir.exists():
        for stale in result_dir.iterdir():
            stale.unlink()
    result_dir.mkdir(exist_ok=True)
    args = ["-i", ",".join(cases) + ",", "-f", str(forks or len(cases))]
    if secrets:
        secrets_file = tmp_path / "adversarial-secrets.json"
        secrets_file.write_text(json.dumps({"case_secrets": secrets}))
        os.chmod(str(secrets_file), 0o600)
        args += ["-e", "@%s" % secrets_file]
    run = run_playbook(env, playbook, *(args + list(ansible_args)), cases=cases,
                       mrs_connection=connection or {}, result_dir=str(result_dir))
    outcomes = {}
    for name in cases:
        if (result_dir / (name + ".json")).exists():
            saved = load_json(result_dir / (name + ".json"))
            outcomes[name] = Outcome(name, saved["result"], float(saved["ended"]) - float(saved["started"]))
    return run, outcomes


def vendor_log(emulator, cluster_id=None):
    """The emulator's request log (what reached MRS), optionally only the entries on one cluster's paths."""
    return [entry for entry in emulator.requests_log() if cluster_id is None or cluster_id in entry["path"]]


def resizes(log, cluster_id):
    """(all PUTs, the accepted ones) to the cluster's resize route, from the emulator's log."""
    puts = [entry for entry in log if entry["method"] == "PUT" and entry["path"].endswith("/cluster_infos/" + cluster_id)]
    return puts, [entry for entry in puts if entry["status"] == 200]


def writes(log, cluster_id):
    """(every node-count write to the cluster, the accepted ones): v1.1 resizes (PUT cluster_infos/ID) and v2 expands and
    shrinks (POST clusters/ID/expand, clusters/ID/shrink), in the order the emulator received them."""
    v2 = re.compile(r"/clusters/%s/(expand|shrink)$" % re.escape(cluster_id))
    sent = [entry for entry in log
            if (entry["method"] == "PUT" and entry["path"].endswith("/cluster_infos/" + cluster_id))
            or (entry["method"] == "POST" and v2.search(entry["path"]))]
    return sent, [entry for entry in sent if entry["status"] == 200]


def leaks(texts, secrets):
    """Where a secret value (or its first 16 characters) or an emulator-issued token shows, as readable strings."""
    found = []
    for place, text in texts.items():
        for name, value in secrets.items():
            value = (value or "").strip()
            if value and (value in text or (len(value) >= 16 and value[:16] in text)):
                found.append("%s in %s" % (name, place))
        for match in TOKEN_PATTERN.findall(text):
            found.append("an IAM token (%s...) in %s" % (match[:8], place))
    return found


def tracebacks(text):
    """Whether ansible-playbook's output shows a traceback (older ansible-core: "MODULE FAILURE" for a module that crashed)."""
    return "Traceback (most recent call last)" in text or "MODULE FAILURE" in text


def crashed(result):
    """Whether a task result is that of a module that crashed instead of failing with its own message: ansible-core 2.19
    and later put "Task failed: Module failed: <the exception>" in msg then (fail_json keeps the module's msg)."""
    return tracebacks(json.dumps(result)) or "Module failed:" in str(result.get("msg", "")) or "module_stderr" in result


def policy_writes(log, cluster_id, exclude=()):
    """(every policy write to the cluster: v2 POST / PUT / DELETE autoscaling-policy/ID and the legacy v1.1 POST, the
    accepted ones), in the order the emulator received them; ``exclude``: request ids that are not the task's (an Actor's)."""
    sent = [entry for entry in log if entry["method"] in ("POST", "PUT", "DELETE") and entry.get("request_id") not in exclude
            and entry["path"].endswith("/autoscaling-policy/" + cluster_id)]
    return sent, [entry for entry in sent if entry["status"] == 200]


def hygiene(emulator, gateway, run, result, duration=None, limit=None):
    """What every run keeps whatever it does: the task within ``limit`` seconds, no secret value (the secret key, the IAM
    password, any token the gateway saw pass) in the output at -vvvv or the result, no traceback, no crashed module."""
    broken = []
    if limit is not None and duration is not None and duration > limit:
        broken.append("the task ran %.1f s, past its deadline of %.0f s" % (duration, limit))
    secrets = {"secret key": emulator.secret_key, "password": emulator.iam_password}
    secrets.update(("token %d seen by the gateway" % index, value) for index, value in enumerate(sorted(gateway.secrets)))
    broken += leaks({"the output at -vvvv": run.output, "the result": json.dumps(result)}, secrets)
    if tracebacks(run.output) or crashed(result):
        broken.append("a traceback or a crashed module: %s" % str(result.get("msg"))[:300])
    return broken


# ------------------------------------------------------------------------------------------------ another operator

POLICY = {"auto_scaling_enable": True, "min_capacity": 0, "max_capacity": 10, "resources_plans": [],
          "rules": [{"name": "other-grow", "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 1,
                     "trigger": {"metric_name": "YARNAppPending", "metric_value": "10", "comparison_operator": "GT",
                                 "evaluation_periods": 1}}]}


class Actor:
    """Another operator working on the same cloud while a task runs: vendor calls signed with the same AK/SK (the
    collection's own signer), sent straight to the emulator (never through the gateway: nothing garbles them), and the
    emulator's control routes.

    Every move is kept in ``moves`` with the answer and the request id the emulator logged, so that the invariants tell
    the task's writes (``request_ids`` excluded) from the actor's. A move the cloud refuses (a resize while a scale runs:
    12000018) is a move too: it is recorded, never raised. ``later(name, ...)`` gives a callback for ``Gateway.hook``.
    """

    def __init__(self, emulator):
        self.emulator = emulator
        self.session = emulator.new_session()
        self.moves = []

    @property
    def request_ids(self):
        return set(move["request_id"] for move in self.moves if move.get("request_id"))

    def accepted(self):
        return [move for move in self.moves if move["status"] is not None and 200 <= move["status"] < 300]

    def _record(self, name, answer, started, **details):
        try:
            body = answer.json()
        except ValueError:
            body = answer.text[:300]
        move = dict(details, name=name, status=answer.status_code, answer=body, request_id=answer.headers.get("X-Request-Id"),
                    time=started)
        self.moves.append(move)
        return move

    def _signed(self, method, url, body=None):
        payload = json.dumps(body).encode("utf-8") if body is not None else b""
        headers = sign(method, url, {"Content-Type": "application/json"}, payload, self.emulator.access_key, self.emulator.secret_key)
        return self.session.request(method, url, data=payload, headers=headers, timeout=10)

    def _vendor(self, name, method, url, body=None):
        started = time.time()
        answer = self._signed(method, url, body)
        return self._record(name, answer, started, method=method, body=body)

    def _control(self, name, method, route, body):
        started = time.time()
        answer = self.emulator.session.request(method, self.emulator.url + "/_emulator/" + route, json=body, timeout=10)
        return self._record(name, answer, started, method=method, body=body)

    # moves ------------------------------------------------------------------------------------------------------

    def resize(self, cluster_id, group, by):
        """A v1.1 resize of the group (its MRS name) by ``by`` nodes (negative: a scale-in)."""
        parameters = {"order_id": "", "scale_type": "scale_out" if by > 0 else "scale_in", "node_id": "node_orderadd",
                      "node_group": group, "instances": str(abs(by))}
        return self._vendor("resize %s %+d" % (group, by), "PUT", self.emulator.cluster_url(cluster_id), {"parameters": parameters})

    def scale(self, cluster_id, group, by):
        """A v2 expand (by > 0) or shrink (by < 0) of the group."""
        action = "expand" if by > 0 else "shrink"
        return self._vendor("%s %s %+d" % (action, group, by), "POST", self.emulator.v2_url(cluster_id, action),
                            {"node_group_name": group, "count": abs(by)})

    def policy(self, cluster_id, group, method="POST", **changes):
        """Create (POST) or replace (PUT) the group's policy: POLICY with ``changes`` (auto_scaling_enable=False disables it)."""
        body = {"node_group_name": group, "resource_pool_name": "default", "auto_scaling_policy": dict(POLICY, **changes)}
        return self._vendor("%s policy of %s" % (method, group), method, self._policy_url(cluster_id), body)

    def delete_policy(self, cluster_id, group):
        body = {"node_group_name": group, "resource_pool_name": "default"}
        return self._vendor("DELETE policy of %s" % group, "DELETE", self._policy_url(cluster_id), body)

    def accept_delay(self, cluster_id, seconds):
        """From now on an accepted resize shows only after ``seconds`` (PATCH /_emulator/clusters/ID)."""
        return self._control("accept_delay %s" % seconds, "PATCH", "clusters/" + cluster_id, {"accept_delay": seconds})

    def fire_policy(self, cluster_id, group, adjustment):
        """The group's enabled policy fires (POST /_emulator/clusters/ID/policy-actions)."""
        return self._control("policy of %s fires %+d" % (group, adjustment), "POST", "clusters/%s/policy-actions" % cluster_id,
                             {"node_group": group, "adjustment": adjustment})

    def later(self, move, *args, **kwargs):
        """A Gateway.hook callback that makes this move when the hook fires."""
        def act(_entry=None):
            return getattr(self, move)(*args, **kwargs)
        act.__name__ = "actor %s%s" % (move, args[1:])
        return act

    def _policy_url(self, cluster_id):
        return "%s/v2/%s/autoscaling-policy/%s" % (self.emulator.url, self.emulator.project_id, cluster_id)

    def held_policies(self, cluster_id):
        """{group: auto_scaling_policy} as MRS holds them now (default resource pools), read by the actor."""
        answer = self._signed("GET", self._policy_url(cluster_id))
        if answer.status_code == 404:
            return {}
        answer.raise_for_status()
        return dict((entry["node_group_name"], entry["auto_scaling_policy"]) for entry in answer.json()
                    if entry.get("resource_pool_name", "default") == "default")
