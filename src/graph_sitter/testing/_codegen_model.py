"""Codegen emulator internals: agent-run state and FastAPI-style validation (private)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from graph_sitter.testing._replies import AgentLog, AgentRunReply

__all__ = [
    "IN_PROGRESS",
    "SOURCE_TYPES",
    "ErrorList",
    "Run",
    "bool_param",
    "int_param",
    "validate_body",
]

ErrorList = list[dict[str, Any]]
IN_PROGRESS = frozenset({"ACTIVE", "RUNNING", "PENDING", "EVALUATION"})
SOURCE_TYPES = (
    "LOCAL",
    "SLACK",
    "GITHUB",
    "GITHUB_CHECK_SUITE",
    "GITHUB_PR_REVIEW",
    "LINEAR",
    "API",
    "CHAT",
    "JIRA",
    "CLICKUP",
    "MONDAY",
    "SETUP_COMMANDS",
)
_INT = re.compile(r"\s*[+-]?\d+\s*")
_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off"}


def _stamp(moment: datetime) -> str:
    # The real API's shape: "2025-06-21 11:20:04.338398" (space, no zone).
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass(slots=True)
class Run:
    """One agent run and how it is scripted to play out."""

    id: int
    organization_id: int
    prompt: str
    created_at: datetime
    metadata: dict[str, Any] | None
    repo_full_name: str | None
    request: dict[str, Any]
    source_type: str = "API"
    user_id: int = 1
    script: AgentRunReply = field(default_factory=AgentRunReply)
    polls_left: int = 0
    polls_done: int = 0
    log_floor: int = 0
    forced_status: str | None = None
    forced_result: str | None = None
    pull_requests: list[dict[str, Any]] = field(default_factory=list)
    logs: list[dict[str, Any]] = field(default_factory=list)

    def play(self, script: AgentRunReply, default_polls: int, next_pr_id: int) -> int:
        """(Re)start the run under ``script``; return the next free PR id."""
        self.script = script
        self.polls_left = default_polls if script.polls is None else script.polls
        self.polls_done = 0
        self.forced_status = None
        self.forced_result = None
        self.log_floor = len(self.logs)
        repo = self.repo_full_name or "acme/widgets"
        stamp = _stamp(self.created_at)
        self.pull_requests = []
        for pr in script.pull_requests:
            pr_id = pr.id if pr.id is not None else next_pr_id
            if pr.id is None:
                next_pr_id += 1
            self.pull_requests.append(
                {
                    "id": pr_id,
                    "title": pr.title,
                    "url": pr.url or f"https://github.com/{repo}/pull/{pr_id}",
                    "created_at": stamp,
                    "head_branch_name": pr.head_branch_name,
                }
            )
        entries = script.logs if script.logs is not None else self._default_logs(script)
        start = len(self.logs)
        for offset, entry in enumerate(entries, start=start):
            moment = self.created_at + timedelta(seconds=offset + 1)
            self.logs.append(
                {
                    "agent_run_id": self.id,
                    "created_at": _stamp(moment),
                    "tool_name": entry.tool_name,
                    "message_type": entry.message_type,
                    "thought": entry.thought,
                    "observation": _plain(entry.observation),
                    "tool_input": _plain(entry.tool_input),
                    "tool_output": _plain(entry.tool_output),
                }
            )
        return next_pr_id

    def _default_logs(self, script: AgentRunReply) -> tuple[AgentLog, ...]:
        done = script.status == "COMPLETE"
        return (
            AgentLog(thought=f"Reading the task: {self.prompt[:60]}", tool_name="view_file",
                     tool_input={"path": "README.md"}, tool_output={"lines": 42}),
            AgentLog(thought="Applying the change.", tool_name="edit_file",
                     tool_input={"path": "src/app.py"}, observation="File edited."),
            AgentLog(message_type="FINAL_ANSWER" if done else "ERROR",
                     thought=script.result if done else f"Run ended with status {script.status}."),
        )  # fmt: skip

    @property
    def status(self) -> str:
        if self.forced_status is not None:
            return self.forced_status
        return "ACTIVE" if self.polls_left > 0 else self.script.status

    @property
    def terminal(self) -> bool:
        return self.status not in IN_PROGRESS

    def poll(self) -> None:
        """Count one GET of the run (after its answer was built)."""
        if self.polls_left > 0:
            self.polls_left -= 1
            self.polls_done += 1

    def visible_logs(self) -> list[dict[str, Any]]:
        if self.terminal:
            return list(self.logs)
        return self.logs[: min(len(self.logs), self.log_floor + self.polls_done + 1)]

    def to_json(self, with_logs: bool = False) -> dict[str, Any]:
        terminal = self.terminal
        result = self.forced_result if self.forced_result is not None else self.script.result
        payload: dict[str, Any] = {
            "id": self.id,
            "organization_id": self.organization_id,
            "status": self.status,
            "created_at": _stamp(self.created_at),
            "web_url": f"https://codegen.com/agent/trace/{self.id}",
            "result": result if terminal else None,
        }
        if not with_logs:
            payload["summary"] = self.script.summary if terminal else None
            payload["source_type"] = self.source_type
            payload["github_pull_requests"] = list(self.pull_requests) if terminal else []
        payload["metadata"] = self.metadata
        return payload


def _plain(value: Any) -> Any:
    return dict(value) if value is not None and not isinstance(value, str) else value


def int_param(
    raw: str,
    loc: tuple[str, str],
    errors: ErrorList,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """Parse an integer path or query parameter as FastAPI/pydantic v2 would."""
    if not _INT.fullmatch(raw):
        errors.append(
            {
                "type": "int_parsing",
                "loc": list(loc),
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": raw,
            }
        )
        return 0
    value = int(raw)
    if minimum is not None and value < minimum:
        errors.append(
            {
                "type": "greater_than_equal",
                "loc": list(loc),
                "msg": f"Input should be greater than or equal to {minimum}",
                "input": raw,
                "ctx": {"ge": minimum},
            }
        )
    if maximum is not None and value > maximum:
        errors.append(
            {
                "type": "less_than_equal",
                "loc": list(loc),
                "msg": f"Input should be less than or equal to {maximum}",
                "input": raw,
                "ctx": {"le": maximum},
            }
        )
    return value


def bool_param(raw: str, loc: tuple[str, str], errors: ErrorList) -> bool:
    """Parse a boolean query parameter as pydantic v2 would."""
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered not in _FALSE:
        errors.append(
            {
                "type": "bool_parsing",
                "loc": list(loc),
                "msg": "Input should be a valid boolean, unable to interpret input",
                "input": raw,
            }
        )
    return False


# field -> (expected kind, nullable)
_FIELDS: dict[str, tuple[str, bool]] = {
    "prompt": ("string", False),
    "agent_run_id": ("int", False),
    "images": ("list", True),
    "metadata": ("dict", True),
    "repo_id": ("int", True),
    "model": ("string", True),
    "agent_type": ("agent_type", True),
}
_MESSAGES = {
    "string": ("string_type", "Input should be a valid string"),
    "int": ("int_type", "Input should be a valid integer"),
    "list": ("list_type", "Input should be a valid list"),
    "dict": ("dict_type", "Input should be a valid dictionary"),
    "agent_type": ("literal_error", "Input should be 'codegen' or 'claude_code'"),
}


def _fits(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    if kind == "dict":
        return isinstance(value, dict)
    return value in ("codegen", "claude_code")


def validate_body(body: Any, required: Sequence[str]) -> ErrorList:
    """Validate a JSON request body against the agent-run input models."""
    if not isinstance(body, dict):
        return [
            {
                "type": "model_attributes_type",
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "input": body,
            }
        ]
    errors: ErrorList = []
    for name in required:
        if name not in body:
            errors.append(
                {"type": "missing", "loc": ["body", name], "msg": "Field required", "input": body}
            )
    for name, (kind, nullable) in _FIELDS.items():
        if name not in body or (nullable and body[name] is None):
            continue
        value = body[name]
        if not _fits(kind, value):
            type_, msg = _MESSAGES[kind]
            errors.append({"type": type_, "loc": ["body", name], "msg": msg, "input": value})
        elif kind == "list":
            errors.extend(
                {"type": "string_type", "loc": ["body", name, index], "msg": _MESSAGES["string"][1],
                 "input": item}
                for index, item in enumerate(value)
                if not isinstance(item, str)
            )  # fmt: skip
    return errors
