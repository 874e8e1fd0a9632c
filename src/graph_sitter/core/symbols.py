"""Cheap, immutable views over the graph: files, symbols, imports, usages, calls.

A view is a (codebase, file index, definition index) triple; every property reads the parsed
records or, for rarely needed details (parameters, decorators, docstrings, calls), the file's
syntax tree, re-parsed on demand and kept in a small cache.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import tree_sitter as ts

from graph_sitter.core._records import (
    ATTRIBUTE,
    CLASS,
    ENUM,
    FUNCTION,
    GLOBAL_VAR,
    IMPORT,
    INTERFACE,
    NAMESPACE,
    TYPE_ALIAS,
    DefRecord,
)
from graph_sitter.core.calls import Argument, FunctionCall
from graph_sitter.core.errors import StaleSymbolError
from graph_sitter.core.expression import Expression
from graph_sitter.core.languages import support_for
from graph_sitter.core.parameters import Parameter
from graph_sitter.core.text import Flag, SourceText
from graph_sitter.core.usages import QueryList, Usage, UsageKind, UsageType

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess
    from graph_sitter.core._edit_ops import AtomicOps
    from graph_sitter.core.exports import Export, ExportStatement
    from graph_sitter.core.imports import ImportResolution, ImportStatement, ImportType

__all__ = [
    "Argument",
    "Attribute",
    "Class",
    "Enum",
    "Expression",
    "Function",
    "FunctionCall",
    "GlobalVar",
    "Import",
    "Interface",
    "Parameter",
    "SourceFile",
    "SourceText",
    "Symbol",
    "TypeAlias",
    "Usage",
    "UsageKind",
    "UsageType",
]

Point = tuple[int, int]


class SourceFile:
    """A file of the codebase."""

    __slots__ = ("_f_", "_ga", "_gen")

    def __init__(self, ga: GraphAccess, f: int) -> None:
        self._ga = ga
        self._f_ = f
        self._gen = ga.generation

    @property
    def _f(self) -> int:
        """The file's index in the current graph (followed across commits, see `Symbol._f`)."""
        if self._gen != self._ga.generation:
            self._f_ = self._ga.follow_file(self._gen, self._f_)
            self._gen = self._ga.generation
        return self._f_

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SourceFile) or other._ga is not self._ga:
            return False
        try:
            return other._f == self._f
        except StaleSymbolError:
            return other is self

    def __hash__(self) -> int:
        return hash(("file", self._f))

    def __repr__(self) -> str:
        try:
            return f"<SourceFile {self.filepath}>"
        except StaleSymbolError:
            return "<SourceFile (removed by a commit)>"

    @property
    def _pf(self) -> Any:
        return self._ga.graph.files[self._f]

    @property
    def filepath(self) -> str:
        """Path relative to the codebase root, with `/` separators."""
        return str(self._pf.path)

    path = filepath

    @property
    def name(self) -> str:
        return self.filepath.rsplit("/", 1)[-1]

    @property
    def language(self) -> str:
        return str(self._pf.language)

    @property
    def content(self) -> str:
        """The file's text (undecodable bytes shown as U+FFFD; see `problem`)."""
        return bytes(self._pf.content).decode("utf-8", "replace")

    source = content

    @property
    def content_bytes(self) -> bytes:
        return bytes(self._pf.content)

    @property
    def encoding(self) -> str:
        return str(self._pf.encoding)

    @property
    def line_count(self) -> int:
        return int(self._pf.index.line_count)

    @property
    def problem(self) -> str | None:
        """Why the file is only partly usable (bad encoding, ...), or None."""
        return self._pf.problem

    @property
    def syntax_errors(self) -> list[tuple[Point, Point]]:
        """Ranges tree-sitter could not parse; the rest of the file is still in the graph."""
        return list(self._pf.index.errors)

    @property
    def start_point(self) -> Point:
        return (0, 0)

    @property
    def module_name(self) -> str | None:
        """Dotted module name (Python), or None."""
        return self._ga.graph.module_of.get(self._f)

    def _symbols(self, kinds: tuple[str, ...] | None = None, top: bool = True) -> list[Any]:
        return self._ga.symbols_of(self._f, kinds, top)

    @property
    def symbols(self) -> list[Symbol]:
        """Top-level definitions (functions, classes, global variables, TS types)."""
        return self._symbols((FUNCTION, CLASS, GLOBAL_VAR, INTERFACE, TYPE_ALIAS, ENUM, NAMESPACE))

    @property
    def functions(self) -> list[Function]:
        return self._symbols((FUNCTION,))

    @property
    def classes(self) -> list[Class]:
        return self._symbols((CLASS,))

    @property
    def global_vars(self) -> list[GlobalVar]:
        return self._symbols((GLOBAL_VAR,))

    @property
    def interfaces(self) -> list[Interface]:
        return self._symbols((INTERFACE,))

    @property
    def types(self) -> list[TypeAlias]:
        return self._symbols((TYPE_ALIAS,))

    @property
    def imports(self) -> list[Import]:
        """Every import binding of the file, nested ones included, in source order."""
        return self._symbols((IMPORT,), top=False)

    # Lookups on a file return None for a missing name, as upstream's do; `optional=False`
    # raises `SymbolNotFoundError` instead. An ambiguous name always raises.
    def _get(self, kinds: tuple[str, ...], label: str, name: str, optional: bool) -> Any:
        if IMPORT in kinds:
            found = [s for s in self._symbols(kinds, top=False) if s.name == name]
            if not found and "." in name:
                found = [s for s in self._symbols(kinds, top=False) if s.qualified_name == name]
        else:
            keys = self._ga.names().find(name, kinds, self._f)
            found = [self._ga.symbol(f, d) for f, d in keys]
        return self._ga.pick(found, label, name, optional, self._symbols(kinds, top=False))

    def get_function(self, name: str, optional: bool = True) -> Function | None:
        return self._get((FUNCTION,), "function", name, optional)

    def get_class(self, name: str, optional: bool = True) -> Class | None:
        return self._get((CLASS,), "class", name, optional)

    def get_symbol(self, name: str, optional: bool = True) -> Symbol | None:
        kinds = (FUNCTION, CLASS, GLOBAL_VAR, INTERFACE, TYPE_ALIAS, ENUM, NAMESPACE)
        return self._get(kinds, "symbol", name, optional)

    def get_global_var(self, name: str, optional: bool = True) -> GlobalVar | None:
        return self._get((GLOBAL_VAR,), "global variable", name, optional)

    def add_import(
        self,
        spec: Any = None,
        *,
        module: str | None = None,
        name: str | None = None,
        alias: str | None = None,
        type_only: bool = False,
    ) -> bool:
        """Queue an import: a symbol, an import statement, or `module=`/`name=`/`alias=`.

        Deduplicated against existing and pending imports; placed after the file's imports.
        Returns whether an import was queued.
        """
        return _edit_ops().add_import(
            self._ga, self, spec, module=module, name=name, alias=alias, type_only=type_only
        )

    def remove(self) -> None:
        """Delete this file on commit."""
        _edit_ops().remove_file(self._ga, self)

    def update_filepath(self, new_filepath: str) -> SourceFile:
        """Move this file on commit; its relative imports and its importers are updated.
        Returns the file at its new path (this handle follows it after the commit)."""
        return _edit_ops().update_filepath(self._ga, self, new_filepath)

    def add_import_from_import_string(self, import_string: str) -> bool:
        """Upstream's spelling: add an import statement given as text (checked to parse)."""
        line = _edit_ops().parse_import_string(self._ga, self, import_string)
        return self.add_import(line)

    def add_symbol_import(self, symbol: Symbol, alias: str | None = None) -> bool:
        """Upstream's spelling: import `symbol` here (from wherever it is defined)."""
        return self.add_import(symbol, alias=alias)

    def edit_range(self, start_byte: int, end_byte: int, text: str) -> None:
        """Queue replacing bytes `start_byte..end_byte` of the file with `text`."""
        from graph_sitter.core.edits import Edit

        size = len(self._pf.content)
        if not 0 <= start_byte <= end_byte <= size:
            raise ValueError(f"byte range {start_byte}..{end_byte} outside 0..{size}")
        self._ga.queue(self.filepath, Edit(start_byte, end_byte, text.encode("utf-8"), "edit"))

    def edit(self, new_content: str) -> None:
        """Replace the whole file's content."""
        from graph_sitter.core.edits import Edit

        pf = self._pf
        self._ga.queue(pf.path, Edit(0, len(pf.content), new_content.encode("utf-8"), "edit"))

    def get_import(self, name: str, optional: bool = True) -> Import | None:
        """An import binding by local name (alias if any), or by imported name."""
        found = [s for s in self._symbols((IMPORT,), top=False) if s.name == name]
        if not found:
            found = [s for s in self._symbols((IMPORT,), top=False) if s.imported_name == name]
        pool = self._symbols((IMPORT,), top=False)
        return self._ga.pick(found, "import", name, optional, pool)

    @property
    def function_calls(self) -> list[FunctionCall]:
        """Every call in the file, in source order (module code and definitions alike)."""
        return self._ga.calls_within(self._f, 0, len(self._pf.content))

    @property
    def parent_symbol(self) -> SourceFile:
        return self

    # -- upstream read-side names (TypeScript exports; empty for Python) -------------------
    @property
    def exports(self) -> list[Export]:
        """Every name the file exports at top level, in source order (see `core.exports`)."""
        return _exports().exports_of(self._ga, self._f)

    @property
    def export_statements(self) -> list[ExportStatement]:
        """The file's top-level `export ...` statements, in source order."""
        return _exports().statements_of(self._ga, self._f)

    @property
    def default_exports(self) -> list[Export]:
        return [e for e in self.exports if e.is_default_export]

    @property
    def named_exports(self) -> list[Export]:
        return [e for e in self.exports if not e.is_default_export]

    def get_export(self, name: str) -> Export | None:
        """The export named `name` (for "default": the default export), else None."""
        return _exports().get_export(self._ga, self._f, name)

    def get_export_statement_for_path(
        self, relative_path: str, export_type: str = "EXPORT"
    ) -> ExportStatement | None:
        """The first `export ... from relative_path` statement with an export of the kind
        asked: "EXPORT" (value re-exports), "TYPE" or "WILDCARD"; else None."""
        return _exports().statement_for_path(self._ga, self._f, relative_path, export_type)

    @property
    def import_statements(self) -> list[ImportStatement]:
        """The file's import statements (each with the `Import`s it binds), in order."""
        return _imports().statements_of(self._ga, self._f)

    def has_import(self, name: str) -> bool:
        """Whether an import of this file binds `name`."""
        return _imports().has_import(self._ga, self._f, name)

    @property
    def inbound_imports(self) -> list[Import]:
        """Imports in other files that read from this one (one step)."""
        return _imports().inbound_imports(self._ga, self._f)

    @property
    def importers(self) -> list[SourceFile]:
        """Files importing from this one, in path order."""
        return _imports().importers(self._ga, self._f)

    def has_export_statement_for_path(
        self, relative_path: str, export_type: str = "EXPORT"
    ) -> bool:
        """Whether `get_export_statement_for_path(relative_path, export_type)` finds one."""
        return self.get_export_statement_for_path(relative_path, export_type) is not None


class Symbol:
    """A definition: function, class, global variable, import, or TypeScript type."""

    __slots__ = ("_d_", "_f_", "_ga", "_gen")

    def __init__(self, ga: GraphAccess, f: int, d: int) -> None:
        self._ga = ga
        self._f_ = f
        self._d_ = d
        self._gen = ga.generation

    def _follow(self) -> None:
        self._f_, self._d_ = self._ga.follow_symbol(self._gen, self._f_, self._d_)
        self._gen = self._ga.generation

    @property
    def _f(self) -> int:
        """The file index in the current graph: a handle kept across a commit follows its
        symbol (edited, renamed, moved) or raises `StaleSymbolError` once it is gone."""
        if self._gen != self._ga.generation:
            self._follow()
        return self._f_

    @property
    def _d(self) -> int:
        if self._gen != self._ga.generation:
            self._follow()
        return self._d_

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Symbol) or other._ga is not self._ga:
            return False
        try:
            return other._f == self._f and other._d == self._d
        except StaleSymbolError:
            return other is self

    def __hash__(self) -> int:
        return hash((self._f, self._d))

    def __repr__(self) -> str:
        try:
            where = f"{self.filepath}:{self.line_range.start + 1}"
            return f"<{type(self).__name__} {self.qualified_name} at {where}>"
        except StaleSymbolError:
            return f"<{type(self).__name__} (removed by a commit)>"

    @property
    def _rec(self) -> DefRecord:
        ga = self._ga
        if self._gen != ga.generation:
            self._follow()
        return ga.graph.files[self._f_].index.defs[self._d_]

    @property
    def _content(self) -> bytes:
        ga = self._ga
        if self._gen != ga.generation:
            self._follow()
        return ga.graph.files[self._f_].content

    def _decode(self, start: int, end: int) -> str:
        pf = self._ga.graph.files[self._f]
        return bytes(pf.content[start:end]).decode("utf-8", "replace")

    @property
    def name(self) -> str:
        return self._rec.name

    @property
    def kind(self) -> str:
        return self._rec.kind

    @property
    def qualified_name(self) -> str:
        """Name with its enclosing classes and functions, e.g. `Outer.Inner.method`."""
        parts = [self.name]
        rec = self._rec
        defs = self._ga.graph.files[self._f].index.defs
        while rec.parent >= 0:
            rec = defs[rec.parent]
            parts.append(rec.name)
        return ".".join(reversed(parts))

    @property
    def address(self) -> str:
        """Unique, stable address accepted by `get_symbol`: `path::qualified.name`, with
        `@L<line>` (or `@L<line>:<column>`) when the file has several of that qualified name."""
        return self._ga.names().address((self._f, self._d))

    @property
    def filepath(self) -> str:
        ga = self._ga
        if self._gen != ga.generation:
            self._follow()
        return str(ga.graph.files[self._f_].path)

    @property
    def file(self) -> SourceFile:
        return SourceFile(self._ga, self._f)

    @property
    def source(self) -> str:
        """The definition with its decorators (as upstream), without leading comments or
        TypeScript's `export`; see `definition_source` for the definition alone."""
        return self._decode(self._source_start(), self._rec.end)

    @property
    def definition_source(self) -> str:
        """The definition alone: from `def`/`class`/the name, without decorators."""
        return self._decode(self._rec.start, self._rec.end)

    def _source_start(self) -> int:
        rec = self._rec
        if rec.kind == IMPORT or rec.kind == GLOBAL_VAR:
            return rec.start
        language = self._ga.graph.files[self._f].language
        if rec.ext_start == rec.start and support_for(language).extent_covers_decorators:
            return rec.start  # nothing above the definition: no decorator to look for
        from graph_sitter.core import _details

        return _details.source_start(self._ga, self._f, rec.start, rec.end)

    @property
    def extended_source(self) -> str:
        """The definition with its decorators, `export` keyword and leading comments."""
        return self._decode(self._rec.ext_start, self._rec.end)

    @property
    def start_byte(self) -> int:
        return self._rec.start

    @property
    def end_byte(self) -> int:
        return self._rec.end

    @property
    def start_point(self) -> Point:
        return (int(self._rec.start_point[0]), int(self._rec.start_point[1]))

    @property
    def end_point(self) -> Point:
        return (int(self._rec.end_point[0]), int(self._rec.end_point[1]))

    @property
    def line_range(self) -> range:
        """0-based rows covered by the definition (end inclusive, as `range(start, end + 1)`)."""
        return range(self.start_point[0], self.end_point[0] + 1)

    @property
    def parent(self) -> Symbol | SourceFile:
        """The enclosing class or function, else the file."""
        parent = self._rec.parent
        if parent < 0:
            return self.file
        return self._ga.symbol(self._f, parent)

    @property
    def is_exported(self) -> bool:
        return self._rec.is_exported

    @property
    def comment(self) -> SourceText | None:
        """The comments directly above the definition (`.source` as written, `.text` clean)."""
        return _comments().comment_of(self)

    @property
    def inline_comment(self) -> SourceText | None:
        """The comment after the definition on its last line (`x = 1  # note`), else None."""
        return _comments().inline_comment_of(self)

    @property
    def docstring(self) -> SourceText | None:
        """Documentation of the definition: Python's string literal, TS block comments above."""
        return _comments().docstring_of(self)

    @property
    def export(self) -> Export | None:
        """The `Export` of this file that exports this definition, else None."""
        return _exports().symbol_export(self._ga, self._f, self._d)

    @property
    def is_reexported(self) -> bool:
        """Whether another file re-exports this definition (TypeScript; False in Python)."""
        return _exports().is_reexported(self._ga, self._f, self._d)

    @property
    def exported_name(self) -> str | None:
        """The name this definition is exported under from its file, else None."""
        export = self.export
        return export.name if export is not None else None

    @property
    def parent_class(self) -> Class | None:
        """The nearest class enclosing this symbol (a method's class), else None."""
        owner = self.parent
        while isinstance(owner, Symbol):
            if isinstance(owner, Class):
                return owner
            owner = owner.parent
        return None

    @property
    def parent_function(self) -> Function | None:
        """The nearest function enclosing this symbol, else None."""
        owner = self.parent
        while isinstance(owner, Symbol):
            if isinstance(owner, Function):
                return owner
            owner = owner.parent
        return None

    @property
    def parent_symbol(self) -> Symbol | SourceFile:
        """The top-level symbol holding this one (itself when top-level); a method of a
        top-level class is its own parent symbol, as upstream."""
        from graph_sitter.core import usages

        return usages.parent_symbol_of(self)

    @property
    def usages(self) -> QueryList[Usage]:
        """Every place that refers to this symbol, through scopes and imports, in file order.

        Also callable: `usages()` is the same list, `usages(UsageType.DIRECT | ...)` keeps
        the usages of those types.
        """
        from graph_sitter.core import usages

        def query(usage_types: UsageType | None = None) -> list[Usage]:
            return usages.usages_of(self._ga, self._f, self._d, usage_types)

        return QueryList(query(), query)

    @property
    def usage_count(self) -> int:
        """How many places use this symbol: `len(self.usages())`, without building them."""
        records = self._ga.graph.usages.get((self._f, self._d))
        return len(set(records)) if records else 0

    @property
    def symbol_usages(self) -> QueryList[Symbol | SourceFile]:
        """The symbols that use this one (top-level symbols, methods of top-level classes,
        imports; the file for module code), each once; callable with `usage_types`."""
        from graph_sitter.core import usages

        def query(usage_types: UsageType | None = None) -> list[Symbol | SourceFile]:
            return usages.symbol_usages_of(self._ga, self._f, self._d, usage_types)

        return QueryList(query(), query)

    @property
    def dependencies(self) -> QueryList[Symbol]:
        """What this definition needs, upstream's way (default `UsageType.DIRECT`): the
        definitions and import bindings it names; callable as
        `dependencies(usage_types=..., max_depth=...)`. Sorted by file, then position.
        See `resolved_dependencies` for imports followed to their definitions."""
        from graph_sitter.core import usages

        def query(
            usage_types: UsageType | None = UsageType.DIRECT, max_depth: int | None = None
        ) -> list[Symbol]:
            return usages.dependencies_of(self._ga, self._f, self._d, usage_types, max_depth)

        return QueryList(query(), query)

    @property
    def resolved_dependencies(self) -> list[Symbol]:
        """Definitions this one uses, imports followed to what they denote (each once, in
        order of first use; external names left out)."""
        from graph_sitter.core import usages

        return usages.resolved_dependencies_of(self._ga, self._f, self._d)

    def _node(self) -> ts.Node:
        return self._ga.node_for(self._f, self._rec.start, self._rec.end)

    # -- edits (queued; applied by `Codebase.commit`) -------------------------------------
    def edit(self, new_source: str, *, extended: bool = False) -> None:
        """Replace `source` (or `extended_source` with `extended=True`) with `new_source`.

        The text may be dedented, or as `source` gives it (first line bare, later lines
        with the file's indentation, e.g. `sym.edit(sym.source.replace(a, b))`).
        """
        from graph_sitter.core import _edit_ops as ops  # the text helpers

        content = self._content
        start = self._rec.ext_start if extended else self._source_start()
        new_source = _undo_file_indent(new_source, ops.indent_at(content, start).decode())
        if extended or start == self._rec.start:
            _edit_ops().edit(self._ga, self, new_source, extended)
            return
        text = ops.reindent(new_source, ops.indent_at(content, start), first=False)
        newline = ops.newline_of(content).decode()
        self.file.edit_range(start, self._rec.end, text.replace("\n", newline))

    def replace(self, old: str, new: str) -> int:
        """Replace every occurrence of `old` inside this definition; return how many."""
        return _edit_ops().replace(self._ga, self, old, new)

    def insert_before(self, src: str) -> None:
        """Insert `src` on its own lines before this definition (same indentation)."""
        _edit_ops().insert_before(self._ga, self, src)

    def insert_after(self, src: str) -> None:
        """Insert `src` on its own lines after this definition (same indentation)."""
        _edit_ops().insert_after(self._ga, self, src)

    def remove(self) -> None:
        """Remove this definition, blank lines it leaves behind, and imports only it used."""
        _edit_ops().remove(self._ga, self)

    def rename(self, new_name: str) -> int:
        """Rename the definition, every resolved usage and every import naming it."""
        return _edit_ops().rename(self._ga, self, new_name)

    def move_to_file(
        self,
        file: SourceFile | str,
        include_dependencies: bool = True,
        strategy: str = "update_all_imports",
    ) -> Any:
        """Move this top-level definition to `file`; returns a `MoveReport`.

        `strategy`: "update_all_imports" (importers repointed), "add_back_edge" (the source
        re-exports it) or "duplicate_dependencies" (dependencies copied); see docs.
        """
        return _edit_ops().move_to_file(self._ga, self, file, include_dependencies, strategy)

    def _decorators(self) -> list[Expression]:
        from graph_sitter.core import _details

        return _details.decorators(self._ga, self._f, self._rec.start, self._rec.end)

    @property
    def decorators(self) -> list[Expression]:
        """Decorators in source order, e.g. `["@property"]` (strings with `.source`)."""
        return self._decorators()

    @property
    def is_decorated(self) -> bool:
        return bool(self._decorators())


class Function(Symbol):
    """A function or method."""

    __slots__ = ()

    @property
    def is_method(self) -> bool:
        parent = self._rec.parent
        defs = self._ga.graph.files[self._f].index.defs
        return parent >= 0 and defs[parent].kind == CLASS

    @property
    def is_async(self) -> bool:
        node = self._node()
        return any(child.type == "async" for child in node.children)

    @property
    def parameters(self) -> list[Parameter]:
        return [
            replace(p, parent_function=self)
            for p in self._ga.parameters(self._f, self._node(), self.is_method)
        ]

    def get_parameter(self, name: str) -> Parameter | None:
        """The parameter called `name`, else None."""
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def nested_functions(self) -> list[Function]:
        """Functions defined directly inside this one, in source order."""
        return [
            self._ga.symbol(self._f, d)
            for d in self._ga.graph.children(self._f, self._d)
            if self._ga.graph.files[self._f].index.defs[d].kind == FUNCTION
        ]

    def set_docstring(self, text: str) -> None:
        _edit_ops().set_docstring(self._ga, self, text)

    def add_decorator(self, src: str) -> bool:
        """Add `@src` above the definition unless present; return whether it was added."""
        return _edit_ops().add_decorator(self._ga, self, src)

    def rename_parameter(self, old: str, new: str) -> int:
        """Rename a parameter in the body and in `old=` arguments of every call site."""
        return _edit_ops().rename_parameter(self._ga, self, old, new)

    def remove_parameter(self, name: str) -> int:
        """Remove a parameter and the argument passing it at every call site."""
        return _edit_ops().remove_parameter(self._ga, self, name)

    def add_parameter(self, source: str, call_value: str | None = None) -> int:
        """Add a parameter; with `call_value`, pass that value at every call site."""
        return _edit_ops().add_parameter(self._ga, self, source, call_value)

    @property
    def is_jsx(self) -> bool:
        """TypeScript: whether the function returns a JSX element (a React component)."""
        support = support_for(self.file.language)
        if not support.has_jsx:
            return False
        from graph_sitter.core import _details

        return _details.returns_jsx(support.syntax, self._node())

    def asyncify(self) -> bool:
        """Make the function `async` (TS: an annotated return type `T` becomes `Promise<T>`);
        return whether it changed (False when already async)."""
        return _edit_ops().asyncify(self._ga, self)

    def arrow_to_named(self, name: str | None = None) -> None:
        """TypeScript: turn `const f = (...) => ...` into `function f(...) {...}` (renamed to
        `name` when given; its references are not renamed)."""
        _edit_ops().arrow_to_named(self._ga, self, name)

    def _edit_parameter(self, name: str, new_source: str) -> None:
        _edit_ops().edit_parameter(self._ga, self, name, new_source)

    def _set_parameter_type(self, name: str, type_source: str) -> None:
        _edit_ops().set_parameter_type(self._ga, self, name, type_source)

    @property
    def return_type(self) -> str | None:
        node = self._node().child_by_field_name("return_type")
        if node is None:
            return None
        return self._decode(node.start_byte, node.end_byte).lstrip(":").strip()

    @property
    def docstring(self) -> SourceText | None:
        """The docstring (a `str` with `.source` and `.text`); see `core.comments`."""
        return _comments().docstring_of(self)

    @property
    def call_sites(self) -> list[FunctionCall]:
        """Calls of this function anywhere in the codebase (resolved, see docs)."""
        return self._ga.call_sites(self._f, self._d)

    @property
    def function_calls(self) -> list[FunctionCall]:
        """Every call inside this function (decorators, defaults and body), resolved or not."""
        return self._ga.calls_within(self._f, self._source_start(), self._rec.end)

    # -- upstream's method flags (read from the definition's own syntax) ------------------
    def _decorated_with(self, *names: str) -> bool:
        """Whether a decorator, without `@` and call arguments, is one of `names`."""
        for decorator in self._decorators():
            text = str(decorator).lstrip("@").strip()
            if text.split("(", 1)[0].strip() in names:
                return True
        return False

    def _has_child(self, *types: str) -> bool:
        return any(child.type in types for child in self._node().children)

    @property
    def _kinds_by_decorator(self) -> bool:  # decorators and naming conventions (Python)
        return support_for(self.file.language).method_kinds_by_decorator

    @property
    def is_magic(self) -> bool:
        """A Python dunder name such as `__init__` (never in TypeScript)."""
        name = self.name
        return (
            self._kinds_by_decorator
            and len(name) > 4
            and name.startswith("__")
            and name.endswith("__")
        )

    @property
    def is_private(self) -> bool:
        """Python: the name starts with `_` and is not a dunder; TypeScript: a `private`
        member or a `#name`."""
        if self._kinds_by_decorator:
            return self.name.startswith("_") and not self.is_magic
        syntax = support_for(self.file.language).syntax
        node = self._node()
        for child in node.children:
            if child.type in syntax.private_names:
                return True
            if child.type in syntax.access_modifiers:
                return self._decode(child.start_byte, child.end_byte).strip() == "private"
        return False

    @property
    def is_property(self) -> bool:
        """Python: decorated `@property` or `@cached_property`; TypeScript: a `get` accessor."""
        if self._kinds_by_decorator:
            return self._decorated_with("property", "cached_property", "functools.cached_property")
        return self.is_method and self._has_child("get")

    @property
    def is_static_method(self) -> bool:
        """Python: decorated `@staticmethod`; TypeScript: a `static` member."""
        if self._kinds_by_decorator:
            return self._decorated_with("staticmethod")
        return self.is_method and self._has_child("static")

    @property
    def is_class_method(self) -> bool:
        """Python: decorated `@classmethod` (upstream tests `@staticmethod` here, a bug);
        always False in TypeScript."""
        return self._kinds_by_decorator and self._decorated_with("classmethod")

    @property
    def is_constructor(self) -> bool:
        """A method named `__init__` (Python) or `constructor` (TypeScript)."""
        return self.is_method and self.name == support_for(self.file.language).constructor_name


class Class(Symbol):
    """A class."""

    __slots__ = ()

    def _members(self, kind: str) -> list[Any]:
        return [
            self._ga.symbol(self._f, d)
            for d in self._ga.graph.children(self._f, self._d)
            if self._ga.graph.files[self._f].index.defs[d].kind == kind
        ]

    @property
    def methods(self) -> list[Function]:
        return self._members(FUNCTION)

    def get_method(self, name: str, optional: bool = False) -> Function | None:
        found = [m for m in self.methods if m.name == name]
        return self._ga.pick(found, "method", f"{self.name}.{name}", optional, self.methods)

    @property
    def attributes(self) -> list[Attribute]:
        """Variables assigned in the class body."""
        return self._members(ATTRIBUTE)

    @property
    def nested_classes(self) -> list[Class]:
        return self._members(CLASS)

    @property
    def docstring(self) -> SourceText | None:
        """The docstring (a `str` with `.source` and `.text`); see `core.comments`."""
        return _comments().docstring_of(self)

    def set_docstring(self, text: str) -> None:
        _edit_ops().set_docstring(self._ga, self, text)

    def add_decorator(self, src: str) -> bool:
        return _edit_ops().add_decorator(self._ga, self, src)

    def get_nested_class(self, name: str) -> Class | None:
        """The class called `name` defined directly in this one, else None."""
        return next((c for c in self.nested_classes if c.name == name), None)

    def get_attribute(self, name: str) -> Attribute | None:
        """The class-level variable called `name`, else None."""
        return next((a for a in self.attributes if a.name == name), None)

    @property
    def function_calls(self) -> list[FunctionCall]:
        """Every call inside the class (decorators, bases, attributes and methods)."""
        return self._ga.calls_within(self._f, self._source_start(), self._rec.end)

    @property
    def call_sites(self) -> list[FunctionCall]:
        """Calls constructing this class anywhere in the codebase (`Cls()`, `new Cls()`)."""
        return self._ga.call_sites(self._f, self._d)

    @property
    def superclasses(self) -> list[Class]:
        """Base classes defined in this codebase, in declaration order."""
        return [self._ga.symbol(t.f, t.d) for t in self._ga.graph.superclasses(self._f, self._d)]

    @property
    def superclass_names(self) -> list[str]:
        """Base class expressions as written (external ones included)."""
        return self._ga.superclass_names(self._f, self._d)

    @property
    def parent_class_names(self) -> list[str]:
        """Upstream's name for `superclass_names`."""
        return self.superclass_names

    @property
    def subclasses(self) -> list[Class]:
        """Classes of this codebase deriving directly from this one."""
        return self._ga.subclasses_of(self._f, self._d)

    def is_subclass_of(self, parent_class: str | Class, max_depth: int | None = None) -> bool:
        """Whether this class derives from `parent_class`, through at most `max_depth`
        levels (all when None). A name matches a base as written (generic arguments
        dropped; `m.Base` matches `"Base"` too), so external bases count; a `Class` matches
        the bases this codebase defines."""
        level: list[Class] = [self]
        seen: set[Class] = {self}
        depth = 0
        while level and (max_depth is None or depth < max_depth):
            depth += 1
            nxt: list[Class] = []
            for cls in level:
                if isinstance(parent_class, str):
                    for written in cls.superclass_names:
                        bare = written.split("[", 1)[0].split("<", 1)[0].strip()
                        if parent_class in (bare, bare.rsplit(".", 1)[-1]):
                            return True
                for base in cls.superclasses:
                    if base == parent_class:
                        return True
                    if base not in seen:
                        seen.add(base)
                        nxt.append(base)
            level = nxt
        return False


class GlobalVar(Symbol):
    """A module-level variable."""

    __slots__ = ()

    @property
    def value(self) -> FunctionCall | Expression | None:
        """The assigned value: a `FunctionCall` when it is a call, else its text; None for a
        bare annotation (`x: int`)."""
        from graph_sitter.core import _details

        return _details.assigned_value(self._ga, self._f, self._rec.start, self._rec.end)


class Attribute(Symbol):
    """A class-level variable."""

    __slots__ = ()


class Interface(Symbol):
    """A TypeScript interface."""

    __slots__ = ()


class TypeAlias(Symbol):
    """A TypeScript type alias."""

    __slots__ = ()


class Enum(Symbol):
    """A TypeScript enum."""

    __slots__ = ()


class Import(Symbol):
    """One name bound by an import statement (`source` is the whole statement)."""

    __slots__ = ()

    def rename(self, new_name: str) -> int:
        """Rename what the import denotes: the definition it resolves to (following
        re-exports) and every import of it; an external import is aliased instead."""
        return _edit_ops().rename_import(self._ga, self, new_name)

    def set_import_symbol_alias(self, alias: str) -> int:
        """Bind this import as `alias` (`name as alias`) and rename its uses in the file."""
        return _edit_ops().set_import_alias(self._ga, self, alias)

    def set_import_module(self, module: str) -> None:
        """Point the import statement at `module` (a dotted name, or a TS specifier)."""
        _edit_ops().set_import_module(self._ga, self, module)

    @property
    def module(self) -> SourceText:
        """The module as written: `a.b`, `.m`, `./x` (`.source` keeps a TS string's quotes)."""
        return _imports().module_text(self)

    @property
    def imported_name(self) -> str | None:
        """The imported member (`None` for `import a.b`, `"*"` for a wildcard)."""
        return self._rec.imported_name

    @property
    def alias(self) -> SourceText | None:
        """The `as` name, or None when the import has none (upstream: see docs/migrating.md)."""
        alias = self._rec.alias
        return SourceText(alias) if alias is not None else None

    @property
    def is_wildcard(self) -> bool:
        return self._rec.imported_name == "*" and not self._rec.is_reexport

    @property
    def is_reexport(self) -> Flag:
        """`export ... from` (callable too, as upstream's `is_reexport()`)."""
        return Flag(self._rec.is_reexport)

    @property
    def is_type_only(self) -> bool:
        return self._rec.is_type_only

    @property
    def resolved_symbol(self) -> Symbol | SourceFile | None:
        """The symbol or file of this codebase the import denotes, else None (external)."""
        return self._ga.resolve_import(self._f, self._d)

    @property
    def is_external(self) -> bool:
        return self.resolved_symbol is None

    # -- upstream read-side names ---------------------------------------------------------
    @property
    def import_type(self) -> ImportType:
        return _imports().import_type(self)

    @property
    def is_dynamic(self) -> bool:
        """Inside a function, class, condition, `try`, `with` or loop; or an `import()` call."""
        return _imports().is_dynamic(self)

    @property
    def symbol_name(self) -> SourceText | None:
        """The name imported from the module (`b` of `from a import b as c`)."""
        return _imports().symbol_name(self)

    @property
    def namespace(self) -> str | None:
        """The dot-notation prefix of a module import (`ns` of `import * as ns`), else None."""
        return _imports().namespace(self)

    @property
    def imported_symbol(self) -> Symbol | SourceFile | None:
        """One step: the definition or re-exporting import named in the module's file, or
        that file (module and wildcard imports); None when external."""
        return _imports().imported_symbol(self)

    @property
    def from_file(self) -> SourceFile | None:
        """The file of this codebase the import reads from, else None."""
        return _imports().from_file(self)

    @property
    def to_file(self) -> SourceFile:
        """The file the import statement is in."""
        return self.file

    def resolve_import(self, base_path: str | None = None) -> ImportResolution | None:
        """One step of resolution: the module's file and the member named there, or None."""
        if base_path is not None:
            raise ValueError("resolve_import(base_path=...) is not supported; see migrating.md")
        return _imports().resolve(self)

    @property
    def is_wildcard_import(self) -> Flag:
        return Flag(self.import_type == _imports().ImportType.WILDCARD)

    @property
    def is_module_import(self) -> Flag:
        """The import binds a module (or its default export), not one named member."""
        kinds = _imports().ImportType
        return Flag(self.import_type not in (kinds.NAMED_EXPORT,))

    @property
    def is_symbol_import(self) -> Flag:
        return Flag(not self.is_module_import)

    @property
    def is_aliased_import(self) -> Flag:
        symbol_name = self.symbol_name
        alias = self._rec.alias
        return Flag(alias is not None and symbol_name is not None and alias != symbol_name)

    @property
    def is_type_import(self) -> Flag:
        """`import type ...` or `import { type X }` (TypeScript)."""
        return Flag(self._rec.is_type_only)


def _undo_file_indent(text: str, indent: str) -> str:
    """`text` as `source` gives it (later lines carry the file's `indent`) -> dedented."""
    lines = text.replace("\r\n", "\n").split("\n")
    rest = [line for line in lines[1:] if line.strip()]
    if not indent or not rest or not all(line.startswith(indent) for line in rest):
        return text
    first = lines[0].rstrip()
    depth = len(rest[0]) - len(rest[0].lstrip())
    opens_block = first.endswith((":", "{", "(", "[", "=>"))
    if depth > len(indent) if opens_block else depth >= len(indent):
        return "\n".join([lines[0], *(line[len(indent) :] for line in lines[1:])])
    return text


def _comments() -> Any:
    from graph_sitter.core import comments

    return comments


def _imports() -> Any:
    from graph_sitter.core import imports

    return imports


def _exports() -> Any:
    from graph_sitter.core import exports

    return exports


def _edit_ops() -> AtomicOps:
    """The edit operations, each all-or-nothing: one that raises queues nothing."""
    from graph_sitter.core import _edit_ops as ops

    return ops.ATOMIC


def point_of(line_starts: list[int], offset: int) -> Point:
    row = bisect_right(line_starts, offset) - 1
    return (row, offset - line_starts[row])


VIEW_BY_KIND: dict[str, type[Symbol]] = {
    FUNCTION: Function,
    CLASS: Class,
    GLOBAL_VAR: GlobalVar,
    ATTRIBUTE: Attribute,
    IMPORT: Import,
    INTERFACE: Interface,
    TYPE_ALIAS: TypeAlias,
    ENUM: Enum,
}
