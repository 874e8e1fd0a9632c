"""One SQLite file behind each AI store (response cache, usage ledger, batch journal).

Written once for the three stores: the connection setup (autocommit, WAL, busy timeout) and
what happens when the file is damaged. A file that is not a readable database (a crash of
the disk, a stray write, a truncated copy) never blocks AI calls: it is moved aside to
``<name>.corrupt-<timestamp>`` (its ``-wal``/``-shm`` companions too), an empty store is
created in its place, and one warning says where the old file went. A store's own methods
decide what a failed write means; none of them loses an answer the caller paid for.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["SQLiteFile", "connect_sqlite", "is_corruption"]

logger = logging.getLogger("graph_sitter.ai")

_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_T = TypeVar("_T")
_warned: set[Path] = set()
_warned_lock = threading.Lock()


def connect_sqlite(path: Path) -> sqlite3.Connection:
    """An autocommit connection in WAL mode that waits (rather than fails) on a busy database.

    Switching a new database to WAL needs an exclusive lock for which SQLite does not call
    its busy handler, so several processes opening the same new file at once retry it.
    """
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA busy_timeout = 30000")
        deadline = time.monotonic() + 30.0
        delay = 0.005
        while True:
            try:
                db.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
        db.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        db.close()
        raise
    return db


def is_corruption(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says the file is damaged or not a database (not busy, not full)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    return type(exc) is sqlite3.DatabaseError


class SQLiteFile:
    """A store's database file: opened with ``schema`` applied, recreated when corrupt.

    Every query goes through :meth:`query` / :meth:`execute`, which hold the store's lock
    and, when SQLite reports corruption, quarantine the file, recreate it and run the
    statement once more on the fresh database.

    Args:
        path: The database file (parent folders are created).
        schema: ``CREATE ... IF NOT EXISTS`` statements.
        kind: What the store is, for the warning (``"usage ledger"``).
        setup: Run on every new connection after ``schema`` (e.g. a schema migration).

    Attributes:
        reset_from: Where a corrupt file was moved in this process, else ``None``.
    """

    def __init__(
        self,
        path: Path,
        schema: Sequence[str],
        *,
        kind: str,
        setup: Callable[[sqlite3.Connection], None] | None = None,
    ) -> None:
        self.path = path
        self.kind = kind
        self._schema = tuple(schema)
        self._setup = setup
        self.lock = threading.Lock()
        self.reset_from: Path | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock:
            self._db = self._open()

    def _connect(self) -> sqlite3.Connection:
        db = connect_sqlite(self.path)
        try:
            for statement in self._schema:
                db.execute(statement)
            if self._setup is not None:
                self._setup(db)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            if not is_corruption(exc):
                raise
            self._quarantine(exc)
            return self._connect()

    def _quarantine(self, exc: sqlite3.Error) -> None:
        # Another process may have replaced the file already: only move a file that still
        # fails to open, so a fresh store is never thrown away.
        try:
            self._connect().close()
        except sqlite3.DatabaseError as again:
            if not is_corruption(again):
                raise
        else:
            return
        stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}"
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        serial = 1
        while target.exists():  # never overwrite an earlier copy
            serial += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{serial}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            with contextlib.suppress(FileNotFoundError):
                os.replace(source, Path(f"{target}{suffix}"))
        self.reset_from = target
        with _warned_lock:
            first = self.path not in _warned
            _warned.add(self.path)
        if first:
            logger.warning(
                "ai.store_reset kind=%s path=%s moved_to=%s reason=%s",
                self.kind,
                self.path,
                target,
                exc,
            )

    def _recover(self, exc: sqlite3.Error) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._quarantine(exc)
        self._db = self._connect()

    def run(self, work: Callable[[sqlite3.Connection], _T]) -> _T:
        """``work(connection)`` under the store's lock; on corruption, once more on a fresh file.

        ``work`` may run several statements (a transaction of its own); it must leave the
        connection in autocommit (roll back what it began when it fails).
        """
        with self.lock:
            for attempt in (0, 1):
                try:
                    return work(self._db)
                except sqlite3.DatabaseError as exc:
                    if attempt or not is_corruption(exc):
                        raise
                    self._recover(exc)
        raise AssertionError("unreachable")  # pragma: no cover

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows of a ``SELECT``."""
        return self.run(lambda db: db.execute(sql, params).fetchall())

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        return self.run(lambda db: db.execute(sql, params).rowcount)

    def close(self) -> None:
        """Close the connection."""
        with self.lock:
            self._db.close()
