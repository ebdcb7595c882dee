# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read, plan, resize at most once, wait: the flow of one mrs_cluster_nodes task, over any client.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.hwcloud.mrs.plugins.module_utils._client import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster, parse_hosts
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, TransientError
from ansible_collections.hwcloud.mrs.plugins.module_utils._planner import plan_resize
from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import (
    DONE, PENDING, WaitTimeout, describe, idle_evaluator, resize_evaluator, wait_for)

CLUSTER_BUSY = "12000018"
BUSY_PAUSE = 1.0
RESIZE_GRACE = 10.0  # seconds to watch for a resize whose answer was lost before calling its outcome unknown
GONE_STATES = ("terminated", "terminating")


class Outcome:
    """What happened: the plan, the cluster it was made on, and the cluster at the end."""

    def __init__(self, plan, planned_on, final=None, applied=False, polls=0):
        self.plan = plan
        self.planned_on = planned_on
        self.final = final
        self.applied = applied
        self.polls = polls


class NodeScaler:
    """Brings one node group to the requested size; never sends a second resize for one change."""

    def __init__(self, client, wait=True, timeout=3600.0, check_mode=False, clock=time.monotonic, sleep=time.sleep, delays=None):
        self.client = client
        self.wait = wait
        self.check_mode = check_mode
        self._clock = clock
        self._sleep = sleep
        self._delays = delays
        self._deadline = clock() + timeout
        self._polls = 0

    def find_cluster(self, cluster_name):
        """The one live cluster with exactly this name, as the cluster list shows it."""
        found = [cluster for cluster in self.client.list_clusters(cluster_name=cluster_name)
                 if cluster.get("clusterName") == cluster_name and cluster.get("clusterState") not in GONE_STATES]
        if len(found) != 1:
            ids = ", ".join(cluster.get("clusterId", "?") for cluster in found)
            raise MrsError("cluster_name: %s cluster named %r in project %s%s; give cluster_id instead"
                           % ("no" if not found else "more than one", cluster_name, self.client.project_id,
                              " (%s)" % ids if ids else ""))
        return found[0]

    def read(self, cluster_id):
        return parse_cluster(self.client.get_cluster(cluster_id))

    def converge(self, cluster_id, request, listed=None):
        """``listed``: the cluster as the list showed it a moment ago; it spares the first read when it has node groups."""
        view = parse_cluster(listed) if listed and listed.get("nodeGroups") else self.read(cluster_id)
        while True:
            if view.is_scaling and self.wait:
                view = self._wait(cluster_id, idle_evaluator())
            hosts = parse_hosts(self.client.list_hosts(cluster_id)) if request.server_ids else None
            plan = plan_resize(view, request, hosts)
            if not plan.changed or self.check_mode:
                return Outcome(plan, view, final=view, polls=self._polls)
            try:
                self.client.resize(cluster_id, plan.body)
            except MrsApiError as error:
                if error.code != CLUSTER_BUSY or not self.wait or self._clock() >= self._deadline:
                    raise
                # Another operation started between our read and our write: nothing was applied.
                # Wait for it, then plan again from what it left.
                self._sleep(BUSY_PAUSE)
                view = self.read(cluster_id)
                continue
            except ResizeOutcomeUnknown as error:
                self._confirm_applied(cluster_id, plan, error)
            if not self.wait:
                return Outcome(plan, view, applied=True, polls=self._polls)
            final = self._wait(cluster_id, resize_evaluator(plan.node_group, plan.after, view))
            return Outcome(plan, view, final=final, applied=True, polls=self._polls)

    def _confirm_applied(self, cluster_id, plan, error):
        """Decide from the cluster itself whether a resize whose answer was lost took effect.

        MRS may show the scale only some time after accepting it, so the cluster is watched for a grace
        period before the module concludes anything; it never re-sends.
        """
        def shows_the_scale(view):
            if view.is_scaling or view.count(plan.node_group) == plan.after:
                return DONE, "the resize took effect"
            return PENDING, describe(view, plan.node_group, plan.after)

        grace = min(RESIZE_GRACE, max(0.0, self._deadline - self._clock()))
        try:
            self._wait(cluster_id, shows_the_scale, timeout=grace)
        except MrsError as read_error:
            raise MrsError("%s, and reading the cluster afterwards failed (%s). Check the cluster before running again; "
                           "nothing was re-sent." % (error, read_error))
        except WaitTimeout as timeout:
            seen = describe(timeout.last, plan.node_group, plan.after) if timeout.last is not None else "the cluster could not be read"
            raise MrsError("%s. For %.0f s after it the cluster showed no sign of this resize (%s), so its outcome is unknown; "
                           "nothing was re-sent. Check the cluster before acting: running the task again plans from its "
                           "current size and waits for any scale in progress." % (error, grace, seen))

    def _wait(self, cluster_id, evaluate, timeout=None):
        if timeout is None:
            timeout = max(0.0, self._deadline - self._clock())
        view, _elapsed, polls = wait_for(lambda: self.read(cluster_id), evaluate, timeout,
                                         delays=self._delays, clock=self._clock, sleep=self._sleep, retry_on=(TransientError,))
        self._polls += polls
        return view
