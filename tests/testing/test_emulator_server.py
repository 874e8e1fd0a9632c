"""The HTTP core shared by the emulators: lifecycle, keep-alive, parsing, recording, counting."""

from __future__ import annotations

import asyncio
import re
import socket
import time

import httpx
import pytest
from emulator_helpers import AUTH, CHAT, raw_exchange

from graph_sitter.testing import AnthropicEmulator, CodegenEmulator, OpenAIEmulator


def test_base_urls_point_where_each_sdk_expects() -> None:
    with (
        OpenAIEmulator() as openai_emu,
        AnthropicEmulator() as anthropic_emu,
        CodegenEmulator() as codegen_emu,
    ):
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", openai_emu.base_url)
        assert openai_emu.url == openai_emu.base_url.removesuffix("/v1")
        assert anthropic_emu.base_url == f"http://127.0.0.1:{anthropic_emu.port}"
        assert codegen_emu.base_url == f"http://127.0.0.1:{codegen_emu.port}"
        assert len({openai_emu.port, anthropic_emu.port, codegen_emu.port}) == 3
        assert repr(openai_emu) == f"<OpenAIEmulator {openai_emu.url}>"
    assert repr(openai_emu) == "<OpenAIEmulator stopped>"


def test_start_stop_without_context_manager() -> None:
    # No api_key: any key (or none) is accepted, as by Ollama.
    emu = OpenAIEmulator().start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            emu.start()
        assert httpx.get(f"{emu.base_url}/models").status_code == 200
    finally:
        emu.stop()
    emu.stop()  # idempotent
    with pytest.raises(RuntimeError, match="not running"):
        _ = emu.port


def test_binding_a_busy_port_raises() -> None:
    with OpenAIEmulator() as emu, pytest.raises(OSError):
        OpenAIEmulator(port=emu.port).start()


def test_keep_alive_serves_many_requests_on_one_connection(openai_emulator: OpenAIEmulator) -> None:
    with httpx.Client(base_url=openai_emulator.base_url, headers=AUTH) as client:
        for _ in range(5):
            response = client.post("/chat/completions", json=CHAT)
            assert response.status_code == 200
            assert response.headers["connection"] == "keep-alive"
        assert openai_emulator.open_connections == 1
    assert openai_emulator.total_connections == 1
    assert openai_emulator.wait_for_open_connections(0, timeout=5)
    assert {r.connection_id for r in openai_emulator.requests} == {1}


def test_open_connections_counts_concurrent_sockets(openai_emulator: OpenAIEmulator) -> None:
    sockets = [socket.create_connection(("127.0.0.1", openai_emulator.port)) for _ in range(3)]
    try:
        assert openai_emulator.wait_for_open_connections(3, timeout=5)
        assert openai_emulator.open_connections == 3
    finally:
        for sock in sockets:
            sock.close()
    assert openai_emulator.wait_for_open_connections(0, timeout=5)
    assert openai_emulator.total_connections == 3


def test_wait_for_open_connections_times_out(openai_emulator: OpenAIEmulator) -> None:
    started = time.monotonic()
    assert not openai_emulator.wait_for_open_connections(1, timeout=0.05)
    assert time.monotonic() - started < 2


def test_stop_closes_idle_connections_and_the_listener() -> None:
    emu = OpenAIEmulator().start()
    port = emu.port
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        assert emu.wait_for_open_connections(1)
        emu.stop()
        assert emu.open_connections == 0
        assert sock.recv(1024) == b""  # the server closed its side
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
    finally:
        sock.close()
        emu.stop()


def test_requests_are_recorded_with_everything_a_test_needs(
    openai_emulator: OpenAIEmulator,
) -> None:
    before = openai_emulator.now()
    with httpx.Client(base_url=openai_emulator.base_url, headers=AUTH) as client:
        client.post("/chat/completions?trace=1&trace=2", json=CHAT, headers={"X-Test": "yes"})
        client.get("/models")
    first, second = openai_emulator.requests
    assert (first.method, first.path, first.query, first.query_string) == (
        "POST",
        "/v1/chat/completions",
        {"trace": "2"},
        "trace=1&trace=2",
    )
    assert first.header("X-TEST") == "yes"
    assert first.headers["authorization"] == "Bearer test-key"
    assert first.json == CHAT
    assert first.json_error is None
    assert before <= first.time <= second.time <= openai_emulator.now()
    assert (second.method, second.path, second.body, second.json) == (
        "GET",
        "/v1/models",
        b"",
        None,
    )
    snapshot = openai_emulator.requests
    snapshot.clear()
    assert len(openai_emulator.requests) == 2
    openai_emulator.clear_requests()
    assert openai_emulator.requests == []
    assert openai_emulator.request_count == 2


def test_record_limit_keeps_the_newest_requests() -> None:
    with OpenAIEmulator(record_limit=2) as emu, httpx.Client(base_url=emu.base_url) as client:
        for index in range(3):
            client.get("/models", params={"n": index})
        assert [r.query["n"] for r in emu.requests] == ["1", "2"]
        assert emu.request_count == 3


def test_invalid_json_body_is_recorded_with_its_error(openai_emulator: OpenAIEmulator) -> None:
    response = httpx.post(
        f"{openai_emulator.base_url}/chat/completions", content=b"{not json", headers=AUTH
    )
    assert response.status_code == 400
    (request,) = openai_emulator.requests
    assert request.body == b"{not json"
    assert request.json is None
    assert request.json_error is not None


def test_chunked_request_body_and_expect_continue(openai_emulator: OpenAIEmulator) -> None:
    body = b'{"model": "m", "messages": [{"role": "user", "content": "hi"}]}'
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, body[:10], len(body) - 10, body[10:])
    request = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-key\r\n"
        b"Transfer-Encoding: chunked\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n" + chunked
    )
    reply = raw_exchange(openai_emulator.port, request)
    assert reply.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
    assert b"connection: close" in reply
    assert openai_emulator.requests[0].body == body


def test_malformed_request_line_gets_400_and_a_close(openai_emulator: OpenAIEmulator) -> None:
    reply = raw_exchange(openai_emulator.port, b"NONSENSE\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert b"connection: close" in reply


def test_http_1_0_closes_after_the_response(openai_emulator: OpenAIEmulator) -> None:
    reply = raw_exchange(
        openai_emulator.port, b"GET /v1/models HTTP/1.0\r\nAuthorization: Bearer test-key\r\n\r\n"
    )
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"connection: close" in head
    assert b'"object":"list"' in body


def test_latency_delays_every_response() -> None:
    with OpenAIEmulator(latency=0.15) as emu:
        started = time.monotonic()
        assert httpx.get(f"{emu.base_url}/models").status_code == 200
        assert time.monotonic() - started >= 0.15


def test_many_concurrent_keep_alive_clients() -> None:
    async def run(base_url: str) -> list[int]:
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
        async with httpx.AsyncClient(base_url=base_url, headers=AUTH, limits=limits) as client:
            responses = await asyncio.gather(
                *(client.post("/chat/completions", json=CHAT) for _ in range(128))
            )
        return [response.status_code for response in responses]

    with OpenAIEmulator(api_key="test-key") as emu:
        assert asyncio.run(run(emu.base_url)) == [200] * 128
        assert emu.request_count == 128
        assert emu.total_connections <= 32
        assert emu.wait_for_open_connections(0)
