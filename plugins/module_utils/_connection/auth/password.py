# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM user name and password: a project-scoped token obtained from IAM (``POST /v3/auth/tokens``), renewed once.

PRIVATE to the collection: no compatibility promise outside it.

The request itself goes through the client (retried like a read, never on 400/401: a wrong password sent again could
lock the IAM user); this file holds what it sends and what counts as its answer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import object_with
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError

TOKEN_PATH = "/v3/auth/tokens"


class Password:
    """A token obtained from IAM with user name and password, renewed once when it expires mid-run."""

    name = "password"

    def __init__(self, obtain):
        self._obtain = obtain  # () -> token; the client's IAM call, retried like a read
        self.token = None
        self.refreshed = False

    @property
    def refreshable(self):
        return not self.refreshed

    def headers(self, request):
        if not self.token:
            self.token = self._obtain()
        return dict(request.headers, **{"X-Auth-Token": self.token})

    def refresh(self):
        if self.refreshed:
            return False
        self.token, self.refreshed = None, True
        return True


def token_request(settings, project_id):
    """The body of the token request: scoped by project id when known, else by the region's name."""
    if not (project_id or settings.region):
        raise MrsError("project_id or region is required for IAM password authentication")
    scope = {"id": project_id} if project_id else {"name": settings.region}
    return {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": settings.user_name, "password": settings.password,
            "domain": {"name": settings.domain_name}}}},
        "scope": {"project": scope}}}


_TOKEN_BODY = object_with("token", token=dict)


def TOKEN_ANSWER(document, response):  # pylint: disable=invalid-name
    """The IAM token answer: a "token" object and the token itself in X-Subject-Token."""
    return _TOKEN_BODY(document) or (None if (response.header("X-Subject-Token") or "").strip() else "without an X-Subject-Token header")


def token_of(document, response):
    """(token, the id of the project it is scoped to or None) from a TOKEN_ANSWER."""
    project = document["token"].get("project")
    return response.header("X-Subject-Token").strip(), (project.get("id") if isinstance(project, dict) else None)
