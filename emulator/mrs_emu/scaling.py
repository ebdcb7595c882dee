"""The resize rules of v1.1 (vendor document "adjust cluster nodes") and v2 (expand / shrink): every refusal with its code.

Both APIs share one set of rules on the cluster and the group (cluster_can_scale, the 500-node limit, a core group's
minimum); each checks its own body. Documented: 12000054 for a v1.1 resize of a custom cluster (the v1.1 page supports
only streaming, analysis and hybrid clusters; 12000054 "operation not supported" is in that page's own error table),
12000067 for the two v1.1 flags that need MRS 1.7.2 or later, 12000068 while a node is not running (v1.1 table),
12000121 for any scale-out while the cluster has an unpaid order, 12000125 for task_node_info during a scale.
Inferred (unconfirmed) mappings: 12000013 for a scale-in below a group's minimum, of nodes the group does not have or
of resource_ids of running nodes, 12000123 for task_node_info while Task nodes exist, 12000124 for a manual resize of a
group whose auto-scaling policy is enabled, 12000002 for every malformed parameter, an unknown group, a v1.1 resize or
a v2 shrink of a master group.
"""

import re

from .common import (ABNORMAL_NODE_STATES, GROUP_NAME_RE, MAX_CORE_AND_TASK, MIN_CORE, RUNNING_NODE, VOLUME_TYPES, ApiError,
                     bounded_int, invalid, is_int, positive_int, version_tuple)
from .errors import documented
from .policy import enabled_policy
from .state import count_group, count_kind, find_group, group_spec, groups_of_kind, is_prepaid, new_group

# skip_bootstrap_scripts and scale_without_start are "valid only in MRS 1.7.2 or later" (v1.1 resize page).
FLAGS_SINCE = (1, 7, 2)
V11_FLAGS = ("skip_bootstrap_scripts", "scale_without_start")


def cluster_can_scale(record):
    name = record["name"]
    if record["operation"]:
        raise ApiError(400, "12000018", "Cluster %s is being scaled out or in and cannot be scaled again." % name)
    if record["state"] != "running":
        raise ApiError(400, "12000017", "Cluster %s is not running (%s) and cannot be scaled out or in." % (name, record["state"]))


def group_can_scale(record, group):
    policy = enabled_policy(record, group["name"])
    if policy:
        raise ApiError(400, "12000124", "The number of nodes in node group %s is managed by an enabled auto scaling policy "
                       "(min %s, max %s); disable the policy to resize it manually." % (
                           group["name"], policy["auto_scaling_policy"].get("min_capacity"),
                           policy["auto_scaling_policy"].get("max_capacity")))


def check_no_unpaid_order(record):
    """An unpaid order blocks every scale-out of the cluster, not only of its group (OTC error-code appendix, 12000121:
    "...scale out the Yearly/Monthly cluster ... the cluster has an unpaid order")."""
    unpaid = sorted(order_id for order_id, order in record["orders"].items() if not order["paid"])
    if unpaid:
        raise documented("12000121", "Cluster %s has the unpaid order %s." % (record["name"], ", ".join(unpaid)))


def check_nodes_running(record):
    """12000068 while a node of the cluster is not running (v1.1 resize page, error table)."""
    stopped = [host["name"] for host in record["hosts"] if host.get("state", RUNNING_NODE) != RUNNING_NODE]
    if stopped:
        raise documented("12000068", "Not running: %s." % ", ".join(sorted(stopped)))


def check_total(record, add):
    resizable = count_kind(record, "core") + count_kind(record, "task")
    if resizable + add > MAX_CORE_AND_TASK:
        raise ApiError(400, "12000028", "A cluster can have at most %d Core and Task nodes; %s has %d, %d requested."
                       % (MAX_CORE_AND_TASK, record["name"], resizable, add))


def check_removal(record, group, count):
    have = count_group(record, group["name"])
    if group["kind"] == "core" and have - count < MIN_CORE:
        raise ApiError(400, "12000013", "Failed to scale in cluster %s: node group %s must keep at least %d Core nodes (has %d)."
                       % (record["name"], group["name"], MIN_CORE, have))
    if count > have:
        raise ApiError(400, "12000013", "Failed to scale in cluster %s: node group %s has only %d nodes."
                       % (record["name"], group["name"], have))


def newest_ids(record, group, count):
    """The hosts a scale-in by count removes: the newest nodes; of a Task group the abnormal ones first (MRS prefers
    faulty, unknown or sub-healthy Task nodes: Huawei user guide "Scaling In a Cluster", mrs_01_0060)."""
    def order(host):
        abnormal = group["kind"] == "task" and host.get("state", RUNNING_NODE) != RUNNING_NODE
        return (not abnormal, -host["seq"])
    candidates = sorted((host for host in record["hosts"] if host["group"] == group["name"]), key=order)
    return [host["id"] for host in candidates[:count]]


# -- v1.1 PUT cluster_infos/{id} ---------------------------------------------------------------------------------------

def resize_group(node_group, record):
    """The group a v1.1 resize names: empty and core_node_default_group mean the first Core group,
    task_node_default_group the first Task group (or the one the cluster type would create), any group name itself."""
    cores, tasks = groups_of_kind(record, "core"), groups_of_kind(record, "task")
    if node_group in (None, "", "core_node_default_group") and cores:
        return cores[0]
    if node_group == "task_node_default_group":
        if tasks:
            return tasks[0]
        name = {"analysis": "task_node_analysis_group", "streaming": "task_node_streaming_group",
                "mixed": "task_node_analysis_group"}.get(record["type"])
        if name:
            return new_group(name, "task", "")
    group = find_group(record, node_group) if node_group else None
    if group is None:
        raise invalid("unknown node_group %r of cluster %s" % (node_group, record["name"]))
    if group["kind"] == "master":
        raise invalid("the number of Master nodes cannot be changed")
    return group


def checked_task_node_info(info, name):
    if not isinstance(info, dict):
        raise invalid("task_node_info must be an object")
    if not isinstance(info.get("node_size"), str) or not info["node_size"]:
        raise invalid("task_node_info.node_size is required")
    spec = dict(group_spec(info["node_size"]), name=name, kind="task", prepaid=False)
    if "data_volume_type" in info:
        if info["data_volume_type"] not in VOLUME_TYPES:
            raise invalid("task_node_info.data_volume_type must be one of " + ", ".join(VOLUME_TYPES))
        spec["data_volume_type"] = info["data_volume_type"]
    if "data_volume_count" in info:
        if not bounded_int(info["data_volume_count"], 0, 20):
            raise invalid("task_node_info.data_volume_count must be an integer from 0 to 20")
        spec["data_volume_count"] = info["data_volume_count"]
    if "data_volume_size" in info:
        if not bounded_int(info["data_volume_size"], 100, 32000):
            raise invalid("task_node_info.data_volume_size must be an integer from 100 to 32000 (GB)")
        spec["data_volume_size"] = info["data_volume_size"]
    return spec


def check_optional_flags(params, strict=False):
    # skip_bootstrap_scripts is a Boolean in the docs but typed str in the v1 SDK: v1.1 accepts both spellings,
    # v2 (typed bool in ExpandParam) only booleans.
    allowed = (True, False) if strict else (True, False, "true", "false")
    for name in ("skip_bootstrap_scripts", "scale_without_start"):
        value = params.get(name)
        if value is not None and (value not in allowed or (strict and not isinstance(value, bool))):
            raise invalid("%s must be a boolean" % name)


def removal_ids(record, params, group, instances):
    """The hosts a scale-in removes: the given Task server_ids, or the newest nodes of the group."""
    server_ids = params.get("server_ids")
    if server_ids is not None and (not isinstance(server_ids, list) or not all(isinstance(item, str) for item in server_ids)):
        raise invalid("server_ids must be a list of strings")
    if server_ids:
        if group["kind"] != "task":
            raise invalid("server_ids can only be given for a scale-in of Task nodes")
        if len(server_ids) != instances or len(set(server_ids)) != len(server_ids):
            raise invalid("server_ids must list exactly %d distinct Task nodes" % instances)
        task_ids = {host["id"] for host in record["hosts"] if host["group"] == group["name"]}
        unknown = [item for item in server_ids if item not in task_ids]
        if unknown:
            # The documented code for ids that are not Task nodes of the group (OTC error-code appendix).
            raise ApiError(400, "12000013", "The task node does not exist: %s (not Task nodes of node group %s of cluster %s)."
                           % (", ".join(unknown), group["name"], record["name"]))
        return server_ids
    return newest_ids(record, group, instances)


def check_version_flags(record, params):
    """12000067 for a v1.1 flag that asks what a cluster before MRS 1.7.2 cannot do (true; false is what it does)."""
    version = version_tuple(record["version"])
    asked = [name for name in V11_FLAGS if params.get(name) in (True, "true")]
    if asked and version and version < FLAGS_SINCE:
        raise documented("12000067", "%s need MRS 1.7.2 or later; cluster %s runs %s." % (
            " and ".join(asked), record["name"], record["version"]))


def resize_params(record, body):
    """The parameters object of a v1.1 resize, after the refusals that come before any parameter is read."""
    if record["type"] == "custom":
        raise documented("12000054", "The v1.1 resize supports only analysis, streaming and hybrid clusters; %s is a custom "
                         "cluster: scale it with POST /v2/{project_id}/clusters/{cluster_id}/expand or /shrink." % record["name"])
    if is_prepaid(record):
        raise documented("12000065")
    params = body.get("parameters") if isinstance(body, dict) else None
    if record["operation"] and isinstance(params, dict) and params.get("task_node_info") is not None:
        raise documented("12000125")
    cluster_can_scale(record)
    if not isinstance(params, dict):
        raise invalid("parameters is required")
    return params


def new_task_group(record, params, group, have):
    """The Task group task_node_info describes (for a Task group without nodes), or None; 12000123 while Task nodes exist."""
    if params.get("task_node_info") is None:
        return None
    if (have if group["kind"] == "task" else count_kind(record, "task")) > 0:
        raise documented("12000123")
    task_group = checked_task_node_info(params["task_node_info"], group["name"])
    return task_group if group["kind"] == "task" else None


def plan_resize(record, body):
    """Check every rule for a v1.1 resize of record; return the arguments of start_operation or raise ApiError."""
    params = resize_params(record, body)
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
    group = resize_group(node_group, record)
    check_optional_flags(params)
    exists = find_group(record, group["name"]) is not None
    if exists:
        group_can_scale(record, group)
    check_nodes_running(record)
    have = count_group(record, group["name"]) if exists else 0
    task_group = new_task_group(record, params, group, have)
    if scale_type == "scale_out":
        if group["kind"] == "task" and have == 0 and task_group is None:
            raise invalid("task_node_info is required to add Task nodes to a cluster without Task nodes")
        check_version_flags(record, params)
        check_no_unpaid_order(record)
        check_total(record, instances)
        return {"kind": "scaling-out", "group": group["name"], "add": instances, "task_group": task_group}
    if not exists:
        raise ApiError(400, "12000013", "Failed to scale in cluster %s: it has no %s nodes." % (record["name"], group["name"]))
    check_removal(record, group, instances)
    return {"kind": "scaling-in", "group": group["name"], "remove": removal_ids(record, params, group, instances)}


# -- v2 POST clusters/{id}/expand and /shrink ------------------------------------------------------------------------

def v2_group(record, body, fields, master_allowed=False):
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise invalid("unknown field(s) %s" % ", ".join(unknown))
    name = body.get("node_group_name")
    if not isinstance(name, str) or not re.match(GROUP_NAME_RE, name):
        raise invalid("node_group_name is required: 1 to 64 letters, digits, _ or -")
    group = find_group(record, name)
    if group is None:
        raise invalid("node group %s does not exist in cluster %s" % (name, record["name"]))
    if group["kind"] == "master" and not master_allowed:
        raise invalid("node group %s is a Master group: Master nodes can be added, never removed" % name)
    return group


def plan_expand(record, body):
    """(start_operation arguments, prepaid) for a v2 expand, or raise ApiError. A Master group may grow
    (terraform-provider-huaweicloud PR #8789: "Master nodes support expansion only")."""
    cluster_can_scale(record)
    group = v2_group(record, body, ("node_group_name", "count", "skip_bootstrap_scripts", "scale_without_start"),
                     master_allowed=True)
    count = body.get("count")
    if not is_int(count) or count < 1:
        raise invalid("count must be an integer >= 1")
    check_optional_flags(body, strict=True)
    group_can_scale(record, group)
    check_no_unpaid_order(record)
    check_total(record, count if group["kind"] != "master" else 0)
    return {"kind": "scaling-out", "group": group["name"], "add": count}, group["prepaid"]


def checked_resource_ids(value):
    if value is not None and (not isinstance(value, list) or not all(isinstance(item, str) and item for item in value)):
        raise invalid("resource_ids must be a list of resource ids")
    return value


def shrink_count(body):
    """(count, resource_ids) of a v2 shrink body, the shape checked."""
    count, resource_ids = body.get("count"), checked_resource_ids(body.get("resource_ids"))
    if count is None and not resource_ids:
        raise invalid("count is required unless resource_ids is given")
    if count is not None and (not is_int(count) or count < 1):
        raise invalid("count must be an integer >= 1")
    if resource_ids and (len(set(resource_ids)) != len(resource_ids) or (count is not None and count != len(resource_ids))):
        raise invalid("resource_ids must list distinct nodes, as many as count")
    return (len(resource_ids) if resource_ids else count), resource_ids


def abnormal_removal(record, group, resource_ids):
    """The host ids of resource_ids: nodes of the group in an abnormal state, on a pay-per-use cluster only
    (terraform-provider-huaweicloud docs/resources/mapreduce_cluster_node_batch_shrink.md; the SDK's ShrinkParam:
    "only supports deleting ECS nodes in an abnormal state")."""
    if is_prepaid(record):
        raise documented("12000065", "resource_ids work on pay-per-use clusters only.")
    by_resource = {host["resource_id"]: host for host in record["hosts"] if host["group"] == group["name"]}
    unknown = [item for item in resource_ids if item not in by_resource]
    if unknown:
        raise ApiError(400, "12000013", "The node does not exist: %s (not nodes of node group %s)." % (", ".join(unknown), group["name"]))
    healthy = [item for item in resource_ids if by_resource[item].get("state", RUNNING_NODE) not in ABNORMAL_NODE_STATES]
    if healthy:
        raise ApiError(400, "12000013", "Failed to scale in cluster %s: resource_ids take only nodes in the %s state; %s %s "
                       "running: shrink by count instead." % (record["name"], ", ".join(ABNORMAL_NODE_STATES), ", ".join(healthy),
                                                              "is" if len(healthy) == 1 else "are"))
    return [by_resource[item]["id"] for item in resource_ids]


def plan_shrink(record, body):
    """start_operation arguments for a v2 shrink, or raise ApiError."""
    cluster_can_scale(record)
    group = v2_group(record, body, ("node_group_name", "count", "resource_ids"))
    count, resource_ids = shrink_count(body)
    if group["prepaid"]:
        raise ApiError(400, "12000065", "Nodes of the yearly/monthly node group %s cannot be removed by a shrink." % group["name"])
    group_can_scale(record, group)
    check_removal(record, group, count)
    if not resource_ids:
        return {"kind": "scaling-in", "group": group["name"], "remove": newest_ids(record, group, count)}
    return {"kind": "scaling-in", "group": group["name"], "remove": abnormal_removal(record, group, resource_ids)}
