"""graph_sitter.ai: AI providers, their errors and statistics, and ``codebase.ai``.

Light on import: submodules load on first attribute access (``graph_sitter.ai.providers``,
``graph_sitter.ai.errors``, ``graph_sitter.ai.codebase_ai``, ``graph_sitter.ai.usage``, ...).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = [
    "ai_map",
    "batch",
    "cache",
    "client",
    "codebase_ai",
    "context",
    "edit_reply",
    "errors",
    "providers",
    "request",
    "send",
    "session",
    "shared_state",
    "stats",
    "usage",
]


def __getattr__(name: str) -> ModuleType:
    if name in __all__:
        return importlib.import_module(f"graph_sitter.ai.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
