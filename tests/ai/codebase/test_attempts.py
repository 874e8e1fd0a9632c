"""The ledger records every attempt: an outage survived by a fallback stays visible."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from ai_helpers import API_KEY

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai, usage
from graph_sitter.ai.attempts import AttemptRecord
from graph_sitter.ai.errors import ProviderUnavailableError
from graph_sitter.ai.usage import SCHEMA_VERSION, UsageLedger, UsageRecord
from graph_sitter.dashboard.metrics import ledger_metrics
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import AnthropicEmulator, HTTPError, OpenAIEmulator, SlowFirstByte


def both_vendors(
    cb: Codebase, openai: OpenAIEmulator, anthropic: AnthropicEmulator, state_dir: Path
) -> None:
    env = {
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": openai.base_url,
        "ANTHROPIC_API_KEY": API_KEY,
        "ANTHROPIC_BASE_URL": anthropic.base_url,
    }
    cb.set_session_options(env=env, env_file=None, state_dir=state_dir, cache=False)


def test_outage_then_fallback_records_each_attempt_with_its_own_latency(
    shop: Codebase, state_dir: Path, sleeps: SleepRecorder
) -> None:
    with OpenAIEmulator(api_key=API_KEY) as openai, AnthropicEmulator(api_key=API_KEY) as claude:
        both_vendors(shop, openai, claude, state_dir)
        openai.queue_fault(HTTPError(503), path="*/chat/completions", times=3)
        # Anthropic answers, taking >= 0.3 s of its own
        claude.queue_fault(SlowFirstByte(0.3, reply="from claude"), path="*/messages")
        started = time.time()
        answer = shop.ai("Explain", target=shop.get_function("checkout"))
        codebase_ai.close(shop)
    assert answer == "from claude"
    (row,) = usage.records(path=state_dir / "usage.sqlite3")
    assert (row.status, row.provider, row.retries) == ("ok", "Anthropic", 3)
    shape = [(a.provider, a.attempt, a.status, a.error, a.status_code) for a in row.attempts]
    assert shape == [
        ("OpenAI", 1, "error", "ProviderUnavailableError", 503),
        ("OpenAI", 2, "error", "ProviderUnavailableError", 503),
        ("OpenAI", 3, "error", "ProviderUnavailableError", 503),
        ("Anthropic", 1, "ok", None, 200),
    ]
    *failed, answered = row.attempts
    assert answered.latency_s >= 0.3 and all(a.latency_s < 0.3 for a in failed)
    assert sum(a.latency_s for a in row.attempts) <= row.latency_s + 0.01
    assert answered.total_tokens == row.total_tokens > 0 and answered.cost_usd == row.cost_usd
    assert all(a.total_tokens == 0 and a.cost_usd is None for a in failed)
    assert all(started <= a.ts <= row.ts + 0.01 for a in row.attempts)

    total = usage.summary(path=state_dir / "usage.sqlite3")
    assert (total["requests"], total["errors"], total["attempts"], total["failed_attempts"]) == (
        1,
        0,
        4,
        3,
    )
    openai_row, claude_row = total["by_provider"]["OpenAI"], total["by_provider"]["Anthropic"]
    assert (openai_row["requests"], openai_row["attempts"], openai_row["errors"]) == (1, 3, 3)
    assert openai_row["retries"] == 2 and openai_row["total_tokens"] == 0
    assert (claude_row["requests"], claude_row["attempts"], claude_row["errors"]) == (1, 1, 0)
    assert claude_row["latency_ms"]["p50"] >= 300 > openai_row["latency_ms"]["p50"]

    dash = ledger_metrics([row], now=time.time() + 1, window=3600)
    assert dash["totals"]["requests"] == 1 and dash["totals"]["errors"] == 0
    assert dash["totals"]["failed_attempts"] == 3
    assert dash["by_provider"]["OpenAI"]["errors"] == 3
    assert dash["by_provider"]["OpenAI"]["last_status"] == "ProviderUnavailableError"
    assert dash["by_provider"]["Anthropic"]["last_status"] == "ok"


def test_a_request_that_fails_everywhere_lists_every_provider(
    shop: Codebase, state_dir: Path, sleeps: SleepRecorder
) -> None:
    with OpenAIEmulator(api_key=API_KEY) as openai, AnthropicEmulator(api_key=API_KEY) as claude:
        both_vendors(shop, openai, claude, state_dir)
        openai.queue_fault(HTTPError(500), path="*/chat/completions", times=3)
        claude.queue_fault(HTTPError(529), path="*/messages", times=3)
        with pytest.raises(ProviderUnavailableError):
            shop.ai("Explain", target=shop.get_function("checkout"))
        codebase_ai.close(shop)
    (row,) = usage.records(path=state_dir / "usage.sqlite3")
    assert row.status == "ProviderUnavailableError" and row.provider == "Anthropic"
    assert [(a.provider, a.status_code) for a in row.attempts] == [
        ("OpenAI", 500),
        ("OpenAI", 500),
        ("OpenAI", 500),
        ("Anthropic", 529),
        ("Anthropic", 529),
        ("Anthropic", 529),
    ]
    total = usage.summary(path=state_dir / "usage.sqlite3")
    assert (total["requests"], total["errors"], total["failed_attempts"]) == (1, 1, 6)


V1_SCHEMA = (
    "CREATE TABLE requests (id INTEGER PRIMARY KEY, ts REAL NOT NULL, operation TEXT, "
    "provider TEXT, model TEXT, prompt_tokens INTEGER, completion_tokens INTEGER, "
    "total_tokens INTEGER, cost_usd REAL, latency_s REAL, status TEXT, retries INTEGER, "
    "cached INTEGER, request_id TEXT)"
)


def test_a_ledger_written_before_attempts_is_migrated_and_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    now = time.time()
    db = sqlite3.connect(path)
    db.execute(V1_SCHEMA)
    db.execute(
        "INSERT INTO requests (ts, operation, provider, model, prompt_tokens, "
        "completion_tokens, total_tokens, cost_usd, latency_s, status, retries, cached, "
        "request_id) VALUES (?, 'ask', 'OpenAI', 'gpt-4o-mini', 10, 5, 15, 0.001, 0.25, "
        "'ProviderTimeoutError', 1, 0, 'req-old')",
        (now - 10,),
    )
    db.commit()
    db.close()

    (old,) = usage.records(path=path)
    assert (old.provider, old.status, old.retries, old.attempts) == (
        "OpenAI",
        "ProviderTimeoutError",
        1,
        (),
    )
    with sqlite3.connect(path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    attempt = AttemptRecord(ts=now, provider="Anthropic", model="claude-x", latency_s=0.1)
    with UsageLedger(path) as ledger:
        ledger.record(
            UsageRecord(
                ts=now, operation="ask", provider="Anthropic", model="claude-x", attempts=(attempt,)
            )
        )
    rows = list(usage.records(path=path))
    assert [r.attempts for r in rows] == [(), (attempt,)]
    total = usage.summary(path=path)
    assert (total["requests"], total["errors"], total["attempts"]) == (2, 1, 2)
    # the old row stands for one attempt of its own
    assert total["by_provider"]["OpenAI"]["errors"] == 1
    assert total["by_provider"]["OpenAI"]["latency_ms"]["p50"] == 250.0
    assert total["by_provider"]["Anthropic"]["errors"] == 0


def test_a_failed_insert_leaves_neither_the_request_nor_its_attempts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "usage.sqlite3"
    bad = AttemptRecord(ts=time.time(), provider="OpenAI", model="m", latency_s=object())  # type: ignore[arg-type]
    with UsageLedger(path) as ledger, caplog.at_level("WARNING", logger="graph_sitter.ai"):
        # a failed write is logged, never raised (the caller keeps its answer) ...
        ledger.record(
            UsageRecord(ts=time.time(), operation="ask", provider="OpenAI", model="m",
                        attempts=(bad,))
        )  # fmt: skip
        assert "ai.ledger_write_failed" in caplog.text
        # ... and the transaction left neither the request nor its attempts behind
        assert ledger.records() == []
