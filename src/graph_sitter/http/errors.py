"""Errors raised by the transport when there is no HTTP response to hand back.

A final HTTP response, successful or not, is returned as a
:class:`~graph_sitter.http.response.Response`; callers map its status to their own
errors. These exceptions cover the cases where no usable response exists::

    TransportError                  root; carries attempts, retries_taken
    ├── NetworkError                connection refused/reset, protocol error
    ├── RequestTimeout              a phase or the total deadline ran out
    │                               (also a builtin TimeoutError)
    ├── CircuitOpenError            the breaker is open: the endpoint is skipped fast
    ├── ResponseTooLargeError       the decoded body passed ``max_response_bytes``
    └── StreamError                 a streamed body was cut or malformed

Messages are redacted; they never contain a credential.
"""

from __future__ import annotations

import builtins

from graph_sitter.http.redaction import redact

__all__ = [
    "CircuitOpenError",
    "NetworkError",
    "RequestTimeout",
    "ResponseTooLargeError",
    "StreamError",
    "TransportError",
]


class TransportError(Exception):
    """Root of the transport's errors.

    Attributes:
        attempts: How many attempts were made before giving up.
        retries_taken: ``attempts - 1`` (never negative).
        request_sent: Whether the last attempt may have reached the server, so that a
            non-idempotent request may have been processed.
    """

    def __init__(self, message: str, *, attempts: int = 1, request_sent: bool = False) -> None:
        super().__init__(redact(message))
        self.attempts = attempts
        self.retries_taken = max(0, attempts - 1)
        self.request_sent = request_sent


class NetworkError(TransportError):
    """The connection failed or broke before a complete response arrived."""


class RequestTimeout(TransportError, builtins.TimeoutError):
    """A timeout fired.

    Attributes:
        timeout_duration: The limit that ran out, in seconds.
        phase: ``"connect"``, ``"read"``, ``"write"``, ``"pool"`` or ``"total"``.
    """

    def __init__(
        self,
        message: str,
        *,
        timeout_duration: float,
        phase: str,
        attempts: int = 1,
        request_sent: bool = False,
    ) -> None:
        super().__init__(message, attempts=attempts, request_sent=request_sent)
        self.timeout_duration = timeout_duration
        self.phase = phase


class CircuitOpenError(TransportError):
    """The circuit breaker for this endpoint is open; no request was sent.

    Attributes:
        name: The breaker's name (usually the provider).
        retry_after: Seconds until the breaker lets a probe through.
    """

    def __init__(self, name: str, retry_after: float, *, attempts: int = 0) -> None:
        super().__init__(
            f"circuit for {name!r} is open after repeated failures; "
            f"next probe in {retry_after:.1f}s",
            attempts=max(attempts, 1),
        )
        self.attempts = attempts
        self.retries_taken = max(0, attempts - 1)
        self.name = name
        self.retry_after = retry_after


class StreamError(TransportError):
    """A streamed response was cut off or could not be decoded."""


class ResponseTooLargeError(TransportError):
    """The response body, once decoded, was larger than the transport accepts (not retried).

    Attributes:
        limit: The cap in bytes (``Transport(max_response_bytes=...)``).
    """

    def __init__(self, url: str, limit: int, *, attempts: int = 1) -> None:
        super().__init__(
            f"response from {url} is larger than {limit} bytes once decoded; reading stopped "
            "(raise max_response_bytes or GRAPH_SITTER_MAX_RESPONSE_BYTES if it is expected)",
            attempts=attempts,
            request_sent=True,
        )
        self.limit = limit
