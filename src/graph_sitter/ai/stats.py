"""Per-provider statistics: exact counters under concurrency and a bounded latency sketch.

:class:`ProviderStats` is shared by every thread using a provider; all updates happen
under one lock so counts are exact. Latencies go into a :class:`LatencySketch`, a
log-bucketed histogram (relative error <= 1%) whose memory is bounded by its value range,
not by the number of calls.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["CallRecord", "LatencySketch", "ProviderStats"]


class LatencySketch:
    """A log-bucketed histogram of positive values (DDSketch-style, not thread-safe).

    Args:
        relative_accuracy: Maximum relative error of reported quantiles.
        min_value: Values below this land in the first bucket.
        max_value: Values above this land in the last bucket (bounds the memory).
    """

    __slots__ = ("_buckets", "_count", "_gamma_log", "_max", "_min", "_offset", "_sum")

    def __init__(
        self, relative_accuracy: float = 0.01, min_value: float = 1e-3, max_value: float = 3.6e6
    ) -> None:
        gamma = (1 + relative_accuracy) / (1 - relative_accuracy)
        self._gamma_log = math.log(gamma)
        self._min = min_value
        self._max = max_value
        self._offset = math.floor(math.log(min_value) / self._gamma_log)
        self._buckets: dict[int, int] = {}
        self._count = 0
        self._sum = 0.0

    @property
    def count(self) -> int:
        """Values added."""
        return self._count

    @property
    def bucket_count(self) -> int:
        """Non-empty buckets (the sketch's memory)."""
        return len(self._buckets)

    def add(self, value: float) -> None:
        """Add one value (clamped to the sketch's range)."""
        self._count += 1
        self._sum += value
        clamped = min(max(value, self._min), self._max)
        key = math.ceil(math.log(clamped) / self._gamma_log) - self._offset
        self._buckets[key] = self._buckets.get(key, 0) + 1

    def mean(self) -> float | None:
        """Exact mean, or ``None`` when empty."""
        return self._sum / self._count if self._count else None

    def quantile(self, q: float) -> float | None:
        """The ``q``-quantile (``0 <= q <= 1``), or ``None`` when empty."""
        if not self._count:
            return None
        rank = q * (self._count - 1)
        seen = 0
        for key in sorted(self._buckets):
            seen += self._buckets[key]
            if seen > rank:
                upper = math.exp((key + self._offset) * self._gamma_log)
                lower = math.exp((key + self._offset - 1) * self._gamma_log)
                return 2 * upper * lower / (upper + lower)
        return self._max


@dataclass(frozen=True, slots=True)
class CallRecord:
    """The outcome of one logical call (however many retries it took)."""

    success: bool
    latency: float
    retries: int = 0
    rate_limited: int = 0
    model: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = None


class ProviderStats:
    """Thread-safe counters for one provider.

    Args:
        provider_name: Reported under ``provider_name``.
    """

    def __init__(self, provider_name: str) -> None:
        self.provider_name = provider_name
        self._lock = threading.Lock()
        self._requests = 0
        self._errors = 0
        self._retries = 0
        self._rate_limited = 0
        self._last_request_time: float | None = None
        self._latency = LatencySketch()
        self._prompt_tokens = 0
        self._completion_tokens = 0
        self._cost = 0.0
        self._cost_known = False
        self._cost_unknown_calls = 0
        self._models: dict[str, dict[str, Any]] = {}

    def record(self, call: CallRecord) -> None:
        """Count one logical call."""
        now = time.time()
        with self._lock:
            self._requests += 1
            if not call.success:
                self._errors += 1
            self._retries += call.retries
            self._rate_limited += call.rate_limited
            self._last_request_time = now
            self._latency.add(call.latency * 1000.0)
            if not call.success:
                return
            self._prompt_tokens += call.prompt_tokens
            self._completion_tokens += call.completion_tokens
            if call.cost_usd is not None:
                self._cost += call.cost_usd
                self._cost_known = True
            else:
                self._cost_unknown_calls += 1
            if call.model:
                entry = self._models.get(call.model)
                if entry is None:
                    entry = {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0}
                    entry["cost_usd"] = None
                    self._models[call.model] = entry
                entry["requests"] += 1
                entry["prompt_tokens"] += call.prompt_tokens
                entry["completion_tokens"] += call.completion_tokens
                if call.cost_usd is not None:
                    entry["cost_usd"] = (entry["cost_usd"] or 0.0) + call.cost_usd

    def add_rate_limited(self, count: int = 1) -> None:
        """Count 429 answers seen on attempts that were retried."""
        with self._lock:
            self._rate_limited += count

    def snapshot(self, *, is_available: bool) -> dict[str, Any]:
        """The ``get_stats()`` dictionary."""
        with self._lock:
            requests, errors, last = self._requests, self._errors, self._last_request_time
        return {
            "provider_name": self.provider_name,
            "request_count": requests,
            "error_count": errors,
            "error_rate": errors / requests if requests else 0.0,
            "last_request_time": last,
            "is_available": is_available,
        }

    def enhanced(self, *, is_available: bool) -> dict[str, Any]:
        """The ``get_enhanced_stats()`` dictionary (a superset of :meth:`snapshot`)."""
        with self._lock:
            requests, errors = self._requests, self._errors
            latency = {
                "p50": self._latency.quantile(0.50),
                "p95": self._latency.quantile(0.95),
                "p99": self._latency.quantile(0.99),
                "mean": self._latency.mean(),
            }
            data: dict[str, Any] = {
                "provider_name": self.provider_name,
                "request_count": requests,
                "error_count": errors,
                "error_rate": errors / requests if requests else 0.0,
                "last_request_time": self._last_request_time,
                "is_available": is_available,
                "success_rate": (requests - errors) / requests if requests else 0.0,
                "total_retries": self._retries,
                "rate_limit_count": self._rate_limited,
                "latency_ms": latency,
                "token_usage": {
                    "prompt": self._prompt_tokens,
                    "completion": self._completion_tokens,
                    "total": self._prompt_tokens + self._completion_tokens,
                },
                "cost_usd": self._cost if self._cost_known else None,
                "cost_unknown_requests": self._cost_unknown_calls,
                "model_usage": {name: dict(entry) for name, entry in self._models.items()},
            }
        return data
