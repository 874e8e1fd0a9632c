"""`Codebase`: the code graph of a folder (or of in-memory files)."""

from __future__ import annotations

import difflib
import logging
import os
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import tree_sitter as ts

from graph_sitter.core import _details, _edit_ops, _handles, calls
from graph_sitter.core._gc import paused_gc
from graph_sitter.core._hooks import run_reset_hooks
from graph_sitter.core._lookup import NameIndex, split_address
from graph_sitter.core._records import (
    CLASS,
    ENUM,
    FUNCTION,
    GLOBAL_VAR,
    IMPORT,
    INTERFACE,
    NAMESPACE,
    REF_CALL,
    TYPE_ALIAS,
    FileIndex,
)
from graph_sitter.core._shift import Shift, is_identifier_swap, mentions, shift_index
from graph_sitter.core._targets import SymTarget
from graph_sitter.core.discover import DEFAULT_MAX_FILE_BYTES, Discovery, Skipped, discover
from graph_sitter.core.edits import (
    DiskStamp,
    Edit,
    EditError,
    EditValidationError,
    Transaction,
    apply_edits,
    check_inside,
    probe_file,
    read_with_stamp,
    unified_diff,
    write_atomically,
)
from graph_sitter.core.errors import (
    AmbiguousSymbolError,
    ChangedOnDiskError,
    CodebaseLoadError,
    FileNotFoundInCodebaseError,
    PathOutsideCodebaseError,
    SymbolNotFoundError,
)
from graph_sitter.core.exports import Export
from graph_sitter.core.journal import RepairReport, recover
from graph_sitter.core.languages import (
    LANGUAGES,
    LanguageSupport,
    language_for_path,
    normalize_language,
    support_for,
)
from graph_sitter.core.languages.typescript.modules import is_config_file
from graph_sitter.core.parse import (
    ParsedFile,
    default_cache_dir,
    detect_encoding,
    graph_cache_key,
    parse_files,
    parse_one,
    parse_tree,
    read_graph_state,
    write_graph_state,
)
from graph_sitter.core.resolve import Graph, class_header_end
from graph_sitter.core.symbols import (
    VIEW_BY_KIND,
    Class,
    Function,
    GlobalVar,
    Import,
    Interface,
    Parameter,
    SourceFile,
    Symbol,
    TypeAlias,
)

__all__ = ["Codebase", "FileList"]

logger = logging.getLogger("graph_sitter.core")

ProgressCallback = Callable[[str, int, int], None]
_TOP_KINDS = (FUNCTION, CLASS, GLOBAL_VAR, INTERFACE, TYPE_ALIAS, ENUM, NAMESPACE)
_TREE_CACHE_SIZE = 64


class Codebase:
    """The code graph of a repository: files, symbols, imports, usages.

    Args:
        path: Root folder of the codebase.
        language: "python" or "typescript" (which also covers JavaScript) to parse only that
            language; None parses every supported file.
        respect_gitignore: Skip files matched by `.gitignore` files.
        exclude_dirs: Folder names never entered (defaults to vendored/generated folders).
        max_file_bytes: Larger files are skipped (and reported in `skipped`).
        cache_dir: Where parse results are cached by content hash; None for the default
            (`GRAPH_SITTER_CACHE_DIR` or the user cache folder), "" to disable.
        workers: Parse processes (default: one per core).
        progress: Called as `progress(stage, done, total)` while building; the stages, in
            order: "read" (reading the files), "parse", then "load" (the resolved graph from
            the cache) or "resolve" (names to definitions).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        language: str | None = None,
        *,
        respect_gitignore: bool = True,
        exclude_dirs: Iterable[str] | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        cache_dir: str | None = None,
        workers: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        root = os.path.abspath(os.fspath(path))
        if not os.path.isdir(root):
            raise CodebaseLoadError(f"Codebase root {root!r} is not a readable folder.")
        self.root = root
        self._configs: dict[str, bytes] | None = None  # None: config files are read from disk
        languages = (normalize_language(language),) if language else tuple(LANGUAGES.values())
        kwargs: dict[str, Any] = {}
        if exclude_dirs is not None:
            kwargs["excluded_dirs"] = frozenset(exclude_dirs)
        self._discover: Callable[[], Discovery] = lambda: discover(
            root,
            languages,
            respect_gitignore=respect_gitignore,
            max_file_bytes=max_file_bytes,
            **kwargs,
        )
        self._repair_report = _repair(root, ())
        found = self._discover()
        if found.stray_temps:
            _repair(root, found.stray_temps)
        self.skipped: list[Skipped] = list(found.skipped)
        self._stamps: dict[str, DiskStamp] = {}
        sources = self._read_sources(found.files, progress)
        cache = default_cache_dir() if cache_dir is None else (cache_dir or None)
        self._cache_dir = cache
        self._init_graph(sources, languages, cache, workers, progress)

    def _read_sources(
        self, files: Sequence[tuple[str, LanguageSupport]], progress: ProgressCallback | None = None
    ) -> list[tuple[str, str, bytes]]:
        """Read files (noting their stamps); unreadable and binary ones go to `skipped`."""
        sources: list[tuple[str, str, bytes]] = []
        for i, (rel, lang) in enumerate(files):
            if progress is not None and i % 64 == 0:
                progress("read", i, len(files))
            try:
                content, stamp = read_with_stamp(os.path.join(self.root, rel))
            except OSError as exc:
                self.skipped.append(Skipped(rel, f"unreadable ({exc.strerror or exc})"))
                continue
            if b"\0" in content[:8192]:
                self.skipped.append(Skipped(rel, "binary"))
                continue
            self._stamps[rel] = stamp
            sources.append((rel, lang.name, content))
        return sources

    @classmethod
    def from_files(cls, files: Mapping[str, str | bytes], language: Any = None) -> Codebase:
        """Build a codebase from in-memory `{path: source}` (nothing is read or written).

        `language` ("python", "typescript", or an enum whose value is one) keeps only files of
        that language; by default every supported file is parsed.
        """
        self = cls.__new__(cls)
        self.root = ""
        self.skipped = []
        self._configs = {}
        self._stamps = {}
        language = _language_name(language)
        languages = (normalize_language(language),) if language else tuple(LANGUAGES.values())
        wanted = {lang.name for lang in languages}
        sources: list[tuple[str, str, bytes]] = []
        for path, text in sorted(files.items()):
            rel = _normalize_rel(path)
            lang = language_for_path(rel)
            if lang is None and is_config_file(rel):  # tsconfig.json, package.json, ...
                self._configs[rel] = text.encode("utf-8") if isinstance(text, str) else text
                continue
            if lang is None or lang.name not in wanted:
                self.skipped.append(Skipped(rel, "unsupported file type"))
                continue
            content = text.encode("utf-8") if isinstance(text, str) else bytes(text)
            sources.append((rel, lang.name, content))
        self._cache_dir = None
        self._init_graph(sources, languages, None, 1, None)
        return self

    @classmethod
    def from_string(cls, code: str, *, language: Any) -> Codebase:
        """A one-file codebase from source text: `test.py` or `test.ts`, as upstream names it.

        Args:
            code: The file's source.
            language: "python" or "typescript" (required: a snippet does not say which).
        """
        name = _language_name(language)
        if not name:
            raise TypeError("Codebase.from_string() needs language='python' or 'typescript'")
        lang = normalize_language(name)
        filename = f"test{lang.extensions[0]}"  # .py, .ts
        return cls.from_files({filename: code}, language=lang.name)

    def _init_graph(
        self,
        sources: list[tuple[str, str, bytes]],
        languages: tuple[LanguageSupport, ...],
        cache_dir: str | None,
        workers: int | None,
        progress: ProgressCallback | None,
    ) -> None:
        self._tx = Transaction()
        self._pending_imports: set[tuple[str, str]] = set()
        self._handles = _handles.Generations()
        self._generation = 0  # views made in an older generation follow their symbol
        parse_progress = (lambda d, t: progress("parse", d, t)) if progress else None
        if progress is not None:
            progress("parse", 0, len(sources))
        parsed = parse_files(sources, cache_dir=cache_dir, workers=workers, progress=parse_progress)
        counts = Counter(pf.language for pf in parsed)
        self.language: str = (
            counts.most_common(1)[0][0]
            if counts
            else (languages[0].name if languages else "python")
        )
        self._set_files(parsed, progress, cache_dir)

    def _set_files(
        self,
        parsed: list[ParsedFile],
        progress: ProgressCallback | None = None,
        cache_dir: str | None = None,
        advance: bool = False,
    ) -> None:
        if advance:
            self._advance()
        root_name = os.path.basename(self.root.rstrip(os.sep))
        self._graph = Graph(parsed, root_name, self._read_config)
        # The resolved graph of an unchanged tree is cached too: a second build only reads.
        inputs = list(self._graph.inputs)
        if ts_inputs := self._graph.resolution_inputs():  # tsconfig.json, package.json
            inputs.append(("<typescript configuration>", ts_inputs.encode()))
        key = graph_cache_key(parsed, root_name, inputs) if cache_dir else None
        if progress is not None and cache_dir and key:
            progress("load", 0, 1)
        state = read_graph_state(cache_dir, key) if cache_dir and key else None
        loaded = state is not None and self._graph.import_state(state)
        if loaded and progress is not None:
            progress("load", 1, 1)
        if not loaded:
            resolve_progress = (lambda d, t: progress("resolve", d, t)) if progress else None
            self._graph.build_usages(resolve_progress)
            if cache_dir and key:
                write_graph_state(cache_dir, key, self._graph.export_state())
        self._trees: OrderedDict[int, ts.Tree] = OrderedDict()
        self._line_cache: dict[int, list[int]] = {}
        self._by_kind: dict[str, list[Any]] | None = None
        self._name_index: NameIndex | None = None
        self._views: dict[tuple[int, int], tuple[Any, Any]] = {}
        self._subclasses: dict[tuple[int, int], list[tuple[int, int]]] | None = None

    def _read_config(self, path: str) -> bytes | None:
        """A configuration file module resolution asks for (tsconfig.json, package.json)."""
        if self._configs is not None:
            return self._configs.get(path)
        try:
            with open(os.path.join(self.root, *path.split("/")), "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def __repr__(self) -> str:
        return f"<Codebase {self.root or '(in memory)'}: {len(self._graph.files)} files>"

    # ------------------------------------------------------------------ collections
    def _collect(self) -> dict[str, list[Any]]:
        if self._by_kind is None:
            by_kind: dict[str, list[Any]] = {}
            for f, pf in enumerate(self._graph.files):
                for d in sorted(range(len(pf.index.defs)), key=lambda i: pf.index.defs[i].start):
                    rec = pf.index.defs[d]
                    by_kind.setdefault(rec.kind, []).append(self._symbol(f, d))
            self._by_kind = by_kind
        return self._by_kind

    @property
    def files(self) -> FileList:
        """Every parsed file, sorted by path; also callable as `files(extensions=[".ts"])`."""
        return FileList(SourceFile(self, f) for f in range(len(self._graph.files)))

    @property
    def functions(self) -> list[Function]:
        """Every function that is not a method (module-level and nested); see `methods`."""
        return [fn for fn in self._collect().get(FUNCTION, []) if not fn.is_method]

    @property
    def methods(self) -> list[Function]:
        return [fn for fn in self._collect().get(FUNCTION, []) if fn.is_method]

    @property
    def classes(self) -> list[Class]:
        return list(self._collect().get(CLASS, []))

    @property
    def global_vars(self) -> list[GlobalVar]:
        return list(self._collect().get(GLOBAL_VAR, []))

    @property
    def imports(self) -> list[Import]:
        return list(self._collect().get(IMPORT, []))

    @property
    def interfaces(self) -> list[Interface]:
        return list(self._collect().get(INTERFACE, []))

    @property
    def types(self) -> list[TypeAlias]:
        return list(self._collect().get(TYPE_ALIAS, []))

    @property
    def exports(self) -> list[Export]:
        """Every `Export` of every TypeScript/JavaScript file (Python has none)."""
        from graph_sitter.core.exports import exports_of

        return [e for f in range(len(self._graph.files)) for e in exports_of(self, f)]

    @property
    def symbols(self) -> list[Symbol]:
        """Top-level definitions of every file (functions, classes, variables, TS types)."""
        return [s for f in self.files for s in f.symbols]

    @property
    def problems(self) -> list[tuple[str, str]]:
        """`(path, problem)` for files that parsed only in part or decoded badly."""
        out = []
        for pf in self._graph.files:
            if pf.problem:
                out.append((pf.path, pf.problem))
            if pf.index.errors:
                row = pf.index.errors[0][0][0] + 1
                out.append(
                    (pf.path, f"{len(pf.index.errors)} syntax error(s), first at line {row}")
                )
        return out

    # ------------------------------------------------------------------ lookups
    def get_file(self, path: str | os.PathLike[str], optional: bool = False) -> SourceFile | None:
        """The file at `path` (relative to the root, or absolute inside it)."""
        rel = self._relative(os.fspath(path))
        f = self._graph.file_index.get(rel)
        if f is not None:
            return SourceFile(self, f)
        if optional:
            return None
        close = difflib.get_close_matches(rel, list(self._graph.file_index), n=5)
        raise FileNotFoundInCodebaseError("file", rel, close)

    def get_function(self, name: str, optional: bool = False) -> Function | None:
        """A function or method by name, `Class.method`, `path::name` or an address."""
        return self._lookup((FUNCTION,), "function", name, optional)

    def get_class(self, name: str, optional: bool = False) -> Class | None:
        return self._lookup((CLASS,), "class", name, optional)

    def get_symbol(self, name: str, optional: bool = False) -> Symbol | None:
        """A definition by name, qualified name, `path::name`, or its `address`."""
        return self._lookup(_TOP_KINDS, "symbol", name, optional)

    def get_symbols(self, name: str) -> list[Symbol]:
        """Every definition named `name` (or with that qualified name)."""
        return self._matching(_TOP_KINDS, name)

    def _names(self) -> NameIndex:
        index = self._name_index
        if index is None or not index.is_current(self._graph):
            index = self._name_index = NameIndex(self._graph)
        return index

    def _matching(self, kinds: tuple[str, ...], name: str) -> list[Any]:
        file = None
        if "::" in name:
            path, name = name.split("::", 1)
            file = self._graph.file_index.get(self._relative(path))
            if file is None:
                return []
        return [self._symbol(f, d) for f, d in self._names().find(name, kinds, file)]

    def _lookup(self, kinds: tuple[str, ...], label: str, name: str, optional: bool) -> Any:
        found = self._matching(kinds, name)
        if len(found) > 1 and "." not in name.split("::")[-1]:
            # A module-level definition wins over same-named methods and nested functions.
            top = [s for s in found if s._rec.parent < 0]
            if len(top) == 1:
                found = top
        if len(found) == 1:
            return found[0]
        if not found:
            if optional:
                return None
            raise SymbolNotFoundError(label, name, self._suggestions(kinds, name))
        raise AmbiguousSymbolError(label, name, [s.address for s in found])

    def _suggestions(self, kinds: tuple[str, ...], name: str) -> list[str]:
        path, bare, where = split_address(name)
        if where is not None:  # an address whose line is off: the addresses of that name
            same = self._matching(kinds, f"{path}::{bare}" if path is not None else bare)
            if same:
                return [s.address for s in same[:5]]
        return self._names().suggest(bare)

    def _pick(
        self, found: list[Any], label: str, name: str, optional: bool, pool: list[Any]
    ) -> Any:
        if len(found) == 1:
            return found[0]
        if not found:
            if optional:
                return None
            names = sorted({s.name for s in pool} | {s.qualified_name for s in pool})
            short = name.split("::")[-1]
            raise SymbolNotFoundError(label, name, difflib.get_close_matches(short, names, n=5))
        raise AmbiguousSymbolError(label, name, [s.address for s in found])

    def _relative(self, path: str) -> str:
        if self.root and os.path.isabs(path):
            real_root = os.path.realpath(self.root)
            real = os.path.realpath(path)
            if os.path.commonpath([real_root, real]) != real_root:
                raise PathOutsideCodebaseError(path, self.root)
            return os.path.relpath(real, real_root).replace(os.sep, "/")
        rel = _normalize_rel(path)
        if rel == ".." or rel.startswith("../"):
            raise PathOutsideCodebaseError(path, self.root or "(in memory)")
        return rel

    # ------------------------------------------------------------------ edits
    @property
    def has_pending_edits(self) -> bool:
        return bool(self._tx)

    def _queue(self, path: str, edit: Edit) -> None:
        f = self._graph.file_index.get(path)
        if f is None:
            raise EditError(f"{path} is not a file of this codebase.")
        problem = self._graph.files[f].problem
        if problem:
            raise EditError(f"Refusing to edit {path}: {problem}.")
        if path in self._tx.deleted:
            raise EditError(f"{path} is removed in this transaction; reset() to edit it.")
        limits = getattr(self, "_edit_limits", None)
        if limits is not None:
            limits.count()
        self._tx.add(path, edit, self._graph.files[f].content)

    def create_file(self, path: str, content: str = "", sync: bool = True) -> SourceFile:
        """Create a file in this transaction and return it (written on `commit`).

        The file is part of the graph at once: move symbols into it, add imports to it, edit
        it; `reset()` drops it again. `sync` is accepted for upstream compatibility.
        """
        del sync
        rel = self._relative(path)
        check_inside(self.root or "/", rel) if self.root else None
        if rel in self._graph.file_index or rel in self._tx.created:
            raise EditError(f"{rel} already exists.")
        lang = language_for_path(rel)
        if lang is None:
            raise EditError(f"{rel}: unsupported file type.")
        data = content.encode("utf-8")
        _, index = parse_one(rel, data)
        self._tx.created[rel] = data
        files = {pf.path: pf for pf in self._graph.files}
        files[rel] = ParsedFile(rel, lang.name, data, "utf-8", "", index, None)
        self._advance(follow=False)
        self._set_files([files[p] for p in sorted(files)])
        return SourceFile(self, self._graph.file_index[rel])

    def reset(self) -> None:
        """Drop every pending edit (files created in the transaction leave the graph again) and
        run the reset hooks (the AI session's request count)."""
        created = set(self._tx.created)
        self._clear_edits()
        if created:
            self._advance(follow=False)
            self._set_files([pf for pf in self._graph.files if pf.path not in created])
        run_reset_hooks(self)

    def _clear_edits(self) -> None:
        self._tx.clear()
        self._pending_imports.clear()

    def _pending_contents(self) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for path, edits in self._tx.edits.items():
            if path in self._tx.deleted:
                continue
            pf = self._graph.files[self._graph.file_index[path]]
            out[path] = apply_edits(pf.content, edits)
            if path in self._tx.imports:
                out[path] = _edit_ops.separate_imports(out[path], self._tx.imports[path])
        for path, created in self._tx.created.items():
            out.setdefault(path, created)
        return out

    def get_diff(self) -> str:
        """Unified diff of the pending edits against the current files."""
        parts = []
        for path, after in sorted(self._pending_contents().items()):
            if path in self._tx.created:
                parts.append(unified_diff(path, None, after))
                continue
            before = self._graph.files[self._graph.file_index[path]].content
            parts.append(unified_diff(path, before, after))
        for path in sorted(self._tx.deleted):
            before = self._graph.files[self._graph.file_index[path]].content
            parts.append(unified_diff(path, before, None))
        return "".join(parts)

    def refresh(self) -> list[str]:
        """Re-read the files added, changed or deleted on disk since the graph read them.

        Pending edits are discarded (they describe the old content: make them again). Only
        the files whose stat changed are read; a changed file is re-parsed and the files whose
        resolution read it are re-indexed, as after a commit; added or deleted files re-resolve
        the graph from the parsed files (nothing unchanged is re-parsed).

        Returns:
            The sorted paths (relative to the root) that were added, changed or deleted.
        """
        created = set(self._tx.created)
        self._clear_edits()
        if created:  # files created in the dropped transaction leave the graph again
            self._advance(follow=False)
            self._set_files([pf for pf in self._graph.files if pf.path not in created])
        if not self.root:
            return []
        found = self._discover()
        on_disk = dict(found.files)
        gone = [rel for rel in self._graph.file_index if rel not in on_disk]
        to_read: list[tuple[str, LanguageSupport]] = []
        for rel, lang in found.files:
            f = self._graph.file_index.get(rel)
            if f is None:
                to_read.append((rel, lang))
                continue
            status, stamp, _ = probe_file(
                os.path.join(self.root, rel), self._stamps.get(rel), self._read_back(f)
            )
            if status == "same":
                assert stamp is not None
                self._stamps[rel] = stamp
            elif status == "deleted":
                gone.append(rel)
            else:
                to_read.append((rel, lang))
        self.skipped = list(found.skipped)
        sources = self._read_sources(to_read)
        read = {rel for rel, _, _ in sources}
        gone += [rel for rel, _ in to_read if rel not in read and rel in self._graph.file_index]
        for rel in gone:
            self._stamps.pop(rel, None)
        parsed = parse_files(sources, cache_dir=self._cache_dir) if sources else []
        if not parsed and not gone:
            return []
        self._advance(follow=False)  # handles keep their symbols across the re-read
        self._by_kind = None
        self._subclasses = None
        added = [pf for pf in parsed if pf.path not in self._graph.file_index]
        if not gone and not added:
            changed = {self._graph.file_index[pf.path]: pf for pf in parsed}
            self._graph.update(changed)
            self._forget(set(changed))
        else:
            files = {pf.path: pf for pf in self._graph.files if pf.path not in gone}
            files.update({pf.path: pf for pf in parsed})
            self._set_files([files[p] for p in sorted(files)])
        return sorted({*gone, *(pf.path for pf in parsed)})

    def _read_back(self, f: int) -> Callable[[], bytes]:
        """The bytes the graph read from disk for file `f` (its content in its own encoding)."""

        def read_back() -> bytes:
            pf = self._graph.files[f]
            if pf.problem and pf.problem.startswith("not valid"):
                return pf.content  # an undecodable file is kept as read
            try:
                return self._disk_bytes(pf.path, pf.content)
            except EditError:
                return b""  # cannot match: the file is treated as changed

        return read_back

    def commit(self, validate: bool = True, *, overwrite_read_only: bool = False) -> None:
        """Apply pending edits: validate, write atomically, and update the graph in place.

        Nothing is written if a file to write changed on disk since the graph read it
        (`ChangedOnDiskError`: call `refresh()`, then edit again) or is read-only
        (`ReadOnlyFileError`, unless `overwrite_read_only`). Symlinks are written through,
        and mode, owner and hard links are kept. Symbols obtained before the commit describe
        the old code: look them up again.
        """
        if not self._tx:
            return
        new = self._pending_contents()
        aliases = self._aliases(new)
        new.update(aliases)
        shifted = None if aliases else self._identifier_swaps(new)
        parsed: dict[str, tuple[ts.Tree, FileIndex]] = {}
        if validate and shifted is None:
            for path, content in new.items():
                parsed[path] = self._validate(path, content)
        disk = {path: self._disk_bytes(path, content) for path, content in new.items()}
        if self.root:
            # What the graph read: the disk must still hold it (a new file: nothing).
            expected: dict[str, bytes | None] = {}
            for path in disk:
                f = self._graph.file_index.get(path)
                if f is None or path in self._tx.created:
                    expected[path] = None
                else:
                    expected[path] = self._read_back(f)()
            self._check_deletions()
            self._stamps.update(
                write_atomically(self.root, disk, expected, overwrite_read_only=overwrite_read_only)
            )
            _edit_ops.delete_files(self.root, self._tx.deleted)
            for path in self._tx.deleted:
                self._stamps.pop(path, None)
        created = set(self._tx.created) | self._tx.deleted
        deleted = set(self._tx.deleted)
        edits = {path: list(e) for path, e in self._tx.edits.items()}
        self._advance()
        self._clear_edits()
        self._by_kind = None
        self._subclasses = None
        if shifted is not None:
            moves: dict[int, tuple[ParsedFile, Callable[[int], int]]] = {}
            with paused_gc():  # copies of records, no cycles: full collections find nothing
                for path, content in new.items():
                    f = self._graph.file_index[path]
                    old = self._graph.files[f]
                    shift = Shift(old.content, edits[path])
                    index = shift_index(old.index, shift, old.content, edits[path])
                    pf = replace(old, content=content, index=index, from_cache=False)
                    moves[f] = (pf, shift.offset)
                self._graph.shift_files(moves)
            self._forget(set(moves))
            return
        reparsed = []
        for path, content in new.items():
            _, index = parsed.get(path) or parse_one(path, content)
            lang = language_for_path(path)
            assert lang is not None
            encoding, problem = detect_encoding(disk[path], lang.name)
            pf = ParsedFile(path, lang.name, content, encoding, "", index, problem)
            reparsed.append(pf)
        if created:
            files = {pf.path: pf for pf in self._graph.files if pf.path not in deleted}
            files.update({pf.path: pf for pf in reparsed})
            self._set_files([files[p] for p in sorted(files)], advance=False)
            return
        changed = {self._graph.file_index[pf.path]: pf for pf in reparsed}
        self._graph.update(changed)
        self._forget(set(changed))

    def _check_deletions(self) -> None:
        """Files the transaction deletes must still hold what the graph read."""
        changed = []
        for path in sorted(self._tx.deleted):
            f = self._graph.file_index.get(path)
            if f is None:
                continue
            full = os.path.join(self.root, path)
            status, _, _ = probe_file(full, self._stamps.get(path), self._read_back(f))
            if status == "changed":
                changed.append(path)
        if changed:
            raise ChangedOnDiskError(changed)

    def _aliases(self, new: dict[str, bytes]) -> dict[str, bytes]:
        """Other files of the graph that are the same file on disk (links) as files in `new`."""
        if not self._stamps:
            return {}
        written = {}
        for path in new:
            stamp = self._stamps.get(path)
            if stamp is not None:
                written[(stamp.dev, stamp.ino)] = path
        out = {}
        for path, stamp in self._stamps.items():
            source = written.get((stamp.dev, stamp.ino))
            if source is not None and source != path and path not in new:
                out[path] = new[source]
        return out

    # Handles (views) remember the generation they were made in; a commit, a created file or
    # a reset starts a new one, and `_handles` maps old positions to new ones.
    def _advance(self, follow: bool = True) -> None:
        """Start a new generation: after a commit (`follow`: where queued edits take symbols)
        or a change of the file list within a transaction (nothing moves)."""
        self._handles.advance(self._graph.files, self._tx.follow if follow else {})
        self._generation = self._handles.current

    def _follow_symbol(self, gen: int, f: int, d: int) -> tuple[int, int]:
        return self._handles.follow_symbol(self._graph, gen, f, d)

    def _follow_file(self, gen: int, f: int) -> int:
        return self._handles.follow_file(self._graph, gen, f)

    def _forget(self, files: set[int]) -> None:
        for f in files:
            self._trees.pop(f, None)
            self._line_cache.pop(f, None)

    def _identifier_swaps(self, new: dict[str, bytes]) -> set[int] | None:
        """Files whose edits only swap identifiers for fresh ones (no re-parse needed)."""
        if self._tx.created or self._tx.deleted:
            return None
        touched: set[int] = set()
        names: set[bytes] = set()
        for path, edits in self._tx.edits.items():
            f = self._graph.file_index[path]
            pf = self._graph.files[f]
            if not support_for(pf.language).identifier_swaps_in_place:
                return None
            if not is_identifier_swap(pf.content, edits):
                return None
            touched.add(f)
            names.update(e.text for e in edits)
        for x in self._graph.readers_of(touched):
            if mentions(self._graph.files[x].content, names):
                return None  # the new name exists there already: scopes may resolve anew
        return touched

    def _validate(self, path: str, content: bytes) -> tuple[ts.Tree, FileIndex]:
        tree, index = parse_one(path, content)
        f = self._graph.file_index.get(path)
        before = self._graph.files[f].index.errors if f is not None else []
        if len(index.errors) > len(before):
            fresh = [e for e in index.errors if e not in before] or index.errors
            raise EditValidationError(path, fresh[0][0])
        return tree, index

    def _disk_bytes(self, path: str, content: bytes) -> bytes:
        f = self._graph.file_index.get(path)
        encoding = self._graph.files[f].encoding if f is not None else "utf-8"
        if encoding == "utf-8":
            return content
        if encoding == "utf-8-sig":
            return b"\xef\xbb\xbf" + content
        try:
            return content.decode("utf-8").encode(encoding)
        except UnicodeError as exc:
            raise EditError(
                f"The new text of {path} cannot be written as {encoding}: {exc}"
            ) from exc

    # ------------------------------------------------------------------ AI (thin delegates)
    # The AI layer lives in `graph_sitter.ai.codebase_ai`; the core never imports it eagerly.
    def ai(
        self,
        prompt: str,
        target: Any = None,
        context: Any = None,
        model: str | None = None,
        provider: str | None = None,
        **kwargs: Any,
    ) -> str:
        """Ask an AI provider about `target` with graph-aware context; see docs."""
        from graph_sitter.ai import codebase_ai

        return codebase_ai.ask(
            self, prompt, target=target, context=context, model=model, provider=provider, **kwargs
        )

    def ai_edit(self, prompt: str, target: Any, **kwargs: Any) -> str:
        """Ask for a replacement of `target`, queue it as an edit, return the diff."""
        from graph_sitter.ai import codebase_ai

        return codebase_ai.edit(self, prompt, target, **kwargs)

    def ai_map(
        self, prompt: str, targets: Iterable[Any], concurrency: int = 8, **kwargs: Any
    ) -> Any:
        """Run `prompt` on many targets concurrently (resumable); results in input order."""
        from graph_sitter.ai import codebase_ai

        return codebase_ai.map_targets(self, prompt, targets, concurrency=concurrency, **kwargs)

    def ai_context(self, target: Any, **kwargs: Any) -> Any:
        """The context `ai(..., target=target)` would send, for inspection."""
        from graph_sitter.ai import codebase_ai

        return codebase_ai.context_for(self, target, **kwargs)

    def set_session_options(self, **options: Any) -> None:
        """Session limits, e.g. `max_ai_requests=150`; `max_transactions=` and `max_seconds=`
        limit the edits queued from now on (`SessionLimitError` past them; None: no limit)."""
        limits = {k: options.pop(k) for k in ("max_transactions", "max_seconds") if k in options}
        if limits:
            self._edit_limits = _edit_ops.EditLimits.configure(
                getattr(self, "_edit_limits", None), **limits
            )
        if options or not limits:
            from graph_sitter.ai import codebase_ai

            codebase_ai.set_session_options(self, **options)

    @property
    def ctx(self) -> Any:
        """Upstream's codebase context: `ctx.commit_transactions()` commits (also `G`)."""
        return _edit_ops.Context(self)

    G = ctx

    def set_ai_key(self, key: str) -> None:
        """Upstream's spelling: use OpenAI with this API key for this codebase's AI calls."""
        from graph_sitter.ai import codebase_ai

        codebase_ai.set_ai_key(self, key)

    @property
    def ai_client(self) -> Any:
        """Upstream's spelling: the AI provider this codebase's AI calls use (built lazily)."""
        from graph_sitter.ai import codebase_ai

        return codebase_ai.ai_client(self)

    # ------------------------------------------------------------------ view support
    def _symbol(self, f: int, d: int) -> Any:
        # One view per definition while its record lives, so `a is b` holds as upstream.
        rec = self._graph.files[f].index.defs[d]
        known = self._views.get((f, d))
        if known is not None and known[0] is rec:
            return known[1]
        view = VIEW_BY_KIND.get(rec.kind, Symbol)(self, f, d)
        self._views[(f, d)] = (rec, view)
        return view

    def _symbols_of(self, f: int, kinds: tuple[str, ...] | None, top: bool) -> list[Any]:
        defs = self._graph.files[f].index.defs
        picked = [
            d
            for d, rec in enumerate(defs)
            if (kinds is None or rec.kind in kinds) and (not top or rec.parent < 0)
        ]
        picked.sort(key=lambda d: defs[d].start)
        return [self._symbol(f, d) for d in picked]

    def _tree(self, f: int) -> ts.Tree:
        tree = self._trees.get(f)
        if tree is None:
            pf = self._graph.files[f]
            tree = parse_tree(pf.path, pf.content)
            self._trees[f] = tree
            if len(self._trees) > _TREE_CACHE_SIZE:
                self._trees.popitem(last=False)
        else:
            self._trees.move_to_end(f)
        return tree

    def _node_for(self, f: int, start: int, end: int) -> ts.Node:
        """The smallest node spanning `start..end` (the definition node itself)."""
        node = self._tree(f).root_node.descendant_for_byte_range(start, end)
        assert node is not None
        return node

    def _line_starts(self, f: int) -> list[int]:
        starts = self._line_cache.get(f)
        if starts is None:
            content = self._graph.files[f].content
            starts = [0]
            find = content.find
            pos = find(b"\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = find(b"\n", pos + 1)
            self._line_cache[f] = starts
        return starts

    def _owner_view(self, f: int, position: int) -> Symbol | SourceFile:
        best = -1
        best_size = 1 << 62
        for d, rec in enumerate(self._graph.files[f].index.defs):
            if rec.kind != IMPORT and rec.ext_start <= position < rec.end:
                size = rec.end - rec.ext_start
                if size < best_size:
                    best, best_size = d, size
        return self._symbol(f, best) if best >= 0 else SourceFile(self, f)

    def _call_sites(self, f: int, d: int) -> list[Any]:
        out = []
        for uf, start, end, flags, _ in sorted(set(self._graph.iter_usages((f, d)))):
            if flags & REF_CALL:
                call = calls.call_at(self, uf, start, end)
                if call is not None:
                    out.append(call)
        return out

    def _calls_within(self, f: int, start: int, end: int) -> list[Any]:
        return calls.calls_in_range(self, f, start, end)

    def _parameters(self, f: int, node: ts.Node, is_method: bool) -> list[Parameter]:
        return _details.parameters(self, f, node, is_method)

    def _docstring(self, f: int, node: ts.Node) -> str | None:
        return _details.docstring(self, f, node)

    def _resolve_import(self, f: int, d: int) -> Symbol | SourceFile | None:
        target = self._graph.resolve_import(f, d)
        if target is None:
            return None
        if type(target) is SymTarget:
            return self._symbol(target.f, target.d)
        file_index = self._graph.file_of_target(target)
        return SourceFile(self, file_index) if file_index is not None else None

    def _superclass_names(self, f: int, d: int) -> list[str]:
        pf = self._graph.files[f]
        rec = pf.index.defs[d]
        header = pf.content[rec.name_end : class_header_end(pf, rec)].decode("utf-8", "replace")
        header = header.strip()
        return support_for(pf.language).superclass_names(header)

    def _subclasses_of(self, f: int, d: int) -> list[Class]:
        if self._subclasses is None:
            table: dict[tuple[int, int], list[tuple[int, int]]] = {}
            for cls in self._collect().get(CLASS, []):
                for base in self._graph.superclasses(cls._f, cls._d):
                    table.setdefault((base.f, base.d), []).append((cls._f, cls._d))
            self._subclasses = table
        return [self._symbol(cf, cd) for cf, cd in self._subclasses.get((f, d), [])]


def _repair(root: str, stray_temps: Iterable[str]) -> RepairReport:
    """Finish an interrupted commit before reading (see `journal.recover`)."""
    try:
        return recover(root, stray_temps)
    except OSError as exc:
        if stray_temps:  # leftovers we cannot remove (read-only tree) do not stop a build
            logger.debug("could not remove stray temporary files under %s: %s", root, exc)
            return RepairReport()
        raise CodebaseLoadError(
            f"Cannot finish a commit interrupted under {root!r} ({exc}); "
            "run `graph-sitter repair` with write access."
        ) from exc


class FileList(list[SourceFile]):
    """The files of a codebase: a list that can also be called as upstream's `files(...)`."""

    def __call__(self, *, extensions: list[str] | str | None = None) -> list[SourceFile]:
        """The files whose names end with one of `extensions` (`".py"` or `"py"`); `None` or
        `"*"` for every parsed file (only source files are parsed: see docs/migrating.md)."""
        if extensions is None or extensions == "*":
            return list(self)
        if isinstance(extensions, str):
            raise ValueError("extensions must be a list of extensions or '*'")
        suffixes = tuple(e if e.startswith(".") else "." + e for e in extensions)
        return [f for f in self if f.filepath.endswith(suffixes)]


def _language_name(language: Any) -> str | None:
    """A language given as a string or an enum (upstream's `ProgrammingLanguage`)."""
    if language is None or language == "":
        return None
    value = getattr(language, "value", language)
    return str(value).lower()


def _normalize_rel(path: str) -> str:
    rel = path.replace("\\", "/")
    while rel.startswith("./"):
        rel = rel[2:]
    parts: list[str] = []
    for part in rel.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            else:
                parts.append("..")
        else:
            parts.append(part)
    if rel.startswith("/"):
        return "/" + "/".join(parts)
    return "/".join(parts)
