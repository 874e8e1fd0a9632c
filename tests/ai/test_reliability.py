"""Reliability over real loopback HTTP against the vendor emulators (graph_sitter.testing)."""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import threading
import time
from typing import Any

import pytest

from graph_sitter.ai.errors import (
    ContextLengthExceededError,
    MalformedResponseError,
    ProviderCircuitOpenError,
    ProviderQuotaExceededError,
)
from graph_sitter.ai.providers import (
    AIProvider,
    AIResponse,
    AnthropicProvider,
    OpenAIProvider,
    ProviderAuthenticationError,
    ProviderRateLimitError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from graph_sitter.ai.providers.fallback import FallbackProvider
from graph_sitter.http import CircuitBreaker, SleepRecorder
from graph_sitter.testing import (
    AnthropicEmulator,
    ConnectionReset,
    ContextLengthExceeded,
    HTTPError,
    MalformedJSON,
    OpenAIEmulator,
    Overloaded,
    QuotaExceeded,
    RateLimit,
    SlowFirstByte,
    ToolCall,
    TruncatedStream,
)

API_KEY = "sk-test-emulator-key-0123456789"  # same as conftest.py


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def ask(provider: AIProvider, mode: str, prompt: str = "hi", **kwargs: Any) -> AIResponse:
    if mode == "sync":
        return provider.generate_response(prompt, **kwargs)

    async def run() -> AIResponse:
        try:
            return await provider.agenerate_response(prompt, **kwargs)
        finally:
            await provider.aclose()

    return asyncio.run(run())


def test_success_after_transient_5xx(
    openai: OpenAIProvider, openai_emu: OpenAIEmulator, mode: str
) -> None:
    openai_emu.queue_fault(HTTPError(500))
    openai_emu.queue_fault(HTTPError(503))
    openai_emu.queue_reply("recovered")
    response = ask(openai, mode)
    assert response.content == "recovered"
    assert response.retries_taken == 2 and len(openai_emu.requests) == 3
    assert openai.get_stats()["request_count"] == 1  # one call, however many retries
    assert openai.get_enhanced_stats()["total_retries"] == 2


def test_anthropic_overloaded_529_retried(
    anthropic: AnthropicProvider, anthropic_emu: AnthropicEmulator, mode: str
) -> None:
    anthropic_emu.queue_fault(Overloaded())
    anthropic_emu.queue_reply("fine")
    response = ask(anthropic, mode)
    assert response.content == "fine" and response.retries_taken == 1


@pytest.mark.parametrize(
    ("fault", "minimum"),
    [
        (RateLimit(retry_after=3), 3.0),
        (RateLimit(retry_after=4, retry_after_format="http-date"), 3.0),
        (RateLimit(retry_after_ms=1500, retry_after=9), 1.5),
    ],
)
def test_429_waits_at_least_retry_after(
    openai: OpenAIProvider,
    openai_emu: OpenAIEmulator,
    sleeps: SleepRecorder,
    fault: RateLimit,
    minimum: float,
) -> None:
    openai_emu.queue_fault(fault)
    response = openai.generate_response("hi")
    assert response.retries_taken == 1
    assert len(sleeps.planned) == 1 and sleeps.planned[0] >= minimum
    assert sleeps.planned[0] <= minimum + 2  # an HTTP date rounds up to a whole second
    assert openai.get_enhanced_stats()["rate_limit_count"] == 1


def test_rate_limit_retries_exhausted(
    openai: OpenAIProvider, openai_emu: OpenAIEmulator, sleeps: SleepRecorder, mode: str
) -> None:
    openai_emu.queue_fault(RateLimit(retry_after=2), times=3)
    with pytest.raises(ProviderRateLimitError) as info:
        ask(openai, mode)
    assert info.value.retry_after == 2.0 and info.value.status_code == 429
    assert info.value.provider == "OpenAI" and info.value.attempts == 3
    assert info.value.request_id is not None
    assert sleeps.planned == [2.0, 2.0]
    stats = openai.get_enhanced_stats()
    assert stats["error_count"] == 1 and stats["rate_limit_count"] == 3


def test_retry_after_above_cap_fails_over_now(
    openai: OpenAIProvider, openai_emu: OpenAIEmulator, sleeps: SleepRecorder
) -> None:
    openai_emu.queue_fault(RateLimit(retry_after=3600))
    with pytest.raises(ProviderRateLimitError) as info:
        openai.generate_response("hi")
    assert info.value.retry_after == 3600.0
    assert sleeps.planned == [] and len(openai_emu.requests) == 1


def test_quota_exhausted_never_retried(
    openai: OpenAIProvider, openai_emu: OpenAIEmulator, mode: str
) -> None:
    openai_emu.queue_fault(QuotaExceeded())
    with pytest.raises(ProviderQuotaExceededError):
        ask(openai, mode)
    assert len(openai_emu.requests) == 1


def test_401_is_authentication_error_without_retry(
    openai_emu: OpenAIEmulator, sleeps: SleepRecorder, mode: str
) -> None:
    provider = OpenAIProvider(
        api_key="sk-wrong-key-abcdef0123", base_url=openai_emu.base_url, env={}, env_file=None
    )
    with provider, pytest.raises(ProviderAuthenticationError) as info:
        ask(provider, mode)
    assert info.value.status_code == 401 and len(openai_emu.requests) == 1
    assert sleeps.planned == []
    assert "sk-wrong-key-abcdef0123" not in str(info.value)


@pytest.mark.parametrize("status", [403, 404, 400])
def test_other_client_errors_not_retried(
    openai: OpenAIProvider, openai_emu: OpenAIEmulator, status: int
) -> None:
    openai_emu.queue_fault(HTTPError(status))
    with pytest.raises(ProviderAuthenticationError if status == 403 else Exception) as info:
        openai.generate_response("hi")
    assert info.value.status_code == status  # type: ignore[attr-defined]
    assert len(openai_emu.requests) == 1


def test_context_length_exceeded(
    openai: OpenAIProvider,
    openai_emu: OpenAIEmulator,
    anthropic: AnthropicProvider,
    anthropic_emu: AnthropicEmulator,
) -> None:
    openai_emu.queue_fault(ContextLengthExceeded(max_context=8192, requested=9000))
    with pytest.raises(ContextLengthExceededError, match="maximum context length"):
        openai.generate_response("hi")
    anthropic_emu.queue_fault(ContextLengthExceeded(max_context=200000, requested=210000))
    with pytest.raises(ContextLengthExceededError):
        anthropic.generate_response("hi")


def test_read_timeout(openai_emu: OpenAIEmulator, sleeps: SleepRecorder, mode: str) -> None:
    provider = OpenAIProvider(
        api_key=API_KEY,
        base_url=openai_emu.base_url,
        timeout=0.2,
        max_retries=0,
        env={},
        env_file=None,
    )
    openai_emu.queue_fault(SlowFirstByte(delay=0.6))
    with provider, pytest.raises(ProviderTimeoutError) as info:
        ask(provider, mode)
    assert info.value.timeout_duration == pytest.approx(0.2)
    assert info.value.provider == "OpenAI"


def test_connection_reset_is_retried(
    openai: OpenAIProvider, openai_emu: OpenAIEmulator, mode: str
) -> None:
    openai_emu.queue_fault(ConnectionReset())
    openai_emu.queue_reply("after reset")
    assert ask(openai, mode).content == "after reset"


def test_malformed_body_is_clear_error(
    openai: OpenAIProvider, openai_emu: OpenAIEmulator, mode: str
) -> None:
    openai_emu.queue_fault(MalformedJSON())
    with pytest.raises(MalformedResponseError, match="not JSON"):
        ask(openai, mode)


def test_truncated_stream_is_an_error(openai: OpenAIProvider, openai_emu: OpenAIEmulator) -> None:
    openai_emu.queue_fault(TruncatedStream(after_events=2, clean_end=True))
    with pytest.raises(ProviderUnavailableError, match="stream"):
        list(openai.stream_response("hi"))
    openai_emu.queue_fault(TruncatedStream(after_events=2, clean_end=False))
    with pytest.raises(ProviderUnavailableError):
        list(openai.stream_response("hi"))


def test_streaming_and_tool_calls(
    openai: OpenAIProvider,
    openai_emu: OpenAIEmulator,
    anthropic: AnthropicProvider,
    anthropic_emu: AnthropicEmulator,
) -> None:
    openai_emu.queue_reply("one two three")
    assert "".join(openai.stream_response("hi")) == "one two three"
    anthropic_emu.queue_reply("four five")
    assert "".join(anthropic.stream_response("hi")) == "four five"
    tool = {"type": "function", "function": {"name": "answer", "parameters": {"type": "object"}}}
    for provider, emulator in ((openai, openai_emu), (anthropic, anthropic_emu)):
        emulator.queue_reply(ToolCall("answer", {"answer": "42"}))
        response = provider.generate_response("q", tools=[tool], tool_choice="required")
        call = response.tool_calls[0]
        assert call["function"]["name"] == "answer"
        assert json.loads(call["function"]["arguments"]) == {"answer": "42"}
        assert response.finish_reason == "tool_calls"


def test_fallback_to_healthy_provider(
    openai_emu: OpenAIEmulator, anthropic_emu: AnthropicEmulator, sleeps: SleepRecorder, mode: str
) -> None:
    openai_emu.queue_fault(HTTPError(503), times=3)
    anthropic_emu.queue_reply("from claude")
    chain = FallbackProvider(
        [
            OpenAIProvider(API_KEY, openai_emu.base_url, env={}, env_file=None),
            AnthropicProvider(API_KEY, anthropic_emu.base_url, env={}, env_file=None),
        ]
    )
    with chain:
        response = ask(chain, mode)  # no model named: any provider's default will do
        assert response.content == "from claude" and response.provider_name == "Anthropic"
        assert response.metadata["providers_tried"] == ["OpenAI", "Anthropic"]
        assert "ProviderUnavailableError" in response.metadata["fallback_errors"][0]
        assert anthropic_emu.requests[-1].json["model"].startswith("claude")
        assert chain.get_stats()["request_count"] == 1


def test_circuit_opens_and_closes(openai_emu: OpenAIEmulator, sleeps: SleepRecorder) -> None:
    breaker = CircuitBreaker("OpenAI", failure_threshold=3, recovery_timeout=30)
    provider = OpenAIProvider(
        API_KEY, openai_emu.base_url, max_retries=0, breaker=breaker, env={}, env_file=None
    )
    with provider:
        openai_emu.queue_fault(HTTPError(500), times=3)
        for _ in range(3):
            with pytest.raises(ProviderUnavailableError):
                provider.generate_response("hi")
        assert not provider.is_available
        with pytest.raises(ProviderCircuitOpenError) as info:
            provider.generate_response("hi")
        assert info.value.retry_after == pytest.approx(30, abs=1)
        assert len(openai_emu.requests) == 3  # skipped fast: nothing sent
        sleeps.advance(30)
        assert provider.is_available
        assert provider.generate_response("probe").content  # half-open probe succeeds
        assert breaker.state.value == "closed" and len(openai_emu.requests) == 4


def test_100_threads_x_20_requests_exact_and_no_leak(openai_emu: OpenAIEmulator) -> None:
    provider = OpenAIProvider(API_KEY, openai_emu.base_url, env={}, env_file=None)
    errors: list[BaseException] = []
    barrier = threading.Barrier(100)

    def worker() -> None:
        barrier.wait()
        try:
            for _ in range(20):
                provider.generate_response("count me")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = provider.get_enhanced_stats()
    provider.close()
    assert errors == []
    assert stats["request_count"] == 2000 and stats["error_count"] == 0
    assert stats["token_usage"]["total"] % 2000 == 0  # identical calls, counted exactly
    assert openai_emu.request_count == 2000
    assert openai_emu.total_connections < 500  # pooled: connections were reused
    assert openai_emu.wait_for_open_connections(0, timeout=5.0)


def test_no_leak_after_retries_and_resets(
    openai_emu: OpenAIEmulator, sleeps: SleepRecorder
) -> None:
    provider = OpenAIProvider(API_KEY, openai_emu.base_url, env={}, env_file=None)
    openai_emu.queue_fault(ConnectionReset())
    openai_emu.queue_fault(HTTPError(502))
    provider.generate_response("hi")
    provider.close()
    assert openai_emu.wait_for_open_connections(0, timeout=5.0)


def test_token_never_in_logs_or_repr(
    openai_emu: OpenAIEmulator, sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "sk-never-log-me-0123456789abcdef"
    caplog.set_level(logging.DEBUG)
    provider = OpenAIProvider(secret, openai_emu.base_url, env={}, env_file=None)
    with provider:
        openai_emu.queue_fault(HTTPError(503))
        with pytest.raises(ProviderAuthenticationError) as info:
            provider.generate_response("hi")
        text = caplog.text + repr(provider) + str(info.value) + repr(info.value)
        text += repr(provider.get_enhanced_stats()) + repr(provider._settings)
    assert secret not in text
    assert "http.retry" in caplog.text  # the retry was logged, redacted


def test_async_throughput_path_is_aiohttp(openai: OpenAIProvider) -> None:
    async def run() -> str:
        await openai.agenerate_response("hi")
        backend = openai._transport._loops.get()
        name = type(backend).__name__
        await openai.aclose()
        return name

    assert asyncio.run(run()) == "AiohttpBackend"


def test_http_date_helper_is_what_server_sends() -> None:
    # guards the http-date case above against a clock in the past
    assert email.utils.parsedate_to_datetime(email.utils.formatdate(time.time(), usegmt=True))
