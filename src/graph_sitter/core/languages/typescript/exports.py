"""TypeScript `export` statements read from the syntax tree: what each one exports.

The core's `file.exports` / `file.export_statements` views are built from these records and
the extractor's own (definitions, `export ... from` import records, the export table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import tree_sitter as ts

from graph_sitter.core._records import IMPORT, FileIndex
from graph_sitter.core.languages._protocol import ExportRecord as _ExportData
from graph_sitter.core.languages._protocol import ExportStatementRecord as _StatementData

__all__ = ["export_statements"]

_TYPE_AFTER_EXPORT = re.compile(rb"export\s+type\b")


def export_statements(
    content: bytes, root: ts.Node, index: FileIndex, module_defs: dict[str, int]
) -> list[_StatementData]:
    """The `export` statements of one file, in order."""
    defs = index.defs
    # Top-level definitions by position, and the statement-owned re-export records.
    top = sorted(
        (rec.name_start, d) for d, rec in enumerate(defs) if rec.parent < 0 and rec.kind != IMPORT
    )
    reexports: dict[int, list[int]] = {}
    for d, rec in enumerate(defs):
        if rec.kind == IMPORT and rec.is_reexport:
            reexports.setdefault(rec.start, []).append(d)
    exported_names = index.exports
    out: list[_StatementData] = []
    for stmt in root.named_children:
        if stmt.type != "export_statement":
            continue
        x = _Statement(content, stmt, top, defs, module_defs, exported_names)
        exports = x.exports(reexports.get(stmt.start_byte, []))
        source = stmt.child_by_field_name("source")
        module = (source.start_byte, source.end_byte) if source is not None else None
        out.append(_StatementData(stmt.start_byte, stmt.end_byte, module, x.is_type, exports))
    return out


class _Statement:
    """Reads the exports of one `export_statement` node."""

    def __init__(
        self,
        content: bytes,
        stmt: ts.Node,
        top: list[tuple[int, int]],
        defs: list[Any],
        module_defs: dict[str, int],
        exported_names: dict[str, int],
    ) -> None:
        self.content = content
        self.stmt = stmt
        self.top = top
        self.defs = defs
        self.module_defs = module_defs
        self.exported_names = exported_names
        self.is_type = _TYPE_AFTER_EXPORT.match(content, stmt.start_byte) is not None
        self.is_default = any(c.type in ("default", "=") for c in stmt.children)

    def text(self, node: ts.Node) -> str:
        return self.content[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def make(
        self,
        node: ts.Node | _Span,
        name: str | None,
        declared: int = -1,
        exported: int = -1,
        *,
        default: bool | None = None,
        typed: bool = False,
        wildcard: bool = False,
    ) -> _ExportData:
        is_default = self.is_default if default is None else default
        return _ExportData(
            node.start_byte,
            node.end_byte,
            name,
            declared,
            exported,
            is_default,
            self.is_type or typed,
            wildcard,
        )

    def exports(self, records: list[int]) -> tuple[_ExportData, ...]:
        stmt = self.stmt
        if records or stmt.child_by_field_name("source") is not None:
            return tuple(self._reexports(records))
        decl = stmt.child_by_field_name("declaration")
        if decl is not None:
            return tuple(self._declaration(decl))
        value = stmt.child_by_field_name("value")
        if value is None and any(c.type == "=" for c in stmt.children):
            value = next((c for c in stmt.named_children if c.type != "comment"), None)
        if value is not None:
            return tuple(self._value(value))
        clause = next((c for c in stmt.named_children if c.type == "export_clause"), None)
        if clause is not None:
            return tuple(self._clause(clause))
        ident = next((c for c in stmt.named_children if c.type == "identifier"), None)
        if ident is not None:  # `export as namespace X` (UMD global)
            return (self.make(ident, self.text(ident)),)
        return ()

    def _reexports(self, records: list[int]) -> list[_ExportData]:
        out = []
        for d in sorted(records, key=lambda i: self.defs[i].name_start):
            rec = self.defs[d]
            wildcard = rec.imported_name in ("*", None)
            name = None if rec.name == "*" else rec.name
            span = _Span(rec.name_start, rec.name_end) if rec.name_end > rec.name_start else None
            node: Any = span or self.stmt
            out.append(
                self.make(
                    node, name, d, d, default=name == "default", typed=rec.is_type_only,
                    wildcard=wildcard,
                )
            )  # fmt: skip
        return out

    def _declaration(self, decl: ts.Node) -> list[_ExportData]:
        if decl.type == "ambient_declaration" and decl.named_child_count:
            decl = decl.named_children[0]
        name_node = decl.child_by_field_name("name")
        if decl.type in ("internal_module", "module", "import_alias"):
            found = []
        else:
            found = self._top_defs_in(decl.start_byte, decl.end_byte)
        if found:
            return [
                self.make(_Span(self.defs[d].start, self.defs[d].end), self.defs[d].name, d, d)
                for d in found
            ]
        if name_node is None:
            name_node = next((c for c in decl.named_children if c.type == "identifier"), None)
        if name_node is None:  # an anonymous default declaration
            return [self.make(decl, self.text(decl))]
        name = self.text(name_node)
        d = self._def_at(name_node.start_byte)
        if d < 0 and decl.type not in ("internal_module", "module", "import_alias"):
            d = self.module_defs.get(name, -1)  # an overload signature merged away
        return [self.make(decl, name, d, d)]

    def _value(self, value: ts.Node) -> list[_ExportData]:
        if value.type in ("parenthesized_expression",) and value.named_child_count:
            value = value.named_children[0]
        if value.type == "identifier":
            name = self.text(value)
            d = self.exported_names.get("default", -1)
            if d < 0 or self.defs[d].name != name:
                d = self.module_defs.get(name, -1)
            return [self.make(value, name, -1, d)]
        if value.type == "object":
            out = []
            for prop in value.named_children:
                if prop.type == "shorthand_property_identifier":
                    name = self.text(prop)
                    out.append(self.make(prop, name, -1, self.module_defs.get(name, -1)))
                elif prop.type == "pair":
                    key = prop.child_by_field_name("key")
                    val = prop.child_by_field_name("value")
                    if key is None:
                        continue
                    target = -1
                    if val is not None and val.type == "identifier":
                        target = self.module_defs.get(self.text(val), -1)
                    out.append(self.make(prop, self.text(key).strip("'\""), -1, target))
            return out
        name_node = value.child_by_field_name("name")
        if name_node is not None:
            d = self._def_at(name_node.start_byte)
            return [self.make(value, self.text(name_node), d, d)]
        return [self.make(value, self.text(value))]

    def _clause(self, clause: ts.Node) -> list[_ExportData]:
        out = []
        for spec in clause.named_children:
            if spec.type != "export_specifier":
                continue
            local = spec.child_by_field_name("name")
            alias = spec.child_by_field_name("alias")
            if local is None:
                continue
            exported_name = self.text(alias if alias is not None else local).strip("'\"")
            local_name = self.text(local)
            d = self.exported_names.get(exported_name, -1)
            if d < 0 or self.defs[d].name != local_name:
                d = self.module_defs.get(local_name, -1)
            typed = any(c.type == "type" for c in spec.children)
            out.append(
                self.make(spec, exported_name, -1, d, default=exported_name == "default",
                          typed=typed)
            )  # fmt: skip
        return out

    def _top_defs_in(self, start: int, end: int) -> list[int]:
        from bisect import bisect_left

        lo = bisect_left(self.top, (start, -1))
        hi = bisect_left(self.top, (end, -1))
        found = [d for _, d in self.top[lo:hi]]
        # Keep the outermost: a namespace's members are not exports of the file.
        return [
            d
            for d in found
            if not any(
                o != d
                and self.defs[o].start <= self.defs[d].start
                and self.defs[d].end <= self.defs[o].end
                and (self.defs[o].start, self.defs[o].end) != (self.defs[d].start, self.defs[d].end)
                for o in found
            )
        ]

    def _def_at(self, name_start: int) -> int:
        from bisect import bisect_left

        i = bisect_left(self.top, (name_start, -1))
        if i < len(self.top) and self.top[i][0] == name_start:
            return self.top[i][1]
        return -1


@dataclass(frozen=True, slots=True)
class _Span:
    """A byte range standing in for a node where only offsets are known."""

    start_byte: int
    end_byte: int
