# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unit tests' one set of test doubles: a fake clock, a fake MRS client, and the cluster answers they serve.

- ``FakeClock``: a monotonic clock that moves only when the code under test sleeps on it; records every sleep.
- ``FakeClient``: the MrsClient methods the plugins call, answering from scripts, recording every call.
- ``details`` / ``custom``: the ``cluster`` object of a details answer (``GET /v1.1/{project_id}/cluster_infos/{id}``) for
  an analysis cluster with its default groups, and for a custom cluster; in MRS's spelling (PascalCase groups, counts
  as strings), with only the fields a test changes as arguments.
- ``info_group`` / ``info_cluster`` / ``info_analysis``: a cluster as mrs_cluster_info returns it (what the filters and
  the role read), for the tests of the filters and of the role's decisions.
- ``scaler``: the real NodeScaler over a client on a fake clock, so waits and back-offs take no time.

(The realistic payloads of the research notes, ``fixtures/*.json``, are served by the fixtures of
tests/unit/plugins/module_utils/conftest.py.)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._scaling import NodeScaler

# What list_clusters and list_hosts answer unless a test scripts them: two live clusters and a terminated namesake, and
# one Task host.
LISTED = [{"clusterId": "c1", "clusterName": "demo", "clusterState": "running"},
          {"clusterId": "c0", "clusterName": "demo", "clusterState": "terminated"},
          {"clusterId": "c2", "clusterName": "demo-2", "clusterState": "running"}]
TASK_HOST = {"id": "t1", "name": "n1", "type": "Task", "node_group_name": "task_node_analysis_group"}
# The documented success of a write, as the real client returns it (resize ignores it; expand/shrink carry order_id).
SUCCEEDED = {"result": "succeeded", "order_id": None}
WRITES = ("PUT", "EXPAND", "SHRINK")
POLICY_WRITES = ("CREATE", "UPDATE", "DELETE")


class FakeClock:
    """A monotonic clock (call it) that moves only when slept on (``sleep``); records every sleep in ``sleeps``.

    ``fetcher(values)`` is a scripted fetch on this clock: it returns (or raises) ``values`` one per call and records,
    in ``fetch_times``, how long after ``start`` each call came.
    """

    def __init__(self, now=0.0):
        self.now = self.start = now
        self.sleeps = []
        self.fetch_times = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def fetcher(self, values):
        values = iter(values)

        def fetch():
            self.fetch_times.append(self.now - self.start)
            value = next(values)
            if isinstance(value, Exception):
                raise value
            return value
        return fetch


def _next(script, what):
    """The next answer of a read script: each call takes one, the last repeats; an exception is raised."""
    if not script:
        raise AssertionError("no %s was expected" % what)
    answer = script.pop(0) if len(script) > 1 else script[0]
    if isinstance(answer, BaseException):
        raise answer
    return answer


class FakeClient:
    """The MrsClient methods the plugins call, answering from scripts; every call is recorded in ``calls``.

    Reads answer from scripts in which each call takes the next answer and the last one repeats: ``clusters`` (the
    positional arguments) for get_cluster, ``listed`` for list_clusters, ``hosts``, ``nodes``, ``policies``; an
    exception in a script is raised. Every write (resize, expand, shrink, create/update/delete_policy) takes the next
    answer of ``write`` (an exception is raised) and succeeds once ``write`` is used up.

    ``calls`` holds (KIND, argument): GET, LIST, HOSTS, NODES, POLICIES with the cluster id (LIST: the name asked);
    PUT (resize), EXPAND, SHRINK, CREATE, UPDATE, DELETE with the body sent. The views ``resizes``, ``writes``,
    ``policy_writes``, ``policy_reads``, ``host_reads`` and ``node_reads`` are read from it.
    """

    auth_method = "aksk"
    project_id = "p1"

    def __init__(self, *clusters, listed=(LISTED,), hosts=([TASK_HOST],), nodes=([],), policies=([],), write=()):
        self.clusters = list(clusters)
        self.listed = list(listed)
        self.hosts = list(hosts)
        self.nodes = list(nodes)
        self.policies = list(policies)
        self.write = list(write)
        self.calls = []
        self.host_reads = []  # the count each host list was asked to hold (the real paged reader checks it)
        self.node_reads = []  # what each node list was asked for
        self.deadline = None
        self.on_secret = None

    # reads

    def get_cluster(self, cluster_id):
        self.calls.append(("GET", cluster_id))
        return _next(self.clusters, "cluster read")

    def list_clusters(self, cluster_name=None, cluster_state=None):
        self.calls.append(("LIST", cluster_name))
        return _next(self.listed, "cluster list")

    def list_hosts(self, cluster_id, expected=None):
        self.calls.append(("HOSTS", cluster_id))
        self.host_reads.append(expected)
        return _next(self.hosts, "host list")

    def list_nodes(self, cluster_id, node_group=None, ecs_detail=False, expected=None):
        self.calls.append(("NODES", cluster_id))
        self.node_reads.append(dict(node_group=node_group, ecs_detail=ecs_detail, expected=expected))
        return _next(self.nodes, "node list")

    def list_policies(self, cluster_id):
        self.calls.append(("POLICIES", cluster_id))
        return _next(self.policies, "policy list")

    # writes

    def _write(self, kind, body):
        self.calls.append((kind, body))
        if self.write and isinstance(self.write[0], BaseException):
            raise self.write.pop(0)
        return dict(self.write.pop(0) if self.write else SUCCEEDED)

    def resize(self, cluster_id, body):
        return self._write("PUT", body)

    def expand(self, cluster_id, body):
        return self._write("EXPAND", body)

    def shrink(self, cluster_id, body):
        return self._write("SHRINK", body)

    def create_policy(self, cluster_id, body):
        return self._write("CREATE", body)

    def update_policy(self, cluster_id, body):
        return self._write("UPDATE", body)

    def delete_policy(self, cluster_id, node_group, resource_pool):
        return self._write("DELETE", {"node_group_name": node_group, "resource_pool_name": resource_pool})

    # views of ``calls``

    @property
    def resizes(self):
        """The body of every v1.1 resize sent."""
        return [body for kind, body in self.calls if kind == "PUT"]

    @property
    def writes(self):
        """(KIND, body) of every resize, expand and shrink sent."""
        return [call for call in self.calls if call[0] in WRITES]

    @property
    def policy_writes(self):
        return [call for call in self.calls if call[0] in POLICY_WRITES]

    @property
    def policy_reads(self):
        return sum(1 for call in self.calls if call[0] == "POLICIES")


def _cluster(cluster_id, name, state, scale, stage, billing, master, core, total, groups, **extra):
    raw = {"clusterId": cluster_id, "clusterName": name, "clusterState": state, "scale": scale, "stageDesc": stage,
           "masterNodeNum": str(master), "coreNodeNum": str(core), "totalNodeNum": str(total), "nodeGroups": groups}
    if billing is not None:
        raw["billingType"] = billing
    raw.update(extra)
    return raw


def details(core=3, task=0, state="running", scale="", cluster_id="c1", name="demo", stage=None, billing="Metered", **extra):
    """An analysis cluster: Master 2, ``core_node_analysis_group`` and ``task_node_analysis_group`` (listed even with 0
    nodes); no ``taskNodeGroups``. ``billing`` None leaves ``billingType`` out; ``extra`` adds or replaces fields."""
    groups = [{"GroupName": "master_node_default_group", "NodeNum": 2}, {"GroupName": "core_node_analysis_group", "NodeNum": core},
              {"GroupName": "task_node_analysis_group", "NodeNum": task}]
    return _cluster(cluster_id, name, state, scale, stage, billing, 2, core, 2 + core + task, groups, **extra)


def custom(group1=3, tasks=None, state="running", scale="", stage=None, billing="Metered", update_at=100, **extra):
    """A custom cluster (clusterType 3): Master 3, ``node_group_1`` (Core kind) of ``group1`` nodes, and the Task groups
    ``tasks`` ({name: count}) in both ``nodeGroups`` and ``taskNodeGroups``."""
    task_groups = [{"GroupName": group, "NodeNum": count} for group, count in sorted((tasks or {}).items())]
    groups = [{"GroupName": "master_node_default_group", "NodeNum": 3}, {"GroupName": "node_group_1", "NodeNum": group1}]
    total = 3 + group1 + sum(count for count in (tasks or {}).values())
    return _cluster("c1", "demo", state, scale, stage, billing, 3, group1, total, groups + task_groups, clusterType=3,
                    taskNodeGroups=[dict(group) for group in task_groups], updateAt=str(update_at), **extra)


def info_group(name, role, count, **extra):
    """A node group of mrs_cluster_info's ``node_groups``: its kind is its role."""
    return dict({"name": name, "role": role, "kind": role, "node_count": count}, **extra)


def info_cluster(cluster_type, *groups, **fields):
    """A cluster of mrs_cluster_info's ``clusters`` holding ``groups``, its counts summed from them (custom groups count as
    Core, as the module counts them); ``fields`` add or replace fields."""
    def total(*roles):
        return sum(group["node_count"] for group in groups if group["role"] in roles)
    return dict({"id": "c-1", "name": "c", "cluster_type": cluster_type, "state": "running", "billing_type": "Metered",
                 "master_count": total("master"), "core_count": total("core", "custom"), "task_count": total("task"),
                 "node_groups": list(groups)}, **fields)


def info_analysis(core=3, task=2, policy=None):
    """An analysis cluster of mrs_cluster_info: Master 2, the default Core and Task groups; ``policy`` the Task group's."""
    return info_cluster("analysis", info_group("master_node_default_group", "master", 2), info_group("core_node_analysis_group", "core", core),
                        info_group("task_node_analysis_group", "task", task, policy=policy), name="analytics")


def scaler(client, clock=None, **kwargs):
    """A NodeScaler over ``client`` on ``clock`` (a new FakeClock by default): waits and back-offs take no real time."""
    clock = FakeClock() if clock is None else clock
    return NodeScaler(client, clock=clock, sleep=clock.sleep, **kwargs)
