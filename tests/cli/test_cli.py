"""The CLI through its real entry point, in subprocesses: exit codes, JSON, error lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

ENTRY = str(Path(sys.executable).parent / "graph-sitter")  # the installed console script
FIXTURE = Path(__file__).parent.parent / "fixtures" / "python"
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_REDIS"))
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**CLEAN_ENV, "GRAPH_SITTER_CACHE_DIR": "off"}
    return subprocess.run(
        [ENTRY, *args],
        capture_output=True, text=True, env=env, timeout=120, cwd=cwd,
    )  # fmt: skip


def test_analyze_json() -> None:
    out = run("analyze", str(FIXTURE), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["files"] == 6
    assert data["classes"] == 6
    assert data["imports_resolved"] + data["imports_external"] == data["imports"]
    assert data["most_used"][0]["usages"] >= 2


def test_symbols_and_usages_json() -> None:
    out = run("symbols", str(FIXTURE), "--kind", "class", "--json")
    assert out.returncode == 0, out.stderr
    names = {row["name"] for row in json.loads(out.stdout)}
    assert names == {"Item", "Order", "Order.Status", "Gateway", "BaseGateway", "FakeGateway"}
    out = run("usages", str(FIXTURE), "total_price", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["symbol"]["file"] == "src/shop/pricing.py"
    assert [(u["file"], u["line"]) for u in data["usages"]][-1] == (
        "src/shop/payments/gateway.py",
        21,
    )


def test_errors_are_one_clear_line() -> None:
    out = run("usages", str(FIXTURE), "total_prise")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "Error: No function named 'total_prise' in this codebase. Did you mean: total_price?"
    ]
    assert "Traceback" not in out.stderr
    missing = run("analyze", "/nonexistent/folder")
    assert missing.returncode == 2  # usage error: the path does not exist
    assert "Traceback" not in missing.stderr


def test_providers_without_credentials(tmp_path: Path) -> None:
    out = run("providers", "validate", cwd=tmp_path)
    assert out.returncode == 1
    assert "no provider has credentials" in out.stderr
    out = run("providers", "compare", "--json", "--no-validate", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)["summary"]
    assert summary["recommended_provider"] is None
    assert summary["total_providers"] >= 3


def test_emulator_command_serves_openai() -> None:
    env = {**CLEAN_ENV}
    proc = subprocess.Popen(
        [ENTRY, "emulator", "openai", "--port", "0"],
        stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "openai emulator listening on http://127.0.0.1:" in line
        base = line.split(" on ")[1].split()[0]
        models = httpx.get(f"{base}/models", headers={"Authorization": "Bearer k"}, timeout=10)
        assert models.status_code == 200
        assert models.json()["object"] == "list"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


def test_demo_without_credentials_uses_emulators_and_falls_back(tmp_path: Path) -> None:
    out = run("demo", str(FIXTURE), cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    text = " ".join(out.stdout.split())
    assert "using the bundled emulators" in text
    assert "answer from Anthropic" in text and "(emulator)" in text
    # the retries OpenAI made before the fallback are counted, not only the last provider's
    assert "retries: 2," in text
    assert "Providers tried: OpenAI: 3 attempts, failed → Anthropic: 1 attempt, answered" in text
    assert "Usage (from the ledger)" in text
    # library warnings are not printed raw (nor at all by default)
    assert "WARNING" not in out.stderr and "http.give_up" not in out.stderr, out.stderr
    # methods are labelled as methods; usage counts are those of `usages`
    assert "kind: function" not in text
