"""Keeping a long-lived graph current with the files on disk, cheaply, between tool calls.

An agent edits files itself between calls, so before each call the server asks
:meth:`DiskWatch.check` whether anything changed. The check stats every tracked file
(modification time, size, inode) and every folder of the tree (a file added or removed changes
its folder's modification time); only when a folder changed is the tree walked again to find
new and deleted files. On the standard library (732 files, 49 folders) a check is about 800
`stat` calls, a few milliseconds.

A file written twice within the file system's timestamp granularity can keep its modification
time and size: like git's "racy" index entries, files modified within :data:`RACY_NS` of the
snapshot are also compared by content hash.

When something changed, `Codebase.refresh()` updates the graph incrementally: changed files are
re-parsed and the files whose resolution read them re-indexed; nothing unchanged is re-parsed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph_sitter.core.discover import discover
from graph_sitter.core.languages import LanguageSupport

if TYPE_CHECKING:
    from graph_sitter.core.codebase import Codebase

__all__ = ["RACY_NS", "Changes", "DiskWatch", "refresh_graph"]

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
        languages: tuple[LanguageSupport, ...],
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
            walked = self._walk_dirs()  # before discovering: a later change is seen next time
            now = set(self._discover())
            added = sorted(now - set(self._files))
            deleted = sorted(set(self._files) - now)
            if not added and not deleted:
                # Only other files came or went (notes, __pycache__): remember the folders as
                # they are, or every later check would walk the tree again.
                self._dirs = walked
        gone = set(deleted)
        return Changes(
            modified=tuple(sorted(set(modified) - gone)), added=tuple(added), deleted=tuple(deleted)
        )


def refresh_graph(cb: Codebase, changes: Changes) -> list[str]:
    """Bring `cb` up to date with the disk (`Codebase.refresh`: only what changed is re-read)."""
    logger.debug("disk changes: %s", ", ".join(changes.paths[:10]))
    return cb.refresh()
