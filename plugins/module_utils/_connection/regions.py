# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Huawei Cloud regions: the MRS and IAM endpoint of a region id, and the known ids closest to a mistyped one.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Copied as data from the vendor SDK's region table, huaweicloudsdkmrs/v1/region/mrs_region.py
# (huaweicloudsdkmrs 3.1.219, MrsRegion.static_fields), in its order: the regions where MRS has an endpoint.
REGIONS = (
    "cn-north-1", "cn-north-2", "cn-north-4", "cn-south-1", "cn-east-2", "cn-east-3", "ap-southeast-1", "ap-southeast-2",
    "ap-southeast-3", "af-south-1", "ru-northwest-2", "sa-brazil-1", "la-south-2", "la-north-2", "na-mexico-1", "cn-north-9",
    "cn-southwest-2", "tr-west-1", "ap-southeast-4", "eu-west-101", "me-east-1", "eu-west-0", "my-kualalumpur-1",
    "ru-moscow-1", "ae-ad-1", "cn-south-4", "cn-east-5", "cn-north-12", "cn-east-4", "cn-north-11", "cn-southwest-3",
    "ap-southeast-5", "af-north-1",
)
# The same table: regions whose MRS endpoint is not under myhuaweicloud.com.
MRS_DOMAIN_EXCEPTIONS = {
    "ap-southeast-1": "myhuaweicloud.cn",
    "ap-southeast-4": "myhuaweicloud.cn",
    "ru-northwest-2": "myhuaweicloud.cn",
    "eu-west-101": "myhuaweicloud.eu",
}


def mrs_endpoint(region):
    return "https://mrs.%s.%s" % (region, MRS_DOMAIN_EXCEPTIONS.get(region, "myhuaweicloud.com"))


def iam_endpoint(region):
    return "https://iam.%s.myhuaweicloud.com" % region


def closest_regions(region, count=3):
    """The ``count`` known region ids whose names are closest to ``region`` (difflib's ratio), ``region`` itself left out.
    Only a failed project lookup needs it, so difflib is imported here."""
    import difflib  # pylint: disable=import-outside-toplevel
    others = [known for known in REGIONS if known != region]
    return difflib.get_close_matches(str(region), others, n=count, cutoff=0.0)
