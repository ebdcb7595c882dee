# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one attempt's result means (``_connection.decision.decide``), row by row, and the promises no row may break."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.decision import (
    FAIL, REFRESH, RETRY, RETURN, UNKNOWN, Attempt, decide)

READ, WRITE = True, False  # idempotent or not


def no_answer(sent, hopeless=False):
    return Attempt(None, sent, True, hopeless)


def answer(status, readable=True):
    return Attempt(status, True, readable, False)


# (id, attempt, idempotent, retries left, token refreshable, expected)
ROWS = [
    # no answer came
    ("tls-refused-or-nothing-on-loopback-read", no_answer(False, hopeless=True), READ, 4, False, FAIL),
    ("tls-refused-or-nothing-on-loopback-write", no_answer(False, hopeless=True), WRITE, 4, False, FAIL),
    ("never-connected-read", no_answer(False), READ, 4, False, RETRY),
    ("never-connected-read-no-retry-left", no_answer(False), READ, 0, False, FAIL),
    ("never-connected-write-is-sent-again", no_answer(False), WRITE, 4, False, RETRY),
    ("never-connected-write-no-retry-left", no_answer(False), WRITE, 0, False, FAIL),
    ("lost-after-sending-read", no_answer(True), READ, 1, False, RETRY),
    ("lost-after-sending-read-no-retry-left", no_answer(True), READ, 0, False, FAIL),
    ("lost-after-sending-write", no_answer(True), WRITE, 4, False, UNKNOWN),
    ("lost-after-sending-write-no-retry-left", no_answer(True), WRITE, 0, False, UNKNOWN),
    # 2xx
    ("documented-answer-read", answer(200), READ, 0, False, RETURN),
    ("documented-answer-write", answer(201), WRITE, 0, False, RETURN),
    ("documented-answer-204", answer(204), WRITE, 4, True, RETURN),
    ("unreadable-2xx-read", answer(200, readable=False), READ, 2, False, RETRY),
    ("unreadable-2xx-read-no-retry-left", answer(200, readable=False), READ, 0, False, FAIL),
    ("unreadable-2xx-write", answer(202, readable=False), WRITE, 4, False, UNKNOWN),
    # 1xx and 3xx: never followed
    ("redirect-read", answer(302), READ, 4, False, RETRY),
    ("redirect-read-no-retry-left", answer(301), READ, 0, False, FAIL),
    ("redirect-write", answer(307), WRITE, 4, False, UNKNOWN),
    ("informational-write", answer(100), WRITE, 4, False, UNKNOWN),
    ("informational-read", answer(101), READ, 4, False, RETRY),
    # 401
    ("expired-renewable-token-read", answer(401), READ, 0, True, REFRESH),
    ("expired-renewable-token-write", answer(401), WRITE, 4, True, REFRESH),
    ("401-nothing-to-renew", answer(401), READ, 4, False, FAIL),
    # 429: certainly not processed
    ("throttled-read", answer(429), READ, 4, False, RETRY),
    ("throttled-write-is-sent-again", answer(429), WRITE, 4, False, RETRY),
    ("throttled-no-retry-left", answer(429), WRITE, 0, False, FAIL),
    # 5xx
    ("server-error-read", answer(503), READ, 4, False, RETRY),
    ("server-error-read-no-retry-left", answer(500), READ, 0, False, FAIL),
    ("server-error-write", answer(502), WRITE, 4, False, UNKNOWN),
    ("unusual-5xx-write", answer(520), WRITE, 4, False, UNKNOWN),
    ("server-error-write-no-retry-left", answer(504), WRITE, 0, False, UNKNOWN),
    # any other 4xx: the API's refusal
    ("refused-read", answer(400), READ, 4, False, FAIL),
    ("refused-write", answer(400), WRITE, 4, True, FAIL),
    ("forbidden", answer(403), READ, 4, True, FAIL),
    ("not-found", answer(404), READ, 4, False, FAIL),
]


@pytest.mark.parametrize("attempt, idempotent, retries_left, refreshable, expected", [row[1:] for row in ROWS],
                         ids=[row[0] for row in ROWS])
def test_each_row(attempt, idempotent, retries_left, refreshable, expected):
    assert decide(attempt, idempotent, retries_left, refreshable) == expected


STATUSES = [None, 100, 200, 201, 204, 301, 302, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 520]
EVERY_ATTEMPT = [Attempt(status, sent, readable, hopeless) for status, sent, readable, hopeless
                 in itertools.product(STATUSES, (True, False), (True, False), (True, False))
                 if status is None or (sent and not hopeless)]  # an answer came: it was sent and is not hopeless
EVERY_CASE = list(itertools.product(EVERY_ATTEMPT, (READ, WRITE), (0, 1, 4), (True, False)))


@pytest.mark.parametrize("attempt, idempotent, retries_left, refreshable", EVERY_CASE)
def test_promises_no_row_breaks(attempt, idempotent, retries_left, refreshable):
    action = decide(attempt, idempotent, retries_left, refreshable)
    assert action in (RETURN, RETRY, REFRESH, FAIL, UNKNOWN)
    if retries_left == 0:
        assert action != RETRY  # retries are bounded
    if action == RETURN:
        assert attempt.status is not None and 200 <= attempt.status < 300 and attempt.readable
    if action == REFRESH:
        assert attempt.status == 401 and refreshable
    if not idempotent and action == RETRY:
        # a write goes again only when the server certainly did not process it
        assert attempt.status == 429 or (attempt.status is None and not attempt.sent)
    if not idempotent and attempt.status is None and attempt.sent and not attempt.hopeless:
        assert action == UNKNOWN  # a write lost after sending is settled by reading, never re-sent
    if attempt.hopeless:
        assert action == FAIL  # trying again cannot help
    if idempotent:
        assert action != UNKNOWN  # a read is never "outcome unknown": it is tried again or fails
