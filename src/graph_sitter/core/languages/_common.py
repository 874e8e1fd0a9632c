"""Helpers shared by the language extractors."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import tree_sitter as ts


def load_query(language: ts.Language, package: str, *filenames: str) -> ts.Query:
    """A tree-sitter query from `.scm` files shipped as package data in `package`."""
    folder = resources.files(package)
    source = "\n".join(folder.joinpath(f).read_text(encoding="utf-8") for f in filenames)
    return ts.Query(language, source)


def walk(node: ts.Node) -> list[ts.Node]:
    """`node` and every node below it, in source order."""
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(current.children))
    return out


def first_covering(
    node: ts.Node, start: int, end: int, accept: Callable[[ts.Node], bool]
) -> ts.Node | None:
    """The first node at or below `node` (in source order) that spans `start..end` and that
    `accept` takes."""
    for sub in walk(node):
        if sub.start_byte <= start and end <= sub.end_byte and accept(sub):
            return sub
    return None


def spelling(
    node: ts.Node, content: bytes, text: bytes, accept: Callable[[ts.Node, ts.Node], bool]
) -> list[ts.Node]:
    """The nodes below `node` whose text is `text` and that `accept(node, parent)` takes."""
    return [
        sub
        for sub in walk(node)
        if sub.parent is not None
        and content[sub.start_byte : sub.end_byte] == text
        and accept(sub, sub.parent)
    ]


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


def split_top_level(text: str) -> list[str]:
    """`text` split at commas outside brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def under(node: ts.Node, types: frozenset[str]) -> bool:
    """Whether an ancestor of `node` has one of `types`."""
    parent = node.parent
    while parent is not None:
        if parent.type in types:
            return True
        parent = parent.parent
    return False
