"""Damaged SQLite state never costs a paid answer: a corrupt store is moved aside and
recreated (one warning), and a failed ledger or cache write is logged, not raised."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
from ai_helpers import EchoEmulator, session_for
from click.testing import CliRunner

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai, usage
from graph_sitter.ai.batch import BatchItem, BatchJournal
from graph_sitter.ai.cache import SQLiteCacheStore
from graph_sitter.ai.usage import UsageLedger
from graph_sitter.cli.main import cli
from graph_sitter.dashboard import DashboardServer
from graph_sitter.http import SleepRecorder

GARBAGE = b"this is not a database, it is what a bad disk or a stray write leaves" * 200


def _corrupt_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.corrupt-*"))


@pytest.mark.parametrize("name", ["usage.sqlite3", "responses.sqlite3", "batches.sqlite3"])
def test_corrupt_store_is_moved_aside_and_the_answer_kept(
    shop: Codebase,
    echo_emu: EchoEmulator,
    state_dir: Path,
    sleeps: SleepRecorder,
    caplog: pytest.LogCaptureFixture,
    name: str,
) -> None:
    store = state_dir / name
    store.write_bytes(GARBAGE)
    session_for(shop, echo_emu, state_dir)
    fns = [shop.get_function("checkout"), shop.get_function("apply_tax")]
    with caplog.at_level(logging.WARNING, logger="graph_sitter.ai"):
        first = shop.ai("Explain", target=fns[0])
        assert first  # the provider answered and the answer came back
        assert shop.ai_map("Summarise", fns) == [first, shop.ai("Summarise", target=fns[1])]
        shop.ai("Explain", target=fns[0])
    codebase_ai.close(shop)
    moved = _corrupt_copies(store)
    assert len(moved) == 1 and moved[0].read_bytes() == GARBAGE
    assert caplog.text.count("ai.store_reset") == 1  # one warning, naming where it went
    assert str(moved[0]) in caplog.text
    with sqlite3.connect(store) as db:  # a working store was recreated in place
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def _refuse_writes(path: Path, table: str) -> None:
    """A real SQLite write failure (as a full disk would give) on every insert."""
    with sqlite3.connect(path) as db:
        db.execute(
            f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END"
        )


def test_failed_ledger_and_cache_writes_never_lose_the_answer(
    shop: Codebase,
    echo_emu: EchoEmulator,
    state_dir: Path,
    sleeps: SleepRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    UsageLedger(state_dir / "usage.sqlite3").close()
    SQLiteCacheStore(state_dir / "responses.sqlite3").close()
    BatchJournal(state_dir / "batches.sqlite3").close()
    _refuse_writes(state_dir / "usage.sqlite3", "requests")
    _refuse_writes(state_dir / "responses.sqlite3", "responses")
    _refuse_writes(state_dir / "batches.sqlite3", "items")
    session_for(shop, echo_emu, state_dir)
    fns = [shop.get_function("checkout"), shop.get_function("apply_tax")]
    with caplog.at_level(logging.WARNING, logger="graph_sitter.ai"):
        answer = shop.ai("Explain", target=fns[0])
        mapped = shop.ai_map("Summarise", fns)
    codebase_ai.close(shop)
    assert answer and all(mapped)
    assert "ai.ledger_write_failed" in caplog.text
    assert "ai.cache_write_failed" in caplog.text
    assert "ai.batch_journal_write_failed" in caplog.text
    assert not _corrupt_copies(state_dir / "usage.sqlite3")  # a write error is not corruption


def test_journal_and_cache_recover_from_corruption_directly(tmp_path: Path) -> None:
    journal_path = tmp_path / "batches.sqlite3"
    journal_path.write_bytes(GARBAGE)
    journal = BatchJournal(journal_path)
    journal.record("b", BatchItem(index=0, name="f", key="k", payload="p"), "answer")
    assert journal.finished("b") == {"k": "answer"}
    journal.close()
    cache_path = tmp_path / "responses.sqlite3"
    cache_path.write_bytes(GARBAGE)
    with SQLiteCacheStore(cache_path) as cache:
        assert cache.reset_from is not None
        cache.set("k", {"content": "x"})
        assert cache.get("k") == {"content": "x"}


def test_usage_command_and_dashboard_say_the_ledger_was_reset(tmp_path: Path) -> None:
    ledger = tmp_path / "state" / "usage.sqlite3"
    ledger.parent.mkdir()
    ledger.write_bytes(GARBAGE)
    env = {"GRAPH_SITTER_AI_USAGE_DB": str(ledger)}
    result = CliRunner().invoke(cli, ["usage", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["requests"] == 0 and data["ledger_reset"].startswith(str(ledger) + ".corrupt-")
    ledger.write_bytes(GARBAGE)
    text = CliRunner().invoke(cli, ["usage"], env=env)
    assert text.exit_code == 0 and "was corrupt" in text.output
    assert len(_corrupt_copies(ledger)) == 2  # the earlier copy is never overwritten

    ledger.write_bytes(GARBAGE)
    with DashboardServer(
        port=0, ledger_path=ledger, env={}, env_file=None, monitor_interval=60.0
    ) as server:
        import httpx

        response = httpx.get(server.url + "/api/summary", timeout=10.0)
    assert response.status_code == 200
    reset = response.json()["ledger"]["reset_from"]
    assert reset is not None and reset.startswith(str(ledger) + ".corrupt-")
    assert usage.summary(path=ledger)["requests"] == 0


def test_bad_ledger_setting_fails_before_any_paid_request(
    shop: Codebase, echo_emu: EchoEmulator, state_dir: Path, tmp_path: Path, sleeps: SleepRecorder
) -> None:
    from graph_sitter.ai.errors import ProviderConfigurationError

    session_for(shop, echo_emu, state_dir, extra_env={"GRAPH_SITTER_AI_USAGE_DB": str(tmp_path)})
    with pytest.raises(ProviderConfigurationError, match="GRAPH_SITTER_AI_USAGE_DB"):
        shop.ai("Explain", target=shop.get_function("checkout"))
    codebase_ai.close(shop)
    assert not [r for r in echo_emu.requests if r.path.endswith("/chat/completions")]
