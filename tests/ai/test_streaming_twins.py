"""Sync and async streams are twins: the same decoder, the same answers, the same errors
(``Transport.stream``/``astream`` and ``stream_response``/``astream_response``), and a reply
nested too deeply for JSON is a malformed response that the fallback chain moves past."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from graph_sitter.ai.errors import MalformedResponseError, ProviderRequestError
from graph_sitter.ai.providers import (
    AIProvider,
    AIResponse,
    AnthropicProvider,
    OpenAIProvider,
    ProviderUnavailableError,
)
from graph_sitter.ai.providers.fallback import FallbackProvider
from graph_sitter.http import SleepRecorder, Transport
from graph_sitter.testing import (
    AnthropicEmulator,
    HTTPError,
    MalformedJSON,
    OpenAIEmulator,
    TruncatedStream,
)
from graph_sitter.testing._server import HTTPServer, RecordedRequest, Response

API_KEY = "sk-test-emulator-key-0123456789"
DEEP = b"[" * 200_000 + b"]" * 200_000  # far deeper than the interpreter's recursion limit


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def stream(provider: AIProvider, mode: str, prompt: str = "hi") -> str:
    if mode == "sync":
        return "".join(provider.stream_response(prompt))

    async def run() -> str:
        try:
            return "".join([chunk async for chunk in provider.astream_response(prompt)])
        finally:
            await provider.aclose()

    return asyncio.run(run())


def ask(provider: AIProvider, mode: str, prompt: str = "hi") -> AIResponse:
    if mode == "sync":
        return provider.generate_response(prompt)

    async def run() -> AIResponse:
        try:
            return await provider.agenerate_response(prompt)
        finally:
            await provider.aclose()

    return asyncio.run(run())


def chunk(text: str) -> str:
    return json.dumps(
        {"model": "gpt-4o-mini", "choices": [{"index": 0, "delta": {"content": text}}]}
    )


@pytest.fixture
def raw_sse() -> Iterator[tuple[HTTPServer, list[bytes]]]:
    """A server that sends the queued body verbatim as ``text/event-stream``."""
    bodies: list[bytes] = []

    async def handler(request: RecordedRequest) -> Response:
        return Response(200, [("content-type", "text/event-stream")], bodies.pop(0))

    server = HTTPServer(handler, host="127.0.0.1", port=0, clock=time.monotonic)
    server.start()
    try:
        yield server, bodies
    finally:
        server.stop()


def _provider(server: HTTPServer, **kwargs: Any) -> OpenAIProvider:
    base = f"http://127.0.0.1:{server.port}/v1"
    return OpenAIProvider(API_KEY, base, env={}, env_file=None, **kwargs)


@pytest.mark.parametrize("ending", ["\n\n", "\n", ""])
def test_done_without_a_final_blank_line_ends_the_stream_in_both_modes(
    raw_sse: tuple[HTTPServer, list[bytes]], mode: str, ending: str
) -> None:
    server, bodies = raw_sse
    bodies.append(
        f"data: {chunk('Hello')}\n\ndata: {chunk(' world')}\n\ndata: [DONE]{ending}".encode()
    )
    with _provider(server) as provider:
        assert stream(provider, mode) == "Hello world"


def test_last_event_without_blank_line_is_not_lost(
    raw_sse: tuple[HTTPServer, list[bytes]], mode: str
) -> None:
    server, bodies = raw_sse
    bodies.append(f"data: {chunk('Hi')}\r\n\r\ndata: {chunk('!')}\r\n\r\ndata: [DONE]".encode())
    with _provider(server) as provider:
        assert stream(provider, mode) == "Hi!"


def test_stream_without_end_marker_is_an_error_in_both_modes(
    raw_sse: tuple[HTTPServer, list[bytes]], mode: str
) -> None:
    server, bodies = raw_sse
    bodies.append(f"data: {chunk('Hello')}\n\n".encode())
    with _provider(server, max_retries=0) as provider, pytest.raises(ProviderUnavailableError):
        stream(provider, mode)


@pytest.mark.parametrize("vendor", ["openai", "anthropic"])
def test_emulated_streams_agree(mode: str, vendor: str, sleeps: SleepRecorder) -> None:
    emulator = OpenAIEmulator(api_key=API_KEY) if vendor == "openai" else None
    emu = emulator or AnthropicEmulator(api_key=API_KEY)
    with emu:
        cls = OpenAIProvider if vendor == "openai" else AnthropicProvider
        emu.queue_reply("streamed in pieces, the same in both modes")
        with cls(API_KEY, emu.base_url, env={}, env_file=None) as provider:
            assert stream(provider, mode) == "streamed in pieces, the same in both modes"
        emu.queue_fault(TruncatedStream(after_events=2, clean_end=True))
        with (
            cls(API_KEY, emu.base_url, max_retries=0, env={}, env_file=None) as provider,
            pytest.raises(ProviderUnavailableError),
        ):
            stream(provider, mode)


@pytest.mark.parametrize("body", [b"a\nb\r\nc\rd", b"a\nb\r\nc\rd\n", b"\n\nx\r\n\r\n"])
def test_transport_stream_and_astream_yield_the_same_lines(
    raw_sse: tuple[HTTPServer, list[bytes]], body: bytes
) -> None:
    server, bodies = raw_sse
    bodies.extend([body, body])
    url = f"http://127.0.0.1:{server.port}"
    with Transport(url) as transport, transport.stream("GET", "/s") as response:
        sync_lines = list(response.iter_lines())

    async def run() -> list[str]:
        async with Transport(url) as transport, transport.astream("GET", "/s") as response:
            return [line async for line in response.aiter_lines()]

    assert asyncio.run(run()) == sync_lines
    assert sync_lines == body.decode().replace("\r\n", "\n").replace("\r", "\n").splitlines()


def test_deeply_nested_reply_moves_to_the_next_provider(mode: str, sleeps: SleepRecorder) -> None:
    with (
        OpenAIEmulator(api_key=API_KEY) as openai_emu,
        AnthropicEmulator(api_key=API_KEY) as anthropic_emu,
    ):
        openai_emu.queue_fault(MalformedJSON(body=DEEP))
        anthropic_emu.queue_reply("from claude")
        chain = FallbackProvider(
            [
                OpenAIProvider(API_KEY, openai_emu.base_url, env={}, env_file=None),
                AnthropicProvider(API_KEY, anthropic_emu.base_url, env={}, env_file=None),
            ]
        )
        with chain:
            response = ask(chain, mode)
    assert response.content == "from claude"
    assert "MalformedResponseError" in response.metadata["fallback_errors"][0]


def test_deeply_nested_bodies_are_our_errors(mode: str, sleeps: SleepRecorder) -> None:
    with OpenAIEmulator(api_key=API_KEY) as emu:
        emu.queue_fault(MalformedJSON(body=DEEP))
        with (
            OpenAIProvider(API_KEY, emu.base_url, env={}, env_file=None) as provider,
            pytest.raises(MalformedResponseError),
        ):
            ask(provider, mode)
        emu.queue_fault(HTTPError(400, body=DEEP, content_type="application/json"))
        with (
            OpenAIProvider(API_KEY, emu.base_url, env={}, env_file=None) as provider,
            pytest.raises(ProviderRequestError),
        ):
            ask(provider, mode)


def test_deeply_nested_stream_event_is_malformed(
    raw_sse: tuple[HTTPServer, list[bytes]], mode: str
) -> None:
    server, bodies = raw_sse
    bodies.append(b"data: " + DEEP + b"\n\ndata: [DONE]\n\n")
    with _provider(server) as provider, pytest.raises(MalformedResponseError):
        stream(provider, mode)


def test_oversized_reply_is_malformed_and_moves_on(mode: str, sleeps: SleepRecorder) -> None:
    with (
        OpenAIEmulator(api_key=API_KEY) as openai_emu,
        AnthropicEmulator(api_key=API_KEY) as anthropic_emu,
    ):
        openai_emu.queue_reply("x" * 20_000)
        anthropic_emu.queue_reply("short")
        small = OpenAIProvider(
            API_KEY, openai_emu.base_url, max_response_bytes=4096, env={}, env_file=None
        )
        with small, pytest.raises(MalformedResponseError, match="larger than 4096 bytes"):
            ask(small, mode)
        openai_emu.queue_reply("x" * 20_000)
        chain = FallbackProvider(
            [
                OpenAIProvider(
                    API_KEY, openai_emu.base_url, max_response_bytes=4096, env={}, env_file=None
                ),
                AnthropicProvider(API_KEY, anthropic_emu.base_url, env={}, env_file=None),
            ]
        )
        with chain:
            assert ask(chain, mode).content == "short"
