"""MRS emulator: a local stand-in for the Huawei Cloud MRS v1.1 and IAM APIs.

A real HTTP server (standard library only) that behaves like the cloud for the calls the collection makes,
the way moto stands in for AWS. The vendor SDK (huaweicloudsdkmrs) works against it unchanged.

Run:  python3 tests/emulator/mrs_emulator.py --port 0   (see --help for every option and default)
The first stdout line is "MRS emulator listening on URL"; it runs until SIGTERM/SIGINT and exits 0.

Vendor routes (authenticated by an SDK-HMAC-SHA256 signature or an X-Auth-Token the emulator issued):
  GET  /v1.1/{project_id}/cluster_infos/{cluster_id}       cluster details {"cluster": {...}}
  PUT  /v1.1/{project_id}/cluster_infos/{cluster_id}       resize (scale_out / scale_in of Core or Task)
  GET  /v1.1/{project_id}/cluster_infos                    list (clusterName, clusterState, pageSize, currentPage)
  GET  /v1.1/{project_id}/clusters/{cluster_id}/hosts      hosts (pageSize default 10, currentPage default 1)
  POST /v3/auth/tokens                                     IAM password auth (no auth needed), 201 + X-Subject-Token
  GET  /v3/projects?name=REGION                            IAM project lookup
Any other path answers 404 APIGW.0101. Every vendor response carries X-Request-Id.

Control routes (no auth, for tests and the demo):
  POST   /_emulator/clusters            create: name (required), core=3, task=0, master=2, state=running,
                                        billing_type=Metered|Yearly/Monthly, version="MRS 3.1.0", task_node_size,
                                        id=uuid4, project_id=the emulator's, scale_seconds=--scale-seconds.
                                        With task=0, task_node_size creates an empty Task group (a cluster
                                        that had Task nodes once). 201 {"cluster": ..., "emulator": ...}
  GET    /_emulator/clusters            {"clusters": [...]} every cluster, all projects
  GET    /_emulator/clusters/{id}       {"cluster": ..., "emulator": ...}; "cluster" is exactly the details view,
                                        "emulator" shows scale_seconds, fail_next_scale and the pending operation
  GET    /_emulator/clusters/{id}/hosts {"total": n, "hosts": [...]} every host, unpaged
  PATCH  /_emulator/clusters/{id}       any of:
           state            force a clusterState. scaling-out / scaling-in start a scale operation that
                            changes no counts and ends after the cluster's scale seconds; any other state
                            stops a pending operation (its counts are not applied) and stays until changed.
           scale            set the "scale" field (e.g. "scaling-error"; "" clears it)
           scale_seconds    duration of the cluster's next scale operations
           fail_next_scale  failed | abnormal | scaling-error | null: the next accepted resize ends in that
                            state instead of applying its counts (scaling-error: running + scale
                            "scaling-error"); stageDesc then says the expansion/shrink failed
  GET    /_emulator/requests            {"requests": [...]} vendor calls since the last DELETE: method, path,
                                        query, status, error_code, request_id, auth (signature|token|null),
                                        fault (status|delay|reset-before|reset-after) if one fired, body (PUT only)
  DELETE /_emulator/requests            clear the log
  POST   /_emulator/faults              {"method", "path" (regex searched in the path), "times"=1, "status",
                                        "error_code", "error_msg", "retry_after", "delay", "reset" (before|after)}
  GET    /_emulator/faults              {"faults": [...]} with times left;  DELETE clears them
  POST   /_emulator/tokens              mint a project-scoped token {"token", "expires_at", "project_id"};
                                        optional body {"project_id", "ttl"}
  DELETE /_emulator/tokens              expire every issued token
  POST   /_emulator/credentials/temporary   temporary AK/SK {"access", "secret", "securitytoken", "expires_at"};
                                        requests signed with it must carry X-Security-Token
  DELETE /_emulator/credentials/temporary   expire every temporary credential
  POST   /_emulator/reset               forget clusters, request log and faults (tokens stay)

Time-based transitions are computed from stored wall-clock deadlines whenever state is read, so an
emulator restarted with the same --state file finishes the operations that were in flight.
"""

import argparse
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import socket
import ssl
import string
import sys
import tempfile
import textwrap
import threading
import time
import traceback
import uuid
from collections import deque
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlsplit

DEFAULT_ACCESS_KEY = "MRSEMULATORACCESSKEY"
DEFAULT_SECRET_KEY = "mrs-emulator-demo-secret-key-0000000000"
DEFAULT_PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
DEFAULT_REGION = "cn-north-4"
DEFAULT_IAM_USER = "mrs-demo"
DEFAULT_IAM_PASSWORD = "mrs-demo-password"
DEFAULT_IAM_DOMAIN = "mrs-demo-domain"
DEFAULT_SCALE_SECONDS = 3.0
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
BILLING_TYPES = ("Metered", "Yearly/Monthly")
STAGES = {
    "scaling-out": ("Preparing for cluster expansion", "Creating VM", "Initializing VM", "Adding node to the cluster"),
    "scaling-in": ("Preparing for cluster shrink", "Decommissioning instance", "Deleting VM", "Deleting node from the cluster"),
}
FAILED_STAGE = {"scaling-out": "Cluster expansion failed", "scaling-in": "Cluster shrink failed"}

# An ANALYSIS cluster (clusterType 0) names its groups like this (terraform-provider-huaweicloud constants).
GROUP_NAMES = {"master": "master_node_default_group", "core": "core_node_analysis_group", "task": "task_node_analysis_group"}
HOST_TYPES = {"master": "Master", "core": "Core", "task": "Task"}
ROLE_ORDER = ("master", "core", "task")
DEFAULT_NODE_SIZE = "c6.4xlarge.4.linux.bigdata"
DEFAULT_TASK_NODE_SIZE = "c6.2xlarge.4.linux.bigdata"
DEFAULT_VOLUME = {"data_volume_type": "SAS", "data_volume_count": 1, "data_volume_size": 600}
ROOT_VOLUME_SIZE = 480
VOLUME_TYPES = ("SATA", "SAS", "SSD")
COMPONENTS = (
    ("Hadoop", "3.1.1", "A framework that allows for the distributed processing of large data sets across clusters."),
    ("Spark2x", "3.1.1", "A fast and general engine for large-scale data processing."),
    ("Hive", "3.1.0", "A data warehouse software that facilitates query and management of large data sets."),
    ("ZooKeeper", "3.6.3", "A centralized service for maintaining configuration information."),
)

SIGNATURE_FAIL = "Incorrect IAM authentication information: verify aksk signature fail"


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


# ---------------------------------------------------------------------------------------------------------
# Cluster records (plain JSON data, persisted as is) and their API views.

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


def group_spec(flavor):
    return dict(DEFAULT_VOLUME, node_size=flavor)


def count_role(record, role):
    return sum(1 for host in record["hosts"] if host["role"] == role)


def add_host(record, role, name):
    number = record["next_host"]
    record["next_host"] += 1
    record["hosts"].append({
        "id": str(uuid.uuid4()), "resource_id": str(uuid.uuid4()), "name": name, "role": role, "seq": number,
        "ip": "192.168.%d.%d" % (number // 250, number % 250 + 2)})


def add_new_hosts(record, role, count):
    """Nodes added by a scale-out are named in the documented node-orderadd style."""
    taken = {host["name"] for host in record["hosts"]}
    for _index in range(count):
        name = "node-orderadd-%s.com" % random_suffix()
        while name in taken:
            name = "node-orderadd-%s.com" % random_suffix()
        taken.add(name)
        add_host(record, role, name)


def new_cluster_record(fields, defaults, now, seq):
    cluster_id = fields["id"]
    task_size = fields.get("task_node_size")
    record = {
        "id": cluster_id, "name": fields["name"], "project_id": fields.get("project_id") or defaults["project_id"],
        "state": "running", "scale": "", "stage_desc": None,
        "billing_type": fields.get("billing_type", "Metered"), "version": fields.get("version", "MRS 3.1.0"),
        "scale_seconds": float(fields.get("scale_seconds", defaults["scale_seconds"])),
        "created_at": now, "updated_at": now, "seq": seq,
        "groups": {"master": group_spec(DEFAULT_NODE_SIZE), "core": group_spec(DEFAULT_NODE_SIZE),
                   # A cluster that never had Task nodes has no Task group at all.
                   "task": group_spec(task_size or DEFAULT_TASK_NODE_SIZE) if fields.get("task", 0) or task_size else None},
        "hosts": [], "next_host": 0, "operation": None, "fail_next_scale": None,
    }
    for index in range(fields.get("master", 2)):
        add_host(record, "master", "%s_node_master%d_%s" % (cluster_id, index + 1, random_suffix()))
    for role in ("core", "task"):
        for _index in range(fields.get(role, 3 if role == "core" else 0)):
            add_host(record, role, "%s_node_%s_%s" % (cluster_id, role, random_suffix()))
    return record


def start_operation(record, kind, now, outcome, role=None, add=0, remove=(), task_group=None):
    record["operation"] = {"kind": kind, "role": role, "started": now, "deadline": now + record["scale_seconds"],
                           "add": add, "remove": list(remove), "task_group": task_group, "outcome": outcome}
    record["updated_at"] = now


def settle(record, now):
    """Finish the pending operation if its deadline has passed. True when the record changed."""
    operation = record["operation"]
    if operation is None or now < operation["deadline"]:
        return False
    record["operation"] = None
    record["updated_at"] = operation["deadline"]
    outcome = operation["outcome"]
    record["state"], record["scale"], record["stage_desc"] = "running", "", None
    if outcome == "apply":
        removed = set(operation["remove"])
        record["hosts"] = [host for host in record["hosts"] if host["id"] not in removed]
        if operation["task_group"]:
            record["groups"]["task"] = operation["task_group"]
        add_new_hosts(record, operation["role"], operation["add"])
    elif outcome in FAILURE_OUTCOMES:
        record["stage_desc"] = FAILED_STAGE[operation["kind"]]
        if outcome == "scaling-error":
            record["scale"] = "scaling-error"
        else:
            record["state"] = outcome
    return True


def node_group_view(record, role):
    spec = record["groups"][role]
    flavor = spec["node_size"]
    return {
        "GroupName": GROUP_NAMES[role], "NodeNum": count_role(record, role), "NodeSize": flavor,
        "NodeSpecId": derived_id("spec", flavor), "VmProductId": "", "VmSpecCode": None,
        "NodeProductId": derived_id("product", flavor), "RootVolumeSize": ROOT_VOLUME_SIZE,
        "RootVolumeProductId": derived_id("volume", "SAS"), "RootVolumeType": "SAS",
        "RootVolumeResourceSpecCode": "", "RootVolumeResourceType": "",
        "DataVolumeType": spec["data_volume_type"], "DataVolumeCount": spec["data_volume_count"],
        "DataVolumeSize": spec["data_volume_size"], "DataVolumeProductId": derived_id("volume", spec["data_volume_type"]),
        "DataVolumeResourceSpecCode": "", "DataVolumeResourceType": "",
    }


def cluster_view(record, region, now):
    """The cluster as GET cluster_infos/{id} shows it: wire names and types of the real API.

    Documented choices where the live API is unconfirmed: node-group keys are PascalCase (current SDKs,
    terraform #9226); stageDesc is null when idle; the keys are isMrsManagerFinish and bootstrapScripts
    (the vendor SDK's spelling).
    """
    operation = record["operation"]
    if operation:
        stages = STAGES[operation["kind"]]
        duration = operation["deadline"] - operation["started"]
        progress = (now - operation["started"]) / duration if duration > 0 else 1.0
        state, scale = operation["kind"], operation["kind"]
        stage = stages[min(int(progress * len(stages)), len(stages) - 1)]
    else:
        state, scale, stage = record["state"], record["scale"], record["stage_desc"]
    cid = record["id"]
    masters = [host for host in record["hosts"] if host["role"] == "master"]
    master_ip = masters[0]["ip"] if masters else ""
    task_groups = [node_group_view(record, "task")] if record["groups"]["task"] else []
    master, core = record["groups"]["master"], record["groups"]["core"]
    prepaid = record["billing_type"] == "Yearly/Monthly"
    return {
        "clusterId": cid, "clusterName": record["name"], "totalNodeNum": str(len(record["hosts"])),
        "clusterState": state, "stageDesc": stage,
        "createAt": str(int(record["created_at"])), "updateAt": str(int(record["updated_at"])),
        "chargingStartTime": str(int(record["created_at"])), "billingType": record["billing_type"],
        "dataCenter": region, "vpc": "vpc-mrs-emulator", "vpcId": derived_uuid("vpc", cid), "duration": "1" if prepaid else "0",
        "fee": "0", "hadoopVersion": "",
        "componentList": [{"componentId": "%s_%03d" % (record["version"], index + 1), "componentName": name,
                           "componentVersion": version, "componentDesc": desc}
                          for index, (name, version, desc) in enumerate(COMPONENTS)],
        "externalIp": None, "externalAlternateIp": None, "internalIp": master_ip, "deploymentId": None, "remark": "",
        "orderId": derived_id("order", cid) if prepaid else None,
        "azId": derived_id("az", region), "azName": region + "a", "azCode": region + "a", "availabilityZoneId": region + "a",
        "instanceId": None, "vnc": None, "tenantId": record["project_id"], "volumeSize": core["data_volume_size"],
        "volumeType": core["data_volume_type"], "subnetId": derived_uuid("subnet", cid), "subnetName": "subnet-mrs-emulator",
        "securityGroupsId": derived_uuid("secgroup", cid), "slaveSecurityGroupsId": derived_uuid("secgroup", cid),
        "bootstrapScripts": [], "safeMode": 1, "clusterVersion": record["version"], "nodePublicCertName": "mrs-emulator-keypair",
        "masterNodeIp": master_ip, "privateIpFirst": master_ip, "errorInfo": "", "tags": "",
        "masterNodeNum": str(count_role(record, "master")), "coreNodeNum": str(count_role(record, "core")),
        "masterNodeSize": master["node_size"], "coreNodeSize": core["node_size"],
        "masterNodeProductId": derived_id("product", master["node_size"]), "masterNodeSpecId": derived_id("spec", master["node_size"]),
        "coreNodeProductId": derived_id("product", core["node_size"]), "coreNodeSpecId": derived_id("spec", core["node_size"]),
        "masterDataVolumeType": master["data_volume_type"], "masterDataVolumeSize": master["data_volume_size"],
        "masterDataVolumeCount": master["data_volume_count"], "coreDataVolumeType": core["data_volume_type"],
        "coreDataVolumeSize": core["data_volume_size"], "coreDataVolumeCount": core["data_volume_count"],
        "enterpriseProjectId": "0", "isMrsManagerFinish": True, "clusterType": 0, "logCollection": 1,
        "periodType": 0, "scale": scale,
        "nodeGroups": [node_group_view(record, "master"), node_group_view(record, "core")] + task_groups,
        "taskNodeGroups": task_groups,
        "eipId": None, "eipAddress": None, "eipv6Address": None, "azCategory": 0,
    }


def host_view(record, host, region):
    spec = record["groups"][host["role"]]
    cpu, mem = flavor_resources(spec["node_size"])
    return {
        "id": host["id"], "name": host["name"], "ip": host["ip"], "availability_zone_id": region + "a", "tags": [],
        "status": "ACTIVE", "resource_id": host["resource_id"], "flavor": spec["node_size"], "type": HOST_TYPES[host["role"]],
        "mem": mem, "cpu": cpu, "root_volume_size": str(ROOT_VOLUME_SIZE), "data_volume_type": spec["data_volume_type"],
        "data_volume_size": spec["data_volume_size"], "data_volume_count": spec["data_volume_count"],
        "node_group_name": GROUP_NAMES[host["role"]],
    }


def sorted_hosts(record):
    return sorted(record["hosts"], key=lambda host: (ROLE_ORDER.index(host["role"]), host["seq"]))


# ---------------------------------------------------------------------------------------------------------
# The resize rules (vendor document "adjust cluster nodes").

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


def resize_role(node_group, record):
    """Empty means Core. The documented default names and the cluster's real group names are accepted."""
    if node_group in (None, "", "core_node_default_group", GROUP_NAMES["core"]):
        return "core"
    if node_group in ("task_node_default_group", GROUP_NAMES["task"]):
        return "task"
    if node_group == GROUP_NAMES["master"]:
        raise invalid("the number of Master nodes cannot be changed")
    raise invalid("unknown node_group %r of cluster %s" % (node_group, record["name"]))


def checked_task_node_info(info):
    if not isinstance(info, dict):
        raise invalid("task_node_info must be an object")
    if not isinstance(info.get("node_size"), str) or not info["node_size"]:
        raise invalid("task_node_info.node_size is required")
    spec = group_spec(info["node_size"])
    if "data_volume_type" in info:
        if info["data_volume_type"] not in VOLUME_TYPES:
            raise invalid("task_node_info.data_volume_type must be SATA, SAS or SSD")
        spec["data_volume_type"] = info["data_volume_type"]
    if "data_volume_count" in info:
        if not bounded_int(info["data_volume_count"], 1, 10):
            raise invalid("task_node_info.data_volume_count must be an integer from 1 to 10")
        spec["data_volume_count"] = info["data_volume_count"]
    if "data_volume_size" in info:
        if not bounded_int(info["data_volume_size"], 100, 32000):
            raise invalid("task_node_info.data_volume_size must be an integer from 100 to 32000 (GB)")
        spec["data_volume_size"] = info["data_volume_size"]
    return spec


def check_optional_flags(params):
    # skip_bootstrap_scripts is a Boolean in the docs but typed str in the vendor SDK: accept both spellings.
    for name in ("skip_bootstrap_scripts", "scale_without_start"):
        value = params.get(name)
        if value is not None and value not in (True, False, "true", "false"):
            raise invalid("%s must be a boolean" % name)


def removal_ids(record, params, role, instances):
    """The hosts a scale-in removes: the given Task server_ids, or the newest nodes of the group."""
    server_ids = params.get("server_ids")
    if server_ids is not None and (not isinstance(server_ids, list) or not all(isinstance(item, str) for item in server_ids)):
        raise invalid("server_ids must be a list of strings")
    if server_ids:
        if role != "task":
            raise invalid("server_ids can only name Task nodes")
        if len(server_ids) != instances or len(set(server_ids)) != len(server_ids):
            raise invalid("server_ids must list exactly %d distinct Task nodes" % instances)
        task_ids = {host["id"] for host in record["hosts"] if host["role"] == "task"}
        unknown = [item for item in server_ids if item not in task_ids]
        if unknown:
            raise invalid("not Task nodes of cluster %s: %s" % (record["name"], ", ".join(unknown)))
        return server_ids
    newest = sorted((host for host in record["hosts"] if host["role"] == role), key=lambda host: -host["seq"])
    return [host["id"] for host in newest[:instances]]


def plan_resize(record, body):
    """Check every rule for a resize of record; return the arguments of start_operation or raise ApiError.

    Codes follow the vendor document. Inferred (unconfirmed) mappings: 12000013 for a scale-in below the
    minimum, 12000123 for task_node_info while Task nodes exist, 12000002 for every malformed parameter.
    """
    name = record["name"]
    if record["billing_type"] == "Yearly/Monthly":
        raise ApiError(400, "12000065", "Yearly/monthly clusters cannot be scaled out or in.")
    if record["operation"]:
        raise ApiError(400, "12000018", "Cluster %s is being scaled out or in and cannot be scaled again." % name)
    if record["state"] != "running":
        raise ApiError(400, "12000017", "Cluster %s is not running (%s) and cannot be scaled out or in." % (name, record["state"]))
    params = body.get("parameters") if isinstance(body, dict) else None
    if not isinstance(params, dict):
        raise invalid("parameters is required")
    scale_type = params.get("scale_type")
    if scale_type not in ("scale_in", "scale_out"):
        raise invalid("scale_type must be scale_in or scale_out")
    if params.get("node_id") != "node_orderadd":
        raise invalid("node_id must be node_orderadd")
    instances = positive_int(params.get("instances"))
    if instances is None:
        raise invalid("instances must be a positive integer")
    node_group = params.get("node_group")
    if node_group is not None and not isinstance(node_group, str):
        raise invalid("node_group must be a string")
    role = resize_role(node_group, record)
    check_optional_flags(params)
    core, task = count_role(record, "core"), count_role(record, "task")
    task_group = None
    if params.get("task_node_info") is not None:
        if task > 0:
            raise ApiError(400, "12000123", "Failed to update Task node information because the number of Task nodes is not 0.")
        task_group = checked_task_node_info(params["task_node_info"])
    if scale_type == "scale_out":
        if role == "task" and task == 0 and task_group is None:
            raise invalid("task_node_info is required to add Task nodes to a cluster without Task nodes")
        if core + task + instances > MAX_CORE_AND_TASK:
            raise ApiError(400, "12000028", "A cluster can have at most %d Core and Task nodes; %s has %d, %d requested."
                           % (MAX_CORE_AND_TASK, name, core + task, instances))
        return {"kind": "scaling-out", "role": role, "add": instances, "task_group": task_group if role == "task" else None}
    if role == "core" and core - instances < MIN_CORE:
        raise ApiError(400, "12000013", "Failed to scale in cluster %s: it must keep at least %d Core nodes (has %d)."
                       % (name, MIN_CORE, core))
    if role == "task" and instances > task:
        raise ApiError(400, "12000013", "Failed to scale in cluster %s: it has only %d Task nodes." % (name, task))
    return {"kind": "scaling-in", "role": role, "remove": removal_ids(record, params, role, instances)}


# ---------------------------------------------------------------------------------------------------------
# Control-route input checks.

CREATE_FIELDS = ("name", "core", "task", "master", "state", "billing_type", "version", "task_node_size", "id",
                 "project_id", "scale_seconds")
PATCH_FIELDS = ("state", "scale", "scale_seconds", "fail_next_scale")
FAULT_FIELDS = ("method", "path", "times", "status", "error_code", "error_msg", "retry_after", "delay", "reset")


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


def check_create(body):
    require_object(body, CREATE_FIELDS)
    require(isinstance(body.get("name"), str) and body["name"], "name is required")
    for field, low in (("core", 1), ("task", 0), ("master", 1)):
        require(field not in body or (is_int(body[field]) and body[field] >= low), "%s must be an integer >= %d" % (field, low))
    require(body.get("core", 3) + body.get("task", 0) <= MAX_CORE_AND_TASK, "core + task must be <= %d" % MAX_CORE_AND_TASK)
    require(body.get("state", "running") in CLUSTER_STATES, "state must be one of " + ", ".join(CLUSTER_STATES))
    require(body.get("billing_type", "Metered") in BILLING_TYPES, "billing_type must be Metered or Yearly/Monthly")
    for field in ("version", "task_node_size", "id", "project_id"):
        require(field not in body or (isinstance(body[field], str) and body[field]), "%s must be a non-empty string" % field)
    require("scale_seconds" not in body or (is_number(body["scale_seconds"]) and body["scale_seconds"] >= 0),
            "scale_seconds must be a number >= 0")


def check_patch(body, record):
    require_object(body, PATCH_FIELDS)
    require("state" not in body or body["state"] in CLUSTER_STATES, "state must be one of " + ", ".join(CLUSTER_STATES))
    require("scale" not in body or body["scale"] in SCALE_VALUES,
            "scale must be one of %r (force a scaling-out/scaling-in state instead)" % (SCALE_VALUES,))
    scaling = body["state"] in SCALING_STATES if "state" in body else record["operation"] is not None
    require("scale" not in body or not scaling, "scale cannot be set while a scale operation is in progress")
    require("scale_seconds" not in body or (is_number(body["scale_seconds"]) and body["scale_seconds"] >= 0),
            "scale_seconds must be a number >= 0")
    require(body.get("fail_next_scale") in FAILURE_OUTCOMES + (None,), "fail_next_scale must be failed, abnormal, scaling-error or null")


def check_fault(body):
    require_object(body, FAULT_FIELDS)
    require(any(body.get(field) is not None for field in ("status", "delay", "reset")), "give status, delay or reset")
    require(body.get("reset") in (None, "before", "after"), "reset must be before or after")
    require(not (body.get("reset") and body.get("status")), "a fault either answers a status or resets the connection")
    require(body.get("status") is None or (is_int(body["status"]) and 400 <= body["status"] <= 599), "status must be 400-599")
    require(body.get("delay") is None or (is_number(body["delay"]) and 0 <= body["delay"] <= 600), "delay must be 0-600 seconds")
    require("times" not in body or (is_int(body["times"]) and body["times"] >= 1), "times must be an integer >= 1")
    for field in ("method", "path", "error_code", "error_msg"):
        require(body.get(field) is None or isinstance(body[field], str), "%s must be a string" % field)
    require(body.get("retry_after") is None or isinstance(body["retry_after"], (str, int)), "retry_after must be a string or an integer")
    if body.get("path"):
        try:
            re.compile(body["path"])
        except re.error as err:
            raise ControlError(400, "path is not a valid regular expression: %s" % err) from err


DEFAULT_FAULT_ERRORS = {429: ("APIGW.0308", "The throttling threshold has been reached."),
                        500: ("MRS.300", "MRS internal error.")}


def fault_error(fault):
    status = fault["status"]
    code, message = DEFAULT_FAULT_ERRORS.get(status, DEFAULT_FAULT_ERRORS[500] if status >= 500 else ("MRS.103", "Invalid user request."))
    return {"error_code": fault.get("error_code") or code, "error_msg": fault.get("error_msg") or message}


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


# ---------------------------------------------------------------------------------------------------------
# The emulated cloud: clusters, identities, faults and the request log, behind one lock.

class Cloud:
    """All state of the emulator, behind one lock that public methods take around every use of state."""

    def __init__(self, config):
        self.config = config
        self.lock = threading.Lock()
        self.clusters = {}
        self.seq = 0
        self.tokens = {}
        self.temporary = {}
        self.faults = []
        self.fault_seq = 0
        self.requests = deque(maxlen=MAX_LOGGED_REQUESTS)
        if config.state and os.path.exists(config.state) and os.path.getsize(config.state):
            with open(config.state, encoding="utf-8") as handle:
                saved = json.load(handle)
            self.clusters = {record["id"]: record for record in saved["clusters"]}
            self.seq = saved["seq"]
        self._save()  # fail at start, not at the first change, if the state file cannot be written

    # -- persistence and lazy transitions ------------------------------------------------------------

    def _save(self):
        """Write the clusters atomically: temp file in the same folder, fsync, rename."""
        if not self.config.state:
            return
        folder = os.path.dirname(os.path.abspath(self.config.state))
        data = json.dumps({"format": 1, "seq": self.seq, "clusters": list(self.clusters.values())}, indent=1)
        with tempfile.NamedTemporaryFile("w", dir=folder, prefix=".mrs-emulator-", suffix=".tmp", delete=False,
                                         encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, self.config.state)

    def _record(self, cluster_id, now):
        """The record with its pending operation settled (saved if that changed it), or None."""
        record = self.clusters.get(cluster_id)
        if record is not None and settle(record, now):
            self._save()
        return record

    def _settle_all(self, now):
        changed = [record for record in self.clusters.values() if settle(record, now)]
        if changed:
            self._save()

    def _control_view(self, record, now):
        operation = record["operation"]
        return {"cluster": cluster_view(record, self.config.region, now),
                "emulator": {"project_id": record["project_id"], "scale_seconds": record["scale_seconds"],
                             "fail_next_scale": record["fail_next_scale"],
                             "operation": operation and {"kind": operation["kind"], "role": operation["role"],
                                                         "outcome": operation["outcome"], "deadline": operation["deadline"],
                                                         "ends_in": max(0.0, operation["deadline"] - now)}}}

    # -- authentication ------------------------------------------------------------------------------

    def authenticate(self, method, path, query, headers, body, project_id):
        """'signature' or 'token' when the request is authenticated, else raise GatewayError (401).

        The 401 status, the APIGW codes and the X-Project-Id check come from general API-gateway
        documentation, not from MRS pages (unconfirmed). AK/SK is valid for every project; a token only
        for the project it is scoped to.
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
        if access_key == self.config.access_key:
            return self.config.secret_key
        temporary = self.temporary.get(access_key)
        if temporary and temporary["expires"] > now and hmac.compare_digest(
                headers.get("X-Security-Token", "").encode("utf-8"), temporary["securitytoken"].encode("utf-8")):
            return temporary["secret"]
        return None

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
        if (secret is None or signed_at is None or abs(now - signed_at) > MAX_CLOCK_SKEW or "x-sdk-date" not in signed_headers
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
            raise GatewayError(401, "APIGW.0301", "Incorrect IAM authentication information: decrypt token fail")
        if issued["expires"] <= time.time():
            raise GatewayError(401, "APIGW.0307", "The token must be updated.")
        if project_id and issued["project_id"] != project_id:
            raise GatewayError(401, "APIGW.0301", "Incorrect IAM authentication information: the token is not scoped to this project")

    def _mint_token(self, project_id, ttl):
        token = "MII" + secrets.token_urlsafe(96)
        expires = time.time() + ttl
        self.tokens[token] = {"project_id": project_id, "expires": expires}
        return token, expires

    # -- vendor routes -------------------------------------------------------------------------------

    # An unknown cluster is 400 12000003 as the MRS error-code table says (whether the live API answers 404 is unconfirmed).

    def show_cluster(self, project_id, cluster_id, **_):
        now = time.time()
        with self.lock:
            record = self._record(cluster_id, now)
            if record is None or record["project_id"] != project_id:
                raise ApiError(400, "12000003", "The cluster does not exist.")
            return reply(200, {"cluster": cluster_view(record, self.config.region, now)})

    def resize(self, project_id, cluster_id, body, **_):
        now = time.time()
        with self.lock:
            record = self._record(cluster_id, now)
            if record is None or record["project_id"] != project_id:
                raise ApiError(400, "12000003", "The cluster does not exist.")
            try:
                request = json.loads(body)
            except ValueError as err:
                raise invalid("the body is not valid JSON") from err
            plan = plan_resize(record, request)
            outcome = record["fail_next_scale"] or "apply"
            record["fail_next_scale"] = None
            start_operation(record, now=now, outcome=outcome, **plan)
            self._save()
        return reply(200, {"result": "succeeded"})

    def list_clusters(self, project_id, query, **_):
        params = query_dict(query)
        size, page = page_args(params, 10)
        now = time.time()
        with self.lock:
            self._settle_all(now)
            views = [cluster_view(record, self.config.region, now)
                     for record in sorted(self.clusters.values(), key=lambda item: -item["seq"])
                     if record["project_id"] == project_id]
        name, state = params.get("clusterName"), params.get("clusterState")
        if name:
            views = [view for view in views if view["clusterName"] == name]
        if state == "existing":
            views = [view for view in views if view["clusterState"] != "terminated"]
        elif state == "history":
            views = [view for view in views if view["clusterState"] == "terminated"]
        elif state:
            views = [view for view in views if view["clusterState"] == state]
        return reply(200, {"clusterTotal": len(views), "clusters": views[(page - 1) * size:page * size]})

    def list_hosts(self, project_id, cluster_id, query, **_):
        size, page = page_args(query_dict(query), 10)
        now = time.time()
        with self.lock:
            record = self._record(cluster_id, now)
            if record is None or record["project_id"] != project_id:
                raise ApiError(400, "12000003", "The cluster does not exist.")
            hosts = [host_view(record, host, self.config.region) for host in sorted_hosts(record)]
        return reply(200, {"total": len(hosts), "hosts": hosts[(page - 1) * size:page * size]})

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

    # -- faults and the request log ------------------------------------------------------------------

    def take_fault(self, method, path):
        """The first queued fault matching the request, with one of its uses consumed."""
        with self.lock:
            for fault in self.faults:
                if (fault["method"] is None or fault["method"].upper() == method) and (
                        fault["path"] is None or re.search(fault["path"], path)):
                    fault["times"] -= 1
                    if fault["times"] <= 0:
                        self.faults.remove(fault)
                    return dict(fault)
        return None

    def log_request(self, entry):
        with self.lock:
            self.requests.append(entry)

    # -- control routes ------------------------------------------------------------------------------

    def create_cluster(self, body):
        check_create(body)
        now = time.time()
        with self.lock:
            fields = dict(body, id=body.get("id") or str(uuid.uuid4()))
            if fields["id"] in self.clusters:
                raise ControlError(409, "cluster %s already exists" % fields["id"])
            self.seq += 1
            record = new_cluster_record(fields, {"project_id": self.config.project_id, "scale_seconds": self.config.scale_seconds},
                                        now, self.seq)
            self._force_state(record, fields.get("state", "running"), now)
            self.clusters[record["id"]] = record
            self._save()
            return self._control_view(record, now)

    @staticmethod
    def _force_state(record, state, now):
        if state in SCALING_STATES:
            start_operation(record, state, now, outcome="noop")
        else:
            record.update(operation=None, state=state, scale="", stage_desc=None, updated_at=now)

    def patch_cluster(self, cluster_id, body):
        now = time.time()
        with self.lock:
            record = self._control_record(cluster_id, now)
            check_patch(body, record)
            if "scale_seconds" in body:
                record["scale_seconds"] = float(body["scale_seconds"])
            if "state" in body:
                self._force_state(record, body["state"], now)
            if "scale" in body:
                record["scale"] = body["scale"]
            if "fail_next_scale" in body:
                record["fail_next_scale"] = body["fail_next_scale"]
            self._save()
            return self._control_view(record, now)

    def _control_record(self, cluster_id, now):
        record = self._record(cluster_id, now)
        if record is None:
            raise ControlError(404, "no cluster %s" % cluster_id)
        return record

    def get_cluster(self, cluster_id):
        now = time.time()
        with self.lock:
            return self._control_view(self._control_record(cluster_id, now), now)

    def all_clusters(self):
        now = time.time()
        with self.lock:
            self._settle_all(now)
            return {"clusters": [self._control_view(record, now) for record in sorted(self.clusters.values(), key=lambda r: r["seq"])]}

    def all_hosts(self, cluster_id):
        with self.lock:
            record = self._control_record(cluster_id, time.time())
            hosts = [host_view(record, host, self.config.region) for host in sorted_hosts(record)]
        return {"total": len(hosts), "hosts": hosts}

    def add_fault(self, body):
        check_fault(body)
        with self.lock:
            self.fault_seq += 1
            fault = {field: body.get(field) for field in FAULT_FIELDS}
            fault.update(id=self.fault_seq, times=body.get("times", 1))
            self.faults.append(fault)
            return {"fault": dict(fault)}

    def list_faults(self):
        with self.lock:
            return {"faults": [dict(fault) for fault in self.faults]}

    def clear_faults(self):
        with self.lock:
            self.faults.clear()
        return {"faults": []}

    def list_requests(self):
        with self.lock:
            return {"requests": list(self.requests)}

    def clear_requests(self):
        with self.lock:
            self.requests.clear()
        return {"requests": []}

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

    def reset(self):
        with self.lock:
            self.clusters.clear()
            self.faults.clear()
            self.requests.clear()
            self._save()
        return {"result": "reset"}


# ---------------------------------------------------------------------------------------------------------
# HTTP.

ID = r"(?P<%s>[^/]+)"
VENDOR_ROUTES = (
    ("GET", re.compile(r"^/v1\.1/%s/cluster_infos/%s$" % (ID % "project_id", ID % "cluster_id")), "show_cluster", True),
    ("PUT", re.compile(r"^/v1\.1/%s/cluster_infos/%s$" % (ID % "project_id", ID % "cluster_id")), "resize", True),
    ("GET", re.compile(r"^/v1\.1/%s/cluster_infos$" % (ID % "project_id")), "list_clusters", True),
    ("GET", re.compile(r"^/v1\.1/%s/clusters/%s/hosts$" % (ID % "project_id", ID % "cluster_id")), "list_hosts", True),
    ("POST", re.compile(r"^/v3/auth/tokens$"), "issue_token", False),
    ("GET", re.compile(r"^/v3/projects$"), "list_projects", True),
)
CLUSTER_PATH = re.compile(r"^/_emulator/clusters/(?P<cluster_id>[^/]+)$")
CLUSTER_HOSTS_PATH = re.compile(r"^/_emulator/clusters/(?P<cluster_id>[^/]+)/hosts$")


def error_code_of(payload):
    if not isinstance(payload, dict):
        return None
    if "error_code" in payload:
        return str(payload["error_code"])
    nested = payload.get("error")
    return str(nested["code"]) if isinstance(nested, dict) and "code" in nested else None


class Handler(BaseHTTPRequestHandler):
    """Routes requests to the Cloud held by the server."""

    protocol_version = "HTTP/1.1"
    server_version = "MRS-Emulator/1.0"
    sys_version = ""
    timeout = 300
    # Headers and body go out in separate writes: without TCP_NODELAY, keep-alive clients wait for delayed ACKs.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_PATCH(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _read_body(self):
        if self.headers.get("Transfer-Encoding"):
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return None
        if length < 0 or length > MAX_BODY_BYTES:
            return None
        return self.rfile.read(length)

    def _send(self, status, payload, headers, request_id):
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", request_id)
        for name, value in headers.items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(data)

    def _drop_connection(self):
        """Close without answering: the client sees the connection end with no response."""
        self.close_connection = True

    def _dispatch(self):
        request_id = uuid.uuid4().hex
        body = self._read_body()
        if body is None:
            self.close_connection = True
            self._send(400, {"error_code": "APIGW.0201", "error_msg": "Request error: a body needs a valid Content-Length."},
                       {"Connection": "close"}, request_id)
            return
        split = urlsplit(self.path)
        try:
            if split.path.startswith("/_emulator/"):
                status, payload = self._control(split.path, body)
                self._send(status, payload, {}, request_id)
            else:
                self._vendor(split.path, split.query, body, request_id)
        except Exception:  # pylint: disable=broad-except
            # A bug in the emulator: answer like the service would and keep serving.
            traceback.print_exc()
            self.close_connection = True
            self._send(500, {"error_code": "MRS.300", "error_msg": "MRS internal error."}, {"Connection": "close"}, request_id)

    def _vendor(self, path, query, body, request_id):
        cloud = self.server.cloud
        entry = {"time": time.time(), "method": self.command, "path": path, "query": query, "request_id": request_id,
                 "status": None, "error_code": None, "auth": None}
        if self.command == "PUT" and "/cluster_infos/" in path:
            try:
                entry["body"] = json.loads(body)
            except ValueError:
                entry["body"] = body.decode("utf-8", "replace")[:2000]
        fault = cloud.take_fault(self.command, path)
        if fault and fault["delay"]:
            entry["fault"] = "delay"
            time.sleep(fault["delay"])
        if fault and fault["reset"] == "before":
            entry["fault"] = "reset-before"
            cloud.log_request(entry)
            self._drop_connection()
            return
        if fault and fault["status"]:
            entry["fault"] = "status"
            result = reply(fault["status"], fault_error(fault),
                           {"Retry-After": fault["retry_after"]} if fault["retry_after"] is not None else None)
        else:
            result = self._vendor_call(path, query, body, request_id)
        entry.update(status=result["status"], error_code=error_code_of(result["payload"]), auth=result["auth"])
        if fault and fault["reset"] == "after":
            entry["fault"] = "reset-after"
            cloud.log_request(entry)
            self._drop_connection()
            return
        cloud.log_request(entry)
        self._send(result["status"], result["payload"], result["headers"], request_id)

    def _vendor_call(self, path, query, body, request_id):
        cloud = self.server.cloud
        decoded = unquote(path)
        for method, pattern, handler_name, needs_auth in VENDOR_ROUTES:
            match = pattern.match(decoded)
            if match and method == self.command:
                args = match.groupdict()
                auth = None
                try:
                    if needs_auth:
                        auth = cloud.authenticate(self.command, path, query, self.headers, body, args.get("project_id"))
                    result = getattr(cloud, handler_name)(query=query, body=body, base_url=self.server.url, **args)
                except GatewayError as err:
                    return reply(err.status, dict(err.payload(), request_id=request_id), auth=auth)
                except ApiError as err:
                    return reply(err.status, err.payload(), auth=auth)
                result["auth"] = auth
                return result
        return reply(404, {"error_code": "APIGW.0101", "error_msg": "The API does not exist or has not been published in the environment",
                           "request_id": request_id})

    def _control(self, path, body):
        cloud = self.server.cloud
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            return 400, {"error": "the body is not valid JSON"}
        routes = {
            ("POST", "/_emulator/clusters"): lambda: (201, cloud.create_cluster(data)),
            ("GET", "/_emulator/clusters"): lambda: (200, cloud.all_clusters()),
            ("GET", "/_emulator/requests"): lambda: (200, cloud.list_requests()),
            ("DELETE", "/_emulator/requests"): lambda: (200, cloud.clear_requests()),
            ("POST", "/_emulator/faults"): lambda: (201, cloud.add_fault(data)),
            ("GET", "/_emulator/faults"): lambda: (200, cloud.list_faults()),
            ("DELETE", "/_emulator/faults"): lambda: (200, cloud.clear_faults()),
            ("POST", "/_emulator/tokens"): lambda: (201, cloud.mint_token(data)),
            ("DELETE", "/_emulator/tokens"): lambda: (200, cloud.expire_tokens()),
            ("POST", "/_emulator/credentials/temporary"): lambda: (201, cloud.temporary_credentials()),
            ("DELETE", "/_emulator/credentials/temporary"): lambda: (200, cloud.expire_temporary_credentials()),
            ("POST", "/_emulator/reset"): lambda: (200, cloud.reset()),
        }
        cluster = CLUSTER_PATH.match(path)
        hosts = CLUSTER_HOSTS_PATH.match(path)
        if cluster:
            routes[("GET", path)] = lambda: (200, cloud.get_cluster(cluster["cluster_id"]))
            routes[("PATCH", path)] = lambda: (200, cloud.patch_cluster(cluster["cluster_id"], data))
        elif hosts:
            routes[("GET", path)] = lambda: (200, cloud.all_hosts(hosts["cluster_id"]))
        route = routes.get((self.command, path))
        if route is None:
            return 404, {"error": "no control route %s %s" % (self.command, path)}
        try:
            return route()
        except ControlError as err:
            return err.status, {"error": str(err)}


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, cloud, verbose):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.cloud = cloud
        self.verbose = verbose
        self.url = ""

    def handle_error(self, request, client_address):
        """Client disconnects and TLS handshake failures are routine here: report them only with --verbose."""
        if self.verbose:
            super().handle_error(request, client_address)


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Show every default, keep the route list in the epilog as written, never split a value at a hyphen."""

    def _split_lines(self, text, width):
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="mrs_emulator.py",
        description=__doc__.split("\n\n", 1)[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=HelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    parser.add_argument("--scale-seconds", type=float, default=DEFAULT_SCALE_SECONDS,
                        help="how long a scale operation stays in progress (new clusters; 0 allowed)")
    parser.add_argument("--access-key", default=DEFAULT_ACCESS_KEY, help="accepted access key (AK)")
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY, help="secret key (SK) of the access key")
    parser.add_argument("--project-id", default=DEFAULT_PROJECT_ID, help="project id of the emulated account")
    parser.add_argument("--region", default=DEFAULT_REGION, help="region name (also the IAM project name)")
    parser.add_argument("--iam-user", default=DEFAULT_IAM_USER, help="IAM user accepted by POST /v3/auth/tokens")
    parser.add_argument("--iam-password", default=DEFAULT_IAM_PASSWORD, help="password of the IAM user")
    parser.add_argument("--iam-domain", default=DEFAULT_IAM_DOMAIN, help="domain (account) name of the IAM user")
    parser.add_argument("--token-ttl", type=float, default=DEFAULT_TOKEN_TTL, help="lifetime of issued tokens, seconds")
    parser.add_argument("--tls-cert", help="PEM certificate (chain): serve HTTPS (with --tls-key)")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--state", help="JSON file the clusters are kept in across restarts (written atomically)")
    parser.add_argument("--verbose", action="store_true", help="log every request and connection error to stderr")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if args.scale_seconds < 0:
        parser.error("--scale-seconds must be >= 0")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        cloud = Cloud(args)
    except (OSError, ValueError, KeyError, TypeError) as err:
        sys.stderr.write("mrs_emulator: cannot use the state file %s: %s\n" % (args.state, err))
        return 2
    server = EmulatorServer((args.host, args.port), cloud, args.verbose)
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        # The handshake then runs in the connection's own thread, not in the accept loop.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
        scheme = "https"
    host, port = server.server_address[:2]
    server.url = "%s://%s:%d" % (scheme, "[%s]" % host if ":" in host else host, port)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    sys.stdout.write("MRS emulator listening on %s\n" % server.url)
    sys.stdout.flush()
    while not stop.wait(1):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
