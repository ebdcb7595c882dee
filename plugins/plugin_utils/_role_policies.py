# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster_scale role and the auto-scaling policies of the groups it resizes: which to pause, when to refuse, and
what a pause or a restore that failed means. Which policy owns a group's count is the planner's rule
(``enabled_policies``, ``policy_refusal``); this says it in the role's words.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_gate import enabled_policies, policy_refusal
from ansible_collections.hwcloud.mrs.plugins.plugin_utils._role_common import NOTHING_CHANGED, Refusal, failure, items, loop_item

POLICY_MODULE = "hwcloud.mrs.mrs_autoscaling_policy"
ROLE_WAYS_OUT = ("Ways out: set cluster_scale_pause_policy: true to pause it for this run and restore it exactly as it was "
                 "afterwards; disable it with %s (enabled: false); use the role's burst entry point, which pauses it and "
                 "restores it; or set the policy's min_capacity/max_capacity instead of a count." % POLICY_MODULE)


def _where(pause):
    return "node group %s (resource pool %s)" % (pause["name"], pause["resource_pool_name"])


def enabled(registered):
    """The enabled policies of the groups a `state: read` loop read, as the role pauses them: [{key, name,
    resource_pool_name, options}] (``key`` the group as the role's resizes name it, ``name`` as MRS does). A read that
    failed is a Refusal naming each group and its cause: the role does not resize a group without knowing its policy."""
    found, failed = [], []
    for result in items(registered):
        message = failure(result)
        if message is not None:
            failed.append("reading the auto-scaling policy of node group %s failed: %s." % (loop_item(result), message))
            continue
        for pool in enabled_policies(result.get("resource_pools") or []):
            found.append({"key": loop_item(result), "name": result.get("node_group"), "resource_pool_name": pool["resource_pool_name"],
                          "options": pool["options"]})
    if failed:
        raise Refusal("%s %s A resize of a group whose policy is enabled is refused, so the role does not go on without knowing."
                      % (" ".join(failed), NOTHING_CHANGED))
    return found


def refuse_enabled(found, names, before, goal):
    """The refusal of a converge that would resize a group whose policy is enabled (``found``, from ``enabled``) while
    cluster_scale_pause_policy is false: the planner's reason, naming the target's variable and the role's ways out."""
    if not found:
        return
    first = found[0]
    key = first["key"]
    pool = first["resource_pool_name"]
    group = first["name"] if pool == "default" else "%s, resource pool %s" % (first["name"], pool)
    options = first["options"]
    reason = policy_refusal(key, group, before[key], goal[key], options["min_capacity"], options["max_capacity"], ROLE_WAYS_OUT)
    raise Refusal("%s: %s" % (names.get(key, key), reason.replace("nothing was sent", "nothing was changed")))


def pause_list(found):
    """The policies the role pauses, and restores in its always section: [{name, resource_pool_name, options}]."""
    return [dict((field, pause[field]) for field in ("name", "resource_pool_name", "options")) for pause in found]


def pause_failures(registered):
    """What the loop that paused the policies could not do, one sentence per policy ([] when every pause went through)."""
    return ["the auto-scaling policy of %s could not be paused: %s." % (_where(loop_item(result)), failure(result))
            for result in items(registered) if failure(result) is not None]


def restore_failures(registered):
    """What the loop that restored the paused policies could not do, with the options to restore each one by hand."""
    return ["the auto-scaling policy of %s was paused by this run and could not be restored (%s); restore it with %s, "
            "resource_pool_name %s and the options it had: %s." % (_where(loop_item(result)), failure(result), POLICY_MODULE,
                                                                   loop_item(result)["resource_pool_name"],
                                                                   json.dumps(loop_item(result)["options"], sort_keys=True))
            for result in items(registered) if failure(result) is not None]


def problem(pauses=None, restores=None):
    """The failure the role ends with after its always section, or None: every pause and restore that failed. A failed
    pause stopped the run before its first resize."""
    paused, restored = pause_failures(pauses), restore_failures(restores)
    if not paused and not restored:
        return None
    stopped = ["Nothing was resized."] if paused else []
    return " ".join(paused + stopped + restored)
