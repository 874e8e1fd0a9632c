"""``tools`` and ``tool_choice`` on the wire: both emulators answer a forced call with a tool
call whose arguments validate against the tool's schema, plain and streamed, and reject
inconsistent requests with the vendor's 400."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from emulator_helpers import ANTHROPIC_HEADERS, AUTH, CHAT, MESSAGE, parse_sse, sse_json

from graph_sitter.testing import (
    AnthropicEmulator,
    OpenAIEmulator,
    TextReply,
    ToolCall,
    ToolCallReply,
)
from graph_sitter.testing._schema import schema_errors

PARAMS = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
        "unit": {"enum": ["celsius", "fahrenheit"]},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
    },
    "required": ["city", "days"],
    "additionalProperties": False,
}
OTHER = {"type": "object", "properties": {"zone": {"type": "string"}}, "required": ["zone"]}
OPENAI_TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "parameters": PARAMS}},
    {"type": "function", "function": {"name": "get_time", "parameters": OTHER}},
]
ANTHROPIC_TOOLS = [
    {"name": "get_weather", "input_schema": PARAMS},
    {"name": "get_time", "input_schema": OTHER},
]
SCHEMAS = {"get_weather": PARAMS, "get_time": OTHER}


@pytest.fixture
def oai(openai_emulator: OpenAIEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=openai_emulator.base_url, headers=AUTH) as client:
        yield client


@pytest.fixture
def ant(anthropic_emulator: AnthropicEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=anthropic_emulator.url, headers=ANTHROPIC_HEADERS) as client:
        yield client


def chat(client: httpx.Client, **extra: Any) -> httpx.Response:
    return client.post("/chat/completions", json={**CHAT, "tools": OPENAI_TOOLS, **extra})


def message(client: httpx.Client, **extra: Any) -> httpx.Response:
    return client.post("/v1/messages", json={**MESSAGE, "tools": ANTHROPIC_TOOLS, **extra})


# -- OpenAI ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "name"),
    [("required", "get_weather"), ({"type": "function", "function": {"name": "get_time"}}, None)],
)
def test_openai_forced_choice_returns_a_schema_valid_call(
    oai: httpx.Client, choice: Any, name: str | None
) -> None:
    body = chat(oai, tool_choice=choice).json()
    (only,) = body["choices"]
    assert only["finish_reason"] == "tool_calls"
    assert only["message"]["content"] is None
    (call,) = only["message"]["tool_calls"]
    expected = name or choice["function"]["name"]
    assert call["type"] == "function" and call["id"].startswith("call_")
    assert call["function"]["name"] == expected
    arguments = json.loads(call["function"]["arguments"])
    assert schema_errors(arguments, SCHEMAS[expected]) == []


def test_openai_auto_and_none_answer_with_text(
    openai_emulator: OpenAIEmulator, oai: httpx.Client
) -> None:
    auto = chat(oai).json()["choices"][0]
    assert auto["finish_reason"] == "stop" and "tool_calls" not in auto["message"]
    openai_emulator.queue_reply(ToolCall("get_weather", {"city": "Oslo", "days": 2}))
    assert chat(oai).json()["choices"][0]["finish_reason"] == "tool_calls"  # auto: as scripted
    openai_emulator.queue_reply(ToolCall("get_weather", {"city": "Oslo", "days": 2}))
    none = chat(oai, tool_choice="none").json()["choices"][0]
    assert none["finish_reason"] == "stop" and "tool_calls" not in none["message"]
    assert none["message"]["content"] == "Hello from the OpenAI emulator."


def test_openai_scripted_text_is_carried_into_a_forced_call(
    openai_emulator: OpenAIEmulator, oai: httpx.Client
) -> None:
    openai_emulator.queue_reply("Bergen")
    openai_emulator.queue_reply('{"city": "Tromso", "days": 3}')
    choice = {"type": "function", "function": {"name": "get_weather"}}
    first, second = (chat(oai, tool_choice=choice).json() for _ in range(2))
    args = [json.loads(b["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"])
            for b in (first, second)]  # fmt: skip
    assert args[0]["city"] == "Bergen" and schema_errors(args[0], PARAMS) == []
    assert args[1] == {"city": "Tromso", "days": 3}


def test_openai_parallel_tool_calls_false_keeps_one_call(
    openai_emulator: OpenAIEmulator, oai: httpx.Client
) -> None:
    calls = (ToolCall("get_weather", {"city": "A", "days": 1}), ToolCall("get_time", {"zone": "Z"}))
    openai_emulator.queue_reply(ToolCallReply(calls))
    openai_emulator.queue_reply(ToolCallReply(calls))
    both = chat(oai, tool_choice="required").json()["choices"][0]["message"]["tool_calls"]
    one = chat(oai, tool_choice="required", parallel_tool_calls=False).json()
    assert [c["function"]["name"] for c in both] == ["get_weather", "get_time"]
    assert [c["function"]["name"] for c in one["choices"][0]["message"]["tool_calls"]] == [
        "get_weather"
    ]


def test_openai_allowed_tools_required_picks_from_the_subset(oai: httpx.Client) -> None:
    choice = {
        "type": "allowed_tools",
        "allowed_tools": {
            "mode": "required",
            "tools": [{"type": "function", "function": {"name": "get_time"}}],
        },
    }
    (call,) = chat(oai, tool_choice=choice).json()["choices"][0]["message"]["tool_calls"]
    assert call["function"]["name"] == "get_time"


def test_openai_streamed_forced_call(oai: httpx.Client) -> None:
    response = chat(
        oai,
        tool_choice="required",
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = sse_json(response.text)
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    starts = [
        d["tool_calls"][0] for d in deltas if "tool_calls" in d and "id" in d["tool_calls"][0]
    ]
    assert [(s["index"], s["type"], s["function"]["name"]) for s in starts] == [
        (0, "function", "get_weather")
    ]
    arguments = "".join(
        d["tool_calls"][0]["function"]["arguments"] for d in deltas if "tool_calls" in d
    )
    assert schema_errors(json.loads(arguments), PARAMS) == []
    finishes = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]]
    assert finishes[-1] == "tool_calls" and set(finishes[:-1]) == {None}
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["total_tokens"] > 0


@pytest.mark.parametrize(
    ("extra", "param", "fragment"),
    [
        ({"tool_choice": "required", "tools": None}, "tool_choice", "only allowed when 'tools'"),
        ({"tool_choice": "sometimes"}, "tool_choice", "Supported values are"),
        (
            {"tool_choice": {"type": "function", "function": {"name": "nope"}}},
            "tool_choice",
            "function 'nope' is not among",
        ),
        ({"tools": []}, "tools", "empty array"),
        ({"tools": [{"type": "function"}]}, "tools[0].function", "Missing required parameter"),
        ({"parallel_tool_calls": "yes"}, "parallel_tool_calls", "expected a boolean"),
    ],
)
def test_openai_rejects_inconsistent_tool_requests(
    openai_emulator: OpenAIEmulator, oai: httpx.Client, extra: Any, param: str, fragment: str
) -> None:
    openai_emulator.queue_reply("kept for the next valid request")
    body = {**CHAT, "tools": OPENAI_TOOLS, **extra}
    if extra.get("tools", ...) is None:
        del body["tools"]
    response = oai.post("/chat/completions", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert fragment in error["message"]
    assert openai_emulator.queued == 1  # a rejected request consumes no reply


def test_openai_strict_models_answers_404() -> None:
    with OpenAIEmulator(strict_models=True) as emu, httpx.Client() as client:
        response = client.post(
            f"{emu.base_url}/chat/completions", json={**CHAT, "model": "gpt-missing"}
        )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model_not_found"


# -- Anthropic ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "name"),
    [({"type": "any"}, "get_weather"), ({"type": "tool", "name": "get_time"}, "get_time")],
)
def test_anthropic_forced_choice_returns_schema_valid_tool_use(
    ant: httpx.Client, choice: Any, name: str
) -> None:
    body = message(ant, tool_choice=choice).json()
    assert body["stop_reason"] == "tool_use"
    (block,) = body["content"]
    assert block["type"] == "tool_use" and block["name"] == name
    assert block["id"].startswith("toolu_")
    assert schema_errors(block["input"], SCHEMAS[name]) == []


def test_anthropic_none_and_disable_parallel(
    anthropic_emulator: AnthropicEmulator, ant: httpx.Client
) -> None:
    calls = (ToolCall("get_weather", {"city": "A", "days": 1}), ToolCall("get_time", {"zone": "Z"}))
    anthropic_emulator.queue_reply(ToolCallReply(calls, text="Checking."))
    none = message(ant, tool_choice={"type": "none"}).json()
    assert none["stop_reason"] == "end_turn"
    assert none["content"] == [{"type": "text", "text": "Checking."}]
    anthropic_emulator.queue_reply(ToolCallReply(calls))
    single = message(ant, tool_choice={"type": "auto", "disable_parallel_tool_use": True}).json()
    assert [b["name"] for b in single["content"]] == ["get_weather"]


def test_anthropic_streamed_forced_tool_use(
    anthropic_emulator: AnthropicEmulator, ant: httpx.Client
) -> None:
    anthropic_emulator.queue_reply(TextReply("Lisbon"))
    response = message(ant, tool_choice={"type": "tool", "name": "get_weather"}, stream=True)
    events = [(name, json.loads(data)) for name, data in parse_sse(response.text)]
    names = [name for name, _ in events]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    start = events[1][1]["content_block"]
    assert (start["type"], start["name"], start["input"]) == ("tool_use", "get_weather", {})
    deltas = [p["delta"] for n, p in events if n == "content_block_delta"]
    assert deltas and {d["type"] for d in deltas} == {"input_json_delta"}
    arguments = json.loads("".join(d["partial_json"] for d in deltas))
    assert arguments["city"] == "Lisbon" and schema_errors(arguments, PARAMS) == []
    assert events[-2][1]["delta"]["stop_reason"] == "tool_use"


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"tool_choice": {"type": "any"}, "tools": None}, "only be specified while providing"),
        ({"tool_choice": {"type": "maybe"}}, "does not match any of the expected tags"),
        ({"tool_choice": {"type": "tool", "name": "nope"}}, "tool 'nope' is not among"),
        ({"tools": [{"name": "x"}]}, "tools.0.custom.input_schema: Field required"),
    ],
)
def test_anthropic_rejects_inconsistent_tool_requests(
    ant: httpx.Client, extra: Any, fragment: str
) -> None:
    body = {**MESSAGE, "tools": ANTHROPIC_TOOLS, **extra}
    if extra.get("tools", ...) is None:
        del body["tools"]
    response = ant.post("/v1/messages", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and fragment in error["message"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"authorization": "Bearer test-key", "anthropic-version": "2026-10-21"}, 200),
        ({"x-api-key": "test-key", "anthropic-version": "2023-06-01"}, 200),
        ({"authorization": "Bearer wrong", "anthropic-version": "2026-10-21"}, 401),
        ({"authorization": "Basic test-key", "anthropic-version": "2026-10-21"}, 401),
        ({"x-api-key": "test-key", "anthropic-version": "2026-13-40"}, 400),
        ({"x-api-key": "test-key", "anthropic-version": "latest"}, 400),
    ],
)
def test_anthropic_auth_forms_and_versions(
    anthropic_emulator: AnthropicEmulator, headers: dict[str, str], status: int
) -> None:
    response = httpx.post(f"{anthropic_emulator.url}/v1/messages", json=MESSAGE, headers=headers)
    assert response.status_code == status
    if status != 200:
        assert response.json()["type"] == "error"


def test_a_configured_default_reply_is_carried_into_forced_calls() -> None:
    with OpenAIEmulator(default_reply="Bergen") as emu, httpx.Client() as client:
        forced = {"type": "function", "function": {"name": "get_weather"}}
        body = {**CHAT, "tools": OPENAI_TOOLS, "tool_choice": forced}
        response = client.post(f"{emu.base_url}/chat/completions", json=body).json()
    (call,) = response["choices"][0]["message"]["tool_calls"]
    arguments = json.loads(call["function"]["arguments"])
    assert arguments["city"] == "Bergen" and schema_errors(arguments, PARAMS) == []
