"""A bare codegen.Agent rejects a non-UTF-8 .env and a token that is not one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from codegen_helpers import ORG_ID, TOKEN

from codegen import Agent
from codegen.exceptions import ConfigurationError, ValidationError
from graph_sitter.testing import CodegenEmulator


def test_a_dotenv_that_is_not_utf8_is_named_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_bytes(f"CODEGEN_ORG_ID={ORG_ID}\n# K\xf6ln\n".encode("latin-1"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError) as caught:
        Agent(env={"CODEGEN_TOKEN": TOKEN})
    message = str(caught.value)
    assert ".env" in message and "UTF-8" in message and "0xf6" in message
    assert "\n" not in message and TOKEN not in message


@pytest.mark.parametrize("bad", ["\n", "\r", "\0"], ids=["newline", "cr", "nul"])
def test_a_token_with_a_control_character_names_the_variable_not_the_value(
    bad: str, emu: CodegenEmulator
) -> None:
    secret = f"{TOKEN}{bad}X-Forged: 1"
    env = {"CODEGEN_ORG_ID": str(ORG_ID), "CODEGEN_TOKEN": secret,
           "CODEGEN_BASE_URL": emu.base_url}  # fmt: skip
    with pytest.raises(ConfigurationError) as caught:
        Agent(env=env, env_file=None)
    message = str(caught.value)
    assert "CODEGEN_TOKEN" in message and "environment" in message
    assert TOKEN not in message and "Forged" not in message and "\n" not in message
    assert emu.requests == []
    with pytest.raises(ValidationError, match="token contains a newline") as given:
        Agent(org_id=ORG_ID, token=secret, base_url=emu.base_url, env={}, env_file=None)
    assert TOKEN not in str(given.value)


def test_a_nul_in_a_dotenv_token_is_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emu: CodegenEmulator
) -> None:
    (tmp_path / ".env").write_text(f"CODEGEN_ORG_ID={ORG_ID}\nCODEGEN_TOKEN={TOKEN}\0x\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigurationError, match=r"CODEGEN_TOKEN \(in .*\.env\)") as caught:
        Agent(base_url=emu.base_url, env={})
    assert TOKEN not in str(caught.value)
    assert emu.requests == []
