"""The Codegen emulator follows codegen-openapi.json: runs, statuses, pages, errors, limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph_sitter.testing import (
    AgentLog,
    AgentRunReply,
    CodegenEmulator,
    ConnectionReset,
    HTTPError,
    PullRequest,
    QuotaExceeded,
    RateLimit,
)

ORG = "/v1/organizations/1"
TOKEN = {"authorization": "Bearer test-token"}
RATE_LIMITED = {"message": "Rate limit exceeded. Please try again later.", "status_code": 429}


@pytest.fixture
def http(codegen_emulator: CodegenEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=codegen_emulator.base_url, headers=TOKEN) as client:
        yield client


def _create(http: httpx.Client, prompt: str = "Fix the bug", **extra: Any) -> dict[str, Any]:
    response = http.post(f"{ORG}/agent/run", json={"prompt": prompt, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _detail(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422
    detail: list[dict[str, Any]] = response.json()["detail"]
    assert all({"loc", "msg", "type"} <= set(item) for item in detail)
    return detail


def test_run_progresses_from_active_to_complete(
    codegen_emulator: CodegenEmulator, http: httpx.Client
) -> None:
    codegen_emulator.queue_reply(
        AgentRunReply(
            result="Opened a PR",
            summary="Fixed it",
            pull_requests=(PullRequest(title="Fix bug", head_branch_name="fix/bug"),),
        )
    )
    created = _create(http, metadata={"priority": "high"})
    assert isinstance(created["id"], int)
    assert created["organization_id"] == 1
    assert created["status"] == "ACTIVE"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", created["created_at"])
    assert created["web_url"].endswith(f"/{created['id']}")
    assert (created["result"], created["github_pull_requests"]) == (None, [])
    assert created["metadata"] == {"priority": "high"}
    assert created["source_type"] == "API"
    statuses = [http.get(f"{ORG}/agent/run/{created['id']}").json() for _ in range(3)]
    assert [s["status"] for s in statuses] == ["ACTIVE", "ACTIVE", "COMPLETE"]
    done = statuses[-1]
    assert (done["result"], done["summary"]) == ("Opened a PR", "Fixed it")
    (pr,) = done["github_pull_requests"]
    assert set(pr) == {"id", "title", "url", "created_at", "head_branch_name"}
    assert (pr["title"], pr["head_branch_name"]) == ("Fix bug", "fix/bug")
    assert pr["url"] == f"https://github.com/acme/widgets/pull/{pr['id']}"
    assert codegen_emulator.get_run(created["id"])["status"] == "COMPLETE"


@pytest.mark.parametrize(
    "status",
    [
        "FAILED",
        "ERROR",
        "CANCELLED",
        "STOPPED",
        "TIMEOUT",
        "MAX_ITERATIONS_REACHED",
        "OUT_OF_TOKENS",
    ],
)
def test_scripted_failure_statuses(
    codegen_emulator: CodegenEmulator, http: httpx.Client, status: str
) -> None:
    codegen_emulator.queue_reply(AgentRunReply(status=status, result=None, polls=1))
    run_id = _create(http)["id"]
    assert http.get(f"{ORG}/agent/run/{run_id}").json()["status"] == "ACTIVE"
    assert http.get(f"{ORG}/agent/run/{run_id}").json()["status"] == status


def test_zero_polls_and_text_replies(codegen_emulator: CodegenEmulator, http: httpx.Client) -> None:
    codegen_emulator.queue_reply(AgentRunReply(polls=0, result="instant"))
    assert _create(http)["result"] == "instant"
    codegen_emulator.polls_until_complete = 0
    codegen_emulator.queue_reply("from text")
    assert _create(http)["result"] == "from text"


def test_set_run_status_overrides_progression(
    codegen_emulator: CodegenEmulator, http: httpx.Client
) -> None:
    run_id = _create(http)["id"]
    codegen_emulator.set_run_status(run_id, "CANCELLED", result="stopped by user")
    run = http.get(f"{ORG}/agent/run/{run_id}").json()
    assert (run["status"], run["result"]) == ("CANCELLED", "stopped by user")


def test_list_runs_newest_first_with_pages(http: httpx.Client) -> None:
    ids = [_create(http, prompt=f"task {n}")["id"] for n in range(5)]
    first = http.get(f"{ORG}/agent/runs", params={"skip": 0, "limit": 2}).json()
    assert [item["id"] for item in first["items"]] == ids[::-1][:2]
    assert (first["total"], first["page"], first["size"], first["pages"]) == (5, 1, 2, 3)
    last = http.get(f"{ORG}/agent/runs", params={"skip": 4, "limit": 2}).json()
    assert [item["id"] for item in last["items"]] == [ids[0]]
    assert last["page"] == 3
    default = http.get(f"{ORG}/agent/runs").json()
    assert (default["size"], default["pages"], len(default["items"])) == (100, 1, 5)
    filtered = http.get(f"{ORG}/agent/runs", params={"source_type": "SLACK"}).json()
    assert (filtered["items"], filtered["total"]) == ([], 0)
    assert http.get(f"{ORG}/agent/runs", params={"user_id": 1}).json()["total"] == 5


def test_resume_restarts_the_run(codegen_emulator: CodegenEmulator, http: httpx.Client) -> None:
    codegen_emulator.polls_until_complete = 0
    run_id = _create(http)["id"]
    codegen_emulator.queue_reply(AgentRunReply(result="resumed", polls=1))
    resumed = http.post(f"{ORG}/agent/run/resume", json={"agent_run_id": run_id, "prompt": "more"})
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "ACTIVE"
    http.get(f"{ORG}/agent/run/{run_id}")
    assert http.get(f"{ORG}/agent/run/{run_id}").json()["result"] == "resumed"
    missing = http.post(f"{ORG}/agent/run/resume", json={"agent_run_id": 999, "prompt": "x"})
    assert missing.json() == {"message": "Agent run not found.", "status_code": 404}


def test_logs_paginate_reverse_and_grow_while_active(
    codegen_emulator: CodegenEmulator, http: httpx.Client
) -> None:
    logs = tuple(AgentLog(thought=f"step {n}", tool_name="tool") for n in range(4))
    codegen_emulator.queue_reply(AgentRunReply(polls=2, logs=logs))
    run_id = _create(http)["id"]
    url = f"/v1/alpha/organizations/1/agent/run/{run_id}/logs"
    early = http.get(url).json()
    assert early["total_logs"] == 1
    http.get(f"{ORG}/agent/run/{run_id}")
    assert http.get(url).json()["total_logs"] == 2
    http.get(f"{ORG}/agent/run/{run_id}")
    done = http.get(url, params={"skip": 1, "limit": 2}).json()
    assert done["status"] == "COMPLETE"
    assert [entry["thought"] for entry in done["logs"]] == ["step 1", "step 2"]
    assert (done["total_logs"], done["page"], done["size"], done["pages"]) == (4, 1, 2, 2)
    entry = done["logs"][0]
    assert set(entry) == {
        "agent_run_id",
        "created_at",
        "tool_name",
        "message_type",
        "thought",
        "observation",
        "tool_input",
        "tool_output",
    }
    newest = http.get(url, params={"reverse": "true", "limit": 1}).json()
    assert [e["thought"] for e in newest["logs"]] == ["step 3"]


def test_repos_me_and_organizations(http: httpx.Client) -> None:
    repos = http.get(f"{ORG}/repos").json()
    assert [repo["full_name"] for repo in repos["items"]] == ["acme/widgets"]
    assert repos["items"][0]["id"] == 1
    me = http.get("/v1/users/me").json()
    assert {"id", "github_user_id", "github_username"} <= set(me)
    orgs = http.get("/v1/organizations").json()
    assert orgs["items"][0]["id"] == 1
    assert orgs["total"] == 1
    assert _create(http, repo_id=1)["id"] == 1
    unknown_repo = http.post(f"{ORG}/agent/run", json={"prompt": "x", "repo_id": 42})
    assert unknown_repo.status_code == 404


def test_error_bodies(codegen_emulator: CodegenEmulator, http: httpx.Client) -> None:
    url = f"{codegen_emulator.base_url}{ORG}/agent/runs"
    wrong = httpx.get(url, headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.json() == {"message": "Invalid or expired API token.", "status_code": 401}
    other_org = http.get("/v1/organizations/2/agent/runs")
    assert other_org.json() == {
        "message": "You do not have access to this organization.",
        "status_code": 403,
    }
    assert http.get(f"{ORG}/agent/run/12345").json() == {
        "message": "Agent run not found.",
        "status_code": 404,
    }
    codegen_emulator.queue_fault(QuotaExceeded())
    payment = http.post(f"{ORG}/agent/run", json={"prompt": "x"})
    assert payment.status_code == 402
    assert payment.json()["message"].startswith("Alloted agent runs")
    codegen_emulator.queue_fault(HTTPError(500))
    assert http.get("/v1/users/me").json() == {
        "message": "Internal server error.",
        "status_code": 500,
    }
    assert http.get("/v1/nothing").json() == {"detail": "Not Found"}


def test_plan_limit_answers_402() -> None:
    with CodegenEmulator(max_agent_runs=1) as emu, httpx.Client(base_url=emu.base_url) as http:
        _create(http)
        response = http.post(f"{ORG}/agent/run", json={"prompt": "again"})
        assert response.status_code == 402
        assert len(emu.runs) == 1


def test_validation_errors_are_422(http: httpx.Client) -> None:
    (missing,) = _detail(http.post(f"{ORG}/agent/run", json={"images": []}))
    assert (missing["loc"], missing["type"], missing["msg"]) == (
        ["body", "prompt"],
        "missing",
        "Field required",
    )
    (wrong_type,) = _detail(http.post(f"{ORG}/agent/run", json={"prompt": 5}))
    assert (wrong_type["loc"], wrong_type["type"]) == (["body", "prompt"], "string_type")
    (agent,) = _detail(http.post(f"{ORG}/agent/run", json={"prompt": "x", "agent_type": "gpt"}))
    assert agent["loc"] == ["body", "agent_type"]
    (bad_json,) = _detail(
        http.post(
            f"{ORG}/agent/run", content=b'{"prompt": ', headers={"content-type": "application/json"}
        )
    )
    assert (bad_json["type"], bad_json["loc"][0]) == ("json_invalid", "body")
    (limit,) = _detail(http.get(f"{ORG}/agent/runs", params={"limit": 101}))
    assert (limit["loc"], limit["type"]) == (["query", "limit"], "less_than_equal")
    (org,) = _detail(http.get("/v1/organizations/abc/agent/runs"))
    assert (org["loc"], org["type"]) == (["path", "org_id"], "int_parsing")
    assert len(_detail(http.get(f"{ORG}/agent/runs", params={"skip": -1, "limit": 0}))) == 2
    (reverse,) = _detail(http.get("/v1/alpha/organizations/1/agent/run/1/logs?reverse=maybe"))
    assert reverse["type"] == "bool_parsing"


def test_creation_limit_is_10_per_minute_per_token_without_retry_after() -> None:
    now = [0.0]
    with (
        CodegenEmulator(token=("alpha", "beta"), clock=lambda: now[0]) as emu,
        httpx.Client(base_url=emu.base_url, headers={"authorization": "Bearer alpha"}) as a,
    ):
        for _ in range(10):
            assert a.post(f"{ORG}/agent/run", json={"prompt": "x"}).status_code == 200
            now[0] += 1
        limited = a.post(f"{ORG}/agent/run", json={"prompt": "x"})
        assert limited.status_code == 429
        assert limited.json() == RATE_LIMITED
        assert "retry-after" not in limited.headers
        other = httpx.post(
            f"{emu.base_url}{ORG}/agent/run",
            json={"prompt": "x"},
            headers={"authorization": "Bearer beta"},
        )
        assert other.status_code == 200
        emu.advance_time(50)  # the first creation (t=0) leaves the 60 s window at t=60
        assert a.post(f"{ORG}/agent/run", json={"prompt": "x"}).status_code == 200
        assert a.post(f"{ORG}/agent/run", json={"prompt": "x"}).status_code == 429
        assert len(emu.runs) == 12


def test_standard_limit_is_60_per_30_seconds(codegen_emulator: CodegenEmulator) -> None:
    with httpx.Client(base_url=codegen_emulator.base_url, headers=TOKEN) as http:
        assert all(http.get("/v1/users/me").status_code == 200 for _ in range(60))
        assert http.get(f"{ORG}/repos").json() == RATE_LIMITED
        codegen_emulator.advance_time(30)
        assert http.get(f"{ORG}/repos").status_code == 200


def test_logs_limit_is_60_per_60_seconds(
    codegen_emulator: CodegenEmulator, http: httpx.Client
) -> None:
    run_id = _create(http)["id"]
    url = f"/v1/alpha/organizations/1/agent/run/{run_id}/logs"
    assert all(http.get(url).status_code == 200 for _ in range(60))
    assert http.get(url).status_code == 429
    assert http.get("/v1/users/me").status_code == 200  # a separate bucket
    codegen_emulator.advance_time(30)
    assert http.get(url).status_code == 429
    codegen_emulator.advance_time(30)
    assert http.get(url).status_code == 200


def test_rate_limits_can_be_disabled_and_scripted() -> None:
    with (
        CodegenEmulator(enforce_rate_limits=False) as emu,
        httpx.Client(base_url=emu.base_url) as http,
    ):
        assert all(http.get("/v1/users/me").status_code == 200 for _ in range(70))
        emu.queue_fault(RateLimit(retry_after=7))
        scripted = http.get("/v1/users/me")
        assert (scripted.status_code, scripted.headers["retry-after"]) == (429, "7")
        assert scripted.json() == RATE_LIMITED


def test_reset_after_bytes_still_creates_the_run(
    codegen_emulator: CodegenEmulator, http: httpx.Client
) -> None:
    codegen_emulator.queue_fault(ConnectionReset(after_bytes=12), path="*/agent/run")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post(f"{ORG}/agent/run", json={"prompt": "x"})
    assert len(codegen_emulator.runs) == 1
    codegen_emulator.queue_fault(ConnectionReset(), path="*/agent/run")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post(f"{ORG}/agent/run", json={"prompt": "x"})
    assert len(codegen_emulator.runs) == 1  # dropped before processing
    listed = http.get(f"{ORG}/agent/runs").json()
    assert listed["total"] == 1
    codegen_emulator.reset()
    assert codegen_emulator.runs == []
