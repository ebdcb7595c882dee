# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """Connection and authentication options shared by every module of the collection."""

    DOCUMENTATION = r"""
options:
  region:
    description:
      - Huawei Cloud region of the cluster, for example V(cn-north-4).
      - Selects the MRS and IAM endpoints, and the project when O(project_id) is not given.
      - Required unless O(endpoint) is given.
      - If not set, the value of the E(HW_REGION_NAME) environment variable is used.
    type: str
  project_id:
    description:
      - ID of the project the cluster belongs to.
      - When not given, it is looked up in IAM from O(region) (one extra request per run).
      - If not set, the value of the E(HW_PROJECT_ID) environment variable is used.
    type: str
  access_key:
    description:
      - Access key ID (AK) for AK/SK request signing.
      - If not set, the value of the E(HW_ACCESS_KEY) environment variable is used.
    type: str
    aliases: [ak]
  secret_key:
    description:
      - Secret access key (SK) that signs every request; it is never sent.
      - If not set, the value of the E(HW_SECRET_KEY) environment variable is used.
    type: str
    aliases: [sk]
  security_token:
    description:
      - Security token of temporary AK/SK credentials.
      - If not set, the value of the E(HW_SECURITY_TOKEN) environment variable is used.
    type: str
  auth_token:
    description:
      - A pre-issued project-scoped IAM token, sent as C(X-Auth-Token) instead of signing.
      - Takes precedence over the other ways to authenticate; the module warns when it makes other given
        credentials unused (a stale E(HW_AUTH_TOKEN), for instance).
      - If not set, the value of the E(HW_AUTH_TOKEN) environment variable is used.
    type: str
  user_name:
    description:
      - IAM user name for password authentication; the module obtains a project-scoped token from IAM.
      - Needs O(password) and O(domain_name).
      - If not set, the value of the E(HW_USER_NAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(user_name).
      - If not set, the value of the E(HW_PASSWORD) environment variable is used.
    type: str
  domain_name:
    description:
      - Account (domain) name that O(user_name) belongs to.
      - If not set, the value of the E(HW_DOMAIN_NAME) environment variable is used.
    type: str
  endpoint:
    description:
      - MRS endpoint URL, overriding the one derived from O(region) (C(https://mrs.REGION.myhuaweicloud.com)).
      - Useful for private endpoints and for the MRS emulator.
      - If not set, the value of the E(HW_MRS_ENDPOINT) environment variable is used.
    type: str
  iam_endpoint:
    description:
      - IAM endpoint URL, overriding the one derived from O(region); a trailing C(/v3) is accepted.
      - If not set, the value of the E(HW_AUTH_URL) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify TLS certificates. Set to V(false) only for test endpoints; the module then warns.
    type: bool
    default: true
  ca_bundle:
    description:
      - Path to a CA bundle (PEM file) or a CA directory (OpenSSL hashed) to verify the endpoints' certificates
        with, instead of the default bundle.
      - If not set, the value of the E(HW_CACERT_FILE) environment variable is used.
      - Without it, the CA bundle of C(certifi) verifies them, as requests does; E(REQUESTS_CA_BUNDLE) (or
        E(CURL_CA_BUNDLE)) replaces that default bundle, and without either of them E(SSL_CERT_FILE) or
        E(SSL_CERT_DIR) does; none of them replaces O(ca_bundle) or O(validate_certs=false).
    type: path
  connect_timeout:
    description:
      - Seconds to wait for a connection to an endpoint (TCP, TLS and a proxy tunnel). Greater than 0.
    type: float
    default: 10
  read_timeout:
    description:
      - Seconds to wait for the whole answer once connected, however slowly it arrives. Greater than 0.
      - While a module waits, no request runs past the wait's deadline by more than this.
    type: float
    default: 60
  retries:
    description:
      - How many times a read (and the IAM token request) is retried on HTTP 429 (honouring C(Retry-After)),
        5xx, a redirect (never followed), an answer that is not the documented one, and connection errors,
        with jittered exponential backoff. 0 or more.
      - The resize request itself is sent again only when the server certainly did not process it
        (HTTP 429, or no connection made); any other failure is resolved by reading the cluster.
      - A connection refused by this machine (an endpoint on 127.0.0.0/8, V(::1) or V(localhost), such as an
        emulator that is not running) is not retried, since nothing listens there; the task fails at once,
        naming the service, host and port. A remote endpoint that refuses is retried like any connection error.
      - If not set, the value of the E(HW_MAX_RETRIES) environment variable is used.
    type: int
    default: 4
requirements:
  - requests
notes:
  - Proxies are taken from the E(HTTPS_PROXY), E(HTTP_PROXY), E(ALL_PROXY) and E(NO_PROXY) environment
    variables, as requests reads them; a C(user:password@) in the proxy URL is sent as proxy authentication,
    and an C(https://) proxy is spoken to over TLS.
  - HTTP goes through the Python library requests, which must be installed where the module runs.
  - Give the connection options once for all tasks with C(module_defaults) and the action group
    C(group/hwcloud.mrs.mrs).
  - Secrets (O(secret_key), O(security_token), O(auth_token), O(password)) are never logged or returned;
    surrounding whitespace (the trailing newline of C(ansible-vault encrypt_string) from stdin) is removed.
"""

    # The same options read by an inventory plugin: plugins have no argument_spec, so the environment variables
    # are declared here (options are merged with DOCUMENTATION above; use both fragments).
    INVENTORY = r"""
options:
  region:
    env:
      - name: HW_REGION_NAME
  project_id:
    env:
      - name: HW_PROJECT_ID
  access_key:
    env:
      - name: HW_ACCESS_KEY
  secret_key:
    env:
      - name: HW_SECRET_KEY
  security_token:
    env:
      - name: HW_SECURITY_TOKEN
  auth_token:
    env:
      - name: HW_AUTH_TOKEN
  user_name:
    env:
      - name: HW_USER_NAME
  password:
    env:
      - name: HW_PASSWORD
  domain_name:
    env:
      - name: HW_DOMAIN_NAME
  endpoint:
    env:
      - name: HW_MRS_ENDPOINT
  iam_endpoint:
    env:
      - name: HW_AUTH_URL
  ca_bundle:
    env:
      - name: HW_CACERT_FILE
  retries:
    env:
      - name: HW_MAX_RETRIES
notes:
  - In an inventory source, prefer the E(HW_*) environment variables (or an AWX credential that sets them) to
    secrets written in the file; the plugin never prints a secret, in its errors or at any verbosity.
"""
