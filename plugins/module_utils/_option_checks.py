# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A task's options checked by every rule that needs no cluster, before any request. Pure: no I/O, no clock.

The ids, names and filters of every module (``check_id``, ``check_text``), the node group as written
(``check_node_group``: the syntax; which group a name means is ``_group_resolution``'s, on the cluster's answer), a
resize request (``validate_request``: counts, server ids, the Task node spec), a wait in seconds, and the one live
cluster a name or id means among the listed ones (``one_live_cluster``). Each refusal is a ``PlanError`` naming the
option as the user wrote it. Counts and sizes are read by ``_values``.

PRIVATE to the collection: no compatibility promise outside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
from dataclasses import dataclass, replace
from typing import Optional, Tuple

from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import PlanError
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import NAME_PATTERN, NAME_RULE, node_count, whole_number_in


# The most nodes the resizable (non-Master) groups of a cluster may hold together; an auto-scaling policy's
# min_capacity / max_capacity (one group) are bounded by it too (_policy_options).
MAX_CORE_TASK_NODES = 500
# The v1.1 resize API's names of the default Core and Task groups, by the key core / task.
API_GROUP_NAMES = {'core': 'core_node_default_group', 'task': 'task_node_default_group'}

# As the vendor SDK's v1 TaskNodeInfo model documents them (huaweicloudsdkmrs 3.1.219: GPSSD, 0 to 20 disks).
DATA_VOLUME_TYPES = ('SATA', 'SAS', 'SSD', 'GPSSD')
DATA_VOLUME_COUNT_RANGE = (0, 20)
DATA_VOLUME_SIZE_RANGE = (100, 32000)
TASK_NODE_INFO_KEYS = ('node_size', 'data_volume_type', 'data_volume_count', 'data_volume_size')
SCALE_OUT_ONLY_OPTIONS = ('skip_bootstrap_scripts', 'scale_without_start')

# 7 days: longer than any scale, and far from what a float deadline cannot hold.
MAX_WAIT_TIMEOUT = 604800

# Cluster and node (ECS server) ids are UUIDs; a little wider, but nothing a URL path or a log line could misread.
ID_PATTERN = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z')
ID_RULE = '1 to 64 characters: ASCII letters, digits, - and _, starting with a letter or digit'
MAX_NAME_LENGTH = 255
GONE_STATES = ('terminated', 'terminating')  # a cluster in these states is no longer there to act on
GROUP_NAME_RULE = 'core, task, or a node group name as mrs_cluster_info shows it (%s)' % NAME_RULE
_NODE_GROUP_ALIASES = dict([(key, key) for key in API_GROUP_NAMES] + [(name, key) for key, name in API_GROUP_NAMES.items()])
_MASTER_ALIASES = ('master', 'master_node_default_group')
_MASTER_PREFIX = 'master_node_'
MASTER_RULE = 'the number of Master nodes cannot be changed after the cluster is created'


@dataclass
class ResizeRequest:
    """What the user asked for. ``node_group`` is ``core``, ``task`` or a group name (see ``check_node_group``)."""

    node_group: str
    count: Optional[int] = None
    current_count: Optional[int] = None
    server_ids: Optional[Tuple[str, ...]] = None
    task_node_info: Optional[dict] = None
    skip_bootstrap_scripts: Optional[bool] = None
    scale_without_start: Optional[bool] = None


def check_id(parameter, value, each=False):
    """``value`` when it is a well-formed cluster or node id; else a PlanError naming ``parameter`` and the rule.

    Nothing is stripped: an id with surrounding whitespace is a mistake in the play, said so rather than guessed at.
    ``each``: the value is one entry of a list option (the message says "every id").
    """
    subject = 'every id must be' if each else 'must be'
    if not isinstance(value, str) or not value:
        raise PlanError(parameter, '%s a non-empty string (got %r)' % (subject, value))
    if value != value.strip():
        raise PlanError(parameter, '%s an id without surrounding whitespace (got %r)' % (subject, value))
    if not ID_PATTERN.match(value):
        raise PlanError(parameter, '%s %s (got %r)' % (subject, ID_RULE, value))
    return value


def check_text(parameter, value):
    """``value`` when it is usable text for a name or state filter: not blank, no surrounding whitespace, no control characters."""
    if not isinstance(value, str) or not value.strip():
        raise PlanError(parameter, 'must be a non-empty string (got %r)' % (value,))
    if value != value.strip():
        raise PlanError(parameter, 'must have no surrounding whitespace (got %r)' % (value,))
    if len(value) > MAX_NAME_LENGTH or any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise PlanError(parameter, 'must be at most %d characters without control characters (got %r)' % (MAX_NAME_LENGTH, value))
    return value


def one_live_cluster(views, cluster_name=None, project_id=None):
    """The one live (not terminated or terminating) cluster that was asked for; else a PlanError naming the option.

    By name (``cluster_name``): ``views`` are the listed clusters; exactly one live cluster must have exactly that name.
    By id (``cluster_name`` None): ``views`` holds the one cluster read by its id, which must not be gone.
    """
    if cluster_name is None:
        (view,) = views
        if view.state in GONE_STATES:
            raise PlanError('cluster_id', 'cluster %s is %s; give a live cluster' % (view.cluster_id, view.state))
        return view
    live = [view for view in views if view.name == cluster_name and view.state not in GONE_STATES]
    where = ' in project %s' % project_id if project_id else ''
    if not live:
        raise PlanError('cluster_name', 'no live cluster named %s%s (terminated clusters do not count); check the name, the '
                        'region and the project' % (json.dumps(cluster_name), where))
    if len(live) > 1:
        raise PlanError('cluster_name', 'more than one live cluster named %s%s (%s); give cluster_id instead'
                        % (json.dumps(cluster_name), where, ', '.join(view.cluster_id for view in live)))
    return live[0]


def check_node_group(value):
    """``core`` or ``task`` for the short names and the v1.1 API names (any case, surrounding blanks ignored), else the
    group name exactly as given (MRS names are case-sensitive). Master groups and malformed names are refused.

    The syntax check before any request; which group a name means is ``_group_resolution.resolve_node_group``'s, on the cluster view.
    """
    if not isinstance(value, str) or not value.strip():
        raise PlanError('node_group', 'must be %s (got %r)' % (GROUP_NAME_RULE, value))
    key = value.strip().lower()
    if key in _NODE_GROUP_ALIASES:
        return _NODE_GROUP_ALIASES[key]
    if key in _MASTER_ALIASES or key.startswith(_MASTER_PREFIX):
        raise PlanError('node_group', MASTER_RULE)
    if not NAME_PATTERN.match(value):
        raise PlanError('node_group', 'must be %s (got %r)' % (GROUP_NAME_RULE, value))
    return value


def validate_task_node_info(info):
    """The Task node spec, cleaned (canonical types, no None values), or None when not given.

    A dict whose values are all None counts as not given: that is what an argument spec with
    suboptions produces when the user left the option out.
    """
    if info is None:
        return None
    if not isinstance(info, dict):
        raise PlanError('task_node_info', 'must be a dictionary with node_size and optionally %s' % ', '.join(TASK_NODE_INFO_KEYS[1:]))
    given = dict((key, value) for key, value in info.items() if value is not None)
    if not given:
        return None
    unknown = sorted(set(given) - set(TASK_NODE_INFO_KEYS))
    if unknown:
        raise PlanError('task_node_info', 'unknown key(s) %s; allowed: %s' % (', '.join(unknown), ', '.join(TASK_NODE_INFO_KEYS)))
    cleaned = {'node_size': _node_size(given.get('node_size'))}
    if 'data_volume_type' in given:
        cleaned['data_volume_type'] = _data_volume_type(given['data_volume_type'])
    if 'data_volume_count' in given:
        cleaned['data_volume_count'] = _in_range('data_volume_count', given['data_volume_count'], DATA_VOLUME_COUNT_RANGE)
    if 'data_volume_size' in given:
        cleaned['data_volume_size'] = _in_range('data_volume_size', given['data_volume_size'], DATA_VOLUME_SIZE_RANGE, ' GB')
    return cleaned


def _node_size(value):
    if not isinstance(value, str) or not value.strip():
        raise PlanError('task_node_info.node_size', 'required: the Task node flavor, e.g. c3.4xlarge.2.linux.bigdata')
    return value.strip()


def _data_volume_type(value):
    canonical = value.strip().upper() if isinstance(value, str) else None
    if canonical not in DATA_VOLUME_TYPES:
        raise PlanError('task_node_info.data_volume_type', 'must be one of %s (got %r)' % (', '.join(DATA_VOLUME_TYPES), value))
    return canonical


def _in_range(key, value, bounds, unit=''):
    return whole_number_in('task_node_info.' + key, value, bounds[0], bounds[1],
                           'must be a whole number from %d to %d%s (got {value!r})' % (bounds[0], bounds[1], unit))


def _optional_node_count(parameter, value, high=None):
    if value is None:
        return None
    number = node_count(parameter, value)
    if high is not None and number > high:
        raise PlanError(parameter, 'must be from 0 to %d: no node group can have more nodes (got %d)' % (high, number))
    return number


def check_wait_timeout(value, parameter='wait_timeout'):
    """``value`` when it is a usable wait in seconds (0 to MAX_WAIT_TIMEOUT), else a PlanError naming ``parameter``."""
    return whole_number_in(parameter, value, 0, MAX_WAIT_TIMEOUT,
                           'must be 0 or more seconds, got {value} (at most %d, 7 days)' % MAX_WAIT_TIMEOUT)


def _checked_server_ids(server_ids, group):
    """The ids as a tuple (None when not given): each a well-formed id, none twice, and not for the Core group.

    Whether a group name is the v1.1 Task group is known only on the cluster view (``_plan_group._check_v2_options``).
    """
    if server_ids is None:
        return None
    server_ids = tuple(check_id('server_ids', server_id, each=True) for server_id in server_ids)
    repeated = sorted(set(server_id for server_id in server_ids if server_ids.count(server_id) > 1))
    if repeated:
        raise PlanError('server_ids', 'every id may appear once; repeated: %s' % ', '.join(repeated))
    if server_ids and group == 'core':
        raise PlanError('server_ids', 'only Task nodes can be removed by id: use node_group task, or drop server_ids')
    return server_ids


def validate_request(request):
    """``request`` checked and normalised by every rule that needs no cluster (raises ``PlanError``).

    The module calls it before any request; ``plan_resize`` calls it again (it is idempotent), so the
    planner is total whatever the caller did before.
    """
    group = check_node_group(request.node_group)
    return replace(
        request,
        node_group=group,
        count=_optional_node_count('count', request.count),
        current_count=_optional_node_count('current_count', request.current_count, MAX_CORE_TASK_NODES),
        server_ids=_checked_server_ids(request.server_ids, group),
        task_node_info=validate_task_node_info(request.task_node_info),
    )
