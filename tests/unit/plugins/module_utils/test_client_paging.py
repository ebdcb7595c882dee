# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Paged reads (issue #20 class 3): the one paged reader, table-driven over pages that repeat, shift, shrink, lie about
their totals or carry entries that cannot be read; then every list of the client through it, over a scripted transport."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils import _paging
from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import TransientError
from ansible_collections.hwcloud.mrs.plugins.module_utils._paging import Expected, ListEntryError, ListMismatch, read_all

from ansible_collections.hwcloud.mrs.tests.unit.plugins.module_utils.test_client import PROJECT, make_client, response

SIZE = 100


def ids(first, last):
    return [{"id": "h%03d" % number} for number in range(first, last + 1)]


def clean(count):
    """The pages of a list of ``count`` entries, 100 a page: {page: (entries, total)}."""
    entries = ids(1, count)
    pages = dict((page, (entries[(page - 1) * SIZE:page * SIZE], count)) for page in range(1, count // SIZE + 2))
    return pages


class Pages:
    """A fetch that answers from one page table per pass (a pass restarts at page 1); the last table answers every later
    pass. ``requests`` lists the pages asked."""

    def __init__(self, *passes):
        self.passes = list(passes)
        self.requests = []
        self.current = -1

    def __call__(self, page):
        if page == 1:
            self.current = min(self.current + 1, len(self.passes) - 1)
        self.requests.append(page)
        return self.passes[self.current].get(page, ([], self.passes[self.current][1][1]))


def identify(entry):
    return entry.get("id") if isinstance(entry, dict) else None


def with_pages(base, **changes):
    table = dict(base)
    for name, value in changes.items():
        table[int(name[1:])] = value
    return table


REPEATED = with_pages(clean(155), p2=(ids(1, 100), 155))  # page 2 answers page 1 again
DELETED_ON_PAGE_1 = {1: (ids(1, 100), 155), 2: (ids(102, 155), 154)}  # h050 went between the requests: h101 moved to page 1
INSERTED = {1: (ids(1, 100), 155), 2: (ids(100, 156), 156)}  # a new first entry: h100 moved to page 2
SHRUNK = {1: (ids(1, 100), 155), 2: (ids(101, 120), 120)}
STALE_TOTAL = {1: (ids(1, 100), 100), 2: (ids(101, 155), 100)}
TOTAL_TOO_HIGH = {1: (ids(1, 100), 200), 2: (ids(101, 155), 200)}
TOTAL_TOO_LOW = {1: (ids(1, 100), 50)}
TWICE_ON_A_PAGE = {1: ([{"id": "a"}, {"id": "a"}, {"id": "b"}], 2)}
TWICE_COUNTED = {1: ([{"id": "a"}, {"id": "a"}, {"id": "b"}], 3)}
SHORT_PAGES = dict((page, (ids(page * 40 - 39, min(page * 40, 155)), 155)) for page in range(1, 5))  # the server pages by 40


@pytest.mark.parametrize("passes, expected, count, requests", [
    ((clean(250),), None, 250, [1, 2, 3]),
    ((clean(0),), None, 0, [1]),
    ((clean(100),), None, 100, [1]),  # a full page that reaches the total ends the read: no empty page asked
    ((SHORT_PAGES,), None, 155, [1, 2, 3, 4]),  # a server that pages by fewer than asked is read to the total
    ((TWICE_ON_A_PAGE,), None, 2, [1]),  # an entry twice on a page counts once; the total counts it once too
    ((REPEATED, clean(155)), None, 155, [1, 2, 1, 2]),  # a repeated page is read again from page 1, once
    ((DELETED_ON_PAGE_1, clean(154)), None, 154, [1, 2, 1, 2]),  # a page that shifted: the total changed, so it is read again
    ((INSERTED, clean(156)), None, 156, [1, 2, 1, 2]),
    ((SHRUNK, clean(120)), None, 120, [1, 2, 1, 2]),
    ((STALE_TOTAL, clean(155)), Expected(155, "the cluster answer"), 155, [1, 1, 2]),
    ((clean(155),), Expected(None, "a cluster answer without counts"), 155, [1, 2]),
])
def test_a_list_is_read_whole_each_entry_once(passes, expected, count, requests):
    fetch = Pages(*passes)
    entries = read_all(fetch, identify, "the host list", "host", expected=expected)
    assert len(entries) == count == len(set(entry["id"] for entry in entries))
    assert fetch.requests == requests


@pytest.mark.parametrize("table, expected, message", [
    (REPEATED, None, "100 distinct hosts were read in 2 pages, but its total says 155; 100 entries repeated one already read"),
    (DELETED_ON_PAGE_1, None, "its total changed from 155 to 154 between page 1 and page 2"),
    (STALE_TOTAL, Expected(155, "the cluster answer's node count"),
     "its 100 hosts disagree with the cluster answer's node count, which says 155"),
    (TOTAL_TOO_HIGH, None, "155 distinct hosts were read in 3 pages, but its total says 200"),
    (TOTAL_TOO_LOW, None, "100 distinct hosts were read in 1 page, but its total says 50"),
    (TWICE_COUNTED, None, "2 distinct hosts were read in 2 pages, but its total says 3; 1 entry repeated"),
    (clean(155), Expected(154, "the cluster answer's node count"), "its 155 hosts disagree with the cluster answer's node count"),
])
def test_a_list_that_disagrees_with_a_total_twice_fails_naming_the_list(table, expected, message):
    fetch = Pages(table)
    with pytest.raises(ListMismatch) as caught:
        read_all(fetch, identify, "the host list of cluster c1 (GET /v1.1/p/clusters/c1/hosts)", "host", expected=expected)
    text = str(caught.value)
    assert text.startswith("the host list of cluster c1 (GET /v1.1/p/clusters/c1/hosts) cannot be trusted: ")
    assert message in text and "(read 2 times from page 1)" in text and "Nothing is decided or shown from it" in text
    assert isinstance(caught.value, TransientError)
    assert fetch.requests.count(1) == 2  # one re-read, never more


@pytest.mark.parametrize("entry, shape", [
    ({"name": "no id"}, "an object without its id"), ({"id": ""}, "an object without its id"), ("h1", "a str, not an object"),
    (None, "a NoneType, not an object"), (["h1"], "a list, not an object"),
])
def test_an_entry_that_cannot_be_read_fails_the_read_naming_it(entry, shape):
    fetch = Pages({1: (ids(1, 100), 102), 2: ([{"id": "h101"}, entry], 102)})
    with pytest.raises(ListEntryError) as caught:
        read_all(fetch, lambda item: (item.get("id") or None) if isinstance(item, dict) else None, "the host list", "host")
    assert "the host list: page 2, entry 1 is not a readable host (%s)" % shape in str(caught.value)
    assert fetch.requests == [1, 2]


def test_keep_filters_before_the_expected_count_is_checked():
    entries = [{"id": "n%d" % number, "group": "core" if number % 2 else "task"} for number in range(1, 8)]
    fetch = Pages({1: (entries, 7)})
    kept = read_all(fetch, identify, "the node list", "node", expected=Expected(4, "group core's node count"),
                    keep=lambda entry: entry["group"] == "core")
    assert [entry["id"] for entry in kept] == ["n1", "n3", "n5", "n7"]
    with pytest.raises(ListMismatch, match=r"its 4 nodes \(of 7 listed\) disagree with group core's node count, which says 3"):
        read_all(Pages({1: (entries, 7)}), identify, "the node list", "node", expected=Expected(3, "group core's node count"),
                 keep=lambda entry: entry["group"] == "core")


def test_a_list_whose_every_page_brings_something_new_still_ends():
    calls = []

    def endless(page):
        calls.append(page)
        return [{"id": "e%d" % page}], 10 ** 9

    with pytest.raises(ListMismatch, match="stopped after 1000 pages"):
        read_all(endless, identify, "the cluster list", "cluster", rereads=0)
    assert len(calls) == _paging.MAX_PAGES == 1000


# ------------------------------------------------------------------------------------ the totals of a cluster answer

def cluster(state="running", scale="", groups=None, **counts):
    raw = {"clusterId": "c1", "clusterName": "c", "clusterState": state, "scale": scale}
    raw.update(("%sNodeNum" % key, str(value)) for key, value in counts.items())
    if groups is not None:
        raw["nodeGroups"] = [{"GroupName": name, "NodeNum": count} for name, count in groups]
    return parse_cluster(raw)


@pytest.mark.parametrize("view, total", [
    (cluster(groups=[("master_node_default_group", 2), ("core_node_analysis_group", 3), ("task_node_analysis_group", 4)]), 9),
    (cluster(master=2, core=3, groups=[("master_node_default_group", 2), ("core_node_analysis_group", 3)]), 5),
    (cluster(groups=[("master_node_default_group", 3), ("node_group_1", 150), ("hdfs", 2)]), 155),  # custom groups: every group
    (cluster(master=2, core=3), None),  # no groups: the Task count is unknown
    (cluster(state="scaling-out", groups=[("master_node_default_group", 2), ("core_node_analysis_group", 3)]), None),
    (cluster(scale="scaling-error", groups=[("master_node_default_group", 2), ("core_node_analysis_group", 3)]), None),
    (cluster(state="abnormal", groups=[("master_node_default_group", 2), ("core_node_analysis_group", 3)]), None),
])
def test_the_node_total_of_a_cluster_answer_only_when_it_is_idle_and_complete(view, total):
    assert _paging.cluster_node_total(view) == total


CUSTOM_GROUPS = [("master_node_default_group", 3), ("node_group_1", 150), ("hdfs", 2)]


@pytest.mark.parametrize("view, group, total", [
    (cluster(groups=CUSTOM_GROUPS), "hdfs", 2),
    (cluster(groups=CUSTOM_GROUPS), "node_group_1", 150),
    (cluster(groups=CUSTOM_GROUPS), "not_listed", None),  # a group the answer lacks has no count, never 0
    (cluster(state="scaling-in", groups=CUSTOM_GROUPS), "hdfs", None),
    (cluster(scale="scaling-error", groups=CUSTOM_GROUPS), "hdfs", None),
])
def test_the_node_total_of_one_group_only_when_the_cluster_is_idle_and_lists_it(view, group, total):
    assert _paging.group_node_total(view, group) == total


# ------------------------------------------------------------------------------------ every list of the client

def query(call):
    return dict(parse_qsl(urlsplit(call["url"]).query))


def hosts_page(first, last, total):
    return response(body={"total": total, "hosts": ids(first, last)})


def test_a_host_list_whose_page_2_repeated_page_1_is_read_again_and_whole():
    """#20: page 2 repeated page 1: include_hosts showed 200 hosts of 155 (100 distinct) and server_ids named on page 2 were
    reported already gone. Read again from page 1, it is whole."""
    client, transport, _sleeps = make_client(hosts_page(1, 100, 155), hosts_page(1, 100, 155), hosts_page(1, 100, 155),
                                             hosts_page(101, 155, 155))
    hosts = client.list_hosts("c1", expected=155)
    assert [host["id"] for host in hosts] == ["h%03d" % number for number in range(1, 156)]
    assert [query(call)["currentPage"] for call in transport.calls] == ["1", "2", "1", "2"]


def test_a_host_list_that_keeps_repeating_fails_naming_it():
    client, transport, _sleeps = make_client(*[hosts_page(1, 100, 155)] * 4)
    with pytest.raises(ListMismatch) as caught:
        client.list_hosts("c1")
    assert ("the host list of cluster c1 (GET /v1.1/%s/clusters/c1/hosts) cannot be trusted: 100 distinct hosts were read in 2 "
            "pages, but its total says 155" % PROJECT) in str(caught.value)
    assert len(transport.calls) == 4


def test_a_host_list_whose_page_comes_back_empty_before_the_total_fails():
    page1 = response(body={"total": 3, "hosts": [{"id": "h1"}, {"id": "h2"}]})
    empty = response(body={"total": 3, "hosts": []})
    client, _transport, _sleeps = make_client(page1, empty, page1, empty)
    with pytest.raises(TransientError, match="2 distinct hosts were read in 2 pages, but its total says 3"):
        client.list_hosts("c1")


def test_a_host_list_shorter_than_the_cluster_answer_fails_naming_both():
    client, _transport, _sleeps = make_client(hosts_page(1, 5, 5), hosts_page(1, 5, 5))
    with pytest.raises(ListMismatch, match="its 5 hosts disagree with the cluster answer's node count, which says 6"):
        client.list_hosts("c1", expected=6)


def cluster_entry(cluster_id, **extra):
    return dict({"clusterId": cluster_id, "clusterName": "prod", "clusterState": "running"}, **extra)


def test_a_cluster_listed_twice_is_one_cluster():
    """#20: a cluster listed twice doubled its inventory hosts and made exactly_one fail with 'more than one cluster (idA, idA)'."""
    twice = response(body={"clusterTotal": 2, "clusters": [cluster_entry("idA"), cluster_entry("idA"), cluster_entry("idB")]})
    client, _transport, _sleeps = make_client(twice)
    assert [entry["clusterId"] for entry in client.list_clusters(cluster_name="prod")] == ["idA", "idB"]
    tagged, _transport, _sleeps = make_client(twice)
    assert [entry["clusterId"] for entry in tagged.list_tagged_clusters({"env": "prod"})] == ["idA", "idB"]


@pytest.mark.parametrize("garbled, problem", [
    (cluster_entry(""), "clusters[1].clusterId: missing or empty"),
    ({"clusterName": "no id", "clusterState": "running"}, "clusters[1].clusterId: missing or empty"),
    ("idB", "clusters[1]: expected a JSON object, got str"),
    (None, "clusters[1]: expected a JSON object, got NoneType"),
])
def test_a_cluster_entry_without_its_id_is_an_unreadable_answer_never_a_cluster_left_out(garbled, problem):
    """#20: a list entry without clusterId silently dropped a cluster from the inventory."""
    page = response(body={"clusterTotal": 2, "clusters": [cluster_entry("idA"), garbled]})
    client, transport, _sleeps = make_client(page, page, page, retries=2)
    with pytest.raises(TransientError) as caught:
        client.list_clusters()
    assert "GET /v1.1/%s/cluster_infos" % PROJECT in str(caught.value) and problem in str(caught.value)
    assert len(transport.calls) == 3  # retried like any unreadable answer, then failed


@pytest.mark.parametrize("total", ["x", -1, True, 1.5, None, [2]])
def test_a_total_that_is_not_a_count_is_an_unreadable_answer(total):
    page = response(body={"total": total, "hosts": ids(1, 2)})
    client, _transport, _sleeps = make_client(page, page, retries=1)
    with pytest.raises(TransientError, match="'total' is .*, not a count|no 'total'"):
        client.list_hosts("c1")


@pytest.mark.parametrize("total", ["2", 2.0, " 2 "])
def test_a_total_spelt_as_text_or_a_whole_float_is_a_count(total):
    client, _transport, _sleeps = make_client(response(body={"total": total, "hosts": ids(1, 2)}))
    assert len(client.list_hosts("c1")) == 2


def nodes_page(names, total, group="core_node_analysis_group"):
    return response(body={"node_total": total, "nodes": [{"node_name": name, "node_group_name": group} for name in names]})


def test_the_node_list_asks_for_the_components_always_and_for_cpu_and_memory_only_when_shown():
    """#21 N6: MRS lists component_infos only with query_node_detail=true, cpu/mem only with query_ecs_detail=true."""
    client, transport, _sleeps = make_client(nodes_page(["n1"], 1), nodes_page(["n1"], 1))
    client.list_nodes("c1")
    client.list_nodes("c1", ecs_detail=True)
    first, second = (query(call) for call in transport.calls)
    assert first == {"limit": "100", "offset": "1", "query_node_detail": "true"}
    assert second == {"limit": "100", "offset": "1", "query_node_detail": "true", "query_ecs_detail": "true"}
    assert urlsplit(transport.calls[0]["url"]).path == "/v2/%s/clusters/c1/nodes" % PROJECT


@pytest.mark.parametrize("group, sent", [("node_group_1", True), ("abc", True), ("ab", False), ("a" * 14, True), ("a" * 15, False),
                                         ("task_node_analysis_group", False)])
def test_a_node_group_is_filtered_by_mrs_only_where_it_takes_the_name_and_always_here(group, sent):
    """HWDOC ListNodes: node_group takes 3 to 14 characters; a custom group's name may have 64."""
    listed = [{"node_name": "n1", "node_group_name": group}, {"node_name": "n2", "node_group_name": "other"},
              {"node_name": "n3", "node_group_name": group}]
    mixed = response(body={"node_total": 3, "nodes": listed})
    client, transport, _sleeps = make_client(mixed)
    nodes = client.list_nodes("c1", node_group=group, expected=2)
    assert [node["node_name"] for node in nodes] == ["n1", "n3"]
    assert (query(transport.calls[0]).get("node_group") == group) is sent
    assert sent or "node_group" not in query(transport.calls[0])


def test_a_stale_node_total_never_cuts_the_list_silently():
    """#20: a stale node_total (100) cut include_nodes at 100 of 155 although the cluster answer of the same run said 155."""
    names = ["n%03d" % number for number in range(1, 156)]
    stale = nodes_page(names[:100], 100)
    client, transport, _sleeps = make_client(stale, stale)
    with pytest.raises(ListMismatch) as caught:
        client.list_nodes("c1", expected=155)
    assert re.search(r"the v2 node list of cluster c1 \(GET /v2/\w+/clusters/c1/nodes\) cannot be trusted: its 100 nodes "
                     r"disagree with the cluster answer's node count, which says 155", str(caught.value))
    assert len(transport.calls) == 2
    fixed, _transport, _sleeps = make_client(stale, nodes_page(names[:100], 155), nodes_page(names[100:], 155))
    assert len(fixed.list_nodes("c1", expected=155)) == 155


@pytest.mark.parametrize("body, problem", [
    ({"node_total": 1, "nodes": [{"resource_id": "r1"}]}, "nodes[0].node_name: missing or empty"),
    ({"node_total": 1, "nodes": [[]]}, "nodes[0]: expected a JSON object, got list"),
    ({"node_total": 1}, "no 'nodes'"), ({"nodes": []}, "no 'node_total'"),
])
def test_a_node_page_that_cannot_be_read_is_retried_then_fails_naming_the_route(body, problem):
    client, transport, _sleeps = make_client(*[response(body=body)] * 2, retries=1)
    with pytest.raises(TransientError) as caught:
        client.list_nodes("c1")
    assert problem in str(caught.value) and "/clusters/c1/nodes" in str(caught.value)
    assert len(transport.calls) == 2


def test_a_group_short_of_its_count_is_named_with_the_group():
    listed = [{"node_name": "n1", "node_group_name": "node_group_1"}, {"node_name": "n2", "node_group_name": "other"}]
    page = response(body={"node_total": 2, "nodes": listed})
    client, _transport, _sleeps = make_client(page, page)
    with pytest.raises(ListMismatch, match=r"its 1 nodes \(of 2 listed\) disagree with the cluster answer's count of group "
                                           r"node_group_1, which says 3"):
        client.list_nodes("c1", node_group="node_group_1", expected=3)
