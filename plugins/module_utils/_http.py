# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP request at a time, on the standard library.

Why not requests: importing it (urllib3, charset_normalizer, idna, certifi) costs about 120 ms of CPU on
every task, more than everything else a no-op task runs; http.client and ssl cost about 20 ms (issue #6,
docs/performance.md). A run makes a few requests, seconds apart, so it needs no pool and no keep-alive:
every request has a connection of its own. That also makes "was the request sent?" exact: a request
whose connection was never made never left this process, which is what lets the client send the
resize again safely.

- Trust: the system's CA store, as ansible.builtin.uri; ``verify`` may name a CA file or directory
  instead, or be False.
- Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) from the environment, as curl and
  requests read them; ``user:password@`` in the proxy URL becomes Proxy-Authorization.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import functools
import http.client
import json
import os
import socket
import ssl
from urllib.parse import unquote, urlsplit
from urllib.request import getproxies_environment, proxy_bypass_environment


class TransportError(Exception):
    """No answer came. ``sent`` is False only when the connection was never made: then the server got nothing."""

    def __init__(self, reason, sent):
        super(TransportError, self).__init__(reason)
        self.reason = reason
        self.sent = sent


class TlsError(TransportError):
    """The TLS handshake failed, certificate verification included: sending again will not help."""


class Response:
    """An answer: ``status_code``, ``headers`` (case-insensitive ``get``), ``content`` (bytes) and ``url``."""

    def __init__(self, status_code, headers, content, url):
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.url = url

    @property
    def text(self):
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content.decode("utf-8"))


def send(method, url, timeout, body=None, headers=None, verify=True):
    """Send one request on a connection of its own and return the Response; raise TransportError if no answer came.

    ``timeout`` is (connect, read) seconds. ``verify`` is True (the system's CA store), a CA file or
    directory, or False (no verification).
    """
    parts = urlsplit(url)
    proxy = proxy_for(parts.scheme, parts.hostname)
    headers = dict(headers or {})
    target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    connect_timeout, read_timeout = timeout
    host, port, proxy_authorization = proxy or (parts.hostname, parts.port, {})
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=connect_timeout, context=tls_context(verify))
        if proxy:
            connection.set_tunnel(parts.hostname, parts.port or 443, headers=proxy_authorization)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=connect_timeout)
        if proxy:
            target = url  # a plain-HTTP proxy takes the absolute URL
            headers.update(proxy_authorization)
    try:
        try:
            connection.connect()
        except (OSError, http.client.HTTPException) as error:
            raise _translated(error, sent=False)
        try:
            connection.sock.settimeout(read_timeout)
            connection.request(method, target, body=body, headers=headers)
            answer = connection.getresponse()
            return Response(answer.status, answer.headers, answer.read(), url)
        except (OSError, http.client.HTTPException) as error:
            raise _translated(error, sent=True)
    finally:
        connection.close()


@functools.lru_cache(maxsize=None)
def tls_context(verify):
    """The client TLS context, made once per ``verify`` value: loading a CA store costs tens of ms of CPU.

    A CA file that cannot be read is a TlsError, not a traceback (and is not cached).
    """
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if isinstance(verify, str):
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        try:
            return ssl.create_default_context(cafile=verify)
        except ssl.SSLError as error:
            raise TlsError("cannot load the CA bundle %s (not PEM certificates?): %s" % (verify, error.reason or error), sent=False)
        except OSError as error:
            raise TlsError("cannot read the CA bundle %s: %s" % (verify, error.strerror or error), sent=False)
    return ssl.create_default_context()


def proxy_for(scheme, host):
    """(host, port, Proxy-Authorization header) of the proxy for this request, or None (no proxy, or NO_PROXY says so)."""
    proxies = getproxies_environment()
    if not proxies.get(scheme) or proxy_bypass_environment(host, proxies):
        return None
    proxy = urlsplit(proxies[scheme] if "://" in proxies[scheme] else "http://" + proxies[scheme])
    # Without a port, the scheme's own, as requests (urllib3) did: 80 for http://, 443 for https://.
    port = proxy.port or (443 if proxy.scheme == "https" else 80)
    if not proxy.username:
        return proxy.hostname, port, {}
    credentials = "%s:%s" % (unquote(proxy.username), unquote(proxy.password or ""))
    return proxy.hostname, port, {"Proxy-Authorization": "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")}


def _translated(error, sent):
    """The TransportError for a failure of http.client, ssl or the socket, with a reason a user can act on."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return TlsError("certificate verification failed: %s" % (error.verify_message or error.reason), sent=False)
    if not sent and isinstance(error, ssl.SSLError) and not isinstance(error, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        return TlsError("TLS handshake failed: %s" % (error.reason or error), sent=False)
    if isinstance(error, socket.timeout):
        return TransportError("read timed out" if sent else "connect timed out", sent)
    if isinstance(error, socket.gaierror):
        return TransportError("name resolution failed", sent=False)
    if isinstance(error, ConnectionRefusedError):
        return TransportError("connection refused", sent=False)
    return TransportError("%s: %s" % (type(error).__name__, error), sent)
