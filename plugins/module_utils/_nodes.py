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
(unknown), not an empty list (none); a size that is not a whole number is None. MRS lists ``component_infos`` (and
``cpu`` / ``mem``) only when asked (``query_node_detail`` / ``query_ecs_detail``), so an empty list is shown as the
answer gave it, but no rule reads it as "no component" (``_plan_group.hdfs_evidence``).

The shapes of the vendor SDK's v2 models are read, and the older shapes next to them: ``data_volumes`` holds one entry
per volume type with ``count`` (``VolumeInfo``), so a node's data disks are the sum of the counts, and an entry without
``count`` is one disk (an answer that lists each disk); ``server_info.server_type`` is ``ECS`` or ``BMS`` on MRS, not a
flavor, so it is shown as the flavor only when it is not one of those (an older answer that put the flavor there);
``node_detail`` (running status, usage figures) is not read, whatever its shape. An answer that is not a node list
(an entry that is not an object, a node without a name, components that are not a list of named roles, a
``server_info``, ``root_volume`` or data volume that is not an object) is refused with a ``ClusterParseError`` naming
the field.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, _Fields
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import as_whole_number

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


SERVER_TYPES = ('ecs', 'bms')  # what server_info.server_type holds on MRS (the vendor SDK's ServerInfo): no flavor


def _data_volumes(raw, where):
    """The data volumes as a list of their ``_Fields``; None when the answer does not list them."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ClusterParseError('%s: expected a list, got %s' % (where, type(raw).__name__))
    return [_Fields(item, '%s[%d]' % (where, index)) for index, item in enumerate(raw)]


def _disk_count(volumes):
    """The data disks of a node: the sum of each entry's ``count`` (one entry per volume type), an entry without ``count``
    counting as one disk; None when the answer does not list the volumes or a count is not a whole number."""
    if volumes is None:
        return None
    total = 0
    for volume in volumes:
        count = as_whole_number(volume.get('count')) if volume.has('count') else 1
        if count is None or count < 0:
            return None
        total += count
    return total


def _flavor(server):
    """``server_info.server_type`` when it names a flavor; None for ``ECS`` / ``BMS`` (MRS's values), which are not one."""
    value = server.text('server_type', None)
    return None if value is None or value.strip().lower() in SERVER_TYPES else value


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
            flavor=_flavor(server),
            cpu=as_whole_number(server.get('cpu')),
            memory_mb=as_whole_number(server.get('mem')),
            root_volume_gb=as_whole_number(root.get('size')),
            data_volume_type=first.text('type', None),
            data_volume_gb=as_whole_number(first.get('size')),
            data_volume_count=_disk_count(volumes),
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
