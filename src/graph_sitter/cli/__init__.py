"""The `graph-sitter` command line (imports everything; nothing imports it)."""

from __future__ import annotations

from graph_sitter.cli.main import main

__all__ = ["main"]
