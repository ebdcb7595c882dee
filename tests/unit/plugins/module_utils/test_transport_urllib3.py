# -*- coding: utf-8 -*-
# Copyright: Contributors to the hwcloud.mrs collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The transport's use of urllib3 internals, pinned across the urllib3 lines the collection meets.

``_connection/transport.py`` learns whether a request can have reached the server from urllib3's connection classes
(``PoolManager.pool_classes_by_scheme``, ``HTTPConnectionPool.ConnectionCls``), which urllib3 does not promise to
keep. requests (>= 2.28, requirements.txt) accepts urllib3 1.26 and 2.x; an execution environment whose base image
carries the system's urllib3 1.26 keeps it when ansible-builder installs requests. So every test of
test_transport.py runs again here, in a child pytest, under the oldest release of each line requests supports
(the installed urllib3, of .venv and the 2.16/2.21 venvs, runs them in the ordinary run). Under urllib3 1.26 they
found two defects, now fixed: a host name mismatch raised urllib3's own CertificateError, retried as a network
error, and the SSL_CERT_FILE trust context refused to connect to an IP address.

The wheel comes from the package index pip is configured with (cached by pip); where it cannot be had, the test is
skipped, loudly, unless CI=true, where it fails.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
TRANSPORT_TESTS = os.path.join("tests", "unit", "plugins", "module_utils", "test_transport.py")
# The oldest release of each urllib3 line requests accepts (urllib3<3,>=1.26 for requests 2.34)
URLLIB3_LINES = ["1.26.20", "2.0.7"]


def _install(version, target):
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
               "--target", str(target), "urllib3==%s" % version]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if completed.returncode != 0:
        reason = "urllib3 %s could not be installed: %s" % (version, (completed.stderr or completed.stdout).strip()[-500:])
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip("******** SKIPPED: " + reason)


@pytest.mark.slow
@pytest.mark.parametrize("version", URLLIB3_LINES)
def test_the_transport_tests_pass_under_each_urllib3_line(version, tmp_path):
    target = tmp_path / ("urllib3-" + version)
    _install(version, target)
    env = dict((name, value) for name, value in os.environ.items() if not name.startswith(("PYTEST_", "COV_")))
    env["PYTHONPATH"] = os.pathsep.join([str(target)] + [part for part in [os.environ.get("PYTHONPATH")] if part])
    used = subprocess.run([sys.executable, "-c", "import urllib3, requests; print(urllib3.__version__)"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    assert used == version
    completed = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-o",
                                "addopts=", TRANSPORT_TESTS], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
                               check=False)
    summary = completed.stdout.strip().splitlines()[-1:] or [completed.stderr[-300:]]
    assert completed.returncode == 0, "under urllib3 %s: %s\n%s" % (version, summary[0], completed.stdout[-6000:])
    assert " passed" in summary[0] and "skipped" not in summary[0], summary
