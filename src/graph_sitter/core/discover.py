"""Finding the source files of a codebase, and reporting the ones left out (and why)."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pathspec

from graph_sitter.core.journal import STATE_DIR, is_temp_name
from graph_sitter.core.languages import LanguageSupport, language_for_path

__all__ = ["DEFAULT_EXCLUDED_DIRS", "DEFAULT_MAX_FILE_BYTES", "Discovery", "Skipped", "discover"]

DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "build",
        "dist",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        ".eggs",
        "bower_components",
    }
)
DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or folder left out of the codebase, with the reason."""

    path: str
    reason: str  # "gitignored" | "vendored" | "binary" | "too large" | "unreadable" | ...


@dataclass(slots=True)
class Discovery:
    """Files found under a root: `(relative posix path, language)` plus what was skipped.

    `stray_temps` lists temporary files a crashed commit left behind (`.gs-*.tmp`).
    """

    files: list[tuple[str, LanguageSupport]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    stray_temps: list[str] = field(default_factory=list)


def _gitignore(directory: str) -> pathspec.PathSpec[Any] | None:
    path = os.path.join(directory, ".gitignore")
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def discover(
    root: str,
    languages: tuple[LanguageSupport, ...],
    *,
    respect_gitignore: bool = True,
    excluded_dirs: frozenset[str] = DEFAULT_EXCLUDED_DIRS,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Discovery:
    """Walk `root` (not following directory symlinks) and collect supported source files.

    The commit state folder (`.graph-sitter/`) is never entered, whatever `excluded_dirs` says.
    """
    result = Discovery()
    wanted = {lang.name for lang in languages}
    real_root = os.path.realpath(root)
    # Each entry: (directory relative to root, spec) for .gitignore files seen on the way down.
    for rel_dir, entries, specs in _walk(root, "", [], respect_gitignore, result, excluded_dirs):
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if is_temp_name(entry.name):
                result.stray_temps.append(rel)
                continue
            lang = language_for_path(entry.name)
            if lang is None or lang.name not in wanted:
                continue
            if _ignored(specs, rel, is_dir=False):
                result.skipped.append(Skipped(rel, "gitignored"))
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if os.path.commonpath([real_root, target]) != real_root:
                        result.skipped.append(Skipped(rel, "symlink outside the root"))
                        continue
                if not entry.is_file():
                    result.skipped.append(Skipped(rel, "not a regular file"))
                    continue
                size = entry.stat().st_size
            except OSError as exc:  # symlink loops, permission errors, files vanishing
                result.skipped.append(Skipped(rel, f"unreadable ({exc.strerror or exc})"))
                continue
            if size > max_file_bytes:
                result.skipped.append(Skipped(rel, f"too large ({size} bytes)"))
                continue
            result.files.append((rel, lang))
    result.files.sort(key=lambda item: item[0])
    return result


def _is_symlink_loop(path: str) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _ignored(specs: list[tuple[str, pathspec.PathSpec[Any]]], rel: str, *, is_dir: bool) -> bool:
    for base, spec in specs:
        sub = rel[len(base) + 1 :] if base else rel
        if spec.match_file(sub + "/" if is_dir else sub):
            return True
    return False


def _walk(
    root: str,
    rel_dir: str,
    specs: list[tuple[str, pathspec.PathSpec[Any]]],
    respect_gitignore: bool,
    result: Discovery,
    excluded_dirs: frozenset[str],
) -> Iterator[tuple[str, list[os.DirEntry[str]], list[tuple[str, pathspec.PathSpec[Any]]]]]:
    directory = os.path.join(root, rel_dir) if rel_dir else root
    if respect_gitignore:
        spec = _gitignore(directory)
        if spec is not None:
            specs = [*specs, (rel_dir, spec)]
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        result.skipped.append(Skipped(rel_dir or ".", f"unreadable ({exc.strerror or exc})"))
        return
    files: list[os.DirEntry[str]] = []
    subdirs: list[str] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.name == STATE_DIR:
                continue  # graph-sitter's own commit state
            if entry.name in excluded_dirs:
                result.skipped.append(Skipped(rel, "vendored or generated folder"))
            elif _ignored(specs, rel, is_dir=True):
                result.skipped.append(Skipped(rel, "gitignored"))
            else:
                subdirs.append(rel)
        elif entry.is_symlink() and _is_symlink_loop(entry.path):
            # Listed whatever its name: a loop may stand for a file or for a folder.
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            result.skipped.append(Skipped(rel, "unreadable (symlink loop)"))
        elif entry.is_symlink() and os.path.isdir(entry.path):
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            result.skipped.append(Skipped(rel, "symlinked folder (not followed)"))
        else:
            files.append(entry)
    yield rel_dir, files, specs
    for sub in subdirs:
        yield from _walk(root, sub, specs, respect_gitignore, result, excluded_dirs)
