"""TypeScript and JavaScript: the `LanguageSupport` for `.ts`, `.tsx`, `.js` and kin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_sitter.core._records import IMPORT
from graph_sitter.core.languages._common import split_top_level
from graph_sitter.core.languages.typescript.extract import (
    extract,
    language_for,
    recover,
    resolve_module,
)

if TYPE_CHECKING:
    import tree_sitter as ts

    from graph_sitter.core._records import DefRecord, FileIndex
    from graph_sitter.core.resolve import Graph, Target

__all__ = ["SUPPORT", "TypeScriptSupport"]


class TypeScriptSupport:
    """TypeScript's (and JavaScript's) answers to what the core asks of a language."""

    name: str = "typescript"
    extensions: tuple[str, ...] = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
    class_body_opener: int = ord("{")
    angle_brackets_nest: bool = True
    identifier_swaps_in_place: bool = False

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
        path = graph.ts_modules.resolve(graph.files[f].path, rec.module or "")
        if path is None:
            return None
        target_file = graph.file_index[path]
        if rec.imported_name is None or rec.imported_name == "*":
            return ("file", target_file)
        return graph.member(("file", target_file), rec.imported_name, depth + 1)

    def import_source(self, graph: Graph, f: int, rec: DefRecord) -> int | None:
        path = resolve_module(graph.files[f].path, rec.module or "", graph.file_index.__contains__)
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
        return graph.ts_modules.inputs_digest()

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


SUPPORT = TypeScriptSupport()
