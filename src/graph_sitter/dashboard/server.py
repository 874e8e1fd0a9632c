"""The dashboard's HTTP server: a static page and three JSON endpoints, stdlib only.

    from graph_sitter.dashboard import serve

    with serve(port=0, ledger_path="usage.sqlite3") as dash:
        print(dash.url)          # http://127.0.0.1:PORT/
        dash.serve_forever()     # or keep working: it serves from a background thread

Endpoints (GET): ``/`` the page, ``/static/{app.js,style.css}``, ``/api/summary?window=SECONDS``
(ledger metrics: totals, per provider and model, time series), ``/api/providers`` (health
rows), ``/api/runs`` (recent Codegen agent runs and the ledger's Codegen requests). The page
polls them every ``refresh_seconds``. Handlers never call a vendor: provider checks and agent
runs come from :class:`~graph_sitter.dashboard.monitor.Monitor`'s cached snapshots.

When bound to a loopback address, requests must name a loopback host (``Host:``), which keeps
other web pages from reading the dashboard through DNS rebinding.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import math
import os
import threading
import time
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from graph_sitter.ai.providers.base import AIProvider
from graph_sitter.ai.usage import UsageLedger, UsageRecord, default_ledger_path
from graph_sitter.dashboard.health import live_circuits, provider_rows
from graph_sitter.dashboard.metrics import ledger_metrics, provider_usage
from graph_sitter.dashboard.monitor import Monitor

__all__ = ["DEFAULT_PORT", "DEFAULT_WINDOW", "DashboardServer", "is_loopback", "serve"]

logger = logging.getLogger("graph_sitter.dashboard")

DEFAULT_PORT = 8765
#: The time window the page opens with (seconds).
DEFAULT_WINDOW = 24 * 3600
_MIN_WINDOW, _MAX_WINDOW = 60, 90 * 24 * 3600
_RUN_LEDGER_WINDOW = 7 * 24 * 3600
_STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_LOOPBACK_NAMES = {"localhost", "localhost.", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address) only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    header = header.strip()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class DashboardServer:
    """The dashboard: an HTTP server thread plus the background monitor.

    Use as a context manager (or call :meth:`start` and :meth:`close`).

    Args:
        host: Address to bind (default loopback only).
        port: Port to bind; 0 picks a free one (see :attr:`port`).
        ledger_path: The usage ledger; default :func:`graph_sitter.ai.usage.default_ledger_path`.
        env: Mapping read instead of ``os.environ`` (credentials, ledger location).
        env_file: Dotenv file read besides the environment (``None`` to skip).
        refresh_seconds: How often the page polls the JSON endpoints.
        monitor_interval: Seconds between provider checks and agent-run listings.
        validate: Check credentials with the vendors (in the background).
        providers: Providers of this process whose live circuit breakers to show (for a
            dashboard embedded in a program that makes AI calls).
        idle_timeout: Seconds a connection may stay silent (before or during its request)
            before it is closed.
        max_connections: Connections served at once (one thread each); more are answered
            ``503`` at once and closed.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        *,
        ledger_path: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        env_file: str | None = ".env",
        refresh_seconds: float = 5.0,
        monitor_interval: float = 30.0,
        validate: bool = True,
        providers: Sequence[AIProvider] = (),
        idle_timeout: float = 10.0,
        max_connections: int = 32,
    ) -> None:
        if refresh_seconds <= 0 or monitor_interval <= 0:
            raise ValueError("refresh_seconds and monitor_interval must be positive")
        if not (idle_timeout > 0 and math.isfinite(idle_timeout)) or max_connections < 1:
            raise ValueError("idle_timeout must be positive and max_connections at least 1")
        self.host = host
        self.refresh_seconds = refresh_seconds
        self.ledger_path = (
            Path(ledger_path) if ledger_path is not None else default_ledger_path(env)
        )
        self.live_providers = tuple(providers)
        self.monitor = Monitor(
            env=env, env_file=env_file, interval=monitor_interval, validate=validate
        )
        self._ledger: UsageLedger | None = None
        self._ledger_lock = threading.Lock()
        self._static = {
            name: (resources.files("graph_sitter.dashboard") / "static" / name).read_bytes()
            for name, _ in _STATIC.values()
        }
        self._httpd = _HTTPServer(
            (host, port), _Handler, self, idle_timeout=idle_timeout, max_connections=max_connections
        )
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The bound port."""
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The page's address."""
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}/"

    def start(self) -> DashboardServer:
        """Start serving and monitoring in background threads (idempotent)."""
        if self._thread is None:
            self.monitor.start()
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="dashboard-http",
                daemon=True,
            )
            self._thread.start()
            logger.info("dashboard.started url=%s ledger=%s", self.url, self.ledger_path)
        return self

    def serve_forever(self) -> None:
        """Block until :meth:`close` is called from another thread (or Ctrl-C)."""
        thread = self.start()._thread
        while thread is not None and thread.is_alive():
            thread.join(0.5)

    def close(self) -> None:
        """Stop serving, stop the monitor and close the ledger."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._httpd.shutdown()
            thread.join()
        self._httpd.server_close()
        self.monitor.stop()
        with self._ledger_lock:
            if self._ledger is not None:
                self._ledger.close()
                self._ledger = None

    def __enter__(self) -> DashboardServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"DashboardServer(url={self.url!r}, ledger={str(self.ledger_path)!r})"

    # -- data -----------------------------------------------------------------------------------
    def static_file(self, name: str) -> bytes:
        """The bytes of one of the page's files (``index.html``, ``app.js``, ``style.css``)."""
        return self._static[name]

    def _rows(self, since: float) -> list[UsageRecord]:
        with self._ledger_lock:
            if self._ledger is None:
                if self.ledger_path is None or not self.ledger_path.exists():
                    return []
                self._ledger = UsageLedger(self.ledger_path)
            ledger = self._ledger
        return ledger.records(since)

    def _ledger_reset(self) -> str | None:
        """Where a corrupt ledger was moved when the dashboard opened it (then started anew)."""
        with self._ledger_lock:
            ledger = self._ledger
        moved = None if ledger is None else ledger.reset_from
        return None if moved is None else str(moved)

    def summary(self, window: float = DEFAULT_WINDOW) -> dict[str, Any]:
        """``/api/summary``: ledger metrics over the last ``window`` seconds."""
        now = time.time()
        metrics = ledger_metrics(self._rows(now - window), now=now, window=window)
        path = self.ledger_path
        return {
            "generated_at": now,
            "refresh_seconds": self.refresh_seconds,
            "ledger": {
                "enabled": path is not None,
                "path": None if path is None else str(path),
                "exists": path is not None and path.exists(),
                "reset_from": self._ledger_reset(),
            },
            **metrics,
        }

    def providers(self, window: float = DEFAULT_WINDOW) -> dict[str, Any]:
        """``/api/providers``: one health row per registered provider."""
        now = time.time()
        snapshot = self.monitor.providers()
        usage = provider_usage(self._rows(now - window), window)
        rows = provider_rows(
            snapshot["status"],
            validated=snapshot["validated"],
            usage=usage,
            live=live_circuits(self.live_providers),
        )
        return {
            "generated_at": now,
            "validated": snapshot["validated"],
            "updated": snapshot.get("updated"),
            "error": snapshot["error"],
            "providers": rows,
        }

    def runs(self) -> dict[str, Any]:
        """``/api/runs``: recent agent runs (Codegen API) and the ledger's Codegen requests."""
        now = time.time()
        ledger_rows = [
            {
                "ts": r.ts,
                "operation": r.operation,
                "model": r.model,
                "status": r.status,
                "latency_ms": round(r.latency_s * 1000.0, 3),
                "request_id": r.request_id,
            }
            for r in self._rows(now - _RUN_LEDGER_WINDOW)
            if r.provider.lower() == "codegen"
        ]
        return {"generated_at": now, **self.monitor.runs(), "ledger": ledger_rows[::-1][:20]}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[_Handler],
        dashboard: DashboardServer,
        *,
        idle_timeout: float,
        max_connections: int,
    ) -> None:
        self.dashboard = dashboard
        self.idle_timeout = idle_timeout
        self._slots = threading.BoundedSemaphore(max_connections)
        self.loopback_only = is_loopback(address[0])
        if ":" in address[0]:
            import socket

            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve on a new thread while a slot is free; otherwise answer 503 and close."""
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(_BUSY)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self._slots.release()  # before the close: a client that sees EOF finds a slot
            self.shutdown_request(request)


_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
    b"Retry-After: 1\r\nConnection: close\r\n\r\nbusy\n"
)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "graph-sitter-dashboard"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_timeout)  # a silent client is dropped

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def _handle(self, *, head: bool) -> None:
        if self.server.loopback_only and not is_loopback(_host_name(self.headers.get("Host", ""))):
            self._send(HTTPStatus.FORBIDDEN, b"loopback host required\n", "text/plain", head)
            return
        parts = urlsplit(self.path)
        dashboard = self.server.dashboard
        if parts.path in _STATIC:
            name, content_type = _STATIC[parts.path]
            self._send(HTTPStatus.OK, dashboard.static_file(name), content_type, head)
            return
        if parts.path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon", head)
            return
        query = parse_qs(parts.query)
        try:
            window = float(query.get("window", [DEFAULT_WINDOW])[0])
        except ValueError:
            window = math.nan
        if not math.isfinite(window):  # nan and inf are numbers to float(), not to us
            self._json(HTTPStatus.BAD_REQUEST, {"error": "window must be a number"}, head)
            return
        window = min(max(window, _MIN_WINDOW), _MAX_WINDOW)
        if parts.path == "/api/summary":
            self._json(HTTPStatus.OK, dashboard.summary(window), head)
        elif parts.path == "/api/providers":
            self._json(HTTPStatus.OK, dashboard.providers(window), head)
        elif parts.path == "/api/runs":
            self._json(HTTPStatus.OK, dashboard.runs(), head)
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"no such page: {parts.path}"}, head)

    def _json(self, status: HTTPStatus, data: Any, head: bool) -> None:
        body = json.dumps(data, default=str, allow_nan=False).encode()
        self._send(status, body, "application/json", head)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if not head and status is not HTTPStatus.NO_CONTENT:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("dashboard.request " + format, *args)


def serve(host: str = "127.0.0.1", port: int = DEFAULT_PORT, **options: Any) -> DashboardServer:
    """Build and start a :class:`DashboardServer` (arguments as its constructor).

    Returns:
        The running server; close it (or use it in a ``with`` block) to stop.
    """
    return DashboardServer(host, port, **options).start()
