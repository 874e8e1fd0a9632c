"""Details read from a file's syntax tree on demand: parameters, docstrings, calls."""

from __future__ import annotations

import ast
from functools import cache
from typing import TYPE_CHECKING

import tree_sitter as ts

from graph_sitter.core.symbols import FunctionCall, Parameter, SourceFile, point_of

if TYPE_CHECKING:
    from graph_sitter.core.codebase import Codebase

_PARAM_KINDS = {
    "list_splat_pattern": "variadic",
    "dictionary_splat_pattern": "keyword_variadic",
    "rest_pattern": "variadic",
}


def _text(content: bytes, node: ts.Node | None, encoding: str = "utf-8") -> str | None:
    if node is None:
        return None
    return content[node.start_byte : node.end_byte].decode(encoding, "replace")


def parameters(cb: Codebase, f: int, node: ts.Node, is_method: bool) -> list[Parameter]:
    pf = cb._graph.files[f]
    content, enc = pf.content, "utf-8"
    params = node.child_by_field_name("parameters")
    if params is None:
        return []
    out: list[Parameter] = []
    for child in params.named_children:
        if child.type in ("comment", "keyword_separator", "positional_separator"):
            continue
        kind = _PARAM_KINDS.get(child.type, "positional")
        name_node: ts.Node | None = child.child_by_field_name("name")
        if name_node is None and child.type in ("identifier",):
            name_node = child
        if name_node is None:
            name_node = child.child_by_field_name("pattern")
        if name_node is None:
            for sub in child.named_children:
                if sub.type in ("identifier", "list_splat_pattern", "dictionary_splat_pattern"):
                    name_node = sub
                    break
        if name_node is not None and name_node.type in _PARAM_KINDS:
            kind = _PARAM_KINDS[name_node.type]
            name_node = name_node.named_children[0] if name_node.named_children else name_node
        type_node = child.child_by_field_name("type")
        default = child.child_by_field_name("value")
        name = _text(content, name_node, enc) or _text(content, child, enc) or ""
        if not out and is_method and name in ("self", "cls", "this"):
            kind = "self"
        type_text = _text(content, type_node, enc)
        if type_text is not None:
            type_text = type_text.lstrip(":").strip()
        out.append(
            Parameter(
                name=name.lstrip("*"),
                index=len(out),
                type=type_text,
                default=_text(content, default, enc),
                source=_text(content, child, enc) or "",
                kind=kind,
            )
        )
    return out


def docstring(cb: Codebase, f: int, node: ts.Node) -> str | None:
    pf = cb._graph.files[f]
    if pf.language == "python":
        body = node.child_by_field_name("body")
        if body is None or not body.named_children:
            return None
        first = body.named_children[0]
        if first.type != "expression_statement" or not first.named_children:
            return None
        string = first.named_children[0]
        if string.type != "string":
            return None
        raw = _text(pf.content, string) or ""
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return None
        return _clean(value) if isinstance(value, str) else None
    # TypeScript/JavaScript: a JSDoc comment directly above the declaration.
    prev = node.prev_sibling
    if prev is None and node.parent is not None and node.parent.type == "export_statement":
        prev = node.parent.prev_sibling
    if prev is not None and prev.type == "comment":
        text = _text(pf.content, prev) or ""
        if text.startswith("/**"):
            lines = [line.strip().lstrip("*").strip() for line in text[3:-2].splitlines()]
            return "\n".join(line for line in lines).strip() or None
    return None


def _clean(value: str) -> str:
    import inspect

    return inspect.cleandoc(value)


@cache
def _call_query(language: ts.Language) -> ts.Query:
    names = {"call", "call_expression", "new_expression"}
    patterns = [f"({n}) @call" for n in sorted(names) if _has_node(language, n)]
    return ts.Query(language, "\n".join(patterns))


def _has_node(language: ts.Language, name: str) -> bool:
    return language.id_for_node_kind(name, True) is not None


def calls_within(cb: Codebase, f: int, start: int, end: int) -> list[FunctionCall]:
    tree = cb._tree(f)
    cursor = ts.QueryCursor(_call_query(tree.language))
    cursor.set_byte_range(start, end)
    nodes = sorted(cursor.captures(tree.root_node).get("call", ()), key=lambda n: n.start_byte)
    return [make_call(cb, f, node) for node in nodes if start <= node.start_byte < end]


def make_call(cb: Codebase, f: int, node: ts.Node) -> FunctionCall:
    pf = cb._graph.files[f]
    callee = node.child_by_field_name("function") or node.child_by_field_name("constructor")
    name_node = callee
    while name_node is not None and name_node.type in ("attribute", "member_expression"):
        name_node = name_node.child_by_field_name("attribute") or name_node.child_by_field_name(
            "property"
        )
    name = _text(pf.content, name_node) or ""
    target = None
    if name_node is not None:
        key = cb._graph.resolved_refs[f].get(name_node.start_byte)
        if key is not None:
            target = cb._symbol(key[0], key[1])
    lines = cb._line_starts(f)
    return FunctionCall(
        file=SourceFile(cb, f),
        name=name,
        source=_text(pf.content, node) or "",
        start_byte=node.start_byte,
        end_byte=node.end_byte,
        start_point=point_of(lines, node.start_byte),
        end_point=point_of(lines, node.end_byte),
        function_definition=target,
        parent_function=cb._owner_view(f, node.start_byte),
    )


def call_at(cb: Codebase, f: int, callee_start: int, callee_end: int) -> FunctionCall | None:
    """The call expression whose callee name sits at the given range."""
    tree = cb._tree(f)
    node = tree.root_node.descendant_for_byte_range(callee_start, callee_end)
    while node is not None and node.type not in ("call", "call_expression", "new_expression"):
        node = node.parent
    return make_call(cb, f, node) if node is not None else None
