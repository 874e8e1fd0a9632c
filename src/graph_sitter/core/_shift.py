"""Structure-preserving edits: move a file's records instead of re-parsing it.

When every edit of a file swaps one identifier for another identifier that appears nowhere in
the files involved, the syntax tree keeps its shape and every name still resolves the same
way: only byte offsets, columns and a few names move. Re-extracting the file (and re-indexing
every file that reads it) would give the same records, shifted; `shift_index` produces them
directly. `Codebase.commit` uses this for renames and falls back to a full re-parse otherwise.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from graph_sitter.core._records import DefRecord, FileIndex
from graph_sitter.core.edits import Edit

_IDENT = re.compile(rb"[A-Za-z_]\w*")


def is_identifier_swap(content: bytes, edits: list[Edit]) -> bool:
    return all(
        e.label == "rename"
        and _IDENT.fullmatch(content[e.start : e.end]) is not None
        and _IDENT.fullmatch(e.text) is not None
        for e in edits
    )


def mentions(content: bytes, names: set[bytes]) -> bool:
    """Whether any of `names` appears in `content` as a whole word."""
    for name in names:
        if content.find(name) >= 0 and re.search(
            rb"(?<![\w])" + re.escape(name) + rb"(?![\w])", content
        ):
            return True
    return False


class Shift:
    """Maps old byte offsets and (row, column) points of one file to new ones."""

    def __init__(self, content: bytes, edits: list[Edit]) -> None:
        ordered = sorted(edits, key=lambda e: e.start)
        self.ends = [e.end for e in ordered]
        self.cumulative: list[int] = []
        total = 0
        rows: list[int] = []
        row, pos = 0, 0
        for e in ordered:
            row += content.count(b"\n", pos, e.start)
            pos = e.start
            rows.append(row)
            total += len(e.text) - (e.end - e.start)
            self.cumulative.append(total)
        self.rows = rows
        self.first_of_row: dict[int, int] = {}
        for i, r in enumerate(rows):
            self.first_of_row.setdefault(r, i)

    def _count(self, offset: int) -> int:
        return bisect_right(self.ends, offset)

    def offset(self, offset: int) -> int:
        i = self._count(offset)
        return offset + (self.cumulative[i - 1] if i else 0)

    def mover(self) -> Callable[[int], int]:
        """Like `offset`, fastest when called with non-decreasing offsets."""
        ends, cumulative, n = self.ends, self.cumulative, len(self.ends)
        state = [0, 0, -1]  # next edit, delta so far, last offset

        def move(offset: int) -> int:
            if offset < state[2]:
                return self.offset(offset)
            i, delta = state[0], state[1]
            while i < n and ends[i] <= offset:
                delta = cumulative[i]
                i += 1
            state[0], state[1], state[2] = i, delta, offset
            return offset + delta

        return move

    def point(self, point: tuple[int, int], offset: int) -> tuple[int, int]:
        i = self._count(offset)
        if not i or self.rows[i - 1] != point[0]:
            return point
        first = self.first_of_row[point[0]]
        before = self.cumulative[first - 1] if first else 0
        return (point[0], point[1] + self.cumulative[i - 1] - before)


def shift_index(index: FileIndex, shift: Shift, content: bytes, edits: list[Edit]) -> FileIndex:
    """A copy of `index` with offsets moved and names renamed where an edit replaced them."""
    off = shift.offset
    move = shift.mover()
    move_def = shift.mover()
    swaps = [(e.start, e.end, content[e.start : e.end].decode(), e.text.decode()) for e in edits]
    at = {(s, e): new for s, e, _, new in swaps}
    defs: list[DefRecord] = []
    for rec in index.defs:
        new_name = at.get((rec.name_start, rec.name_end))
        imported = rec.imported_name
        if imported not in (None, "*"):
            # The imported name inside the statement (`from m import OLD as alias`).
            for s, _, old, new in swaps:
                if rec.start <= s < rec.end and old == imported:
                    imported = new
                    break
        defs.append(
            DefRecord(
                rec.kind,
                new_name if new_name is not None else rec.name,
                move_def(rec.start),
                off(rec.end),
                off(rec.ext_start),
                off(rec.name_start),
                off(rec.name_end),
                shift.point(rec.start_point, rec.start),
                shift.point(rec.end_point, rec.end),
                rec.parent,
                rec.module,
                imported,
                rec.alias,
                rec.is_reexport,
                rec.is_type_only,
                rec.is_exported,
            )
        )
    return FileIndex(
        language=index.language,
        line_count=index.line_count,
        defs=defs,
        refs=_shift_refs(index.refs, shift),
        chains=_shift_chains(index.chains, shift, move),
        local_ctors=[(off(s), off(e)) for s, e in index.local_ctors],
        instance_attrs=[(c, n, off(s), off(e)) for c, n, s, e in index.instance_attrs],
        return_types={d: (off(s), off(e)) for d, (s, e) in index.return_types.items()},
        exports=dict(index.exports),
        errors=list(index.errors),
    )


def _shift_refs(
    refs: list[tuple[int, int, int, int, int]], shift: Shift
) -> list[tuple[int, int, int, int, int]]:
    """Shift references (sorted by start) with one pass over the edits."""
    ends, cumulative = shift.ends, shift.cumulative
    n = len(ends)
    out = []
    i, before = 0, 0
    for start, end, target, owner, flags in refs:
        while i < n and ends[i] <= start:
            before = cumulative[i]
            i += 1
        after = before
        j = i
        while j < n and ends[j] <= end:
            after = cumulative[j]
            j += 1
        out.append((start + before, end + after, target, owner, flags))
    return out


def _shift_chains(
    chains: list[tuple[int, int, int, tuple[tuple[int, int], ...], int]],
    shift: Shift,
    move: Callable[[int], int],
) -> list[tuple[int, int, int, tuple[tuple[int, int], ...], int]]:
    """Shift chains; those no edit touches move as a block (or not at all)."""
    ends, cumulative = shift.ends, shift.cumulative
    n = len(ends)
    out = []
    for chain in chains:
        comps = chain[3]
        first, last = comps[0][0], comps[-1][1]
        i = bisect_right(ends, first)
        if i == n or ends[i] > last:  # no edit ends inside the chain: one delta for all
            delta = cumulative[i - 1] if i else 0
            if delta == 0:
                out.append(chain)
            else:
                moved = tuple((s + delta, e + delta) for s, e in comps)
                out.append((chain[0], chain[1], chain[2], moved, chain[4]))
        else:
            moved = tuple((move(s), move(e)) for s, e in comps)
            out.append((chain[0], chain[1], chain[2], moved, chain[4]))
    return out
