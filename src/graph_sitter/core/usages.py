"""Usages and dependencies with upstream graph-sitter's vocabulary.

The resolver records, per definition, where it is used (`Graph.usages`). How each usage
reached the definition (`UsageType`) and where it sits in the using code (`UsageKind`) are
worked out here, lazily, when somebody asks: the graph build does not pay for them.

`UsageType` (how):

- DIRECT: the name refers to a definition of the same file, or to an import binding of that
  file (the usage of the `Import` object itself); an import statement naming a definition of
  the module it imports from is a direct usage of that definition.
- CHAINED: reached through attribute access: `module.func`, `Class.method`, `self.attr`,
  `obj.method()` with `obj = Class()`.
- INDIRECT: reached through an import that keeps the name (`from m import f`; `from m import *`),
  or an import statement naming a definition that its module itself imports.
- ALIASED: reached through an import that renames it (`from m import f as g`).

`UsageKind` (where): in a function body, a decorator, a base class list, a parameter's type
or default value, a return type, a type annotation, a type definition, as a generic argument,
in an export statement, or in an import statement.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from enum import IntEnum, IntFlag, auto, unique
from typing import TYPE_CHECKING, Any, TypeVar

from graph_sitter.core._records import (
    IMPORT,
    IMPORT_FLAG,
    REF_CALL,
    REF_TYPE,
    REF_WRITE,
    TARGET_STAR,
)
from graph_sitter.core._view import RangeView, SameIdentity
from graph_sitter.core.expression import Expression
from graph_sitter.core.languages import support_for

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess
    from graph_sitter.core.symbols import Import, SourceFile, Symbol

__all__ = ["QueryList", "Usage", "UsageKind", "UsageType"]

T = TypeVar("T")
SymKey = tuple[int, int]
Point = tuple[int, int]


@unique
class UsageType(IntFlag):
    """How a usage reaches the symbol (combine with `|` to filter on several)."""

    DIRECT = auto()
    CHAINED = auto()
    INDIRECT = auto()
    ALIASED = auto()


class UsageKind(IntEnum):
    """Where a usage sits in the code that uses the symbol."""

    SUBCLASS = auto()
    TYPED_PARAMETER = auto()
    TYPE_ANNOTATION = auto()
    BODY = auto()
    DECORATOR = auto()
    RETURN_TYPE = auto()
    TYPE_DEFINITION = auto()
    EXPORTED_SYMBOL = auto()
    EXPORTED_WILDCARD = auto()
    GENERIC = auto()
    IMPORTED = auto()
    IMPORTED_WILDCARD = auto()
    DEFAULT_VALUE = auto()


class QueryList(list[T]):
    """A list that can also be called to ask the same question with arguments.

    `symbol.usages` is every usage; `symbol.usages(UsageType.DIRECT)` (or `usages()`) asks again
    with a filter. Both are plain lists.
    """

    __slots__ = ("_query",)

    def __init__(self, items: Iterable[T], query: Callable[..., list[T]]) -> None:
        super().__init__(items)
        self._query = query

    def __call__(self, *args: Any, **kwargs: Any) -> QueryList[T]:
        if not args and not kwargs:  # `usages()`: the answer at hand, not a second query
            return QueryList(self, self._query)
        return QueryList(self._query(*args, **kwargs), self._query)


class RefKind(str):
    """`Usage.kind`: our five words ("reference", "call", "write", "type", "import").

    It also compares equal to the `UsageKind` upstream scripts test against
    (`usage.kind == UsageKind.BODY`), worked out when first compared.
    """

    _usage: Usage

    def __new__(cls, word: str, usage: Usage) -> RefKind:
        self = super().__new__(cls, word)
        self._usage = usage
        return self

    def __eq__(self, other: object) -> bool:
        if isinstance(other, UsageKind):
            return self._usage.usage_kind == other
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return (str, (str(self),))


class Usage(SameIdentity, RangeView):
    """One place where a symbol is used.

    `kind` is what the reference does (see `RefKind`); `usage_kind` where it sits (upstream's
    `kind`); `usage_type` how it reached the symbol; `match` the text at the usage (the name;
    for an import statement, the imported name), editable; `usage_symbol` the innermost
    definition holding it (the `Import` for an import statement, else the file).
    `start_point` is where the usage starts (for an import statement, where the statement
    starts); `file`, `filepath` and the byte range come from `RangeView`.
    """

    __slots__ = ("_end", "_f", "_flags", "_ga", "_key", "_owner", "_start")

    def __init__(
        self, ga: GraphAccess, key: SymKey, uf: int, start: int, end: int, flags: int, owner: int
    ) -> None:
        self._ga = ga
        self._key = key
        self._f = uf
        self._start = start
        self._end = end
        self._flags = flags
        self._owner = owner

    def _identity(self) -> tuple[object, ...]:
        return ("usage", self._key, self._f, self._start, self._end)

    def __repr__(self) -> str:
        where = f"{self.filepath}:{self.start_point[0] + 1}"
        return f"<Usage {self.kind} {self.match.source!r} at {where}>"

    @property
    def is_import(self) -> bool:
        """Whether this is an import statement naming the symbol."""
        return bool(self._flags & IMPORT_FLAG)

    @property
    def kind(self) -> RefKind:
        """ "reference" | "call" | "write" | "type" | "import" (also compares to `UsageKind`)."""
        return RefKind(_ref_word(self._flags), self)

    @property
    def symbol(self) -> Symbol:
        """The symbol being used."""
        return self._ga.symbol(*self._key)

    @property
    def usage_symbol(self) -> Symbol | SourceFile:
        if self.is_import:
            imp = self._import_def()
            if imp is not None:
                return self._ga.symbol(self._f, imp)
        if self._owner >= 0:
            return self._ga.symbol(self._f, self._owner)
        return self.file

    @property
    def match(self) -> Expression:
        """The text at the usage, editable: the name; `obj.name` for a member reached
        through a chain (as upstream); for an import statement, the imported name."""
        if self.is_import:
            span = self._imported_name_span()
            if span is not None:
                return Expression(self._ga, self._f, *span)
        elif _ref_at(self._ga, self._f, self._start) is None:  # a member of a chain
            from graph_sitter.core import _details

            start = _details.chain_start(self._ga, self._f, self._start, self._end)
            return Expression(self._ga, self._f, start, self._end)
        return Expression(self._ga, self._f, self._start, self._end)

    @property
    def imported_by(self) -> Import | None:
        """The import of the using file the usage came through, if any."""
        if self.is_import:
            return None
        ref = _ref_at(self._ga, self._f, self._start)
        if ref is None or ref[2] < 0 or (self._f, ref[2]) == self._key:
            return None
        rec = self._ga.graph.files[self._f].index.defs[ref[2]]
        return self._ga.symbol(self._f, ref[2]) if rec.kind == IMPORT else None

    @property
    def usage_type(self) -> UsageType:
        return usage_type_of(self._ga, self._key, self._f, self._start, self._flags)

    @property
    def usage_kind(self) -> UsageKind:
        """Where the usage sits (upstream's `Usage.kind`)."""
        if self.is_import:
            return UsageKind.IMPORTED
        from graph_sitter.core import _details

        return _details.usage_kind_at(self._ga, self._f, self._start, self._end)

    # -- helpers -----------------------------------------------------------------------
    def _import_def(self) -> int | None:
        graph = self._ga.graph
        defs = graph.files[self._f].index.defs
        candidates = [i for i, r in enumerate(defs) if r.kind == IMPORT and r.start == self._start]
        for i in candidates:
            if self._key in (graph._final(self._f, i), graph.import_hop(self._f, i)):
                return i
        return candidates[0] if candidates else None

    def _imported_name_span(self) -> tuple[int, int] | None:
        d = self._import_def()
        if d is None:
            return None
        rec = self._ga.graph.files[self._f].index.defs[d]
        if rec.alias is None or not rec.imported_name:
            return (rec.name_start, rec.name_end)
        content = self._ga.graph.files[self._f].content
        word = rec.imported_name.encode("utf-8")
        pos = content.rfind(word, rec.start, rec.name_start)
        return (pos, pos + len(word)) if pos >= 0 else (rec.name_start, rec.name_end)


def _ref_word(flags: int) -> str:
    if flags & IMPORT_FLAG:
        return "import"
    if flags & REF_CALL:
        return "call"
    if flags & REF_WRITE:
        return "write"
    if flags & REF_TYPE:
        return "type"
    return "reference"


def _ref_at(ga: GraphAccess, f: int, start: int) -> tuple[int, int, int, int, int] | None:
    refs = ga.graph.files[f].index.refs
    i = bisect_left(refs, (start,))
    if i < len(refs) and refs[i][0] == start:
        return refs[i]
    return None


# ----------------------------------------------------------------------------- usage types
def usage_type_of(ga: GraphAccess, key: SymKey, uf: int, start: int, flags: int) -> UsageType:
    graph = ga.graph
    if flags & IMPORT_FLAG:
        for i, rec in enumerate(graph.files[uf].index.defs):
            if rec.kind != IMPORT or rec.start != start:
                continue
            if graph.import_hop(uf, i) == key:
                return UsageType.DIRECT  # an import naming the import binding itself
            if graph._final(uf, i) == key:
                source = _import_source_file(ga, uf, i)
                return UsageType.DIRECT if source == key[0] else UsageType.INDIRECT
        return UsageType.DIRECT
    ref = _ref_at(ga, uf, start)
    if ref is None:
        return UsageType.CHAINED  # a member of a dotted chain
    target = ref[2]
    if target == TARGET_STAR:
        return UsageType.INDIRECT
    if (uf, target) == key:
        return UsageType.DIRECT
    return UsageType.ALIASED if _is_aliased(ga, uf, target, 0) else UsageType.INDIRECT


def _import_source_file(ga: GraphAccess, f: int, d: int) -> int | None:
    """The file an import statement imports from, when it is one of ours."""
    graph = ga.graph
    pf = graph.files[f]
    rec = pf.index.defs[d]
    return support_for(pf.language).import_source(graph, f, rec)


def _is_aliased(ga: GraphAccess, f: int, d: int, depth: int) -> bool:
    """Whether import binding `d` of file `f`, or an import it goes through, renames."""
    graph = ga.graph
    rec = graph.files[f].index.defs[d]
    if rec.kind != IMPORT or depth > 16:
        return False
    original = rec.imported_name or (rec.module or "").rsplit(".", 1)[-1].rsplit("/", 1)[-1]
    if rec.imported_name == "default":
        original = rec.name
    if rec.alias is not None and rec.alias != original:
        return True
    source = _import_source_file(ga, f, d)
    if source is None or not rec.imported_name or rec.imported_name in ("*", "default"):
        return False
    nxt = support_for(graph.files[source].language).module_binding(graph, source, rec.imported_name)
    return nxt is not None and _is_aliased(ga, source, nxt, depth + 1)


# ----------------------------------------------------------------------------- queries
def usages_of(ga: GraphAccess, f: int, d: int, usage_types: UsageType | None = None) -> list[Usage]:
    """Usages of definition `d` of file `f`, in file order, optionally filtered by type."""
    key = (f, d)
    out = [
        Usage(ga, key, uf, start, end, flags, owner)
        for uf, start, end, flags, owner in sorted(set(ga.graph.iter_usages(key)))
    ]
    if usage_types is not None:
        out = [u for u in out if u.usage_type & usage_types]
    return out


def symbol_usages_of(
    ga: GraphAccess, f: int, d: int, usage_types: UsageType | None = None
) -> list[Symbol | SourceFile]:
    """The symbols (top-level ones, methods, imports) or files holding the usages."""
    seen: dict[Any, None] = {}
    for usage in usages_of(ga, f, d, usage_types):
        holder = usage.usage_symbol
        seen.setdefault(getattr(holder, "parent_symbol", holder), None)
    return list(seen)


def dependencies_of(
    ga: GraphAccess,
    f: int,
    d: int,
    usage_types: UsageType | None = UsageType.DIRECT,
    max_depth: int | None = None,
) -> list[Symbol]:
    """What definition `d` needs, upstream's way: local definitions and import bindings it
    names (DIRECT), what those imports lead to (INDIRECT/ALIASED), members reached through
    attribute chains (CHAINED). Sorted by file, then position."""
    found = _direct_dependencies(ga, f, d, usage_types)
    if max_depth is not None and max_depth > 1:
        seen = set(found)
        frontier = list(found)
        for _ in range(max_depth - 1):
            nxt: list[SymKey] = []
            for kf, kd in frontier:
                for dep in _direct_dependencies(ga, kf, kd, usage_types):
                    if dep not in seen:
                        seen.add(dep)
                        nxt.append(dep)
            frontier = nxt
            found.extend(nxt)
    graph = ga.graph

    def position(key: SymKey) -> tuple[str, int, int]:
        rec = graph.files[key[0]].index.defs[key[1]]
        return (graph.files[key[0]].path, rec.start, rec.name_start)

    found.sort(key=position)
    return [ga.symbol(kf, kd) for kf, kd in found]


def _direct_dependencies(
    ga: GraphAccess, f: int, d: int, usage_types: UsageType | None
) -> list[SymKey]:
    graph = ga.graph
    index = graph.files[f].index
    rec = index.defs[d]
    lo, hi = rec.ext_start, rec.end
    inside = {i for i, r in enumerate(index.defs) if lo <= r.start and r.end <= hi}
    wanted = usage_types if usage_types is not None else ~UsageType(0)
    seen: dict[SymKey, None] = {}

    def add(key: SymKey | None, kind: UsageType) -> None:
        if key is None or not kind & wanted:
            return
        if key[0] == f and key[1] in inside:
            return
        seen.setdefault(key, None)

    resolved = graph.resolved_refs[f]
    ref_starts: set[int] = set()
    for start, _, target, _, _ in index.refs:
        if not lo <= start < hi:
            continue
        ref_starts.add(start)
        final = resolved.get(start)
        if target == TARGET_STAR:
            add(final, UsageType.INDIRECT)
            continue
        add((f, target), UsageType.DIRECT)
        if final is not None and final != (f, target):
            aliased = _is_aliased(ga, f, target, 0)
            add(final, UsageType.ALIASED if aliased else UsageType.INDIRECT)
    for start, key in resolved.items():
        if lo <= start < hi and start not in ref_starts:
            add(key, UsageType.CHAINED)
    for i in sorted(inside):
        irec = index.defs[i]
        if irec.kind == IMPORT and i != d and irec.imported_name not in (None, "*"):
            final = graph._final(f, i)
            if final is not None:
                add(final, UsageType.DIRECT)
    return list(seen)


def resolved_dependencies_of(ga: GraphAccess, f: int, d: int) -> list[Symbol]:
    """The definitions `d` uses, imports followed to what they denote (first use first)."""
    graph = ga.graph
    pf = graph.files[f]
    rec = pf.index.defs[d]
    lo, hi = rec.ext_start, rec.end
    if rec.kind == IMPORT:
        return []
    inside = {i for i, r in enumerate(pf.index.defs) if lo <= r.start and r.end <= hi}
    seen: dict[SymKey, None] = {}
    resolved = graph.resolved_refs[f]
    for start in sorted(resolved):
        if lo <= start < hi:
            key = resolved[start]
            if key[0] == f and key[1] in inside:
                continue
            seen.setdefault(key, None)
    return [ga.symbol(kf, kd) for kf, kd in seen]


def parent_symbol_of(symbol: Symbol) -> Symbol:
    """The top-level symbol holding `symbol` (a method of a top-level class, an import: itself)."""
    from graph_sitter.core._records import CLASS, FUNCTION

    ga, f = symbol._ga, symbol._f
    defs = ga.graph.files[f].index.defs
    d = symbol._d
    while True:
        rec = defs[d]
        if rec.parent < 0 or rec.kind == IMPORT:
            return ga.symbol(f, d)
        parent = defs[rec.parent]
        if rec.kind == FUNCTION and parent.kind == CLASS and parent.parent < 0:
            return ga.symbol(f, d)
        d = rec.parent
