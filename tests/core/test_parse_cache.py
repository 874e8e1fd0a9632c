"""The on-disk parse cache never runs code planted in it and never trusts a damaged entry."""

from __future__ import annotations

import logging
import pickle
import stat
from pathlib import Path

import pytest

from graph_sitter import Codebase

FIXTURE = Path(__file__).parent.parent / "fixtures" / "python"


class _Payload:
    """Unpickling this creates `marker`: what an attacker's cache entry would do."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (self.marker, "w"))


def _snapshot(cb: Codebase) -> tuple[list[str], list[tuple[str, int]]]:
    usages = [(u.filepath, u.start_byte) for u in cb.get_function("total_price").usages()]
    return [repr(s) for s in cb.symbols], usages


def _entries(cache: Path) -> list[Path]:
    found = sorted(cache.rglob("*.pkl"))
    assert found, "the first build wrote no cache entries"
    return found


def test_planted_pickle_is_never_executed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = _snapshot(Codebase(FIXTURE, cache_dir=""))
    Codebase(FIXTURE, cache_dir=str(cache))
    marker = tmp_path / "pwned"
    evil = pickle.dumps(_Payload(str(marker)))
    entries = _entries(cache)
    for i, entry in enumerate(entries):
        # Half as a bare pickle (the old format), half behind our header with a forged MAC.
        entry.write_bytes(evil if i % 2 else b"GSC1" + b"\0" * 32 + evil)
    again = Codebase(FIXTURE, cache_dir=str(cache))
    assert not marker.exists()
    assert not any(pf.from_cache for pf in again._graph.files)
    assert _snapshot(again) == fresh
    # The planted entries were replaced by authentic ones: the next build reads them.
    assert all(pf.from_cache for pf in Codebase(FIXTURE, cache_dir=str(cache))._graph.files)
    assert not marker.exists()


def test_entry_moved_under_another_name_is_rejected(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = _snapshot(Codebase(FIXTURE, cache_dir=""))
    Codebase(FIXTURE, cache_dir=str(cache))
    files = [p for p in _entries(cache) if p.parent.name != "graphs"]
    assert len(files) > 1
    first = files[0].read_bytes()
    for entry in files[1:]:
        entry.write_bytes(first)  # authentic bytes, wrong digest
    again = Codebase(FIXTURE, cache_dir=str(cache))
    assert sum(pf.from_cache for pf in again._graph.files) == 1
    assert _snapshot(again) == fresh


@pytest.mark.parametrize("where", [0.1, 0.5, 0.99])
def test_flipped_byte_is_ignored_and_rebuilt(tmp_path: Path, where: float) -> None:
    cache = tmp_path / "cache"
    fresh = _snapshot(Codebase(FIXTURE, cache_dir=""))
    Codebase(FIXTURE, cache_dir=str(cache))
    for entry in _entries(cache):
        data = bytearray(entry.read_bytes())
        data[int(len(data) * where)] ^= 0x10
        entry.write_bytes(bytes(data))
    for _ in range(2):  # the damaged entries are rewritten, not read again and again
        assert _snapshot(Codebase(FIXTURE, cache_dir=str(cache))) == fresh


def test_key_is_private_and_replaced_when_exposed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    Codebase(FIXTURE, cache_dir=str(cache))
    key = cache / "cache.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    old = key.read_bytes()
    key.chmod(0o644)  # anyone could have read it: the entries it signed are not trusted
    with caplog.at_level(logging.WARNING, logger="graph_sitter.core"):
        again = Codebase(FIXTURE, cache_dir=str(cache))
    assert "cache.key" in caplog.text
    assert not any(pf.from_cache for pf in again._graph.files)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.read_bytes() != old
    assert all(pf.from_cache for pf in Codebase(FIXTURE, cache_dir=str(cache))._graph.files)


def test_symlinked_key_is_not_followed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    elsewhere = tmp_path / "attacker.key"
    elsewhere.write_bytes(b"k" * 32)
    elsewhere.chmod(0o600)
    (cache / "cache.key").symlink_to(elsewhere)
    Codebase(FIXTURE, cache_dir=str(cache))
    key = cache / "cache.key"
    assert not key.is_symlink()
    assert key.read_bytes() != b"k" * 32
    assert elsewhere.read_bytes() == b"k" * 32
