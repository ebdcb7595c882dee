"""Fixtures of the emulator's own tests: the vendor SDK, the test oracle (the session's emulator comes from
tests/conftest.py)."""

import pytest

from sdk_oracle import load_sdk


@pytest.fixture(name="sdk", scope="session")
def sdk_fixture(tmp_path_factory):
    """The SDK modules (see sdk_oracle.load_sdk), or a skip where the SDK is not installed."""
    pytest.importorskip("huaweicloudsdkmrs")
    return load_sdk(tmp_path_factory.mktemp("sdk-home"))
