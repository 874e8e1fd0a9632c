"""Fixtures: a Codegen emulator on loopback sharing the transport's virtual clock, and agents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from codegen_helpers import ORG_ID, REPOS, TOKEN, make_agent

from codegen import Agent
from graph_sitter.http import SleepRecorder
from graph_sitter.http import sleep as http_sleep
from graph_sitter.http import testing as sleep_testing
from graph_sitter.testing import CodegenEmulator


@pytest.fixture
def sleeps() -> Iterator[SleepRecorder]:
    """Test mode: sleeps are recorded and advance a virtual clock instead of passing."""
    with sleep_testing() as recorder:
        yield recorder


@pytest.fixture
def emu(sleeps: SleepRecorder) -> Iterator[CodegenEmulator]:
    """The emulator reads the same clock as the SDK (``graph_sitter.http.sleep.monotonic``),
    so the virtual time the SDK 'sleeps' also moves the emulator's rate-limit windows."""
    with CodegenEmulator(
        token=TOKEN, org_id=ORG_ID, repos=REPOS, clock=http_sleep.monotonic
    ) as emulator:
        yield emulator


@pytest.fixture
def agent(emu: CodegenEmulator) -> Iterator[Agent]:
    with make_agent(emu) as client:
        yield client
