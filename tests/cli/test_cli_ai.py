"""`ai`, `ai-map` and `usage` through the installed console script, against a local OpenAI
emulator started in this process (its URL and key reach the subprocess via the environment)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_sitter.testing import HTTPError, OpenAIEmulator

ENTRY = str(Path(sys.executable).parent / "graph-sitter")
KEY = "sk-test-cli-ai-0123456789abcdef"
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_"))
}
PROJECT = {
    "shop/pricing.py": '''\
TAX = 0.2


def apply_tax(amount: float) -> float:
    return amount * (1 + TAX)


def total(prices: list[float]) -> float:
    """Sum with tax."""
    return apply_tax(sum(prices))
''',
    "shop/models.py": """\
from shop.pricing import total


class Cart:
    def __init__(self) -> None:
        self.prices: list[float] = []

    def checkout(self) -> float:
        return total(self.prices)
""",
}
NEW_TOTAL = 'def total(prices: list[float]) -> float:\n    """Sum with tax."""\n    return 0.0\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for rel, text in PROJECT.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def emu() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator(api_key=KEY) as emulator:
        yield emulator


def env_for(tmp_path: Path, emu: OpenAIEmulator | None) -> dict[str, str]:
    env = {**CLEAN_ENV, "GRAPH_SITTER_CACHE_DIR": str(tmp_path / "state")}
    if emu is not None:
        env.update(OPENAI_API_KEY=KEY, OPENAI_BASE_URL=emu.base_url)
    return env


def run(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [ENTRY, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )
    assert KEY not in out.stdout + out.stderr  # the key is never printed
    assert "Traceback" not in out.stderr
    return out


def chats(emu: OpenAIEmulator) -> list[str]:
    """The user message of every chat request the emulator received."""
    found = []
    for request in emu.requests:
        if request.path.endswith("/chat/completions"):
            assert request.json is not None
            found.append(str(request.json["messages"][-1]["content"]))
    return found


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("error:", "Error:"))]


def test_ai_answers_with_graph_context_and_usage_reports_it(
    tmp_path: Path, project: Path, emu: OpenAIEmulator
) -> None:
    env = env_for(tmp_path, emu)
    emu.queue_reply("It sums the prices and adds tax.")
    target = "shop/pricing.py::total"
    out = run(
        env, "ai", "Explain", "--target", target, "--path", str(project), "--json", cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["answer"] == "It sums the prices and adds tax."
    assert (data["target"], data["file"], data["provider"]) == (
        "total",
        "shop/pricing.py",
        "OpenAI",
    )
    (sent,) = chats(emu)
    assert "def total(prices" in sent and "def apply_tax" in sent  # target plus graph context
    # plain output: the answer on stdout, the provider line on stderr
    emu.queue_reply("Second answer.")
    out = run(env, "ai", "Explain briefly", "-t", target, "--path", str(project), cwd=tmp_path)
    assert out.returncode == 0 and out.stdout == "Second answer.\n"
    assert "OpenAI" in out.stderr
    usage = run(env, "usage", "--since", "1h", "--json", cwd=tmp_path)
    assert usage.returncode == 0, usage.stderr
    summary = json.loads(usage.stdout)
    assert summary["requests"] == 2 and summary["total_tokens"] > 0
    assert summary["by_provider"]["OpenAI"]["requests"] == 2
    assert summary["ledger"] == str(tmp_path / "state" / "ai" / "usage.sqlite3")
    table = run(env, "usage", cwd=tmp_path)
    assert table.returncode == 0 and "OpenAI" in table.stdout and "2 requests" in table.stdout
    future = run(env, "usage", "--since", "2999-01-01", "--json", cwd=tmp_path)
    assert json.loads(future.stdout)["requests"] == 0


def test_apply_writes_the_file_and_dry_run_does_not(
    tmp_path: Path, project: Path, emu: OpenAIEmulator
) -> None:
    env = env_for(tmp_path, emu)
    pricing = project / "shop" / "pricing.py"
    before = pricing.read_text()
    args = ("ai", "Return zero", "--target", "shop/pricing.py::total", "--path", str(project))
    emu.queue_reply(f"```python\n{NEW_TOTAL}```")
    dry = run(env, *args, "--apply", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "-    return apply_tax(sum(prices))" in dry.stdout and "+    return 0.0" in dry.stdout
    assert "nothing was written" in dry.stderr
    assert pricing.read_text() == before
    emu.queue_reply(NEW_TOTAL)
    applied = run(env, *args, "--apply", "--json", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    data = json.loads(applied.stdout)
    assert data["applied"] is True and data["files"] == ["shop/pricing.py"]
    assert pricing.read_text() == before.replace("return apply_tax(sum(prices))", "return 0.0")
    # a reply that is not a replacement of the target changes nothing and exits 1
    emu.queue_reply("Sure! I would return zero.")
    bad = run(env, "ai", "x", "-t", "shop/models.py::Cart.checkout", "--path", str(project),
              "--apply", cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 1
    assert error_lines(bad.stderr)[0].startswith("Error: the reply cannot replace")
    assert "return total(self.prices)" in (project / "shop" / "models.py").read_text()


def test_ai_errors_are_one_line_with_reliable_exit_codes(
    tmp_path: Path, project: Path, emu: OpenAIEmulator
) -> None:
    env = env_for(tmp_path, emu)
    root = ("--path", str(project))
    missing = run(env, "ai", "Explain", "-t", "shop/pricing.py::totl", *root, cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.strip().splitlines() == [
        "Error: No function named 'shop/pricing.py::totl' in this codebase. Did you mean: total?"
    ]
    no_file = run(env, "ai", "Explain", "-t", "shop/pricng.py::total", *root, cwd=tmp_path)
    assert no_file.returncode == 1 and "shop/pricing.py" in error_lines(no_file.stderr)[0]
    usage_error = run(env, "ai", "Explain", "--apply", *root, cwd=tmp_path)
    assert (
        usage_error.returncode == 2 and "--apply and --dry-run need --target" in usage_error.stderr
    )
    no_keys = run(env_for(tmp_path, None), "ai", "Explain", "-t", "total", *root, cwd=tmp_path)
    assert no_keys.returncode == 1
    (line,) = error_lines(no_keys.stderr)
    assert line.startswith("Error: ") and "OPENAI_API_KEY" in line
    bad_since = run(env, "usage", "--since", "yesterday", cwd=tmp_path)
    assert bad_since.returncode == 2 and "neither a duration" in bad_since.stderr
    assert chats(emu) == []  # none of these reached the provider


def test_ai_map_selects_by_query_and_resumes_with_the_same_results_file(
    tmp_path: Path, project: Path, emu: OpenAIEmulator
) -> None:
    env = env_for(tmp_path, emu)
    results = tmp_path / "out" / "summaries.json"
    results.parent.mkdir()
    query = "pricing.*,methods:Cart.*"
    args = ("ai-map", "Summarise", "--targets", query, "--path", str(project),
            "--results", str(results), "--concurrency", "1", "--no-cache")  # fmt: skip
    emu.queue_fault(HTTPError(400), path="*/chat/completions")  # the first item fails for good
    first = run(env, *args, "--json", cwd=tmp_path)
    assert first.returncode == 1
    data = json.loads(first.stdout)
    targets = [item["target"] for item in data["items"]]
    assert targets == ["Cart.__init__", "Cart.checkout", "apply_tax", "total"]  # file order
    assert [item["status"] for item in data["items"]] == ["error", *["answered"] * 3]
    assert data["items"][0]["error"].startswith("ProviderRequestError")
    assert json.loads(results.read_text())["items"] == data["items"]  # saved as it went
    assert error_lines(first.stderr) == [
        "Error: 1 of 4 item(s) failed; the others are saved: run the same command again to "
        "retry only the failed ones"
    ]
    assert len(chats(emu)) == 4
    emu.clear_requests()
    second = run(env, *args, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    (retried,) = chats(emu)  # only the failed item was requested again
    assert "def __init__(self) -> None:" in retried
    assert "3 already finished, skipped (resumed from" in second.stderr.replace("\n", " ")
    assert "1 requested, 0 failed" in second.stderr
    saved = json.loads(results.read_text())
    assert [i["status"] for i in saved["items"]] == ["answered", *["resumed"] * 3]
    assert saved["error"] == 0 and saved["resumed"] == 3


def test_ai_map_query_errors(tmp_path: Path, project: Path, emu: OpenAIEmulator) -> None:
    env = env_for(tmp_path, emu)
    root = ("--path", str(project))
    bad_kind = run(env, "ai-map", "x", "--targets", "funcs:total", *root, cwd=tmp_path)
    assert bad_kind.returncode == 2 and "unknown kind 'funcs'" in bad_kind.stderr
    nothing = run(env, "ai-map", "x", "--targets", "nomatch_*", *root, cwd=tmp_path)
    assert nothing.returncode == 1
    assert error_lines(nothing.stderr) == [
        "Error: the query 'nomatch_*' selects no functions, methods or classes"
    ]
    in_file = run(env, "ai-map", "x", "--targets", "shop/models.py::*", *root, "--json",
                  cwd=tmp_path)  # fmt: skip
    assert in_file.returncode == 0, in_file.stderr
    names = [item["target"] for item in json.loads(in_file.stdout)["items"]]
    assert names == ["Cart", "Cart.__init__", "Cart.checkout"]


def test_ai_map_stopped_by_max_requests_names_the_flag_and_how_to_resume(
    tmp_path: Path, project: Path, emu: OpenAIEmulator
) -> None:
    env = {**env_for(tmp_path, emu), "COLUMNS": "100"}
    results = tmp_path / "answers.json"
    args = ("ai-map", "Summarise", "--targets", "all", "--path", str(project),
            "--results", str(results), "--concurrency", "1", "--no-cache")  # fmt: skip
    first = run(env, *args, "--max-requests", "2", cwd=tmp_path)
    assert first.returncode == 1
    assert "set_session_options" not in first.stderr and "max_ai_requests" not in first.stderr
    said = " ".join(first.stderr.split())
    assert "Stopped: --max-requests 2 reached; 3 target(s) not asked." in said
    assert f"Saved: 2 finished answer(s) in {results} (resumable from {results}.journal)." in said
    assert "run the same command again with a higher --max-requests (or without it)" in said
    assert first.stdout.count("not asked") == 3 and first.stdout.count("answered") == 2
    saved = json.loads(results.read_text())
    assert saved["stopped"] == {"reason": "max_requests", "max_requests": 2}
    assert [i["status"] for i in saved["items"]].count("pending") == 3
    assert len(chats(emu)) == 2
    emu.clear_requests()
    second = run(env, *args, cwd=tmp_path)  # the same command without the limit
    assert second.returncode == 0, second.stderr
    assert len(chats(emu)) == 3  # only the targets not asked before
    assert "2 already finished, skipped" in " ".join(second.stderr.split())
