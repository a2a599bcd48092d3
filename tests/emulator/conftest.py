# Copyright: (c) 2026, capgo.cloud maintainers
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the emulator tests: one emulator per test module, reset before each test."""
# pylint: disable=redefined-outer-name

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emu_testlib import CapgoEmulator, Client, make_seed  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="module")
def emu():
    emulator = CapgoEmulator(seed=make_seed(), control=True)
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture()
def api(emu):
    emu.reset(make_seed())
    emu.set_faults(fault_429_every=0, fault_503_every=0, drop_after_post_every=0, latency_ms=0, hang=False, retry_after=1)
    emu.clear_log()
    return Client(emu)
