"""graph_sitter.http: the one resilient HTTP transport every provider and SDK client uses.

Imports nothing else of graph_sitter, and neither httpx nor aiohttp until a transport sends.
See :class:`Transport` for the entry point; the decisions it makes live in small modules
(:mod:`.retry`, :mod:`.budget`, :mod:`.breaker`, :mod:`.rate_limit`, :mod:`.redaction`) that
are usable and testable on their own.
"""

from __future__ import annotations

from graph_sitter.http.breaker import BreakerState, CircuitBreaker
from graph_sitter.http.budget import RetryBudget
from graph_sitter.http.errors import (
    CircuitOpenError,
    NetworkError,
    RequestTimeout,
    ResponseTooLargeError,
    StreamError,
    TransportError,
)
from graph_sitter.http.rate_limit import RateLimit, RateLimiter
from graph_sitter.http.redaction import (
    RedactingFilter,
    mask_secret,
    redact,
    redact_data,
    register_secret,
)
from graph_sitter.http.response import AsyncStreamResponse, Response, StreamResponse
from graph_sitter.http.retry import RetryPolicy, backoff_delay, parse_retry_after
from graph_sitter.http.sleep import SleepRecorder, set_testing, testing
from graph_sitter.http.sse import ServerSentEvent, SSEDecoder
from graph_sitter.http.timeouts import Timeout
from graph_sitter.http.transport import RetryEvent, RetryHook, Transport

__all__ = [
    "AsyncStreamResponse",
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpenError",
    "NetworkError",
    "RateLimit",
    "RateLimiter",
    "RedactingFilter",
    "RequestTimeout",
    "Response",
    "ResponseTooLargeError",
    "RetryBudget",
    "RetryEvent",
    "RetryHook",
    "RetryPolicy",
    "SSEDecoder",
    "ServerSentEvent",
    "SleepRecorder",
    "StreamError",
    "StreamResponse",
    "Timeout",
    "Transport",
    "TransportError",
    "backoff_delay",
    "mask_secret",
    "parse_retry_after",
    "redact",
    "redact_data",
    "register_secret",
    "set_testing",
    "testing",
]
