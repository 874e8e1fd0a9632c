"""scripts/validate_codegen_sdk.py run as a user runs it: offline, against "real" credentials
(an emulator started here, reached through CODEGEN_BASE_URL), and with nothing to check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graph_sitter.testing import CodegenEmulator

SCRIPT = str(Path(__file__).parent.parent.parent / "scripts" / "validate_codegen_sdk.py")
CLEAN_ENV = {
    k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_"))
}
TOKEN = "cg-validate-token-0123456789"


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", SCRIPT, *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=60,
    )  # fmt: skip


def test_offline_validation_passes(tmp_path: Path) -> None:
    out = run("--offline", env=CLEAN_ENV, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip().splitlines()[-1] == "9 passed, 0 failed"
    for name in (
        "run -> poll -> complete",
        "AuthenticationError",
        "provider through the factory",
        "graph-sitter integration",
    ):
        assert name in out.stdout
    assert "FAIL" not in out.stdout and out.stderr == ""


def test_without_credentials_exits_2_with_one_line(tmp_path: Path) -> None:
    out = run(env=CLEAN_ENV, cwd=tmp_path)
    assert out.returncode == 2
    (line,) = out.stderr.splitlines()
    assert "set CODEGEN_ORG_ID and CODEGEN_TOKEN" in line and "--offline" in line
    assert out.stdout == ""


def test_credentials_from_the_environment_are_used(tmp_path: Path) -> None:
    with CodegenEmulator(token=TOKEN, org_id=42) as emulator:
        env = {**CLEAN_ENV, "CODEGEN_ORG_ID": "42", "CODEGEN_TOKEN": TOKEN,
               "CODEGEN_BASE_URL": emulator.base_url}  # fmt: skip
        out = run("--poll-interval", "0.05", "--timeout", "20", env=env, cwd=tmp_path)
        assert out.returncode == 0, out.stdout + out.stderr
        assert out.stdout.strip().endswith("9 passed, 0 failed")
        creates = [r for r in emulator.requests if r.method == "POST"]
        assert len(creates) == 3  # one run each: the SDK, the provider, Codebase.ai
        assert all(r.path == "/v1/organizations/42/agent/run" for r in creates)
        # an organisation the token cannot use fails the credential check (org-scoped)
        wrong_org = run("--poll-interval", "0.05", "--timeout", "20",
                        env={**env, "CODEGEN_ORG_ID": "7"}, cwd=tmp_path)  # fmt: skip
        assert wrong_org.returncode == 1
        assert "organisation 7" in wrong_org.stdout
        # a token the API rejects: failures are reported, the exit code is 1
        env["CODEGEN_TOKEN"] = "cg-rejected-token-0000"
        bad = run("--poll-interval", "0.05", "--timeout", "20", env=env, cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stdout.strip().splitlines()[-1] == "1 passed, 8 failed"  # only the bad-token check
    assert "cg-rejected-token" not in bad.stdout + bad.stderr and TOKEN not in bad.stdout
