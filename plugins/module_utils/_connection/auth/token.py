# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A pre-issued IAM token, sent as X-Auth-Token.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class Token:
    """A pre-issued token, sent as X-Auth-Token; it cannot be renewed."""

    name = "token"
    refreshable = False

    def __init__(self, token):
        self._token = token

    def headers(self, request):
        return dict(request.headers, **{"X-Auth-Token": self._token})

    def refresh(self):
        return False
