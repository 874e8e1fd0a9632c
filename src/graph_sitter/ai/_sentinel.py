"""``NOT_GIVEN``: an argument left out, as opposed to one given as ``None`` (openai's idiom)."""

from __future__ import annotations

from typing import Final, Literal

__all__ = ["NOT_GIVEN", "NotGiven"]


class NotGiven:
    """The type of :data:`NOT_GIVEN`: an argument left out, as opposed to ``None``."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


#: An argument left out: the default applies (``None`` is a value of its own).
NOT_GIVEN: Final = NotGiven()
