# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The controller side of hwcloud.mrs.mrs_cluster_nodes: a wait that shows it is alive.

With ``progress_interval`` (and ``wait``, outside check mode), the module runs exactly as it always does, as one
background job on the target (Ansible's own async_wrapper), so it sends its resize at most once and its evaluator alone
decides when the scale is done, failed, or changed by someone else. Meanwhile this plugin looks every few seconds whether
the job has finished (a ``cat`` of its status file: no module, no request) and, every ``progress_interval`` seconds,
reads the cluster with hwcloud.mrs.mrs_cluster_info (one request) and prints one line with the group's count. The task's
result is the module's own. Without ``progress_interval`` the module runs as any module does.

Why not rounds of waiting driven by the role: each round would be a task (four lines or more a round against one), and
a module that returns between rounds must carry its evaluator's state across them and must never plan a write again;
here the one module run keeps both.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

display = Display()

# The collection's pure code is imported only on a watched wait (and to refuse a bad progress_interval): a task without
# progress_interval, the default, runs as any module does and pays for nothing more on the controller.

# The module's own options; every other option of the task is a connection option, which the progress read passes on.
OWN_OPTIONS = ("cluster_id", "cluster_name", "node_group", "count", "current_count", "server_ids", "task_node_info",
               "skip_bootstrap_scripts", "scale_without_start", "wait", "wait_timeout", "progress_interval")
# Seconds the background job may run past wait_timeout before async_wrapper stops it: the module ends within wait_timeout
# and one read timeout, so this is only a backstop that must never cut a module short.
JOB_MARGIN = 900
# What the async machinery adds to a result, and the module never returns.
JOB_KEYS = ("ansible_job_id", "started", "finished", "results_file", "stdout", "stderr", "stdout_lines", "stderr_lines")


# (pause, until): a look every quarter second for the first 5 s, every half second until 15 s, every second until 60 s.
STATUS_SCHEDULE = ((0.25, 5.0), (0.5, 15.0), (1.0, 60.0))
STATUS_EVERY = 5.0


def status_delays(schedule=STATUS_SCHEDULE, every=STATUS_EVERY):
    """The pauses between two looks at the job. A look is a ``cat`` of a small file (no request, a few ms of CPU), so it
    comes often while a short resize may end (a no-op ends in about a second, a scale on the emulator in a few), then less
    and less often, down to every ``every`` seconds for a scale of tens of minutes (about 310 looks in 20 minutes, a few
    seconds of CPU; the module itself polls the cluster every 30 s by then)."""
    elapsed = 0.0
    for pause, until in schedule:
        while elapsed + pause <= until:
            elapsed += pause
            yield pause
    while True:
        yield every


def interval_of(args):
    """(seconds, refusal): the progress interval (0: none), or the PlanError naming progress_interval."""
    value = args.get("progress_interval")
    if value is None:
        return 0, None
    from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError  # pylint: disable=import-outside-toplevel
    from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import check_wait_timeout  # pylint: disable=import-outside-toplevel
    try:
        return check_wait_timeout(value, "progress_interval"), None
    except PlanError as error:
        return 0, error


def watches(args, interval, check_mode, async_val, native_async):
    """Whether to run the module as a watched background job: a wait that may outlast one interval, outside check mode and
    outside a task the user made async. An option that cannot be read leaves the module to refuse it, run as usual."""
    if not interval or check_mode or async_val or native_async:
        return False
    from ansible_collections.hwcloud.mrs.plugins.module_utils._values import as_whole_number  # pylint: disable=import-outside-toplevel
    try:
        waits = boolean(args.get("wait", True), strict=True)
    except TypeError:
        return False
    timeout = as_whole_number(args.get("wait_timeout", 3600))
    return bool(waits) and timeout is not None and timeout > interval


def read_args(args, cluster_id=None):
    """The options of the progress read: the task's connection options and its cluster."""
    read = dict((name, value) for name, value in args.items() if name not in OWN_OPTIONS)
    if cluster_id:
        read["cluster_id"] = cluster_id
    elif args.get("cluster_id"):
        read["cluster_id"] = args["cluster_id"]
    else:
        read["cluster_name"] = args.get("cluster_name")
    read["exactly_one"] = True
    return read


def group_count(cluster, node_group):
    """The count of the group ``node_group`` means on ``cluster`` (as mrs_cluster_info returns it), resolved as the module
    resolves it; None when the answer cannot say."""
    from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError  # pylint: disable=import-outside-toplevel
    from ansible_collections.hwcloud.mrs.plugins.module_utils._group_resolution import resolve_node_group  # pylint: disable=import-outside-toplevel
    from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_cluster import view_of_info  # pylint: disable=import-outside-toplevel
    try:
        view = view_of_info(cluster)
        return view.count_of(resolve_node_group(view, node_group).key)
    except (MrsError, KeyError, TypeError, ValueError):
        return None


def progress_line(host, args, elapsed, read):
    """One line on where the wait stands: the group's count, the target, the cluster's state, the seconds waited."""
    node_group, target = args.get("node_group"), args.get("count")
    wanted = " (target %s)" % target if target is not None else ""
    clusters = read.get("clusters") if isinstance(read, dict) and not read.get("failed") else None
    if not clusters:
        cause = read.get("msg") if isinstance(read, dict) else None
        return "[%s] mrs_cluster_nodes: node group %s%s, %d s: count unknown (reading the cluster failed: %s)" % (
            host, node_group, wanted, elapsed, cause or "no answer")
    cluster = clusters[0]
    count = group_count(cluster, node_group)
    state = cluster.get("state") or "unknown"
    scale = cluster.get("scale")
    return "[%s] mrs_cluster_nodes: node group %s has %s nodes%s after %d s; cluster %s%s" % (
        host, node_group, "an unknown number of" if count is None else count, wanted, elapsed, state,
        ", %s" % scale if scale and scale != state else "")


class ActionModule(ActionBase):
    """Runs mrs_cluster_nodes; with progress_interval, as a watched background job (see the file's docstring)."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = self._task.args
        interval, refusal = interval_of(args)
        if refusal is not None:
            result.update(failed=True, msg=str(refusal), parameter=refusal.parameter)
            return result
        native = self._connection.has_native_async
        if not watches(args, interval, self._play_context.check_mode, self._task.async_val, native):
            wrap_async = bool(self._task.async_val) and not native
            result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        try:
            return merge_hash(result, self._watched(task_vars or {}, interval))
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)

    def _watched(self, task_vars, interval):
        """Start the module as a background job, print a line every ``interval`` s until it ends, return its result."""
        limit = int(self._task.args.get("wait_timeout", 3600)) + JOB_MARGIN  # a whole number: watches() read it
        self._task.async_val = limit
        try:
            started = self._execute_module(task_vars=task_vars, wrap_async=True)
        finally:
            self._task.async_val = 0
        if started.get("failed") or not started.get("ansible_job_id") or not started.get("results_file"):
            return started
        try:
            return self._wait(task_vars, started, interval, limit)
        finally:
            self._low_level_execute_command("rm -f %s" % self._connection._shell.quote(started["results_file"]))

    def _wait(self, task_vars, started, interval, limit):
        host = task_vars.get("inventory_hostname", "?")
        begin = time.monotonic()
        next_line, cluster_id = begin + interval, None
        for delay in status_delays():
            time.sleep(max(0.0, min(delay, next_line - time.monotonic())))
            if self._finished(started["results_file"]):
                return self._result(task_vars, started)
            now = time.monotonic()
            if now >= next_line:
                read = self._read(task_vars, cluster_id)
                cluster_id = cluster_id or _cluster_id(read)
                display.display(progress_line(host, self._task.args, now - begin, read))
                while next_line <= time.monotonic():
                    next_line += interval
            if now - begin > limit + 60:
                return dict(failed=True, changed=True, msg="mrs_cluster_nodes did not finish within wait_timeout and %d s more; "
                            "its job %s may still be running on the target: read the cluster before acting"
                            % (JOB_MARGIN, started["ansible_job_id"]))
        return {}  # unreachable: status_delays never ends

    def _finished(self, results_file):
        """Whether the job has written its result: its status file holds the module's answer instead of the "started" record
        async_wrapper writes first (it replaces the file whole, so a read never sees half of it)."""
        found = self._low_level_execute_command("cat %s" % self._connection._shell.quote(results_file))
        try:
            status = json.loads(found.get("stdout") or "")
        except ValueError:
            return False
        return isinstance(status, dict) and "started" not in status

    def _result(self, task_vars, started):
        """The module's result, decoded by async_status as Ansible decodes any job's, without the job's own keys."""
        directory = started["results_file"].rsplit("/", 1)[0]
        status = self._execute_module(module_name="ansible.legacy.async_status", task_vars=task_vars,
                                      module_args=dict(jid=started["ansible_job_id"], mode="status", _async_dir=directory))
        return dict((key, value) for key, value in status.items() if key not in JOB_KEYS)

    def _read(self, task_vars, cluster_id):
        """The cluster, read as a progress line needs it; a failed read is shown, never fails the task."""
        try:
            return self._execute_module(module_name="hwcloud.mrs.mrs_cluster_info", task_vars=task_vars,
                                        module_args=read_args(self._task.args, cluster_id))
        except Exception as error:  # pylint: disable=broad-except  # a line that cannot be read must not end the wait
            return dict(failed=True, msg=str(error))


def _cluster_id(read):
    clusters = read.get("clusters") if isinstance(read, dict) else None
    return clusters[0].get("id") if clusters and isinstance(clusters[0], dict) else None
