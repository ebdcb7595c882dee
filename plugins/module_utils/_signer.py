# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDK-HMAC-SHA256 request signing, byte-exact with huaweicloudsdkcore's Signer.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
from datetime import datetime, timezone
from urllib.parse import quote, unquote, urlsplit, parse_qsl

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
CONTENT_SHA256_HEADER = "X-Sdk-Content-Sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


def _hex_sha256(data):
    return hashlib.sha256(data).hexdigest()


def canonical_uri(path):
    """Decode the path, encode each segment with only '~' safe, and always end in '/'."""
    segments = [quote(segment, safe="~") for segment in unquote(path).split("/")]
    uri = "/".join(segments)
    return uri if uri.endswith("/") else uri + "/"


def canonical_query_from_pairs(pairs):
    """Sorted (key, value) pairs, both sides encoded with only '~' safe, joined as the SDK does.

    The client sends its query string in this form too, so what the server parses is what was signed.
    """
    return "&".join("%s=%s" % (quote(key, safe="~"), quote(str(value), safe="~")) for key, value in sorted(pairs))


def canonical_query(query):
    """The canonical form of a URL's query string (blank values kept)."""
    return canonical_query_from_pairs(parse_qsl(query, keep_blank_values=True))


def signed_header_names(headers):
    """Lower-cased, sorted names of the headers the SDK signs: every one without an underscore."""
    return sorted(name.lower() for name in headers if "_" not in name)


def canonical_request(method, url, headers, body):
    """The canonical request the signature covers; `headers` must already hold Host and X-Sdk-Date."""
    parts = urlsplit(url)
    by_lower_name = dict((name.lower(), value) for name, value in headers.items())
    names = signed_header_names(headers)
    canonical_headers = "".join("%s:%s\n" % (name, by_lower_name[name].strip()) for name in names)
    # Like the SDK: an empty body always hashes as empty, whatever X-Sdk-Content-Sha256 says.
    payload_hash = _hex_sha256(body) if not body else by_lower_name.get(CONTENT_SHA256_HEADER.lower()) or _hex_sha256(body)
    return "\n".join([
        method.upper(),
        canonical_uri(parts.path),
        canonical_query(parts.query),
        canonical_headers,
        ";".join(names),
        payload_hash,
    ])


def string_to_sign(canonical, sdk_date):
    return "\n".join([ALGORITHM, sdk_date, _hex_sha256(canonical.encode("utf-8"))])


def sign(method, url, headers, body, access_key, secret_key, now=None):
    """Return a copy of `headers` with X-Sdk-Date, Host and Authorization added.

    `body` is the exact bytes that will be sent (b"" for none): the server hashes what it receives.
    `now` (an aware datetime) makes the signature deterministic for tests.
    """
    signed = dict(headers)
    content_type = next((value for name, value in signed.items() if name.lower() == "content-type"), None)
    if content_type is not None and not content_type.startswith(("application/json", "application/bson")):
        signed[CONTENT_SHA256_HEADER] = UNSIGNED_PAYLOAD
    if not any(name.lower() == DATE_HEADER.lower() for name in signed):
        signed[DATE_HEADER] = (now or datetime.now(timezone.utc)).strftime(DATE_FORMAT)
    if not any(name.lower() == "host" for name in signed):
        signed["Host"] = urlsplit(url).netloc
    sdk_date = next(value for name, value in signed.items() if name.lower() == DATE_HEADER.lower())
    canonical = canonical_request(method, url, signed, body)
    signature = hmac.new(secret_key.encode("utf-8"), string_to_sign(canonical, sdk_date).encode("utf-8"), hashlib.sha256).hexdigest()
    signed["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, ";".join(signed_header_names(signed)), signature)
    return signed
