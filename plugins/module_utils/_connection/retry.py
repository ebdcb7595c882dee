# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How long to wait before trying again: the one back-off of the collection, Retry-After, and the deadline.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import random
import time

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError

try:
    import urllib3.exceptions
    from urllib3.util.retry import Retry
except ImportError:
    Retry = None

MAX_RETRY_AFTER = 60.0
MIN_ATTEMPT = 1.0  # seconds an attempt gets at least, even when started at or after the deadline


def backoff(attempt, base, cap, jitter=random.random):
    """The pause before try number ``attempt`` + 2 (``attempt`` 0: the first retry): "equal jitter" over a capped
    exponential, half of ``min(base * 2 ** attempt, cap)`` plus a random share (``jitter()``, in [0, 1)) of the other
    half. The client's retries and the scaler's retry of a busy refusal both wait this way."""
    ceiling = min(base * 2 ** attempt, cap)
    return ceiling / 2 + jitter() * ceiling / 2


def parse_retry_after(value):
    """Seconds asked by a Retry-After header (seconds or an HTTP date, as urllib3 reads it), or None when absent or
    unusable."""
    if value is None or Retry is None:
        return None
    try:
        seconds = Retry().parse_retry_after(str(value))
    except (urllib3.exceptions.InvalidHeader, ValueError, TypeError, OverflowError):
        return None
    return seconds if isinstance(seconds, (int, float)) and math.isfinite(seconds) and seconds >= 0 else None


class OutOfTime(MrsError):
    """The next attempt cannot start before the deadline."""


class RetryPolicy:
    """How long to wait before the next attempt: ``backoff``, or what Retry-After asks (at most ``max_retry_after``).

    ``deadline`` (a ``clock()`` value or None): no pause runs past it; when the next attempt cannot start
    before it, ``pause`` raises OutOfTime at once.
    """

    def __init__(self, retries, clock=time.monotonic, sleep=time.sleep, jitter=random.random, base=1.0, cap=30.0,
                 max_retry_after=MAX_RETRY_AFTER):
        self.retries = retries
        self.clock = clock
        self.sleep = sleep
        self.jitter = jitter
        self.base = base
        self.cap = cap
        self.max_retry_after = max_retry_after
        self.deadline = None

    def backoff(self, attempt):
        return backoff(attempt, self.base, self.cap, self.jitter)

    parse_retry_after = staticmethod(parse_retry_after)

    def time_left(self):
        return None if self.deadline is None else self.deadline - self.clock()

    def pause(self, attempt, retry_after=None):
        """Sleep before retry number ``attempt + 1`` and return the seconds slept; OutOfTime when no time is left."""
        asked = parse_retry_after(retry_after)
        delay = min(asked, self.max_retry_after) if asked is not None else self.backoff(attempt)
        left = self.time_left()
        if left is not None:
            if left <= 0:
                raise OutOfTime("the deadline has passed")
            if asked is not None and delay > left:
                raise OutOfTime("the server asked to wait %.0f s (Retry-After) but only %.1f s are left before the deadline"
                                % (delay, left))
            delay = min(delay, left)
        self.sleep(delay)
        return delay

    def attempt_limits(self, connect_timeout, read_timeout):
        """(connect, read) seconds for an attempt starting now: within the deadline plus one read timeout."""
        if self.deadline is None:
            return connect_timeout, read_timeout
        budget = max(self.deadline + read_timeout - self.clock(), min(MIN_ATTEMPT, read_timeout))
        return min(connect_timeout, budget), min(read_timeout, budget)
