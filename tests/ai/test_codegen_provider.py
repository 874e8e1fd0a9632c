"""CodegenProvider over real loopback HTTP against the Codegen emulator (virtual clock)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from graph_sitter.ai.errors import ProviderQuotaExceededError, ProviderRequestError
from graph_sitter.ai.providers import (
    AIProviderError,
    CodegenProvider,
    ProviderAuthenticationError,
    ProviderTimeoutError,
    create_ai_provider,
    get_available_providers,
)
from graph_sitter.ai.providers.codegen import AgentRunFailedError
from graph_sitter.http import SleepRecorder
from graph_sitter.http import sleep as http_sleep
from graph_sitter.testing import AgentRunReply, CodegenEmulator, OpenAIEmulator, PullRequest

TOKEN = "cg-provider-token-0123456789"
ORG_ID = 5


@pytest.fixture
def codegen_emu(sleeps: SleepRecorder) -> Iterator[CodegenEmulator]:
    with CodegenEmulator(
        token=TOKEN, org_id=ORG_ID, repos=("acme/api",), clock=http_sleep.monotonic
    ) as emulator:
        yield emulator


def env_for(emu: CodegenEmulator, **extra: str) -> dict[str, str]:
    return {
        "CODEGEN_ORG_ID": str(ORG_ID),
        "CODEGEN_TOKEN": TOKEN,
        "CODEGEN_API_BASE_URL": emu.base_url,
        **extra,
    }


@pytest.fixture
def provider(codegen_emu: CodegenEmulator) -> Iterator[CodegenProvider]:
    with CodegenProvider(env=env_for(codegen_emu), env_file=None, poll_interval=2) as built:
        yield built


def test_generate_response_runs_an_agent_and_returns_its_result(
    provider: CodegenProvider, codegen_emu: CodegenEmulator
) -> None:
    codegen_emu.queue_reply(
        AgentRunReply(result="Refactored.", summary="1 PR", pull_requests=(PullRequest(),))
    )
    response = provider.generate_response(
        "Refactor utils.py", system_prompt="You are careful.", priority="high",
        repository="acme/api", branch="develop", tags=["refactor"],
    )  # fmt: skip
    assert response.content == "Refactored." and response.provider_name == "Codegen"
    assert response.model == "codegen-agent"
    meta = response.metadata
    assert meta["status"] == "COMPLETE" and isinstance(meta["task_id"], int)
    assert meta["web_url"].endswith(str(meta["task_id"]))
    assert meta["pull_requests"][0]["url"].startswith("https://github.com/acme/api/pull/")
    sent = codegen_emu.runs[0]
    assert sent["metadata"]["priority"] == "high" and sent["metadata"]["branch"] == "develop"
    assert sent["metadata"]["tags"] == ["refactor"]
    create = next(r for r in codegen_emu.requests if r.method == "POST")
    assert create.json["prompt"] == "You are careful.\n\nRefactor utils.py"
    assert create.json["repo_id"] == 1 and "model" not in create.json
    stats = provider.get_enhanced_stats()
    assert (stats["task_count"], stats["successful_tasks"], stats["failed_tasks"]) == (1, 1, 0)
    assert stats["request_count"] == 1 and stats["error_count"] == 0
    assert TOKEN not in repr(stats) and TOKEN not in repr(provider)


def test_failed_run_is_a_provider_error_with_the_status(
    provider: CodegenProvider, codegen_emu: CodegenEmulator
) -> None:
    codegen_emu.queue_reply(AgentRunReply(status="FAILED", result="tests did not pass"))
    with pytest.raises(AIProviderError) as caught:
        provider.generate_response("Fix the build")
    assert isinstance(caught.value, AgentRunFailedError)
    assert caught.value.task_status == "FAILED" and "FAILED" in str(caught.value)
    stats = provider.get_enhanced_stats()
    assert (stats["task_count"], stats["successful_tasks"], stats["failed_tasks"]) == (1, 0, 1)
    assert stats["error_count"] == 1


def test_deadline_is_a_provider_timeout(
    codegen_emu: CodegenEmulator, sleeps: SleepRecorder
) -> None:
    codegen_emu.queue_reply(AgentRunReply(polls=10_000))
    with CodegenProvider(env=env_for(codegen_emu, CODEGEN_TIMEOUT="45"), env_file=None) as slow:
        assert slow.timeout == 45.0
        start = sleeps.virtual_time
        with pytest.raises(ProviderTimeoutError) as caught:
            slow.generate_response("Take forever")
        assert caught.value.timeout_duration == 45.0
        assert sleeps.virtual_time - start <= 45.0 + 1.0  # one poll's jitter at most
        assert slow.get_enhanced_stats()["task_count"] == 1


def test_errors_and_credentials(codegen_emu: CodegenEmulator) -> None:
    bad = env_for(codegen_emu, CODEGEN_TOKEN="cg-wrong-token-000000")
    with CodegenProvider(env=bad, env_file=None) as rejected:
        assert rejected.validate_credentials() is False
        with pytest.raises(ProviderAuthenticationError) as caught:
            rejected.generate_response("hi")
        assert caught.value.status_code == 401 and "cg-wrong-token" not in str(caught.value)
    with CodegenProvider(env=env_for(codegen_emu), env_file=None) as ok:
        assert ok.validate_credentials() is True and ok.is_available
        codegen_emu.max_agent_runs = 0
        with pytest.raises(ProviderQuotaExceededError):
            ok.generate_response("one too many")
        with pytest.raises(ProviderRequestError):
            ok.generate_response("tools?", tools=[{"type": "function"}])
    with CodegenProvider(env={}, env_file=None) as empty:
        assert not empty.has_credentials and not empty.is_available
        with pytest.raises(AIProviderError, match="CODEGEN_ORG_ID"):
            empty.generate_response("hi")


def test_factory_prefers_codegen_when_configured(
    codegen_emu: CodegenEmulator, openai_emu: OpenAIEmulator
) -> None:
    env = {**env_for(codegen_emu), "OPENAI_API_KEY": "sk-test-emulator-key-0123456789",
           "OPENAI_BASE_URL": openai_emu.base_url}  # fmt: skip
    assert get_available_providers(env=env, env_file=None)[:2] == ["codegen", "openai"]
    assert get_available_providers(env=env, env_file=None, prefer_codegen=False)[-1] == "codegen"
    with create_ai_provider("codegen", env=env, env_file=None, poll_interval=1) as named:
        assert isinstance(named, CodegenProvider)
        assert named.generate_response("hello").content


def test_async_twin(provider: CodegenProvider) -> None:
    response = asyncio.run(provider.agenerate_response("async hello"))
    assert response.metadata["status"] == "COMPLETE"
