"""The v2 vendor routes: expand, shrink and the node list (bodies of the vendor SDK's v2 models)."""

import json
import time

from .common import derived_id, invalid, query_dict, reply
from .scaling import plan_expand, plan_shrink
from .state import sorted_hosts
from .views import node_view

SORT_KEYS = ("node_name",)


def body_object(body):
    try:
        return json.loads(body)
    except ValueError as err:
        raise invalid("the body is not valid JSON") from err


def flag(params, name):
    value = params.get(name)
    if value in (None, "true", "false"):
        return value == "true"
    raise invalid("%s must be true or false" % name)


class V2Routes:
    """POST clusters/{id}/expand and /shrink, GET clusters/{id}/nodes."""

    def expand(self, project_id, cluster_id, body, **_):
        """{"result": "success"} (the SDK's wording for a pay-per-use group), or {"result": "succeeded", "order_id"}
        for a yearly/monthly group, whose nodes come only after POST /_emulator/orders/{order_id}/pay."""
        now = time.time()
        with self.lock:
            record = self._vendor_record(project_id, cluster_id, now)
            plan, prepaid = plan_expand(record, body_object(body))
            if prepaid:
                self.order_seq += 1
                order_id = "CS%s%05d" % (derived_id("order", record["id"], str(now))[:10].upper(), self.order_seq)
                record["orders"][order_id] = {"group": plan["group"], "count": plan["add"], "paid": False, "created": now}
                record["updated_at"] = now
                self._save()
                return reply(200, {"result": "succeeded", "order_id": order_id})
            self._start(record, plan, now, via="v2")
        return reply(200, {"result": "success"})

    def shrink(self, project_id, cluster_id, body, **_):
        now = time.time()
        with self.lock:
            record = self._vendor_record(project_id, cluster_id, now)
            self._start(record, plan_shrink(record, body_object(body)), now, via="v2")
        return reply(200, {"result": "succeeded"})

    def list_nodes(self, project_id, cluster_id, query, **_):
        """Paged by limit (default 10) and offset, read as a 1-based page number (the SDK documents a default of 1:
        unconfirmed; offset 0 is read as 1). node_group, node_name (substring) and internal_ip filter."""
        params = query_dict(query)
        try:
            limit = int(params.get("limit", 10))
            offset = int(params.get("offset", 1))
        except ValueError as err:
            raise invalid("limit and offset must be integers") from err
        if limit < 1 or offset < 0:
            raise invalid("limit must be >= 1 and offset >= 0")
        if params.get("sort_key") not in (None,) + SORT_KEYS or params.get("sort_dir") not in (None, "asc", "desc"):
            raise invalid("sort_key must be node_name and sort_dir asc or desc")
        detail = flag(params, "query_node_detail")
        ecs_detail = flag(params, "query_ecs_detail")
        now = time.time()
        with self.lock:
            record = self._vendor_record(project_id, cluster_id, now)
            hosts = sorted_hosts(record)
            if params.get("node_group"):
                hosts = [host for host in hosts if host["group"] == params["node_group"]]
            if params.get("node_name"):
                hosts = [host for host in hosts if params["node_name"] in host["name"]]
            if params.get("internal_ip"):
                hosts = [host for host in hosts if host["ip"] == params["internal_ip"]]
            if params.get("sort_key"):
                hosts = sorted(hosts, key=lambda host: host["name"], reverse=params.get("sort_dir") == "desc")
            page = max(offset, 1)
            nodes = [node_view(record, host, detail, ecs_detail) for host in hosts[(page - 1) * limit:page * limit]]
        return reply(200, {"nodes": nodes, "node_total": len(hosts)})
