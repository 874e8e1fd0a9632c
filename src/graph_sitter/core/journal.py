"""The commit journal: what makes a multi-file commit recoverable after a crash.

A journaled commit (see `edits.write_atomically`) runs under the root's lock and goes:

1. write every new content to a temporary file `.gs-*.tmp` next to its target, fsynced;
2. write the journal `<root>/.graph-sitter/journal/commit.journal` listing `temp -> target`
   pairs with the hashes of the new (and old) contents, ending with a checksum line; fsync it
   (and its folder, the first time it is created);
3. rename each temporary file over its target (or, for hard-linked files, copy it in place);
4. empty the journal (an empty journal: nothing to repair). The renamed folders are not
   fsynced first: journaling file systems (ext4, XFS) write metadata in order, so an emptied
   journal on disk implies the renames are there too.

A crash before the journal is complete leaves only temporary files (removed by the next repair:
no target was touched). A crash after it leaves a complete journal, which `recover` rolls
forward: every temporary file still present is moved into place, so the tree ends all-new.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: commits are not locked against each other
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "STATE_DIR",
    "TEMP_PREFIX",
    "TEMP_SUFFIX",
    "JournalEntry",
    "RepairReport",
    "clear_journal",
    "content_hash",
    "copy_in_place",
    "find_stray_temps",
    "fsync_folder",
    "is_temp_name",
    "recover",
    "remove_temps",
    "repair",
    "root_lock",
    "write_journal",
]

logger = logging.getLogger("graph_sitter.core")

STATE_DIR = ".graph-sitter"
TEMP_PREFIX = ".gs-"
TEMP_SUFFIX = ".tmp"
_JOURNAL_SUFFIX = ".journal"
_FORMAT = 1


def content_hash(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def is_temp_name(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One file of a commit: paths relative to the real root.

    `how` is "rename" (temp over target), "copy" (temp copied into target, in place) or
    "delete" (undoing a creation: target removed if it holds `old`; no temp).
    """

    temp: str
    target: str
    how: str
    new: str  # content hash of the new content
    old: str | None  # content hash of the content replaced (None: a new file)


@dataclass(slots=True)
class RepairReport:
    """What `recover` did: files rolled forward, journals discarded, temp files removed."""

    rolled_forward: list[str] = field(default_factory=list)
    journals_completed: int = 0
    journals_discarded: int = 0
    removed_temps: list[str] = field(default_factory=list)
    kept_user_changes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.rolled_forward
            or self.journals_completed
            or self.journals_discarded
            or self.removed_temps
        )


def _state_dir(root: str) -> str:
    return os.path.join(root, STATE_DIR)


def _journal_dir(root: str) -> str:
    return os.path.join(root, STATE_DIR, "journal")


def _ensure_state_dir(root: str) -> str:
    state = _state_dir(root)
    if not os.path.isdir(state):
        os.makedirs(state, exist_ok=True)
        with open(os.path.join(state, ".gitignore"), "w", encoding="utf-8") as handle:
            handle.write("# graph-sitter commit state; never versioned\n*\n")
    return state


@contextlib.contextmanager
def root_lock(root: str) -> Iterator[None]:
    """Hold the root's commit lock (commits and repairs on one root never interleave)."""
    state = _ensure_state_dir(root)
    fd = os.open(os.path.join(state, "lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock (a killed process releases it too)


def fsync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a folder; nothing more can be done
        pass
    finally:
        os.close(fd)


def write_journal(
    root: str, entries: Sequence[JournalEntry], *, replace_active: bool = False
) -> str:
    """Write (and fsync) a complete journal for `entries`; return its path.

    The root has one journal file, kept between commits (emptied by `clear_journal`), so
    that only its first creation pays for fsyncing its folder. With `replace_active`, a
    journal still in force is replaced atomically (written aside, then renamed over it), so
    a crash leaves either the old journal or the new one. Callers hold `root_lock`.
    """
    folder = _journal_dir(root)
    path = os.path.join(folder, "commit" + _JOURNAL_SUFFIX)
    fresh = not os.path.exists(path)
    if fresh:
        os.makedirs(folder, exist_ok=True)
    body = json.dumps({"format": _FORMAT, "entries": [asdict(e) for e in entries]})
    data = f"{body}\n{content_hash(body.encode())}\n".encode()
    written = path + ".new" if replace_active else path
    fd = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    if replace_active:
        os.replace(written, path)
    if fresh or replace_active:
        fsync_folder(folder)
    return path


def clear_journal(path: str) -> None:
    """Mark the commit finished: an empty journal means nothing to repair."""
    os.truncate(path, 0)


def _read_journal(path: str) -> list[JournalEntry] | None:
    """The entries of a complete journal, or None when it was not completely written."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        body, check, *rest = data.split(b"\n")
        if rest != [b""] or content_hash(body) != check.decode("ascii"):
            return None
        parsed = json.loads(body)
        if parsed.get("format") != _FORMAT:
            return None
        return [JournalEntry(**item) for item in parsed["entries"]]
    except (OSError, ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None


def _hash_of(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return content_hash(handle.read())
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def copy_in_place(source: str, target: str) -> None:
    """Overwrite `target`'s content with `source`'s, keeping its inode (hard links, owner)."""
    with open(source, "rb") as handle:
        content = handle.read()
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o644)
    except PermissionError:
        mode = os.stat(target).st_mode
        os.chmod(target, mode | 0o200)  # a read-only file the caller asked to write
        try:
            fd = os.open(target, os.O_WRONLY)
        finally:
            os.chmod(target, mode)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        os.ftruncate(fd, len(content))
        os.fsync(fd)
    finally:
        os.close(fd)


def _roll_forward(root: str, entries: list[JournalEntry], report: RepairReport) -> None:
    folders: set[str] = set()
    for entry in entries:
        temp = os.path.join(root, entry.temp)
        target = os.path.join(root, entry.target)
        if entry.how == "delete":  # undoing the creation of a file
            if _hash_of(target) == entry.old:
                _unlink(target)
                folders.add(os.path.dirname(target))
                report.rolled_forward.append(entry.target)
            continue
        if not entry.temp or not os.path.exists(temp):
            continue  # already moved into place before the crash
        if _hash_of(temp) != entry.new:
            logger.warning("repair: %s does not hold the committed content; dropped", entry.temp)
            _unlink(temp)
            continue
        if entry.how == "copy":
            copy_in_place(temp, target)
            _unlink(temp)
        else:
            current = _hash_of(target)
            if current not in (entry.old, entry.new):
                # Changed by someone after the crash: their version wins over the old commit.
                logger.warning("repair: %s changed since the crash; kept as it is", entry.target)
                report.kept_user_changes.append(entry.target)
                _unlink(temp)
                continue
            os.replace(temp, target)
        folders.add(os.path.dirname(target))
        report.rolled_forward.append(entry.target)
    for folder in sorted(folders):
        fsync_folder(folder)


def recover(root: str, stray_temps: Iterable[str] = ()) -> RepairReport:
    """Finish or discard the commits a crash interrupted, and remove stray temporary files.

    Complete journals are rolled forward; incomplete ones (no rename ever started) are
    deleted with their temporary files. `stray_temps` (paths relative to `root`) are removed.
    Takes the root's lock only when there is something to do.
    """
    report = RepairReport()
    real_root = os.path.realpath(root)
    folder = _journal_dir(real_root)
    journals = _list_journals(folder)
    temps = list(stray_temps)
    if not journals and not temps:
        return report
    with root_lock(real_root):
        for path in _list_journals(folder):
            entries = _read_journal(path)
            if entries is None:
                report.journals_discarded += 1
            else:
                _roll_forward(real_root, entries, report)
                report.journals_completed += 1
            _unlink(path)
        if journals:
            fsync_folder(folder)
        report.removed_temps = remove_temps(real_root, temps)
    if report:
        logger.warning(
            "repaired %s: %d file(s) rolled forward, %d journal(s) discarded, %d temp file(s) "
            "removed",
            root,
            len(report.rolled_forward),
            report.journals_discarded,
            len(report.removed_temps),
        )
    return report


def repair(root: str) -> RepairReport:
    """Repair a whole tree: `recover` with every stray temporary file found under `root`."""
    return recover(root, find_stray_temps(root))


def remove_temps(root: str, temps: Iterable[str]) -> list[str]:
    removed = []
    for rel in temps:
        try:
            os.unlink(os.path.join(root, rel))
        except FileNotFoundError:
            continue
        removed.append(rel)
    return sorted(removed)


def _list_journals(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    paths = [os.path.join(folder, n) for n in names if n.endswith(_JOURNAL_SUFFIX)]
    return sorted(p for p in paths if _size(p) > 0)


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def find_stray_temps(root: str, skip_dirs: Iterable[str] = (".git", ".hg", ".svn")) -> list[str]:
    """Every `.gs-*.tmp` file under `root` (relative paths), not following symlinks."""
    skip = set(skip_dirs)
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip]
        for name in files:
            if is_temp_name(name):
                rel = os.path.relpath(os.path.join(folder, name), root)
                found.append(rel.replace(os.sep, "/"))
    return sorted(found)


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
