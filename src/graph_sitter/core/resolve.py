"""Cross-file resolution: module names, imports, namespaces, and the usage index.

A *target* is what a name can denote across files (`core/_targets.py`): a definition
(`SymTarget`), an instance of a class (`InstTarget`), a module named by dots (`ModTarget`) or by
its file (`FileTarget`).

Within a file, the extractor already resolved every reference through lexical scopes to a local
definition or import binding; here import bindings are followed to what they denote, then dotted
chains (``mod.func``, ``Class.method``, ``self.attr``) are followed member by member.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeAlias, TypeVar

from graph_sitter.core._gc import paused_gc
from graph_sitter.core._records import (
    ATTRIBUTE,
    CLASS,
    DEF_HEAD,
    FUNCTION,
    GLOBAL_VAR,
    IMPORT,
    IMPORT_FLAG,
    INSTANCE_HEAD,
    NAMESPACE,
    SELF_HEAD,
    SUPER_HEAD,
    TARGET_STAR,
    DefRecord,
    FileIndex,
)
from graph_sitter.core._targets import FileTarget, InstTarget, ModTarget, SymTarget, Target
from graph_sitter.core.languages import support_for
from graph_sitter.core.parse import ParsedFile

__all__ = ["Graph", "SymKey", "Target", "UsageRec", "class_header_end"]

SymKey: TypeAlias = tuple[int, int]
# (file index, start byte, end byte, flags, owner def index)
UsageRec: TypeAlias = tuple[int, int, int, int, int]
# A class member: its def index, or the span of the constructor an instance attribute holds
Member: TypeAlias = int | tuple[int, int]

_MEMBER_KINDS = frozenset({FUNCTION, CLASS, ATTRIBUTE, GLOBAL_VAR})
_MAX_DEPTH = 24

_T = TypeVar("_T")
# A memo entry: the result and the files read to compute it.
_Memo: TypeAlias = dict[Any, tuple[_T, frozenset[int]]]


class Graph:
    """Resolution state over a list of parsed files.

    While a file is indexed, every other file whose contents the resolution reads is recorded
    (`deps_of`), and so is every usage list it adds to (`contrib`). When files change, `update`
    re-indexes exactly the files that read them, instead of the whole codebase.
    """

    def __init__(
        self,
        files: Sequence[ParsedFile],
        root_name: str = "",
        read_config: Callable[[str], bytes | None] | None = None,
    ) -> None:
        self.files = list(files)
        self.root_name = root_name
        self.version = 0  # bumped whenever files are swapped in (`update`, `shift_files`)
        # `(name, content)` of anything besides `files` that resolution reads (configuration
        # files): part of the graph cache key, so a changed input is never answered from cache.
        self.inputs: list[tuple[str, bytes]] = []
        self.read_config = read_config or _no_config
        self._language_state: dict[str, Any] = {}
        self.file_index: dict[str, int] = {pf.path: i for i, pf in enumerate(self.files)}
        self._module_defs: list[dict[str, int] | None] = [None] * len(self.files)
        self._children: list[dict[int, list[int]] | None] = [None] * len(self.files)
        self._member_tables: list[dict[int, dict[str, Member]] | None] = [None] * len(self.files)
        self._star_tables: list[list[int] | None] = [None] * len(self.files)
        self._namespace_tables: list[dict[tuple[int, str], list[int]] | None] = [None] * len(
            self.files
        )
        # Cached results carry the files read to compute them.
        self._import_cache: dict[SymKey, tuple[Target | None, frozenset[int]]] = {}
        self._export_cache: dict[tuple[int, str], tuple[Target | None, frozenset[int]]] = {}
        self._reexport_tables: list[tuple[dict[str, int], list[int]] | None] = [None] * len(
            self.files
        )
        self._superclass_cache: dict[SymKey, tuple[list[SymTarget], frozenset[int]]] = {}
        self._reads: list[set[int]] = []  # stack: files read by the computations under way
        self._build_module_map()
        self.usages: dict[SymKey, list[UsageRec]] = {}
        self.resolved_refs: list[dict[int, SymKey]] = [{} for _ in self.files]
        self.deps_of: list[frozenset[int]] = [frozenset()] * len(self.files)
        self.contrib: list[set[SymKey]] = [set() for _ in self.files]

    # ----------------------------------------------------------------- dependency tracking
    def note_read(self, f: int) -> None:
        """Record that the file being indexed reads file `f`."""
        self._note(f)

    def _note(self, f: int) -> None:
        if self._reads:
            self._reads[-1].add(f)

    def _begin(self) -> None:
        self._reads.append(set())

    def _end(self) -> frozenset[int]:
        reads = frozenset(self._reads.pop())
        if self._reads:
            self._reads[-1].update(reads)
        return reads

    def _absorb(self, reads: frozenset[int]) -> None:
        if self._reads:
            self._reads[-1].update(reads)

    def _remember(
        self,
        cache: _Memo[_T],
        key: Any,
        f: int,
        guard: _T,
        compute: Callable[..., _T],
        *args: Any,
    ) -> _T:
        """`compute(*args)`, reading file `f` first, kept in `cache` under `key` with the files
        it read. While it runs, the entry holds `guard`: what a cycle back to `key` answers.
        Callers look `key` up first (`cache.get`, then `_absorb` the reads of a hit: inline,
        as hits are most calls)."""
        cache[key] = (guard, frozenset((f,)))
        self._begin()
        self._note(f)
        result = compute(*args)
        cache[key] = (result, self._end())
        return result

    # ----------------------------------------------------------------- module names (Python)
    def _build_module_map(self) -> None:
        paths = set(self.file_index)
        # When the root folder is itself a package, its modules are named after it.
        prefix = ""
        if self.root_name.isidentifier() and ("__init__.py" in paths or "__init__.pyi" in paths):
            prefix = self.root_name
        self.module_of: dict[int, str] = {}
        self.module_map: dict[str, int] = {}
        self.packages: set[str] = set()
        ranked: dict[str, tuple[int, int]] = {}
        for i, pf in enumerate(self.files):
            names = support_for(pf.language).module_names(pf.path, paths, prefix)
            for rank, name in enumerate(names):
                if not name:
                    continue
                known = ranked.get(name)
                if known is None or rank < known[0]:
                    ranked[name] = (rank, i)
                if i not in self.module_of:
                    self.module_of[i] = name
        for name, (_, i) in ranked.items():
            self.module_map[name] = i
            parts = name.split(".")
            for k in range(1, len(parts)):
                self.packages.add(".".join(parts[:k]))

    def module_target(self, name: str) -> ModTarget | None:
        if name in self.module_map or name in self.packages:
            return ModTarget(name)
        return None

    def file_of_target(self, target: Target) -> int | None:
        """The file a module target names (None for a namespace package or a definition)."""
        match target:
            case FileTarget(f):
                return f
            case ModTarget(name):
                return self.module_map.get(name)
        return None

    # ----------------------------------------------------------------- per-file tables
    def module_defs(self, f: int) -> dict[str, int]:
        """Module-level names of file `f` -> def index (a real definition beats an import)."""
        self._note(f)
        table = self._module_defs[f]
        if table is None:
            table = {}
            for d, rec in enumerate(self.files[f].index.defs):
                if rec.parent != -1 or not rec.name or rec.name == "*" or rec.is_reexport:
                    continue
                known = table.get(rec.name)
                if known is None:
                    table[rec.name] = d
                else:
                    old = self.files[f].index.defs[known]
                    if old.kind == IMPORT and rec.kind != IMPORT:
                        table[rec.name] = d
            self._module_defs[f] = table
        return table

    def children(self, f: int, d: int) -> list[int]:
        self._note(f)
        table = self._children[f]
        if table is None:
            table = {}
            for i, rec in enumerate(self.files[f].index.defs):
                if rec.parent >= 0:
                    table.setdefault(rec.parent, []).append(i)
            self._children[f] = table
        return table.get(d, [])

    # ----------------------------------------------------------------- import resolution
    def resolve_import(self, f: int, d: int, depth: int = 0) -> Target | None:
        """What import binding `d` of file `f` denotes (None when external)."""
        key = (f, d)
        hit = self._import_cache.get(key)
        if hit is not None:
            self._absorb(hit[1])
            return hit[0]
        if depth > _MAX_DEPTH:
            return None
        return self._remember(self._import_cache, key, f, None, self._resolve_import, f, d, depth)

    def _resolve_import(self, f: int, d: int, depth: int) -> Target | None:
        pf = self.files[f]
        return support_for(pf.language).resolve_import(self, f, pf.index.defs[d], depth)

    def module_spec_target(self, f: int, spec: str) -> Target | None:
        """The module an import specifier written in file `f` names, or None."""
        return support_for(self.files[f].language).module_spec_target(self, f, spec)

    def spec_file(self, f: int, spec: str) -> int | None:
        """The file of ours an import specifier written in file `f` names, or None."""
        target = self.module_spec_target(f, spec)
        return None if target is None else self.file_of_target(target)

    def language_state(self, name: str, make: Callable[[Graph], _T]) -> _T:
        """What language `name` keeps for resolving over these files (TypeScript: its
        tsconfig-aware module resolver), made by `make(graph)` on first use."""
        state = self._language_state.get(name)
        if state is None:
            state = self._language_state[name] = make(self)
        return state

    def resolution_inputs(self) -> str:
        """Digest of the non-source files resolution reads ("" without TypeScript files)."""
        present = sorted({pf.language for pf in self.files})
        return "".join(support_for(name).resolution_inputs(self) for name in present)

    def import_hop(self, f: int, d: int) -> SymKey | None:
        """The import binding that `from m import name` names in `m`, when `name` is itself
        imported there (a re-export), else None."""
        rec = self.files[f].index.defs[d]
        name = rec.imported_name
        if rec.kind != IMPORT or name in (None, "*", "default"):
            return None
        src, hop = support_for(self.files[f].language).import_hop(self, f, rec, name)
        if src is None or hop is None or self.files[src].index.defs[hop].kind != IMPORT:
            return None
        return (src, hop)

    # ----------------------------------------------------------------- namespaces
    def member(self, ns: Target, name: str, depth: int = 0) -> Target | None:
        """Look `name` up in a namespace target (module, file or class)."""
        if depth > _MAX_DEPTH:
            return None
        # isinstance, not a class `match`: this is resolution's hottest branch
        if isinstance(ns, (SymTarget, InstTarget)):
            return self._class_member(ns.f, ns.d, name, depth)
        if isinstance(ns, ModTarget):
            return self._module_member(ns.name, name, depth)
        if isinstance(ns, FileTarget):
            return self._file_export(ns.f, name, depth)
        return None

    def _module_member(self, mod_name: str, name: str, depth: int) -> Target | None:
        f = self.module_map.get(mod_name)
        sub = f"{mod_name}.{name}"
        if f is not None:
            # Python's rule: what the package namespace binds, else the submodule that exists
            # (`from . import x` in the package binds the submodule itself).
            d = self.module_defs(f).get(name)
            if d is not None and not self._binds_own_submodule(f, d, mod_name):
                return self._follow(f, d, depth)
            if sub in self.module_map:
                return ModTarget(sub)
            star = self._star_lookup(f, name, depth)
            if star is not None:
                return star
        return self.module_target(sub)

    def _binds_own_submodule(self, f: int, d: int, mod_name: str) -> bool:
        """Whether binding `d` of package file `f` is `from . import <name>` (the submodule)."""
        rec = self.files[f].index.defs[d]
        if rec.kind != IMPORT or rec.imported_name != rec.name or rec.module is None:
            return False
        found = self.module_spec_target(f, rec.module)
        return type(found) is ModTarget and found.name == mod_name

    def _follow(self, f: int, d: int, depth: int) -> Target | None:
        self._note(f)
        rec = self.files[f].index.defs[d]
        if rec.kind == IMPORT:
            return self.resolve_import(f, d, depth + 1)
        return SymTarget(f, d)

    def _star_lookup(self, f: int, name: str, depth: int) -> Target | None:
        for d in reversed(self._star_imports(f)):
            base = self.resolve_import(f, d, depth + 1)
            if not isinstance(base, ModTarget | FileTarget):
                continue
            found = self.member(base, name, depth + 1)
            if found is None:
                continue
            # a module found through a module's star import: only one a file backs
            if type(found) is not ModTarget or type(base) is not ModTarget:
                return found
            if self.file_of_target(found):
                return found
        return None

    def _star_imports(self, f: int) -> list[int]:
        self._note(f)
        cached = self._star_tables[f]
        if cached is not None:
            return cached
        cached = self._star_tables[f] = [
            d
            for d, rec in enumerate(self.files[f].index.defs)
            if rec.kind == IMPORT and rec.imported_name == "*" and rec.parent == -1
        ]
        return cached

    def _file_export(self, f: int, name: str, depth: int) -> Target | None:
        """What module file `f` exports as `name` (cached: barrels are asked the same names
        often; a cycle of `export *` answers None)."""
        key = (f, name)
        hit = self._export_cache.get(key)
        if hit is not None:
            self._absorb(hit[1])
            return hit[0]
        if depth > _MAX_DEPTH:
            return None
        compute = self._file_export_of
        return self._remember(self._export_cache, key, f, None, compute, f, name, depth)

    def _file_export_of(self, f: int, name: str, depth: int) -> Target | None:
        index = self.files[f].index
        d = index.exports.get(name)
        if d is not None:
            return self._follow(f, d, depth)
        table = self._reexport_tables[f]
        if table is None:
            named: dict[str, int] = {}
            stars: list[int] = []
            for i, rec in enumerate(index.defs):
                if rec.kind == IMPORT and rec.is_reexport:
                    if rec.imported_name == "*":
                        stars.append(i)
                    else:
                        named.setdefault(rec.name, i)
            table = self._reexport_tables[f] = (named, stars)
        named_at = table[0].get(name)
        if named_at is not None:
            return self.resolve_import(f, named_at, depth + 1)
        if name == "default":
            return None
        for star in table[1]:
            base = self.resolve_import(f, star, depth + 1)
            if type(base) is FileTarget:
                found = self._file_export(base.f, name, depth + 1)
                if found is not None:
                    return found
        return None

    def _members(self, f: int) -> dict[int, dict[str, Member]]:
        """Per class of file `f`: member name -> def index, or constructor span (instances)."""
        table = self._member_tables[f]
        if table is None:
            table = {}
            defs = self.files[f].index.defs
            for i, rec in enumerate(defs):
                if rec.parent < 0:
                    continue
                parent_kind = defs[rec.parent].kind
                if (parent_kind == CLASS and rec.kind in _MEMBER_KINDS) or (
                    parent_kind == NAMESPACE and rec.is_exported and rec.kind != IMPORT
                ):
                    table.setdefault(rec.parent, {}).setdefault(rec.name, i)
            for cls, attr, start, end in self.files[f].index.instance_attrs:
                table.setdefault(cls, {}).setdefault(attr, (start, end))
            self._member_tables[f] = table
        return table

    def _namespaces_merged(self, f: int, d: int) -> list[int]:
        """Namespaces declared with the same name in the same scope as `d` (merged with it)."""
        self._note(f)
        table = self._namespace_tables[f]
        if table is None:
            table = {}
            for i, rec in enumerate(self.files[f].index.defs):
                if rec.kind == NAMESPACE:
                    table.setdefault((rec.parent, rec.name), []).append(i)
            self._namespace_tables[f] = table
        if not table:
            return []
        rec = self.files[f].index.defs[d]
        return [i for i in table.get((rec.parent, rec.name), ()) if i != d]

    def _has_members(self, f: int, d: int) -> bool:
        """Whether `X.name` can be followed from definition `d` (a class or a namespace)."""
        self._note(f)
        kind = self.files[f].index.defs[d].kind
        if kind in (CLASS, NAMESPACE):
            return True
        return bool(self._namespaces_merged(f, d))  # `const X` + type-only `namespace X` too

    def _class_member(self, f: int, d: int, name: str, depth: int) -> Target | None:
        self._note(f)
        defs = self.files[f].index.defs
        kind = defs[d].kind
        members = self._members(f)
        for owner in (d, *self._namespaces_merged(f, d)):
            found = members.get(owner, {}).get(name)
            if isinstance(found, int):
                return SymTarget(f, found)
            if found is not None and owner == d and kind == CLASS:
                return self._instance_of(f, found[0], found[1], depth)
        if kind != CLASS:
            return None
        for base in self.superclasses(f, d):
            inherited = self.member(base, name, depth + 1)
            if inherited is not None:
                return inherited
        return None

    def _typed_attribute(self, f: int, d: int) -> Target | None:
        """The instance a class field holds, when its type or initialiser names a class."""
        self._note(f)
        rec = self.files[f].index.defs[d]
        for cls, attr, start, end in self.files[f].index.instance_attrs:
            if cls == rec.parent and attr == rec.name:
                return self._instance_of(f, start, end, 0)
        return None

    def _instance_of(self, f: int, start: int, end: int, depth: int) -> InstTarget | None:
        """The class a constructor expression at `start..end` builds, as an instance."""
        pf = self.files[f]
        parts = pf.content[start:end].decode("utf-8", "replace").split(".")
        refs = pf.index.refs
        i = bisect_left(refs, (start,))
        if i >= len(refs) or refs[i][0] != start or refs[i][2] < 0:
            return None
        if not all(p.isidentifier() for p in parts):
            return None
        ns = self._follow(f, refs[i][2], depth + 1)
        for part in parts[1:]:
            if ns is None:
                return None
            ns = self.member(ns, part, depth + 1)
        if type(ns) is not SymTarget or depth > _MAX_DEPTH:
            return None
        cf, cd = ns
        if self._is_class(cf, cd):
            return InstTarget(cf, cd)
        # A function whose return annotation names a class: `make().m()`.
        returns = self.files[cf].index.return_types.get(cd)
        if returns is not None and self.files[cf].index.defs[cd].kind == FUNCTION:
            return self._instance_of(cf, returns[0], returns[1], depth + 1)
        return None

    def _base_member(self, f: int, d: int, name: str) -> Target | None:
        """`super().name` in class `d`: the first base (in order) that has `name`."""
        for base in self.superclasses(f, d):
            found = self.member(base, name)
            if found is not None:
                return found
        return None

    def superclasses(self, f: int, d: int) -> list[SymTarget]:
        """Resolved base classes of class `d` (external bases are left out; a class inheriting
        from itself through a cycle has none)."""
        key = (f, d)
        hit = self._superclass_cache.get(key)
        if hit is not None:
            self._absorb(hit[1])
            return hit[0]
        return self._remember(self._superclass_cache, key, f, [], self._superclasses_of, f, d)

    def _superclasses_of(self, f: int, d: int) -> list[SymTarget]:
        result: list[SymTarget] = []
        pf = self.files[f]
        rec = pf.index.defs[d]
        lo, hi = rec.name_end, class_header_end(pf, rec)
        found: list[tuple[int, Target | None]] = []
        chain_heads: set[int] = set()
        for head, head_kind, _, components, _ in pf.index.chains:
            first = components[0][0]
            if lo <= first < hi and head_kind == DEF_HEAD:  # a base written as `module.Class`
                ns: Target | None = self._follow(f, head, 0)
                for start, end in components:
                    if ns is None:
                        break
                    ns = self.member(ns, pf.content[start:end].decode("utf-8", "replace"))
                found.append((first, ns))
                chain_heads.add(first - len(pf.index.defs[head].name) - 1)
        for start, end, target, _, _ in pf.index.refs:
            if lo <= start < hi and start not in chain_heads:
                if target == TARGET_STAR:
                    name = pf.content[start:end].decode("utf-8", "replace")
                    found.append((start, self._star_lookup(f, name, 0)))
                elif target >= 0:
                    found.append((start, self._follow(f, target, 0)))
        for _, base in sorted(found, key=lambda item: item[0]):
            if type(base) is SymTarget and self._is_class(*base) and base not in result:
                result.append(base)
        return result

    # ----------------------------------------------------------------- usage index
    def build_usages(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Resolve every reference of every file and index usages by symbol."""
        total = len(self.files)
        with paused_gc():
            for f in range(total):
                self._index_file(f)
                if progress is not None and (f % 64 == 0 or f == total - 1):
                    progress(f + 1, total)

    def _final(self, f: int, d: int) -> SymKey | None:
        """The definition a local def/import binding finally denotes."""
        rec = self.files[f].index.defs[d]
        if rec.kind != IMPORT:
            return (f, d)
        target = self.resolve_import(f, d)
        if type(target) is SymTarget:
            return (target.f, target.d)
        return None

    def _index_file(self, f: int) -> None:
        self._begin()
        self._note(f)
        try:
            self._index_file_refs(f)
        finally:
            self.deps_of[f] = self._end()

    def _is_class(self, f: int, d: int) -> bool:
        self._note(f)
        return self.files[f].index.defs[d].kind == CLASS

    def _add(self, key: SymKey, record: UsageRec) -> None:
        self.usages.setdefault(key, []).append(record)
        self.contrib[record[0]].add(key)

    def update(self, changed: dict[int, ParsedFile]) -> set[int]:
        """Swap in re-parsed files and re-index every file that read them; return those."""
        touched = set(changed)
        self.version += 1
        for f, pf in changed.items():
            self.files[f] = pf
            self._forget_tables(f)
        redo = self.readers_of(touched)
        for x in redo:
            for key in self.contrib[x]:
                kept = [r for r in self.usages.get(key, ()) if r[0] != x]
                if kept:
                    self.usages[key] = kept
                else:
                    self.usages.pop(key, None)
            self.contrib[x] = set()
            self.resolved_refs[x] = {}
        for key in [k for k in self.usages if k[0] in touched]:
            del self.usages[key]  # definitions of changed files were renumbered
        self._import_cache = {
            k: v for k, v in self._import_cache.items() if k[0] not in redo and not v[1] & touched
        }
        self._export_cache = {
            k: v for k, v in self._export_cache.items() if k[0] not in redo and not v[1] & touched
        }
        self._superclass_cache = {
            k: v
            for k, v in self._superclass_cache.items()
            if k[0] not in redo and not v[1] & touched
        }
        for x in sorted(redo):
            self._index_file(x)
        return redo

    def _forget_tables(self, f: int) -> None:
        self._module_defs[f] = None
        self._children[f] = None
        self._member_tables[f] = None
        self._star_tables[f] = None
        self._namespace_tables[f] = None
        self._reexport_tables[f] = None

    def readers_of(self, files: set[int]) -> set[int]:
        """Files whose resolution read any of `files` (those included)."""
        return {x for x, deps in enumerate(self.deps_of) if deps & files} | files

    def shift_files(self, changed: dict[int, tuple[ParsedFile, Callable[[int], int]]]) -> None:
        """Swap in files whose records only moved (see `_shift`): move their usage records."""
        self.version += 1
        for f, (pf, _) in changed.items():
            self.files[f] = pf
            self._forget_tables(f)
        moves = {f: off for f, (_, off) in changed.items()}
        keys = set().union(*(self.contrib[f] for f in changed))
        for key in keys:
            self.usages[key] = [
                (r[0], moves[r[0]](r[1]), moves[r[0]](r[2]), r[3], r[4]) if r[0] in moves else r
                for r in self.usages[key]
            ]
        for f, (_, off) in changed.items():
            self.resolved_refs[f] = {off(k): v for k, v in self.resolved_refs[f].items()}

    def _index_file_refs(self, f: int) -> None:
        pf = self.files[f]
        index: FileIndex = pf.index
        resolved = self.resolved_refs[f]
        content = pf.content
        for start, end, target, owner, flags in index.refs:
            record = (f, start, end, flags, owner)
            if target == TARGET_STAR:
                name = content[start:end].decode("utf-8", "replace")
                found = self._star_lookup(f, name, 0)
                if type(found) is not SymTarget:
                    continue
                key: SymKey = (found.f, found.d)
                self._add(key, record)
                resolved[start] = key
                continue
            local = (f, target)
            self._add(local, record)
            if index.defs[target].kind == IMPORT:
                final = self._final(f, target)
                if final is not None:
                    self._add(final, record)
                    resolved[start] = final
                else:
                    resolved[start] = local
            else:
                resolved[start] = local
        for d, rec in enumerate(index.defs):
            if rec.kind == IMPORT and rec.imported_name not in (None, "*"):
                final = self._final(f, d)
                if final is not None:
                    self._add(final, (f, rec.start, rec.end, IMPORT_FLAG, rec.parent))
                hop = self.import_hop(f, d)
                if hop is not None and hop != final:  # an import naming another import
                    self._add(hop, (f, rec.start, rec.end, IMPORT_FLAG, rec.parent))
        for head, head_kind, owner, components, last_call in index.chains:
            ns: Target | None
            if head_kind == INSTANCE_HEAD:
                ns = self._instance_of(f, *index.local_ctors[head], 0)
            elif head_kind in (SELF_HEAD, SUPER_HEAD):
                ns = SymTarget(f, head)  # the enclosing class
            elif index.defs[head].kind == IMPORT:
                ns = self.resolve_import(f, head)
            elif self._has_members(f, head):
                ns = SymTarget(f, head)
            else:
                continue  # a local function or variable: its members are not followed
            last = len(components) - 1
            for i, (start, end) in enumerate(components):
                if ns is None:
                    break
                if type(ns) is SymTarget and not self._has_members(*ns):
                    break  # members of functions and variables are not followed
                name = content[start:end].decode("utf-8", "replace")
                if i == 0 and head_kind == SUPER_HEAD:
                    ns = self._base_member(f, head, name)
                else:
                    ns = self.member(ns, name)
                if type(ns) is not SymTarget:
                    continue
                key = (ns.f, ns.d)
                flags = last_call if i == last else 0
                self._add(key, (f, start, end, flags, owner))
                resolved[start] = key
                if self.files[ns.f].index.defs[ns.d].kind == ATTRIBUTE:
                    ns = self._typed_attribute(ns.f, ns.d)  # a field with a known class

    def export_state(self) -> dict[str, Any]:
        """What `build_usages` computed, for the graph cache."""
        return {
            "usages": self.usages,
            "resolved_refs": self.resolved_refs,
            "deps_of": self.deps_of,
            "contrib": self.contrib,
        }

    def import_state(self, state: dict[str, Any]) -> bool:
        """Adopt a cached `export_state()` of the same files instead of `build_usages`."""
        if len(state.get("resolved_refs", ())) != len(self.files):
            return False
        self.usages = state["usages"]
        self.resolved_refs = state["resolved_refs"]
        self.deps_of = state["deps_of"]
        self.contrib = state["contrib"]
        return True

    def iter_usages(self, key: SymKey) -> Iterator[UsageRec]:
        yield from self.usages.get(key, ())


def _no_config(path: str) -> bytes | None:
    return None


def class_header_end(pf: ParsedFile, rec: DefRecord) -> int:
    """Byte offset where a class's body starts (`:` in Python, `{` in TypeScript)."""
    support = support_for(pf.language)
    opener = support.class_body_opener
    opening, closing = (b"([<", b")]>") if support.angle_brackets_nest else (b"([", b")]")
    content = pf.content
    depth = 0
    for pos in range(rec.name_end, rec.end):
        ch = content[pos]
        if ch in opening:
            depth += 1
        elif ch in closing:
            depth -= 1
        elif ch == opener and depth <= 0:
            return pos
    return rec.end
