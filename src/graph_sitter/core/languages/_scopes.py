"""Lexical scopes shared by the language extractors.

Scopes nest properly (they come from a syntax tree), so everything here is a single sweep over
positions sorted by byte offset: no tree walking in Python.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

# Scope kinds.
MODULE = "module"
FUNCTION = "function"
CLASS = "class"
LAMBDA = "lambda"
COMPREHENSION = "comp"
BLOCK = "block"

LOCAL = -1  # a name bound to a plain local variable: not a graph symbol
UNBOUND = -3  # a name bound nowhere in the file (builtin, global injected at run time, ...)


class Scope:
    """One scope: its range, its owner definition and the names bound in it."""

    __slots__ = ("binds", "defs", "end", "globals", "kind", "nonlocals", "owner", "parent", "start")

    def __init__(self, start: int, end: int, kind: str, owner: int) -> None:
        self.start = start
        self.end = end
        self.kind = kind
        self.owner = owner  # def index of the function/class that opened it, or -1
        self.parent = -1
        self.binds: set[str] = set()
        self.defs: dict[str, list[tuple[int, int]]] = {}  # name -> [(position, def index)]
        self.globals: set[str] = set()
        self.nonlocals: set[str] = set()

    def add_def(self, name: str, position: int, def_index: int) -> None:
        self.binds.add(name)
        self.defs.setdefault(name, []).append((position, def_index))


def link_scopes(scopes: list[Scope]) -> None:
    """Sort `scopes` by position (outermost first) and set each one's parent and owner."""
    scopes.sort(key=lambda s: (s.start, -s.end))
    stack: list[int] = []
    for i, scope in enumerate(scopes):
        while stack and scopes[stack[-1]].end <= scope.start:
            stack.pop()
        scope.parent = stack[-1] if stack else -1
        if scope.owner < 0 and scope.parent >= 0:
            scope.owner = scopes[scope.parent].owner
        stack.append(i)


class ScopeSweep:
    """Maps increasing positions to the innermost scope containing them."""

    __slots__ = ("_next", "_scopes", "_stack")

    def __init__(self, scopes: list[Scope]) -> None:
        self._scopes = scopes
        self._stack: list[int] = []
        self._next = 0

    def at(self, position: int) -> int:
        """Innermost scope index containing `position` (-1 for the module); positions ascend."""
        scopes, stack = self._scopes, self._stack
        n = len(scopes)
        while self._next < n and scopes[self._next].start <= position:
            start = scopes[self._next].start
            while stack and scopes[stack[-1]].end <= start:
                stack.pop()
            stack.append(self._next)
            self._next += 1
        while stack and scopes[stack[-1]].end <= position:
            stack.pop()
        return stack[-1] if stack else -1


def pick_binding(bindings: list[tuple[int, int]], position: int, sequential: bool) -> int:
    """Choose which of several bindings of one name a reference at `position` sees.

    Code that runs top to bottom (`sequential`: module or class body) sees the latest binding
    before it; a function body, which runs later, sees the first binding of the name.
    """
    if len(bindings) == 1 or not sequential:
        return bindings[0][1]
    i = bisect_right(bindings, (position, 1 << 62))
    return bindings[i - 1][1] if i else bindings[0][1]


class OwnerSweep:
    """Maps increasing positions to the innermost enclosing definition range."""

    __slots__ = ("_i", "_ranges", "_stack")

    def __init__(self, ranges: Iterable[tuple[int, int, int]]) -> None:
        self._ranges = sorted(ranges, key=lambda r: (r[0], -r[1]))
        self._stack: list[tuple[int, int, int]] = []
        self._i = 0

    def at(self, position: int) -> int:
        ranges, stack = self._ranges, self._stack
        n = len(ranges)
        while self._i < n and ranges[self._i][0] <= position:
            r = ranges[self._i]
            while stack and stack[-1][1] <= r[0]:
                stack.pop()
            stack.append(r)
            self._i += 1
        while stack and stack[-1][1] <= position:
            stack.pop()
        return stack[-1][2] if stack else -1
