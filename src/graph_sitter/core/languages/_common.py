"""Helpers shared by the language extractors."""

from __future__ import annotations

from importlib import resources

import tree_sitter as ts


def load_query(language: ts.Language, filename: str) -> ts.Query:
    """Load a tree-sitter query shipped as package data in `queries/`."""
    source = resources.files("graph_sitter.core.languages").joinpath("queries", filename)
    return ts.Query(language, source.read_text(encoding="utf-8"))


def line_count(content: bytes) -> int:
    """Number of lines, counting a last line without a newline."""
    if not content:
        return 0
    return content.count(b"\n") + (0 if content.endswith(b"\n") else 1)


def leading_comment_start(content: bytes, start: int, marker: bytes) -> int:
    """Extend `start` upwards over comment lines directly above it (no blank line between)."""
    line_start = content.rfind(b"\n", 0, start) + 1
    if content[line_start:start].strip():
        return start  # something else precedes the definition on its line
    result = start
    while line_start > 0:
        prev_start = content.rfind(b"\n", 0, line_start - 1) + 1
        line = content[prev_start : line_start - 1].strip()
        if not line.startswith(marker):
            break
        raw = content[prev_start:line_start]
        result = prev_start + len(raw) - len(raw.lstrip())
        line_start = prev_start
    return result


def error_ranges(root: ts.Node) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Ranges of syntax errors (ERROR and MISSING nodes) under `root`."""
    ranges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            ranges.append((node.start_point, node.end_point))
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    ranges.sort()
    return ranges
