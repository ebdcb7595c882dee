# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """Attributes shared by the collection's modules."""

    DOCUMENTATION = r"""
options: {}
requirements:
  - python >= 3.9 (where the module runs; the controller needs the Python its ansible-core needs, 3.10 or later)
attributes:
  action_group:
    description: Use C(group/hwcloud.mrs.mrs) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - hwcloud.mrs.mrs
"""

    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: This module only reads, so it runs in check mode as it does otherwise.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: N/A
    details: This module never changes anything.
"""
