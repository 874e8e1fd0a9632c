"""Fixtures: vendor emulators on loopback, providers pointed at them, and the sleep test mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph_sitter.ai.providers import AnthropicProvider, OpenAIProvider
from graph_sitter.http import SleepRecorder
from graph_sitter.http import testing as sleep_testing
from graph_sitter.testing import AnthropicEmulator, OpenAIEmulator

API_KEY = "sk-test-emulator-key-0123456789"


@pytest.fixture
def sleeps() -> Iterator[SleepRecorder]:
    with sleep_testing() as recorder:
        yield recorder


@pytest.fixture
def openai_emu() -> Iterator[OpenAIEmulator]:
    with OpenAIEmulator(api_key=API_KEY) as emulator:
        yield emulator


@pytest.fixture
def anthropic_emu() -> Iterator[AnthropicEmulator]:
    with AnthropicEmulator(api_key=API_KEY) as emulator:
        yield emulator


@pytest.fixture
def openai(openai_emu: OpenAIEmulator, sleeps: SleepRecorder) -> Iterator[OpenAIProvider]:
    provider = OpenAIProvider(api_key=API_KEY, base_url=openai_emu.base_url, env={}, env_file=None)
    with provider:
        yield provider


@pytest.fixture
def anthropic(
    anthropic_emu: AnthropicEmulator, sleeps: SleepRecorder
) -> Iterator[AnthropicProvider]:
    provider = AnthropicProvider(
        api_key=API_KEY, base_url=anthropic_emu.base_url, env={}, env_file=None
    )
    with provider:
        yield provider
