"""The usage ledger: every AI request ``cb.ai*`` makes, appended to a local SQLite file.

One row per request: time, operation (``ask``, ``edit``, ``map``), provider, model, tokens,
cost, latency, status (``ok`` or the error's class name), retries and whether the answer came
from the cache. The file is ``<ai state dir>/usage.sqlite3`` (see
:func:`graph_sitter.ai.cache.ai_state_dir`) or ``GRAPH_SITTER_AI_USAGE_DB``; set
``GRAPH_SITTER_AI_USAGE=off`` (or the session option ``usage_ledger=False``) to keep no
ledger. Safe for several threads and processes (WAL, busy timeout).

Query it with :func:`summary` (totals, per provider and per model) or :func:`records`.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graph_sitter.ai._sqlite import SQLiteFile
from graph_sitter.ai.cache import _OFF, ai_state_dir, configured_path

__all__ = [
    "USAGE_DB_ENV",
    "USAGE_ENV",
    "UsageLedger",
    "UsageRecord",
    "default_ledger_path",
    "records",
    "summary",
]

logger = logging.getLogger("graph_sitter.ai")

USAGE_ENV = "GRAPH_SITTER_AI_USAGE"
USAGE_DB_ENV = "GRAPH_SITTER_AI_USAGE_DB"
Since = _dt.datetime | _dt.timedelta | float | int | str | None

_COLUMNS = (
    "ts",
    "operation",
    "provider",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cost_usd",
    "latency_s",
    "status",
    "retries",
    "cached",
    "request_id",
)


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """One ledger row.

    Attributes:
        ts: Unix time the request finished.
        operation: ``ask``, ``edit`` or ``map``.
        provider: The provider that answered (or failed).
        model: The model reported (or requested).
        prompt_tokens: Input tokens reported by the vendor (0 when unknown or cached).
        completion_tokens: Output tokens reported by the vendor.
        total_tokens: Their sum.
        cost_usd: Estimated cost (0 for cache hits; ``None`` when unknown).
        latency_s: Seconds spent, retries included.
        status: ``ok`` or the error class name.
        retries: Retries the request took.
        cached: Whether the answer came from the cache (no vendor request).
        request_id: The vendor's request id, if any.
    """

    ts: float
    operation: str
    provider: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cost_usd: float | None = None
    latency_s: float = 0.0
    status: str = "ok"
    retries: int = 0
    cached: bool = False
    request_id: str | None = None


def default_ledger_path(env: Mapping[str, str] | None = None) -> Path | None:
    """The ledger file, or ``None`` when the ledger is off (``GRAPH_SITTER_AI_USAGE=off``)."""
    source = os.environ if env is None else env
    if source.get(USAGE_ENV, "on").strip().lower() in _OFF:
        return None
    configured = source.get(USAGE_DB_ENV)
    if configured:
        return configured_path(USAGE_DB_ENV, configured, directory=False)
    base = ai_state_dir(source)
    return None if base is None else base / "usage.sqlite3"


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY, ts REAL NOT NULL, "
    "operation TEXT, provider TEXT, model TEXT, prompt_tokens INTEGER, "
    "completion_tokens INTEGER, total_tokens INTEGER, cost_usd REAL, latency_s REAL, "
    "status TEXT, retries INTEGER, cached INTEGER, request_id TEXT)",
    "CREATE INDEX IF NOT EXISTS requests_ts ON requests (ts)",
)


class UsageLedger:
    """Append-only ledger of AI requests in SQLite.

    Args:
        path: The database file (parent folders are created).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._file = SQLiteFile(self.path, _SCHEMA, kind="usage ledger")

    @property
    def reset_from(self) -> Path | None:
        """Where a corrupt ledger file was moved when this one was created, else ``None``."""
        return self._file.reset_from

    def record(self, entry: UsageRecord) -> None:
        """Append one row; a failed write is logged, never raised (the answer is kept)."""
        row = asdict(entry)
        row["cached"] = int(entry.cached)
        values = tuple(row[c] for c in _COLUMNS)
        placeholders = ",".join("?" for _ in _COLUMNS)
        try:
            self._file.execute(
                f"INSERT INTO requests ({','.join(_COLUMNS)}) VALUES ({placeholders})", values
            )
        except sqlite3.Error as exc:
            logger.warning("ai.ledger_write_failed path=%s error=%s", self.path, exc)

    def records(self, since: Since = None) -> list[UsageRecord]:
        """Rows at or after ``since`` (see :func:`summary`), oldest first."""
        start = _since_ts(since)
        rows = self._file.query(
            f"SELECT {','.join(_COLUMNS)} FROM requests WHERE ts >= ? ORDER BY ts, id",
            (start,),
        )
        return [_record(row) for row in rows]

    def summary(self, since: Since = None) -> dict[str, Any]:
        """Totals since ``since``; see :func:`summary`."""
        return _summarise(self.records(since), _since_ts(since))

    def close(self) -> None:
        """Close the database."""
        self._file.close()

    def __enter__(self) -> UsageLedger:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"UsageLedger({str(self.path)!r})"


def _record(row: tuple[Any, ...]) -> UsageRecord:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["cached"] = bool(values["cached"])
    return UsageRecord(**values)


def _since_ts(since: Since) -> float:
    if since is None:
        return 0.0
    if isinstance(since, _dt.timedelta):
        return time.time() - since.total_seconds()
    if isinstance(since, _dt.datetime):
        if since.tzinfo is None:
            since = since.astimezone()
        return since.timestamp()
    if isinstance(since, str):
        return _since_ts(_dt.datetime.fromisoformat(since))
    return float(since)


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def _group(rows: list[UsageRecord]) -> dict[str, Any]:
    vendor = [r for r in rows if not r.cached]
    latencies = sorted(r.latency_s * 1000 for r in vendor)
    return {
        "requests": len(rows),
        "vendor_requests": len(vendor),
        "cache_hits": sum(1 for r in rows if r.cached),
        "errors": sum(1 for r in rows if r.status != "ok"),
        "retries": sum(r.retries for r in rows),
        "prompt_tokens": sum(r.prompt_tokens for r in vendor),
        "completion_tokens": sum(r.completion_tokens for r in vendor),
        "total_tokens": sum(r.total_tokens for r in vendor),
        "cost_usd": round(sum(r.cost_usd or 0.0 for r in vendor), 6),
        "latency_ms": {
            "mean": round(sum(latencies) / len(latencies), 3) if latencies else 0.0,
            "p50": round(_percentile(latencies, 0.50), 3),
            "p95": round(_percentile(latencies, 0.95), 3),
        },
    }


def _summarise(rows: list[UsageRecord], since: float) -> dict[str, Any]:
    result = _group(rows)
    result["since"] = since
    by_provider: dict[str, list[UsageRecord]] = {}
    by_model: dict[str, list[UsageRecord]] = {}
    by_operation: dict[str, list[UsageRecord]] = {}
    for row in rows:
        by_provider.setdefault(row.provider, []).append(row)
        by_model.setdefault(row.model, []).append(row)
        by_operation.setdefault(row.operation, []).append(row)
    result["by_provider"] = {k: _group(v) for k, v in sorted(by_provider.items())}
    result["by_model"] = {k: _group(v) for k, v in sorted(by_model.items())}
    result["by_operation"] = {k: _group(v) for k, v in sorted(by_operation.items())}
    return result


def summary(
    since: Since = None,
    *,
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Usage totals for the CLI and the dashboard.

    Args:
        since: Only requests at or after this: a ``datetime``, a ``timedelta`` (that long
            ago), Unix seconds, or an ISO 8601 string; ``None`` for everything.
        path: The ledger file; default :func:`default_ledger_path`.
        env: Mapping used instead of ``os.environ``.

    Returns:
        ``{requests, vendor_requests, cache_hits, errors, retries, prompt_tokens,
        completion_tokens, total_tokens, cost_usd, latency_ms {mean, p50, p95}, since,
        by_provider, by_model, by_operation}``; all zero when there is no ledger.
    """
    ledger_path = Path(path) if path is not None else default_ledger_path(env)
    if ledger_path is None or not ledger_path.exists():
        return _summarise([], _since_ts(since))
    with UsageLedger(ledger_path) as ledger:
        result = ledger.summary(since)
        if ledger.reset_from is not None:
            result["ledger_reset"] = str(ledger.reset_from)
        return result


def records(
    since: Since = None,
    *,
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[UsageRecord]:
    """The ledger's rows at or after ``since``, oldest first (arguments as :func:`summary`)."""
    ledger_path = Path(path) if path is not None else default_ledger_path(env)
    if ledger_path is None or not ledger_path.exists():
        return iter(())
    with UsageLedger(ledger_path) as ledger:
        return iter(ledger.records(since))
