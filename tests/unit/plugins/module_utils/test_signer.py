# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The signer must be byte-exact with the vendor SDK: published vectors first, then the SDK itself as an oracle."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.hwcloud.mrs.plugins.module_utils import _signer

AK = "EXAMPLEAK0000000000Z"
SK = "EXAMPLESK00000000000000000000000000000000"
PROJECT = "0123456789abcdef0123456789abcdef"
CLUSTER = "b4bd2ed6-d39b-4e8b-9e63-4bd5f8c7a0d1"
HOST = "mrs.ap-southeast-1.myhuaweicloud.com"
FIXED_HEADERS = {"Content-Type": "application/json", "X-Project-Id": PROJECT, "X-Sdk-Date": "20240101T000000Z"}
SIGNED = "SDK-HMAC-SHA256 Access=EXAMPLEAK0000000000Z, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature="
V2_BODY = (b'{"parameters": {"scale_type": "scale_out", "node_id": "node_orderadd", '
           b'"node_group": "core_node_default_group", "instances": "1"}}')


@pytest.mark.parametrize("method, path, body, signature", [
    pytest.param("GET", "/v1.1/%s/cluster_infos/%s" % (PROJECT, CLUSTER), b"",
                 "764011a8da4d49a754f3d339310cc118e29968efbd7534165e44d5e61b2d9192", id="V1-details"),
    pytest.param("PUT", "/v1.1/%s/cluster_infos/%s" % (PROJECT, CLUSTER), V2_BODY,
                 "74c9af80f43419cb98b5c71b73ba2e44bb0d0ccca814619a44048c7489e17671", id="V2-resize"),
    pytest.param("GET", "/v1.1/%s/clusters/%s/hosts?currentPage=1&pageSize=100" % (PROJECT, CLUSTER), b"",
                 "8a06c4c580aaccb532e07d4c3e53345ca2c9173b02896d303b16e6569b972570", id="V3-hosts"),
])
def test_published_vectors(method, path, body, signature):
    headers = _signer.sign(method, "https://" + HOST + path, FIXED_HEADERS, body, AK, SK)
    assert headers["Authorization"] == SIGNED + signature
    assert headers["Host"] == HOST


def test_v2_intermediate_values():
    url = "https://%s/v1.1/%s/cluster_infos/%s" % (HOST, PROJECT, CLUSTER)
    headers = dict(FIXED_HEADERS, Host=HOST)
    canonical = _signer.canonical_request("PUT", url, headers, V2_BODY)
    assert canonical == "\n".join([
        "PUT",
        "/v1.1/%s/cluster_infos/%s/" % (PROJECT, CLUSTER),
        "",
        "content-type:application/json",
        "host:" + HOST,
        "x-project-id:" + PROJECT,
        "x-sdk-date:20240101T000000Z",
        "",
        "content-type;host;x-project-id;x-sdk-date",
        "4081dd7771b9b0091d725cbfd7b5f1003256cd871decd0da2bd0b3765ad30381",
    ])
    assert _signer.string_to_sign(canonical, "20240101T000000Z") == (
        "SDK-HMAC-SHA256\n20240101T000000Z\n5cf4c98a9297d8841ab182347fe19724e4becd882d6daa2e848bc647f93bb616")


def test_date_header_added_when_missing_and_original_headers_untouched():
    original = {"Content-Type": "application/json"}
    headers = _signer.sign("GET", "https://%s/v1.1/x" % HOST, original, b"", AK, SK)
    assert original == {"Content-Type": "application/json"}
    assert len(headers["X-Sdk-Date"]) == len("20240101T000000Z") and headers["X-Sdk-Date"].endswith("Z")


def test_secret_key_never_in_headers():
    headers = _signer.sign("PUT", "https://%s/v1.1/x" % HOST, FIXED_HEADERS, V2_BODY, AK, SK)
    assert SK not in repr(headers)


# --- The vendor SDK as an oracle on generated requests ---------------------------------------------

# Imported only where the SDK is installed: a module-level importorskip would also skip the published vectors
# above where it is not (the ansible-core 2.16/2.21 venvs, ansible-test units), and they need no SDK.
HAS_SDK = importlib.util.find_spec("huaweicloudsdkcore") is not None
needs_sdk = pytest.mark.skipif(not HAS_SDK, reason="the vendor SDK (huaweicloudsdkcore) is not installed: oracle comparison skipped")

# Path segments with characters that need encoding, already-encoded sequences and unicode.
segment = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#\x00"), min_size=1, max_size=12)
query_value = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10)
query_pairs = st.lists(st.tuples(st.text(alphabet="abcdefghijXYZ_-.~ ", min_size=1, max_size=6), query_value),
                       max_size=4, unique_by=lambda pair: pair[0])
bodies = st.one_of(st.just(b""), st.binary(max_size=64), st.text(max_size=64).map(lambda text: text.encode("utf-8")))
content_types = st.sampled_from(["application/json", "application/json;charset=utf-8", "text/plain", "application/octet-stream"])
methods = st.sampled_from(["GET", "PUT", "POST", "DELETE", "PATCH"])
hosts = st.sampled_from(["mrs.cn-north-4.myhuaweicloud.com", "127.0.0.1:40163", "[::1]:8443"])


def sdk_authorization(method, host, path, query, headers, body):
    from huaweicloudsdkcore.auth import credentials as sdk_credentials  # pylint: disable=import-outside-toplevel
    from huaweicloudsdkcore import sdk_request  # pylint: disable=import-outside-toplevel
    from huaweicloudsdkcore.signer import signer as sdk_signer  # pylint: disable=import-outside-toplevel

    request = sdk_request.SdkRequest(method=method, schema="https", host=host, resource_path=path,
                                     query_params=list(query), header_params=dict(headers), body=body)
    signed = sdk_signer.Signer(sdk_credentials.BasicCredentials(AK, SK, PROJECT)).sign(request)
    return signed.header_params["Authorization"]


@needs_sdk
@settings(max_examples=300, deadline=None)
@given(method=methods, host=hosts, segments=st.lists(segment, min_size=1, max_size=4), query=query_pairs,
       body=bodies, content_type=content_types, trailing_slash=st.booleans())
def test_matches_vendor_sdk(method, host, segments, query, body, content_type, trailing_slash):
    from urllib.parse import quote

    path = "/" + "/".join(quote(part, safe="") for part in segments) + ("/" if trailing_slash else "")
    query_string = _signer.canonical_query_from_pairs(query)
    url = "https://%s%s%s" % (host, path, "?" + query_string if query_string else "")
    headers = {"Content-Type": content_type, "X-Project-Id": PROJECT, "X-Sdk-Date": "20261126T223024Z",
               "User-Agent": "hwcloud.mrs-test"}

    ours = _signer.sign(method, url, headers, body, AK, SK)["Authorization"]

    assert ours == sdk_authorization(method, host, path, query, headers, body or None)
