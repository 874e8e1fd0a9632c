"""The OpenAI emulator speaks the wire format the official SDK and raw HTTP clients expect."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import openai
import pytest
from emulator_helpers import AUTH, CHAT, sse_json

from graph_sitter.testing import OpenAIEmulator, TextReply, ToolCall, ToolCallReply


@pytest.fixture
def sdk(openai_emulator: OpenAIEmulator) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(api_key="test-key", base_url=openai_emulator.base_url, max_retries=0)
    with client:
        yield client


@pytest.fixture
def http(openai_emulator: OpenAIEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=openai_emulator.base_url, headers=AUTH) as client:
        yield client


MESSAGES: list[openai.types.chat.ChatCompletionMessageParam] = [
    {"role": "user", "content": "Say hello"}
]


def test_sdk_plain_completion(openai_emulator: OpenAIEmulator, sdk: openai.OpenAI) -> None:
    openai_emulator.queue_reply("Bonjour tout le monde")
    raw = sdk.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=MESSAGES)
    completion = raw.parse()
    assert raw.headers["x-request-id"].startswith("req_")
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "gpt-4o-mini"
    choice = completion.choices[0]
    assert (choice.message.content, choice.finish_reason) == ("Bonjour tout le monde", "stop")
    assert completion.usage is not None
    assert completion.usage.total_tokens == (
        completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    assert openai_emulator.requests[0].json["messages"] == MESSAGES


def test_sdk_streaming_with_usage(openai_emulator: OpenAIEmulator, sdk: openai.OpenAI) -> None:
    openai_emulator.queue_reply(TextReply("one two three", prompt_tokens=7, completion_tokens=3))
    stream = sdk.chat.completions.create(
        model="gpt-4o-mini",
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": True},
    )
    text, usage, finish = "", None, None
    with stream:
        for chunk in stream:
            if chunk.choices:
                text += chunk.choices[0].delta.content or ""
                finish = chunk.choices[0].finish_reason or finish
            else:
                usage = chunk.usage
    assert (text, finish) == ("one two three", "stop")
    assert usage is not None
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (7, 3, 10)


def test_sdk_tool_call(openai_emulator: OpenAIEmulator, sdk: openai.OpenAI) -> None:
    openai_emulator.queue_reply(ToolCall("get_weather", {"city": "Paris"}, id="call_1"))
    completion = sdk.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    (call,) = choice.message.tool_calls or []
    assert call.id == "call_1"
    assert call.type == "function"
    assert (call.function.name, call.function.arguments) == ("get_weather", '{"city":"Paris"}')


def test_sdk_streamed_tool_calls_accumulate_by_index(
    openai_emulator: OpenAIEmulator, sdk: openai.OpenAI
) -> None:
    long_args = {"query": "a fairly long argument that spans several deltas", "limit": 5}
    openai_emulator.queue_reply(
        ToolCallReply((ToolCall("search", long_args), ToolCall("get_time", {"tz": "UTC"})))
    )
    calls: dict[int, dict[str, str]] = {}
    finish = None
    with sdk.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True) as stream:
        for chunk in stream:
            delta = chunk.choices[0].delta
            finish = chunk.choices[0].finish_reason or finish
            for part in delta.tool_calls or []:
                slot = calls.setdefault(part.index, {"id": "", "name": "", "arguments": ""})
                slot["id"] += part.id or ""
                if part.function is not None:
                    slot["name"] += part.function.name or ""
                    slot["arguments"] += part.function.arguments or ""
    assert finish == "tool_calls"
    assert [calls[i]["name"] for i in sorted(calls)] == ["search", "get_time"]
    assert json.loads(calls[0]["arguments"]) == long_args
    assert json.loads(calls[1]["arguments"]) == {"tz": "UTC"}
    assert all(slot["id"].startswith("call_") for slot in calls.values())


def test_sdk_wrong_key_raises_authentication_error(openai_emulator: OpenAIEmulator) -> None:
    secret = "sk-wrong-secret-key-1234"
    with (
        openai.OpenAI(api_key=secret, base_url=openai_emulator.base_url, max_retries=0) as client,
        pytest.raises(openai.AuthenticationError) as caught,
    ):
        client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)
    error = caught.value
    assert error.status_code == 401
    assert error.code == "invalid_api_key"
    assert error.request_id is not None and error.request_id.startswith("req_")
    assert secret not in str(error)
    assert len(openai_emulator.requests) == 1  # max_retries=0: no second attempt


def test_sdk_lists_models(sdk: openai.OpenAI) -> None:
    assert [model.id for model in sdk.models.list()] == [
        "gpt-4o-mini",
        "gpt-4o",
        "gpt-4.1-mini",
        "o4-mini",
    ]
    assert sdk.models.retrieve("gpt-4o").id == "gpt-4o"
    with pytest.raises(openai.NotFoundError):
        sdk.models.retrieve("no-such-model")


def test_plain_json_shape_and_headers(http: httpx.Client) -> None:
    response = http.post("/chat/completions", json=CHAT)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"].startswith("req_")
    assert response.headers["x-ratelimit-limit-requests"] == "10000"
    assert response.headers["x-ratelimit-remaining-requests"] == "9999"
    for name in ("limit-tokens", "remaining-tokens", "reset-requests", "reset-tokens"):
        assert response.headers[f"x-ratelimit-{name}"]
    body = response.json()
    assert body["object"] == "chat.completion"
    assert set(body["usage"]) >= {"prompt_tokens", "completion_tokens", "total_tokens"}
    assert body["choices"][0]["message"]["role"] == "assistant"
    assert body["choices"][0]["message"]["refusal"] is None


def test_sse_framing_without_include_usage(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_reply(TextReply("ab", chunks=("a", "b")))
    response = http.post("/chat/completions", json={**CHAT, "stream": True})
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    chunks = sse_json(response.text)
    assert [c["choices"][0]["delta"] for c in chunks] == [
        {"role": "assistant", "content": "", "refusal": None},
        {"content": "a"},
        {"content": "b"},
        {},
    ]
    assert [c["choices"][0]["finish_reason"] for c in chunks] == [None, None, None, "stop"]
    assert all(c["object"] == "chat.completion.chunk" and "usage" not in c for c in chunks)


def test_sse_usage_chunk_comes_last_with_empty_choices(http: httpx.Client) -> None:
    body = {**CHAT, "stream": True, "stream_options": {"include_usage": True}}
    chunks = sse_json(http.post("/chat/completions", json=body).text)
    assert all(chunk["usage"] is None for chunk in chunks[:-1])
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["total_tokens"] > 0
    assert len({chunk["id"] for chunk in chunks}) == 1


def test_unauthenticated_and_wrong_key_bodies(openai_emulator: OpenAIEmulator) -> None:
    url = f"{openai_emulator.base_url}/chat/completions"
    wrong = httpx.post(url, json=CHAT, headers={"authorization": "Bearer nope-nope-nope"})
    assert wrong.status_code == 401
    assert wrong.headers["x-request-id"]
    error = wrong.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert (error["type"], error["param"], error["code"]) == (
        "invalid_request_error",
        None,
        "invalid_api_key",
    )
    assert "nope-nope-nope" not in error["message"]
    missing = httpx.post(url, json=CHAT)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] is None
    assert "didn't provide an API key" in missing.json()["error"]["message"]


def test_without_api_key_anything_is_accepted() -> None:
    with OpenAIEmulator() as emu:
        assert httpx.post(f"{emu.base_url}/chat/completions", json=CHAT).status_code == 200


@pytest.mark.parametrize(
    ("body", "param", "message"),
    [
        ({"messages": CHAT["messages"]}, None, "you must provide a model parameter"),
        ({"model": "gpt-4o-mini"}, "messages", "Missing required parameter: 'messages'."),
        ({"model": "gpt-4o-mini", "messages": []}, "messages", "Invalid 'messages': empty array"),
        ([1, 2], None, "We could not parse the JSON body"),
    ],
)
def test_invalid_requests_get_400(
    http: httpx.Client, body: object, param: str | None, message: str
) -> None:
    response = http.post("/chat/completions", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error["message"].startswith(message)


def test_unknown_path_is_an_invalid_url(http: httpx.Client) -> None:
    response = http.post("/completions/nope", json=CHAT)
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Invalid URL (POST /v1/completions/nope)"


def test_default_reply_and_finish_reason(http: httpx.Client) -> None:
    with OpenAIEmulator(default_reply=TextReply("cut", finish_reason="length")) as emu:
        body = httpx.post(f"{emu.base_url}/chat/completions", json=CHAT).json()
    assert body["choices"][0]["message"]["content"] == "cut"
    assert body["choices"][0]["finish_reason"] == "length"
    default = http.post("/chat/completions", json=CHAT).json()
    assert default["choices"][0]["message"]["content"] == "Hello from the OpenAI emulator."


def test_rpm_limit_answers_429_until_the_clock_moves() -> None:
    now = [1000.0]
    with (
        OpenAIEmulator(rpm_limit=2, clock=lambda: now[0]) as emu,
        httpx.Client(base_url=emu.base_url) as client,
    ):
        first = client.post("/chat/completions", json=CHAT)
        assert first.headers["x-ratelimit-limit-requests"] == "2"
        assert first.headers["x-ratelimit-remaining-requests"] == "1"
        now[0] += 20
        second = client.post("/chat/completions", json=CHAT)
        assert second.headers["x-ratelimit-remaining-requests"] == "0"
        assert second.headers["x-ratelimit-reset-requests"] == "1m0s"
        limited = client.post("/chat/completions", json=CHAT)
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "40"
        assert limited.json()["error"]["code"] == "rate_limit_exceeded"
        emu.advance_time(40)
        assert client.post("/chat/completions", json=CHAT).status_code == 200


def test_async_sdk_streams_over_keep_alive(openai_emulator: OpenAIEmulator) -> None:
    async def run() -> list[str]:
        async with openai.AsyncOpenAI(
            api_key="test-key", base_url=openai_emulator.base_url, max_retries=0
        ) as client:

            async def one(text: str) -> str:
                stream = await client.chat.completions.create(
                    model="gpt-4o-mini", messages=MESSAGES, stream=True
                )
                parts = [chunk.choices[0].delta.content or "" async for chunk in stream]
                return "".join(parts)

            return list(await asyncio.gather(*(one(str(n)) for n in range(8))))

    for n in range(8):
        openai_emulator.queue_reply(f"reply {n}")
    assert sorted(asyncio.run(run())) == [f"reply {n}" for n in range(8)]
    assert openai_emulator.wait_for_open_connections(0)
