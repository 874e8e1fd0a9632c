"""`graph-sitter demo` in a real terminal: tmux with an 80x50 window, read back with capture-pane.

Needs tmux (scripts/system_deps.sh installs it); without it the test fails, it is not skipped.
The demo runs on this package's own source (about 90 files: real numbers with thousands
separators, long paths) against the bundled emulators, with a fresh parse cache.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

ENTRY = str(Path(sys.executable).parent / "graph-sitter")
TARGET = Path(__file__).resolve().parents[2] / "src" / "graph_sitter"
WIDTH, HEIGHT = 80, 50
TRUNCATED_NUMBER = re.compile(r"[\d$,.]…|…[\d$]")


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_", "TMUX"))
        and k not in ("COLUMNS", "LINES", "LOG_LEVEL")
    }
    env.update(
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        TERM="xterm-256color",
        HOME=str(tmp_path),
        GRAPH_SITTER_CACHE_DIR=str(tmp_path / "cache"),
    )
    return env


def run_in_tmux(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    """Run the CLI in a detached WIDTHxHEIGHT tmux window; its exit code and every line shown."""
    tmux = shutil.which("tmux")
    assert tmux, "tmux is required for the terminal test: run scripts/system_deps.sh"
    socket = str(tmp_path / "tmux.sock")
    rc_file = tmp_path / "rc"
    env = _clean_env(tmp_path)
    command = (
        f"{shlex.join([ENTRY, *args])}; echo $? > {shlex.quote(str(rc_file))}; "
        f"{shlex.quote(tmux)} -S {shlex.quote(socket)} wait-for -S demo-done; sleep 600"
    )
    base = [tmux, "-u", "-S", socket]
    # The window has its size before the command starts: the CLI sees an 80-column tty.
    subprocess.run(
        [*base, "new-session", "-d", "-s", "demo", "-x", str(WIDTH), "-y", str(HEIGHT), command],
        check=True, env=env, cwd=tmp_path, timeout=30,
    )  # fmt: skip
    try:
        subprocess.run([*base, "wait-for", "demo-done"], check=True, env=env, timeout=300)
        shown = subprocess.run(
            [*base, "capture-pane", "-p", "-J", "-S", "-", "-E", "-", "-t", "demo"],
            check=True, env=env, capture_output=True, text=True, timeout=30,
        ).stdout  # fmt: skip
    finally:
        subprocess.run([*base, "kill-server"], env=env, capture_output=True, timeout=30)
    lines = [line.rstrip() for line in shown.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return int(rc_file.read_text().strip()), lines


def test_demo_fits_an_80_column_terminal(tmp_path: Path) -> None:
    code, lines = run_in_tmux(tmp_path, "demo", str(TARGET))
    text = "\n".join(lines)
    assert code == 0, text
    too_wide = [line for line in lines if cell_len(line) > WIDTH]
    assert not too_wide, "\n".join(too_wide)
    assert not TRUNCATED_NUMBER.findall(text), text
    assert "WARNING graph_sitter" not in text and "http.give_up" not in text, text
    # the parts of the demo are all there, each table whole
    assert "Most-used symbols" in text and "Usage (from the ledger)" in text
    assert re.search(r"│ lines\s+│\s+\d{1,3}(,\d{3})+ │", text), text  # e.g. 21,072, whole
    assert "retries: 2," in text
    assert "OpenAI: 3 attempts, failed → Anthropic: 1 attempt, answered" in text
    assert "(emulated answer)" in text  # the answer panel shows the answer
    # the ledger shows the injected outage: OpenAI's 3 failed attempts, then Anthropic's answer
    # (columns: provider, reqs, attempts, failed, retries)
    assert re.search(r"┃ provider\s+┃ reqs ┃ attempts ┃ failed ┃ retries ┃", text), text
    assert re.search(r"│ OpenAI\s+│\s+1 │\s+3 │\s+3 │\s+2 │", text), text
    assert re.search(r"│ Anthropic\s+│\s+1 │\s+1 │\s+0 │\s+0 │", text), text
    # one title line per table: a title never wraps onto a second line
    assert sum("Usage (from the ledger)" in line for line in lines) == 1
