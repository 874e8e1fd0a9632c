"""Files tree-sitter-typescript 0.23.2 rejects are re-parsed around the grammar's gaps."""

from __future__ import annotations

import tree_sitter as ts

from graph_sitter import Codebase
from graph_sitter.core.parse import parse_one

# hono `src/types.ts` shape: overloaded generic call signatures without `;` between them.
HANDLER_INTERFACE = """export interface HandlerInterface<E> {
  <P extends string, R>(path: P, handler: (c: E) => R): Promise<R>
  <P extends string>(path: P): Array<P>
  (): void
}

export type Factory = {
  <T>(value: T): T
  <T, U>(value: T, other: U): [T, U]
}

export function helper(): number {
  return 1
}
"""

# typeorm `src/index.ts` shape: `export type * from` (TypeScript 5.0).
TYPE_STAR = """export * from "./entity"
export type * from "./types"
export type * as Shapes from "./shapes"
export { helper } from "./util"
"""


def test_generic_call_signatures_without_semicolons_parse() -> None:
    tree, index = parse_one("src/types.ts", HANDLER_INTERFACE.encode())
    assert index.errors == []
    assert not tree.root_node.has_error
    assert [(d.kind, d.name) for d in index.defs] == [
        ("interface", "HandlerInterface"),
        ("type", "Factory"),
        ("function", "helper"),
    ]


def test_export_type_star_parses_and_reexports() -> None:
    _, index = parse_one("src/index.ts", TYPE_STAR.encode())
    assert index.errors == []
    reexports = [(d.module, d.imported_name, d.name) for d in index.defs if d.is_reexport]
    assert reexports == [
        ("./entity", "*", "*"),
        ("./types", "*", "*"),
        ("./shapes", None, "Shapes"),
        ("./util", "helper", "helper"),
    ]
    cb = Codebase.from_files(
        {
            "src/index.ts": TYPE_STAR,
            "src/types.ts": "export interface Options { a: number }\n",
            "src/app.ts": "import { Options } from './index'\nexport const o: Options = { a: 1 }\n",
        }
    )
    assert cb.get_file("src/app.ts").get_import("Options").resolved_symbol == cb.interfaces[0]


def _value_types(tree: ts.Tree) -> list[str]:
    """Types of the values of the module-level `const` declarators."""
    out: list[str] = []
    for stmt in tree.root_node.named_children:
        decl = stmt.child_by_field_name("declaration") or stmt
        for declarator in decl.named_children:
            value = declarator.child_by_field_name("value")
            if declarator.type == "variable_declarator" and value is not None:
                out.append(value.type)
    return out


def test_rewrite_is_kept_only_when_it_removes_errors() -> None:
    # A real syntax error stays reported; a comparison continued on the next line is not
    # turned into two statements by a `;` before its `<`.
    source = b"export const a = 1\nexport const b = a\n  < 2\nexport const c = (\n"
    tree, index = parse_one("x.ts", source)
    assert index.errors  # the unclosed `(`
    assert _value_types(tree)[:2] == ["number", "binary_expression"]


def test_tsx_lines_starting_with_jsx_are_left_alone() -> None:
    source = b"export const A = (\n  <div>\n    <span />\n  </div>\n)\nexport const x = (\n"
    tree, index = parse_one("a.tsx", source)
    assert index.errors  # the unclosed `(`
    assert _value_types(tree)[0] == "parenthesized_expression"
    assert tree.root_node.named_children[0].text.count(b";") == 0
