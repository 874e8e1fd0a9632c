"""Code written for codegen 0.57 runs unchanged: import paths, Agent(token, org_id),
callable status helpers, get_status/current_job, exception names; and no token is echoed."""

from __future__ import annotations

import json

import pytest
from codegen_helpers import ORG_ID, TOKEN

import codegen
from codegen import Agent, ConfigurationError, Task, ValidationError
from codegen.exceptions import (
    APIError,
    AuthenticationError,
    AuthorizationError,
    PermissionDeniedError,
    ServerError,
)
from graph_sitter.ai.providers import CodegenProvider
from graph_sitter.ai.providers.codegen import AgentRunFailedError
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import AgentRunReply, CodegenEmulator, HTTPError

LIVE_TOKEN = "cg_live_0123456789abcdefSECRET"


def test_upstream_import_paths() -> None:
    from codegen.agents import Agent as FromAgents
    from codegen.agents import AgentTask
    from codegen.agents.agent import Agent as FromModule
    from codegen.agents.agent import AgentTask as TaskFromModule

    assert FromAgents is FromModule is Agent
    assert AgentTask is TaskFromModule is Task is codegen.AgentTask


def test_published_signature_token_first(emu: CodegenEmulator) -> None:
    with Agent(TOKEN, ORG_ID, emu.base_url, env={}, env_file=None) as agent:
        assert agent.org_id == ORG_ID and agent.validate_credentials()
    with Agent(TOKEN, org_id=ORG_ID, base_url=emu.base_url, env={}, env_file=None) as agent:
        assert agent.validate_credentials()
    with Agent(token=TOKEN, org_id=str(ORG_ID), base_url=emu.base_url, env={}, env_file=None) as a:
        assert a.org_id == ORG_ID
    # CODEGEN_ORG_ID fills a missing organisation id
    env = {"CODEGEN_ORG_ID": str(ORG_ID)}
    with Agent(TOKEN, base_url=emu.base_url, env=env, env_file=None) as agent:
        assert agent.org_id == ORG_ID and agent.validate_credentials()
    # this SDK's earlier positional order still works (an organisation id is a number)
    with Agent(ORG_ID, TOKEN, emu.base_url, env={}, env_file=None) as agent:
        assert agent.org_id == ORG_ID and agent.validate_credentials()


def test_errors_never_echo_the_token() -> None:
    with pytest.raises(ConfigurationError) as missing_org:
        Agent(LIVE_TOKEN, env={}, env_file=None)
    assert "CODEGEN_ORG_ID" in str(missing_org.value)
    with pytest.raises(ValidationError) as swapped:
        Agent(token="short", org_id=LIVE_TOKEN, env={}, env_file=None)  # a token as org id
    with pytest.raises(ValidationError) as bad_org:
        Agent(LIVE_TOKEN, org_id="acme", env={}, env_file=None)
    with pytest.raises(ValidationError) as not_a_string:
        Agent(token=[LIVE_TOKEN], org_id=ORG_ID, env={}, env_file=None)  # type: ignore[arg-type]
    for caught in (missing_org, swapped, bad_org, not_a_string):
        text = str(caught.value) + repr(caught.value)
        assert LIVE_TOKEN not in text and "SECRET" not in text
    assert "not shown" in str(swapped.value)


def test_task_helpers_are_properties_and_methods(
    agent: Agent, emu: CodegenEmulator, sleeps: SleepRecorder
) -> None:
    emu.queue_reply(AgentRunReply(result="done", polls=1))
    task = agent.run("work")
    assert task.is_running and task.is_running() is True
    assert not task.is_completed and task.is_completed() is False
    assert task.is_failed() is False and task.is_successful() is False
    if task.is_terminal:  # a bool-like flag: a running task is not terminal
        pytest.fail("a running task reads as terminal")
    task.wait_for_completion(timeout=60, poll_interval=1)
    assert not task.is_running and task.is_running() is False
    assert task.is_running == False  # noqa: E712 (compares like a bool)
    assert task.is_completed() is True and task.is_successful() is True and task.is_successful
    assert task.is_failed() is False and task.org_id == ORG_ID
    data = task.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert (data["id"], data["org_id"], data["status"], data["result"]) == (
        task.id,
        ORG_ID,
        "COMPLETE",
        "done",
    )


def test_failed_task_flags(agent: Agent, emu: CodegenEmulator, sleeps: SleepRecorder) -> None:
    emu.queue_reply(AgentRunReply(status="FAILED", result="Could not build."))
    task = agent.run("work")
    with pytest.raises(codegen.TaskError):
        task.wait_for_completion(timeout=60, poll_interval=1)
    assert task.is_failed() and task.is_failed and task.is_terminal()
    assert not task.is_completed() and not task.is_successful


def test_get_status_and_current_job(
    agent: Agent, emu: CodegenEmulator, sleeps: SleepRecorder
) -> None:
    assert agent.current_job is None and agent.get_status() is None
    emu.queue_reply(AgentRunReply(result="answer", polls=0))
    task = agent.run("first")
    assert agent.current_job is task
    status = agent.get_status()
    assert status == {
        "id": task.id,
        "status": "COMPLETE",
        "result": "answer",
        "web_url": task.web_url,
    }


def test_exception_aliases(agent: Agent, emu: CodegenEmulator, sleeps: SleepRecorder) -> None:
    assert AuthorizationError is AuthenticationError
    assert issubclass(PermissionDeniedError, AuthorizationError)
    assert issubclass(ServerError, APIError) and "ServerError" in codegen.__all__
    emu.queue_fault(HTTPError(500), path="*/agent/runs", times=3)
    with pytest.raises(ServerError) as caught:
        agent.list_tasks(limit=1)
    assert caught.value.status_code == 500


def test_agent_run_failure_message_says_the_status_once(
    emu: CodegenEmulator, sleeps: SleepRecorder
) -> None:
    emu.queue_reply(AgentRunReply(status="FAILED", result="Could not build."))
    with (
        CodegenProvider(
            ORG_ID, TOKEN, emu.base_url, env={}, env_file=None, poll_interval=1
        ) as provider,
        pytest.raises(AgentRunFailedError) as caught,
    ):
        provider.generate_response("build it")
    message = str(caught.value)
    assert message.count("ended with status FAILED") == 1, message
    assert "Could not build." in message and caught.value.task_status == "FAILED"
