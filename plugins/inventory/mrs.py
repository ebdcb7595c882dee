# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: mrs
short_description: The hosts of Huawei Cloud MRS clusters, grouped by cluster, node group and component
version_added: 1.0.0
description:
  - Reads the clusters of a project (in one or more regions), their hosts (C(GET /v1.1/{project_id}/clusters/{id}/hosts))
    and their nodes with the components they run (C(GET /v2/{project_id}/clusters/{id}/nodes)), across pages.
  - Every host gets variables prefixed C(mrs_) and C(ansible_host) (its private IP), and is put in one group per
    cluster (C(mrs_<cluster>)), one per cluster and node group (C(mrs_<cluster>_<node group>)) and one per
    cluster and component role (C(mrs_<cluster>_<role>), for example C(mrs_analytics_NodeManager)); names are
    sanitised (every character other than letters, digits and C(_) becomes C(_)).
  - A group that names one cluster holds that cluster's hosts only. Where two clusters' groups would meet (two names
    alike once sanitised, such as C(集群) and C(数据), which both give C(mrs___); the same name in two regions; a
    cluster name plus a node group that spells another cluster's name), each of those clusters is named by its id
    instead, for example C(mrs_4c5f0d2e_8f47_4b8d_9a52_6f0c1b9e7d21) and C(mrs_4c5f0d2e_8f47_4b8d_9a52_6f0c1b9e7d21_DataNode).
  - Uses a YAML configuration file whose name ends with C(mrs.yml) or C(mrs.yaml).
  - Any failed request ends the inventory with an error naming the region and the cluster; no partial inventory. So does an
    answer that cannot be read (a host without C(id), a node without C(node_name)), naming the cluster and the field.
  - Every list (clusters, hosts, nodes) is read whole or not at all. An entry listed twice counts once; a list must hold
    as many entries as its own total says, and the hosts and nodes of a cluster that is C(running) and not scaling as many
    as the cluster's node counts say. A list that disagrees is read once more, then ends the inventory naming it; a
    cluster list entry without C(clusterId) ends it too. No host is ever invented or silently left out.
  - The node list is read with the components of each node (C(query_node_detail=true)) and its CPU and memory
    (C(query_ecs_detail=true)), which MRS otherwise leaves out.
  - Works on every cluster type (analysis, streaming, mixed and custom); a custom cluster's hosts are grouped by its
    node groups as MRS names them, for example C(mrs_lake_node_group_1).
author:
  - hwcloud.mrs maintainers (@hwcloud-mrs)
extends_documentation_fragment:
  - hwcloud.mrs.connection
  - hwcloud.mrs.connection.inventory
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin; it must always be set to V(hwcloud.mrs.mrs) for this plugin to read the file.
    required: true
    type: str
    choices: [hwcloud.mrs.mrs]
  regions:
    description:
      - Regions to read the clusters of, for example V([cn-north-4, cn-east-3]).
      - Defaults to the single O(region).
      - With more than one region, O(project_id) and O(endpoint) cannot be given (each region has its own project
        and endpoint; the project is looked up in IAM per region).
    type: list
    elements: str
    default: []
  clusters:
    description:
      - Cluster ids or names to read. Each entry must match a cluster of one of the O(regions), or the inventory fails
        naming it (a typo is never an empty group).
      - Defaults to every cluster of the project whose state is one of O(cluster_states).
    type: list
    elements: str
    default: []
  cluster_states:
    description:
      - States of the clusters to read (C(clusterState)). A cluster named in O(clusters) but in another state is
        skipped with a warning.
    type: list
    elements: str
    default: [running, scaling-out, scaling-in, scaling-error, abnormal]
  node_groups:
    description:
      - Names of the node groups whose hosts are added, for example V([core_node_analysis_group]). Defaults to all.
    type: list
    elements: str
    default: []
  tags:
    description:
      - Cluster tags that must all match, as a mapping of key to value; an empty value (V(null) or V('')) matches
        the key whatever its value. Filtered by the API (C(tags=k1*v1,k2)).
    type: dict
    default: {}
  hostnames:
    description:
      - The host name preference. The first one a host has and that no other host of the inventory took is its
        name; a host whose every choice is taken gets the first one followed by C(_) and its resource id.
      - V(name) is the node name, V(private_ip) its private IP, V(resource_id) its resource id.
    type: list
    elements: str
    choices: [name, private_ip, resource_id]
    default: [name]
  default_groups:
    description:
      - Whether to create the cluster, node group and component role groups. V(false) leaves only O(groups) and
        O(keyed_groups).
    type: bool
    default: true
notes:
  - Host variables, each present when the API tells it, numbers as integers.
    C(mrs_cluster_id), C(mrs_cluster_name), C(mrs_cluster_state), C(mrs_cluster_tags) (a mapping), C(mrs_region),
    C(mrs_name), C(mrs_node_group), C(mrs_kind) (V(master), V(core), V(task) or V(custom), the kind of the node group
    as the cluster answer reads it (C(taskNodeGroups), C(clusterType)), never from a custom group's name; where that
    kind is V(custom), the host type says which, for example V(core) for C(Core); the role
    M(hwcloud.mrs.mrs_cluster_info) gives the host), C(mrs_type) (the API's
    host type, for example V(Streaming_Core)), C(mrs_status) (the hosts API's status, for example V(ACTIVE)),
    C(mrs_node_status) (the nodes API's, for example V(started)), C(mrs_private_ip), C(mrs_flavor), C(mrs_cpu),
    C(mrs_memory_mb), C(mrs_root_volume_gb), C(mrs_data_volume_type), C(mrs_data_volume_gb) (each),
    C(mrs_data_volume_count), C(mrs_disk_gb) (root plus data), C(mrs_resource_id), C(mrs_server_id),
    C(mrs_availability_zone), C(mrs_billing_type), C(mrs_components) (a list of C(role), C(service), C(status),
    C(ha_status), C(config_status)) and C(mrs_roles) (the role names).
  - The cache holds what the API answered, so O(compose), O(groups), O(keyed_groups), O(hostnames) and
    O(node_groups) apply to a cached answer too; O(regions), O(clusters), O(cluster_states) and O(tags) decide what is
    read, so flush the cache (C(ansible-inventory --flush-cache)) after changing them.
"""

EXAMPLES = r"""
# mrs.yml: every live cluster of the region in HW_REGION_NAME, credentials from HW_ACCESS_KEY / HW_SECRET_KEY
---
plugin: hwcloud.mrs.mrs

# analytics.mrs.yml: one cluster, grouped by component and kind, reached through a bastion
---
plugin: hwcloud.mrs.mrs
regions: [cn-north-4]
clusters: [analytics]
hostnames: [name, private_ip]
keyed_groups:
  - key: mrs_roles
    prefix: role
  - key: mrs_kind
    prefix: kind
compose:
  ansible_ssh_common_args: "'-o ProxyJump=root@bastion.example.com'"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/hwcloud-mrs-inventory
cache_timeout: 600
"""

import re
from dataclasses import asdict

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.hwcloud.mrs.plugins.module_utils import _client
from ansible_collections.hwcloud.mrs.plugins.module_utils._cluster import ClusterParseError, _Fields, parse_cluster
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError
from ansible_collections.hwcloud.mrs.plugins.module_utils._hosts import parse_hosts
from ansible_collections.hwcloud.mrs.plugins.module_utils._node_kinds import host_kind
from ansible_collections.hwcloud.mrs.plugins.module_utils._nodes import parse_node_details
from ansible_collections.hwcloud.mrs.plugins.module_utils._paging import cluster_node_total
from ansible_collections.hwcloud.mrs.plugins.module_utils._values import as_whole_number

PREFIX = "mrs_"
# 2: lists read by the paged reader (each entry once, counts checked); 3: each cluster's group kinds (mrs_kind from the
# cluster answer). A cache of an older format is read again.
CACHE_FORMAT = 3
CONSTRUCTED = ("plugin", "regions", "clusters", "cluster_states", "node_groups", "tags", "hostnames", "default_groups", "compose",
               "groups", "keyed_groups", "strict", "use_extra_vars", "leading_separator", "cache", "cache_plugin", "cache_timeout",
               "cache_connection", "cache_prefix")
ALIASES = {"ak": "access_key", "sk": "secret_key"}
KNOWN_OPTIONS = frozenset(_client.Settings.FIELDS + CONSTRUCTED) | frozenset(ALIASES)


# ================================================================================= pure logic


class InventoryError(MrsError):
    """An answer the inventory cannot use, or an option that cannot work."""


def safe_name(text):
    """A group name part: every character other than letters, digits and '_' becomes '_'."""
    return re.sub(r"[^A-Za-z0-9_]", "_", str(text))


def unknown_options(config):
    """The keys of the configuration file that are no option of this plugin (typos), sorted."""
    return sorted(str(key) for key in config if key not in KNOWN_OPTIONS)


def check_options(regions, region, project_id, endpoint, hostnames, tags):
    """The regions to read; fail naming the option for a combination that cannot work."""
    regions = _regions(regions, region, project_id, endpoint)
    if not hostnames:
        raise InventoryError("hostnames: give at least one of name, private_ip, resource_id")
    for key, value in (tags or {}).items():
        if not _usable_tag(key, value):
            raise InventoryError("tags: %r: keys must be non-empty text and neither keys nor values may contain '*' or ','" % (key,))
    return regions


def _regions(regions, region, project_id, endpoint):
    """``regions``, else ``region``, else [None] (the endpoint's own); ``project_id`` and ``endpoint`` name one region's,
    so they are refused with several."""
    regions = [text for text in (regions or []) if text] or ([region] if region else [None])
    if len(set(regions)) != len(regions):
        raise InventoryError("regions: lists a region twice: %s" % ", ".join(regions))
    if len(regions) > 1 and project_id:
        raise InventoryError("project_id: names the project of one region; with several regions leave it unset (it is looked "
                             "up in IAM per region)")
    if len(regions) > 1 and endpoint:
        raise InventoryError("endpoint: is the endpoint of one region; with several regions leave it unset")
    return regions


_TAG_FILTER_SEPARATORS = re.compile(r"[*,]")


def _usable_tag(key, value):
    """Whether the cluster list can filter on this tag: a non-empty text key, and neither key nor value holding the
    characters the filter uses ('*', ',')."""
    texts = [key] + ([str(value)] if value is not None else [])
    return isinstance(key, str) and bool(key) and not any(_TAG_FILTER_SEPARATORS.search(text) for text in texts)


def parse_tags_text(text):
    """The cluster's tags as the API writes them ("k1=v1,k2=v2") as a mapping."""
    tags = {}
    if isinstance(text, dict):
        return dict((str(key), value) for key, value in text.items())
    for item in (text or "").split(",") if isinstance(text, str) else []:
        key, _sep, value = item.partition("=")
        if key.strip():
            tags[key.strip()] = value.strip()
    return tags


def select_clusters(clusters, wanted, states):
    """(selected clusters, warnings, names of wanted entries matching none): filter the listed clusters.

    An entry without its id cannot be selected or skipped knowingly: it fails, never silently left out.
    """
    usable = _with_ids(clusters)
    states = set(states or [])
    if not wanted:
        return [cluster for cluster in usable if _in_states(cluster, states)], [], []
    chosen, warnings, missing = [], [], []
    for entry in wanted:
        matches = [cluster for cluster in usable if entry in (cluster.get("clusterId"), cluster.get("clusterName"))]
        if not matches:
            missing.append(entry)
        for cluster in matches:
            if not _in_states(cluster, states):
                warnings.append("cluster %s (%s) is %s, not one of cluster_states (%s): skipped"
                                % (cluster.get("clusterName"), cluster["clusterId"], cluster.get("clusterState"),
                                   ", ".join(sorted(states))))
            elif cluster not in chosen:
                chosen.append(cluster)
    return chosen, warnings, missing


def _with_ids(clusters):
    """The listed clusters, each with its id; an entry without one fails the inventory."""
    for index, cluster in enumerate(clusters):
        if not (isinstance(cluster, dict) and cluster.get("clusterId")):
            raise InventoryError("the cluster list's entry %d has no clusterId; no inventory is made from a list that leaves a "
                                 "cluster out" % index)
    return list(clusters)


def _in_states(cluster, states):
    """Whether ``cluster_states`` (``states``, a set; empty: any state) lets the cluster in."""
    return not states or cluster.get("clusterState") in states


def _hosts(raw_hosts):
    """Each host as ``parse_hosts`` reads it, plus the fields only the inventory shows (sizes, flavor, resource id, zone)."""
    hosts = []
    for index, host in enumerate(parse_hosts(raw_hosts)):
        fields = _Fields(raw_hosts[index], "hosts[%d]" % index)
        hosts.append(dict(
            asdict(host), resource_id=fields.text("resource_id", None), flavor=fields.text("flavor", None),
            cpu=as_whole_number(fields.get("cpu")), memory_mb=as_whole_number(fields.get("mem")),
            root_volume_gb=as_whole_number(fields.get("root_volume_size")), data_volume_type=fields.text("data_volume_type", None),
            data_volume_gb=as_whole_number(fields.get("data_volume_size")),
            data_volume_count=as_whole_number(fields.get("data_volume_count")),
            availability_zone=fields.text("availability_zone_id", None)))
    return hosts


def _parsed(parse, raw, what, cluster_label):
    try:
        return parse(raw)
    except ClusterParseError as error:
        raise InventoryError("cluster %s: the %s answer cannot be read: %s; no inventory is made from an answer that cannot "
                             "be trusted" % (cluster_label, what, error))


def host_records(entry):
    """The host variables (mrs_*) of every host of one cluster entry {region, cluster, kinds, hosts, nodes} (raw answers;
    ``kinds``: ``ClusterView.group_kinds()`` of the cluster answer, which gives each host its kind)."""
    cluster, region = entry["cluster"], entry.get("region")
    label = "%s (%s)" % (cluster.get("clusterName"), cluster.get("clusterId"))
    hosts = _parsed(_hosts, entry.get("hosts") or [], "hosts", label)
    nodes = _parsed(parse_node_details, entry.get("nodes") or [], "nodes", label)
    by_key = {}
    for node in nodes:
        for key in (node["resource_id"], node["server_id"], node["name"]):
            if key:
                by_key.setdefault(key, node)
    records, used = [], set()
    for host in hosts:
        node = next((by_key[key] for key in (host["resource_id"], host["id"], host["name"]) if key and key in by_key), None)
        if node is not None:
            used.add(id(node))
        records.append(_record(cluster, region, host, node or {}, entry.get("kinds")))
    for node in nodes:
        if id(node) not in used:
            records.append(_record(cluster, region, {}, node, entry.get("kinds")))
    return records


def _first(*values):
    return next((value for value in values if value not in (None, "")), None)


def _record(cluster, region, host, node, kinds=None):
    """One host's variables: the hosts answer first, the node list where the hosts answer is silent; its kind from the
    cluster answer's group kinds (``host_kind``)."""
    def either(key, node_key=None):
        return _first(host.get(key), node.get(node_key or key))

    group, host_type = either("node_group", "group"), either("type")
    values = dict(
        cluster_id=cluster.get("clusterId"), cluster_name=cluster.get("clusterName"), cluster_state=cluster.get("clusterState"),
        cluster_tags=parse_tags_text(cluster.get("tags")), region=region,
        name=either("name"), node_group=group, kind=host_kind(group, host_type, kinds), type=host_type, status=host.get("status"),
        node_status=node.get("status"), private_ip=either("ip"), flavor=either("flavor"), cpu=either("cpu"),
        memory_mb=either("memory_mb"), root_volume_gb=either("root_volume_gb"), data_volume_type=either("data_volume_type"),
        data_volume_gb=either("data_volume_gb"), data_volume_count=either("data_volume_count"), resource_id=either("resource_id"),
        server_id=either("id", "server_id"), availability_zone=host.get("availability_zone"), billing_type=node.get("billing_type"),
        components=node.get("components") or [],
    )
    values["roles"] = sorted(set(component["role"] for component in values["components"]))
    if values["root_volume_gb"] is not None and values["data_volume_gb"] is not None and values["data_volume_count"] is not None:
        values["disk_gb"] = values["root_volume_gb"] + values["data_volume_gb"] * values["data_volume_count"]
    record = dict((PREFIX + key, value) for key, value in values.items() if value is not None)
    if values["private_ip"]:
        record["ansible_host"] = values["private_ip"]
    return record


def assign_names(records, preferences):
    """[(host name, record)]: each the first preference it has that no other host took, in order."""
    fields = dict(name=PREFIX + "name", private_ip=PREFIX + "private_ip", resource_id=PREFIX + "resource_id")
    taken, named = set(), []
    for record in records:
        choices = [str(record[fields[choice]]) for choice in preferences if record.get(fields[choice])]
        if not choices:
            raise InventoryError("cluster %s (%s): a host has none of the hostnames %s"
                                 % (record.get(PREFIX + "cluster_name"), record.get(PREFIX + "cluster_id"), ", ".join(preferences)))
        name = next((choice for choice in choices if choice not in taken), None)
        if name is None:
            name = "%s_%s" % (choices[0], record.get(PREFIX + "resource_id") or record.get(PREFIX + "cluster_id"))
        taken.add(name)
        named.append((name, record))
    return named


def default_group_names(record, cluster):
    """``cluster`` (the cluster's group, from ``cluster_groups``), <cluster>_<node group> and <cluster>_<role> for each
    component role."""
    names = [cluster]
    if record.get(PREFIX + "node_group"):
        names.append("%s_%s" % (cluster, safe_name(record[PREFIX + "node_group"])))
    names.extend("%s_%s" % (cluster, safe_name(role)) for role in record.get(PREFIX + "roles", []))
    return names


def _claims(records, groups):
    """{group name: the ids of the clusters whose hosts it would hold} with the clusters' groups ``groups``."""
    claims = {}
    for record in records:
        cluster_id = record[PREFIX + "cluster_id"]
        for name in default_group_names(record, groups[cluster_id]):
            claims.setdefault(name, set()).add(cluster_id)
    return claims


def cluster_groups(records):
    """{cluster id: its group}: mrs_<name>, sanitised; mrs_<id> for every cluster one of whose default groups would also
    hold another cluster's hosts (two names alike once sanitised, such as 集群 and 数据, or one cluster's name plus a node
    group spelling another's). A group that names one cluster holds that cluster's hosts only."""
    groups = {}
    for record in records:
        cluster_id = record[PREFIX + "cluster_id"]
        groups.setdefault(cluster_id, PREFIX + safe_name(record.get(PREFIX + "cluster_name") or cluster_id))
    while True:  # each round names one cluster more by its id, so it ends
        shared = sorted((name, sorted(owners)) for name, owners in _claims(records, groups).items() if len(owners) > 1)
        if not shared:
            return groups
        by_name = set(cluster_id for _name, owners in shared for cluster_id in owners if groups[cluster_id] != _by_id(cluster_id))
        if not by_name:
            name, owners = shared[0]
            raise InventoryError("the default group %s would hold the hosts of the clusters %s, even named by their ids; set "
                                 "default_groups: false and group them with keyed_groups on mrs_cluster_id" % (name, ", ".join(owners)))
        for cluster_id in by_name:
            groups[cluster_id] = _by_id(cluster_id)


def _by_id(cluster_id):
    return PREFIX + safe_name(cluster_id)


# ================================================================================= the plugin


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """The hosts of MRS clusters."""

    NAME = "hwcloud.mrs.mrs"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(("mrs.yml", "mrs.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        unknown = unknown_options(config)
        if unknown:
            raise AnsibleParserError("%s: unknown option%s %s; the options are documented in ansible-doc -t inventory hwcloud.mrs.mrs"
                                     % (path, "s" if len(unknown) > 1 else "", ", ".join(unknown)))
        try:
            regions = check_options(self.get_option("regions"), self.get_option("region"), self.get_option("project_id"),
                                    self.get_option("endpoint"), self.get_option("hostnames"), self.get_option("tags"))
        except MrsError as error:
            raise AnsibleParserError(str(error))

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        data = None
        if use_cache:
            try:
                data = self._cache[cache_key]
            except KeyError:
                update_cache = True
            if not (isinstance(data, dict) and data.get("format") == CACHE_FORMAT and isinstance(data.get("clusters"), list)):
                data, update_cache = None, True
        if data is None:
            data = dict(format=CACHE_FORMAT, clusters=self._read(regions))
        if update_cache:
            self._cache[cache_key] = data
        self._populate(data["clusters"])

    # ----------------------------------------------------------------------------- reading

    def _settings(self, region):
        values = dict((name, self.get_option(name)) for name in _client.Settings.FIELDS)
        values["region"] = region
        return _client.Settings(**values)

    def _client(self, region):
        where = "region %s" % region if region else "the endpoint"
        try:
            settings = self._settings(region)
            client = _client.MrsClient(settings)
            ignored = settings.ignored_credentials()
        except MrsError as error:
            raise AnsibleParserError("hwcloud.mrs.mrs, %s: %s" % (where, _plain(error)))
        if not settings.validate_certs:
            self.display.warning("validate_certs is false: TLS certificates of the MRS and IAM endpoints are not verified")
        if ignored:
            self.display.warning("authenticating with %s; %s given but not used" % (client.auth_method, ", ".join(ignored)))
        return client

    def _read(self, regions):
        """The entries (``_entry``) of every selected cluster of every region; a ``clusters`` entry no region has fails."""
        entries = []
        wanted = self.get_option("clusters")
        found = set()
        for region in regions:
            region_entries, missing = self._read_region(region, wanted)
            entries.extend(region_entries)
            found.update(entry for entry in wanted if entry not in missing)
        missing = [entry for entry in wanted if entry not in found]
        if missing:
            raise AnsibleParserError("clusters: no cluster has the id or name %s in %s (given: %s)"
                                     % (", ".join(missing), ", ".join(str(region) for region in regions), ", ".join(wanted)))
        return entries

    def _read_region(self, region, wanted):
        """(entries of the region's selected clusters, the ``clusters`` entries that match none of its clusters)."""
        client = self._client(region)
        where = "region %s" % region if region else "the endpoint %s" % client.endpoint
        try:
            tags = self.get_option("tags")
            listed = client.list_tagged_clusters(tags) if tags else client.list_clusters()
        except MrsError as error:
            raise AnsibleParserError("hwcloud.mrs.mrs, %s: cannot list the clusters: %s" % (where, _plain(error)))
        try:
            chosen, warnings, missing = select_clusters(listed, wanted, self.get_option("cluster_states"))
        except MrsError as error:
            raise AnsibleParserError("hwcloud.mrs.mrs, %s: %s" % (where, _plain(error)))
        for warning in warnings:
            self.display.warning("hwcloud.mrs.mrs, %s: %s" % (where, warning))
        return [self._entry(client, region, where, cluster) for cluster in chosen], missing

    @staticmethod
    def _entry(client, region, where, cluster):
        """One cluster's entry {region, cluster, kinds, hosts, nodes} (raw answers, as the cache keeps them)."""
        label = "cluster %s (%s) in %s" % (cluster.get("clusterName"), cluster["clusterId"], where)
        try:
            view = parse_cluster(cluster)
            # the hosts and nodes of an idle cluster must be as many as its counts (Master included) say
            expected = cluster_node_total(view)
        except MrsError as error:
            raise AnsibleParserError("hwcloud.mrs.mrs, %s: its entry in the cluster list cannot be read: %s" % (label, _plain(error)))
        try:
            hosts = client.list_hosts(cluster["clusterId"], expected=expected)
            nodes = client.list_nodes(cluster["clusterId"], ecs_detail=True, expected=expected)
        except MrsError as error:
            raise AnsibleParserError("hwcloud.mrs.mrs, %s: cannot read its hosts: %s" % (label, _plain(error)))
        summary = dict((key, cluster.get(key)) for key in ("clusterId", "clusterName", "clusterState", "tags"))
        return dict(region=region, cluster=summary, kinds=view.group_kinds(), hosts=hosts, nodes=nodes)

    # ----------------------------------------------------------------------------- populating

    def _populate(self, entries):
        records = []
        wanted_groups = set(self.get_option("node_groups") or [])
        for entry in entries:
            try:
                cluster_records = host_records(entry)
            except (MrsError, AttributeError, KeyError, TypeError) as error:
                raise AnsibleParserError("hwcloud.mrs.mrs: %s" % _plain(error))
            records.extend(record for record in cluster_records if not wanted_groups or record.get(PREFIX + "node_group") in wanted_groups)
        try:
            named = assign_names(records, self.get_option("hostnames"))
        except MrsError as error:
            raise AnsibleParserError("hwcloud.mrs.mrs: %s" % _plain(error))
        try:
            groups = cluster_groups(records) if self.get_option("default_groups") else {}
        except MrsError as error:
            raise AnsibleParserError("hwcloud.mrs.mrs: %s" % _plain(error))
        strict = self.get_option("strict")
        for name, record in named:
            self.inventory.add_host(name)
            for key, value in record.items():
                self.inventory.set_variable(name, key, value)
            if self.get_option("default_groups"):
                for group in default_group_names(record, groups[record[PREFIX + "cluster_id"]]):
                    self.inventory.add_group(group)
                    self.inventory.add_child(group, name)
            self._set_composite_vars(self.get_option("compose"), record, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), record, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), record, name, strict=strict)


def _plain(error):
    return str(error) or type(error).__name__
