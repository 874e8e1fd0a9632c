"""Cheap, immutable views over the graph: files, symbols, imports, usages, calls.

A view is a (codebase, file index, definition index) triple; every property reads the parsed
records or, for rarely needed details (parameters, decorators, docstrings, calls), the file's
syntax tree, re-parsed on demand and kept in a small cache.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import tree_sitter as ts

from graph_sitter.core._records import (
    CLASS,
    ENUM,
    FUNCTION,
    GLOBAL_VAR,
    IMPORT,
    INTERFACE,
    REF_CALL,
    REF_TYPE,
    REF_WRITE,
    TYPE_ALIAS,
    DefRecord,
)
from graph_sitter.core.errors import StaleSymbolError

if TYPE_CHECKING:
    from graph_sitter.core.codebase import Codebase

__all__ = [
    "Attribute",
    "Class",
    "Enum",
    "Function",
    "FunctionCall",
    "GlobalVar",
    "Import",
    "Interface",
    "Parameter",
    "SourceFile",
    "Symbol",
    "TypeAlias",
    "Usage",
]

Point = tuple[int, int]
ATTRIBUTE = "attribute"
_IMPORT_FLAG = 8


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of a function."""

    name: str
    index: int
    type: str | None
    default: str | None
    source: str
    kind: str  # "positional" | "variadic" (*args) | "keyword_variadic" (**kwargs) | "self"


class SourceFile:
    """A file of the codebase."""

    __slots__ = ("_cb", "_f_", "_gen")

    def __init__(self, cb: Codebase, f: int) -> None:
        self._cb = cb
        self._f_ = f
        self._gen = cb._generation

    @property
    def _f(self) -> int:
        """The file's index in the current graph (followed across commits, see `Symbol._f`)."""
        if self._gen != self._cb._generation:
            self._f_ = self._cb._follow_file(self._gen, self._f_)
            self._gen = self._cb._generation
        return self._f_

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SourceFile) or other._cb is not self._cb:
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
        return self._cb._graph.files[self._f]

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
        return self._cb._graph.module_of.get(self._f)

    def _symbols(self, kinds: tuple[str, ...] | None = None, top: bool = True) -> list[Any]:
        return self._cb._symbols_of(self._f, kinds, top)

    @property
    def symbols(self) -> list[Symbol]:
        """Top-level definitions (functions, classes, global variables, TS types)."""
        return self._symbols((FUNCTION, CLASS, GLOBAL_VAR, INTERFACE, TYPE_ALIAS, ENUM))

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

    def _get(self, kinds: tuple[str, ...], label: str, name: str, optional: bool) -> Any:
        if IMPORT in kinds:
            found = [s for s in self._symbols(kinds, top=False) if s.name == name]
            if not found and "." in name:
                found = [s for s in self._symbols(kinds, top=False) if s.qualified_name == name]
        else:
            keys = self._cb._names().find(name, kinds, self._f)
            found = [self._cb._symbol(f, d) for f, d in keys]
        return self._cb._pick(found, label, name, optional, self._symbols(kinds, top=False))

    def get_function(self, name: str, optional: bool = False) -> Function | None:
        return self._get((FUNCTION,), "function", name, optional)

    def get_class(self, name: str, optional: bool = False) -> Class | None:
        return self._get((CLASS,), "class", name, optional)

    def get_symbol(self, name: str, optional: bool = False) -> Symbol | None:
        kinds = (FUNCTION, CLASS, GLOBAL_VAR, INTERFACE, TYPE_ALIAS, ENUM)
        return self._get(kinds, "symbol", name, optional)

    def get_global_var(self, name: str, optional: bool = False) -> GlobalVar | None:
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
            self._cb, self, spec, module=module, name=name, alias=alias, type_only=type_only
        )

    def remove(self) -> None:
        """Delete this file on commit."""
        _edit_ops().remove_file(self._cb, self)

    def update_filepath(self, new_filepath: str) -> SourceFile:
        """Move this file on commit; its relative imports and its importers are updated.
        Returns the file at its new path (this handle follows it after the commit)."""
        new: SourceFile = _edit_ops().update_filepath(self._cb, self, new_filepath)
        return new

    def add_import_from_import_string(self, import_string: str) -> bool:
        """Upstream's spelling: add an import statement given as text (checked to parse)."""
        line = _edit_ops().parse_import_string(self._cb, self, import_string)
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
        self._cb._queue(self.filepath, Edit(start_byte, end_byte, text.encode("utf-8"), "edit"))

    def edit(self, new_content: str) -> None:
        """Replace the whole file's content."""
        from graph_sitter.core.edits import Edit

        pf = self._pf
        self._cb._queue(pf.path, Edit(0, len(pf.content), new_content.encode("utf-8"), "edit"))

    def get_import(self, name: str, optional: bool = False) -> Import | None:
        return self._get((IMPORT,), "import", name, optional)


class Symbol:
    """A definition: function, class, global variable, import, or TypeScript type."""

    __slots__ = ("_cb", "_d_", "_f_", "_gen")

    def __init__(self, cb: Codebase, f: int, d: int) -> None:
        self._cb = cb
        self._f_ = f
        self._d_ = d
        self._gen = cb._generation

    def _follow(self) -> None:
        self._f_, self._d_ = self._cb._follow_symbol(self._gen, self._f_, self._d_)
        self._gen = self._cb._generation

    @property
    def _f(self) -> int:
        """The file index in the current graph: a handle kept across a commit follows its
        symbol (edited, renamed, moved) or raises `StaleSymbolError` once it is gone."""
        if self._gen != self._cb._generation:
            self._follow()
        return self._f_

    @property
    def _d(self) -> int:
        if self._gen != self._cb._generation:
            self._follow()
        return self._d_

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Symbol) or other._cb is not self._cb:
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
        cb = self._cb
        if self._gen != cb._generation:
            self._follow()
        return cb._graph.files[self._f_].index.defs[self._d_]

    @property
    def _content(self) -> bytes:
        cb = self._cb
        if self._gen != cb._generation:
            self._follow()
        return cb._graph.files[self._f_].content

    def _decode(self, start: int, end: int) -> str:
        pf = self._cb._graph.files[self._f]
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
        defs = self._cb._graph.files[self._f].index.defs
        while rec.parent >= 0:
            rec = defs[rec.parent]
            parts.append(rec.name)
        return ".".join(reversed(parts))

    @property
    def address(self) -> str:
        """Unique, stable address accepted by `get_symbol`: `path::qualified.name`, with
        `@L<line>` (or `@L<line>:<column>`) when the file has several of that qualified name."""
        return self._cb._names().address((self._f, self._d))

    @property
    def filepath(self) -> str:
        cb = self._cb
        if self._gen != cb._generation:
            self._follow()
        return str(cb._graph.files[self._f_].path)

    @property
    def file(self) -> SourceFile:
        return SourceFile(self._cb, self._f)

    @property
    def source(self) -> str:
        """The definition itself (for a decorated function: from `def`, without decorators)."""
        return self._decode(self._rec.start, self._rec.end)

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
        return self._cb._symbol(self._f, parent)

    @property
    def is_exported(self) -> bool:
        return self._rec.is_exported

    def usages(self) -> list[Usage]:
        """Every place that refers to this symbol, through scopes and imports, in file order."""
        return self._cb._usages_of(self._f, self._d)

    @property
    def dependencies(self) -> list[Symbol]:
        """Symbols this definition uses (each once, in order of first use)."""
        return self._cb._dependencies_of(self._f, self._d)

    def _node(self) -> ts.Node:
        return self._cb._node_for(self._f, self._rec.start, self._rec.end)

    # -- edits (queued; applied by `Codebase.commit`) -------------------------------------
    def edit(self, new_source: str, *, extended: bool = False) -> None:
        """Replace `source` (or `extended_source` with `extended=True`) with `new_source`."""
        _edit_ops().edit(self._cb, self, new_source, extended)

    def replace(self, old: str, new: str) -> int:
        """Replace every occurrence of `old` inside this definition; return how many."""
        return _edit_ops().replace(self._cb, self, old, new)

    def insert_before(self, src: str) -> None:
        """Insert `src` on its own lines before this definition (same indentation)."""
        _edit_ops().insert_before(self._cb, self, src)

    def insert_after(self, src: str) -> None:
        """Insert `src` on its own lines after this definition (same indentation)."""
        _edit_ops().insert_after(self._cb, self, src)

    def remove(self) -> None:
        """Remove this definition, blank lines it leaves behind, and imports only it used."""
        _edit_ops().remove(self._cb, self)

    def rename(self, new_name: str) -> int:
        """Rename the definition, every resolved usage and every import naming it."""
        return _edit_ops().rename(self._cb, self, new_name)

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
        return _edit_ops().move_to_file(self._cb, self, file, include_dependencies, strategy)

    def _decorators(self) -> list[str]:
        node = self._node()
        parent = node.parent
        holder = parent if parent is not None and parent.type == "decorated_definition" else node
        return [
            self._decode(c.start_byte, c.end_byte) for c in holder.children if c.type == "decorator"
        ]


class Function(Symbol):
    """A function or method."""

    __slots__ = ()

    @property
    def is_method(self) -> bool:
        parent = self._rec.parent
        defs = self._cb._graph.files[self._f].index.defs
        return parent >= 0 and defs[parent].kind == CLASS

    @property
    def is_async(self) -> bool:
        node = self._node()
        return any(child.type == "async" for child in node.children)

    @property
    def decorators(self) -> list[str]:
        """Decorator sources, e.g. `["@property"]`."""
        return self._decorators()

    @property
    def parameters(self) -> list[Parameter]:
        return self._cb._parameters(self._f, self._node(), self.is_method)

    def set_docstring(self, text: str) -> None:
        _edit_ops().set_docstring(self._cb, self, text)

    def add_decorator(self, src: str) -> bool:
        """Add `@src` above the definition unless present; return whether it was added."""
        return _edit_ops().add_decorator(self._cb, self, src)

    def rename_parameter(self, old: str, new: str) -> int:
        """Rename a parameter in the body and in `old=` arguments of every call site."""
        return int(_edit_ops().rename_parameter(self._cb, self, old, new))

    def remove_parameter(self, name: str) -> int:
        """Remove a parameter and the argument passing it at every call site."""
        return int(_edit_ops().remove_parameter(self._cb, self, name))

    def add_parameter(self, source: str, call_value: str | None = None) -> int:
        """Add a parameter; with `call_value`, pass that value at every call site."""
        return int(_edit_ops().add_parameter(self._cb, self, source, call_value))

    @property
    def return_type(self) -> str | None:
        node = self._node().child_by_field_name("return_type")
        if node is None:
            return None
        return self._decode(node.start_byte, node.end_byte).lstrip(":").strip()

    @property
    def docstring(self) -> str | None:
        return self._cb._docstring(self._f, self._node())

    @property
    def call_sites(self) -> list[FunctionCall]:
        """Calls of this function anywhere in the codebase (resolved, see docs)."""
        return self._cb._call_sites(self._f, self._d)

    @property
    def function_calls(self) -> list[FunctionCall]:
        """Every call made inside this function's body, resolved or not."""
        return self._cb._calls_within(self._f, self._rec.start, self._rec.end)


class Class(Symbol):
    """A class."""

    __slots__ = ()

    def _members(self, kind: str) -> list[Any]:
        return [
            self._cb._symbol(self._f, d)
            for d in self._cb._graph.children(self._f, self._d)
            if self._cb._graph.files[self._f].index.defs[d].kind == kind
        ]

    @property
    def methods(self) -> list[Function]:
        return self._members(FUNCTION)

    def get_method(self, name: str, optional: bool = False) -> Function | None:
        found = [m for m in self.methods if m.name == name]
        return self._cb._pick(found, "method", f"{self.name}.{name}", optional, self.methods)

    @property
    def attributes(self) -> list[Attribute]:
        """Variables assigned in the class body."""
        return self._members(ATTRIBUTE)

    @property
    def nested_classes(self) -> list[Class]:
        return self._members(CLASS)

    @property
    def decorators(self) -> list[str]:
        """Decorator sources, e.g. `["@property"]`."""
        return self._decorators()

    @property
    def docstring(self) -> str | None:
        return self._cb._docstring(self._f, self._node())

    def set_docstring(self, text: str) -> None:
        _edit_ops().set_docstring(self._cb, self, text)

    def add_decorator(self, src: str) -> bool:
        return _edit_ops().add_decorator(self._cb, self, src)

    @property
    def superclasses(self) -> list[Class]:
        """Base classes defined in this codebase, in declaration order."""
        return [
            self._cb._symbol(t[1], t[2]) for t in self._cb._graph.superclasses(self._f, self._d)
        ]

    @property
    def superclass_names(self) -> list[str]:
        """Base class expressions as written (external ones included)."""
        return self._cb._superclass_names(self._f, self._d)

    @property
    def subclasses(self) -> list[Class]:
        """Classes of this codebase deriving directly from this one."""
        return self._cb._subclasses_of(self._f, self._d)


class GlobalVar(Symbol):
    """A module-level variable."""

    __slots__ = ()


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
        return int(_edit_ops().rename_import(self._cb, self, new_name))

    def set_import_symbol_alias(self, alias: str) -> int:
        """Bind this import as `alias` (`name as alias`) and rename its uses in the file."""
        return int(_edit_ops().set_import_alias(self._cb, self, alias))

    def set_import_module(self, module: str) -> None:
        """Point the import statement at `module` (a dotted name, or a TS specifier)."""
        _edit_ops().set_import_module(self._cb, self, module)

    @property
    def module(self) -> str:
        """The module as written: `a.b`, `.m`, `./x`."""
        return self._rec.module or ""

    @property
    def imported_name(self) -> str | None:
        """The imported member (`None` for `import a.b`, `"*"` for a wildcard)."""
        return self._rec.imported_name

    @property
    def alias(self) -> str | None:
        return self._rec.alias

    @property
    def is_wildcard(self) -> bool:
        return self._rec.imported_name == "*" and not self._rec.is_reexport

    @property
    def is_reexport(self) -> bool:
        return self._rec.is_reexport

    @property
    def is_type_only(self) -> bool:
        return self._rec.is_type_only

    @property
    def resolved_symbol(self) -> Symbol | SourceFile | None:
        """The symbol or file of this codebase the import denotes, else None (external)."""
        return self._cb._resolve_import(self._f, self._d)

    @property
    def is_external(self) -> bool:
        return self.resolved_symbol is None


@dataclass(frozen=True, slots=True)
class Usage:
    """One place where a symbol is used."""

    file: SourceFile
    start_byte: int
    end_byte: int
    start_point: Point
    end_point: Point
    kind: str  # "reference" | "call" | "write" | "type" | "import"
    usage_symbol: Symbol | SourceFile  # the innermost definition containing the usage
    match: str  # the text at the usage: a name, or the import statement

    @property
    def filepath(self) -> str:
        return self.file.filepath


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """A call expression."""

    file: SourceFile
    name: str
    source: str
    start_byte: int
    end_byte: int
    start_point: Point
    end_point: Point
    function_definition: Symbol | None  # what the callee resolves to, when it does
    parent_function: Symbol | SourceFile

    @property
    def filepath(self) -> str:
        return self.file.filepath


def _edit_ops() -> Any:
    """The edit operations, each all-or-nothing: one that raises queues nothing."""
    from graph_sitter.core import _edit_ops as ops

    return ops.ATOMIC


def usage_kind(flags: int) -> str:
    if flags & _IMPORT_FLAG:
        return "import"
    if flags & REF_CALL:
        return "call"
    if flags & REF_WRITE:
        return "write"
    if flags & REF_TYPE:
        return "type"
    return "reference"


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
