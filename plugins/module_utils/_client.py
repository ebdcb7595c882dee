# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MRS client: the routes of MRS (and IAM's project lookup and token), and what counts as their documented answer.

PRIVATE to the collection: no compatibility promise outside it.

How a request is made, authenticated, retried and judged lives in ``_connection`` (settings, auth, transport, retry,
decision, call, masking); this file knows only routes and answer shapes. Each answer check takes the decoded document
(and the response) and returns what is wrong with it, or None.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import re
import time
from urllib.parse import quote

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.auth import Request, authenticator
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import Caller, Endpoint, empty_ok, object_with
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.regions import iam_endpoint, mrs_endpoint
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.retry import RetryPolicy
# Settings: what MrsClient takes; its users (modules, inventory, event source) build it from here
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.settings import Settings  # noqa: F401 pylint: disable=unused-import
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.settings import checked_url, normalise_iam_url, openssl_trust_named
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import HAS_REQUESTS, Transport
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import as_count

PAGE_SIZE = 100
# HWDOC ListNodes: the node_group filter takes 3 to 14 characters; a longer (or shorter) name is filtered here instead
NODE_GROUP_FILTER_LENGTHS = (3, 14)


# ================================================================================= answer shapes


def _entry_id(entry, id_key):
    """The id of a list entry (non-empty text or a number), or None when the entry has none or is not an object."""
    value = entry.get(id_key) if isinstance(entry, dict) else None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        return None
    return str(value)


def _paged_answer(items_key, total_key, id_key):
    """A page of a list: a JSON object with the list of entries (each an object with its id) and the list's total."""
    shape = object_with(items_key, total_key, **{items_key: list})

    def check(document, _response=None):
        problem = shape(document)
        if problem is not None:
            return problem
        if as_count(document[total_key]) is None:
            return "%r is %r, not a count" % (total_key, document[total_key])
        for index, entry in enumerate(document[items_key]):
            if not isinstance(entry, dict):
                return "%s[%d]: expected a JSON object, got %s" % (items_key, index, type(entry).__name__)
            if _entry_id(entry, id_key) is None:
                return "%s[%d].%s: missing or empty (every entry must carry its id)" % (items_key, index, id_key)
        return None
    return check


CLUSTER_ANSWER = object_with("cluster", cluster=dict)
CLUSTERS_ANSWER = _paged_answer("clusters", "clusterTotal", "clusterId")
HOSTS_ANSWER = _paged_answer("hosts", "total", "id")
NODES_ANSWER = _paged_answer("nodes", "node_total", "node_name")
PROJECTS_ANSWER = object_with("projects", projects=list)


def _resize_answer(document, _response=None):
    """The documented success of the resize: {"result": "succeeded"}."""
    if isinstance(document, dict) and str(document.get("result", "")).strip().lower() == "succeeded":
        return None
    return "not the documented success {\"result\": \"succeeded\"}"


V2_RESULTS = ("succeeded", "success", "failed")


def _v2_scale_answer(document, _response=None):
    """The documented answers of v2 expand/shrink: {"result": "succeeded" | "success" | "failed", "order_id"?}."""
    if isinstance(document, dict) and str(document.get("result", "")).strip().lower() in V2_RESULTS:
        order_id = document.get("order_id")
        if order_id is None or isinstance(order_id, str):
            return None
        return "an order_id that is not a string"
    return "not the documented {\"result\": \"succeeded\" | \"success\" | \"failed\"}"


POLICIES_KEY = "auto_scaling_policies"


def _POLICIES_ANSWER(document, _response=None):  # pylint: disable=invalid-name
    """The policy list: a bare JSON list (the vendor SDK's ShowAutoScalingPolicyResponse, Terraform), or that list
    wrapped as {"auto_scaling_policies": [...]} (Open Telekom Cloud's API example); anything else is unreadable."""
    if isinstance(document, list) or (isinstance(document, dict) and isinstance(document.get(POLICIES_KEY), list)):
        return None
    return 'neither a list of policies nor {"%s": [...]}' % POLICIES_KEY


_EMPTY_OK = empty_ok  # a write of a policy: the SDK's answer models have no fields, so any JSON object (or no body)


class MrsClient:
    """Talks to MRS (and IAM for tokens and project ids), one request at a time.

    Reads (and the IAM token request) are retried with jittered exponential back-off on 429 (honouring
    Retry-After), 5xx, redirects, unreadable answers and connection errors, ``retries`` times at most and
    never past ``deadline``. A resize (v1.1 PUT, v2 expand or shrink) is sent again only on 429 or when its connection
    was never made (``_connection.decision``).

    ``deadline``: a ``clock()`` value (``time.monotonic()`` by default) or None, set by the caller.
    ``auth_method``: how this client authenticates: token, aksk, temporary_aksk or password.
    """

    def __init__(self, settings, send=None, sleep=time.sleep, jitter=random.random, clock=time.monotonic):
        if send is None and not HAS_REQUESTS:
            raise MrsError("the Python library requests is required (pip install requests)")
        self.settings = settings.validate()
        if not (settings.endpoint or settings.region):
            raise MrsError("region is required unless endpoint is given (HW_REGION_NAME)")
        self.auth_method = settings.auth_method()
        self.endpoint = checked_url("endpoint", settings.endpoint or mrs_endpoint(settings.region)).rstrip("/")
        self.iam = normalise_iam_url(checked_url("iam_endpoint", settings.iam_endpoint or iam_endpoint(settings.region or "")))
        self._mrs_at = Endpoint("MRS", "endpoint", self.endpoint)
        self._iam_at = Endpoint("IAM", "iam_endpoint", self.iam)
        verify = (settings.ca_bundle or True) if settings.validate_certs else False
        tls = any(url.startswith("https://") for url in (self.endpoint, self.iam))
        send = send if send is not None else Transport(clock, openssl_trust=tls and verify is True and openssl_trust_named())
        self.retry = RetryPolicy(settings.retries, clock=clock, sleep=sleep, jitter=jitter)
        self._project_id = settings.project_id
        self.on_secret = None  # called with every secret learnt at run time (the IAM token), e.g. to add it to no_log
        self._auth = authenticator(settings, self._password_token)
        self._http = Caller(settings, send, self.retry, self._auth, verify)

    @property
    def deadline(self):
        return self.retry.deadline

    @deadline.setter
    def deadline(self, value):
        self.retry.deadline = value

    @property
    def verify(self):
        return self._http.verify

    # ----------------------------------------------------------------------------- MRS routes

    def get_cluster(self, cluster_id):
        return self._mrs("GET", "/cluster_infos/%s" % _segment(cluster_id), expect=CLUSTER_ANSWER)["cluster"]

    def list_clusters(self, cluster_name=None, cluster_state=None):
        """Every cluster matching the filters, across pages, each once (``_read_list``)."""
        filters = dict((key, value) for key, value in (("clusterName", cluster_name), ("clusterState", cluster_state)) if value)
        return self._read_v11_list("/cluster_infos", filters, "clusters", "clusterTotal", "clusterId", "the cluster list", "cluster")

    def list_hosts(self, cluster_id, expected=None):
        """Every host of the cluster, across pages, each once (``_read_list``).

        ``expected``: the cluster's node count as its answer gives it (``_paging.cluster_node_total``), or None; the
        list must hold exactly that many hosts.
        """
        return self._read_v11_list("/clusters/%s/hosts" % _segment(cluster_id), {}, "hosts", "total", "id",
                                   "the host list of cluster %s" % cluster_id, "host",
                                   expected=expected, source="the cluster answer's node count")

    def resize(self, cluster_id, body):
        """Send one resize. Raises ResizeOutcomeUnknown when the request may have been applied unseen."""
        return self._mrs("PUT", "/cluster_infos/%s" % _segment(cluster_id), body=body, idempotent=False, expect=_resize_answer)

    def expand(self, cluster_id, body):
        """Send one v2 expand (``POST /v2/{project_id}/clusters/{id}/expand``), never re-sent once it may have arrived.

        Returns ``{"result": ..., "order_id": str or None}``; ``order_id`` only for a yearly/monthly group, whose nodes
        come once the order is paid. Raises ResizeOutcomeUnknown as ``resize`` does, MrsError for ``"result": "failed"``.
        """
        return self._v2_scale("expand", cluster_id, body)

    def shrink(self, cluster_id, body):
        """Send one v2 shrink (``POST /v2/{project_id}/clusters/{id}/shrink``); the same guarantees as ``expand``."""
        return self._v2_scale("shrink", cluster_id, body)

    def _v2_scale(self, action, cluster_id, body):
        path = "/v2/%s/clusters/%s/%s" % (self.project_id, _segment(cluster_id), action)
        answer = self._call("POST", path, body=body, idempotent=False, expect=_v2_scale_answer)[0]
        result = str(answer["result"]).strip().lower()
        if result == "failed":
            raise MrsError("POST %s answered {\"result\": \"failed\"}: MRS did not accept the %s; check the cluster's operation "
                           "log in the MRS console before running the task again" % (path, action))
        order_id = answer.get("order_id") or None
        return {"result": result, "order_id": order_id}

    # ..... inventory (#15): the clusters by tag, the v2 node list with components

    def list_tagged_clusters(self, tags):
        """Every cluster carrying all of tags ({key: value or None for the key alone}), across pages, each once."""
        wanted = ",".join(key if value in (None, "") else "%s*%s" % (key, value) for key, value in sorted(tags.items()))
        filters = {"tags": wanted} if wanted else {}
        return self._read_v11_list("/cluster_infos", filters, "clusters", "clusterTotal", "clusterId", "the cluster list", "cluster")

    def list_nodes(self, cluster_id, node_group=None, ecs_detail=False, expected=None):
        """Every node of the cluster (of ``node_group`` only, when given) with its components, across pages, each once
        (``GET /v2/{project_id}/clusters/{id}/nodes``, ``_read_list``).

        The route pages by ``limit`` and ``offset``, read as the page number from 1 (the vendor SDK's default of 1). MRS
        lists a node's components only with ``query_node_detail=true``, which is always sent (every reader of the list
        needs them: the DataNode minimum of a custom group, ``include_nodes``, the inventory), and its ``cpu`` / ``mem``
        only with ``query_ecs_detail=true``, sent when ``ecs_detail`` asks (where they are shown). ``node_group`` is
        also filtered here, so a name the route's filter does not take (3 to 14 characters) is filtered here only.
        ``expected``: the count the cluster answer gives for these nodes (the cluster's, or the group's), or None.
        """
        filters = {"query_node_detail": "true"}
        if ecs_detail:
            filters["query_ecs_detail"] = "true"
        low, high = NODE_GROUP_FILTER_LENGTHS
        if node_group is not None and low <= len(node_group) <= high:
            filters["node_group"] = node_group
        path = "/v2/%s/clusters/%s/nodes" % (self.project_id, _segment(cluster_id))
        what = "the v2 node list of cluster %s%s" % (cluster_id, "" if node_group is None else ", group %s" % node_group)
        keep = None if node_group is None else (lambda node: node.get("node_group_name") == node_group)
        source = "the cluster answer's node count" if node_group is None else "the cluster answer's count of group %s" % node_group
        return self._read_list(path, filters, lambda page: dict(limit=PAGE_SIZE, offset=page), "nodes", "node_total", "node_name",
                               what, "node", expected=expected, source=source, keep=keep)

    # auto-scaling policies (v2): one GET lists every group's policy; the writes answer an empty object (or nothing)

    def _policy_call(self, method, cluster_id, body=None, idempotent=True, expect=None):
        path = "/v2/%s/autoscaling-policy/%s" % (self.project_id, _segment(cluster_id))
        return self._call(method, path, body=body, idempotent=idempotent, expect=expect)[0]

    def list_policies(self, cluster_id):
        """Every auto-scaling policy of the cluster: [{node_group_name, resource_pool_name, auto_scaling_policy}], whether
        MRS answers the bare list or wraps it in {"auto_scaling_policies": [...]}."""
        document = self._policy_call("GET", cluster_id, expect=_POLICIES_ANSWER)
        return document if isinstance(document, list) else document[POLICIES_KEY]

    def create_policy(self, cluster_id, body):
        """Send one policy create (so update and delete): never sent again once it may have arrived. ResizeOutcomeUnknown
        when its answer was lost (a 5xx, an unreadable 2xx, a redirect, a reset after sending): the caller settles it by
        reading the policies back."""
        return self._policy_call("POST", cluster_id, body=body, idempotent=False, expect=_EMPTY_OK)

    def update_policy(self, cluster_id, body):
        return self._policy_call("PUT", cluster_id, body=body, idempotent=False, expect=_EMPTY_OK)

    def delete_policy(self, cluster_id, node_group, resource_pool):
        body = {"node_group_name": node_group, "resource_pool_name": resource_pool}
        return self._policy_call("DELETE", cluster_id, body=body, idempotent=False, expect=_EMPTY_OK)

    # ----------------------------------------------------------------------------- plumbing

    @property
    def project_id(self):
        if not self._project_id:
            self._project_id = self._discover_project_id()
        return self._project_id

    def _call(self, method, path, query=None, body=None, idempotent=True, expect=None):
        """(document, response) of a call to a route of MRS in the project (``_connection.call``)."""
        return self._http.call(self._mrs_at, method, path, query, body, idempotent, expect, headers={"X-Project-Id": self.project_id})

    def _mrs(self, method, route, query=None, body=None, idempotent=True, expect=None):
        return self._call(method, "/v1.1/%s%s" % (self.project_id, route), query, body, idempotent, expect)[0]

    def _read_v11_list(self, route, filters, items_key, total_key, id_key, what, noun, expected=None, source=None):
        path = "/v1.1/%s%s" % (self.project_id, route)
        return self._read_list(path, filters, lambda page: dict(pageSize=PAGE_SIZE, currentPage=page), items_key, total_key,
                               id_key, what, noun, expected=expected, source=source)

    def _read_list(self, path, filters, paging, items_key, total_key, id_key, what, noun, expected=None, source=None, keep=None):
        """Every distinct entry of a paged list, through the one paged reader (``_paging.read_all``): each entry once by
        its id, the count checked against the list's total and ``expected``, one re-read from page 1 when they
        disagree, then a failure naming the list. A page whose entries lack their id, or whose total is no count, is
        an unreadable answer, retried like any other. ``expected``: the count another answer gives (``source`` says
        which), or None. The paged reader is imported here: a task that reads no list never compiles it."""
        from ansible_collections.hwcloud.mrs.plugins.module_utils import _paging  # pylint: disable=import-outside-toplevel
        expect = _paged_answer(items_key, total_key, id_key)

        def fetch(page):
            answer = self._call("GET", path, dict(filters, **paging(page)), expect=expect)[0]
            return answer[items_key], as_count(answer[total_key])

        return _paging.read_all(fetch, lambda entry: _entry_id(entry, id_key), "%s (GET %s)" % (what, path), noun,
                                expected=None if expected is None else _paging.Expected(expected, source), keep=keep)

    # ----------------------------------------------------------------------------- IAM

    def _password_token(self):
        """A project-scoped token from IAM (``auth/password.py``); it names the project when project_id was not given."""
        from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.auth import password  # pylint: disable=import-outside-toplevel
        body = password.token_request(self.settings, self._project_id)
        document, response = self._http.call(self._iam_at, "POST", password.TOKEN_PATH, body=body, expect=password.TOKEN_ANSWER,
                                             auth=False)
        token, project_id = password.token_of(document, response)
        if self.on_secret is not None:
            self.on_secret(token)
        if not self._project_id:
            self._project_id = project_id
        return token

    def _discover_project_id(self):
        if self.auth_method == "password":
            self._auth.headers(Request("POST", self.iam, b"", {}))  # obtains the token, which names the project
            if self._project_id:
                return self._project_id
        if not self.settings.region:
            raise MrsError("project_id is required when region is not given (HW_PROJECT_ID)")
        region = self.settings.region
        document = self._http.call(self._iam_at, "GET", "/v3/projects", query={"name": region}, expect=PROJECTS_ANSWER)[0]
        projects = document["projects"]
        if not projects:
            raise MrsError("found 0 projects named %r in IAM (%s): %s; give the right region, or give project_id explicitly"
                           % (region, self.iam, _region_hint(region)), parameter="region")
        if len(projects) != 1:
            raise MrsError("found %d projects named %r in IAM; give project_id explicitly" % (len(projects), region))
        project_id = projects[0].get("id") if isinstance(projects[0], dict) else None
        if not isinstance(project_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", project_id):
            raise MrsError("IAM answered GET /v3/projects with a project without a usable id; give project_id explicitly")
        return project_id


def _region_hint(region):
    """Why IAM may know no project of that name, and the known region ids closest to it."""
    from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.regions import REGIONS, closest_regions  # pylint: disable=import-outside-toplevel
    closest = ", ".join(closest_regions(region))
    if region in REGIONS:
        return ("the region is probably wrong: %s is a Huawei Cloud region, but this account has no project in it (or "
                "iam_endpoint belongs to another cloud); regions with a close name: %s" % (region, closest))
    return "the region is probably wrong: %s is not a known Huawei Cloud region; the closest known: %s" % (region, closest)


def _segment(value):
    """A path segment: an id is quoted so that it can never change the route."""
    return quote(str(value), safe="")
