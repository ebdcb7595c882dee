# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest
from hypothesis import event, given, settings, strategies as st

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._hosts import parse_hosts
from ansible_collections.hwcloud.mrs.plugins.module_utils._option_checks import (
    API_GROUP_NAMES, MAX_CORE_TASK_NODES, ResizeRequest, check_id, check_node_group, check_text, validate_request,
    validate_task_node_info)
from ansible_collections.hwcloud.mrs.plugins.module_utils._plan_group import MIN_CORE_NODES, NODE_ID, Plan, plan_resize


def refusal(view, request, hosts=None):
    with pytest.raises(PlanError) as caught:
        plan_resize(view, request, hosts)
    return caught.value


# --- node_group --------------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('core', 'core'), ('CORE', 'core'), (' Task ', 'task'), ('task', 'task'),
    ('core_node_default_group', 'core'), ('TASK_NODE_DEFAULT_GROUP', 'task'),
    ('node_group_1', 'node_group_1'), ('core_node_analysis_group', 'core_node_analysis_group'), ('Hdfs-Nodes', 'Hdfs-Nodes'),
])
def test_node_group_accepts_short_api_and_group_names(value, expected):
    assert check_node_group(value) == expected


@pytest.mark.parametrize('value', ['master', 'Master_Node_Default_Group', 'master_node_extra'])
def test_master_nodes_cannot_be_resized(value):
    with pytest.raises(PlanError) as caught:
        check_node_group(value)

    assert caught.value.parameter == 'node_group'
    assert caught.value.rule == 'the number of Master nodes cannot be changed after the cluster is created'


@pytest.mark.parametrize('value', ['', '  ', None, 3, 'a b', 'x' * 65, 'node/1', ' node_group_1', 'n\u00e9'])
def test_malformed_node_groups_are_refused_naming_the_rule(value):
    with pytest.raises(PlanError) as caught:
        check_node_group(value)

    assert caught.value.parameter == 'node_group'
    assert 'core, task, or a node group name' in caught.value.rule


# --- task_node_info ----------------------------------------------------------------------------

def test_task_node_info_is_cleaned():
    info = {'node_size': 's3.xlarge.2.linux.bigdata', 'data_volume_type': 'sata', 'data_volume_count': '2', 'data_volume_size': 200}

    assert validate_task_node_info(info) == {
        'node_size': 's3.xlarge.2.linux.bigdata', 'data_volume_type': 'SATA', 'data_volume_count': 2, 'data_volume_size': 200}


def test_task_node_info_drops_unset_values():
    assert validate_task_node_info({'node_size': 'c3.4xlarge.2.linux.bigdata', 'data_volume_type': None,
                                    'data_volume_count': None, 'data_volume_size': None}) == {'node_size': 'c3.4xlarge.2.linux.bigdata'}


@pytest.mark.parametrize('info', [None, {}, {'node_size': None, 'data_volume_type': None, 'data_volume_count': None, 'data_volume_size': None}])
def test_absent_task_node_info_is_none(info):
    assert validate_task_node_info(info) is None


@pytest.mark.parametrize('info, parameter, words', [
    ({'data_volume_type': 'SSD'}, 'task_node_info.node_size', 'required'),
    ({'node_size': ''}, 'task_node_info.node_size', 'required'),
    ({'node_size': 42}, 'task_node_info.node_size', 'required'),
    ({'node_size': 'x', 'data_volume_type': 'NVME'}, 'task_node_info.data_volume_type', 'SATA, SAS, SSD, GPSSD'),
    ({'node_size': 'x', 'data_volume_count': -1}, 'task_node_info.data_volume_count', 'from 0 to 20'),
    ({'node_size': 'x', 'data_volume_count': 21}, 'task_node_info.data_volume_count', 'from 0 to 20'),
    ({'node_size': 'x', 'data_volume_count': 'abc'}, 'task_node_info.data_volume_count', 'whole number'),
    ({'node_size': 'x', 'data_volume_count': True}, 'task_node_info.data_volume_count', 'whole number'),
    ({'node_size': 'x', 'data_volume_size': 99}, 'task_node_info.data_volume_size', 'from 100 to 32000 GB'),
    ({'node_size': 'x', 'data_volume_size': '32001'}, 'task_node_info.data_volume_size', 'from 100 to 32000 GB'),
    ({'node_size': 'x', 'data_volume_size': 'abc'}, 'task_node_info.data_volume_size', 'whole number'),
    ({'node_size': 'x', 'data_volume_size': 250.5}, 'task_node_info.data_volume_size', 'whole number'),
    ({'node_size': 'x', 'data_volume_size': False}, 'task_node_info.data_volume_size', 'whole number'),
    ({'node_size': 'x', 'disk_size': 200}, 'task_node_info', 'unknown key(s) disk_size'),
    ('s3.xlarge.2.linux.bigdata', 'task_node_info', 'must be a dictionary'),
])
def test_bad_task_node_info_is_refused(info, parameter, words):
    with pytest.raises(PlanError) as caught:
        validate_task_node_info(info)

    assert caught.value.parameter == parameter
    assert words in caught.value.rule


@pytest.mark.parametrize('key, value', [('data_volume_count', 0), ('data_volume_count', 20), ('data_volume_size', 100), ('data_volume_size', '32000')])
def test_task_node_info_range_ends_are_accepted(key, value):
    assert validate_task_node_info({'node_size': 'x', key: value})[key] == int(value)


# --- the vendor's request examples -------------------------------------------------------------
# Each body below is copied from the examples of the vendor document (000_df0fe32cc87367e2.txt).

VENDOR_EXAMPLES = {
    'scale out Core': '''{"service_id": "", "plan_id": "", "parameters": {"order_id": "", "scale_type": "scale_out",
        "node_id": "node_orderadd", "node_group": "core_node_default_group", "instances": "1",
        "skip_bootstrap_scripts": false, "scale_without_start": false}, "previous_values": {"plan_id": ""}}''',
    'scale out Task (Task > 0)': '''{"service_id": "", "plan_id": "", "parameters": {"order_id": "", "scale_type": "scale_out",
        "node_id": "node_orderadd", "node_group": "task_node_default_group", "instances": "1",
        "skip_bootstrap_scripts": false, "scale_without_start": false}, "previous_values": {"plan_id": ""}}''',
    'scale out Task (Task = 0)': '''{"service_id": "", "plan_id": "", "parameters": {"order_id": "", "scale_type": "scale_out",
        "node_id": "node_orderadd", "node_group": "task_node_default_group",
        "task_node_info": {"node_size": "s3.xlarge.2.linux.bigdata", "data_volume_type": "SATA", "data_volume_count": 2, "data_volume_size": 200},
        "instances": "1", "scale_without_start": false}, "previous_values": {"plan_id": ""}}''',
    'scale in Core': '''{"service_id": "", "plan_id": "", "parameters": {"order_id": "", "scale_type": "scale_in",
        "node_id": "node_orderadd", "node_group": "core_node_default_group", "instances": "1"}, "previous_values": {"plan_id": ""}}''',
    'scale in Task': '''{"service_id": "", "plan_id": "", "parameters": {"order_id": "", "scale_type": "scale_in",
        "node_id": "node_orderadd", "node_group": "task_node_default_group", "instances": "1"}, "previous_values": {"plan_id": ""}}''',
    'scale in chosen Task nodes': '''{"service_id": "", "plan_id": "", "parameters": {"order_id": "", "scale_type": "scale_in",
        "node_id": "node_orderadd", "node_group": "task_node_default_group", "instances": "2",
        "server_ids": ["c9573435-7814-4b2c-9131-ad78b814414c", "a4951009-6a0f-4e7b-9c81-9d4bd1f8c537"]}, "previous_values": {"plan_id": ""}}''',
}

VENDOR_TASK_NODE_INFO = {'node_size': 's3.xlarge.2.linux.bigdata', 'data_volume_type': 'SATA', 'data_volume_count': 2, 'data_volume_size': 200}
VENDOR_SERVER_IDS = ('c9573435-7814-4b2c-9131-ad78b814414c', 'a4951009-6a0f-4e7b-9c81-9d4bd1f8c537')


@pytest.mark.parametrize('example, cluster, request_', [
    ('scale out Core', dict(core=3, task=2), ResizeRequest('core', count=4, skip_bootstrap_scripts=False, scale_without_start=False)),
    ('scale out Task (Task > 0)', dict(core=3, task=2), ResizeRequest('task', count=3, skip_bootstrap_scripts=False, scale_without_start=False)),
    ('scale out Task (Task = 0)', dict(core=3, task=0), ResizeRequest('task', count=1, task_node_info=VENDOR_TASK_NODE_INFO, scale_without_start=False)),
    ('scale in Core', dict(core=5, task=5), ResizeRequest('core', count=4)),
    ('scale in Task', dict(core=5, task=5), ResizeRequest('task', count=4)),
])
def test_reproduces_the_vendor_examples(cluster_view, example, cluster, request_):
    plan = plan_resize(cluster_view(**cluster), request_)

    assert json.dumps(plan.body) == json.dumps(json.loads(VENDOR_EXAMPLES[example]))


def test_reproduces_the_vendor_example_removing_chosen_task_nodes(details_response, hosts_response):
    view, hosts = parse_cluster(details_response['cluster']), parse_hosts(hosts_response['hosts'])

    plan = plan_resize(view, ResizeRequest('task', server_ids=VENDOR_SERVER_IDS), hosts)

    assert json.dumps(plan.body) == json.dumps(json.loads(VENDOR_EXAMPLES['scale in chosen Task nodes']))
    assert (plan.before, plan.after, plan.instances, plan.server_ids) == (2, 0, 2, VENDOR_SERVER_IDS)


# --- the plan ----------------------------------------------------------------------------------

def test_a_scale_out_plan(cluster_view):
    plan = plan_resize(cluster_view(core=3, task=2), ResizeRequest('core', count=6))

    assert (plan.node_group, plan.before, plan.after, plan.scale_type, plan.instances, plan.changed) == ('core', 3, 6, 'scale_out', 3, True)
    assert plan.body['parameters']['instances'] == '3'
    assert plan.body['parameters']['node_group'] == API_GROUP_NAMES['core'] == 'core_node_default_group'
    assert plan.body['parameters']['node_id'] == NODE_ID == 'node_orderadd'


def test_no_change_is_a_no_op(cluster_view):
    plan = plan_resize(cluster_view(core=4), ResizeRequest('core', count=4))

    assert plan == Plan(node_group='core', before=4, after=4, group_name='core_node_analysis_group')
    assert (plan.changed, plan.body, plan.scale_type, plan.instances) == (False, None, None, 0)


@pytest.mark.parametrize('cluster', [
    pytest.param(dict(billing_type='Yearly/Monthly'), id='prepaid'),
    pytest.param(dict(state='scaling-out', scale='scaling-out'), id='scaling'),
    pytest.param(dict(state='frozen'), id='frozen'),
    pytest.param(dict(state='running', scale='scaling-in'), id='scale-in-in-progress'),
])
def test_a_no_op_never_fails_on_conditions_that_only_block_a_write(cluster_view, cluster):
    plan = plan_resize(cluster_view(core=4, **cluster), ResizeRequest('core', count=4))

    assert not plan.changed


def test_count_below_zero_is_refused(cluster_view):
    error = refusal(cluster_view(), ResizeRequest('task', count=-1))

    assert (error.parameter, error.rule) == ('count', 'must be 0 or more, got -1')


@pytest.mark.parametrize('count', ['abc', True, 2.5])
def test_count_must_be_a_whole_number(cluster_view, count):
    assert refusal(cluster_view(), ResizeRequest('task', count=count)).parameter == 'count'


def test_count_as_a_string_is_accepted(cluster_view):
    assert plan_resize(cluster_view(task=2), ResizeRequest('task', count='3')).after == 3


def test_count_or_server_ids_is_needed(cluster_view):
    error = refusal(cluster_view(), ResizeRequest('task'))

    assert error.parameter == 'count'
    assert 'server_ids' in error.rule


def test_plan_error_names_parameter_and_rule(cluster_view):
    error = refusal(cluster_view(core=4), ResizeRequest('core', count=2))

    assert isinstance(error, ValueError)
    assert str(error) == 'count: Core nodes can never go below 3 (asked for 2)'


# --- current_count ---------------------------------------------------------------------------

def test_stale_current_count_is_refused_naming_both_values(cluster_view):
    error = refusal(cluster_view(task=5), ResizeRequest('task', count=7, current_count=4))

    assert error.parameter == 'current_count'
    assert 'has 5 nodes, not 4' in error.rule


def test_matching_current_count_plans(cluster_view):
    assert plan_resize(cluster_view(task=5), ResizeRequest('task', count=7, current_count=5)).after == 7


def test_stale_current_count_on_a_no_op_warns_but_keeps_reruns_idempotent(cluster_view):
    plan = plan_resize(cluster_view(task=7), ResizeRequest('task', count=7, current_count=5))

    assert not plan.changed
    assert len(plan.warnings) == 1 and 'current_count' in plan.warnings[0] and '5' in plan.warnings[0]


# --- server_ids ----------------------------------------------------------------------------------

def test_server_ids_only_for_the_task_group(cluster_view, hosts_for):
    error = refusal(cluster_view(core=5), ResizeRequest('core', server_ids=('core-0000',)), hosts_for(core=5))

    assert error.parameter == 'server_ids'
    assert error.rule.startswith('only Task nodes can be removed by id')


def test_server_id_of_a_core_node_is_refused(cluster_view, hosts_for):
    error = refusal(cluster_view(core=5, task=2), ResizeRequest('task', server_ids=('task-0000', 'core-0001')), hosts_for(core=5, task=2))

    assert error.parameter == 'server_ids'
    assert 'core-0001' in error.rule and 'Core node' in error.rule


def test_removing_by_id_removes_exactly_those_nodes(cluster_view, hosts_for):
    plan = plan_resize(cluster_view(task=4), ResizeRequest('task', server_ids=['task-0003', 'task-0001']), hosts_for(task=4))

    assert (plan.scale_type, plan.before, plan.after, plan.instances) == ('scale_in', 4, 2, 2)
    assert plan.server_ids == ('task-0003', 'task-0001')
    assert plan.body['parameters']['server_ids'] == ['task-0003', 'task-0001']
    assert plan.body['parameters']['instances'] == '2'


@pytest.mark.parametrize('server_ids, rule', [
    (('task-0001', 'task-0001'), 'every id may appear once; repeated: task-0001'),
    ((' task-0001',), 'every id must be an id without surrounding whitespace'),
    (('task-0001\n',), 'every id must be an id without surrounding whitespace'),
    (('task 0001',), 'every id must be 1 to 64 characters'),
    (('t\u00e4sk-0001',), 'every id must be 1 to 64 characters'),
    (('../task-0001',), 'every id must be 1 to 64 characters'),
    (('x' * 65,), 'every id must be 1 to 64 characters'),
    (('',), 'every id must be a non-empty string'),
])
def test_server_ids_that_are_repeated_or_malformed_are_refused_not_guessed_at(cluster_view, hosts_for, server_ids, rule):
    """Was: duplicates and padded ids were collapsed silently; a repeated or padded id is a mistake in the play."""
    with pytest.raises(PlanError) as caught:
        plan_resize(cluster_view(task=4), ResizeRequest('task', server_ids=server_ids), hosts_for(task=4))
    assert caught.value.parameter == 'server_ids' and rule in caught.value.rule


def test_ids_already_gone_are_reported_not_sent(cluster_view, hosts_for):
    plan = plan_resize(cluster_view(task=4), ResizeRequest('task', server_ids=('task-0002', 'gone-1')), hosts_for(task=4))

    assert (plan.instances, plan.server_ids, plan.already_gone) == (1, ('task-0002',), ('gone-1',))
    assert plan.body['parameters']['server_ids'] == ['task-0002']


def test_all_ids_gone_is_a_no_op(cluster_view, hosts_for):
    plan = plan_resize(cluster_view(task=2), ResizeRequest('task', count=2, server_ids=('gone-1', 'gone-2')), hosts_for(task=2))

    assert not plan.changed and plan.body is None
    assert plan.already_gone == ('gone-1', 'gone-2')


@pytest.mark.parametrize("server_ids", [(), ('gone-1',)], ids=["empty-list", "all-gone"])
def test_server_ids_alone_with_nothing_left_to_remove_is_a_no_op(cluster_view, hosts_for, server_ids):
    plan = plan_resize(cluster_view(task=2), ResizeRequest('task', server_ids=server_ids), hosts_for(task=2))

    assert not plan.changed and plan.body is None and plan.after == 2
    assert plan.already_gone == server_ids


def test_count_and_server_ids_must_agree(cluster_view, hosts_for):
    error = refusal(cluster_view(task=5), ResizeRequest('task', count=2, server_ids=('task-0000', 'task-0001', 'gone')), hosts_for(task=5))

    assert (error.parameter, error.rule) == ('count', 'count and server_ids must agree: removing 2 of the given nodes leaves 3, not 2')


def test_count_and_server_ids_that_agree_plan(cluster_view, hosts_for):
    plan = plan_resize(cluster_view(task=5), ResizeRequest('task', count=3, server_ids=('task-0000', 'task-0001')), hosts_for(task=5))

    assert (plan.after, plan.server_ids) == (3, ('task-0000', 'task-0001'))


def test_an_empty_server_id_list_means_count_alone(cluster_view):
    plan = plan_resize(cluster_view(task=5), ResizeRequest('task', count=4, server_ids=()))

    assert 'server_ids' not in plan.body['parameters']


def test_server_ids_may_be_any_iterable(cluster_view, hosts_for):
    plan = plan_resize(cluster_view(task=4), ResizeRequest('task', server_ids=iter(['task-0001', 'task-0002'])), hosts_for(task=4))

    assert plan.server_ids == ('task-0001', 'task-0002')


@pytest.mark.parametrize('server_ids', [['task-0000', ''], [None]])
def test_server_ids_must_be_a_list_of_ids(cluster_view, hosts_for, server_ids):
    assert refusal(cluster_view(task=2), ResizeRequest('task', server_ids=server_ids), hosts_for(task=2)).parameter == 'server_ids'


# --- node limits ---------------------------------------------------------------------------------

@pytest.mark.parametrize('before, count', [(5, 2), (3, 2), (4, 0)])
def test_core_never_goes_below_three(cluster_view, before, count):
    error = refusal(cluster_view(core=before), ResizeRequest('core', count=count))

    assert (error.parameter, error.rule) == ('count', 'Core nodes can never go below %d (asked for %d)' % (MIN_CORE_NODES, count))


def test_core_can_go_down_to_three(cluster_view):
    plan = plan_resize(cluster_view(core=5, task=5), ResizeRequest('core', count=3))

    assert (plan.scale_type, plan.instances) == ('scale_in', 2)


def test_task_can_go_down_to_zero(cluster_view):
    plan = plan_resize(cluster_view(core=5, task=5), ResizeRequest('task', count=0))

    assert (plan.scale_type, plan.instances) == ('scale_in', 5)


def test_core_and_task_total_at_most_500(cluster_view):
    error = refusal(cluster_view(core=3, task=0), ResizeRequest('core', count=501))

    assert error.parameter == 'count'
    assert error.rule.startswith('Core + Task nodes can total at most %d' % MAX_CORE_TASK_NODES)
    assert 'at most 497 more' in error.rule


def test_the_vendor_limit_example_497_more_with_3_core(cluster_view):
    plan = plan_resize(cluster_view(core=3, task=0), ResizeRequest('core', count=500))

    assert plan.instances == 497


def test_the_total_counts_both_groups(cluster_view):
    assert plan_resize(cluster_view(core=300, task=100), ResizeRequest('task', count=200)).after == 200
    assert refusal(cluster_view(core=300, task=100), ResizeRequest('task', count=201)).parameter == 'count'


def test_scale_in_is_allowed_above_the_total_limit(cluster_view):
    plan = plan_resize(cluster_view(core=450, task=100), ResizeRequest('task', count=60))

    assert (plan.scale_type, plan.after) == ('scale_in', 60)


# --- task_node_info in a plan ------------------------------------------------------------------

def test_task_scale_out_from_zero_needs_task_node_info(cluster_view):
    error = refusal(cluster_view(task=0), ResizeRequest('task', count=2))

    assert (error.parameter, error.rule) == ('task_node_info', 'required when scaling the Task group out from 0 nodes: give at least node_size')


def test_task_node_info_is_sent_only_from_zero_task_nodes(cluster_view):
    info = {'node_size': 'c6.2xlarge.4.linux.bigdata'}

    from_zero = plan_resize(cluster_view(task=0), ResizeRequest('task', count=2, task_node_info=info))
    from_two = plan_resize(cluster_view(task=2), ResizeRequest('task', count=4, task_node_info=info))
    core = plan_resize(cluster_view(core=3, task=0), ResizeRequest('core', count=4, task_node_info=info))

    assert from_zero.body['parameters']['task_node_info'] == info
    assert 'task_node_info' not in from_two.body['parameters']
    assert 'task_node_info' not in core.body['parameters']
    assert from_two.warnings == () and core.warnings == ()


def test_bad_task_node_info_fails_even_when_it_would_not_be_sent(cluster_view):
    error = refusal(cluster_view(task=2), ResizeRequest('task', count=4, task_node_info={'node_size': 'x', 'data_volume_count': 99}))

    assert error.parameter == 'task_node_info.data_volume_count'


# --- cluster-side refusals ---------------------------------------------------------------------

def test_prepaid_clusters_cannot_be_scaled(cluster_view):
    error = refusal(cluster_view(billing_type='Yearly/Monthly'), ResizeRequest('core', count=4))

    assert error.parameter == 'cluster'
    assert error.rule.startswith('yearly/monthly (prepaid) clusters cannot be scaled through the v1.1 resize API (error 12000065)')


@pytest.mark.parametrize('state, scale', [
    ('starting', ''), ('abnormal', ''), ('frozen', ''), ('failed', ''), ('scaling-out', 'scaling-out'), ('scaling-in', ''), ('running', 'scaling-out'),
])
def test_only_a_running_idle_cluster_can_be_scaled(cluster_view, state, scale):
    error = refusal(cluster_view(state=state, scale=scale, stage_desc='Creating VM'), ResizeRequest('core', count=4))

    assert error.parameter == 'cluster'
    assert error.rule.startswith("cluster is in state '%s'" % state)
    assert error.rule.endswith('only a running cluster can be scaled')


def test_a_running_cluster_with_an_old_scaling_error_can_be_scaled(cluster_view):
    assert plan_resize(cluster_view(scale='scaling-error'), ResizeRequest('core', count=4)).changed


# --- scale-out-only options --------------------------------------------------------------------

def test_scale_out_options_are_sent_on_scale_out(cluster_view):
    plan = plan_resize(cluster_view(core=3), ResizeRequest('core', count=4, skip_bootstrap_scripts=True, scale_without_start=False))

    assert list(plan.body['parameters'])[-2:] == ['skip_bootstrap_scripts', 'scale_without_start']
    assert (plan.body['parameters']['skip_bootstrap_scripts'], plan.body['parameters']['scale_without_start']) == (True, False)
    assert plan.warnings == ()


def test_scale_out_options_on_a_scale_in_warn_and_are_not_sent(cluster_view):
    plan = plan_resize(cluster_view(core=5), ResizeRequest('core', count=4, skip_bootstrap_scripts=False, scale_without_start=True))

    assert 'skip_bootstrap_scripts' not in plan.body['parameters']
    assert 'scale_without_start' not in plan.body['parameters']
    assert len(plan.warnings) == 2
    assert plan.warnings[0].startswith('skip_bootstrap_scripts applies to scale-out only')


def test_unset_options_are_not_sent(cluster_view):
    plan = plan_resize(cluster_view(core=3), ResizeRequest('core', count=4))

    assert list(plan.body['parameters']) == ['order_id', 'scale_type', 'node_id', 'node_group', 'instances']


# --- properties over random clusters and requests ------------------------------------------------

# Weighted towards scalable clusters and sensible requests, so that valid calls, no-ops and every
# kind of refusal all occur often (see ``pytest --hypothesis-show-statistics``). Hypothesis favours
# the first choice, so the common case comes first.
def weighted(*choices):
    """Draw from the strategy of one ``(weight, strategy)``, picked about ``weight`` times as often.

    (``st.one_of`` would merge the repeated strategies and lose the weights.)
    """
    return st.sampled_from([strategy for weight, strategy in choices for _copy in range(weight)]).flatmap(lambda strategy: strategy)


GONE_IDS = ['gone-1', 'gone-2']
CLUSTER_SIZES = weighted((3, st.just('small')), (1, st.just('any')), (1, st.just('near the limit')))
STATES = weighted((12, st.just('running')), (1, st.sampled_from(('starting', 'scaling-out', 'scaling-in', 'abnormal', 'failed', 'frozen'))))
SCALES = weighted((8, st.just('')), (1, st.sampled_from(('scaling-out', 'scaling-in', 'scaling-error'))))
BILLING_TYPES = weighted((8, st.just('Metered')), (1, st.just('Yearly/Monthly')))
CORE_NAMES = st.sampled_from(('core', 'core_node_default_group'))
TASK_NAMES = st.sampled_from(('task', 'task_node_default_group'))
TASK_NODE_INFOS = weighted(
    (4, st.fixed_dictionaries({'node_size': st.just('c6.2xlarge.4.linux.bigdata')},
                              optional={'data_volume_type': st.sampled_from(('SATA', 'ssd')), 'data_volume_count': st.integers(1, 10)})),
    (3, st.none()),
    (1, st.fixed_dictionaries({'node_size': st.just('x'), 'data_volume_count': st.integers(-1, 12)})))


@st.composite
def clusters(draw):
    size = draw(CLUSTER_SIZES)
    if size == 'small':
        core, task = draw(st.integers(0, 12)), draw(st.integers(0, 12))
    else:
        core = draw(st.integers(0, MAX_CORE_TASK_NODES))
        lowest_task = MAX_CORE_TASK_NODES - core - 8 if size == 'near the limit' else 0
        task = draw(st.integers(max(0, lowest_task), MAX_CORE_TASK_NODES - core))
    return dict(core=core, task=task, state=draw(STATES), scale=draw(SCALES), billing_type=draw(BILLING_TYPES))


@st.composite
def requests(draw, cluster):
    """About half the requests remove Task nodes by id (some wrongly), the others ask for a count."""
    if draw(st.booleans()):
        node_group = draw(weighted((6, TASK_NAMES), (1, CORE_NAMES)))
        task_ids = ['task-%04d' % index for index in range(cluster['task'])]
        core_ids = ['core-%04d' % index for index in range(min(cluster['core'], 3))]
        server_ids = draw(weighted((3, st.lists(st.sampled_from(task_ids + GONE_IDS), min_size=1, max_size=6)),
                                   (2, st.lists(st.sampled_from(core_ids + task_ids + GONE_IDS), min_size=1, max_size=6))))
    else:
        node_group = draw(CORE_NAMES | TASK_NAMES)
        server_ids = None
    current = cluster[check_node_group(node_group)]
    near_current = weighted((4, st.integers(1, 6).map(lambda more: current + more)),
                            (4, st.integers(1, 6).map(lambda fewer: max(0, current - fewer))),
                            (1, st.just(current)))
    if server_ids is None:
        count = draw(weighted((8, near_current), (2, st.integers(-2, MAX_CORE_TASK_NODES + 20)), (1, st.none())))
    else:
        count = draw(weighted((4, st.none()), (1, near_current)))
    return ResizeRequest(
        node_group=node_group,
        count=count,
        current_count=draw(weighted((6, st.none()), (2, st.just(current)), (1, st.integers(0, MAX_CORE_TASK_NODES)))),
        server_ids=server_ids,
        task_node_info=draw(TASK_NODE_INFOS),
        skip_bootstrap_scripts=draw(st.none() | st.booleans()),
        scale_without_start=draw(st.none() | st.booleans()),
    )


def assert_valid_call(view, request, hosts, plan):
    parameters = plan.body['parameters']
    group = plan.node_group
    core_after = plan.after if group == 'core' else view.count('core')
    task_after = plan.after if group == 'task' else view.count('task')
    assert view.state == 'running' and not view.is_scaling and not view.is_prepaid
    assert plan.before == view.count(group)
    assert parameters['scale_type'] == plan.scale_type
    assert parameters['node_group'] == API_GROUP_NAMES[group]
    assert int(parameters['instances']) == plan.instances == abs(plan.after - plan.before) >= 1
    assert group != 'core' or core_after >= MIN_CORE_NODES
    assert core_after + task_after <= MAX_CORE_TASK_NODES
    assert request.current_count is None or request.current_count == plan.before
    assert request.count is None or request.count == plan.after
    flags_set = dict((name, getattr(request, name)) for name in ('skip_bootstrap_scripts', 'scale_without_start') if getattr(request, name) is not None)
    if plan.scale_type == 'scale_out':
        assert plan.after > plan.before
        assert plan.instances <= MAX_CORE_TASK_NODES - (view.count('core') + view.count('task'))
        assert 'server_ids' not in parameters
        assert ('task_node_info' in parameters) == (group == 'task' and plan.before == 0)
        assert dict((name, parameters[name]) for name in flags_set if name in parameters) == flags_set
    else:
        assert plan.scale_type == 'scale_in' and plan.after < plan.before
        assert 'task_node_info' not in parameters
        assert 'skip_bootstrap_scripts' not in parameters and 'scale_without_start' not in parameters
        assert len(plan.warnings) == len(flags_set)
    if plan.server_ids:
        task_host_ids = set(host.id for host in hosts if host.role == 'task')
        assert set(plan.server_ids) <= task_host_ids
        assert len(plan.server_ids) == plan.instances
        assert parameters['server_ids'] == list(plan.server_ids)


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_every_plan_is_a_valid_call_a_no_op_or_a_named_refusal(cluster_view, hosts_for, data):
    cluster = data.draw(clusters())
    request = data.draw(requests(cluster))
    view = cluster_view(**cluster)
    hosts = hosts_for(core=cluster['core'], task=cluster['task'])

    try:
        plan = plan_resize(view, request, hosts)
    except PlanError as error:
        event('refused: %s' % error.parameter)
        assert error.parameter and error.rule
        assert error.parameter in str(error) and error.rule in str(error)
        return
    event('planned: %s' % (plan.scale_type or 'no change'))
    if plan.changed:
        assert_valid_call(view, request, hosts, plan)
    else:
        assert plan.body is None and plan.instances == 0 and plan.scale_type is None
        assert plan.after == plan.before == view.count(plan.node_group)
        assert request.count is None or request.count == plan.before


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_reasonable_request_on_a_scalable_cluster_is_never_refused(cluster_view, data):
    core = data.draw(st.integers(MIN_CORE_NODES, 400))
    task = data.draw(st.integers(0, MAX_CORE_TASK_NODES - core))
    view = cluster_view(core=core, task=task)
    group = data.draw(st.sampled_from(('core', 'task')))
    others = task if group == 'core' else core
    lowest = MIN_CORE_NODES if group == 'core' else 0
    count = data.draw(st.integers(lowest, MAX_CORE_TASK_NODES - others))

    plan = plan_resize(view, ResizeRequest(group, count=count, task_node_info={'node_size': 'c6.2xlarge.4.linux.bigdata'}))

    assert plan.after == count
    assert plan.changed == (count != view.count(group))


# --- issue #11: input hygiene, each rule in one place ---------------------------------------------------------------

@pytest.mark.parametrize('value, rule', [
    ('', 'must be a non-empty string'),
    (' 4c5f0d2e', 'without surrounding whitespace'),
    ('4c5f0d2e\n', 'without surrounding whitespace'),
    ('4c5f 0d2e', '1 to 64 characters'),
    ('4c5f0d2e-\u00e9', '1 to 64 characters'),
    ('4c5f/../0d2e', '1 to 64 characters'),
    ('-leading-dash', '1 to 64 characters'),
    ('a' * 65, '1 to 64 characters'),
    (5, 'must be a non-empty string'),
])
def test_a_malformed_cluster_id_is_refused_naming_the_option(value, rule):
    with pytest.raises(PlanError) as caught:
        check_id('cluster_id', value)
    assert caught.value.parameter == 'cluster_id' and rule in caught.value.rule and str(caught.value).startswith('cluster_id: ')


@pytest.mark.parametrize('value', ['4c5f0d2e-8f47-4b8d-9a52-6f0c1b9e7d21', 'no-such-cluster', 'c1', 'A_b-3'])
def test_well_formed_ids_pass_unchanged(value):
    assert check_id('cluster_id', value) == value


@pytest.mark.parametrize('value, rule', [
    ('', 'must be a non-empty string'), ('   ', 'must be a non-empty string'), (' analytics', 'no surrounding whitespace'),
    ('analytics\n', 'no surrounding whitespace'), ('ana\x00lytics', 'control characters'), ('a' * 256, 'at most 255'),
])
def test_a_blank_or_padded_name_is_refused(value, rule):
    with pytest.raises(PlanError) as caught:
        check_text('cluster_name', value)
    assert caught.value.parameter == 'cluster_name' and rule in caught.value.rule


@pytest.mark.parametrize('field, value, rule', [
    ('count', -1, 'must be 0 or more'),
    ('current_count', -1, 'must be 0 or more'),
    ('current_count', 501, 'must be from 0 to 500'),
    ('current_count', 10 ** 30, 'must be from 0 to 500'),
    ('count', True, 'must be a whole number, got True'),
])
def test_counts_out_of_range_are_refused_before_any_read(field, value, rule):
    with pytest.raises(PlanError) as caught:
        validate_request(ResizeRequest('core', **{field: value}))
    assert caught.value.parameter == field and rule in caught.value.rule


def test_server_ids_on_core_are_refused_without_a_cluster():
    with pytest.raises(PlanError, match='server_ids: only Task nodes can be removed by id'):
        validate_request(ResizeRequest('core', server_ids=('t1',)))


def test_validate_request_is_idempotent():
    request = validate_request(ResizeRequest('TASK_NODE_DEFAULT_GROUP', count=2, server_ids=['t1'], task_node_info={'node_size': ' x '}))
    assert request == validate_request(request)
    assert (request.node_group, request.server_ids, request.task_node_info) == ('task', ('t1',), {'node_size': 'x'})


def test_a_scale_in_needs_no_task_count_but_a_scale_out_does(cluster_raw):
    raw = cluster_raw(core=4, task=0)
    raw['nodeGroups'] = []
    raw['taskNodeGroups'] = None
    view = parse_cluster(raw)

    assert plan_resize(view, ResizeRequest('core', count=3)).scale_type == 'scale_in'
    with pytest.raises(MrsError, match='no readable Task node count'):
        plan_resize(view, ResizeRequest('core', count=5))
