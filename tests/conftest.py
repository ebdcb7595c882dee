"""Shared fixtures: one MRS emulator process for the test session, reset before every test that asks for it."""

import os
import sys

import pytest

# the emulator and its harness live in emulator/ at the collection's root (a shipped tool, not a test)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "emulator"))

from harness import start_emulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(name="emulator", scope="session")
def emulator_fixture():
    """The session's emulator (scale operations take 1 s unless a cluster says otherwise)."""
    with start_emulator(scale_seconds=1) as running:
        yield running


@pytest.fixture(name="mrs")
def mrs_fixture(emulator):
    """The session's emulator, emptied: no clusters, faults or logged requests."""
    emulator.reset()
    return emulator
