# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""MRS error bodies in every known form, and what each documented code means and asks of the user.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

# code: (what it means, what to do). Codes and meanings from the resize API's error table and the MRS error-code
# appendix (OTC mapreduce-service api-ref/source/appendix/error_code.rst); the advice is ours.
ERROR_CODES = {
    "12000001": ("identity verification failed", "check the credentials and that they belong to this project"),
    "12000002": ("invalid parameter (on the v2 expand/shrink also an unknown node group or a Master group)",
                 "check the values sent, and node_group against the group names mrs_cluster_info shows; the module validates "
                 "the documented rules, so report this if it got through"),
    "12000003": ("the cluster does not exist", "check cluster_id / cluster_name and the project (region) it lives in"),
    "12000009": ("invalid method parameter", "report this: the request did not match the documented shape"),
    "12000012": ("tasks are running in the cluster, or it is not in a state that allows scaling (the cluster is busy)",
                 "nothing was applied; with wait: true the module backs off and tries again, a few times and never past "
                 "wait_timeout; otherwise wait for the cluster's jobs or operation to end and run again"),
    "12000013": ("scale-in of the cluster failed: the group would keep too few nodes, or a node to remove is not in it",
                 "check that enough nodes remain (every Core group, and a custom group holding HDFS data, keeps at least 3) "
                 "and that server_ids are Task nodes of the group, then retry"),
    "12000014": ("scale-out of the cluster failed", "check the cluster's event log in the MRS console and retry"),
    "12000017": ("only a running cluster can be scaled", "wait until the cluster is running again"),
    "12000018": ("the cluster is already scaling", "nothing was applied; with wait: true the module backs off and tries again, a "
                 "few times and never past wait_timeout; otherwise wait for the running scale operation to finish"),
    "12000019": ("failed to get the cluster's host list", "retry later"),
    "12000028": ("the cluster would exceed its maximum number of nodes", "Core + Task nodes total at most 500; ask for fewer"),
    "12000029": ("failed to get the quota", "retry later"),
    "12000030": ("the requested node count exceeds the available quota", "request a quota increase or ask for fewer nodes"),
    "12000031": ("the requested CPU cores exceed the available quota", "request a quota increase or ask for fewer nodes"),
    "12000032": ("the requested memory exceeds the available quota", "request a quota increase or ask for fewer nodes"),
    "12000033": ("the requested number of disks exceeds the available quota", "request a quota increase or use fewer data disks"),
    "12000034": ("the requested disk capacity exceeds the available quota", "request a quota increase or use smaller data disks"),
    "12000054": ("operation not supported", "this cluster type or version does not support the operation"),
    "12000065": ("yearly/monthly (prepaid) clusters cannot be scaled this way (the v1.1 resize; on v2, a shrink of a prepaid group)",
                 "change the billing mode to pay-per-use first; a prepaid group grows through its v2 expand, which answers an "
                 "order to pay"),
    "12000067": ("the cluster version does not support this (too old to scale out this way; skip_bootstrap_scripts and "
                 "scale_without_start need MRS 1.7.2 or later)",
                 "drop skip_bootstrap_scripts and scale_without_start, or upgrade the cluster"),
    "12000068": ("the cluster has nodes that are not running", "nothing was applied and the module does not retry it (a node "
                 "that is shut down, lost or in error does not come back by itself): start or repair the node in the MRS "
                 "console, or remove it, then run again"),
    "12000080": ("some nodes of the cluster are not running", "nothing was applied and the module does not retry it (a node "
                 "that is shut down, lost or in error does not come back by itself): start or repair the node in the MRS "
                 "console, or remove it, then run again"),
    "12000082": ("node groups cannot be changed while the cluster is scaling in or out (the cluster is busy)",
                 "nothing was applied; with wait: true the module backs off and tries again, a few times and never past "
                 "wait_timeout; otherwise wait for the running scale operation to finish"),
    "12000121": ("the yearly/monthly cluster has an unpaid order, which blocks every scale-out of the cluster until it is paid",
                 "pay the order in the Huawei Cloud console (Billing Center, Orders, Unpaid Orders) or through the BSS API, "
                 "or cancel it; then run the task again, which waits for the nodes"),
    "12000123": ("Task node information can only be set while the Task group has 0 nodes", "leave task_node_info to the module: it sends it only then"),
    "12000125": ("Task node information cannot be updated while the cluster is scaling in or out (the cluster is busy)",
                 "nothing was applied; with wait: true the module backs off and tries again, a few times and never past "
                 "wait_timeout; otherwise wait for the running scale operation to finish"),
    "12000124": ("the node group's count is managed by its enabled auto-scaling policy, so a manual resize is refused",
                 "disable the policy with hwcloud.mrs.mrs_autoscaling_policy (enabled: false), use the cluster_scale role's burst, "
                 "or set the policy's min_capacity / max_capacity instead of the count"),
    # The v2 routes answer codes of the form MRS.0000xxxx (Huawei's Terraform provider reads MRS.00005016 on the policy
    # routes); any other MRS. code a resize meets is settled by reading the cluster (_scaling), never by a second write.
    "MRS.00005016": ("the auto-scaling policy does not exist", "create it with hwcloud.mrs.mrs_autoscaling_policy (state: present)"),
    "MRS.0002": ("invalid parameter (the v2 cluster routes)", "check the values sent; the module validates the documented rules, "
                 "so report this if it got through"),
    "MRS.101": ("insufficient quota", "request a quota increase"),
    "MRS.102": ("the user token is empty or invalid", "check the credentials, or re-authenticate"),
    "MRS.103": ("invalid user request", "check the request parameters"),
    "MRS.104": ("insufficient user resources", "free resources or request more"),
    "MRS.105": ("not enough IP addresses left in the subnet", "free addresses in the cluster's subnet or enlarge it"),
    "MRS.201": ("failure in the ECS service", "see the appended ECS code and message"),
    "MRS.202": ("failure in the IAM service", "see the appended IAM code and message"),
    "MRS.203": ("failure in the VPC service", "see the appended VPC code and message"),
    "MRS.300": ("MRS internal error", "retry later; contact support if it persists"),
    "APIGW.0301": ("the API gateway refused the authentication",
                   "check access_key/secret_key (and security_token for temporary keys), the token, and that this machine's clock is right"),
    "APIGW.0307": ("the token has expired or is invalid", "obtain a new token, or let the module get one from user_name/password"),
    # Gateway codes seen in front of every Huawei Cloud API (research/emulator-fidelity.md): not from the resize API's table.
    "APIGW.0101": ("the API does not exist or is not published in this region (HTTP 404)",
                   "check endpoint (HW_MRS_ENDPOINT) and region: the endpoint must be the MRS endpoint of the cluster's region"),
    "APIGW.0201": ("the gateway refused the request as malformed (HTTP 400)",
                   "check that no proxy or middlebox rewrites the request; report it if it persists"),
    "APIGW.0302": ("IAM denied the permission for this operation (HTTP 403)",
                   "grant the IAM user (or agency) an MRS policy that allows the operation, in this project"),
    "APIGW.0308": ("the gateway's throttling threshold was reached (HTTP 429)",
                   "the modules retry it, honouring Retry-After, up to retries times; raise retries (HW_MAX_RETRIES) "
                   "or run fewer tasks at once (forks, or a fleet's async jobs)"),
}

# Refusals that say another operation holds the cluster right now: nothing was applied, so a resize backs off, reads the
# cluster again and plans again (bounded; _scaling). 12000068 / 12000080 (nodes not running) are not among them: a node that
# is shut down, lost or in error does not come back by itself within a back-off.
BUSY_CODES = ("12000018", "12000012", "12000082", "12000125")

_CODE_MESSAGE_KEYS = (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"))
# Statuses that say "not now" rather than "no": throttling and server-side trouble.
TRANSIENT_STATUSES = frozenset((429, 500, 502, 503, 504))


def known_code(code):
    """Whether ``code`` is one this table explains: a documented refusal, which applied nothing. Any other code a write
    meets is settled by reading what the write was meant to change."""
    return code in ERROR_CODES


class MrsError(Exception):
    """Root of every error this collection raises; its message is safe to show to the user.

    ``parameter`` is the option (or ``cluster``) the error is about, when it is about one; an
    ``MrsApiError`` carries the API's ``code`` instead. ``MrsModule.fail_from_error`` returns both.
    """

    parameter = None

    def __init__(self, message='', parameter=None):
        super(MrsError, self).__init__(message)
        if parameter is not None:
            self.parameter = parameter


def with_context(error, message):
    """``error`` again, with ``message`` (its own text with the context added) for its text: a new error of the same class
    holding the same attributes (``code``, ``status``, ``parameter``... what callers and ``fail_from_error`` read), to be
    raised ``from error``. The one way to add context; an error already raised is never rewritten."""
    added = type(error).__new__(type(error), message)
    added.__dict__.update(vars(error))
    return added


class PlanError(MrsError, ValueError):
    """A request that must not reach the API, refused before any write: the one error of every rule the collection
    checks, for a resize and an auto-scaling policy alike.

    ``parameter`` is the option the user wrote (or its path, ``rules[0].trigger.evaluation_periods``, ``target.core``;
    ``cluster`` when the cluster itself refuses), ``rule`` one sentence saying what is wrong; the message is
    ``parameter: rule``.
    """

    def __init__(self, parameter, rule):
        super(PlanError, self).__init__("%s: %s" % (parameter, rule), parameter=parameter)
        self.rule = rule


class TransientError(MrsError):
    """A failure that may pass on its own: a wait keeps polling through it until its deadline."""


class MrsApiError(MrsError):
    """An error answer from MRS or IAM: HTTP status, error code, message and request id."""

    def __init__(self, status, code, message, request_id=None, method=None, path=None):
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.method = method
        self.path = path
        super(MrsApiError, self).__init__(self.describe())

    @property
    def meaning(self):
        return ERROR_CODES.get(self.code, (None, None))[0]

    @property
    def advice(self):
        return ERROR_CODES.get(self.code, (None, None))[1]

    def describe(self):
        where = " on %s %s" % (self.method, self.path) if self.method else ""
        text = "MRS API error %s (HTTP %s)%s: %s" % (self.code, self.status, where, self.message.rstrip("."))
        if self.meaning:
            text += ". Meaning: %s; what to do: %s" % (self.meaning, self.advice)
        if self.request_id:
            text += " (request id %s)" % self.request_id
        return text

    def to_dict(self):
        return dict(status=self.status, code=self.code, message=self.message, request_id=self.request_id)


class TransientApiError(MrsApiError, TransientError):
    """An API error with a transient status (429, 5xx) that outlasted the client's retries."""


def _find_code_and_message(document):
    """The first code/message pair in the document, looking into nested objects as the SDK does."""
    if not isinstance(document, dict):
        return None, None
    for code_key, message_key in _CODE_MESSAGE_KEYS:
        if code_key in document or message_key in document:
            return document.get(code_key), document.get(message_key)
    for value in document.values():
        code, message = _find_code_and_message(value)
        if code is not None or message is not None:
            return code, message
    return None, None


MAX_PLAIN_MESSAGE = 300  # characters of a plain-text error body kept in the message


def _unchanged(text):
    return text


def parse_error(status, body_text, request_id=None, method=None, path=None, mask=None):
    """Build an MrsApiError from any error body: JSON in its known shapes, or plain text (cut to MAX_PLAIN_MESSAGE).

    ``mask`` (text -> text) hides the secrets in every part taken from the answer, BEFORE anything is cut: a secret cut
    first would leave a piece of it that no mask recognises.
    """
    mask = mask or _unchanged
    try:
        document = json.loads(body_text) if body_text else None
    except ValueError:
        document = None
    code, message = _find_code_and_message(document)
    if message is None:
        message = mask((body_text or "").strip())[:MAX_PLAIN_MESSAGE] or "no error message in the response"
    error_type = TransientApiError if status in TRANSIENT_STATUSES else MrsApiError
    return error_type(status, mask(str(code)) if code is not None else str(status), mask(str(message)),
                      request_id=mask(request_id) if request_id is not None else None, method=method, path=path)
