"""Upstream's read-side view of imports: kinds, one-step targets, statements, importers.

`Import` (in `symbols`) is one name an import statement binds. This module answers the
questions upstream graph-sitter scripts ask of it: `import_type` (`ImportType`), `is_dynamic`,
`symbol_name`, `namespace`, `imported_symbol` (one step: the definition, the re-exporting
import, or the file), `resolve_import()`, and per file `import_statements`, `has_import`,
`importers`. Everything is computed on demand from the parsed records and, for `is_dynamic`,
the file's syntax tree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_sitter.core._records import IMPORT
from graph_sitter.core._view import FileView, SameIdentity
from graph_sitter.core.languages import support_for
from graph_sitter.core.text import SourceText

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess
    from graph_sitter.core.symbols import Import, SourceFile, Symbol

__all__ = ["ImportResolution", "ImportStatement", "ImportType"]


class ImportType(enum.IntEnum):
    """What an import binds (upstream's values and meanings).

    DEFAULT_EXPORT: a module's default export (`import X from "m"`).
    NAMED_EXPORT: one named member (`from m import x`, `import { x } from "m"`).
    WILDCARD: every member (`from m import *`, `import * as ns from "m"`, `export * from`).
    MODULE: the module itself (`import a.b`, `const m = require("m")`).
    SIDE_EFFECT: nothing, the module is only run (`import "./polyfill"`).
    UNKNOWN: none of these.
    """

    DEFAULT_EXPORT = 1
    NAMED_EXPORT = 2
    WILDCARD = 3
    MODULE = 4
    SIDE_EFFECT = 5
    UNKNOWN = 6


@dataclass(frozen=True, slots=True)
class ImportResolution:
    """Where an import points, one step: the file, and the member of it when there is one.

    Attributes:
        from_file: The file of this codebase the module resolves to.
        symbol: The definition or re-exporting `Import` in that file, or None when the whole
            module is imported.
        imports_file: True when the import denotes the file (module) itself.
    """

    from_file: SourceFile
    symbol: Symbol | None
    imports_file: bool


class ImportStatement(SameIdentity, FileView):
    """One import statement and the `Import`s (bindings) it makes."""

    __slots__ = ("_defs", "_f", "_ga")

    def __init__(self, ga: GraphAccess, f: int, defs: tuple[int, ...]) -> None:
        self._ga = ga
        self._f = f
        self._defs = defs

    def _identity(self) -> tuple[object, ...]:
        return ("import_statement", self._f, self._defs)

    def __repr__(self) -> str:
        return f"<ImportStatement {self.filepath}:{self.start_point[0] + 1} {self.source!r}>"

    @property
    def _first(self) -> Any:
        return self._ga.graph.files[self._f].index.defs[self._defs[0]]

    @property
    def imports(self) -> list[Import]:
        return [self._ga.symbol(self._f, d) for d in self._defs]

    @property
    def source(self) -> str:
        rec = self._first
        content = self._ga.graph.files[self._f].content
        return bytes(content[rec.start : rec.end]).decode("utf-8", "replace")

    @property
    def start_point(self) -> tuple[int, int]:
        rec = self._first
        return (int(rec.start_point[0]), int(rec.start_point[1]))

    @property
    def module(self) -> SourceText | None:
        return self.imports[0].module if self._defs else None


# ---------------------------------------------------------------------------- per import
def import_type(imp: Import) -> ImportType:
    rec = imp._rec
    if not rec.name and rec.imported_name is None:
        if support_for(imp.file.language).nameless_import_is_module:
            return ImportType.MODULE  # `importlib.import_module("m")` returns the module
        return ImportType.SIDE_EFFECT
    if rec.imported_name == "*":
        return ImportType.WILDCARD
    if rec.imported_name == "default":
        return ImportType.DEFAULT_EXPORT
    if rec.imported_name is None:
        if support_for(imp.file.language).namespace_imports and _is_namespace_import(imp):
            return ImportType.WILDCARD
        return ImportType.MODULE
    return ImportType.NAMED_EXPORT


def _is_namespace_import(imp: Import) -> bool:
    """`import * as ns from "m"` / `export * as ns from "m"` (not `require`)."""
    rec = imp._rec
    content = imp._content
    head = bytes(content[rec.start : rec.name_start]).rstrip()
    return head.endswith(b"as") and b"*" in head


def module_text(imp: Import) -> SourceText:
    """The module as written; `.source` keeps the quotes of a TS/JS string."""
    rec = imp._rec
    module = rec.module or ""
    if not support_for(imp.file.language).quoted_modules:
        return SourceText(module, module)
    content = imp._content
    segment = bytes(content[rec.start : rec.end])
    for quote in (b"'", b'"', b"`"):
        raw = quote + module.encode("utf-8") + quote
        at = segment.find(raw)
        if at >= 0:
            return SourceText(module, raw.decode("utf-8", "replace"))
    return SourceText(module, f"'{module}'")


def symbol_name(imp: Import) -> SourceText | None:
    """The name imported from the module, as upstream spells it (None for side effects and
    `export *`)."""
    rec = imp._rec
    kind = import_type(imp)
    if kind == ImportType.SIDE_EFFECT or rec.imported_name == "*":
        return None
    if rec.imported_name is not None:
        return SourceText(rec.imported_name)
    if kind == ImportType.WILDCARD:  # `* as ns`
        content = imp._content
        star = bytes(content[rec.start : rec.name_end]).rfind(b"*")
        raw = bytes(content[rec.start + star : rec.name_end]).decode("utf-8", "replace")
        return SourceText(raw, raw)
    return SourceText(support_for(imp.file.language).module_import_name(rec))


def namespace(imp: Import) -> str | None:
    """The name to use with dot notation for a module import (`ns` of `import * as ns`,
    `import a.b` -> `a`); None for symbol imports and side effects."""
    kind = import_type(imp)
    if kind == ImportType.MODULE or (kind == ImportType.WILDCARD and imp._rec.name != "*"):
        return imp._rec.name or None
    return None


def is_dynamic(imp: Import) -> bool:
    """Whether the import runs only when code around it does (inside a function, class,
    condition, `try`, `with` or loop), or is a dynamic `import()` call."""
    rec = imp._rec
    ga, f = imp._ga, imp._f
    support = support_for(imp.file.language)
    return support.is_dynamic_import(imp._content, rec, lambda: ga.node_for(f, rec.start, rec.end))


def resolve(imp: Import) -> ImportResolution | None:
    """One step: the file the module is, and the member named there (None: external)."""
    from graph_sitter.core.symbols import SourceFile

    ga = imp._ga
    rec = imp._rec
    support = support_for(imp.file.language)
    tf = support.import_file(ga.graph, imp._f, rec)
    if tf is None:
        return None
    name = rec.imported_name
    if name in (None, "*"):
        return ImportResolution(SourceFile(ga, tf), None, True)
    member = support.imported_member(ga.graph, tf, name)
    if member is None:
        sub_file = support.submodule_file(ga.graph, tf, name)
        if sub_file is not None:
            return ImportResolution(SourceFile(ga, sub_file), None, True)
        return ImportResolution(SourceFile(ga, tf), None, True)
    return ImportResolution(SourceFile(ga, tf), ga.symbol(tf, member), False)


def imported_symbol(imp: Import) -> Symbol | SourceFile | None:
    """What the import names one step away: the definition or re-exporting `Import` in the
    module's file, or the file itself (module, wildcard, or a name it re-exports with `*`)."""
    found = resolve(imp)
    if found is None:
        return None
    return found.symbol if found.symbol is not None else found.from_file


def from_file(imp: Import) -> SourceFile | None:
    """The file of this codebase the import reads from (None: external)."""
    found = resolve(imp)
    if found is None:
        return None
    if found.symbol is not None:
        return found.symbol.file
    return found.from_file


# ---------------------------------------------------------------------------- per file
def statements_of(ga: GraphAccess, f: int) -> list[ImportStatement]:
    groups: dict[int, list[int]] = {}
    for d, rec in enumerate(ga.graph.files[f].index.defs):
        if rec.kind == IMPORT and not rec.is_reexport:
            groups.setdefault(rec.start, []).append(d)
    return [ImportStatement(ga, f, tuple(groups[start])) for start in sorted(groups)]


def has_import(ga: GraphAccess, f: int, name: str) -> bool:
    """Whether the file binds `name` by an import (its local name, as upstream)."""
    defs = ga.graph.files[f].index.defs
    return any(rec.kind == IMPORT and not rec.is_reexport and rec.name == name for rec in defs)


def inbound_imports(ga: GraphAccess, f: int) -> list[Import]:
    """Every import of another file that reads from file `f` (one step), in path order."""
    from graph_sitter.core.symbols import Import

    out = []
    for g, pf in enumerate(ga.graph.files):
        if g == f:
            continue
        for d, rec in enumerate(pf.index.defs):
            if rec.kind != IMPORT:
                continue
            imp = ga.symbol(g, d)
            assert isinstance(imp, Import)
            source = from_file(imp)
            if source is not None and source._f == f:
                out.append(imp)
    return out


def importers(ga: GraphAccess, f: int) -> list[SourceFile]:
    """The files that import from file `f`, in path order."""
    seen: dict[int, None] = {}
    for imp in inbound_imports(ga, f):
        seen.setdefault(imp._f, None)
    from graph_sitter.core.symbols import SourceFile

    return [SourceFile(ga, g) for g in seen]
