# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A secret is masked before any text that may hold it is cut, and in any cut piece of it (issue #20 class 11)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.masking import MASK, mask_secrets
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import Response
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MAX_PLAIN_MESSAGE, MrsApiError, parse_error
from ansible_collections.hwcloud.mrs.tests.unit.plugins.module_utils.test_client import ENDPOINT, make_client, response

PASSWORD = "Pa55-w0rd/with\"odd\\chars+é-01234567890"  # 38 characters, some JSON-escaped, some percent-encoded


def pieces(secret, size=8):
    """Every piece of the secret of ``size`` characters: none may show."""
    return set(secret[index:index + size] for index in range(len(secret) - size + 1))


def shown(text, secret=PASSWORD):
    return sorted(piece for piece in pieces(secret) if piece in text)


def plain(status, text, headers=None):
    return Response(status, dict(headers or {}), text.encode("utf-8"), ENDPOINT)


def test_an_iam_401_in_plain_text_echoing_the_password_past_the_cut_shows_none_of_it():
    """#20: the password echoed 270 characters in was cut at 300 before masking: 30 of its 38 characters showed."""
    assert len(PASSWORD) == 38
    body = "x" * 270 + PASSWORD + " is not the password of user alice " + "y" * 200
    client, _transport, _sleeps = make_client(plain(401, body, {"X-Request-Id": "req-1"}), access_key=None, secret_key=None,
                                              project_id=None, user_name="alice", password=PASSWORD, domain_name="acme")
    with pytest.raises(MrsApiError) as caught:
        client.get_cluster("c1")
    error = caught.value
    assert error.message.startswith("x" * 270 + MASK)
    for text in (str(error), error.describe(), error.message, json.dumps(error.to_dict())):
        assert shown(text) == [], text
    assert len(error.message) <= MAX_PLAIN_MESSAGE


@pytest.mark.parametrize("cut", range(250, 330, 3))
def test_wherever_the_cut_falls_no_piece_of_the_secret_survives(cut):
    body = "e" * 260 + PASSWORD + "z" * 100
    error = parse_error(401, body[:cut] if cut < len(body) else body, mask=lambda text: mask_secrets(text, [PASSWORD]))
    assert shown(error.message) == [] and shown(error.describe()) == []


@pytest.mark.parametrize("text, secrets, expected", [
    ("token ABCDEFGHIJKL here", ["ABCDEFGHIJKL"], "token %s here" % MASK),
    ("the body ends ABCDEFGHI", ["ABCDEFGHIJKL"], "the body ends %s" % MASK),  # cut inside the secret: its head
    ("DEFGHIJKL starts the body", ["ABCDEFGHIJKL"], "%s starts the body" % MASK),  # cut before: its tail
    ("the body ends ABCDEFG", ["ABCDEFGHIJKL"], "the body ends ABCDEFG"),  # 7 characters: too short to matter
    ("ABCDEFGHIJ", ["ABCDEFGHIJKL"], MASK),  # the whole text is a head of the secret
    ("pw: Pa55-w0rd/with\\\"odd\\\\chars+\\u00e9-01234567890.", [PASSWORD], "pw: %s." % MASK),  # JSON-escaped, ASCII
    ("pw: Pa55-w0rd/with\\\"odd\\\\chars+é-01234567890.", [PASSWORD], "pw: %s." % MASK),  # JSON-escaped, UTF-8
    ("pw=Pa55-w0rd%2Fwith%22odd%5Cchars%2B%C3%A9-01234567890&x", [PASSWORD], "pw=%s&x" % MASK),  # percent-encoded
    ("https://user:pass@example.com/x", [], "https://%s@example.com/x" % MASK),
    ("nothing secret", ["", None, 5], "nothing secret"),
    ("stars ********", ["********abc"], "stars %s" % MASK),  # a secret whose head is the mask itself ends
])
def test_mask_secrets(text, secrets, expected):
    assert mask_secrets(text, secrets) == expected


def test_the_longest_secret_is_masked_first_and_the_mask_never_shows_a_shorter_one():
    assert mask_secrets("t=LONGSECRET-LONGSECRET-2", ["LONGSECRET-", "LONGSECRET-LONGSECRET-2"]) == "t=" + MASK


def test_a_json_error_message_echoing_a_cut_token_shows_none_of_it():
    token = "MII" + "k" * 40 + "Zq9" * 20
    client, _transport, _sleeps = make_client(
        response(403, {"error_code": "APIGW.0302", "error_msg": "denied for token " + token[:50]}), access_key=None,
        secret_key=None, auth_token=token)
    with pytest.raises(MrsApiError) as caught:
        client.get_cluster("c1")
    assert shown(str(caught.value), token) == [] and "APIGW.0302" in str(caught.value)


def test_a_code_or_request_id_echoing_a_secret_is_masked_too():
    body = json.dumps({"error_code": "E-" + PASSWORD, "error_msg": "no"})
    client, _transport, _sleeps = make_client(plain(400, body, {"X-Request-Id": PASSWORD}), access_key=None, secret_key=None,
                                              auth_token=PASSWORD)
    with pytest.raises(MrsApiError) as caught:
        client.get_cluster("c1")
    assert shown(json.dumps(caught.value.to_dict())) == [] and shown(str(caught.value)) == []


def test_parse_error_without_a_mask_keeps_the_text_and_cuts_a_plain_body():
    error = parse_error(502, "<html>" + "b" * 400 + "</html>")
    assert error.message == ("<html>" + "b" * 400)[:MAX_PLAIN_MESSAGE] and error.code == "502"
