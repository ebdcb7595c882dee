# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the collection talks to a Huawei Cloud API (MRS, IAM), knowing nothing of MRS's routes.

PRIVATE to the collection: no compatibility promise outside it.

One file per concern: ``settings`` (the connection options), ``regions`` (region ids and endpoints), ``auth/`` (one
file per way to authenticate), ``transport`` (requests, one request at a time), ``failures`` (what a failed request
was, and whether it can have been sent), ``retry`` (the one back-off, the deadline), ``decision`` (what an attempt's
result means: pure), ``call`` (the short loop that asks it), ``masking`` (secrets out of every text).
``_client.MrsClient`` holds the MRS routes on top. What only some runs need (``failures`` and ``masking`` for a failure,
the password method) is imported when used: AnsiballZ compiles every line a task imports, on every task.
"""
