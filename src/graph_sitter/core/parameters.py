"""`Parameter`: one parameter of a function, as written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph_sitter.core.symbols import Function

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
    parent_function: Function | None = field(default=None, compare=False, repr=False)

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

    # -- edits (queued; each goes through the function, which updates its call sites) ----------
    def _fn(self) -> Function:
        if self.parent_function is None:
            raise ValueError(f"parameter {self.name!r} was not read from a function")
        return self.parent_function

    def rename(self, new_name: str) -> int:
        """Rename the parameter, its uses in the body and `name=` arguments at call sites."""
        return self._fn().rename_parameter(self.name, new_name)

    def remove(self) -> int:
        """Remove the parameter and the argument passing it at every call site."""
        return self._fn().remove_parameter(self.name)

    def edit(self, new_source: str) -> None:
        """Replace the parameter's whole source (`x: int = 0`); call sites are left as they are."""
        self._fn()._edit_parameter(self.name, new_source)

    def set_type_annotation(self, type_source: str) -> None:
        """Set (or replace) the parameter's type annotation."""
        self._fn()._set_parameter_type(self.name, type_source)
