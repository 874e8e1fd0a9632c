"""Python: the `LanguageSupport` for `.py` and `.pyi` files."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from graph_sitter.core.languages._common import split_top_level
from graph_sitter.core.languages.python import modules
from graph_sitter.core.languages.python.extract import extract, language

if TYPE_CHECKING:
    import tree_sitter as ts

    from graph_sitter.core._records import DefRecord, FileIndex
    from graph_sitter.core.resolve import Graph, Target

__all__ = ["SUPPORT", "PythonSupport"]

_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


class PythonSupport:
    """Python's answers to what the core asks of a language."""

    name: str = "python"
    extensions: tuple[str, ...] = (".py", ".pyi")
    class_body_opener: int = ord(":")
    angle_brackets_nest: bool = False
    identifier_swaps_in_place: bool = True

    def grammar(self, path: str) -> ts.Language:
        return language()

    def grammar_key(self, path: str) -> str:
        return self.name

    def extract(self, content: bytes, tree: ts.Tree) -> FileIndex:
        return extract(content, tree)

    def recover(self, parser: ts.Parser, content: bytes, tree: ts.Tree) -> ts.Tree:
        return tree

    def declared_encoding(self, content: bytes) -> str:
        """A UTF-8 BOM, else a PEP 263 coding cookie on one of the first two lines."""
        if content.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig"
        for line in content.split(b"\n", 2)[:2]:
            match = _CODING_RE.match(line)
            if match:
                return match.group(1).decode("ascii", "replace").lower()
        return "utf-8"

    def module_names(self, path: str, paths: set[str], prefix: str) -> list[str]:
        return modules.module_names(path, paths, prefix)

    def resolve_import(self, graph: Graph, f: int, rec: DefRecord, depth: int) -> Target | None:
        return modules.resolve_import(graph, f, rec, depth)

    def import_source(self, graph: Graph, f: int, rec: DefRecord) -> int | None:
        target = modules.module_target(graph, f, rec.module or "")
        return graph.file_of_target(target) if target is not None else None

    def import_hop(
        self, graph: Graph, f: int, rec: DefRecord, name: str
    ) -> tuple[int | None, int | None]:
        src = self.import_source(graph, f, rec)
        return src, (graph.module_defs(src).get(name) if src is not None else None)

    def resolution_inputs(self, graph: Graph) -> str:
        return ""

    def superclass_names(self, header: str) -> list[str]:
        """`class C(A, B[T], metaclass=M):` -> A, B[T] (keyword arguments are not bases)."""
        inner = header[header.find("(") + 1 : header.rfind(")")] if "(" in header else ""
        names = [p.strip() for p in split_top_level(inner)]
        return [n for n in names if n and "=" not in n.split("[")[0]]


SUPPORT = PythonSupport()
