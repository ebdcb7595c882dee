# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Messages that point at the cause: a connection failure names the service and its host and port, a refused connection
to this machine fails at once, and a region IAM knows no project of is called probably wrong, with the closest names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.hwcloud.mrs.plugins.module_utils._connection import regions
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.call import ResizeOutcomeUnknown
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.retry import backoff
from ansible_collections.hwcloud.mrs.plugins.module_utils._connection.transport import TransportError, address, is_loopback
from ansible_collections.hwcloud.mrs.plugins.module_utils._errors import MrsError, TransientError
from ansible_collections.hwcloud.mrs.tests.unit.plugins.module_utils.test_client import CLUSTER, make_client, response

RESIZE_BODY = {"parameters": {"scale_type": "scale_out", "instances": "1"}}


def refused():
    return TransportError("connection refused", sent=False, refused=True)


@pytest.mark.parametrize("endpoint, shown", [
    ("http://127.0.0.1:9999", "127.0.0.1:9999"), ("http://127.8.9.10:9999", "127.8.9.10:9999"),
    ("http://localhost:9999", "localhost:9999"), ("http://LOCALHOST:9999", "localhost:9999"), ("http://[::1]:9999", "[::1]:9999"),
    ("https://127.0.0.1", "127.0.0.1:443"), ("http://127.0.0.1", "127.0.0.1:80"),
])
def test_a_refused_connection_to_this_machine_fails_at_once_naming_the_service_host_and_port(endpoint, shown):
    """Nothing listens there, and nothing will within a back-off: the retries only made the user wait 10 to 14 s."""
    client, transport, sleeps = make_client(refused(), response(body=CLUSTER), endpoint=endpoint)
    with pytest.raises(TransientError) as caught:
        client.get_cluster("c1")
    assert len(transport.calls) == 1 and sleeps == []
    message = str(caught.value)
    assert "to MRS at %s failed: connection refused" % shown in message, message
    assert "not retried" in message and "check endpoint, proxy and network" in message


def test_a_resize_refused_by_this_machine_was_not_sent_and_is_not_an_unknown_outcome():
    client, transport, _sleeps = make_client(refused(), response(body={"result": "succeeded"}))
    with pytest.raises(TransientError, match="PUT .* to MRS at 127.0.0.1:9999 failed: connection refused") as caught:
        client.resize("c1", RESIZE_BODY)
    assert not isinstance(caught.value, ResizeOutcomeUnknown) and len(transport.calls) == 1


def test_a_refused_connection_to_a_remote_host_keeps_its_retries():
    """A load balancer between two back ends, a service restarting: a remote refusal may pass."""
    client, transport, sleeps = make_client(refused(), refused(), response(body=CLUSTER), endpoint="https://mrs.example.test")
    assert client.get_cluster("c1") == CLUSTER["cluster"]
    assert len(transport.calls) == 3 and len(sleeps) == 2


def test_a_remote_refusal_that_outlasts_the_retries_names_the_service_host_and_port():
    client, transport, _sleeps = make_client(*[refused()] * 3, endpoint="https://mrs.example.test", retries=2)
    with pytest.raises(TransientError) as caught:
        client.get_cluster("c1")
    assert len(transport.calls) == 3
    assert ("GET /v1.1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/cluster_infos/c1 to MRS at mrs.example.test:443 failed: connection "
            "refused after 2 retries; check endpoint, proxy and network") == str(caught.value)


@pytest.mark.parametrize("failure", [TransportError("name resolution failed", sent=False),
                                     TransportError("connect timed out", sent=False)])
def test_a_connection_failure_to_iam_names_iam_its_host_port_and_option(failure):
    client, _transport, _sleeps = make_client(*[failure] * 3, project_id=None, retries=2, iam_endpoint="https://iam.example.test:8443/v3")
    with pytest.raises(TransientError) as caught:
        client.get_cluster("c1")
    assert str(caught.value) == ("GET /v3/projects to IAM at iam.example.test:8443 failed: %s after 2 retries; check iam_endpoint, "
                                 "proxy and network" % failure.reason)


def test_a_refused_iam_on_this_machine_fails_at_once_naming_iam():
    client, transport, _sleeps = make_client(refused(), project_id=None, access_key=None, secret_key=None,
                                             user_name="alice", password="pw-secret", domain_name="acme")
    with pytest.raises(TransientError) as caught:
        client.get_cluster("c1")
    assert len(transport.calls) == 1
    assert "POST /v3/auth/tokens to IAM at 127.0.0.1:9998 failed: connection refused" in str(caught.value)
    assert "check iam_endpoint" in str(caught.value) and "pw-secret" not in str(caught.value)


def test_a_write_lost_after_sending_names_where_it_went():
    client, _transport, _sleeps = make_client(TransportError("connection reset", sent=True))
    with pytest.raises(ResizeOutcomeUnknown) as caught:
        client.resize("c1", RESIZE_BODY)
    assert "to MRS at 127.0.0.1:9999 failed: connection reset; the request may or may not have been applied" in str(caught.value)


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", True), ("127.255.255.254", True), ("::1", True), ("localhost", True), ("Localhost", True),
    ("128.0.0.1", False), ("10.0.0.1", False), ("::2", False), ("localhost.example.test", False), ("mrs.example.test", False),
    ("0.0.0.0", False),
])
def test_which_hosts_are_this_machine(host, expected):
    assert is_loopback(host) is expected


@pytest.mark.parametrize("url, expected", [("https://mrs.example.test", ("mrs.example.test", 443)), ("http://h:8080/x", ("h", 8080)),
                                           ("http://[::1]:1", ("::1", 1)), ("http://h", ("h", 80))])
def test_the_address_of_an_endpoint(url, expected):
    assert address(url) == expected


# ------------------------------------------------------------------------------------- the region IAM knows no project of


@pytest.mark.parametrize("region, closest", [("cn-nort-4", "cn-north-4"), ("cn-north4", "cn-north-4"), ("eu-west-1", "eu-west-0"),
                                             ("ap-southeast-7", "ap-southeast-5"), ("zz-nowhere-1", None)])
def test_no_project_named_like_an_unknown_region_says_the_region_is_probably_wrong_and_names_the_closest(region, closest):
    client, _transport, _sleeps = make_client(response(body={"projects": []}), project_id=None, region=region)
    with pytest.raises(MrsError) as caught:
        client.get_cluster("c1")
    message = str(caught.value)
    assert message.startswith("found 0 projects named %r in IAM (http://127.0.0.1:9998): the region is probably wrong: %s is "
                              "not a known Huawei Cloud region; the closest known: " % (region, region)), message
    assert "give project_id explicitly" in message and caught.value.parameter == "region"
    named = message.split("the closest known: ")[1].split(";")[0].split(", ")
    assert len(named) == 3 and set(named) <= set(regions.REGIONS)
    if closest is not None:
        assert named[0] == closest or closest in named


def test_no_project_named_like_a_known_region_says_the_account_has_none_there():
    """cn-north-9 is in the vendor's table: IAM knowing no project of it is an account (or iam_endpoint) matter."""
    client, _transport, _sleeps = make_client(response(body={"projects": []}), project_id=None, region="cn-north-9")
    with pytest.raises(MrsError) as caught:
        client.get_cluster("c1")
    message = str(caught.value)
    assert "the region is probably wrong: cn-north-9 is a Huawei Cloud region, but this account has no project in it" in message
    assert "cn-north-4" in message.split("close name: ")[1] and "cn-north-9" not in message.split("close name: ")[1]


def test_the_region_table_is_the_vendor_sdks():
    """Copied from huaweicloudsdkmrs (MrsRegion.static_fields): every id, and the endpoint of each."""
    sdk = pytest.importorskip("huaweicloudsdkmrs.v1.region.mrs_region")
    table = sdk.MrsRegion.static_fields
    assert regions.REGIONS == tuple(table)
    for region_id, region in table.items():
        assert regions.mrs_endpoint(region_id) == region.endpoints[0]


# ------------------------------------------------------------------------------------- one back-off


@pytest.mark.parametrize("attempt, base, cap, jitter, expected", [
    (0, 1.0, 30.0, 0.5, 0.75), (1, 1.0, 30.0, 0.5, 1.5), (2, 1.0, 30.0, 0.0, 2.0), (10, 1.0, 30.0, 1.0, 30.0),
    (0, 5.0, 60.0, 1.0, 5.0), (4, 5.0, 60.0, 1.0, 60.0), (3, 5.0, 60.0, 0.0, 20.0), (40, 5.0, 60.0, 0.5, 45.0),
])
def test_one_backoff_equal_jitter_over_a_capped_exponential(attempt, base, cap, jitter, expected):
    """The client's retries (base 1 s, cap 30 s) and the scaler's retry of a busy refusal (5 s, 60 s) both wait so."""
    assert backoff(attempt, base, cap, lambda: jitter) == expected
