"""The usage ledger: every AI request ``cb.ai*`` makes, appended to a local SQLite file.

One row per request: time, operation (``ask``, ``edit``, ``map``), provider, model, tokens,
cost, total latency, status (``ok`` or the error's class name), retries and whether the answer
came from the cache. Under it, one row per attempt (table ``attempts``): each HTTP attempt or
agent run, at whichever provider of a fallback chain, with its own status, error class and
latency. So after OpenAI fails three times and Anthropic answers, the request has four
attempts: three OpenAI errors and the Anthropic success. Files written before attempts were
recorded (schema version 1) are migrated in place when opened; their requests read as one
attempt each. The file is ``<ai state dir>/usage.sqlite3`` (see
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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_sitter.ai._sqlite import SQLiteFile
from graph_sitter.ai.attempts import AttemptRecord
from graph_sitter.ai.cache import _OFF, ai_state_dir, configured_path

__all__ = [
    "SCHEMA_VERSION",
    "USAGE_DB_ENV",
    "USAGE_ENV",
    "UsageLedger",
    "UsageRecord",
    "attempt_views",
    "default_ledger_path",
    "records",
    "summary",
]

logger = logging.getLogger("graph_sitter.ai")

USAGE_ENV = "GRAPH_SITTER_AI_USAGE"
USAGE_DB_ENV = "GRAPH_SITTER_AI_USAGE_DB"
#: The ledger's schema version (``PRAGMA user_version``): 1 requests only, 2 with attempts.
SCHEMA_VERSION = 2
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
_ATTEMPT_COLUMNS = (
    "ts",
    "provider",
    "model",
    "attempt",
    "status",
    "error",
    "status_code",
    "latency_s",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cost_usd",
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
        latency_s: Seconds the whole request took, every attempt and backoff included.
        status: ``ok`` or the error class name.
        retries: Attempts beyond the first, across every provider tried.
        cached: Whether the answer came from the cache (no vendor request).
        request_id: The vendor's request id, if any.
        attempts: Every attempt, in order (empty for cache hits and for rows written before
            attempts were recorded).
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
    attempts: tuple[AttemptRecord, ...] = field(default=(), compare=False)


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
        self._file = SQLiteFile(self.path, _SCHEMA, kind="usage ledger", setup=_migrate)

    @property
    def reset_from(self) -> Path | None:
        """Where a corrupt ledger file was moved when this one was created, else ``None``."""
        return self._file.reset_from

    def record(self, entry: UsageRecord) -> None:
        """Append one request and its attempts (atomically); a failed write is logged, never
        raised (the answer is kept)."""
        values = tuple(int(entry.cached) if c == "cached" else getattr(entry, c) for c in _COLUMNS)
        attempts = [tuple(getattr(a, c) for c in _ATTEMPT_COLUMNS) for a in entry.attempts]
        try:
            self._file.run(lambda db: _insert(db, values, attempts))
        except sqlite3.Error as exc:
            logger.warning("ai.ledger_write_failed path=%s error=%s", self.path, exc)

    def records(self, since: Since = None) -> list[UsageRecord]:
        """Requests at or after ``since`` (see :func:`summary`) with their attempts, oldest
        first."""
        start = _since_ts(since)
        rows, attempt_rows = self._file.run(lambda db: _select(db, start))
        attempts: dict[int, list[AttemptRecord]] = {}
        for row in attempt_rows:
            values = dict(zip(_ATTEMPT_COLUMNS, row[1:], strict=True))
            attempts.setdefault(row[0], []).append(AttemptRecord(**values))
        return [_record(row[1:], tuple(attempts.get(row[0], ()))) for row in rows]

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


def _insert(
    db: sqlite3.Connection, values: tuple[Any, ...], attempts: list[tuple[Any, ...]]
) -> None:
    """One request row and its attempt rows, in one transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        cursor = db.execute(
            f"INSERT INTO requests ({','.join(_COLUMNS)}) "
            f"VALUES ({','.join('?' for _ in _COLUMNS)})",
            values,
        )
        db.executemany(
            f"INSERT INTO attempts (request, {','.join(_ATTEMPT_COLUMNS)}) "
            f"VALUES (?, {','.join('?' for _ in _ATTEMPT_COLUMNS)})",
            [(cursor.lastrowid, *attempt) for attempt in attempts],
        )
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _select(db: sqlite3.Connection, start: float) -> tuple[list[Any], list[Any]]:
    """Requests at or after ``start`` (with their ids) and their attempts."""
    rows = db.execute(
        f"SELECT id, {','.join(_COLUMNS)} FROM requests WHERE ts >= ? ORDER BY ts, id",
        (start,),
    ).fetchall()
    attempt_rows = db.execute(
        f"SELECT a.request, {','.join('a.' + c for c in _ATTEMPT_COLUMNS)} "
        "FROM attempts a JOIN requests r ON r.id = a.request WHERE r.ts >= ? "
        "ORDER BY a.request, a.id",
        (start,),
    ).fetchall()
    return rows, attempt_rows


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a ledger file to :data:`SCHEMA_VERSION` (version 1 files gain ``attempts``)."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version >= SCHEMA_VERSION:
        return
    db.execute(
        "CREATE TABLE IF NOT EXISTS attempts (id INTEGER PRIMARY KEY, "
        "request INTEGER NOT NULL REFERENCES requests (id), ts REAL NOT NULL, provider TEXT, "
        "model TEXT, attempt INTEGER, status TEXT, error TEXT, status_code INTEGER, "
        "latency_s REAL, prompt_tokens INTEGER, completion_tokens INTEGER, "
        "total_tokens INTEGER, cost_usd REAL, request_id TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS attempts_request ON attempts (request)")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _record(row: tuple[Any, ...], attempts: tuple[AttemptRecord, ...] = ()) -> UsageRecord:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["cached"] = bool(values["cached"])
    return UsageRecord(**values, attempts=attempts)


def attempt_views(rows: Iterable[UsageRecord]) -> Iterator[tuple[UsageRecord, AttemptRecord]]:
    """Each request's attempts; a request without any (a cache hit, or a row written before
    attempts were recorded) stands for one attempt of its own."""
    for row in rows:
        if row.attempts:
            for attempt in row.attempts:
                yield row, attempt
            continue
        yield (
            row,
            AttemptRecord(
                ts=row.ts,
                provider=row.provider,
                model=row.model,
                status="ok" if row.status == "ok" else "error",
                error=None if row.status == "ok" else row.status,
                latency_s=row.latency_s,
                prompt_tokens=row.prompt_tokens,
                completion_tokens=row.completion_tokens,
                total_tokens=row.total_tokens,
                cost_usd=row.cost_usd,
                request_id=row.request_id,
            ),
        )


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
    """Totals of requests (each counts once, however many attempts it took)."""
    vendor = [r for r in rows if not r.cached]
    latencies = sorted(r.latency_s * 1000 for r in vendor)
    views = [a for _, a in attempt_views(vendor)]
    return {
        "requests": len(rows),
        "vendor_requests": len(vendor),
        "cache_hits": sum(1 for r in rows if r.cached),
        "errors": sum(1 for r in rows if r.status != "ok"),
        "retries": sum(r.retries for r in rows),
        "attempts": len(views),
        "failed_attempts": sum(1 for a in views if not a.ok),
        "prompt_tokens": sum(r.prompt_tokens for r in vendor),
        "completion_tokens": sum(r.completion_tokens for r in vendor),
        "total_tokens": sum(r.total_tokens for r in vendor),
        "cost_usd": round(sum(r.cost_usd or 0.0 for r in vendor), 6),
        "latency_ms": _latency(latencies),
    }


def _latency(sorted_ms: list[float]) -> dict[str, float]:
    return {
        "mean": round(sum(sorted_ms) / len(sorted_ms), 3) if sorted_ms else 0.0,
        "p50": round(_percentile(sorted_ms, 0.50), 3),
        "p95": round(_percentile(sorted_ms, 0.95), 3),
    }


def _attempt_group(views: list[tuple[UsageRecord, AttemptRecord]]) -> dict[str, Any]:
    """Totals of one provider's (or model's) attempts: ``errors`` counts failed attempts,
    ``requests`` the requests that reached it, ``retries`` its attempts beyond one per
    request; latencies are the attempts' own."""
    requests = {id(row): row for row, _ in views}
    vendor = [(row, a) for row, a in views if not row.cached]
    vendor_requests = len({id(row) for row, _ in vendor})
    answered = [a for _, a in vendor if a.ok]
    return {
        "requests": len(requests),
        "vendor_requests": vendor_requests,
        "cache_hits": sum(1 for row in requests.values() if row.cached),
        "errors": sum(1 for _, a in vendor if not a.ok),
        "retries": len(vendor) - vendor_requests,
        "attempts": len(vendor),
        "failed_attempts": sum(1 for _, a in vendor if not a.ok),
        "prompt_tokens": sum(a.prompt_tokens for a in answered),
        "completion_tokens": sum(a.completion_tokens for a in answered),
        "total_tokens": sum(a.total_tokens for a in answered),
        "cost_usd": round(sum(a.cost_usd or 0.0 for a in answered), 6),
        "latency_ms": _latency(sorted(a.latency_s * 1000 for _, a in vendor)),
    }


def _summarise(rows: list[UsageRecord], since: float) -> dict[str, Any]:
    result = _group(rows)
    result["since"] = since
    by_provider: dict[str, list[tuple[UsageRecord, AttemptRecord]]] = {}
    by_model: dict[str, list[tuple[UsageRecord, AttemptRecord]]] = {}
    by_operation: dict[str, list[UsageRecord]] = {}
    for row, attempt in attempt_views(rows):
        by_provider.setdefault(attempt.provider, []).append((row, attempt))
        by_model.setdefault(attempt.model, []).append((row, attempt))
    for row in rows:
        by_operation.setdefault(row.operation, []).append(row)
    result["by_provider"] = {k: _attempt_group(v) for k, v in sorted(by_provider.items())}
    result["by_model"] = {k: _attempt_group(v) for k, v in sorted(by_model.items())}
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
        ``{requests, vendor_requests, cache_hits, errors, retries, attempts,
        failed_attempts, prompt_tokens, completion_tokens, total_tokens, cost_usd,
        latency_ms {mean, p50, p95}, since, by_provider, by_model, by_operation}``; all zero
        when there is no ledger. Top-level figures count requests (``errors``: requests that
        failed in the end; latency: whole requests). ``by_provider`` and ``by_model`` count
        attempts: ``errors`` there are failed attempts (an outage survived by a fallback shows
        up), ``requests`` the requests that reached that provider, latencies the attempts'
        own. ``by_operation`` counts requests.
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
