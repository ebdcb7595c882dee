"""The adversarial layer on paged reads: hypothesis draws a paged list (the host list, the v2 node list, the cluster list)
and one or two ways a gateway or a changing list garbles its pages: a page that repeats the one before (page 2 = page
1), a list that shifts by one item across the page boundary between two requests (an item read twice, or never), a later
page that comes back empty, a total (`total`, `node_total`, `clusterTotal`) larger or smaller than the items, an entry
trimmed of its id. Every reader of that list then runs through real ansible-playbook and ansible-inventory, behind the
misbehaving gateway (gateway.py), on clusters of 155 hosts (two pages of 100):

- mrs_cluster_info with include_hosts, with include_nodes, by name with exactly_one, and listing every cluster;
- mrs_cluster_nodes removing two Task nodes by id (one listed on page 1, one on page 2), and resizing by cluster name;
- the inventory plugin (ansible-inventory --list, a source that fails to parse fails the run).

Every reader keeps:

1. every id at most once, and none silently left out: what it returns is exactly what the emulator holds, or it FAILS
   naming the list it could not read completely (hosts, nodes, the cluster list);
2. no write computed from a list it could not read: a node on page 2 is never "already gone" while it runs, the removal
   is exactly the two nodes or nothing, at most one accepted write, `changed` true exactly when one was accepted;
3. the task ends within READ_DEADLINE; 4. no secret in the output at -vvvv; 5. no traceback, no crashed module.

Derandomized: every run draws the same examples; ADVERSARIAL_SEED=<int> draws others and replays them,
ADVERSARIAL_PAGES_EXAMPLES (or ADVERSARIAL_EXAMPLES) sets how many (default 4, seven readers each). The fixed, minimal examples of each
failure class found are the tests after the generated one.
"""

import json
import os
import re
import subprocess
import sys
import time
import uuid

import pytest
import yaml
from hypothesis import strategies as st

from adversarial_support import MARGIN, check_drawn, example_count, hygiene, run_cases, vendor_log, writes
from gateway import LISTS, Gateway
from reliability_support import emulator_env, plain, wait_idle

EXAMPLES = example_count(4, os.environ.get("ADVERSARIAL_PAGES_EXAMPLES"))
READ_TIMEOUT = 3
CONNECTION = dict(read_timeout=READ_TIMEOUT, connect_timeout=2, retries=2)
READ_DEADLINE = 45
WAIT_TIMEOUT = 10
BIG = dict(core=3, task=150)  # 155 hosts with the 2 Master nodes: two pages of 100
INVENTORY = os.path.join(os.path.dirname(sys.executable), "ansible-inventory")

# the words a failure must use to name the list it could not read
LIST_WORDS = {"hosts": ("/hosts", "host list", "hosts"), "nodes": ("/nodes", "node list", "nodes"),
              "clusters": ("/cluster_infos", "cluster list", "clustertotal", "list of clusters")}
ID_FIELDS = {"hosts": ["id"], "nodes": ["node_name", "resource_id"], "clusters": ["clusterId"]}


# ----------------------------------------------------------------------------------------------- the faults drawn

@st.composite
def page_faults(draw, kind):
    """One way the pages of a list of this kind are garbled, on every page after the first or once."""
    choice = draw(st.sampled_from(["repeat", "shift+1", "shift-1", "shrink", "total", "no-id"]))
    times = draw(st.sampled_from([None, 1]))
    if choice.startswith("shift"):
        return dict(action="shift", by=1 if choice == "shift+1" else -1, times=times)
    if choice == "total":
        return dict(action="total", delta=draw(st.sampled_from([1, 2, -1, -3, -60] if kind != "clusters" else [1, 2, -1])),
                    times=times)
    if choice == "no-id":
        index = draw(st.integers(0, 2 if kind == "clusters" else 99))
        return dict(action="trim", fields=["%s.%d.%s" % (kind, index, field) for field in ID_FIELDS[kind]], times=times)
    return dict(action=choice, times=times)


@st.composite
def sequences(draw):
    kind = draw(st.sampled_from(["hosts", "nodes", "clusters"]))
    faults = draw(st.lists(page_faults(kind), min_size=1, max_size=2))
    if kind == "clusters" and not any(fault["action"] == "total" for fault in faults):
        # the few clusters of an example fit on one page: a total that promises more makes the readers ask for page 2
        faults = [dict(action="total", delta=draw(st.sampled_from([1, 2])), times=None)] + faults
    return kind, faults


def install(gateway, kind, fault):
    spec = dict(fault)
    listed = next(item for item in LISTS if item.name == kind)
    gateway.add("GET", listed.path.pattern, spec.pop("action"), times=spec.pop("times"), **spec)


def describe(drawn):
    return json.dumps(drawn, sort_keys=True)


# ----------------------------------------------------------------------------------------------- the readers

def safe(name):
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def prepare(emulator):
    """Three clusters: A (155 hosts) read, B (155 hosts) two Task nodes removed by id, C (small) resized by name."""
    tag = uuid.uuid4().hex[:6]
    names = dict(a="advpg-a-" + tag, b="advpg-b-" + tag, c="advpg-c-" + tag)
    ids = dict(a=emulator.create_cluster(name=names["a"], scale_seconds=1, **BIG)["clusterId"],
               b=emulator.create_cluster(name=names["b"], scale_seconds=1, **BIG)["clusterId"],
               c=emulator.create_cluster(name=names["c"], scale_seconds=1, core=3)["clusterId"])
    listed = emulator.hosts(ids["b"])  # in the order the host list answers, page 1 first
    tasks = [(index, host["id"]) for index, host in enumerate(listed) if host["type"] == "Task"]
    remove = sorted([next(host for index, host in tasks if index < 100), next(host for index, host in tasks if index >= 100)])
    cases = {
        "info-hosts": dict(module="info", cluster_id=ids["a"], include_hosts=True),
        "info-nodes": dict(module="info", cluster_id=ids["a"], include_nodes=True),
        "info-exactly-one": dict(module="info", cluster_name=names["c"], exactly_one=True),
        "info-every-cluster": dict(module="info"),
        "nodes-server-ids": dict(module="nodes", cluster_id=ids["b"], node_group="task", server_ids=remove, wait_timeout=WAIT_TIMEOUT),
        "nodes-by-name": dict(module="nodes", cluster_name=names["c"], node_group="core", count=4, wait_timeout=WAIT_TIMEOUT),
    }
    reads = {"info-hosts": "hosts", "info-nodes": "nodes", "info-exactly-one": "clusters", "info-every-cluster": "clusters",
             "nodes-server-ids": "hosts", "nodes-by-name": "clusters"}
    return names, ids, cases, reads, {"a": emulator.hosts(ids["a"])}


def names_the_list(message, kind):
    lowered = message.lower()
    return any(word in lowered for word in LIST_WORDS[kind])


def failed_right(name, outcome, kind, reads):
    """A reader that failed: only on the list drawn, naming it."""
    if reads != kind:
        return ["%s failed although the list it reads (%s) was not garbled: %s" % (name, reads, outcome.msg[:400])]
    if not names_the_list(outcome.msg, kind):
        return ["%s failed without naming the %s list: %s" % (name, kind, outcome.msg[:400])]
    return []


def exactly(name, what, got, wanted):
    """Every id at most once and none left out."""
    broken = []
    twice = sorted(set(item for item in got if got.count(item) > 1))
    if twice:
        broken.append("%s: %d %s listed more than once (%s...)" % (name, len(twice), what, twice[:3]))
    missing, extra = sorted(set(wanted) - set(got)), sorted(set(got) - set(wanted))
    if missing:
        broken.append("%s: %d %s silently left out (%s...)" % (name, len(missing), what, missing[:3]))
    if extra:
        broken.append("%s: %d %s the cloud does not hold (%s...)" % (name, len(extra), what, extra[:3]))
    return broken


def check_info(name, outcome, kind, reads, held):
    if outcome.failed:
        return failed_right(name, outcome, kind, reads)
    clusters = outcome.result.get("clusters") or []
    if name == "info-hosts":
        return exactly(name, "hosts", [host.get("id") for host in clusters[0].get("hosts") or []], [host["id"] for host in held["a"]])
    if name == "info-nodes":
        return exactly(name, "nodes", [node.get("name") for node in clusters[0].get("nodes") or []], [host["name"] for host in held["a"]])
    return exactly(name, "clusters", [cluster.get("id") for cluster in clusters], held[name])


def check_server_ids(outcome, kind, emulator, log, cluster_id, before, case):
    """Two Task nodes of B removed by id, one on each page: exactly those two, or nothing; never "already gone" while running."""
    name, remove = "nodes-server-ids", case["server_ids"]
    broken = []
    running = set(host["id"] for host in emulator.hosts(cluster_id))
    gone_but_running = sorted(set(outcome.result.get("already_gone") or []) & running)
    if gone_but_running:
        broken.append("%s: %s reported already gone while they run" % (name, gone_but_running))
    _sent, accepted = writes(log, cluster_id)
    if len(accepted) > 1:
        broken.append("%s: %d resizes accepted for one change" % (name, len(accepted)))
    for entry in accepted:
        asked = sorted(((entry.get("body") or {}).get("parameters") or {}).get("server_ids") or [])
        if asked != remove:
            broken.append("%s: a resize removing %s was accepted (asked: %s)" % (name, asked, remove))
    if running not in (before, before - set(remove)):
        broken.append("%s: %d nodes left of %d: neither all nor all but the two asked" % (name, len(running), len(before)))
    if bool(outcome.changed) != bool(accepted):
        broken.append("%s: changed is %r but %d resize(s) were accepted" % (name, outcome.changed, len(accepted)))
    if outcome.failed and not accepted:
        broken += failed_right(name, outcome, kind, "hosts")
    return broken


def check_by_name(outcome, kind, emulator, log, cluster_id):
    name = "nodes-by-name"
    broken = []
    _sent, accepted = writes(log, cluster_id)
    core = sum(1 for host in emulator.hosts(cluster_id) if host["type"] == "Core")
    if len(accepted) > 1 or core not in (3, 4):
        broken.append("%s: %d resizes accepted, Core ended at %d (asked 4, had 3)" % (name, len(accepted), core))
    if bool(outcome.changed) != bool(accepted):
        broken.append("%s: changed is %r but %d resize(s) were accepted" % (name, outcome.changed, len(accepted)))
    if outcome.failed and not accepted:
        broken += failed_right(name, outcome, kind, "clusters")
    return broken


def run_inventory(ansible_env, tmp_path, gateway):
    source = tmp_path / "adversarial.mrs.yml"
    source.write_text(yaml.safe_dump({"plugin": "hwcloud.mrs.mrs", "hostnames": ["resource_id"]}))
    env = dict(ansible_env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true", HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url,
               HW_MAX_RETRIES="2")
    started = time.monotonic()
    completed = subprocess.run([INVENTORY, "-i", str(source), "--list", "-vvvv"], env=env, capture_output=True, text=True,
                               timeout=300, check=False)
    return completed, time.monotonic() - started


def check_inventory(completed, kind, emulator, names, ids):
    """The inventory holds every host of every cluster once, each cluster's group its own hosts; or the run fails naming the list."""
    if completed.returncode != 0:
        if not names_the_list(completed.stderr + completed.stdout, kind):
            return ["inventory: failed without naming the %s list: %s" % (kind, (completed.stderr or completed.stdout)[-600:])]
        return []
    start = re.search(r"^\{", completed.stdout, re.M)  # at -vvvv the version banner comes first
    inventory = plain(json.loads(completed.stdout[start.start():] if start else completed.stdout))
    hostvars = inventory.get("_meta", {}).get("hostvars", {})
    broken = []
    every = []
    for key in sorted(ids):
        hosts = emulator.hosts(ids[key])
        every += [host["resource_id"] for host in hosts]
        group = sorted(inventory.get("mrs_" + safe(names[key]), {}).get("hosts", []))
        broken += exactly("inventory group mrs_%s" % safe(names[key]), "hosts", group, [host["resource_id"] for host in hosts])
    broken += exactly("inventory", "hosts", list(hostvars), every)
    servers = [vars_.get("mrs_server_id") for vars_ in hostvars.values()]
    if len(set(servers)) != len(servers):
        broken.append("inventory: %d hosts share a server id" % (len(servers) - len(set(servers))))
    return broken


def run_example(emulator, ansible_env, tmp_path, drawn, readers=None):
    """Every reader (or only ``readers``: names of cases, "inventory") under the drawn faults; the broken invariants."""
    kind, faults = drawn
    emulator.reset()
    names, ids, cases, reads, held = prepare(emulator)
    cases = dict((name, case) for name, case in cases.items() if readers is None or name in readers)
    held["info-exactly-one"] = [ids["c"]]
    held["info-every-cluster"] = sorted(ids.values())
    before_b = set(host["id"] for host in emulator.hosts(ids["b"]))
    emulator.clear_requests()
    with Gateway(emulator.url) as gateway:
        for fault in faults:
            install(gateway, kind, fault)
        env = emulator_env(ansible_env, emulator, HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url)
        run, outcomes = run_cases(env, tmp_path, cases, "-vvvv", connection=CONNECTION, playbook="adversarial_reads") if cases else (None, {})
        gateway.wait_idle()
        wait_idle(emulator, list(ids.values()), timeout=30)
        log = vendor_log(emulator)
        broken = ["%s: the playbook saved no result (rc %d)" % (name, run.rc) for name in cases if name not in outcomes]
        for name, outcome in sorted(outcomes.items()):
            if name.startswith("info-"):
                broken += check_info(name, outcome, kind, reads[name], held)
                limit = READ_DEADLINE
            elif name == "nodes-server-ids":
                broken += check_server_ids(outcome, kind, emulator, log, ids["b"], before_b, cases[name])
                limit = WAIT_TIMEOUT + READ_TIMEOUT + MARGIN + READ_DEADLINE
            else:
                broken += check_by_name(outcome, kind, emulator, log, ids["c"])
                limit = WAIT_TIMEOUT + READ_TIMEOUT + MARGIN + READ_DEADLINE
            broken += ["%s: %s" % (name, problem) for problem in hygiene(emulator, gateway, run, outcome.result, outcome.duration, limit)]
        if readers is None or "inventory" in readers:
            completed, duration = run_inventory(ansible_env, tmp_path, gateway)
            broken += check_inventory(completed, kind, emulator, names, ids)
            inventory_run = type("InventoryRun", (), {"output": completed.stdout + completed.stderr})()
            broken += ["inventory: %s" % problem for problem in hygiene(emulator, gateway, inventory_run, {}, duration, READ_DEADLINE)]
        if broken:
            hits = set((entry["path"].rsplit("/", 1)[-1], entry["query"], entry["rule"]) for entry in gateway.entries() if entry["rule"])
            broken.append("the gateway's rules hit: %s" % sorted(hits))
    return broken


def test_every_paged_read_is_complete_or_fails_naming_the_list(emulator, ansible_env, tmp_path):
    """Drawn inside the test, so that a failure prints the drawn sequence and not the fixtures."""
    check_drawn(sequences(), lambda drawn: run_example(emulator, ansible_env, tmp_path, drawn), describe, EXAMPLES)


# ----------------------------------------------------------------------------------------------- the classes found

# One fixed, minimal example per failure class the generated examples found on the code of their time (the test ids
# name them): the exact faults, and the readers that broke (None: every reader).
EVERY_PAGE = None
FOUND = [
    # issue #20, class 3: a host list whose page 2 repeats page 1 (include_hosts: 200 hosts of 155, 100 of them
    # distinct; server_ids: a node on page 2 "already gone" while it runs; the inventory invents hosts)
    pytest.param(("hosts", [dict(action="repeat", times=EVERY_PAGE)]), None, id="host-list-page-2-repeats-page-1"),
    # a cluster list that promises one more cluster, and whose page 2 repeats page 1: every cluster listed twice
    # (exactly_one: "more than one cluster (idA, idA)"; the inventory doubles its hosts)
    pytest.param(("clusters", [dict(action="total", delta=1, times=EVERY_PAGE), dict(action="repeat", times=EVERY_PAGE)]), None,
                 id="cluster-list-page-2-repeats-page-1"),
    # a node_total smaller than the nodes: include_nodes cut at 100 of 155, although the cluster answer says 155
    pytest.param(("nodes", [dict(action="total", delta=-55, times=EVERY_PAGE)]), ["info-nodes", "inventory"],
                 id="node-total-smaller-than-the-nodes"),
    # a host list that lost one item across the page boundary, its total agreeing: one host silently left out, although
    # the cluster answer says how many hosts there are
    pytest.param(("hosts", [dict(action="shift", by=-1, times=EVERY_PAGE), dict(action="total", delta=-1, times=EVERY_PAGE)]),
                 ["info-hosts"], id="host-list-one-short-with-an-agreeing-total"),
    # a cluster list entry without its clusterId: the inventory silently drops that cluster; the modules fail without
    # naming the list
    pytest.param(("clusters", [dict(action="trim", fields=["clusters.0.clusterId"], times=EVERY_PAGE)]), None,
                 id="cluster-list-entry-without-its-id"),
]


@pytest.mark.parametrize("drawn, readers", FOUND)
def test_a_paged_read_class_found_stays_fixed(emulator, ansible_env, tmp_path, drawn, readers):
    broken = run_example(emulator, ansible_env, tmp_path, drawn, readers=readers)
    assert not broken, "%s:\n- %s" % (describe(drawn), "\n- ".join(broken))
