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

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.retry import backoff
from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import PAY_PER_USE, ClusterParseError, parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import BUSY_CODES, MrsApiError, MrsError, TransientError, known_code, with_context
from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import V2
from ansible_collections.hwcloud.mrs.plugins.module_utils._hosts import parse_hosts
from ansible_collections.hwcloud.mrs.plugins.module_utils._lookup import find_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_group import hosts_needed, node_list_group, plan_resize
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_gate import check_policy, policy_group
# _waiter (the wait rules), _paging and the policy read are imported in the functions that use them: a no-op task never
# waits, and AnsiballZ compiles every line a task imports, on every task (docs/performance.md).

CLUSTER_BUSY = "12000018"
# A resize refused as busy (any of BUSY_CODES: another operation holds the cluster) applied nothing, so it may be planned
# and sent again, but boundedly: at most BUSY_RETRIES more times, after pauses of 5, 10, 20, 40, 60 s (each between half
# and all of that, jittered).
BUSY_RETRIES = 5
BUSY_FIRST_PAUSE = 5.0
BUSY_MAX_PAUSE = 60.0
# Seconds to watch the cluster after a write whose outcome is unknown (a lost answer, a refusal code this collection does
# not know, an expand answer without its order_id) before saying it was not applied as far as the cluster shows. MRS
# shows an accepted scale only after a while: Huawei's Terraform provider sleeps 20 s before its first poll after a v1.1
# resize or a v2 expand/shrink (services/mrs/common.go, Delay 20 s, then every 30 s) and takes "running" then as done.
# A user who re-runs after a shorter watch could send a second resize for one change, so the watch is that 20 s plus
# half again as margin; never beyond wait_timeout (``_grace``).
RESIZE_GRACE = 30.0
# A poll that could not be used (transport trouble, an answer that is not a readable cluster) counts as pending.
UNUSABLE_POLL = (TransientError, ClusterParseError)


_UNREAD = object()


class Outcome:
    """What happened: the plan, the cluster it was made on, whether a resize was applied, and the cluster at the end.

    ``applied`` is True once MRS accepted the resize (or the group's count showed it after a lost answer);
    ``sent`` once the resize was sent at all; ``last`` is the cluster as last read, ``final`` the
    cluster at the end of a successful run. ``order_id``: the order a prepaid group's v2 expand answered
    (its nodes come once it is paid, so the task did not wait). ``order_unknown``: a v2 expand of a group that may be
    prepaid was accepted with an answer that carries no ``order_id`` and no scale showed after it, so an order may
    wait to be paid (its id unknown). ``hosts``: the host list the plan was made with (``Host`` tuple; None when the plan
    needed none).
    """

    def __init__(self, plan=None, planned_on=None, final=None, applied=False, polls=0, cluster_id=None):
        self.plan = plan
        self.planned_on = planned_on
        self.hosts = None
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
        """Holds its settings only: the run's deadline starts with ``converge`` (``_start``), and nothing is set on the
        client before then."""
        self.client = client
        self.wait = wait
        self.check_mode = check_mode
        self._timeout = timeout
        self._clock = clock
        self._sleep = sleep
        self._delays = delays
        self._jitter = jitter
        self._deadline = None
        self._polls = 0
        self._outcome = Outcome()

    def _start(self):
        """The run's deadline, ``timeout`` seconds from now: the waits end by it, and the client caps its own retries and
        timeouts by the same deadline."""
        self._deadline = self._clock() + self._timeout
        self.client.deadline = self._deadline

    def read(self, cluster_id):
        view = parse_cluster(self.client.get_cluster(cluster_id))
        self._outcome.last = view
        return view

    def read_policies(self, cluster_id):
        """The cluster's auto-scaling policies (the v2 list; [] when MRS answers "policy not found").

        Any other failure stops the task before a write: proceeding without knowing the policy could start a resize the
        policy then fights.
        """
        # Imported here, as _paging below: a no-op task reads neither, and AnsiballZ compiles every line a task imports, on
        # every task (docs/performance.md).
        from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_api import list_policies  # pylint: disable=import-outside-toplevel
        try:
            return list_policies(self.client, cluster_id)
        except MrsError as error:
            raise with_context(error, "reading the cluster's auto-scaling policies failed: %s. Nothing was resized: a resize of a "
                               "group whose policy is enabled is refused or undone, so the task does not go on without knowing"
                               % (error,)) from error

    def converge(self, cluster_id, request, listed=None, cluster_name=None):
        """Bring the group to the request; return an ``Outcome`` or raise ``ScaleFailed`` (never anything else of ours).

        Give ``cluster_id``, or ``cluster_name`` to find it through the cluster list. ``listed``: the
        cluster as the list showed it a moment ago; it spares the first read when it has node groups.
        """
        self._start()
        self._outcome = outcome = Outcome(cluster_id=cluster_id)
        try:
            if cluster_id is None:
                listed = find_cluster(self.client, cluster_name)
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
                from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import idle_evaluator  # pylint: disable=import-outside-toplevel
                view = self._wait(cluster_id, idle_evaluator())
            hosts, nodes = self._lists(cluster_id, view, request)
            plan = plan_resize(view, request, hosts, nodes)
            outcome.plan, outcome.planned_on, outcome.hosts = plan, view, hosts
            if plan.changed:
                # Only a change pays for the policy read (a no-op stays one request); check mode reads it too, so the
                # prediction is true. Read once per task, even when a busy refusal makes it plan again.
                if policies is _UNREAD:
                    policies = self.read_policies(cluster_id)
                check_policy(plan, policy_group(view, plan.node_group), policies)
            if not plan.changed or self.check_mode:
                outcome.final, outcome.polls = view, self._polls
                return outcome
            answer, seen = self._write(cluster_id, plan, view)
            if answer is _BUSY:
                busy_refusals += 1
                view = self._after_busy(cluster_id, seen, busy_refusals)
                continue
            outcome.applied = True
            outcome.order_id = (answer or {}).get("order_id")
            if answer is not None and not outcome.order_id:
                # An answer without an order_id is no proof of pay-per-use (a trimmed answer): see _order_may_wait.
                outcome.order_unknown = self._order_may_wait(cluster_id, plan, view)
            if outcome.order_id or outcome.order_unknown:
                # A yearly/monthly group: no node comes until the order is paid, so there is nothing to wait for yet.
                outcome.final, outcome.polls = view, self._polls
                return outcome
            if self.wait:
                from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import resize_evaluator  # pylint: disable=import-outside-toplevel
                outcome.final = self._wait_resize(cluster_id, resize_evaluator(plan.node_group, plan.after, view, self._clock), seen)
            outcome.polls = self._polls
            return outcome

    def _lists(self, cluster_id, view, request):
        """(hosts, nodes) that planning ``request`` needs, each None when not needed. Every paged read is cross-checked
        with the counts of the cluster answer it is planned on: the host list with the cluster's nodes, the node list
        (read for one group) with that group's count."""
        # pylint: disable=import-outside-toplevel
        hosts = nodes = None
        if hosts_needed(view, request):
            from ansible_collections.hwcloud.mrs.plugins.module_utils._paging import cluster_node_total
            hosts = parse_hosts(self.client.list_hosts(cluster_id, expected=cluster_node_total(view)), view.group_kinds())
        group = node_list_group(view, request)
        if group is not None:
            from ansible_collections.hwcloud.mrs.plugins.module_utils._paging import group_node_total
            # A custom group's kind is not in the details answer: its nodes say whether it holds HDFS data (minimum 3).
            nodes = self.client.list_nodes(cluster_id, node_group=group, expected=group_node_total(view, group))
        return hosts, nodes

    def _write(self, cluster_id, plan, view):
        """(answer, seen): the one write of the plan and what settles it. ``answer`` is the write's answer (None when it was
        lost, or refused with a code this collection does not know, and the group's count then showed the change: ``seen``
        is that view), or _BUSY with ``seen`` the busy refusal (nothing applied: back off and plan again). A documented
        refusal, and a write that shows no sign of having applied, raise."""
        self._outcome.sent = True
        try:
            return self._send(cluster_id, plan), None
        except MrsApiError as error:
            if error.code in BUSY_CODES and self.wait:
                # Another operation started between our read and our write: nothing was applied.
                return _BUSY, error
            if known_code(error.code):
                raise
            # A refusal this collection does not know (a v2 route may answer MRS.0000xxxx codes): settled by reading the
            # cluster, as a lost answer is, never by a second write.
            return None, self._settle(cluster_id, plan, view, error)
        except ResizeOutcomeUnknown as error:
            return None, self._settle(cluster_id, plan, view, error)

    def _send(self, cluster_id, plan):
        """The one write of a plan, through the API the planner chose: v1.1 resize, or v2 expand / shrink."""
        if plan.api == V2:
            send = self.client.expand if plan.scale_type == "scale_out" else self.client.shrink
            return send(cluster_id, plan.body)
        self.client.resize(cluster_id, plan.body)
        return None

    def _after_busy(self, cluster_id, error, refusals):
        """Sleep a jittered, growing pause after the ``refusals``-th busy answer (any of BUSY_CODES), then read the cluster
        again."""
        if refusals > BUSY_RETRIES:
            raise with_context(error, "%s. The resize was refused as busy %d times although the cluster looked idle; nothing was "
                               "applied. Check what else operates on this cluster." % (error, refusals)) from error
        pause = backoff(refusals - 1, BUSY_FIRST_PAUSE, BUSY_MAX_PAUSE, self._jitter)
        left = self._deadline - self._clock()
        if pause >= left:
            raise with_context(error, "%s. The resize was refused as busy; the next try would come after wait_timeout, so the "
                               "task stops here; nothing was applied." % (error,)) from error
        self._sleep(pause)
        return self.read(cluster_id)

    def _grace(self):
        return min(RESIZE_GRACE, max(0.0, self._deadline - self._clock()))

    def _order_may_wait(self, cluster_id, plan, before):
        """Whether a v2 expand that MRS accepted with an answer carrying no ``order_id`` may have left an order to pay: the
        group may be prepaid (``_may_be_prepaid``) and neither its count nor a scale shows within the grace period.
        Waiting for nodes that come only after payment would only end at wait_timeout, so the task returns and warns.
        """
        from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import DONE, PENDING, WaitTimeout, describe  # pylint: disable=import-outside-toplevel
        if not _may_be_prepaid(before, plan):
            return False

        def scale_shows(view):
            if view.is_scaling or _group_moved(view, plan):
                return DONE, "the expand started"
            return PENDING, describe(view, plan.node_group, plan.after)

        try:
            self._wait(cluster_id, scale_shows, timeout=self._grace())
        except WaitTimeout:
            return True
        return False

    def _settle(self, cluster_id, plan, before, cause):
        """The view that shows a write whose outcome is unknown (``cause``: a lost answer, or a refusal this collection does
        not know) took effect; else an MrsError saying what the cluster showed. It never re-sends.

        Only evidence specific to this change counts: the group's own count moving toward the target. MRS may show the
        scale only some time after accepting it, so the cluster is watched for a grace period first. ``updateAt`` and
        other groups' counts are not evidence: anyone moves them. A scale in progress is the cluster's, not the group's
        (it may be another operator's): with ``wait`` it is awaited and judged by the group's count once it ends; a scale
        the other way is not this one.
        """
        from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import (  # pylint: disable=import-outside-toplevel
            DONE, PENDING, WaitTimeout, describe, seconds)

        def shows(view):
            if _group_moved(view, plan) or view.is_scaling or _failure_recorded(view, before):
                return DONE, "a sign"
            return PENDING, describe(view, plan.node_group, plan.after)

        grace = self._grace()
        try:
            view = self._wait(cluster_id, shows, timeout=grace)
        except WaitTimeout as timeout:
            seen = describe(timeout.last, plan.node_group, plan.after) if timeout.last is not None else "the cluster could not be read"
            raise MrsError("%s. For %s s after it the cluster showed no sign of this resize (%s), so it was not applied as far as "
                           "the cluster shows; nothing was re-sent.%s" % (cause, seconds(grace), seen, _no_sign_advice(before, plan)))
        except MrsError as read_error:
            raise MrsError("%s, and reading the cluster afterwards failed (%s). Check the cluster before running again; "
                           "nothing was re-sent." % (cause, read_error))
        if _group_moved(view, plan):
            return view
        return self._whose_scale(cluster_id, plan, view, cause)

    def _whose_scale(self, cluster_id, plan, view, cause):
        """The cluster shows a scale (or a failed one) but the group's count has not moved: the view once the count shows
        this change, else an MrsError saying why it was not (or may not have been) applied."""
        from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import DONE, PENDING, WaitTimeout, describe  # pylint: disable=import-outside-toplevel
        shown = describe(view, plan.node_group, plan.after)
        direction = "scaling-out" if plan.scale_type == "scale_out" else "scaling-in"
        if view.is_scaling and direction not in (view.state, view.scale):
            raise MrsError("%s. The cluster then showed another operation (%s), which MRS runs one at a time, so this resize was "
                           "not applied; nothing was re-sent. Run the task again once that operation has ended." % (cause, shown))
        if view.is_scaling and not self.wait:
            raise MrsError("%s. The cluster then showed a scale in progress (%s), which may be this resize or another "
                           "operation; with wait: false the task does not wait to tell them apart, and nothing was re-sent. Run "
                           "the task again with wait: true: it waits for the scale in progress, then resizes only what is still "
                           "missing." % (cause, shown))

        def ended(candidate):
            if _group_moved(candidate, plan):
                return DONE, "the group's count moved"
            if candidate.is_scaling:
                return PENDING, describe(candidate, plan.node_group, plan.after)
            return DONE, "the scale ended"

        if view.is_scaling:
            try:
                view = self._wait(cluster_id, ended)
            except WaitTimeout as timeout:
                raise MrsError("%s. The cluster then showed a scale in progress, which may be this resize or another operation, "
                               "and it had not ended by wait_timeout (%s); nothing was re-sent. Run the task again to wait for "
                               "it." % (cause, describe(timeout.last or view, plan.node_group, plan.after)))
            except MrsError as read_error:
                raise MrsError("%s. The cluster then showed a scale in progress, which may be this resize or another operation, "
                               "and reading the cluster while it ran failed (%s). Check the cluster before running again; "
                               "nothing was re-sent." % (cause, read_error))
        if _group_moved(view, plan):
            return view
        raise MrsError("%s. The cluster then recorded a scale, but group %s still has %d nodes (%s): that scale was another "
                       "operation's, or this resize applied nothing; nothing was re-sent. Check the cluster's operation log "
                       "in the MRS console; running the task again plans from the current count."
                       % (cause, plan.group_name, plan.before, describe(view, plan.node_group, plan.after)))

    def _wait_resize(self, cluster_id, evaluate, seen=None):
        """The wait for a resize's end; a view already read after the write (``seen``) is judged first."""
        from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import DONE  # pylint: disable=import-outside-toplevel
        if seen is not None:
            status, _reason = evaluate(seen)
            if status == DONE:
                return seen
        return self._wait(cluster_id, evaluate)

    def _wait(self, cluster_id, evaluate, timeout=None):
        from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import WaitError, wait_for  # pylint: disable=import-outside-toplevel
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


_BUSY = object()  # _write's answer for a busy refusal


def _group_moved(view, plan):
    """Whether the group's own count moved from the plan's count toward its target: evidence of this change."""
    try:
        count = view.count_of(plan.node_group)
    except ClusterParseError:
        return False
    return count > plan.before if plan.scale_type == "scale_out" else count < plan.before


def _failure_recorded(view, before):
    """Whether the cluster shows a failed operation it did not show before: a failure state, or a scaling-error or
    stageDesc that is new. Not evidence that this resize ran (another operation may have failed), only that the cluster
    is no longer as it was, so the settling goes on to judge the group's count."""
    if view.is_failed and not before.is_failed:
        return True
    new_stage = bool(view.stage_desc) and view.stage_desc != before.stage_desc
    return view.scale == "scaling-error" and (before.scale != "scaling-error" or new_stage)


def _may_be_prepaid(view, plan):
    """A v2 expand of a group that may be yearly/monthly: not a Task group (Task groups are never prepaid), on a cluster
    whose answer does not say it is pay-per-use (``billingType`` missing or unknown is not pay-per-use)."""
    if plan.api != V2 or plan.scale_type != "scale_out":
        return False
    group = view.group(plan.group_name)
    return (group is None or group.role != "task") and view.billing_mode != PAY_PER_USE


def _no_sign_advice(view, plan):
    """What to do when a write shows no sign of having applied."""
    if _may_be_prepaid(view, plan):
        return (" On a yearly/monthly group an expand answers an order and nothing shows until it is paid%s: look for an unpaid "
                "MRS order in the Huawei Cloud console (Billing Center, Orders, Unpaid Orders). Running the task again is safe: "
                "while an order is unpaid MRS refuses a second expand (12000121)."
                % ("" if view.is_prepaid else " (this cluster's answer does not say how it is billed)"))
    return " Check the cluster before acting: running the task again plans from its current size and waits for any scale in progress."


def failure_advice(outcome, cause):
    """What a failure message adds once a resize was applied (``outcome.applied``): where the group's count stands and
    what to do, never advice that would undo another operation's change. '' when nothing was applied."""
    from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import (  # pylint: disable=import-outside-toplevel
        AGAINST, BEYOND, PARTIAL, REACHED, UNCHANGED, WaitError, WaitTimeout, progress)
    plan = outcome.plan
    if plan is None or not outcome.applied:
        return ""
    last = cause.last if isinstance(cause, WaitError) and cause.last is not None else outcome.last
    count = _count(last, plan.node_group)
    place = progress(plan.before, plan.after, count)
    group = plan.group_name or plan.node_group
    if place in (BEYOND, AGAINST):
        undo = "remove the nodes it added" if count > plan.after else "add back the nodes it removed"
        return (". MRS accepted this resize (changed=true), and group %s now has %d nodes (%d before it, target %d): another "
                "operation (another operator, or an auto-scaling policy) changed the group as well. Do not run the task again "
                "to correct the count: it would %s. Find out what else scales this cluster first"
                % (group, count, plan.before, plan.after, undo))
    if isinstance(cause, WaitTimeout) and last is not None and last.is_scaling:
        return (". The resize was accepted (changed=true) and the cluster is still scaling: run the task again to wait for it; "
                "it waits for the scale in progress, then resizes only what is still missing")
    if place == PARTIAL:
        return (". MRS applied part of this resize (changed=true): group %s has %d nodes (from %d, target %d). Check the "
                "cluster's operation log in the MRS console before running the task again: a re-run asks MRS for the "
                "remaining %d" % (group, count, plan.before, plan.after, abs(plan.after - count)))
    if place == REACHED:
        return (". The resize was applied (changed=true): group %s has its target %d nodes, but the cluster is not as it should "
                "be (see above): check it in the MRS console; running the task again changes no count" % (group, plan.after))
    if place == UNCHANGED:
        return (". MRS accepted the resize (changed=true) but group %s still has its %d nodes: check the cluster's operation log "
                "in the MRS console before running the task again, which would send the resize again" % (group, plan.before))
    return (". The resize was accepted, so the cluster changed (changed=true), and the group's count could not be read: check "
            "the cluster before running the task again")


def reached_count(outcome, cause):
    """The group's count as last read after an applied resize (None when not applied, or not readable)."""
    from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import WaitError  # pylint: disable=import-outside-toplevel
    plan = outcome.plan
    if plan is None or not outcome.applied:
        return None
    last = cause.last if isinstance(cause, WaitError) and cause.last is not None else outcome.last
    return _count(last, plan.node_group)


def _count(view, node_group):
    if view is None:
        return None
    try:
        return view.count_of(node_group)
    except ClusterParseError:
        return None
