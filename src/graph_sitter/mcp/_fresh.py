"""Keeping a long-lived graph current with the files on disk, cheaply, between tool calls.

An agent edits files itself between calls, so before each call the server asks
:meth:`DiskWatch.check` whether anything changed. The check stats every tracked file
(modification time, size, inode) and every folder of the tree (a file added or removed changes
its folder's modification time); only when a folder changed is the tree walked again to find
new and deleted files. On the standard library (734 files, ~200 folders) the check costs about
2 ms.

A file written twice within the file system's timestamp granularity can keep its modification
time and size: like git's "racy" index entries, files modified within :data:`RACY_NS` of the
snapshot are also compared by content hash.

When something changed, the graph is updated incrementally: `Codebase.refresh()` when the core
has it, otherwise :func:`reread`, which swaps re-parsed files into the graph the way
`Codebase.commit` does (changed files only; a file added or deleted rebuilds the usage index
from the already-parsed files).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph_sitter.core.discover import discover
from graph_sitter.core.languages import Language, language_for_path
from graph_sitter.core.parse import ParsedFile, detect_encoding, parse_one

if TYPE_CHECKING:
    from graph_sitter.core.codebase import Codebase

__all__ = ["RACY_NS", "DiskWatch", "reread"]

logger = logging.getLogger("graph_sitter.mcp")

RACY_NS = 2_000_000_000
"""Files modified this close to a snapshot are also compared by content."""

_Stamp = tuple[int, int, int]  # (mtime_ns, size, inode)


@dataclass(frozen=True, slots=True)
class Changes:
    """What a check found, as repo-relative paths."""

    modified: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.modified or self.added or self.deleted)

    @property
    def paths(self) -> list[str]:
        return sorted({*self.modified, *self.added, *self.deleted})


def _stamp(path: str) -> _Stamp | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
    except OSError:
        return None


class DiskWatch:
    """Snapshots of a tree's source files and folders; reports what changed since.

    Args:
        root: The codebase root.
        languages: Languages the codebase parses.
        respect_gitignore: As given to `Codebase`.
        excluded_dirs: Folder names never entered (as given to `discover`).
        max_file_bytes: As given to `Codebase`.
    """

    def __init__(
        self,
        root: str,
        languages: tuple[Language, ...],
        *,
        respect_gitignore: bool,
        excluded_dirs: frozenset[str],
        max_file_bytes: int,
    ) -> None:
        self.root = root
        self._languages = languages
        self._gitignore = respect_gitignore
        self._excluded = excluded_dirs
        self._max_bytes = max_file_bytes
        self._files: dict[str, _Stamp | None] = {}
        self._dirs: dict[str, int | None] = {}
        self._racy: dict[str, str | None] = {}
        self.last_check_seconds = 0.0

    # -- snapshots ---------------------------------------------------------------------
    def _discover(self) -> list[str]:
        found = discover(
            self.root,
            self._languages,
            respect_gitignore=self._gitignore,
            excluded_dirs=self._excluded,
            max_file_bytes=self._max_bytes,
        )
        return [rel for rel, _ in found.files]

    def _walk_dirs(self) -> dict[str, int | None]:
        out: dict[str, int | None] = {}
        for folder, subdirs, _ in os.walk(self.root):
            subdirs[:] = [
                d
                for d in subdirs
                if d not in self._excluded and not os.path.islink(os.path.join(folder, d))
            ]
            stamp = _stamp(folder)
            out[folder] = stamp[0] if stamp else None
        return out

    def snapshot(self, files: list[str] | None = None) -> None:
        """Record the current state (take it *before* the graph reads the files)."""
        now = time.time_ns()
        self._dirs = self._walk_dirs()
        paths = self._discover() if files is None else files
        self._files = {rel: _stamp(os.path.join(self.root, rel)) for rel in paths}
        self._racy = {
            rel: _digest(os.path.join(self.root, rel))
            for rel, stamp in self._files.items()
            if stamp is not None and stamp[0] >= now - RACY_NS
        }

    @property
    def tracked(self) -> list[str]:
        return sorted(self._files)

    # -- checks ------------------------------------------------------------------------
    def check(self) -> Changes:
        """What changed on disk since the last snapshot (does not take a new one)."""
        started = time.perf_counter()
        try:
            return self._check()
        finally:
            self.last_check_seconds = time.perf_counter() - started

    def _check(self) -> Changes:
        join = os.path.join
        root = self.root
        modified = [rel for rel, stamp in self._files.items() if _stamp(join(root, rel)) != stamp]
        modified += [
            rel
            for rel, digest in self._racy.items()
            if rel not in modified and _digest(join(root, rel)) != digest
        ]
        dirs_changed = any(
            (_stamp(folder) or (None,))[0] != mtime for folder, mtime in self._dirs.items()
        )
        added: list[str] = []
        deleted: list[str] = []
        if dirs_changed or any(not os.path.exists(join(root, rel)) for rel in modified):
            now = set(self._discover())
            added = sorted(now - set(self._files))
            deleted = sorted(set(self._files) - now)
        gone = set(deleted)
        return Changes(
            modified=tuple(sorted(set(modified) - gone)), added=tuple(added), deleted=tuple(deleted)
        )


def refresh_graph(cb: Codebase, changes: Changes) -> list[str]:
    """Bring `cb` up to date with the disk: `cb.refresh()` if the core has it, else `reread`."""
    refresh: Callable[[], list[str]] | None = getattr(cb, "refresh", None)
    if refresh is not None:
        return list(refresh())
    return reread(cb, changes)


def reread(cb: Codebase, changes: Changes) -> list[str]:
    """Re-read changed, added and deleted files into `cb` without re-parsing the others.

    Pending edits are discarded (they were queued against the old text). Modified files are
    swapped in with `Graph.update` (which re-resolves only the files that read them); an added
    or deleted file re-resolves the usage index from the already-parsed files.
    """
    cb._clear_edits()
    graph = cb._graph
    fresh: dict[str, ParsedFile | None] = {}
    for rel in (*changes.modified, *changes.added):
        fresh[rel] = _parse_from_disk(cb.root, rel)
    for rel in changes.deleted:
        fresh[rel] = None
    structural = bool(changes.added or changes.deleted) or any(
        pf is None or rel not in graph.file_index for rel, pf in fresh.items()
    )
    cb._by_kind = None
    cb._subclasses = None
    if structural:
        files = {pf.path: pf for pf in graph.files}
        for rel, maybe in fresh.items():
            if maybe is None:
                files.pop(rel, None)
            else:
                files[rel] = maybe
        cb._set_files([files[p] for p in sorted(files)])
    else:
        changed = {graph.file_index[rel]: pf for rel, pf in fresh.items() if pf is not None}
        graph.update(changed)
        cb._forget(set(changed))
    logger.info("re-read %d file(s) from disk", len(fresh))
    return sorted(fresh)


def _parse_from_disk(root: str, rel: str) -> ParsedFile | None:
    lang = language_for_path(rel)
    try:
        with open(os.path.join(root, rel), "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    if lang is None or b"\0" in raw[:8192]:
        return None
    encoding, problem = detect_encoding(raw, lang.name)
    content = raw
    if problem is None and encoding == "utf-8-sig":
        content = raw[3:]
    elif problem is None and encoding != "utf-8":
        content = raw.decode(encoding).encode("utf-8")
    _, index = parse_one(rel, content)
    return ParsedFile(rel, lang.name, content, encoding, "", index, problem)
