"""The server in process (the SDK's in-memory client): an unexpected failure is reported as a
tool error and the server keeps answering; TypeScript symbols; the package's public names."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from mcp_helpers import run

import graph_sitter.mcp
from graph_sitter import Codebase
from graph_sitter.mcp import GraphTools, ToolError
from graph_sitter.mcp.server import LazyTools, build_server
from mcp import Client

TS = {
    "src/price.ts": "export function total(xs: number[]): number {\n  return xs.length;\n}\n",
    "src/cart.ts": (
        "import { total } from './price';\n\nexport class Cart {\n"
        "  items: number[] = [];\n  sum(): number {\n    return total(this.items);\n  }\n}\n"
    ),
}


class Flaky(GraphTools):
    """Fails unexpectedly in one tool (a bug, not a caller error)."""

    def call(self, name: str, arguments: Any) -> tuple[dict[str, Any], str]:
        if name == "symbol_source":
            raise RuntimeError("boom")
        return super().call(name, arguments)


def test_an_unexpected_failure_is_a_tool_error_and_serving_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tools = Flaky(Codebase.from_files(TS))

    async def main() -> None:
        async with Client(build_server(tools)) as client:
            failed = await client.call_tool("symbol_source", {"symbol": "total"})
            assert failed.is_error
            text = getattr(failed.content[0], "text", "")
            assert text == "Internal error in symbol_source: RuntimeError: boom"
            usages = await client.call_tool("find_usages", {"symbol": "total"})
            assert not usages.is_error
            assert usages.structured_content is not None
            found = [(u["file"], u["line"], u["kind"]) for u in usages.structured_content["usages"]]
            assert found == [("src/cart.ts", 1, "import"), ("src/cart.ts", 6, "call")]

    run(main)
    assert any("symbol_source failed" in r.message for r in caplog.records)


def test_typescript_symbols_and_identifiers() -> None:
    tools = GraphTools(Codebase.from_files(TS))
    source, _ = tools.call("symbol_source", {"symbol": "src/cart.ts::Cart.sum"})
    assert source["signature"] == "sum(): number"
    assert source["start_line"] == 5
    graph, _ = tools.call("call_graph", {"symbol": "total"})
    assert [(c["qualified_name"], c["call_lines"]) for c in graph["callers"]] == [("Cart.sum", [6])]
    dry, _ = tools.call("rename_symbol", {"symbol": "total", "new_name": "$total"})
    assert dry["files_changed"] == ["src/cart.ts", "src/price.ts"]
    with pytest.raises(ToolError, match="not a valid typescript identifier"):
        tools.call("rename_symbol", {"symbol": "total", "new_name": "to-tal"})
    with pytest.raises(ToolError, match="in memory"):
        GraphTools(Codebase.from_files(TS), allow_edits=True).call(
            "rename_symbol", {"symbol": "total", "new_name": "sum2", "apply": True}
        )


def test_public_names() -> None:
    exported = graph_sitter.mcp.__all__
    assert exported == sorted(exported)
    assert all(hasattr(graph_sitter.mcp, name) for name in exported)


def test_the_handshake_does_not_wait_for_the_graph() -> None:
    gate = threading.Event()

    def load() -> GraphTools:
        assert gate.wait(30)
        return GraphTools(Codebase.from_files(TS))

    lazy = LazyTools(load)
    lazy.start()

    async def main() -> None:
        async with Client(build_server(lazy)) as client:
            listed = await client.list_tools()  # answered while the graph is still building
            assert "find_usages" in [t.name for t in listed.tools]
            assert lazy.wait(0) is None
            gate.set()
            usages = await client.call_tool("find_usages", {"symbol": "total"})
            assert not usages.is_error

    run(main)


def test_a_graph_that_cannot_be_built_is_a_tool_error(caplog: pytest.LogCaptureFixture) -> None:
    def load() -> GraphTools:
        raise PermissionError("no access to /repo")

    lazy = LazyTools(load)
    lazy.start()

    async def main() -> None:
        async with Client(build_server(lazy)) as client:
            for _ in range(2):
                failed = await client.call_tool("find_usages", {"symbol": "total"})
                assert failed.is_error
                assert getattr(failed.content[0], "text", "") == (
                    "The code graph could not be built: PermissionError: no access to /repo"
                )

    run(main)
    assert any("building the graph failed" in r.message for r in caplog.records)
