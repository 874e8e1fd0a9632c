"""The installation-check scripts run as a user would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).parent.parent.parent / "scripts"


def test_basic_functionality_script_passes_without_credentials(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CODEGEN_"))}
    out = subprocess.run(
        [sys.executable, str(SCRIPTS / "test_basic_functionality.py")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "7 passed, 0 failed" in out.stdout


def test_refactor_oracle_is_deterministic_and_writes_nothing(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent.parent / "fixtures"
    before = {p: p.read_bytes() for p in (fixtures / "typescript").rglob("*") if p.is_file()}
    outputs = []
    for run in ("a", "b"):
        out = subprocess.run(
            [sys.executable, str(SCRIPTS / "refactor_oracle.py"), str(fixtures / "typescript"),
             str(tmp_path / f"{run}.json")],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert out.returncode == 0, out.stdout + out.stderr
        outputs.append((tmp_path / f"{run}.json").read_text())
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert set(report) == {"reads", "edits", "moves", "files"}
    assert any(row[2].startswith("---") for row in report["edits"])  # real diffs recorded
    after = {p: p.read_bytes() for p in (fixtures / "typescript").rglob("*") if p.is_file()}
    assert after == before  # only diffs: nothing written, nothing created
