"""Callers and callees of a symbol, level by level, for `call_graph`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graph_sitter.core.symbols import Class, Function, SourceFile, Symbol
from graph_sitter.mcp import _models as m
from graph_sitter.mcp._index import ref_of

__all__ = ["callees_of", "callers_of", "calls_inside", "walk_calls"]


def _owner(node: Symbol | SourceFile) -> Symbol | None:
    """The function or class a call sits in; None at module level (a variable's initialiser
    included)."""
    while isinstance(node, Symbol) and not isinstance(node, Function | Class):
        node = node.parent
    return node if isinstance(node, Symbol) else None


def callers_of(sym: Symbol) -> list[tuple[Symbol | None, str, int]]:
    out: list[tuple[Symbol | None, str, int]] = []
    for usage in sym.usages():
        if usage.kind == "call":
            out.append((_owner(usage.usage_symbol), usage.filepath, usage.start_point[0] + 1))
    return out


def calls_inside(sym: Symbol) -> list[Any]:
    if isinstance(sym, Function):
        return sym.function_calls
    if isinstance(sym, Class):
        return [call for method in sym.methods for call in method.function_calls]
    return []


def callees_of(sym: Symbol) -> list[tuple[Symbol | None, str, int]]:
    out: list[tuple[Symbol | None, str, int]] = []
    for call in calls_inside(sym):
        target = call.function_definition
        if target is not None:
            out.append((target, call.filepath, call.start_point[0] + 1))
    return out


def walk_calls(
    start: Symbol, depth: int, step: Callable[[Symbol], list[tuple[Symbol | None, str, int]]]
) -> list[m.CallNode]:
    nodes: dict[tuple[str, str], m.CallNode] = {}
    seen = {(start.filepath, start.qualified_name)}
    frontier = [start]
    for level in range(1, depth + 1):
        following: list[Symbol] = []
        for sym in frontier:
            for other, path, line in step(sym):
                if other is None:
                    key = (path, "<module>")
                    node = nodes.get(key)
                    if node is None:
                        node = nodes[key] = m.CallNode(
                            name="<module>",
                            qualified_name="<module>",
                            kind="module",
                            file=path,
                            line=1,
                            depth=level,
                            call_lines=[],
                        )
                    node.call_lines.append(line)
                    continue
                key = (other.filepath, other.qualified_name)
                node = nodes.get(key)
                if node is None and key not in seen:
                    seen.add(key)
                    node = nodes[key] = m.CallNode(
                        **ref_of(other).model_dump(), depth=level, call_lines=[]
                    )
                    following.append(other)
                if node is not None and node.depth == level:
                    node.call_lines.append(line)
        frontier = following
        if not frontier:
            break
    for node in nodes.values():
        node.call_lines = sorted(set(node.call_lines))
    return list(nodes.values())
