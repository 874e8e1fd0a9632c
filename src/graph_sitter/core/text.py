"""Small values that read like plain Python values and also carry upstream's spellings.

Upstream graph-sitter returns syntax-node objects where this library returns plain values:
`imp.module.source`, `fn.docstring.text`, `export.is_default_export()`. These types keep both
spellings working: a `SourceText` *is* the clean string (so `fn.docstring == "Adds."` holds)
and also has `.source` (the raw text as written) and `.text`; a `Flag` reads as a bool and can
be called.
"""

from __future__ import annotations

__all__ = ["Flag", "SourceText"]


class SourceText(str):
    """A string (the clean value) that also knows its raw text as written.

    Attributes:
        source: The text as it appears in the file (quotes, comment delimiters included).
        text: The clean value; the same as the string itself.
        start_point: 0-based `(row, column)` where `source` starts, when known.
    """

    __slots__ = ("source", "start_point")
    source: str
    start_point: tuple[int, int] | None

    def __new__(
        cls, text: str, source: str | None = None, start_point: tuple[int, int] | None = None
    ) -> SourceText:
        self = super().__new__(cls, text)
        self.source = text if source is None else source
        self.start_point = start_point
        return self

    @property
    def text(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"SourceText({str.__repr__(self)}, source={self.source!r})"

    def __reduce__(self) -> tuple[type[SourceText], tuple[str, str, tuple[int, int] | None]]:
        return (SourceText, (str(self), self.source, self.start_point))


class Flag:
    """A yes/no answer that reads as a bool and can also be called.

    `export.is_reexport` (a property here) and `export.is_reexport()` (upstream's method) give
    the same answer: `if x.is_reexport:`, `not x.is_reexport` and `x.is_reexport == True`
    behave as for a bool, and calling it returns the bool. Compare with `==` or use it in a
    condition; `is True` only holds for the called form.
    """

    __slots__ = ("_value",)

    def __init__(self, value: bool) -> None:
        self._value = bool(value)

    def __bool__(self) -> bool:
        return self._value

    def __call__(self) -> bool:
        return self._value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Flag):
            return self._value == other._value
        if isinstance(other, bool | int):
            return self._value == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return repr(self._value)
