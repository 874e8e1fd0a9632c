"""graph-sitter: a fast, correct code graph for Python and TypeScript, with resilient AI providers.

`Codebase` is exposed lazily so that importing `graph_sitter.ai.providers` or `codegen`
does not pay for tree-sitter and its grammars.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph_sitter.core.codebase import Codebase

__all__ = ["Codebase"]
__version__ = "0.1.0"

# Library convention: records go nowhere unless the application configures logging
# (without it, Python's last-resort handler prints WARNING records of caught errors).
logging.getLogger("graph_sitter").addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    if name == "Codebase":
        from graph_sitter.core.codebase import Codebase

        return Codebase
    raise AttributeError(f"module 'graph_sitter' has no attribute {name!r}")
