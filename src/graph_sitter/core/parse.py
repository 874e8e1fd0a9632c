"""Parsing files into `FileIndex` records: worker processes and a content-hash cache.

The parent reads every file (it keeps the bytes for `source`), hashes it, and looks the hash up
in the on-disk cache; only misses are parsed, in worker processes when there is enough work to
pay for them. Workers write the cache entries they produce.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import tree_sitter as ts

from graph_sitter.core._records import EXTRACTOR_VERSION, FileIndex
from graph_sitter.core.languages import language_for_path, support_for

__all__ = [
    "ParsedFile",
    "analysis_fingerprint",
    "default_cache_dir",
    "graph_cache_key",
    "parse_files",
    "parse_one",
    "path_key",
    "read_graph_state",
    "write_graph_state",
]

logger = logging.getLogger("graph_sitter.core")

_PARALLEL_MIN_BYTES = 1_500_000
ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class ParsedFile:
    """One file's content (UTF-8; `encoding` is the file's own), and its extracted index."""

    path: str
    language: str
    content: bytes
    encoding: str
    digest: str
    index: FileIndex
    problem: str | None = None  # e.g. "not valid utf-8 (byte 0xff at offset 12)"
    from_cache: bool = False


def default_cache_dir() -> str | None:
    """`GRAPH_SITTER_CACHE_DIR`, else the user cache directory; "" or "off" disables it."""
    configured = os.environ.get("GRAPH_SITTER_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "none") else configured
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "graph-sitter")


def detect_encoding(content: bytes, language: str) -> tuple[str, str | None]:
    """The file's encoding and, if it does not decode with it, a one-line problem."""
    encoding = support_for(language).declared_encoding(content)
    try:
        content.decode(encoding)
    except LookupError:
        return "utf-8", f"unknown encoding {encoding!r} declared"
    except UnicodeDecodeError as exc:
        bad = content[exc.start : exc.start + 1].hex()
        return encoding, f"not valid {encoding} (byte 0x{bad} at offset {exc.start})"
    return encoding, None


def _to_utf8(raw: bytes, encoding: str, problem: str | None) -> bytes:
    """Content as parsed and stored: UTF-8 without BOM (original encoding kept aside)."""
    if problem is not None or encoding == "utf-8":
        return raw
    if encoding == "utf-8-sig":
        return raw[3:]
    return raw.decode(encoding).encode("utf-8")


# The modules whose code decides what a file's index and the resolved graph contain.
_ANALYSIS_SOURCES = ("_records.py", "parse.py", "resolve.py", "languages")


@functools.cache
def analysis_fingerprint() -> str:
    """Digest of the extraction and resolution code (and grammar versions).

    Part of every cache key, so a cache written by other code (an upgrade, a local change
    without a version bump) is never read: a cache must not change an answer.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{EXTRACTOR_VERSION}:{ts.LANGUAGE_VERSION}:{_grammar_versions()}\0".encode())
    here = Path(__file__).parent
    for name in _ANALYSIS_SOURCES:
        item = here / name
        members = sorted(item.rglob("*")) if item.is_dir() else [item]
        for member in members:
            if member.suffix not in (".py", ".scm") or not member.is_file():
                continue
            h.update(member.relative_to(here).as_posix().encode() + b"\0")
            h.update(member.read_bytes())
    return h.hexdigest()


def _grammar_versions() -> str:
    out = []
    for dist in ("tree-sitter", "tree-sitter-python", "tree-sitter-typescript"):
        try:
            out.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist}=?")
    return ",".join(out)


def path_key(path: str) -> bytes:
    """A path's exact bytes for hashing (names that are not UTF-8 keep their raw bytes)."""
    return path.encode("utf-8", "surrogateescape")


def _digest(content: bytes, language: str, path: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    grammar = support_for(language).grammar_key(path)
    h.update(f"{analysis_fingerprint()}:{language}:{grammar}\0".encode())
    h.update(content)
    return h.hexdigest()


_parsers: dict[int, ts.Parser] = {}


def parse_tree(path: str, content: bytes) -> ts.Tree:
    """Parse one file into its syntax tree only (views read details from it on demand)."""
    language = language_for_path(path)
    if language is None:
        raise ValueError(f"unsupported file type: {path}")
    grammar = language.grammar(path)
    parser = _parsers.get(id(grammar))
    if parser is None:
        parser = _parsers[id(grammar)] = ts.Parser(grammar)
    tree = parser.parse(content)
    if tree.root_node.has_error:
        tree = language.recover(parser, content, tree)
    return tree


def parse_one(path: str, content: bytes) -> tuple[ts.Tree, FileIndex]:
    """Parse one file and extract its index (in this process)."""
    language = language_for_path(path)
    if language is None:
        raise ValueError(f"unsupported file type: {path}")
    tree = parse_tree(path, content)
    index = language.extract(content, tree)
    for rec in index.defs:  # tree-sitter Points do not survive pickling: store plain tuples
        rec.start_point = (int(rec.start_point[0]), int(rec.start_point[1]))
        rec.end_point = (int(rec.end_point[0]), int(rec.end_point[1]))
    index.errors = [((int(a[0]), int(a[1])), (int(b[0]), int(b[1]))) for a, b in index.errors]
    return tree, index


def _cache_path(cache_dir: str, digest: str) -> str:
    return os.path.join(cache_dir, f"v{EXTRACTOR_VERSION}", digest[:2], digest + ".pkl")


# Cache entries are pickles, and unpickling runs code: every entry is authenticated with an
# HMAC keyed by a per-user secret (`cache.key`, mode 0600, in the cache directory), and only
# an entry whose MAC verifies is unpickled. The entry's name is part of the MAC, so a valid
# entry copied under another name is rejected too. Layout: magic, MAC, pickle.
_MAGIC = b"GSC1"
_MAC_SIZE = 32
_KEY_FILE = "cache.key"
_KEY_SIZE = 32
_keys: dict[str, bytes | None] = {}
_keys_lock = threading.Lock()


def _load_key(cache_dir: str) -> bytes | None:
    """The cache's secret, created on first use; None when it cannot be made safe."""
    path = os.path.join(cache_dir, _KEY_FILE)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        pass
    except OSError as exc:  # e.g. a symlink planted in place of the key
        logger.warning("parse cache key %s is unusable (%s); replacing it", path, exc)
        if not _remove(path):
            return None
    else:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            key = handle.read(_KEY_SIZE + 1)
        owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        if owner_ok and info.st_mode & 0o077 == 0 and len(key) == _KEY_SIZE:
            return key
        logger.warning(
            "parse cache key %s is readable by others, not yours or malformed; replacing it "
            "(cached entries are rebuilt)",
            path,
        )
        if not _remove(path):
            return None
    try:
        os.makedirs(cache_dir, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")  # created 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(_KEY_SIZE))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # never replaces a key another process created meanwhile
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    except OSError as exc:  # a read-only cache directory: run without the cache
        logger.debug("parse cache key cannot be created in %s: %s", cache_dir, exc)
        return None
    return _load_key(cache_dir)


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return True
    except OSError as exc:
        logger.warning("parse cache disabled: cannot replace %s (%s)", path, exc)
        return False
    return True


def _cache_secret(cache_dir: str) -> bytes | None:
    try:
        return _keys[cache_dir]
    except KeyError:
        pass
    with _keys_lock:
        if cache_dir not in _keys:
            try:
                _keys[cache_dir] = _load_key(cache_dir)
            except (OSError, ValueError) as exc:  # e.g. a NUL in the path: build uncached
                logger.warning("parse cache disabled: %r is unusable (%s)", cache_dir, exc)
                _keys[cache_dir] = None
        return _keys[cache_dir]


def _mac(key: bytes, name: str, payload: bytes | memoryview) -> bytes:
    mac = hmac.new(key, name.encode() + b"\0", "sha256")
    mac.update(payload)
    return mac.digest()


def _sealed_read(cache_dir: str, path: str, name: str) -> Any:
    """The object stored at `path`, or None if it is missing, corrupt or not authentic."""
    key = _cache_secret(cache_dir)
    if key is None:
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    head = len(_MAGIC) + _MAC_SIZE
    if len(data) <= head or not data.startswith(_MAGIC):
        return None
    payload = memoryview(data)[head:]
    if not hmac.compare_digest(data[len(_MAGIC) : head], _mac(key, name, payload)):
        logger.debug("parse cache entry %s failed authentication; ignored", path)
        return None
    try:
        return pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None  # an authentic entry of an older layout: rebuilt


def _sealed_write(cache_dir: str, path: str, name: str, value: object) -> None:
    key = _cache_secret(cache_dir)
    if key is None:
        return
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(_MAGIC + _mac(key, name, payload))
            handle.write(payload)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only or full cache never breaks a build
        logger.debug("cache write failed for %s: %s", name, exc)


def _cache_read(cache_dir: str, digest: str) -> FileIndex | None:
    value = _sealed_read(cache_dir, _cache_path(cache_dir, digest), "file:" + digest)
    return value if isinstance(value, FileIndex) else None


def _cache_write(cache_dir: str, digest: str, index: FileIndex) -> None:
    _sealed_write(cache_dir, _cache_path(cache_dir, digest), "file:" + digest, index)


_GRAPH_FORMAT = 1


def graph_cache_key(
    files: Sequence[ParsedFile],
    root_name: str,
    inputs: Iterable[tuple[str, bytes]] = (),
) -> str | None:
    """Key of a whole resolved graph, covering everything resolution reads.

    That is: the analysis code (`analysis_fingerprint`), the root folder's name (it names the
    modules of a root package), every file's path and content digest in order, and `inputs`:
    `(name, content)` of anything else resolution reads (e.g. configuration files). None when
    a file has no digest (it was edited in memory): such a graph is not cached.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(f"graph:{_GRAPH_FORMAT}:{analysis_fingerprint()}\0".encode())
    h.update(path_key(root_name) + b"\0")
    for pf in files:
        if not pf.digest:
            return None
        h.update(path_key(pf.path) + b"\0" + pf.digest.encode() + b"\0")
    for name, content in sorted(inputs):
        h.update(b"input\0" + path_key(name) + b"\0")
        h.update(hashlib.blake2b(content, digest_size=16).digest())
    return h.hexdigest()


def _graph_path(cache_dir: str, key: str) -> str:
    return os.path.join(cache_dir, f"v{EXTRACTOR_VERSION}", "graphs", key + ".pkl")


def read_graph_state(cache_dir: str, key: str) -> dict[str, Any] | None:
    """A resolved graph's state saved by `write_graph_state`, or None (missing or corrupt)."""
    value = _sealed_read(cache_dir, _graph_path(cache_dir, key), "graph:" + key)
    return value if isinstance(value, dict) and value.get("format") == _GRAPH_FORMAT else None


def write_graph_state(cache_dir: str, key: str, state: dict[str, Any]) -> None:
    """Save a resolved graph's state (authenticated like every cache entry)."""
    value = {**state, "format": _GRAPH_FORMAT}
    _sealed_write(cache_dir, _graph_path(cache_dir, key), "graph:" + key, value)


def _work(
    batch: list[tuple[str, bytes, str]], cache_dir: str | None
) -> list[tuple[FileIndex, str | None]]:
    out: list[tuple[FileIndex, str | None]] = []
    for path, content, digest in batch:
        language = language_for_path(path)
        try:
            index = parse_one(path, content)[1]
        except Exception as exc:  # the per-file boundary: logged and reported, never fatal
            # One file the extractor cannot handle must not sink the whole build: keep an
            # empty index and report the file (with the error) in `Codebase.problems`.
            logger.warning("could not extract %s: %s: %s", path, type(exc).__name__, exc)
            name = language.name if language is not None else "unknown"
            out.append((FileIndex(name, 0), f"could not be analysed ({type(exc).__name__}: {exc})"))
            continue
        if cache_dir is not None:
            _cache_write(cache_dir, digest, index)
        out.append((index, None))
    return out


def _batches(items: list[tuple[str, bytes, str]], count: int) -> list[list[tuple[str, bytes, str]]]:
    """Split into about `count` batches of similar byte size, big files first."""
    ordered = sorted(items, key=lambda item: -len(item[1]))
    batches: list[list[tuple[str, bytes, str]]] = [[] for _ in range(count)]
    sizes = [0] * count
    for item in ordered:
        i = sizes.index(min(sizes))
        batches[i].append(item)
        sizes[i] += len(item[1]) + 200
    return [b for b in batches if b]


def _pool_context() -> Any:
    # fork is cheap and inherits the loaded grammars; it is unsafe in a threaded process.
    if threading.active_count() == 1 and hasattr(os, "fork"):
        return get_context("fork")
    return get_context("spawn")


def parse_files(
    sources: Sequence[tuple[str, str, bytes]],
    *,
    cache_dir: str | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> list[ParsedFile]:
    """Parse `(path, language, content)` triples; results keep the input order."""
    total = len(sources)
    results: list[ParsedFile | None] = [None] * total
    misses: list[tuple[int, str, bytes, str]] = []
    done = 0
    if cache_dir is not None:
        _keys.pop(cache_dir, None)  # re-check the key file once per build
    for i, (path, language, raw) in enumerate(sources):
        encoding, problem = detect_encoding(raw, language)
        content = _to_utf8(raw, encoding, problem)
        digest = _digest(content, language, path)
        cached = _cache_read(cache_dir, digest) if cache_dir is not None else None
        if cached is not None:
            results[i] = ParsedFile(
                path, language, content, encoding, digest, cached, problem, from_cache=True
            )
            done += 1
        else:
            empty = FileIndex(language, 0)
            results[i] = ParsedFile(path, language, content, encoding, digest, empty, problem)
            misses.append((i, path, content, digest))
        if progress is not None and done and done % 64 == 0 and cached is not None:
            progress(done, total)  # a warm cache: the count moves while files are read
    if progress is not None:
        progress(done, total)
    miss_bytes = sum(len(m[2]) for m in misses)
    if workers is None:
        workers = min(os.cpu_count() or 1, 8)
    if workers > 1 and miss_bytes >= _PARALLEL_MIN_BYTES and len(misses) > 1:
        by_key = {(m[1], m[3]): m[0] for m in misses}
        batches = _batches([(m[1], m[2], m[3]) for m in misses], workers * 6)
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            futures = [pool.submit(_work, batch, cache_dir) for batch in batches]
            for future, batch in zip(futures, batches, strict=True):
                for (path, _, digest), (index, problem) in zip(batch, future.result(), strict=True):
                    parsed = results[by_key[(path, digest)]]
                    assert parsed is not None
                    parsed.index = index
                    parsed.problem = parsed.problem or problem
                done += len(batch)
                if progress is not None:
                    progress(done, total)
    else:
        for i, path, content, digest in misses:
            parsed = results[i]
            assert parsed is not None
            parsed.index, problem = _work([(path, content, digest)], cache_dir)[0]
            parsed.problem = parsed.problem or problem
            done += 1
            if progress is not None and (done % 32 == 0 or done == total):
                progress(done, total)
    return [r for r in results if r is not None]
