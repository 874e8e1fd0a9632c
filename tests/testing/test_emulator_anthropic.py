"""The Anthropic emulator: messages, tool use, headers, errors and the SSE event sequence."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from emulator_helpers import ANTHROPIC_HEADERS, MESSAGE, parse_sse

from graph_sitter.testing import (
    AnthropicEmulator,
    HTTPError,
    Overloaded,
    QuotaExceeded,
    RateLimit,
    StreamError,
    TextReply,
    ToolCall,
    ToolCallReply,
    TruncatedStream,
)

TEXT_SEQUENCE = [
    "message_start",
    "content_block_start",
    "ping",
    "content_block_delta",
    "content_block_delta",
    "content_block_stop",
    "message_delta",
    "message_stop",
]


@pytest.fixture
def http(anthropic_emulator: AnthropicEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=anthropic_emulator.base_url, headers=ANTHROPIC_HEADERS) as client:
        yield client


def _assert_error(response: httpx.Response, status: int, error_type: str) -> dict[str, str]:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"type", "error", "request_id"}
    assert body["type"] == "error"
    assert body["error"]["type"] == error_type
    assert body["request_id"] == response.headers["request-id"]
    error: dict[str, str] = body["error"]
    return error


def test_plain_message(anthropic_emulator: AnthropicEmulator, http: httpx.Client) -> None:
    anthropic_emulator.queue_reply(TextReply("Hi there", prompt_tokens=11, completion_tokens=2))
    response = http.post("/v1/messages", json=MESSAGE)
    assert response.status_code == 200
    assert response.headers["request-id"].startswith("req_")
    assert response.headers["anthropic-ratelimit-requests-remaining"]
    body = response.json()
    assert body["id"].startswith("msg_")
    assert (body["type"], body["role"], body["model"]) == ("message", "assistant", MESSAGE["model"])
    assert body["content"] == [{"type": "text", "text": "Hi there"}]
    assert (body["stop_reason"], body["stop_sequence"]) == ("end_turn", None)
    assert (body["usage"]["input_tokens"], body["usage"]["output_tokens"]) == (11, 2)


def test_tool_use_blocks(anthropic_emulator: AnthropicEmulator, http: httpx.Client) -> None:
    anthropic_emulator.queue_reply(
        ToolCallReply((ToolCall("get_weather", {"city": "Oslo"}, id="toolu_1"),), text="Checking")
    )
    body = http.post("/v1/messages", json=MESSAGE).json()
    assert body["stop_reason"] == "tool_use"
    assert body["content"] == [
        {"type": "text", "text": "Checking"},
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Oslo"}},
    ]


def test_max_tokens_finish_maps_to_anthropic_vocabulary(
    anthropic_emulator: AnthropicEmulator, http: httpx.Client
) -> None:
    anthropic_emulator.queue_reply(TextReply("cut", finish_reason="length"))
    assert http.post("/v1/messages", json=MESSAGE).json()["stop_reason"] == "max_tokens"


def test_authentication_and_version_headers(anthropic_emulator: AnthropicEmulator) -> None:
    url = f"{anthropic_emulator.base_url}/v1/messages"
    missing = httpx.post(url, json=MESSAGE, headers={"anthropic-version": "2023-06-01"})
    _assert_error(missing, 401, "authentication_error")
    wrong = httpx.post(
        url, json=MESSAGE, headers={**ANTHROPIC_HEADERS, "x-api-key": "sk-ant-wrong"}
    )
    assert "sk-ant-wrong" not in _assert_error(wrong, 401, "authentication_error")["message"]
    no_version = httpx.post(url, json=MESSAGE, headers={"x-api-key": "test-key"})
    error = _assert_error(no_version, 400, "invalid_request_error")
    assert "anthropic-version" in error["message"]


@pytest.mark.parametrize("field", ["max_tokens", "model", "messages"])
def test_required_fields(http: httpx.Client, field: str) -> None:
    body = {key: value for key, value in MESSAGE.items() if key != field}
    error = _assert_error(http.post("/v1/messages", json=body), 400, "invalid_request_error")
    assert error["message"] == f"{field}: Field required"


def test_streaming_event_sequence(
    anthropic_emulator: AnthropicEmulator, http: httpx.Client
) -> None:
    anthropic_emulator.queue_reply(TextReply("Hello world", completion_tokens=2))
    response = http.post("/v1/messages", json={**MESSAGE, "stream": True})
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    events = parse_sse(response.text)
    assert [name for name, _ in events] == TEXT_SEQUENCE
    payloads = [json.loads(data) for _, data in events]
    assert all(p["type"] == name for p, (name, _) in zip(payloads, events, strict=True))
    assert payloads[0]["message"]["content"] == []
    text = "".join(p["delta"]["text"] for p in payloads if p["type"] == "content_block_delta")
    assert text == "Hello world"
    assert payloads[-2]["delta"]["stop_reason"] == "end_turn"
    input_tokens = payloads[0]["message"]["usage"]["input_tokens"]
    assert payloads[-2]["usage"] == {  # cumulative, as the current API sends it
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": 2,
    }


def test_streamed_tool_use_input_json_deltas(
    anthropic_emulator: AnthropicEmulator, http: httpx.Client
) -> None:
    arguments = {"query": "something long enough to need several deltas", "n": 3}
    anthropic_emulator.queue_reply(ToolCall("search", arguments))
    events = parse_sse(http.post("/v1/messages", json={**MESSAGE, "stream": True}).text)
    payloads = [json.loads(data) for _, data in events]
    start = next(p for p in payloads if p["type"] == "content_block_start")
    assert start["content_block"]["type"] == "tool_use"
    assert start["content_block"]["id"].startswith("toolu_")
    partial = [
        p["delta"]["partial_json"]
        for p in payloads
        if p["type"] == "content_block_delta" and p["delta"]["type"] == "input_json_delta"
    ]
    assert len(partial) > 1
    assert json.loads("".join(partial)) == arguments
    assert payloads[-2]["delta"]["stop_reason"] == "tool_use"


def test_truncated_stream_stops_before_message_stop(
    anthropic_emulator: AnthropicEmulator, http: httpx.Client
) -> None:
    anthropic_emulator.queue_fault(TruncatedStream(after_events=4, clean_end=True))
    events = parse_sse(http.post("/v1/messages", json={**MESSAGE, "stream": True}).text)
    assert [name for name, _ in events] == TEXT_SEQUENCE[:4]


def test_stream_error_event(anthropic_emulator: AnthropicEmulator, http: httpx.Client) -> None:
    anthropic_emulator.queue_fault(StreamError(after_events=1, message="Overloaded"))
    events = parse_sse(http.post("/v1/messages", json={**MESSAGE, "stream": True}).text)
    assert [name for name, _ in events] == ["message_start", "error"]
    assert json.loads(events[1][1]) == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
    }


def test_overloaded_is_529(anthropic_emulator: AnthropicEmulator, http: httpx.Client) -> None:
    anthropic_emulator.queue_fault(Overloaded(should_retry=True))
    response = http.post("/v1/messages", json=MESSAGE)
    assert _assert_error(response, 529, "overloaded_error")["message"] == "Overloaded"
    assert response.headers["x-should-retry"] == "true"


def test_rate_limit_and_quota(anthropic_emulator: AnthropicEmulator, http: httpx.Client) -> None:
    anthropic_emulator.queue_fault(RateLimit(retry_after=3))
    anthropic_emulator.queue_fault(QuotaExceeded())
    limited = http.post("/v1/messages", json=MESSAGE)
    _assert_error(limited, 429, "rate_limit_error")
    assert limited.headers["retry-after"] == "3"
    assert limited.headers["anthropic-ratelimit-requests-remaining"] == "0"
    quota = _assert_error(http.post("/v1/messages", json=MESSAGE), 400, "invalid_request_error")
    assert "credit balance is too low" in quota["message"]


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, "invalid_request_error"),
        (401, "authentication_error"),
        (403, "permission_error"),
        (404, "not_found_error"),
        (500, "api_error"),
        (502, "api_error"),
        (503, "api_error"),
        (529, "overloaded_error"),
    ],
)
def test_http_errors_use_the_anthropic_error_types(
    anthropic_emulator: AnthropicEmulator, http: httpx.Client, status: int, error_type: str
) -> None:
    anthropic_emulator.queue_fault(HTTPError(status))
    _assert_error(http.post("/v1/messages", json=MESSAGE), status, error_type)


def test_models_and_unknown_paths(http: httpx.Client) -> None:
    models = http.get("/v1/models").json()
    assert [m["id"] for m in models["data"]][:1] == ["claude-sonnet-4-5"]
    assert all(m["type"] == "model" for m in models["data"])
    assert models["has_more"] is False
    _assert_error(http.get("/v1/nothing"), 404, "not_found_error")
