"""graph_sitter.http: the one resilient HTTP transport every provider and SDK client uses.

Imports nothing else of graph_sitter. See :class:`Transport` for the entry point; the
decisions it makes live in small modules (:mod:`.retry`, :mod:`.budget`, :mod:`.breaker`,
:mod:`.rate_limit`, :mod:`.redact`) that are usable and testable on their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_LAZY = {
    "AsyncStreamResponse": "graph_sitter.http.response",
    "BreakerState": "graph_sitter.http.breaker",
    "CircuitBreaker": "graph_sitter.http.breaker",
    "CircuitOpenError": "graph_sitter.http.errors",
    "NetworkError": "graph_sitter.http.errors",
    "RateLimit": "graph_sitter.http.rate_limit",
    "RateLimiter": "graph_sitter.http.rate_limit",
    "RedactingFilter": "graph_sitter.http.redaction",
    "RequestTimeout": "graph_sitter.http.errors",
    "Response": "graph_sitter.http.response",
    "ResponseTooLargeError": "graph_sitter.http.errors",
    "RetryBudget": "graph_sitter.http.budget",
    "RetryEvent": "graph_sitter.http.transport",
    "RetryHook": "graph_sitter.http.transport",
    "RetryPolicy": "graph_sitter.http.retry",
    "SSEDecoder": "graph_sitter.http.sse",
    "ServerSentEvent": "graph_sitter.http.sse",
    "SleepRecorder": "graph_sitter.http.sleep",
    "StreamError": "graph_sitter.http.errors",
    "StreamResponse": "graph_sitter.http.response",
    "Timeout": "graph_sitter.http.timeouts",
    "Transport": "graph_sitter.http.transport",
    "TransportError": "graph_sitter.http.errors",
    "backoff_delay": "graph_sitter.http.retry",
    "mask_secret": "graph_sitter.http.redaction",
    "parse_retry_after": "graph_sitter.http.retry",
    "redact": "graph_sitter.http.redaction",
    "redact_data": "graph_sitter.http.redaction",
    "register_secret": "graph_sitter.http.redaction",
    "set_testing": "graph_sitter.http.sleep",
    "testing": "graph_sitter.http.sleep",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
