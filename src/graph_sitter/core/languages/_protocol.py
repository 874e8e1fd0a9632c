"""What the core asks of a language: the `LanguageSupport` protocol.

One object per language implements it (`python.SUPPORT`, `typescript.SUPPORT`); the registry in
`graph_sitter.core.languages` maps names to them. Core modules never test a language's name:
they ask its support object (`support_for(pf.language)`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import tree_sitter as ts

    from graph_sitter.core._records import DefRecord, FileIndex
    from graph_sitter.core.resolve import Graph

__all__ = ["LanguageSupport"]


class LanguageSupport(Protocol):
    """A supported language: parsing, extraction, module resolution and syntax rules."""

    name: str
    extensions: tuple[str, ...]
    # Byte that opens a class body (`:` in Python, `{` in TypeScript).
    class_body_opener: int
    # Whether `<`/`>` nest in a class header (generic parameters).
    angle_brackets_nest: bool
    # Whether edits that only swap identifiers can skip re-parsing (scopes stay lexical).
    identifier_swaps_in_place: bool

    def grammar(self, path: str) -> ts.Language:
        """The tree-sitter grammar for a file of this language."""
        ...

    def grammar_key(self, path: str) -> str:
        """Names the grammar `grammar(path)` picks (part of the parse cache key)."""
        ...

    def extract(self, content: bytes, tree: ts.Tree) -> FileIndex:
        """One file's index from its syntax tree."""
        ...

    def recover(self, parser: ts.Parser, content: bytes, tree: ts.Tree) -> ts.Tree:
        """Re-parse around grammar gaps (same offsets), or return `tree` unchanged."""
        ...

    def declared_encoding(self, content: bytes) -> str:
        """The encoding a file declares (BOM, coding cookie), `utf-8` when none."""
        ...

    def module_names(self, path: str, paths: set[str], prefix: str) -> list[str]:
        """Candidate dotted module names of a file, most canonical first ([] when the language
        names modules by path)."""
        ...

    def resolve_import(self, graph: Graph, f: int, rec: DefRecord, depth: int) -> Any:
        """The target an import binding of file `f` denotes, or None."""
        ...

    def import_source(self, graph: Graph, f: int, rec: DefRecord) -> int | None:
        """The file of ours an import binding `rec` of file `f` reads from, or None."""
        ...

    def import_hop(
        self, graph: Graph, f: int, rec: DefRecord, name: str
    ) -> tuple[int | None, int | None]:
        """`(file, definition)` that `name`, imported by binding `rec` of file `f`, names in the
        file it reads from (either may be None)."""
        ...

    def resolution_inputs(self, graph: Graph) -> str:
        """Digest of the non-source files this language's resolution reads ("" for none)."""
        ...

    def superclass_names(self, header: str) -> list[str]:
        """Base names written in a class header (text between name and body)."""
        ...
