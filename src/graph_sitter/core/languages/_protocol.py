"""What the core asks of a language: the `LanguageSupport` protocol.

One object per language implements it (`python.SUPPORT`, `typescript.SUPPORT`); the registry in
`graph_sitter.core.languages` maps names to them. Core modules never test a language's name:
they ask its support object (`support_for(pf.language)`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import tree_sitter as ts

    from graph_sitter.core._records import DefRecord, FileIndex
    from graph_sitter.core._targets import Target
    from graph_sitter.core.languages._syntax import Syntax
    from graph_sitter.core.resolve import Graph
    from graph_sitter.core.text import SourceText

__all__ = ["ExportRecord", "ExportStatementRecord", "LanguageSupport"]


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One name an `export` statement exports (offsets and def indices of its file)."""

    start: int
    end: int
    name: str | None
    declared: int  # def index declared by the statement (or its re-export record), else -1
    exported: int  # def index of the local binding exported, else -1
    is_default: bool
    is_type: bool
    is_wildcard: bool


@dataclass(frozen=True, slots=True)
class ExportStatementRecord:
    """One `export` statement and the names it exports."""

    start: int
    end: int
    module: tuple[int, int] | None  # span of the `from "..."` string, quotes included
    is_type: bool
    exports: tuple[ExportRecord, ...]


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
    # Whether files have `export` statements (views over them; else a file has none).
    has_export_statements: bool
    # Whether functions may return JSX (`is_jsx`).
    has_jsx: bool
    # Whether method kinds come from decorators (`@property`, `@staticmethod`, dunder names,
    # `_private`) rather than modifiers (`get`, `static`, `private`, `#name`).
    method_kinds_by_decorator: bool
    # The name a class's constructor method has.
    constructor_name: str
    # Whether a definition's extended range already covers its decorators (so a definition
    # whose extended range starts at it has none above).
    extent_covers_decorators: bool
    # Node type wrapping a decorated definition (its start is where comments above attach).
    decorated_wrapper: str | None
    # Line comment marker, and whether `/* */` block comments exist.
    line_comment: bytes
    block_comments: bool
    # Whether documentation is the block comments above a definition (else `docstring`).
    documents_with_comments: bool
    # Whether an import without name or module binding (`importlib.import_module("m")`) yields
    # the module (else it is a side-effect import, `import "m"`).
    nameless_import_is_module: bool
    # Whether `* as ns` namespace imports exist (a module import is then a wildcard).
    namespace_imports: bool
    # Whether module specifiers are string literals (`.source` keeps the quotes).
    quoted_modules: bool
    # Whether module specifiers are dotted module names (else paths relative to the file).
    dotted_modules: bool
    # Field of an import statement's node holding its module specifier.
    import_module_field: str
    # Name of the module-level list of exported names (`__all__`), None when there is none.
    module_export_list: str | None
    # Line breaks between top-level definitions moved to a file (2 gives one blank line).
    definition_gap: int
    # Whether a function's overload signatures are separate nodes of one definition record.
    overload_signatures: bool
    # Whether making a function `async` wraps its written return type in `Promise<...>`.
    async_wraps_return_type: bool
    # Parameter node types a plain parameter must go before (`*args`, `**kwargs`, `*`).
    variadic_parameter_types: tuple[str, ...]
    # A file name of this language (parses a snippet in isolation).
    sample_path: str
    # Its node types, by the part they play for the core's tree readers.
    syntax: Syntax

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

    def resolve_import(self, graph: Graph, f: int, rec: DefRecord, depth: int) -> Target | None:
        """The target an import binding of file `f` denotes, or None."""
        ...

    def module_spec_target(self, graph: Graph, f: int, spec: str) -> Target | None:
        """The module an import specifier written in file `f` names (`.m`, `a.b`, `./x`), or
        None when it is not one of ours."""
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

    def docstring(self, content: bytes, node: ts.Node) -> SourceText | None:
        """The documentation of the definition at `node` (a body string or a doc comment)."""
        ...

    def module_binding(self, graph: Graph, src: int, name: str) -> int | None:
        """The definition `name` is bound to at module level of file `src`, as importers see
        it (a module global, an export), or None."""
        ...

    def imported_member(self, graph: Graph, src: int, name: str) -> int | None:
        """The definition an import of `name` from file `src` reaches one step away."""
        ...

    def import_file(self, graph: Graph, f: int, rec: DefRecord) -> int | None:
        """The file import binding `rec` of file `f` names (`import a.b` names package `a`)."""
        ...

    def submodule_file(self, graph: Graph, src: int, name: str) -> int | None:
        """The file of submodule `name` of the package file `src`, or None."""
        ...

    def module_import_name(self, rec: DefRecord) -> str:
        """The name a whole-module import imports, as upstream spells it."""
        ...

    def is_dynamic_import(
        self, content: bytes, rec: DefRecord, node_of: Callable[[], ts.Node]
    ) -> bool:
        """Whether an import runs only when code around it does (`node_of()` is its node)."""
        ...

    def export_statements(
        self, content: bytes, root: ts.Node, index: FileIndex, module_defs: dict[str, int]
    ) -> list[ExportStatementRecord]:
        """The `export` statements of a file, each with the names it exports ([] when the
        language has none)."""
        ...

    def superclass_names(self, header: str) -> list[str]:
        """Base names written in a class header (text between name and body)."""
        ...

    def import_binding_node(
        self, statement: ts.Node, name_start: int, name_end: int
    ) -> ts.Node | None:
        """The element of import `statement` that binds the name at `name_start..name_end`
        (`b as c`, `{ x }`...), or None."""
        ...

    def imported_name_nodes(self, statement: ts.Node, content: bytes, name: bytes) -> list[ts.Node]:
        """The nodes of import `statement` that spell the imported definition's `name` (what
        renaming that definition rewrites; a module name or an alias is not one)."""
        ...

    def render_import(
        self, module: str, name: str | None, alias: str | None, type_only: bool, quote: str
    ) -> str:
        """An import statement of `name` (the whole module when None) from `module`."""
        ...

    def keyword_argument(self, name: str, value: str) -> str:
        """A call argument passing `value` to parameter `name`."""
        ...

    def is_valid_identifier(self, name: str) -> bool:
        """Whether `name` can name a definition."""
        ...
