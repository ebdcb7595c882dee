# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every error body shape MRS, IAM and the API gateway are known to send becomes one readable error."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import (
    ERROR_CODES, MrsApiError, MrsError, TransientApiError, parse_error, with_context)


@pytest.mark.parametrize("status, body, code, message", [
    (400, '{"error_code": "12000003", "error_msg": "The cluster does not exist."}', "12000003", "The cluster does not exist."),
    (400, '{"errorCode": "12000018", "errorMsg": "Scaling in progress"}', "12000018", "Scaling in progress"),
    (401, '{"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information", "request_id": "r"}',
     "APIGW.0301", "Incorrect IAM authentication information"),
    (401, '{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}',
     "401", "The request you have made requires authentication."),
    (502, "<html>Bad Gateway</html>", "502", "<html>Bad Gateway</html>"),
    (502, "", "502", "no error message in the response"),
])
def test_known_shapes(status, body, code, message):
    error = parse_error(status, body, request_id="req-1", method="GET", path="/v1.1/p/x")
    assert error.code == code
    assert error.message == message
    assert error.request_id == "req-1"
    assert "GET /v1.1/p/x" in str(error)


def test_a_message_ending_in_a_period_reads_cleanly():
    error = parse_error(400, '{"error_code": "MRS.103", "error_msg": "Invalid user request."}')
    assert str(error).startswith("MRS API error MRS.103 (HTTP 400): Invalid user request. Meaning: invalid user request")


def test_documented_code_is_explained():
    error = parse_error(400, '{"error_code": "12000065", "error_msg": "Prepaid"}')
    assert str(error).startswith("MRS API error 12000065 (HTTP 400): Prepaid. Meaning: yearly/monthly (prepaid) clusters cannot be scaled")
    assert error.to_dict() == {"status": 400, "code": "12000065", "message": "Prepaid", "request_id": None}


def test_every_code_of_the_resize_spec_has_meaning_and_advice():
    documented = ["12000001", "12000002", "12000003", "12000009", "12000013", "12000014", "12000017", "12000018", "12000019",
                  "12000028", "12000029", "12000030", "12000031", "12000032", "12000033", "12000034", "12000054", "12000065",
                  "12000067", "12000068", "12000121", "MRS.101", "MRS.102", "MRS.103", "MRS.104", "MRS.105", "MRS.201",
                  "MRS.202", "MRS.203", "MRS.300"]
    for code in documented:
        meaning, advice = ERROR_CODES[code]
        assert meaning and advice, code


@pytest.mark.parametrize("error", [
    MrsApiError(400, "12000018", "The cluster is scaling.", request_id="r1", method="PUT", path="/v1.1/p/cluster_infos/c1"),
    TransientApiError(503, "503", "Service Unavailable"),
    ResizeOutcomeUnknown("the answer to PUT /v1.1/p/cluster_infos/c1 was lost"),
    ClusterParseError("hosts[0].id: missing or empty"),
    MrsError("count: must be a whole number", parameter="count"),
], ids=lambda error: type(error).__name__)
def test_context_is_a_new_error_of_the_same_kind_raised_from_its_cause(error):
    """What callers read of an error (its class, code, status, request id, parameter, the API's own message) survives the
    context; the cause itself is never rewritten, and stays reachable as ``__cause__``."""
    before = (str(error), dict(vars(error)))
    with pytest.raises(MrsError) as caught:
        try:
            raise error
        except MrsError as cause:
            raise with_context(cause, "cluster c1: reading its hosts failed: %s" % cause) from cause
    added = caught.value
    assert type(added) is type(error) and added is not error and added.__cause__ is error
    assert str(added) == "cluster c1: reading its hosts failed: %s" % before[0]
    assert vars(added) == before[1] and (str(error), vars(error)) == before
    if isinstance(error, MrsApiError):
        assert added.to_dict() == error.to_dict() and added.code == error.code
