"""Pure decisions: Retry-After parsing, classification, backoff, budget, breaker, limiter, SSE."""

from __future__ import annotations

import email.utils
import logging

import pytest

from graph_sitter.http import (
    BreakerState,
    CircuitBreaker,
    RateLimit,
    RateLimiter,
    RedactingFilter,
    RetryBudget,
    RetryPolicy,
    SSEDecoder,
    backoff_delay,
    mask_secret,
    parse_retry_after,
    redact,
    register_secret,
)
from graph_sitter.http.retry import classify_status, is_quota_exhausted


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "-4"}, None),
        ({"retry-after-ms": "nan", "retry-after": "2"}, 2.0),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers) == expected


def test_parse_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after({"retry-after": header}, now=now) == pytest.approx(30.0)
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after({"retry-after": past}, now=now) == 0.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_never_retry_client_errors(status: int) -> None:
    assert classify_status(status, {}, b"", RetryPolicy(), idempotent=True)[0] is False


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_retry_transient_statuses(status: int) -> None:
    assert classify_status(status, {}, b"", RetryPolicy(), idempotent=True)[0] is True


def test_quota_exhausted_429_is_not_retried() -> None:
    body = b'{"error": {"type": "insufficient_quota", "code": "insufficient_quota"}}'
    assert is_quota_exhausted(body)
    assert classify_status(429, {}, body, RetryPolicy(), idempotent=True) == (
        False,
        "insufficient_quota",
    )


def test_x_should_retry_overrides() -> None:
    policy = RetryPolicy()
    assert not classify_status(503, {"x-should-retry": "false"}, b"", policy, idempotent=True)[0]
    assert classify_status(400, {"x-should-retry": "true"}, b"", policy, idempotent=True)[0]


def test_non_idempotent_only_retried_when_not_processed() -> None:
    policy = RetryPolicy()
    assert not classify_status(500, {}, b"", policy, idempotent=False)[0]
    assert not classify_status(502, {}, b"", policy, idempotent=False)[0]
    assert classify_status(429, {}, b"", policy, idempotent=False)[0]
    assert classify_status(503, {}, b"", policy, idempotent=False)[0]


def test_full_jitter_backoff_is_bounded() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0)
    assert backoff_delay(0, policy, lambda: 0.999) == pytest.approx(0.4995)
    assert backoff_delay(3, policy, lambda: 0.5) == pytest.approx(2.0)
    assert backoff_delay(40, policy, lambda: 0.999) <= 8.0
    assert backoff_delay(2, policy, lambda: 0.0) == 0.0


def test_retry_policy_validation() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy.from_max_retries(-1)
    assert RetryPolicy.from_max_retries(2).max_attempts == 3


def test_budget_spends_and_refills() -> None:
    budget = RetryBudget(12, retry_cost=5, timeout_retry_cost=10, success_refund=1)
    assert budget.try_spend()
    assert not budget.try_spend(timeout=True)  # 7 left, a timeout retry costs 10
    assert budget.try_spend()
    assert not budget.try_spend()  # 2 left
    for _ in range(3):
        budget.refund()
    assert budget.try_spend()
    assert budget.tokens == 0


def test_breaker_opens_probes_and_closes() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("x", failure_threshold=3, recovery_timeout=10, clock=clock)
    for _ in range(2):
        assert breaker.before_request() is None
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert breaker.before_request() == pytest.approx(10.0)
    clock.now += 10
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.before_request() is None  # the probe
    assert breaker.before_request() is not None  # only one probe at a time
    breaker.record_failure()  # probe failed: open again
    assert breaker.state is BreakerState.OPEN
    clock.now += 10
    assert breaker.before_request() is None
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.open_count == 2


def test_breaker_success_resets_consecutive_count() -> None:
    breaker = CircuitBreaker("x", failure_threshold=2, clock=FakeClock())
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_rate_limiter_sliding_window_and_tokens() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimit(requests=2, period=60), clock=clock)
    assert limiter.reserve() == 0
    assert limiter.reserve() == 0
    assert limiter.reserve() == pytest.approx(60)
    clock.now += 30
    assert limiter.reserve() == pytest.approx(30)  # queued behind the third
    tokens = RateLimiter(RateLimit(tokens=600, period=60), clock=clock)
    assert tokens.reserve(600) == 0
    assert tokens.reserve(100) == pytest.approx(10)  # 10 tokens/s refill


def test_sse_decoder() -> None:
    decoder = SSEDecoder()
    events = [
        decoder.feed(line)
        for line in [": comment", "event: delta", "data: a", "data: b", "", "data: [DONE]", ""]
    ]
    decoded = [e for e in events if e is not None]
    assert [(e.event, e.data) for e in decoded] == [("delta", "a\nb"), ("message", "[DONE]")]
    assert decoder.flush() is None


def test_redaction_of_registered_and_shaped_secrets() -> None:
    register_secret("emulator-secret-123")
    text = redact(
        "key=emulator-secret-123 Authorization: Bearer abcdef123456 sk-proj-0123456789abcdef"
    )
    assert "emulator-secret-123" not in text
    assert "abcdef123456" not in text
    assert "sk-proj-0123456789abcdef" not in text
    assert mask_secret("sk-0123456789abcdef") == "sk-...cdef"
    assert mask_secret("abc") == "..."


def test_redacting_filter(caplog: pytest.LogCaptureFixture) -> None:
    register_secret("filter-secret-987")
    log = logging.getLogger("tests.redact")
    log.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.INFO, logger="tests.redact"):
            log.info("token is %s", "filter-secret-987")
    finally:
        log.filters.clear()
    assert "filter-secret-987" not in caplog.text
    assert "[REDACTED]" in caplog.text
