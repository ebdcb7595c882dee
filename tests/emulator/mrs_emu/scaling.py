"""The resize rules (vendor document "adjust cluster nodes"): every refusal with its code."""

from .common import GROUP_NAMES, MAX_CORE_AND_TASK, MIN_CORE, VOLUME_TYPES, ApiError, bounded_int, invalid, positive_int
from .state import count_role, group_spec


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
