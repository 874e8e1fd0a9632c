"""Errors of the AI provider layer. Every error a caller can catch derives from the root::

    AIProviderError                         root: provider, status_code, request_id, attempts
    ├── ProviderConfigurationError          missing/invalid settings (names the variables)
    ├── ProviderAuthenticationError         401/403: the key is wrong or lacks access
    ├── ProviderUnavailableError            5xx, connection failure, all fallbacks failed
    │   └── ProviderCircuitOpenError        the breaker is open; skipped without a request
    ├── ProviderRateLimitError              429 after retries: retry_after (seconds or None)
    │   └── ProviderQuotaExceededError      429 insufficient_quota: billing, never retried
    ├── ProviderTimeoutError                a timeout fired: timeout_duration (seconds)
    ├── ProviderRequestError                400/404/422: the request itself is wrong
    │   ├── ContextLengthExceededError      the prompt does not fit the model's window
    │   └── ModelNotFoundError              the model does not exist or is not accessible
    ├── ContentFilterError                  the vendor's safety system withheld the answer
    ├── ProviderResponseError               a 2xx that cannot be used
    │   ├── EmptyResponseError              no choice / no content and no tool call
    │   ├── MalformedResponseError          not JSON, or JSON of the wrong shape
    │   └── AIEditError                     cb.ai_edit: the reply is not a valid replacement
    ├── MaxAIRequestsError                  cb.ai*: the session's max_ai_requests is spent
    └── AIBatchError                        cb.ai_map: some items failed (results, errors)

Messages say what happened and what to do next; they never contain a credential (every
message passes through :func:`graph_sitter.http.redact`).
"""

from __future__ import annotations

from graph_sitter.http.redaction import redact

__all__ = [
    "AIBatchError",
    "AIEditError",
    "AIProviderError",
    "ContentFilterError",
    "ContextLengthExceededError",
    "EmptyResponseError",
    "MalformedResponseError",
    "MaxAIRequestsError",
    "ModelNotFoundError",
    "ProviderAuthenticationError",
    "ProviderCircuitOpenError",
    "ProviderConfigurationError",
    "ProviderQuotaExceededError",
    "ProviderRateLimitError",
    "ProviderRequestError",
    "ProviderResponseError",
    "ProviderTimeoutError",
    "ProviderUnavailableError",
]


class AIProviderError(Exception):
    """Root of every error raised by an AI provider.

    Attributes:
        message: What happened (redacted).
        provider: The provider's name (``"OpenAI"``, ...), if known.
        status_code: The HTTP status, when there was a response.
        request_id: The vendor's request id, when it sent one.
        attempts: Attempts made before giving up, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        attempts: int | None = None,
    ) -> None:
        self.message = redact(message)
        super().__init__(self.message)
        self.provider = provider
        self.status_code = status_code
        self.request_id = request_id
        self.attempts = attempts

    def __str__(self) -> str:
        parts = [self.message]
        details = []
        if self.provider:
            details.append(f"provider={self.provider}")
        if self.status_code is not None:
            details.append(f"status={self.status_code}")
        if self.request_id:
            details.append(f"request_id={self.request_id}")
        if details:
            parts.append(f"({', '.join(details)})")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, provider={self.provider!r}, "
            f"status_code={self.status_code!r})"
        )


class ProviderConfigurationError(AIProviderError, ValueError):
    """The provider cannot be built: a setting is missing or invalid."""


class ProviderAuthenticationError(AIProviderError):
    """The vendor rejected the credentials (401) or denied access (403)."""


class ProviderUnavailableError(AIProviderError):
    """The vendor could not answer: 5xx, connection failure, or every fallback failed.

    Attributes:
        errors: For a fallback chain, the error of each provider tried, in order.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = None,
        request_id: str | None = None,
        attempts: int | None = None,
        errors: tuple[AIProviderError, ...] = (),
    ) -> None:
        super().__init__(
            message,
            provider=provider,
            status_code=status_code,
            request_id=request_id,
            attempts=attempts,
        )
        self.errors = errors


class ProviderCircuitOpenError(ProviderUnavailableError):
    """The provider failed repeatedly and is skipped until its circuit breaker probes it.

    Attributes:
        retry_after: Seconds until the next probe is allowed.
    """

    def __init__(self, message: str, *, provider: str | None = None, retry_after: float) -> None:
        super().__init__(message, provider=provider)
        self.retry_after = retry_after


class ProviderRateLimitError(AIProviderError):
    """The vendor kept answering 429 (or asked for a wait above the configured cap).

    Attributes:
        retry_after: Seconds the vendor asked to wait, or ``None`` if it did not say.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status_code: int | None = 429,
        request_id: str | None = None,
        attempts: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message,
            provider=provider,
            status_code=status_code,
            request_id=request_id,
            attempts=attempts,
        )
        self.retry_after = retry_after


class ProviderQuotaExceededError(ProviderRateLimitError):
    """The account's quota or credit is exhausted (``insufficient_quota``); never retried."""


class ProviderTimeoutError(AIProviderError, TimeoutError):
    """A timeout fired before the vendor answered.

    Attributes:
        timeout_duration: The limit that ran out, in seconds.
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        timeout_duration: float,
        attempts: int | None = None,
    ) -> None:
        super().__init__(message, provider=provider, attempts=attempts)
        self.timeout_duration = timeout_duration


class ProviderRequestError(AIProviderError):
    """The vendor rejected the request itself (400/404/422); fix the request, do not retry."""


class ContextLengthExceededError(ProviderRequestError):
    """The prompt plus ``max_tokens`` exceeds the model's context window."""


class ModelNotFoundError(ProviderRequestError):
    """The model does not exist or the key cannot use it."""


class ContentFilterError(AIProviderError):
    """The vendor's content filter withheld the answer (``finish_reason=content_filter``)."""


class ProviderResponseError(AIProviderError):
    """A successful HTTP status whose body cannot be used."""


class EmptyResponseError(ProviderResponseError):
    """The vendor returned no choice, or a choice with neither content nor tool calls."""


class MalformedResponseError(ProviderResponseError):
    """The body is not JSON, or lacks the fields the vendor's format requires."""


class AIEditError(ProviderResponseError):
    """``ai_edit`` got a reply that is not a usable replacement; nothing was changed.

    Attributes:
        target: The qualified name of the symbol that was to be replaced.
        reason: What is wrong (``not code``, ``defines other names``...).
        reply: The model's reply, as received.
    """

    def __init__(
        self, message: str, *, target: str, reason: str, reply: str, provider: str | None = None
    ) -> None:
        super().__init__(message, provider=provider)
        self.target = target
        self.reason = reason
        self.reply = reply


class MaxAIRequestsError(AIProviderError):
    """The session already made ``max_ai_requests`` provider requests.

    Raise the limit with ``cb.set_session_options(max_ai_requests=N)`` (``None`` removes
    it) or start over with ``cb.reset()``. Answers served from the cache do not count.

    Attributes:
        limit: The configured maximum.
        used: Requests made so far.
    """

    def __init__(self, message: str, *, limit: int, used: int) -> None:
        super().__init__(message)
        self.limit = limit
        self.used = used


class AIBatchError(AIProviderError):
    """Some items of ``ai_map`` failed; the others are done and persisted.

    Re-running the same batch resumes: finished items are not requested again.

    Attributes:
        results: One entry per target in input order: the answer, or ``None`` if it failed.
        errors: ``{index: error}`` for each failed item.
    """

    def __init__(
        self,
        message: str,
        *,
        results: list[str | None],
        errors: dict[int, AIProviderError],
    ) -> None:
        super().__init__(message)
        self.results = results
        self.errors = errors
