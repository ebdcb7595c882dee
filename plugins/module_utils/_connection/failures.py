# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a failed request was: the TransportError for a failure of requests/urllib3, with a reason a user can act on and
whether the request can have reached the server.

PRIVATE to the collection: no compatibility promise outside it.

``transport`` imports this on a request's first failure only: a task whose requests succeed never compiles these rules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import ssl

try:
    import requests.exceptions
    import urllib3.exceptions
except ImportError:
    pass  # transport.py says so (HAS_REQUESTS), and without requests no request is made that could fail here

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import TlsError, TransportError


def transport_error(error, sent):
    """The TransportError for ``error`` (raised by requests or urllib3, or a ValueError of the transport's); ``sent``:
    whether the connection was made (or reused), so the request may have reached the server."""
    causes = _causes(error)
    for rule in _FAILURES:
        found = rule(error, causes, sent)
        if found is not None:
            return found
    return TransportError(_describe(causes[-1] if causes else error), sent)


def _causes(error):
    """The error and what caused it, outermost first (urllib3 and requests nest them in args and ``reason``)."""
    seen, queue = [], [error]
    while queue:
        current = queue.pop(0)
        if not isinstance(current, BaseException) or any(current is known for known in seen):
            continue
        seen.append(current)
        queue.extend([getattr(current, "reason", None), getattr(current, "original_error", None), current.__cause__,
                      current.__context__] + list(current.args))
    return seen


def _first(causes, types):
    return next((cause for cause in causes if isinstance(cause, types)), None)


def _verification_failure(causes):
    """Why the certificate was refused, or None. urllib3 1.26 matches host names itself and raises its own
    CertificateError (a ValueError, not ssl's), which only ever means a host name mismatch."""
    verification = _first(causes, (ssl.SSLCertVerificationError, ssl.CertificateError))
    if verification is not None:
        return getattr(verification, "verify_message", None) or str(verification)
    mismatch = next((cause for cause in causes if type(cause).__name__ == "CertificateError"), None)
    return None if mismatch is None else "Hostname mismatch: %s" % mismatch


# What a failure of requests/urllib3 was, first match wins: rule(error, causes, sent) -> TransportError or None.


def _refused_certificate(_error, causes, _sent):
    verification = _verification_failure(causes)
    return None if verification is None else TlsError("certificate verification failed: %s" % verification, sent=False)


def _proxy_failure(error, causes, sent):
    if sent or not isinstance(error, requests.exceptions.ProxyError):
        return None
    return TransportError("the proxy failed or refused the connection: %s" % _describe(_first(causes, (OSError,)) or error), sent=False)


def _failed_handshake(_error, causes, sent):
    handshake = _first(causes, (ssl.SSLError,))
    if sent or handshake is None or isinstance(handshake, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        return None  # an EOF in the handshake is a server dropping the connection: not a TLS refusal
    return TlsError("TLS handshake failed: %s" % (handshake.reason or handshake), sent=False)


def _unresolved_name(_error, causes, _sent):
    if _first(causes, (socket.gaierror, getattr(urllib3.exceptions, "NameResolutionError", socket.gaierror))) is None:
        return None
    return TransportError("name resolution failed", sent=False)


def _refused_connection(_error, causes, sent):
    if sent or _first(causes, (ConnectionRefusedError,)) is None:
        return None
    return TransportError("connection refused", sent=False, refused=True)


def _timed_out(error, causes, sent):
    if not (isinstance(error, requests.exceptions.Timeout) or _first(causes, (socket.timeout, urllib3.exceptions.TimeoutError))):
        return None
    return TransportError("read timed out" if sent else "connect timed out", sent)


def _local_value_error(error, _causes_, sent):
    """A ValueError of our own (the answer too large) or of the HTTP library (a header value it refuses)."""
    if isinstance(error, ValueError) and not isinstance(error, requests.exceptions.RequestException):
        return TransportError(str(error), sent)
    return None


_FAILURES = (_refused_certificate, _proxy_failure, _failed_handshake, _unresolved_name, _refused_connection, _timed_out,
             _local_value_error)


def _describe(error):
    return "%s: %s" % (type(error).__name__, error)
