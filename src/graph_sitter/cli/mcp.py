"""`graph-sitter mcp [PATH]`: serve the code graph to coding agents over MCP."""

from __future__ import annotations

import gc
import importlib.util

import click

MISSING_EXTRA = (
    "The MCP server needs the optional extra: pip install 'graph-sitter[mcp]' "
    "(the official `mcp` SDK is not installed)."
)


@click.command("mcp")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--language", type=click.Choice(["python", "typescript"]), help="Parse only this language."
)
@click.option("--allow-edits", is_flag=True, help="Let rename/move write files (apply=true).")
@click.option("--http", is_flag=True, help="Serve streamable HTTP instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP interface.")
@click.option("--port", default=8765, show_default=True, type=int, help="HTTP port (0: any).")
@click.option("--exclude", multiple=True, help="Folder name to skip (repeatable).")
def mcp(
    path: str,
    language: str | None,
    allow_edits: bool,
    http: bool,
    host: str,
    port: int,
    exclude: tuple[str, ...],
) -> None:
    """Serve the code graph of PATH to coding agents (Model Context Protocol, stdio by default)."""
    if importlib.util.find_spec("mcp") is None:
        raise click.ClickException(MISSING_EXTRA)
    from graph_sitter.mcp import GraphTools, server

    # The SDK's models, then the graph, live as long as the process: freezing them keeps the
    # collector from rescanning them while the graph loads and on every call.
    gc.freeze()
    ai = server.ai_available()

    def load() -> GraphTools:
        tools = server.load_tools(
            path, language=language, allow_edits=allow_edits, exclude=exclude, ai=ai
        )
        gc.freeze()
        return tools

    # Built in the background: the handshake is answered at once, the first call waits.
    tools = server.LazyTools(load, ai=ai)
    if http:
        server.serve_http(
            tools,
            host=host,
            port=port,
            on_listening=lambda url: click.echo(f"graph-sitter MCP server on {url}", err=True),
        )
    else:
        server.serve_stdio(tools)
