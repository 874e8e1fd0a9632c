"""Scripted faults: what can go wrong between a client and a vendor (private).

A fault is queued with ``emulator.queue_fault(...)`` and consumed by the next request (optionally
the next request to a given path). Each emulator renders a fault in its vendor's wire format; the
docstring of each class says what is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graph_sitter.testing._replies import Reply

__all__ = [
    "ConnectionReset",
    "ContextLengthExceeded",
    "Fault",
    "HTTPError",
    "MalformedJSON",
    "Overloaded",
    "QuotaExceeded",
    "RateLimit",
    "SlowFirstByte",
    "StreamError",
    "TruncatedStream",
]

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """HTTP 429 "slow down" (retryable).

    OpenAI: ``rate_limit_exceeded`` plus ``x-ratelimit-*`` headers showing nothing remaining;
    Anthropic: ``rate_limit_error``; Codegen: ``{"message": "Rate limit exceeded. Please try again
    later.", "status_code": 429}``.

    Attributes:
        retry_after: Seconds to announce in ``Retry-After``; ``None`` sends no ``Retry-After``.
        retry_after_format: ``"seconds"`` (``Retry-After: 2``) or ``"http-date"`` (an RFC 9110
            date ``retry_after`` seconds from now, rounded up to the next whole second).
        retry_after_ms: Milliseconds to announce in ``retry-after-ms``; ``None`` omits it.
        message: Overrides the vendor's message.
        should_retry: Adds ``x-should-retry: true|false`` when not ``None``.
    """

    retry_after: float | None = None
    retry_after_format: Literal["seconds", "http-date"] = "seconds"
    retry_after_ms: float | None = None
    message: str | None = None
    should_retry: bool | None = None


@dataclass(frozen=True, slots=True)
class QuotaExceeded:
    """The account is out of money: never worth a retry.

    OpenAI: 429 with type and code ``insufficient_quota``; Anthropic: 400 ``invalid_request_error``
    "Your credit balance is too low ..."; Codegen: 402 "Alloted agent runs ... have been reached".
    """

    message: str | None = None
    should_retry: bool | None = None


@dataclass(frozen=True, slots=True)
class ContextLengthExceeded:
    """The prompt does not fit the model's context window (HTTP 400).

    OpenAI: code ``context_length_exceeded``, message "This model's maximum context length is
    {max_context} tokens. However, your messages resulted in {requested} tokens. ..."; Anthropic:
    ``invalid_request_error`` "prompt is too long: {requested} tokens > {max_context} maximum".
    """

    max_context: int = 128000
    requested: int | None = None
    should_retry: bool | None = None


@dataclass(frozen=True, slots=True)
class Overloaded:
    """The vendor is overloaded: Anthropic HTTP 529 ``overloaded_error``; OpenAI and Codegen 503."""

    message: str | None = None
    should_retry: bool | None = None


@dataclass(frozen=True, slots=True)
class HTTPError:
    """Any HTTP error status with the vendor's error JSON (400, 401, 403, 404, 409, 500, 502, ...).

    Attributes:
        status: The HTTP status code.
        message: Overrides the vendor's default message for that status.
        error_type: OpenAI ``error.type`` / Anthropic ``error.type`` override.
        code: OpenAI ``error.code`` override (e.g. ``model_not_found``).
        headers: Extra response headers, e.g. ``(("retry-after", "1"),)``.
        should_retry: Adds ``x-should-retry: true|false`` when not ``None``.
        body: Raw body sent instead of the vendor JSON (e.g. a proxy's HTML error page).
        content_type: Content type of ``body``.
    """

    status: int
    message: str | None = None
    error_type: str | None = None
    code: str | None = None
    headers: Headers = ()
    should_retry: bool | None = None
    body: bytes | None = None
    content_type: str = "text/html; charset=utf-8"


@dataclass(frozen=True, slots=True)
class ConnectionReset:
    """The connection dies.

    With ``after_bytes=0`` the socket is closed as soon as the request is read and nothing is sent
    (the request is not processed unless ``processed=True``). With ``after_bytes=N`` the request is
    processed (a Codegen run *is* created), the normal response is prepared and only its first N
    bytes (status line and headers included) are sent before the socket is closed.

    Attributes:
        after_bytes: Bytes of the response sent before closing.
        rst: ``True`` closes with a TCP RST (``SO_LINGER`` 0: the client sees ``ECONNRESET``);
            ``False`` closes cleanly with a FIN (the client sees a premature end of message).
        processed: Whether the request takes effect; ``None`` means ``after_bytes > 0``.
        reply: The reply whose response is cut; ``None`` uses the default reply (never the queue).
    """

    after_bytes: int = 0
    rst: bool = True
    processed: bool | None = None
    reply: Reply | str | None = None


@dataclass(frozen=True, slots=True)
class SlowFirstByte:
    """The request is processed at once, then the response waits ``delay`` seconds before its first
    byte (the server really waits; clients under test use a shorter read timeout).

    Attributes:
        delay: Seconds before the first byte.
        reply: The reply eventually sent; ``None`` uses the default reply (never the queue).
    """

    delay: float
    reply: Reply | str | None = None


@dataclass(frozen=True, slots=True)
class MalformedJSON:
    """HTTP 200, ``content-type: application/json``, and a body that is not valid JSON."""

    body: bytes = b'{"id": "emulated", "object": "chat.completion", "choices": [{"index": 0,'


@dataclass(frozen=True, slots=True)
class TruncatedStream:
    """A streamed answer that stops early.

    On a streaming request, only the first ``after_events`` SSE events are sent (so never
    ``data: [DONE]`` / ``message_stop``). With ``clean_end=False`` the connection is then closed
    without the chunked terminator (the client sees an incomplete body); with ``clean_end=True``
    the HTTP body ends properly and only the SSE stream is short. On a non-streaming request the
    JSON body is cut in half under its full ``Content-Length`` and the connection closed.

    Attributes:
        after_events: SSE events sent before the cut.
        clean_end: End the chunked body properly instead of closing the connection.
        reply: The reply whose stream is cut; ``None`` uses the default reply (never the queue).
    """

    after_events: int = 2
    clean_end: bool = False
    reply: Reply | str | None = None


@dataclass(frozen=True, slots=True)
class StreamError:
    """A stream that fails in-band: ``after_events`` events, then the vendor's error event
    (OpenAI ``data: {"error": {...}}``; Anthropic ``event: error``) and the end of the body.
    On a non-streaming request it is an HTTP 500 with the same message.

    Attributes:
        after_events: SSE events sent before the error event.
        message: The error message.
        error_type: The error ``type`` (default ``server_error`` for OpenAI, ``overloaded_error``
            for Anthropic).
        reply: The reply whose stream fails; ``None`` uses the default reply (never the queue).
    """

    after_events: int = 2
    message: str = "The server had an error while processing your request."
    error_type: str | None = None
    reply: Reply | str | None = None


Fault = (
    RateLimit
    | QuotaExceeded
    | ContextLengthExceeded
    | Overloaded
    | HTTPError
    | ConnectionReset
    | SlowFirstByte
    | MalformedJSON
    | TruncatedStream
    | StreamError
)

FAULT_TYPES = (
    RateLimit,
    QuotaExceeded,
    ContextLengthExceeded,
    Overloaded,
    HTTPError,
    ConnectionReset,
    SlowFirstByte,
    MalformedJSON,
    TruncatedStream,
    StreamError,
)
