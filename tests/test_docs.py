"""Docs and `.env.example` name every environment variable the code reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
VAR = re.compile(r"[\"'`]((?:CODEGEN|OPENAI|ANTHROPIC|GRAPH_SITTER)_[A-Z_]+|LOG_LEVEL)[\"'`]")


def variables_read_by_code() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src").rglob("*.py"):
        found.update(VAR.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_variable_is_documented() -> None:
    names = variables_read_by_code()
    assert {"OPENAI_API_KEY", "CODEGEN_TOKEN", "GRAPH_SITTER_CACHE_DIR"} <= names
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "enhanced-ai-providers.md").read_text(encoding="utf-8")
    assert sorted(n for n in names if n not in example) == []
    assert sorted(n for n in names if n not in guide) == []
