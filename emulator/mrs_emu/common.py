"""Constants, error types and small helpers shared by every part of the emulator."""

import hashlib
import re
import secrets
import string
import uuid
from datetime import datetime, timezone
from urllib.parse import unquote

DEFAULT_ACCESS_KEY = "MRSEMULATORACCESSKEY"
DEFAULT_SECRET_KEY = "mrs-emulator-demo-secret-key-0000000000"
DEFAULT_PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
DEFAULT_REGION = "cn-north-4"
DEFAULT_IAM_USER = "mrs-demo"
DEFAULT_IAM_PASSWORD = "mrs-demo-password"
DEFAULT_IAM_DOMAIN = "mrs-demo-domain"
DEFAULT_SCALE_SECONDS = 3.0
# How long an accepted resize leaves the cluster "running" with its old counts before scaling-out / scaling-in shows.
# The cloud never shows an accepted scale at once (Terraform's provider waits 20 s before its first poll: common.go
# Delay 20s); the emulator keeps it short because every test and the demo pay it. 0 stays allowed per cluster.
DEFAULT_ACCEPT_DELAY = 1.0
DEFAULT_TOKEN_TTL = 24 * 3600

ALGORITHM = "SDK-HMAC-SHA256"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
# The gateway's X-Sdk-Date tolerance is commonly documented as 15 minutes (not confirmed for MRS).
MAX_CLOCK_SKEW = 15 * 60
EMPTY_BODY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_BODY_BYTES = 1 << 20
MAX_LOGGED_REQUESTS = 100000

MAX_CORE_AND_TASK = 500
MIN_CORE = 3
CLUSTER_STATES = ("starting", "running", "terminated", "failed", "abnormal", "terminating", "frozen",
                  "scaling-out", "scaling-in",
                  # stopping/stopped exist per the error-code table, undocumented in these APIs (unconfirmed).
                  "stopping", "stopped")
SCALING_STATES = ("scaling-out", "scaling-in")
SCALE_VALUES = ("", "scaling-error", "scaling-up", "scaling_up_first", "scaled_up_first", "scaled-up-success")
FAILURE_OUTCOMES = ("failed", "abnormal", "scaling-error")
# billingType as MRS answers it: "12" pay-per-use, "11" yearly/monthly (terraform-provider-huaweicloud
# docs/data-sources/mapreduce_clusters.md). The control routes also take the words of a 2017 OTC example.
BILLING_TYPES = {"Metered": "Metered", "12": "Metered", "Yearly/Monthly": "Yearly/Monthly", "11": "Yearly/Monthly"}
BILLING_CODES = {"Metered": "12", "Yearly/Monthly": "11"}
STAGES = {
    "scaling-out": ("Preparing for cluster expansion", "Creating VM", "Initializing VM", "Adding node to the cluster"),
    "scaling-in": ("Preparing for cluster shrink", "Decommissioning instance", "Deleting VM", "Deleting node from the cluster"),
}
FAILED_STAGE = {"scaling-out": "Cluster expansion failed", "scaling-in": "Cluster shrink failed"}

# Node states (node_status of GET /v2/.../nodes, terraform-provider-huaweicloud docs/data-sources/
# mapreduce_cluster_nodes.md): "started" is a running node; a v2 shrink takes resource_ids only of nodes in the
# abnormal ones (docs/resources/mapreduce_cluster_node_batch_shrink.md). The ECS status the hosts route shows for
# each, and the node_detail / component running_status, are the emulator's choice (unconfirmed).
RUNNING_NODE = "started"
ABNORMAL_NODE_STATES = ("shutdown", "lost", "unknown", "detached", "error")
NODE_STATES = (RUNNING_NODE,) + ABNORMAL_NODE_STATES
ECS_STATUS = {"started": "ACTIVE", "shutdown": "SHUTOFF", "detached": "SHUTOFF", "error": "ERROR", "lost": "UNKNOWN",
              "unknown": "UNKNOWN"}

# Cluster types as MRS reports them (clusterType) and the node groups MRS gives each (terraform-provider-huaweicloud
# constants; a live custom test cluster has master_node_default_group and node_group_1).
CLUSTER_TYPES = {"analysis": 0, "streaming": 1, "mixed": 2, "custom": 3}
MASTER_GROUP = "master_node_default_group"
DEFAULT_GROUPS = {
    "analysis": (("core", "core_node_analysis_group"), ("task", "task_node_analysis_group")),
    "streaming": (("core", "core_node_streaming_group"), ("task", "task_node_streaming_group")),
    "mixed": (("core", "core_node_analysis_group"), ("core", "core_node_streaming_group"),
              ("task", "task_node_analysis_group"), ("task", "task_node_streaming_group")),
    "custom": (("core", "node_group_1"), ("task", "node_group_2")),
}
KINDS = ("master", "core", "task")
# Host "type" per cluster type and group kind. TF's host parser switches on Master, Analysis_Core, Analysis_Task,
# Streaming_Core and Streaming_Task and parses any other type's group from the host name; the OTC example shows
# Core/Task on an analysis cluster, which the emulator keeps (unconfirmed which one a live analysis cluster shows).
HOST_TYPE_PREFIX = {"analysis": "", "streaming": "Streaming_", "custom": ""}
GROUP_NAME_RE = r"^[A-Za-z0-9_-]{1,64}$"
DEFAULT_NODE_SIZE = "c6.4xlarge.4.linux.bigdata"
DEFAULT_TASK_NODE_SIZE = "c6.2xlarge.4.linux.bigdata"
DEFAULT_VOLUME = {"data_volume_type": "SAS", "data_volume_count": 1, "data_volume_size": 600}
ROOT_VOLUME_SIZE = 480
# Task data disks as the current vendor SDK model allows them (task_node_info.py: GPSSD, 0-20 disks).
VOLUME_TYPES = ("SATA", "SAS", "SSD", "GPSSD")
COMPONENTS = (
    ("Hadoop", "3.1.1", "A framework that allows for the distributed processing of large data sets across clusters."),
    ("Spark2x", "3.1.1", "A fast and general engine for large-scale data processing."),
    ("Hive", "3.1.0", "A data warehouse software that facilitates query and management of large data sets."),
    ("ZooKeeper", "3.6.3", "A centralized service for maintaining configuration information."),
)


class ApiError(Exception):
    """A refusal answered as {"error_code", "error_msg"} (MRS style)."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def payload(self):
        return {"error_code": self.code, "error_msg": self.message}


class GatewayError(ApiError):
    """An API-gateway refusal: also carries the request id in the body."""


class ControlError(Exception):
    """A refused control-route call, answered as {"error": message}."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def invalid(message):
    return ApiError(400, "12000002", "Invalid parameter: " + message)


def version_tuple(text):
    """(1, 7, 2) from "MRS 1.7.2" or "MRS 3.1.0-LTS"; () when it holds no version number."""
    match = re.search(r"(\d+(?:\.\d+)*)", text or "")
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def derived_id(*parts):
    """A stable fake id (32 hex digits) for fields that only need to look real."""
    return hashlib.sha256("/".join(("mrs-emulator",) + parts).encode("utf-8")).hexdigest()[:32]


def derived_uuid(*parts):
    return str(uuid.UUID(derived_id(*parts)))


def flavor_resources(flavor):
    """(cpu, mem MB) as strings, read from a flavor like c6.4xlarge.4.linux.bigdata."""
    match = re.match(r"^[a-z0-9]+\.(\d*)(x?)large\.(\d+)", flavor)
    if not match:
        return "8", "32768"
    multiplier = int(match.group(1) or 1)
    cpu = 4 * multiplier if match.group(2) else 2
    return str(cpu), str(cpu * int(match.group(3)) * 1024)


def random_suffix(length=5):
    return "".join(secrets.choice(string.ascii_letters) for _position in range(length))


def positive_int(value):
    """instances is documented as String/Integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value) and int(value) > 0:
        return int(value)
    return None


def bounded_int(value, low, high):
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def require_object(body, allowed):
    if not isinstance(body, dict):
        raise ControlError(400, "the body must be a JSON object")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ControlError(400, "unknown field(s) %s; allowed: %s" % (", ".join(unknown), ", ".join(allowed)))


def require(condition, message):
    if not condition:
        raise ControlError(400, message)


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def iso_time(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def page_args(query_params, default_size):
    try:
        size = int(query_params.get("pageSize", default_size))
        page = int(query_params.get("currentPage", 1))
    except ValueError as err:
        raise invalid("pageSize and currentPage must be integers") from err
    if size < 1 or page < 1:
        raise invalid("pageSize and currentPage must be >= 1")
    return size, page


def query_dict(query):
    return {unquote(key): unquote(value) for key, _sep, value in (item.partition("=") for item in query.split("&") if item)}


def reply(status, payload, headers=None, auth=None):
    return {"status": status, "payload": payload, "headers": headers or {}, "auth": auth}
