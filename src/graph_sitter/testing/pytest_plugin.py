"""Pytest fixtures that start an emulator per test and stop it afterwards.

Enable them in your root ``conftest.py``::

    pytest_plugins = ["graph_sitter.testing.pytest_plugin"]

Each fixture yields a running emulator: ``openai_emulator`` (API key ``"test-key"``),
``anthropic_emulator`` (API key ``"test-key"``) and ``codegen_emulator`` (token ``"test-token"``,
organisation 1). Point your client at ``emulator.base_url``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph_sitter.testing._anthropic import AnthropicEmulator
from graph_sitter.testing._codegen import CodegenEmulator
from graph_sitter.testing._openai import OpenAIEmulator

__all__ = ["anthropic_emulator", "codegen_emulator", "openai_emulator"]

TEST_API_KEY = "test-key"
TEST_TOKEN = "test-token"


@pytest.fixture
def openai_emulator() -> Iterator[OpenAIEmulator]:
    """A running :class:`OpenAIEmulator` accepting the API key ``"test-key"``."""
    with OpenAIEmulator(api_key=TEST_API_KEY) as emulator:
        yield emulator


@pytest.fixture
def anthropic_emulator() -> Iterator[AnthropicEmulator]:
    """A running :class:`AnthropicEmulator` accepting the API key ``"test-key"``."""
    with AnthropicEmulator(api_key=TEST_API_KEY) as emulator:
        yield emulator


@pytest.fixture
def codegen_emulator() -> Iterator[CodegenEmulator]:
    """A running :class:`CodegenEmulator` for organisation 1 accepting token ``"test-token"``."""
    with CodegenEmulator(token=TEST_TOKEN, org_id=1) as emulator:
        yield emulator
