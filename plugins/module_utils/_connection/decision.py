# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the result of one attempt means: return the document, try again after a pause, renew the token, fail, or
"outcome unknown" (a write that may have been applied unseen). Pure: a function of the facts, no I/O.

PRIVATE to the collection: no compatibility promise outside it.

The rules, each a row of ``decide``:

- a documented answer (2xx, readable) is returned;
- a write (not idempotent) is never sent again once it may have reached the server: a 1xx/3xx (never followed), an
  unreadable 2xx, a 5xx (a gateway may answer it after the service applied the write) or a connection lost after
  sending leave its outcome unknown, for the caller to settle by reading;
- a read, or a write that certainly did not arrive (HTTP 429, no connection made), is tried again while retries are
  left;
- a 401 renews a renewable token once (the method says whether it can);
- a connection that cannot succeed by trying again fails at once: a certificate refused, a TLS handshake failed,
  nothing listening on this machine (a refused connection to a loopback address);
- any other 4xx is the API's refusal: it fails.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

RETURN = "return"
RETRY = "retry"
REFRESH = "refresh"
FAIL = "fail"
UNKNOWN = "unknown"

Attempt = namedtuple("Attempt", "status sent readable hopeless")
Attempt.__doc__ = """The facts of one attempt the decision needs.

``status``: the HTTP status, None when no answer came. ``sent``: whether the request may have reached the server (an
answer came, or the connection was made). ``readable``: whether an answer is the documented document (for a 2xx).
``hopeless``: no answer came and trying again cannot help (a refused certificate, nothing listening on loopback).
"""


def decide(attempt, idempotent, retries_left, refreshable):
    """RETURN, RETRY, REFRESH, FAIL or UNKNOWN for ``attempt`` (an Attempt) of a request that may (``idempotent``) or
    may not be sent again, with ``retries_left`` retries left and a token that can (``refreshable``) be renewed."""
    status = attempt.status
    if status is None:
        if attempt.hopeless:
            return FAIL
        return UNKNOWN if attempt.sent and not idempotent else _again(retries_left)
    if 200 <= status < 300 and attempt.readable:
        return RETURN
    if status < 400:  # 1xx, 3xx (never followed), or an unreadable 2xx
        return _again(retries_left) if idempotent else UNKNOWN
    if status == 401 and refreshable:
        return REFRESH
    if status == 429:  # throttled: the server certainly did not process it, a write included
        return _again(retries_left)
    if status >= 500:
        return _again(retries_left) if idempotent else UNKNOWN
    return FAIL


def _again(retries_left):
    return RETRY if retries_left > 0 else FAIL
