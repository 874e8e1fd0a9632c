"""Name indexes behind `Codebase.get_function/get_class/get_symbol`, and symbol addresses.

Built once per graph version (lazily, on the first lookup) from the records alone, so a hit is
a few dictionary reads and a miss looks for suggestions among a small set of candidates.

Addresses: every definition has one, unique in its codebase and accepted by `get_symbol`:
``path::qualified.name``, or, when several definitions of the file share that qualified name
(functions nested in different anonymous callbacks, a property's getter and setter),
``path::qualified.name@L<line>`` with the 1-based line of the definition, and
``@L<line>:<column>`` (1-based byte column) when even the line is shared.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from graph_sitter.core._records import IMPORT, DefRecord

if TYPE_CHECKING:
    from graph_sitter.core.resolve import Graph

__all__ = ["NameIndex", "split_address"]

SymKey = tuple[int, int]
_LINE_SUFFIX = re.compile(r"^(?P<name>.+)@L(?P<line>\d+)(?::(?P<col>\d+))?$")
_BAND = 2  # suggestions differ in length by at most this much


def split_address(name: str) -> tuple[str | None, str, tuple[int, int | None] | None]:
    """`path::qualified@L3:5` -> (path, qualified, (3, 5)); parts not given are None."""
    path = None
    if "::" in name:
        path, name = name.split("::", 1)
    where = None
    match = _LINE_SUFFIX.match(name)
    if match is not None:
        col = match.group("col")
        where = (int(match.group("line")), int(col) if col else None)
        name = match.group("name")
    return path, name, where


class NameIndex:
    """Definitions (imports excepted) by simple name and by qualified name."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.version = graph.version
        self.by_name: dict[str, list[SymKey]] = {}
        self.by_qualified: dict[str, list[SymKey]] = {}
        self._qualified: dict[SymKey, str] = {}
        self._addresses: dict[SymKey, str] = {}
        self._buckets: dict[tuple[str, int], list[str]] | None = None
        self._qualified_buckets: dict[tuple[str, int], list[str]] | None = None
        for f, pf in enumerate(graph.files):
            defs = pf.index.defs
            quals: list[str | None] = [None] * len(defs)
            for d, rec in enumerate(defs):
                qual = _qualify(defs, quals, d)
                key = (f, d)
                self._qualified[key] = qual
                if rec.kind == IMPORT or not rec.name:
                    continue
                self.by_name.setdefault(rec.name, []).append(key)
                if qual != rec.name:
                    self.by_qualified.setdefault(qual, []).append(key)
        for table in (self.by_name, self.by_qualified):
            for keys in table.values():
                if len(keys) > 1:
                    keys.sort(key=self._order)

    def is_current(self, graph: Graph) -> bool:
        return graph is self.graph and graph.version == self.version

    def _order(self, key: SymKey) -> tuple[int, int]:
        return key[0], self.graph.files[key[0]].index.defs[key[1]].start

    def qualified_name(self, key: SymKey) -> str:
        return self._qualified[key]

    # ----------------------------------------------------------------- lookups
    def find(self, name: str, kinds: Sequence[str], file: int | None) -> list[SymKey]:
        """Definitions of `kinds` named `name` (simple, else qualified), in `file` if given."""
        _, bare, where = split_address(name) if "@L" in name else (None, name, None)
        defs_of = self.graph.files
        keys = self.by_name.get(bare, [])
        if not keys or not self._any(keys, kinds, file):
            keys = self.by_qualified.get(bare, []) if "." in bare else []
        out = [
            k
            for k in keys
            if (file is None or k[0] == file) and defs_of[k[0]].index.defs[k[1]].kind in kinds
        ]
        if where is not None:
            line, col = where
            out = [k for k in out if self._at(k, line, col)]
        return out

    def _any(self, keys: list[SymKey], kinds: Sequence[str], file: int | None) -> bool:
        files = self.graph.files
        return any(
            (file is None or k[0] == file) and files[k[0]].index.defs[k[1]].kind in kinds
            for k in keys
        )

    def _at(self, key: SymKey, line: int, col: int | None) -> bool:
        row, column = self.graph.files[key[0]].index.defs[key[1]].start_point
        return row + 1 == line and (col is None or column + 1 == col)

    def address(self, key: SymKey) -> str:
        """The symbol's unique address (see the module docstring)."""
        known = self._addresses.get(key)
        if known is not None:
            return known
        f, d = key
        qual = self._qualified[key]
        path = self.graph.files[f].path
        rec = self.graph.files[f].index.defs[d]
        if rec.kind == IMPORT or not rec.name:
            defs = self.graph.files[f].index.defs
            same = [(f, i) for i, r in enumerate(defs) if r.kind == rec.kind and r.name == rec.name]
            same = [k for k in same if self._qualified[k] == qual]
        else:
            table = self.by_qualified if qual != rec.name else self.by_name
            same = [k for k in table.get(qual, []) if k[0] == f and self._qualified[k] == qual]
        address = f"{path}::{qual}"
        if len(same) > 1:
            row, column = rec.start_point
            if sum(1 for k in same if self._row(k) == row) > 1:
                address += f"@L{row + 1}:{column + 1}"
            else:
                address += f"@L{row + 1}"
        self._addresses[key] = address
        return address

    def _row(self, key: SymKey) -> int:
        return int(self.graph.files[key[0]].index.defs[key[1]].start_point[0])

    # ----------------------------------------------------------------- suggestions
    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Close names of every kind (simple, or qualified when `name` has a dot), best first."""
        if not name:
            return []
        if self._buckets is None:
            self._buckets = _buckets(self.by_name)
        if "." in name and self._qualified_buckets is None:
            self._qualified_buckets = _buckets(self.by_qualified)
        buckets = self._qualified_buckets if "." in name else self._buckets
        assert buckets is not None
        lowered = name.lower()
        size = len(lowered)
        pool: dict[str, None] = {}
        for sig in _signatures(lowered):
            for length in range(size - _BAND, size + _BAND + 1):
                for candidate in buckets.get((sig, length), ()):
                    pool[candidate] = None
        return difflib.get_close_matches(name, list(pool), n=limit)


def _qualify(defs: Sequence[DefRecord], quals: list[str | None], d: int) -> str:
    known = quals[d]
    if known is not None:
        return known
    rec = defs[d]
    parent = rec.parent
    qual = f"{_qualify(defs, quals, parent)}.{rec.name}" if 0 <= parent < len(defs) else rec.name
    quals[d] = qual
    return qual


def _signatures(lowered: str) -> tuple[str, ...]:
    """Keys a one- or two-letter typo rarely changes all of: the ends in three combinations
    (3 first + 1 last, 1 first + 3 last, 2 + 2) and the sorted letters (transpositions)."""
    return (
        "a" + lowered[:3] + lowered[-1:],
        "b" + lowered[:1] + lowered[-3:],
        "c" + lowered[:2] + lowered[-2:],
        "d" + "".join(sorted(lowered)),
    )


def _buckets(names: Iterable[str]) -> dict[tuple[str, int], list[str]]:
    out: dict[tuple[str, int], list[str]] = {}
    for name in names:
        lowered = name.lower()
        size = len(lowered)
        for sig in _signatures(lowered):
            key = (sig, size)
            bucket = out.get(key)
            if bucket is None:
                out[key] = [name]
            else:
                bucket.append(name)
    return out
