"""Response cache for ``cb.ai``: keys, policy, and two stores (SQLite and Redis).

Key (see ``PROTOCOLS.md``, "Response caching pitfalls"): the SHA-256 of the canonical JSON
(sorted keys, no whitespace, UTF-8) of the **full effective request after defaults**: every
provider that may answer with its base URL and effective model, system prompt, messages,
temperature, max tokens, tools, tool choice and any extra parameter, plus the target's
content hash and :data:`CACHE_SCHEMA_VERSION`. An omitted temperature is never treated as 0:
the caller's effective value is in the key.

Policy: only deterministic requests (temperature 0) are cached unless the caller opts in
(``cache="always"``); errors, partial answers and ``finish_reason="length"`` answers are
never stored. Entries expire after a TTL (default 7 days); expiry is checked against the
wall clock stored in the entry, so both stores behave the same.

Stores:

* :class:`SQLiteCacheStore`: one file in the user cache directory
  (``$GRAPH_SITTER_CACHE_DIR`` or ``$XDG_CACHE_HOME/graph-sitter`` or
  ``~/.cache/graph-sitter``, then ``ai/responses.sqlite3``), in WAL mode with a busy timeout:
  safe for several threads and processes on one machine.
* :class:`RedisCacheStore`: ``GRAPH_SITTER_REDIS_URL=redis://host:port/db``, for teams and
  several machines; keys ``graph-sitter:ai:cache:v1:<sha256>``, with a Redis TTL as well.
"""

from __future__ import annotations

import abc
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph_sitter.ai._sqlite import SQLiteFile, connect_sqlite
from graph_sitter.ai.errors import ProviderConfigurationError
from graph_sitter.http.redaction import redact

if TYPE_CHECKING:
    import redis

__all__ = [
    "CACHE_SCHEMA_VERSION",
    "DEFAULT_TTL",
    "CacheStore",
    "RedisCacheStore",
    "SQLiteCacheStore",
    "ai_state_dir",
    "canonical_json",
    "connect_sqlite",
    "content_hash",
    "open_store",
    "request_key",
    "storable",
]

logger = logging.getLogger("graph_sitter.ai")

CACHE_SCHEMA_VERSION = 1
DEFAULT_TTL = 7 * 24 * 3600.0
REDIS_URL_ENV = "GRAPH_SITTER_REDIS_URL"
_REDIS_PREFIX = "graph-sitter:ai:cache:v1:"
_OFF = ("", "0", "off", "false", "no", "none")


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, non-ASCII kept: equal requests give equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def content_hash(text: str) -> str:
    """SHA-256 hex digest of ``text`` (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def request_key(request: Mapping[str, Any]) -> str:
    """The cache key of an effective request (see the module docstring)."""
    envelope = {"schema": CACHE_SCHEMA_VERSION, "request": request}
    return hashlib.sha256(canonical_json(envelope).encode("utf-8")).hexdigest()


def storable(finish_reason: str | None, content: str) -> bool:
    """Whether an answer may be stored: complete (not cut by ``length``) and not empty."""
    return finish_reason != "length" and bool(content)


def configured_path(variable: str, value: str, *, directory: bool) -> Path:
    """A path from ``variable``, checked now so a bad value is named in one line.

    Raises:
        ProviderConfigurationError: The value has a control character, or names a file
            where a directory is needed (or the reverse), or lies under a file.
    """

    def bad(expected: str) -> ProviderConfigurationError:
        return ProviderConfigurationError(
            f"Invalid configuration: {variable}={value!r} is invalid, expected {expected}. "
            "Fix or unset the variable."
        )

    if any(c in value for c in ("\0", "\n", "\r")):
        raise bad("a path on one line (no newline, carriage return or NUL)")
    path = Path(value).expanduser()
    if directory and path.exists() and not path.is_dir():
        raise bad("a directory (it is a file)")
    if not directory and path.is_dir():
        raise bad("a database file (it is a directory)")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise bad(f"a path under a directory ({parent} is a file)")
            break
    return path


def ai_state_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """Where the AI layer keeps its files: ``<user cache dir>/graph-sitter/ai``.

    ``GRAPH_SITTER_CACHE_DIR`` overrides the base directory (``off`` disables on-disk state).
    """
    source = os.environ if env is None else env
    configured = source.get("GRAPH_SITTER_CACHE_DIR")
    if configured is not None:
        if configured.strip().lower() in _OFF:
            return None
        return configured_path("GRAPH_SITTER_CACHE_DIR", configured, directory=True) / "ai"
    base = source.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "graph-sitter" / "ai"


class CacheStore(abc.ABC):
    """A key/value store of cached answers with per-entry expiry.

    Values are JSON objects. Subclasses store text envelopes ``{"expires": t, "value": v}``;
    expiry is checked here against ``clock`` (wall-clock seconds), so every store expires
    entries identically.

    Args:
        clock: Wall-clock source (injectable for tests).
    """

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.hits = 0
        self.misses = 0

    @abc.abstractmethod
    def _read(self, key: str) -> str | None: ...

    @abc.abstractmethod
    def _write(self, key: str, text: str, ttl: float | None) -> None: ...

    @abc.abstractmethod
    def delete(self, key: str) -> bool:
        """Remove one entry; whether it existed."""

    @abc.abstractmethod
    def clear(self) -> int:
        """Remove every entry; how many there were."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored value, or ``None`` when missing, expired or unreadable."""
        text = self._read(key)
        if text is None:
            self.misses += 1
            return None
        try:
            envelope = json.loads(text)
            expires = envelope.get("expires")
            value = envelope["value"]
        except (ValueError, KeyError, TypeError, AttributeError):
            self.delete(key)
            self.misses += 1
            return None
        if expires is not None and float(expires) <= self._clock():
            self.delete(key)
            self.misses += 1
            return None
        self.hits += 1
        return dict(value)

    def set(self, key: str, value: Mapping[str, Any], ttl: float | None = DEFAULT_TTL) -> None:
        """Store ``value`` for ``ttl`` seconds (``None``: no expiry)."""
        expires = None if ttl is None else self._clock() + ttl
        text = json.dumps({"expires": expires, "value": dict(value)}, ensure_ascii=False)
        self._write(key, text, ttl)

    def __enter__(self) -> CacheStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS responses ("
    "key TEXT PRIMARY KEY, value TEXT NOT NULL, expires REAL, created REAL NOT NULL)",
)


class SQLiteCacheStore(CacheStore):
    """Answers in one SQLite file (WAL, busy timeout): safe for threads and processes.

    Args:
        path: The database file (parent folders are created).
        clock: Wall-clock source.
    """

    def __init__(self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time):
        super().__init__(clock=clock)
        self.path = Path(path)
        self._file = SQLiteFile(self.path, _SCHEMA, kind="response cache")
        self._safely("DELETE FROM responses WHERE expires IS NOT NULL AND expires <= ?", (clock(),))

    def _safely(self, sql: str, params: tuple[Any, ...]) -> int:
        """A write that must not fail the call: logged and dropped on a database error."""
        try:
            return self._file.execute(sql, params)
        except sqlite3.Error as exc:
            logger.warning("ai.cache_write_failed path=%s error=%s", self.path, exc)
            return 0

    def _read(self, key: str) -> str | None:
        try:
            rows = self._file.query("SELECT value FROM responses WHERE key = ?", (key,))
        except sqlite3.Error as exc:  # a read that fails is a miss, never a failed call
            logger.warning("ai.cache_read_failed path=%s error=%s", self.path, exc)
            return None
        return None if not rows else str(rows[0][0])

    def _write(self, key: str, text: str, ttl: float | None) -> None:
        now = self._clock()
        expires = None if ttl is None else now + ttl
        self._safely(
            "INSERT OR REPLACE INTO responses (key, value, expires, created) VALUES (?,?,?,?)",
            (key, text, expires, now),
        )

    def delete(self, key: str) -> bool:
        return self._safely("DELETE FROM responses WHERE key = ?", (key,)) > 0

    def clear(self) -> int:
        return self._file.execute("DELETE FROM responses")

    def __len__(self) -> int:
        return int(self._file.query("SELECT COUNT(*) FROM responses")[0][0])

    @property
    def reset_from(self) -> Path | None:
        """Where a corrupt cache file was moved when this store was opened, else ``None``."""
        return self._file.reset_from

    def close(self) -> None:
        self._file.close()

    def __repr__(self) -> str:
        return f"SQLiteCacheStore({str(self.path)!r})"


def redis_client(url: str, variable: str = "GRAPH_SITTER_REDIS_URL") -> redis.Redis:
    """A client for ``url`` (``redis://``, ``rediss://`` or ``unix://``).

    Raises:
        ProviderConfigurationError: ``url`` is not a Redis URL (names ``variable``).
    """
    import redis as redis_lib

    try:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("unsupported scheme")
        return redis_lib.Redis.from_url(url, socket_timeout=10.0, socket_connect_timeout=5.0)
    except ValueError:
        shown = "(value hidden: it may hold a password)" if "@" in url else repr(redact(url))
        raise ProviderConfigurationError(
            f"Invalid configuration: {variable}={shown} is invalid, expected "
            "redis://host:port/db, rediss://host:port/db or unix:///path/to/socket. "
            "Fix or unset the variable."
        ) from None


class RedisCacheStore(CacheStore):
    """Answers in Redis, shared by every process and machine using the same server.

    Args:
        url: The server (``redis://127.0.0.1:6379/0``); or pass ``client``.
        client: An existing ``redis.Redis`` (not closed by :meth:`close`).
        prefix: Key prefix.
        clock: Wall-clock source (expiry is also enforced by a Redis TTL).
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: redis.Redis | None = None,
        prefix: str = _REDIS_PREFIX,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(clock=clock)
        if client is None and url is None:
            raise ValueError("RedisCacheStore needs a url or a client")
        self._owns = client is None
        self._client = client if client is not None else redis_client(str(url))
        self.prefix = prefix

    def _read(self, key: str) -> str | None:
        raw = self._client.get(self.prefix + key)
        if raw is None:
            return None
        return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)

    def _write(self, key: str, text: str, ttl: float | None) -> None:
        # The Redis TTL is a backstop (one extra second); expiry is decided in `get`.
        px = None if ttl is None else max(1, int((ttl + 1.0) * 1000))
        self._client.set(self.prefix + key, text.encode("utf-8"), px=px)

    def delete(self, key: str) -> bool:
        return bool(self._client.delete(self.prefix + key))

    def clear(self) -> int:
        removed = 0
        batch: list[Any] = []
        for name in self._client.scan_iter(match=self.prefix + "*", count=500):
            batch.append(name)
            if len(batch) >= 500:
                removed += int(self._client.delete(*batch))
                batch.clear()
        if batch:
            removed += int(self._client.delete(*batch))
        return removed

    def __len__(self) -> int:
        return sum(1 for _ in self._client.scan_iter(match=self.prefix + "*", count=500))

    def close(self) -> None:
        if self._owns:
            self._client.close()

    def __repr__(self) -> str:
        return f"RedisCacheStore(prefix={self.prefix!r})"


def open_store(
    kind: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    path: str | os.PathLike[str] | None = None,
) -> CacheStore | None:
    """Open the configured store.

    Args:
        kind: ``"sqlite"``, ``"redis"`` or ``None`` for automatic (Redis when
            ``GRAPH_SITTER_REDIS_URL`` is set, else SQLite).
        env: Mapping used instead of ``os.environ``.
        path: SQLite file (default ``<ai state dir>/responses.sqlite3``).

    Returns:
        The store, or ``None`` when SQLite was chosen but on-disk state is disabled.
    """
    source = os.environ if env is None else env
    url = source.get(REDIS_URL_ENV) or None
    if kind == "redis" or (kind is None and url):
        if not url:
            raise ProviderConfigurationError(
                f"the Redis cache needs {REDIS_URL_ENV}=redis://host:port/db"
            )
        return RedisCacheStore(url)
    if path is None:
        base = ai_state_dir(source)
        if base is None:
            return None
        path = base / "responses.sqlite3"
    return SQLiteCacheStore(path)
