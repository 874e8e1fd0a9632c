"""graph-sitter: a fast, correct code graph for Python and TypeScript, with resilient AI providers.

`Codebase` is exposed lazily so that importing `graph_sitter.ai.providers` or `codegen`
does not pay for tree-sitter and its grammars.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph_sitter.core.codebase import Codebase

__all__ = ["Codebase"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "Codebase":
        from graph_sitter.core.codebase import Codebase

        return Codebase
    raise AttributeError(f"module 'graph_sitter' has no attribute {name!r}")
