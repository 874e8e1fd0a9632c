"""`Codebase.ai_edit` end to end on an emulator configured with a reply: the forced `answer`
tool carries the reply, the edit is validated and written on commit."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.testing import OpenAIEmulator

NEW_TOTAL = "def total(prices):\n    return 42\n"


def test_ai_edit_applies_the_emulators_reply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "project" / "shop" / "pricing.py"
    source.parent.mkdir(parents=True)
    source.write_text("def total(prices):\n    return sum(prices)\n\n\ndef other():\n    pass\n")
    for name in ("ANTHROPIC_API_KEY", "CODEGEN_TOKEN", "CODEGEN_ORG_ID", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with OpenAIEmulator(api_key="sk-edit", default_reply=NEW_TOTAL) as emu:
        monkeypatch.setenv("OPENAI_BASE_URL", emu.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-edit")
        monkeypatch.setenv("GRAPH_SITTER_CACHE_DIR", str(tmp_path / "state"))
        codebase = Codebase(str(tmp_path / "project"))
        diff = codebase.ai_edit("Return 42", codebase.get_function("total"))
        codebase.commit()
        (request,) = [r for r in emu.requests if r.path.endswith("/chat/completions")]
    assert request.json["tool_choice"] == {"type": "function", "function": {"name": "answer"}}
    assert "+    return 42" in diff
    assert source.read_text() == f"{NEW_TOTAL}\n\ndef other():\n    pass\n"
