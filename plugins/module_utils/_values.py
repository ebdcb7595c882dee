# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One way to read a value: whole numbers (counts, sizes, seconds, capacities) and names. Pure, no I/O.

Every option, role variable, filter argument and API answer that holds a whole number is read by ``as_whole_number``,
whose rule is written here once:

- an ``int`` is itself;
- a ``float`` with an integral value is that int (``3.0``: a JSON reader, a YAML float or a Jinja division spells a count
  so); any other float (``2.5``, ``inf``, ``nan``) is not a whole number;
- a ``str`` of ASCII digits, with an optional sign and surrounding blanks (``"3"``, ``" 3 "``, ``"-1"``: what ``-e``, a
  template or an answer that quotes its numbers gives), is that int; a string spelling anything else is not, even
  where Python's ``int()`` would take it (``"3.0"``, ``"1e3"``, ``"3_000"``, non-ASCII digits): a string is read as
  Ansible's own ``int`` option type reads one, and the inventory's host sizes (``"16384.0"``) are absent, not guessed;
- a ``bool`` is never a number (``True`` is an int to Python, never a count), nor is anything else.

No caller needs another rule, so there is no switch: the options a module's argument spec reads as ``int`` arrive
here already converted, and the ones it does not (the role's variables, the filters' arguments, the policy options
given as plain dictionaries, the answers of MRS) are read by this same rule. What differs between callers is only the
range and the words of the refusal: ``whole_number_in`` and ``node_count`` raise the collection's ``PlanError``
naming the option. A value that is not a whole number, or lies out of range, is refused, never clamped.

Names: ``NAME_PATTERN`` is the one rule for what MRS names with 1 to 64 ASCII letters, digits, ``_`` and ``-`` (a node
group, a resource pool, an auto-scaling rule).

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError

# A node group's name as MRS writes it (the v2 ExpandParam's node_group_name), a resource pool's, an auto-scaling rule's.
NAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
NAME_RULE = "1 to 64 ASCII letters, digits, _ and -"
_WHOLE_NUMBER_TEXT = re.compile(r"\s*[-+]?[0-9]+\s*\Z")


def as_whole_number(value):
    """``value`` as an int by the rule above (``3``, ``3.0``, ``"3"``, ``" -1 "``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _WHOLE_NUMBER_TEXT.match(value):
        return int(value)
    return None


def as_count(value):
    """``value`` as a count (a whole number of 0 or more), else None: a list's total in an answer."""
    number = as_whole_number(value)
    return number if number is not None and number >= 0 else None


def node_count(parameter, value):
    """``value`` as a count of nodes (``"3"`` and ``3.0`` are 3), else a PlanError naming ``parameter``.

    The one normalisation of a count for the module, the whole-cluster plan and so the role.
    """
    number = as_whole_number(value)
    if number is None:
        raise PlanError(parameter, "must be a whole number, got %r" % (value,))
    if number < 0:
        raise PlanError(parameter, "must be 0 or more, got %d" % number)
    return number


def whole_number_in(parameter, value, low, high, rule):
    """``value`` as a whole number from ``low`` to ``high`` (None: no upper bound), else a PlanError naming ``parameter``
    whose rule is ``rule`` formatted with the value as given (``{value!r}``, ``{value}``)."""
    number = as_whole_number(value)
    if number is None or number < low or (high is not None and number > high):
        raise PlanError(parameter, rule.format(value=value))
    return number
