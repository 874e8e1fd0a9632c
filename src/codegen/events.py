"""What callbacks receive: frozen, slotted events, and the callback protocols."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from codegen.models import LogEntry, PullRequest, status_kind

__all__ = ["ProgressCallback", "StatusCallback", "StatusChange", "TaskProgress"]


@dataclass(frozen=True, slots=True)
class TaskProgress:
    """Passed to ``progress_callback`` after every poll of ``wait_for_completion``.

    Attributes:
        task_id: The agent run.
        status: Its status at this poll.
        elapsed: Seconds since ``wait_for_completion`` started.
        new_logs: Log entries that appeared since the previous event.
        poll: 1 for the first poll, 2 for the next, ...
    """

    task_id: int
    status: str | None
    elapsed: float
    new_logs: tuple[LogEntry, ...] = ()
    poll: int = 1


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A status change of an agent run, as observed by the SDK (also the webhook payload).

    Attributes:
        task_id: The agent run.
        organization_id: Its organisation.
        status: The new status.
        previous_status: The status observed before.
        observed_at: When the SDK saw the change (UTC).
        web_url: The run's page.
        result: The run's result (once terminal).
        summary: The run's summary (once terminal).
        pull_requests: Pull requests the run opened.
    """

    task_id: int
    organization_id: int
    status: str | None
    previous_status: str | None
    observed_at: datetime
    web_url: str | None = None
    result: str | None = None
    summary: str | None = None
    pull_requests: tuple[PullRequest, ...] = field(default=(), hash=False)

    @property
    def is_terminal(self) -> bool:
        """Whether the new status is terminal."""
        return status_kind(self.status) != "running"

    def to_json(self) -> dict[str, Any]:
        """The JSON object a webhook carries (under ``data``)."""
        return {
            "task_id": self.task_id,
            "organization_id": self.organization_id,
            "status": self.status,
            "previous_status": self.previous_status,
            "observed_at": self.observed_at.isoformat(),
            "web_url": self.web_url,
            "result": self.result,
            "summary": self.summary,
            "pull_requests": [pr.to_json() for pr in self.pull_requests],
        }


class ProgressCallback(Protocol):
    """Receives a :class:`TaskProgress`; exceptions it raises are logged and ignored."""

    def __call__(self, event: TaskProgress, /) -> None: ...


class StatusCallback(Protocol):
    """Receives a :class:`StatusChange`; exceptions it raises are logged and ignored."""

    def __call__(self, event: StatusChange, /) -> None: ...
