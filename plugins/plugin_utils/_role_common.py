# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every decision of the cluster_scale role shares: refusals as data, the role's names for the planner's
parameters, and the results of the role's read tasks.

The role's decisions (``_role_converge``, ``_role_burst``, ``_role_drain``, ``_role_schedule``) are pure functions of
the role's variables and of what its tasks registered; the ``hwcloud.mrs.cluster_scale_plan`` filter calls them. A
refusal is returned as data (the role fails with ``ansible.builtin.assert``, whose message is the refusal as it is), never
raised through a filter, so that Ansible does not wrap it ("Finalization of task args ... failed"). Every rule of a resize
or a policy is asked of the planner (``_option_checks``, ``_plan_cluster``) or the policy rules (``_policy_options``,
``_policy_scope``); what is written here is the role's own: which variable a value came from, and how the role's steps fit together.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

try:
    from collections.abc import Mapping
except ImportError:  # pragma: no cover - Python 2 is not supported by the controller anyway
    Mapping = dict

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import check_wait_timeout
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import as_whole_number, node_count
from ansible_collections.hwcloud.mrs.plugins.plugin_utils._names import named

CLUSTER_OPTIONS = ("cluster_id", "cluster_name")
NOTHING_CHANGED = "Nothing was changed."
PASSED = object()  # a read keyword left out: the role has not reached that stage


class Refusal(Exception):
    """A run the role refuses, before any change (or, once something changed, saying what did). ``message`` starts with the
    role variable at fault when one is."""

    def __init__(self, message):
        super(Refusal, self).__init__(message)
        self.message = message


def planned(out, stage, *args):
    """``out`` once ``stage(out, *args)`` filled it, as far as the reads given allow; a Refusal the stage raises becomes
    ``out["refusal"]`` (the message as it is), so that a decision returns its refusal as data."""
    try:
        stage(out, *args)
    except Refusal as refusal:
        out["refusal"] = refusal.message
    return out


def refused(*checks):
    """The message of the first check (a callable) that raises a Refusal, or None: checks in the order the role runs them."""
    for check in checks:
        try:
            check()
        except Refusal as refusal:
            return refusal.message
    return None


def text(value):
    """A value as a message shows it (JSON: null, "5", 5)."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def cluster_refusal(error):
    """Why the cluster as mrs_cluster_info returned it cannot be planned on (an answer without a count the plan needs)."""
    return "the cluster as hwcloud.mrs.mrs_cluster_info returned it cannot be planned on: %s. %s" % (error, NOTHING_CHANGED)


def check_selector(request):
    """Exactly one of the cluster's id and name, not empty: the role's own rule (the modules check each value)."""
    cluster_id, cluster_name = request.get("cluster_scale_cluster_id"), request.get("cluster_scale_cluster_name")
    chosen = cluster_id if cluster_id is not None else cluster_name
    if (cluster_id is None) == (cluster_name is None) or not str(chosen).strip():
        raise Refusal("cluster_scale_cluster_id / cluster_scale_cluster_name: give exactly one of them, not empty (got "
                      "cluster_scale_cluster_id=%s, cluster_scale_cluster_name=%s)" % (text(cluster_id), text(cluster_name)))


def check_seconds(request, name):
    """A number of seconds the role passes on to a module (a wait, a progress interval), checked as mrs_cluster_nodes
    checks its wait_timeout, naming the role's variable."""
    if name not in request:
        return
    try:
        check_wait_timeout(request[name], name)
    except PlanError as error:
        raise Refusal(named(error, {}))


def check_run(request):
    """What every entry point that resizes checks before it reads the cluster, in this order: its wait and progress
    interval (as mrs_cluster_nodes checks them, naming the role's variables) and exactly one of the cluster's id and name."""
    check_seconds(request, "cluster_scale_wait_timeout")
    check_seconds(request, "cluster_scale_progress_interval")
    check_selector(request)


def count(name, value, least=0):
    """``value`` as a count the planner reads (``"5"`` is 5), at least ``least``, naming the role's variable."""
    try:
        number = node_count(name, value)
    except PlanError as error:
        raise Refusal(named(error, {}))
    if number < least:
        raise Refusal("%s: must be %d or more, got %s" % (name, least, value))
    return number


def whole(value):
    """``value`` as a whole number, or None (the shared parser: ``"5"`` is 5, a boolean is not)."""
    return as_whole_number(value)


# --- what the role's tasks registered ---------------------------------------------------------------------------------
# The role's reads run with `failed_when: false` (a loop's failure would otherwise say only "One or more items failed",
# and a read's would name the module's options): the decision that follows reads the failure from the registered result.
# A module of this collection always fails with `msg` and never sets it on success, so a result with `msg` failed.


def ran(registered):
    """Whether a task ran at all (a task skipped by its condition, or never reached, registers no answer)."""
    return isinstance(registered, Mapping) and not registered.get("skipped")


def failure(registered):
    """The message of a task that ran and failed, or None."""
    if not ran(registered):
        return None
    if registered.get("failed") or "msg" in registered:
        return str(registered.get("msg") or "failed, without a message")
    return None


def items(registered):
    """The results of a looped task that ran (each item's registered result), or []."""
    if not ran(registered) or not isinstance(registered.get("results"), list):
        return []
    return [item for item in registered["results"] if isinstance(item, Mapping)]


def loop_item(result):
    """The item a looped result was for."""
    return result.get(result.get("ansible_loop_var") or "item", result.get("item"))


def renamed(message, parameter, names):
    """A module's message about one of its options (``parameter``), naming the role's variable instead: each whole word
    that is a key of ``names`` (an option) becomes its value, when the module said that option was at fault."""
    if parameter not in names:
        return message
    pattern = re.compile(r'(?<![\w"-])(%s)(?![\w"-])' % "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda match: names[match.group(1)], message)


def read_cluster(registered):
    """The one cluster a mrs_cluster_info task with exactly_one registered; None when the read did not run (or was not
    given: PASSED). A failed read is a Refusal saying the module's message, naming the role's variables where it names the module's cluster options."""
    message = failure(registered)
    if message is not None:
        raise Refusal(renamed(message, registered.get("parameter"), dict((name, "cluster_scale_" + name) for name in CLUSTER_OPTIONS)))
    if not ran(registered):
        return None
    clusters = registered.get("clusters")
    if not isinstance(clusters, list) or len(clusters) != 1 or not isinstance(clusters[0], Mapping):
        raise Refusal("reading the cluster returned no cluster (got %s). %s" % (text(clusters)[:200], NOTHING_CHANGED))
    return clusters[0]
