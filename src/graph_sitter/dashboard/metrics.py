"""Ledger rows -> the numbers and time series the dashboard shows. Pure functions, no I/O.

Latency percentiles count vendor requests only (cache hits cost no time worth charting); request
and error counts include every row. Time series cut the window into equal buckets, oldest first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from graph_sitter.ai.usage import UsageRecord

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
    return {
        "requests": len(rows),
        "vendor_requests": len(vendor),
        "cache_hits": len(rows) - len(vendor),
        "errors": errors,
        "error_rate": errors / len(rows) if rows else 0.0,
        "requests_per_minute": len(rows) / (window / 60.0) if window > 0 else 0.0,
        "retries": sum(r.retries for r in rows),
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


def provider_usage(rows: Iterable[UsageRecord], window: float) -> dict[str, dict[str, Any]]:
    """Totals per ledger provider name, plus its last request's time and status."""
    groups: dict[str, list[UsageRecord]] = {}
    for row in rows:
        groups.setdefault(row.provider, []).append(row)
    result: dict[str, dict[str, Any]] = {}
    for name, group in sorted(groups.items()):
        last = max(group, key=lambda r: r.ts)
        result[name] = {**_totals(group, window), "last_ts": last.ts, "last_status": last.status}
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
    by_model: dict[str, list[UsageRecord]] = {}
    for row in inside:
        by_model.setdefault(row.model, []).append(row)
    return {
        "window_seconds": window,
        "start": start,
        "end": now,
        "totals": _totals(inside, window),
        "by_provider": provider_usage(inside, window),
        "by_model": {name: _totals(group, window) for name, group in sorted(by_model.items())},
        "series": _series(inside, start, now, buckets),
    }
