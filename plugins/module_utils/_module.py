# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: the connection options, the client, failing clearly.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.hwcloud.mrs.plugins.module_utils import _client
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection import transport
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsApiError, MrsError


def _option(option_type, *env_names, **extra):
    spec = dict(type=option_type, **extra)
    if env_names:
        spec["fallback"] = (env_fallback, list(env_names))
    return spec


CONNECTION_ARGUMENT_SPEC = dict(
    region=_option("str", "HW_REGION_NAME"),
    project_id=_option("str", "HW_PROJECT_ID"),
    access_key=_option("str", "HW_ACCESS_KEY", aliases=["ak"], no_log=False),
    secret_key=_option("str", "HW_SECRET_KEY", aliases=["sk"], no_log=True),
    security_token=_option("str", "HW_SECURITY_TOKEN", no_log=True),
    auth_token=_option("str", "HW_AUTH_TOKEN", no_log=True),
    user_name=_option("str", "HW_USER_NAME"),
    password=_option("str", "HW_PASSWORD", no_log=True),
    domain_name=_option("str", "HW_DOMAIN_NAME"),
    endpoint=_option("str", "HW_MRS_ENDPOINT"),
    iam_endpoint=_option("str", "HW_AUTH_URL"),
    validate_certs=_option("bool", default=True),
    ca_bundle=_option("path", "HW_CACERT_FILE"),
    connect_timeout=_option("float", default=10),
    read_timeout=_option("float", default=60),
    retries=_option("int", "HW_MAX_RETRIES", default=4),
)


_AUTH_SOURCES = dict(token="auth_token / HW_AUTH_TOKEN", aksk="access_key and secret_key",
                     temporary_aksk="access_key, secret_key and security_token", password="user_name and password")


class MrsModule(AnsibleModule):
    """AnsibleModule with the connection options, one client per run, and MRS errors turned into clear failures."""

    def __init__(self, argument_spec, **kwargs):
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(argument_spec)
        super(MrsModule, self).__init__(argument_spec=spec, **kwargs)
        self._client = None
        if not transport.HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=transport.REQUESTS_IMPORT_ERROR)

    @property
    def client(self):
        if self._client is None:
            self._client = self._build_client()
        return self._client

    def _build_client(self):
        settings = _client.Settings(**dict((name, self.params[name]) for name in _client.Settings.FIELDS))
        # the cleaned secrets too (a value given with a trailing newline is sent without it): Ansible masks them everywhere
        self.no_log_values.update(settings.secret_values())
        try:
            client = _client.MrsClient(settings)
            ignored = settings.ignored_credentials()
        except MrsError as error:
            self.fail_from_error(error)
        client.on_secret = self.no_log_values.add  # the token obtained from IAM
        if not settings.validate_certs:
            self.warn("validate_certs is false: TLS certificates of the MRS and IAM endpoints are not verified")
        if ignored:
            self.warn("authenticating with %s (%s); %s %s given but not used: %s takes precedence"
                      % (client.auth_method, _AUTH_SOURCES[client.auth_method], ", ".join(ignored),
                         "is" if len(ignored) == 1 else "are", _AUTH_SOURCES[client.auth_method]))
        return client

    def fail_from_error(self, error, **result):
        """The one place any collection error (an ``MrsError``) becomes a failure, for every module.

        ``msg`` is the error's own safe message unless ``result`` brings one; ``parameter`` the option it is
        about, when it is about one; ``api_error`` the status, code, message and request id of an API error.
        """
        result.setdefault("msg", str(error))
        if error.parameter is not None:
            result["parameter"] = error.parameter
        if isinstance(error, MrsApiError):
            result["api_error"] = error.to_dict()
        self.fail_json(**result)
