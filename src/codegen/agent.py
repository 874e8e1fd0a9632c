"""The :class:`Agent`: the entry point of the Codegen agent SDK."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final

from codegen._api import (
    DEFAULT_RATE_LIMITS,
    CodegenAPI,
    RateLimits,
    error_from_transport,
    is_ambiguous,
)
from codegen._config import DEFAULT_BASE_URL, read_settings
from codegen.events import StatusChange
from codegen.exceptions import (
    APIError,
    CodegenError,
    ConfigurationError,
    RunCreationUnknownError,
    ValidationError,
)
from codegen.models import AgentRun, Repository
from codegen.task import Task, WebhookTarget
from codegen.webhooks import WebhookDispatcher
from graph_sitter.http import RetryPolicy, TransportError, redact, register_secret

__all__ = ["CLIENT_REQUEST_ID_KEY", "PRIORITIES", "Agent"]

logger = logging.getLogger("codegen")

#: Accepted values of ``run(priority=...)`` (sent in ``metadata["priority"]``).
PRIORITIES: Final = ("low", "normal", "high", "urgent")
#: The ``metadata`` key under which each ``run()`` call stores its own unique id.
CLIENT_REQUEST_ID_KEY: Final = "client_request_id"
_PAGE = 100
_REPOS_SHOWN = 20


def _check_url(value: str, what: str) -> str:
    text = value.strip().rstrip("/")
    if not text.startswith(("http://", "https://")) or len(text) <= len("https://"):
        raise ValidationError(f"{what} must be an http(s) URL, got {redact(value)!r}")
    return text


def _shown(value: object) -> str:
    """A value for an error message: numbers as they are, anything else described only
    (a token passed in the wrong place must never be echoed)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return repr(value)
    if isinstance(value, str):
        return f"a string of {len(value)} characters (not shown: it may be a credential)"
    return f"a {type(value).__name__}"


def _parse_org_id(value: object, source: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.strip().isdigit() and int(value) > 0:
        return int(value)
    raise ValidationError(
        f"{source} must be a positive integer organisation id, got {_shown(value)}"
    )


def _looks_like_org_id(value: object) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())


class Agent:
    """A client for Codegen agent runs. Thread-safe; use one per organisation and token.

    The signature is codegen 0.57's, ``Agent(token, org_id=None, base_url=None)``, so both
    ``Agent("cg_...", 323)`` and ``Agent(org_id=323, token="cg_...")`` work; so does this
    SDK's earlier positional order ``Agent(323, "cg_...")`` (an organisation id, a number,
    cannot be a token). Errors never contain the token.

    Args:
        token: The API token; default ``CODEGEN_TOKEN``.
        org_id: The organisation id; default ``CODEGEN_ORG_ID``.
        base_url: The API root; default ``CODEGEN_BASE_URL`` (or ``CODEGEN_API_BASE_URL``),
            else ``https://api.codegen.com``.
        timeout: Seconds each phase of one HTTP call may take (not the run's duration).
        max_retries: Retries per HTTP call; default ``CODEGEN_MAX_RETRIES``, else 2.
        webhook_url: POST every observed status change of this agent's tasks here.
        webhook_secret: Sign those POSTs (HMAC-SHA256, see :mod:`codegen.webhooks`).
        rate_limits: Client-side limits; default the published ones (``None`` disables).
        retry: A full :class:`~graph_sitter.http.RetryPolicy` (overrides ``max_retries``).
        env: A mapping read instead of ``os.environ`` (for tests).
        env_file: A dotenv file read besides the environment (``None`` to skip).
        http_transport: An ``httpx`` transport for API calls (for tests).

    Raises:
        ConfigurationError: The token or organisation id is missing, the ``.env`` is not
            UTF-8, or a ``CODEGEN_*`` variable holds a newline, carriage return or NUL.
        ValidationError: An argument or variable is malformed (before any request).
    """

    def __init__(
        self,
        token: str | None = None,
        org_id: int | str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int | None = None,
        *,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        rate_limits: RateLimits | None = DEFAULT_RATE_LIMITS,
        retry: RetryPolicy | None = None,
        env: Mapping[str, str] | None = None,
        env_file: str | None = ".env",
        http_transport: Any = None,
    ) -> None:
        if _looks_like_org_id(token) and isinstance(org_id, str) and not _looks_like_org_id(org_id):
            token, org_id = org_id, token  # Agent(org_id, token): this SDK's earlier order
        if token is not None and not isinstance(token, str):
            raise ValidationError(f"token must be a string, got {_shown(token)}")
        if isinstance(token, str) and any(c in token for c in "\n\r\0"):
            raise ValidationError("token contains a newline, carriage return or NUL")
        if isinstance(token, str) and token:
            register_secret(token)
        settings = read_settings(env, env_file)
        raw_org = org_id if org_id is not None else settings.get("CODEGEN_ORG_ID")
        raw_token = token or settings.get("CODEGEN_TOKEN")
        missing = [
            name
            for name, value in (("CODEGEN_ORG_ID", raw_org), ("CODEGEN_TOKEN", raw_token))
            if not value
        ]
        if missing:
            raise ConfigurationError(
                f"Codegen needs {' and '.join(missing)}: pass org_id/token or set the variable(s)"
            )
        assert raw_token is not None
        register_secret(raw_token)
        self.org_id = _parse_org_id(raw_org, "org_id" if org_id is not None else "CODEGEN_ORG_ID")
        self.base_url = _check_url(
            base_url
            or settings.get("CODEGEN_BASE_URL")
            or settings.get("CODEGEN_API_BASE_URL")
            or DEFAULT_BASE_URL,
            "base_url",
        )
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
            raise ValidationError(f"timeout must be a positive number of seconds, got {timeout!r}")
        retries: object = max_retries
        if retries is None:
            env_retries = settings.get("CODEGEN_MAX_RETRIES", "2").strip()
            if not env_retries.isdigit():
                raise ValidationError(
                    f"CODEGEN_MAX_RETRIES must be a whole number >= 0, got {env_retries!r}"
                )
            retries = int(env_retries)
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValidationError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        self.max_retries = retries
        self.timeout = float(timeout)
        self.webhook = self._webhook_target(webhook_url, webhook_secret)
        policy = retry or RetryPolicy(
            max_attempts=retries + 1, max_elapsed=120.0, initial_delay=1.0, max_delay=30.0
        )
        self._api = CodegenAPI(
            base_url=self.base_url,
            token=raw_token,
            org_id=self.org_id,
            timeout=self.timeout,
            retry=policy,
            rate_limits=rate_limits or RateLimits(create=None, standard=None, logs=None),
            http_transport=http_transport,
        )
        self._lock = threading.Lock()
        self._repos: dict[str, Repository] | None = None
        self._dispatcher: WebhookDispatcher | None = None
        self._counts = {
            "tasks_created": 0,
            "tasks_resumed": 0,
            "tasks_succeeded": 0,
            "tasks_failed": 0,
            "create_recoveries": 0,
        }
        self._current_job: Task | None = None
        self._closed = False

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _webhook_target(url: str | None, secret: str | None) -> WebhookTarget | None:
        if url is None:
            if secret is not None:
                raise ValidationError("webhook_secret needs a webhook_url")
            return None
        if secret is not None:
            if not isinstance(secret, str) or not secret:
                raise ValidationError("webhook_secret must be a non-empty string")
            register_secret(secret)
        return WebhookTarget(_check_url(url, "webhook_url"), secret)

    def _task(self, data: Any, webhook: WebhookTarget | None = None) -> Task:
        try:
            run = AgentRun.from_json(data)
        except (ValueError, AttributeError, TypeError) as exc:
            raise APIError(f"Codegen returned an unexpected agent run: {exc}") from exc
        return Task(run, api=self._api, on_change=self._on_task_change, webhook=webhook)

    def _on_task_change(self, task: Task, event: StatusChange) -> None:
        if event.is_terminal and not _was_terminal(event.previous_status):
            key = "tasks_succeeded" if task.is_successful else "tasks_failed"
            with self._lock:
                self._counts[key] += 1
        target = task.webhook
        if target is not None:
            self.webhooks.submit(target.url, target.secret, event)

    @property
    def webhooks(self) -> WebhookDispatcher:
        """The background webhook sender (``undelivered()``, ``redeliver()``, ``flush()``)."""
        with self._lock:
            if self._dispatcher is None:
                self._dispatcher = WebhookDispatcher()
            return self._dispatcher

    # -- repositories ----------------------------------------------------------------------
    def list_repositories(self, refresh: bool = False) -> list[Repository]:
        """The organisation's repositories (``GET .../repos``, all pages; cached).

        Args:
            refresh: Fetch again even if cached.
        """
        with self._lock:
            cached = self._repos
        if cached is not None and not refresh:
            return list(cached.values())
        repos: dict[str, Repository] = {}
        skip = 0
        while True:
            data = self._api.list_repos(skip=skip, limit=_PAGE)
            items = data.get("items") if isinstance(data, Mapping) else None
            page = [Repository.from_json(i) for i in items or [] if isinstance(i, Mapping)]
            repos.update((repo.full_name.lower(), repo) for repo in page)
            skip += len(page)
            total = data.get("total") if isinstance(data, Mapping) else None
            if len(page) < _PAGE or (isinstance(total, int) and skip >= total):
                break
        with self._lock:
            self._repos = repos
        return list(repos.values())

    def _repo_id(self, repository: str | int) -> int:
        if isinstance(repository, int) and not isinstance(repository, bool):
            if repository <= 0:
                raise ValidationError(f"repository id must be positive, got {repository}")
            return repository
        if not isinstance(repository, str) or repository.count("/") != 1:
            raise ValidationError(
                f"repository must be 'owner/name' or a repository id, got {repository!r}"
            )
        key = repository.strip().lower()
        for refresh in (False, True):
            repos = {r.full_name.lower(): r for r in self.list_repositories(refresh=refresh)}
            if key in repos:
                return repos[key].id
        names = sorted(r.full_name for r in repos.values())
        shown = ", ".join(names[:_REPOS_SHOWN]) + (" ..." if len(names) > _REPOS_SHOWN else "")
        raise ValidationError(
            f"unknown repository {repository!r}; visible repositories are {shown or '(none)'}"
        )

    # -- runs ------------------------------------------------------------------------------
    def _run_body(
        self,
        prompt: object,
        priority: object,
        repository: str | int | None,
        branch: object,
        tags: object,
        metadata: object,
        model: object,
        images: object,
        agent_type: object,
    ) -> dict[str, Any]:
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValidationError("prompt must be a non-empty string")
        if priority not in PRIORITIES:
            raise ValidationError(
                f"priority must be one of {', '.join(PRIORITIES)}; got {priority!r}"
            )
        if branch is not None and (not isinstance(branch, str) or not branch.strip()):
            raise ValidationError(f"branch must be a non-empty string, got {branch!r}")
        if tags is not None and (
            isinstance(tags, str)
            or not isinstance(tags, Sequence)
            or not all(isinstance(t, str) and t for t in tags)
        ):
            raise ValidationError(f"tags must be a list of non-empty strings, got {tags!r}")
        if metadata is not None:
            if not isinstance(metadata, Mapping) or not all(isinstance(k, str) for k in metadata):
                raise ValidationError("metadata must be a mapping with string keys")
            try:
                json.dumps(dict(metadata))
            except (TypeError, ValueError) as exc:
                raise ValidationError(f"metadata must be JSON-serialisable: {exc}") from None
        if model is not None and (not isinstance(model, str) or not model):
            raise ValidationError(f"model must be a non-empty string, got {model!r}")
        if images is not None and (
            isinstance(images, str)
            or not isinstance(images, Sequence)
            or not all(isinstance(i, str) and i.startswith("data:") for i in images)
        ):
            raise ValidationError("images must be a list of base64 data URIs ('data:...')")
        if agent_type is not None and agent_type not in ("codegen", "claude_code"):
            raise ValidationError(
                f"agent_type must be 'codegen' or 'claude_code', got {agent_type!r}"
            )
        meta: dict[str, Any] = dict(metadata) if isinstance(metadata, Mapping) else {}
        meta["priority"] = priority
        if branch is not None:
            meta["branch"] = branch
        if tags is not None:
            meta["tags"] = list(tags)
        if isinstance(repository, str):
            meta["repository"] = repository
        body: dict[str, Any] = {"prompt": prompt, "metadata": meta}
        if model is not None:
            body["model"] = model
        if images is not None:
            body["images"] = list(images)
        if agent_type is not None:
            body["agent_type"] = agent_type
        return body

    def run(
        self,
        prompt: str,
        priority: str = "normal",
        repository: str | int | None = None,
        branch: str | None = None,
        tags: Sequence[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        model: str | None = None,
        images: Sequence[str] | None = None,
        *,
        agent_type: str | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
    ) -> Task:
        """Start an agent run (``POST /v1/organizations/{org_id}/agent/run``).

        ``priority``, ``branch``, ``tags`` (and ``repository`` as given) travel in
        ``metadata``, which has no fixed schema; ``repository`` is also resolved to the
        API's ``repo_id``. Each call stores a fresh ``metadata["client_request_id"]``: if the
        create request fails after it may have reached the server, the SDK looks for a run
        carrying that id instead of sending the request again.

        Args:
            prompt: What the agent should do.
            priority: One of ``low``, ``normal``, ``high``, ``urgent``.
            repository: ``"owner/name"`` (or a repository id) the run works on.
            branch: The branch to work from.
            tags: Labels for the run.
            metadata: More JSON metadata (the arguments above win on conflicts).
            model: The model; default the organisation's.
            images: Base64 data URIs.
            agent_type: ``"codegen"`` or ``"claude_code"``; default the organisation's.
            webhook_url: POST this task's status changes here (default the agent's).
            webhook_secret: Signing secret for ``webhook_url``.

        Raises:
            ValidationError: A bad argument or unknown repository (before the run is
                created), or the API's 422.
            RunCreationUnknownError: The request may have created a run that could not be
                found; use ``find_task(error.client_request_id)``. Never sent again.
            CodegenError: Any other mapped error (``AuthenticationError``, ...).
        """
        body = self._run_body(
            prompt, priority, repository, branch, tags, metadata, model, images, agent_type
        )
        webhook = (
            self._webhook_target(webhook_url, webhook_secret)
            if webhook_url is not None or webhook_secret is not None
            else self.webhook
        )
        if repository is not None:
            body["repo_id"] = self._repo_id(repository)
        reference = uuid.uuid4().hex
        body["metadata"][CLIENT_REQUEST_ID_KEY] = reference

        def on_transport_error(exc: TransportError) -> CodegenError:
            if is_ambiguous(exc):
                return RunCreationUnknownError(
                    f"the create request may have reached Codegen ({exc})",
                    client_request_id=reference,
                    attempts=exc.attempts,
                )
            return error_from_transport(exc)

        try:
            data = self._api.create_run(body, on_transport_error)
        except RunCreationUnknownError as exc:
            return self._recover(reference, exc, webhook)
        except APIError as exc:
            code = exc.status_code or 0
            if code >= 500 and code != 503:  # 503 proves the request was not processed
                return self._recover(reference, exc, webhook)
            raise
        task = self._task(data, webhook)
        with self._lock:
            self._counts["tasks_created"] += 1
            self._current_job = task
        return task

    def _recover(self, reference: str, error: CodegenError, webhook: WebhookTarget | None) -> Task:
        """After an ambiguous create: return the run if it exists; never create another."""
        try:
            task = self.find_task(reference)
        except CodegenError as exc:
            logger.warning("codegen.create_lookup_failed client_request_id=%s error=%s",
                           reference, exc)  # fmt: skip
            task = None
        if task is not None:
            logger.info("codegen.create_recovered task_id=%s client_request_id=%s",
                        task.id, reference)  # fmt: skip
            task.webhook = webhook
            with self._lock:
                self._counts["tasks_created"] += 1
                self._counts["create_recoveries"] += 1
                self._current_job = task
            return task
        hint = (
            f"no run with metadata client_request_id={reference} was found yet; it may still "
            f"appear (agent.find_task({reference!r})). The SDK did not send the request again."
        )
        if isinstance(error, RunCreationUnknownError):
            raise RunCreationUnknownError(
                f"{error.message}; {hint}", client_request_id=reference, attempts=error.attempts
            ) from error
        raise type(error)(
            f"{error.message}; {hint}",
            status_code=error.status_code,
            request_id=error.request_id,
            response_data=error.response_data,
        ) from error

    def find_task(self, client_request_id: str, search: int = 100) -> Task | None:
        """The run created by the ``run()`` call that stored ``client_request_id``, if any.

        Args:
            client_request_id: From ``RunCreationUnknownError.client_request_id``.
            search: How many of the newest runs to look through.
        """
        for task in self.list_tasks(limit=search):
            if task.metadata.get(CLIENT_REQUEST_ID_KEY) == client_request_id:
                return task
        return None

    def get_task(self, task_id: int | str) -> Task:
        """The agent run ``task_id`` (``GET .../agent/run/{id}``).

        Raises:
            NotFoundError: No such run in this organisation.
        """
        run_id = _parse_task_id(task_id)
        return self._task(self._api.get_run(run_id), self.webhook)

    def list_tasks(
        self,
        limit: int = 100,
        skip: int = 0,
        user_id: int | None = None,
        source_type: str | None = None,
    ) -> list[Task]:
        """Agent runs of the organisation, newest first, reading pages of up to 100.

        Args:
            limit: At most this many runs.
            skip: Runs to skip first.
            user_id: Only runs started by this user.
            source_type: Only runs from this source (``API``, ``SLACK``, ``GITHUB``...).
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValidationError(f"limit must be a positive integer, got {limit!r}")
        if isinstance(skip, bool) or not isinstance(skip, int) or skip < 0:
            raise ValidationError(f"skip must be an integer >= 0, got {skip!r}")
        tasks: list[Task] = []
        while len(tasks) < limit:
            size = min(_PAGE, limit - len(tasks))
            data = self._api.list_runs(
                skip=skip + len(tasks), limit=size, user_id=user_id, source_type=source_type
            )
            items = data.get("items") if isinstance(data, Mapping) else None
            page = [self._task(item, self.webhook) for item in items or []]
            tasks.extend(page)
            total = data.get("total") if isinstance(data, Mapping) else None
            if len(page) < size or (isinstance(total, int) and skip + len(tasks) >= total):
                break
        return tasks

    def resume(self, task_id: int | str, prompt: str, images: Sequence[str] | None = None) -> Task:
        """Continue a paused run with a new prompt (``POST .../agent/run/resume``).

        Raises:
            ValidationError: Empty prompt (before any request) or the API's 422.
            NotFoundError: No such run.
        """
        run_id = _parse_task_id(task_id)
        if not isinstance(prompt, str) or not prompt.strip():
            raise ValidationError("prompt must be a non-empty string")
        body: dict[str, Any] = {"agent_run_id": run_id, "prompt": prompt}
        if images is not None:
            body["images"] = list(images)
        task = self._task(self._api.resume_run(body), self.webhook)
        with self._lock:
            self._counts["tasks_resumed"] += 1
        return task

    def validate_credentials(self) -> bool:
        """Whether the token may use this organisation: reads one page of the organisation's
        repositories (``GET /v1/organizations/{org_id}/repos?limit=1``), so a wrong
        organisation id fails (403) as a wrong token does (401). ``False`` on 401/403.

        Raises:
            CodegenError: The check itself could not be made.
        """
        from codegen.exceptions import AuthenticationError

        try:
            self._api.list_repos(skip=0, limit=1)
        except AuthenticationError as exc:
            logger.debug("codegen.credentials_rejected status=%s", exc.status_code)
            return False
        return True

    # -- codegen 0.57 names ----------------------------------------------------------------
    @property
    def current_job(self) -> Task | None:
        """The task of this agent's latest :meth:`run` (``None`` before the first)."""
        with self._lock:
            return self._current_job

    def get_status(self) -> dict[str, Any] | None:
        """Refresh :attr:`current_job` and return ``{id, status, result, web_url}``, or
        ``None`` when no run was started (codegen 0.57's ``Agent.get_status``)."""
        job = self.current_job
        if job is None:
            return None
        job.refresh()
        return {"id": job.id, "status": job.status, "result": job.result, "web_url": job.web_url}

    # -- stats and lifecycle ---------------------------------------------------------------
    def get_stats(self) -> dict[str, Any]:
        """Counters of this client (thread-safe snapshot).

        Keys: ``org_id``, ``request_count``, ``error_count``, ``error_rate``,
        ``total_retries``, ``rate_limit_count``, ``last_request_time``, ``tasks_created``,
        ``tasks_resumed``, ``tasks_succeeded``, ``tasks_failed``, ``create_recoveries``,
        ``webhooks_delivered``, ``webhooks_undelivered``.
        """
        stats: dict[str, Any] = {"org_id": self.org_id, **self._api.stats.snapshot()}
        with self._lock:
            stats.update(self._counts)
            dispatcher = self._dispatcher
        stats["webhooks_delivered"] = dispatcher.delivered_count if dispatcher else 0
        stats["webhooks_undelivered"] = len(dispatcher.undelivered()) if dispatcher else 0
        return stats

    def close(self) -> None:
        """Deliver queued webhooks (up to 5 s), then close the connections."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            dispatcher = self._dispatcher
        if dispatcher is not None:
            dispatcher.close()
        self._api.close()

    def __enter__(self) -> Agent:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Agent(org_id={self.org_id}, base_url={redact(self.base_url)!r})"


def _was_terminal(status: str | None) -> bool:
    from codegen.models import status_kind

    return status is not None and status_kind(status) != "running"


def _parse_task_id(task_id: object) -> int:
    if isinstance(task_id, int) and not isinstance(task_id, bool) and task_id > 0:
        return task_id
    if isinstance(task_id, str) and task_id.strip().isdigit() and int(task_id) > 0:
        return int(task_id)
    raise ValidationError(f"task_id must be a positive integer, got {task_id!r}")
