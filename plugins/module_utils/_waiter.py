# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Wait for a cluster to reach a state: a predicate-driven poll loop on a monotonic clock.

Pure: the clock and the sleep are parameters, so tests run instantly with fake ones. The loop
(``wait_for``) knows nothing about MRS; the evaluators (``resize_evaluator``, ``idle_evaluator``)
decide, from one ``ClusterView`` at a time, whether a wait is done, still pending or failed.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import time

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError

DONE = 'done'
PENDING = 'pending'
FAILED = 'failed'

_ROLE_TITLES = {'core': 'Core', 'task': 'Task', 'master': 'Master'}
# Seconds within which MRS shows a scale it accepted (Huawei's Terraform provider polls first after 20 s and takes a
# running cluster then for a finished scale): on a cluster that already showed scaling-error, a scale not seen by then
# failed at once or never started. The wait's poll at 30 s decides.
START_WINDOW = 30.0


class WaitError(MrsError):
    """A wait that ended without success. ``last`` is the last value fetched (None if none was)."""

    def __init__(self, message, last=None, elapsed=0.0, polls=0):
        super().__init__(message)
        self.message = message
        self.last = last
        self.elapsed = elapsed
        self.polls = polls


class WaitFailed(WaitError):
    """The evaluator saw a state from which the awaited outcome cannot come."""


class WaitTimeout(WaitError):
    """The deadline passed while still pending. ``last_error`` is the last retried fetch error, if any."""

    def __init__(self, message, last=None, elapsed=0.0, polls=0, last_error=None):
        super().__init__(message, last, elapsed, polls)
        self.last_error = last_error


def poll_delays(marks=(2.0, 5.0, 10.0, 20.0, 30.0), every=30.0):
    """Yield the pauses of a wait, forever: polls at ``marks`` seconds after it starts, then every ``every`` s.

    ``wait_for`` sleeps the first pause before its first poll, so a wait polls 2, 5, 10, 20 and 30 s
    after it starts, then every 30 s (each poll's own latency comes on top). Why this shape:

    - No poll at once: right after the resize, or after a read that found a scale in progress, the
      answer can only be "not yet".
    - Calls: issue #6 allows 2 + ceil(log2 S) + S/30 requests for an S-second operation (the GET, the
      PUT, the polls), which puts the k-th poll no earlier than 2, 4, 8, 16 and 30 s. The marks are the
      first round numbers of the 1-2-5 series at or after those bounds, capped at 30 s, so every S of
      2 s or more stays within the budget.
    - Noticing: an operation that ends just after a poll is seen at the next one, up to 3, 5, 10, 10
      and then 30 s late. No schedule within that budget sees every short operation within 10 % of
      its length (that needs a poll every 10 % of the time elapsed); on real MRS, where a scale takes
      10 to 30 minutes, 30 s is within 10 %, and a 30-minute scale costs 64 polls.
    """
    marks = tuple(marks)
    if every <= 0 or not marks or marks[0] <= 0 or any(later <= earlier for earlier, later in zip(marks, marks[1:])):
        raise ValueError('poll_delays needs increasing marks above 0 and every > 0')
    previous = 0.0
    for mark in marks:
        yield mark - previous
        previous = mark
    while True:
        yield every


def wait_for(fetch, evaluate, timeout, delays=None, clock=time.monotonic, sleep=time.sleep, retry_on=()):
    """Poll ``fetch()`` until ``evaluate(value)`` says DONE; return ``(value, elapsed, polls)``.

    ``evaluate`` returns ``(status, reason)`` with status DONE, PENDING or FAILED. FAILED raises
    ``WaitFailed``. The loop sleeps the first of ``delays`` (default ``poll_delays()``) before the
    first poll, because every caller has just read or changed what it waits for, and the next one
    after every PENDING poll. It never sleeps past the
    deadline: it sleeps until the deadline instead and fetches one last time, so a timeout never
    fires before ``timeout`` seconds without a final check, and every wait polls at least once.
    ``elapsed`` counts from the call. Exceptions of the types in ``retry_on`` raised by ``fetch``
    or by ``evaluate`` (an answer that cannot be read, or lacks what the evaluator needs) count as
    PENDING: one bad poll never ends a wait, as success or as failure. The last one is kept on
    ``WaitTimeout``.
    """
    if timeout < 0:
        raise ValueError('timeout must be 0 or more seconds, got %r' % (timeout,))
    delays = iter(poll_delays() if delays is None else delays)
    start = clock()
    deadline = start + timeout
    last = last_error = None
    polls = 0
    if start < deadline:
        sleep(min(next(delays), timeout))
    while True:
        polls += 1
        stage = 'fetching failed'
        try:
            last = fetch()
            stage = 'the answer could not be used'
            status, reason = _checked(evaluate(last))
        except tuple(retry_on) as error:
            last_error = error
            status, reason = PENDING, '%s: %s' % (stage, error)
        now = clock()
        elapsed = now - start
        if status == DONE:
            return last, elapsed, polls
        if status == FAILED:
            raise WaitFailed(reason, last, elapsed, polls)
        if now >= deadline:
            message = 'gave up after %s s (timeout %s s, %d polls): %s' % (seconds(elapsed), seconds(timeout), polls, reason)
            raise WaitTimeout(message, last, elapsed, polls, last_error)
        sleep(min(next(delays), deadline - now))


def seconds(value):
    """A duration for messages: whole seconds from 1 s up (``3`` for 2.9968), one decimal below."""
    return '%.0f' % value if value >= 1 or value == 0 else '%.1f' % value


def _checked(evaluation):
    status, reason = evaluation
    if status not in (DONE, PENDING, FAILED):
        raise ValueError('an evaluator must return DONE, PENDING or FAILED, got %r' % (status,))
    return status, reason


def _known(number):
    return 'unknown' if number is None else '%d' % number


def _title(node_group):
    """``Core``/``Task``/``Master`` for a role key, ``group <name>`` for a group name (the v2 path)."""
    return _ROLE_TITLES.get(node_group) or 'group %s' % node_group


def _count_or_none(view, node_group):
    try:
        return view.count_of(node_group)
    except ClusterParseError:
        return None


def describe(view, node_group=None, target=None):
    """The state of ``view`` in one line, for wait messages: state, scale, stageDesc and counts ('unknown' when the answer lacked one).

    ``node_group``: a role key (core, task) or a group name.
    """
    text = "state '%s', scale '%s', stageDesc %s" % (view.state, view.scale, "'%s'" % view.stage_desc if view.stage_desc else 'none')
    if node_group is None:
        return '%s, Core nodes %s, Task nodes %s' % (text, _known(view.core_count), _known(view.task_count))
    return '%s, %s nodes %s (target %d)' % (text, _title(node_group), _known(_count_or_none(view, node_group)), target)


# Where a group's count stands against a resize (``progress``): the words of the failure messages and of their advice.
UNKNOWN = 'unknown'        # the answer has no readable count for the group
UNCHANGED = 'unchanged'    # still the count before the resize
PARTIAL = 'partial'        # moved toward the target, not all the way: the resize is partly applied
REACHED = 'reached'        # the target
BEYOND = 'beyond'          # past the target: another operation changed the group as well
AGAINST = 'against'        # moved the other way: another operation changed the group


def progress(before, target, count):
    """Where ``count`` stands on the way from ``before`` to ``target``: UNKNOWN, UNCHANGED, PARTIAL, REACHED, BEYOND or
    AGAINST. Only the group's own count: nothing another group or the cluster shows."""
    if count is None:
        return UNKNOWN
    if count == target:
        return REACHED
    if count == before:
        return UNCHANGED
    upward = target > before
    if (count > before) != upward:
        return AGAINST
    return PARTIAL if (count < target) == upward else BEYOND


def where_it_ended(before, target, count, node_group):
    """One sentence on a group's count that is not the target (see ``progress``), for failure messages."""
    title, place = _title(node_group), progress(before, target, count)
    if place == PARTIAL:
        return 'the scale ended partly applied: %d %s nodes of the target %d (from %d)' % (count, title, target, before)
    if place in (BEYOND, AGAINST):
        return ('%s has %d nodes (%d before this resize, target %d): another operation (another operator, or an auto-scaling '
                'policy) changed it as well' % (title, count, before, target))
    if place == UNCHANGED:
        return 'none of it was applied (%s %d, target %d)' % (title, count, target)
    return 'the %s count is %s (target %d)' % (title, _known(count), target)


class ResizeEvaluator:
    """Judge the progress of a resize this module started, one cluster view at a time.

    Right after the write the API may still show the old picture: ``running`` with the old count,
    and a ``scaling-error`` left from an earlier failure. Both mean "not started yet" until a scale
    has been seen (a scaling state, or the group count moving away from ``before_view``); after
    that, an idle cluster with the wrong count, or a ``scaling-error``, means the scale failed.

    A scale that fails between two polls is never seen scaling. On a cluster that already showed
    ``scaling-error``, what tells its failure from the old one is a ``stageDesc`` that changed (it
    carries the failure, e.g. 'Cluster expansion failed'), or time: MRS shows an accepted scale within
    seconds (Huawei's Terraform provider polls first after 20 s), so a scale that has not shown within
    START_WINDOW seconds on such a cluster failed at once or never started. ``updateAt`` is not used:
    anyone moves it (another operator's policy change), so it is no evidence about this resize.
    A failure says where the group's count stands (``where_it_ended``): partly applied, or changed by
    another operation as well.
    """

    def __init__(self, node_group, target, before_view, clock=time.monotonic, start_window=None):
        self.node_group = node_group
        self.target = target
        self.scale_seen = False
        self._before = before_view
        self._before_count = before_view.count_of(node_group)
        self._error_before = before_view.scale == 'scaling-error'
        self._clock = clock
        self._started = clock()
        self._start_window = START_WINDOW if start_window is None else start_window

    def _new_record(self, view):
        """Whether the cluster shows a failure recorded after ``before_view`` was read: a new ``stageDesc``."""
        return bool(view.stage_desc) and view.stage_desc != self._before.stage_desc

    def _ended(self, count):
        return where_it_ended(self._before_count, self.target, count, self.node_group)

    def _scaling_error(self, view, count, where):
        """Why a cluster that shows ``scaling-error`` failed this resize; None while that may still be the earlier failure
        (no scale seen yet, the same ``stageDesc``, within the start window)."""
        if self.scale_seen or not self._error_before or self._new_record(view):
            moved = '' if count == self._before_count else ' (%s)' % self._ended(count)
            return 'the scale failed%s: %s' % (moved, where)
        if self._clock() - self._started >= self._start_window:
            return ('no scale showed within %s s after MRS accepted the resize and the cluster still shows its earlier '
                    'scaling-error, so the scale failed at once or never started: %s' % (seconds(self._start_window), where))
        return None

    def __call__(self, view):
        count = view.count_of(self.node_group)
        if view.is_scaling or count != self._before_count:
            self.scale_seen = True
        where = describe(view, self.node_group, self.target)
        if view.is_failed:
            moved = '' if count in (self._before_count, self.target) else '; %s' % self._ended(count)
            return FAILED, 'the cluster is no longer usable%s: %s' % (moved, where)
        if view.is_scaling:
            return PENDING, 'scaling: %s' % where
        failure = self._scaling_error(view, count, where) if view.scale == 'scaling-error' else None
        if failure is not None:
            return FAILED, failure
        if view.state != 'running':
            return PENDING, 'waiting for the cluster to run: %s' % where
        if count == self.target:
            return DONE, 'scaled: %s' % where
        if self.scale_seen:
            return FAILED, 'the scale ended with %d %s nodes, not the target %d; %s: %s' % (
                count, _title(self.node_group), self.target, self._ended(count), where)
        return PENDING, 'waiting for the scale to start: %s' % where


def resize_evaluator(node_group, target, before_view, clock=time.monotonic):
    """An ``evaluate(view)`` for ``wait_for`` after a resize of ``node_group`` (a role key, core or task, or on the v2 path
    a group name) to ``target`` nodes; ``clock`` is the wait's (the start window counts from the call)."""
    return ResizeEvaluator(node_group, target, before_view, clock)


def _evaluate_idle(view):
    where = describe(view)
    if view.is_failed:
        return FAILED, 'the cluster is no longer usable: %s' % where
    if view.state == 'running' and not view.is_scaling:
        return DONE, 'idle: %s' % where
    return PENDING, 'waiting for the cluster to be running and idle: %s' % where


def idle_evaluator():
    """An ``evaluate(view)`` for ``wait_for``: done once the cluster is running and not scaling."""
    return _evaluate_idle
