"""TypeScript exports as objects: `file.exports`, `file.export_statements`, `codebase.exports`.

Built on demand from a file's syntax tree and the records the extractor already keeps (the
definitions an `export` statement declares, the `export ... from` import records, the
`exported name -> local binding` table), so building the graph pays nothing for them. One
`ExportStatement` holds one or more `Export`s, one per name it exports:

- `export const a = 1, b = 2` -> `a`, `b` (declared here);
- `export default <declaration | expression>`, `export = x` -> the default export, named after
  the declaration or identifier (`export default 42` is named `42`, as upstream);
- `export default { a, b: c }`, `export = { a }` -> one export per property;
- `export { a as b }` -> `b`, whose `exported_symbol` is the local binding of `a`;
- `export { a as b } from "./m"`, `export * from "./m"`, `export * as ns from "./m"`,
  `export type { T } from "./m"`, `export type * from "./m"` -> re-exports, whose
  `exported_symbol` is the `Import` record of the statement.

Exports inside namespaces belong to the namespace, not to the file (as upstream).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph_sitter.core._records import IMPORT
from graph_sitter.core._view import RangeView, SameIdentity, point_at
from graph_sitter.core.languages import support_for
from graph_sitter.core.languages._protocol import ExportRecord as _ExportData
from graph_sitter.core.languages._protocol import ExportStatementRecord as _StatementData
from graph_sitter.core.text import Flag, SourceText
from graph_sitter.core.usages import QueryList, Usage, UsageType

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess
    from graph_sitter.core.symbols import Import, SourceFile, Symbol

__all__ = ["Export", "ExportStatement"]

_EXPORT_KINDS = ("EXPORT", "TYPE", "WILDCARD")


class ExportStatement(SameIdentity, RangeView):
    """One `export ...` statement of a TypeScript/JavaScript file."""

    __slots__ = ("_data", "_end", "_f", "_ga", "_start")

    def __init__(self, ga: GraphAccess, f: int, data: _StatementData) -> None:
        self._ga = ga
        self._f = f
        self._data = data
        self._start = data.start
        self._end = data.end

    def _identity(self) -> tuple[object, ...]:
        return ("export_statement", self._f, self._data.start)

    def __repr__(self) -> str:
        return f"<ExportStatement {self.filepath}:{self.start_point[0] + 1} {self.source!r}>"

    @property
    def source(self) -> str:
        """The whole statement as written."""
        return _decode(self._ga, self._f, self._data.start, self._data.end)

    @property
    def exports(self) -> list[Export]:
        """One `Export` per exported name, in source order."""
        return [Export(self._ga, self._f, self._data, e) for e in self._data.exports]

    @property
    def reexports(self) -> list[Export]:
        """Exports re-exporting a symbol or module of this codebase (external ones left out)."""
        return [e for e in self.exports if e.is_reexport and not e.is_external_export]

    @property
    def module(self) -> SourceText | None:
        """For `export ... from "m"`: `m` (`.source` keeps the quotes); else None."""
        return _module_text(self._ga, self._f, self._data)

    @property
    def is_reexport(self) -> Flag:
        """Whether the statement re-exports from another module (`export ... from`)."""
        return Flag(self._data.module is not None)

    @property
    def is_wildcard_export(self) -> Flag:
        """`export * from "m"` or `export * as ns from "m"`."""
        return Flag(any(e.is_wildcard for e in self._data.exports))

    @property
    def is_type_export(self) -> Flag:
        """`export type ...`, or every name it exports is type-only."""
        exports = self._data.exports
        return Flag(self._data.is_type or (bool(exports) and all(e.is_type for e in exports)))

    @property
    def is_default_export(self) -> Flag:
        return Flag(any(e.is_default for e in self._data.exports))


class Export(SameIdentity, RangeView):
    """One name a TypeScript/JavaScript file exports (see the module docstring).

    The `is_*` answers are `Flag`s: read them as properties or call them as upstream does
    (`export.is_reexport()`).
    """

    __slots__ = ("_data", "_end", "_f", "_ga", "_start", "_stmt")

    def __init__(self, ga: GraphAccess, f: int, stmt: _StatementData, data: _ExportData) -> None:
        self._ga = ga
        self._f = f
        self._stmt = stmt
        self._data = data
        self._start = data.start
        self._end = data.end

    def _identity(self) -> tuple[object, ...]:
        return ("export", self._f, self._data)

    def __repr__(self) -> str:
        return f"<Export {self.name!r} of {self.filepath}:{self.start_point[0] + 1}>"

    @property
    def name(self) -> str | None:
        """The exported name (`None` for `export * from`)."""
        return self._data.name

    exported_name = name

    @property
    def source(self) -> str:
        """The source of the whole export statement (as upstream)."""
        return _decode(self._ga, self._f, self._stmt.start, self._stmt.end)

    @property
    def export_statement(self) -> ExportStatement:
        return ExportStatement(self._ga, self._f, self._stmt)

    parent = export_statement

    @property
    def module(self) -> SourceText | None:
        """For a re-export, the module it comes from (`.source` keeps the quotes)."""
        return _module_text(self._ga, self._f, self._stmt)

    @property
    def declared_symbol(self) -> Symbol | None:
        """The definition the statement itself declares (`export function f`), or for
        `export ... from` the statement's `Import` record; None for `export { a }`."""
        d = self._data.declared
        return self._ga.symbol(self._f, d) if d >= 0 else None

    @property
    def exported_symbol(self) -> Symbol | None:
        """The local definition or `Import` this export names (one step, not followed)."""
        d = self._data.exported
        return self._ga.symbol(self._f, d) if d >= 0 else None

    @property
    def usages(self) -> QueryList[Usage]:
        """The usages of the exported binding from other files (those reach it through an
        export; a binding exported under two names shares them); callable with
        `usage_types` as `Symbol.usages`. Empty when the export names no binding."""
        target = self.exported_symbol

        def query(usage_types: UsageType | None = None) -> list[Usage]:
            if target is None:
                return []
            found = target.usages(usage_types) if usage_types is not None else target.usages
            return [u for u in found if u.match.filepath != self.filepath]

        return QueryList(query(), query)

    @property
    def symbol_usages(self) -> QueryList[Symbol | SourceFile]:
        """The symbols (or files, for module code) behind `usages`, each once, in order."""

        def query(usage_types: UsageType | None = None) -> list[Symbol | SourceFile]:
            users: dict[Any, Symbol | SourceFile] = {}
            for usage in self.usages(usage_types) if usage_types is not None else self.usages:
                users.setdefault(usage.usage_symbol, usage.usage_symbol)
            return list(users.values())

        return QueryList(query(), query)

    @property
    def resolved_symbol(self) -> Symbol | SourceFile | None:
        """What the export finally denotes, through imports and re-exports: a symbol, or a
        file for `export * (as ns) from`; None when it leaves the codebase or is unknown."""
        d = self._data.exported
        if d < 0:
            return None
        rec = self._ga.graph.files[self._f].index.defs[d]
        if rec.kind == IMPORT:
            return self._ga.resolve_import(self._f, d)
        return self._ga.symbol(self._f, d)

    @property
    def is_default_export(self) -> Flag:
        """The file's default export: `export default`, `export =`, or exported as `default`."""
        return Flag(self._data.is_default)

    @property
    def is_named_export(self) -> Flag:
        return Flag(not self._data.is_default)

    @property
    def is_type_export(self) -> Flag:
        """`export type ...`, `export { type T }`, `export type { T } from`."""
        return Flag(self._data.is_type)

    @property
    def is_wildcard_export(self) -> Flag:
        """`export * from "m"` or `export * as ns from "m"`."""
        return Flag(self._data.is_wildcard)

    @property
    def is_reexport(self) -> Flag:
        """Whether it exports an imported name or another module's exports."""
        d = self._data.exported
        defs = self._ga.graph.files[self._f].index.defs
        return Flag(d >= 0 and defs[d].kind == IMPORT)

    @property
    def is_module_export(self) -> Flag:
        """A wildcard export, or a default export of something other than a symbol."""
        return Flag(self._data.is_wildcard or (self._data.is_default and self._data.exported < 0))

    @property
    def is_aliased(self) -> Flag:
        """Exported under another name than the one it has where it comes from."""
        target = self.exported_symbol
        if target is None or self._data.is_wildcard:
            return Flag(False)
        rec = target._rec
        original = rec.imported_name if rec.kind == IMPORT else rec.name
        return Flag(original is not None and original != self._data.name)

    @property
    def is_external_export(self) -> bool:
        """A re-export of something outside the codebase (a package, a missing file)."""
        return bool(self.is_reexport) and self.resolved_symbol is None

    def reexport_symbol(self) -> Import | None:
        """The `Import` this export re-exports, or None when it is not a re-export."""
        from graph_sitter.core.symbols import Import

        target = self.exported_symbol
        return target if isinstance(target, Import) else None


# ---------------------------------------------------------------------------- file level
def file_statements(ga: GraphAccess, f: int) -> list[_StatementData]:
    """The export statements of file `f` (cached per file content)."""
    pf = ga.graph.files[f]
    if not support_for(pf.language).has_export_statements:
        return []
    cache = ga.export_statements
    hit = cache.get(f)
    if hit is not None and hit[0] is pf:
        return hit[1]
    statements = _extract(ga, f)
    cache[f] = (pf, statements)
    return statements


def statements_of(ga: GraphAccess, f: int) -> list[ExportStatement]:
    """Statements exporting at least one name (`export {};` only marks a module, as upstream)."""
    return [ExportStatement(ga, f, s) for s in file_statements(ga, f) if s.exports]


def exports_of(ga: GraphAccess, f: int) -> list[Export]:
    return [Export(ga, f, s, e) for s in file_statements(ga, f) for e in s.exports]


def get_export(ga: GraphAccess, f: int, name: str) -> Export | None:
    """The export named `name`; for `"default"`, also the default export by any name."""
    exports = exports_of(ga, f)
    found = next((e for e in exports if e.name == name), None)
    if found is None and name == "default":
        found = next((e for e in exports if e._data.is_default), None)
    return found


def statement_for_path(
    ga: GraphAccess, f: int, relative_path: str, export_type: str
) -> ExportStatement | None:
    """The first statement re-exporting from exactly `relative_path` with an export of the
    kind asked: "WILDCARD", "TYPE", or "EXPORT" (neither type-only nor wildcard)."""
    kind = export_type.upper()
    if kind not in _EXPORT_KINDS:
        raise ValueError(
            f"export_type must be one of {', '.join(_EXPORT_KINDS)}, not {export_type!r}"
        )
    wanted = relative_path.strip("'\"")
    content = ga.graph.files[f].content
    for data in file_statements(ga, f):
        if data.module is None:
            continue
        module = content[data.module[0] + 1 : data.module[1] - 1].decode("utf-8", "replace")
        if module != wanted:
            continue
        for e in data.exports:
            if kind == "WILDCARD":
                ok = e.is_wildcard
            elif kind == "TYPE":
                ok = e.is_type
            else:
                ok = not e.is_type and not e.is_wildcard
            if ok:
                return ExportStatement(ga, f, data)
    return None


def symbol_export(ga: GraphAccess, f: int, d: int) -> Export | None:
    """The export of file `f` that exports definition `d` (declared or named), if any."""
    for export in exports_of(ga, f):
        if export._data.declared == d or export._data.exported == d:
            return export
    return None


def is_reexported(ga: GraphAccess, f: int, d: int) -> bool:
    """Whether another file re-exports definition `d` of file `f` (by name or with `*`)."""
    from graph_sitter.core.symbols import SourceFile

    target = ga.symbol(f, d)
    star_reaches = target._rec.is_exported and target._rec.parent < 0
    for g, pf in enumerate(ga.graph.files):
        if g == f or not support_for(pf.language).has_export_statements:
            continue
        for export in exports_of(ga, g):
            if not export.is_reexport:
                continue
            resolved = export.resolved_symbol
            if resolved == target:
                return True
            if star_reaches and export.is_wildcard_export and resolved == SourceFile(ga, f):
                return True
    return False


# ---------------------------------------------------------------------------- extraction
def _decode(ga: GraphAccess, f: int, start: int, end: int) -> str:
    return bytes(ga.graph.files[f].content[start:end]).decode("utf-8", "replace")


def _module_text(ga: GraphAccess, f: int, data: _StatementData) -> SourceText | None:
    if data.module is None:
        return None
    raw = _decode(ga, f, data.module[0], data.module[1])
    return SourceText(raw[1:-1], raw, point_at(ga, f, data.module[0]))


def _extract(ga: GraphAccess, f: int) -> list[_StatementData]:
    pf = ga.graph.files[f]
    return support_for(pf.language).export_statements(
        bytes(pf.content), ga.tree(f).root_node, pf.index, ga.graph.module_defs(f)
    )
