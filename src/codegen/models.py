"""What the API returns, as frozen dataclasses, and the status vocabulary.

Parsing is lenient: unknown fields are ignored, missing optional fields become ``None``, and
timestamps in the API's zone-less form (``"2025-06-21 11:20:04.338398"``) or ISO 8601 are
accepted (zone-less values are taken as UTC).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

__all__ = [
    "FAILURE_STATUSES",
    "IN_PROGRESS_STATUSES",
    "SUCCESS_STATUSES",
    "AgentRun",
    "Artifacts",
    "LogEntry",
    "PullRequest",
    "Repository",
    "parse_timestamp",
    "status_kind",
]

logger = logging.getLogger("codegen")

#: Statuses of a run that is still working.
IN_PROGRESS_STATUSES: Final = frozenset({"ACTIVE", "RUNNING", "PENDING", "EVALUATION"})
#: The status of a run that finished well.
SUCCESS_STATUSES: Final = frozenset({"COMPLETE"})
#: Terminal statuses of a run that did not finish well.
FAILURE_STATUSES: Final = frozenset(
    {
        "FAILED",
        "ERROR",
        "CANCELLED",
        "STOPPED",
        "TIMEOUT",
        "MAX_ITERATIONS_REACHED",
        "OUT_OF_TOKENS",
    }
)

_warned_lock = threading.Lock()
_warned: set[str] = set()


def status_kind(status: str | None) -> str:
    """``"running"``, ``"success"`` or ``"failure"`` for an API status.

    A status the SDK does not know (the API may add some) counts as running, and a warning
    is logged once per value; ``None`` (the API allows it) counts as running.
    """
    if status is None:
        return "running"
    upper = status.upper()
    if upper in SUCCESS_STATUSES:
        return "success"
    if upper in FAILURE_STATUSES:
        return "failure"
    if upper not in IN_PROGRESS_STATUSES:
        with _warned_lock:
            first = upper not in _warned
            _warned.add(upper)
        if first:
            logger.warning(
                "codegen.unknown_status status=%s treated_as=running "
                "(upgrade the SDK if this status is terminal)",
                status,
            )
    return "running"


def parse_timestamp(value: Any) -> datetime | None:
    """Parse the API's timestamps leniently; ``None`` when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return default


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A pull request an agent run opened (``GithubPullRequestResponse``)."""

    id: int
    title: str | None
    url: str | None
    created_at: datetime | None
    head_branch_name: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PullRequest:
        """Build from the API's JSON object."""
        return cls(
            id=_int(data.get("id")),
            title=_str(data.get("title")),
            url=_str(data.get("url")),
            created_at=parse_timestamp(data.get("created_at")),
            head_branch_name=_str(data.get("head_branch_name")),
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (timestamps in ISO 8601)."""
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "head_branch_name": self.head_branch_name,
        }


@dataclass(frozen=True, slots=True)
class AgentRun:
    """One snapshot of an agent run (``AgentRunResponse``)."""

    id: int
    organization_id: int
    status: str | None
    created_at: datetime | None
    web_url: str | None
    result: str | None
    summary: str | None
    source_type: str | None
    pull_requests: tuple[PullRequest, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AgentRun:
        """Build from the API's JSON object (``ValueError`` if it has no integer ``id``)."""
        run_id = data.get("id")
        if not isinstance(run_id, int) or isinstance(run_id, bool):
            raise ValueError(f"agent run without an integer id: {dict(data)!r:.200}")
        prs = data.get("github_pull_requests") or []
        metadata = data.get("metadata")
        return cls(
            id=run_id,
            organization_id=_int(data.get("organization_id")),
            status=_str(data.get("status")),
            created_at=parse_timestamp(data.get("created_at")),
            web_url=_str(data.get("web_url")),
            result=_str(data.get("result")),
            summary=_str(data.get("summary")),
            source_type=_str(data.get("source_type")),
            pull_requests=tuple(PullRequest.from_json(pr) for pr in prs if isinstance(pr, Mapping)),
            metadata=dict(metadata) if isinstance(metadata, Mapping) else {},
        )


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry of an agent run's log (``AgentRunLogResponse``)."""

    agent_run_id: int
    created_at: datetime | None
    message_type: str | None
    thought: str | None
    tool_name: str | None
    tool_input: Mapping[str, Any] | None = field(default=None, hash=False)
    tool_output: Mapping[str, Any] | None = field(default=None, hash=False)
    observation: Mapping[str, Any] | str | None = field(default=None, hash=False)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LogEntry:
        """Build from the API's JSON object."""

        def mapping(value: Any) -> Mapping[str, Any] | None:
            return dict(value) if isinstance(value, Mapping) else None

        observation = data.get("observation")
        return cls(
            agent_run_id=_int(data.get("agent_run_id")),
            created_at=parse_timestamp(data.get("created_at")),
            message_type=_str(data.get("message_type")),
            thought=_str(data.get("thought")),
            tool_name=_str(data.get("tool_name")),
            tool_input=mapping(data.get("tool_input")),
            tool_output=mapping(data.get("tool_output")),
            observation=observation if isinstance(observation, str) else mapping(observation),
        )


@dataclass(frozen=True, slots=True)
class Repository:
    """A repository of the organisation (``RepoResponse``)."""

    id: int
    name: str
    full_name: str
    language: str | None = None
    archived: bool | None = None
    setup_status: str | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Repository:
        """Build from the API's JSON object."""
        archived = data.get("archived")
        return cls(
            id=_int(data.get("id")),
            name=_str(data.get("name")) or "",
            full_name=_str(data.get("full_name")) or "",
            language=_str(data.get("language")),
            archived=archived if isinstance(archived, bool) else None,
            setup_status=_str(data.get("setup_status")),
        )


@dataclass(frozen=True, slots=True)
class Artifacts:
    """What an agent run produced: its pull requests, result and summary.

    Iterating (and ``len``) goes over the pull requests.
    """

    pull_requests: tuple[PullRequest, ...]
    result: str | None
    summary: str | None

    def __len__(self) -> int:
        return len(self.pull_requests)

    def __iter__(self) -> Iterator[PullRequest]:
        return iter(self.pull_requests)
