"""Cross-file resolution: module names, imports, namespaces, and the usage index.

A *target* is what a name can denote across files:

- ``("sym", f, d)``: definition ``d`` of file ``f``;
- ``("mod", name)``: a Python module or package (a file when one backs it, else a namespace
  package);
- ``("file", f)``: a TypeScript/JavaScript module file.

Within a file, the extractor already resolved every reference through lexical scopes to a local
definition or import binding; here import bindings are followed to what they denote, then dotted
chains (``mod.func``, ``Class.method``, ``self.attr``) are followed member by member.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeAlias

from graph_sitter.core._gc import paused_gc
from graph_sitter.core._records import (
    ATTRIBUTE,
    CLASS,
    FUNCTION,
    GLOBAL_VAR,
    IMPORT,
    IMPORT_FLAG,
    INSTANCE_HEAD,
    NAMESPACE,
    SUPER_HEAD,
    TARGET_STAR,
    DefRecord,
    FileIndex,
)
from graph_sitter.core.languages import support_for
from graph_sitter.core.languages.python import modules as python_modules
from graph_sitter.core.languages.typescript.modules import ModuleResolver
from graph_sitter.core.parse import ParsedFile

Target: TypeAlias = tuple[Any, ...]
SymKey: TypeAlias = tuple[int, int]
# (file index, start byte, end byte, flags, owner def index)
UsageRec: TypeAlias = tuple[int, int, int, int, int]

_MEMBER_KINDS = frozenset({FUNCTION, CLASS, ATTRIBUTE, GLOBAL_VAR})
_MAX_DEPTH = 24


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
        self._read_config = read_config or _no_config
        self._ts_modules: ModuleResolver | None = None
        self.file_index: dict[str, int] = {pf.path: i for i, pf in enumerate(self.files)}
        self._module_defs: list[dict[str, int] | None] = [None] * len(self.files)
        self._children: list[dict[int, list[int]] | None] = [None] * len(self.files)
        self._member_tables: list[dict[int, dict[str, Any]] | None] = [None] * len(self.files)
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
        self._superclass_cache: dict[SymKey, tuple[list[Target], frozenset[int]]] = {}
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

    def module_target(self, name: str) -> Target | None:
        if name in self.module_map or name in self.packages:
            return ("mod", name)
        return None

    def file_of_target(self, target: Target) -> int | None:
        if target[0] == "file":
            return target[1]
        if target[0] == "mod":
            return self.module_map.get(target[1])
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

    def defs(self, f: int) -> list[DefRecord]:
        return self.files[f].index.defs

    # ----------------------------------------------------------------- import resolution
    def resolve_import(self, f: int, d: int, depth: int = 0) -> Target | None:
        """What import binding `d` of file `f` denotes (None when external)."""
        key = (f, d)
        cached = self._import_cache.get(key)
        if cached is not None:
            self._absorb(cached[1])
            return cached[0]
        if depth > _MAX_DEPTH:
            return None
        self._import_cache[key] = (None, frozenset((f,)))  # cycle guard
        self._begin()
        self._note(f)
        pf = self.files[f]
        rec = pf.index.defs[d]
        result = support_for(pf.language).resolve_import(self, f, rec, depth)
        self._import_cache[key] = (result, self._end())
        return result

    def _python_module(self, f: int, module: str) -> Target | None:
        return python_modules.module_target(self, f, module)

    @property
    def ts_modules(self) -> ModuleResolver:
        """TypeScript module resolution over this graph's files (tsconfig, workspaces)."""
        if self._ts_modules is None:
            self._ts_modules = ModuleResolver(self.file_index, self._read_config)
        return self._ts_modules

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
        kind = ns[0]
        if kind == "mod":
            mod_name: str = ns[1]
            f = self.module_map.get(mod_name)
            sub = f"{mod_name}.{name}"
            if f is not None:
                # Python's rule: what the package namespace binds, else the submodule that
                # exists (`from . import x` in the package binds the submodule itself).
                d = self.module_defs(f).get(name)
                if d is not None and not self._binds_own_submodule(f, d, mod_name):
                    return self._follow(f, d, depth)
                if sub in self.module_map:
                    return ("mod", sub)
                star = self._star_lookup(f, name, depth)
                if star is not None:
                    return star
            return self.module_target(sub)
        if kind == "file":
            return self._ts_export(ns[1], name, depth)
        if kind in ("sym", "inst"):
            f, d = ns[1], ns[2]
            return self._class_member(f, d, name, depth)
        return None

    def _binds_own_submodule(self, f: int, d: int, mod_name: str) -> bool:
        """Whether binding `d` of package file `f` is `from . import <name>` (the submodule)."""
        rec = self.files[f].index.defs[d]
        if rec.kind != IMPORT or rec.imported_name != rec.name or rec.module is None:
            return False
        return self._python_module(f, rec.module) == ("mod", mod_name)

    def _follow(self, f: int, d: int, depth: int) -> Target | None:
        self._note(f)
        rec = self.files[f].index.defs[d]
        if rec.kind == IMPORT:
            return self.resolve_import(f, d, depth + 1)
        return ("sym", f, d)

    def _star_lookup(self, f: int, name: str, depth: int) -> Target | None:
        for d in reversed(self._star_imports(f)):
            base = self.resolve_import(f, d, depth + 1)
            if base is not None and base[0] in ("mod", "file"):
                found = self.member(base, name, depth + 1)
                if found is not None and not (found[0] == "mod" and base[0] == "mod"):
                    return found
                if found is not None and found[0] == "mod" and self.file_of_target(found):
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

    def _ts_export(self, f: int, name: str, depth: int) -> Target | None:
        """What file `f` exports as `name` (cached: barrels are asked the same names often)."""
        key = (f, name)
        cached = self._export_cache.get(key)
        if cached is not None:
            self._absorb(cached[1])
            return cached[0]
        if depth > _MAX_DEPTH:
            return None
        self._export_cache[key] = (None, frozenset((f,)))  # cycle guard (`export *` loops)
        self._begin()
        self._note(f)
        result = self._ts_export_uncached(f, name, depth)
        self._export_cache[key] = (result, self._end())
        return result

    def _ts_export_uncached(self, f: int, name: str, depth: int) -> Target | None:
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
            if base is not None and base[0] == "file":
                found = self._ts_export(base[1], name, depth + 1)
                if found is not None:
                    return found
        return None

    def _members(self, f: int) -> dict[int, dict[str, Any]]:
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
                return ("sym", f, found)
            if found is not None and owner == d and kind == CLASS:
                return self._instance_of(f, found[0], found[1], depth)
        if kind != CLASS:
            return None
        for base in self.superclasses(f, d):
            if base[0] == "sym":
                found = self.member(base, name, depth + 1)
                if found is not None:
                    return found
        return None

    def _typed_attribute(self, f: int, d: int) -> Target | None:
        """The instance a class field holds, when its type or initialiser names a class."""
        self._note(f)
        rec = self.files[f].index.defs[d]
        for cls, attr, start, end in self.files[f].index.instance_attrs:
            if cls == rec.parent and attr == rec.name:
                return self._instance_of(f, start, end, 0)
        return None

    def _instance_of(self, f: int, start: int, end: int, depth: int) -> Target | None:
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
        if ns is None or ns[0] != "sym" or depth > _MAX_DEPTH:
            return None
        if self._is_class(ns[1], ns[2]):
            return ("inst", ns[1], ns[2])
        # A function whose return annotation names a class: `make().m()`.
        returns = self.files[ns[1]].index.return_types.get(ns[2])
        if returns is not None and self.files[ns[1]].index.defs[ns[2]].kind == FUNCTION:
            return self._instance_of(ns[1], returns[0], returns[1], depth + 1)
        return None

    def _base_member(self, f: int, d: int, name: str) -> Target | None:
        """`super().name` in class `d`: the first base (in order) that has `name`."""
        for base in self.superclasses(f, d):
            found = self.member(base, name)
            if found is not None:
                return found
        return None

    def superclasses(self, f: int, d: int) -> list[Target]:
        """Resolved base classes of class `d` (external bases are left out)."""
        key = (f, d)
        cached = self._superclass_cache.get(key)
        if cached is not None:
            self._absorb(cached[1])
            return cached[0]
        self._superclass_cache[key] = ([], frozenset((f,)))  # cycle guard
        self._begin()
        self._note(f)
        result: list[Target] = []
        pf = self.files[f]
        rec = pf.index.defs[d]
        lo, hi = rec.name_end, class_header_end(pf, rec)
        found: list[tuple[int, Target | None]] = []
        chain_heads: set[int] = set()
        for head, is_self, _, components, _ in pf.index.chains:
            first = components[0][0]
            if lo <= first < hi and not is_self:  # a base written as `module.Class`
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
            if base is None or base[0] != "sym":
                continue
            if self._is_class(base[1], base[2]) and base not in result:
                result.append(base)
        self._superclass_cache[key] = (result, self._end())
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
        if target is not None and target[0] == "sym":
            return (target[1], target[2])
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
                if found is None or found[0] != "sym":
                    continue
                key: SymKey = (found[1], found[2])
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
        for head, is_self, owner, components, last_call in index.chains:
            ns: Target | None
            if is_self == INSTANCE_HEAD:
                ns = self._instance_of(f, *index.local_ctors[head], 0)
            elif is_self:
                ns = ("sym", f, head)
            else:
                rec = index.defs[head]
                ns = self.resolve_import(f, head) if rec.kind == IMPORT else ("sym", f, head)
            last = len(components) - 1
            for i, (start, end) in enumerate(components):
                if ns is None:
                    break
                if ns[0] == "sym" and not self._has_members(ns[1], ns[2]):
                    break  # members of functions and variables are not followed
                name = content[start:end].decode("utf-8", "replace")
                if i == 0 and is_self == SUPER_HEAD:
                    ns = self._base_member(f, head, name)
                else:
                    ns = self.member(ns, name)
                if ns is None or ns[0] != "sym":
                    continue
                key = (ns[1], ns[2])
                flags = last_call if i == last else 0
                self._add(key, (f, start, end, flags, owner))
                resolved[start] = key
                if self.files[ns[1]].index.defs[ns[2]].kind == ATTRIBUTE:
                    ns = self._typed_attribute(ns[1], ns[2])  # a field with a known class

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
