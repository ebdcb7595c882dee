"""Issue #11, example by example: each numbered class of "What broke" as a real ansible-playbook run.

Every test reproduces the examples the issue lists for its class, through the emulator and, where the emulator
cannot misbehave that way, the gateway in front of it (gateway.py), and asserts the rule of the class. The
emulator's request log tells what reached MRS; the gateway's log what the module sent. Messages are checked
loosely (the option or field named, no traceback), so that the wording stays free.
"""

import json
import re
import time
import uuid

import pytest

from adversarial_support import (MARGIN, crashed, gateway_env, leaks, password_env, resizes, run_cases, tracebacks, vendor_log)
from gateway import Gateway
from reliability_support import counts, emulator_env, load_json, run_playbook, wait_idle

# Small timeouts keep each run short; the rules are about wait_timeout + read_timeout, whatever their size.
FAST = dict(read_timeout=3, connect_timeout=2, retries=3)
HTML = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>"


@pytest.fixture(name="gateway")
def gateway_fixture(mrs):
    with Gateway(mrs.url) as running:
        yield running


def cluster_re(cluster_id):
    return re.escape("/cluster_infos/" + cluster_id) + "$"


def hosts_re(cluster_id):
    return re.escape("/clusters/%s/hosts" % cluster_id) + "$"


def no_traceback(run, outcomes):
    assert not tracebacks(run.output), run
    crashes = [outcome for outcome in outcomes.values() if crashed(outcome.result)]
    assert not crashes, "modules crashed: %s" % crashes


def check_all(checks, run=None, outcomes=None):
    """Run every (name, check) and report all the broken ones at once; with run, also that no module crashed."""
    if run is not None:
        checks = [("no crash, no traceback", lambda: no_traceback(run, outcomes))] + list(checks)
    problems = []
    for name, check in checks:
        try:
            check()
        except AssertionError as error:
            problems.append("%s: %s" % (name, error))
    assert not problems, "\n".join(problems)


def resized_once_to_four(outcomes, log, ids, name):
    """A check for check_all: the case's task succeeded with count 4, and MRS accepted exactly one resize of its cluster."""
    def check():
        outcome = outcomes[name]
        assert not outcome.failed and outcome.result.get("count") == 4, outcome
        assert len(resizes(log, ids[name])[1]) == 1
    return check


def names_a_field(message, fields):
    lowered = message.lower()
    return any(field.lower() in lowered for field in fields)


# ------------------------------------------------------------------------------------------- 1. missing field read as zero

def test_1_a_value_the_answer_lacks_is_a_clear_failure_never_a_default(mrs, ansible_env, gateway, tmp_path):
    """Core 5 asked on a 3-node cluster whose answer lacks the counts: no resize (today: instances "5", Core ends at 8).
    A Task group whose count is unreadable is not "ok, unchanged". A host list without `total` is not cut after page 1."""
    core = mrs.create_cluster(name="c1-core", core=3)["clusterId"]
    task = mrs.create_cluster(name="c1-task", core=3, task=3)["clusterId"]
    paged = mrs.create_cluster(name="c1-paged", core=3, task=100)["clusterId"]
    last = [host["id"] for host in mrs.hosts(paged) if host["type"] == "Task"][-1]  # the 105th host: page 2 of 100
    gateway.add("GET", cluster_re(core), "trim", fields=["cluster.coreNodeNum", "cluster.nodeGroups", "cluster.taskNodeGroups"], times=None)
    gateway.add("GET", cluster_re(task), "trim", fields=["cluster.nodeGroups", "cluster.taskNodeGroups"], times=None)
    gateway.add("GET", hosts_re(paged), "trim", fields=["total"], times=None)
    cases = {
        "core-counts-trimmed": dict(cluster_id=core, node_group="core", count=5, wait_timeout=10),
        "task-counts-trimmed": dict(cluster_id=task, node_group="task", count=0, wait_timeout=10),
        "hosts-without-total": dict(cluster_id=paged, node_group="task", server_ids=[last], wait_timeout=15),
    }

    run, outcomes = run_cases(gateway_env(ansible_env, mrs, gateway), tmp_path, cases, connection=FAST)
    wait_idle(mrs, [core, task, paged])
    log = vendor_log(mrs)

    assert set(outcomes) == set(cases), run

    def trimmed_core():
        outcome = outcomes["core-counts-trimmed"]
        assert resizes(log, core)[0] == [], "a resize was sent from a count the answer lacked: %s" % resizes(log, core)[0]
        assert counts(mrs, core) == (3, 0), counts(mrs, core)
        assert outcome.failed and names_a_field(outcome.msg, ["coreNodeNum", "nodeGroups", "NodeNum"]), outcome

    def trimmed_task():
        outcome = outcomes["task-counts-trimmed"]
        assert resizes(log, task)[0] == [], resizes(log, task)[0]
        assert counts(mrs, task) == (3, 3)
        assert outcome.failed, "an unreadable Task count was reported as: %r" % outcome
        assert names_a_field(outcome.msg, ["nodeGroups", "taskNodeGroups", "NodeNum"]), outcome

    def hosts_without_total():
        outcome = outcomes["hosts-without-total"]
        remaining = [host["id"] for host in mrs.hosts(paged)]
        assert last not in outcome.result.get("already_gone", []) or last not in remaining, \
            "a node on page 2 was reported already gone while it still runs: %r" % outcome
        if outcome.failed:
            assert "total" in outcome.msg and resizes(log, paged)[0] == [], outcome
        else:
            assert outcome.changed and last not in remaining and len(resizes(log, paged)[1]) == 1, outcome

    check_all([("core", trimmed_core), ("task", trimmed_task), ("hosts", hosts_without_total)], run, outcomes)


# ------------------------------------------------------------------------------------------- 2. changed after an accepted resize

def test_2_changed_is_true_on_every_path_after_an_accepted_resize(mrs, ansible_env, gateway, tmp_path):
    """Accepted, then the task failed (wait timeout, wait_timeout 0, a 401 during the wait, the cluster vanished):
    changed must be true and the failure result must carry what was sent."""
    slow = mrs.create_cluster(name="c2-slow", core=3, scale_seconds=30)["clusterId"]
    zero = mrs.create_cluster(name="c2-zero", core=3, scale_seconds=30)["clusterId"]
    expiring = mrs.create_cluster(name="c2-401", core=3, scale_seconds=4)["clusterId"]
    vanished = mrs.create_cluster(name="c2-vanished", core=3, scale_seconds=4)["clusterId"]
    gateway.on_accepted_put(mrs.expire_tokens, path=cluster_re(expiring))
    gateway.add("GET", cluster_re(vanished), "status", status=404, error_code="12000003", error_msg="The cluster does not exist.",
                times=None, after_put=True)
    cases = {
        "wait-timeout": dict(cluster_id=slow, count=4, wait_timeout=3),
        "wait-timeout-0": dict(cluster_id=zero, count=4, wait_timeout=0),
        "401-during-the-wait": dict(cluster_id=expiring, count=4, wait_timeout=20,
                                    connection=dict(access_key=None, secret_key=None)),
        "cluster-vanished-during-the-wait": dict(cluster_id=vanished, count=4, wait_timeout=20),
    }
    secrets = {"401-during-the-wait": dict(auth_token=mrs.mint_token())}

    run, outcomes = run_cases(gateway_env(ansible_env, mrs, gateway), tmp_path, cases, connection=FAST, secrets=secrets)
    log = vendor_log(mrs)

    assert set(outcomes) == set(cases), run
    checks = []
    for name, cluster_id in (("wait-timeout", slow), ("wait-timeout-0", zero), ("401-during-the-wait", expiring),
                             ("cluster-vanished-during-the-wait", vanished)):
        def check(name=name, cluster_id=cluster_id):
            outcome = outcomes[name]
            assert len(resizes(log, cluster_id)[1]) == 1, "the emulator did not accept the resize: %s" % resizes(log, cluster_id)[0]
            assert outcome.failed, outcome
            assert outcome.changed is True, "changed is %r after an accepted resize: %r" % (outcome.changed, outcome)
            request = outcome.result.get("request")
            assert isinstance(request, dict) and request, "the failure result does not carry the request sent: %r" % outcome
            assert "scale_out" in json.dumps(outcome.result), "the failure result does not say scale_out: %r" % outcome
        checks.append((name, check))
    check_all(checks, run, outcomes)


# ------------------------------------------------------------------------------------------- 3. answers that are not what they seem

def test_3_only_a_documented_success_is_a_success(mrs, ansible_env, gateway, tmp_path):
    """200 with {} or HTML to a read is retried like a 5xx (before the resize and during the wait); a resize answered
    200 with an empty body after it reached MRS is settled by reading the cluster; a 302 or a 200 {} that never
    reached MRS is not an accepted resize."""
    ids = dict((name, mrs.create_cluster(name="c3-" + name, core=3, scale_seconds=2)["clusterId"]) for name in (
        "get-200-empty-object", "get-200-html", "poll-200-empty-object", "poll-200-truncated", "put-200-empty-body-after-mrs",
        "put-302-to-a-login-page", "put-200-empty-object-not-forwarded"))
    gateway.add("GET", cluster_re(ids["get-200-empty-object"]), "junk", body="{}")
    gateway.add("GET", cluster_re(ids["get-200-html"]), "junk", body=HTML, content_type="text/html")
    gateway.add("GET", cluster_re(ids["poll-200-empty-object"]), "junk", body="{}", after_put=True)
    gateway.add("GET", cluster_re(ids["poll-200-truncated"]), "truncate", after_put=True)
    gateway.add("PUT", cluster_re(ids["put-200-empty-body-after-mrs"]), "junk", body="", forward=True)
    # an API gateway's redirect with a JSON body: nothing in it says the resize was accepted
    gateway.add("PUT", cluster_re(ids["put-302-to-a-login-page"]), "redirect", body="{}", content_type="application/json")
    gateway.add("PUT", cluster_re(ids["put-200-empty-object-not-forwarded"]), "junk", body="{}")
    cases = dict((name, dict(cluster_id=cluster_id, count=4, wait_timeout=15)) for name, cluster_id in ids.items())
    # without waiting, a resize taken for accepted shows at once as success
    cases["put-302-to-a-login-page"]["wait"] = False
    cases["put-200-empty-object-not-forwarded"]["wait"] = False

    run, outcomes = run_cases(gateway_env(ansible_env, mrs, gateway), tmp_path, cases, connection=FAST)
    wait_idle(mrs, list(ids.values()))
    log = vendor_log(mrs)

    assert set(outcomes) == set(cases), run
    fired = set(entry["rule"] for entry in gateway.entries() if entry["rule"])
    assert len(fired) == len(ids), fired  # every misbehaviour happened

    def reaches_target(name):
        def check():
            outcome = outcomes[name]
            assert not outcome.failed and outcome.changed is True and outcome.result.get("count") == 4, outcome
            assert len(resizes(log, ids[name])[1]) == 1 and counts(mrs, ids[name]) == (4, 0), resizes(log, ids[name])
        return check

    def not_accepted(name):
        def check():
            outcome = outcomes[name]
            assert resizes(log, ids[name])[0] == [] and counts(mrs, ids[name]) == (3, 0)
            assert outcome.failed or outcome.changed is False, "a resize MRS never received was reported: %r" % outcome
            assert not (not outcome.failed and outcome.changed), outcome
        return check

    reaching = ("get-200-empty-object", "get-200-html", "poll-200-empty-object", "poll-200-truncated", "put-200-empty-body-after-mrs")
    refused = ("put-302-to-a-login-page", "put-200-empty-object-not-forwarded")
    check_all([(name, reaches_target(name)) for name in reaching] + [(name, not_accepted(name)) for name in refused], run, outcomes)


# ------------------------------------------------------------------------------------------- 4. back-off and deadlines

def test_4_waits_back_off_honour_retry_after_and_end_within_the_deadline(mrs, ansible_env, gateway, tmp_path):
    """12000018 on an idle cluster is not re-sent every second; Retry-After 20 on polls does not outlast a 6 s
    wait_timeout; a drip-fed answer does not outlast read_timeout; Retry-After -1, an HTTP date or garbage is handled."""
    ids = dict((name, mrs.create_cluster(name="c4-" + name, core=3, scale_seconds=2)["clusterId"]) for name in (
        "busy-while-idle", "poll-retry-after-20", "drip-past-read-timeout", "retry-after-minus-1", "retry-after-http-date",
        "retry-after-garbage"))
    mrs.add_fault(method="PUT", path=cluster_re(ids["busy-while-idle"]), status=400, error_code="12000018", times=200)
    gateway.add("GET", cluster_re(ids["poll-retry-after-20"]), "status", status=429, retry_after="20", times=5, after_put=True)
    gateway.add("GET", cluster_re(ids["drip-past-read-timeout"]), "drip", interval=0.05, max_seconds=45)
    gateway.add("GET", cluster_re(ids["retry-after-minus-1"]), "status", status=429, retry_after="-1")
    http_date_rule = gateway.add("GET", cluster_re(ids["retry-after-http-date"]), "status", status=429, retry_after_date_in=3)
    gateway.add("GET", cluster_re(ids["retry-after-garbage"]), "status", status=429, retry_after="soon")
    timeouts = {"busy-while-idle": (12, 3), "poll-retry-after-20": (6, 3), "drip-past-read-timeout": (10, 5)}
    cases = dict((name, dict(cluster_id=cluster_id, count=4, wait_timeout=timeouts.get(name, (15, 3))[0],
                             connection=dict(read_timeout=timeouts.get(name, (15, 3))[1])))
                 for name, cluster_id in ids.items())

    run, outcomes = run_cases(gateway_env(ansible_env, mrs, gateway), tmp_path, cases, connection=FAST)
    wait_idle(mrs, list(ids.values()))
    log = vendor_log(mrs)

    assert set(outcomes) == set(cases), run

    def within_deadline(name):
        def check():
            wait_timeout, read_timeout = timeouts[name]
            limit = wait_timeout + read_timeout + MARGIN
            assert outcomes[name].duration <= limit, "the task ran %.1f s, wait_timeout %d + read_timeout %d + %.0f s margin = %.0f s" % (
                outcomes[name].duration, wait_timeout, read_timeout, MARGIN, limit)
            assert len(resizes(log, ids[name])[1]) <= 1
        return check

    def busy_backs_off():
        puts = resizes(log, ids["busy-while-idle"])[0]
        # a back-off that doubles from 1 s with jitter sends about 4 or 5 in 12 s; re-sending every second sends 10 or more
        assert len(puts) <= 6, "%d resizes refused with 12000018 in %.1f s: re-sent without backing off" % (
            len(puts), outcomes["busy-while-idle"].duration)

    def http_date_honoured():
        throttled = [entry for entry in gateway.entries() if ids["retry-after-http-date"] in entry["path"] and entry["method"] == "GET"]
        first = next(index for index, entry in enumerate(throttled) if entry["rule"] == http_date_rule.describe())
        gap = throttled[first + 1]["time"] - throttled[first]["time"]
        assert gap >= 1.5, "the retry came %.2f s after a Retry-After HTTP date 3 s ahead" % gap

    check_all([(name, within_deadline(name)) for name in timeouts] + [("busy-backs-off", busy_backs_off)]
              + [(name, resized_once_to_four(outcomes, log, ids, name))
                 for name in ("retry-after-minus-1", "retry-after-http-date", "retry-after-garbage")]
              + [("http-date-honoured", http_date_honoured)], run, outcomes)


# ------------------------------------------------------------------------------------------- 5. IAM

IAM_FAULTS = [
    ("token-503", dict(action="status", status=503, error_code="APIGW.0503", error_msg="Service unavailable.")),
    ("token-429", dict(action="status", status=429, retry_after="1", error_code="APIGW.0308", error_msg="Too many requests.")),
    ("token-reset", dict(action="reset", when="before")),
    ("token-503-mid-wait", dict(action="status", status=503, error_code="APIGW.0503", error_msg="Service unavailable.", mid_wait=True)),
]


def test_5_the_iam_token_request_is_retried_like_any_read(mrs, ansible_env, tmp_path):
    """Password auth: one 503, one 429 or one reset on POST /v3/auth/tokens, also mid-wait after the resize was
    accepted (the token expired and the renewal meets a 503), must not fail the task."""
    problems = []
    for name, spec in IAM_FAULTS:
        mrs.reset()
        spec = dict(spec)
        mid_wait = spec.pop("mid_wait", False)
        cluster_id = mrs.create_cluster(name="c5-" + name, core=3, scale_seconds=3 if mid_wait else 1)["clusterId"]
        with Gateway(mrs.url) as gateway:
            if mid_wait:
                gateway.on_accepted_put(mrs.expire_tokens, path=cluster_re(cluster_id))
            rule = gateway.add("POST", r"^/v3/auth/tokens$", spec.pop("action"),
                               after_put=cluster_re(cluster_id) if mid_wait else False, **spec)
            run, outcomes = run_cases(password_env(ansible_env, mrs, gateway), tmp_path,
                                      {name: dict(cluster_id=cluster_id, count=4, wait_timeout=20)}, connection=FAST)
        wait_idle(mrs, [cluster_id])
        outcome = outcomes.get(name)
        accepted = resizes(vendor_log(mrs), cluster_id)[1]
        if rule.hits != 1:
            problems.append("%s: the fault did not fire (%d hits)\n%r" % (name, rule.hits, run))
        elif tracebacks(run.output) or outcome is None or crashed(outcome.result) or outcome.failed or outcome.result.get("count") != 4 or len(accepted) != 1:
            problems.append("%s: %r (accepted resizes: %d)" % (name, outcome or run, len(accepted)))
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------------------- 6. secrets

def test_6_secrets_are_cleaned_validated_and_never_shown(mrs, ansible_env, gateway, tmp_path):
    """auth_token and security_token with a trailing newline (as ansible-vault encrypt_string from stdin gives them)
    work; a wrong token's value is never printed; a token the module got from IAM is masked when an answer echoes it,
    in an error message or in a field. Run at -vvvv."""
    ids = dict((name, mrs.create_cluster(name="c6-" + name, core=3)["clusterId"]) for name in (
        "auth-token-newline", "security-token-newline", "wrong-auth-token-newline", "iam-token-echoed-in-an-error",
        "iam-token-echoed-in-a-field"))
    temporary = mrs.temporary_credentials()
    token, wrong = mrs.mint_token(), "MIIwrong" + uuid.uuid4().hex + uuid.uuid4().hex
    password = dict(access_key=None, secret_key=None, user_name=mrs.iam_user, domain_name=mrs.iam_domain)
    gateway.add("GET", cluster_re(ids["iam-token-echoed-in-an-error"]), "status", status=400, error_code="MRS.103",
                error_msg="bad request: X-Auth-Token {auth_token} is not allowed here")
    gateway.add("GET", cluster_re(ids["iam-token-echoed-in-a-field"]), "set", values={"cluster.coreNodeNum": "{auth_token}"}, times=None)
    cases = dict((name, dict(cluster_id=cluster_id, count=4, wait_timeout=15)) for name, cluster_id in ids.items())
    cases["security-token-newline"]["connection"] = dict(access_key=temporary["access"])
    cases["iam-token-echoed-in-an-error"]["connection"] = password
    cases["iam-token-echoed-in-a-field"]["connection"] = password
    secrets = {
        "auth-token-newline": dict(auth_token=token + "\n"),
        "security-token-newline": dict(secret_key=temporary["secret"], security_token=temporary["securitytoken"] + "\n"),
        "wrong-auth-token-newline": dict(auth_token=wrong + "\n"),
        "iam-token-echoed-in-an-error": dict(password=mrs.iam_password),
        "iam-token-echoed-in-a-field": dict(password=mrs.iam_password),
    }

    run, outcomes = run_cases(gateway_env(ansible_env, mrs, gateway), tmp_path, cases, "-vvvv", connection=FAST, secrets=secrets)
    log = vendor_log(mrs)

    assert set(outcomes) == set(cases), run
    values = {"auth token": token, "wrong auth token": wrong, "temporary secret key": temporary["secret"],
              "security token": temporary["securitytoken"], "password": mrs.iam_password, "secret key": mrs.secret_key}
    values.update(("a token seen by the gateway (%d)" % index, value) for index, value in enumerate(sorted(gateway.secrets)))
    places = {"ansible-playbook output at -vvvv": run.output, "the task results": json.dumps([o.result for o in outcomes.values()])}

    def fails_cleanly(name):
        def check():
            assert outcomes[name].failed and resizes(log, ids[name])[0] == [], outcomes[name]
        return check

    def nothing_leaks():
        found = leaks(places, values)
        assert not found, found

    def echo_fired():
        assert any(entry["action"] == "status" for entry in gateway.entries()), "the echo never fired"
        assert any(entry["action"] == "set" for entry in gateway.entries()), "the echo in a field never fired"

    check_all([(name, resized_once_to_four(outcomes, log, ids, name)) for name in ("auth-token-newline", "security-token-newline")]
              + [(name, fails_cleanly(name)) for name in ("wrong-auth-token-newline", "iam-token-echoed-in-an-error",
                                                          "iam-token-echoed-in-a-field")]
              + [("no secret shows", nothing_leaks), ("the echoes fired", echo_fired)], run, outcomes)


# ------------------------------------------------------------------------------------------- 7. input hygiene

def test_7_every_bad_option_is_named_before_any_request(mrs, ansible_env, gateway, tmp_path):
    """Each bad value fails with a message naming its option, no traceback, and no request at all. A space-padded
    cluster_id and a project_id with a newline may instead be cleaned and used."""
    cluster_id = mrs.create_cluster(name="c7", core=3)["clusterId"]
    padded = mrs.create_cluster(name="c7-padded", core=3)["clusterId"]
    newline = mrs.create_cluster(name="c7-project-id", core=3)["clusterId"]
    strict = {
        "cluster-id-non-ascii": ("cluster_id", dict(cluster_id="cl\u00fcster-\u00df-\u4e2d")),
        "cluster-id-empty": ("cluster_id", dict(cluster_id="")),
        "connect-timeout-0": ("connect_timeout", dict(connection=dict(connect_timeout=0))),
        "read-timeout-negative": ("read_timeout", dict(connection=dict(read_timeout=-1))),
        "read-timeout-nan": ("read_timeout", dict(connection=dict(read_timeout="nan"))),
        "wait-timeout-too-large-for-a-float": ("wait_timeout", dict(wait_timeout="1" + "0" * 400)),
        "endpoint-with-a-query": ("endpoint", dict(connection=dict(endpoint=gateway.url + "/?debug=1"))),
        "endpoint-with-a-fragment": ("endpoint", dict(connection=dict(endpoint=gateway.url + "/#mrs"))),
    }
    lenient = {
        "cluster-id-space-padded": ("cluster_id", dict(cluster_id=" %s " % padded)),
        "project-id-with-a-newline": ("project_id", dict(cluster_id=newline, connection=dict(project_id=mrs.project_id + "\n"))),
    }
    cases = {}
    for name, (_option, case) in list(strict.items()) + list(lenient.items()):
        cases[name] = dict(dict(cluster_id=cluster_id, count=4, wait_timeout=10), **case)

    run, outcomes = run_cases(gateway_env(ansible_env, mrs, gateway), tmp_path, cases, connection=FAST, forks=5)
    wait_idle(mrs, [cluster_id, padded, newline])

    assert set(outcomes) == set(cases), run
    checks = []
    for name, (option, _case) in strict.items():
        def check(name=name, option=option):
            outcome = outcomes[name]
            assert outcome.failed and option in outcome.msg, "%s: the message does not name %s: %r" % (name, option, outcome)
            if name == "cluster-id-empty":
                assert "cluster_name" not in outcome.msg.replace("cluster_id", ""), "it names cluster_name: %r" % outcome
        checks.append((name, check))
    for name, (option, _case) in lenient.items():
        def lenient_check(name=name, option=option):
            outcome = outcomes[name]
            assert (not outcome.failed and outcome.result.get("count") == 4) or option in outcome.msg, outcome
        checks.append((name, lenient_check))

    def no_request_for_the_strict_cases():
        # the lenient cases (their own clusters) may use the cleaned value; any other request should not have been made
        sent = [entry for entry in gateway.entries() if padded not in entry["path"] and newline not in entry["path"]]
        reached = [entry for entry in vendor_log(mrs) if padded not in entry["path"] and newline not in entry["path"]]
        assert not sent and not reached, "requests made for refused options: %s" % json.dumps((sent + reached)[:6], default=str)
        assert counts(mrs, cluster_id) == (3, 0)

    checks.append(("no request", no_request_for_the_strict_cases))
    check_all(checks, run, outcomes)


# ------------------------------------------------------------------------------------------- 8. waiting on a failure

def test_8_a_scale_that_fails_again_fails_the_task_at_once(mrs, ansible_env, gateway, tmp_path):
    """A cluster already flagged scaling-error whose new scale fails quickly: the task fails well before wait_timeout."""
    cluster_id = mrs.create_cluster(name="c8", core=3, scale_seconds=1)["clusterId"]
    mrs.patch_cluster(cluster_id, scale="scaling-error")
    mrs.patch_cluster(cluster_id, fail_next_scale="scaling-error")

    run, outcomes = run_cases(gateway_env(ansible_env, mrs, gateway), tmp_path,
                              {"scaling-error-again": dict(cluster_id=cluster_id, count=4, wait_timeout=30)}, connection=FAST)
    log = vendor_log(mrs)

    outcome = outcomes["scaling-error-again"]
    no_traceback(run, outcomes)
    assert len(resizes(log, cluster_id)[1]) == 1, resizes(log, cluster_id)[0]
    assert outcome.failed, outcome
    assert outcome.duration < 12, "the task waited %.1f s on a scale that had failed after 1 s (wait_timeout 30)" % outcome.duration


# ------------------------------------------------------------------------------------------- 9. the role

def run_role(ansible_env, emulator, tmp_path, entry, **role_vars):
    result_file = tmp_path / ("role-%s.json" % entry)
    run = run_playbook(emulator_env(ansible_env, emulator), "adversarial_role", entry=entry, result_file=str(result_file), **role_vars)
    return run, load_json(result_file) if result_file.exists() else None


def test_9_the_role_checks_first_accepts_what_converge_accepts_and_reports_what_it_changed(mrs, ansible_env, gateway, tmp_path):
    """burst with a task file that does not exist fails before any resize; a profile takes the size "5" that converge
    takes; a converge that fails after its first resize reports that resize."""
    burst = mrs.create_cluster(name="c9-burst", core=3, task=1)["clusterId"]
    profile = mrs.create_cluster(name="c9-profile", core=3)["clusterId"]
    converge = mrs.create_cluster(name="c9-converge", core=3, task=2)["clusterId"]
    problems = []

    started = time.monotonic()
    run, saved = run_role(ansible_env, mrs, tmp_path, "burst", cluster_scale_cluster_id=burst, cluster_scale_burst_task_increase=1,
                          cluster_scale_burst_tasks_file=str(tmp_path / "no-such-job.yml"))
    burst_puts = resizes(vendor_log(mrs), burst)[0]
    if tracebacks(run.output) or not saved or not saved["failed"] or burst_puts or \
            "cluster_scale_burst_tasks_file" not in json.dumps(saved["failure"]):
        problems.append("burst with a missing task file: %d resizes before the failure (%.0f s), saved %s" % (
            len(burst_puts), time.monotonic() - started, json.dumps(saved)[:1500]))

    run, saved = run_role(ansible_env, mrs, tmp_path, "profile", cluster_scale_cluster_id=profile,
                          cluster_scale_profiles={"day": {"core": "5"}}, cluster_scale_profile="day")
    if tracebacks(run.output) or not saved or saved["failed"] or counts(mrs, profile) != (5, 0):
        problems.append("profile with core \"5\": counts %s, saved %s" % (counts(mrs, profile), json.dumps(saved)[:1500]))

    # the second resize of the converge (whichever group goes second) is refused for quota
    with Gateway(mrs.url) as second_refused:
        second_refused.add("PUT", cluster_re(converge), "status", skip=1, status=400, error_code="12000030",
                           error_msg="The requested node count exceeds the available quota.")
        env = emulator_env(ansible_env, mrs, HW_MRS_ENDPOINT=second_refused.url, HW_AUTH_URL=second_refused.url)
        result_file = tmp_path / "role-converge.json"
        run = run_playbook(env, "adversarial_role", entry="converge", result_file=str(result_file), cluster_scale_cluster_id=converge,
                           cluster_scale_core_count=4, cluster_scale_task_count=4, cluster_scale_step=0)
        saved = load_json(result_file) if result_file.exists() else None
    wait_idle(mrs, [converge])
    core, task = counts(mrs, converge)
    done = ("core", 4) if core == 4 else ("task", 4)
    accepted = resizes(vendor_log(mrs), converge)[1]
    reported = saved and saved["failed"] and (
        (isinstance(saved.get("result"), dict) and saved["result"].get("changed") is True
         and done[0] in json.dumps(saved["result"].get("steps") or saved["result"].get("after")))
        or (done[0] in saved["failure"].get("msg", "") and str(done[1]) in saved["failure"].get("msg", "")
            and ("chang" in saved["failure"].get("msg", "") or "resized" in saved["failure"].get("msg", ""))))
    if tracebacks(run.output) or len(accepted) != 1 or (core, task) not in ((4, 2), (3, 4)) or not reported:
        problems.append("converge failing after its first resize (%s %s, %d accepted) reported: %s" % (
            done[0], done[1], len(accepted), json.dumps(saved)[:2000]))
    assert not problems, "\n".join(problems)
