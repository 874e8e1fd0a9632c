"""`agent run|status|list|logs` through the installed console script, against a Codegen
emulator started in this process (URL, organisation and token passed in the environment)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_sitter.testing import AgentRunReply, CodegenEmulator, PullRequest

ENTRY = str(Path(sys.executable).parent / "graph-sitter")
TOKEN = "cg-test-token-0123456789abcdef"
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_"))
}
FAST = ("--poll-interval", "0.05", "--timeout", "20")


@pytest.fixture
def emu() -> Iterator[CodegenEmulator]:
    with CodegenEmulator(token=TOKEN, org_id=7, polls_until_complete=2) as emulator:
        yield emulator


def env_for(emu: CodegenEmulator, token: str = TOKEN) -> dict[str, str]:
    return {**CLEAN_ENV, "CODEGEN_ORG_ID": "7", "CODEGEN_TOKEN": token,
            "CODEGEN_BASE_URL": emu.base_url}  # fmt: skip


def run(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [ENTRY, "agent", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )
    assert TOKEN not in out.stdout + out.stderr  # the token is never printed
    assert "Traceback" not in out.stderr
    return out


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(("error:", "Error:"))]


def test_run_wait_follows_the_run_to_complete(tmp_path: Path, emu: CodegenEmulator) -> None:
    env = env_for(emu)
    reply = AgentRunReply(result="Added type hints.", pull_requests=(PullRequest(title="Hints"),))
    emu.queue_reply(reply)
    out = run(env, "run", "Add type hints", "--repository", "acme/widgets", "--tag", "cli",
              "--wait", *FAST, "--json", cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stderr
    task = json.loads(out.stdout)
    assert (task["status"], task["result"]) == ("COMPLETE", "Added type hints.")
    assert [pr["title"] for pr in task["pull_requests"]] == ["Hints"]
    assert task["metadata"]["tags"] == ["cli"]
    polls = [r for r in emu.requests if r.method == "GET" and r.path.endswith(f"/run/{task['id']}")]
    assert len(polls) == 3  # two ACTIVE answers, then COMPLETE
    # without --json: the status line changes are shown (one line each without a terminal)
    emu.queue_reply(AgentRunReply(result="Done again."))
    out = run(env, "run", "Again", "--wait", *FAST, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines()
    assert lines[0].startswith("started agent run 2")
    assert any(line.startswith("agent run 2: ACTIVE") for line in lines)
    assert lines[-1].startswith("agent run 2: COMPLETE")
    assert any("Reading the task: Again" in line for line in lines)  # new log entries
    assert "Done again." in out.stdout


def test_run_failure_and_timeout_exit_1_with_one_line(tmp_path: Path, emu: CodegenEmulator) -> None:
    env = env_for(emu)
    emu.queue_reply(AgentRunReply(status="FAILED", result="Could not build."))
    failed = run(env, "run", "Break", "--wait", *FAST, "--json", cwd=tmp_path)
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["status"] == "FAILED"  # the JSON still comes out
    assert errors(failed.stderr) == [
        "Error: agent run 1 ended with status FAILED: Could not build."
    ]
    emu.queue_reply(AgentRunReply(polls=10_000))
    slow = run(env, "run", "Slow", "--wait", "--poll-interval", "0.05", "--timeout", "0.3",
               cwd=tmp_path)  # fmt: skip
    assert slow.returncode == 1
    (line,) = errors(slow.stderr)
    assert line.startswith("Error: agent run 2 still ACTIVE after 0.3s")


def test_status_list_and_logs(tmp_path: Path, emu: CodegenEmulator) -> None:
    env = env_for(emu)
    started = run(env, "run", "First", "--json", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    first = json.loads(started.stdout)
    assert first["status"] == "ACTIVE"
    run(env, "run", "Second", "--wait", *FAST, cwd=tmp_path)
    status = run(env, "status", str(first["id"]), "--json", cwd=tmp_path)
    assert status.returncode == 0 and json.loads(status.stdout)["id"] == first["id"]
    listed = run(env, "list", "--limit", "1", "--json", cwd=tmp_path)
    assert [t["id"] for t in json.loads(listed.stdout)] == [2]  # newest first
    every = run(env, "list", cwd=tmp_path)
    assert every.returncode == 0 and "2 agent runs" in every.stdout
    # a narrow terminal: the run URLs stay whole; the low-value columns give way first
    narrow = run({**env, "COLUMNS": "54"}, "list", cwd=tmp_path)
    assert narrow.returncode == 0
    for task_id in (1, 2):
        assert f" https://codegen.com/agent/trace/{task_id} " in narrow.stdout
    assert "source" not in narrow.stdout.split("not shown")[0]
    assert "not shown at this width: created, source (--wide shows them)" in " ".join(
        narrow.stdout.split()
    )
    assert all(len(line) <= 54 for line in narrow.stdout.splitlines())
    wide = run({**env, "COLUMNS": "54"}, "list", "--wide", cwd=tmp_path)
    assert "source" in wide.stdout and "created" in wide.stdout and "not shown" not in wide.stdout
    logs = run(env, "logs", "2", "--limit", "2", "--json", cwd=tmp_path)
    assert logs.returncode == 0, logs.stderr
    entries = json.loads(logs.stdout)
    assert len(entries) == 2 and entries[0]["thought"] == "Reading the task: Second"
    table = run(env, "logs", "2", cwd=tmp_path)
    assert table.returncode == 0 and "[view_file]" not in table.stdout
    assert "view_file" in table.stdout and "3 log entries" in table.stdout


def test_errors_are_one_line_with_reliable_exit_codes(tmp_path: Path, emu: CodegenEmulator) -> None:
    bad = run(env_for(emu, token="cg-wrong-token-0000"), "list", cwd=tmp_path)
    assert bad.returncode == 1
    (line,) = errors(bad.stderr)
    assert (
        line.startswith("Error: Invalid or expired API token")
        and "cg-wrong-token" not in bad.stderr
    )
    missing = run(env_for(emu), "status", "999", cwd=tmp_path)
    assert missing.returncode == 1 and errors(missing.stderr) == ["Error: Agent run not found."]
    unset = run(CLEAN_ENV, "list", cwd=tmp_path)
    assert unset.returncode == 1
    assert errors(unset.stderr) == [
        "Error: Codegen needs CODEGEN_ORG_ID and CODEGEN_TOKEN: pass "
        "org_id/token or set the variable(s)"
    ]
    not_an_id = run(env_for(emu), "status", "abc", cwd=tmp_path)
    assert not_an_id.returncode == 2 and "Invalid value for 'ID'" in not_an_id.stderr
