"""make bench: API calls, per-task overhead, time to notice completion, fleet runs and the uri alternative.

Starts the MRS emulator, runs real ansible-playbook processes against it, prints a table and writes
.tmp/bench/results.json. Every figure is a count (from the emulator's request log) or a ratio of times
measured in the same run, so the load of a shared machine skews it less than an absolute time; the
per-task overhead is also given in CPU seconds, which that load hardly changes.

    .venv/bin/python bench/run_bench.py [--only calls,overhead,notice,fleet,uri,schedule,async] [--reps 3]

ANSIBLE_COLLECTIONS_PATH (default .tmp/collections, the copy `make stage` writes) names the collection
under test; see docs/performance.md for the figures and what they mean.
"""

import argparse
import datetime
import itertools
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PLAYBOOKS = os.path.join(HERE, "playbooks")
sys.path.insert(0, os.path.join(REPO, "emulator"))

from harness import start_emulator  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, os.path.join(REPO, "tests", "utils"))
from docs_tools import tested_block  # noqa: E402  pylint: disable=wrong-import-position

SECTIONS = ("calls", "overhead", "notice", "fleet", "uri", "schedule", "async")
FLEETS_PAGE = os.path.join(REPO, "docs", "fleets.md")
OVERHEAD_TASKS = 20
# issue #11: a no-op task within 1.1x of a minimal module that imports basic and requests and makes one GET
BASELINE_TARGET = 1.1


class BenchError(Exception):
    """A playbook failed or the emulator did not end up where the benchmark expected."""


# The requests of one scale besides its polls: the cluster GET, the auto-scaling policy read (issue #14: a change reads
# the cluster's policies once, so a resize the group's enabled policy owns is refused before any write) and the PUT.
FIXED_CALLS = 3


def call_budget(seconds):
    """Issue #6's ceiling on the requests of one scale of an S-second operation, plus the policy read of issue #14:
    3 + ceil(log2 S) + S/30 (GET + policy read + PUT + the polls)."""
    return FIXED_CALLS + math.ceil(math.log2(seconds)) + seconds / 30.0


def notice_target(seconds):
    """Issue #6's ceiling on the time from the end of an S-second operation to the module's return."""
    return max(1.0, 0.1 * seconds)


def describe_calls(log):
    """Count the vendor requests of a log by kind: IAM, list, GET (details or hosts), policy (the v2 policy read), PUT."""
    kinds = {"iam": 0, "list": 0, "get": 0, "policy": 0, "put": 0}
    for entry in log:
        if entry["path"].startswith("/v3/"):
            kinds["iam"] += 1
        elif "/autoscaling-policy/" in entry["path"]:
            kinds["policy"] += 1
        elif entry["method"] == "PUT":
            kinds["put"] += 1
        elif entry["path"].endswith("/cluster_infos"):
            kinds["list"] += 1
        else:
            kinds["get"] += 1
    kinds["total"] = len(log)
    return kinds


class Bench:
    """One emulator, one scratch folder, and the ansible-playbook runs of every section."""

    def __init__(self, emulator, collections_path, work_dir):
        self.emulator = emulator
        self.work_dir = work_dir
        self.home = os.path.join(work_dir, "home")
        os.makedirs(self.home, exist_ok=True)
        self.ansible_playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
        self.env = dict(os.environ,
                        HOME=self.home,
                        ANSIBLE_COLLECTIONS_PATH=collections_path,
                        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                        ANSIBLE_NOCOLOR="1",
                        ANSIBLE_RETRY_FILES_ENABLED="0",
                        ANSIBLE_LOCALHOST_WARNING="0",
                        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
                        ANSIBLE_HOST_KEY_CHECKING="0",
                        HW_MRS_ENDPOINT=emulator.url, HW_AUTH_URL=emulator.url, HW_REGION_NAME=emulator.region,
                        HW_PROJECT_ID=emulator.project_id, HW_ACCESS_KEY=emulator.access_key, HW_SECRET_KEY=emulator.secret_key)
        self.serial = 0
        self.last_cpu = 0.0

    # ------------------------------------------------------------------------------------------ plumbing

    def playbook(self, name, extra_vars=None, args=(), inventory="localhost,", env=None):
        """Run bench/playbooks/<name>.yml; return its wall time in seconds (raise BenchError if it failed).

        The CPU seconds of the run (ansible-playbook, its workers and the modules) go to self.last_cpu: unlike
        the wall time, they hardly change with the load other processes put on the machine.
        """
        path = name if os.path.isabs(name) else os.path.join(PLAYBOOKS, name + ".yml")
        command = [self.ansible_playbook, "-i", inventory, "-c", "local", path,
                   "-e", json.dumps(extra_vars or {})] + list(args)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        completed = subprocess.run(command, env=dict(self.env, **(env or {})), cwd=self.work_dir, capture_output=True, text=True,
                                   timeout=900, check=False)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.last_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if completed.returncode != 0:
            raise BenchError("%s failed (rc %d):\n%s%s" % (name, completed.returncode, completed.stdout[-3000:], completed.stderr[-3000:]))
        return wall

    def cluster(self, prefix, core=3, scale_seconds=1.0):
        """A new cluster on the emulator: its id."""
        self.serial += 1
        return self.emulator.create_cluster(name="%s-%03d" % (prefix, self.serial), core=core, scale_seconds=scale_seconds)["clusterId"]

    def measured(self, *args, **kwargs):
        """Clear the request log, run the playbook, return (its wall time, the requests it made)."""
        self.emulator.clear_requests()
        wall = self.playbook(*args, **kwargs)
        return wall, self.emulator.requests_log()

    def scale(self, count, args=(), env=None, **target):
        """The scale playbook on one cluster (bench_cluster_id or bench_cluster_name): (wall, module result, requests)."""
        self.serial += 1
        result_file = os.path.join(self.work_dir, "result-%03d.json" % self.serial)
        extra = dict(("bench_" + key, value) for key, value in target.items())
        extra.update(bench_count=count, bench_result_file=result_file)
        wall, log = self.measured("scale", extra, args, env=env)
        with open(result_file, encoding="utf-8") as handle:
            result = json.load(handle)
        os.unlink(result_file)
        return wall, result, log

    def core_count(self, cluster_id):
        return int(self.emulator.cluster(cluster_id)["coreNodeNum"])

    def expect_core(self, cluster_id, count):
        if self.core_count(cluster_id) != count:
            raise BenchError("cluster %s has %d Core nodes, expected %d" % (cluster_id, self.core_count(cluster_id), count))

    # ------------------------------------------------------------------------------------------ sections

    def calls(self):
        """1. API requests per scenario, from the emulator's log."""
        rows = []
        cluster_id = self.cluster("calls")
        scenarios = [
            ("no-op, cluster_id, project_id and AK/SK given", 1, dict(count=3, cluster_id=cluster_id), (), {}),
            ("check mode, a change of 3 -> 5 predicted", 2, dict(count=5, cluster_id=cluster_id), ("--check",), {}),
            ("no-op by cluster_name", None, dict(count=3, cluster_name=self.emulator.cluster(cluster_id)["clusterName"]), (), {}),
            ("no-op without project_id (IAM lookup)", None, dict(count=3, cluster_id=cluster_id), (), {"HW_PROJECT_ID": ""}),
        ]
        for title, target, options, args, env in scenarios:
            count = options.pop("count")
            result, log = self.scale(count, args, env, **options)[1:]
            if result.get("changed") != (count != 3):
                raise BenchError("%s: unexpected result %r" % (title, result))
            rows.append(dict(scenario=title, requests=describe_calls(log), target=target,
                             met=None if target is None else len(log) <= target))
        self.expect_core(cluster_id, 3)
        return rows

    def overhead(self, reps, candidate=None):
        """2. Twenty no-op resizes against twenty pings (and an empty play), interleaved, `reps` times.

        With a candidate (another ansible_collections folder, e.g. a scratch copy with a proposed change),
        its twenty no-op resizes run in the same rotation, so both versions are measured under the same load.
        """
        cluster_id = self.cluster("overhead")
        extra = dict(bench_cluster_id=cluster_id, bench_count=3, bench_url="%s/_emulator/clusters/%s" % (self.emulator.url, cluster_id))
        names = ["empty", "ping_x20", "baseline_x20", "noop_mrs_x20"] + (["candidate"] if candidate else [])
        runs = []
        requests = {}
        for rep in range(reps):
            walls, cpus = {}, {}
            for index in range(len(names)):
                name = names[(index + rep) % len(names)]  # rotate the order so no playbook always runs first
                playbook = "noop_mrs_x20" if name == "candidate" else name
                env = {"ANSIBLE_COLLECTIONS_PATH": candidate} if name == "candidate" else None
                if playbook == "noop_mrs_x20" and name not in requests:
                    walls[name], log = self.measured(playbook, extra, env=env)
                    requests[name] = describe_calls(log)
                else:
                    walls[name] = self.playbook(playbook, extra, env=env)
                cpus[name] = self.last_cpu
            run = dict(walls)
            run.update(("cpu_" + name, cpu) for name, cpu in cpus.items())
            for name in names[3:]:
                prefix = "" if name == "noop_mrs_x20" else "candidate_"
                for measure, values in (("", walls), ("cpu_", cpus)):
                    per_task = (values[name] - values["empty"]) / OVERHEAD_TASKS
                    per_task_ping = (values["ping_x20"] - values["empty"]) / OVERHEAD_TASKS
                    per_task_baseline = (values["baseline_x20"] - values["empty"]) / OVERHEAD_TASKS
                    run.update({prefix + measure + "playbook_ratio": values[name] / values["ping_x20"],
                                prefix + measure + "per_task_mrs": per_task, measure + "per_task_ping": per_task_ping,
                                prefix + measure + "per_task_ratio": per_task / per_task_ping,
                                measure + "per_task_baseline": per_task_baseline,
                                prefix + measure + "baseline_playbook_ratio": values[name] / values["baseline_x20"],
                                prefix + measure + "baseline_per_task_ratio": per_task / per_task_baseline})
            runs.append(run)
        self.expect_core(cluster_id, 3)
        summary = dict((key, statistics.median(run[key] for run in runs)) for key in sorted(runs[0]))
        return dict(repetitions=runs, median=summary, requests_of_20_noops=requests.get("noop_mrs_x20"), target=1.3,
                    met=summary["playbook_ratio"] <= 1.3, per_task_met=summary["per_task_ratio"] <= 1.3,
                    cpu_met=summary["cpu_per_task_ratio"] <= 1.3, baseline_target=BASELINE_TARGET,
                    baseline_met=summary["baseline_per_task_ratio"] <= BASELINE_TARGET,
                    baseline_cpu_met=summary["cpu_baseline_per_task_ratio"] <= BASELINE_TARGET,
                    baseline_wall_met=summary["baseline_playbook_ratio"] <= BASELINE_TARGET,
                    floor=floor(summary, requests.get("noop_mrs_x20")),
                    candidate=candidate, candidate_requests=requests.get("candidate"),
                    candidate_floor=floor(summary, requests.get("candidate"), "candidate_") if candidate else None)

    def notice(self, durations):
        """3. Time from the end of an S-second operation to the module's return, and the polls."""
        rows = []
        for seconds in durations:
            cluster_id = self.cluster("notice-%g" % seconds, scale_seconds=seconds)
            wall, result, log = self.scale(4, cluster_id=cluster_id)
            self.expect_core(cluster_id, 4)
            puts = [entry for entry in log if entry["method"] == "PUT"]
            if len(puts) != 1 or not result.get("changed"):
                raise BenchError("notice %g s: expected one resize, got %r" % (seconds, result))
            polls_logged = [entry for entry in log if entry["method"] == "GET" and entry["time"] > puts[0]["time"]]
            lag = result["elapsed"] - seconds
            budget = call_budget(seconds)
            rows.append(dict(
                seconds=seconds, module_elapsed=result["elapsed"], return_minus_s=lag, target=notice_target(seconds),
                notice_met=lag <= notice_target(seconds), polls=result["polls"], polls_logged=len(polls_logged),
                poll_times=[round(entry["time"] - puts[0]["time"], 2) for entry in polls_logged],
                last_poll_after_end=polls_logged[-1]["time"] - puts[0]["time"] - seconds if polls_logged else None,
                requests=describe_calls(log), call_budget=budget, calls_met=len(log) <= budget, playbook_wall=wall))
        return rows

    def fleet(self, size, forks, seconds, singles):
        """4. `size` clusters in one run with `forks` forks, against size/forks times the single-cluster time."""
        def inventory(cluster_ids, label):
            path = os.path.join(self.work_dir, "inventory-%s.json" % label)
            hosts = dict(("cluster-%02d" % (index + 1), {"mrs_cluster_id": cluster_id}) for index, cluster_id in enumerate(cluster_ids))
            with open(path, "w", encoding="utf-8") as handle:
                json.dump({"mrs_clusters": {"hosts": hosts, "vars": {"ansible_connection": "local",
                                                                     "ansible_python_interpreter": sys.executable}}}, handle)
            return path

        single_walls = []
        for number in range(singles):
            cluster_id = self.cluster("single", scale_seconds=seconds)
            single_walls.append(self.playbook("fleet", {"bench_count": 4}, ("--forks", str(forks)),
                                              inventory=inventory([cluster_id], "single-%d" % number)))
            self.expect_core(cluster_id, 4)
        cluster_ids = [self.cluster("fleet", scale_seconds=seconds) for _number in range(size)]
        fleet_wall, log = self.measured("fleet", {"bench_count": 4}, ("--forks", str(forks)), inventory=inventory(cluster_ids, "fleet"))
        for cluster_id in cluster_ids:
            self.expect_core(cluster_id, 4)
        single = statistics.median(single_walls)
        waves = math.ceil(size / float(forks))
        ratio = fleet_wall / (waves * single)
        return dict(clusters=size, forks=forks, scale_seconds=seconds, single_walls=single_walls, single_median=single,
                    fleet_wall=fleet_wall, waves=waves, ratio=ratio, target=1.5, met=ratio <= 1.5,
                    requests=describe_calls(log), requests_per_cluster=len(log) / float(size))

    def fleet_async(self, size, forks, seconds, poll_delay):
        """6. `size` clusters, each one scale, with docs/fleets.md's async playbook against the same task with forks alone.

        Both runs are one inventory host per cluster (by name), `forks` forks, in this run, on fresh clusters; the
        async playbook is the page's own block, run with async_status looking every `poll_delay` seconds.
        """
        async_playbook = os.path.join(self.work_dir, "fleet-hosts.yml")
        with open(async_playbook, "w", encoding="utf-8") as handle:
            handle.write(tested_block(FLEETS_PAGE, "fleet-hosts.yml"))
        runs = {}
        for way, playbook in (("forks", "fleet_forks"), ("async", async_playbook)):
            names = {}
            for _number in range(size):
                self.serial += 1
                name = "%s-%03d" % (way, self.serial)
                names[name] = self.emulator.create_cluster(name=name, core=3, scale_seconds=seconds)["clusterId"]
            path = os.path.join(self.work_dir, "inventory-%s.json" % way)
            with open(path, "w", encoding="utf-8") as handle:
                json.dump({"mrs_fleet": {"hosts": dict((name, {"mrs_core_count": 4}) for name in names)}}, handle)
            extra = {"fleet_wait_timeout": 600, "fleet_poll_delay": poll_delay}
            env = {"ANSIBLE_ASYNC_DIR": os.path.join(self.work_dir, "async")}
            wall, log = self.measured(playbook, extra, ("--forks", str(forks)), inventory=path, env=env)
            cpu = self.last_cpu
            for cluster_id in names.values():
                self.expect_core(cluster_id, 4)
            requests = describe_calls(log)
            if requests["put"] != size:
                raise BenchError("%s fleet: %d resizes for %d clusters" % (way, requests["put"], size))
            runs[way] = dict(wall=wall, cpu=cpu, requests=requests, requests_per_cluster=len(log) / float(size))
        return dict(clusters=size, forks=forks, scale_seconds=seconds, poll_delay=poll_delay, runs=runs,
                    waves=math.ceil(size / float(forks)), ratio=runs["forks"]["wall"] / runs["async"]["wall"])

    def uri(self, durations, reps):
        """5. The same converge (and its no-op rerun) by the module and by ansible.builtin.uri tasks, interleaved."""
        rows = []
        for seconds in durations:
            samples = []
            for rep in range(reps):
                ways = ("module", "uri") if rep % 2 == 0 else ("uri", "module")
                clusters = dict((way, self.cluster("%s-%g" % (way, seconds), scale_seconds=seconds)) for way in ways)
                sample = {}
                for phase in ("converge", "rerun"):
                    for way in ways:
                        wall, log = self.converge_by(way, clusters[way])
                        self.expect_core(clusters[way], 4)
                        sample["%s_%s" % (way, phase)] = dict(wall=wall, cpu=self.last_cpu, requests=describe_calls(log))
                samples.append(sample)
            row = dict(seconds=seconds, samples=samples, uri_poll_delay=5)
            for key in ("module_converge", "uri_converge", "module_rerun", "uri_rerun"):
                row[key] = dict(wall=statistics.median(sample[key]["wall"] for sample in samples),
                                cpu=statistics.median(sample[key]["cpu"] for sample in samples),
                                requests=statistics.median(sample[key]["requests"]["total"] for sample in samples))
            row["speedups"] = [sample["uri_converge"]["wall"] / sample["module_converge"]["wall"] for sample in samples]
            row["speedup"] = statistics.median(row["speedups"])
            row["rerun_speedup"] = statistics.median(sample["uri_rerun"]["wall"] / sample["module_rerun"]["wall"] for sample in samples)
            row["met"] = row["speedup"] >= 2.0 and row["module_converge"]["requests"] < row["uri_converge"]["requests"]
            rows.append(row)
        return rows

    def converge_by(self, way, cluster_id):
        """Bring the cluster's Core group to 4 with the module or with the uri playbook: (wall, requests)."""
        emulator = self.emulator
        if way == "module":
            return self.measured("scale", {"bench_cluster_id": cluster_id, "bench_count": 4})
        extra = dict(mrs_endpoint=emulator.url, iam_endpoint=emulator.url, project_id=emulator.project_id,
                     region=emulator.region, iam_user=emulator.iam_user, iam_password=emulator.iam_password,
                     iam_domain=emulator.iam_domain, cluster_id=cluster_id, target_count=4)
        return self.measured("uri_converge", extra)


# ---------------------------------------------------------------------------------------------- schedule

def floor(summary, log, prefix=""):
    """The floor (issue #23): a no-op task against the requests baseline, per task (the empty play subtracted), in CPU and
    in wall time, and its requests: exactly one GET per task. Met when both ratios are within BASELINE_TARGET and every
    task made that one request."""
    counts = log or {}
    requests_per_task = counts.get("total", 0) / OVERHEAD_TASKS
    one_request = counts.get("total") == OVERHEAD_TASKS and counts.get("get") == OVERHEAD_TASKS
    cpu, wall = summary[prefix + "cpu_baseline_per_task_ratio"], summary[prefix + "baseline_per_task_ratio"]
    return dict(cpu_ratio=cpu, wall_ratio=wall, requests_per_task=requests_per_task, one_request=one_request,
                cpu_met=cpu <= BASELINE_TARGET, wall_met=wall <= BASELINE_TARGET,
                met=cpu <= BASELINE_TARGET and wall <= BASELINE_TARGET and one_request)


def geometric(first, factor, maximum):
    """The previous default pauses: first, growing by factor up to maximum."""
    delay = first
    while True:
        yield delay
        delay = min(delay * factor, maximum)


def schedule_sweep(collections_path, latency=0.01):
    """The poll schedules on a simulated clock, for every S: polls against the call budget, lag against the target."""
    sys.path.insert(0, collections_path)
    from ansible_collections.hwcloud.mrs.plugins.module_utils import _waiter  # pylint: disable=import-outside-toplevel,import-error

    schedules = [
        ("shipped: polls at 2, 5, 10, 20, 30 s, then every 30 s", lambda: None),
        ("previous: first poll at once, then 0.5 s x 1.5 up to 30 s", lambda: itertools.chain([0.0], geometric(0.5, 1.5, 30.0))),
        ("doubling: 2 s x 2 up to 30 s", lambda: geometric(2.0, 2.0, 30.0)),
    ]

    def simulate(delays, seconds):
        clock = [0.0]

        def fetch():
            clock[0] += latency
            return clock[0] >= seconds

        def sleep(pause):
            clock[0] += pause

        done = _waiter.wait_for(fetch, lambda ended: (_waiter.DONE, "") if ended else (_waiter.PENDING, ""), 7200,
                                delays=delays, clock=lambda: clock[0], sleep=sleep)
        return done[2], done[1] - seconds

    grid = [2.0 * 900 ** (step / 1999.0) for step in range(2000)]  # 2 s to 30 min, evenly on a log scale
    rows = []
    for title, delays in schedules:
        points = [(seconds,) + simulate(delays(), seconds) for seconds in grid]
        budget_ok = [point[1] + FIXED_CALLS <= call_budget(point[0]) for point in points]
        notice_ok = [point[2] <= notice_target(point[0]) for point in points]
        both = [within and noticed for within, noticed in zip(budget_ok, notice_ok)]
        short = [point for point in points if point[0] <= 300]
        samples = {}
        for seconds in (2, 10, 30, 1800):
            polls, lag = simulate(delays(), seconds)
            samples[str(seconds)] = dict(polls=polls, requests=polls + FIXED_CALLS, budget=call_budget(seconds), lag=lag,
                                         target=notice_target(seconds))
        rows.append(dict(schedule=title, samples=samples,
                         budget_ok=sum(budget_ok) / float(len(points)), notice_ok=sum(notice_ok) / float(len(points)),
                         both_ok=sum(both) / float(len(points)),
                         notice_ok_up_to_300s=sum(1 for point in short if point[2] <= notice_target(point[0])) / float(len(short)),
                         worst_lag_ratio=max(point[2] / point[0] for point in points)))
    return dict(latency=latency, grid="2000 durations from 2 s to 1800 s, evenly spaced on a log scale", schedules=rows)


# ---------------------------------------------------------------------------------------------- report

def mark(met):
    return "-" if met is None else ("met" if met else "MISSED")


def report(results):
    """The table printed at the end of a run."""
    lines = []

    def row(figure, value, target="", met=None):
        lines.append("%-58s %-30s %-16s %s" % (figure, value, target, mark(met) if target else ""))

    lines.append("%-58s %-30s %-16s %s" % ("figure", "measured", "target", "met?"))
    lines.append("-" * 112)
    for item in results.get("calls", []):
        req = item["requests"]
        detail = "%d (%s)" % (req["total"], ", ".join("%s %d" % (kind, req[kind]) for kind in ("iam", "list", "get", "policy", "put") if req[kind]))
        row("1. requests: " + item["scenario"], detail, "" if item["target"] is None else "= %d" % item["target"], item["met"])
    for item in results.get("notice", []):
        req = item["requests"]
        row("1. requests: one scale, S = %g s (GET + policy + PUT + polls)" % item["seconds"],
            "%d (GET %d, policy %d, PUT %d, polls %d)" % (req["total"], req["get"] - item["polls_logged"], req["policy"], req["put"],
                                                          item["polls_logged"]),
            "<= %.2f" % item["call_budget"], item["calls_met"])
    overhead = results.get("overhead")
    if overhead:
        median, floor_figures = overhead["median"], overhead["floor"]
        # The floor first: what the collection adds to a task over the least a requests-based module costs.
        row("2. FLOOR: no-op task / requests-baseline task, CPU (median of %d)" % len(overhead["repetitions"]),
            "%.2fx (%.0f ms / %.0f ms)" % (floor_figures["cpu_ratio"], 1000 * median["cpu_per_task_mrs"], 1000 * median["cpu_per_task_baseline"]),
            "<= %gx" % BASELINE_TARGET, floor_figures["cpu_met"])
        row("2. FLOOR: the same, wall (empty play subtracted)",
            "%.2fx (%.0f ms / %.0f ms)" % (floor_figures["wall_ratio"], 1000 * median["per_task_mrs"], 1000 * median["per_task_baseline"]),
            "<= %gx" % BASELINE_TARGET, floor_figures["wall_met"])
        noops = overhead["requests_of_20_noops"] or {}
        row("2. FLOOR: requests per no-op task (%d tasks)" % OVERHEAD_TASKS,
            "%g (%s)" % (floor_figures["requests_per_task"], ", ".join("%s %d" % (kind, noops[kind]) for kind in ("iam", "list", "get", "policy", "put")
                                                                       if noops.get(kind))),
            "= 1 (GET)", floor_figures["one_request"])
        row("2. 20 no-op tasks / 20 pings, playbook wall (median of %d)" % len(overhead["repetitions"]),
            "%.2fx (%.1f s / %.1f s)" % (median["playbook_ratio"], median["noop_mrs_x20"], median["ping_x20"]), "<= 1.3x", overhead["met"])
        row("2. the same per task, empty play (%.1f s) subtracted" % median["empty"],
            "%.2fx (%.0f ms / %.0f ms)" % (median["per_task_ratio"], 1000 * median["per_task_mrs"], 1000 * median["per_task_ping"]),
            "<= 1.3x", overhead["per_task_met"])
        row("2. the same in CPU seconds per task (hardly load-dependent)",
            "%.2fx (%.0f ms / %.0f ms)" % (median["cpu_per_task_ratio"], 1000 * median["cpu_per_task_mrs"], 1000 * median["cpu_per_task_ping"]),
            "<= 1.3x", overhead["cpu_met"])
        row("2. 20 no-op tasks / 20 one-GET requests-module tasks, playbook wall",
            "%.2fx (%.1f s / %.1f s)" % (median["baseline_playbook_ratio"], median["noop_mrs_x20"], median["baseline_x20"]),
            "<= %gx" % BASELINE_TARGET, overhead["baseline_wall_met"])
        row("2. the same per task, empty play subtracted",
            "%.2fx (%.0f ms / %.0f ms)" % (median["baseline_per_task_ratio"], 1000 * median["per_task_mrs"], 1000 * median["per_task_baseline"]),
            "<= %gx" % BASELINE_TARGET, overhead["baseline_met"])
        row("2. the same in CPU seconds per task",
            "%.2fx (%.0f ms / %.0f ms)" % (median["cpu_baseline_per_task_ratio"], 1000 * median["cpu_per_task_mrs"],
                                           1000 * median["cpu_per_task_baseline"]),
            "<= %gx" % BASELINE_TARGET, overhead["baseline_cpu_met"])
        if overhead.get("candidate"):
            name = os.path.basename(overhead["candidate"].rstrip("/"))
            row("2. candidate %s / pings: playbook, per task, CPU per task" % name,
                "%.2fx, %.2fx, %.2fx" % (median["candidate_playbook_ratio"], median["candidate_per_task_ratio"],
                                         median["candidate_cpu_per_task_ratio"]))
            candidate_floor = overhead["candidate_floor"]
            row("2. candidate %s FLOOR: CPU, wall, requests per task" % name,
                "%.2fx, %.2fx, %g" % (candidate_floor["cpu_ratio"], candidate_floor["wall_ratio"], candidate_floor["requests_per_task"]),
                "<= %gx, 1" % BASELINE_TARGET, candidate_floor["met"])
    for item in results.get("notice", []):
        between = " (between two polls)" if item["polls_logged"] and item["poll_times"][-1] - item["seconds"] > 1 else ""
        row("3. return time - S, S = %g s%s" % (item["seconds"], between), "%.2f s (%d polls)" % (item["return_minus_s"], item["polls"]),
            "<= %.1f s" % item["target"], item["notice_met"])
    fleet = results.get("fleet")
    if fleet:
        row("4. fleet: %d clusters, forks %d / (%d x one cluster)" % (fleet["clusters"], fleet["forks"], fleet["waves"]),
            "%.2fx (%.1f s / %d x %.1f s)" % (fleet["ratio"], fleet["fleet_wall"], fleet["waves"], fleet["single_median"]), "<= 1.5x", fleet["met"])
        row("4. fleet: requests per cluster", "%.1f" % fleet["requests_per_cluster"])
    fleet_async = results.get("async")
    if fleet_async:
        forks_run, async_run = fleet_async["runs"]["forks"], fleet_async["runs"]["async"]
        row("6. %d clusters, forks %d: forks alone / async, wall" % (fleet_async["clusters"], fleet_async["forks"]),
            "%.2fx (%.1f s / %.1f s)" % (fleet_async["ratio"], forks_run["wall"], async_run["wall"]))
        row("6. the same: CPU seconds", "%.1f s / %.1f s" % (forks_run["cpu"], async_run["cpu"]))
        row("6. the same: requests (PUT), per cluster", "%d (%d) / %d (%d), %.1f / %.1f" % (
            forks_run["requests"]["total"], forks_run["requests"]["put"], async_run["requests"]["total"],
            async_run["requests"]["put"], forks_run["requests_per_cluster"], async_run["requests_per_cluster"]))
    for item in results.get("uri", []):
        module, uri = item["module_converge"], item["uri_converge"]
        row("5. uri / module, converge, S = %g s: wall (median of %d)" % (item["seconds"], len(item["samples"])),
            "%.2fx (%.1f s / %.1f s)" % (item["speedup"], uri["wall"], module["wall"]), ">= 2x, fewer", item["met"])
        row("5. uri / module, converge, S = %g s: requests, CPU" % item["seconds"],
            "%g / %g, %.1f s / %.1f s" % (uri["requests"], module["requests"], uri["cpu"], module["cpu"]))
        row("5. uri / module, no-op rerun: wall, requests",
            "%.2fx, %g / %g" % (item["rerun_speedup"], item["uri_rerun"]["requests"], item["module_rerun"]["requests"]))
    for item in (results.get("schedule") or {}).get("schedules", []):
        lines.append("")
        lines.append("schedule %s" % item["schedule"])
        lines.append("   S = 2 / 10 / 30 / 1800 s: polls %s, lag %s s" % (
            " / ".join(str(item["samples"][key]["polls"]) for key in ("2", "10", "30", "1800")),
            " / ".join("%.1f" % item["samples"][key]["lag"] for key in ("2", "10", "30", "1800"))))
        lines.append("   of 2 s..30 min: within the call budget %.0f %%, noticed within target %.0f %% (%.0f %% up to 5 min), both %.0f %%;"
                     " worst lag %.2f x S" % (100 * item["budget_ok"], 100 * item["notice_ok"], 100 * item["notice_ok_up_to_300s"],
                                              100 * item["both_ok"], item["worst_lag_ratio"]))
    return "\n".join(lines)


def load_average():
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: %s" % ", ".join(SECTIONS))
    parser.add_argument("--reps", type=int, default=3, help="repetitions of the overhead playbooks")
    parser.add_argument("--notice-seconds", default="2,10,30,3",
                        help="operation lengths S for the time-to-notice runs (3 s ends between two polls: its lag shows the gap)")
    parser.add_argument("--fleet-size", type=int, default=50)
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--fleet-seconds", type=float, default=2.0, help="operation length of every fleet cluster")
    parser.add_argument("--async-size", type=int, default=50, help="clusters of the async-against-forks runs")
    parser.add_argument("--async-seconds", type=float, default=10.0,
                        help="operation length of every cluster of the async-against-forks runs")
    parser.add_argument("--async-poll-delay", type=int, default=2, help="async_status delay of the async fleet run")
    parser.add_argument("--uri-seconds", default="2", help="operation lengths S for the module/uri comparison")
    parser.add_argument("--uri-reps", type=int, default=3, help="repetitions of the module/uri comparison")
    parser.add_argument("--candidate", help="another folder holding ansible_collections/hwcloud/mrs: its no-op tasks join the overhead runs")
    parser.add_argument("--out", default=os.path.join(REPO, ".tmp", "bench", "results.json"))
    args = parser.parse_args(argv)
    sections = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error("unknown sections: %s" % ", ".join(sorted(unknown)))
    collections_path = os.path.abspath(os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.path.join(REPO, ".tmp", "collections"))
    if not os.path.isdir(os.path.join(collections_path, "ansible_collections", "hwcloud", "mrs")):
        parser.error("no hwcloud.mrs under %s: run `make stage` first" % collections_path)
    work_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(work_dir, exist_ok=True)

    started = time.monotonic()
    results = dict(meta=dict(date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                             command=" ".join([os.path.relpath(sys.executable, REPO), os.path.relpath(os.path.abspath(__file__), REPO)]
                                              + list(sys.argv[1:] if argv is None else argv)),
                             python=platform.python_version(), platform=platform.platform(), cpus=os.cpu_count(),
                             load_before=load_average(), collections_path=collections_path,
                             ansible_core=subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible"), "--version"],
                                                         capture_output=True, text=True, check=False).stdout.split("\n", 1)[0]))
    with start_emulator(scale_seconds=1) as emulator:
        bench = Bench(emulator, collections_path, work_dir)
        for section in sections:
            section_started = time.monotonic()
            print("bench: %s ..." % section, flush=True)
            if section == "schedule":
                results["schedule"] = schedule_sweep(collections_path)
            elif section == "calls":
                results["calls"] = bench.calls()
            elif section == "overhead":
                results["overhead"] = bench.overhead(args.reps, args.candidate and os.path.abspath(args.candidate))
            elif section == "notice":
                results["notice"] = bench.notice([float(value) for value in args.notice_seconds.split(",")])
            elif section == "fleet":
                results["fleet"] = bench.fleet(args.fleet_size, args.forks, args.fleet_seconds, singles=3)
            elif section == "async":
                results["async"] = bench.fleet_async(args.async_size, args.forks, args.async_seconds, args.async_poll_delay)
            elif section == "uri":
                results["uri"] = bench.uri([float(value) for value in args.uri_seconds.split(",")], args.uri_reps)
            results["meta"]["seconds_%s" % section] = round(time.monotonic() - section_started, 1)
    results["meta"]["load_after"] = load_average()
    results["meta"]["seconds"] = round(time.monotonic() - started, 1)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
    print()
    print(report(results))
    if results.get("overhead"):
        floor_figures = results["overhead"]["floor"]
        print("\nfloor (a no-op mrs_cluster_nodes task / a one-GET requests module task): CPU %.2fx, wall %.2fx, %g request(s) "
              "per task: %s" % (floor_figures["cpu_ratio"], floor_figures["wall_ratio"], floor_figures["requests_per_task"],
                                "met" if floor_figures["met"] else "MISSED (target <= %gx in both, exactly one GET)" % BASELINE_TARGET))
    meta = results["meta"]
    print("\n%s, %s, %d CPUs, load average %s before and %s after; %.0f s in all. JSON: %s"
          % (meta["date"], meta["ansible_core"], meta["cpus"], meta["load_before"] and "%.1f" % meta["load_before"][0],
             meta["load_after"] and "%.1f" % meta["load_after"][0], meta["seconds"], os.path.relpath(args.out, REPO)))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        sys.stderr.write("bench: %s\n" % error)
        sys.exit(1)
