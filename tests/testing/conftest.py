"""Emulator test configuration: the public pytest fixtures, imported so pytest finds them.

(``pytest_plugins`` is only honoured in a root conftest, so the fixtures are imported here.)
"""

from __future__ import annotations

from graph_sitter.testing.pytest_plugin import (
    anthropic_emulator,
    codegen_emulator,
    openai_emulator,
)

__all__ = ["anthropic_emulator", "codegen_emulator", "openai_emulator"]
