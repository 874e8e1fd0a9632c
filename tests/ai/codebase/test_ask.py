"""cb.ai: provider selection, fallback, the answer tool, plain-text fallback, the request limit."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from ai_helpers import API_KEY, session_for

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai
from graph_sitter.ai.errors import MaxAIRequestsError, ProviderConfigurationError
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import (
    AgentRunReply,
    AnthropicEmulator,
    CodegenEmulator,
    HTTPError,
    OpenAIEmulator,
    ToolCall,
    ToolCallReply,
)

CODEGEN_TOKEN = "cg-test-token-0123456789"


def _chat_requests(emulator: OpenAIEmulator | AnthropicEmulator) -> list[dict[str, object]]:
    return [r.json for r in emulator.requests if r.method == "POST"]


@pytest.mark.parametrize(
    "available",
    [c for n in range(4) for c in itertools.combinations(("codegen", "openai", "anthropic"), n)],
    ids=lambda c: "+".join(c) or "none",
)
def test_provider_auto_selection_for_every_credential_combination(
    available: tuple[str, ...], state_dir: Path, sleeps: SleepRecorder
) -> None:
    cb = Codebase.from_files({"a.py": "def f():\n    return 1\n"})
    with (
        CodegenEmulator(token=CODEGEN_TOKEN, org_id=7) as codegen,
        OpenAIEmulator(api_key=API_KEY) as openai,
        AnthropicEmulator(api_key=API_KEY) as anthropic,
    ):
        codegen.default_reply = AgentRunReply(result="from codegen")
        openai.default_reply = ToolCallReply((ToolCall("answer", {"answer": "from openai"}),))
        anthropic.queue_reply(ToolCall("answer", {"answer": "from anthropic"}))
        env: dict[str, str] = {}
        if "codegen" in available:
            env |= {"CODEGEN_ORG_ID": "7", "CODEGEN_TOKEN": CODEGEN_TOKEN,
                    "CODEGEN_BASE_URL": codegen.base_url}  # fmt: skip
        if "openai" in available:
            env |= {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": openai.base_url}
        if "anthropic" in available:
            env |= {"ANTHROPIC_API_KEY": API_KEY, "ANTHROPIC_BASE_URL": anthropic.base_url}
        cb.set_session_options(env=env, env_file=None, state_dir=state_dir, cache=False)
        try:
            if not available:
                with pytest.raises(ProviderConfigurationError) as info:
                    cb.ai("Explain", target=cb.get_function("f"))
                for variable in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "CODEGEN_TOKEN"):
                    assert variable in str(info.value)
                return
            answer = cb.ai("Explain", target=cb.get_function("f"))
            expected = available[0]  # Codegen -> OpenAI -> Anthropic
            assert answer == f"from {expected}"
            response = codebase_ai.last_response(cb)
            assert response is not None
            assert response.provider_name.lower() == expected
            created = [r for r in codegen.requests if r.method == "POST"]
            assert len(created) == (expected == "codegen")
            assert len(_chat_requests(openai)) == (expected == "openai")
            assert len(_chat_requests(anthropic)) == (expected == "anthropic")
            if expected == "codegen":  # agents get the prompt as text, no tools
                assert "Explain" in str(created[0].json)
        finally:
            codebase_ai.close(cb)


def test_fallback_mid_request_moves_to_the_next_provider(
    shop: Codebase, state_dir: Path, sleeps: SleepRecorder
) -> None:
    with (
        OpenAIEmulator(api_key=API_KEY) as openai,
        AnthropicEmulator(api_key=API_KEY) as anthropic,
    ):
        openai.queue_fault(HTTPError(503), path="/v1/chat/completions", times=3)
        anthropic.queue_reply(ToolCall("answer", {"answer": "Claude's answer"}))
        env = {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": openai.base_url,
               "ANTHROPIC_API_KEY": API_KEY, "ANTHROPIC_BASE_URL": anthropic.base_url}  # fmt: skip
        shop.set_session_options(env=env, env_file=None, state_dir=state_dir)
        answer = shop.ai("What does it do?", target=shop.get_function("checkout"))
        assert answer == "Claude's answer"
        response = codebase_ai.last_response(shop)
        assert response is not None
        assert response.provider_name == "Anthropic"
        assert response.metadata["providers_tried"] == ["OpenAI", "Anthropic"]
        assert len(_chat_requests(openai)) == 3
        sent = _chat_requests(anthropic)[0]
        assert sent["tool_choice"] == {"type": "tool", "name": "answer"}
        assert "def checkout" in json.dumps(sent["messages"])


def test_answer_tool_returns_the_answer_exactly(
    shop: Codebase, echo_emu: OpenAIEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    session_for(shop, echo_emu, state_dir, cache=False)
    tricky = 'naïve café — 日本語 🎉\n\t"quoted" \\u00e9 literal\n'
    echo_emu.queue_reply(ToolCall("answer", {"answer": tricky}))  # JSON-escaped on the wire
    assert shop.ai("Explain", target=shop.get_function("apply_tax")) == tricky
    raw = '{"answer": "déjà vu ✓"}'  # raw UTF-8 arguments, not escaped
    echo_emu.queue_reply(ToolCall("answer", raw))
    assert shop.ai("Again", target=shop.get_function("apply_tax")) == "déjà vu ✓"
    body = echo_emu.requests[-1].json
    assert body["tools"][0]["function"]["name"] == "answer"
    assert body["tool_choice"] == {"type": "function", "function": {"name": "answer"}}
    assert body["temperature"] == 0.0
    response = codebase_ai.last_response(shop)
    assert response is not None and response.metadata["answer_via"] == "tool"


def test_plain_text_when_the_model_rejects_tools(
    shop: Codebase, echo_emu: OpenAIEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    session_for(shop, echo_emu, state_dir, cache=False)
    echo_emu.queue_fault(
        HTTPError(400, message="this model does not support tools"), path="/v1/chat/completions"
    )
    echo_emu.queue_reply("plain answer — ünïcode")
    assert shop.ai("Explain", target=shop.get_function("checkout")) == "plain answer — ünïcode"
    first, second = _chat_requests(echo_emu)
    assert "tools" in first and "tools" not in second and "tool_choice" not in second
    assert "answer` tool" not in json.dumps(second["messages"])
    # Remembered: the next call goes straight to plain text.
    assert shop.ai("Again", target=shop.get_function("checkout")) == "answer for checkout"
    assert "tools" not in _chat_requests(echo_emu)[-1]
    assert codebase_ai.get_session(shop).requests_made == 3


def test_the_151st_request_raises_and_reset_clears_the_count(
    echo_emu: OpenAIEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    cb = Codebase.from_files({"a.py": "def f():\n    return 1\n"})
    session_for(cb, echo_emu, state_dir, cache=False, max_ai_requests=150)
    try:
        for i in range(150):
            cb.ai(f"question {i}")
        with pytest.raises(MaxAIRequestsError) as info:
            cb.ai("question 151")
        assert (info.value.limit, info.value.used) == (150, 150)
        assert "max_ai_requests" in str(info.value)
        assert len(_chat_requests(echo_emu)) == 150  # the 151st was never sent
        cb.reset()  # the public reset clears the count (and pending edits)
        assert cb.ai("after reset") == "answer for ?"
        cb.set_session_options(max_ai_requests=None)
        cb.ai("unlimited")
    finally:
        codebase_ai.close(cb)


def test_cache_hits_do_not_count_and_unknown_options_are_named(
    shop: Codebase, echo_emu: OpenAIEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    session_for(shop, echo_emu, state_dir, max_ai_requests=1)
    fn = shop.get_function("checkout")
    assert shop.ai("Explain", target=fn) == "answer for checkout"
    assert shop.ai("Explain", target=fn) == "answer for checkout"  # cached: not counted
    with pytest.raises(MaxAIRequestsError):
        shop.ai("Something else", target=fn)
    with pytest.raises(TypeError, match="max_ai_requests"):
        shop.set_session_options(max_requests=3)
