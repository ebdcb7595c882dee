# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One call to an API (MRS or IAM): authenticate, send, ask ``decision.decide`` what the attempt means, and pause or
raise the error that says what happened. Every text an error carries is masked (``masking``) before it is built.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from collections import namedtuple

from ansible_collections.hwcloud.mrs.plugins.module_utils import _signer
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection import decision
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.auth import Request
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.retry import OutOfTime
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import TlsError, TransportError, address, is_loopback
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError, TransientError, parse_error

USER_AGENT = "hwcloud.mrs-ansible-collection"
_TYPE_NAMES = {dict: "an object", list: "a list"}

Endpoint = namedtuple("Endpoint", "service option url")
Endpoint.__doc__ = """Where a call goes: the service's name for messages (MRS, IAM), the option that sets its URL, the base URL."""


class ResizeOutcomeUnknown(MrsError):
    """The write (a resize, a policy write) may or may not have reached the service: only re-reading what it was meant
    to change can tell."""


def object_with(*keys, **types):
    """An answer check: the answer is a JSON object holding each key (of the given type, if named); it returns what is
    wrong, or None."""
    def check(document, _response=None):
        if not isinstance(document, dict):
            return "not a JSON object"
        for key in keys:
            if key not in document:
                return "no %r" % key
            wanted = types.get(key)
            if wanted is not None and not isinstance(document[key], wanted):
                return "%r is not %s" % (key, _TYPE_NAMES.get(wanted, wanted))
        return None
    return check


def empty_ok(document, _response=None):
    """The answer of a write whose answer has no fields: any JSON object, or no body at all."""
    return None if isinstance(document, dict) else "not a JSON object"


def _where(endpoint):
    """'MRS at host:port' for messages."""
    host, port = address(endpoint.url)
    return "%s at %s:%d" % (endpoint.service, "[%s]" % host if ":" in host else host, port)


def _noted(error, note):
    """A new error of the same kind as ``error`` whose message ends with ``note``."""
    if isinstance(error, MrsApiError):
        return type(error)(error.status, error.code, error.message + note, error.request_id, error.method, error.path)
    return type(error)(str(error) + note)


class _Tried:
    """One attempt: the answer (``response``, its ``document`` and what is wrong with it) or the transport ``error``."""

    def __init__(self, response=None, error=None, document=None, problem=None, hopeless=False):
        self.response, self.error, self.document, self.problem = response, error, document, problem
        status = None if response is None else response.status_code
        sent = error.sent if error is not None else True
        self.facts = decision.Attempt(status, sent, problem is None, hopeless)

    @property
    def retry_after(self):
        status = self.facts.status
        return self.response.header("Retry-After") if status is not None and (status == 429 or status >= 500) else None

    @property
    def redirect(self):
        where = self.response.header("Location")
        return " to %s" % where if where else ""


class Caller:
    """Calls one API route at a time for a client: ``call`` returns (document, response) of a documented success, or
    raises the error that says what happened (``decision`` decides which)."""

    def __init__(self, settings, send, retry, auth, verify):
        self.settings = settings
        self.send = send
        self.retry = retry
        self.auth = auth
        self.verify = verify

    def secrets(self):
        token = getattr(self.auth, "token", None)
        values = self.settings.secret_values() + ([token] if token else [])
        return sorted(set(values), key=len, reverse=True)

    def mask(self, text):
        # Imported with the first error message: AnsiballZ compiles every line a task imports, on every task, and a task
        # whose calls succeed builds no message (docs/performance.md).
        from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.masking import mask_secrets  # pylint: disable=import-outside-toplevel
        return mask_secrets(text, self.secrets())

    def call(self, endpoint, method, path, query=None, body=None, idempotent=True, expect=None, headers=None, auth=True):
        """(document, response) of a documented success of ``method`` ``path`` on ``endpoint`` (an Endpoint)."""
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        query_string = _signer.canonical_query_from_pairs((query or {}).items())
        url = endpoint.url + path + ("?" + query_string if query_string else "")
        route = "%s %s" % (method, path)
        number = 0
        while True:
            tried = self._try(endpoint, method, url, payload, dict(headers or {}), idempotent, expect, auth)
            action = decision.decide(tried.facts, idempotent, self.settings.retries - number, auth and self.auth.refreshable)
            if action == decision.RETURN:
                return tried.document, tried.response
            if action == decision.REFRESH:
                self.auth.refresh()  # the token expired during a long run: a new one, once
                continue
            if action == decision.UNKNOWN:
                raise ResizeOutcomeUnknown(self._unknown(endpoint, route, tried))
            failure = self._failure(endpoint, route, tried, number)
            if action == decision.FAIL:
                raise failure
            try:
                self.retry.pause(number, tried.retry_after)
            except OutOfTime as out:
                raise _noted(failure, "; no retry: %s" % out) from failure
            number += 1

    def _try(self, endpoint, method, url, payload, headers, idempotent, expect, auth):
        headers["Content-Type"] = "application/json"
        if auth:
            headers = self.auth.headers(Request(method, url, payload, headers))
        headers["User-Agent"] = USER_AGENT  # after signing, so a proxy may rewrite it
        if not idempotent and hasattr(self.send, "fresh_connections"):
            self.send.fresh_connections()
        limits = self.retry.attempt_limits(self.settings.connect_timeout, self.settings.read_timeout)
        try:
            response = self.send(method, url, body=payload or None, headers=headers, verify=self.verify, timeout=limits)
        except TransportError as error:
            hopeless = isinstance(error, TlsError) or (error.refused and is_loopback(address(endpoint.url)[0]))
            return _Tried(error=error, hopeless=hopeless)
        if not 200 <= response.status_code < 300:
            return _Tried(response)
        document, problem = _document(response, expect)
        return _Tried(response, document=document, problem=problem)

    def _unknown(self, endpoint, route, tried):
        """Why the outcome of a write is unknown."""
        tail = "; the request may or may not have been applied"
        if tried.error is not None:
            return self.mask("%s to %s failed: %s%s" % (route, _where(endpoint), tried.error.reason, tail))
        status = tried.facts.status
        if 200 <= status < 300:
            return self.mask("%s answered HTTP %d with a body that is %s%s" % (route, status, tried.problem, tail))
        if status < 400:
            return self.mask("%s answered HTTP %d%s, which is never followed%s" % (route, status, tried.redirect, tail))
        # A gateway may answer 5xx after the service accepted the write: only reading can tell.
        return "%s%s" % (self._api_error(tried.response, route), tail)

    def _failure(self, endpoint, route, tried, retries):
        """The error to raise when ``tried`` is not tried again (or, if a pause runs out of time, not any more)."""
        if tried.error is not None:
            return self._connection_failure(endpoint, route, tried.error, retries)
        status = tried.facts.status
        if 200 <= status < 300:
            return TransientError(self.mask("%s answered HTTP %d with an unreadable answer (%s) after %d retries"
                                            % (route, status, tried.problem, retries)))
        if status < 400:
            return TransientError(self.mask("%s answered HTTP %d%s, which is never followed, after %d retries; check %s"
                                            % (route, status, tried.redirect, retries, endpoint.option)))
        return self._api_error(tried.response, route)

    def _connection_failure(self, endpoint, route, error, retries):
        if isinstance(error, TlsError):
            return MrsError(self.mask("TLS verification of %s failed (%s): give ca_bundle, or validate_certs: false only for a "
                                      "test endpoint (%s, option %s)" % (endpoint.url, error.reason, _where(endpoint), endpoint.option)))
        host, port = address(endpoint.url)
        if error.refused and is_loopback(host):
            return TransientError(self.mask(
                "%s to %s failed: connection refused: nothing listens on port %d of this machine (%s is a loopback address), "
                "so it was not retried; is the service (or the MRS emulator) running there? check %s, proxy and network"
                % (route, _where(endpoint), port, host, endpoint.option)))
        return TransientError(self.mask("%s to %s failed: %s after %d retries; check %s, proxy and network"
                                        % (route, _where(endpoint), error.reason, retries, endpoint.option)))

    def _api_error(self, response, route):
        """The API error of an answer, every part of it masked before anything is cut (``parse_error`` cuts a long body)."""
        method, _space, path = route.partition(" ")
        return parse_error(response.status_code, response.text, response.header("X-Request-Id"), method, path, mask=self.mask)


def _document(response, expect):
    """(document, what is wrong with it or None) of a 2xx answer, checked by ``expect``."""
    if expect is empty_ok and not (response.content or b"").strip():
        return {}, None
    try:
        document = response.json()
    except ValueError:
        return None, "not JSON"
    return document, (expect(document, response) if expect is not None else None)
