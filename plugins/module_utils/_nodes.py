# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The v2 node list (``GET /v2/{project_id}/clusters/{cluster_id}/nodes``), pure: raw nodes in, plain dicts out.

PRIVATE to the collection: no compatibility promise outside it.

One reader, two views. ``parse_node_details`` keeps every field the collection reads of a node (what the inventory
shows: type, billing, flavor, sizes, and each component's service and statuses); ``parse_nodes`` is the small stable
shape of ``mrs_cluster_info`` (``NODE_KEYS``: name, group, status, private IP, resource and server ids and the role
names its components run, ``DataNode``, ``NodeManager``...), cut from the same reading.

A field the answer lacks is None, never made up: a node without ``component_infos`` has ``components`` None
(unknown), not an empty list (none); a size that is not a whole number is None. An answer that is not a node list
(an entry that is not an object, a node without a name, components that are not a list of named roles, a
``server_info``, ``root_volume`` or data volume that is not an object) is refused with a ``ClusterParseError`` naming
the field.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, _Fields, as_whole_number

NODE_KEYS = ('name', 'group', 'status', 'ip', 'resource_id', 'server_id', 'components')
DETAIL_KEYS = NODE_KEYS + ('type', 'billing_type', 'flavor', 'cpu', 'memory_mb', 'root_volume_gb', 'data_volume_type',
                           'data_volume_gb', 'data_volume_count')
COMPONENT_KEYS = ('role', 'service', 'status', 'ha_status', 'config_status')


def _object(value, where):
    """``value`` read as a JSON object, {} when absent; anything else is refused naming ``where``."""
    if value is not None and not isinstance(value, dict):
        raise ClusterParseError('%s: expected a JSON object, got %s' % (where, type(value).__name__))
    return _Fields(value or {}, where)


def _components(raw, where):
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ClusterParseError('%s.component_infos: expected a list, got %s' % (where, type(raw).__name__))
    components = []
    for index, item in enumerate(raw):
        fields = _Fields(item, '%s.component_infos[%d]' % (where, index))
        components.append(dict(role=fields.required_text('role_name'), service=fields.text('service_name', None),
                               status=fields.text('running_status', None), ha_status=fields.text('ha_status', None),
                               config_status=fields.text('config_status', None)))
    return components


def _data_volumes(raw, where):
    """The data volumes as a list of their ``_Fields``; None when the answer does not list them."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ClusterParseError('%s: expected a list, got %s' % (where, type(raw).__name__))
    return [_Fields(item, '%s[%d]' % (where, index)) for index, item in enumerate(raw)]


def parse_node_details(raw_nodes):
    """The nodes as dicts with ``DETAIL_KEYS``, in the answer's order; ``components`` as dicts with ``COMPONENT_KEYS``."""
    if not isinstance(raw_nodes, list):
        raise ClusterParseError('nodes: expected a list, got %s' % type(raw_nodes).__name__)
    nodes = []
    for index, raw in enumerate(raw_nodes):
        where = 'nodes[%d]' % index
        fields = _Fields(raw, where)
        server = _object(fields.get('server_info'), where + '.server_info')
        root = _object(server.get('root_volume'), where + '.server_info.root_volume')
        volumes = _data_volumes(server.get('data_volumes'), where + '.server_info.data_volumes')
        first = volumes[0] if volumes else _Fields({}, where)
        nodes.append(dict(
            name=fields.required_text('node_name'),
            group=fields.text('node_group_name', None),
            status=fields.text('node_status', None),
            ip=server.text('internal_ip', None),
            resource_id=fields.text('resource_id', None),
            server_id=server.text('server_id', None),
            components=_components(fields.get('component_infos'), where),
            type=fields.text('node_type', None),
            billing_type=fields.text('billing_type', None),
            flavor=server.text('server_type', None),
            cpu=as_whole_number(server.get('cpu')),
            memory_mb=as_whole_number(server.get('mem')),
            root_volume_gb=as_whole_number(root.get('size')),
            data_volume_type=first.text('type', None),
            data_volume_gb=as_whole_number(first.get('size')),
            data_volume_count=None if volumes is None else len(volumes),
        ))
    return nodes


def parse_nodes(raw_nodes):
    """The nodes as a list of dicts with ``NODE_KEYS``, in the answer's order (``components``: the role names)."""
    nodes = []
    for node in parse_node_details(raw_nodes):
        shown = dict((key, node[key]) for key in NODE_KEYS)
        if shown['components'] is not None:
            shown['components'] = [component['role'] for component in shown['components']]
        nodes.append(shown)
    return nodes
