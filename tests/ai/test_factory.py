"""Factory, credentials, settings, stats and exports (loopback where a vendor is involved)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import graph_sitter.ai.providers as providers_pkg
from graph_sitter.ai.client import get_ai_client
from graph_sitter.ai.errors import AIProviderError, ProviderConfigurationError
from graph_sitter.ai.pricing import estimate_cost, load_prices
from graph_sitter.ai.providers import (
    AIProvider,
    AIResponse,
    AnthropicProvider,
    OpenAIProvider,
    ProviderAuthenticationError,
    create_ai_provider,
    detect_available_credentials,
    get_available_providers,
    get_provider_comparison,
    get_provider_status,
    get_recommended_provider,
    register_provider,
    validate_provider_credentials,
)
from graph_sitter.ai.providers.fallback import FallbackProvider
from graph_sitter.ai.stats import LatencySketch
from graph_sitter.configs.models.secrets import ConfigurationError, Secrets
from graph_sitter.testing import AnthropicEmulator, OpenAIEmulator

API_KEY = "sk-test-emulator-key-0123456789"  # same as conftest.py


def env_for(openai: OpenAIEmulator | None, anthropic: AnthropicEmulator | None) -> dict[str, str]:
    env: dict[str, str] = {}
    if openai is not None:
        env.update(OPENAI_API_KEY=API_KEY, OPENAI_BASE_URL=openai.base_url)
    if anthropic is not None:
        env.update(ANTHROPIC_API_KEY=API_KEY, ANTHROPIC_BASE_URL=anthropic.base_url)
    return env


def test_exports_are_exactly_the_contract() -> None:
    expected = {
        "AIProvider", "AIResponse", "OpenAIProvider", "AnthropicProvider", "CodegenProvider",
        "create_ai_provider", "get_available_providers", "register_provider",
        "detect_available_credentials", "validate_provider_credentials",
        "get_provider_status", "get_provider_comparison", "get_recommended_provider",
        "AIProviderError", "ProviderUnavailableError", "ProviderAuthenticationError",
        "ProviderRateLimitError", "ProviderTimeoutError",
    }  # fmt: skip
    assert set(providers_pkg.__all__) == expected
    assert providers_pkg.__all__ == sorted(providers_pkg.__all__)
    for name in expected:
        assert getattr(providers_pkg, name) is not None


def test_import_pulls_no_vendor_sdk_or_httpx() -> None:
    code = (
        "import sys, graph_sitter.ai.providers; "
        "print(any(m in sys.modules for m in ('openai', 'anthropic', 'aiohttp', 'httpx', "
        "'pydantic')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_error_derives_from_root() -> None:
    import graph_sitter.ai.errors as errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), AIProviderError)


def test_selection_order_and_fallback(
    openai_emu: OpenAIEmulator, anthropic_emu: AnthropicEmulator
) -> None:
    env = env_for(openai_emu, anthropic_emu)
    assert get_available_providers(env=env, env_file=None) == ["openai", "anthropic"]
    chain = create_ai_provider(env=env, env_file=None)
    with chain:
        assert isinstance(chain, FallbackProvider)
        assert [p.provider_name for p in chain.providers] == ["OpenAI", "Anthropic"]
    single = create_ai_provider(env=env, env_file=None, fallback_enabled=False)
    with single:
        assert isinstance(single, OpenAIProvider)
    only_anthropic = get_ai_client(env=env_for(None, anthropic_emu), env_file=None)
    with only_anthropic:
        assert isinstance(only_anthropic, AnthropicProvider)
        assert only_anthropic.generate_response("hi").provider_name == "Anthropic"


def test_no_credentials_names_the_variables() -> None:
    with pytest.raises(ProviderConfigurationError, match="OPENAI_API_KEY"):
        create_ai_provider("openai", env={}, env_file=None)
    with pytest.raises(ProviderConfigurationError, match="ANTHROPIC_API_KEY"):
        create_ai_provider(env={}, env_file=None)
    with pytest.raises(ProviderConfigurationError, match="unknown AI provider"):
        create_ai_provider("nope", env={}, env_file=None)


def test_rejected_credentials(openai_emu: OpenAIEmulator) -> None:
    env = {"OPENAI_API_KEY": "sk-bad-key-0000000000", "OPENAI_BASE_URL": openai_emu.base_url}
    with pytest.raises(ProviderAuthenticationError):
        create_ai_provider("openai", env=env, env_file=None)


def test_validation_cached_and_thread_safe(openai_emu: OpenAIEmulator) -> None:
    provider = OpenAIProvider(API_KEY, openai_emu.base_url, env={}, env_file=None)
    with provider:
        threads = [threading.Thread(target=provider.validate_credentials) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert provider.validate_credentials() is True
        model_calls = [r for r in openai_emu.requests if r.path.endswith("/models")]
        assert len(model_calls) == 1
        provider.validate_credentials(force=True)
        assert len([r for r in openai_emu.requests if r.path.endswith("/models")]) == 2
    env = env_for(openai_emu, None)
    assert validate_provider_credentials("openai", env=env, env_file=None) is True
    assert validate_provider_credentials(env=env, env_file=None) == {"openai": True}


def test_status_comparison_and_recommendation(
    openai_emu: OpenAIEmulator, anthropic_emu: AnthropicEmulator
) -> None:
    env = env_for(openai_emu, anthropic_emu)
    detected = detect_available_credentials(env=env, env_file=None)
    assert detected["openai"]["available"] and detected["anthropic"]["available"]
    assert API_KEY not in repr(detected)
    status = get_provider_status(env=env, env_file=None)
    assert set(status["openai"]) == {
        "has_credentials", "credential_info", "is_available", "validation_result", "error",
        "stats",
    }  # fmt: skip
    assert status["openai"]["validation_result"] is True
    comparison = get_provider_comparison(env=env, env_file=None)
    assert comparison["summary"] == {
        "total_providers": 3,  # codegen, openai, anthropic (codegen has no credentials here)
        "available_providers": 2,
        "validated_providers": 2,
        "recommended_provider": "openai",
    }
    assert get_recommended_provider(env=env_for(None, anthropic_emu), env_file=None) == (
        "anthropic"
    )
    assert API_KEY not in repr(comparison)


class EchoProvider(AIProvider):
    provider_name = "Echo"
    env_vars = ("ECHO_TOKEN",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()

    def generate_response(self, prompt: str, *args: Any, **kwargs: Any) -> AIResponse:
        return AIResponse(content=prompt, provider_name="Echo", model="echo")

    async def agenerate_response(self, prompt: str, *args: Any, **kwargs: Any) -> AIResponse:
        return self.generate_response(prompt)

    def get_default_model(self) -> str:
        return "echo"

    def _check_credentials(self) -> bool:
        return True


def test_register_custom_provider() -> None:
    register_provider("echo", EchoProvider, priority=5, replace=True)
    env = {"ECHO_TOKEN": "x" * 10}
    assert get_available_providers(env=env, env_file=None) == ["echo"]
    provider = create_ai_provider(env=env, env_file=None)
    assert provider.generate_response("ping").content == "ping"
    with pytest.raises(ProviderConfigurationError, match="already registered"):
        register_provider("echo", EchoProvider)
    from graph_sitter.ai.providers import factory

    del factory._registry.specs["echo"]


def test_settings_precedence_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("OPENAI_TIMEOUT=7\nOPENAI_MAX_RETRIES=5\n")
    monkeypatch.chdir(tmp_path)
    settings = Secrets.load(env={"OPENAI_MAX_RETRIES": "1"}, openai_timeout=None)
    assert settings.openai_timeout == 7 and settings.openai_max_retries == 1  # env beats .env
    assert (
        Secrets.load(env={"OPENAI_MAX_RETRIES": "1"}, openai_max_retries=3).openai_max_retries == 3
    )
    with pytest.raises(ConfigurationError, match="CODEGEN_TIMEOUT='abc'") as info:
        Secrets.load(env={"CODEGEN_TIMEOUT": "abc", "OPENAI_MAX_RETRIES": "-1"}, env_file=None)
    assert info.value.variables == ("CODEGEN_TIMEOUT", "OPENAI_MAX_RETRIES")
    assert Secrets.load(env={"CODEGEN_API_BASE_URL": "http://c"}, env_file=None).codegen_base_url
    with pytest.raises(ProviderConfigurationError, match="OPENAI_TIMEOUT"):
        OpenAIProvider(env={"OPENAI_API_KEY": API_KEY, "OPENAI_TIMEOUT": "abc"}, env_file=None)
    with pytest.raises(ProviderConfigurationError, match="max_retries"):
        OpenAIProvider(API_KEY, max_retries=-1, env={}, env_file=None)
    key = Secrets.load(env={"OPENAI_API_KEY": API_KEY}, env_file=None)
    assert API_KEY not in repr(key)


def test_prices_and_sketch() -> None:
    table = load_prices()
    assert table.as_of
    assert estimate_cost("gpt-4o-mini", 1_000_000, 1_000_000) == pytest.approx(0.75)
    assert estimate_cost("gpt-4o-2024-08-06", 1_000_000, 0) == pytest.approx(2.5)
    assert estimate_cost("claude-3-5-haiku-20241022", 0, 1_000_000) == pytest.approx(4.0)
    assert estimate_cost("my-finetune", 10, 10) is None
    assert estimate_cost("gpt-4o-custom", 10, 10) is None  # no prefix guessing
    sketch = LatencySketch()
    for value in range(1, 100_001):
        sketch.add(value / 100)
    assert sketch.quantile(0.5) == pytest.approx(500, rel=0.02)
    assert sketch.quantile(0.99) == pytest.approx(990, rel=0.02)
    assert sketch.bucket_count < 2000  # bounded by range, not by count
