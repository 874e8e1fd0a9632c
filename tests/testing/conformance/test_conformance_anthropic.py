"""Conformance: the official ``anthropic`` SDK against :class:`AnthropicEmulator` over real HTTP.

The 2.x SDK authenticates with ``Authorization: Bearer`` and a dated ``anthropic-version``;
both are recorded here, so a wire change in a new release shows up as a failing assertion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest
from anthropic.types import MessageParam, ToolParam

from graph_sitter.testing import (
    AnthropicEmulator,
    Overloaded,
    RateLimit,
    TextReply,
    ToolCall,
    ToolCallReply,
)
from graph_sitter.testing._schema import schema_errors

KEY = "sk-ant-conformance-0123456789"
MODEL = "claude-haiku-4-5"
WEATHER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
        "hourly": {"type": "boolean"},
    },
    "required": ["city", "days"],
}
TOOLS: list[ToolParam] = [
    {"name": "get_weather", "description": "Forecast", "input_schema": WEATHER_SCHEMA},
    {
        "name": "get_time",
        "input_schema": {
            "type": "object",
            "properties": {"zone": {"type": "string"}},
            "required": ["zone"],
        },
    },
]
USER: list[MessageParam] = [{"role": "user", "content": "Weather in Oslo?"}]


@pytest.fixture
def emu() -> Iterator[AnthropicEmulator]:
    with AnthropicEmulator(api_key=KEY, strict_models=True) as emulator:
        yield emulator


@pytest.fixture
def client(emu: AnthropicEmulator) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(api_key=KEY, base_url=emu.url, max_retries=0) as sdk:
        yield sdk


def test_message_and_what_the_sdk_sends(
    emu: AnthropicEmulator, client: anthropic.Anthropic
) -> None:
    emu.queue_reply(TextReply("Cold.", prompt_tokens=9, completion_tokens=2))
    raw = client.messages.with_raw_response.create(
        model=MODEL, max_tokens=64, system="Be terse.", messages=USER
    )
    message = raw.parse()
    assert [(block.type, getattr(block, "text", None)) for block in message.content] == [
        ("text", "Cold.")
    ]
    assert (message.stop_reason, message.role, message.model) == ("end_turn", "assistant", MODEL)
    assert (message.usage.input_tokens, message.usage.output_tokens) == (9, 2)
    assert raw.headers["request-id"].startswith("req_")
    (request,) = emu.requests
    assert (request.method, request.path) == ("POST", "/v1/messages")
    assert request.headers["authorization"] == f"Bearer {KEY}"  # 2.x: Bearer, no x-api-key
    version = request.headers["anthropic-version"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", version)
    assert request.json == {
        "model": MODEL,
        "max_tokens": 64,
        "system": "Be terse.",
        "messages": USER,
    }


def test_legacy_x_api_key_header_still_works(emu: AnthropicEmulator) -> None:
    with anthropic.Anthropic(
        api_key=KEY,
        base_url=emu.url,
        max_retries=0,
        default_headers={"x-api-key": KEY, "anthropic-version": "2023-06-01"},
    ) as client:
        message = client.messages.create(model=MODEL, max_tokens=16, messages=USER)
    assert message.content[0].type == "text"
    assert emu.requests[0].headers["anthropic-version"] == "2023-06-01"


def test_multi_turn_with_system_prompt_and_tool_result(
    emu: AnthropicEmulator, client: anthropic.Anthropic
) -> None:
    emu.queue_reply(
        ToolCallReply((ToolCall("get_weather", {"city": "Oslo", "days": 1}),), text="Checking.")
    )
    emu.queue_reply("3 degrees.")
    first = client.messages.create(
        model=MODEL, max_tokens=256, system="Use tools.", messages=USER, tools=TOOLS
    )
    assert first.stop_reason == "tool_use"
    assert [block.type for block in first.content] == ["text", "tool_use"]
    use = first.content[1]
    assert use.type == "tool_use" and use.input == {"city": "Oslo", "days": 1}
    conversation: list[MessageParam] = [
        *USER,
        {"role": "assistant", "content": first.content},  # type: ignore[typeddict-item]
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "3C"}],
        },
    ]
    second = client.messages.create(
        model=MODEL, max_tokens=256, system="Use tools.", messages=conversation, tools=TOOLS
    )
    assert second.content[0].type == "text" and second.content[0].text == "3 degrees."
    sent = emu.requests[1].json
    assert sent["system"] == "Use tools."
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user"]
    assert sent["messages"][2]["content"][0]["tool_use_id"] == use.id


def test_streaming_text_with_usage(emu: AnthropicEmulator, client: anthropic.Anthropic) -> None:
    emu.queue_reply(TextReply("one two three", prompt_tokens=6, completion_tokens=3))
    with client.messages.stream(model=MODEL, max_tokens=64, messages=USER) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "one two three"
    assert final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (6, 3)
    raw = client.messages.create(model=MODEL, max_tokens=64, messages=USER, stream=True)
    deltas = [event for event in raw if event.type == "message_delta"]
    (delta,) = deltas
    assert delta.usage.output_tokens > 0 and delta.usage.input_tokens is not None


@pytest.mark.parametrize(
    ("choice", "name"),
    [({"type": "any"}, "get_weather"), ({"type": "tool", "name": "get_time"}, "get_time")],
)
def test_forced_tool_use_streams_input_json_deltas(
    client: anthropic.Anthropic, choice: Any, name: str
) -> None:
    with client.messages.stream(
        model=MODEL, max_tokens=256, messages=USER, tools=TOOLS, tool_choice=choice
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert "input_json" in kinds and "content_block_stop" in kinds
    assert final.stop_reason == "tool_use"
    (block,) = final.content
    assert block.type == "tool_use" and block.name == name
    schema = next(tool["input_schema"] for tool in TOOLS if tool["name"] == name)
    assert schema_errors(block.input, schema) == []


def test_tool_choice_none_and_disable_parallel(
    emu: AnthropicEmulator, client: anthropic.Anthropic
) -> None:
    pair = ToolCallReply(
        (ToolCall("get_weather", {"city": "A", "days": 2}), ToolCall("get_time", {"zone": "Z"}))
    )
    emu.queue_reply(pair)
    emu.queue_reply(pair)
    none = client.messages.create(
        model=MODEL, max_tokens=64, messages=USER, tools=TOOLS, tool_choice={"type": "none"}
    )
    assert none.stop_reason == "end_turn" and [b.type for b in none.content] == ["text"]
    single = client.messages.create(
        model=MODEL,
        max_tokens=64,
        messages=USER,
        tools=TOOLS,
        tool_choice={"type": "any", "disable_parallel_tool_use": True},
    )
    assert [b.type for b in single.content] == ["tool_use"]


def test_models_list(client: anthropic.Anthropic) -> None:
    assert MODEL in [model.id for model in client.models.list()]


def test_errors_map_to_the_sdk_exception_classes(emu: AnthropicEmulator) -> None:
    bad = anthropic.Anthropic(api_key="sk-ant-wrong", base_url=emu.url, max_retries=0)
    with bad, pytest.raises(anthropic.AuthenticationError) as auth:
        bad.messages.create(model=MODEL, max_tokens=16, messages=USER)
    assert auth.value.status_code == 401
    with anthropic.Anthropic(api_key=KEY, base_url=emu.url, max_retries=0) as client:
        with pytest.raises(anthropic.BadRequestError) as bad_request:
            client.messages.create(model=MODEL, max_tokens=0, messages=USER)
        assert bad_request.value.body["error"]["type"] == "invalid_request_error"  # type: ignore[index]
        with pytest.raises(anthropic.NotFoundError) as missing:
            client.messages.create(model="claude-missing", max_tokens=16, messages=USER)
        assert missing.value.body["error"]["type"] == "not_found_error"  # type: ignore[index]
        emu.queue_fault(RateLimit(retry_after=4))
        with pytest.raises(anthropic.RateLimitError) as limited:
            client.messages.create(model=MODEL, max_tokens=16, messages=USER)
        headers = limited.value.response.headers
        assert headers["retry-after"] == "4"
        assert headers["anthropic-ratelimit-requests-remaining"] == "0"
        assert limited.value.request_id is not None
        emu.queue_fault(Overloaded())
        with pytest.raises(anthropic.InternalServerError) as overloaded:
            client.messages.create(model=MODEL, max_tokens=16, messages=USER)
        assert overloaded.value.status_code == 529


def test_sdk_retries_a_429_honouring_retry_after_ms(emu: AnthropicEmulator) -> None:
    emu.queue_fault(RateLimit(retry_after_ms=5))
    emu.queue_reply("after the retry")
    with anthropic.Anthropic(api_key=KEY, base_url=emu.url, max_retries=1) as client:
        message = client.messages.create(model=MODEL, max_tokens=16, messages=USER)
    assert message.content[0].type == "text" and message.content[0].text == "after the retry"
    assert [r.headers["x-stainless-retry-count"] for r in emu.requests] == ["0", "1"]


async def _async_stream(emu: AnthropicEmulator) -> str:
    client = anthropic.AsyncAnthropic(api_key=KEY, base_url=emu.url, max_retries=0)
    async with client, client.messages.stream(model=MODEL, max_tokens=64, messages=USER) as stream:
        return "".join([text async for text in stream.text_stream])


def test_async_client_streams(emu: AnthropicEmulator) -> None:
    import asyncio

    emu.queue_reply("async works")
    assert asyncio.run(_async_stream(emu)) == "async works"
