"""Response cache: keys, policy, TTL, across processes, and the Redis store's parity with SQLite."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from ai_helpers import API_KEY, EchoEmulator, finish, python_child, session_for

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai
from graph_sitter.ai.cache import (
    CacheStore,
    RedisCacheStore,
    SQLiteCacheStore,
    request_key,
)
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import HTTPError, TextReply


def _posts(emulator: EchoEmulator) -> int:
    return sum(1 for r in emulator.requests if r.method == "POST")


def test_second_identical_call_is_a_hit_and_says_so(
    shop: Codebase, echo_emu: EchoEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    session_for(shop, echo_emu, state_dir)
    fn = shop.get_function("checkout")
    first = codebase_ai.ask_response(shop, "Explain", target=fn)
    second = codebase_ai.ask_response(shop, "Explain", target=fn)
    assert (first.cached, second.cached) == (False, True)
    assert second.metadata["cache_key"] == first.metadata["cache_key"]
    assert second.cost_usd == 0.0 and second.model == first.model
    assert _posts(echo_emu) == 1
    # Anything that changes the effective request is a different key.
    shop.ai("Explain", target=fn, max_tokens=50)
    shop.ai("Explain", target=shop.get_function("quick_buy"))
    shop.ai("Explain", target=fn, model="gpt-4o")
    shop.ai("Explain", target=fn, context="only this")
    assert _posts(echo_emu) == 5


def test_only_deterministic_requests_unless_opted_in(
    shop: Codebase, echo_emu: EchoEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    session_for(shop, echo_emu, state_dir)
    fn = shop.get_function("checkout")
    for _ in range(2):
        shop.ai("Explain", target=fn, temperature=0.7)
    assert _posts(echo_emu) == 2  # not cached
    for _ in range(2):
        shop.ai("Explain", target=fn, temperature=0.7, cache="always")
    assert _posts(echo_emu) == 3  # opted in
    shop.set_session_options(cache=False)
    for _ in range(2):
        shop.ai("Explain", target=fn)
    assert _posts(echo_emu) == 5


def test_length_cut_answers_and_errors_are_never_cached(
    shop: Codebase, echo_emu: EchoEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    session_for(shop, echo_emu, state_dir, use_tools=False)
    fn = shop.get_function("checkout")
    echo_emu.queue_reply(TextReply("cut sho", finish_reason="length"))
    assert shop.ai("Explain", target=fn) == "cut sho"
    assert shop.ai("Explain", target=fn) == "answer for checkout"  # asked again
    assert shop.ai("Explain", target=fn) == "answer for checkout"  # now cached
    assert _posts(echo_emu) == 2
    echo_emu.queue_fault(HTTPError(400, message="bad request"), path="/v1/chat/completions")
    with pytest.raises(Exception, match="bad request"):
        shop.ai("Other", target=fn)
    assert shop.ai("Other", target=fn) == "answer for checkout"  # the error was not cached


def test_key_is_canonical_and_includes_temperature() -> None:
    a = {"temperature": 0.0, "messages": [{"role": "user", "content": "héllo"}]}
    b = {"messages": [{"content": "héllo", "role": "user"}], "temperature": 0.0}
    assert request_key(a) == request_key(b)
    assert request_key(a) != request_key({**a, "temperature": 1.0})
    assert request_key(a) != request_key({k: v for k, v in a.items() if k != "temperature"})


CACHE_CHILD = textwrap.dedent(
    """
    import json, sys
    from graph_sitter import Codebase
    from graph_sitter.ai import codebase_ai
    project, state, base_url, key = sys.argv[1:5]
    cb = Codebase(project, cache_dir="")
    cb.set_session_options(
        env={"OPENAI_API_KEY": key, "OPENAI_BASE_URL": base_url}, env_file=None, state_dir=state
    )
    response = codebase_ai.ask_response(cb, "Explain", target=cb.get_function("checkout"))
    answer = cb.ai("Explain", target=cb.get_function("checkout"))
    print(json.dumps({"cached": response.cached, "answer": answer}))
    codebase_ai.close(cb)
    """
)


def test_cache_hit_across_two_processes(
    echo_emu: EchoEmulator, project: Path, state_dir: Path
) -> None:
    args = (str(project), str(state_dir), echo_emu.base_url, API_KEY)
    first = json.loads(finish(python_child(CACHE_CHILD, *args)))
    second = json.loads(finish(python_child(CACHE_CHILD, *args)))
    assert first == {"cached": False, "answer": "answer for checkout"}
    assert second == {"cached": True, "answer": "answer for checkout"}
    assert _posts(echo_emu) == 1  # one vendor request for four calls in two processes


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def _exercise(store: CacheStore, clock: FakeClock) -> list[Any]:
    """The same operations on any store; returns what was observed."""
    seen: list[Any] = []
    value = {"answer": "naïve — 日本語 🎉", "usage": {"prompt_tokens": 3}, "n": None}
    seen.append(store.get("k1"))
    store.set("k1", value, ttl=60)
    seen.append(store.get("k1"))
    store.set("k1", {"answer": "second"}, ttl=60)  # overwrite
    seen.append(store.get("k1"))
    store.set("k2", {"answer": "forever"}, ttl=None)
    clock.now += 59.9
    seen.append(store.get("k1"))
    clock.now += 0.2  # past the TTL
    seen.append(store.get("k1"))
    seen.append(store.get("k2"))
    seen.append(store.delete("k2"))
    seen.append(store.delete("k2"))
    store.set("a", {"answer": "1"})
    store.set("b", {"answer": "2"})
    seen.append(store.clear())
    seen.append((store.get("a"), store.get("b")))
    seen.append((store.hits, store.misses))
    return seen


def test_redis_store_behaves_exactly_like_the_sqlite_store(redis_url: str, tmp_path: Path) -> None:
    sqlite_clock, redis_clock = FakeClock(), FakeClock()
    with SQLiteCacheStore(tmp_path / "c.sqlite3", clock=sqlite_clock) as sqlite_store:
        from_sqlite = _exercise(sqlite_store, sqlite_clock)
    with RedisCacheStore(redis_url, clock=redis_clock) as redis_store:
        from_redis = _exercise(redis_store, redis_clock)
    assert from_redis == from_sqlite
    assert from_sqlite == [
        None,
        {"answer": "naïve — 日本語 🎉", "usage": {"prompt_tokens": 3}, "n": None},
        {"answer": "second"},
        {"answer": "second"},
        None,
        {"answer": "forever"},
        True,
        False,
        2,
        (None, None),
        (4, 4),
    ]


def test_redis_store_through_the_session(
    redis_url: str, project: Path, echo_emu: EchoEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    answers: list[tuple[str, bool]] = []
    for _machine in range(2):  # two codebases: as if on two machines sharing one Redis
        cb = Codebase(project, cache_dir="")
        session_for(cb, echo_emu, state_dir, extra_env={"GRAPH_SITTER_REDIS_URL": redis_url})
        try:
            response = codebase_ai.ask_response(cb, "Explain", target=cb.get_function("checkout"))
            answers.append((response.content or response.tool_calls[0]["id"], response.cached))
            assert isinstance(codebase_ai.get_session(cb).cache_store(), RedisCacheStore)
        finally:
            codebase_ai.close(cb)
    assert [cached for _, cached in answers] == [False, True]
    assert _posts(echo_emu) == 1
    assert not (state_dir / "responses.sqlite3").exists()
