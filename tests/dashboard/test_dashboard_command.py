"""`graph-sitter dashboard` through the installed console script."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ENTRY = str(Path(sys.executable).parent / "graph-sitter")
CLEAN_ENV = {
    k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_"))
}


@contextmanager
def dashboard(*args: str, cwd: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start the command; yield it and the URL from its ready line."""
    proc = subprocess.Popen(
        [ENTRY, "dashboard", "--port", "0", "--no-validate", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=CLEAN_ENV, cwd=cwd,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Dashboard at http://"), line
        yield proc, line.split()[2]
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_serves_the_ledger_and_stops_on_ctrl_c(ledger_path: Path, tmp_path: Path) -> None:
    with dashboard("--ledger", str(ledger_path), cwd=tmp_path) as (proc, url):
        assert url.startswith("http://127.0.0.1:")
        summary = httpx.get(f"{url}api/summary", timeout=10).json()
        assert summary["totals"]["requests"] == 8
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None
        assert proc.stderr.read().strip() == "Stopped."


def test_warns_in_one_line_when_not_bound_to_loopback(tmp_path: Path) -> None:
    with dashboard("--host", "0.0.0.0", "--ledger", str(tmp_path / "u.db"), cwd=tmp_path) as (
        proc,
        url,
    ):
        assert url.startswith("http://0.0.0.0:")
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stderr is not None
        lines = proc.stderr.read().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Warning: binding to 0.0.0.0:")
