"""With GRAPH_SITTER_REDIS_URL, processes share the rate limiter and the circuit breaker."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

from ai_helpers import API_KEY, EchoEmulator, finish, many_functions, python_child, write_project

from graph_sitter.ai.cache import redis_client
from graph_sitter.ai.shared_state import RedisCircuitBreaker, RedisRateLimiter
from graph_sitter.http import BreakerState, RateLimit

# A worker: builds its provider, says "ready", waits for "go", then maps 20 targets.
WORKER = textwrap.dedent(
    """
    import json, sys
    from graph_sitter import Codebase
    from graph_sitter.ai import codebase_ai
    project, state, base_url, key, redis_url, first = sys.argv[1:7]
    cb = Codebase(project, cache_dir="")
    cb.set_session_options(
        env={"OPENAI_API_KEY": key, "OPENAI_BASE_URL": base_url,
             "GRAPH_SITTER_REDIS_URL": redis_url},
        env_file=None, state_dir=state, max_ai_requests=None, cache=False,
        requests_per_minute=1200, rate_limit_margin=0.75,
        provider_options={"validate_on_creation": False},
    )
    start = int(first)
    targets = [cb.get_function(f"f{i:03d}") for i in range(start, start + 20)]
    provider = codebase_ai.get_session(cb).provider(None)
    print("ready", type(provider._transport.rate_limiter).__name__, flush=True)
    sys.stdin.readline()
    results = cb.ai_map("Summarise", targets, concurrency=4, item_retries=0)
    stats = provider.get_enhanced_stats()
    print(json.dumps({"results": results, "retries": stats["total_retries"]}), flush=True)
    codebase_ai.close(cb)
    """
)


def test_two_processes_sharing_one_limit_never_exceed_it(
    redis_url: str, tmp_path: Path, state_dir: Path
) -> None:
    # The emulator allows 20 requests per moving 60 s of its clock, which runs 60x faster
    # than real time: 20 requests per real second. Each worker alone is paced at
    # 1200/min * 0.75 = 15 requests per second (slack for scheduling delays under load); two
    # unshared limiters would send 30 per second.
    emulator = EchoEmulator(rpm_limit=20, clock=lambda: time.monotonic() * 60)
    project = write_project(tmp_path / "proj", many_functions(40, per_file=20))
    with emulator:
        common = (str(project), str(state_dir), emulator.base_url, API_KEY, redis_url)
        workers = [python_child(WORKER, *common, str(first)) for first in (0, 20)]
        for worker in workers:
            assert worker.stdout is not None and worker.stdin is not None
            assert worker.stdout.readline().split() == ["ready", "RedisRateLimiter"]
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        outputs = [json.loads(finish(worker, timeout=60)) for worker in workers]
    assert outputs[0]["results"] == [f"answer for f{i:03d}" for i in range(20)]
    assert outputs[1]["results"] == [f"answer for f{i:03d}" for i in range(20, 40)]
    assert [o["retries"] for o in outputs] == [0, 0]
    assert emulator.request_count == 40  # not one 429: the shared limit held
    times = sorted(r.time for r in emulator.requests)
    assert all(later - earlier >= 60.0 for earlier, later in zip(times, times[20:], strict=False))


def test_redis_limiter_books_one_window_for_everyone(redis_url: str) -> None:
    client = redis_client(redis_url)
    try:
        limit = RateLimit(requests=3, period=30.0)
        a = RedisRateLimiter(limit, client=client, scope="test:a")
        b = RedisRateLimiter(limit, client=client, scope="test:a")
        other = RedisRateLimiter(limit, client=client, scope="test:other")
        waits = [a.reserve(), b.reserve(), a.reserve(), b.reserve()]
        assert waits[:3] == [0.0, 0.0, 0.0]
        assert 29.0 < waits[3] <= 30.0  # the 4th request, from either "process", waits
        assert other.reserve() == 0.0
    finally:
        client.close()


def test_redis_breaker_opens_for_every_process(redis_url: str) -> None:
    client = redis_client(redis_url)
    try:
        one = RedisCircuitBreaker("OpenAI", client=client, scope="s", failure_threshold=3)
        two = RedisCircuitBreaker("OpenAI", client=client, scope="s", failure_threshold=3)
        one.record_failure()
        two.record_failure()
        assert one.consecutive_failures == 2 and two.state is BreakerState.CLOSED
        one.record_failure()
        assert two.state is BreakerState.OPEN
        wait = two.before_request()
        assert wait is not None and 0 < wait <= 30.0
        two.reset()
        assert one.state is BreakerState.CLOSED and one.before_request() is None
        fast = RedisCircuitBreaker(
            "OpenAI", client=client, scope="fast", failure_threshold=1, recovery_timeout=0.0
        )
        fast.record_failure()
        assert fast.before_request() is None  # cooled down: one half-open probe may go
        assert fast.state is BreakerState.HALF_OPEN
        assert fast.before_request() is not None  # a second probe waits
        fast.record_success()
        assert fast.state is BreakerState.CLOSED
    finally:
        client.close()


def test_unreachable_redis_falls_back_to_local_state() -> None:
    client = redis_client("redis://127.0.0.1:1/0")
    try:
        limiter = RedisRateLimiter(RateLimit(requests=1, period=10.0), client=client, scope="x")
        assert limiter.reserve() == 0.0
        assert limiter.reserve() > 9.0  # still limited, in-process
        breaker = RedisCircuitBreaker("OpenAI", client=client, scope="x", failure_threshold=1)
        breaker.record_failure()
        assert breaker.state is BreakerState.OPEN
    finally:
        client.close()
