"""Fallback chains route named models honestly and count every call; status shows the live
provider; logs say what was chosen and why; credential checks say why they fail."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from graph_sitter.ai.attempts import record_attempts
from graph_sitter.ai.errors import ModelNotFoundError, ProviderRequestError
from graph_sitter.ai.providers import (
    AnthropicProvider,
    CodegenProvider,
    OpenAIProvider,
    ProviderUnavailableError,
    create_ai_provider,
    get_provider_comparison,
    get_provider_status,
    validate_provider_credentials,
)
from graph_sitter.ai.providers.factory import check_provider
from graph_sitter.ai.providers.fallback import FallbackProvider
from graph_sitter.http import SleepRecorder
from graph_sitter.http import sleep as http_sleep
from graph_sitter.testing import (
    AgentRunReply,
    AnthropicEmulator,
    CodegenEmulator,
    ContextLengthExceeded,
    HTTPError,
    OpenAIEmulator,
)

API_KEY = "sk-test-emulator-key-0123456789"  # same as conftest.py
CG_TOKEN = "cg-chain-token-0123456789"


@pytest.fixture
def codegen_emu(sleeps: SleepRecorder) -> Iterator[CodegenEmulator]:
    with CodegenEmulator(token=CG_TOKEN, org_id=3, clock=http_sleep.monotonic) as emulator:
        yield emulator


@pytest.fixture
def chain(
    codegen_emu: CodegenEmulator, openai_emu: OpenAIEmulator, anthropic_emu: AnthropicEmulator
) -> Iterator[FallbackProvider]:
    providers = [
        CodegenProvider(3, CG_TOKEN, codegen_emu.base_url, env={}, env_file=None, poll_interval=1),
        OpenAIProvider(API_KEY, openai_emu.base_url, env={}, env_file=None),
        AnthropicProvider(API_KEY, anthropic_emu.base_url, env={}, env_file=None),
    ]
    with FallbackProvider(providers) as built:
        yield built


def runs(emu: CodegenEmulator) -> int:
    return sum(1 for r in emu.requests if r.method == "POST")


def chats(emu: OpenAIEmulator | AnthropicEmulator) -> list[str]:
    return [r.json["model"] for r in emu.requests if r.method == "POST"]


def test_a_named_model_goes_only_to_a_provider_serving_it(
    chain: FallbackProvider,
    codegen_emu: CodegenEmulator,
    openai_emu: OpenAIEmulator,
    anthropic_emu: AnthropicEmulator,
) -> None:
    response = chain.generate_response("hi", model="gpt-4o")
    assert response.provider_name == "OpenAI" and chats(openai_emu) == ["gpt-4o"]
    assert response.metadata["providers_tried"] == ["OpenAI"]  # Codegen was never asked
    response = chain.generate_response("hi", model="claude-3-5-sonnet-latest")
    assert response.provider_name == "Anthropic"
    assert chats(anthropic_emu) == ["claude-3-5-sonnet-latest"]
    assert runs(codegen_emu) == 0
    # an unknown prefix: the vendors' model lists decide (a local server's own model)
    openai_emu.models = (*openai_emu.models, "local-llama")
    assert chain.generate_response("hi", model="local-llama").provider_name == "OpenAI"
    with pytest.raises(ModelNotFoundError, match=r"no provider of this chain .* 'llama-9000'"):
        chain.generate_response("hi", model="llama-9000")
    assert runs(codegen_emu) == 0 and len(chats(openai_emu)) == 2
    # no model named: the chain's order (Codegen first) and each provider's default
    codegen_emu.queue_reply(AgentRunReply(result="agent answer"))
    response = chain.generate_response("hi")
    assert (response.provider_name, response.content) == ("Codegen", "agent answer")


def test_a_named_model_never_falls_over_to_another_vendors_default(
    chain: FallbackProvider, openai_emu: OpenAIEmulator, anthropic_emu: AnthropicEmulator
) -> None:
    openai_emu.queue_fault(HTTPError(503), times=3)
    with pytest.raises(ProviderUnavailableError):
        chain.generate_response("hi", model="gpt-4o-mini")
    assert chats(anthropic_emu) == []
    stats = chain.get_stats()
    assert (stats["request_count"], stats["error_count"]) == (1, 1)


def test_chain_stats_count_every_call_and_report_tasks(
    chain: FallbackProvider, codegen_emu: CodegenEmulator, openai_emu: OpenAIEmulator
) -> None:
    chain.generate_response("one", model="gpt-4o-mini")
    openai_emu.queue_fault(ContextLengthExceeded())  # not absorbable: raised at once
    with pytest.raises(ProviderRequestError):
        chain.generate_response("two", model="gpt-4o-mini")
    with pytest.raises(ModelNotFoundError):
        chain.generate_response("three", model="no-such-model")
    stats = chain.get_stats()
    assert (stats["request_count"], stats["error_count"]) == (3, 2)
    enhanced = chain.get_enhanced_stats()
    assert (enhanced["task_count"], enhanced["successful_tasks"], enhanced["failed_tasks"]) == (
        0,
        0,
        0,
    )
    codegen_emu.queue_reply(AgentRunReply(result="done"))
    chain.generate_response("four")
    enhanced = chain.get_enhanced_stats()
    assert (enhanced["task_count"], enhanced["successful_tasks"]) == (1, 1)
    assert enhanced["request_count"] == 4
    assert enhanced["providers"]["Codegen"]["task_count"] == 1


def test_attempts_of_a_codegen_run_are_recorded(
    chain: FallbackProvider, codegen_emu: CodegenEmulator
) -> None:
    codegen_emu.queue_reply(AgentRunReply(result="ok"))
    with record_attempts() as attempts:
        chain.generate_response("go")
    assert [(a.provider, a.status, a.model) for a in attempts] == [
        ("Codegen", "ok", "codegen-agent")
    ]


def test_status_and_comparison_report_the_live_provider(openai_emu: OpenAIEmulator) -> None:
    env = {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": openai_emu.base_url}
    live = create_ai_provider("openai", env=env, env_file=None)
    with live:
        live.generate_response("hi")
        live.generate_response("again")
        status = get_provider_status(env=env, env_file=None)  # validates (builds a probe)
        stats = status["openai"]["stats"]
        assert (stats["request_count"], stats["is_available"]) == (2, True)
        assert status["openai"]["validation_result"] is True
        compared = get_provider_comparison(env=env, env_file=None)
        assert compared["providers"]["openai"]["stats"]["request_count"] == 2
        assert compared["summary"]["recommended_provider"] == "openai"


def test_validate_accepts_name_as_documented(openai_emu: OpenAIEmulator) -> None:
    env = {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": openai_emu.base_url}
    assert validate_provider_credentials(name="openai", env=env, env_file=None) is True
    assert validate_provider_credentials("openai", env=env, env_file=None, force=True) is True
    with pytest.raises(TypeError):
        validate_provider_credentials("openai", name="anthropic", env=env, env_file=None)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_credential_checks_say_why(
    openai_emu: OpenAIEmulator, codegen_emu: CodegenEmulator, sleeps: SleepRecorder
) -> None:
    good = {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": openai_emu.base_url}
    assert check_provider("openai", env=good, env_file=None).verdict == "VALID"
    rejected = check_provider(
        "openai", env={**good, "OPENAI_API_KEY": "sk-wrong-000000"}, env_file=None
    )
    assert rejected.verdict == "REJECTED" and not rejected.valid
    unreachable = {**good, "OPENAI_BASE_URL": f"http://127.0.0.1:{closed_port()}/v1"}
    check = check_provider("openai", env=unreachable, env_file=None)
    assert check.verdict == "UNREACHABLE" and "could not be reached" in str(check.detail)
    bad_url = check_provider(
        "openai", env={**good, "OPENAI_BASE_URL": "127.0.0.1:1/v1"}, env_file=None
    )
    assert bad_url.verdict == "MISCONFIGURED" and "OPENAI_BASE_URL" in str(bad_url.detail)
    bad_timeout = check_provider("openai", env={**good, "OPENAI_TIMEOUT": "soon"}, env_file=None)
    assert bad_timeout.verdict == "MISCONFIGURED" and "OPENAI_TIMEOUT" in str(bad_timeout.detail)
    assert check_provider("anthropic", env={}, env_file=None).verdict == "NOT_CONFIGURED"
    codegen = {"CODEGEN_TOKEN": CG_TOKEN, "CODEGEN_BASE_URL": codegen_emu.base_url}
    assert check_provider("codegen", env={**codegen, "CODEGEN_ORG_ID": "3"}, env_file=None).valid
    wrong_org = check_provider("codegen", env={**codegen, "CODEGEN_ORG_ID": "4"}, env_file=None)
    assert wrong_org.verdict == "REJECTED"  # the token cannot use organisation 4
    bad_org = check_provider("codegen", env={**codegen, "CODEGEN_ORG_ID": "acme"}, env_file=None)
    assert bad_org.verdict == "MISCONFIGURED" and "CODEGEN_ORG_ID" in str(bad_org.detail)
    for result in (rejected, check, bad_url, bad_timeout, wrong_org, bad_org):
        assert API_KEY not in str(result.detail) and CG_TOKEN not in str(result.detail)


def test_providers_validate_cli_prints_the_reason(openai_emu: OpenAIEmulator) -> None:
    base = {k: v for k, v in __import__("os").environ.items()
            if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_"))}  # fmt: skip
    code = "from graph_sitter.cli.main import main; raise SystemExit(main())"
    env = {**base, "OPENAI_API_KEY": "sk-wrong-000000", "OPENAI_BASE_URL": openai_emu.base_url}
    out = subprocess.run(
        [sys.executable, "-c", code, "providers", "validate"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert out.returncode == 1
    assert out.stdout.startswith("openai: REJECTED: ") and "sk-wrong" not in out.stdout
    env["OPENAI_API_KEY"] = API_KEY
    out = subprocess.run(
        [sys.executable, "-c", code, "providers", "validate", "openai"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert (out.returncode, out.stdout) == (0, "openai: valid\n")


def test_debug_records_say_what_was_chosen_and_each_attempt(
    openai_emu: OpenAIEmulator,
    anthropic_emu: AnthropicEmulator,
    sleeps: SleepRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = {
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": openai_emu.base_url,
        "ANTHROPIC_API_KEY": API_KEY,
        "ANTHROPIC_BASE_URL": anthropic_emu.base_url,
    }
    openai_emu.queue_fault(HTTPError(503), path="*/chat/completions", times=3)
    with (
        caplog.at_level(logging.DEBUG, logger="graph_sitter"),
        create_ai_provider(env=env, env_file=None) as provider,
    ):
        provider.generate_response("hi")
    messages = [r.getMessage() for r in caplog.records if r.name == "graph_sitter.ai"]
    assert any(m.startswith("ai.select providers=OpenAI,Anthropic fallback=on") for m in messages)
    assert any(
        m.startswith("ai.select chain=OpenAI,Anthropic plan=OpenAI,Anthropic") for m in messages
    )
    attempts = [m for m in messages if m.startswith("ai.attempt ")]
    assert len(attempts) == 4
    assert "method=POST" in attempts[0] and "/chat/completions" in attempts[0]
    assert "http_status=503" in attempts[0] and "latency_ms=" in attempts[0]
    assert "provider=Anthropic" in attempts[-1] and "status=ok" in attempts[-1]
    assert any(m.startswith("ai.fallback_answered provider=Anthropic") for m in messages)
    assert all(API_KEY not in r.getMessage() for r in caplog.records)


def test_the_library_prints_nothing_to_stderr_for_a_caught_error(
    openai_emu: OpenAIEmulator,
) -> None:
    code = f"""
import graph_sitter
from graph_sitter.ai.providers import OpenAIProvider, ProviderUnavailableError
from graph_sitter.testing import HTTPError
p = OpenAIProvider({API_KEY!r}, {openai_emu.base_url!r}, max_retries=0, env={{}}, env_file=None)
try:
    p.generate_response("hi")
except ProviderUnavailableError:
    print("caught")
"""
    openai_emu.queue_fault(HTTPError(503))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (out.stdout, out.stderr) == ("caught\n", "")
    handlers = logging.getLogger("graph_sitter").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger("codegen").handlers)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_each_http_attempt_is_recorded_in_both_modes(
    openai: OpenAIProvider, openai_emu: OpenAIEmulator, mode: str
) -> None:
    openai_emu.queue_fault(HTTPError(429), path="*/chat/completions")
    openai_emu.queue_fault(HTTPError(502), path="*/chat/completions")
    with record_attempts() as attempts:
        if mode == "sync":
            openai.generate_response("hi")
        else:

            async def run() -> None:
                try:
                    await openai.agenerate_response("hi")
                finally:
                    await openai.aclose()

            asyncio.run(run())
    assert [(a.attempt, a.status, a.error, a.status_code) for a in attempts] == [
        (1, "error", "ProviderRateLimitError", 429),
        (2, "error", "ProviderUnavailableError", 502),
        (3, "ok", None, 200),
    ]
    assert attempts[-1].total_tokens > 0 and attempts[-1].cost_usd is not None
