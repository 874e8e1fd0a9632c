"""Errors raised by the code graph.

Every error a user can catch derives from `CodebaseError`::

    CodebaseError
    ├── SymbolNotFoundError        a looked-up name or path does not exist (lists close matches)
    │   └── FileNotFoundInCodebaseError
    ├── AmbiguousSymbolError       a looked-up name matches several symbols (lists them)
    ├── PathOutsideCodebaseError   a path resolves outside the codebase root
    ├── StaleSymbolError           a handle whose symbol or file a commit removed
    ├── UnsupportedLanguageError   an unknown `language=` value or file type
    └── CodebaseLoadError          the root itself cannot be read (missing, not a directory)
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousSymbolError",
    "CodebaseError",
    "CodebaseLoadError",
    "FileNotFoundInCodebaseError",
    "PathOutsideCodebaseError",
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


class StaleSymbolError(CodebaseError, LookupError):
    """A symbol or file handle outlived what it denoted: a commit removed it.

    Handles follow their symbol across commits (edited, renamed, moved); this is raised
    instead of reading whatever now sits at the old position. `what` names the old symbol.
    """

    def __init__(self, what: str, reason: str) -> None:
        self.what = what
        super().__init__(f"{what} no longer exists: {reason}. Look it up again.")
