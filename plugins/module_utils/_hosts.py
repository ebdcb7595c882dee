# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The v1.1 host list (``GET /v1.1/{project_id}/clusters/{cluster_id}/hosts``) as plain data. Pure: ``parse_hosts``
takes the ``hosts`` list of the answer, read as loosely as the cluster answer (``_cluster._Fields``: any key casing,
underscores ignored), and gives each host its kind (``_node_kinds.host_kind``).

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from dataclasses import dataclass
from typing import Optional

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, _Fields
from ansible_collections.hwcloud.mrs.plugins.module_utils._node_kinds import host_kind


@dataclass(frozen=True)
class Host:
    id: str
    name: str
    ip: Optional[str]
    status: Optional[str]
    type: Optional[str]
    node_group: Optional[str]
    role: str


def parse_hosts(raw_hosts, kinds=None):
    """Turn the ``hosts`` list of the host-list response into a tuple of ``Host``; ``kinds`` (``ClusterView.group_kinds``)
    gives each host its group's kind as the cluster answer reads it (``host_kind``)."""
    if not isinstance(raw_hosts, list):
        raise ClusterParseError('hosts: expected a list, got %s' % type(raw_hosts).__name__)
    hosts = []
    for index, raw_host in enumerate(raw_hosts):
        fields = _Fields(raw_host, 'hosts[%d]' % index)
        node_group = fields.text('node_group_name', None)
        host_type = fields.text('type', None)
        hosts.append(Host(
            id=fields.required_text('id'),
            name=fields.text('name'),
            ip=fields.text('ip', None),
            status=fields.text('status', None),
            type=host_type,
            node_group=node_group,
            role=host_kind(node_group, host_type, kinds),
        ))
    return tuple(hosts)
