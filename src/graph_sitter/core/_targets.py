"""What a name can denote across files: the targets resolution returns.

- `SymTarget(f, d)`: definition `d` of file `f`;
- `InstTarget(f, d)`: an instance of class `d` of file `f` (`Ctor()`, `self.x = Ctor()`);
- `ModTarget(name)`: a module or package named by dots (a file when one backs it, else a
  namespace package);
- `FileTarget(f)`: a module named by its path (a TypeScript/JavaScript file).

They are named tuples: cheap to build in resolution's inner loops, and matched by class
(`match target: case SymTarget(f, d): ...`). Two targets of different classes can hold equal
fields (`SymTarget(1, 2) == InstTarget(1, 2)` as tuples), so code that compares a target with
another tests its class first, or matches.
"""

from __future__ import annotations

from typing import NamedTuple, TypeAlias

__all__ = ["FileTarget", "InstTarget", "ModTarget", "SymTarget", "Target", "is_sym"]


class SymTarget(NamedTuple):
    """Definition `d` of file `f`."""

    f: int
    d: int


class InstTarget(NamedTuple):
    """An instance of class `d` of file `f`: its members are the class's."""

    f: int
    d: int


class ModTarget(NamedTuple):
    """A module or package named by dots (`a.b`)."""

    name: str


class FileTarget(NamedTuple):
    """A module named by its file (TypeScript/JavaScript)."""

    f: int


Target: TypeAlias = SymTarget | InstTarget | ModTarget | FileTarget


def is_sym(target: Target | None, f: int, d: int) -> bool:
    """Whether `target` is definition `d` of file `f` (not an instance of it)."""
    return type(target) is SymTarget and target == (f, d)
