"""A bad setting is one error line naming the variable (our configuration error type), never a
raw pydantic, Unicode, sqlite, OS or Redis error, and never after a paid request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph_sitter.ai.cache import ai_state_dir, open_store, redis_client
from graph_sitter.ai.errors import ProviderConfigurationError
from graph_sitter.ai.providers import OpenAIProvider
from graph_sitter.ai.usage import default_ledger_path
from graph_sitter.configs.models.secrets import ConfigurationError, Secrets


def _one_line(error: BaseException, variable: str) -> str:
    text = str(error)
    assert "\n" not in text and variable in text, text
    return text


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "Infinity", "-1", "0"])
@pytest.mark.parametrize("vendor", ["OPENAI", "ANTHROPIC", "CODEGEN"])
def test_timeouts_must_be_finite_and_positive(vendor: str, value: str) -> None:
    variable = f"{vendor}_TIMEOUT"
    with pytest.raises(ConfigurationError) as info:
        Secrets.load(env={variable: value}, env_file=None)
    _one_line(info.value, variable)
    assert info.value.variables == (variable,)


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), -3.0])
def test_timeout_argument_must_be_finite_and_positive(timeout: float) -> None:
    with pytest.raises(ProviderConfigurationError, match="timeout"):
        OpenAIProvider("sk-test-0000000000", timeout=timeout, env={}, env_file=None)


def test_provider_names_a_bad_environment_timeout() -> None:
    with pytest.raises(ProviderConfigurationError) as info:
        OpenAIProvider("sk-test-0000000000", env={"OPENAI_TIMEOUT": "inf"}, env_file=None)
    _one_line(info.value, "OPENAI_TIMEOUT")


def test_bad_value_in_dotenv_is_named_with_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("OPENAI_API_KEY=sk-dotenv-0000000000\nOPENAI_TIMEOUT=soon\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError) as info:
        Secrets.load(env={})
    text = _one_line(info.value, "OPENAI_TIMEOUT='soon'")
    assert str(dotenv) in text and "sk-dotenv" not in text
    # The same bad value from the environment is not blamed on the file.
    with pytest.raises(ConfigurationError) as info:
        Secrets.load(env={"OPENAI_TIMEOUT": "later"})
    assert str(dotenv) not in str(info.value) and "'later'" in str(info.value)


def test_non_utf8_dotenv_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_bytes(b"OPENAI_API_KEY=caf\xe9-0000000000\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError) as info:
        Secrets.load(env={})
    assert "not valid UTF-8" in _one_line(info.value, ".env")
    with pytest.raises(ProviderConfigurationError, match="not valid UTF-8"):
        OpenAIProvider(env={})


@pytest.mark.parametrize("value", ["abc", "-4", "0", "1.5", "４２"])
def test_codegen_org_id_must_be_a_positive_integer(value: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        Secrets.load(env={"CODEGEN_ORG_ID": value}, env_file=None)
    _one_line(info.value, "CODEGEN_ORG_ID")
    assert Secrets.load(env={"CODEGEN_ORG_ID": " 42 "}, env_file=None).codegen_org_id == "42"


@pytest.mark.parametrize("variable", ["OPENAI_API_KEY", "CODEGEN_TOKEN", "OPENAI_BASE_URL"])
@pytest.mark.parametrize("bad", ["\n", "\r\n", "\0"])
def test_values_with_control_characters_are_refused(variable: str, bad: str) -> None:
    value = f"sk-first-part{bad}X-Injected: yes"
    with pytest.raises(ConfigurationError) as info:
        Secrets.load(env={variable: value}, env_file=None)
    text = _one_line(info.value, variable)
    if variable != "OPENAI_BASE_URL":
        assert "sk-first-part" not in text  # a secret is never echoed back


def test_bad_state_paths_are_named(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    cases = [
        (lambda: ai_state_dir({"GRAPH_SITTER_CACHE_DIR": str(a_file)}), "GRAPH_SITTER_CACHE_DIR"),
        (lambda: ai_state_dir({"GRAPH_SITTER_CACHE_DIR": "/tmp/a\0b"}), "GRAPH_SITTER_CACHE_DIR"),
        (
            lambda: default_ledger_path({"GRAPH_SITTER_AI_USAGE_DB": str(tmp_path)}),
            "GRAPH_SITTER_AI_USAGE_DB",
        ),
        (
            lambda: default_ledger_path({"GRAPH_SITTER_AI_USAGE_DB": str(a_file / "u.db")}),
            "GRAPH_SITTER_AI_USAGE_DB",
        ),
        (lambda: redis_client("notaurl"), "GRAPH_SITTER_REDIS_URL"),
        (
            lambda: open_store(env={"GRAPH_SITTER_REDIS_URL": "http://h:1"}),
            "GRAPH_SITTER_REDIS_URL",
        ),
    ]
    for make, variable in cases:
        with pytest.raises(ProviderConfigurationError) as info:
            make()
        _one_line(info.value, variable)
        assert isinstance(info.value, ValueError)


def test_redis_url_password_is_not_echoed() -> None:
    with pytest.raises(ProviderConfigurationError) as info:
        redis_client("redis//:hunter2-secret@host:6379/0")
    assert "hunter2-secret" not in _one_line(info.value, "GRAPH_SITTER_REDIS_URL")


def test_parse_cache_with_unusable_dir_still_builds(tmp_path: Path) -> None:
    from graph_sitter import Codebase

    (tmp_path / "a.py").write_text("def f():\n    return 1\n")
    for bad in (str(tmp_path / "a.py"), str(tmp_path) + "/x\0y"):
        cb = Codebase(tmp_path, cache_dir=bad)
        assert [f.name for f in cb.functions] == ["f"]
    assert os.path.isfile(tmp_path / "a.py")
