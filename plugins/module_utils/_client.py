# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MRS client: endpoints, authentication, retries and error parsing, over _http.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import random
import time
from urllib.parse import urlsplit

from ansible_collections.hwcloud.mrs.plugins.module_utils import _http, _signer
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import TRANSIENT_STATUSES, MrsError, TransientError, parse_error

USER_AGENT = "hwcloud.mrs-ansible-collection"
MAX_RETRY_AFTER = 60.0
# Regions whose MRS endpoint is not under myhuaweicloud.com (huaweicloudsdkmrs v1 region table).
MRS_DOMAIN_EXCEPTIONS = {
    "ap-southeast-1": "myhuaweicloud.cn",
    "ap-southeast-4": "myhuaweicloud.cn",
    "ru-northwest-2": "myhuaweicloud.cn",
    "eu-west-101": "myhuaweicloud.eu",
}
PAGE_SIZE = 100


class ResizeOutcomeUnknown(MrsError):
    """The resize request may or may not have reached MRS: only re-reading the cluster can tell."""


def mrs_endpoint(region):
    return "https://mrs.%s.%s" % (region, MRS_DOMAIN_EXCEPTIONS.get(region, "myhuaweicloud.com"))


def iam_endpoint(region):
    return "https://iam.%s.myhuaweicloud.com" % region


def _checked_url(option, url):
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and parts.hostname and (parts.port or True)
    except ValueError:  # a port that is not a number
        usable = False
    if not usable:
        raise MrsError("%s: must be an http:// or https:// URL with a host name, got %r" % (option, url))
    return url


def _normalise_iam_url(url):
    """Accept an IAM URL with or without the '/v3' suffix Terraform's HW_AUTH_URL carries."""
    url = url.rstrip("/")
    return url[:-len("/v3")] if url.endswith("/v3") else url


class Settings:
    """The connection options of a task, as the doc fragment documents them."""

    FIELDS = ("region", "project_id", "access_key", "secret_key", "security_token", "auth_token", "user_name",
              "password", "domain_name", "endpoint", "iam_endpoint", "validate_certs", "ca_bundle",
              "connect_timeout", "read_timeout", "retries")
    SECRETS = ("secret_key", "security_token", "auth_token", "password")

    def __init__(self, **values):
        unknown = set(values) - set(self.FIELDS)
        if unknown:
            raise TypeError("unknown connection settings: %s" % ", ".join(sorted(unknown)))
        defaults = dict(validate_certs=True, connect_timeout=10, read_timeout=60, retries=4)
        for field in self.FIELDS:
            value = values.get(field)
            setattr(self, field, defaults.get(field) if value is None else value)

    def secret_values(self):
        return [value for value in (getattr(self, name) for name in self.SECRETS) if value]

    def auth_method(self):
        """Which way to authenticate, or a message naming what is missing."""
        if self.auth_token:
            return "token"
        if self.access_key or self.secret_key:
            if not (self.access_key and self.secret_key):
                raise MrsError("access_key and secret_key must be given together")
            return "aksk"
        if self.user_name or self.password:
            if not (self.user_name and self.password and self.domain_name):
                raise MrsError("IAM password authentication needs user_name, password and domain_name")
            return "password"
        raise MrsError("no credentials: give access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), auth_token, "
                       "or user_name, password and domain_name")


class MrsClient:
    """Talks to MRS (and IAM for tokens and project ids), one request at a time.

    Reads are retried with jittered exponential backoff on 429 (honouring Retry-After), 5xx and connection
    errors, `retries` times at most. The resize is never retried once it may have reached the server.
    """

    def __init__(self, settings, send=_http.send, sleep=time.sleep, jitter=random.random):
        self.settings = settings
        self.method = settings.auth_method()
        if not (settings.endpoint or settings.region):
            raise MrsError("region is required unless endpoint is given (HW_REGION_NAME)")
        self.endpoint = _checked_url("endpoint", settings.endpoint or mrs_endpoint(settings.region)).rstrip("/")
        self.iam = _normalise_iam_url(_checked_url("iam_endpoint", settings.iam_endpoint or iam_endpoint(settings.region or "")))
        self.verify = (settings.ca_bundle or True) if settings.validate_certs else False
        self._send = send
        self._sleep = sleep
        self._jitter = jitter
        self._token = settings.auth_token
        self._project_id = settings.project_id

    # ----------------------------------------------------------------------------- MRS routes

    def get_cluster(self, cluster_id):
        return self._mrs("GET", "/cluster_infos/%s" % cluster_id)["cluster"]

    def list_clusters(self, cluster_name=None, cluster_state=None):
        """Every cluster matching the filters, across pages."""
        filters = dict((key, value) for key, value in (("clusterName", cluster_name), ("clusterState", cluster_state)) if value)
        return self._paged("/cluster_infos", filters, items_key="clusters", total_key="clusterTotal")

    def list_hosts(self, cluster_id):
        return self._paged("/clusters/%s/hosts" % cluster_id, {}, items_key="hosts", total_key="total")

    def resize(self, cluster_id, body):
        """Send one resize. Raises ResizeOutcomeUnknown when the request may have been applied unseen."""
        return self._mrs("PUT", "/cluster_infos/%s" % cluster_id, body=body, idempotent=False)

    # ----------------------------------------------------------------------------- plumbing

    @property
    def project_id(self):
        if not self._project_id:
            self._project_id = self._discover_project_id()
        return self._project_id

    def _mrs(self, method, route, query=None, body=None, idempotent=True):
        path = "/v1.1/%s%s" % (self.project_id, route)
        return _json(self._call(self.endpoint, method, path, query, body, idempotent, project_scoped=True))

    def _paged(self, route, filters, items_key, total_key):
        items, page = [], 1
        while True:
            answer = self._mrs("GET", route, query=dict(filters, pageSize=PAGE_SIZE, currentPage=page))
            batch = answer.get(items_key) or []
            items.extend(batch)
            if not batch or len(items) >= int(answer.get(total_key) or 0):
                return items
            page += 1

    def _call(self, base, method, path, query=None, body=None, idempotent=True, project_scoped=False):
        payload = b"" if body is None else json.dumps(body).encode("utf-8")
        query_string = _signer.canonical_query_from_pairs((query or {}).items())
        url = base + path + ("?" + query_string if query_string else "")
        attempt, token_refreshed = 0, False
        while True:
            headers = self._auth_headers(method, url, payload, project_scoped)
            try:
                response = self._request(method, url, payload or None, headers)
            except _http.TlsError as error:
                raise MrsError("TLS verification of %s failed (%s): give ca_bundle, or validate_certs: false only for a "
                               "test endpoint" % (base, error.reason))
            except _http.TransportError as error:
                # A request whose connection was never made did not reach MRS: even the resize may be sent again.
                if (error.sent and not idempotent) or attempt >= self.settings.retries:
                    raise self._transport_error(error, method, path, idempotent)
                delay = self._backoff(attempt)
            else:
                if response.status_code < 400:
                    return response
                if response.status_code == 401 and self.method == "password" and not token_refreshed:
                    self._token, token_refreshed = None, True  # the token expired during a long run: get a new one
                    continue
                if not idempotent and response.status_code in TRANSIENT_STATUSES and response.status_code != 429:
                    # A gateway may answer 5xx after MRS accepted the resize: only the cluster can tell.
                    raise ResizeOutcomeUnknown("%s; the request may or may not have been applied" % self._api_error(response, method, path))
                if not self._should_retry(response, idempotent) or attempt >= self.settings.retries:
                    raise self._api_error(response, method, path)
                delay = self._backoff(attempt, response.headers.get("Retry-After"))
            self._sleep(delay)
            attempt += 1

    def _request(self, method, url, payload, headers):
        return self._send(method, url, body=payload, headers=dict(headers, **{"User-Agent": USER_AGENT}), verify=self.verify,
                          timeout=(self.settings.connect_timeout, self.settings.read_timeout))

    @staticmethod
    def _should_retry(response, idempotent):
        """429 means the request was not processed, so even the resize may be sent again; 5xx may not."""
        return response.status_code == 429 or (idempotent and response.status_code in TRANSIENT_STATUSES)

    def _backoff(self, attempt, retry_after=None):
        if retry_after:
            try:
                return min(float(retry_after), MAX_RETRY_AFTER)
            except ValueError:
                pass  # an HTTP date: fall back to our own schedule
        ceiling = min(1.0 * 2 ** attempt, 30.0)
        return ceiling / 2 + self._jitter() * ceiling / 2

    def _transport_error(self, error, method, path, idempotent):
        detail = "%s %s failed: %s" % (method, path, error.reason)
        if error.sent and not idempotent:
            return ResizeOutcomeUnknown(detail + "; the request may or may not have been applied")
        return TransientError(detail + " after %d retries; check endpoint, proxy and network" % self.settings.retries)

    def _api_error(self, response, method, path):
        error = parse_error(response.status_code, response.text, response.headers.get("X-Request-Id"), method, path)
        for secret in self.settings.secret_values() + ([self._token] if self._token else []):
            error.message = error.message.replace(secret, "********")
        error.args = (error.describe(),)
        return error

    # ----------------------------------------------------------------------------- authentication

    def _auth_headers(self, method, url, payload, project_scoped):
        headers = {"Content-Type": "application/json"}
        if project_scoped:
            headers["X-Project-Id"] = self.project_id
        if self.method == "aksk":
            if self.settings.security_token:
                headers["X-Security-Token"] = self.settings.security_token
            return _signer.sign(method, url, headers, payload, self.settings.access_key, self.settings.secret_key)
        headers["X-Auth-Token"] = self._token or self._password_token()
        return headers

    def _password_token(self):
        """A project-scoped token from IAM; scoped by project id when known, else by the region's name."""
        if not (self._project_id or self.settings.region):
            raise MrsError("project_id or region is required for IAM password authentication")
        scope = {"id": self._project_id} if self._project_id else {"name": self.settings.region}
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": self.settings.user_name, "password": self.settings.password,
                "domain": {"name": self.settings.domain_name}}}},
            "scope": {"project": scope}}}
        response = self._call_iam("POST", "/v3/auth/tokens", body=body, authenticated=False)
        self._token = response.headers.get("X-Subject-Token")
        if not self._token:
            raise MrsError("IAM answered without a token (no X-Subject-Token header)")
        if not self._project_id:
            self._project_id = (_json(response).get("token") or {}).get("project", {}).get("id")
        return self._token

    def _discover_project_id(self):
        if self.method == "password":
            self._password_token()
            if self._project_id:
                return self._project_id
        if not self.settings.region:
            raise MrsError("project_id is required when region is not given (HW_PROJECT_ID)")
        response = self._call_iam("GET", "/v3/projects", query={"name": self.settings.region})
        projects = _json(response).get("projects") or []
        if len(projects) != 1:
            raise MrsError("found %d projects named %r in IAM; give project_id explicitly" % (len(projects), self.settings.region))
        return projects[0]["id"]

    def _call_iam(self, method, path, query=None, body=None, authenticated=True):
        if authenticated:
            return self._call(self.iam, method, path, query, body)
        # The password request authenticates itself: send it without signing or a token, and never retry on 401.
        payload = json.dumps(body).encode("utf-8")
        try:
            response = self._request("POST", self.iam + path, payload, {"Content-Type": "application/json"})
        except _http.TransportError as error:
            raise MrsError("%s %s failed: %s; check iam_endpoint, proxy and network" % (method, path, error.reason))
        if response.status_code >= 400:
            raise self._api_error(response, method, path)
        return response


def _json(response):
    try:
        return response.json()
    except ValueError:
        raise MrsError("%s answered with a body that is not JSON (HTTP %s)" % (response.url.split("?")[0], response.status_code))
