# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hwcloud.mrs.mrs_events source over a scripted MRS (the collection's real client, a fake transport) and a fake
queue: the baseline, every read path, trimmed / repeated / garbled answers, the back-off, secrets, bad arguments,
cancellation, and the event loop staying free while a read blocks. No server, no Java."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import asyncio
import json
import logging
import threading
import time

import pytest

from ansible_collections.hwcloud.mrs.extensions.eda.plugins.event_source import mrs_events
from ansible_collections.hwcloud.mrs.plugins.module_utils import _client
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import Response
from ansible_collections.hwcloud.mrs.tests.unit.doubles import details

PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
SECRET = "SK-the-very-secret-value"
ARGS = {"endpoint": "http://127.0.0.1:9", "iam_endpoint": "http://127.0.0.1:9", "project_id": PROJECT, "access_key": "AKEXAMPLE",
        "secret_key": SECRET + "\n", "region": "cn-north-4", "retries": 2}


def cluster(cid, name=None, task=2, **fields):
    return details(cluster_id=cid, name=name or cid, task=task, **fields)


def answer(status=200, body=None, headers=None, raw=None):
    content = raw if raw is not None else json.dumps(body if body is not None else {}).encode("utf-8")
    return Response(status, dict(headers or {}), content, "http://127.0.0.1:9")


class FakeMrs:
    """The MRS routes the source reads, over the clusters it holds; ``faults`` answer first, one per request."""

    def __init__(self, *clusters):
        self.clusters = list(clusters)
        self.policies = {}
        self.faults = []
        self.calls = []
        self.page_override = None  # (page) -> list, a gateway that repeats or trims pages
        self.total_override = None

    def __call__(self, method, url, body=None, headers=None, timeout=None, verify=None):
        path, _sep, query = url.partition("?")
        path = path.split("127.0.0.1:9", 1)[1]
        self.calls.append((method, path, query, headers))
        assert method == "GET", "the source never writes"
        if self.faults:
            fault = self.faults.pop(0)
            if isinstance(fault, Exception):
                raise fault
            return fault
        if path == "/v1.1/%s/cluster_infos" % PROJECT:
            return self._list(dict(item.split("=") for item in query.split("&")))
        if path.startswith("/v1.1/%s/cluster_infos/" % PROJECT):
            found = [item for item in self.clusters if item["clusterId"] == path.rsplit("/", 1)[1]]
            if not found:
                return answer(400, {"error_code": "12000003", "error_msg": "The cluster does not exist."})
            return answer(body={"cluster": found[0]})
        if path.startswith("/v2/%s/autoscaling-policy/" % PROJECT):
            return answer(body=self.policies.get(path.rsplit("/", 1)[1], []))
        raise AssertionError("unexpected route %s" % path)

    def _list(self, query):
        page, size = int(query["currentPage"]), int(query["pageSize"])
        items = self.page_override(page) if self.page_override else self.clusters[(page - 1) * size:page * size]
        total = self.total_override if self.total_override is not None else len(self.clusters)
        return answer(body={"clusterTotal": str(total), "clusters": items})

    def routes(self):
        return [path for _method, path, _query, _headers in self.calls]


def make_reader(fake, wanted=(), include_policies=False, sleeps=None, **settings):
    values = dict(ARGS, **settings)
    sleeps = [] if sleeps is None else sleeps
    client = _client.MrsClient(_client.Settings(**values), send=fake, sleep=sleeps.append, jitter=lambda: 0.5)
    return mrs_events.Reader(client, frozenset(wanted), include_policies)


class Queue:
    """The fake queue: what the source puts."""

    def __init__(self):
        self.items = []

    async def put(self, item):
        self.items.append(item)


def polls(source, count):
    """Run ``count`` polls of an MrsEvents (as its loop does) and return the events of each."""
    async def run():
        loop = asyncio.get_running_loop()
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(max_workers=1) as executor:
            return [await source.poll(loop, executor) for _index in range(count)]
    return asyncio.run(run())


def source_over(fake, emit_initial=False, **reader_options):
    reader = make_reader(fake, **reader_options)
    return mrs_events.MrsEvents(reader, 0.01, emit_initial, threading.Event(), now=lambda: "2026-12-07T03:00:00Z")


def kinds(events):
    return [(item["mrs"]["cluster_id"], item["mrs"]["event"]) for item in events]


# ----------------------------------------------------------------------------- the baseline and the cost


def test_the_first_poll_is_the_baseline_and_each_poll_costs_one_list_request():
    fake = FakeMrs(cluster("c1"), cluster("c2"))
    source = source_over(fake)
    first, second = polls(source, 2)
    assert first == [] and second == []
    assert fake.routes() == ["/v1.1/%s/cluster_infos" % PROJECT] * 2


def test_emit_initial_reports_the_first_poll():
    fake = FakeMrs(cluster("c1", state="scaling-out", scale="scaling-out"))
    [first] = polls(source_over(fake, emit_initial=True), 1)
    assert kinds(first) == [("c1", "cluster_created"), ("c1", "scale_started")]


def test_include_policies_costs_one_policy_read_per_watched_cluster():
    fake = FakeMrs(cluster("c1"), cluster("c2"), cluster("c3", name="etl"))
    source = source_over(fake, wanted={"c1", "etl"}, include_policies=True)
    polls(source, 1)
    assert sorted(fake.routes()) == sorted(["/v1.1/%s/cluster_infos" % PROJECT, "/v2/%s/autoscaling-policy/c1" % PROJECT,
                                            "/v2/%s/autoscaling-policy/c3" % PROJECT])
    fake.policies["c1"] = [{"node_group_name": "task_node_analysis_group", "resource_pool_name": "default",
                            "auto_scaling_policy": {"auto_scaling_enable": True, "min_capacity": 1, "max_capacity": 4,
                                                    "rules": [{"name": "grow", "adjustment_type": "scale_out", "cool_down_minutes": 5,
                                                               "scaling_adjustment": 1,
                                                               "trigger": {"metric_name": "YARNAppRunning", "metric_value": "10",
                                                                           "comparison_operator": "GT", "evaluation_periods": 1}}]}}]
    [events] = polls(source, 1)
    assert kinds(events) == [("c1", "policy_changed")]
    assert events[0]["mrs"]["after"] == {"resource_pool": "default", "enabled": True, "min_capacity": 1, "max_capacity": 4}


def test_a_list_entry_without_node_groups_costs_one_details_read():
    bare = {"clusterId": "c1", "clusterName": "c1", "clusterState": "running", "coreNodeNum": "3"}
    fake = FakeMrs(cluster("c1"))
    fake.page_override = lambda page: [bare] if page == 1 else []
    polls(source_over(fake), 1)
    assert fake.routes() == ["/v1.1/%s/cluster_infos" % PROJECT, "/v1.1/%s/cluster_infos/c1" % PROJECT]


# ----------------------------------------------------------------------------- events from sequences of answers


def test_a_scale_is_seen_started_succeeded_and_counted():
    fake = FakeMrs(cluster("c1"))
    source = source_over(fake)
    polls(source, 1)
    fake.clusters[0] = cluster("c1", state="scaling-out", scale="scaling-out", stage="Creating VM")
    [started] = polls(source, 1)
    fake.clusters[0] = cluster("c1", task=4)
    [ended] = polls(source, 1)
    assert kinds(started + ended) == [("c1", "state_changed"), ("c1", "scale_started"), ("c1", "state_changed"),
                                      ("c1", "scale_succeeded"), ("c1", "node_count_changed")]


def test_paged_list_is_read_across_pages_and_de_duplicated():
    many = [cluster("c%03d" % index) for index in range(150)]
    fake = FakeMrs(*many)
    source = source_over(fake)
    polls(source, 1)
    assert fake.routes() == ["/v1.1/%s/cluster_infos" % PROJECT] * 2
    # a gateway that answers page 1 twice: no duplicate, and no deletion of the 50 clusters page 2 lost. The list holds
    # 100 distinct clusters of 150: the one paged reader (the modules') reads it once more from page 1, then the poll
    # fails and reports nothing; nothing is decided from it, not even a details read
    fake.calls = []
    fake.page_override = lambda page: many[:100]
    [events] = polls(source, 1)
    assert events == []
    assert fake.routes() == ["/v1.1/%s/cluster_infos" % PROJECT] * 4
    # the list whole again: the next poll sees every cluster as before, nothing happened to them
    fake.page_override = None
    assert polls(source, 1) == [[]]


def test_the_cluster_list_is_the_clients_own_paged_read():
    """One paged reader for the collection: the source reads the list through MrsClient.list_clusters (_paging.read_all)."""
    fake = FakeMrs(cluster("c1"))
    reader = make_reader(fake)
    seen = []
    original = reader.client.list_clusters
    reader.client.list_clusters = lambda *args, **kwargs: seen.append((args, kwargs)) or original(*args, **kwargs)
    assert list(reader.read({})) == ["c1"] and seen == [((), {})]


def test_a_list_entry_without_its_id_fails_the_poll_and_drops_no_cluster(caplog):
    fake = FakeMrs(cluster("c1"), cluster("c2"))
    source = source_over(fake, sleeps=[])
    polls(source, 1)
    fake.page_override = lambda page: [fake.clusters[0], dict(fake.clusters[1], clusterId="")] if page == 1 else []
    with caplog.at_level("WARNING"):
        assert polls(source, 1) == [[]]
    assert "poll failed" in caplog.text and "clusterId" in caplog.text
    assert sorted(source.previous) == ["c1", "c2"]


def test_a_cluster_missing_from_a_trimmed_answer_is_not_deleted():
    fake = FakeMrs(cluster("c1"), cluster("c2"))
    source = source_over(fake)
    polls(source, 1)
    fake.page_override = lambda page: [fake.clusters[0]] if page == 1 else []
    fake.total_override = 1  # the gateway trimmed the total too: the list looks complete
    [events] = polls(source, 1)
    assert events == []
    assert fake.routes()[-1] == "/v1.1/%s/cluster_infos/c2" % PROJECT


def test_a_deletion_is_reported_once_mrs_confirms_it():
    fake = FakeMrs(cluster("c1"), cluster("c2"))
    source = source_over(fake)
    polls(source, 1)
    fake.clusters.pop()
    [events] = polls(source, 1)
    assert kinds(events) == [("c2", "cluster_deleted")]
    assert polls(source, 1) == [[]]


def test_an_unconfirmed_absence_keeps_the_cluster():
    fake = FakeMrs(cluster("c1"), cluster("c2"))
    source = source_over(fake, sleeps=[])
    polls(source, 1)
    fake.page_override = lambda page: [fake.clusters[0]] if page == 1 else []
    fake.total_override = 1
    fake.faults = [answer(body={"clusterTotal": "1", "clusters": [fake.clusters[0]]})] + [answer(503, {"error_code": "APIGW.0101"})] * 3
    assert polls(source, 1) == [[]]
    fake.page_override, fake.total_override = None, None
    assert polls(source, 1) == [[]]  # back in the list: nothing happened to it


def test_a_garbled_entry_keeps_the_last_reading_and_invents_nothing():
    fake = FakeMrs(cluster("c1"))
    source = source_over(fake)
    polls(source, 1)
    fake.clusters[0] = dict(cluster("c1"), nodeGroups=[{"GroupName": "core_node_analysis_group", "NodeNum": "three"}])
    assert polls(source, 1) == [[]]
    fake.clusters[0] = cluster("c1", core=4)
    [events] = polls(source, 1)
    assert [(item["mrs"]["before"], item["mrs"]["after"]) for item in events] == [(3, 4)]


def test_a_garbled_or_refused_list_is_retried_with_the_clients_back_off_then_the_poll_reports_nothing():
    fake = FakeMrs(cluster("c1"))
    sleeps = []
    source = source_over(fake, sleeps=sleeps)
    polls(source, 1)
    fake.clusters[0] = cluster("c1", core=4)
    fake.faults = [answer(raw=b"<html>gateway</html>"), answer(503, {"error_code": "APIGW.0101"}),
                   answer(200, {"clusters": "trimmed"})]
    assert polls(source, 1) == [[]]
    assert sleeps == [0.75, 1.5]  # the client's jittered exponential back-off, retries=2
    [events] = polls(source, 1)
    assert kinds(events) == [("c1", "node_count_changed")]


def test_throttling_honours_retry_after_and_the_poll_succeeds():
    fake = FakeMrs(cluster("c1"))
    sleeps = []
    source = source_over(fake, sleeps=sleeps)
    fake.faults = [answer(429, {"error_code": "APIGW.0308"}, {"Retry-After": "3"})]
    polls(source, 1)
    assert sleeps == [3.0]
    assert source.previous is not None


def test_refused_credentials_at_the_first_poll_stop_the_source_naming_them():
    fake = FakeMrs(cluster("c1"))
    fake.faults = [answer(401, {"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"})]
    with pytest.raises(mrs_events.ArgumentError, match="credentials"):
        polls(source_over(fake), 1)


def test_a_refusal_after_the_baseline_is_logged_and_polling_goes_on(caplog):
    fake = FakeMrs(cluster("c1"))
    source = source_over(fake)
    polls(source, 1)
    fake.faults = [answer(403, {"error_code": "APIGW.0302", "error_msg": "forbidden"})]
    with caplog.at_level(logging.WARNING, logger="hwcloud.mrs.mrs_events"):
        assert polls(source, 2) == [[], []]
    assert "APIGW.0302" in caplog.text


def test_no_secret_in_any_event_or_log_line(caplog):
    fake = FakeMrs(cluster("c1"))
    source = source_over(fake, include_policies=True)
    with caplog.at_level(logging.DEBUG):
        polls(source, 1)
        fake.faults = [answer(500, {"error_code": "X", "error_msg": "echo %s" % SECRET})] * 3
        fake.clusters.append(cluster("c2"))
        events = polls(source, 3)
    assert SECRET not in caplog.text and SECRET not in json.dumps(events)
    assert "********" in caplog.text  # the client masked the echoed secret
    assert all("Authorization" in headers for _m, _p, _q, headers in fake.calls)  # signed with the stripped secret


# ----------------------------------------------------------------------------- arguments


@pytest.mark.parametrize("args, named", [
    ({"interval": "soon"}, "interval"),
    ({"interval": 0}, "interval"),
    ({"interval": float("nan")}, "interval"),
    ({"clusters": "analytics"}, "clusters"),
    ({"clusters": ["analytics", ""]}, "clusters"),
    ({"include_policies": "maybe"}, "include_policies"),
    ({"emit_initial": 2}, "emit_initial"),
    ({"intervall": 30}, "intervall"),
    ({"validate_certs": "perhaps"}, "validate_certs"),
    ({"retries": -1}, "retries"),
    ({"read_timeout": "slow"}, "read_timeout"),
    ({"endpoint": "ftp://mrs"}, "endpoint"),
    ({"project_id": "a b"}, "project_id"),
    ({"sk": "x", "secret_key": "y"}, "secret_key"),
    ({"secret_key": 12345}, "secret_key"),
    ({"access_key": None, "secret_key": None}, "connection"),
])
def test_a_bad_argument_stops_the_source_at_start_naming_it(args, named):
    given = dict(ARGS, **args)
    with pytest.raises(mrs_events.ArgumentError) as raised:
        mrs_events.make_source(dict((key, value) for key, value in given.items() if value is not None), environ={})
    message = str(raised.value)
    assert message.startswith("hwcloud.mrs.mrs_events: ") and named in message.split(":")[1] + message
    assert SECRET not in message and "12345" not in message


def test_the_hw_variables_and_defaults_apply_as_for_the_modules():
    environ = {"HW_MRS_ENDPOINT": "http://127.0.0.1:9", "HW_AUTH_URL": "http://127.0.0.1:9", "HW_PROJECT_ID": PROJECT,
               "HW_ACCESS_KEY": "AKEXAMPLE", "HW_SECRET_KEY": SECRET + "\n", "HW_MAX_RETRIES": "7", "HW_REGION_NAME": "cn-north-4"}
    source = mrs_events.make_source({"clusters": ["analytics"], "interval": "5", "include_policies": "yes"}, environ=environ)
    client = source.reader.client
    assert (client.endpoint, client.settings.retries, client.settings.secret_key, client.settings.read_timeout) == (
        "http://127.0.0.1:9", 7, SECRET, 60)
    assert (source.interval, source.emit_initial, source.reader.include_policies, source.reader.wanted) == (
        5.0, False, True, frozenset({"analytics"}))
    assert mrs_events.make_source({"eda_feedback_queue": object()}, environ=environ).interval == 30.0


def test_the_documented_options_are_the_accepted_arguments():
    import yaml
    documented = yaml.safe_load(mrs_events.DOCUMENTATION)["options"]
    accepted = set(mrs_events.SOURCE_DEFAULTS) | set(mrs_events.CONNECTION_ARGUMENT_SPEC)
    assert set(documented) == accepted
    for name, spec in mrs_events.CONNECTION_ARGUMENT_SPEC.items():
        assert documented[name]["type"] == spec["type"], name
        assert documented[name].get("aliases", []) == spec.get("aliases", []), name
        assert documented[name].get("default") == spec.get("default"), name
        for variable in spec.get("fallback", (None, []))[1]:
            assert "E(%s)" % variable in " ".join(documented[name]["description"]), name
    for name, default in mrs_events.SOURCE_DEFAULTS.items():
        assert documented[name].get("default", []) == default, name


def test_the_sidecar_documentation_is_the_sources():
    import os
    import yaml
    sidecar = os.path.join(os.path.dirname(mrs_events.__file__), "mrs_events.yaml")
    with open(sidecar, encoding="utf-8") as handle:
        docs = yaml.safe_load(handle)
    assert docs["DOCUMENTATION"] == dict(yaml.safe_load(mrs_events.DOCUMENTATION), version_added=docs["DOCUMENTATION"]["version_added"])
    assert docs["EXAMPLES"] == yaml.safe_load(mrs_events.EXAMPLES)


# ----------------------------------------------------------------------------- the loop: never blocked, stops cleanly


class SlowMrs(FakeMrs):
    """Every request takes ``delay`` seconds of blocking I/O."""

    def __init__(self, delay, *clusters):
        super(SlowMrs, self).__init__(*clusters)
        self.delay = delay

    def __call__(self, *args, **kwargs):
        time.sleep(self.delay)
        return super(SlowMrs, self).__call__(*args, **kwargs)


def test_a_blocking_read_never_blocks_the_event_loop_and_cancelling_stops_the_source():
    fake = SlowMrs(0.5, cluster("c1"))
    source = source_over(fake)
    ticks = []

    async def run():
        queue = Queue()
        task = asyncio.ensure_future(source.run(queue))
        started = time.monotonic()
        while time.monotonic() - started < 0.8:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - started

    elapsed = asyncio.run(run())
    assert len(ticks) > 15  # the loop kept ticking while the reads blocked in the worker thread
    assert elapsed < 2.0 and source.stop.is_set()


def test_a_stopping_source_gives_up_its_back_off_at_once():
    stop = threading.Event()
    sleep = mrs_events.stoppable_sleep(stop)
    started = time.monotonic()
    threading.Timer(0.1, stop.set).start()
    with pytest.raises(mrs_events.SourceStopped):
        sleep(30)
    assert time.monotonic() - started < 5


def test_main_runs_the_source_on_the_queue_until_cancelled(monkeypatch):
    fake = FakeMrs(cluster("c1"))
    monkeypatch.setattr(_client, "Transport", lambda *args, **kwargs: fake)

    async def run():
        queue = Queue()
        task = asyncio.ensure_future(mrs_events.main(queue, dict(ARGS, interval=0.05, emit_initial=True)))
        for _index in range(100):
            await asyncio.sleep(0.02)
            if len(fake.calls) >= 3:
                break
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return queue.items

    items = asyncio.run(run())
    assert kinds(items) == [("c1", "cluster_created")]
    assert len(fake.calls) >= 3
