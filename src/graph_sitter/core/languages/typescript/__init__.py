"""TypeScript and JavaScript: the `LanguageSupport` for `.ts`, `.tsx`, `.js` and kin."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from graph_sitter.core._records import IMPORT
from graph_sitter.core._targets import FileTarget
from graph_sitter.core.languages._common import first_covering, spelling, split_top_level, under
from graph_sitter.core.languages._syntax import Syntax
from graph_sitter.core.languages.typescript.exports import export_statements
from graph_sitter.core.languages.typescript.extract import (
    extract,
    language_for,
    recover,
)
from graph_sitter.core.languages.typescript.modules import ModuleResolver
from graph_sitter.core.languages.typescript.syntax import SYNTAX
from graph_sitter.core.text import SourceText

if TYPE_CHECKING:
    import tree_sitter as ts

    from graph_sitter.core._records import DefRecord, FileIndex
    from graph_sitter.core._targets import Target
    from graph_sitter.core.languages._protocol import ExportStatementRecord
    from graph_sitter.core.resolve import Graph

__all__ = ["SUPPORT", "TypeScriptSupport"]

# Code that runs later or conditionally: an import under one is dynamic.
_DYNAMIC_PARENTS = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "generator_function",
        "arrow_function",
        "method_definition",
        "class_body",
        "if_statement",
        "try_statement",
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "switch_statement",
    }
)
_STATIC_IMPORT = re.compile(rb"import(?![\w$(.\s]*\()[\s{*\w'\"]")
_DYNAMIC_CALL = re.compile(rb"(?<![\w$.])import\s*\(")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


class TypeScriptSupport:
    """TypeScript's (and JavaScript's) answers to what the core asks of a language."""

    name: str = "typescript"
    extensions: tuple[str, ...] = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
    class_body_opener: int = ord("{")
    angle_brackets_nest: bool = True
    identifier_swaps_in_place: bool = False
    has_export_statements: bool = True
    has_jsx: bool = True
    method_kinds_by_decorator: bool = False
    constructor_name: str = "constructor"
    extent_covers_decorators: bool = False
    decorated_wrapper: str | None = None
    line_comment: bytes = b"//"
    block_comments: bool = True
    documents_with_comments: bool = True
    nameless_import_is_module: bool = False
    namespace_imports: bool = True
    quoted_modules: bool = True
    dotted_modules: bool = False
    import_module_field: str = "source"
    module_export_list: str | None = None
    definition_gap: int = 1
    overload_signatures: bool = True
    async_wraps_return_type: bool = True
    variadic_parameter_types: tuple[str, ...] = ()
    sample_path: str = "probe.ts"
    syntax: Syntax = SYNTAX

    def grammar(self, path: str) -> ts.Language:
        return language_for(path)

    def grammar_key(self, path: str) -> str:
        return path[path.rfind(".") :].lower()

    def extract(self, content: bytes, tree: ts.Tree) -> FileIndex:
        return extract(content, tree)

    def recover(self, parser: ts.Parser, content: bytes, tree: ts.Tree) -> ts.Tree:
        return recover(parser, content, tree)

    def declared_encoding(self, content: bytes) -> str:
        return "utf-8"

    def module_names(self, path: str, paths: set[str], prefix: str) -> list[str]:
        return []

    def resolve_import(self, graph: Graph, f: int, rec: DefRecord, depth: int) -> Target | None:
        path = module_resolver(graph).resolve(graph.files[f].path, rec.module or "")
        if path is None:
            return None
        module = FileTarget(graph.file_index[path])
        if rec.imported_name is None or rec.imported_name == "*":
            return module
        return graph.member(module, rec.imported_name, depth + 1)

    def module_spec_target(self, graph: Graph, f: int, spec: str) -> FileTarget | None:
        path = module_resolver(graph).resolve(graph.files[f].path, spec)
        return None if path is None else FileTarget(graph.file_index[path])

    def import_source(self, graph: Graph, f: int, rec: DefRecord) -> int | None:
        # the graph's own resolver: relative paths, tsconfig `paths` and workspace packages
        path = module_resolver(graph).resolve(graph.files[f].path, rec.module or "")
        return graph.file_index.get(path) if path is not None else None

    def import_hop(
        self, graph: Graph, f: int, rec: DefRecord, name: str
    ) -> tuple[int | None, int | None]:
        src = self.import_source(graph, f, rec)
        if src is None:
            return None, None
        graph.note_read(src)
        defs = graph.files[src].index.defs
        hop = graph.files[src].index.exports.get(name)
        if hop is None:
            hop = next(
                (
                    i
                    for i, r in enumerate(defs)
                    if r.kind == IMPORT and r.is_reexport and r.name == name
                ),
                None,
            )
        return src, hop

    def resolution_inputs(self, graph: Graph) -> str:
        return module_resolver(graph).inputs_digest()

    def docstring(self, content: bytes, node: ts.Node) -> SourceText | None:
        """A JSDoc comment (`/** */`) directly above the declaration (or its `export`)."""
        prev = node.prev_sibling
        if prev is None and node.parent is not None and node.parent.type == "export_statement":
            prev = node.parent.prev_sibling
        if prev is None or prev.type != "comment":
            return None
        raw = bytes(content[prev.start_byte : prev.end_byte]).decode("utf-8", "replace")
        if not raw.startswith("/**"):
            return None
        lines = [line.strip().lstrip("*").strip() for line in raw[3:-2].splitlines()]
        text = "\n".join(line for line in lines).strip()
        return SourceText(text, raw) if text else None

    def module_binding(self, graph: Graph, src: int, name: str) -> int | None:
        return graph.files[src].index.exports.get(name)

    def imported_member(self, graph: Graph, src: int, name: str) -> int | None:
        """An export, else a re-exporting import, else an exported top-level definition."""
        index = graph.files[src].index
        d = index.exports.get(name)
        if d is not None:
            return d
        for i, rec in enumerate(index.defs):
            if rec.kind == IMPORT and rec.is_reexport and rec.name == name:
                return i
        for i, rec in enumerate(index.defs):
            if rec.parent < 0 and rec.is_exported and rec.name == name and rec.kind != IMPORT:
                return i
        return None

    def import_file(self, graph: Graph, f: int, rec: DefRecord) -> int | None:
        return self.import_source(graph, f, rec)

    def submodule_file(self, graph: Graph, src: int, name: str) -> int | None:
        return None

    def module_import_name(self, rec: DefRecord) -> str:
        return rec.name

    def is_dynamic_import(
        self, content: bytes, rec: DefRecord, node_of: Callable[[], ts.Node]
    ) -> bool:
        """Inside a function, class, condition, `try` or loop; or an `import()` call."""
        head = bytes(content[rec.start : rec.start + 8])
        if head.startswith(b"export") or _STATIC_IMPORT.match(head):
            return False  # `import ... from` and `export ... from` only exist at top level
        node = node_of()
        if node.type not in ("import_statement", "export_statement") and _DYNAMIC_CALL.search(
            bytes(content[rec.start : rec.end])
        ):
            return True  # `import("m")` loads when it runs, wherever it is
        return under(node, _DYNAMIC_PARENTS)

    def export_statements(
        self, content: bytes, root: ts.Node, index: FileIndex, module_defs: dict[str, int]
    ) -> list[ExportStatementRecord]:
        return export_statements(content, root, index, module_defs)

    def superclass_names(self, header: str) -> list[str]:
        """`class C<T> extends A<T> implements I, J {` -> A<T>, I, J."""
        names: list[str] = []
        for keyword in ("extends", "implements"):
            idx = header.find(keyword + " ")
            if idx >= 0:
                rest = header[idx + len(keyword) + 1 :]
                stop = rest.find(" implements ") if keyword == "extends" else -1
                rest = rest[:stop] if stop >= 0 else rest
                names.extend(p.strip() for p in split_top_level(rest) if p.strip())
        return names

    def import_binding_node(
        self, statement: ts.Node, name_start: int, name_end: int
    ) -> ts.Node | None:
        return first_covering(statement, name_start, name_end, _is_specifier)

    def imported_name_nodes(self, statement: ts.Node, content: bytes, name: bytes) -> list[ts.Node]:
        return spelling(statement, content, name, _names_imported)

    def render_import(
        self, module: str, name: str | None, alias: str | None, type_only: bool, quote: str
    ) -> str:
        kw = "import type" if type_only else "import"
        spec = f"{quote}{module}{quote}"
        if name is None:
            return f"{kw} * as {alias or 'ns'} from {spec};"
        if name == "default":
            return f"{kw} {alias} from {spec};"
        item = name + (f" as {alias}" if alias and alias != name else "")
        return f"{kw} {{ {item} }} from {spec};"

    def keyword_argument(self, name: str, value: str) -> str:
        return value  # arguments are positional

    def is_valid_identifier(self, name: str) -> bool:
        return _IDENTIFIER.match(name) is not None


SUPPORT = TypeScriptSupport()


def module_resolver(graph: Graph) -> ModuleResolver:
    """Module resolution over the graph's files (tsconfig paths, workspaces, package exports)."""
    return graph.language_state(SUPPORT.name, _new_resolver)


def _new_resolver(graph: Graph) -> ModuleResolver:
    return ModuleResolver(graph.file_index, graph.read_config)


_SPECIFIERS = ("import_specifier", "export_specifier")


def _is_specifier(node: ts.Node) -> bool:
    return node.type in _SPECIFIERS


def _names_imported(node: ts.Node, parent: ts.Node) -> bool:
    """`x` of `{ x [as y] }` in an import or export (not the alias)."""
    return (
        node.type in ("identifier", "type_identifier")
        and parent.type in _SPECIFIERS
        and parent.child_by_field_name("name") == node
    )
