"""The usage ledger: every request (errors and cache hits included), summary(since=...), off."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from ai_helpers import EchoEmulator, session_for

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai, usage
from graph_sitter.ai.errors import ModelNotFoundError
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import HTTPError


def test_every_request_is_recorded_and_summarised(
    shop: Codebase, echo_emu: EchoEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    session_for(shop, echo_emu, state_dir)
    fn = shop.get_function("checkout")
    started = time.time()
    shop.ai("Explain", target=fn)
    shop.ai("Explain", target=fn)  # cache hit
    echo_emu.queue_fault(HTTPError(500), path="/v1/chat/completions")  # one retry
    shop.ai("Why?", target=fn)
    echo_emu.queue_fault(HTTPError(404, code="model_not_found"), path="/v1/chat/completions")
    with pytest.raises(ModelNotFoundError):
        shop.ai("Explain", target=fn, model="gpt-missing")
    codebase_ai.close(shop)
    ledger = state_dir / "usage.sqlite3"
    rows = list(usage.records(path=ledger))
    assert [(r.status, r.cached, r.retries) for r in rows] == [
        ("ok", False, 0),
        ("ok", True, 0),
        ("ok", False, 1),
        ("ModelNotFoundError", False, 0),
    ]
    assert rows[0].provider == "OpenAI" and rows[0].model == "gpt-4o-mini"
    assert rows[0].prompt_tokens > 0 and rows[0].cost_usd and rows[1].cost_usd == 0.0
    assert rows[3].model == "gpt-missing" and rows[0].operation == "ask"
    total = usage.summary(path=ledger)
    assert (total["requests"], total["vendor_requests"], total["cache_hits"]) == (4, 3, 1)
    assert total["errors"] == 1 and total["retries"] == 1
    assert total["total_tokens"] == rows[0].total_tokens + rows[2].total_tokens
    assert set(total["by_provider"]) == {"OpenAI"}
    assert total["by_model"]["gpt-missing"]["errors"] == 1
    assert usage.summary(since=started - 1, path=ledger)["requests"] == 4
    assert usage.summary(since=dt.timedelta(hours=1), path=ledger)["requests"] == 4
    future = dt.datetime.now() + dt.timedelta(minutes=5)
    assert usage.summary(since=future.isoformat(), path=ledger)["requests"] == 0


def test_ledger_off_with_one_setting(
    echo_emu: EchoEmulator, tmp_path: Path, sleeps: SleepRecorder
) -> None:
    base = tmp_path / "cache-home"
    env_off = {"GRAPH_SITTER_CACHE_DIR": str(base), "GRAPH_SITTER_AI_USAGE": "off"}
    cb = Codebase.from_files({"a.py": "def f():\n    return 1\n"})
    cb.set_session_options(
        env={"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": echo_emu.base_url, **env_off},
        env_file=None,
        cache=False,
    )
    echo_emu.api_key = None
    try:
        cb.ai("hello")
    finally:
        codebase_ai.close(cb)
    assert usage.default_ledger_path(env_off) is None
    assert not (base / "ai" / "usage.sqlite3").exists()
    assert usage.summary(env=env_off)["requests"] == 0
    env_on = {"GRAPH_SITTER_CACHE_DIR": str(base)}
    assert usage.default_ledger_path(env_on) == base / "ai" / "usage.sqlite3"
