"""MRS emulator: a local stand-in for the Huawei Cloud MRS v1.1 / v2 and IAM APIs.

A real HTTP server (standard library only) that behaves like the cloud for the calls the collection makes,
the way moto stands in for AWS. The vendor SDK (huaweicloudsdkmrs) works against it unchanged.

Run:  python3 emulator/mrs_emulator.py --port 0   (see --help for every option and default)
The first stdout line is "MRS emulator listening on URL"; it runs until SIGTERM/SIGINT and exits 0.

Vendor routes (authenticated by an SDK-HMAC-SHA256 signature or an X-Auth-Token the emulator issued):
  GET  /v1.1/{project_id}/cluster_infos/{cluster_id}       cluster details {"cluster": {...}}
  PUT  /v1.1/{project_id}/cluster_infos/{cluster_id}       resize (scale_out / scale_in of Core or Task; not on custom
                                                           clusters: 12000054, as MRS documents)
  GET  /v1.1/{project_id}/cluster_infos                    list (clusterName fuzzy, clusterState, tags=k1*v1,k2, enterpriseProjectId)
  GET  /v1.1/{project_id}/clusters/{cluster_id}/hosts      hosts (pageSize default 10, currentPage default 1)
  POST /v2/{project_id}/clusters/{cluster_id}/expand       v2 expand {node_group_name, count, skip_bootstrap_scripts,
                                                           scale_without_start}: {"result": "success"}, or for a prepaid
                                                           group {"result": "succeeded", "order_id"} (pay it below);
                                                           a Master group may grow, never shrink
  POST /v2/{project_id}/clusters/{cluster_id}/shrink       v2 shrink {node_group_name, count} or {node_group_name, resource_ids}
                                                           (resource_ids: only nodes in an abnormal state, see node_states)
  GET  /v2/{project_id}/clusters/{cluster_id}/nodes        nodes (node_group, node_name, internal_ip, sort_key, sort_dir,
                                                           limit default 10, offset = page number default 1);
                                                           component_infos and node_detail only with query_node_detail=true,
                                                           cpu and mem only with query_ecs_detail=true
  POST|PUT|GET|DELETE /v2/{project_id}/autoscaling-policy/{cluster_id}
                                                           auto-scaling policies of Task groups (one enabled group per
                                                           cluster): POST creates, PUT replaces (MRS.00005016 if none),
                                                           GET lists them, DELETE {node_group_name, resource_pool_name}
  POST /v1.1/{project_id}/autoscaling-policy/{cluster_id}  legacy create-or-update, Task groups only, exec_scripts;
                                                           while a policy is enabled a manual resize gets 12000124
  POST /v3/auth/tokens                                     IAM password auth (no auth needed), 201 + X-Subject-Token
  GET  /v3/projects?name=REGION                            IAM project lookup
Any other path answers 404 APIGW.0101. Every vendor response carries X-Request-Id.

Control routes (no auth, for tests and the demo):
  POST   /_emulator/clusters            create: name (required), core=3, task=0, master=2, state=running,
                                        billing_type=Metered|12|Yearly/Monthly|11 (answered as billingType "12" or
                                        "11", as MRS does), version="MRS 3.1.0", task_node_size,
                                        id=uuid4, project_id=the emulator's, scale_seconds=--scale-seconds.
                                        With task=0, task_node_size creates an empty Task group (a cluster
                                        that had Task nodes once). type=analysis|streaming|mixed|custom
                                        (clusterType 0-3, each with the groups MRS gives it); node_groups=
                                        [{name, count, kind: master|core|task, node_size}] replaces
                                        master/core/task; accept_delay=1 (seconds an accepted resize stays
                                        "running" with old counts, as on the cloud, where Terraform waits 20 s
                                        before its first poll; 0 shows the scale at once); tags={k: v};
                                        enterprise_project_id="0".
                                        201 {"cluster": ..., "emulator": ...}
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
           accept_delay     seconds before the next accepted resizes show as scaling-out / scaling-in
           fail_next_scale  failed | abnormal | scaling-error | null: the next accepted resize ends in that
                            state instead of applying its counts (scaling-error: running + scale
                            "scaling-error"); stageDesc then says the expansion/shrink failed
           fail_next_scale_applied  n >= 0: that failed resize still adds (or removes) n of its nodes,
                            a scale that ends partly applied (default 0; used with fail_next_scale)
           node_states      {host id | resource_id | node name: started | shutdown | lost | unknown |
                            detached | error}: the node's node_status (hosts route: ECS status). While a
                            node is not started a v1.1 resize answers 12000068; a v2 shrink takes
                            resource_ids only of nodes that are not started
  POST   /_emulator/clusters/{id}/policy-actions  {"node_group", "adjustment": signed int}: the group's
                                        enabled policy scales it within min/max like a resize; 409 without one
  GET    /_emulator/requests            {"requests": [...]} vendor calls since the last DELETE: method, path,
                                        query, status, error_code, request_id, auth (signature|token|null),
                                        fault (status|delay|reset-before|reset-after) if one fired, body of
                                        every write (PUT/POST/DELETE; passwords show as ***)
  DELETE /_emulator/requests            clear the log
  POST   /_emulator/faults              {"method", "path" (regex searched in the path), "times"=1, "status",
                                        "error_code", "error_msg", "retry_after", "delay", "reset" (before|after)};
                                        a documented error_code alone (12000030, MRS.201, APIGW.0302, ...) answers
                                        with its documented status and message
  GET    /_emulator/faults              {"faults": [...]} with times left;  DELETE clears them
  POST   /_emulator/tokens              mint a project-scoped token {"token", "expires_at", "project_id"};
                                        optional body {"project_id", "ttl"}
  DELETE /_emulator/tokens              expire every issued token
  POST   /_emulator/credentials/temporary   temporary AK/SK {"access", "secret", "securitytoken", "expires_at"};
                                        requests signed with it must carry X-Security-Token
  DELETE /_emulator/credentials/temporary   expire every temporary credential
  POST   /_emulator/orders/{order_id}/pay   pay the order of a prepaid v2 expand: its scale-out starts
                                        (404 unknown order; 409 already paid or cluster busy)
  POST   /_emulator/reset               forget clusters, request log and faults (tokens stay)

Time-based transitions are computed from stored wall-clock deadlines whenever state is read, so an
emulator restarted with the same --state file finishes the operations that were in flight.
"""

# The code lives in the package mrs_emu beside this file (split by concern: state, auth, routes, control,
# faults, server); this file stays the entry point of the fixed command line and works from any cwd.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# pylint: disable=wrong-import-position
from mrs_emu.auth import canonical_query, canonical_uri, signature, string_to_sign  # noqa: E402,F401
from mrs_emu.common import EMPTY_BODY_SHA256  # noqa: E402,F401
from mrs_emu.server import Cloud, main as _main  # noqa: E402,F401

# what tests import from this entry point (the signing helpers are checked against the vendor SDK there)
__all__ = ["Cloud", "EMPTY_BODY_SHA256", "canonical_query", "canonical_uri", "main", "signature", "string_to_sign"]


def main(argv=None):
    return _main(argv, __doc__)


if __name__ == "__main__":
    sys.exit(main())
