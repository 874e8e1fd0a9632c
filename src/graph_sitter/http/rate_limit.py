"""Client-side rate limiter: slow down before the vendor answers 429.

A reservation limiter: :meth:`RateLimiter.reserve` books a slot and returns how long the
caller must wait before using it, so concurrent callers queue fairly and nobody spins.
Requests are limited exactly over a sliding window (at most ``requests`` in any
``period``); tokens with a bucket refilled at ``tokens / period`` per second.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from graph_sitter.http import sleep as _sleep

__all__ = ["RateLimit", "RateLimiter"]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Limits for one endpoint.

    Attributes:
        requests: Requests allowed per ``period`` (``None``: unlimited).
        tokens: Tokens (prompt + completion estimate) allowed per ``period``.
        period: The window in seconds (60 for "per minute").
    """

    requests: int | None = None
    tokens: int | None = None
    period: float = 60.0

    def __post_init__(self) -> None:
        if self.requests is not None and self.requests < 1:
            raise ValueError("RateLimit.requests must be at least 1")
        if self.tokens is not None and self.tokens < 1:
            raise ValueError("RateLimit.tokens must be at least 1")
        if self.period <= 0:
            raise ValueError("RateLimit.period must be positive")


class RateLimiter:
    """Thread-safe limiter for requests and tokens per period.

    Args:
        limit: The limits to enforce.
        clock: A monotonic clock; the default honours the transport's test mode.
    """

    def __init__(self, limit: RateLimit, *, clock: Callable[[], float] = _sleep.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: deque[float] = deque()
        self._tokens = float(limit.tokens or 0)
        self._tokens_at = clock()

    def reserve(self, tokens: int = 0) -> float:
        """Book one request (and ``tokens``) and return the seconds to wait before sending.

        Args:
            tokens: Estimated tokens the request will consume (capped at the bucket size).
        """
        limit = self.limit
        now = self._clock()
        with self._lock:
            start = now
            if limit.requests is not None:
                slots = self._slots
                while slots and slots[0] <= now - limit.period:
                    slots.popleft()
                if len(slots) >= limit.requests:
                    start = max(start, slots[len(slots) - limit.requests] + limit.period)
            if limit.tokens is not None and tokens > 0:
                rate = limit.tokens / limit.period
                self._tokens = min(
                    float(limit.tokens), self._tokens + (now - self._tokens_at) * rate
                )
                self._tokens_at = now
                cost = min(float(tokens), float(limit.tokens))
                self._tokens -= cost
                if self._tokens < 0:
                    start = max(start, now + (-self._tokens) / rate)
            if limit.requests is not None:
                if self._slots and self._slots[-1] > start:
                    start = self._slots[-1]  # first come, first served
                self._slots.append(start)
            return start - now

    def __repr__(self) -> str:
        return f"RateLimiter({self.limit!r})"
