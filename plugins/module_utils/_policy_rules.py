# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Auto-scaling policies as wholes: the merge of a task's options into the policy MRS holds, the policy's own rules
(``check_whole``), whether MRS holds what a task means (``matches``), the limits the sources dispute, and the
rule-by-rule diff. Pure.

**Left out keeps what MRS holds**: an option the task does not give (None) keeps MRS's value; a list given replaces
MRS's list unless its ``purge_*`` is false (then it is merged in, by rule name, plan window or tag key), the
convention of amazon.aws's ``purge_tags``. Inside a rule, ``description`` and ``trigger.comparison_operator`` left
out keep those of MRS's rule of the same name (or, for a new rule, let MRS choose).

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_options import KEYS, LISTS, SORTS, option_parts, plan_key


# Limits on which the sources disagree: (what, test on the normal form, who says what). Not refused up front.
TF_COOL_DOWN_MIN = 5
TF_PERIODS_MAX = 200
TF_TAGS_MAX = 20


def _fill_rule(rule, held):
    """``rule`` with what it leaves out (description, trigger.comparison_operator: None) taken from ``held``, MRS's rule
    of the same name (or None)."""
    if held is None:
        return rule
    filled = dict(rule, trigger=dict(rule["trigger"]))
    if filled["description"] is None:
        filled["description"] = held["description"]
    if filled["trigger"]["comparison_operator"] is None:
        filled["trigger"]["comparison_operator"] = held["trigger"]["comparison_operator"]
    return filled


def _merged_list(name, held, given, purge):
    """The list to write: ``given`` (None: left out, ``held`` kept), replacing ``held`` when ``purge``, else merged in by
    rule name, plan window or tag key; a rule keeps what it leaves out from MRS's rule of the same name."""
    if given is None:
        return list(held)
    held_by_key = dict((KEYS[name](item), item) for item in held)
    if name == "rules":
        given = [_fill_rule(rule, held_by_key.get(rule["name"])) for rule in given]
    if not purge:
        given_keys = set(KEYS[name](item) for item in given)
        given = [item for item in held if KEYS[name](item) not in given_keys] + list(given)
    return sorted(given, key=SORTS[name])


def merge(held, parts, purge=None):
    """The whole policy a task means: ``parts`` (``option_parts``) over ``held`` (MRS's, normal form, or None for a group
    without policy); what the parts leave out keeps MRS's value. ``purge``: {list name: bool}, true by default. A new
    policy is enabled unless the parts say otherwise; its capacities stay None until ``check_whole`` requires them."""
    purge = purge or {}
    base = held or {"auto_scaling_enable": True, "min_capacity": None, "max_capacity": None, "rules": [],
                    "resources_plans": [], "tags": []}
    whole = dict((key, parts.get(key, base[key])) for key in ("auto_scaling_enable", "min_capacity", "max_capacity"))
    for name in LISTS:
        whole[name] = _merged_list(name, base[name], parts.get(name), purge.get(name, True))
    return whole


def check_whole(whole, parts, node_group):
    """The merged policy's own rules, after the read and before any write, naming the option: a new policy needs both
    capacities; min_capacity at most max_capacity; an enabled policy needs a rule or a resource plan."""
    for name in ("min_capacity", "max_capacity"):
        if whole[name] is None:
            raise PlanError(name, "is required to create a policy: node group %s has none yet (MRS would take a bound left "
                            "out as 0, and a policy with max_capacity 0 empties the group)" % node_group)
    if whole["min_capacity"] > whole["max_capacity"]:
        given = "min_capacity" if "min_capacity" in parts else "max_capacity"
        raise PlanError(given, "must keep min_capacity at most max_capacity (%d > %d; the %s is the one MRS holds)"
                        % (whole["min_capacity"], whole["max_capacity"],
                           "max_capacity" if given == "min_capacity" else "min_capacity"))
    if whole["auto_scaling_enable"] and not whole["rules"] and not whole["resources_plans"]:
        kept = [name for name in ("rules", "resources_plans") if name not in parts]
        raise PlanError("rules", "an enabled policy needs at least one rule or one of resources_plans%s"
                        % (" (%s left out: the policy MRS holds has none)" % " and ".join(kept) if kept else ""))
    return whole


def matches(held, wanted):
    """Whether MRS holds the policy ``wanted`` (normal forms, None for none): what ``wanted`` leaves to MRS (a new rule's
    description or comparison_operator) matches whatever MRS chose."""
    if held is None or wanted is None:
        return held is None and wanted is None
    held_rules = dict((rule["name"], rule) for rule in held["rules"])
    filled = dict(wanted, rules=[_fill_rule(rule, held_rules.get(rule["name"])) for rule in wanted["rules"]])
    return filled == held


def as_options(normal):
    """A normalised policy in the module's option names (``enabled`` for ``auto_scaling_enable``), or None: given back to
    the module as they are, they write that very policy again (how a paused policy is restored exactly)."""
    if normal is None:
        return None
    options = dict((key, value) for key, value in normal.items() if key != "auto_scaling_enable")
    options["enabled"] = normal["auto_scaling_enable"]
    return options


def disputed(normal):
    """Values of ``normal`` on which the sources disagree (none refused here), each with who says what: said with
    MRS's refusal of a write, so the user knows which limit MRS may hold."""
    notes = []
    for rule in normal["rules"]:
        if rule["cool_down_minutes"] < TF_COOL_DOWN_MIN:
            notes.append("rule %s has cool_down_minutes %d: the vendor SDK and the API reference allow 0 to 10080, Huawei's "
                         "Terraform provider documents %d to 10080" % (rule["name"], rule["cool_down_minutes"], TF_COOL_DOWN_MIN))
        if rule["trigger"]["evaluation_periods"] > TF_PERIODS_MAX:
            notes.append("rule %s has evaluation_periods %d: the vendor SDK and the API reference allow 1 to 288, Huawei's "
                         "Terraform provider documents 1 to %d" % (rule["name"], rule["trigger"]["evaluation_periods"], TF_PERIODS_MAX))
    if len(normal["tags"]) > TF_TAGS_MAX:
        notes.append("the policy has %d tags: Huawei's Terraform provider documents at most %d, the vendor SDK and the API "
                     "reference no limit" % (len(normal["tags"]), TF_TAGS_MAX))
    return notes


def diff_view(normal):
    """The policy as diff mode shows it: rules keyed by name and plans by window, so the diff names the rule that changes."""
    if normal is None:
        return {}
    view = dict((key, value) for key, value in normal.items() if key not in LISTS)
    view["rules"] = dict((rule["name"], dict((key, value) for key, value in rule.items() if key != "name")) for rule in normal["rules"])
    view["resources_plans"] = dict((plan_key(plan), plan) for plan in normal["resources_plans"])
    view["tags"] = dict((tag["key"], tag["value"]) for tag in normal["tags"])
    return view


def changes(before, after):
    """What changes, one line per field or rule: ``rules.grow.trigger.evaluation_periods: 3 -> 6``, ``rules.shrink: added``."""
    if before is None and after is None:
        return []
    if before is None:
        return ["policy: created"]
    if after is None:
        return ["policy: deleted"]
    lines = []
    for key in ("auto_scaling_enable", "min_capacity", "max_capacity"):
        if before[key] != after[key]:
            lines.append("%s: %r -> %r" % (key, before[key], after[key]))
    lines.extend(_keyed_changes("rules.%s", dict((rule["name"], rule) for rule in before["rules"]),
                                dict((rule["name"], rule) for rule in after["rules"])))
    lines.extend(_keyed_changes("resources_plans[%s]", diff_view(before)["resources_plans"], diff_view(after)["resources_plans"]))
    if before["tags"] != after["tags"]:
        lines.append("tags: %s -> %s" % (diff_view(before)["tags"], diff_view(after)["tags"]))
    return lines


def _keyed_changes(label, old, new):
    """Lines for items keyed alike in ``old`` and ``new`` (rules by name, plans by window): removed, added or changed."""
    lines = []
    for key in sorted(set(old) | set(new)):
        if key not in new:
            lines.append("%s: removed" % (label % key))
        elif key not in old:
            lines.append("%s: added" % (label % key))
        else:
            lines.extend(_field_changes(label % key, old[key], new[key]))
    return lines


def _field_changes(prefix, old, new):
    lines = []
    for key in sorted(set(old) | set(new)):
        if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
            lines.extend(_field_changes("%s.%s" % (prefix, key), old[key], new[key]))
        elif old.get(key) != new.get(key):
            lines.append("%s.%s: %r -> %r" % (prefix, key, old.get(key), new.get(key)))
    return lines


def normalise(policy):
    """A whole policy (options or an answer in SDK field names) checked as options and in normal form: what a create of
    it would write. Raises PlanError naming the first option path that breaks a limit."""
    parts = option_parts(policy)
    return check_whole(merge(None, parts), parts, "(new)")
