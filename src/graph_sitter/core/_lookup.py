"""Name indexes behind `Codebase.get_function/get_class/get_symbol`, and symbol addresses.

Built once per graph version (lazily, on the first lookup) from the records alone, so a hit is
a few dictionary reads and a miss looks for suggestions among a small set of candidates, found
in buckets made with the index: no miss, not even the first, pays for the whole vocabulary.

Addresses: every definition has one, unique in its codebase and accepted by `get_symbol`:
``path::qualified.name``, or, when several definitions of the file share that qualified name
(functions nested in different anonymous callbacks, a property's getter and setter),
``path::qualified.name@L<line>`` with the 1-based line of the definition, and
``@L<line>:<column>`` (1-based byte column) when even the line is shared.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from graph_sitter.core._gc import paused_gc
from graph_sitter.core._records import IMPORT, DefRecord

if TYPE_CHECKING:
    from graph_sitter.core.resolve import Graph

__all__ = ["NameIndex", "split_address"]

SymKey = tuple[int, int]
_LINE_SUFFIX = re.compile(r"^(?P<name>.+)@L(?P<line>\d+)(?::(?P<col>\d+))?$")
_BAND = 2  # suggestions differ in length by at most this much
_OWNER_FILES = 100  # files searched for a misspelt qualified name


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
    """Definitions (imports excepted) by simple name; qualified names per file on demand."""

    def __init__(self, graph: Graph) -> None:
        with paused_gc():
            self._build(graph)

    def _build(self, graph: Graph) -> None:
        self.graph = graph
        self.version = graph.version
        self.by_name: dict[str, list[SymKey]] = {}
        self._quals: dict[int, list[str]] = {}
        self._addresses: dict[SymKey, str] = {}
        self._sorted: set[str] = set()
        by_name = self.by_name
        get = by_name.get
        for f, pf in enumerate(graph.files):
            d = -1
            for rec in pf.index.defs:
                d += 1
                name = rec.name
                if name and rec.kind != IMPORT:
                    keys = get(name)
                    if keys is None:
                        by_name[name] = [(f, d)]
                    else:
                        keys.append((f, d))
        self._simple = _Suggestions(by_name)

    def is_current(self, graph: Graph) -> bool:
        return graph is self.graph and graph.version == self.version

    def _order(self, key: SymKey) -> tuple[int, int]:
        return key[0], self.graph.files[key[0]].index.defs[key[1]].start

    def qualified_names(self, f: int) -> list[str]:
        """Qualified name of every definition of file `f`, by def index."""
        quals = self._quals.get(f)
        if quals is None:
            defs = self.graph.files[f].index.defs
            partial: list[str | None] = [None] * len(defs)
            quals = self._quals[f] = [_qualify(defs, partial, d) for d in range(len(defs))]
        return quals

    # ----------------------------------------------------------------- lookups
    def find(self, name: str, kinds: Sequence[str], file: int | None) -> list[SymKey]:
        """Definitions of `kinds` named `name` (simple, else qualified), in `file` if given."""
        _, bare, where = split_address(name) if "@L" in name else (None, name, None)
        files = self.graph.files
        keys = self.by_name.get(bare, [])
        if len(keys) > 1 and bare not in self._sorted:
            keys.sort(key=self._order)  # by file, then position; once per name
            self._sorted.add(bare)
        out = [
            k
            for k in keys
            if (file is None or k[0] == file) and files[k[0]].index.defs[k[1]].kind in kinds
        ]
        if not out and "." in bare:  # a qualified name: candidates share its last part
            out = [
                k
                for k in self.by_name.get(bare.rsplit(".", 1)[1], ())
                if (file is None or k[0] == file)
                and files[k[0]].index.defs[k[1]].kind in kinds
                and self.qualified_names(k[0])[k[1]] == bare
            ]
        if where is not None:
            line, col = where
            out = [k for k in out if self._at(k, line, col)]
        if len(out) > 1 and "." in bare:
            out.sort(key=self._order)
        return out

    def _at(self, key: SymKey, line: int, col: int | None) -> bool:
        row, column = self.graph.files[key[0]].index.defs[key[1]].start_point
        return row + 1 == line and (col is None or column + 1 == col)

    def address(self, key: SymKey) -> str:
        """The symbol's unique address (see the module docstring)."""
        known = self._addresses.get(key)
        if known is not None:
            return known
        f, d = key
        quals = self.qualified_names(f)
        qual = quals[d]
        defs = self.graph.files[f].index.defs
        rec = defs[d]
        is_import = rec.kind == IMPORT
        same = [
            i
            for i, other in enumerate(defs)
            if quals[i] == qual and (other.kind == IMPORT) == is_import and other.name
        ]
        address = f"{self.graph.files[f].path}::{qual}"
        if len(same) > 1:
            row, column = rec.start_point
            if sum(1 for i in same if defs[i].start_point[0] == row) > 1:
                address += f"@L{row + 1}:{column + 1}"
            else:
                address += f"@L{row + 1}"
        self._addresses[key] = address
        return address

    # ----------------------------------------------------------------- suggestions
    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Close names of every kind (simple, or qualified when `name` has a dot), best first."""
        if not name:
            return []
        with paused_gc():
            if "." not in name:
                return self._simple.close(name, limit)
            return self._suggest_qualified(name, limit)

    def _suggest_qualified(self, name: str, limit: int) -> list[str]:
        """Members of the owner given and of owners with close names (in the first
        `_OWNER_FILES` files defining them, so an owner named in every file stays quick)."""
        owner = name.rsplit(".", 1)[0].rsplit(".", 1)[-1]
        owners: dict[int, set[int]] = {}
        for each in [owner, *self._simple.close(owner, limit)] if owner else []:
            for f, d in self.by_name.get(each, ()):
                owners.setdefault(f, set()).add(d)
        low, high = len(name) - _BAND, len(name) + _BAND
        pool: set[str] = set()
        for f in sorted(owners)[:_OWNER_FILES]:
            parents = owners[f]
            defs = self.graph.files[f].index.defs
            partial: list[str | None] = [None] * len(defs)
            for d, rec in enumerate(defs):
                if rec.parent in parents and rec.name and rec.kind != IMPORT:
                    qual = _qualify(defs, partial, d)
                    if low <= len(qual) <= high:
                        pool.add(qual)
        return difflib.get_close_matches(name, sorted(pool), n=limit)


class _Suggestions:
    """Candidates for a misspelt name: names of about its length that share a signature.

    Every bucket is filled up front with cheap keys (slices, and a letter-sum standing in for
    the sorted letters, checked exactly at query time), so a query reads a few buckets only.
    """

    def __init__(self, names: Iterable[str]) -> None:
        buckets: defaultdict[str | int, list[str]] = defaultdict(list)
        for name in names:
            lowered = name.lower()
            buckets["a" + lowered[:3] + lowered[-1:]].append(name)
            buckets["b" + lowered[:1] + lowered[-3:]].append(name)
            buckets["c" + lowered[:2] + lowered[-2:]].append(name)
            buckets[_letter_key(lowered)].append(name)
        self._buckets: dict[str | int, list[str]] = buckets

    def close(self, name: str, limit: int) -> list[str]:
        lowered = name.lower()
        size = len(name)
        low, high = max(size - _BAND, 1), size + _BAND
        pool: dict[str, None] = {}
        sigs = _signatures(lowered)
        buckets = self._buckets
        for sig in sigs[:3]:
            for candidate in buckets.get(sig, ()):
                if low <= len(candidate) <= high:
                    pool[candidate] = None
        anagram = sigs[3]
        for candidate in buckets.get(_letter_key(lowered), ()):
            if low <= len(candidate) <= high and _signatures(candidate.lower())[3] == anagram:
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


def _letter_key(lowered: str) -> int:
    """Equal for names with the same letters (the sorted-letters signature), cheap to compute."""
    return sum(lowered.encode("utf-8", "surrogatepass")) * 1024 + len(lowered)


def _signatures(lowered: str) -> tuple[str, ...]:
    """Keys a one- or two-letter typo rarely changes all of: the ends in three combinations
    (3 first + 1 last, 1 first + 3 last, 2 + 2) and the sorted letters (transpositions)."""
    return (
        "a" + lowered[:3] + lowered[-1:],
        "b" + lowered[:1] + lowered[-3:],
        "c" + lowered[:2] + lowered[-2:],
        "d" + "".join(sorted(lowered)),
    )
