"""`graph-sitter providers status`: live statistics of the provider in use, numbers whole."""

from __future__ import annotations

import gc
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph_sitter.ai.errors import AIProviderError
from graph_sitter.ai.providers import create_ai_provider
from graph_sitter.cli.main import cli
from graph_sitter.testing import HTTPError, OpenAIEmulator

API_KEY = "sk-test-emulator-key-0123456789"


def _clean_env(extra: dict[str, str]) -> dict[str, str | None]:
    env: dict[str, str | None] = {
        name: None
        for name in os.environ
        if name.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_"))
    }
    env.update(extra)
    return env


def test_status_shows_requests_error_rate_and_p50_of_the_live_provider(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    gc.collect()  # providers of earlier tests (garbage in cycles) leave the live registry
    with OpenAIEmulator(api_key=API_KEY) as emulator:
        env = {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": emulator.base_url}
        live = create_ai_provider("openai", env=env, env_file=None)
        with live:
            for _ in range(3):
                live.generate_response("hi")
            emulator.queue_fault(HTTPError(400), path="*/chat/completions")
            with pytest.raises(AIProviderError):
                live.generate_response("bad")
            result = CliRunner().invoke(
                cli,
                ["providers", "status", "--no-validate"],
                env=_clean_env({**env, "COLUMNS": "80"}),
            )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines), result.output
    header = next(line for line in lines if "provider" in line and "requests" in line)
    assert "error rate" in header and "p50 ms" in header
    row = next(line for line in lines if line.split()[:1] == ["openai"])
    match = re.search(r"\b4\s+25\.0%\s+([\d,]+)\b", row)
    assert match is not None, row
    stats = live.get_enhanced_stats()
    assert f"{stats['latency_ms']['p50']:,.0f}" == match.group(1)
    anthropic = next(line for line in lines if line.split()[:1] == ["anthropic"])
    assert re.search(r"no\s+-\s+no\s+-\s+-\s+-", anthropic), anthropic  # nothing alive


def test_status_json_carries_the_latency_percentiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with OpenAIEmulator(api_key=API_KEY) as emulator:
        env = {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": emulator.base_url}
        with create_ai_provider("openai", env=env, env_file=None) as live:
            live.generate_response("hi")
            result = CliRunner().invoke(
                cli, ["providers", "status", "--no-validate", "--json"], env=_clean_env(env)
            )
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)["openai"]["stats"]
    assert stats["request_count"] == 1 and stats["error_rate"] == 0.0
    assert stats["latency_ms"]["p50"] > 0


def test_without_a_live_provider_the_reason_stays_visible_at_80_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    gc.collect()  # providers of earlier tests are gone from the live registry
    result = CliRunner().invoke(
        cli, ["providers", "status", "--no-validate"], env=_clean_env({"COLUMNS": "80"})
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= 80 for line in lines), result.output
    row = next(line for line in lines if line.split()[:1] == ["openai"])
    assert "no credentials configured" in row
    assert "no provider is in use in this process: no live statistics" in result.output
