"""Attacks from a hostile server on 127.0.0.1, sync, async and streaming alike: a trickled
response must not outlive the call's total timeout, and a gzip bomb must not fill memory."""

from __future__ import annotations

import asyncio
import gc
import time
import tracemalloc
from typing import Any

import pytest
from raw_server import gzip_bomb, response_head, send_all, serving, trickle

from graph_sitter.http import RequestTimeout, ResponseTooLargeError, Timeout, Transport

PATHS = ["request", "arequest", "stream", "astream"]
MiB = 1024 * 1024


def run(transport: Transport, path: str, **kwargs: Any) -> bytes:
    """One call on ``path``; returns the body (streams: the lines joined)."""
    if path == "request":
        return transport.request("GET", "/x", **kwargs).content
    if path == "stream":
        with transport.stream("GET", "/x", **kwargs) as response:
            return "\n".join(response.iter_lines()).encode()

    async def main() -> bytes:
        try:
            if path == "arequest":
                return (await transport.arequest("GET", "/x", **kwargs)).content
            async with transport.astream("GET", "/x", **kwargs) as response:
                return "\n".join([line async for line in response.aiter_lines()]).encode()
        finally:
            await transport.aclose()

    return asyncio.run(main())


@pytest.mark.parametrize(
    ("path", "backend"),
    [
        ("request", "httpx"),
        ("stream", "httpx"),
        ("arequest", "aiohttp"),
        ("arequest", "httpx"),
        ("astream", "aiohttp"),
        ("astream", "httpx"),
    ],
)
def test_trickling_server_cannot_outlive_the_total_timeout(path: str, backend: str) -> None:
    with serving(trickle) as server:
        transport = Transport(server.url, async_backend=backend)  # type: ignore[arg-type]
        started = time.monotonic()
        with transport, pytest.raises(RequestTimeout) as info:
            run(transport, path, timeout=Timeout(connect=2.0, read=2.0, total=3.0))
        elapsed = time.monotonic() - started
    assert 2.9 <= elapsed < 3.0 + 0.75, elapsed  # was ~200 s on the sync paths
    assert info.value.phase == "total"
    assert info.value.timeout_duration == 3.0


def test_trickle_through_a_provider_is_a_provider_timeout() -> None:
    from graph_sitter.ai.providers import OpenAIProvider, ProviderTimeoutError

    with serving(trickle) as server:
        provider = OpenAIProvider(
            api_key="sk-hostile-0000000000", base_url=server.url, timeout=3, env={}, env_file=None
        )
        started = time.monotonic()
        with provider, pytest.raises(ProviderTimeoutError) as info:
            provider.generate_response("hello")
        elapsed = time.monotonic() - started
    assert elapsed < 3.0 + 0.75, elapsed
    assert info.value.timeout_duration == 3.0


@pytest.mark.parametrize("path", PATHS)
def test_gzip_bomb_is_stopped_at_the_cap_with_bounded_memory(path: str) -> None:
    bomb = gzip_bomb(64 * MiB)
    assert len(bomb) < MiB // 4
    head = response_head(
        200,
        {
            "content-encoding": "gzip",
            "content-type": "text/event-stream",
            "content-length": str(len(bomb)),
        },
    )
    with serving(lambda _stop: send_all(head + bomb)) as server:
        transport = Transport(server.url, max_response_bytes=MiB, retry=None)
        gc.collect()
        tracemalloc.start()
        try:
            with transport, pytest.raises(ResponseTooLargeError) as info:
                run(transport, path)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert info.value.limit == MiB
    assert peak < 8 * MiB, f"peak {peak / MiB:.1f} MiB"  # the body inflates to 64 MiB


@pytest.mark.parametrize("path", PATHS)
def test_body_under_the_cap_is_read_whole(path: str) -> None:
    import zlib

    text = b"data: " + b"y" * 200_000 + b"\n\n"
    body = zlib.compress(text)
    head = response_head(200, {"content-encoding": "deflate", "content-length": str(len(body))})
    with serving(lambda _stop: send_all(head + body)) as server:
        transport = Transport(server.url, max_response_bytes=MiB)
        with transport:
            got = run(transport, path)
    assert got.rstrip(b"\n") == text.rstrip(b"\n")


def test_cap_comes_from_the_environment_and_is_checked() -> None:
    env = {"GRAPH_SITTER_MAX_RESPONSE_BYTES": "2048"}
    with Transport("http://127.0.0.1:9", environ=env) as transport:
        assert transport.max_response_bytes == 2048
    with Transport("http://127.0.0.1:9", environ={}) as transport:
        assert transport.max_response_bytes == 32 * MiB
    with pytest.raises(ValueError, match="GRAPH_SITTER_MAX_RESPONSE_BYTES"):
        Transport("http://127.0.0.1:9", environ={"GRAPH_SITTER_MAX_RESPONSE_BYTES": "lots"})
    with pytest.raises(ValueError, match="max_response_bytes"):
        Transport("http://127.0.0.1:9", max_response_bytes=0)
