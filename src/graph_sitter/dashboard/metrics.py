"""Ledger rows -> the numbers and time series the dashboard shows. Pure functions, no I/O.

Totals count requests: each counts once however many attempts it took, ``errors`` are requests
that failed in the end and latencies are whole requests (vendor requests only: cache hits cost
no time worth charting). Per provider and per model the figures count attempts, so an outage a
fallback survived stays visible: ``errors`` there are failed attempts and latencies the
attempts' own. Time series cut the window into equal buckets, oldest first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from graph_sitter.ai.attempts import AttemptRecord
from graph_sitter.ai.usage import UsageRecord, attempt_views

__all__ = ["CIRCUIT_OPEN_STATUS", "ledger_metrics", "percentile", "provider_usage"]

#: The ledger status of a request skipped because the provider's circuit was open.
CIRCUIT_OPEN_STATUS = "ProviderCircuitOpenError"


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0..1) of already sorted values; 0.0 when empty."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def _totals(rows: Sequence[UsageRecord], window: float) -> dict[str, Any]:
    vendor = [r for r in rows if not r.cached]
    latencies = sorted(r.latency_s * 1000.0 for r in vendor)
    errors = sum(1 for r in rows if r.status != "ok")
    attempts = [a for _, a in attempt_views(vendor)]
    return {
        "requests": len(rows),
        "vendor_requests": len(vendor),
        "cache_hits": len(rows) - len(vendor),
        "errors": errors,
        "error_rate": errors / len(rows) if rows else 0.0,
        "requests_per_minute": len(rows) / (window / 60.0) if window > 0 else 0.0,
        "retries": sum(r.retries for r in rows),
        "attempts": len(attempts),
        "failed_attempts": sum(1 for a in attempts if not a.ok),
        "prompt_tokens": sum(r.prompt_tokens for r in vendor),
        "completion_tokens": sum(r.completion_tokens for r in vendor),
        "total_tokens": sum(r.total_tokens for r in vendor),
        "cost_usd": round(sum(r.cost_usd or 0.0 for r in vendor), 6),
        "cost_unknown": sum(1 for r in vendor if r.cost_usd is None),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 3),
            "p95": round(percentile(latencies, 0.95), 3),
            "p99": round(percentile(latencies, 0.99), 3),
        },
    }


def _attempt_totals(
    views: Sequence[tuple[UsageRecord, AttemptRecord]], window: float
) -> dict[str, Any]:
    """Figures of one provider's (or model's) attempts (see the module docstring)."""
    requests = {id(row): row for row, _ in views}
    vendor = [(row, a) for row, a in views if not row.cached]
    vendor_requests = len({id(row) for row, _ in vendor})
    answered = [a for _, a in vendor if a.ok]
    failed = len(vendor) - len(answered)
    latencies = sorted(a.latency_s * 1000.0 for _, a in vendor)
    return {
        "requests": len(requests),
        "vendor_requests": vendor_requests,
        "cache_hits": sum(1 for row in requests.values() if row.cached),
        "attempts": len(vendor),
        "failed_attempts": failed,
        "errors": failed,
        "error_rate": failed / len(vendor) if vendor else 0.0,
        "requests_per_minute": len(requests) / (window / 60.0) if window > 0 else 0.0,
        "retries": len(vendor) - vendor_requests,
        "prompt_tokens": sum(a.prompt_tokens for a in answered),
        "completion_tokens": sum(a.completion_tokens for a in answered),
        "total_tokens": sum(a.total_tokens for a in answered),
        "cost_usd": round(sum(a.cost_usd or 0.0 for a in answered), 6),
        "cost_unknown": sum(1 for a in answered if a.cost_usd is None),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 3),
            "p95": round(percentile(latencies, 0.95), 3),
            "p99": round(percentile(latencies, 0.99), 3),
        },
    }


def _by(
    rows: Iterable[UsageRecord], key: str
) -> dict[str, list[tuple[UsageRecord, AttemptRecord]]]:
    groups: dict[str, list[tuple[UsageRecord, AttemptRecord]]] = {}
    for row, attempt in attempt_views(rows):
        groups.setdefault(getattr(attempt, key), []).append((row, attempt))
    return groups


def provider_usage(rows: Iterable[UsageRecord], window: float) -> dict[str, dict[str, Any]]:
    """Attempt figures per provider, plus its last attempt's time and status (``ok`` or the
    error class, e.g. :data:`CIRCUIT_OPEN_STATUS`)."""
    result: dict[str, dict[str, Any]] = {}
    for name, group in sorted(_by(rows, "provider").items()):
        row, last = max(group, key=lambda view: view[1].ts)
        status = "ok" if last.ok else (last.error or row.status)
        result[name] = {**_attempt_totals(group, window), "last_ts": last.ts, "last_status": status}
    return result


def _series(rows: Sequence[UsageRecord], start: float, end: float, buckets: int) -> dict[str, Any]:
    width = (end - start) / buckets
    grouped: list[list[UsageRecord]] = [[] for _ in range(buckets)]
    for row in rows:
        index = int((row.ts - start) // width) if width > 0 else 0
        grouped[min(max(index, 0), buckets - 1)].append(row)
    points = []
    cumulative_cost = 0.0
    for i, group in enumerate(grouped):
        vendor = sorted(r.latency_s * 1000.0 for r in group if not r.cached)
        cost = sum(r.cost_usd or 0.0 for r in group if not r.cached)
        cumulative_cost += cost
        points.append(
            {
                "t": start + i * width,
                "requests": len(group),
                "errors": sum(1 for r in group if r.status != "ok"),
                "failed_attempts": sum(1 for _, a in attempt_views(group) if not a.ok),
                "tokens": sum(r.total_tokens for r in group if not r.cached),
                "cost_usd": round(cost, 6),
                "cumulative_cost_usd": round(cumulative_cost, 6),
                "p50_ms": round(percentile(vendor, 0.50), 3) if vendor else None,
                "p95_ms": round(percentile(vendor, 0.95), 3) if vendor else None,
            }
        )
    return {"bucket_seconds": width, "points": points}


def ledger_metrics(
    rows: Sequence[UsageRecord], *, now: float, window: float, buckets: int = 60
) -> dict[str, Any]:
    """Everything ``/api/summary`` reports about the ledger rows of one time window.

    Args:
        rows: Ledger rows with ``ts`` in ``[now - window, now]`` (others are ignored).
        now: The window's end (Unix seconds).
        window: The window's length in seconds (positive).
        buckets: How many points the time series have.

    Returns:
        ``{window_seconds, start, end, totals, by_provider, by_model, series}``; ``totals``
        and each group hold request, error, rate, token, cost and latency (p50/p95/p99 ms)
        figures.
    """
    if window <= 0 or buckets < 1:
        raise ValueError("window must be positive and buckets at least 1")
    start = now - window
    inside = [r for r in rows if start <= r.ts <= now]
    by_model = _by(inside, "model")
    return {
        "window_seconds": window,
        "start": start,
        "end": now,
        "totals": _totals(inside, window),
        "by_provider": provider_usage(inside, window),
        "by_model": {
            name: _attempt_totals(group, window) for name, group in sorted(by_model.items())
        },
        "series": _series(inside, start, now, buckets),
    }
