"""The provider registry's lock is never held across a network call."""

from __future__ import annotations

import threading

from graph_sitter.ai.providers import AnthropicProvider
from graph_sitter.ai.providers.factory import create_ai_provider, validate_provider_credentials
from graph_sitter.testing import AnthropicEmulator, OpenAIEmulator, SlowFirstByte

API_KEY = "sk-test-emulator-key-0123456789"  # same as conftest.py


def test_a_slow_validation_does_not_block_creating_another_provider(
    openai_emu: OpenAIEmulator, anthropic_emu: AnthropicEmulator
) -> None:
    # OpenAI's credential check hangs (the server holds its answer); meanwhile Anthropic
    # must be created and its credentials checked without waiting for it.
    openai_emu.queue_fault(SlowFirstByte(delay=30.0), path="*/models")
    slow_env = {
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": openai_emu.base_url,
        "OPENAI_TIMEOUT": "20",
        "OPENAI_MAX_RETRIES": "0",
    }
    slow = threading.Thread(
        target=validate_provider_credentials,
        args=("openai",),
        kwargs={"env": slow_env, "env_file": None, "force": True},
        daemon=True,
    )
    slow.start()
    try:
        # The slow check is now inside its network call.
        assert openai_emu.wait_for_open_connections(1, timeout=10.0)
        created: list[object] = []
        done = threading.Event()

        def create() -> None:
            env = {"ANTHROPIC_API_KEY": API_KEY, "ANTHROPIC_BASE_URL": anthropic_emu.base_url}
            created.append(create_ai_provider("anthropic", env=env, env_file=None))
            created.append(validate_provider_credentials("anthropic", env=env, env_file=None))
            done.set()

        threading.Thread(target=create, daemon=True).start()
        assert done.wait(timeout=10.0), "creating Anthropic waited for OpenAI's slow check"
        assert slow.is_alive()  # the other check really was still in flight
        provider, valid = created
        assert isinstance(provider, AnthropicProvider)
        assert valid is True
        provider.close()
    finally:
        openai_emu.stop()  # ends the held answer: the slow check fails and returns
        slow.join(timeout=30.0)
    assert not slow.is_alive()
