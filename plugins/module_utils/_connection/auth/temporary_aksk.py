# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Temporary access keys: signed like AK/SK, with the security token among the signed headers.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.auth.aksk import AkSk


class TemporaryAkSk(AkSk):
    """Temporary access keys: signed, with the security token among the signed headers."""

    name = "temporary_aksk"

    def __init__(self, access_key, secret_key, security_token):
        super(TemporaryAkSk, self).__init__(access_key, secret_key)
        self._security_token = security_token

    def headers(self, request):
        request.headers = dict(request.headers, **{"X-Security-Token": self._security_token})
        return super(TemporaryAkSk, self).headers(request)
