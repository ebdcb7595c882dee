# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read, plan, resize at most once, wait: the flow of one mrs_cluster_nodes task, over any client.

PRIVATE to the collection: no compatibility promise outside it.

Whatever goes wrong, ``NodeScaler.converge`` raises one exception type, ``ScaleFailed``, whose
``outcome`` says what was planned, whether a resize was applied (accepted by MRS, or confirmed from
the cluster after an answer was lost) and the cluster as last read. The module turns it into its
failure result in one place, so ``changed`` is true on every path after an accepted resize.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

from ansible_collections.hwcloud.mrs.plugins.module_utils._client import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, parse_cluster, parse_hosts
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, TransientError
from ansible_collections.hwcloud.mrs.plugins.module_utils._planner import (
    V2, check_policy, hosts_needed, nodes_needed, one_live_cluster, plan_resize, policy_group)
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy import list_policies
from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import (
    DONE, PENDING, WaitError, WaitTimeout, describe, idle_evaluator, resize_evaluator, seconds, wait_for)

CLUSTER_BUSY = "12000018"
# A resize refused as busy applied nothing, so it may be planned and sent again, but boundedly:
# at most BUSY_RETRIES more times, after pauses of 5, 10, 20, 40, 60 s (each between half and all of that, jittered).
BUSY_RETRIES = 5
BUSY_FIRST_PAUSE = 5.0
BUSY_MAX_PAUSE = 60.0
RESIZE_GRACE = 10.0  # seconds to watch for a resize whose answer was lost before calling its outcome unknown
# A poll that could not be used (transport trouble, an answer that is not a readable cluster) counts as pending.
UNUSABLE_POLL = (TransientError, ClusterParseError)


_UNREAD = object()


class Outcome:
    """What happened: the plan, the cluster it was made on, whether a resize was applied, and the cluster at the end.

    ``applied`` is True once MRS accepted the resize (or the cluster showed it after a lost answer);
    ``sent`` once the resize was sent at all; ``last`` is the cluster as last read, ``final`` the
    cluster at the end of a successful run. ``order_id``: the order a prepaid group's v2 expand answered
    (its nodes come once it is paid, so the task did not wait). ``order_unknown``: the answer of a v2 expand on a
    yearly/monthly cluster was lost and no scale showed after it, so an order may wait to be paid (its id unknown).
    """

    def __init__(self, plan=None, planned_on=None, final=None, applied=False, polls=0, cluster_id=None):
        self.plan = plan
        self.planned_on = planned_on
        self.final = final
        self.applied = applied
        self.sent = False
        self.polls = polls
        self.cluster_id = cluster_id
        self.last = planned_on
        self.order_id = None
        self.order_unknown = False


class ScaleFailed(MrsError):
    """The task failed. ``cause`` is the error, ``outcome`` what was planned and applied before it."""

    def __init__(self, cause, outcome):
        super().__init__(str(cause))
        self.cause = cause
        self.outcome = outcome


class NodeScaler:
    """Brings one node group to the requested size; never sends a second resize for one change."""

    def __init__(self, client, wait=True, timeout=3600.0, check_mode=False, clock=time.monotonic, sleep=time.sleep, delays=None,
                 jitter=random.random):
        self.client = client
        self.wait = wait
        self.check_mode = check_mode
        self._clock = clock
        self._sleep = sleep
        self._delays = delays
        self._jitter = jitter
        self._deadline = clock() + timeout
        # The client caps its own retries and timeouts by the same deadline.
        self.client.deadline = self._deadline
        self._polls = 0
        self._outcome = Outcome()

    def find_cluster(self, cluster_name):
        """The one live cluster with exactly this name, as the cluster list shows it (the rule: ``one_live_cluster``)."""
        found = [(raw, parse_cluster(raw)) for raw in self.client.list_clusters(cluster_name=cluster_name)
                 if isinstance(raw, dict) and raw.get("clusterName") == cluster_name]
        view = one_live_cluster([view for _raw, view in found], cluster_name, self.client.project_id)
        return next(raw for raw, seen in found if seen is view)

    def read(self, cluster_id):
        view = parse_cluster(self.client.get_cluster(cluster_id))
        self._outcome.last = view
        return view

    def read_policies(self, cluster_id):
        """The cluster's auto-scaling policies (the v2 list; [] when MRS answers "policy not found").

        Any other failure stops the task before a write: proceeding without knowing the policy could start a resize the
        policy then fights.
        """
        try:
            return list_policies(self.client, cluster_id)
        except MrsError as error:
            error.args = ("reading the cluster's auto-scaling policies failed: %s. Nothing was resized: a resize of a group whose "
                          "policy is enabled is refused or undone, so the task does not go on without knowing" % (error,),)
            raise error

    def converge(self, cluster_id, request, listed=None, cluster_name=None):
        """Bring the group to the request; return an ``Outcome`` or raise ``ScaleFailed`` (never anything else of ours).

        Give ``cluster_id``, or ``cluster_name`` to find it through the cluster list. ``listed``: the
        cluster as the list showed it a moment ago; it spares the first read when it has node groups.
        """
        self._outcome = outcome = Outcome(cluster_id=cluster_id)
        try:
            if cluster_id is None:
                listed = self.find_cluster(cluster_name)
                outcome.cluster_id = cluster_id = parse_cluster(listed).cluster_id
            return self._converge(cluster_id, request, listed, outcome)
        except MrsError as error:
            outcome.polls = self._polls
            raise ScaleFailed(error, outcome)

    def _first_view(self, cluster_id, listed):
        if listed and listed.get("nodeGroups"):
            try:
                view = parse_cluster(listed)
                self._outcome.last = view
                return view
            except ClusterParseError:
                pass  # the list entry cannot be trusted: the cluster's own answer decides
        return self.read(cluster_id)

    def _converge(self, cluster_id, request, listed, outcome):
        view = self._first_view(cluster_id, listed)
        busy_refusals = 0
        policies = _UNREAD
        while True:
            if view.is_scaling and self.wait:
                view = self._wait(cluster_id, idle_evaluator())
            hosts = parse_hosts(self.client.list_hosts(cluster_id)) if hosts_needed(view, request) else None
            # A custom group's kind is not in the details answer: its nodes say whether it holds HDFS data (minimum 3).
            nodes = self.client.list_nodes(cluster_id) if nodes_needed(view, request) else None
            plan = plan_resize(view, request, hosts, nodes)
            outcome.plan, outcome.planned_on = plan, view
            if plan.changed:
                # Only a change pays for the policy read (a no-op stays one request); check mode reads it too, so the
                # prediction is true. Read once per task, even when a busy refusal makes it plan again.
                if policies is _UNREAD:
                    policies = self.read_policies(cluster_id)
                check_policy(plan, policy_group(view, plan.node_group), policies)
            if not plan.changed or self.check_mode:
                outcome.final, outcome.polls = view, self._polls
                return outcome
            try:
                outcome.sent = True
                answer = self._send(cluster_id, plan)
            except MrsApiError as error:
                if error.code != CLUSTER_BUSY or not self.wait:
                    raise
                # Another operation started between our read and our write: nothing was applied. Back off, read
                # again and plan again from what it left, a bounded number of times and never past the deadline.
                busy_refusals += 1
                view = self._after_busy(cluster_id, error, busy_refusals)
                continue
            except ResizeOutcomeUnknown as error:
                answer = None
                seen = self._confirm_applied(cluster_id, plan, view, error)
                outcome.order_unknown = self._may_await_payment(cluster_id, plan, view, seen)
            outcome.applied = True
            outcome.order_id = (answer or {}).get("order_id")
            if outcome.order_id or outcome.order_unknown:
                # A yearly/monthly group: no node comes until the order is paid, so there is nothing to wait for yet.
                outcome.final, outcome.polls = view, self._polls
                return outcome
            if self.wait:
                outcome.final = self._wait(cluster_id, resize_evaluator(plan.node_group, plan.after, view))
            outcome.polls = self._polls
            return outcome

    def _send(self, cluster_id, plan):
        """The one write of a plan, through the API the planner chose: v1.1 resize, or v2 expand / shrink."""
        if plan.api == V2:
            send = self.client.expand if plan.scale_type == "scale_out" else self.client.shrink
            return send(cluster_id, plan.body)
        self.client.resize(cluster_id, plan.body)
        return None

    def _after_busy(self, cluster_id, error, refusals):
        """Sleep a jittered, growing pause after the ``refusals``-th busy answer, then read the cluster again."""
        if refusals > BUSY_RETRIES:
            error.args = ("%s. The resize was refused as busy %d times although the cluster looked idle; nothing was applied. "
                          "Check what else operates on this cluster." % (error, refusals),)
            raise error
        pause = min(BUSY_MAX_PAUSE, BUSY_FIRST_PAUSE * 2 ** (refusals - 1))
        pause = pause / 2 + self._jitter() * pause / 2
        left = self._deadline - self._clock()
        if pause >= left:
            error.args = ("%s. The resize was refused as busy; the next try would come after wait_timeout, so the task stops "
                          "here; nothing was applied." % (error,),)
            raise error
        self._sleep(pause)
        return self.read(cluster_id)

    def _may_await_payment(self, cluster_id, plan, before, seen):
        """Whether a v2 expand on a yearly/monthly cluster, whose answer (and so its order_id) was lost, may be an order
        waiting to be paid: the cluster recorded a change but no scale shows within the grace period. Waiting for nodes
        that come only after payment would only end at wait_timeout, so the task returns and says what to check.
        """
        if plan.api != V2 or plan.scale_type != "scale_out" or not before.is_prepaid:
            return False

        def scale_shows(view):
            if view.is_scaling or view.count_of(plan.node_group) == plan.after:
                return DONE, "the expand started"
            return PENDING, describe(view, plan.node_group, plan.after)

        if scale_shows(seen)[0] == DONE:
            return False
        grace = min(RESIZE_GRACE, max(0.0, self._deadline - self._clock()))
        try:
            self._wait(cluster_id, scale_shows, timeout=grace)
        except WaitTimeout:
            return True
        return False

    def _confirm_applied(self, cluster_id, plan, before, error):
        """Decide from the cluster itself whether a resize whose answer was lost took effect.

        MRS may show the scale only some time after accepting it, so the cluster is watched for a grace
        period before the module concludes anything; it never re-sends. A scale in progress, the target
        count, or an operation recorded after the plan's read (a quick failure) all say it took effect.
        """
        def shows_the_scale(view):
            if view.is_scaling or view.count_of(plan.node_group) == plan.after or view.updated_since(before):
                return DONE, "the resize took effect"
            return PENDING, describe(view, plan.node_group, plan.after)

        grace = min(RESIZE_GRACE, max(0.0, self._deadline - self._clock()))
        try:
            return self._wait(cluster_id, shows_the_scale, timeout=grace)
        except WaitTimeout as timeout:
            seen = describe(timeout.last, plan.node_group, plan.after) if timeout.last is not None else "the cluster could not be read"
            raise MrsError("%s. For %s s after it the cluster showed no sign of this resize (%s), so its outcome is unknown; "
                           "nothing was re-sent. Check the cluster before acting: running the task again plans from its "
                           "current size and waits for any scale in progress." % (error, seconds(grace), seen))
        except MrsError as read_error:
            raise MrsError("%s, and reading the cluster afterwards failed (%s). Check the cluster before running again; "
                           "nothing was re-sent." % (error, read_error))

    def _wait(self, cluster_id, evaluate, timeout=None):
        if timeout is None:
            timeout = max(0.0, self._deadline - self._clock())
        try:
            view, _elapsed, polls = wait_for(lambda: self.read(cluster_id), evaluate, timeout,
                                             delays=self._delays, clock=self._clock, sleep=self._sleep, retry_on=UNUSABLE_POLL)
        except WaitError as error:
            self._polls += error.polls
            raise
        self._polls += polls
        return view
