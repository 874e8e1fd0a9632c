"""Errors raised by the code graph.

Every error a user can catch derives from `CodebaseError`::

    CodebaseError
    ├── SymbolNotFoundError        a looked-up name or path does not exist (lists close matches)
    │   └── FileNotFoundInCodebaseError
    ├── AmbiguousSymbolError       a looked-up name matches several symbols (lists them)
    ├── PathOutsideCodebaseError   a path resolves outside the codebase root
    ├── StaleSymbolError           a handle whose symbol or file a commit removed
    ├── UnsupportedLanguageError   an unknown `language=` value or file type
    ├── CodebaseLoadError          the root itself cannot be read (missing, not a directory)
    ├── ChangedOnDiskError         a commit would overwrite files changed on disk since read
    └── ReadOnlyFileError          a commit would write a read-only file (not asked to)

(`EditError` and its subclasses, in `graph_sitter.core.edits`, derive from `CodebaseError` too.)
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousSymbolError",
    "ChangedOnDiskError",
    "CodebaseError",
    "CodebaseLoadError",
    "FileNotFoundInCodebaseError",
    "PathOutsideCodebaseError",
    "ReadOnlyFileError",
    "StaleSymbolError",
    "SymbolNotFoundError",
    "UnsupportedLanguageError",
]


class CodebaseError(Exception):
    """Root of every error raised by `graph_sitter.core`."""


class SymbolNotFoundError(CodebaseError, LookupError):
    """A looked-up symbol does not exist; `suggestions` holds close matches."""

    def __init__(self, kind: str, name: str, suggestions: Sequence[str] = ()) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = list(suggestions)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"No {kind} named {name!r} in this codebase.{hint}")


class FileNotFoundInCodebaseError(SymbolNotFoundError):
    """A looked-up file path is not part of the codebase."""


class AmbiguousSymbolError(CodebaseError, LookupError):
    """A name matches several symbols; `candidates` lists them as `path::qualified.name`."""

    def __init__(self, kind: str, name: str, candidates: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.candidates = list(candidates)
        listed = ", ".join(self.candidates)
        super().__init__(
            f"{len(self.candidates)} {kind}s are named {name!r}: {listed}. "
            "Use file.get_... on one file, or get_symbols(name) for all of them."
        )


class PathOutsideCodebaseError(CodebaseError, ValueError):
    """A path (after resolving `..` and symlinks) is outside the codebase root."""

    def __init__(self, path: str, root: str) -> None:
        self.path = path
        self.root = root
        super().__init__(f"Path {path!r} is outside the codebase root {root!r}.")


class UnsupportedLanguageError(CodebaseError, ValueError):
    """An unknown language name was given."""


class CodebaseLoadError(CodebaseError, OSError):
    """The codebase root cannot be read."""


def _listed(paths: Sequence[str], limit: int = 10) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


class ChangedOnDiskError(CodebaseError):
    """Files to be written changed on disk since the graph read them; nothing was written.

    `changed` lists files whose content differs, `deleted` files that vanished, `created`
    files to be created that now exist (all paths relative to the root).
    """

    def __init__(
        self, changed: Sequence[str], deleted: Sequence[str] = (), created: Sequence[str] = ()
    ) -> None:
        self.changed = sorted(changed)
        self.deleted = sorted(deleted)
        self.created = sorted(created)
        self.paths = sorted({*self.changed, *self.deleted, *self.created})
        parts = []
        if self.changed:
            parts.append(f"changed: {_listed(self.changed)}")
        if self.deleted:
            parts.append(f"deleted: {_listed(self.deleted)}")
        if self.created:
            parts.append(f"created meanwhile: {_listed(self.created)}")
        super().__init__(
            f"Refusing to commit: files changed on disk since the graph read them "
            f"({'; '.join(parts)}). Nothing was written. Call cb.refresh() to re-read them "
            "(pending edits are dropped), then make the edits again."
        )


class ReadOnlyFileError(CodebaseError, PermissionError):
    """Files to be written are read-only; nothing was written (`paths` lists them)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = sorted(paths)
        super().__init__(
            f"Refusing to commit: {_listed(self.paths)} "
            f"{'is' if len(self.paths) == 1 else 'are'} read-only. Nothing was written. "
            "Use commit(overwrite_read_only=True) to write anyway (the mode is kept)."
        )


class StaleSymbolError(CodebaseError, LookupError):
    """A symbol or file handle outlived what it denoted: a commit removed it.

    Handles follow their symbol across commits (edited, renamed, moved); this is raised
    instead of reading whatever now sits at the old position. `what` names the old symbol.
    """

    def __init__(self, what: str, reason: str) -> None:
        self.what = what
        super().__init__(f"{what} no longer exists: {reason}. Look it up again.")
