"""The transport's loops over httpx.MockTransport, sync and async (same parametrised tests)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from graph_sitter.http import (
    CircuitBreaker,
    CircuitOpenError,
    NetworkError,
    RateLimit,
    RequestTimeout,
    Response,
    RetryBudget,
    RetryEvent,
    RetryPolicy,
    SleepRecorder,
    Timeout,
    Transport,
)
from graph_sitter.http import (
    testing as sleep_testing,
)

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def sleeps() -> Iterator[SleepRecorder]:
    with sleep_testing() as recorder:
        yield recorder


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make(handler: Handler, **kwargs: Any) -> Transport:
    mock = httpx.MockTransport(handler)
    return Transport(
        "http://vendor.test/v1", http_transport=mock, async_http_transport=mock, **kwargs
    )


def call(transport: Transport, mode: str, method: str = "POST", **kwargs: Any) -> Response:
    kwargs.setdefault("json", {"q": 1})
    if mode == "sync":
        try:
            return transport.request(method, "/x", **kwargs)
        finally:
            transport.close()

    async def run() -> Response:
        try:
            return await transport.arequest(method, "/x", **kwargs)
        finally:
            await transport.aclose()

    return asyncio.run(run())


class Script:
    """Answers with the scripted responses in order, then 200."""

    def __init__(self, *responses: httpx.Response | Exception) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.responses:
            item = self.responses.pop(0)
            if isinstance(item, Exception):
                raise item
            return item
        return httpx.Response(200, json={"ok": True})


def test_success_after_transient_5xx(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(httpx.Response(500), httpx.Response(502))
    response = call(make(script), mode, idempotent=True)
    assert response.status_code == 200
    assert response.attempts == 3 and response.retries_taken == 2
    assert len(sleeps.planned) == 2
    assert all(0 <= s <= 1.0 for s in sleeps.planned)  # full jitter, base 0.5 doubling


def test_retry_after_honoured(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(httpx.Response(429, headers={"retry-after": "7"}))
    assert call(make(script), mode, idempotent=True).status_code == 200
    assert sleeps.planned == [7.0]


def test_retry_after_ms_preferred(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(httpx.Response(429, headers={"retry-after-ms": "250", "retry-after": "9"}))
    assert call(make(script), mode, idempotent=True).status_code == 200
    assert sleeps.planned == [0.25]


def test_retry_after_above_cap_returns_at_once(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(httpx.Response(429, headers={"retry-after": "3600"}))
    policy = RetryPolicy(max_retry_after=60)
    response = call(make(script, retry=policy), mode, idempotent=True)
    assert response.status_code == 429 and response.attempts == 1
    assert response.retry_after == 3600.0
    assert sleeps.planned == []


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_never_retried(mode: str, sleeps: SleepRecorder, status: int) -> None:
    script = Script(httpx.Response(status))
    response = call(make(script), mode, idempotent=True)
    assert response.status_code == status and len(script.requests) == 1


def test_insufficient_quota_not_retried(mode: str, sleeps: SleepRecorder) -> None:
    body = {"error": {"type": "insufficient_quota", "code": "insufficient_quota"}}
    script = Script(httpx.Response(429, json=body))
    assert call(make(script), mode, idempotent=True).status_code == 429
    assert len(script.requests) == 1


def test_attempts_bound(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(*[httpx.Response(503) for _ in range(10)])
    response = call(make(script, retry=RetryPolicy(max_attempts=4)), mode, idempotent=True)
    assert response.status_code == 503 and len(script.requests) == 4


def test_total_time_bound(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(*[httpx.Response(503, headers={"retry-after": "20"}) for _ in range(10)])
    policy = RetryPolicy(max_attempts=10, max_elapsed=50)
    response = call(make(script, retry=policy), mode, idempotent=True)
    assert len(script.requests) == 3  # waits of 20 s: a third wait would pass 50 s
    assert response.status_code == 503
    assert sleeps.planned == [20.0, 20.0]


def test_connect_error_retried_even_for_post(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(httpx.ConnectError("refused"))
    assert call(make(script), mode, idempotent=False).status_code == 200
    assert len(script.requests) == 2


def test_non_idempotent_not_replayed_after_send(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(httpx.ReadError("reset"), httpx.Response(500))
    with pytest.raises(NetworkError) as info:
        call(make(script), mode, idempotent=False)
    assert info.value.request_sent and len(script.requests) == 1
    script2 = Script(httpx.Response(500))
    assert call(make(script2), mode, idempotent=False).status_code == 500
    assert len(script2.requests) == 1


def test_idempotency_key_set_once(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(httpx.ReadError("reset"), httpx.Response(500))
    transport = make(script, idempotency_header="Idempotency-Key")
    assert call(transport, mode, idempotency_key=True).status_code == 200
    keys = {r.headers["idempotency-key"] for r in script.requests}
    assert len(script.requests) == 3 and len(keys) == 1


def test_read_timeout_raises_with_duration(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(*[httpx.ReadTimeout("slow") for _ in range(3)])
    transport = make(script, timeout=Timeout(read=1.5))
    with pytest.raises(RequestTimeout) as info:
        call(transport, mode, idempotent=True)
    assert info.value.timeout_duration == 1.5 and info.value.phase == "read"
    assert info.value.attempts == 3
    assert isinstance(info.value, TimeoutError)


def test_retry_budget_stops_retries(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(*[httpx.Response(503) for _ in range(10)])
    budget = RetryBudget(5, retry_cost=5)
    response = call(make(script, budget=budget), mode, idempotent=True)
    assert len(script.requests) == 2  # one retry paid, the second refused
    assert response.status_code == 503 and budget.tokens == 0


def test_breaker_opens_and_fails_fast(mode: str, sleeps: SleepRecorder) -> None:
    script = Script(*[httpx.Response(500) for _ in range(10)])
    breaker = CircuitBreaker("vendor", failure_threshold=2, recovery_timeout=30)
    with pytest.raises(CircuitOpenError) as info:
        transport = make(script, breaker=breaker, retry=RetryPolicy(max_attempts=5))
        call(transport, mode, idempotent=True)
    assert len(script.requests) == 2 and info.value.retry_after > 0


def test_rate_limiter_waits_instead_of_429(mode: str, sleeps: SleepRecorder) -> None:
    script = Script()
    transport = make(script, rate_limit=RateLimit(requests=1, period=60))

    if mode == "sync":
        for _ in range(3):
            transport.request("GET", "/x")
        transport.close()
    else:

        async def run() -> None:
            for _ in range(3):
                await transport.arequest("GET", "/x")
            await transport.aclose()

        asyncio.run(run())
    assert sleeps.planned == pytest.approx([60.0, 60.0], abs=0.5)


def test_hook_receives_events_and_failures_are_logged(
    mode: str, sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[RetryEvent] = []

    def broken(event: RetryEvent) -> None:
        raise RuntimeError("hook bug")

    script = Script(httpx.Response(503))
    call(make(script, on_retry=(events.append, broken)), mode, idempotent=True)
    assert [(e.attempt, e.status_code) for e in events] == [(1, 503)]
    assert "http.retry_hook_failed" in caplog.text


def test_stream_retries_before_body_only(sleeps: SleepRecorder) -> None:
    script = Script(httpx.Response(503))
    script.responses.append(httpx.Response(200, content=b"data: a\n\ndata: b\n\n"))
    with make(script) as transport, transport.stream("POST", "/s", json={}, idempotent=True) as r:
        assert r.status_code == 200 and r.attempts == 2
        assert [line for line in r.iter_lines() if line] == ["data: a", "data: b"]


def test_secrets_never_in_repr_or_logs(
    sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "sk-transport-secret-000111"
    script = Script(httpx.Response(503))
    transport = make(script, headers={"authorization": f"Bearer {secret}"}, secrets=(secret,))
    with caplog.at_level("DEBUG"), transport:
        transport.request("GET", f"/x?key={secret}")
    assert secret not in caplog.text and secret not in repr(transport)
    assert "http.retry" in caplog.text
