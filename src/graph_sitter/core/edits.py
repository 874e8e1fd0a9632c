"""Edit transactions: queued byte-range edits, conflict detection, and atomic commits.

Edits are queued per file as `(start, end, new bytes)` over the file's current content. Two
edits conflict when their ranges overlap (insertions at the same point are kept in queue
order; an insertion touching a replaced range does not conflict). `commit` applies every file's
edits in memory, re-parses the result (refusing edits that add syntax errors), checks that no
file changed on disk since the graph read it, writes each file to a temporary file in its own
folder and renames it into place (a journal first, for several files: see `journal`); if
anything fails, files already replaced are restored, so the tree is left as it was.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from graph_sitter.core.errors import (
    ChangedOnDiskError,
    CodebaseError,
    PathOutsideCodebaseError,
    ReadOnlyFileError,
)
from graph_sitter.core.journal import (
    STATE_DIR,
    TEMP_PREFIX,
    TEMP_SUFFIX,
    JournalEntry,
    clear_journal,
    content_hash,
    copy_in_place,
    root_lock,
    write_journal,
)

__all__ = [
    "CommitError",
    "DiskStamp",
    "Edit",
    "EditConflictError",
    "EditError",
    "EditValidationError",
    "SessionLimitError",
    "Transaction",
    "apply_edits",
    "probe_file",
    "read_with_stamp",
    "reconcile",
]

# A file modified this close to the moment its stat was taken may change again within the same
# timestamp tick without its stat changing (coarse file-system clocks): its content is compared.
_RACY_NS = 2_000_000_000


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
    """Writing a file failed; every file was left (or restored) as it was.

    When even restoring failed (`restored` is False), the commit's journal is left in place:
    `graph-sitter repair` (or the next `Codebase()`) finishes the work.
    """

    def __init__(self, path: str, reason: str, *, restored: bool = True) -> None:
        self.path = path
        self.restored = restored
        outcome = (
            "No file was changed."
            if restored
            else "Some files may be new and others old until `graph-sitter repair` runs."
        )
        super().__init__(f"Commit failed while writing {path}: {reason}. {outcome}")


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
      whitespace, moves to that edge of the removal (the text around it goes either way);
    - an import line inside a removal of whole lines (the last import and the code after it
      both go) moves to where the removed lines began: after the lines kept above them.
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
        whole_lines = _line_start(content, span.start) == span.start
        if (
            point.label == "import"
            and whole_lines
            and _line_start(content, point.start) == point.start
        ):
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


@dataclass(frozen=True, slots=True)
class DiskStamp:
    """What `stat` said about a file when the graph read (or wrote) it."""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    dev: int
    racy: bool  # modified too close to the stat for the stat alone to prove it unchanged

    @classmethod
    def of(cls, st: os.stat_result) -> DiskStamp:
        racy = max(st.st_mtime_ns, st.st_ctime_ns) + _RACY_NS > time.time_ns()
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev, racy)

    def matches(self, st: os.stat_result) -> bool:
        return (self.size, self.mtime_ns, self.ctime_ns, self.ino, self.dev) == (
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
            st.st_ino,
            st.st_dev,
        )


def read_with_stamp(path: str) -> tuple[bytes, DiskStamp]:
    """A file's bytes and the stamp taken (from the open file) before reading them."""
    with open(path, "rb") as handle:
        stamp = DiskStamp.of(os.fstat(handle.fileno()))
        return handle.read(), stamp


def probe_file(
    path: str, stamp: DiskStamp | None, expected: Callable[[], bytes]
) -> tuple[str, DiskStamp | None, bytes | None]:
    """Whether the file at `path` still holds `expected()` (what the graph read).

    Returns `(status, stamp, content)`: status "same" (with a fresh stamp), "changed" (with
    the new content and its stamp) or "deleted". The stat is compared first; the content is
    read and compared only when the stat differs or cannot prove the file unchanged.
    """
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "deleted", None, None
    if stamp is not None and not stamp.racy and stamp.matches(st):
        return "same", stamp, None
    try:
        content, fresh = read_with_stamp(path)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return "deleted", None, None
    if content == expected():
        return "same", fresh, None
    return "changed", fresh, content


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


@dataclass(slots=True)
class _Staged:
    """One target file of a commit, after its new content went to a temporary file."""

    rel: str  # as the codebase names it (may be a symlink)
    target: str  # real absolute path written
    temp: str | None = None
    original: bytes | None = None
    how: str = "rename"  # or "copy": written in place (hard links, owner we cannot set)
    new_hash: str = ""
    old_hash: str | None = None
    problem: str | None = None  # "changed", "deleted", "created", "read-only"
    error: OSError | None = None


_UNCHECKED = object()


def write_atomically(
    root: str,
    files: Mapping[str, bytes],
    expected: Mapping[str, bytes | None] | None = None,
    *,
    overwrite_read_only: bool = False,
) -> dict[str, DiskStamp]:
    """Write every file or none, and leave a tree a crash cannot half-update.

    Symlinks are written through (the link stays; its target must be inside `root`). Each
    file's new content goes to a fsynced temporary file next to its target, keeping the
    target's mode and owner; `expected` (path -> the bytes the caller read, None for a new
    file) is compared with the disk first and any difference refuses the whole commit, as do
    read-only files unless `overwrite_read_only`. Files with several hard links (or an owner
    we cannot give the temporary file) are then copied in place, others renamed into place;
    a commit of several files (or with an in-place copy) writes a journal first (see
    `graph_sitter.core.journal`) so that a crash is rolled forward by the next `Codebase()`
    or `graph-sitter repair`. If a write fails, files already replaced are restored.

    Returns:
        The stamp of every written path, as stat now sees it.
    """
    if not files:
        return {}
    real_root = os.path.realpath(root)
    by_target = _real_targets(root, files)
    umask = _umask()

    def stage(item: tuple[str, str]) -> _Staged:
        real, rel = item
        want = expected.get(rel, _UNCHECKED) if expected is not None else _UNCHECKED
        return _stage(rel, real, files[rel], want, umask, overwrite_read_only)

    with _commit_lock(real_root), ThreadPoolExecutor(max_workers=min(8, len(by_target))) as pool:
        staged = list(pool.map(stage, list(by_target.items())))
        _refuse_problems(staged)
        _apply(real_root, staged)
    return _stamps(root, files)


def _real_targets(root: str, files: Mapping[str, bytes]) -> dict[str, str]:
    """Real path -> the first of `files` that names it; refuses two paths of one file on disk
    (links) given different contents."""
    by_target: dict[str, str] = {}
    for rel in files:
        real = os.path.realpath(check_inside(root, rel))
        other = by_target.setdefault(real, rel)
        if other != rel and files[other] != files[rel]:
            raise EditError(
                f"{other} and {rel} are the same file on disk (a link); nothing was written. "
                "Edit only one of them."
            )
    return by_target


def _stage(
    rel: str, real: str, content: bytes, want: object, umask: int, overwrite_read_only: bool
) -> _Staged:
    """Read `real` and check it against `want` (the bytes the caller read, None for a new
    file, `_UNCHECKED`); if nothing is wrong, write `content` to a fsynced temporary file
    next to it. A problem or an `OSError` is recorded on the entry, not raised."""
    entry = _Staged(rel, real)
    try:
        try:
            with open(real, "rb") as handle:
                st: os.stat_result | None = os.fstat(handle.fileno())
                entry.original = handle.read()
        except FileNotFoundError:
            st = None
        entry.problem = _disk_problem(st, entry.original, want)
        # Not writable by its owner, or by us (as root, `access` always says yes).
        read_only = st is not None and (
            not st.st_mode & stat.S_IWUSR or not os.access(real, os.W_OK)
        )
        if entry.problem is None and read_only and not overwrite_read_only:
            entry.problem = "read-only"
        if entry.problem is not None:
            return entry
        entry.new_hash = content_hash(content)
        if entry.original is not None:
            entry.old_hash = content_hash(entry.original)
        _write_temporary(entry, content, st, umask)
    except OSError as exc:
        entry.error = exc
    return entry


def _disk_problem(st: os.stat_result | None, original: bytes | None, want: object) -> str | None:
    """How the file on disk (`st`, `original`) differs from what the caller read (`want`)."""
    if want is _UNCHECKED:
        return None
    if st is None and want is not None:
        return "deleted"
    if st is not None and want is None:
        return "created"
    if st is not None and original != want:
        return "changed"
    return None


def _write_temporary(entry: _Staged, content: bytes, st: os.stat_result | None, umask: int) -> None:
    """Write `content` to a fsynced temporary file next to the target, with the target's mode
    (a new file's from `umask`) and owner; `entry.how` says whether it can be renamed."""
    folder = os.path.dirname(entry.target)
    if st is None:
        os.makedirs(folder, exist_ok=True)
    fd, entry.temp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        if st is None:
            os.fchmod(fd, 0o666 & ~umask)
        else:
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            entry.how = _placement(fd, st)
        os.fsync(fd)


def _placement(fd: int, st: os.stat_result) -> str:
    """How temporary file `fd` takes the place of the file `st` describes: "rename", or "copy"
    (in place) when that file has several hard links or an owner we cannot give `fd`."""
    mine = os.fstat(fd)
    if st.st_nlink > 1:
        return "copy"
    if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
        try:
            os.fchown(fd, st.st_uid, st.st_gid)
        except PermissionError:
            return "copy"
    return "rename"


def _stamps(root: str, files: Mapping[str, bytes]) -> dict[str, DiskStamp]:
    """The stamp of every path of `files` that stat can read now."""
    stamps = {}
    for rel in files:
        with contextlib.suppress(OSError):
            stamps[rel] = DiskStamp.of(os.stat(os.path.join(root, rel)))
    return stamps


def _umask() -> int:
    """The process umask, read without changing it (other threads may be creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)  # no /proc: the classic set-and-restore
    os.umask(umask)
    return umask


@contextlib.contextmanager
def _commit_lock(real_root: str) -> Iterator[None]:
    try:
        lock = root_lock(real_root)
        lock.__enter__()
    except OSError as exc:
        raise CommitError(
            STATE_DIR, f"cannot take the commit lock ({exc.strerror or exc})"
        ) from exc
    try:
        yield
    finally:
        lock.__exit__(None, None, None)


def _refuse_problems(staged: list[_Staged]) -> None:
    """Raise (after removing every temporary file) if any file cannot be written."""
    problems: dict[str, list[str]] = {}
    failure = next((s for s in staged if s.error is not None), None)
    for s in staged:
        if s.problem is not None:
            problems.setdefault(s.problem, []).append(s.rel)
    if not problems and failure is None:
        return
    for s in staged:
        if s.temp is not None:
            _unlink_quietly(s.temp)
    if "changed" in problems or "deleted" in problems or "created" in problems:
        raise ChangedOnDiskError(
            problems.get("changed", []), problems.get("deleted", []), problems.get("created", [])
        )
    if "read-only" in problems:
        raise ReadOnlyFileError(problems["read-only"])
    assert failure is not None and failure.error is not None
    raise CommitError(failure.rel, failure.error.strerror or str(failure.error)) from failure.error


def _apply(real_root: str, staged: list[_Staged]) -> None:
    """Move every staged file into place (journaled when there are several or a copy)."""
    journal = None
    if len(staged) > 1 or any(s.how == "copy" for s in staged):
        entries = [
            JournalEntry(
                os.path.relpath(s.temp or "", real_root),
                os.path.relpath(s.target, real_root),
                s.how,
                s.new_hash,
                s.old_hash,
            )
            for s in staged
        ]
        try:
            journal = write_journal(real_root, entries)
        except OSError as exc:
            for s in staged:
                _unlink_quietly(s.temp or "")
            raise CommitError(STATE_DIR, f"cannot write the commit journal ({exc})") from exc
    replaced: list[_Staged] = []
    current = staged[0]
    try:
        for s in staged:
            current = s
            assert s.temp is not None
            if s.how == "copy":
                copy_in_place(s.temp, s.target)
                os.unlink(s.temp)
            else:
                os.replace(s.temp, s.target)
            s.temp = None
            replaced.append(s)
    except OSError as exc:
        # An in-place copy that failed may have written part of the file: undo it too.
        undo = replaced + ([current] if current.how == "copy" and journal else [])
        if journal is None or not undo:
            if journal is not None:
                clear_journal(journal)  # first: its temporary files are about to go
            for s in staged:
                _unlink_quietly(s.temp or "")
        else:
            _roll_back(real_root, staged, undo, journal, current.rel)
        raise CommitError(current.rel, exc.strerror or str(exc)) from exc
    if journal is not None:
        # No folder fsync before emptying the journal: journaling file systems (ext4, XFS)
        # commit metadata in order, so the journal is never emptied on disk before the
        # renames are there; a kill -9 loses nothing the kernel already has.
        clear_journal(journal)


def _roll_back(
    real_root: str, staged: list[_Staged], undo: list[_Staged], journal: str, failed: str
) -> None:
    """Undo the files already replaced, as a journaled commit of their original contents.

    The originals go to fsynced temporary files, then a journal listing them replaces the
    commit's own journal atomically: a crash before that point rolls the commit forward, a
    crash after it finishes the roll-back. Either way the tree ends all-new or all-old.
    """
    entries = []
    temps: list[str] = []
    try:
        for s in undo:
            target = os.path.relpath(s.target, real_root)
            if s.original is None:
                entries.append(JournalEntry("", target, "delete", "", s.new_hash))
                continue
            temp = _write_temp(s.target, s.original)
            temps.append(temp)
            rel_temp = os.path.relpath(temp, real_root)
            old = content_hash(s.original)
            entries.append(JournalEntry(rel_temp, target, s.how, old, s.new_hash))
        write_journal(real_root, entries, replace_active=True)
        for s in staged:
            _unlink_quietly(s.temp or "")  # what the commit had not applied yet
        for entry in entries:
            target = os.path.join(real_root, entry.target)
            temp = os.path.join(real_root, entry.temp)
            if entry.how == "delete":
                _unlink_quietly(target)
            elif entry.how == "copy":
                copy_in_place(temp, target)
                os.unlink(temp)
            else:
                os.replace(temp, target)
        clear_journal(journal)
    except OSError as exc:
        raise CommitError(
            failed,
            f"writing failed, and so did undoing the files already written ({exc})",
            restored=False,
        ) from exc


def _write_temp(target: str, content: bytes) -> str:
    """A fsynced temporary file next to `target`, with its mode and (if we can) owner."""
    fd, temp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        st = os.stat(target)
        os.fchmod(fd, stat.S_IMODE(st.st_mode))
        with contextlib.suppress(PermissionError):
            os.fchown(fd, st.st_uid, st.st_gid)
        os.fsync(fd)
    return temp


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
