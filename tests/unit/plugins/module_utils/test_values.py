# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_values: the one rule for a whole number and for a name, one table each, and every reader of a number held to it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import _Fields
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import check_node_group, check_wait_timeout, validate_task_node_info
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_api import read_held
from ansible_collections.hwcloud.mrs.plugins.module_utils._policy_options import check_target, option_parts
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import (
    NAME_PATTERN, as_count, as_whole_number, node_count, whole_number_in)

# value -> what as_whole_number reads (None: not a whole number)
WHOLE_NUMBERS = [
    (0, 0), (3, 3), (-1, -1), (10 ** 20, 10 ** 20),
    (3.0, 3), (-2.0, -2), (0.0, 0), (2.5, None), (float("inf"), None), (float("-inf"), None), (float("nan"), None),
    ("3", 3), (" 3 ", 3), ("\t12\n", 12), ("+3", 3), ("-1", -1), ("007", 7),
    ("3.0", None), ("2.5", None), ("1e3", None), ("3_000", None), ("\u0663", None), ("0x10", None), ("", None), (" ", None),
    ("three", None), ("3 4", None), ("-", None), ("inf", None), ("nan", None),
    (True, None), (False, None), (None, None), ([], None), ([3], None), ({}, None), (b"3", None),
]


@pytest.mark.parametrize("value, expected", WHOLE_NUMBERS)
def test_the_one_whole_number_rule(value, expected):
    assert as_whole_number(value) == expected
    assert as_whole_number(value) is None or (isinstance(as_whole_number(value), int) and not isinstance(as_whole_number(value), bool))


@pytest.mark.parametrize("value, expected", WHOLE_NUMBERS)
def test_a_count_is_a_whole_number_of_zero_or_more(value, expected):
    assert as_count(value) == (expected if expected is not None and expected >= 0 else None)


@pytest.mark.parametrize("value, expected", WHOLE_NUMBERS)
def test_node_count_refuses_by_the_same_rule_naming_the_option(value, expected):
    if expected is not None and expected >= 0:
        assert node_count("count", value) == expected
        return
    with pytest.raises(PlanError) as caught:
        node_count("count", value)
    assert caught.value.parameter == "count"
    assert str(caught.value).startswith("count: must be %s" % ("0 or more" if expected is not None else "a whole number"))


@pytest.mark.parametrize("value, low, high, expected", [
    (0, 0, 20, 0), (20, 0, 20, 20), ("20", 0, 20, 20), (20.0, 0, 20, 20), (21, 0, 20, None), (-1, 0, 20, None),
    (99, 100, None, None), (10 ** 9, 100, None, 10 ** 9), (True, 0, 1, None), ("1.0", 0, 1, None),
])
def test_whole_number_in_a_range_names_the_option_and_the_value(value, low, high, expected):
    if expected is not None:
        assert whole_number_in("p", value, low, high, "must be in range (got {value!r})") == expected
        return
    with pytest.raises(PlanError) as caught:
        whole_number_in("p", value, low, high, "must be in range (got {value!r})")
    assert caught.value.parameter == "p" and str(caught.value) == "p: must be in range (got %r)" % (value,)


# Every reader of a number in the collection reads it by the one rule: (reader, value, expected) where expected None is
# a refusal (PlanError, ClusterParseError, or None from a reader that answers None).
def _field(value):
    try:
        return _Fields({"nodeNum": value}, "g").count("nodeNum")
    except ValueError:
        return None


def _option(reader):
    def read(value):
        try:
            return reader(value)
        except PlanError:
            return None
    return read


READERS = {
    "answer count (_cluster)": _field,
    "node_count": _option(lambda value: node_count("count", value)),
    "wait_timeout": _option(check_wait_timeout),
    "task_node_info.data_volume_count": _option(
        lambda value: validate_task_node_info({"node_size": "s", "data_volume_count": value})["data_volume_count"]),
    "policy min_capacity": _option(lambda value: option_parts({"min_capacity": value})["min_capacity"]),
    "held policy min_capacity": _option(lambda value: read_held({"min_capacity": value, "max_capacity": 10})["min_capacity"]),
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("value, expected", [(3, 3), (3.0, 3), ("3", 3), (" 3 ", 3), ("3.0", None), (2.5, None),
                                             (True, None), ("three", None), ("3_000", None)])
def test_every_reader_reads_a_number_by_the_one_rule(reader, value, expected):
    assert READERS[reader](value) == expected


@pytest.mark.parametrize("name, valid", [
    ("node_group_1", True), ("Task-2", True), ("a", True), ("x" * 64, True),
    ("", False), ("x" * 65, False), ("a b", False), ("a.b", False), ("group\n", False), ("gr\u00fcn", False), ("a/b", False),
])
def test_the_one_name_rule_for_groups_pools_and_rules(name, valid):
    assert bool(NAME_PATTERN.match(name)) is valid
    rule = {"name": name, "adjustment_type": "scale_out", "cool_down_minutes": 5, "scaling_adjustment": 1,
            "trigger": {"metric_name": "m", "metric_value": "1", "comparison_operator": "GT", "evaluation_periods": 1}}
    checks = [lambda: check_node_group(name), lambda: check_target(name, name), lambda: option_parts({"rules": [rule]})]
    for check in checks:
        if valid:
            check()
        else:
            with pytest.raises(PlanError):
                check()
