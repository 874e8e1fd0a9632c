"""The agent SDK over real loopback HTTP against the Codegen emulator (virtual clock)."""

from __future__ import annotations

import dataclasses
import logging
import threading
from typing import Any

import pytest
from codegen_helpers import ORG_ID, TOKEN, make_agent

import codegen
from codegen import (
    Agent,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    PlanLimitError,
    PullRequest,
    RunCreationUnknownError,
    StatusChange,
    TaskError,
    TaskProgress,
    ValidationError,
)
from codegen.models import FAILURE_STATUSES
from graph_sitter.http import SleepRecorder
from graph_sitter.http import sleep as http_sleep
from graph_sitter.testing import (
    AgentLog,
    AgentRunReply,
    CodegenEmulator,
    ConnectionReset,
    HTTPError,
    RateLimit,
    SlowFirstByte,
)
from graph_sitter.testing import PullRequest as ScriptedPR

RUN_PATH = "*/agent/run"


def posts(emu: CodegenEmulator) -> list[Any]:
    return [r for r in emu.requests if r.method == "POST" and r.path.endswith("/agent/run")]


def test_full_run_poll_complete_result_and_artifacts(
    agent: Agent, emu: CodegenEmulator, sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    emu.queue_reply(
        AgentRunReply(
            result="Added type hints.",
            summary="2 files changed",
            polls=2,
            pull_requests=(ScriptedPR(title="Type hints", head_branch_name="codegen/hints"),),
            logs=(
                AgentLog(thought="reading"),
                AgentLog(thought="editing"),
                AgentLog(thought="done"),
            ),
        )
    )
    task = agent.run(
        "Add type hints", priority="high", repository="acme/gadgets", branch="main",
        tags=["typing"], metadata={"ticket": "T-1"},
    )  # fmt: skip
    assert isinstance(task.id, int) and task.status == "ACTIVE" and task.is_running
    sent = posts(emu)[0].json
    assert sent["repo_id"] == 2 and sent["prompt"] == "Add type hints"
    assert sent["metadata"]["priority"] == "high" and sent["metadata"]["branch"] == "main"
    assert sent["metadata"]["tags"] == ["typing"] and sent["metadata"]["ticket"] == "T-1"
    assert task.metadata["client_request_id"] == sent["metadata"]["client_request_id"]

    changes: list[StatusChange] = []
    task.add_status_callback(changes.append)
    task.add_status_callback(lambda event: 1 / 0)  # raising callbacks are logged, not fatal
    events: list[TaskProgress] = []

    def progress(event: TaskProgress) -> None:
        events.append(event)
        raise RuntimeError("callback bug")

    with caplog.at_level(logging.ERROR, logger="codegen"):
        assert task.wait_for_completion(timeout=300, poll_interval=5, progress_callback=progress)
    assert "codegen.progress_callback_failed" in caplog.text
    assert "codegen.status_callback_failed" in caplog.text

    assert task.status == "COMPLETE" and task.is_terminal and task.is_successful
    assert task.result == "Added type hints." and task.summary == "2 files changed"
    assert task.web_url and task.created_at is not None and task.created_at.tzinfo is not None
    artifacts = task.get_artifacts()
    assert len(artifacts) == 1 and artifacts.result == "Added type hints."
    (pr,) = artifacts
    assert isinstance(pr, PullRequest) and pr.title == "Type hints"
    assert pr.head_branch_name == "codegen/hints" and pr.url and "acme/gadgets" in pr.url

    assert [e.poll for e in events] == [1, 2, 3] and events[-1].status == "COMPLETE"
    assert [e.elapsed for e in events] == sorted(e.elapsed for e in events)
    with pytest.raises(dataclasses.FrozenInstanceError):
        events[0].status = "X"  # type: ignore[misc]
    streamed = [entry.thought for e in events for entry in e.new_logs]
    assert streamed == ["reading", "editing", "done"]  # each entry once, in order
    assert [entry.thought for entry in task.get_logs()] == streamed
    assert [(c.previous_status, c.status) for c in changes] == [("ACTIVE", "COMPLETE")]
    # sleeps were virtual, about one poll interval each (+-10% jitter), never more
    assert sleeps.planned and all(4.5 <= s <= 5.5 for s in sleeps.planned)
    stats = agent.get_stats()
    assert stats["tasks_created"] == 1 and stats["tasks_succeeded"] == 1
    assert stats["error_count"] == 0 and TOKEN not in repr(stats)


@pytest.mark.parametrize("status", sorted(FAILURE_STATUSES))
def test_every_terminal_failure_status_raises_task_error(
    agent: Agent, emu: CodegenEmulator, status: str
) -> None:
    emu.queue_reply(AgentRunReply(status=status, result=f"stopped: {status}", polls=1))
    task = agent.run("Do something risky")
    with pytest.raises(TaskError) as caught:
        task.wait_for_completion(timeout=60, poll_interval=2)
    assert caught.value.task_id == task.id and caught.value.task_status == status
    assert status in str(caught.value)
    assert task.is_terminal and not task.is_running and not task.is_successful
    assert agent.get_stats()["tasks_failed"] == 1


def test_unknown_status_is_running_with_a_warning(
    agent: Agent, emu: CodegenEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emu.queue_reply(AgentRunReply(polls=100))
    task = agent.run("Think")
    emu.set_run_status(task.id, "PONDERING_DEEPLY")
    with caplog.at_level(logging.WARNING, logger="codegen"):
        task.refresh()
        task.refresh()
    assert task.status == "PONDERING_DEEPLY" and task.is_running and not task.is_terminal
    assert caplog.text.count("codegen.unknown_status") == 1
    emu.set_run_status(task.id, "COMPLETE", result="ok")
    assert task.wait_for_completion(timeout=30, poll_interval=1).result == "ok"


@pytest.mark.parametrize(("timeout", "poll_interval"), [(35.0, 10.0), (3.0, 10.0), (7.5, 2.0)])
def test_deadline_is_never_overshot(
    agent: Agent,
    emu: CodegenEmulator,
    sleeps: SleepRecorder,
    timeout: float,
    poll_interval: float,
) -> None:
    emu.queue_reply(AgentRunReply(polls=10_000))
    task = agent.run("Never finishes")
    emu.queue_fault(RateLimit(), path=f"*/agent/run/{task.id}", times=4)  # 429s mid-way
    start, slept_before = http_sleep.monotonic(), sleeps.virtual_time
    with pytest.raises(codegen.TimeoutError) as caught:
        task.wait_for_completion(timeout=timeout, poll_interval=poll_interval)
    elapsed = http_sleep.monotonic() - start  # real request time plus virtual sleeps
    slept = sleeps.virtual_time - slept_before
    assert isinstance(caught.value, TimeoutError)  # the builtin too
    assert caught.value.timeout_duration == timeout
    assert caught.value.task_id == task.id and caught.value.task_status == "ACTIVE"
    assert slept <= timeout  # never slept past the deadline (polls, backoff, limiter)
    assert timeout <= elapsed <= timeout + 0.1 * poll_interval  # gave up at the deadline
    assert task.is_running  # the run keeps going: the API has no cancel endpoint


@pytest.mark.parametrize("status", [401, 403, 402, 404, 422])
def test_api_errors_map_to_their_exception_with_the_api_message(
    emu: CodegenEmulator, status: int
) -> None:
    expected: dict[int, tuple[type[Exception], str]] = {
        401: (AuthenticationError, "Invalid or expired API token."),
        403: (PermissionDeniedError, "You do not have access to this organization."),
        402: (PlanLimitError, "Alloted agent runs for the current billing plan"),
        404: (NotFoundError, "Agent run not found."),
        422: (ValidationError, "prompt: Field required"),
    }
    error_type, message = expected[status]
    token = "wrong-token-abcdef" if status == 401 else TOKEN
    org_id = ORG_ID + 1 if status == 403 else ORG_ID
    with make_agent(emu, token=token, org_id=org_id) as agent, pytest.raises(error_type) as caught:
        if status == 404:
            agent.get_task(999)
        elif status == 402:
            emu.max_agent_runs = 0
            agent.run("One more")
        elif status == 422:
            detail = [{"loc": ["body", "prompt"], "msg": "Field required", "type": "missing"}]
            emu.queue_fault(HTTPError(422, body=_json(detail), content_type="application/json"))
            agent.run("Fine locally")
        else:
            agent.run("Hello")
    error = caught.value
    assert isinstance(error, codegen.CodegenError)
    assert message in str(error) and error.status_code == status  # type: ignore[attr-defined]
    assert error.response_data  # type: ignore[attr-defined]
    assert "wrong-token-abcdef" not in str(error) and TOKEN not in repr(error)
    if status == 422:
        assert error.details[0]["loc"] == ["body", "prompt"]  # type: ignore[attr-defined]
    assert len(emu.requests) == 1  # never retried


def _json(detail: Any) -> bytes:
    import json

    return json.dumps({"detail": detail}).encode()


def test_429_while_polling_backs_off_and_completes(
    agent: Agent, emu: CodegenEmulator, sleeps: SleepRecorder
) -> None:
    emu.queue_reply(AgentRunReply(polls=1, result="finally"))
    task = agent.run("Slow API day")
    emu.queue_fault(RateLimit(), path=f"*/agent/run/{task.id}", times=5)
    sleeps.clear()
    task.wait_for_completion(timeout=600, poll_interval=4)
    assert task.result == "finally"
    # The transport retried (3 attempts) then the poll loop paused 2x the interval, then again.
    assert any(s >= 8.0 for s in sleeps.planned)
    assert agent.get_stats()["rate_limit_count"] >= 4


def test_eleven_rapid_runs_queue_under_the_published_limit(
    agent: Agent, emu: CodegenEmulator, sleeps: SleepRecorder
) -> None:
    tasks = [agent.run(f"job {i}") for i in range(11)]
    assert len({t.id for t in tasks}) == 11 and len(emu.runs) == 11
    created = posts(emu)
    assert len(created) == 11  # no 429 (a 429 would have been retried: a 12th POST)
    assert agent.get_stats()["rate_limit_count"] == 0
    # The 11th waited (virtually) for the first to leave the 60 s window.
    assert max(sleeps.planned) >= 60.0
    assert created[10].time - created[0].time >= 60.0


def test_timeout_on_create_is_recovered_never_duplicated(
    emu: CodegenEmulator, sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    with make_agent(emu, timeout=0.3) as agent, caplog.at_level(logging.INFO, logger="codegen"):
        # The run is created, then the response is late: a read timeout on a POST.
        emu.queue_fault(SlowFirstByte(delay=1.0), path=RUN_PATH)
        task = agent.run("Exactly once, please")
        # The run is created, then the connection is cut mid-response.
        emu.queue_fault(ConnectionReset(after_bytes=12), path=RUN_PATH)
        second = agent.run("Exactly once, again")
        assert len(posts(emu)) == 2 and len(emu.runs) == 2  # one POST, one run, per call
        assert {task.id, second.id} == {r["id"] for r in emu.runs}
        assert agent.get_stats()["create_recoveries"] == 2
        assert "codegen.create_recovered" in caplog.text

        # Cut before processing: no run exists; the SDK does not send it again.
        emu.queue_fault(ConnectionReset(after_bytes=0), path=RUN_PATH)
        with pytest.raises(RunCreationUnknownError) as caught:
            agent.run("Maybe")
        assert len(posts(emu)) == 3 and len(emu.runs) == 2
        reference = caught.value.client_request_id
        assert reference in str(caught.value) and agent.find_task(reference) is None


def test_server_error_on_create_is_checked_not_replayed(agent: Agent, emu: CodegenEmulator) -> None:
    emu.queue_fault(HTTPError(500), path=RUN_PATH)
    with pytest.raises(codegen.APIError) as caught:
        agent.run("Boom")
    assert caught.value.status_code == 500 and "client_request_id" in str(caught.value)
    assert len(posts(emu)) == 1 and emu.runs == []
    emu.queue_fault(HTTPError(503), path=RUN_PATH)  # 503 proves "not processed": retried
    assert agent.run("Retry me").status == "ACTIVE" and len(emu.runs) == 1


def test_invalid_arguments_fail_before_any_request(agent: Agent, emu: CodegenEmulator) -> None:
    bad_calls: list[dict[str, Any]] = [
        {"prompt": "   "},
        {"prompt": "x", "priority": "asap"},
        {"prompt": "x", "tags": "not-a-list"},
        {"prompt": "x", "metadata": {"bad": object()}},
        {"prompt": "x", "images": ["https://example.com/a.png"]},
        {"prompt": "x", "repository": "no-slash"},
        {"prompt": "x", "branch": ""},
    ]
    for kwargs in bad_calls:
        with pytest.raises(ValidationError):
            agent.run(**kwargs)
    with pytest.raises(ValidationError):
        agent.resume(1, "")
    with pytest.raises(ValidationError):
        agent.get_task("abc")
    assert emu.requests == []
    with pytest.raises(ValidationError, match="org_id"):
        make_agent(emu, org_id="acme")
    with pytest.raises(ValidationError) as caught:
        agent.run("x", repository="acme/unknown")
    assert "acme/widgets" in str(caught.value) and "acme/gadgets" in str(caught.value)
    assert {r.path for r in emu.requests} == {f"/v1/organizations/{ORG_ID}/repos"}
    assert posts(emu) == []


def test_repository_lookup_is_cached(agent: Agent, emu: CodegenEmulator) -> None:
    agent.run("a", repository="acme/widgets")
    agent.run("b", repository="ACME/Gadgets")
    repo_calls = [r for r in emu.requests if r.path.endswith("/repos")]
    assert len(repo_calls) == 1
    assert [r["metadata"]["repository"] for r in emu.runs] == ["ACME/Gadgets", "acme/widgets"]


def test_configuration_from_environment_and_dotenv(
    emu: CodegenEmulator, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"CODEGEN_ORG_ID": str(ORG_ID), "CODEGEN_TOKEN": TOKEN,
           "CODEGEN_API_BASE_URL": emu.base_url}  # fmt: skip
    with Agent(env=env, env_file=None) as agent:
        assert agent.org_id == ORG_ID and agent.base_url == emu.base_url
        assert agent.validate_credentials() is True
        assert TOKEN not in repr(agent)
    with pytest.raises(ConfigurationError) as caught:
        Agent(env={}, env_file=None)
    assert "CODEGEN_ORG_ID" in str(caught.value) and "CODEGEN_TOKEN" in str(caught.value)
    with pytest.raises(ValidationError, match="CODEGEN_ORG_ID"):
        Agent(env={**env, "CODEGEN_ORG_ID": "acme"}, env_file=None)
    dotenv = tmp_path / ".env"
    dotenv.write_text(f'CODEGEN_ORG_ID={ORG_ID}\nCODEGEN_TOKEN="{TOKEN}"\n# comment\n')
    monkeypatch.chdir(tmp_path)
    with Agent(base_url=emu.base_url, env={"CODEGEN_ORG_ID": "7"}) as agent:
        assert agent.org_id == 7  # the real environment wins over .env
        # the check is organisation-scoped: the token has no access to org 7 (403)
        assert agent.validate_credentials() is False
    with Agent(org_id=ORG_ID, token="bad-token-123456", base_url=emu.base_url, env={}) as agent:
        assert agent.validate_credentials() is False


def test_list_tasks_and_logs_are_paginated(
    agent: Agent, emu: CodegenEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("codegen.agent._PAGE", 2)
    monkeypatch.setattr("codegen.task._LOG_PAGE", 2)
    emu.queue_reply(AgentRunReply(polls=0, logs=tuple(AgentLog(thought=str(i)) for i in range(5))))
    created = [agent.run(f"job {i}") for i in range(5)]
    listed = agent.list_tasks(limit=10)
    assert [t.id for t in listed] == [t.id for t in reversed(created)]  # newest first
    assert [t.id for t in agent.list_tasks(limit=3, skip=1)] == [t.id for t in listed[1:4]]
    list_calls = [r for r in emu.requests if r.path.endswith("/agent/runs")]
    assert [r.query["skip"] for r in list_calls[:3]] == ["0", "2", "4"]
    logs = created[0].get_logs()
    assert [entry.thought for entry in logs] == ["0", "1", "2", "3", "4"]
    assert [entry.thought for entry in created[0].get_logs(limit=3, skip=1)] == ["1", "2", "3"]
    assert agent.get_task(str(created[0].id)).status == "COMPLETE"


def test_resume_continues_a_run(agent: Agent, emu: CodegenEmulator) -> None:
    task = agent.run("First part")
    emu.queue_reply(AgentRunReply(result="second part done", polls=1))
    resumed = agent.resume(task.id, "Now the second part")
    assert resumed.id == task.id
    assert resumed.wait_for_completion(timeout=60, poll_interval=1).result == "second part done"
    assert agent.get_stats()["tasks_resumed"] == 1
    with pytest.raises(NotFoundError):
        agent.resume(12345, "nothing there")


def test_get_stats_is_thread_safe(agent: Agent, emu: CodegenEmulator) -> None:
    task = agent.run("shared")
    threads_n, calls = 8, 5
    barrier = threading.Barrier(threads_n + 1)
    snapshots: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            for _ in range(calls):
                agent.get_task(task.id)
                snapshots.append(agent.get_stats())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    barrier.wait()
    while any(t.is_alive() for t in threads):
        snapshots.append(agent.get_stats())
        threads[0].join(0.001)
    for thread in threads:
        thread.join()
    assert errors == []
    final = agent.get_stats()
    assert final["request_count"] == 1 + threads_n * calls
    assert final["request_count"] == len(emu.requests)
    counts = [s["request_count"] for s in snapshots]
    assert all(1 <= c <= final["request_count"] for c in counts)


def test_closed_agent_refuses_calls(emu: CodegenEmulator) -> None:
    agent = make_agent(emu)
    agent.close()
    agent.close()  # idempotent
    with pytest.raises(codegen.CodegenError, match="closed"):
        agent.get_task(1)
