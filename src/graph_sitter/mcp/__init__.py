"""An MCP server exposing the code graph and its edits as tools for coding agents.

`graph-sitter mcp [PATH]` (or `python -m graph_sitter.mcp [PATH]`) serves the tools over stdio
or streamable HTTP with the official `mcp` SDK (the optional extra `graph-sitter[mcp]`).
:class:`GraphTools` holds the tools themselves and does not need the SDK; the server module
(:func:`graph_sitter.mcp.server.build_server`, ``serve_stdio``, ``serve_http``) does.
See docs/mcp.md.
"""

from __future__ import annotations

from graph_sitter.mcp._fresh import DiskWatch
from graph_sitter.mcp._tools import GraphTools, ToolError, ToolSpec

__all__ = ["DiskWatch", "GraphTools", "ToolError", "ToolSpec"]
