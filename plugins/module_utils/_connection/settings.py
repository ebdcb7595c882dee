# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options of a task, as plugins/doc_fragments/connection.py documents them: cleaned, then validated
before any request, each failure naming its option and never echoing a secret.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import os
import re
import ssl
from urllib.parse import urlsplit

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def openssl_trust_named(environ=None):
    """Whether the environment names an OpenSSL trust store (SSL_CERT_FILE / SSL_CERT_DIR).

    requests alone reads only REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (else certifi). The standard library, curl and
    ansible.builtin.uri read these two, so a company CA added there is trusted too, beside requests' bundle.
    """
    environ = os.environ if environ is None else environ
    return bool(environ.get("SSL_CERT_FILE") or environ.get("SSL_CERT_DIR"))


def _usable_parts(url):
    """The parts of an http(s) URL with a host name and a numeric port (if any), or None."""
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and parts.hostname and (parts.port or True)
    except ValueError:  # a port that is not a number
        return None
    return parts if usable else None


def checked_url(option, url):
    """An http(s) URL with a host and nothing a base URL must not carry; the message never echoes credentials."""
    if not isinstance(url, str) or url != url.strip() or re.search(r"\s", url) or _CONTROL.search(url):
        raise MrsError("%s: must be an http:// or https:// URL without spaces or control characters" % option)
    parts = _usable_parts(url)
    if parts is not None and (parts.username is not None or parts.password is not None):
        raise MrsError("%s: must not carry user:password@ (credentials go in their own options)" % option)
    if parts is None:
        raise MrsError("%s: must be an http:// or https:// URL with a host name, got %r" % (option, url))
    if parts.query or parts.fragment or url.rstrip("/").endswith(("?", "#")):
        raise MrsError("%s: must not have a query (?...) or a fragment (#...), got %r" % (option, url))
    try:
        url.encode("ascii")
    except UnicodeEncodeError:
        raise MrsError("%s: must be ASCII (write an international host name in its xn-- form), got %r" % (option, url))
    return url


def normalise_iam_url(url):
    """Accept an IAM URL with or without the '/v3' suffix Terraform's HW_AUTH_URL carries."""
    url = url.rstrip("/")
    return url[:-len("/v3")] if url.endswith("/v3") else url


def _positive_number(option, value):
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise MrsError("%s: must be a number of seconds" % option)
    if not math.isfinite(number) or number <= 0:
        raise MrsError("%s: must be a finite number of seconds greater than 0, got %s" % (option, value))
    return number


def _check_secret(name, value, header):
    """A secret (or the access key) that can be used: a string, no control character, latin-1 when sent in a header."""
    if not isinstance(value, str):
        raise MrsError("%s: must be a string" % name)
    if _CONTROL.search(value):
        raise MrsError("%s: contains a control character (a line break or tab inside the value?); the value is not shown" % name)
    if header:
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise MrsError("%s: contains characters that cannot be sent in an HTTP header (non-latin-1); the value is not "
                           "shown" % name)


def _check_ca_bundle(ca_bundle):
    if not isinstance(ca_bundle, str) or not os.path.exists(ca_bundle):
        raise MrsError("ca_bundle: no such file or directory: %s" % (ca_bundle,))
    if not os.path.isdir(ca_bundle):
        try:
            ssl.create_default_context(cafile=ca_bundle)
        except (ssl.SSLError, OSError, ValueError) as error:
            raise MrsError("ca_bundle: cannot load %s as PEM CA certificates (%s)" % (ca_bundle, getattr(error, "reason", None) or error))


class Settings:
    """The connection options of a task, as the doc fragment documents them: cleaned here, validated by ``validate()``."""

    FIELDS = ("region", "project_id", "access_key", "secret_key", "security_token", "auth_token", "user_name",
              "password", "domain_name", "endpoint", "iam_endpoint", "validate_certs", "ca_bundle",
              "connect_timeout", "read_timeout", "retries")
    SECRETS = ("secret_key", "security_token", "auth_token", "password")
    # values sent in a header must be latin-1 text without control characters (the HTTP library's rule, checked here first)
    HEADER_VALUES = ("access_key", "security_token", "auth_token")

    def __init__(self, **values):
        unknown = set(values) - set(self.FIELDS)
        if unknown:
            raise TypeError("unknown connection settings: %s" % ", ".join(sorted(unknown)))
        defaults = dict(validate_certs=True, connect_timeout=10, read_timeout=60, retries=4)
        self._raw_secrets = []
        for field in self.FIELDS:
            value = values.get(field)
            if field in self.SECRETS + ("access_key",) and isinstance(value, str):
                if field in self.SECRETS:
                    self._raw_secrets.append(value)
                # `ansible-vault encrypt_string` reading stdin keeps the trailing newline; an empty value is no value
                value = value.strip() or None
            elif value == "":
                value = None  # an empty environment variable (HW_PROJECT_ID="") gives no value, as it always did
            setattr(self, field, defaults.get(field) if value is None else value)

    def secret_values(self):
        """Every secret as given and as cleaned, for masking."""
        cleaned = [value for value in (getattr(self, name) for name in self.SECRETS) if value]
        return [value for value in cleaned + self._raw_secrets if isinstance(value, str) and value.strip()]

    def validate(self):
        """Fail naming the option for any value that cannot work; never echo a secret."""
        for name in self.SECRETS + ("access_key",):
            if getattr(self, name) is not None:
                _check_secret(name, getattr(self, name), name in self.HEADER_VALUES)
        for name, rule in (("project_id", r"[A-Za-z0-9_-]+"), ("region", r"[A-Za-z0-9_.-]+")):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, str) and re.fullmatch(rule, value)):
                raise MrsError("%s: must be letters, digits, '-' or '_' only (no spaces, line breaks or other characters), got %r"
                               % (name, value))
        self.connect_timeout = _positive_number("connect_timeout", self.connect_timeout)
        self.read_timeout = _positive_number("read_timeout", self.read_timeout)
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or self.retries < 0:
            raise MrsError("retries: must be an integer of 0 or more, got %r" % (self.retries,))
        for name in ("endpoint", "iam_endpoint"):
            if getattr(self, name) is not None:
                checked_url(name, getattr(self, name))
        if self.ca_bundle is not None and self.validate_certs:
            _check_ca_bundle(self.ca_bundle)
        return self

    def auth_method(self):
        """Which way to authenticate, or a message naming what is missing. The precedence is documented."""
        if self.auth_token:
            return "token"
        if self.access_key or self.secret_key:
            if not (self.access_key and self.secret_key):
                raise MrsError("access_key and secret_key must be given together")
            return "temporary_aksk" if self.security_token else "aksk"
        if self.user_name or self.password:
            if not (self.user_name and self.password and self.domain_name):
                raise MrsError("IAM password authentication needs user_name, password and domain_name")
            return "password"
        raise MrsError("no credentials: give access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), auth_token, "
                       "or user_name, password and domain_name")

    def ignored_credentials(self):
        """The credential options given but not used because another method takes precedence."""
        method = self.auth_method()
        given = [name for name in ("access_key", "secret_key", "user_name", "password") if getattr(self, name)]
        used = dict(token=(), aksk=("access_key", "secret_key"), temporary_aksk=("access_key", "secret_key"),
                    password=("user_name", "password"))[method]
        return [name for name in given if name not in used]
