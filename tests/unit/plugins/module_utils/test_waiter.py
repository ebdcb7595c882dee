# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import itertools
import math

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import (
    DONE,
    FAILED,
    PENDING,
    WaitFailed,
    WaitTimeout,
    idle_evaluator,
    poll_delays,
    resize_evaluator,
    wait_for,
)
from ansible_collections.hwcloud.mrs.tests.unit.doubles import FakeClock


def by_value(value):
    """An evaluator for plain strings: 'done', 'failed' or anything else (pending)."""
    if value == 'done':
        return DONE, 'finished'
    if value == 'failed':
        return FAILED, 'it broke'
    return PENDING, 'still %s' % value


def run(fake, values, timeout=60.0, delays=None, retry_on=()):
    return wait_for(fake.fetcher(values), by_value, timeout, delays=delays, clock=fake, sleep=fake.sleep, retry_on=retry_on)


def call_budget(seconds):
    """The most polls the benchmark's budget allows an S-second operation: 2 + ceil(log2 S) + S/30 requests, minus GET and PUT."""
    return math.floor(math.ceil(math.log2(seconds)) + seconds / 30.0)


def notice(seconds, latency=0.05):
    """(polls, seconds from the end of an S-second operation to the poll that saw it) with the default schedule."""
    fake = FakeClock()

    def fetch():
        fake.now += latency
        return 'done' if fake.now >= seconds else 'running'

    _value, elapsed, polls = wait_for(fetch, by_value, 7200, clock=fake, sleep=fake.sleep)
    return polls, elapsed - seconds


# --- wait_for --------------------------------------------------------------------------------

def test_the_first_poll_comes_after_the_first_delay():
    fake = FakeClock(1000.0)

    assert run(fake, ['done'], delays=[3.0]) == ('done', 3.0, 1)
    assert fake.sleeps == [3.0] and fake.fetch_times == [3.0]


def test_pending_then_done():
    fake = FakeClock(1000.0)

    value, elapsed, polls = run(fake, ['a', 'b', 'done'], delays=[1.0, 2.0, 4.0])

    assert (value, elapsed, polls) == ('done', 7.0, 3)
    assert fake.sleeps == [1.0, 2.0, 4.0]


def test_failed_raises_with_the_reason_and_the_last_value():
    fake = FakeClock(1000.0)

    with pytest.raises(WaitFailed) as caught:
        run(fake, ['a', 'failed', 'never fetched'], delays=itertools.repeat(5.0))

    assert (caught.value.message, caught.value.last, caught.value.elapsed, caught.value.polls) == ('it broke', 'failed', 10.0, 2)
    assert str(caught.value) == 'it broke'


def test_timeout_never_fires_before_the_deadline_and_fetches_one_last_time():
    fake = FakeClock(1000.0)

    with pytest.raises(WaitTimeout) as caught:
        run(fake, itertools.repeat('pending'), timeout=10.0, delays=itertools.repeat(4.0))

    assert fake.sleeps == [4.0, 4.0, 2.0]
    assert fake.fetch_times == [4.0, 8.0, 10.0]
    assert caught.value.elapsed == 10.0
    assert (caught.value.polls, caught.value.last, caught.value.last_error) == (3, 'pending', None)
    assert 'still pending' in caught.value.message and 'timeout 10 s' in caught.value.message


def test_the_final_check_at_the_deadline_can_still_succeed():
    fake = FakeClock(1000.0)

    assert run(fake, ['a', 'done'], timeout=5.0, delays=itertools.repeat(3.0)) == ('done', 5.0, 2)
    assert fake.fetch_times == [3.0, 5.0]


def test_a_timeout_shorter_than_the_first_delay_still_polls_once_at_the_deadline():
    fake = FakeClock(1000.0)

    with pytest.raises(WaitTimeout) as caught:
        run(fake, itertools.repeat('pending'), timeout=1.0)

    assert (caught.value.polls, fake.sleeps, fake.fetch_times) == (1, [1.0], [1.0])


def test_a_zero_timeout_checks_once():
    fake = FakeClock(1000.0)

    with pytest.raises(WaitTimeout) as caught:
        run(fake, ['pending'], timeout=0)

    assert (caught.value.polls, fake.sleeps) == (1, [])


def test_errors_to_retry_count_as_pending():
    fake = FakeClock(1000.0)

    result = run(fake, [ConnectionError('reset'), ConnectionError('reset again'), 'done'], delays=itertools.repeat(1.0), retry_on=(ConnectionError,))

    assert result == ('done', 3.0, 3)


def test_retried_errors_until_the_deadline_are_kept_on_the_timeout():
    fake = FakeClock(1000.0)
    errors = (ConnectionError('reset %d' % number) for number in itertools.count())

    with pytest.raises(WaitTimeout) as caught:
        run(fake, errors, timeout=3.0, delays=itertools.repeat(1.0), retry_on=(ConnectionError,))

    assert str(caught.value.last_error) == 'reset 2'
    assert caught.value.last is None
    assert 'fetching failed: reset 2' in caught.value.message


def test_other_errors_propagate_at_once():
    fake = FakeClock(1000.0)

    with pytest.raises(KeyError):
        run(fake, ['a', KeyError('boom'), 'done'], delays=itertools.repeat(1.0), retry_on=(ConnectionError,))
    assert len(fake.fetch_times) == 2


def test_an_unknown_status_is_a_programming_error():
    fake = FakeClock(1000.0)

    with pytest.raises(ValueError, match='DONE, PENDING or FAILED'):
        wait_for(fake.fetcher(['x']), lambda value: ('ok', ''), 10, clock=fake, sleep=fake.sleep)


def test_a_negative_timeout_is_refused():
    with pytest.raises(ValueError):
        wait_for(lambda: 'done', by_value, -1)


def test_the_default_schedule_polls_at_2_5_and_10_seconds():
    fake = FakeClock(1000.0)

    run(fake, ['a', 'b', 'done'])

    assert fake.sleeps == [2.0, 3.0, 5.0]
    assert fake.fetch_times == [2.0, 5.0, 10.0]


# --- poll_delays -------------------------------------------------------------------------------

def test_poll_delays_reach_the_marks_then_repeat_every():
    assert list(itertools.islice(poll_delays(), 8)) == [2.0, 3.0, 5.0, 10.0, 10.0, 30.0, 30.0, 30.0]
    assert list(itertools.islice(poll_delays(marks=(1, 4), every=7), 4)) == [1, 3, 7, 7]


@pytest.mark.parametrize('seconds', [2, 5, 10, 20, 30, 60, 90])
def test_an_operation_that_ends_on_a_mark_is_noticed_at_once(seconds):
    polls, lag = notice(seconds, latency=0.05)

    assert lag <= polls * 0.05 + 1e-9  # the pauses add up, so each poll's latency delays the next one


def test_every_operation_of_2_s_or_more_stays_within_the_call_budget():
    durations = [2 + step / 20.0 for step in range(20 * 600)] + list(range(600, 3601, 7))

    over = [(seconds, notice(seconds)[0], call_budget(seconds)) for seconds in durations if notice(seconds)[0] > call_budget(seconds)]

    assert over == []


def test_the_lag_after_a_short_operation_is_at_most_the_gap_to_the_next_mark():
    assert notice(2.1, latency=0)[1] == pytest.approx(5.0 - 2.1)
    assert notice(10.1, latency=0)[1] == pytest.approx(20.0 - 10.1)
    assert max(notice(seconds)[1] for seconds in range(300, 3600, 13)) <= 30.0 + 0.1 * 300


def test_a_thirty_minute_operation_costs_64_polls():
    assert notice(1800)[0] == 64


@pytest.mark.parametrize('kwargs', [dict(marks=()), dict(marks=(0, 5)), dict(marks=(5, 5)), dict(marks=(10, 5)), dict(every=0)])
def test_poll_delays_refuse_nonsense(kwargs):
    with pytest.raises(ValueError):
        next(poll_delays(**kwargs))


# --- resize_evaluator ------------------------------------------------------------------------

def test_the_old_count_right_after_the_put_is_pending(cluster_view):
    evaluate = resize_evaluator('core', 5, cluster_view(core=3))

    status, reason = evaluate(cluster_view(core=3))

    assert status == PENDING
    assert 'waiting for the scale to start' in reason


def test_a_scale_seen_through_to_the_target_is_done(cluster_view):
    evaluate = resize_evaluator('task', 4, cluster_view(task=2))

    assert evaluate(cluster_view(task=2))[0] == PENDING
    assert evaluate(cluster_view(task=2, state='scaling-out', scale='scaling-out', stage_desc='Creating VM'))[0] == PENDING
    assert evaluate(cluster_view(task=3, state='scaling-out', scale='scaling-out', stage_desc='Adding node to the cluster'))[0] == PENDING
    assert evaluate(cluster_view(task=4))[0] == DONE


def test_a_scale_already_finished_at_the_first_poll_is_done(cluster_view):
    assert resize_evaluator('core', 2 + 3, cluster_view(core=3))(cluster_view(core=5))[0] == DONE


def test_idle_with_the_wrong_count_after_a_scale_is_a_failure(cluster_view):
    evaluate = resize_evaluator('core', 6, cluster_view(core=3))
    evaluate(cluster_view(core=3, state='scaling-out', scale='scaling-out'))

    status, reason = evaluate(cluster_view(core=3))

    assert status == FAILED
    assert 'ended with 3 Core nodes, not the target 6' in reason


def test_a_partial_count_move_without_a_seen_scale_is_a_failure(cluster_view):
    status, reason = resize_evaluator('task', 6, cluster_view(task=2))(cluster_view(task=4))

    assert status == FAILED
    assert '4 Task nodes, not the target 6' in reason


@pytest.mark.parametrize('state', ['failed', 'abnormal', 'terminated', 'terminating', 'frozen'])
def test_failure_states_fail(cluster_view, state):
    status, reason = resize_evaluator('core', 4, cluster_view(core=3))(cluster_view(core=3, state=state, stage_desc='Cluster expansion failed'))

    assert status == FAILED
    assert "state '%s'" % state in reason and 'Cluster expansion failed' in reason


def test_a_new_scaling_error_fails(cluster_view):
    status, reason = resize_evaluator('core', 4, cluster_view(core=3))(cluster_view(core=3, scale='scaling-error', stage_desc='Cluster expansion failed'))

    assert status == FAILED
    assert "scale 'scaling-error'" in reason


def test_a_scaling_error_left_from_before_is_not_a_failure_until_a_scale_was_seen(cluster_view):
    evaluate = resize_evaluator('core', 4, cluster_view(core=3, scale='scaling-error'))

    assert evaluate(cluster_view(core=3, scale='scaling-error'))[0] == PENDING
    assert evaluate(cluster_view(core=3, state='scaling-out', scale='scaling-out'))[0] == PENDING
    assert evaluate(cluster_view(core=3, scale='scaling-error'))[0] == FAILED


def test_a_scaling_error_left_from_before_fails_once_the_count_moved(cluster_view):
    evaluate = resize_evaluator('core', 6, cluster_view(core=3, scale='scaling-error'))

    assert evaluate(cluster_view(core=4, scale='scaling-error'))[0] == FAILED


def test_a_scaling_error_left_from_before_clears_on_success(cluster_view):
    evaluate = resize_evaluator('core', 4, cluster_view(core=3, scale='scaling-error'))

    assert evaluate(cluster_view(core=3, scale='scaling-error'))[0] == PENDING
    assert evaluate(cluster_view(core=4, scale=''))[0] == DONE


def test_a_cluster_not_yet_running_is_pending(cluster_view):
    assert resize_evaluator('core', 4, cluster_view(core=3))(cluster_view(core=4, state='starting'))[0] == PENDING


def test_resize_reasons_carry_state_scale_stage_and_counts(cluster_view):
    evaluate = resize_evaluator('task', 5, cluster_view(task=2))

    _status, reason = evaluate(cluster_view(task=3, state='scaling-out', scale='scaling-out', stage_desc='Creating VM'))

    assert "state 'scaling-out'" in reason
    assert "scale 'scaling-out'" in reason
    assert "stageDesc 'Creating VM'" in reason
    assert 'Task nodes 3 (target 5)' in reason


def test_waiting_for_a_resize_end_to_end(cluster_view):
    fake = FakeClock(1000.0)
    before = cluster_view(core=3, task=2)
    views = [cluster_view(core=3, task=2),
             cluster_view(core=3, task=2, state='scaling-out', scale='scaling-out', stage_desc='Creating VM'),
             cluster_view(core=3, task=2, state='scaling-out', scale='scaling-out', stage_desc='Initializing VM'),
             cluster_view(core=3, task=5)]

    final, elapsed, polls = wait_for(fake.fetcher(views), resize_evaluator('task', 5, before), 1800,
                                     clock=fake, sleep=fake.sleep)

    assert (final.task_count, final.state, polls) == (5, 'running', 4)
    assert elapsed == sum(fake.sleeps) == 2.0 + 3.0 + 5.0 + 10.0


def test_a_failed_resize_wait_reports_the_last_view(cluster_view):
    fake = FakeClock(1000.0)
    views = [cluster_view(core=3, state='scaling-out', scale='scaling-out'), cluster_view(core=3, scale='scaling-error', stage_desc='Cluster expansion failed')]

    with pytest.raises(WaitFailed) as caught:
        wait_for(fake.fetcher(views), resize_evaluator('core', 4, cluster_view(core=3)), 600, clock=fake, sleep=fake.sleep)

    assert caught.value.last.scale == 'scaling-error'
    assert 'Cluster expansion failed' in caught.value.message


# --- idle_evaluator ----------------------------------------------------------------------------

@pytest.mark.parametrize('state, scale, expected', [
    ('running', '', DONE),
    ('running', 'scaling-error', DONE),
    ('scaling-out', 'scaling-out', PENDING),
    ('scaling-in', 'scaling-in', PENDING),
    ('running', 'scaling-in', PENDING),
    ('starting', '', PENDING),
    ('failed', '', FAILED),
    ('abnormal', '', FAILED),
    ('frozen', '', FAILED),
    ('terminating', '', FAILED),
])
def test_idle_evaluator(cluster_view, state, scale, expected):
    status, reason = idle_evaluator()(cluster_view(state=state, scale=scale))

    assert status == expected
    assert "state '%s'" % state in reason and 'Core nodes 3' in reason


# --- issue #11 --------------------------------------------------------------------------------------------------

class Unreadable(Exception):
    pass


def test_an_evaluator_that_cannot_use_an_answer_counts_as_pending():
    fake = FakeClock(1000.0)

    def evaluate(value):
        if value == 'unreadable':
            raise Unreadable('cluster: no readable Core node count')
        return by_value(value)

    value, _elapsed, polls = wait_for(fake.fetcher(['unreadable', 'done']), evaluate, 60.0, clock=fake, sleep=fake.sleep,
                                      retry_on=(Unreadable,))
    assert value == 'done' and polls == 2


def test_an_unusable_answer_never_ends_a_wait_as_a_failure():
    fake = FakeClock(1000.0)

    def evaluate(value):
        if value == 'unreadable':
            raise Unreadable('no state')
        return by_value(value)

    with pytest.raises(WaitTimeout) as caught:
        wait_for(fake.fetcher(['unreadable'] * 50), evaluate, 10.0, clock=fake, sleep=fake.sleep, retry_on=(Unreadable,))
    assert 'the answer could not be used: no state' in caught.value.message and isinstance(caught.value.last_error, Unreadable)


@pytest.mark.parametrize('value, text', [(2.9968235700007426, '3'), (3600.0, '3600'), (0.5, '0.5'), (0, '0'), (59.5, '60')])
def test_durations_in_messages_are_readable(value, text):
    from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import seconds
    assert seconds(value) == text


def test_the_timeout_message_has_no_float_noise():
    fake = FakeClock(1000.0)
    with pytest.raises(WaitTimeout) as caught:
        run(fake, ['running'] * 10, timeout=2.9968235700007426)
    assert 'timeout 3 s' in caught.value.message and '2.99' not in caught.value.message


def test_a_new_scaling_error_after_an_old_one_is_told_by_its_stage_text_or_the_start_window(cluster_raw):
    """updateAt is no evidence (#20 class 2: anyone moves it). A new stageDesc is; so is a scale that has not shown
    within START_WINDOW seconds on a cluster that already showed scaling-error."""
    from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
    from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import START_WINDOW
    clock = FakeClock()
    old = dict(cluster_raw(core=3, scale='scaling-error', stage_desc='Cluster expansion failed'), updateAt='1700000000')
    evaluate = resize_evaluator('core', 5, parse_cluster(old), clock=clock)
    assert evaluate(parse_cluster(old))[0] == PENDING  # nothing new yet: the old failure
    assert evaluate(parse_cluster(dict(old, updateAt='1700000100')))[0] == PENDING  # another operator's change
    status, reason = evaluate(parse_cluster(dict(old, stageDesc='Cluster expansion failed: ECS quota')))
    assert status == FAILED and 'the scale failed' in reason and "stageDesc 'Cluster expansion failed: ECS quota'" in reason
    clock.sleep(START_WINDOW)
    status, reason = evaluate(parse_cluster(old))
    assert status == FAILED and 'no scale showed within 30 s' in reason


def test_a_later_update_time_alone_does_not_fail_a_running_cluster(cluster_raw):
    """A running cluster with the old count is still pending, whatever updateAt says."""
    from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
    before = dict(cluster_raw(core=3), updateAt='1700000000')
    evaluate = resize_evaluator('core', 5, parse_cluster(before))
    assert evaluate(parse_cluster(dict(before, updateAt='1700000005')))[0] == PENDING


def test_describe_says_unknown_for_a_count_the_answer_lacked(cluster_raw):
    from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
    from ansible_collections.hwcloud.mrs.plugins.module_utils._waiter import describe
    raw = cluster_raw(core=3, task=0)
    del raw['coreNodeNum']
    raw['nodeGroups'] = []
    raw['taskNodeGroups'] = None
    view = parse_cluster(raw)
    assert 'Core nodes unknown (target 4)' in describe(view, 'core', 4) and 'Task nodes unknown' in describe(view)
