# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Realistic MRS payloads for the pure-logic tests.

``fixtures/cluster_details.json`` is the full details response of the research notes (section 1.4:
PascalCase node groups, counts as strings); ``fixtures/hosts.json`` a matching host list (2 Master,
3 Core, 2 Task). The factories below derive other cluster states from them by changing only what a
real response would change, so every test starts from the wire format.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import copy
import functools
import json
import os

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._hosts import parse_hosts

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')


def _load(name):
    with open(os.path.join(FIXTURES, name), encoding='utf-8') as handle:
        return json.load(handle)


_DETAILS = _load('cluster_details.json')
_HOSTS = _load('hosts.json')


def _task_group(template, count):
    group = copy.deepcopy(template)
    group['NodeNum'] = count
    return group


def build_cluster_raw(core=3, task=2, master=2, state='running', scale='', stage_desc=None, billing_type='Metered'):
    """The ``cluster`` object of a details response for a cluster with these counts and state.

    With ``task=0`` the Task groups are absent, as on a cluster created without Task nodes.
    """
    raw = copy.deepcopy(_DETAILS['cluster'])
    master_group, core_group, task_template = raw['nodeGroups']
    master_group['NodeNum'] = master
    core_group['NodeNum'] = core
    task_groups = [_task_group(task_template, task)] if task else []
    raw.update({
        'masterNodeNum': str(master),
        'coreNodeNum': str(core),
        'totalNodeNum': str(master + core + task),
        'clusterState': state,
        'scale': scale,
        'stageDesc': stage_desc,
        'billingType': billing_type,
        'nodeGroups': [master_group, core_group] + task_groups,
        'taskNodeGroups': copy.deepcopy(task_groups),
    })
    return raw


def build_hosts_raw(core=3, task=2, master=2):
    """A host list matching the counts; Task hosts are ``task-0000`` ..., Core ``core-0000`` ..."""
    master_template, core_template, task_template = _HOSTS['hosts'][0], _HOSTS['hosts'][2], _HOSTS['hosts'][5]
    hosts = []
    for template, prefix, number in ((master_template, 'master', master), (core_template, 'core', core), (task_template, 'task', task)):
        for index in range(number):
            host = copy.deepcopy(template)
            host['id'] = '%s-%04d' % (prefix, index)
            host['name'] = '%s_node_%s_%04d' % (_DETAILS['cluster']['clusterId'], prefix, index)
            hosts.append(host)
    return hosts


@pytest.fixture(scope='session')
def details_response():
    return copy.deepcopy(_DETAILS)


@pytest.fixture(scope='session')
def hosts_response():
    return copy.deepcopy(_HOSTS)


@pytest.fixture(scope='session')
def cluster_raw():
    """Factory: ``cluster_raw(core=3, task=2, state='running', ...)`` -> the ``cluster`` dict."""
    return build_cluster_raw


@pytest.fixture(scope='session')
def cluster_view():
    """Factory: like ``cluster_raw`` but parsed into a ``ClusterView``."""
    def build(**kwargs):
        return parse_cluster(build_cluster_raw(**kwargs))
    return build


@functools.lru_cache(maxsize=None)
def _host_pool():
    """Parsed hosts by role, enough for any cluster the tests build (hosts are immutable, so shared)."""
    hosts = parse_hosts(build_hosts_raw(core=500, task=500, master=3))
    return dict((role, tuple(host for host in hosts if host.role == role)) for role in ('master', 'core', 'task'))


@pytest.fixture(scope='session')
def hosts_for():
    """Factory: ``hosts_for(core=3, task=2)`` -> the parsed ``Host`` tuple ``build_hosts_raw`` describes."""
    def build(core=3, task=2, master=2):
        pool = _host_pool()
        return pool['master'][:master] + pool['core'][:core] + pool['task'][:task]
    return build
