# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The v2 node list in the vendor SDK's shapes and the older ones next to them (#21 N3, N4, N5)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._nodes import parse_node_details, parse_nodes


def node(server_info=None, **extra):
    raw = {"node_name": "n1", "node_group_name": "node_group_1", "node_status": "started",
           "server_info": dict({"server_id": "s-1", "internal_ip": "192.168.0.9"}, **(server_info or {}))}
    raw.update(extra)
    return raw


@pytest.mark.parametrize("volumes, disks, size, kind", [
    ([{"type": "SAS", "size": 600, "count": 4}], 4, 600, "SAS"),                                  # the SDK's VolumeInfo
    ([{"type": "SAS", "size": 600, "count": 2}, {"type": "SSD", "size": 100, "count": 1}], 3, 600, "SAS"),
    ([{"type": "SAS", "size": 600}, {"type": "SAS", "size": 600}], 2, 600, "SAS"),                # one entry per disk
    ([{"type": "SAS", "size": 600, "count": "2"}], 2, 600, "SAS"),
    ([{"type": "SAS", "size": 600, "count": "many"}], None, 600, "SAS"),                          # unreadable: unknown
    ([{"type": "SAS", "size": 600, "count": -1}], None, 600, "SAS"),
    ([], 0, None, None),
    (None, None, None, None),
])
def test_data_disks_are_the_sum_of_the_counts(volumes, disks, size, kind):
    info = {} if volumes is None else {"data_volumes": volumes}
    (parsed,) = parse_node_details([node(info)])
    assert (parsed["data_volume_count"], parsed["data_volume_gb"], parsed["data_volume_type"]) == (disks, size, kind)


@pytest.mark.parametrize("server_type, flavor", [("ECS", None), ("BMS", None), ("ecs", None), (None, None),
                                                 ("c6.4xlarge.4.linux.bigdata", "c6.4xlarge.4.linux.bigdata")])
def test_server_type_is_ecs_or_bms_and_never_shown_as_a_flavor(server_type, flavor):
    (parsed,) = parse_node_details([node({"server_type": server_type})])
    assert parsed["flavor"] == flavor


@pytest.mark.parametrize("detail", [
    {"running_status": "RUNNING", "cpu_usage": "12.5", "memory_usage": "40", "disk_usage": "3", "total_memory": "65536",
     "available_memory": "30000", "total_hard_disk_space": "1000", "available_hard_disk_space": "900", "network_read": "1",
     "network_write": "2"},                                                                      # the SDK's NodeDetail
    {"node_status": "started", "az_code": "", "flavor": "x"}, {}, None, "started", ["odd"],
])
def test_node_detail_is_read_tolerantly_whatever_its_shape(detail):
    (parsed,) = parse_nodes([node(node_detail=detail, component_infos=[{"role_name": "DataNode"}])])
    assert parsed["name"] == "n1" and parsed["components"] == ["DataNode"]


@pytest.mark.parametrize("status", ["shutdown", "lost", "unknown", "detached", "error"])
def test_nodes_in_other_states_are_listed_with_their_status(status):
    (parsed,) = parse_nodes([node(node_status=status)])
    assert parsed["status"] == status and parsed["components"] is None
