"""`Parameter`: one parameter of a function, as written."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Parameter"]


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of a function.

    `type`, `default` and `source` are `Expression`: strings that also carry `.source`,
    their position and `edit()`.
    """

    name: str
    index: int
    type: str | None
    default: str | None
    source: str
    kind: str  # "positional" | "variadic" (*args) | "keyword_variadic" (**kwargs) | "self"
    is_optional: bool = False  # has a default, is `*args`/`**kwargs`/`...rest`, or TS `x?`
    decorators: tuple[str, ...] = ()  # TypeScript parameter decorators

    @property
    def is_variadic(self) -> bool:
        """`*args`, `**kwargs` or `...rest`."""
        return self.kind in ("variadic", "keyword_variadic")

    @property
    def is_typed(self) -> bool:
        return self.type is not None

    @property
    def value(self) -> str | None:
        """The default value (upstream's name for `default`)."""
        return self.default
