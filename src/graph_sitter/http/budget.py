"""Retry budget: a token bucket so a failing vendor cannot multiply our traffic.

Modelled on the AWS SDK's retry quota: the bucket starts full (500 tokens), a retry costs
5 tokens (10 after a timeout), and every successful call refunds 1. When the bucket runs dry
the transport stops retrying and hands back the failure at once, so a sustained outage
costs one attempt per call instead of three.
"""

from __future__ import annotations

import threading

__all__ = ["RetryBudget"]


class RetryBudget:
    """A thread-safe token bucket that retries spend and successes refill.

    Args:
        capacity: Maximum (and initial) tokens.
        retry_cost: Tokens one retry costs.
        timeout_retry_cost: Tokens one retry after a timeout costs.
        success_refund: Tokens a successful call returns.
    """

    __slots__ = (
        "_lock",
        "_tokens",
        "capacity",
        "retry_cost",
        "success_refund",
        "timeout_retry_cost",
    )

    def __init__(
        self,
        capacity: float = 500.0,
        *,
        retry_cost: float = 5.0,
        timeout_retry_cost: float = 10.0,
        success_refund: float = 1.0,
    ) -> None:
        if capacity < 0 or retry_cost < 0 or timeout_retry_cost < 0 or success_refund < 0:
            raise ValueError("RetryBudget values must not be negative")
        self.capacity = capacity
        self.retry_cost = retry_cost
        self.timeout_retry_cost = timeout_retry_cost
        self.success_refund = success_refund
        self._tokens = capacity
        self._lock = threading.Lock()

    @property
    def tokens(self) -> float:
        """Tokens currently available."""
        return self._tokens

    def try_spend(self, *, timeout: bool = False) -> bool:
        """Take the cost of one retry; ``False`` (and nothing taken) if it cannot be paid."""
        cost = self.timeout_retry_cost if timeout else self.retry_cost
        with self._lock:
            if self._tokens < cost:
                return False
            self._tokens -= cost
            return True

    def refund(self) -> None:
        """Credit one successful call."""
        if self._tokens >= self.capacity:
            return
        with self._lock:
            self._tokens = min(self.capacity, self._tokens + self.success_refund)

    def __repr__(self) -> str:
        return f"RetryBudget(tokens={self._tokens:g}/{self.capacity:g})"
