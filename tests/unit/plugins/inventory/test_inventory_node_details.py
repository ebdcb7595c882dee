# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_nodes.parse_node_details, the one reader of the v2 node list: what the inventory shows, and parse_nodes cut from it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError
from ansible_collections.hwcloud.mrs.plugins.module_utils._nodes import COMPONENT_KEYS, DETAIL_KEYS, NODE_KEYS, parse_node_details, parse_nodes


def node(**extra):
    """A node as the emulator (after the vendor SDK's v2 models) answers it."""
    raw = {"node_name": "lake_node_group_1abcd", "resource_id": "r-1", "node_group_name": "node_group_1", "node_type": "Core",
           "billing_type": "on-quantity", "deployment_type": "Server", "node_status": "started", "tags": [],
           "server_info": {"server_id": "s-1", "server_name": "lake_node_group_1abcd", "server_type": "c6.4xlarge.4.linux.bigdata",
                           "data_volumes": [{"type": "SAS", "size": 600}, {"type": "SAS", "size": 600}],
                           "root_volume": {"type": "SAS", "size": 480}, "cpu_type": "x86", "cpu": "16", "mem": "65536",
                           "internal_ip": "192.168.0.7"},
           "component_infos": [{"role_name": "DataNode", "service_name": "HDFS", "running_status": "Good", "ha_status": "unknown",
                                "config_status": "Synchronized", "role_type": "worker"},
                               {"role_name": "NodeManager", "service_name": "Yarn", "running_status": "Bad"}]}
    raw.update(extra)
    return raw


def test_every_field_the_inventory_shows():
    (parsed,) = parse_node_details([node()])
    assert parsed == {
        "name": "lake_node_group_1abcd", "group": "node_group_1", "status": "started", "ip": "192.168.0.7", "resource_id": "r-1",
        "server_id": "s-1", "type": "Core", "billing_type": "on-quantity", "flavor": "c6.4xlarge.4.linux.bigdata", "cpu": 16,
        "memory_mb": 65536, "root_volume_gb": 480, "data_volume_type": "SAS", "data_volume_gb": 600, "data_volume_count": 2,
        "components": [{"role": "DataNode", "service": "HDFS", "status": "Good", "ha_status": "unknown", "config_status": "Synchronized"},
                       {"role": "NodeManager", "service": "Yarn", "status": "Bad", "ha_status": None, "config_status": None}]}
    assert sorted(parsed) == sorted(DETAIL_KEYS) and all(sorted(item) == sorted(COMPONENT_KEYS) for item in parsed["components"])


@pytest.mark.parametrize("raw", [node(), {"node_name": "n"}, node(component_infos=[]), node(server_info={}),
                                 node(component_infos=None, server_info={"data_volumes": []})])
def test_parse_nodes_is_cut_from_the_same_reading(raw):
    (detail,) = parse_node_details([raw])
    (shown,) = parse_nodes([raw])
    assert sorted(shown) == sorted(NODE_KEYS)
    roles = None if detail["components"] is None else [item["role"] for item in detail["components"]]
    assert shown == dict(dict((key, detail[key]) for key in NODE_KEYS), components=roles)


def test_what_the_answer_lacks_is_none():
    (bare,) = parse_node_details([{"node_name": "n"}])
    assert bare == dict(dict((key, None) for key in DETAIL_KEYS), name="n")
    (no_disks,) = parse_node_details([node(server_info={"data_volumes": [], "cpu": "2.5", "mem": True, "root_volume": {"size": "x"}})])
    assert (no_disks["data_volume_count"], no_disks["data_volume_gb"], no_disks["cpu"], no_disks["memory_mb"], no_disks["root_volume_gb"]) \
        == (0, None, None, None, None)


@pytest.mark.parametrize("server_info, field", [
    ({"root_volume": "480"}, r"nodes\[0\]\.server_info\.root_volume: expected a JSON object"),
    ({"data_volumes": {"size": 600}}, r"nodes\[0\]\.server_info\.data_volumes: expected a list"),
    ({"data_volumes": [600]}, r"nodes\[0\]\.server_info\.data_volumes\[0\]: expected a JSON object"),
])
def test_garbled_disks_are_refused_naming_the_field(server_info, field):
    for parse in (parse_node_details, parse_nodes):
        with pytest.raises(ClusterParseError, match="^" + field):
            parse([node(server_info=server_info)])
