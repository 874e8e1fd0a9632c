"""`GraphAccess`: everything views and edit operations use of their `Codebase`, in one place.

A `Codebase` makes one `GraphAccess` and hands it to every view it builds (`Symbol(access, f,
d)`, `SourceFile(access, f)`); views hand it on to the views they build and to the edit
operations (`_edit_ops`, `_move`), which take it as their first argument `ga`. Nothing below
`codebase.py` touches a private member of `Codebase`: what views and edits need is named here.

State it owns (plain attributes, read on hot paths):

- `codebase`: the public `Codebase` (for `files`, `get_file`, `create_file`, `commit` ...);
- `graph`: the resolved `Graph` (replaced by `use_graph` when the file list changes);
- `generation`: bumped by every change of the graph; views made earlier follow their symbol
  (`follow_symbol`, `follow_file`);
- `tx`, `pending_imports`, `edit_limits`: the edit transaction, the imports queued in it, the
  session's edit limits (`queue` checks them);
- caches of views, syntax trees, line starts, the name index, the subclass table and the
  export statements of TypeScript files.
"""

from __future__ import annotations

import difflib
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import tree_sitter as ts

from graph_sitter.core import _details, _handles, calls
from graph_sitter.core._lookup import NameIndex
from graph_sitter.core._records import IMPORT, REF_CALL
from graph_sitter.core._targets import SymTarget
from graph_sitter.core.edits import Edit, EditError, Transaction
from graph_sitter.core.errors import AmbiguousSymbolError, SymbolNotFoundError
from graph_sitter.core.languages import support_for
from graph_sitter.core.parse import parse_tree
from graph_sitter.core.resolve import Graph, class_header_end
from graph_sitter.core.symbols import VIEW_BY_KIND, Class, Parameter, SourceFile, Symbol

if TYPE_CHECKING:
    from graph_sitter.core._edit_ops import EditLimits
    from graph_sitter.core.codebase import Codebase
    from graph_sitter.core.languages._syntax import Syntax

__all__ = ["GraphAccess"]

_TREE_CACHE_SIZE = 64


class GraphAccess:
    """The graph, view construction, syntax trees and the edit queue of one `Codebase`."""

    __slots__ = (
        "_handles",
        "_line_cache",
        "_name_index",
        "_subclasses",
        "_trees",
        "_views",
        "codebase",
        "edit_limits",
        "export_statements",
        "generation",
        "graph",
        "pending_imports",
        "tx",
    )

    graph: Graph

    def __init__(self, codebase: Codebase) -> None:
        """State of a codebase whose first graph `use_graph` brings."""
        self.codebase = codebase
        self.tx = Transaction()
        self.pending_imports: set[tuple[str, str]] = set()
        self.edit_limits: EditLimits | None = None
        self._handles = _handles.Generations()
        self.generation = 0  # views made in an older generation follow their symbol
        # `exports.file_statements` per file index, with the ParsedFile they were read from.
        self.export_statements: dict[int, tuple[Any, list[Any]]] = {}

    # ------------------------------------------------------------------ graph changes
    def use_graph(self, graph: Graph) -> None:
        """Switch to a newly built graph (the file list changed): caches start empty."""
        self.graph = graph
        self._trees: OrderedDict[int, ts.Tree] = OrderedDict()
        self._line_cache: dict[int, list[int]] = {}
        self._name_index: NameIndex | None = None
        self._views: dict[tuple[int, int], tuple[Any, Any]] = {}
        self._subclasses: dict[tuple[int, int], list[tuple[int, int]]] | None = None

    def advance(self, follow: bool = True) -> None:
        """Start a new generation: after a commit (`follow`: where queued edits take symbols)
        or a change of the file list within a transaction (nothing moves)."""
        self._handles.advance(self.graph.files, self.tx.follow if follow else {})
        self.generation = self._handles.current

    def forget(self, files: set[int]) -> None:
        """Drop the cached trees and line starts of files changed in place."""
        for f in files:
            self._trees.pop(f, None)
            self._line_cache.pop(f, None)

    def forget_subclasses(self) -> None:
        self._subclasses = None

    def follow_symbol(self, gen: int, f: int, d: int) -> tuple[int, int]:
        """Where definition `d` of file `f` in generation `gen` is now (or `StaleSymbolError`)."""
        return self._handles.follow_symbol(self.graph, gen, f, d)

    def follow_file(self, gen: int, f: int) -> int:
        return self._handles.follow_file(self.graph, gen, f)

    # ------------------------------------------------------------------ edits
    def queue(self, path: str, edit: Edit) -> None:
        """Add `edit` of file `path` to the transaction (refused for broken or removed files)."""
        f = self.graph.file_index.get(path)
        if f is None:
            raise EditError(f"{path} is not a file of this codebase.")
        problem = self.graph.files[f].problem
        if problem:
            raise EditError(f"Refusing to edit {path}: {problem}.")
        if path in self.tx.deleted:
            raise EditError(f"{path} is removed in this transaction; reset() to edit it.")
        if self.edit_limits is not None:
            self.edit_limits.count()
        self.tx.add(path, edit, self.graph.files[f].content)

    # ------------------------------------------------------------------ views
    def symbol(self, f: int, d: int) -> Any:
        """The view of definition `d` of file `f`: one per definition while its record lives,
        so `a is b` holds as upstream."""
        rec = self.graph.files[f].index.defs[d]
        known = self._views.get((f, d))
        if known is not None and known[0] is rec:
            return known[1]
        view = VIEW_BY_KIND.get(rec.kind, Symbol)(self, f, d)
        self._views[(f, d)] = (rec, view)
        return view

    def symbols_of(self, f: int, kinds: tuple[str, ...] | None, top: bool) -> list[Any]:
        """The definitions of file `f` of `kinds` (None: all), top-level only if `top`."""
        defs = self.graph.files[f].index.defs
        picked = [
            d
            for d, rec in enumerate(defs)
            if (kinds is None or rec.kind in kinds) and (not top or rec.parent < 0)
        ]
        picked.sort(key=lambda d: defs[d].start)
        return [self.symbol(f, d) for d in picked]

    def owner_view(self, f: int, position: int) -> Symbol | SourceFile:
        """The innermost definition (not an import) around `position`, else the file."""
        best = -1
        best_size = 1 << 62
        for d, rec in enumerate(self.graph.files[f].index.defs):
            if rec.kind != IMPORT and rec.ext_start <= position < rec.end:
                size = rec.end - rec.ext_start
                if size < best_size:
                    best, best_size = d, size
        return self.symbol(f, best) if best >= 0 else SourceFile(self, f)

    def names(self) -> NameIndex:
        """The name index of the current graph (rebuilt after a change)."""
        index = self._name_index
        if index is None or not index.is_current(self.graph):
            index = self._name_index = NameIndex(self.graph)
        return index

    def pick(self, found: list[Any], label: str, name: str, optional: bool, pool: list[Any]) -> Any:
        """The one symbol of `found`; None (`optional`) or an error naming near misses."""
        if len(found) == 1:
            return found[0]
        if not found:
            if optional:
                return None
            names = sorted({s.name for s in pool} | {s.qualified_name for s in pool})
            short = name.split("::")[-1]
            raise SymbolNotFoundError(label, name, difflib.get_close_matches(short, names, n=5))
        raise AmbiguousSymbolError(label, name, [s.address for s in found])

    # ------------------------------------------------------------------ syntax trees
    def syntax(self, f: int) -> Syntax:
        """The node types of file `f`'s language, by the part they play."""
        return support_for(self.graph.files[f].language).syntax

    def tree(self, f: int) -> ts.Tree:
        """The syntax tree of file `f`, re-parsed on demand and kept in a small cache."""
        tree = self._trees.get(f)
        if tree is None:
            pf = self.graph.files[f]
            tree = parse_tree(pf.path, pf.content)
            self._trees[f] = tree
            if len(self._trees) > _TREE_CACHE_SIZE:
                self._trees.popitem(last=False)
        else:
            self._trees.move_to_end(f)
        return tree

    def node_for(self, f: int, start: int, end: int) -> ts.Node:
        """The smallest node spanning `start..end` (the definition node itself)."""
        node = self.tree(f).root_node.descendant_for_byte_range(start, end)
        assert node is not None
        return node

    def line_starts(self, f: int) -> list[int]:
        """Byte offset of every line start of file `f`."""
        starts = self._line_cache.get(f)
        if starts is None:
            content = self.graph.files[f].content
            starts = [0]
            find = content.find
            pos = find(b"\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find(b"\n", pos + 1)
            self._line_cache[f] = starts
        return starts

    # ------------------------------------------------------------------ details
    def call_sites(self, f: int, d: int) -> list[Any]:
        """The calls of definition `(f, d)` anywhere in the codebase."""
        out = []
        for uf, start, end, flags, _ in sorted(set(self.graph.iter_usages((f, d)))):
            if flags & REF_CALL:
                call = calls.call_at(self, uf, start, end)
                if call is not None:
                    out.append(call)
        return out

    def calls_within(self, f: int, start: int, end: int) -> list[Any]:
        return calls.calls_in_range(self, f, start, end)

    def parameters(self, f: int, node: ts.Node, is_method: bool) -> list[Parameter]:
        return _details.parameters(self, f, node, is_method)

    def resolve_import(self, f: int, d: int) -> Symbol | SourceFile | None:
        """The symbol or file of this codebase import `(f, d)` denotes, else None."""
        target = self.graph.resolve_import(f, d)
        if target is None:
            return None
        if type(target) is SymTarget:
            return self.symbol(target.f, target.d)
        file_index = self.graph.file_of_target(target)
        return SourceFile(self, file_index) if file_index is not None else None

    def superclass_names(self, f: int, d: int) -> list[str]:
        """Base class expressions of class `(f, d)` as written."""
        pf = self.graph.files[f]
        rec = pf.index.defs[d]
        header = pf.content[rec.name_end : class_header_end(pf, rec)].decode("utf-8", "replace")
        header = header.strip()
        return support_for(pf.language).superclass_names(header)

    def subclasses_of(self, f: int, d: int) -> list[Class]:
        """Classes of this codebase deriving directly from class `(f, d)`."""
        if self._subclasses is None:
            table: dict[tuple[int, int], list[tuple[int, int]]] = {}
            for cls in self.codebase.classes:
                for base in self.graph.superclasses(cls._f, cls._d):
                    table.setdefault((base.f, base.d), []).append((cls._f, cls._d))
            self._subclasses = table
        return [self.symbol(cf, cd) for cf, cd in self._subclasses.get((f, d), [])]
