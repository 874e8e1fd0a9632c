"""The MCP server: :class:`~._tools.GraphTools` over the official `mcp` SDK's low-level server,
on stdio or streamable HTTP.

Each tool advertises its arguments (`inputSchema`) and result (`outputSchema`) as JSON schemas;
a call returns `structuredContent` plus the same answer as readable text. Tool failures come
back as results with `isError` and one clear message; the server never exits on bad input.
Graph work runs in a worker thread, one call at a time, so the event loop stays responsive.
With :class:`LazyTools` the graph is built in the background: `initialize` and `tools/list` are
answered at once (agents time out slow handshakes) and the first call waits for the graph.
Logs go to stderr (on stdio, stdout is the protocol).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

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
from graph_sitter.mcp._tools import GraphTools, ToolError, ToolSpec, tool_specs

__all__ = [
    "SERVER_NAME",
    "LazyTools",
    "Tools",
    "ai_available",
    "build_server",
    "load_tools",
    "serve_http",
    "serve_stdio",
]

logger = logging.getLogger("graph_sitter.mcp")

SERVER_NAME = "graph-sitter"
_INSTRUCTIONS = (
    "Code graph of one repository. A symbol is a name, a qualified name (Class.method) or "
    "path::Qualified.name. Files changed on disk are re-read before each call. Edits are dry "
    "runs unless apply=true and the server was started with --allow-edits."
)


class Tools(Protocol):
    """What the server needs: the tools' specs and a way to call them."""

    @property
    def specs(self) -> Mapping[str, ToolSpec]: ...

    def call(
        self, name: str, arguments: Mapping[str, Any] | None
    ) -> tuple[dict[str, Any], str]: ...


def ai_available() -> bool:
    """Whether a provider has credentials (then `ask_ai` is offered)."""
    from graph_sitter.ai.providers import get_available_providers

    return bool(get_available_providers())


class LazyTools:
    """Tools whose graph is built in a background thread; a call waits until it is ready.

    Args:
        load: Builds the tools (e.g. `lambda: load_tools(path, ai=ai)`).
        ai: Whether `load` offers `ask_ai` (the listing is known before the graph is).
    """

    def __init__(self, load: Callable[[], GraphTools], *, ai: bool = False) -> None:
        self._load = load
        self.specs: Mapping[str, ToolSpec] = tool_specs(ai)
        self._ready = threading.Event()
        self._tools: GraphTools | None = None
        self._error: str | None = None
        self._started = False

    def start(self) -> None:
        """Start building (once; the serve functions call it when the transport is ready)."""
        if not self._started:
            self._started = True
            threading.Thread(target=self._run, name="graph-sitter-build", daemon=True).start()

    def _run(self) -> None:
        try:
            self._tools = self._load()
        except Exception as exc:  # reported by every call; the server keeps running
            logger.exception("building the graph failed")
            self._error = f"{type(exc).__name__}: {exc}"
        finally:
            self._ready.set()

    def wait(self, timeout: float | None = None) -> GraphTools | None:
        """The tools once built (None on failure or timeout)."""
        self._ready.wait(timeout)
        return self._tools

    def call(self, name: str, arguments: Mapping[str, Any] | None) -> tuple[dict[str, Any], str]:
        tools = self.wait()
        if tools is None:
            raise ToolError(f"The code graph could not be built: {self._error}")
        return tools.call(name, arguments)


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
        ai = ai_available()
    logger.info(
        "graph of %s: %d files; edits %s; ask_ai %s",
        root,
        len(codebase.files),
        "allowed" if allow_edits else "dry-run only",
        "on" if ai else "off",
    )
    return GraphTools(codebase, allow_edits=allow_edits, watch=watch, ai=ai)


def _tool_listing(tools: Tools) -> list[types.Tool]:
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


def build_server(tools: Tools) -> Server[Any]:
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


def _start(tools: Tools) -> None:
    if isinstance(tools, LazyTools):
        tools.start()


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)


def serve_stdio(tools: Tools) -> None:
    """Serve over stdin/stdout until the client closes stdin."""

    async def main() -> None:
        server = build_server(tools)
        async with stdio_server() as (read_stream, write_stream):
            # Started once fd 1 is diverted to stderr: nothing the build prints reaches the wire.
            _start(tools)
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(main)


def serve_http(
    tools: Tools,
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
    sock.listen(128)  # connections made once the URL is announced wait in the backlog
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    url = f"http://{shown}:{bound}/mcp"
    if on_listening is not None:
        on_listening(url)
    _start(tools)
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
