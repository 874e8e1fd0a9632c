"""Codegen as an AI provider: each call is one Codegen agent run, awaited to its end.

Wraps :class:`codegen.Agent` (the SDK owns the HTTP calls, limits and polling); this module
only maps arguments in and answers and errors out. ``generate_response`` creates a run with
the prompt (system prompt first), waits up to the provider's timeout and returns the run's
result; the run's id, page, status and pull requests are in ``AIResponse.metadata``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal, TypedDict, Unpack

from codegen import Agent, RateLimits
from codegen import exceptions as cg
from codegen.exceptions import CodegenError, TaskError
from graph_sitter.ai._sentinel import NOT_GIVEN, NotGiven
from graph_sitter.ai.attempts import AttemptRecord, emit
from graph_sitter.ai.errors import (
    AIProviderError,
    ProviderAuthenticationError,
    ProviderConfigurationError,
    ProviderQuotaExceededError,
    ProviderRateLimitError,
    ProviderRequestError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from graph_sitter.ai.providers._settings import check_transport_options
from graph_sitter.ai.providers.base import AIProvider, AIResponse
from graph_sitter.ai.stats import CallRecord
from graph_sitter.http import CircuitBreaker, RateLimit, RateLimiter, RetryBudget, RetryPolicy

__all__ = ["DEFAULT_CODEGEN_MODEL", "AgentRunFailedError", "CodegenProvider"]

logger = logging.getLogger("graph_sitter.ai")

#: The model name reported when the organisation's default agent model is used.
DEFAULT_CODEGEN_MODEL = "codegen-agent"


class _IgnoredOptions(TypedDict, total=False):
    """Transport options the HTTP providers take; meaningless for Codegen and ignored."""

    async_backend: Literal["auto", "aiohttp", "httpx"]
    async_http_transport: Any
    breaker: CircuitBreaker | None
    budget: RetryBudget | None
    idempotency_header: str | None
    limits: Any
    max_response_bytes: int | None
    rate_limit: RateLimit | RateLimiter | None


class AgentRunFailedError(AIProviderError):
    """The agent run ended in a failure status (``FAILED``, ``ERROR``, ``CANCELLED``...).

    Attributes:
        task_id: The agent run's id.
        task_status: Its terminal status.
    """

    def __init__(self, message: str, *, task_id: int, task_status: str) -> None:
        super().__init__(message, provider="Codegen")
        self.task_id = task_id
        self.task_status = task_status


class CodegenProvider(AIProvider):
    """Codegen agent runs behind the :class:`AIProvider` interface.

    Args:
        org_id: Default ``CODEGEN_ORG_ID``.
        token: Default ``CODEGEN_TOKEN``.
        base_url: Default ``CODEGEN_BASE_URL`` (or ``CODEGEN_API_BASE_URL``), else the API's.
        timeout: Seconds ``generate_response`` waits for a run; default ``CODEGEN_TIMEOUT``,
            else 300.
        max_retries: Retries per HTTP call; default ``CODEGEN_MAX_RETRIES``, else 2.
        poll_interval: Seconds between status polls.
        request_timeout: Seconds per HTTP call.
        default_model: The model reported when none is given.
        validation_ttl: Seconds a credential check result stays cached.
        env: A mapping read instead of the environment; ``env_file`` a dotenv file.
        http_transport, rate_limits, retry, webhook_url, webhook_secret: For the
            :class:`codegen.Agent` (``rate_limits`` left out: the SDK's defaults).
        **ignored: Other providers' transport options, accepted and ignored.

    Raises:
        ProviderConfigurationError: A setting is malformed (missing credentials are not an
            error until a call is made; see :attr:`has_credentials`).
    """

    provider_name: ClassVar[str] = "Codegen"
    supports_system_prompt = False  # prepended to the agent prompt
    env_vars: ClassVar[tuple[str, ...]] = (
        "CODEGEN_ORG_ID",
        "CODEGEN_TOKEN",
        "CODEGEN_BASE_URL",
        "CODEGEN_TIMEOUT",
        "CODEGEN_MAX_RETRIES",
    )

    def __init__(
        self,
        org_id: int | str | None = None,
        token: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        *,
        poll_interval: float = 10.0,
        request_timeout: float = 60.0,
        default_model: str | None = None,
        validation_ttl: float = 300.0,
        env: Mapping[str, str] | None = None,
        env_file: str | None = ".env",
        http_transport: Any = None,
        rate_limits: RateLimits | NotGiven | None = NOT_GIVEN,
        retry: RetryPolicy | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        **ignored: Unpack[_IgnoredOptions],
    ) -> None:
        from graph_sitter.configs.models.secrets import ConfigurationError, Secrets

        # Other providers' transport options mean nothing here (the SDK owns its calls).
        check_transport_options(ignored, _IgnoredOptions.__optional_keys__)
        try:
            secrets = Secrets.load(env=env, env_file=env_file)
        except ConfigurationError as exc:
            raise ProviderConfigurationError(str(exc), provider=self.provider_name) from None
        if timeout is not None and not timeout > 0:
            raise ProviderConfigurationError(
                f"timeout must be a positive number of seconds, got {timeout!r}",
                provider=self.provider_name,
            )
        self.timeout = float(timeout or secrets.codegen_timeout or 300.0)
        self.poll_interval = float(poll_interval)
        self.default_model = str(default_model or DEFAULT_CODEGEN_MODEL)
        super().__init__(validation_ttl=float(validation_ttl))
        resolved_org = org_id if org_id is not None else secrets.codegen_org_id
        if org_id is None and resolved_org and not str(resolved_org).strip().isdigit():
            raise ProviderConfigurationError(
                "CODEGEN_ORG_ID must be a positive integer organisation id (the number in the "
                "Codegen web app's organisation settings)",
                provider=self.provider_name,
            )
        resolved_token = token or secrets.secret("codegen_token")
        retries = max_retries if max_retries is not None else secrets.codegen_max_retries
        self._agent: Agent | None = None
        if resolved_org and resolved_token:
            try:
                self._agent = Agent(
                    token=resolved_token,
                    org_id=resolved_org,
                    base_url=base_url or secrets.codegen_base_url,
                    timeout=float(request_timeout),
                    max_retries=retries if retries is not None else 2,
                    env={},
                    env_file=None,
                    http_transport=http_transport,
                    retry=retry,
                    webhook_url=webhook_url,
                    webhook_secret=webhook_secret,
                    **({} if isinstance(rate_limits, NotGiven) else {"rate_limits": rate_limits}),
                )
            except CodegenError as exc:
                raise ProviderConfigurationError(str(exc), provider=self.provider_name) from None
        self._tasks_lock = threading.Lock()
        self._task_count = 0
        self._successful_tasks = 0
        self._failed_tasks = 0

    # -- configuration ---------------------------------------------------------------------
    @property
    def has_credentials(self) -> bool:
        """Both an organisation id and a token were found."""
        return self._agent is not None

    @property
    def agent(self) -> Agent | None:
        """The underlying :class:`codegen.Agent` (``None`` without credentials)."""
        return self._agent

    def _require_agent(self) -> Agent:
        if self._closed:
            raise ProviderUnavailableError("Codegen provider is closed", provider="Codegen")
        if self._agent is None:
            raise ProviderConfigurationError(
                "Codegen has no credentials: set CODEGEN_ORG_ID and CODEGEN_TOKEN",
                provider=self.provider_name,
            )
        return self._agent

    def accepts_model(self, model: str) -> bool:
        """Only the Codegen agent's own name (other vendors' models are not sent here)."""
        return model == self.default_model

    def get_default_model(self) -> str:
        """``codegen-agent``: the organisation's default agent model."""
        return self.default_model

    def _check_credentials(self) -> bool:
        agent = self._require_agent()
        try:
            valid = agent.validate_credentials()
        except CodegenError as exc:
            raise _translate(exc) from exc
        return valid

    # -- calls -----------------------------------------------------------------------------
    def generate_response(
        self,
        prompt: str,
        system_prompt: str | None = None,
        model: str | None = None,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: str | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> AIResponse:
        """Run a Codegen agent on the prompt and wait for its result.

        ``temperature`` and ``max_tokens`` do not apply to agent runs and are ignored.

        Args:
            prompt: The task (a ``messages`` keyword is flattened into it instead).
            system_prompt: Prepended to the prompt.
            model: Sent as the run's ``model`` unless it is :attr:`default_model`.
            temperature: Ignored.
            max_tokens: Ignored.
            tools: Not supported (raises ``ProviderRequestError``).
            tool_choice: Ignored.
            **kwargs: ``priority``, ``repository``, ``branch``, ``tags``, ``metadata``,
                ``images``, ``timeout`` (seconds to wait), ``poll_interval``.

        Raises:
            AgentRunFailedError: The run ended in a failure status (an ``AIProviderError``).
            ProviderTimeoutError: The run did not finish within the timeout.
            AIProviderError: Any other failure, mapped to the provider error tree.
        """
        agent = self._require_agent()
        if tools:
            raise ProviderRequestError(
                "Codegen agent runs do not take tool definitions", provider=self.provider_name
            )
        wait = float(kwargs.pop("timeout", None) or self.timeout)
        poll_interval = float(kwargs.pop("poll_interval", None) or self.poll_interval)
        messages = kwargs.pop("messages", None)
        if messages:
            prompt = "\n\n".join(
                f"{m.get('role', 'user')}: {m.get('content') or ''}" for m in messages
            )
        run_args = {
            key: kwargs.pop(key)
            for key in ("priority", "repository", "branch", "tags", "metadata", "images")
            if key in kwargs
        }
        if kwargs:
            logger.debug("ai.codegen_ignored_arguments names=%s", ",".join(sorted(kwargs)))
        text = f"{system_prompt}\n\n{prompt}" if system_prompt else prompt
        used_model = model or self.default_model
        started = time.perf_counter()
        task = None
        try:
            task = agent.run(
                text, model=None if used_model == self.default_model else used_model, **run_args
            )
            with self._tasks_lock:
                self._task_count += 1
            task.wait_for_completion(timeout=wait, poll_interval=poll_interval)
        except TaskError as exc:
            with self._tasks_lock:
                self._failed_tasks += 1
            raise self._fail(
                AgentRunFailedError(
                    f"Codegen {exc.message}",  # "agent run N ended with status S: detail"
                    task_id=exc.task_id,
                    task_status=exc.task_status,
                ),
                started,
                used_model,
            ) from exc
        except CodegenError as exc:
            raise self._fail(_translate(exc), started, used_model) from exc
        with self._tasks_lock:
            self._successful_tasks += 1
        elapsed = time.perf_counter() - started
        self._stats.record(CallRecord(success=True, latency=elapsed, model=used_model))
        emit(
            AttemptRecord(
                ts=time.time(),
                provider=self.provider_name,
                model=used_model,
                latency_s=elapsed,
                request_id=str(task.id),
            )
        )
        logger.debug(
            "ai.attempt provider=Codegen run=%s status=ok run_status=%s latency_ms=%.1f",
            task.id,
            task.status,
            elapsed * 1000.0,
        )
        run = task.run
        return AIResponse(
            content=run.result or run.summary or "",
            provider_name=self.provider_name,
            model=used_model,
            metadata={
                "task_id": run.id,
                "web_url": run.web_url,
                "status": run.status,
                "summary": run.summary,
                "pull_requests": [pr.to_json() for pr in run.pull_requests],
            },
            raw_response=run,
            response_time=elapsed,
            finish_reason="stop",
        )

    async def agenerate_response(
        self,
        prompt: str,
        system_prompt: str | None = None,
        model: str | None = None,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: str | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> AIResponse:
        """Async twin of :meth:`generate_response` (the wait runs in a worker thread)."""
        return await asyncio.to_thread(
            self.generate_response,
            prompt,
            system_prompt,
            model,
            temperature,
            max_tokens,
            tools,
            tool_choice,
            **kwargs,
        )

    def _fail(self, error: AIProviderError, started: float, model: str) -> AIProviderError:
        elapsed = time.perf_counter() - started
        self._stats.record(
            CallRecord(
                success=False,
                latency=elapsed,
                rate_limited=1 if error.status_code == 429 else 0,
            )
        )
        emit(
            AttemptRecord(
                ts=time.time(),
                provider=self.provider_name,
                model=model,
                status="error",
                error=type(error).__name__,
                status_code=error.status_code,
                latency_s=elapsed,
                request_id=error.request_id,
            )
        )
        logger.debug(
            "ai.attempt provider=Codegen status=error http_status=%s latency_ms=%.1f error=%s",
            error.status_code,
            elapsed * 1000.0,
            type(error).__name__,
        )
        return error

    # -- stats and lifecycle ---------------------------------------------------------------
    def get_enhanced_stats(self) -> dict[str, Any]:
        """The common enhanced stats plus ``task_count``, ``successful_tasks``,
        ``failed_tasks``."""
        stats = super().get_enhanced_stats()
        with self._tasks_lock:
            stats["task_count"] = self._task_count
            stats["successful_tasks"] = self._successful_tasks
            stats["failed_tasks"] = self._failed_tasks
        return stats

    def close(self) -> None:
        """Close the agent's connections (and deliver its queued webhooks)."""
        super().close()
        if self._agent is not None:
            self._agent.close()


def _translate(exc: CodegenError) -> AIProviderError:
    """Map a :mod:`codegen.exceptions` error to the provider error tree."""
    name = "Codegen"
    common: dict[str, Any] = {
        "provider": name,
        "status_code": exc.status_code,
        "request_id": exc.request_id,
    }
    message = exc.message
    if isinstance(exc, cg.TimeoutError):
        return ProviderTimeoutError(
            f"Codegen: {message}", provider=name, timeout_duration=exc.timeout_duration
        )
    if isinstance(exc, cg.AuthenticationError):
        return ProviderAuthenticationError(f"Codegen rejected the request: {message}", **common)
    if isinstance(exc, cg.PlanLimitError):
        return ProviderQuotaExceededError(f"Codegen plan limit: {message}", **common)
    if isinstance(exc, cg.RateLimitError):
        return ProviderRateLimitError(
            f"Codegen rate limit: {message}", retry_after=exc.retry_after, **common
        )
    if isinstance(exc, cg.ConfigurationError):
        return ProviderConfigurationError(f"Codegen: {message}", provider=name)
    if isinstance(exc, cg.ValidationError | cg.NotFoundError):
        return ProviderRequestError(f"Codegen rejected the request: {message}", **common)
    if isinstance(exc, cg.NetworkError):
        return ProviderUnavailableError(f"Codegen could not be reached: {message}", **common)
    if isinstance(exc, cg.APIError) and (exc.status_code or 0) >= 500:
        return ProviderUnavailableError(f"Codegen is unavailable: {message}", **common)
    return AIProviderError(f"Codegen: {message}", **common)
