"""The MCP server: :class:`~._tools.GraphTools` over the official `mcp` SDK's low-level server,
on stdio or streamable HTTP.

Each tool advertises its arguments (`inputSchema`) and result (`outputSchema`) as JSON schemas;
a call returns `structuredContent` plus the same answer as readable text. Tool failures come
back as results with `isError` and one clear message; the server never exits on bad input.
Graph work runs in a worker thread, one call at a time, so the event loop stays responsive.
Logs go to stderr (on stdio, stdout is the protocol).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable
from typing import Any

import anyio
import anyio.to_thread
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from graph_sitter import __version__
from graph_sitter.core.codebase import Codebase
from graph_sitter.core.discover import DEFAULT_EXCLUDED_DIRS, DEFAULT_MAX_FILE_BYTES
from graph_sitter.core.languages import LANGUAGES, normalize_language
from graph_sitter.mcp._fresh import DiskWatch
from graph_sitter.mcp._tools import GraphTools, ToolError

__all__ = ["SERVER_NAME", "build_server", "load_tools", "serve_http", "serve_stdio"]

logger = logging.getLogger("graph_sitter.mcp")

SERVER_NAME = "graph-sitter"
_INSTRUCTIONS = (
    "Code graph of one repository. A symbol is a name, a qualified name (Class.method) or "
    "path::Qualified.name. Files changed on disk are re-read before each call. Edits are dry "
    "runs unless apply=true and the server was started with --allow-edits."
)


def load_tools(
    path: str,
    *,
    language: str | None = None,
    allow_edits: bool = False,
    exclude: Iterable[str] = (),
    ai: bool | None = None,
) -> GraphTools:
    """Build the graph of `path` and the tools over it.

    The disk snapshot is taken before the graph reads the files, so a file changed while the
    graph builds is re-read by the first call.

    Args:
        path: The repository root.
        language: Only this language ("python" or "typescript").
        allow_edits: Let `apply=true` write files.
        exclude: Folder names to skip besides the default vendored/generated ones.
        ai: Offer `ask_ai`; None offers it when a provider has credentials.
    """
    root = os.path.abspath(path)
    languages = (normalize_language(language),) if language else tuple(LANGUAGES.values())
    excluded = DEFAULT_EXCLUDED_DIRS | frozenset(exclude)
    watch = DiskWatch(
        root,
        languages,
        respect_gitignore=True,
        excluded_dirs=excluded,
        max_file_bytes=DEFAULT_MAX_FILE_BYTES,
    )
    watch.snapshot()
    codebase = Codebase(root, language, exclude_dirs=excluded)
    if ai is None:
        from graph_sitter.ai.providers import get_available_providers

        ai = bool(get_available_providers())
    logger.info(
        "graph of %s: %d files; edits %s; ask_ai %s",
        root,
        len(codebase.files),
        "allowed" if allow_edits else "dry-run only",
        "on" if ai else "off",
    )
    return GraphTools(codebase, allow_edits=allow_edits, watch=watch, ai=ai)


def _tool_listing(tools: GraphTools) -> list[types.Tool]:
    listed = []
    for spec in tools.specs.values():
        listed.append(
            types.Tool(
                name=spec.name,
                description=spec.description,
                input_schema=spec.args.model_json_schema(),
                output_schema=spec.result.model_json_schema(),
                annotations=types.ToolAnnotations(
                    read_only_hint=spec.read_only,
                    destructive_hint=False,
                    idempotent_hint=spec.read_only,
                    open_world_hint=spec.name == "ask_ai",
                ),
            )
        )
    return listed


def build_server(tools: GraphTools) -> Server[Any]:
    """The low-level MCP server answering `tools/list` and `tools/call` with `tools`."""
    listing = _tool_listing(tools)
    limiter = anyio.CapacityLimiter(1)

    async def list_tools(
        ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=listing)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        name, arguments = params.name, params.arguments
        try:
            structured, text = await anyio.to_thread.run_sync(
                tools.call, name, arguments, limiter=limiter
            )
        except ToolError as exc:
            logger.info("tool %s refused: %s", name, exc)
            return _error(str(exc))
        except Exception as exc:  # the protocol boundary: report, log, keep serving
            logger.exception("tool %s failed", name)
            return _error(f"Internal error in {name}: {type(exc).__name__}: {exc}")
        return types.CallToolResult(
            content=[types.TextContent(text=text)], structured_content=structured
        )

    return Server(
        SERVER_NAME,
        version=__version__,
        instructions=_INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def serve_stdio(tools: GraphTools) -> None:
    """Serve over stdin/stdout until the client closes stdin."""

    async def main() -> None:
        server = build_server(tools)
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(main)


def serve_http(
    tools: GraphTools,
    host: str = "127.0.0.1",
    port: int = 8765,
    on_listening: Callable[[str], None] | None = None,
) -> None:
    """Serve streamable HTTP at `http://host:port/mcp` (port 0 picks a free one) until stopped.

    Args:
        tools: The tools.
        host: Interface to bind (loopback by default; DNS-rebinding protection is on for it).
        port: Port; 0 for any free port.
        on_listening: Called with the endpoint URL once the socket is bound.
    """
    import uvicorn

    server = build_server(tools)
    app = server.streamable_http_app(host=host)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    url = f"http://{shown}:{bound}/mcp"
    if on_listening is not None:
        on_listening(url)
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
