"""Retry policy and the pure decisions behind it (no I/O, no clock, no sleeping).

The transport's sync and async loops ask these functions what to do after each attempt:

* :func:`classify_status` / :func:`classify_exception_phase`: may this outcome succeed later?
* :func:`parse_retry_after`: how long the server asked us to wait (``retry-after-ms``,
  then ``Retry-After`` as seconds or an HTTP date).
* :func:`backoff_delay`: full-jitter exponential backoff, ``random(0, min(cap, base * 2**n))``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

__all__ = [
    "NEVER_RETRY_STATUSES",
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "backoff_delay",
    "classify_status",
    "is_quota_exhausted",
    "parse_retry_after",
    "should_retry_header",
]

#: Statuses that may succeed later (plus every 5xx).
RETRYABLE_STATUSES: Final = frozenset({408, 409, 429})
#: Statuses that never succeed by repeating the same request.
NEVER_RETRY_STATUSES: Final = frozenset({400, 401, 403, 404, 422})
#: Statuses that prove a request was *not* processed, so even a non-idempotent
#: request may be sent again.
NOT_PROCESSED_STATUSES: Final = frozenset({408, 429, 503})

_QUOTA_MARKERS: Final = ("insufficient_quota",)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry one call.

    Attributes:
        max_attempts: Attempts in total, the first included (``1`` = never retry).
        max_elapsed: Seconds after the first attempt past which no retry starts
            (the call's total deadline from :class:`~graph_sitter.http.Timeout` also applies).
        initial_delay: Backoff base in seconds.
        max_delay: Backoff cap in seconds.
        max_retry_after: The longest server-requested wait we obey. A longer
            ``Retry-After`` means "fail over now": the response is returned at once.
        retry_statuses: Statuses retried besides every 5xx.
    """

    max_attempts: int = 3
    max_elapsed: float = 60.0
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    retry_statuses: frozenset[int] = field(default=RETRYABLE_STATUSES)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        for name in ("max_elapsed", "initial_delay", "max_delay", "max_retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"RetryPolicy.{name} must not be negative")

    @classmethod
    def from_max_retries(cls, max_retries: int, **kwargs: float) -> RetryPolicy:
        """A policy allowing ``max_retries`` retries (``max_retries + 1`` attempts)."""
        if max_retries < 0:
            raise ValueError(f"max_retries must not be negative, got {max_retries}")
        return cls(max_attempts=max_retries + 1, **kwargs)  # type: ignore[arg-type]

    @property
    def max_retries(self) -> int:
        """Retries allowed after the first attempt."""
        return self.max_attempts - 1


def backoff_delay(
    retry_number: int, policy: RetryPolicy, rand: Callable[[], float] = random.random
) -> float:
    """Full-jitter exponential backoff for the ``retry_number``-th retry (0-based).

    Args:
        retry_number: 0 for the first retry, 1 for the second, ...
        policy: Supplies the base and the cap.
        rand: A uniform ``[0, 1)`` source (injectable for tests).
    """
    ceiling = min(policy.max_delay, policy.initial_delay * (2.0 ** min(retry_number, 62)))
    return ceiling * rand()


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, or ``None`` if it did not say (or said nonsense).

    Reads ``retry-after-ms`` first, then ``Retry-After`` as a number of seconds, then as an
    HTTP date (relative to ``now``, a POSIX timestamp, default the current time).

    Args:
        headers: Response headers (a case-insensitive mapping, or lower-case keys).
        now: The current POSIX time, for HTTP dates.
    """
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            value = float(raw_ms) / 1000.0
        except ValueError:
            value = -1.0
        if value >= 0 and value == value and value != float("inf"):
            return value
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
    except ValueError:
        pass
    else:
        if seconds >= 0 and seconds == seconds and seconds != float("inf"):
            return seconds
        return None
    import email.utils

    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if now is None:
        import time

        now = time.time()
    return max(0.0, parsed.timestamp() - now)


def should_retry_header(headers: Mapping[str, str]) -> bool | None:
    """The server's explicit ``x-should-retry`` verdict, or ``None`` when absent."""
    value = headers.get("x-should-retry")
    if value is None:
        return None
    value = value.strip().lower()
    if value == "true":
        return True
    if value == "false":
        return False
    return None


def is_quota_exhausted(body: bytes | str) -> bool:
    """Whether an error body says the account's quota/billing is exhausted."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not any(marker in text for marker in _QUOTA_MARKERS):
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return True
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        return any(error.get(key) in _QUOTA_MARKERS for key in ("code", "type"))
    return True


def classify_status(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    policy: RetryPolicy,
    *,
    idempotent: bool,
) -> tuple[bool, str]:
    """Whether a response with ``status`` may succeed if the request is sent again.

    Returns:
        ``(retryable, reason)``; the reason is a short stable word for logs.
    """
    verdict = should_retry_header(headers)
    if verdict is False:
        return False, "x-should-retry:false"
    if status < 400 and status != 0:
        return False, "success"
    if verdict is True:
        return True, "x-should-retry:true"
    if status in NEVER_RETRY_STATUSES:
        return False, "client_error"
    if status == 429 and is_quota_exhausted(body):
        return False, "insufficient_quota"
    if not (status >= 500 or status in policy.retry_statuses):
        return False, "not_retryable"
    if not idempotent and status not in NOT_PROCESSED_STATUSES:
        return False, "non_idempotent"
    return True, f"status_{status}"
