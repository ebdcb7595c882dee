# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the collection talks to a Huawei Cloud API (MRS, IAM), knowing nothing of MRS's routes.

PRIVATE to the collection: no compatibility promise outside it.

One file per concern: ``settings`` (the connection options), ``regions`` (region ids and endpoints), ``auth/`` (one
file per way to authenticate), ``transport`` (requests, and whether a failed request can have been sent),
``retry`` (the one back-off, the deadline), ``decision`` (what an attempt's result means: pure), ``call`` (the short
loop that asks it), ``masking`` (secrets out of every text). ``_client.MrsClient`` holds the MRS routes on top.
"""
