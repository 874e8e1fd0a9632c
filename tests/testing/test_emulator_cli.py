"""`graph-sitter emulator` as a user runs it: a subprocess that prints what to export, serves
scripted replies and faults, and drives `graph-sitter ai --apply` end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import anthropic
import httpx
import pytest

from graph_sitter.cli.main import main
from graph_sitter.testing import (
    AgentRunReply,
    ConnectionReset,
    FaultSpec,
    HTTPError,
    RateLimit,
    SlowFirstByte,
    TextReply,
    ToolCall,
    ToolCallReply,
    load_replies,
    parse_fault_spec,
)

ENTRY = str(Path(sys.executable).parent / "graph-sitter")
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_"))
}


@contextmanager
def serve(*args: str, exports: int) -> Iterator[dict[str, str]]:
    """Start `graph-sitter emulator ARGS`, read its listening line and `exports` export lines,
    yield them as an environment mapping, and stop the process afterwards."""
    proc = subprocess.Popen(
        [ENTRY, "emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=CLEAN_ENV,
    )
    try:
        assert proc.stdout is not None and proc.stderr is not None
        listening = proc.stderr.readline()
        assert " emulator listening on http://127.0.0.1:" in listening, listening
        env: dict[str, str] = {}
        for _ in range(exports):
            line = proc.stdout.readline().rstrip("\n")
            assert line.startswith("export "), line
            name, _, value = line.removeprefix("export ").partition("=")
            env[name] = value
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_scripted_replies_drive_ai_apply_end_to_end(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "shop").mkdir(parents=True)
    pricing = project / "shop" / "pricing.py"
    pricing.write_text(
        "def total(prices: list[float]) -> float:\n    return sum(prices) * 1.2\n\n\n"
        "def count(prices: list[float]) -> int:\n    return len(prices)\n"
    )
    replies = tmp_path / "replies.jsonl"
    new_total = "def total(prices: list[float]) -> float:\n    return 0.0\n"
    replies.write_text(
        "# the first request fails once, then the edit arrives as the answer tool's argument\n"
        + json.dumps({"fault": "503"})
        + "\n"
        + json.dumps(new_total)
        + "\n"
    )
    key = "sk-emulator-cli-0123456789"
    with serve("openai", "--api-key", key, "--replies", str(replies), exports=2) as exported:
        assert set(exported) == {"OPENAI_BASE_URL", "OPENAI_API_KEY"}
        assert exported["OPENAI_API_KEY"] == key
        env = {**CLEAN_ENV, **exported, "GRAPH_SITTER_CACHE_DIR": str(tmp_path / "state")}
        target = "shop/pricing.py::total"
        out = subprocess.run(
            [ENTRY, "ai", "Return zero", "--target", target, "--path", str(project), "--apply"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert "+    return 0.0" in out.stdout
        assert pricing.read_text() == (
            f"{new_total}\n\ndef count(prices: list[float]) -> int:\n    return len(prices)\n"
        )
        # the script is used up: the next answer is the emulator's default
        models = httpx.get(
            f"{exported['OPENAI_BASE_URL']}/models",
            headers={"Authorization": f"Bearer {key}"},
            timeout=10,
        )
        assert models.status_code == 200


def test_codegen_options_are_served_and_exported() -> None:
    args = ("codegen", "--token", "cg-local", "--org-id", "7", "--repo", "octo/cat")
    with serve(*args, "--repo", "octo/dog", exports=3) as exported:
        assert exported["CODEGEN_ORG_ID"] == "7" and exported["CODEGEN_TOKEN"] == "cg-local"
        base = exported["CODEGEN_BASE_URL"]
        auth = {"Authorization": "Bearer cg-local"}
        with httpx.Client(base_url=base, timeout=10) as client:
            repos = client.get("/v1/organizations/7/repos", headers=auth).json()
            assert [r["full_name"] for r in repos["items"]] == ["octo/cat", "octo/dog"]
            assert client.get("/v1/organizations/1/repos", headers=auth).status_code == 403
            wrong = {"Authorization": "Bearer nope"}
            assert client.get("/v1/organizations/7/repos", headers=wrong).status_code == 401


def test_anthropic_exports_work_with_the_official_sdk_and_faults_come_first() -> None:
    args = ("anthropic", "--api-key", "sk-ant-local", "--reply", "Bonjour")
    with serve(*args, "--fault", "429:retry-after=3", exports=2) as exported:
        client = anthropic.Anthropic(
            api_key=exported["ANTHROPIC_API_KEY"],
            base_url=exported["ANTHROPIC_BASE_URL"],
            max_retries=0,
        )
        with client:
            messages: list[anthropic.types.MessageParam] = [{"role": "user", "content": "Hi"}]
            with pytest.raises(anthropic.RateLimitError) as limited:
                client.messages.create(model="claude-haiku-4-5", max_tokens=8, messages=messages)
            assert limited.value.response.headers["retry-after"] == "3"
            answer = client.messages.create(
                model="claude-haiku-4-5", max_tokens=8, messages=messages
            )
            assert answer.content[0].type == "text" and answer.content[0].text == "Bonjour"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["openai", "--port", "99999"], "99999 is not in the range 0<=x<=65535"),
        (["openai", "--token", "t"], "--token only applies to the codegen emulator"),
        (["codegen", "--api-key", "k"], "--api-key only applies to the openai and anthropic"),
        (["codegen", "--repo", "widgets"], "'widgets' is not OWNER/NAME"),
        (["openai", "--fault", "503x0"], "xTIMES must be at least 1"),
        (["openai", "--fault", "429:wait=2"], "unknown option 'wait=2'"),
    ],
)
def test_bad_options_are_one_clear_usage_error(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["emulator", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_bad_replies_line_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replies = tmp_path / "replies.jsonl"
    replies.write_text('"fine"\n\n{"content": 3}\n')
    assert main(["emulator", "openai", "--replies", str(replies)]) == 2
    assert "replies.jsonl line 3: 'content' must be a string or null" in capsys.readouterr().err


def test_fault_specs() -> None:
    assert parse_fault_spec("503x3") == FaultSpec(HTTPError(503), 3)
    assert parse_fault_spec("429:retry-after=2") == FaultSpec(RateLimit(retry_after=2))
    assert parse_fault_spec("429x2:retry-after-ms=500,path=/v1/chat/*") == FaultSpec(
        RateLimit(retry_after_ms=500), 2, "/v1/chat/*"
    )
    assert parse_fault_spec("500:retry-after=1,should-retry=false") == FaultSpec(
        HTTPError(500, headers=(("retry-after", "1"),), should_retry=False)
    )
    assert parse_fault_spec("resetx2") == FaultSpec(ConnectionReset(), 2)
    assert parse_fault_spec("slow:delay=0.5") == FaultSpec(SlowFirstByte(0.5))
    for bad in ("", "200", "teapot", "503:retry-after=soon", "429:should-retry=maybe"):
        with pytest.raises(ValueError, match="bad fault spec"):
            parse_fault_spec(bad)


def test_reply_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    lines = [
        '"plain"',
        '{"content": "cut", "finish_reason": "length", "usage": {"prompt_tokens": 4}}',
        '{"tool_calls": [{"name": "answer", "arguments": {"answer": "x"}}], "content": null}',
        '{"tool_calls": [{"id": "call_1", "function": {"name": "f", "arguments": "{}"}}]}',
        '{"status": "FAILED", "result": "no", "polls": 0}',
        '{"fault": "overloaded"}',
    ]
    path.write_text("\n".join(lines) + "\n")
    entries = load_replies(path)
    assert entries[:5] == [
        TextReply("plain"),
        TextReply("cut", "length", prompt_tokens=4),
        ToolCallReply((ToolCall("answer", {"answer": "x"}),)),
        ToolCallReply((ToolCall("f", "{}", "call_1"),)),
        AgentRunReply(status="FAILED", result="no", summary=None, polls=0),
    ]
    assert isinstance(entries[5], FaultSpec)
    path.write_text("not json\n")
    with pytest.raises(ValueError, match=r"r\.jsonl line 1"):
        load_replies(path)
