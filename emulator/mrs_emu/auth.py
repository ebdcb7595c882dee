"""Authentication: SDK-HMAC-SHA256 signature checks, X-Auth-Token tokens, temporary AK/SK and IAM routes."""

import hashlib
import hmac
import json
import re
import secrets
import string
import time
from datetime import datetime, timezone
from urllib.parse import quote, unquote

from .common import (ALGORITHM, EMPTY_BODY_SHA256, MAX_CLOCK_SKEW, SDK_DATE_FORMAT, GatewayError, derived_id, is_number,
                     iso_time, query_dict, reply, require, require_object)
from .errors import BAD_TOKEN, SIGNATURE_FAIL, TOKEN_EXPIRED, UNKNOWN_AK


# ---------------------------------------------------------------------------------------------------------
# SDK-HMAC-SHA256 verification: an independent implementation of the signer's canonical request.

def canonical_uri(path):
    """Decode the path, percent-encode every segment, and always end with '/'."""
    uri = "/".join(quote(segment, safe="~") for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query):
    """Sorted (key, value) pairs, each side percent-encoded, joined with '&'."""
    pairs = []
    for item in query.split("&"):
        if item:
            key, _sep, value = item.partition("=")
            pairs.append((unquote(key), unquote(value)))
    pairs.sort()
    return "&".join("%s=%s" % (quote(key, safe="~"), quote(value, safe="~")) for key, value in pairs)


def string_to_sign(method, path, query, headers, signed_headers, payload_hash, sdk_date):
    """headers maps every lower-case name in signed_headers to its value."""
    canonical_headers = "".join("%s:%s\n" % (name, headers[name].strip()) for name in signed_headers)
    canonical_request = "\n".join((method.upper(), canonical_uri(path), canonical_query(query), canonical_headers,
                                   ";".join(signed_headers), payload_hash))
    return "%s\n%s\n%s" % (ALGORITHM, sdk_date, hashlib.sha256(canonical_request.encode("utf-8")).hexdigest())


def signature(secret_key, text):
    return hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


AUTHORIZATION_RE = re.compile(r"^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$")


def header_text(value):
    """http.server decodes header bytes as latin-1; the signer hashed the UTF-8 text."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


class AuthMixin:
    """Identities of the emulated account: the AK/SK pair, temporary credentials and issued tokens."""

    def authenticate(self, method, path, query, headers, body, project_id):
        """'signature' or 'token' when the request is authenticated, else raise GatewayError (401).

        The 401 status, the APIGW codes and one message per cause (unknown AK, wrong signature, token that cannot be
        read, expired token) follow the API gateway's documentation (OTC apig-faq-0003), not MRS pages; the X-Project-Id
        check is the emulator's reading (unconfirmed). AK/SK is valid for every project; a token only for the project
        it is scoped to. The lockout after five failed signatures (AK_LOCKED) is not modelled: it would lock every
        later test out for five minutes; a fault with that message rehearses it.
        """
        authorization = headers.get("Authorization")
        if authorization:
            self._check_signature(authorization, method, path, query, headers, body)
            kind = "signature"
        elif headers.get("X-Auth-Token"):
            self._check_token(headers["X-Auth-Token"], project_id)
            kind = "token"
        else:
            raise GatewayError(401, "APIGW.0301", "Incorrect IAM authentication information: Authorization not found in header")
        header_project = headers.get("X-Project-Id")
        if project_id and header_project is not None and header_project != project_id:
            raise GatewayError(401, "APIGW.0301", SIGNATURE_FAIL)
        return kind

    def _secret_for(self, access_key, headers, now):
        """The SK of access_key, or raise the refusal of its cause: an AK nobody issued, a temporary AK without its
        security token (or with a forged one), a temporary AK whose time is over."""
        if access_key == self.config.access_key:
            return self.config.secret_key
        temporary = self.temporary.get(access_key)
        if temporary is None:
            raise GatewayError(401, "APIGW.0301", UNKNOWN_AK % access_key)
        if not hmac.compare_digest(headers.get("X-Security-Token", "").encode("utf-8"), temporary["securitytoken"].encode("utf-8")):
            raise GatewayError(401, "APIGW.0301", BAD_TOKEN)
        if temporary["expires"] <= now:
            raise GatewayError(401, "APIGW.0307", TOKEN_EXPIRED)
        return temporary["secret"]

    def _check_signature(self, authorization, method, path, query, headers, body):
        match = AUTHORIZATION_RE.match(authorization)
        if not match:
            raise GatewayError(401, "APIGW.0301", SIGNATURE_FAIL)
        access_key, signed, given = match.groups()
        signed_headers = signed.split(";")
        values = {name: headers.get(name) for name in signed_headers}
        sdk_date = headers.get("X-Sdk-Date", "")
        try:
            signed_at = datetime.strptime(sdk_date, SDK_DATE_FORMAT).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            signed_at = None
        now = time.time()
        with self.lock:
            secret = self._secret_for(access_key, headers, now)
        if (signed_at is None or abs(now - signed_at) > MAX_CLOCK_SKEW or "x-sdk-date" not in signed_headers
                or any(value is None for value in values.values())):
            raise GatewayError(401, "APIGW.0301", SIGNATURE_FAIL)
        payload_hash = EMPTY_BODY_SHA256
        if body:  # the signer puts a signed X-Sdk-Content-Sha256 (UNSIGNED-PAYLOAD for non-JSON bodies) in place of the hash
            payload_hash = values.get("x-sdk-content-sha256") or hashlib.sha256(body).hexdigest()
        text = string_to_sign(method, path, query, {name: header_text(value) for name, value in values.items()},
                              signed_headers, payload_hash, sdk_date)
        if not hmac.compare_digest(signature(secret, text).encode("ascii"), given.lower().encode("ascii")):
            raise GatewayError(401, "APIGW.0301", SIGNATURE_FAIL)

    def _check_token(self, token, project_id):
        with self.lock:
            issued = self.tokens.get(token)
        if issued is None:
            raise GatewayError(401, "APIGW.0301", BAD_TOKEN)
        if issued["expires"] <= time.time():
            raise GatewayError(401, "APIGW.0307", TOKEN_EXPIRED)
        if project_id and issued["project_id"] != project_id:
            raise GatewayError(401, "APIGW.0301", "Incorrect IAM authentication information: the token is not scoped to this project")

    def _mint_token(self, project_id, ttl):
        token = "MII" + secrets.token_urlsafe(96)
        expires = time.time() + ttl
        self.tokens[token] = {"project_id": project_id, "expires": expires}
        return token, expires

    # -- vendor routes -------------------------------------------------------------------------------

    def issue_token(self, body, base_url, **_):
        """POST /v3/auth/tokens with password auth (Keystone-style error bodies: unconfirmed for Huawei IAM)."""
        config = self.config
        try:
            auth = json.loads(body)["auth"]
            user = auth["identity"]["password"]["user"]
            methods = auth["identity"]["methods"]
            project = auth["scope"]["project"]
            if not (isinstance(user, dict) and isinstance(methods, list) and isinstance(project, dict)):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return reply(400, {"error": {"code": 400, "title": "Bad Request",
                                         "message": "A password-authenticated, project-scoped request body is required."}})
        domain = user.get("domain")
        if ("password" not in methods or not isinstance(domain, dict) or user.get("name") != config.iam_user
                or not hmac.compare_digest(str(user.get("password")).encode("utf-8"), config.iam_password.encode("utf-8"))
                or domain.get("name") != config.iam_domain):
            return reply(401, {"error": {"code": 401, "title": "Unauthorized", "message": "The username or password is wrong."}})
        if project.get("id", config.project_id) != config.project_id or project.get("name", config.region) != config.region:
            return reply(401, {"error": {"code": 401, "title": "Unauthorized", "message": "The project does not exist or is not accessible."}})
        with self.lock:
            token, expires = self._mint_token(config.project_id, config.token_ttl)
        domain_view = {"id": derived_id("domain", config.iam_domain), "name": config.iam_domain}
        return reply(201, {"token": {
            "expires_at": iso_time(expires), "issued_at": iso_time(time.time()), "methods": ["password"],
            "project": {"id": config.project_id, "name": config.region, "domain": domain_view},
            "user": {"id": derived_id("user", config.iam_user), "name": config.iam_user, "domain": domain_view,
                     "password_expires_at": ""},
            "roles": [{"id": derived_id("role", "te_admin"), "name": "te_admin"}],
            "catalog": [{"type": service, "name": service, "id": derived_id("service", service),
                         "endpoints": [{"id": derived_id("endpoint", service), "interface": "public", "region": config.region,
                                        "region_id": config.region, "url": base_url}]} for service in ("mrs", "iam")],
        }}, headers={"X-Subject-Token": token})

    def list_projects(self, query, base_url, **_):
        name = query_dict(query).get("name")
        config = self.config
        projects = [] if name not in (None, config.region) else [{
            "id": config.project_id, "name": config.region, "domain_id": derived_id("domain", config.iam_domain),
            "description": "", "enabled": True, "is_domain": False, "parent_id": derived_id("domain", config.iam_domain),
            "links": {"self": "%s/v3/projects/%s" % (base_url, config.project_id)}}]
        return reply(200, {"projects": projects, "links": {"self": base_url + "/v3/projects", "next": None, "previous": None}})

    def mint_token(self, body):
        require_object(body, ("project_id", "ttl"))
        require(body.get("project_id") is None or isinstance(body["project_id"], str), "project_id must be a string")
        require(body.get("ttl") is None or (is_number(body["ttl"]) and body["ttl"] > 0), "ttl must be a number > 0")
        project_id = body.get("project_id") or self.config.project_id
        with self.lock:
            token, expires = self._mint_token(project_id, body.get("ttl") or self.config.token_ttl)
        return {"token": token, "expires_at": iso_time(expires), "project_id": project_id}

    def expire_tokens(self):
        with self.lock:
            for issued in self.tokens.values():
                issued["expires"] = 0
            return {"expired": len(self.tokens)}

    def temporary_credentials(self):
        alphabet = string.ascii_uppercase + string.digits
        access = "".join(secrets.choice(alphabet) for _position in range(20))
        credential = {"secret": secrets.token_urlsafe(30), "securitytoken": "gQ" + secrets.token_urlsafe(180),
                      "expires": time.time() + self.config.token_ttl}
        with self.lock:
            self.temporary[access] = credential
        return {"access": access, "secret": credential["secret"], "securitytoken": credential["securitytoken"],
                "expires_at": iso_time(credential["expires"])}

    def expire_temporary_credentials(self):
        with self.lock:
            for credential in self.temporary.values():
                credential["expires"] = 0
            return {"expired": len(self.temporary)}
