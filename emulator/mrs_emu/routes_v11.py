"""The v1.1 vendor routes: cluster details, resize, list and hosts."""

import json
import time

from .common import ApiError, invalid, page_args, query_dict, reply
from .scaling import plan_resize
from .state import sorted_hosts, start_operation
from .views import cluster_view, host_view


def tag_filter(text):
    """tags=k1*v1,k2*v2,k3 (vendor SDK ListClustersRequest): every tag must match (AND); no value = the key alone."""
    wanted = []
    for item in text.split(","):
        key, star, value = item.partition("*")
        if not key:
            raise invalid("tags must look like k1*v1,k2*v2 or k1,k2*v2")
        wanted.append((key, value if star else None))
    return wanted


def matches_tags(record, wanted):
    return all(key in record["tags"] and (value is None or record["tags"][key] == value) for key, value in wanted)


class V11Routes:
    """GET/PUT cluster_infos/{id}, GET cluster_infos, GET clusters/{id}/hosts."""

    # An unknown cluster is 400 12000003 as the MRS error-code table says (whether the live API answers 404 is unconfirmed).

    def _vendor_record(self, project_id, cluster_id, now):
        record = self._record(cluster_id, now)
        if record is None or record["project_id"] != project_id:
            raise ApiError(400, "12000003", "The cluster does not exist.")
        return record

    def show_cluster(self, project_id, cluster_id, **_):
        now = time.time()
        with self.lock:
            record = self._vendor_record(project_id, cluster_id, now)
            return reply(200, {"cluster": cluster_view(record, self.config.region, now)})

    def resize(self, project_id, cluster_id, body, **_):
        now = time.time()
        with self.lock:
            record = self._vendor_record(project_id, cluster_id, now)
            try:
                request = json.loads(body)
            except ValueError as err:
                raise invalid("the body is not valid JSON") from err
            plan = plan_resize(record, request)
            self._start(record, plan, now, via="v1.1")
        return reply(200, {"result": "succeeded"})

    def _start(self, record, plan, now, via):
        """Start an accepted scale operation (fail_next_scale decides its outcome) and save."""
        outcome = record["fail_next_scale"] or "apply"
        applied = record.get("fail_next_scale_applied", 0) if record["fail_next_scale"] else 0
        record["fail_next_scale"], record["fail_next_scale_applied"] = None, 0
        start_operation(record, now=now, outcome=outcome, via=via, applied=applied, **plan)
        self._save()

    def list_clusters(self, project_id, query, **_):
        """clusterName matches fuzzily (a case-insensitive substring, as the real list does per the Terraform docs);
        clusterState, tags and enterpriseProjectId filter; pageSize / currentPage page."""
        params = query_dict(query)
        size, page = page_args(params, 10)
        wanted_tags = tag_filter(params["tags"]) if params.get("tags") else []
        project = params.get("enterpriseProjectId")
        now = time.time()
        with self.lock:
            self._settle_all(now)
            views = [cluster_view(record, self.config.region, now)
                     for record in sorted(self.clusters.values(), key=lambda item: -item["seq"])
                     if record["project_id"] == project_id and matches_tags(record, wanted_tags)
                     and (not project or record["enterprise_project_id"] == project)]
        name, state = params.get("clusterName"), params.get("clusterState")
        if name:
            views = [view for view in views if name.lower() in view["clusterName"].lower()]
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
            record = self._vendor_record(project_id, cluster_id, now)
            hosts = [host_view(record, host, self.config.region) for host in sorted_hosts(record)]
        return reply(200, {"total": len(hosts), "hosts": hosts[(page - 1) * size:page * size]})
