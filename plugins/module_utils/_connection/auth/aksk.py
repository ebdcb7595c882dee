# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Permanent access keys (AK/SK): every request signed with SDK-HMAC-SHA256.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils import _signer


class AkSk:
    """Permanent access keys: every request is signed (SDK-HMAC-SHA256); nothing to renew, so a 401 is final."""

    name = "aksk"
    refreshable = False

    def __init__(self, access_key, secret_key):
        self._access_key = access_key
        self._secret_key = secret_key

    def headers(self, request):
        return _signer.sign(request.method, request.url, request.headers, request.payload, self._access_key, self._secret_key)

    def refresh(self):
        return False
