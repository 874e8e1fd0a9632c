"""The dashboard's background worker: provider status and Codegen agent runs, cached.

Checking credentials calls the vendors (and the factory serialises those checks behind its
registry lock), and listing agent runs calls the Codegen API, so neither ever runs on a page
request: one daemon thread refreshes both every ``interval`` seconds and the HTTP handlers
only read the last snapshot. Each pass first publishes the local view (which providers have
credentials), then the validated one (the factory caches a vendor's answer for 300 s).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from graph_sitter.http.redaction import redact

__all__ = ["Monitor", "safe_url"]

logger = logging.getLogger("graph_sitter.dashboard")

_SUMMARY_CHARS = 240


def safe_url(value: object) -> str | None:
    """``value`` if it is an absolute ``http(s)`` URL (the page links only those), else ``None``."""
    if not isinstance(value, str):
        return None
    lowered = value.strip().lower()
    if lowered.startswith(("https://", "http://")) and " " not in lowered:
        return value.strip()
    return None


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _run_row(task: Any) -> dict[str, Any]:
    summary = task.summary or ""
    return {
        "id": task.id,
        "status": task.status,
        "created_at": _iso(task.created_at),
        "web_url": safe_url(task.web_url),
        "summary": summary[:_SUMMARY_CHARS] + ("…" if len(summary) > _SUMMARY_CHARS else ""),
        "source_type": task.run.source_type,
        "pull_requests": [
            {"title": pr.title or f"#{pr.id}", "url": safe_url(pr.url)} for pr in task.pull_requests
        ],
    }


class Monitor:
    """Refreshes provider status and agent runs in a background thread.

    Args:
        env: Mapping read instead of ``os.environ`` (credentials, Codegen settings).
        env_file: Dotenv file read besides the environment (``None`` to skip).
        interval: Seconds between refreshes.
        validate: Check credentials with the vendors (else only report which are set).
        run_limit: How many recent agent runs to list.
    """

    def __init__(
        self,
        *,
        env: Mapping[str, str] | None = None,
        env_file: str | None = ".env",
        interval: float = 30.0,
        validate: bool = True,
        run_limit: int = 20,
    ) -> None:
        self.env = env
        self.env_file = env_file
        self.interval = interval
        self.validate = validate
        self.run_limit = run_limit
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._agent: Any = None
        self._passes = 0
        self._providers: dict[str, Any] = {"status": {}, "validated": False, "error": None}
        self._runs: dict[str, Any] = {
            "configured": False,
            "runs": [],
            "error": None,
            "updated": None,
        }

    # -- reading (never blocks on the network) ----------------------------------------------
    def providers(self) -> dict[str, Any]:
        """The last provider snapshot: ``{status, validated, error, updated}``."""
        with self._lock:
            return dict(self._providers)

    def runs(self) -> dict[str, Any]:
        """The last agent-run snapshot: ``{configured, runs, error, updated}``."""
        with self._lock:
            return dict(self._runs)

    def wait_for_pass(self, count: int = 1, timeout: float | None = None) -> bool:
        """Block until ``count`` full refresh passes have finished; ``False`` on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._passes >= count, timeout)

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Start the background thread (idempotent)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="dashboard-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread (waiting up to ``timeout`` for a vendor call in flight) and close."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                logger.warning("dashboard.monitor_still_running timeout=%s", timeout)
                return
        self._close_agent()

    def refresh(self) -> None:
        """One full pass now, in the calling thread (the background thread calls this)."""
        with self._lock:
            validated = self._providers["validated"]
        if not validated:  # the local view first, so the page never waits for a vendor
            self._refresh_providers(validate=False)
        if self.validate and not self._stop.is_set():
            self._refresh_providers(validate=True)
        if not self._stop.is_set():
            self._refresh_runs()
        with self._changed:
            self._passes += 1
            self._changed.notify_all()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception:  # the worker's boundary: keep refreshing, show the error
                logger.exception("dashboard.refresh_failed")
            self._stop.wait(self.interval)

    # -- the two refreshes ------------------------------------------------------------------
    def _refresh_providers(self, *, validate: bool) -> None:
        from graph_sitter.ai.providers import get_provider_status

        error: str | None = None
        try:
            status = get_provider_status(self.env, self.env_file, validate=validate)
        except Exception as exc:  # settings the factory cannot read: shown on the page
            logger.warning("dashboard.provider_status_failed error=%s", redact(str(exc)))
            status, error = {}, redact(f"{type(exc).__name__}: {exc}")
        snapshot = {"status": status, "validated": validate, "error": error, "updated": time.time()}
        with self._lock:
            self._providers = snapshot

    def _refresh_runs(self) -> None:
        from codegen import Agent
        from codegen.exceptions import CodegenError
        from graph_sitter.ai.providers import detect_available_credentials

        configured = bool(
            detect_available_credentials(self.env, self.env_file)
            .get("codegen", {})
            .get("available")
        )
        rows: list[dict[str, Any]] = []
        error: str | None = None
        if configured:
            try:
                if self._agent is None:
                    self._agent = Agent(env=self.env, env_file=self.env_file)
                rows = [_run_row(task) for task in self._agent.list_tasks(limit=self.run_limit)]
            except CodegenError as exc:
                error = redact(f"{type(exc).__name__}: {exc}")
                logger.warning("dashboard.runs_failed error=%s", error)
        else:
            self._close_agent()
        with self._lock:
            self._runs = {
                "configured": configured,
                "runs": rows,
                "error": error,
                "updated": time.time(),
            }

    def _close_agent(self) -> None:
        agent, self._agent = self._agent, None
        if agent is not None:
            agent.close()

    def __enter__(self) -> Monitor:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
