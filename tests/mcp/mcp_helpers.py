"""Starting `graph-sitter mcp` as a real process and talking to it with the official client."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

import anyio
from mcp.client.streamable_http import streamable_http_client

from mcp import ClientSession, StdioServerParameters, stdio_client

ENTRY = str(Path(sys.executable).parent / "graph-sitter")
STDLIB = Path(sysconfig.get_paths()["stdlib"])

APP = """\
from json import dumps, loads
from json.decoder import JSONDecoder

data = loads('{"b": [1, 2.5, {"c": null}], "a": "x"}')
print(dumps(data, sort_keys=True))
print(JSONDecoder().decode('[true, false]'))
"""


def make_repo(root: Path) -> Path:
    """A copy of the running Python's `json` package plus a small program using it."""
    shutil.copytree(STDLIB / "json", root / "json", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "app.py").write_text(APP, encoding="utf-8")
    return root


def server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No provider credentials, a private cache; logs at INFO (they must stay on stderr)."""
    return {"GRAPH_SITTER_CACHE_DIR": str(tmp_path / "cache"), "LOG_LEVEL": "INFO", **extra}


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def run_app(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-B", "app.py"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"},
    )


@asynccontextmanager
async def stdio_session(
    tmp_path: Path, repo: Path, *flags: str, env: dict[str, str] | None = None
) -> AsyncIterator[ClientSession]:
    """A session with `graph-sitter mcp REPO FLAGS...` over stdio; its stderr goes to a file."""
    params = StdioServerParameters(
        command=ENTRY,
        args=["mcp", str(repo), *flags],
        env=env if env is not None else server_env(tmp_path),
        cwd=str(tmp_path),
    )
    log: TextIO
    with open(tmp_path / "server.log", "a", encoding="utf-8") as log:
        async with (
            stdio_client(params, errlog=log) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield session


@asynccontextmanager
async def http_session(url: str) -> AsyncIterator[ClientSession]:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


async def call(session: ClientSession, tool: str, /, **arguments: Any) -> dict[str, Any]:
    """Call a tool that must succeed; check its text part and return `structuredContent`."""
    result = await session.call_tool(tool, arguments)
    text = "".join(getattr(block, "text", "") for block in result.content)
    assert not result.is_error, text
    assert isinstance(result.structured_content, dict)
    assert text.strip()
    return result.structured_content


async def call_error(session: ClientSession, name: str, arguments: Any) -> str:
    """Call a tool that must fail; return its one message."""
    result = await session.call_tool(name, arguments)
    assert result.is_error, result
    texts = [getattr(block, "text", "") for block in result.content]
    assert len(texts) == 1 and texts[0].strip()
    assert "Traceback" not in texts[0]
    return texts[0]


def run(main: Callable[[], Awaitable[None]]) -> None:
    """`anyio.run(main)`, re-raising the first failure itself rather than task-group wrappers."""
    try:
        anyio.run(main)
    except BaseExceptionGroup as group:
        leaf: BaseException = group
        while isinstance(leaf, BaseExceptionGroup):
            leaf = leaf.exceptions[0]
        raise leaf from None


def dump(value: Any) -> str:
    return json.dumps(value, indent=1, sort_keys=True)
