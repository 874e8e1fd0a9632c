"""A per-endpoint circuit breaker: a small state machine with an injectable clock.

States::

    CLOSED --(failure_threshold consecutive failures)--> OPEN
    OPEN --(recovery_timeout elapsed)--> HALF_OPEN (one probe allowed at a time)
    HALF_OPEN --probe succeeds--> CLOSED
    HALF_OPEN --probe fails--> OPEN (cool-down starts again)

Failures are connection errors, timeouts and 5xx answers; any other answer (a 4xx
included) proves the endpoint is alive and counts as a success. A 429 is neutral.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable

from graph_sitter.http import sleep as _sleep

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(enum.Enum):
    """The three states of a :class:`CircuitBreaker`."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Thread-safe circuit breaker.

    Args:
        name: Shown in errors and logs (usually the provider name).
        failure_threshold: Consecutive failures that open the circuit.
        recovery_timeout: Seconds the circuit stays open before a probe is allowed.
        clock: A monotonic clock; the default honours the transport's test mode.
    """

    def __init__(
        self,
        name: str = "default",
        *,
        failure_threshold: int = 5,
        recovery_timeout: float = 30.0,
        clock: Callable[[], float] = _sleep.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if recovery_timeout < 0:
            raise ValueError("recovery_timeout must not be negative")
        self.name = name
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_started: float | None = None
        self.open_count = 0

    @property
    def state(self) -> BreakerState:
        """The current state (``OPEN`` turns into ``HALF_OPEN`` once the cool-down is over)."""
        with self._lock:
            if self._state is BreakerState.OPEN and self._cooled_down(self._clock()):
                return BreakerState.HALF_OPEN
            return self._state

    @property
    def consecutive_failures(self) -> int:
        """Failures since the last success."""
        return self._failures

    def _cooled_down(self, now: float) -> bool:
        return now - self._opened_at >= self.recovery_timeout

    def before_request(self) -> float | None:
        """Ask for permission to send.

        Returns:
            ``None`` if the request may go, else the seconds until a probe will be allowed.
        """
        if self._state is BreakerState.CLOSED:
            return None
        now = self._clock()
        with self._lock:
            state: BreakerState = self._state
            if state is BreakerState.CLOSED:
                return None
            if state is BreakerState.OPEN:
                if not self._cooled_down(now):
                    return self.recovery_timeout - (now - self._opened_at)
                self._state = BreakerState.HALF_OPEN
                self._probe_started = now
                return None
            # HALF_OPEN: one probe at a time; a probe that never reported expires.
            if self._probe_started is not None and now - self._probe_started < max(
                self.recovery_timeout, 1.0
            ):
                return max(self.recovery_timeout, 1.0) - (now - self._probe_started)
            self._probe_started = now
            return None

    def record_success(self) -> None:
        """The endpoint answered: close the circuit and reset the failure count."""
        if self._state is BreakerState.CLOSED and self._failures == 0:
            return
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._probe_started = None

    def record_failure(self) -> None:
        """The endpoint failed (network error, timeout, 5xx)."""
        now = self._clock()
        with self._lock:
            self._failures += 1
            if self._state is BreakerState.HALF_OPEN or (
                self._state is BreakerState.CLOSED and self._failures >= self.failure_threshold
            ):
                self._state = BreakerState.OPEN
                self._opened_at = now
                self._probe_started = None
                self.open_count += 1

    def record_neutral(self) -> None:
        """An answer that proves nothing either way (e.g. 429): frees a half-open probe slot."""
        with self._lock:
            if self._state is BreakerState.HALF_OPEN:
                self._probe_started = None

    def reset(self) -> None:
        """Force the breaker closed."""
        with self._lock:
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._probe_started = None

    def __repr__(self) -> str:
        return (
            f"CircuitBreaker(name={self.name!r}, state={self.state.value}, "
            f"failures={self._failures}/{self.failure_threshold})"
        )
