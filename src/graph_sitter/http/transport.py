"""The resilient transport: pooled HTTP with timeouts, retries, a retry budget, a circuit
breaker, a client-side rate limiter and redacted logs, in sync and async flavours.

The loops below only send, sleep and log; every decision comes from the sans-I/O
:class:`~graph_sitter.http._call.CallState`. One :class:`Transport` is meant to live as
long as the provider (or SDK client) that owns it: it keeps one pooled ``httpx.Client``
and, for async calls, one pooled session per event loop.
"""

from __future__ import annotations

import asyncio
import json as _json
import logging
import math
import os
import random
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, Protocol

from graph_sitter.http import sleep as _sleep
from graph_sitter.http._attempt import AttemptTimeouts, httpx_failure
from graph_sitter.http._body import ACCEPT_ENCODING, BodyDecoder, LineSplitter
from graph_sitter.http._call import AttemptFailure, CallState, Decision
from graph_sitter.http._deadline import Watch, watch
from graph_sitter.http.breaker import CircuitBreaker
from graph_sitter.http.budget import RetryBudget
from graph_sitter.http.errors import ResponseTooLargeError, StreamError
from graph_sitter.http.rate_limit import RateLimit, RateLimiter
from graph_sitter.http.redaction import RedactingFilter, redact, redact_args, register_secret
from graph_sitter.http.response import AsyncStreamResponse, Response, StreamResponse
from graph_sitter.http.retry import RetryPolicy
from graph_sitter.http.timeouts import Timeout

if TYPE_CHECKING:
    import httpx

    from graph_sitter.http._backends import AsyncBackend, AsyncOpenStream, PerLoop

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "MAX_RESPONSE_BYTES_ENV",
    "RetryEvent",
    "RetryHook",
    "Transport",
]

logger = logging.getLogger("graph_sitter.http")

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The default cap on a decoded response body (32 MiB)."""

MAX_RESPONSE_BYTES_ENV = "GRAPH_SITTER_MAX_RESPONSE_BYTES"
"""The environment variable that changes the default cap (a whole number of bytes)."""


def _max_response_bytes(value: int | None, environ: Mapping[str, str]) -> int:
    source = "max_response_bytes"
    if value is None:
        raw = environ.get(MAX_RESPONSE_BYTES_ENV, "").strip()
        if not raw:
            return DEFAULT_MAX_RESPONSE_BYTES
        source = MAX_RESPONSE_BYTES_ENV
        try:
            value = int(raw.replace("_", ""))
        except ValueError:
            raise ValueError(
                f"{MAX_RESPONSE_BYTES_ENV} must be a whole number of bytes, got {raw[:40]!r}"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{source} must be a positive number of bytes, got {value!r}")
    return value


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = _Default()


@dataclass(frozen=True, slots=True)
class RetryEvent:
    """Passed to retry hooks each time an attempt is about to be retried.

    Attributes:
        name: The transport's name (usually the provider).
        attempt: The attempt that just failed (1-based).
        delay: Seconds the transport will wait before the next attempt.
        reason: Why the attempt failed (``status_503``, ``read``, ...).
        status_code: The response status, or ``None`` when there was no response.
    """

    name: str
    attempt: int
    delay: float
    reason: str
    status_code: int | None


class RetryHook(Protocol):
    """A callable that observes retries. Exceptions it raises are logged and ignored."""

    def __call__(self, event: RetryEvent) -> None: ...


_filters_installed = False


def _install_library_filters() -> None:
    """Redact records of the HTTP libraries we drive (httpx logs full URLs at INFO)."""
    global _filters_installed
    if _filters_installed:
        return
    _filters_installed = True
    for name in ("httpx", "httpcore", "aiohttp.client"):
        library_logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in library_logger.filters):
            library_logger.addFilter(RedactingFilter())


def _log(level: int, msg: str, *args: Any) -> None:
    if logger.isEnabledFor(level):
        logger.log(level, msg, *redact_args(args))


class Transport:
    """A long-lived, pooled, resilient HTTP client for one endpoint.

    Args:
        base_url: Prefix for relative paths.
        headers: Headers sent with every request (auth included; never logged).
        timeout: A :class:`Timeout`, or seconds for read/write/total.
        retry: The retry policy (default: 3 attempts, 60 s window, 60 s Retry-After cap).
        budget: A shared :class:`RetryBudget`; ``None`` disables it.
        breaker: A :class:`CircuitBreaker`; ``None`` disables it.
        rate_limit: A :class:`RateLimit` or shared :class:`RateLimiter`; ``None``: unlimited.
        limits: Connection pool limits.
        name: Used in logs, errors and breaker names.
        secrets: Extra values to redact from logs and errors.
        idempotency_header: The header carrying idempotency keys, if the vendor supports one.
        http_transport: An ``httpx`` transport for the sync client (tests: ``MockTransport``).
        async_http_transport: An ``httpx`` async transport; implies the httpx async backend.
        async_backend: ``"auto"`` (aiohttp when installed), ``"aiohttp"`` or ``"httpx"``.
        on_retry: Hooks called with a :class:`RetryEvent` before each retry.
        rand: Uniform random source for jitter (injectable for tests).
        max_response_bytes: The largest decoded body accepted (gzip/deflate inflated
            bytes counted as they are read); a larger one raises
            :class:`~graph_sitter.http.errors.ResponseTooLargeError`. Default:
            ``GRAPH_SITTER_MAX_RESPONSE_BYTES``, else 32 MiB.
        environ: The environment to read defaults from (tests inject one).
    """

    def __init__(
        self,
        base_url: str = "",
        *,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        budget: RetryBudget | None = DEFAULT,
        breaker: CircuitBreaker | None = DEFAULT,
        rate_limit: RateLimit | RateLimiter | None = None,
        limits: httpx.Limits | None = None,
        name: str = "http",
        secrets: tuple[str, ...] = (),
        idempotency_header: str | None = None,
        http_transport: httpx.BaseTransport | None = None,
        async_http_transport: httpx.AsyncBaseTransport | None = None,
        async_backend: Literal["auto", "aiohttp", "httpx"] = "auto",
        on_retry: tuple[RetryHook, ...] = (),
        rand: Callable[[], float] = random.random,
        max_response_bytes: int | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.max_response_bytes = _max_response_bytes(
            max_response_bytes, os.environ if environ is None else environ
        )
        for secret in secrets:
            register_secret(secret)
        _install_library_filters()
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._headers = dict(headers or {})
        self.timeout = (
            timeout
            if isinstance(timeout, Timeout)
            else Timeout()
            if timeout is None
            else Timeout.of(float(timeout))
        )
        self.retry = retry or RetryPolicy()
        self.budget = RetryBudget() if budget is DEFAULT else budget
        self.breaker = CircuitBreaker(name) if breaker is DEFAULT else breaker
        self.rate_limiter = (
            RateLimiter(rate_limit) if isinstance(rate_limit, RateLimit) else rate_limit
        )
        self.idempotency_header = idempotency_header
        import httpx

        self._httpx = httpx
        self._limits = limits or httpx.Limits(max_connections=1000, max_keepalive_connections=100)
        self._on_retry = on_retry
        self._rand = rand
        self._default_attempt = self._attempt_timeouts_for(float("inf"))
        self._default_httpx_timeout = self._default_attempt.to_httpx()
        self._client = httpx.Client(
            transport=http_transport, limits=self._limits, timeout=self._default_httpx_timeout
        )
        self._async_transport = async_http_transport
        self._async_backend = async_backend
        self._loops_: PerLoop | None = None
        self._closed = False

    # -- setup -------------------------------------------------------------------------
    @property
    def _loops(self) -> PerLoop:
        loops = self._loops_
        if loops is None:
            from graph_sitter.http._backends import PerLoop

            loops = self._loops_ = PerLoop(self._make_async_backend)
        return loops

    def _make_async_backend(self) -> AsyncBackend:
        from graph_sitter.http._backends import AiohttpBackend, HttpxAsyncBackend

        choice = self._async_backend
        if self._async_transport is not None:
            choice = "httpx"
        if choice == "auto":
            try:
                import aiohttp  # noqa: F401
            except ImportError:
                choice = "httpx"
            else:
                choice = "aiohttp"
        if choice == "aiohttp":
            return AiohttpBackend(self._limits)
        return HttpxAsyncBackend(self._async_transport, self._limits)

    def _attempt_timeouts_for(self, remaining: float) -> AttemptTimeouts:
        t = self.timeout
        return AttemptTimeouts(
            connect=min(t.connect, remaining),
            read=min(t.read, remaining),
            write=min(t.write, remaining),
            pool=min(t.pool, remaining),
            total=None if remaining == float("inf") else remaining,
        )

    def _attempt_timeouts(self, state: CallState) -> AttemptTimeouts:
        remaining = state.remaining()
        if remaining <= 0:
            raise state.total_timeout()
        if remaining >= self.timeout.read and self.timeout.total is None:
            return self._default_attempt
        return self._attempt_timeouts_for(remaining)

    def url(self, path: str) -> str:
        """The absolute URL for ``path`` (absolute URLs pass through)."""
        if "://" in path:
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _prepare(
        self,
        method: str,
        json: Any,
        content: bytes | None,
        headers: Mapping[str, str] | None,
        idempotent: bool | None,
        idempotency_key: str | bool | None,
        timeout: Timeout | float | None,
    ) -> tuple[dict[str, str], bytes | None, CallState]:
        merged = {**self._headers, **headers} if headers else dict(self._headers)
        if not any(k.lower() == "accept-encoding" for k in merged):
            merged["accept-encoding"] = ACCEPT_ENCODING  # only what `BodyDecoder` decodes
        if json is not None:
            content = _json.dumps(json, separators=(",", ":"), ensure_ascii=False).encode()
            merged.setdefault("content-type", "application/json")
        if idempotent is None:
            idempotent = method.upper() in _IDEMPOTENT_METHODS
        if idempotency_key and self.idempotency_header:
            key = idempotency_key if isinstance(idempotency_key, str) else str(uuid.uuid4())
            merged.setdefault(self.idempotency_header, key)  # set once, reused by every attempt
            idempotent = True
        call_timeout = (
            self.timeout
            if timeout is None
            else timeout
            if isinstance(timeout, Timeout)
            else Timeout.of(float(timeout))
        )
        state = CallState(
            policy=self.retry,
            timeout=call_timeout,
            budget=self.budget,
            breaker=self.breaker,
            idempotent=idempotent,
            clock=_sleep.monotonic,
            rand=self._rand,
        )
        return merged, content, state

    def _reserve(self, state: CallState, tokens: int) -> float:
        limiter = self.rate_limiter
        if limiter is None:
            return 0.0
        wait = limiter.reserve(tokens)
        state.check_wait(wait)
        return wait

    def _before_retry(
        self, method: str, url: str, state: CallState, decision: Decision, status: int | None
    ) -> None:
        reason = decision.reason if status is None else f"status_{status}"
        _log(
            logging.INFO,
            "http.retry name=%s method=%s url=%s attempt=%d delay=%.3f reason=%s",
            self.name,
            method,
            url,
            state.attempts,
            decision.delay,
            reason,
        )
        if self._on_retry:
            event = RetryEvent(self.name, state.attempts, decision.delay, reason, status)
            for hook in self._on_retry:
                try:
                    hook(event)
                except Exception:
                    logger.exception("http.retry_hook_failed name=%s", self.name)

    def _give_up(self, method: str, url: str, state: CallState, reason: str) -> None:
        _log(
            logging.WARNING,
            "http.give_up name=%s method=%s url=%s attempts=%d reason=%s",
            self.name,
            method,
            url,
            state.attempts,
            reason,
        )

    def _response(
        self, state: CallState, url: str, status: int, headers: Any, body: bytes
    ) -> Response:
        return Response(
            status,
            headers,
            body,
            url=url,
            attempts=state.attempts,
            elapsed=_sleep.monotonic() - state.start,
        )

    # -- sync --------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        idempotency_key: str | bool | None = None,
        tokens: int = 0,
        timeout: Timeout | float | None = None,
    ) -> Response:
        """Send a request with retries and return the final response (any status).

        Args:
            method: HTTP method.
            path: Path relative to ``base_url``, or an absolute URL.
            json: A JSON-serialisable body.
            content: A raw body (ignored when ``json`` is given).
            headers: Extra headers for this request.
            idempotent: Whether replaying the request is harmless; default by method
                (``POST``/``PATCH`` are not). Non-idempotent requests are retried only
                when the server provably did not process them.
            idempotency_key: ``True`` to generate a key once for all attempts (or the key
                itself), when the transport has an ``idempotency_header``.
            tokens: Estimated tokens, for the rate limiter.
            timeout: Overrides the transport's timeout for this call.

        Raises:
            NetworkError: No response after the allowed attempts.
            RequestTimeout: A timeout fired on the last attempt, or the total deadline ran out.
            CircuitOpenError: The breaker is open.
        """
        url = self.url(path)
        hdrs, body, state = self._prepare(
            method, json, content, headers, idempotent, idempotency_key, timeout
        )
        while True:
            state.begin_attempt()
            _sleep.sleep(self._reserve(state, tokens))
            attempt = self._attempt_timeouts(state)
            guard = watch(state.remaining())
            try:
                raw = self._open_sync(method, url, body, hdrs, attempt, guard)
                try:
                    data = self._read_sync(raw, url, state)
                finally:
                    raw.close()
            except self._httpx.TransportError as exc:
                failure = httpx_failure(exc, attempt)
                decision = state.on_failure(failure)
                if guard is not None and guard.fired:
                    self._give_up(method, url, state, "deadline")
                    raise state.total_timeout() from exc
                if not decision.retry:
                    self._give_up(method, url, state, decision.reason)
                    raise state.error_for(failure, url) from exc
                self._before_retry(method, url, state, decision, None)
                _sleep.sleep(decision.delay)
                continue
            finally:
                if guard is not None:
                    guard.cancel()
            decision = state.on_response(raw.status_code, raw.headers, data)
            if not decision.retry:
                if raw.status_code >= 400:
                    self._give_up(method, url, state, decision.reason)
                return self._response(state, url, raw.status_code, raw.headers, data)
            self._before_retry(method, url, state, decision, raw.status_code)
            _sleep.sleep(decision.delay)

    def _open_sync(
        self,
        method: str,
        url: str,
        body: bytes | None,
        hdrs: Mapping[str, str],
        attempt: AttemptTimeouts,
        guard: Watch | None,
    ) -> httpx.Response:
        """Send one attempt; return once the headers arrived (the body is still to read)."""
        httpx_timeout = (
            self._default_httpx_timeout if attempt is self._default_attempt else attempt.to_httpx()
        )
        request = self._client.build_request(
            method,
            url,
            content=body,
            headers=hdrs,
            timeout=httpx_timeout,
            extensions=None if guard is None else {"trace": guard.trace},
        )
        raw = self._client.send(request, stream=True)
        if guard is not None:
            guard.attach(raw.extensions.get("network_stream"))
        return raw

    def _read_sync(self, raw: httpx.Response, url: str, state: CallState) -> bytes:
        """The whole decoded body, at most ``max_response_bytes``."""
        decoder, chunks = _sync_chunks(raw, self.max_response_bytes, url)
        parts: list[bytes] = []
        try:
            for chunk in chunks:
                parts.extend(decoder.feed(chunk))
            parts.extend(decoder.flush())
        except (ResponseTooLargeError, StreamError) as exc:
            exc.attempts = state.attempts
            exc.retries_taken = state.attempts - 1
            raise
        return b"".join(parts)

    @contextmanager
    def stream(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        tokens: int = 0,
        timeout: Timeout | float | None = None,
    ) -> Iterator[StreamResponse]:
        """Send a request and stream the response body.

        Retries happen only before the body starts (status-based or connection errors);
        an error body is read fully before the response is yielded. Arguments as for
        :meth:`request`.
        """
        url = self.url(path)
        hdrs, body, state = self._prepare(method, json, content, headers, idempotent, None, timeout)
        while True:
            state.begin_attempt()
            _sleep.sleep(self._reserve(state, tokens))
            attempt = self._attempt_timeouts(state)
            guard = watch(state.remaining())
            try:
                try:
                    raw = self._open_sync(method, url, body, hdrs, attempt, guard)
                except self._httpx.TransportError as exc:
                    failure = httpx_failure(exc, attempt)
                    decision = state.on_failure(failure)
                    if guard is not None and guard.fired:
                        self._give_up(method, url, state, "deadline")
                        raise state.total_timeout() from exc
                    if not decision.retry:
                        self._give_up(method, url, state, decision.reason)
                        raise state.error_for(failure, url) from exc
                    self._before_retry(method, url, state, decision, None)
                    _sleep.sleep(decision.delay)
                    continue
                try:
                    error_body = b""
                    if raw.status_code >= 400:
                        error_body = self._read_sync_guarded(raw, url, state, attempt, guard)
                    decision = state.on_response(raw.status_code, raw.headers, error_body)
                    if decision.retry:
                        self._before_retry(method, url, state, decision, raw.status_code)
                    else:
                        yield StreamResponse(
                            raw.status_code,
                            raw.headers,
                            lines=self._sync_lines(raw, attempt, state, url, guard),
                            read=partial(self._read_sync_guarded, raw, url, state, attempt, guard),
                            url=url,
                            attempts=state.attempts,
                            elapsed=_sleep.monotonic() - state.start,
                        )
                        return
                finally:
                    raw.close()
            finally:
                if guard is not None:
                    guard.cancel()
            _sleep.sleep(decision.delay)

    def _read_sync_guarded(
        self,
        raw: httpx.Response,
        url: str,
        state: CallState,
        attempt: AttemptTimeouts,
        guard: Watch | None,
    ) -> bytes:
        try:
            return self._read_sync(raw, url, state)
        except self._httpx.TransportError as exc:
            if guard is not None and guard.fired:
                raise state.total_timeout() from exc
            raise state.error_for(httpx_failure(exc, attempt), url) from exc

    def _sync_lines(
        self,
        raw: httpx.Response,
        attempt: AttemptTimeouts,
        state: CallState,
        url: str,
        guard: Watch | None,
    ) -> Callable[[], Iterator[str]]:
        limit = self.max_response_bytes

        def lines() -> Iterator[str]:
            decoder, chunks = _sync_chunks(raw, limit, url)
            splitter = LineSplitter()
            try:
                for chunk in chunks:
                    for piece in decoder.feed(chunk):
                        yield from splitter.feed(piece)
                for piece in decoder.flush():
                    yield from splitter.feed(piece)
            except self._httpx.TransportError as exc:
                if guard is not None and guard.fired:
                    raise state.total_timeout() from exc
                failure = httpx_failure(exc, attempt)
                error = state.error_for(failure, url)
                if failure.timed_out:
                    raise error from exc
                raise StreamError(f"stream from {url} was cut: {error}") from exc
            yield from splitter.flush()

        return lines

    def close(self) -> None:
        """Close the pooled connections (sync client; async sessions of other loops too)."""
        self._closed = True
        self._client.close()
        if self._loops_:
            self._loops_.close_all_threadsafe()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- async -------------------------------------------------------------------------
    async def arequest(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        idempotency_key: str | bool | None = None,
        tokens: int = 0,
        timeout: Timeout | float | None = None,
    ) -> Response:
        """Async twin of :meth:`request`."""
        url = self.url(path)
        hdrs, body, state = self._prepare(
            method, json, content, headers, idempotent, idempotency_key, timeout
        )
        backend = self._loops.get()
        while True:
            state.begin_attempt()
            await _sleep.asleep(self._reserve(state, tokens))
            attempt = self._attempt_timeouts(state)
            try:
                async with _deadline(state):
                    raw = await backend.open(method, url, hdrs, body, attempt)
                    try:
                        data = await self._read_async(raw, url, state)
                    finally:
                        await raw.aclose()
            except AttemptFailure as failure:
                decision = state.on_failure(failure)
                if not decision.retry:
                    self._give_up(method, url, state, decision.reason)
                    raise state.error_for(failure, url) from failure.__cause__
                self._before_retry(method, url, state, decision, None)
                await _sleep.asleep(decision.delay)
                continue
            except _DeadlineExceeded as exc:
                self._give_up(method, url, state, "deadline")
                raise state.total_timeout() from exc
            decision = state.on_response(raw.status_code, raw.headers, data)
            if not decision.retry:
                if raw.status_code >= 400:
                    self._give_up(method, url, state, decision.reason)
                return self._response(state, url, raw.status_code, raw.headers, data)
            self._before_retry(method, url, state, decision, raw.status_code)
            await _sleep.asleep(decision.delay)

    async def _read_async(self, raw: AsyncOpenStream, url: str, state: CallState) -> bytes:
        decoder = BodyDecoder(raw.headers, self.max_response_bytes, url)
        parts: list[bytes] = []
        try:
            async for chunk in raw.aiter_raw():
                parts.extend(decoder.feed(chunk))
            parts.extend(decoder.flush())
        except (ResponseTooLargeError, StreamError) as exc:
            exc.attempts = state.attempts
            exc.retries_taken = state.attempts - 1
            raise
        return b"".join(parts)

    @asynccontextmanager
    async def astream(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        tokens: int = 0,
        timeout: Timeout | float | None = None,
    ) -> AsyncIterator[AsyncStreamResponse]:
        """Async twin of :meth:`stream`."""
        url = self.url(path)
        hdrs, body, state = self._prepare(method, json, content, headers, idempotent, None, timeout)
        backend = self._loops.get()
        while True:
            state.begin_attempt()
            await _sleep.asleep(self._reserve(state, tokens))
            attempt = self._attempt_timeouts(state)
            try:
                async with _deadline(state):
                    raw = await backend.open(method, url, hdrs, body, attempt)
            except AttemptFailure as failure:
                decision = state.on_failure(failure)
                if not decision.retry:
                    self._give_up(method, url, state, decision.reason)
                    raise state.error_for(failure, url) from failure.__cause__
                self._before_retry(method, url, state, decision, None)
                await _sleep.asleep(decision.delay)
                continue
            except _DeadlineExceeded as exc:
                self._give_up(method, url, state, "deadline")
                raise state.total_timeout() from exc
            try:
                error_body = b""
                if raw.status_code >= 400:
                    error_body = await self._aread_guarded(raw, url, state)
                decision = state.on_response(raw.status_code, raw.headers, error_body)
                if decision.retry:
                    self._before_retry(method, url, state, decision, raw.status_code)
                else:
                    yield AsyncStreamResponse(
                        raw.status_code,
                        raw.headers,
                        lines=self._async_lines(raw, state, url),
                        read=partial(self._aread_guarded, raw, url, state),
                        url=url,
                        attempts=state.attempts,
                        elapsed=_sleep.monotonic() - state.start,
                    )
                    return
            finally:
                await raw.aclose()
            await _sleep.asleep(decision.delay)

    async def _aread_guarded(self, raw: AsyncOpenStream, url: str, state: CallState) -> bytes:
        try:
            async with _deadline(state):
                return await self._read_async(raw, url, state)
        except AttemptFailure as failure:
            raise state.error_for(failure, url) from failure.__cause__
        except _DeadlineExceeded as exc:
            raise state.total_timeout() from exc

    def _async_lines(
        self, raw: AsyncOpenStream, state: CallState, url: str
    ) -> Callable[[], AsyncIterator[str]]:
        limit = self.max_response_bytes

        async def lines() -> AsyncIterator[str]:
            decoder = BodyDecoder(raw.headers, limit, url)
            splitter = LineSplitter()
            chunks = raw.aiter_raw()
            try:
                while True:
                    # The deadline covers each wait for the network, never the caller's
                    # work between lines (a timeout around a `yield` would cancel the caller).
                    async with _deadline(state):
                        chunk = await anext(chunks, None)
                    pieces = decoder.feed(chunk) if chunk is not None else decoder.flush()
                    for piece in pieces:
                        for line in splitter.feed(piece):
                            yield line
                    if chunk is None:
                        break
            except AttemptFailure as failure:
                error = state.error_for(failure, url)
                if failure.timed_out:
                    raise error from failure
                raise StreamError(f"stream from {url} was cut: {error}") from failure
            except _DeadlineExceeded as exc:
                raise state.total_timeout() from exc
            finally:
                await chunks.aclose()  # type: ignore[attr-defined]
            for line in splitter.flush():
                yield line

        return lines

    async def aclose(self) -> None:
        """Close the running loop's async session and the sync client."""
        await self._loops.aclose()
        self.close()

    async def __aenter__(self) -> Transport:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"Transport(name={self.name!r}, base_url={redact(self.base_url)!r})"


def _sync_chunks(raw: httpx.Response, limit: int, url: str) -> tuple[BodyDecoder, Iterator[bytes]]:
    """A decoder and the raw chunks it decodes (a body built in memory is already decoded)."""
    if raw.is_stream_consumed:  # e.g. an `httpx.Response(content=...)` of a mock transport
        return BodyDecoder({}, limit, url), iter((raw.content,))
    return BodyDecoder(raw.headers, limit, url), raw.iter_raw()


class _DeadlineExceeded(Exception):
    """The call's total deadline passed while awaiting the network (internal)."""


class _deadline:  # used as `async with _deadline(state)`
    """``asyncio.timeout`` for the call's remaining time, raising :class:`_DeadlineExceeded`.

    A distinct exception keeps it apart from the builtin ``TimeoutError`` that
    :class:`~graph_sitter.http.errors.RequestTimeout` also derives from.
    """

    __slots__ = ("_state", "_timeout")

    def __init__(self, state: CallState) -> None:
        self._state = state
        self._timeout: asyncio.Timeout | None = None

    async def __aenter__(self) -> None:
        remaining = self._state.remaining()
        if not math.isinf(remaining):
            self._timeout = asyncio.timeout(max(remaining, 0.0))
            await self._timeout.__aenter__()

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        timeout = self._timeout
        if timeout is None:
            return
        try:
            await timeout.__aexit__(exc_type, exc, tb)
        except TimeoutError as error:
            if timeout.expired():
                raise _DeadlineExceeded() from error
            raise
