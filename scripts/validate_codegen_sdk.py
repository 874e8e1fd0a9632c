#!/usr/bin/env python3
"""End-to-end checks of the Codegen SDK, against the real API or the bundled emulator.

With CODEGEN_ORG_ID and CODEGEN_TOKEN set (and optionally CODEGEN_BASE_URL), the checks run
against that API: they create three agent runs (one through the SDK, one through the AI
provider, one through graph-sitter's ``Codebase.ai``) and wait for each to finish. With
``--offline`` they run against the bundled ``CodegenEmulator``, started in this process on
127.0.0.1. Prints a pass/fail table and
``N passed, M failed``; exits 1 if any check failed, 2 if there is nothing to check against.

Usage: python scripts/validate_codegen_sdk.py [--offline] [--timeout S] [--poll-interval S]
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

EXIT_FAILED = 1
EXIT_NOTHING_TO_CHECK = 2
PROMPT = "Reply with the single word: pong"


@dataclass
class Target:
    """Where the checks run and what they may expect."""

    org_id: str
    token: str
    base_url: str | None
    offline: bool
    timeout: float
    poll_interval: float
    state: dict[str, Any] = field(default_factory=dict)

    def agent(self, token: str | None = None) -> Any:
        from codegen import Agent

        return Agent(
            org_id=self.org_id,
            token=token or self.token,
            base_url=self.base_url,
            env={},
            env_file=None,
        )


Check = Callable[[Target], str]
CHECKS: list[tuple[str, Check]] = []


def check(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS.append((name, fn))
        return fn

    return register


@check("agent creation and credentials")
def _creation(t: Target) -> str:
    with t.agent() as agent:
        assert t.token not in repr(agent), "the token shows in repr(agent)"
        assert agent.validate_credentials(), (
            f"the token has no access to organisation {agent.org_id} (GET .../repos)"
        )
        return f"{agent!r}, token accepted for organisation {agent.org_id}"


@check("run -> poll -> complete")
def _run(t: Target) -> str:
    from codegen import TaskProgress

    events: list[TaskProgress] = []
    with t.agent() as agent:
        task = agent.run(PROMPT, tags=["validate-codegen-sdk"])
        t.state["task_id"] = task.id
        assert task.id > 0 and task.status, f"unexpected new run: {task!r}"
        task.wait_for_completion(
            timeout=t.timeout, poll_interval=t.poll_interval, progress_callback=events.append
        )
        assert task.is_terminal and task.is_successful, f"run ended as {task.status}"
        assert events and events[-1].status == task.status, "no progress events"
        t.state["logs_seen"] = sum(len(e.new_logs) for e in events)
        return f"run {task.id} {task.status} after {len(events)} poll(s)"


@check("result and artifacts")
def _artifacts(t: Target) -> str:
    with t.agent() as agent:
        task = agent.get_task(_task_id(t))
        artifacts = task.get_artifacts()
        assert task.result or task.summary, "the completed run has neither result nor summary"
        if t.offline:
            assert [pr.title for pr in artifacts] == ["Validation PR"], list(artifacts)
            assert all(pr.url for pr in artifacts)
        return f"result {str(task.result)[:40]!r}, {len(artifacts)} pull request(s)"


@check("logs")
def _logs(t: Target) -> str:
    with t.agent() as agent:
        entries = agent.get_task(_task_id(t)).get_logs(limit=50)
        assert all(e.agent_run_id == _task_id(t) for e in entries), "logs of another run"
        if t.offline:
            assert len(entries) >= 2, f"expected the emulator's log, got {len(entries)} entries"
        return f"{len(entries)} entries ({t.state.get('logs_seen', 0)} seen while polling)"


@check("list runs")
def _list(t: Target) -> str:
    with t.agent() as agent:
        tasks = agent.list_tasks(limit=10)
        ids = [task.id for task in tasks]
        assert _task_id(t) in ids, f"run {_task_id(t)} is not among the newest: {ids}"
        return f"{len(tasks)} newest runs include {_task_id(t)}"


@check("error mapping: bad token -> AuthenticationError")
def _bad_token(t: Target) -> str:
    from codegen import AuthenticationError

    bad = "invalid-token-for-validation-0000"
    with t.agent(token=bad) as agent:
        try:
            agent.list_tasks(limit=1)
        except AuthenticationError as exc:
            assert exc.status_code in (401, 403), exc.status_code
            assert bad not in str(exc) and t.token not in str(exc), "a token in the message"
            return f"{type(exc).__name__} (HTTP {exc.status_code})"
    raise AssertionError("a bad token was accepted")


@check("error mapping: unknown run -> NotFoundError")
def _not_found(t: Target) -> str:
    from codegen import NotFoundError

    with t.agent() as agent:
        try:
            agent.get_task(2_000_000_000)
        except NotFoundError as exc:
            return f"{type(exc).__name__} (HTTP {exc.status_code})"
    raise AssertionError("run 2000000000 exists?")


@check("provider through the factory")
def _provider(t: Target) -> str:
    from graph_sitter.ai.providers import create_ai_provider

    with create_ai_provider(
        "codegen",
        org_id=t.org_id,
        token=t.token,
        base_url=t.base_url,
        timeout=t.timeout,
        poll_interval=t.poll_interval,
        env={},
        env_file=None,
    ) as provider:
        assert provider.provider_name == "Codegen", provider.provider_name
        response = provider.generate_response(PROMPT)
        assert response.content, "empty answer"
        assert response.provider_name == "Codegen"
        stats = provider.get_enhanced_stats()
        assert stats["request_count"] == 1 and stats["successful_tasks"] == 1, stats
        return f"{response.content[:40]!r} in {response.response_time:.1f}s"


@check("graph-sitter integration: Codebase.ai via Codegen")
def _graph_sitter(t: Target) -> str:
    import tempfile

    from graph_sitter import Codebase
    from graph_sitter.ai import codebase_ai, usage

    cb = Codebase.from_files(
        {
            "shop/cart.py": "def total(prices):\n    return sum(prices)\n",
            "shop/checkout.py": "from shop.cart import total\n\n\n"
            "def checkout(prices):\n    return total(prices) * 1.2\n",
        }
    )
    target = cb.get_function("checkout")
    context = cb.ai_context(target)
    assert any(item.name == "total" for item in context.items), "the callee is not in context"
    with tempfile.TemporaryDirectory(prefix="validate-codegen-") as state:
        cb.set_session_options(
            provider="codegen",
            provider_options={
                "org_id": t.org_id,
                "token": t.token,
                "base_url": t.base_url,
                "timeout": t.timeout,
                "poll_interval": t.poll_interval,
            },
            env={},
            env_file=None,
            cache=False,
            state_dir=state,
        )
        try:
            answer = cb.ai(PROMPT, target=target)
            response = codebase_ai.last_response(cb)
        finally:
            codebase_ai.close(cb)
        assert answer, "empty answer"
        assert response is not None and response.provider_name == "Codegen", response
        (row,) = usage.records(path=f"{state}/usage.sqlite3")
        assert row.status == "ok" and [a.provider for a in row.attempts] == ["Codegen"], row
    return f"{answer[:40]!r} about {target.name}() with {len(context.items)} context item(s)"


def _task_id(t: Target) -> int:
    task_id = t.state.get("task_id")
    assert isinstance(task_id, int), "no run was created (see 'run -> poll -> complete')"
    return task_id


@contextlib.contextmanager
def _emulator() -> Iterator[Target]:
    from graph_sitter.testing import AgentRunReply, CodegenEmulator, PullRequest

    token = "offline-validation-token"
    reply = AgentRunReply(result="pong", pull_requests=(PullRequest(title="Validation PR"),))
    with CodegenEmulator(token=token, org_id=1, default_reply=reply) as emulator:
        yield Target("1", token, emulator.base_url, True, timeout=30.0, poll_interval=0.05)


def _real(args: argparse.Namespace) -> Target | None:
    org_id = os.environ.get("CODEGEN_ORG_ID", "").strip()
    token = os.environ.get("CODEGEN_TOKEN", "").strip()
    if not org_id or not token:
        return None
    base_url = os.environ.get("CODEGEN_BASE_URL") or os.environ.get("CODEGEN_API_BASE_URL")
    return Target(org_id, token, base_url or None, False, args.timeout, args.poll_interval)


def run_checks(target: Target) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    where = "bundled CodegenEmulator (offline)" if target.offline else target.base_url or "api"
    table = Table(title=f"Codegen SDK validation against {escape(where)}")
    for col in ("check", "result", "detail"):
        table.add_column(col, overflow="fold")
    failed = 0
    for name, fn in CHECKS:
        start = time.perf_counter()
        try:
            detail = fn(target)
            status = "[green]pass[/green]"
        except Exception as exc:  # a check's failure is reported, never fatal
            failed += 1
            status = "[red]FAIL[/red]"
            detail = f"{type(exc).__name__}: {exc}"
            if os.environ.get("VALIDATE_DEBUG"):
                traceback.print_exc()
        elapsed = (time.perf_counter() - start) * 1000
        table.add_row(name, status, escape(f"{detail} ({elapsed:.0f} ms)"))
    Console().print(table)
    print(f"{len(CHECKS) - failed} passed, {failed} failed")
    return EXIT_FAILED if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--offline", action="store_true", help="check against the bundled CodegenEmulator"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per agent run")
    parser.add_argument("--poll-interval", type=float, default=5.0, help="seconds between polls")
    args = parser.parse_args(argv)
    level = os.environ.get("LOG_LEVEL", "ERROR").upper()  # the checks expect some HTTP errors
    logging.basicConfig(
        level=getattr(logging, level, logging.ERROR), format="%(name)s: %(message)s"
    )
    if args.offline:
        with _emulator() as target:
            return run_checks(target)
    real = _real(args)
    if real is None:
        print(
            "validate_codegen_sdk: set CODEGEN_ORG_ID and CODEGEN_TOKEN to check the real "
            "Codegen API, or pass --offline to check against the bundled emulator",
            file=sys.stderr,
        )
        return EXIT_NOTHING_TO_CHECK
    return run_checks(real)


if __name__ == "__main__":
    sys.exit(main())
