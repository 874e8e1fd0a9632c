"""`graph_context` is exactly what `codebase.ai` sends, and `ask_ai` goes through the same path:
checked against the requests a local OpenAI emulator receives (server in a subprocess)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp_helpers import call, make_repo, run, server_env, stdio_session

from graph_sitter import Codebase
from graph_sitter.ai.context import DEFAULT_MAX_CONTEXT_TOKENS
from graph_sitter.testing import OpenAIEmulator

KEY = "sk-test-mcp-0123456789abcdef"


@pytest.fixture
def emu() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator(api_key=KEY) as emulator:
        yield emulator


def user_messages(emu: OpenAIEmulator) -> list[str]:
    found = []
    for request in emu.requests:
        if request.path.endswith("/chat/completions"):
            assert request.json is not None
            found.append(str(request.json["messages"][-1]["content"]))
    return found


def test_graph_context_is_what_codebase_ai_sends_and_ask_ai_uses_it(
    tmp_path: Path, emu: OpenAIEmulator
) -> None:
    repo = make_repo(tmp_path / "repo")
    env = server_env(tmp_path, OPENAI_API_KEY=KEY, OPENAI_BASE_URL=emu.base_url)
    emu.queue_reply("It parses a JSON document.")
    texts: dict[int, str] = {}

    async def main() -> None:
        async with stdio_session(tmp_path, repo, env=env) as s:
            names = [t.name for t in (await s.list_tools()).tools]
            assert names[-1] == "ask_ai"
            default = await call(s, "graph_context", symbol="JSONDecoder.decode")
            assert default["budget"] == 2000 and default["tokens"] <= 2000 and default["items"]
            small = await call(s, "graph_context", symbol="JSONDecoder.decode", max_tokens=300)
            assert small["tokens"] <= 300 and small["dropped"]  # the budget did choose
            texts[300] = small["text"]
            full = await call(
                s,
                "graph_context",
                symbol="JSONDecoder.decode",
                max_tokens=DEFAULT_MAX_CONTEXT_TOKENS,
            )
            texts[DEFAULT_MAX_CONTEXT_TOKENS] = full["text"]
            answer = await call(s, "ask_ai", prompt="What does it do?", symbol="JSONDecoder.decode")
            assert answer["answer"] == "It parses a JSON document."
            assert answer["provider"] == "OpenAI"

    run(main)
    sent = user_messages(emu)
    assert sent == [texts[DEFAULT_MAX_CONTEXT_TOKENS] + "## Task\nWhat does it do?\n"]
    assert "## Target" in sent[0] and "def decode(self, s" in sent[0]

    # In this process, `codebase.ai` with the same budget sends the same context.
    emu.queue_reply("ok")
    cb = Codebase(repo, cache_dir="")
    cb.set_session_options(cache=False, usage_ledger=False, env=env, env_file=None)
    target = cb.get_symbol("JSONDecoder.decode")
    cb.ai("Why?", target=target, max_context_tokens=300)
    assert user_messages(emu)[-1] == texts[300] + "## Task\nWhy?\n"
