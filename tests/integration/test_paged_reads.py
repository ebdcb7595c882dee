"""Paged reads you can trust (issue #20 class 3, #21 N6), through real ansible-playbook and ansible-inventory runs.

Each example of the issue is a test: a gateway (tests/integration/gateway.py, its ``set`` action) answers a page again,
lies about a total or drops an id, and the collection must return every entry once or fail naming the list, never
silently leave an entry out or show one twice:

- a host list whose page 2 repeated page 1: ``include_hosts`` returned 200 hosts of 155 (100 distinct), ``server_ids``
  naming a node on page 2 was reported ``already_gone`` while the node still ran, the inventory invented 255 hosts;
- a cluster listed twice made ``exactly_one`` fail with "more than one cluster (idA, idA)" and doubled its inventory hosts;
- a stale ``node_total`` cut ``include_nodes`` at 100 of 155 although the cluster answer of the same run said 155;
- a list entry without ``clusterId`` silently dropped a cluster from the inventory.

A page that comes back wrong once is read again from page 1 and the run succeeds with the whole list; a page that stays
wrong fails the run, naming the list.
"""

import json
import re
from urllib.parse import parse_qs

from gateway import Gateway
from test_inventory import listed, members, run_inventory
from test_mrs_cluster_info import info_calls


def via(gateway, **extra):
    return dict(HW_MRS_ENDPOINT=gateway.url, HW_AUTH_URL=gateway.url, **extra)


def first_page(mrs, cluster_id):
    """Page 1 of the cluster's host list as MRS answers it (what a gateway that repeats a page answers for page 2)."""
    answer = mrs.token_session().get(mrs.hosts_url(cluster_id), params={"pageSize": 100, "currentPage": 1}, timeout=10)
    answer.raise_for_status()
    return answer.json()["hosts"]


def repeat_page_1(gateway, mrs, cluster_id, always):
    """Page 2 of the host list answers page 1 again: once (the first read only), or always."""
    path = re.escape("/clusters/%s/hosts" % cluster_id) + "$"
    if always:
        return gateway.add("GET", path, "set", values={"hosts": first_page(mrs, cluster_id)}, times=None)
    return gateway.add("GET", path, "set", values={"hosts": first_page(mrs, cluster_id)}, skip=1, times=1)


def big_cluster(mrs, name):
    """155 hosts, two pages: 2 Master and 98 Core on page 1; 52 Core and 3 Task on page 2."""
    return mrs.create_cluster(name=name, core=150, task=3, task_node_size="c6.2xlarge.4.linux.bigdata")["clusterId"]


def node_queries(mrs, cluster_id):
    return [parse_qs(entry["query"] or "") for entry in mrs.requests_log() if entry["path"].endswith("/clusters/%s/nodes" % cluster_id)]


def test_mrs_cluster_info_lists_every_host_node_and_cluster_once_or_fails_naming_the_list(mrs, playbook, tmp_path):
    once, always, stale = big_cluster(mrs, "once"), big_cluster(mrs, "always"), big_cluster(mrs, "stale")
    twice = mrs.create_cluster(name="twice", core=3)
    mrs.clear_requests()
    with Gateway(mrs.url) as gateway:
        repeat_page_1(gateway, mrs, once, always=False)
        repeat_page_1(gateway, mrs, always, always=True)
        gateway.add("GET", re.escape("/clusters/%s/nodes" % stale) + "$", "set", values={"node_total": 100}, times=None)
        gateway.add("GET", r"/cluster_infos$", "set", values={"clusters": [twice, twice]}, times=None)
        results = info_calls(playbook, tmp_path, [
            dict(cluster_id=once, include_hosts=True), dict(cluster_id=always, include_hosts=True),
            dict(cluster_id=stale, include_nodes=True), dict(cluster_name="twice", exactly_one=True)], env=via(gateway))
    repeated_once, repeated_always, stale_total, listed_twice = results

    # page 2 repeated once: read again from page 1, every host once (it returned 200 hosts, 100 distinct)
    assert not repeated_once.get("failed"), repeated_once
    hosts = repeated_once["clusters"][0]["hosts"]
    assert len(hosts) == 155 and sorted(host["id"] for host in hosts) == sorted(host["id"] for host in mrs.hosts(once))
    # page 2 always repeated: the task fails naming the list (it returned 200 hosts)
    assert repeated_always["failed"] is True and "clusters" not in repeated_always
    assert ("cluster %s: reading its hosts (include_hosts) failed: the host list of cluster %s (GET /v1.1/%s/clusters/%s/hosts) "
            "cannot be trusted: 100 distinct hosts were read in 2 pages, but its total says 155; 100 entries repeated"
            % (always, always, mrs.project_id, always)) in repeated_always["msg"], repeated_always["msg"]
    # a stale node_total of 100: 100 of 155 nodes were shown; the cluster answer of the same run says 155
    assert stale_total["failed"] is True and "clusters" not in stale_total
    assert ("the v2 node list of cluster %s (GET /v2/%s/clusters/%s/nodes) cannot be trusted: its 100 nodes disagree with the "
            "cluster answer's node count, which says 155" % (stale, mrs.project_id, stale)) in stale_total["msg"], stale_total["msg"]
    # a cluster listed twice is one cluster ("more than one cluster (idA, idA)")
    assert not listed_twice.get("failed"), listed_twice
    assert [cluster["id"] for cluster in listed_twice["clusters"]] == [twice["clusterId"]]

    # #21 N6: the node list asks for the components (MRS leaves component_infos out otherwise), not for cpu/mem (not shown)
    queries = node_queries(mrs, stale)
    assert len(queries) == 2 and all(query.get("query_node_detail") == ["true"] and "query_ecs_detail" not in query
                                     for query in queries), queries


def test_a_task_node_on_a_repeated_page_is_removed_never_reported_already_gone(mrs, playbook, tmp_path):
    """server_ids naming a node on page 2 was reported already_gone while the node still ran: 3 Task nodes on each page,
    so page 1 read twice shows as many Task entries (6) as the Task group has nodes."""
    cluster_id = mrs.create_cluster(name="drain-page-2", core=95, task=6, task_node_size="c6.2xlarge.4.linux.bigdata")["clusterId"]
    target = [host for host in mrs.hosts(cluster_id) if host["type"] == "Task"][4]
    assert target["id"] not in [host["id"] for host in first_page(mrs, cluster_id)]
    options = dict(cluster_id=cluster_id, node_group="task", server_ids=[target["id"]], wait_timeout=60)

    result_file = tmp_path / "always.json"
    with Gateway(mrs.url) as gateway:
        repeat_page_1(gateway, mrs, cluster_id, always=True)
        run = playbook("nodes", env=via(gateway), result_file=str(result_file), **options)
    assert run.rc != 0 and "the host list of cluster %s" % cluster_id in run.output and "cannot be trusted" in run.output, run
    assert target["id"] in [host["id"] for host in mrs.hosts(cluster_id)]
    assert not [entry for entry in mrs.requests_log() if entry["method"] in ("PUT", "POST") and entry["status"] == 200]

    result_file = tmp_path / "once.json"
    with Gateway(mrs.url) as gateway:
        repeat_page_1(gateway, mrs, cluster_id, always=False)
        run = playbook("nodes", env=via(gateway), result_file=str(result_file), **options)
    assert run.rc == 0, run
    result = json.loads(result_file.read_text())
    assert result["changed"] is True and result.get("already_gone") in (None, []), result
    remaining = [host["id"] for host in mrs.hosts(cluster_id)]
    assert target["id"] not in remaining and len(remaining) == 102
    writes = [entry for entry in mrs.requests_log() if entry["method"] in ("PUT", "POST") and entry["status"] == 200]
    assert len(writes) == 1, writes


def test_the_inventory_never_invents_nor_drops_a_host(mrs, ansible_env, tmp_path):
    """The inventory invented 255 hosts from a repeated page, doubled a cluster listed twice, dropped an entry without id."""
    cluster_id = big_cluster(mrs, "paged")
    small = mrs.create_cluster(name="small", core=3)
    expected = sorted(host["name"] for host in mrs.hosts(cluster_id)) + sorted(host["name"] for host in mrs.hosts(small["clusterId"]))
    with Gateway(mrs.url) as gateway:
        repeat_page_1(gateway, mrs, cluster_id, always=True)
        failed = run_inventory(ansible_env, tmp_path, {}, env=via(gateway))
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0, output
    assert "cluster paged (%s)" % cluster_id in output and "cannot read its hosts: the host list of cluster" in output, output
    assert "100 distinct hosts were read in 2 pages, but its total says 155" in output, output

    mrs.clear_requests()
    with Gateway(mrs.url) as gateway:
        repeat_page_1(gateway, mrs, cluster_id, always=False)
        gateway.add("GET", r"/cluster_infos$", "set", values={"clusters": [small, mrs.cluster(cluster_id), small]}, times=None)
        inventory = listed(run_inventory(ansible_env, tmp_path, {}, env=via(gateway)))
    assert sorted(inventory["_meta"]["hostvars"]) == sorted(expected) and len(expected) == 160
    assert members(inventory, "mrs_small") == sorted(host["name"] for host in mrs.hosts(small["clusterId"]))
    # #21 N6: the inventory shows components, CPU and memory, so it asks for both details
    queries = node_queries(mrs, cluster_id)
    assert queries and all(query.get("query_node_detail") == ["true"] and query.get("query_ecs_detail") == ["true"] for query in queries)
    assert all(vars_["mrs_cpu"] and vars_["mrs_components"] for vars_ in inventory["_meta"]["hostvars"].values())

    without_id = dict(small)
    del without_id["clusterId"]
    with Gateway(mrs.url) as gateway:
        gateway.add("GET", r"/cluster_infos$", "set", values={"clusters": [mrs.cluster(cluster_id), without_id]}, times=None)
        dropped = run_inventory(ansible_env, tmp_path, {}, env=via(gateway, HW_MAX_RETRIES="0"))
    output = dropped.stdout + dropped.stderr
    assert dropped.returncode != 0 and "cannot list the clusters" in output and "clusters[1].clusterId: missing or empty" in output, output
