"""`graph-sitter mcp --http` on 127.0.0.1 with a free port, driven by the official
streamable-HTTP client."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp_helpers import ENTRY, call, call_error, http_session, make_repo, run, tree_bytes

from graph_sitter import Codebase

BANNER = "graph-sitter MCP server on "


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    repo = make_repo(tmp_path / "repo")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_"))
    }
    env.update(GRAPH_SITTER_CACHE_DIR=str(tmp_path / "cache"), LOG_LEVEL="WARNING")
    proc = subprocess.Popen(
        [ENTRY, "mcp", str(repo), "--http", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stderr is not None
        url = ""
        for line in proc.stderr:  # ends (and fails below) if the process dies
            if line.startswith(BANNER):
                url = line[len(BANNER) :].strip()
                break
        assert url.startswith("http://127.0.0.1:") and url.endswith("/mcp"), url
        yield url, repo, proc
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
        assert out == ""  # nothing on stdout: logs go to stderr


def test_http_lists_tools_and_answers(server: tuple[str, Path, subprocess.Popen[str]]) -> None:
    url, repo, proc = server
    before = tree_bytes(repo)
    cb = Codebase(repo, cache_dir="")
    loads = cb.get_symbol("loads")
    assert loads is not None

    async def main() -> None:
        async with http_session(url) as s:
            names = [t.name for t in (await s.list_tools()).tools]
            assert "find_usages" in names and "rename_symbol" in names
            usages = await call(s, "find_usages", symbol="loads")
            assert [(u["file"], u["line"]) for u in usages["usages"]] == [
                (u.filepath, u.start_point[0] + 1) for u in loads.usages()
            ]
            dry = await call(s, "rename_symbol", symbol="loads", new_name="parse_json")
            assert dry["applied"] is False and "app.py" in dry["files_changed"]
            message = await call_error(s, "find_usages", {"symbol": "lods"})
            assert "Did you mean: loads" in message
        # A second client on the same server sees the same graph.
        async with http_session(url) as again:
            assert await call(again, "find_usages", symbol="loads") == usages

    run(main)
    assert proc.poll() is None  # still serving
    assert tree_bytes(repo) == before
