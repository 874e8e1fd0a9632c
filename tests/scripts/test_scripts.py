"""The installation-check scripts run as a user would run them."""

from __future__ import annotations

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
