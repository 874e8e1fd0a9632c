"""Shared constants and the agent factory of the Codegen SDK tests."""

from __future__ import annotations

from codegen import Agent
from graph_sitter.testing import CodegenEmulator

TOKEN = "cg-test-token-0123456789"
ORG_ID = 42
REPOS = ("acme/widgets", "acme/gadgets")


def make_agent(emu: CodegenEmulator, **kwargs: object) -> Agent:
    """An agent pointed at ``emu`` that reads no environment."""
    options: dict[str, object] = {
        "org_id": ORG_ID,
        "token": TOKEN,
        "base_url": emu.base_url,
        "env": {},
        "env_file": None,
        **kwargs,
    }
    return Agent(**options)  # type: ignore[arg-type]
