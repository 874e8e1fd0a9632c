"""ask_response: ``content`` is the answer, whether it came as text or through the tool."""

from __future__ import annotations

from pathlib import Path

import pytest
from ai_helpers import API_KEY

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import (
    AnthropicEmulator,
    OpenAIEmulator,
    TextReply,
    ToolCall,
    ToolCallReply,
)

ANSWER = "It sums the cart and adds tax."


def _posts(emulator: OpenAIEmulator | AnthropicEmulator) -> int:
    return sum(1 for r in emulator.requests if r.method == "POST")


@pytest.mark.parametrize("vendor", ["openai", "anthropic"])
def test_tool_answer_is_the_content_for_a_call_and_a_cache_hit(
    vendor: str, shop: Codebase, state_dir: Path, sleeps: SleepRecorder
) -> None:
    emulator: OpenAIEmulator | AnthropicEmulator
    if vendor == "openai":
        emulator = OpenAIEmulator(api_key=API_KEY)
    else:
        emulator = AnthropicEmulator(api_key=API_KEY)
    with emulator:
        if isinstance(emulator, OpenAIEmulator):
            emulator.default_reply = ToolCallReply((ToolCall("answer", {"answer": ANSWER}),))
            env = {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": emulator.base_url}
        else:
            emulator.queue_reply(ToolCall("answer", {"answer": ANSWER}))
            env = {"ANTHROPIC_API_KEY": API_KEY, "ANTHROPIC_BASE_URL": emulator.base_url}
        shop.set_session_options(env=env, env_file=None, state_dir=state_dir, cache=True)
        fn = shop.get_function("checkout")
        first = codebase_ai.ask_response(shop, "Explain", target=fn)
        second = codebase_ai.ask_response(shop, "Explain", target=fn)
        assert _posts(emulator) == 1
    assert (first.cached, second.cached) == (False, True)
    for response in (first, second):
        assert response.content == ANSWER
        assert response.metadata["answer_via"] == "tool"
        assert response.metadata["raw_content"] == ""
        assert [c["function"]["name"] for c in response.tool_calls] == ["answer"]
    assert codebase_ai.last_response(shop) == second
    assert shop.ai("Explain", target=fn) == ANSWER  # a third ask: the same answer


def test_text_answer_without_tools_is_the_content_unchanged(
    shop: Codebase, state_dir: Path, sleeps: SleepRecorder
) -> None:
    with OpenAIEmulator(api_key=API_KEY) as emulator:
        emulator.default_reply = TextReply("plain text answer")
        env = {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": emulator.base_url}
        shop.set_session_options(
            env=env, env_file=None, state_dir=state_dir, cache=False, use_tools=False
        )
        response = codebase_ai.ask_response(shop, "Explain", target=shop.get_function("checkout"))
    assert response.content == "plain text answer"
    assert response.metadata["answer_via"] == "text"
    assert response.metadata["raw_content"] == "plain text answer"
