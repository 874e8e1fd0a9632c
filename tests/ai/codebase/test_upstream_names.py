"""Upstream graph-sitter's ``Codebase.set_ai_key`` and ``Codebase.ai_client`` map onto the
provider layer."""

from __future__ import annotations

from pathlib import Path

import pytest
from ai_helpers import API_KEY, EchoEmulator

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai
from graph_sitter.ai.providers import OpenAIProvider, ProviderAuthenticationError
from graph_sitter.http import SleepRecorder


def test_set_ai_key_sends_calls_to_openai_with_that_key(
    shop: Codebase, echo_emu: EchoEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    # only a base URL in the environment: without the key the emulator answers 401
    shop.set_session_options(
        env={"OPENAI_BASE_URL": echo_emu.base_url}, env_file=None, state_dir=state_dir
    )
    shop.set_ai_key(API_KEY)
    client = shop.ai_client
    assert isinstance(client, OpenAIProvider) and client is shop.ai_client
    assert API_KEY not in repr(client)
    assert shop.ai("Explain", target=shop.get_function("checkout"))
    posts = [r for r in echo_emu.requests if r.method == "POST"]
    assert posts and posts[-1].headers["authorization"] == f"Bearer {API_KEY}"
    assert codebase_ai.last_response(shop) is not None
    # a new key replaces the provider (built again, lazily, and checked: this one is wrong)
    shop.set_ai_key("sk-another-key-0123456789")
    with pytest.raises(ProviderAuthenticationError) as caught:
        _ = shop.ai_client
    assert "sk-another-key" not in str(caught.value)
