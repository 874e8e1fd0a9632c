"""Typed keyword arguments: a left-out argument takes the session's option, ``None`` is a value,
and an unknown keyword is a ``TypeError`` naming it."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from ai_helpers import API_KEY, session_for

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai
from graph_sitter.ai.providers import AnthropicProvider, CodegenProvider, OpenAIProvider
from graph_sitter.ai.session import existing_session
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import OpenAIEmulator, ToolCall


def test_left_out_takes_the_session_option_and_none_is_a_value(
    openai_emu: OpenAIEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    cb = Codebase.from_files({"a.py": "def f():\n    return 1\n"})
    session_for(cb, openai_emu, state_dir, max_tokens=77, temperature=0.5, cache=False)
    try:
        for _ in range(3):
            openai_emu.queue_reply(ToolCall("answer", {"answer": "ok"}))
        target = cb.get_function("f")
        assert cb.ai("Explain", target=target) == "ok"
        assert cb.ai("Explain", target=target, max_tokens=None, temperature=0.0) == "ok"
        assert cb.ai("Explain", target=target, max_tokens=5, top_p=0.5) == "ok"
        sent = [r.json for r in openai_emu.requests if r.method == "POST"]
        assert [(b.get("max_tokens"), b["temperature"]) for b in sent] == [
            (77, 0.5),
            (None, 0.0),  # None: no cap sent, whatever the session says
            (5, 0.5),
        ]
        assert sent[2]["top_p"] == 0.5  # anything else is a vendor parameter
    finally:
        codebase_ai.close(cb)


def test_context_for_takes_only_its_arguments() -> None:
    cb = Codebase.from_files({"a.py": "def f():\n    return 1\n"})
    with pytest.raises(TypeError, match="model"):
        codebase_ai.context_for(cb, cb.get_function("f"), model="x")  # type: ignore[call-arg]


@pytest.mark.parametrize("provider", [OpenAIProvider, AnthropicProvider, CodegenProvider])
def test_unknown_provider_arguments_are_named(provider: type[OpenAIProvider]) -> None:
    with pytest.raises(TypeError, match="colour"):
        provider(api_key=API_KEY, env={}, env_file=None, colour="blue")  # type: ignore[call-arg]


def test_codegen_ignores_the_http_providers_transport_options() -> None:
    provider = CodegenProvider(env={}, env_file=None, breaker=None, rate_limit=None)
    assert provider.default_model == "codegen-agent"
    provider.close()


def test_capabilities_are_declared_by_the_provider_classes() -> None:
    assert (OpenAIProvider.supports_tools, AnthropicProvider.supports_tools) == (True, True)
    assert CodegenProvider.supports_tools is False
    assert CodegenProvider.supports_system_prompt is False
    assert OpenAIProvider.supports_shared_limits and not CodegenProvider.supports_shared_limits


def test_the_session_lives_in_the_ai_layer_and_reset_reaches_it(
    openai_emu: OpenAIEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    cb = Codebase.from_files({"a.py": "def f():\n    return 1\n"})
    assert existing_session(cb) is None
    session_for(cb, openai_emu, state_dir, max_ai_requests=1, cache=False)
    session = existing_session(cb)
    assert session is not None and not hasattr(cb, "_ai_session")
    try:
        openai_emu.queue_reply(ToolCall("answer", {"answer": "ok"}))
        cb.ai("Explain", target=cb.get_function("f"))
        assert session.requests_made == 1
        cb.reset()  # the core calls the AI layer's reset hook
        assert session.requests_made == 0
    finally:
        codebase_ai.close(cb)
    # Nothing holds the session but its codebase: collecting one drops the other.
    gone = weakref.ref(session)
    del cb, session
    gc.collect()
    assert gone() is None
