"""`Expression`: a piece of source that is still a `str`, but knows where it sits.

Upstream graph-sitter hands out node objects where we hand out text (decorators, parameter
types and defaults, call arguments, usage matches). An `Expression` is both: it compares,
hashes, formats and slices like the string it holds, and it adds `source`, `filepath`,
`start_point`/`end_point` and queued edits (`edit`, `remove`) over its byte range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_sitter.core._view import RangeView

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess

__all__ = ["Expression"]

Point = tuple[int, int]


class Expression(str, RangeView):
    """Text of a byte range `start_byte..end_byte` of a file, usable as a plain `str`.

    Equality and hashing are those of the text (two equal texts at different places compare
    equal, as strings do); use `filepath` and `start_byte` to tell places apart.
    """

    def __new__(cls, ga: GraphAccess, f: int, start: int, end: int) -> Expression:
        content = ga.graph.files[f].content
        self = super().__new__(cls, bytes(content[start:end]).decode("utf-8", "replace"))
        self._ga = ga
        self._f = f
        self._start = start
        self._end = end
        return self

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r} at {self.filepath}:{self.start_point[0] + 1}>"

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return (str, (str(self),))  # pickles (and copies) as the plain text

    @property
    def source(self) -> str:
        """The text itself, as a plain `str`."""
        return str(self)

    def edit(self, new_text: str) -> None:
        """Queue replacing this text with `new_text` (applied on `commit()`)."""
        self.file.edit_range(self.start_byte, self.end_byte, new_text)

    def remove(self) -> None:
        """Queue deleting this text (only this range: no surrounding commas or lines)."""
        self.edit("")
