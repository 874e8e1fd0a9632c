"""Benchmark: `graph-sitter mcp` start-to-first-answer and per-tool latency over the protocol.

Usage:
    python bench/mcp_latency.py [PATH] [--repeat N] [--calls N]

Default corpus: the running Python's standard library without its tests (as
bench/graph_build.py). The server runs as a real process over stdio, driven by the official
`mcp` client. Prints a table of figure, anchor and ratio:

* first answer, cold (empty graph cache) and warm (cache filled): from spawning the server to
  the first `find_usages` result; anchor: a minimal server of the same SDK (one trivial tool, no
  graph) to its first answer, plus the graph build alone in a fresh process with the same cache
  state, i.e. what the SDK and the graph cost without anything of the server's own;
* p50/p99 of each tool over the protocol; anchor: the same calls in process on the same graph
  (`GraphTools.call` without the disk check), i.e. the graph work itself;
* the disk check done before every call (stat scan of files and folders).

Targets: first answer < 3 s cold and < 1 s warm; `find_usages` p50 < 20 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

from mcp import ClientSession, StdioServerParameters, stdio_client

EXCLUDE = ["test", "tests", "idle_test"]
ENTRY = str(Path(sys.executable).parent / "graph-sitter")
FLOOR_SERVER = r"""
import anyio, mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

async def list_tools(ctx, params):
    return types.ListToolsResult(tools=[types.Tool(name="ping", input_schema={"type": "object"})])

async def call_tool(ctx, params):
    return types.CallToolResult(content=[types.TextContent(text="pong")])

async def main():
    server = Server("floor", on_list_tools=list_tools, on_call_tool=call_tool)
    async with stdio_server() as (r, w):
        await server.run(r, w, server.create_initialization_options())

anyio.run(main)
"""


BUILD = r"""
import sys, time
from graph_sitter import Codebase
from graph_sitter.core.discover import DEFAULT_EXCLUDED_DIRS
started = time.perf_counter()
Codebase(sys.argv[1], cache_dir=sys.argv[2], exclude_dirs=DEFAULT_EXCLUDED_DIRS | set(sys.argv[3:]))
print(time.perf_counter() - started)
"""


def build_seconds(root: str, cache: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", BUILD, root, cache, *EXCLUDE],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def first_answer(params: StdioServerParameters, tool: str, args: dict[str, Any]) -> float:
    started = time.perf_counter()
    with open(os.devnull, "w") as devnull:
        async with (
            stdio_client(params, errlog=devnull) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            result = await session.call_tool(tool, args)
            elapsed = time.perf_counter() - started
            assert not result.is_error, result
    return elapsed


def server_params(root: str, cache: str) -> StdioServerParameters:
    flags = [f for name in EXCLUDE for f in ("--exclude", name)]
    return StdioServerParameters(
        command=ENTRY,
        args=["mcp", root, *flags],
        env={"GRAPH_SITTER_CACHE_DIR": cache, "LOG_LEVEL": "WARNING"},
    )


def pick_symbols(root: str, count: int) -> list[str]:
    from graph_sitter import Codebase
    from graph_sitter.core.discover import DEFAULT_EXCLUDED_DIRS

    cb = Codebase(root, cache_dir="", exclude_dirs=DEFAULT_EXCLUDED_DIRS | set(EXCLUDE))
    functions = [f for f in cb.functions if f.parent == f.file and not f.name.startswith("_")]
    step = max(1, len(functions) // count)
    return [f"{f.filepath}::{f.name}" for f in functions[::step][:count]]


def tool_calls(symbols: list[str]) -> dict[str, Callable[[int], dict[str, Any]]]:
    def sym(i: int) -> str:
        return symbols[i % len(symbols)]

    return {
        "find_usages": lambda i: {"symbol": sym(i)},
        "find_symbol": lambda i: {"name": sym(i).split("::")[1][:6]},
        "symbol_source": lambda i: {"symbol": sym(i)},
        "symbol_dependencies": lambda i: {"symbol": sym(i)},
        "call_graph": lambda i: {"symbol": sym(i), "depth": 2},
        "graph_context": lambda i: {"symbol": sym(i)},
        "rename_symbol": lambda i: {"symbol": sym(i), "new_name": "renamed_for_bench"},
        "codebase_summary": lambda i: {},
    }


async def protocol_latencies(
    params: StdioServerParameters, calls: dict[str, Callable[[int], dict[str, Any]]], n: int
) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    with open(os.devnull, "w") as devnull:
        async with (
            stdio_client(params, errlog=devnull) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            await session.list_tools()
            await session.call_tool("codebase_summary", {})  # the graph is built in the background
            for name, make in calls.items():
                times = []
                for i in range(n):
                    args = make(i)
                    started = time.perf_counter()
                    result = await session.call_tool(name, args)
                    times.append(time.perf_counter() - started)
                    assert not result.is_error, (name, args, result.content)
                out[name] = times
    return out


def in_process_latencies(
    root: str, cache: str, calls: dict[str, Callable[[int], dict[str, Any]]], n: int
) -> tuple[dict[str, list[float]], list[float]]:
    os.environ["GRAPH_SITTER_CACHE_DIR"] = cache
    from graph_sitter.mcp.server import load_tools

    tools = load_tools(root, exclude=EXCLUDE, ai=False)
    watch = tools.watch
    assert watch is not None
    tools.watch = None
    out: dict[str, list[float]] = {}
    for name, make in calls.items():
        times = []
        for i in range(n):
            args = make(i)
            started = time.perf_counter()
            tools.call(name, args)
            times.append(time.perf_counter() - started)
        out[name] = times
    checks = []
    for _ in range(n):
        started = time.perf_counter()
        assert not watch.check()
        checks.append(time.perf_counter() - started)
    return out, checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--repeat", type=int, default=3, help="server starts per figure")
    parser.add_argument("--calls", type=int, default=100, help="calls per tool")
    args = parser.parse_args()
    root = os.path.abspath(args.path)
    symbols = pick_symbols(root, 50)
    first = {"symbol": symbols[0]}
    floor_params = StdioServerParameters(command=sys.executable, args=["-c", FLOOR_SERVER])

    floor = statistics.median(
        anyio.run(first_answer, floor_params, "ping", {}) for _ in range(args.repeat)
    )
    colds, cold_builds = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as cache:
            colds.append(anyio.run(first_answer, server_params(root, cache), "find_usages", first))
        with tempfile.TemporaryDirectory() as cache:
            cold_builds.append(build_seconds(root, cache))
    with tempfile.TemporaryDirectory() as cache:
        params = server_params(root, cache)
        anyio.run(first_answer, params, "find_usages", first)  # fills the cache
        warms = [anyio.run(first_answer, params, "find_usages", first) for _ in range(args.repeat)]
        warm_builds = [build_seconds(root, cache) for _ in range(args.repeat)]
        calls = tool_calls(symbols)
        over = anyio.run(protocol_latencies, params, calls, args.calls)
        direct, checks = in_process_latencies(root, cache, calls, args.calls)

    print(f"corpus: {root} (without {', '.join(EXCLUDE)})")
    print(f"cores: {os.cpu_count()}   python: {sys.version.split()[0]}   ", end="")
    print(f"starts: {args.repeat}   calls per tool: {args.calls}   symbols: {len(symbols)}")
    print()
    print(f"{'figure':<38}{'value':>10}   {'anchor':<34}{'value':>10}{'ratio':>9}")

    def row(name: str, value: float, anchor: str, base: float, unit: str) -> None:
        scale = 1000 if unit == "ms" else 1
        print(
            f"{name:<38}{value * scale:>8.1f}{unit:>2}   {anchor:<34}"
            f"{base * scale:>8.1f}{unit:>2}{value / base:>8.1f}x"
        )

    cold_build, warm_build = statistics.median(cold_builds), statistics.median(warm_builds)
    anchor = "SDK server + graph build"
    cold, warm = statistics.median(colds), statistics.median(warms)
    row("first answer, cold cache (median)", cold, anchor, floor + cold_build, "s")
    row("first answer, warm cache (median)", warm, anchor, floor + warm_build, "s")
    for name in calls:
        for label, q in (("p50", 0.5), ("p99", 0.99)):
            row(
                f"{name} {label}",
                percentile(over[name], q),
                "in process, same graph",
                percentile(direct[name], q),
                "ms",
            )
    print(f"{'  of which minimal SDK server':<38}{floor:>8.2f} s")
    print(f"{'  of which graph build, cold / warm':<38}{cold_build:>8.2f} s / {warm_build:.2f} s")
    check = statistics.median(checks)
    print(f"{'disk check before each call (median)':<38}{check * 1000:>8.1f}ms")
    print("targets: first answer < 3 s cold, < 1 s warm; find_usages p50 < 20 ms")


if __name__ == "__main__":
    main()
