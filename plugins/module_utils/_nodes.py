# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The v2 node list (``GET /v2/{project_id}/clusters/{cluster_id}/nodes``), pure: raw nodes in, a small stable shape out.

PRIVATE to the collection: no compatibility promise outside it.

Each node keeps what a playbook acts on: its name, group, status, private IP, resource and server ids and the roles
its components run (``DataNode``, ``NodeManager``...). A field the answer lacks is None, never made up: a node
without ``component_infos`` has ``components`` None (unknown), not an empty list (none). An answer that is not a
node list (an entry that is not an object, a node without a name, components that are not a list of named roles)
is refused with a ``ClusterParseError`` naming the field.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, _Fields

NODE_KEYS = ('name', 'group', 'status', 'ip', 'resource_id', 'server_id', 'components')


def _components(raw, where):
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ClusterParseError('%s.component_infos: expected a list, got %s' % (where, type(raw).__name__))
    return [_Fields(item, '%s.component_infos[%d]' % (where, index)).required_text('role_name')
            for index, item in enumerate(raw)]


def parse_nodes(raw_nodes):
    """The nodes as a list of dicts with ``NODE_KEYS``, in the answer's order."""
    if not isinstance(raw_nodes, list):
        raise ClusterParseError('nodes: expected a list, got %s' % type(raw_nodes).__name__)
    nodes = []
    for index, raw in enumerate(raw_nodes):
        where = 'nodes[%d]' % index
        fields = _Fields(raw, where)
        server = fields.get('server_info')
        if server is not None and not isinstance(server, dict):
            raise ClusterParseError('%s.server_info: expected a JSON object, got %s' % (where, type(server).__name__))
        server = _Fields(server or {}, where + '.server_info')
        nodes.append(dict(
            name=fields.required_text('node_name'),
            group=fields.text('node_group_name', None),
            status=fields.text('node_status', None),
            ip=server.text('internal_ip', None),
            resource_id=fields.text('resource_id', None),
            server_id=server.text('server_id', None),
            components=_components(fields.get('component_infos'), where),
        ))
    return nodes
