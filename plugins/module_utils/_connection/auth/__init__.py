# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ways to authenticate, one file each, behind ``headers(request)`` / ``refreshable`` / ``refresh()``.

PRIVATE to the collection: no compatibility promise outside it.

``authenticator`` imports only the method a run uses (the IAM password code stays unread by a signed run).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class Request:
    """What an authenticator needs to see of a request."""

    def __init__(self, method, url, payload, headers):
        self.method = method
        self.url = url
        self.payload = payload
        self.headers = headers


def authenticator(settings, obtain_token):
    """The authenticator of ``settings.auth_method()``; ``obtain_token`` () -> token is the IAM call of the password method."""
    method = settings.auth_method()
    # Only the method in use is imported: AnsiballZ compiles every imported line again on every task.
    # pylint: disable=import-outside-toplevel
    if method == "token":
        from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.auth.token import Token
        return Token(settings.auth_token)
    if method == "temporary_aksk":
        from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.auth.temporary_aksk import TemporaryAkSk
        return TemporaryAkSk(settings.access_key, settings.secret_key, settings.security_token)
    if method == "aksk":
        from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.auth.aksk import AkSk
        return AkSk(settings.access_key, settings.secret_key)
    from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.auth.password import Password
    return Password(obtain_token)
