"""Conformance: the official ``openai`` SDK against :class:`OpenAIEmulator` over real HTTP.

When a new SDK release changes what it sends or expects, this suite is where we learn it.
Every test asserts both sides: what the SDK parsed and what the emulator received.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam, ChatCompletionToolParam
from pydantic import BaseModel, Field

from graph_sitter.testing import (
    HTTPError,
    OpenAIEmulator,
    RateLimit,
    TextReply,
    ToolCall,
    ToolCallReply,
)
from graph_sitter.testing._schema import schema_errors

KEY = "sk-conformance-0123456789"
MODEL = "gpt-4o-mini"
WEATHER_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "minLength": 2},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
    },
    "required": ["city", "days", "unit"],
    "additionalProperties": False,
}
TOOLS: list[ChatCompletionToolParam] = [
    {"type": "function", "function": {"name": "get_weather", "parameters": WEATHER_SCHEMA}},
    {
        "type": "function",
        "function": {
            "name": "get_time",
            "parameters": {
                "type": "object",
                "properties": {"zone": {"type": "string"}},
                "required": ["zone"],
            },
        },
    },
]
USER: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Weather in Oslo?"}]


@pytest.fixture
def emu() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator(api_key=KEY, strict_models=True) as emulator:
        yield emulator


@pytest.fixture
def client(emu: OpenAIEmulator) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(api_key=KEY, base_url=emu.base_url, max_retries=0) as sdk:
        yield sdk


def test_chat_completion_and_what_the_sdk_sends(emu: OpenAIEmulator, client: openai.OpenAI) -> None:
    emu.queue_reply(TextReply("Cold.", prompt_tokens=12, completion_tokens=2))
    raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=USER)
    completion = raw.parse()
    assert completion.choices[0].message.content == "Cold."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.total_tokens) == (12, 14)
    assert raw.headers["x-request-id"].startswith("req_")
    (request,) = emu.requests
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {"model": MODEL, "messages": USER}


def test_multi_turn_with_system_prompt_and_tool_result(
    emu: OpenAIEmulator, client: openai.OpenAI
) -> None:
    emu.queue_reply(ToolCall("get_weather", {"city": "Oslo", "days": 1, "unit": "celsius"}))
    emu.queue_reply("It is 3 degrees in Oslo.")
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": "You are terse."},
        *USER,
    ]
    first = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
    (call,) = first.choices[0].message.tool_calls or []
    assert call.type == "function" and call.function.name == "get_weather"
    messages.append(first.choices[0].message.model_dump(exclude_none=True))  # type: ignore[arg-type]
    messages.append({"role": "tool", "tool_call_id": call.id, "content": '{"temp": 3}'})
    second = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
    assert second.choices[0].message.content == "It is 3 degrees in Oslo."
    sent = emu.requests[1].json["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool"]
    assert sent[2]["tool_calls"][0]["id"] == call.id
    assert sent[3]["tool_call_id"] == call.id


def test_streaming_with_usage(emu: OpenAIEmulator, client: openai.OpenAI) -> None:
    emu.queue_reply(TextReply("one two three", prompt_tokens=5, completion_tokens=3))
    stream = client.chat.completions.create(
        model=MODEL, messages=USER, stream=True, stream_options={"include_usage": True}
    )
    text, finish, usage = "", None, None
    with stream:
        for chunk in stream:
            if chunk.usage is not None:
                usage = chunk.usage
            for choice in chunk.choices:
                text += choice.delta.content or ""
                finish = choice.finish_reason or finish
    assert (text, finish) == ("one two three", "stop")
    assert usage is not None and (usage.prompt_tokens, usage.completion_tokens) == (5, 3)
    assert emu.requests[0].json["stream_options"] == {"include_usage": True}


def test_named_tool_choice_streams_schema_valid_arguments(client: openai.OpenAI) -> None:
    with client.chat.completions.stream(
        model=MODEL,
        messages=USER,
        tools=TOOLS,
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        stream_options={"include_usage": True},
    ) as stream:
        final = stream.get_final_completion()
    choice = final.choices[0]
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls or []
    assert call.function.name == "get_weather"  # type: ignore[union-attr]
    arguments = json.loads(call.function.arguments)  # type: ignore[union-attr]
    assert schema_errors(arguments, WEATHER_SCHEMA) == []
    assert final.usage is not None and final.usage.total_tokens > 0


def test_required_tool_choice_and_parallel_tool_calls(
    emu: OpenAIEmulator, client: openai.OpenAI
) -> None:
    required = client.chat.completions.create(
        model=MODEL, messages=USER, tools=TOOLS, tool_choice="required"
    )
    assert required.choices[0].finish_reason == "tool_calls"
    assert required.choices[0].message.content is None
    (call,) = required.choices[0].message.tool_calls or []
    assert schema_errors(json.loads(call.function.arguments), WEATHER_SCHEMA) == []  # type: ignore[union-attr]
    pair = ToolCallReply(
        (
            ToolCall("get_weather", {"city": "Oslo", "days": 1, "unit": "celsius"}),
            ToolCall("get_time", {"zone": "CET"}),
        )
    )
    emu.queue_reply(pair)
    emu.queue_reply(pair)
    both = client.chat.completions.create(model=MODEL, messages=USER, tools=TOOLS)
    one = client.chat.completions.create(
        model=MODEL, messages=USER, tools=TOOLS, parallel_tool_calls=False
    )
    assert len(both.choices[0].message.tool_calls or []) == 2
    assert len(one.choices[0].message.tool_calls or []) == 1
    assert emu.requests[-1].json["parallel_tool_calls"] is False


class Weather(BaseModel):
    city: str = Field(min_length=2)
    days: int = Field(ge=1, le=7)


def test_parse_with_a_strict_pydantic_tool(client: openai.OpenAI) -> None:
    completion = client.chat.completions.parse(
        model=MODEL,
        messages=USER,
        tools=[openai.pydantic_function_tool(Weather)],
        tool_choice="required",
    )
    (call,) = completion.choices[0].message.tool_calls or []
    parsed = call.function.parsed_arguments  # type: ignore[union-attr]
    assert isinstance(parsed, Weather) and 1 <= parsed.days <= 7


def test_models_list_and_retrieve(client: openai.OpenAI) -> None:
    assert MODEL in [model.id for model in client.models.list()]
    assert client.models.retrieve(MODEL).id == MODEL
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-missing")


def test_errors_map_to_the_sdk_exception_classes(emu: OpenAIEmulator) -> None:
    bad = openai.OpenAI(api_key="sk-wrong-key-000", base_url=emu.base_url, max_retries=0)
    with bad, pytest.raises(openai.AuthenticationError) as auth:
        bad.chat.completions.create(model=MODEL, messages=USER)
    assert auth.value.status_code == 401 and auth.value.code == "invalid_api_key"
    assert "sk-wrong-key-000" not in str(auth.value)  # the emulator masks keys, like the API
    with openai.OpenAI(api_key=KEY, base_url=emu.base_url, max_retries=0) as client:
        with pytest.raises(openai.BadRequestError) as bad_request:
            client.chat.completions.create(model=MODEL, messages=USER, tool_choice="required")
        assert bad_request.value.param == "tool_choice"
        with pytest.raises(openai.NotFoundError) as missing:
            client.chat.completions.create(model="gpt-missing", messages=USER)
        assert missing.value.code == "model_not_found"
        emu.queue_fault(RateLimit(retry_after=7))
        with pytest.raises(openai.RateLimitError) as limited:
            client.chat.completions.create(model=MODEL, messages=USER)
        headers = limited.value.response.headers
        assert headers["retry-after"] == "7"
        assert headers["x-ratelimit-remaining-requests"] == "0"
        assert limited.value.code == "rate_limit_exceeded"
        emu.queue_fault(HTTPError(503))
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create(model=MODEL, messages=USER)


def test_sdk_retries_a_429_honouring_retry_after_ms(emu: OpenAIEmulator) -> None:
    emu.queue_fault(RateLimit(retry_after_ms=5))
    emu.queue_reply("after the retry")
    with openai.OpenAI(api_key=KEY, base_url=emu.base_url, max_retries=1) as client:
        completion = client.chat.completions.create(model=MODEL, messages=USER)
    assert completion.choices[0].message.content == "after the retry"
    assert [r.headers["x-stainless-retry-count"] for r in emu.requests] == ["0", "1"]


async def _async_stream(emu: OpenAIEmulator) -> str:
    async with openai.AsyncOpenAI(api_key=KEY, base_url=emu.base_url, max_retries=0) as client:
        stream = await client.chat.completions.create(model=MODEL, messages=USER, stream=True)
        return "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])


def test_async_client_streams(emu: OpenAIEmulator) -> None:
    import asyncio

    emu.queue_reply("async works")
    assert asyncio.run(_async_stream(emu)) == "async works"
