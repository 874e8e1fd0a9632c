"""A :class:`Task` is one agent run seen from the client: a live handle over snapshots."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from codegen.events import ProgressCallback, StatusCallback, StatusChange, TaskProgress
from codegen.exceptions import (
    AgentTimeoutError,
    APIError,
    NetworkError,
    RateLimitError,
    TaskError,
)
from codegen.models import AgentRun, Artifacts, LogEntry, PullRequest, status_kind
from graph_sitter.http import sleep as _sleep

if TYPE_CHECKING:
    from codegen._api import CodegenAPI

__all__ = ["AgentTask", "StatusFlag", "Task", "WebhookTarget"]

logger = logging.getLogger("codegen")

#: Longest pause between polls while the API keeps answering 429 or failing.
MAX_POLL_BACKOFF = 60.0
#: Poll intervals vary by up to this fraction either way (so many clients do not align).
POLL_JITTER = 0.1
_LOG_PAGE = 100


class StatusFlag:
    """A yes/no answer that reads as a bool and can also be called.

    ``task.is_running`` (this SDK's property) and ``task.is_running()`` (codegen 0.57's
    method) give the same answer: ``if task.is_running:``, ``not task.is_running`` and
    ``task.is_running == True`` behave as for a bool, and calling it returns the bool.
    (Only identity differs: compare with ``==`` or use it in a condition, not ``is True``.)
    """

    __slots__ = ("_value",)

    def __init__(self, value: bool) -> None:
        self._value = bool(value)

    def __bool__(self) -> bool:
        return self._value

    def __call__(self) -> bool:
        return self._value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StatusFlag):
            return self._value == other._value
        if isinstance(other, bool | int):
            return self._value == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return repr(self._value)


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """Where a task's status changes are POSTed (the secret is never shown)."""

    url: str
    secret: str | None = None

    def __repr__(self) -> str:
        return f"WebhookTarget(url={self.url!r}, signed={self.secret is not None})"


class Task:
    """One agent run. Built by :class:`~codegen.Agent` (``run``, ``get_task``, ...).

    Attributes mirror the API's latest snapshot (:attr:`run`), updated by :meth:`refresh`
    and :meth:`wait_for_completion`. Safe to share between threads.
    """

    def __init__(
        self,
        run: AgentRun,
        *,
        api: CodegenAPI,
        on_change: Callable[[Task, StatusChange], None] | None = None,
        webhook: WebhookTarget | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._run = run
        self._api = api
        self._on_change = on_change
        self.webhook = webhook
        self._rand = rand
        self._lock = threading.Lock()
        self._callbacks: list[StatusCallback] = []

    # -- snapshot --------------------------------------------------------------------------
    @property
    def run(self) -> AgentRun:
        """The latest snapshot of the agent run."""
        return self._run

    @property
    def id(self) -> int:
        """The agent run id."""
        return self._run.id

    @property
    def status(self) -> str | None:
        """The API's status (``ACTIVE``, ``COMPLETE``, ``FAILED``, ...)."""
        return self._run.status

    @property
    def result(self) -> str | None:
        """The run's result, once it has one."""
        return self._run.result

    @property
    def summary(self) -> str | None:
        """The run's summary, once it has one."""
        return self._run.summary

    @property
    def web_url(self) -> str | None:
        """The run's page on codegen.com."""
        return self._run.web_url

    @property
    def created_at(self) -> datetime | None:
        """When the run was created (UTC)."""
        return self._run.created_at

    @property
    def metadata(self) -> Mapping[str, Any]:
        """The run's metadata (``priority``, ``branch``, ``tags``... travel here)."""
        return self._run.metadata

    @property
    def pull_requests(self) -> tuple[PullRequest, ...]:
        """Pull requests the run opened (so far)."""
        return self._run.pull_requests

    @property
    def org_id(self) -> int:
        """The organisation the run belongs to."""
        return self._run.organization_id

    # The flags below read as bools (``if task.is_running:``) and can also be called
    # (``task.is_running()``, codegen 0.57's spelling); see :class:`StatusFlag`. They
    # describe the latest snapshot: call :meth:`refresh` for news.
    @property
    def is_terminal(self) -> StatusFlag:
        """Whether the run has stopped, well or not."""
        return StatusFlag(status_kind(self._run.status) != "running")

    @property
    def is_running(self) -> StatusFlag:
        """Whether the run is still working (unknown statuses count as running)."""
        return StatusFlag(status_kind(self._run.status) == "running")

    @property
    def is_successful(self) -> StatusFlag:
        """Whether the run completed (``COMPLETE``)."""
        return StatusFlag(status_kind(self._run.status) == "success")

    @property
    def is_completed(self) -> StatusFlag:
        """Whether the run completed successfully (``COMPLETE``); as :attr:`is_successful`."""
        return self.is_successful

    @property
    def is_failed(self) -> StatusFlag:
        """Whether the run ended in a failure status (``FAILED``, ``ERROR``, ``CANCELLED``...)."""
        return StatusFlag(status_kind(self._run.status) == "failure")

    def to_dict(self) -> dict[str, Any]:
        """The latest snapshot as plain JSON-ready data."""
        run = self._run
        return {
            "id": run.id,
            "org_id": run.organization_id,
            "status": run.status,
            "result": run.result,
            "summary": run.summary,
            "web_url": run.web_url,
            "created_at": run.created_at.isoformat() if run.created_at else None,
            "source_type": run.source_type,
            "metadata": dict(run.metadata),
            "pull_requests": [pr.to_json() for pr in run.pull_requests],
        }

    # -- callbacks -------------------------------------------------------------------------
    def add_status_callback(self, callback: StatusCallback) -> None:
        """Call ``callback(StatusChange)`` on every status change this handle observes.

        Changes are observed by :meth:`refresh` and :meth:`wait_for_completion`. A callback
        that raises is logged and does not stop polling.
        """
        with self._lock:
            self._callbacks.append(callback)

    def _update(self, run: AgentRun) -> None:
        with self._lock:
            previous = self._run
            self._run = run
            callbacks = list(self._callbacks)
        if previous.status == run.status:
            return
        event = StatusChange(
            task_id=run.id,
            organization_id=run.organization_id,
            status=run.status,
            previous_status=previous.status,
            observed_at=datetime.now(UTC),
            web_url=run.web_url,
            result=run.result,
            summary=run.summary,
            pull_requests=run.pull_requests,
        )
        logger.info(
            "codegen.status_changed task_id=%s status=%s previous=%s",
            run.id,
            run.status,
            previous.status,
        )
        for callback in callbacks:
            try:
                callback(event)
            except Exception:
                logger.exception("codegen.status_callback_failed task_id=%s", run.id)
        if self._on_change is not None:
            self._on_change(self, event)

    # -- calls -----------------------------------------------------------------------------
    def refresh(self) -> Task:
        """Fetch the latest snapshot (one ``GET .../agent/run/{id}``); returns ``self``.

        Raises:
            CodegenError: As mapped by the SDK (``NotFoundError``, ``RateLimitError``...).
        """
        self._refresh(None)
        return self

    def _refresh(self, deadline: float | None) -> None:
        data = self._api.get_run(self.id, deadline=deadline)
        self._update(AgentRun.from_json(data))

    def get_artifacts(self) -> Artifacts:
        """The run's pull requests, result and summary (refreshed first while running)."""
        if self.is_running:
            self.refresh()
        run = self._run
        return Artifacts(pull_requests=run.pull_requests, result=run.result, summary=run.summary)

    def get_logs(
        self, limit: int | None = None, skip: int = 0, reverse: bool = False
    ) -> list[LogEntry]:
        """Read the run's log through the (alpha) logs endpoint, page by page.

        Args:
            limit: At most this many entries; ``None`` reads them all.
            skip: Entries to skip first.
            reverse: Newest first.
        """
        if (limit is not None and limit < 0) or skip < 0:
            raise ValueError("limit and skip must not be negative")
        return self._read_logs(skip, limit, reverse, None)

    def _read_logs(
        self, skip: int, limit: int | None, reverse: bool, deadline: float | None
    ) -> list[LogEntry]:
        entries: list[LogEntry] = []
        while limit is None or len(entries) < limit:
            size = _LOG_PAGE if limit is None else min(_LOG_PAGE, limit - len(entries))
            if size <= 0:
                break
            data = self._api.get_logs(
                self.id, skip=skip + len(entries), limit=size, reverse=reverse, deadline=deadline
            )
            logs = data.get("logs") if isinstance(data, Mapping) else None
            page = [LogEntry.from_json(e) for e in logs or [] if isinstance(e, Mapping)]
            entries.extend(page)
            total = data.get("total_logs") if isinstance(data, Mapping) else None
            if len(page) < size or (isinstance(total, int) and skip + len(entries) >= total):
                break
        return entries

    def wait_for_completion(
        self,
        timeout: float = 300,
        poll_interval: float = 10,
        progress_callback: ProgressCallback | None = None,
    ) -> Task:
        """Poll until the run reaches a terminal status; returns ``self`` when it completed.

        Never sleeps past the deadline: each pause is cut to the time left, and each request
        gets only the time left. A 429 (after the transport's own backoff) or a transient
        failure doubles the pause (up to 60 s, or the API's ``Retry-After``) instead of
        failing. With ``progress_callback``, each poll also reads the new log entries.

        Args:
            timeout: Seconds to wait in total.
            poll_interval: Seconds between polls (varied by up to 10% either way).
            progress_callback: Receives a :class:`~codegen.events.TaskProgress` after each
                poll; if it raises, the error is logged and polling goes on.

        Raises:
            TaskError: The run ended in a failure status (``task_id``, ``task_status``).
            AgentTimeoutError: The deadline passed first (``timeout_duration``).
            CodegenError: A non-transient error (authentication, not found...).
        """
        if not timeout > 0 or not poll_interval > 0:
            raise ValueError("timeout and poll_interval must be positive")
        clock = _sleep.monotonic
        start = clock()
        deadline = start + timeout
        polls = 0
        failures = 0
        logs_seen: int | None = None
        if self.is_terminal:
            return self._finish()
        while True:
            remaining = deadline - clock()
            if remaining <= 0:
                raise self._timeout(timeout)
            try:
                self._refresh(remaining)
            except (RateLimitError, NetworkError, AgentTimeoutError, APIError) as exc:
                if clock() >= deadline:
                    raise self._timeout(timeout) from exc
                transient = not isinstance(exc, APIError) or isinstance(exc, RateLimitError)
                if not transient and (exc.status_code or 0) < 500:
                    raise
                failures += 1
                pause = min(poll_interval * 2.0**failures, MAX_POLL_BACKOFF)
                retry_after = getattr(exc, "retry_after", None)
                if retry_after is not None:
                    pause = max(pause, float(retry_after))
                logger.info(
                    "codegen.poll_backoff task_id=%s pause=%.2f reason=%s",
                    self.id,
                    pause,
                    type(exc).__name__,
                )
            else:
                failures = 0
                polls += 1
                if progress_callback is not None:
                    logs_seen = self._progress(
                        progress_callback, clock() - start, polls, logs_seen, deadline - clock()
                    )
                if self.is_terminal:
                    break
                jitter = 1.0 + POLL_JITTER * (2.0 * self._rand() - 1.0)
                pause = poll_interval * jitter
            remaining = deadline - clock()
            if remaining <= 0:
                raise self._timeout(timeout)
            _sleep.sleep(min(pause, remaining))
        return self._finish()

    def _progress(
        self,
        callback: ProgressCallback,
        elapsed: float,
        poll: int,
        logs_seen: int | None,
        remaining: float,
    ) -> int | None:
        new_logs: tuple[LogEntry, ...] = ()
        if remaining > 0:
            try:
                fresh = self._read_logs(logs_seen or 0, None, False, remaining)
            except (APIError, NetworkError, AgentTimeoutError) as exc:
                logger.info("codegen.logs_unavailable task_id=%s error=%s", self.id, exc)
            else:
                new_logs = tuple(fresh)
                logs_seen = (logs_seen or 0) + len(fresh)
        event = TaskProgress(self.id, self.status, elapsed, new_logs, poll)
        try:
            callback(event)
        except Exception:
            logger.exception("codegen.progress_callback_failed task_id=%s", self.id)
        return logs_seen

    def _timeout(self, timeout: float) -> AgentTimeoutError:
        return AgentTimeoutError(
            f"agent run {self.id} still {self.status} after {timeout:g}s "
            f"(see {self.web_url or 'the Codegen web app'}); it keeps running: the API has no "
            f"cancel endpoint",
            timeout_duration=timeout,
            task_id=self.id,
            task_status=self.status,
        )

    def _finish(self) -> Task:
        if self.is_successful:
            return self
        detail = self.result or self.summary
        raise TaskError(
            f"agent run {self.id} ended with status {self.status}"
            + (f": {detail[:300]}" if detail else ""),
            task_id=self.id,
            task_status=self.status or "UNKNOWN",
        )

    def __repr__(self) -> str:
        return f"<Task id={self.id} status={self.status}>"


#: codegen 0.57's name for :class:`Task` (the same class).
AgentTask = Task
