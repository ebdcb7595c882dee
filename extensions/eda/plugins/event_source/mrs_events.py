# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event-Driven Ansible source ``hwcloud.mrs.mrs_events``: cluster and scaling events of Huawei Cloud MRS, by polling.

The contract of ``ansible.eda``: ``async def main(queue, args)`` puts one ``{"mrs": {...}}`` per event. Each poll
reads the clusters through the collection's own client (``_client.MrsClient``, with the modules' connection options,
``HW_*`` variables, retries and back-off) in a worker thread, so the event loop never blocks; the events come from the
pure ``_mrs_events_diff``. The source only reads: it never writes to MRS.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
short_description: Cluster and scaling events of Huawei Cloud MRS clusters, by polling.
description:
  - "An ansible-rulebook event source that polls the MRS clusters of a project and puts one event
    C({\"mrs\": {...}}) on the queue for each change it sees between two polls."
  - "Events: V(cluster_created), V(cluster_deleted), V(state_changed), V(scale_started), V(scale_succeeded),
    V(scale_failed), V(node_count_changed) (per node group) and, with O(include_policies), V(policy_changed)
    (per node group and resource pool). Each carries C(event), C(cluster_id), C(cluster_name), C(at) (UTC time
    of the poll that saw it, C(2026-12-07T03:00:00Z)) and, where they apply, C(node_group), C(before), C(after)
    and C(stage) (the cluster's C(stageDesc)). See docs/events.md for every event and its fields."
  - The first poll sets the baseline and reports nothing, unless O(emit_initial) is set.
  - "Cost per poll: one C(GET /v1.1/{project_id}/cluster_infos) per 100 clusters of the project (the list answer
    carries every cluster's state, scale and node groups); one details read per cluster whose list entry lacks its
    node groups; one policy read per watched cluster with O(include_policies); one details read per watched
    cluster missing from the list, to confirm its deletion."
  - A read that MRS refuses or that cannot be read is retried with the client's back-off (O(retries)); a poll
    that still fails reports nothing and the next poll tries again. A cluster missing from a list answer is
    reported deleted only when MRS confirms it (the details read answers C(12000003), or shows it C(terminated)).
  - The cluster list is read as the modules read it, each cluster once (a page a gateway repeats counts once). A
    list that holds fewer or more clusters than its total says is read once more from page 1, and a page with an
    entry without its C(clusterId) is retried like any answer that cannot be read; then the poll fails and reports
    nothing.
  - The source never writes to MRS and never puts a secret in an event or a log line.
  - Every argument is checked when the source starts; a bad one stops it with a message that names it.
options:
  clusters:
    description:
      - The clusters to watch, each by id or by exact name. Every cluster of the project when not given.
      - A named cluster that does not exist yet is reported with V(cluster_created) when it appears.
    type: list
    elements: str
  interval:
    description:
      - Seconds between the start of two polls. Greater than 0.
    type: float
    default: 30
  include_policies:
    description:
      - Also read each watched cluster's auto-scaling policies (one more request per cluster and poll) and report
        V(policy_changed) when one is created, deleted, enabled, disabled or its bounds change.
    type: bool
    default: false
  emit_initial:
    description:
      - Report the first poll too, each cluster as V(cluster_created) with C(initial=true) (and V(scale_started) or
        V(scale_failed), also C(initial=true), for a scale it shows running or failed). Without it the first poll
        only sets the baseline.
    type: bool
    default: false
  region:
    description:
      - Huawei Cloud region, for example V(cn-north-4); required unless O(endpoint) is given.
      - If not set, the value of the E(HW_REGION_NAME) environment variable is used.
    type: str
  project_id:
    description:
      - ID of the project; looked up in IAM from O(region) when not given.
      - If not set, the value of the E(HW_PROJECT_ID) environment variable is used.
    type: str
  access_key:
    description:
      - Access key ID (AK) for AK/SK request signing.
      - If not set, the value of the E(HW_ACCESS_KEY) environment variable is used.
    type: str
    aliases: [ak]
  secret_key:
    description:
      - Secret access key (SK) that signs every request.
      - If not set, the value of the E(HW_SECRET_KEY) environment variable is used.
    type: str
    aliases: [sk]
  security_token:
    description:
      - Security token of temporary AK/SK credentials.
      - If not set, the value of the E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  auth_token:
    description:
      - A pre-issued project-scoped IAM token. It cannot be renewed, so prefer AK/SK for a long-running source.
      - If not set, the value of the E(HW_AUTH_TOKEN) environment variable is used.
    type: str
  user_name:
    description:
      - IAM user name for password authentication (needs O(password) and O(domain_name)); the token is renewed once
        when it expires.
      - If not set, the value of the E(HW_USER_NAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(user_name).
      - If not set, the value of the E(HW_PASSWORD) environment variable is used.
    type: str
  domain_name:
    description:
      - Account (domain) name that O(user_name) belongs to.
      - If not set, the value of the E(HW_DOMAIN_NAME) environment variable is used.
    type: str
  endpoint:
    description:
      - MRS endpoint URL, overriding the one derived from O(region) (for a private endpoint or the MRS emulator).
      - If not set, the value of the E(HW_MRS_ENDPOINT) environment variable is used.
    type: str
  iam_endpoint:
    description:
      - IAM endpoint URL, overriding the one derived from O(region).
      - If not set, the value of the E(HW_AUTH_URL) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify TLS certificates. V(false) only for test endpoints.
    type: bool
    default: true
  ca_bundle:
    description:
      - CA bundle (PEM file) or CA directory to verify the endpoints' certificates with.
      - If not set, the value of the E(HW_CACERT_FILE) environment variable is used.
    type: path
  connect_timeout:
    description:
      - Seconds to wait for a connection to an endpoint. Greater than 0.
    type: float
    default: 10
  read_timeout:
    description:
      - Seconds to wait for a whole answer once connected. Greater than 0.
    type: float
    default: 60
  retries:
    description:
      - How many times one read is retried (HTTP 429 honouring C(Retry-After), 5xx, an answer that cannot be read,
        connection errors), with jittered exponential back-off, before the poll gives up until the next one.
      - If not set, the value of the E(HW_MAX_RETRIES) environment variable is used.
    type: int
    default: 4
notes:
  - The options and E(HW_*) variables are those of the collection's modules (see their documentation and
    docs/authentication.md); secrets are stripped of surrounding whitespace, as there.
  - Needs the Python library requests where ansible-rulebook runs (the decision environment).
"""

EXAMPLES = r"""
- name: React to MRS scaling events
  hosts: localhost
  sources:
    - name: Watch two clusters every minute
      hwcloud.mrs.mrs_events:
        clusters:
          - analytics
          - 3f1c2e5a-6b7d-4c8e-9f0a-1b2c3d4e5f60
        interval: 60
  rules:
    - name: A scale failed
      condition: event.mrs.event == "scale_failed"
      action:
        run_playbook:
          name: hwcloud.mrs.report_failed_scale
"""

import os  # noqa: E402  pylint: disable=wrong-import-position
import sys  # noqa: E402  pylint: disable=wrong-import-position


def _collections_root(path):
    """The folder holding ``ansible_collections/`` when this file lies in ``ansible_collections/NS/NAME/extensions/...``.

    ansible-rulebook runs a source with ``runpy.run_path``: the collection's own ``module_utils`` import only once the
    folder above ``ansible_collections`` is on ``sys.path``.
    """
    parts = os.path.dirname(os.path.abspath(path)).split(os.sep)
    if len(parts) > 7 and parts[-7] == "ansible_collections":
        return os.sep.join(parts[:-7]) or os.sep
    return None


_ROOT = _collections_root(__file__)
if _ROOT is not None and _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

# pylint: disable=wrong-import-position
import asyncio  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from typing import Any  # noqa: E402

from ansible.module_utils.parsing.convert_bool import boolean  # noqa: E402

from ansible_collections.hwcloud.mrs.extensions.eda.plugins.event_source._mrs_events_diff import (  # noqa: E402
    diff, initial_events, policy_rows, snapshot_of, watched)
from ansible_collections.hwcloud.mrs.plugins.module_utils import _client  # noqa: E402
from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster  # noqa: E402
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError  # noqa: E402
from ansible_collections.hwcloud.mrs.plugins.module_utils._module import CONNECTION_ARGUMENT_SPEC  # noqa: E402
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_api import group_policies, list_policies  # noqa: E402
# pylint: enable=wrong-import-position

LOG = logging.getLogger("hwcloud.mrs.mrs_events")
CLUSTER_GONE = "12000003"  # MRS: "the cluster does not exist" (an unknown cluster answers HTTP 400 with it)
CREDENTIALS_REFUSED = (401, 403)
SOURCE_DEFAULTS = {"clusters": [], "interval": 30.0, "include_policies": False, "emit_initial": False}


class ArgumentError(MrsError, ValueError):
    """A bad argument of the source: the message names it; the source stops before any request."""

    def __init__(self, parameter, rule):
        super(ArgumentError, self).__init__("hwcloud.mrs.mrs_events: %s: %s" % (parameter, rule), parameter=parameter)


class SourceStopped(Exception):
    """Raised in the worker thread from the client's back-off pause once the source is told to stop."""


# ================================================================================= arguments


def _as_bool(name, value):
    try:
        return boolean(value, strict=True)
    except TypeError:
        raise ArgumentError(name, "must be true or false, got %r" % (value,))


def _as_number(name, value, kind):
    if isinstance(value, bool):
        raise ArgumentError(name, "must be a number, got %r" % (value,))
    try:
        number = kind(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise ArgumentError(name, "must be %s, got %r" % ("an integer" if kind is int else "a number", value))
    return number


def _as_text(name, value, secret):
    if not isinstance(value, str):
        shown = "" if secret else ", got %r" % (value,)
        raise ArgumentError(name, "must be a string%s" % shown)
    return value


def _convert(name, spec, value, secret):
    """A connection option's value in its documented type (str, bool, path, float, int); Settings checks its rules."""
    kind = spec["type"]
    if kind == "bool":
        return _as_bool(name, value)
    if kind in ("float", "int"):
        return _as_number(name, value, float if kind == "float" else int)
    text = _as_text(name, value, secret)
    return os.path.expanduser(os.path.expandvars(text)) if kind == "path" else text


def _given(args, name, spec):
    """The value given under the option's name or an alias (both at once is an error), else None."""
    names = [name] + list(spec.get("aliases", ()))
    given = [key for key in names if args.get(key) is not None]
    if len(given) > 1:
        raise ArgumentError(name, "given twice, as %s" % " and ".join(given))
    return args[given[0]] if given else None


def connection_settings(args, environ):
    """``_client.Settings`` from the arguments, the ``HW_*`` variables and the modules' defaults (CONNECTION_ARGUMENT_SPEC)."""
    values = {}
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        value = _given(args, name, spec)
        if value is None and "fallback" in spec:
            value = next((environ[variable] for variable in spec["fallback"][1] if environ.get(variable) not in (None, "")), None)
        if value is None:
            value = spec.get("default")
        if value is not None:
            values[name] = _convert(name, spec, value, spec.get("no_log", False))
    return _client.Settings(**values)


def _known_arguments():
    names = set(SOURCE_DEFAULTS)
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        names.add(name)
        names.update(spec.get("aliases", ()))
    return names


def source_options(args):
    """clusters, interval, include_policies, emit_initial: checked, with their defaults."""
    unknown = sorted(key for key in args if key not in _known_arguments() and not str(key).startswith("eda_"))
    if unknown:
        raise ArgumentError(unknown[0], "unknown argument (the arguments are %s)" % ", ".join(sorted(_known_arguments())))
    options = dict(SOURCE_DEFAULTS)
    options.update((key, args[key]) for key in SOURCE_DEFAULTS if args.get(key) is not None)
    clusters = options["clusters"]
    if not isinstance(clusters, list) or not all(isinstance(item, str) and item.strip() for item in clusters):
        raise ArgumentError("clusters", "must be a list of cluster ids or names (non-empty strings), got %r" % (clusters,))
    options["clusters"] = frozenset(item.strip() for item in clusters)
    interval = _as_number("interval", options["interval"], float)
    if not math.isfinite(interval) or interval <= 0:
        raise ArgumentError("interval", "must be a number of seconds greater than 0, got %r" % (options["interval"],))
    options["interval"] = interval
    for name in ("include_policies", "emit_initial"):
        options[name] = _as_bool(name, options[name])
    return options


def build_client(args, environ, sleep):
    """The collection's client for the arguments, or an ArgumentError naming the option the client refused."""
    try:
        settings = connection_settings(args, environ)
        client = _client.MrsClient(settings, sleep=sleep)
    except ArgumentError:
        raise
    except MrsError as error:  # Settings.validate and MrsClient name the option; they never echo a secret
        raise ArgumentError(error.parameter or "connection", str(error))
    return client


# ================================================================================= reading MRS (in the worker thread)


class Reader:
    """One poll's reads, blocking: the cluster list (paged, de-duplicated by id, its total cross-checked), and what a
    list entry does not carry. Never writes. Returns the new snapshot; raises MrsError when the list cannot be read."""

    def __init__(self, client, wanted=frozenset(), include_policies=False, log=LOG):
        self.client = client
        self.wanted = wanted
        self.include_policies = include_policies
        self.log = log

    def read(self, previous):
        """The snapshot of every watched cluster. The list is the client's own paged read (``MrsClient.list_clusters``,
        ``_paging.read_all``): each cluster once, its count checked against the list's total, read once more when they
        disagree, then an error (the poll reports nothing). A cluster missing from a list that holds together is kept
        until MRS confirms it is gone (``_confirm``)."""
        current = {}
        for entry in self.client.list_clusters():
            snap = self._entry(entry, previous)
            if snap is not None:
                current[snap.cluster_id] = snap
        for cluster_id, snap in previous.items():
            if cluster_id not in current and not snap.deleted:
                found = self._confirm(snap)
                if found is not None:
                    current[cluster_id] = found
        return current

    def _entry(self, entry, previous):
        """The snapshot of one list entry, the cluster's last one when the entry cannot be read, or None (not watched)."""
        key = entry.get("clusterId") if isinstance(entry, dict) else None
        known = previous.get(key) if isinstance(key, str) else None
        try:
            view = parse_cluster(entry)
            if not watched(view, self.wanted):
                return None
            if not view.node_groups:  # the list answer should carry nodeGroups; without them, one details read
                view = parse_cluster(self.client.get_cluster(view.cluster_id))
        except MrsError as error:
            if known is not None:
                self.log.warning("cluster %s: its answer cannot be used (%s); its last reading is kept", key, error)
            return known
        return snapshot_of(view, self._policies(view.cluster_id, known))

    def _policies(self, cluster_id, known):
        if not self.include_policies:
            return None
        try:
            return policy_rows(group_policies(list_policies(self.client, cluster_id), []))
        except MrsError as error:
            self.log.warning("cluster %s: its auto-scaling policies cannot be read (%s); no policy event this poll",
                             cluster_id, error)
            return known.policies if known is not None else None

    def _confirm(self, snap):
        """A watched cluster missing from the list: None when MRS confirms it is gone (12000003), else its snapshot
        (read again, or the last one when MRS does not say)."""
        try:
            view = parse_cluster(self.client.get_cluster(snap.cluster_id))
        except MrsApiError as error:
            if error.code == CLUSTER_GONE:
                return None
            self.log.warning("cluster %s is missing from the list and its details read failed (%s); kept as last seen",
                             snap.cluster_id, error)
            return snap
        except MrsError as error:
            self.log.warning("cluster %s is missing from the list and its details cannot be read (%s); kept as last seen",
                             snap.cluster_id, error)
            return snap
        return snapshot_of(view, snap.policies)


# ================================================================================= the source


def utc_now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class MrsEvents:
    """The polling loop: a read per poll in a worker thread, the events of its snapshot against the last one."""

    def __init__(self, reader, interval, emit_initial, stop, clock=time.monotonic, now=utc_now, log=LOG):
        self.reader = reader
        self.interval = interval
        self.emit_initial = emit_initial
        self.stop = stop
        self.clock = clock
        self.now = now
        self.log = log
        self.previous = None

    async def poll(self, loop, executor):
        """One poll: the events it found, in order (nothing when the read failed)."""
        at = self.now()
        try:
            current = await loop.run_in_executor(executor, self.reader.read, self.previous or {})
        except MrsApiError as error:
            if self.previous is None and error.status in CREDENTIALS_REFUSED:
                raise ArgumentError("credentials", "MRS refused them at the first poll: %s" % error)
            self.log.warning("poll failed, no event from it: %s", error)
            return []
        except MrsError as error:
            self.log.warning("poll failed, no event from it: %s", error)
            return []
        if self.previous is None:
            self.log.info("baseline: %d cluster(s) watched", sum(1 for snap in current.values() if not snap.deleted))
            events = initial_events(current, at) if self.emit_initial else []
        else:
            events = diff(self.previous, current, at)
        self.previous = current
        return events

    async def run(self, queue):
        loop = asyncio.get_running_loop()
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hwcloud.mrs.mrs_events")
        try:
            while True:
                started = self.clock()
                for item in await self.poll(loop, executor):
                    await queue.put(item)
                await asyncio.sleep(max(0.0, started + self.interval - self.clock()))
        except asyncio.CancelledError:
            self.log.info("stopping: cancelled")
            raise
        finally:
            self.stop.set()  # a read still running gives up at its next back-off pause
            executor.shutdown(wait=False, cancel_futures=True)


def stoppable_sleep(stop):
    """The client's back-off sleep: wakes up and gives up (SourceStopped) as soon as the source stops."""
    def sleep(seconds):
        if stop.wait(seconds):
            raise SourceStopped("the source is stopping")
    return sleep


def make_source(args, environ=None):
    """The source for ``args``, every argument checked before any request (ArgumentError names the bad one)."""
    args = dict(args or {})
    options = source_options(args)
    stop = threading.Event()
    client = build_client(dict((key, value) for key, value in args.items() if key not in SOURCE_DEFAULTS),
                          os.environ if environ is None else environ, stoppable_sleep(stop))
    reader = Reader(client, options["clusters"], options["include_policies"])
    LOG.info("watching %s every %g s at %s (policies %s)", ", ".join(sorted(options["clusters"])) or "every cluster",
             options["interval"], client.endpoint, "included" if options["include_policies"] else "not read")
    return MrsEvents(reader, options["interval"], options["emit_initial"], stop)


async def main(queue: asyncio.Queue[Any], args: dict[str, Any]) -> None:
    """Poll MRS and put an event on ``queue`` for every change: see DOCUMENTATION."""
    await make_source(args).run(queue)


if __name__ == "__main__":
    # A quick look without ansible-rulebook: the HW_* variables, every cluster, events printed as they come.

    class MockQueue(asyncio.Queue):
        """A queue that prints what the source puts on it."""

        async def put(self, item):
            print(item)  # noqa: T201

    logging.basicConfig(level=logging.INFO)
    asyncio.run(main(MockQueue(), {"interval": float(os.environ.get("MRS_EVENTS_INTERVAL", "10")), "emit_initial": True}))
