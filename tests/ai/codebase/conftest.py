"""Fixtures for codebase.ai: a small real project, an echoing emulator with a fault plan, Redis.

Everything runs on loopback. Tests that need Redis start their own ``redis-server`` on a
random port (no persistence) and stop it; a missing ``redis-server`` fails the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from ai_helpers import PROJECT, EchoEmulator, free_port, write_project

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai


@pytest.fixture
def echo_emu() -> Iterator[EchoEmulator]:
    with EchoEmulator() as emulator:
        yield emulator


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    path = tmp_path / "ai-state"
    path.mkdir()
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", PROJECT)


@pytest.fixture
def shop(project: Path) -> Iterator[Codebase]:
    cb = Codebase(project, cache_dir="")
    yield cb
    codebase_ai.close(cb)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A private ``redis-server`` on 127.0.0.1 (no persistence), stopped after the test."""
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )
    if binary is None:
        pytest.fail("redis-server is not installed: install Debian's redis-server package")
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            "",
            "--loglevel",
            "notice",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    seen: list[str] = []
    for line in server.stdout:  # blocks until the server says it is ready (or exits)
        seen.append(line)
        if "Ready to accept connections" in line:
            break
    else:
        server.wait()
        pytest.fail("redis-server did not start:\n" + "".join(seen))
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.communicate(timeout=10)
