"""Details read from a file's syntax tree on demand: parameters, decorators, docstrings,
calls, and where a usage sits (`UsageKind`)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import tree_sitter as ts

from graph_sitter.core.calls import FunctionCall
from graph_sitter.core.expression import Expression
from graph_sitter.core.languages import support_for
from graph_sitter.core.languages._syntax import Syntax
from graph_sitter.core.symbols import Parameter
from graph_sitter.core.usages import UsageKind

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess


def _text(content: bytes, node: ts.Node | None, encoding: str = "utf-8") -> str | None:
    if node is None:
        return None
    return content[node.start_byte : node.end_byte].decode(encoding, "replace")


def parameters(ga: GraphAccess, f: int, node: ts.Node, is_method: bool) -> list[Parameter]:
    pf = ga.graph.files[f]
    syntax = ga.syntax(f)
    variadic = syntax.variadic_parameters
    content, enc = pf.content, "utf-8"
    params = node.child_by_field_name("parameters")
    if params is None and node.type in syntax.single_parameter_functions:
        params = node.child_by_field_name("parameter")  # `x => ...`
        if params is not None and params.type == "identifier":
            return [_parameter(ga, f, params, params, "positional", 0)]
    if params is None:
        return []
    out: list[Parameter] = []
    for child in params.named_children:
        if (
            child.type == "comment"
            or child.type in syntax.decorators
            or child.type in syntax.parameter_separators
        ):
            continue
        kind = variadic.get(child.type, "positional")
        name_node: ts.Node | None = child.child_by_field_name("name")
        if name_node is None and child.type == "identifier":
            name_node = child
        if name_node is None:
            name_node = child.child_by_field_name("pattern")
        if name_node is None:
            for sub in child.named_children:
                if sub.type == "identifier" or sub.type in syntax.variadic_names:
                    name_node = sub
                    break
        if name_node is not None and name_node.type in variadic:
            kind = variadic[name_node.type]
            name_node = name_node.named_children[0] if name_node.named_children else name_node
        name = _text(content, name_node, enc) or _text(content, child, enc) or ""
        if not out and is_method and name in ("self", "cls", "this"):
            kind = "self"
        out.append(_parameter(ga, f, child, name_node, kind, len(out)))
    return out


def _parameter(
    ga: GraphAccess, f: int, child: ts.Node, name_node: ts.Node | None, kind: str, index: int
) -> Parameter:
    content = ga.graph.files[f].content
    syntax = ga.syntax(f)
    type_node = child.child_by_field_name("type")
    default = child.child_by_field_name("value")
    name = _text(content, name_node) or _text(content, child) or ""
    type_text: str | None = None
    if type_node is not None:
        start = type_node.start_byte
        if content[start : start + 1] == b":":  # TS type_annotation includes the colon
            start += 1
            while content[start : start + 1] in (b" ", b"\t"):
                start += 1
        type_text = Expression(ga, f, start, type_node.end_byte)
    return Parameter(
        name=name.lstrip("*").lstrip("."),
        index=index,
        type=type_text,
        default=Expression(ga, f, default.start_byte, default.end_byte) if default else None,
        source=Expression(ga, f, child.start_byte, child.end_byte),
        kind=kind,
        is_optional=(
            default is not None
            or kind in ("variadic", "keyword_variadic")
            or child.type in syntax.optional_parameters
        ),
        decorators=tuple(
            Expression(ga, f, c.start_byte, c.end_byte)
            for c in child.children
            if c.type in syntax.decorators
        ),
    )


def docstring(ga: GraphAccess, f: int, node: ts.Node) -> str | None:
    pf = ga.graph.files[f]
    found = support_for(pf.language).docstring(pf.content, node)
    return None if found is None else str(found)


# ----------------------------------------------------------------------------- calls
@cache
def _call_query(language: ts.Language, calls: frozenset[str]) -> ts.Query:
    return ts.Query(language, "\n".join(f"({n}) @call" for n in sorted(calls)))


def call_nodes(ga: GraphAccess, f: int, start: int, end: int) -> list[ts.Node]:
    """Call expression nodes starting inside `start..end`, in source order."""
    tree = ga.tree(f)
    cursor = ts.QueryCursor(_call_query(tree.language, ga.syntax(f).calls))
    cursor.set_byte_range(start, end)
    nodes = cursor.captures(tree.root_node).get("call", ())
    inside = (n for n in nodes if start <= n.start_byte < end)
    return sorted(inside, key=lambda n: (n.start_byte, -n.end_byte))  # outer call first


def chain_start(ga: GraphAccess, f: int, start: int, end: int) -> int:
    """Start of `obj.name` when `start..end` is the `name` of a member access, else `start`."""
    node = ga.tree(f).root_node.descendant_for_byte_range(start, end)
    parent = node.parent if node is not None else None
    if parent is not None and parent.type in ga.syntax(f).member_accesses:
        member = parent.child_by_field_name("attribute") or parent.child_by_field_name("property")
        if member is not None and member.start_byte == start and member.end_byte == end:
            return parent.start_byte
    return start


def assigned_value(
    ga: GraphAccess, f: int, start: int, end: int
) -> FunctionCall | Expression | None:
    """The right-hand side of the assignment or declarator at `start..end`."""
    syntax = ga.syntax(f)
    assignments = syntax.assignments
    node: ts.Node | None = ga.node_for(f, start, end)
    while node is not None and node.type not in assignments:
        if node.type in syntax.assignment_statements:
            node = next((c for c in node.named_children if c.type in assignments), None)
        else:
            node = node.parent
    if node is None:
        return None
    value = node.child_by_field_name("right") or node.child_by_field_name("value")
    while value is not None and value.type in assignments:  # `a = b = 3`
        value = value.child_by_field_name("right")
    if value is None:
        return None
    if value.type in syntax.calls:
        return FunctionCall(ga, f, value.start_byte, value.end_byte)
    return Expression(ga, f, value.start_byte, value.end_byte)


# ----------------------------------------------------------------------------- decorators
def definition_node(ga: GraphAccess, f: int, start: int, end: int) -> ts.Node:
    definitions = ga.syntax(f).definitions
    node = ga.node_for(f, start, end)
    probe: ts.Node | None = node
    while probe is not None and probe.start_byte == start and probe.type not in definitions:
        probe = probe.parent
    return probe if probe is not None and probe.type in definitions else node


def decorator_nodes(ga: GraphAccess, f: int, start: int, end: int) -> list[ts.Node]:
    """Decorators of the definition at `start..end`, in source order."""
    syntax = ga.syntax(f)
    decorators = syntax.decorators
    node = definition_node(ga, f, start, end)
    found: list[ts.Node] = [c for c in node.children if c.type in decorators]
    parent = node.parent
    if parent is not None and parent.type in syntax.decorator_wrappers:
        found = [c for c in parent.children if c.type in decorators] + found
    elif parent is not None and parent.type in syntax.decorated_member_lists:
        # members whose decorators are their preceding siblings (TypeScript class members)
        before: list[ts.Node] = []
        prev = node.prev_sibling
        while prev is not None and (prev.type in decorators or prev.type == "comment"):
            if prev.type in decorators:
                before.append(prev)
            prev = prev.prev_sibling
        found = list(reversed(before)) + found
    return sorted(found, key=lambda n: n.start_byte)


def decorators(ga: GraphAccess, f: int, start: int, end: int) -> list[Expression]:
    return [Expression(ga, f, n.start_byte, n.end_byte) for n in decorator_nodes(ga, f, start, end)]


def source_start(ga: GraphAccess, f: int, start: int, end: int) -> int:
    """Where `source` begins: the first decorator, else the definition itself."""
    found = decorator_nodes(ga, f, start, end)
    return min(start, found[0].start_byte) if found else start


# ----------------------------------------------------------------------------- usage kinds
def usage_kind_at(ga: GraphAccess, f: int, start: int, end: int) -> UsageKind:
    """Where the reference at `start..end` sits, innermost context first."""
    syntax = ga.syntax(f)
    parameters = syntax.annotated_parameters
    node: ts.Node | None = ga.tree(f).root_node.descendant_for_byte_range(start, end)
    child: ts.Node | None = None
    while node is not None:
        kind = node.type
        if kind in syntax.type_argument_lists or (
            kind in syntax.generic_types and child is not None and child.type != "identifier"
        ):
            return UsageKind.GENERIC
        if kind in syntax.decorators:
            return UsageKind.DECORATOR
        if kind in syntax.subclass_clauses:
            return UsageKind.SUBCLASS
        if node.parent is not None and (node.parent.type, kind) in syntax.base_lists:
            return UsageKind.SUBCLASS
        if kind in parameters and child is not None:
            if _is_field(node, "value", child):
                return UsageKind.DEFAULT_VALUE
            if _is_field(node, "type", child):
                return UsageKind.TYPED_PARAMETER
        if child is not None and _is_field(node, "return_type", child):
            return UsageKind.RETURN_TYPE
        if kind in syntax.type_aliases:
            return UsageKind.TYPE_DEFINITION
        if kind in syntax.export_clauses and node.child_by_field_name("declaration") is None:
            return UsageKind.EXPORTED_SYMBOL
        if kind in syntax.type_annotations:
            holder = node.parent
            if holder is not None and holder.type in parameters:
                return UsageKind.TYPED_PARAMETER
            if holder is not None and _is_field(holder, "return_type", node):
                return UsageKind.RETURN_TYPE
            return UsageKind.TYPE_ANNOTATION
        if child is not None and kind in syntax.assignments and _is_field(node, "type", child):
            return UsageKind.TYPE_ANNOTATION
        if kind in syntax.bodies or kind in syntax.definitions:
            return UsageKind.BODY
        child, node = node, node.parent
    return UsageKind.BODY


def _is_field(node: ts.Node, field: str, child: ts.Node) -> bool:
    value = node.child_by_field_name(field)
    return (
        value is not None
        and value.start_byte == child.start_byte
        and value.end_byte == child.end_byte
    )


# ----------------------------------------------------------------------------- JSX
def function_node(syntax: Syntax, node: ts.Node) -> ts.Node:
    """The function itself for a symbol node (`const f = () => ...` -> the arrow)."""
    functions = syntax.functions
    if node.type in functions:
        return node
    stack = list(node.named_children)
    while stack:
        sub = stack.pop(0)
        if sub.type in functions:
            return sub
        if sub.type in syntax.function_holders:
            stack.extend(sub.named_children)
    return node


def _unwrap(syntax: Syntax, node: ts.Node | None) -> ts.Node | None:
    while node is not None and node.type in syntax.parentheses:
        node = node.named_children[0] if node.named_children else None
    return node


def returns_jsx(syntax: Syntax, node: ts.Node) -> bool:
    """Whether the function returns a JSX element (its own returns, not nested functions')."""
    jsx = syntax.jsx_elements
    fn = function_node(syntax, node)
    body = fn.child_by_field_name("body")
    if body is None:
        return False
    if body.type not in syntax.statement_blocks:  # arrow with an expression body
        found = _unwrap(syntax, body)
        return found is not None and found.type in jsx
    stack = list(body.named_children)
    while stack:
        sub = stack.pop()
        if sub.type in syntax.functions or sub.type in syntax.callback_scopes:
            continue  # a nested function's or class's returns
        if sub.type in syntax.returns:
            value = _unwrap(syntax, sub.named_children[0] if sub.named_children else None)
            if value is not None and value.type in jsx:
                return True
            continue
        stack.extend(sub.named_children)
    return False
