"""Details read from a file's syntax tree on demand: parameters, decorators, docstrings,
calls, and where a usage sits (`UsageKind`)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import tree_sitter as ts

from graph_sitter.core.calls import CALL_TYPES, FunctionCall
from graph_sitter.core.expression import Expression
from graph_sitter.core.languages import support_for
from graph_sitter.core.symbols import Parameter
from graph_sitter.core.usages import UsageKind

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess

_PARAM_KINDS = {
    "list_splat_pattern": "variadic",
    "dictionary_splat_pattern": "keyword_variadic",
    "rest_pattern": "variadic",
}


def _text(content: bytes, node: ts.Node | None, encoding: str = "utf-8") -> str | None:
    if node is None:
        return None
    return content[node.start_byte : node.end_byte].decode(encoding, "replace")


def parameters(ga: GraphAccess, f: int, node: ts.Node, is_method: bool) -> list[Parameter]:
    pf = ga.graph.files[f]
    content, enc = pf.content, "utf-8"
    params = node.child_by_field_name("parameters")
    if params is None and node.type == "arrow_function":
        params = node.child_by_field_name("parameter")  # `x => ...`
        if params is not None and params.type == "identifier":
            return [_parameter(ga, f, params, params, "positional", 0)]
    if params is None:
        return []
    out: list[Parameter] = []
    for child in params.named_children:
        if child.type in ("comment", "keyword_separator", "positional_separator", "decorator"):
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
        name = _text(content, name_node, enc) or _text(content, child, enc) or ""
        if not out and is_method and name in ("self", "cls", "this"):
            kind = "self"
        out.append(_parameter(ga, f, child, name_node, kind, len(out)))
    return out


def _parameter(
    ga: GraphAccess, f: int, child: ts.Node, name_node: ts.Node | None, kind: str, index: int
) -> Parameter:
    content = ga.graph.files[f].content
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
            or child.type == "optional_parameter"
        ),
        decorators=tuple(
            Expression(ga, f, c.start_byte, c.end_byte)
            for c in child.children
            if c.type == "decorator"
        ),
    )


def docstring(ga: GraphAccess, f: int, node: ts.Node) -> str | None:
    pf = ga.graph.files[f]
    found = support_for(pf.language).docstring(pf.content, node)
    return None if found is None else str(found)


# ----------------------------------------------------------------------------- calls
@cache
def _call_query(language: ts.Language) -> ts.Query:
    patterns = [f"({n}) @call" for n in CALL_TYPES if _has_node(language, n)]
    return ts.Query(language, "\n".join(patterns))


def _has_node(language: ts.Language, name: str) -> bool:
    return language.id_for_node_kind(name, True) is not None


def call_nodes(ga: GraphAccess, f: int, start: int, end: int) -> list[ts.Node]:
    """Call expression nodes starting inside `start..end`, in source order."""
    tree = ga.tree(f)
    cursor = ts.QueryCursor(_call_query(tree.language))
    cursor.set_byte_range(start, end)
    nodes = cursor.captures(tree.root_node).get("call", ())
    inside = (n for n in nodes if start <= n.start_byte < end)
    return sorted(inside, key=lambda n: (n.start_byte, -n.end_byte))  # outer call first


def chain_start(ga: GraphAccess, f: int, start: int, end: int) -> int:
    """Start of `obj.name` when `start..end` is the `name` of a member access, else `start`."""
    node = ga.tree(f).root_node.descendant_for_byte_range(start, end)
    parent = node.parent if node is not None else None
    if parent is not None and parent.type in ("attribute", "member_expression"):
        member = parent.child_by_field_name("attribute") or parent.child_by_field_name("property")
        if member is not None and member.start_byte == start and member.end_byte == end:
            return parent.start_byte
    return start


def assigned_value(
    ga: GraphAccess, f: int, start: int, end: int
) -> FunctionCall | Expression | None:
    """The right-hand side of the assignment or declarator at `start..end`."""
    node: ts.Node | None = ga.node_for(f, start, end)
    while node is not None and node.type not in ("assignment", "variable_declarator"):
        if node.type in ("expression_statement", "lexical_declaration", "variable_declaration"):
            node = next(
                (c for c in node.named_children if c.type in ("assignment", "variable_declarator")),
                None,
            )
        else:
            node = node.parent
    if node is None:
        return None
    value = node.child_by_field_name("right") or node.child_by_field_name("value")
    while value is not None and value.type == "assignment":  # `a = b = 3`
        value = value.child_by_field_name("right")
    if value is None:
        return None
    if value.type in CALL_TYPES:
        return FunctionCall(ga, f, value.start_byte, value.end_byte)
    return Expression(ga, f, value.start_byte, value.end_byte)


# ----------------------------------------------------------------------------- decorators
_DEFINITIONS = (
    "function_definition",
    "class_definition",
    "function_declaration",
    "generator_function_declaration",
    "class_declaration",
    "abstract_class_declaration",
    "method_definition",
    "abstract_method_signature",
    "public_field_definition",
)


def definition_node(ga: GraphAccess, f: int, start: int, end: int) -> ts.Node:
    node = ga.node_for(f, start, end)
    probe: ts.Node | None = node
    while probe is not None and probe.start_byte == start and probe.type not in _DEFINITIONS:
        probe = probe.parent
    return probe if probe is not None and probe.type in _DEFINITIONS else node


def decorator_nodes(ga: GraphAccess, f: int, start: int, end: int) -> list[ts.Node]:
    """Decorators of the definition at `start..end`, in source order (both languages)."""
    node = definition_node(ga, f, start, end)
    found: list[ts.Node] = [c for c in node.children if c.type == "decorator"]
    parent = node.parent
    if parent is not None and parent.type in ("decorated_definition", "export_statement"):
        found = [c for c in parent.children if c.type == "decorator"] + found
    elif parent is not None and parent.type == "class_body":
        # TypeScript method decorators are the method's preceding siblings.
        before: list[ts.Node] = []
        prev = node.prev_sibling
        while prev is not None and prev.type in ("decorator", "comment"):
            if prev.type == "decorator":
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
_SUBCLASS_PARENTS = ("class_heritage", "extends_clause", "implements_clause", "extends_type_clause")
_PARAMETERS = (
    "typed_parameter",
    "typed_default_parameter",
    "default_parameter",
    "required_parameter",
    "optional_parameter",
)
_BODIES = ("block", "statement_block", "class_body", "module", "program")


def usage_kind_at(ga: GraphAccess, f: int, start: int, end: int) -> UsageKind:
    """Where the reference at `start..end` sits, innermost context first."""
    node: ts.Node | None = ga.tree(f).root_node.descendant_for_byte_range(start, end)
    child: ts.Node | None = None
    while node is not None:
        kind = node.type
        if kind in ("type_arguments", "type_parameter") or (
            kind == "generic_type" and child is not None and child.type != "identifier"
        ):
            return UsageKind.GENERIC
        if kind == "decorator":
            return UsageKind.DECORATOR
        if kind in _SUBCLASS_PARENTS:
            return UsageKind.SUBCLASS
        if (
            kind == "argument_list"
            and node.parent is not None
            and node.parent.type == "class_definition"
        ):
            return UsageKind.SUBCLASS
        if kind in _PARAMETERS and child is not None:
            if _is_field(node, "value", child):
                return UsageKind.DEFAULT_VALUE
            if _is_field(node, "type", child):
                return UsageKind.TYPED_PARAMETER
        if child is not None and _is_field(node, "return_type", child):
            return UsageKind.RETURN_TYPE
        if kind == "type_alias_declaration" or kind == "type_alias_statement":
            return UsageKind.TYPE_DEFINITION
        if (
            kind in ("export_statement", "export_clause")
            and node.child_by_field_name("declaration") is None
        ):
            return UsageKind.EXPORTED_SYMBOL
        if kind == "type_annotation":
            holder = node.parent
            if holder is not None and holder.type in _PARAMETERS:
                return UsageKind.TYPED_PARAMETER
            if holder is not None and _is_field(holder, "return_type", node):
                return UsageKind.RETURN_TYPE
            return UsageKind.TYPE_ANNOTATION
        if child is not None and kind == "assignment" and _is_field(node, "type", child):
            return UsageKind.TYPE_ANNOTATION
        if kind in _BODIES or kind in _DEFINITIONS:
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
_JSX = ("jsx_element", "jsx_self_closing_element", "jsx_fragment")
_FUNCTION_NODES = (
    "function_definition",
    "function_declaration",
    "function_expression",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
)


def function_node(node: ts.Node) -> ts.Node:
    """The function itself for a symbol node (`const f = () => ...` -> the arrow)."""
    if node.type in _FUNCTION_NODES:
        return node
    stack = list(node.named_children)
    while stack:
        sub = stack.pop(0)
        if sub.type in _FUNCTION_NODES:
            return sub
        if sub.type in (
            "variable_declarator",
            "export_statement",
            "lexical_declaration",
            "decorated_definition",
        ):
            stack.extend(sub.named_children)
    return node


def _unwrap(node: ts.Node | None) -> ts.Node | None:
    while node is not None and node.type == "parenthesized_expression":
        node = node.named_children[0] if node.named_children else None
    return node


def returns_jsx(node: ts.Node) -> bool:
    """Whether the function returns a JSX element (its own returns, not nested functions')."""
    fn = function_node(node)
    body = fn.child_by_field_name("body")
    if body is None:
        return False
    if body.type != "statement_block":  # arrow with an expression body
        found = _unwrap(body)
        return found is not None and found.type in _JSX
    stack = list(body.named_children)
    while stack:
        sub = stack.pop()
        if sub.type in _FUNCTION_NODES or sub.type == "class_declaration":
            continue
        if sub.type == "return_statement":
            value = _unwrap(sub.named_children[0] if sub.named_children else None)
            if value is not None and value.type in _JSX:
                return True
            continue
        stack.extend(sub.named_children)
    return False
