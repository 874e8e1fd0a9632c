"""Fixtures: a usage ledger seeded through the ledger API, and a dashboard on port 0."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_helpers import SEED, record

from graph_sitter.ai.usage import UsageLedger
from graph_sitter.dashboard import DashboardServer


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    """A ledger with :data:`SEED` (one row every 150 s, the last a minute ago), via the API."""
    path = tmp_path / "state" / "usage.sqlite3"
    now = time.time()
    with UsageLedger(path) as ledger:
        for i, row in enumerate(SEED):
            ledger.record(record(*row, ts=now - 60 - (len(SEED) - 1 - i) * 150))
    return path


@pytest.fixture
def dashboard(ledger_path: Path) -> Iterator[DashboardServer]:
    """A dashboard on a free port reading the seeded ledger, with no credentials anywhere."""
    with DashboardServer(
        port=0,
        ledger_path=ledger_path,
        env={},
        env_file=None,
        refresh_seconds=0.5,
        monitor_interval=60.0,
    ) as server:
        yield server
