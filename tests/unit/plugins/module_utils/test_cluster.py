# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import dataclasses
import json

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, NodeGroup, parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._hosts import Host, parse_hosts


# --- the realistic details response ----------------------------------------------------------

def test_parses_the_realistic_details_response(details_response):
    view = parse_cluster(details_response['cluster'])

    assert view.cluster_id == 'b4bd2ed6-d39b-4e8b-9e63-4bd5f8c7a0d1'
    assert view.name == 'mrs_prod01'
    assert (view.state, view.scale, view.stage_desc) == ('running', '', None)
    assert view.billing_type == 'Metered'
    assert view.version == 'MRS 3.1.0'
    assert (view.master_count, view.core_count, view.task_count) == (2, 3, 2)


def test_task_groups_listed_twice_are_counted_once(details_response):
    raw = details_response['cluster']
    assert raw['taskNodeGroups'][0]['GroupName'] == raw['nodeGroups'][2]['GroupName']

    view = parse_cluster(raw)

    assert view.task_count == 2
    assert [group.name for group in view.node_groups] == [
        'master_node_default_group', 'core_node_analysis_group', 'task_node_analysis_group']


def test_node_groups_carry_their_role_and_typed_fields(details_response):
    view = parse_cluster(details_response['cluster'])

    assert view.node_groups[2] == NodeGroup(
        name='task_node_analysis_group', role='task', node_count=2, node_size='c6.2xlarge.4.linux.bigdata',
        data_volume_type='SAS', data_volume_count=1, data_volume_size=600, root_volume_type='SAS', root_volume_size=480)
    assert [group.role for group in view.node_groups] == ['master', 'core', 'task']


def _recase_groups(raw, recase):
    for key in ('nodeGroups', 'taskNodeGroups'):
        raw[key] = [dict((recase(name), value) for name, value in group.items()) for group in raw[key]]
    return raw


def _snake(name):
    return ''.join('_' + char.lower() if char.isupper() else char for char in name).lstrip('_')


@pytest.mark.parametrize('recase', [
    pytest.param(lambda name: name[0].lower() + name[1:], id='camelCase'),
    pytest.param(_snake, id='snake_case'),
    pytest.param(str.upper, id='UPPERCASE'),
])
def test_node_group_keys_are_read_whatever_their_case(details_response, recase):
    expected = parse_cluster(details_response['cluster'])
    raw = _recase_groups(copy.deepcopy(details_response['cluster']), recase)

    assert parse_cluster(raw) == expected


def test_counts_sent_as_strings_or_ints_give_ints(cluster_raw):
    raw = cluster_raw(core=5, task=4, master=3)
    raw['nodeGroups'][2]['NodeNum'] = '4'
    assert (raw['coreNodeNum'], raw['masterNodeNum']) == ('5', '3')

    view = parse_cluster(raw)

    assert (view.master_count, view.core_count, view.task_count) == (3, 5, 4)
    assert all(isinstance(number, int) for number in (view.master_count, view.core_count, view.task_count))


def test_a_cluster_without_task_groups_has_zero_task_nodes(cluster_view):
    view = cluster_view(task=0)

    assert view.task_count == 0
    assert [group.role for group in view.node_groups] == ['master', 'core']


def test_task_count_falls_back_to_task_node_groups(cluster_raw):
    raw = cluster_raw(task=6)
    raw['nodeGroups'] = raw['nodeGroups'][:2]

    assert parse_cluster(raw).task_count == 6


def test_core_count_falls_back_to_the_sum_of_core_groups(cluster_raw):
    raw = cluster_raw(core=3)
    streaming = copy.deepcopy(raw['nodeGroups'][1])
    streaming.update(GroupName='core_node_streaming_group', NodeNum=4)
    raw['nodeGroups'].append(streaming)
    raw['totalNodeNum'] = '11'
    del raw['coreNodeNum']

    assert parse_cluster(raw).core_count == 7


def test_core_count_from_core_node_num_alone(cluster_raw):
    raw = cluster_raw(core=3)
    raw['nodeGroups'] = [group for group in raw['nodeGroups'] if not group['GroupName'].startswith('core')]
    raw['totalNodeNum'] = None

    assert parse_cluster(raw).core_count == 3


def test_core_node_num_that_disagrees_with_the_groups_is_refused_not_preferred(cluster_raw):
    """Was: coreNodeNum won silently. Two fields saying two counts: the answer cannot be trusted."""
    raw = cluster_raw(core=3)
    raw['coreNodeNum'] = '4'

    with pytest.raises(ClusterParseError, match=r'cluster\.coreNodeNum is 4 but the Core groups in nodeGroups have 3'):
        parse_cluster(raw)


@pytest.mark.parametrize('scale, expected', [(None, ''), ('', ''), ('scaling-out', 'scaling-out'), ('Scaling-Error', 'scaling-error')])
def test_scale_is_empty_when_null_and_lower_case(cluster_raw, scale, expected):
    raw = cluster_raw()
    raw['scale'] = scale

    assert parse_cluster(raw).scale == expected


def test_absent_scale_is_empty(cluster_raw):
    raw = cluster_raw()
    del raw['scale']

    assert parse_cluster(raw).scale == ''


@pytest.mark.parametrize('billing_type, mode', [
    ('11', 'prepaid'), ('12', 'pay_per_use'), (11, 'prepaid'), ('Yearly/Monthly', 'prepaid'), ('Metered', 'pay_per_use'),
    (None, None), ('', None), ('13', None), ('free', None)])
def test_the_info_view_shows_mrs_billing_type_as_answered_and_the_one_reading_of_it(details_response, billing_type, mode):
    raw = dict(details_response['cluster'], billingType=billing_type)
    if billing_type is None:
        del raw['billingType']
    result = parse_cluster(raw).to_dict()
    assert result['billing_mode'] == mode == parse_cluster(raw).billing_mode
    assert result['billing_type'] == (None if billing_type in (None, '') else str(billing_type))


@pytest.mark.parametrize('stage_desc, expected', [(None, None), ('', None), ('Creating VM', 'Creating VM')])
def test_stage_desc_is_none_when_null_or_empty(cluster_view, stage_desc, expected):
    assert cluster_view(stage_desc=stage_desc).stage_desc == expected


@pytest.mark.parametrize('billing_type, prepaid', [
    ('Yearly/Monthly', True), ('yearly/monthly', True), ('YEARLY/MONTHLY', True), ('Metered', False), (None, False)])
def test_is_prepaid_means_a_yearly_or_monthly_billing_type(cluster_view, billing_type, prepaid):
    assert cluster_view(billing_type=billing_type).is_prepaid is prepaid


@pytest.mark.parametrize('state, scale, scaling', [
    ('running', '', False),
    ('scaling-out', 'scaling-out', True),
    ('scaling-in', '', True),
    ('running', 'scaling-in', True),
    ('running', 'scaling-error', False),
    ('starting', '', False),
])
def test_is_scaling_looks_at_state_and_scale(cluster_view, state, scale, scaling):
    assert cluster_view(state=state, scale=scale).is_scaling is scaling


@pytest.mark.parametrize('state, failed', [
    ('failed', True), ('abnormal', True), ('terminated', True), ('terminating', True), ('frozen', True),
    ('running', False), ('starting', False), ('scaling-out', False),
])
def test_is_failed_means_a_state_no_scale_can_come_back_from(cluster_view, state, failed):
    assert cluster_view(state=state).is_failed is failed


def test_count_by_role(cluster_view):
    view = cluster_view(master=3, core=4, task=5)

    assert [view.count(role) for role in ('master', 'core', 'task')] == [3, 4, 5]
    with pytest.raises(ValueError):
        view.count('custom')


def test_summary_is_json_safe_and_says_where_a_scale_stands(cluster_view):
    view = cluster_view(core=4, task=1, state='scaling-out', scale='scaling-out', stage_desc='Creating VM')

    summary = view.summary()

    assert summary == {'state': 'scaling-out', 'scale': 'scaling-out', 'stage_desc': 'Creating VM',
                       'master_count': 2, 'core_count': 4, 'task_count': 1}
    assert json.loads(json.dumps(summary)) == summary


def test_to_dict_is_json_safe_with_snake_case_node_groups(details_response):
    result = parse_cluster(details_response['cluster']).to_dict()

    assert json.loads(json.dumps(result)) == result
    assert result['id'] == 'b4bd2ed6-d39b-4e8b-9e63-4bd5f8c7a0d1'
    assert (result['core_count'], result['task_count'], result['billing_type'], result['billing_mode']) == (3, 2, 'Metered', 'pay_per_use')
    assert result['node_groups'][1] == {
        'name': 'core_node_analysis_group', 'role': 'core', 'node_count': 3, 'node_size': 'c6.4xlarge.4.linux.bigdata',
        'data_volume_type': 'SAS', 'data_volume_count': 1, 'data_volume_size': 600,
        'root_volume_type': 'SAS', 'root_volume_size': 480}


def test_views_are_frozen(cluster_view):
    view = cluster_view()

    with pytest.raises(dataclasses.FrozenInstanceError):
        view.core_count = 10


# --- malformed responses ---------------------------------------------------------------------

@pytest.mark.parametrize('raw', [None, [], 'cluster', 3])
def test_a_non_object_is_refused(raw):
    with pytest.raises(ClusterParseError, match='expected a JSON object'):
        parse_cluster(raw)


def test_the_whole_response_is_refused_with_a_hint(details_response):
    with pytest.raises(ClusterParseError, match="value of its 'cluster' key"):
        parse_cluster(details_response)


@pytest.mark.parametrize('value', [None, ''])
def test_a_missing_cluster_id_is_named(cluster_raw, value):
    raw = cluster_raw()
    raw['clusterId'] = value

    with pytest.raises(ClusterParseError, match='clusterId'):
        parse_cluster(raw)


@pytest.mark.parametrize('key, value', [('coreNodeNum', 'three'), ('coreNodeNum', '3.5'), ('masterNodeNum', True), ('coreNodeNum', '-1')])
def test_a_count_that_is_not_a_whole_number_is_named(cluster_raw, key, value):
    raw = cluster_raw()
    raw[key] = value

    with pytest.raises(ClusterParseError, match=key):
        parse_cluster(raw)


def test_a_bad_group_count_names_the_group(cluster_raw):
    raw = cluster_raw()
    raw['nodeGroups'][2]['NodeNum'] = 'two'

    with pytest.raises(ClusterParseError, match=r'nodeGroups\[2\]\.NodeNum'):
        parse_cluster(raw)


def test_node_groups_that_are_not_a_list_are_refused(cluster_raw):
    raw = cluster_raw()
    raw['nodeGroups'] = {'GroupName': 'core_node_analysis_group'}

    with pytest.raises(ClusterParseError, match='nodeGroups'):
        parse_cluster(raw)


# --- hosts -----------------------------------------------------------------------------------

def test_parses_the_realistic_host_list(hosts_response):
    hosts = parse_hosts(hosts_response['hosts'])

    assert [host.role for host in hosts] == ['master'] * 2 + ['core'] * 3 + ['task'] * 2
    assert hosts[5] == Host(
        id='c9573435-7814-4b2c-9131-ad78b814414c', name='b4bd2ed6-d39b-4e8b-9e63-4bd5f8c7a0d1_node_task_TBvSr',
        ip='192.168.0.41', status='ACTIVE', type='Task', node_group='task_node_analysis_group', role='task')
    assert hosts[0].node_group is None


@pytest.mark.parametrize('host_type, role', [
    ('Master', 'master'), ('MasterNode', 'master'), ('Core', 'core'), ('CoreNode', 'core'), ('Analysis_Core', 'core'),
    ('Streaming_Core', 'core'), ('Task', 'task'), ('TaskNode', 'task'), ('Streaming_Task', 'task'), ('analysis_task', 'task'),
    ('Kafka', 'custom'), (None, 'custom'),
])
def test_host_role_from_type_when_there_is_no_group_name(host_type, role):
    assert parse_hosts([{'id': 'x', 'type': host_type}])[0].role == role


def test_host_role_prefers_the_group_name(hosts_response):
    raw = copy.deepcopy(hosts_response['hosts'][2])
    raw['node_group_name'] = 'Task_Node_Streaming_Group'

    assert parse_hosts([raw])[0].role == 'task'


def test_host_in_a_custom_group_falls_back_to_its_type():
    assert parse_hosts([{'id': 'x', 'node_group_name': 'node_group_1', 'type': 'Task'}])[0].role == 'task'
    assert parse_hosts([{'id': 'y', 'node_group_name': 'node_group_1', 'type': 'Kafka'}])[0].role == 'custom'


def test_host_keys_are_read_whatever_their_case():
    host = parse_hosts([{'Id': 'x', 'Name': 'n', 'IP': '10.0.0.1', 'nodeGroupName': 'core_node_analysis_group'}])[0]

    assert (host.id, host.name, host.ip, host.role) == ('x', 'n', '10.0.0.1', 'core')


@pytest.mark.parametrize('raw', [None, {'hosts': []}, 'hosts'])
def test_a_host_list_that_is_not_a_list_is_refused(raw):
    with pytest.raises(ClusterParseError, match='hosts'):
        parse_hosts(raw)


def test_a_host_without_id_is_named(hosts_response):
    raw = copy.deepcopy(hosts_response['hosts'][:2])
    del raw[1]['id']

    with pytest.raises(ClusterParseError, match=r'hosts\[1\]\.id'):
        parse_hosts(raw)


def test_an_empty_host_list_is_no_hosts():
    assert parse_hosts([]) == ()


# --- issue #11: a missing field is never read as zero -------------------------------------------------------------

def test_a_cluster_without_any_count_has_unknown_counts_not_zeros(cluster_raw):
    raw = cluster_raw(core=3, task=2)
    for key in ('masterNodeNum', 'coreNodeNum', 'totalNodeNum', 'nodeGroups', 'taskNodeGroups'):
        del raw[key]

    view = parse_cluster(raw)

    assert (view.master_count, view.core_count, view.task_count) == (None, None, None)
    assert view.to_dict()['core_count'] is None and view.summary()['task_count'] is None
    for role, field in (('core', 'coreNodeNum'), ('task', 'taskNodeGroups'), ('master', 'masterNodeNum')):
        with pytest.raises(ClusterParseError, match=field):
            view.count(role)


def test_no_task_group_in_a_listed_node_groups_is_0_task_nodes(cluster_raw):
    raw = cluster_raw(core=3, task=0)
    del raw['taskNodeGroups']

    assert parse_cluster(raw).count('task') == 0


def test_an_empty_node_group_list_lists_nothing(cluster_raw):
    raw = cluster_raw(core=3, task=0)
    raw['nodeGroups'] = []
    del raw['taskNodeGroups']

    view = parse_cluster(raw)
    assert view.core_count == 3 and view.task_count is None


def test_a_group_in_both_lists_with_two_counts_is_refused(cluster_raw):
    raw = cluster_raw(core=3, task=2)
    raw['taskNodeGroups'][0]['NodeNum'] = 5

    with pytest.raises(ClusterParseError, match=r'taskNodeGroups\[0\]\.NodeNum is 5 but cluster\.nodeGroups\[2\]\.NodeNum'):
        parse_cluster(raw)


def test_a_total_that_does_not_add_up_is_refused(cluster_raw):
    raw = cluster_raw(core=3, task=2)
    raw['nodeGroups'] = raw['nodeGroups'][:2]  # the Task group dropped from nodeGroups and from taskNodeGroups
    raw['taskNodeGroups'] = []

    with pytest.raises(ClusterParseError, match='totalNodeNum is 7 but the groups have 5'):
        parse_cluster(raw)


@pytest.mark.parametrize('value', [None, ''])
def test_a_missing_state_is_named(cluster_raw, value):
    raw = cluster_raw()
    raw['clusterState'] = value

    with pytest.raises(ClusterParseError, match='clusterState'):
        parse_cluster(raw)


def test_update_time_is_read_and_compared(cluster_raw):
    old = parse_cluster(dict(cluster_raw(), updateAt='1700000000'))
    new = parse_cluster(dict(cluster_raw(), updateAt='1700000060'))
    unknown = parse_cluster(dict(cluster_raw(), updateAt='soon'))

    assert new.updated_since(old) and not old.updated_since(new) and not unknown.updated_since(old)
