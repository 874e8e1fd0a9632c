"""The sans-I/O state of one call: what to do after each attempt.

The sync and async loops in :mod:`graph_sitter.http.transport` only send, sleep and ask
:class:`CallState`. Everything that decides (attempts, deadlines, server hints, backoff,
budget, breaker bookkeeping, idempotency) lives here and is tested without a network.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from graph_sitter.http.breaker import CircuitBreaker
from graph_sitter.http.budget import RetryBudget
from graph_sitter.http.errors import CircuitOpenError, NetworkError, RequestTimeout, TransportError
from graph_sitter.http.retry import RetryPolicy, backoff_delay, classify_status, parse_retry_after
from graph_sitter.http.timeouts import Timeout

__all__ = ["AttemptFailure", "CallState", "Decision"]


class AttemptFailure(Exception):
    """Raised by a backend when an attempt produced no response (internal).

    Attributes:
        phase: ``connect``, ``pool``, ``read``, ``write``, ``protocol`` or ``fatal``.
        timed_out: Whether a timeout fired.
        request_sent: Whether the request may have reached the server.
        timeout_duration: The limit that fired, for timeouts.
    """

    def __init__(
        self,
        phase: str,
        *,
        timed_out: bool,
        request_sent: bool,
        timeout_duration: float = 0.0,
        detail: str = "",
    ) -> None:
        super().__init__(detail or phase)
        self.phase = phase
        self.timed_out = timed_out
        self.request_sent = request_sent
        self.timeout_duration = timeout_duration
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Decision:
    """What to do after an attempt: retry after ``delay`` seconds, or stop (``reason``)."""

    retry: bool
    delay: float
    reason: str


class CallState:
    """Book-keeping for one logical call across its attempts."""

    __slots__ = (
        "_breaker",
        "_budget",
        "_clock",
        "_policy",
        "_rand",
        "attempts",
        "deadline",
        "idempotent",
        "start",
        "timeout",
    )

    def __init__(
        self,
        *,
        policy: RetryPolicy,
        timeout: Timeout,
        budget: RetryBudget | None,
        breaker: CircuitBreaker | None,
        idempotent: bool,
        clock: Callable[[], float],
        rand: Callable[[], float],
    ) -> None:
        self._policy = policy
        self._budget = budget
        self._breaker = breaker
        self._clock = clock
        self._rand = rand
        self.idempotent = idempotent
        self.timeout = timeout
        self.start = clock()
        self.deadline = self.start + timeout.total if timeout.total is not None else math.inf
        self.attempts = 0

    # -- before an attempt -------------------------------------------------------------
    def begin_attempt(self) -> None:
        """Count an attempt; raise :class:`CircuitOpenError` if the breaker refuses it."""
        if self._breaker is not None:
            wait = self._breaker.before_request()
            if wait is not None:
                raise CircuitOpenError(self._breaker.name, wait, attempts=self.attempts)
        self.attempts += 1

    def remaining(self) -> float:
        """Seconds left before the call's total deadline (``inf`` without one)."""
        return self.deadline - self._clock()

    def check_wait(self, wait: float) -> None:
        """Raise a total-deadline timeout if waiting ``wait`` seconds would overrun it."""
        if wait > 0 and self._clock() + wait > self.deadline:
            raise self.total_timeout()

    def total_timeout(self) -> RequestTimeout:
        """The error for an exhausted total deadline."""
        total = self.timeout.total or 0.0
        return RequestTimeout(
            f"request did not complete within its total timeout of {total:g}s",
            timeout_duration=total,
            phase="total",
            attempts=self.attempts,
        )

    # -- after an attempt ----------------------------------------------------------------
    def on_response(self, status: int, headers: Mapping[str, str], body: bytes) -> Decision:
        """Decide after an HTTP response."""
        breaker = self._breaker
        if status >= 500:
            if breaker is not None:
                breaker.record_failure()
        elif status == 429:
            if breaker is not None:
                breaker.record_neutral()
        else:
            if breaker is not None:
                breaker.record_success()
            if status < 400:
                if self._budget is not None:
                    self._budget.refund()
                return Decision(False, 0.0, "success")
        retryable, reason = classify_status(
            status, headers, body, self._policy, idempotent=self.idempotent
        )
        if not retryable:
            return Decision(False, 0.0, reason)
        server_wait = parse_retry_after(headers)
        if server_wait is not None and server_wait > self._policy.max_retry_after:
            return Decision(False, server_wait, "retry_after_above_cap")
        return self._schedule(server_wait, timed_out=False)

    def on_failure(self, failure: AttemptFailure) -> Decision:
        """Decide after an attempt that produced no response."""
        if self._breaker is not None and failure.phase != "fatal":
            self._breaker.record_failure()
        if failure.phase == "fatal":
            return Decision(False, 0.0, "fatal")
        if failure.request_sent and not self.idempotent:
            return Decision(False, 0.0, "non_idempotent")
        return self._schedule(None, timed_out=failure.timed_out)

    def _schedule(self, server_wait: float | None, *, timed_out: bool) -> Decision:
        policy = self._policy
        if self.attempts >= policy.max_attempts:
            return Decision(False, 0.0, "attempts_exhausted")
        delay = (
            server_wait
            if server_wait is not None
            else backoff_delay(self.attempts - 1, policy, self._rand)
        )
        now = self._clock()
        if now + delay - self.start > policy.max_elapsed or now + delay >= self.deadline:
            return Decision(False, delay, "deadline")
        if self._budget is not None and not self._budget.try_spend(timeout=timed_out):
            return Decision(False, delay, "budget_exhausted")
        return Decision(True, delay, "retry")

    def error_for(self, failure: AttemptFailure, url: str) -> TransportError:
        """The public error for a final failed attempt."""
        if failure.timed_out and self.remaining() <= 0.01:
            return self.total_timeout()  # the attempt's limit was the call's deadline
        if failure.timed_out:
            return RequestTimeout(
                f"{failure.phase} timeout after {failure.timeout_duration:g}s "
                f"calling {url} (attempt {self.attempts})",
                timeout_duration=failure.timeout_duration,
                phase=failure.phase,
                attempts=self.attempts,
                request_sent=failure.request_sent,
            )
        detail = f": {failure.detail}" if failure.detail else ""
        return NetworkError(
            f"{failure.phase} error calling {url} (attempt {self.attempts}){detail}",
            attempts=self.attempts,
            request_sent=failure.request_sent,
        )
