"""cb.ai_map: concurrency through faults, input order, callbacks, and resuming after SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import textwrap
from pathlib import Path

from ai_helpers import (
    API_KEY,
    EchoEmulator,
    many_functions,
    python_child,
    session_for,
    write_project,
)

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai
from graph_sitter.ai.batch import BatchEvent
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import HTTPError, RateLimit
from graph_sitter.testing._faults import Fault


def test_200_items_with_5xx_and_a_429_burst_each_done_exactly_once(
    echo_emu: EchoEmulator, state_dir: Path, sleeps: SleepRecorder
) -> None:
    cb = Codebase.from_files(many_functions(200))
    targets = [cb.get_function(f"f{i:03d}") for i in range(200)]

    def plan(n: int) -> Fault | None:
        if 100 <= n < 112:
            return RateLimit(retry_after=1)  # a burst of twelve 429s
        if n % 10 == 3:
            return HTTPError(503 if n % 20 == 3 else 500)  # ~10% server errors
        return None

    echo_emu.fault_plan = plan
    session_for(cb, echo_emu, state_dir, max_ai_requests=None, cache=False)
    events: list[BatchEvent] = []
    try:
        results = cb.ai_map("Summarise", targets, concurrency=8, callback=events.append)
    finally:
        codebase_ai.close(cb)
    assert results == [f"answer for f{i:03d}" for i in range(200)]  # input order
    assert set(echo_emu.answered) == {f"f{i:03d}" for i in range(200)}
    assert set(echo_emu.answered.values()) == {1}  # every item answered exactly once
    injected = sum(1 for n in range(1, echo_emu.generative + 1) if plan(n) is not None)
    assert injected >= 30 and echo_emu.generative == 200 + injected  # faults were retried
    assert len(events) == 200 and sorted(e.index for e in events) == list(range(200))
    assert [e.done for e in events] == list(range(1, 201))
    assert all(e.error is None and not e.resumed for e in events)
    assert any(delay >= 1 for delay in sleeps.planned)  # Retry-After was honoured (virtually)


CHILD = textwrap.dedent(
    """
    import json, sys
    from graph_sitter import Codebase
    project, state, base_url, key = sys.argv[1:5]
    cb = Codebase(project, cache_dir="")
    cb.set_session_options(
        env={"OPENAI_API_KEY": key, "OPENAI_BASE_URL": base_url}, env_file=None,
        state_dir=state, max_ai_requests=None, cache=False,
    )
    targets = [cb.get_function(f"f{i:03d}") for i in range(40)]
    def report(event):
        print(("resumed " if event.resumed else "done ") + str(event.index), flush=True)
    results = cb.ai_map("Summarise", targets, concurrency=4, callback=report)
    print("RESULTS " + json.dumps(results), flush=True)
    from graph_sitter.ai import codebase_ai
    codebase_ai.close(cb)
    """
)


def test_sigkill_half_way_then_resume_requests_nothing_twice_and_loses_nothing(
    echo_emu: EchoEmulator, tmp_path: Path, state_dir: Path
) -> None:
    project = write_project(tmp_path / "proj", many_functions(40, per_file=10))
    args = (str(project), str(state_dir), echo_emu.base_url, API_KEY)
    echo_emu.hold_after = 15  # answers 1..15 go out; later requests wait, unanswered
    first = python_child(CHILD, *args)
    assert first.stdout is not None and first.stderr is not None
    done_first: list[int] = []
    for line in first.stdout:  # blocks on the child's output; no sleeping
        if line.startswith("done "):
            done_first.append(int(line.split()[1]))
        if len(done_first) == 15:
            break
    # Kill only once a request is in flight (arrived, unanswered): the child sends the next
    # items while it reports the last answers, so "done 15" alone does not guarantee one.
    assert echo_emu.holding.wait(30), "the child sent no request after the 15th answer"
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    first.stdout.close()
    first.stderr.close()
    first.stdin.close() if first.stdin else None
    assert first.returncode == -signal.SIGKILL
    answered_first = set(echo_emu.answered)
    assert len(answered_first) == 15 and sum(echo_emu.answered.values()) == 15
    assert {f"f{i:03d}" for i in done_first} == answered_first
    held = {name for name in echo_emu.arrived if name not in answered_first}
    assert held, "some requests were in flight, unanswered, when the batch was killed"

    echo_emu.hold_after = None
    arrived_before = dict(echo_emu.arrived)
    second = python_child(CHILD, *args)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    lines = out.splitlines()
    resumed = sorted(int(line.split()[1]) for line in lines if line.startswith("resumed "))
    done_second = sorted(int(line.split()[1]) for line in lines if line.startswith("done "))
    results = json.loads(next(line for line in lines if line.startswith("RESULTS "))[8:])

    assert resumed == sorted(done_first)  # finished items came from the journal
    assert sorted(resumed + done_second) == list(range(40))  # none lost
    assert results == [f"answer for f{i:03d}" for i in range(40)]
    assert set(echo_emu.answered.values()) == {1}  # no item answered twice across both runs
    assert len(echo_emu.answered) == 40
    for name in answered_first:  # finished items were not even sent again
        assert echo_emu.arrived[name] == arrived_before[name] == 1
