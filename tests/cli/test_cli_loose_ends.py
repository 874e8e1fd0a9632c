"""Loose ends of issues 13 and 14, each through the CLI as a user runs it.

Tables of `usage` and `providers` at 80 columns, progress counts while parsing from the cache
and while `ai-map` prepares its requests, the dashboard's warning style, and output in an
ASCII locale.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.progress import Progress, TaskID

from graph_sitter.ai.attempts import AttemptRecord
from graph_sitter.ai.usage import UsageLedger, UsageRecord
from graph_sitter.cli import main
from graph_sitter.testing import OpenAIEmulator

ENTRY = str(Path(sys.executable).parent / "graph-sitter")
TRUNCATED_NUMBER = re.compile(r"[\d$,.]…|…[\d$]")
KEY = "sk-test-loose-ends-0123456789"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_")):
            monkeypatch.delenv(name)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.setenv("GRAPH_SITTER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_fits(text: str, width: int = 80) -> None:
    too_wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert not too_wide, "\n".join(too_wide)
    assert not TRUNCATED_NUMBER.findall(text), text


# -- 1. usage and providers tables at 80 columns ------------------------------------------------
def _attempt(provider: str, model: str, ok: bool, ts: float) -> AttemptRecord:
    return AttemptRecord(
        ts=ts,
        provider=provider,
        model=model,
        attempt=1,
        status="ok" if ok else "error",
        error=None if ok else "ProviderUnavailableError",
        status_code=200 if ok else 503,
        latency_s=12.345 if ok else 1.5,
        prompt_tokens=2_079_012 if ok else 0,
        completion_tokens=731_455 if ok else 0,
        total_tokens=2_810_467 if ok else 0,
        cost_usd=1234.5678 if ok else None,
    )


@pytest.fixture
def big_ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ledger with big numbers: millions of tokens, four-digit costs, an outage survived."""
    path = tmp_path / "state" / "usage.sqlite3"
    now = time.time() - 60
    with UsageLedger(path) as ledger:
        for i in range(40):
            failed = _attempt("OpenAI", "gpt-4o-2024-08-06", False, now + i)
            answered = _attempt("Anthropic", "claude-3-5-sonnet-latest", True, now + i)
            ledger.record(
                UsageRecord(
                    ts=now + i, operation="ask", provider="Anthropic",
                    model="claude-3-5-sonnet-latest", prompt_tokens=2_079_012,
                    completion_tokens=731_455, total_tokens=2_810_467, cost_usd=1234.5678,
                    latency_s=14.0, retries=1, attempts=(failed, answered),
                )
            )  # fmt: skip
    monkeypatch.setenv("GRAPH_SITTER_AI_USAGE_DB", str(path))
    return path


def test_usage_tables_keep_numbers_whole_at_80_columns(
    capsys: pytest.CaptureFixture[str], big_ledger: Path
) -> None:
    code, out, err = cli(capsys, "usage")
    assert code == 0, err
    assert_fits(out)
    assert "29,258,200" in out  # 40 requests' output tokens, whole
    assert out.count("$49,382.7120") == 3  # the cost: the totals and both tables, whole
    assert "not shown at this width" in out and "--wide" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    assert rows["OpenAI"][1:4] == ["40", "40", "40"]  # reqs, attempts, failed: the outage
    code, wide, _ = cli(capsys, "usage", "--wide")
    assert code == 0 and "tok out" in wide and "cached" in wide
    assert not TRUNCATED_NUMBER.findall(wide)


def test_providers_tables_fit_80_columns(tmp_path: Path) -> None:
    # A fresh process: no provider is live (no statistics columns), as for a user's first call.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "COLUMNS"))
    }
    env.update(OPENAI_API_KEY=KEY, OPENAI_BASE_URL="http://127.0.0.1:9/v1")  # nothing listens

    def run(*args: str, columns: int) -> str:
        done = subprocess.run(
            [ENTRY, *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**env, "COLUMNS": str(columns)},
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    out = run("providers", "status", columns=80)
    assert_fits(out)
    assert "could not be reached" in " ".join(out.split())  # the error column folds, whole
    assert KEY not in out
    out = run("providers", "status", columns=50)
    assert_fits(out, 50)
    assert "not shown at this width: error" in out  # the low-value column goes first
    out = run("providers", "compare", "--no-validate", columns=50)
    assert_fits(out, 50)
    assert re.search(r"openai\s+20\s+yes", out), out


# -- 2. and 3. progress counts -------------------------------------------------------------------
@pytest.fixture
def progress_updates(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, float]]]:
    """Every ``(description, completed)`` a progress bar of the CLI goes through."""
    seen: list[tuple[str, float]] = []
    original = Progress.update

    def update(self: Progress, task_id: TaskID, **kwargs: Any) -> None:
        original(self, task_id, **kwargs)
        task = next(t for t in self.tasks if t.id == task_id)
        seen.append((str(task.description), task.completed))

    monkeypatch.setattr(Progress, "update", update)
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # stderr counts as a terminal: progress is shown
    yield seen


def test_parsing_from_the_cache_moves_the_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, progress_updates: list[tuple[str, float]]
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    for i in range(200):
        (root / f"m{i}.py").write_text(f"def f{i}():\n    return {i}\n", encoding="utf-8")
    assert cli(capsys, "symbols", str(root), "--json")[0] == 0  # fills the parse cache
    progress_updates.clear()
    assert cli(capsys, "symbols", str(root))[0] == 0
    parsing = [done for label, done in progress_updates if label == "Parsing files"]
    assert 64 in parsing and 128 in parsing and parsing[-1] == 200, parsing


def test_ai_map_counts_the_requests_it_prepares(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    progress_updates: list[tuple[str, float]],
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    for i in range(3):
        (root / f"m{i}.py").write_text(f"def f{i}():\n    return {i}\n", encoding="utf-8")
    with OpenAIEmulator(api_key=KEY) as emu:
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", emu.base_url)
        code, _, err = cli(capsys, "ai-map", "Summarise", "--targets", "functions",
                           "--path", str(root))  # fmt: skip
    assert code == 0, err
    preparing = [done for label, done in progress_updates if label.startswith("Preparing 3")]
    assert preparing == [1, 2], progress_updates
    answers = [done for label, done in progress_updates if label == "ai-map"]
    assert answers[0] == 0 and answers[-1] == 3, progress_updates


# -- 4. the dashboard's warning ------------------------------------------------------------------
# (tests/dashboard/test_dashboard_command.py: `Warning: binding to 0.0.0.0: ...`)


# -- 5. output in an ASCII locale ----------------------------------------------------------------
def test_non_ascii_names_print_in_an_ascii_locale(tmp_path: Path) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "m.py").write_text("def café():\n    pass\n\n\ncafé()\n", encoding="utf-8")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_", "LC_"))
    }
    env.update(
        PYTHONIOENCODING="ascii", LC_ALL="C", LANG="C", COLUMNS="80",
        GRAPH_SITTER_CACHE_DIR=str(tmp_path / "cache"),
    )  # fmt: skip
    for args in (["symbols", str(root)], ["symbols", str(root), "--json"],
                 ["usages", str(root), "café"], ["analyze", str(root)],
                 ["usages", str(root), "thé"]):  # fmt: skip
        done = subprocess.run(
            [ENTRY, *args], capture_output=True, env=env, timeout=120, check=False
        )
        if args[-1] == "thé":  # not found: one error line, the argument as the user's bytes
            assert done.returncode == 1 and done.stderr.startswith(b"Error: "), done.stderr
            assert done.stderr.count(b"\n") == 1 and "thé".encode() in done.stderr
            continue
        out, err = done.stdout.decode("ascii"), done.stderr.decode("ascii")  # ASCII only
        assert "Traceback" not in err and "UnicodeEncodeError" not in err, (args, err)
        assert done.returncode == 0, (args, err)
        if args[0] != "analyze":
            assert "caf\\xe9" in out or "caf\\u00e9" in out, (args, out)


# -- 6. the demo's ledger shows the outage it survived -------------------------------------------
def test_demo_ledger_shows_the_injected_outage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "p"
    root.mkdir()
    (root / "m.py").write_text(
        "def helper(x):\n    return str(x)\n\n\ndef run(v):\n    return helper(v)\n\n\n"
        "def main():\n    run(1)\n    run(2)\n",
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "demo", str(root))
    assert code == 0, err
    assert_fits(out)
    assert "(emulated answer) It serialises a value" in out  # the answer, not an empty panel
    assert "retries: 2," in out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if "attempts" in line and "provider" in line)
    assert lines[header].split("┃")[1:6] == [" provider  ", " reqs ", " attempts ", " failed ",
                                             " retries "]  # fmt: skip
    rows = [line.split("│")[1:6] for line in lines[header + 2 : header + 4]]
    cells = [[cell.strip() for cell in row] for row in rows]
    assert cells == [["OpenAI", "1", "3", "3", "2"], ["Anthropic", "1", "1", "0", "0"]], out
