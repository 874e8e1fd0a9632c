"""`graph-sitter analyze`: problems fit 80 columns, wrapped lines indented under the path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph_sitter.cli import main


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GRAPH_SITTER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")


def test_problem_lines_fit_80_columns_with_continuations_under_the_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "project"
    (root / "pkg" / "legacy_encodings" / "from_the_old_server").mkdir(parents=True)
    (root / "pkg" / "ok.py").write_text("def f():\n    return 1\n", encoding="utf-8")
    bad = root / "pkg" / "legacy_encodings" / "from_the_old_server" / "latin1_module.py"
    bad.write_bytes(b"# k\xf6ln\nx = 1\n")
    assert main(["analyze", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    start = next(i for i, line in enumerate(lines) if line.startswith("Files with problems (1)"))
    entry = lines[start + 1 :]
    assert entry[0].startswith("  pkg/legacy_encodings/from_the_old_server/latin1_module.py: ")
    continuation = [line for line in entry[1:] if line.startswith("      ")]
    assert continuation, "the problem is long enough to wrap at 80 columns"
    text = " ".join(line.strip() for line in [entry[0], *continuation])
    assert "not valid utf-8" in text.lower() and "0xf6" in text
    assert "0xf6 at offset 3" in text  # "offset" and its number stay readable together
