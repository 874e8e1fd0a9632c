"""Hostile clients: a window that is not a number, idle sockets, more sockets than slots."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph_sitter.dashboard import DashboardServer


@pytest.mark.parametrize("window", ["nan", "inf", "-inf", "NaN", "1e999", "abc"])
def test_window_that_is_not_a_finite_number_is_a_400(
    dashboard: DashboardServer, window: str
) -> None:
    with httpx.Client(base_url=dashboard.url, timeout=10.0) as client:
        for path in ("/api/summary", "/api/providers"):
            response = client.get(path, params={"window": window})
            assert response.status_code == 400, (path, window, response.text)
            assert response.json() == {"error": "window must be a number"}


@pytest.fixture
def small(ledger_path: Path) -> Iterator[DashboardServer]:
    with DashboardServer(
        port=0,
        ledger_path=ledger_path,
        env={},
        env_file=None,
        monitor_interval=60.0,
        idle_timeout=0.5,
        max_connections=3,
    ) as server:
        yield server


def _connect(server: DashboardServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10.0)
    return sock


def test_idle_sockets_are_bounded_and_timed_out(small: DashboardServer) -> None:
    idle = [_connect(small) for _ in range(3)]  # say nothing: each holds a thread
    try:
        extra = _connect(small)  # over the bound: refused at once, no thread for it
        with extra:
            reply = extra.recv(4096)
        assert reply.startswith(b"HTTP/1.0 503")
        for sock in idle:  # the server closes them after its idle timeout (0.5 s)
            assert sock.recv(4096) == b""
    finally:
        for sock in idle:
            sock.close()
    response = httpx.get(small.url + "api/summary", timeout=10.0)
    assert response.status_code == 200  # slots were given back


def test_slow_request_line_is_cut_by_the_idle_timeout(small: DashboardServer) -> None:
    with _connect(small) as sock:
        sock.sendall(b"GET /api/summary HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        assert sock.recv(4096) == b""


def test_bounds_are_checked(ledger_path: Path) -> None:
    with pytest.raises(ValueError, match="idle_timeout"):
        DashboardServer(port=0, ledger_path=ledger_path, env={}, idle_timeout=float("inf"))
    with pytest.raises(ValueError, match="max_connections"):
        DashboardServer(port=0, ledger_path=ledger_path, env={}, max_connections=0)
