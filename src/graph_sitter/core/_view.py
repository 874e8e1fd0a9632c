"""What the small views over part of one file share: calls, usages, import and export
statements, exports and `Expression`.

- `FileView`: `file` and `filepath` of the view's file `_f`;
- `RangeView`: also `start_byte`/`end_byte` (`_start`/`_end`) and `start_point`/`end_point`;
- `SameIdentity`: equal when of the same class and codebase with the same `_identity()`,
  hashed by it (not for `Expression`, which compares as its text).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess
    from graph_sitter.core.symbols import SourceFile

__all__ = ["FileView", "RangeView", "SameIdentity", "point_at"]

Point = tuple[int, int]


def point_at(ga: GraphAccess, f: int, offset: int) -> Point:
    """0-based `(row, column)` of byte `offset` of file `f`."""
    starts = ga.line_starts(f)
    row = bisect_right(starts, offset) - 1
    return (row, offset - starts[row])


class FileView:
    __slots__ = ()
    _ga: GraphAccess
    _f: int

    @property
    def file(self) -> SourceFile:
        from graph_sitter.core.symbols import SourceFile

        return SourceFile(self._ga, self._f)

    @property
    def filepath(self) -> str:
        return str(self._ga.graph.files[self._f].path)


class RangeView(FileView):
    __slots__ = ()
    _start: int
    _end: int

    @property
    def start_byte(self) -> int:
        return self._start

    @property
    def end_byte(self) -> int:
        return self._end

    @property
    def start_point(self) -> Point:
        return point_at(self._ga, self._f, self._start)

    @property
    def end_point(self) -> Point:
        return point_at(self._ga, self._f, self._end)


class SameIdentity:
    __slots__ = ()
    _ga: GraphAccess

    def _identity(self) -> tuple[object, ...]:
        """What tells this view from the others of its class in the same codebase."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, type(self))
            and other._ga is self._ga
            and other._identity() == self._identity()
        )

    def __hash__(self) -> int:
        return hash(self._identity())
