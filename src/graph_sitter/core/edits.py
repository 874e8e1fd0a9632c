"""Edit transactions: queued byte-range edits, conflict detection, and atomic commits.

Edits are queued per file as `(start, end, new bytes)` over the file's current content. Two
edits conflict when their ranges overlap (insertions at the same point are kept in queue
order; an insertion touching a replaced range does not conflict). `commit` applies every file's
edits in memory, re-parses the result (refusing edits that add syntax errors), writes each
file to a temporary file in its own folder and renames it into place; if anything fails, files
already replaced are restored, so the tree is left as it was.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from graph_sitter.core.errors import CodebaseError, PathOutsideCodebaseError

__all__ = [
    "CommitError",
    "Edit",
    "EditConflictError",
    "EditError",
    "EditValidationError",
    "SessionLimitError",
    "Transaction",
    "apply_edits",
    "reconcile",
]


class EditError(CodebaseError):
    """An edit cannot be queued or applied."""


class EditConflictError(EditError):
    """Two queued edits overlap; `first` and `second` describe them."""

    def __init__(self, path: str, first: Edit, second: Edit) -> None:
        self.path = path
        self.first = first
        self.second = second
        super().__init__(
            f"Conflicting edits in {path}: {second.describe()} overlaps {first.describe()}. "
            "Commit or reset before editing the same code twice."
        )


class EditValidationError(EditError):
    """Applying the edits would introduce a syntax error (`location` is 0-based row, col)."""

    def __init__(self, path: str, location: tuple[int, int]) -> None:
        self.path = path
        self.location = location
        super().__init__(
            f"Edits to {path} introduce a syntax error at line {location[0] + 1}, column "
            f"{location[1] + 1}; nothing was written. Use commit(validate=False) to write anyway."
        )


class CommitError(EditError):
    """Writing a file failed; every file was left (or restored) as it was."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(f"Commit failed while writing {path}: {reason}. No file was changed.")


class SessionLimitError(EditError):
    """`set_session_options(max_transactions=, max_seconds=)` reached: no more edits queue."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace bytes `start..end` of a file with `text` (an insertion when start == end)."""

    start: int
    end: int
    text: bytes
    label: str = "edit"

    def describe(self) -> str:
        what = "insert" if self.start == self.end else f"{self.label} of bytes"
        return f"{what} {self.start}..{self.end}"

    def overlaps(self, other: Edit) -> bool:
        if self.start == self.end or other.start == other.end:
            # An insertion conflicts only with a replacement that strictly contains its point.
            point, span = (self, other) if self.start == self.end else (other, self)
            if point.start == point.end and span.start == span.end:
                return False
            return span.start < point.start < span.end
        return self.start < other.end and other.start < self.end


def apply_edits(content: bytes, edits: Iterable[Edit]) -> bytes:
    """Apply non-overlapping edits (insertions at one point keep their order, imports first)."""
    ordered = sorted(
        enumerate(edits),
        key=lambda item: (item[1].start, item[1].end, item[1].label != "import", item[0]),
    )
    out: list[bytes] = []
    pos = 0
    for _, edit in ordered:
        out.append(content[pos : edit.start])
        out.append(edit.text)
        pos = max(pos, edit.end)
    out.append(content[pos:])
    return b"".join(out)


def _line_start(content: bytes, pos: int) -> int:
    return content.rfind(b"\n", 0, pos) + 1


def _blank(content: bytes, start: int, end: int) -> bool:
    return not content[start:end].strip()


def reconcile(content: bytes, first: Edit, second: Edit) -> list[Edit] | None:
    """Overlapping edits that still have one meaning, as non-overlapping edits; else None.

    - the same edit twice is kept once;
    - two removals whose shared bytes are only whitespace (the blank lines each trims),
      or one of which contains the other, become one removal of their union;
    - an insertion inside a removal, where the removed bytes on one side of it are only
      whitespace, moves to that edge of the removal (the text around it goes either way).
    Anything else (two replacements of the same code, ...) is a real conflict.
    """
    if first == second:
        return [first]
    a, b = sorted((first, second), key=lambda e: (e.start, e.end))
    if not a.text and not b.text and a.start != a.end and b.start != b.end:
        lo, hi = max(a.start, b.start), min(a.end, b.end)
        contained = a.end >= b.end or (a.start == b.start)
        if contained or _blank(content, lo, hi):
            label = a.label if a.label == b.label else "removal"
            start, end = a.start, max(a.end, b.end)
            if end == len(content) and a.start == _line_start(content, a.start):
                # The union ends the file: blank lines before it would be left dangling.
                kept = len(content[:start].rstrip())
                start = min(start, content.find(b"\n", kept) + 1 if kept else 0)
            return [Edit(start, end, b"", label)]
        return None
    point, span = (first, second) if first.start == first.end else (second, first)
    if point.start == point.end and span.start != span.end and not span.text:
        if _blank(content, point.start, span.end):
            return [span, Edit(span.end, span.end, point.text, point.label)]
        if _blank(content, span.start, point.start):
            return [span, Edit(span.start, span.start, point.text, point.label)]
    return None


@dataclass
class Transaction:
    """Pending edits, per file path, plus files to create."""

    edits: dict[str, list[Edit]] = field(default_factory=dict)
    created: dict[str, bytes] = field(default_factory=dict)
    # Where symbols go on commit, for handles that follow them: (path, qualified name) ->
    # new (path, qualified name), or None when removed; a qualified name "" is the file.
    follow: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)
    # Import bindings queued for removal, per (path, statement start): a later removal from
    # the same statement is planned with the earlier ones, so its edits contain theirs.
    dropped: dict[tuple[str, int], set[int]] = field(default_factory=dict)
    # Import lines queued per path: on apply, a blank line separates the block from code.
    imports: dict[str, list[bytes]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)  # files removed on commit

    def add(self, path: str, edit: Edit, content: bytes | None = None) -> None:
        """Queue `edit`; with the file's `content`, reconcile it with compatible edits.

        Compatible overlaps (see `reconcile`) are merged; any other overlap raises
        `EditConflictError` and leaves the queue as it was.
        """
        queued = list(self.edits.get(path, ()))
        pending = [edit]
        while pending:
            new = pending.pop()
            hits = [i for i, other in enumerate(queued) if new.overlaps(other)]
            if not hits:
                queued.append(new)
                continue
            # Ranges first: overlapping removals merge before insertions move to their edges.
            i = next((i for i in hits if queued[i].start != queued[i].end), hits[0])
            other = queued[i]
            fixed = None if content is None else reconcile(content, other, new)
            if fixed is None:
                raise EditConflictError(path, other, edit)
            del queued[i]
            pending.extend(fixed)
        self.edits[path] = queued

    def __bool__(self) -> bool:
        return bool(self.edits) or bool(self.created) or bool(self.deleted)

    def save(self) -> tuple[Any, ...]:
        """A savepoint for `restore` (`add` never mutates a queued list in place)."""
        return (
            dict(self.edits),
            dict(self.created),
            dict(self.follow),
            {k: set(v) for k, v in self.dropped.items()},
            {k: list(v) for k, v in self.imports.items()},
            set(self.deleted),
        )

    def restore(self, state: tuple[Any, ...]) -> None:
        """Drop whatever was queued since `save` returned `state`."""
        self.edits, self.created, self.follow, self.dropped, self.imports = (
            dict(state[0]),
            dict(state[1]),
            dict(state[2]),
            {k: set(v) for k, v in state[3].items()},
            {k: list(v) for k, v in state[4].items()},
        )
        self.deleted = set(state[5])

    def clear(self) -> None:
        self.edits.clear()
        self.created.clear()
        self.follow.clear()
        self.dropped.clear()
        self.imports.clear()
        self.deleted.clear()


def unified_diff(path: str, before: bytes | None, after: bytes | None) -> str:
    """A git-style diff; `before` None is a new file, `after` None a removed one."""
    old = [] if before is None else before.decode("utf-8", "replace").splitlines(keepends=True)
    new = [] if after is None else after.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(
        old,
        new,
        "/dev/null" if before is None else f"a/{path}",
        "/dev/null" if after is None else f"b/{path}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def check_inside(root: str, rel: str) -> str:
    """Absolute path of `rel` under `root`; refuse `..`, absolute paths and escaping symlinks."""
    if os.path.isabs(rel) or rel.split("/")[0] == ".." or "/../" in f"/{rel}/":
        raise PathOutsideCodebaseError(rel, root)
    real_root = os.path.realpath(root)
    target = os.path.realpath(os.path.join(root, rel))
    if os.path.commonpath([real_root, target]) != real_root:
        raise PathOutsideCodebaseError(rel, root)
    return os.path.join(root, rel)


def write_atomically(root: str, files: dict[str, bytes]) -> None:
    """Write every file or none: temp files first, then renames, restoring on failure.

    Temporary files are written and fsynced by a few threads at once (fsync releases the
    GIL, and waiting on the disk one file at a time dominates large commits).
    """
    targets = {rel: check_inside(root, rel) for rel in files}
    temps: dict[str, str] = {}
    originals: dict[str, bytes | None] = {}
    replaced: list[str] = []
    current = ""

    def stage(rel: str) -> tuple[str, bytes | None, str | None, OSError | None]:
        path = targets[rel]
        folder = os.path.dirname(path)
        tmp = None
        original: bytes | None = None
        try:
            os.makedirs(folder, exist_ok=True)
            try:
                with open(path, "rb") as handle:
                    original = handle.read()
                mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
            except FileNotFoundError:
                mode = None
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".gs-", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(files[rel])
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
        except OSError as exc:
            return rel, original, tmp, exc
        return rel, original, tmp, None

    with ThreadPoolExecutor(max_workers=min(8, max(1, len(files)))) as pool:
        staged = list(pool.map(stage, list(files)))
    failure: tuple[str, OSError] | None = None
    for rel, original, tmp, error in staged:
        originals[rel] = original
        if tmp is not None:
            temps[rel] = tmp
        if error is not None and failure is None:
            failure = (rel, error)
    try:
        if failure is not None:
            current = failure[0]
            raise failure[1]
        for rel in files:
            current = rel
            os.replace(temps[rel], targets[rel])
            del temps[rel]
            replaced.append(rel)
    except OSError as exc:
        for tmp in temps.values():
            _unlink_quietly(tmp)
        for rel in replaced:
            _restore(targets[rel], originals[rel])
        raise CommitError(current, exc.strerror or str(exc)) from exc


def _restore(path: str, original: bytes | None) -> None:
    if original is None:
        _unlink_quietly(path)
        return
    with open(path, "wb") as handle:
        handle.write(original)


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
