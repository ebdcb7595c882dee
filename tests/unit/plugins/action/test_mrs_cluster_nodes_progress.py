# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of mrs_cluster_nodes, its pure parts: when a wait is watched, how often the job is looked at, what
the progress read asks and what a progress line says. The watched run itself is proved by real ansible-playbook runs
(tests/integration/test_cluster_scale_output.py)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import itertools

import pytest

from ansible_collections.hwcloud.mrs.plugins.action import mrs_cluster_nodes as action
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.modules.mrs_cluster_nodes import ARGUMENT_SPEC


def test_the_plugin_knows_every_option_of_the_module_and_passes_the_others_on_as_connection_options():
    assert set(action.OWN_OPTIONS) == set(ARGUMENT_SPEC)
    args = dict(cluster_name="analytics", node_group="core", count=5, wait_timeout=600, progress_interval=60, region="cn-north-4",
                access_key="AK", secret_key="SK", validate_certs=False)
    assert action.read_args(args) == dict(cluster_name="analytics", region="cn-north-4", access_key="AK", secret_key="SK",
                                          validate_certs=False, exactly_one=True)
    assert action.read_args(args, "c-1") == dict(cluster_id="c-1", region="cn-north-4", access_key="AK", secret_key="SK",
                                                 validate_certs=False, exactly_one=True)
    assert action.read_args(dict(args, cluster_id="c-2", cluster_name=None))["cluster_id"] == "c-2"


def test_the_job_is_looked_at_often_while_a_short_resize_may_end_then_every_five_seconds():
    pauses = list(itertools.islice(action.status_delays(), 400))
    elapsed = list(itertools.accumulate(pauses))
    assert pauses[:20] == [0.25] * 20 and elapsed[19] == 5.0
    assert max(pause for pause, spent in zip(pauses, elapsed) if spent <= 60) == 1.0
    assert set(pause for pause, spent in zip(pauses, elapsed) if spent > 60) == {5.0}
    looks_in_20_minutes = sum(1 for spent in elapsed if spent <= 1200)
    assert looks_in_20_minutes <= 320, looks_in_20_minutes


@pytest.mark.parametrize("args, check_mode, async_val, watched", [
    (dict(progress_interval=60), False, 0, True),
    (dict(progress_interval=60, wait=False), False, 0, False),
    (dict(progress_interval=60), True, 0, False),              # check mode: the module does not wait
    (dict(progress_interval=60), False, 600, False),           # the user's own async reports the job
    (dict(progress_interval=60, wait_timeout=60), False, 0, False),  # no line could be due
    (dict(progress_interval=60, wait_timeout="sometime"), False, 0, False),  # the module refuses it, run as usual
    (dict(progress_interval=60, wait="perhaps"), False, 0, False),
    (dict(progress_interval=60, wait="yes", wait_timeout="61"), False, 0, True),
])
def test_a_wait_is_watched_only_when_a_line_may_be_due(args, check_mode, async_val, watched):
    interval, _refusal = action.interval_of(args)
    assert action.watches(args, interval, check_mode, async_val, False) is watched
    assert action.watches(args, interval, check_mode, async_val, True) is False  # a connection with its own async


def test_the_interval_is_read_as_the_module_reads_seconds():
    assert action.interval_of({}) == (0, None) and action.interval_of(dict(progress_interval="30")) == (30, None)
    for bad in (-1, "soon", True, 604801):
        _interval, refusal = action.interval_of(dict(progress_interval=bad))
        assert isinstance(refusal, PlanError) and str(refusal).startswith("progress_interval: must be 0 or more seconds")


CLUSTER = {"id": "c-1", "name": "analytics", "cluster_type": "analysis", "state": "scaling-out", "scale": "scaling-out",
           "master_count": 2, "core_count": 4, "task_count": 0,
           "node_groups": [{"name": "master_node_default_group", "role": "master", "node_count": 2},
                           {"name": "core_node_analysis_group", "role": "core", "node_count": 4}]}


def test_a_progress_line_says_the_groups_count_the_target_the_state_and_the_time():
    read = dict(changed=False, clusters=[CLUSTER])
    assert action.progress_line("localhost", dict(node_group="core", count=6), 61.7, read) == (
        "[localhost] mrs_cluster_nodes: node group core has 4 nodes (target 6) after 61 s; cluster scaling-out")
    # the group is resolved as the module resolves it: by its name too
    by_name = action.progress_line("h", dict(node_group="core_node_analysis_group"), 5, read)
    assert "node group core_node_analysis_group has 4 nodes" in by_name
    running = dict(changed=False, clusters=[dict(CLUSTER, state="running", scale="scaling-in")])
    assert action.progress_line("h", dict(node_group="core", count=3), 1, running).endswith("cluster running, scaling-in")
    assert "has an unknown number of nodes" in action.progress_line("h", dict(node_group="node_group_9", count=3), 1, read)
    failed = dict(failed=True, msg="HTTP 503: busy")
    assert action.progress_line("h", dict(node_group="task", server_ids=["x"]), 120, failed) == (
        "[h] mrs_cluster_nodes: node group task, 120 s: count unknown (reading the cluster failed: HTTP 503: busy)")
    assert action.group_count(dict(CLUSTER, core_count="many"), "core") is None
