"""TypeScript exports as upstream graph-sitter scripts read them (file, statement, export)."""

from __future__ import annotations

from graph_sitter import Codebase
from graph_sitter.core import Export, ExportStatement

WIDGETS = """\
import { render } from "./render";
import type { Theme } from "@acme/theme";

export const DEFAULT_SIZE = 12, MAX_SIZE = 48;
export function makeWidget(size: number) {
  return render(size);
}
export const useWidget = () => makeWidget(DEFAULT_SIZE);
export class Widget {}
export interface WidgetProps { size: number }
export type WidgetKind = "small" | "large";
export enum Color { Red, Blue }
export declare const VERSION: string;
const internal = 1;
export { internal as hidden, render };
export { Widget as default };
"""

RENDER = """\
export function render(size: number): string {
  return String(size);
}
export default class Renderer {}
"""

INDEX = """\
export { makeWidget, Widget as Component } from "./widgets";
export { default } from "./render";
export { default as Renderer } from "./render";
export * from "./render";
export * as widgets from "./widgets";
export type { WidgetProps } from "./widgets";
export { type WidgetKind, Color } from "./widgets";
export { useState } from "react";
export * from "lodash";
"""


def _cb() -> Codebase:
    return Codebase.from_files(
        {"src/widgets.ts": WIDGETS, "src/render.ts": RENDER, "src/index.ts": INDEX}
    )


def test_declarations_are_exports_of_their_own_symbols() -> None:
    cb = _cb()
    f = cb.get_file("src/widgets.ts")
    names = [e.name for e in f.exports]
    assert names == [
        "DEFAULT_SIZE",
        "MAX_SIZE",
        "makeWidget",
        "useWidget",
        "Widget",
        "WidgetProps",
        "WidgetKind",
        "Color",
        "VERSION",
        "hidden",
        "render",
        "default",
    ]
    size = f.get_export("DEFAULT_SIZE")
    assert size is not None
    assert size.declared_symbol == size.exported_symbol == size.resolved_symbol
    assert size.resolved_symbol == f.get_global_var("DEFAULT_SIZE")
    assert size.source == "export const DEFAULT_SIZE = 12, MAX_SIZE = 48;"
    arrow = f.get_export("useWidget")
    assert arrow is not None and arrow.resolved_symbol == f.get_function("useWidget")
    assert f.get_export("Widget").resolved_symbol == f.get_class("Widget")  # type: ignore[union-attr]
    # Upstream calls the flags; they also read as properties.
    assert not size.is_default_export() and size.is_named_export()
    assert not size.is_reexport and not size.is_wildcard_export
    assert [e.name for e in f.exports if e.is_type_export()] == ["WidgetKind"]
    assert f.get_export("nope") is None


def test_export_clause_names_local_bindings_and_imports() -> None:
    cb = _cb()
    f = cb.get_file("src/widgets.ts")
    hidden = f.get_export("hidden")
    assert hidden is not None
    assert hidden.declared_symbol is None
    assert hidden.exported_symbol == f.get_global_var("internal")
    assert hidden.is_aliased() and not hidden.is_reexport()
    # `export { render }` of an imported name is a re-export: one step, then followed.
    render = f.get_export("render")
    assert render is not None
    assert render.exported_symbol == f.get_import("render")
    assert render.resolved_symbol == cb.get_file("src/render.ts").get_function("render")
    assert render.is_reexport() and not render.is_aliased()
    # `export { Widget as default }` is the file's default export.
    default = f.get_export("default")
    assert default is not None and default.is_default_export()
    assert default.resolved_symbol == f.get_class("Widget")
    assert f.default_exports == [default]
    assert default not in f.named_exports


def test_reexports_resolve_through_the_import_records() -> None:
    cb = _cb()
    index = cb.get_file("src/index.ts")
    widgets = cb.get_file("src/widgets.ts")
    render_file = cb.get_file("src/render.ts")
    exports = index.exports
    assert [e.name for e in exports] == [
        "makeWidget",
        "Component",
        "default",
        "Renderer",
        None,
        "widgets",
        "WidgetProps",
        "WidgetKind",
        "Color",
        "useState",
        None,
    ]
    # Every re-export's declared and exported symbol is its statement's Import record.
    assert all(e.declared_symbol == e.exported_symbol for e in exports)
    assert [e.exported_symbol for e in exports] == index.imports
    assert all(e.is_reexport() for e in exports)
    component = index.get_export("Component")
    assert component is not None and component.is_aliased()
    assert component.resolved_symbol == widgets.get_class("Widget")
    # Wildcards resolve to the file they re-export; `* as ns` too.
    star, namespace = exports[4], exports[5]
    assert star.is_wildcard_export() and star.resolved_symbol == render_file
    assert namespace.is_wildcard_export() and namespace.resolved_symbol == widgets
    # `export { default } from` re-exports the default; `{ default as X }` does not.
    assert exports[2].is_default_export()
    assert exports[2].resolved_symbol == render_file.get_class("Renderer")
    assert not exports[3].is_default_export()
    assert exports[3].resolved_symbol == render_file.get_class("Renderer")
    # Type-only, statement-wide or per name.
    assert [e.name for e in exports if e.is_type_export] == ["WidgetProps", "WidgetKind"]
    # External packages: nothing to resolve to, and said so.
    assert [e.name for e in exports if e.is_external_export] == ["useState", None]
    assert exports[-2].resolved_symbol is None


def test_export_statements_group_their_exports() -> None:
    cb = _cb()
    index = cb.get_file("src/index.ts")
    statements = index.export_statements
    assert len(statements) == 9
    first = statements[0]
    assert isinstance(first, ExportStatement)
    assert first.source == 'export { makeWidget, Widget as Component } from "./widgets";'
    assert [e.name for e in first.exports] == ["makeWidget", "Component"]
    assert all(e.export_statement == first for e in first.exports)
    assert first.module == "./widgets" and first.module.source == '"./widgets"'  # type: ignore[union-attr]
    assert [e.name for e in first.reexports] == ["makeWidget", "Component"]
    assert statements[7].reexports == []  # from "react": external
    assert statements[3].is_wildcard_export() and not statements[0].is_wildcard_export()
    assert statements[5].is_type_export() and not statements[0].is_type_export()
    widgets = cb.get_file("src/widgets.ts")
    assert widgets.export_statements[0].module is None
    assert [len(s.exports) for s in widgets.export_statements] == [2, 1, 1, 1, 1, 1, 1, 1, 2, 1]


def test_statement_for_path_matches_the_module_exactly() -> None:
    cb = _cb()
    index = cb.get_file("src/index.ts")
    assert index.has_export_statement_for_path("./widgets")
    assert index.has_export_statement_for_path("./widgets", "TYPE")
    assert index.has_export_statement_for_path("./widgets", "WILDCARD")
    assert index.has_export_statement_for_path("lodash", "WILDCARD")
    assert not index.has_export_statement_for_path("lodash", "EXPORT")
    assert not index.has_export_statement_for_path("./widget")  # a prefix is not a match
    assert not index.has_export_statement_for_path("./Widgets")
    wildcard = index.get_export_statement_for_path("./render", "WILDCARD")
    assert wildcard is not None and wildcard.source == 'export * from "./render";'
    typed = index.get_export_statement_for_path("./widgets", "type")
    assert typed is not None and typed.source == 'export type { WidgetProps } from "./widgets";'
    assert index.get_export_statement_for_path("./nowhere") is None
    try:
        index.has_export_statement_for_path("./widgets", "DEFAULT")
    except ValueError as exc:
        assert "EXPORT" in str(exc)
    else:
        raise AssertionError("an unknown export_type must raise")


def test_default_exports_of_values_and_export_assignment() -> None:
    cb = Codebase.from_files(
        {
            "a.ts": "export default function () {}\n",
            "b.ts": "export default class {}\n",
            "c.ts": "const config = { debug: true };\nexport default config;\n",
            "d.ts": "function load() {}\nfunction save() {}\nexport = { load, store: save };\n",
            "e.ts": "export default [1, 2, 3];\n",
            "f.ts": "export default async function main() {}\n",
            "g.js": "class Cache {}\nexport = Cache;\n",
        }
    )

    def only(path: str) -> Export:
        (export,) = cb.get_file(path).exports
        return export

    assert only("a.ts").name == "function () {}" and only("a.ts").resolved_symbol is None
    assert only("b.ts").name == "class {}" and only("b.ts").is_default_export()
    config = only("c.ts")
    assert config.name == "config" and config.is_default_export()
    assert config.resolved_symbol == cb.get_file("c.ts").get_global_var("config")
    assert config.declared_symbol is None
    d = cb.get_file("d.ts")
    assert [(e.name, e.resolved_symbol) for e in d.exports] == [
        ("load", d.get_function("load")),
        ("store", d.get_function("save")),
    ]
    assert all(e.is_default_export() and e.source.startswith("export =") for e in d.exports)
    assert only("e.ts").name == "[1, 2, 3]" and only("e.ts").is_module_export()
    main = only("f.ts")
    assert main.name == "main" and main.declared_symbol == cb.get_file("f.ts").get_function("main")
    assert cb.get_file("f.ts").get_export("default") == main
    assert only("g.js").resolved_symbol == cb.get_file("g.js").get_class("Cache")


def test_codebase_exports_and_symbol_export() -> None:
    cb = _cb()
    assert len(cb.exports) == 12 + 2 + 11
    assert {e.filepath for e in cb.exports} == {"src/widgets.ts", "src/render.ts", "src/index.ts"}
    widget = cb.get_class("Widget")
    assert widget is not None
    export = widget.export
    assert export is not None and export.name == "Widget" and widget.exported_name == "Widget"
    internal = cb.get_file("src/widgets.ts").get_global_var("internal")
    assert internal is not None and internal.exported_name == "hidden"
    assert cb.get_file("src/widgets.ts").get_function("makeWidget").export.name == "makeWidget"  # type: ignore[union-attr]
    # Exports are values: equal when they denote the same export, usable in sets.
    assert set(cb.exports) == set(cb.exports) and len(set(cb.exports)) == len(cb.exports)


def test_exports_inside_namespaces_are_not_the_files() -> None:
    cb = Codebase.from_files(
        {"ns.ts": "export namespace Shapes {\n  export const unit = 1;\n}\nexport const top = 2;\n"}
    )
    assert [e.name for e in cb.get_file("ns.ts").exports] == ["Shapes", "top"]


def test_an_empty_export_marks_a_module_and_exports_nothing() -> None:
    cb = Codebase.from_files({"m.ts": "const a = 1;\nexport {};\n"})
    f = cb.get_file("m.ts")
    assert f.exports == [] and f.export_statements == []


def test_python_files_have_no_exports() -> None:
    cb = Codebase.from_files({"pkg/__init__.py": "from .a import f\n__all__ = ['f']\n"})
    f = cb.get_file("pkg/__init__.py")
    assert f.exports == [] and f.export_statements == []
    assert f.get_export("f") is None and not f.has_export_statement_for_path("./a")
    assert cb.exports == []


def test_is_reexported_by_name_or_by_wildcard() -> None:
    cb = Codebase.from_files(
        {
            "lib/core.ts": (
                "export function parse() {}\nexport function lex() {}\nfunction hidden() {}\n"
            ),
            "lib/named.ts": 'export { parse } from "./core";\n',
            "lib/all.ts": 'export * from "./core";\n',
            "app.ts": 'import { lex } from "./lib/all";\nlex();\n',
        }
    )
    core = cb.get_file("lib/core.ts")
    assert core.get_function("parse").is_reexported  # type: ignore[union-attr]
    assert core.get_function("lex").is_reexported  # type: ignore[union-attr]
    assert not core.get_function("hidden").is_reexported  # type: ignore[union-attr]
    assert cb.get_file("app.ts").get_import("lex").resolved_symbol == core.get_function("lex")  # type: ignore[union-attr]
    py = Codebase.from_files(
        {"pkg/__init__.py": "from .a import f\n", "pkg/a.py": "def f(): pass\n"}
    )
    assert not py.get_function("f").is_reexported  # type: ignore[union-attr]
