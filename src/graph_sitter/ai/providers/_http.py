"""Shared machinery of providers that speak HTTP through :class:`graph_sitter.http.Transport`.

:class:`HTTPProvider` is a template: the sync, async and streaming calls are written once
here; a vendor module supplies request building, response parsing and error details. All
vendor and transport exceptions are translated to the :mod:`graph_sitter.ai.errors` tree
in this module (one boundary).
"""

from __future__ import annotations

import abc
import contextvars
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as dataclasses_replace
from typing import Any

from graph_sitter.ai.attempts import AttemptRecord, emit, is_recording, retry_error_name
from graph_sitter.ai.errors import (
    AIProviderError,
    ContextLengthExceededError,
    MalformedResponseError,
    ModelNotFoundError,
    ProviderAuthenticationError,
    ProviderCircuitOpenError,
    ProviderQuotaExceededError,
    ProviderRateLimitError,
    ProviderRequestError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from graph_sitter.ai.pricing import estimate_cost
from graph_sitter.ai.providers.base import AIProvider, AIResponse
from graph_sitter.ai.stats import CallRecord
from graph_sitter.http import (
    BreakerState,
    CircuitOpenError,
    RequestTimeout,
    Response,
    ResponseTooLargeError,
    RetryEvent,
    ServerSentEvent,
    SSEDecoder,
    StreamError,
    Transport,
    TransportError,
    redact,
)
from graph_sitter.http.retry import is_quota_exhausted

__all__ = ["ChatCall", "HTTPProvider", "Parsed", "StreamDecoder", "StreamState"]

logger = logging.getLogger("graph_sitter.ai")


@dataclass(frozen=True, slots=True)
class ChatCall:
    """A built request: path, JSON payload, token estimate for the rate limiter."""

    path: str
    payload: dict[str, Any]
    tokens: int
    model: str
    timeout: float | None = None


@dataclass(frozen=True, slots=True)
class Parsed:
    """A vendor answer reduced to the fields every provider reports."""

    content: str
    model: str
    prompt_tokens: int | None
    completion_tokens: int | None
    finish_reason: str | None
    tool_calls: tuple[Mapping[str, Any], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class StreamState:
    """Accumulated facts of a stream (filled by the vendor's event parser)."""

    done: bool = False
    model: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None


def estimate_tokens(texts: Sequence[str], max_tokens: int | None) -> int:
    """A cheap token estimate for the rate limiter: ~4 characters per token."""
    return sum(len(t) for t in texts) // 4 + (max_tokens or 256)


@dataclass(slots=True)
class _CallTrace:
    """The attempts of one non-streamed call, rebuilt from the transport's retry events.

    Attempt ``n`` starts when attempt ``n - 1``'s retry event fired plus the backoff delay
    announced with it, and ends at the next retry event (or at the call's end).
    """

    owner: object
    method: str
    path: str
    model: str
    next_start: float
    retried: list[AttemptRecord] = field(default_factory=list)

    def on_retry(self, event: RetryEvent) -> None:
        now = time.perf_counter()
        record = AttemptRecord(
            ts=time.time(),
            provider=event.name,
            model=self.model,
            attempt=event.attempt,
            status="error",
            error=retry_error_name(event.status_code),
            status_code=event.status_code,
            latency_s=max(0.0, now - self.next_start),
        )
        self.retried.append(record)
        self.next_start = now + event.delay


_TRACE: contextvars.ContextVar[_CallTrace | None] = contextvars.ContextVar(
    "graph_sitter_ai_call_trace", default=None
)


class HTTPProvider(AIProvider):
    """A provider whose vendor is reached over HTTP with the shared transport.

    Args:
        transport: The transport (built by the subclass from its settings).
        default_model: The model used when none is given.
        validation_ttl: Seconds a credential check stays cached.
    """

    models_path = "/models"
    #: Prefixes of this vendor's model names (routing decided without a network call).
    model_prefixes: tuple[str, ...] = ()
    #: Prefixes of other vendors' model names: never sent here.
    foreign_model_prefixes: tuple[str, ...] = ()

    def __init__(
        self, transport: Transport, *, default_model: str, validation_ttl: float = 300.0
    ) -> None:
        super().__init__(validation_ttl=validation_ttl)
        self._transport = transport
        self.default_model = default_model
        self._models: list[str] | None = None
        self._models_lock = threading.Lock()

    # -- vendor hooks ----------------------------------------------------------------------
    @abc.abstractmethod
    def _build(
        self,
        prompt: str,
        system_prompt: str | None,
        model: str,
        temperature: float,
        max_tokens: int | None,
        tools: Sequence[Mapping[str, Any]] | None,
        tool_choice: str | Mapping[str, Any] | None,
        stream: bool,
        kwargs: dict[str, Any],
    ) -> ChatCall:
        """Build the vendor request."""

    @abc.abstractmethod
    def _parse(self, data: Any, model: str) -> Parsed:
        """Reduce a decoded 2xx body; raise a ``ProviderResponseError`` if unusable."""

    @abc.abstractmethod
    def _error_details(self, data: Any) -> tuple[str, str | None]:
        """``(message, code_or_type)`` from a decoded error body."""

    @abc.abstractmethod
    def _stream_event(self, event: ServerSentEvent, state: StreamState) -> str | None:
        """Text carried by one stream event (updating ``state``), or ``None``."""

    @abc.abstractmethod
    def _parse_models(self, data: Any) -> list[str]:
        """Model ids from the models endpoint's body."""

    def _is_context_overflow(self, message: str, code: str | None) -> bool:
        return code == "context_length_exceeded" or "maximum context length" in message.lower()

    # -- error translation (the one boundary) ----------------------------------------------
    def _error_from_response(self, response: Response) -> AIProviderError:
        name = self.provider_name
        status = response.status_code
        request_id = response.request_id
        try:
            message, code = self._error_details(json.loads(response.content))
        except (ValueError, AttributeError, TypeError, KeyError, RecursionError):
            message, code = response.text[:300] or f"HTTP {status}", None
        common: dict[str, Any] = {
            "provider": name,
            "status_code": status,
            "request_id": request_id,
            "attempts": response.attempts,
        }
        if status in (401, 403):
            hint = "check the API key" if status == 401 else "the key lacks access"
            return ProviderAuthenticationError(
                f"{name} rejected the request: {message} ({hint})", **common
            )
        if status == 429:
            if is_quota_exhausted(response.content):
                return ProviderQuotaExceededError(
                    f"{name} quota exhausted: {message} (check billing; not retried)", **common
                )
            retry_after = response.retry_after
            return ProviderRateLimitError(
                f"{name} rate limit: {message} (gave up after {response.attempts} attempt(s))",
                retry_after=retry_after,
                **common,
            )
        if status == 408:
            return ProviderTimeoutError(
                f"{name} timed out on its side: {message}",
                provider=name,
                timeout_duration=response.elapsed,
                attempts=response.attempts,
            )
        if status >= 500:
            return ProviderUnavailableError(f"{name} is unavailable: {message}", **common)
        if self._is_context_overflow(message, code):
            return ContextLengthExceededError(
                f"{name}: {message} (shorten the prompt or lower max_tokens)", **common
            )
        if status == 404 or code == "model_not_found":
            return ModelNotFoundError(f"{name}: {message}", **common)
        if status in (400, 409, 413, 422):
            return ProviderRequestError(f"{name} rejected the request: {message}", **common)
        return AIProviderError(f"{name} answered HTTP {status}: {message}", **common)

    def _error_from_transport(self, exc: TransportError) -> AIProviderError:
        name = self.provider_name
        if isinstance(exc, RequestTimeout):
            return ProviderTimeoutError(
                f"{name}: {exc}",
                provider=name,
                timeout_duration=exc.timeout_duration,
                attempts=exc.attempts,
            )
        if isinstance(exc, CircuitOpenError):
            return ProviderCircuitOpenError(
                f"{name} is temporarily skipped after repeated failures",
                provider=name,
                retry_after=exc.retry_after,
            )
        if isinstance(exc, ResponseTooLargeError):
            return MalformedResponseError(f"{name}: {exc}", provider=name, attempts=exc.attempts)
        if isinstance(exc, StreamError):
            return ProviderUnavailableError(f"{name}: {exc}", provider=name, attempts=exc.attempts)
        return ProviderUnavailableError(
            f"{name} could not be reached: {exc}", provider=name, attempts=exc.attempts
        )

    # -- request/response ------------------------------------------------------------------
    def _on_retry(self, event: RetryEvent) -> None:
        if event.status_code == 429:
            self._stats.add_rate_limited()
        trace = _TRACE.get()
        if trace is not None and trace.owner is self:
            trace.on_retry(event)

    def _trace(self, call: ChatCall, started: float) -> contextvars.Token[_CallTrace | None]:
        if not self._attempts_wanted():
            return _TRACE.set(None)
        return _TRACE.set(_CallTrace(self, "POST", call.path, call.model, started))

    @staticmethod
    def _attempts_wanted() -> bool:
        """Whether anyone takes attempt records (a recorder, or DEBUG logging): building them
        costs a few microseconds per call, so nobody pays when nobody looks."""
        return is_recording() or logger.isEnabledFor(logging.DEBUG)

    def _emit_attempts(self, final: AttemptRecord) -> None:
        """Emit (and log at DEBUG) the retried attempts of this call, then the final one."""
        trace = _TRACE.get()
        records: list[AttemptRecord] = []
        method, path = "POST", ""
        if trace is not None and trace.owner is self:
            method, path = trace.method, trace.path
            if trace.retried:
                records.extend(trace.retried)
                latency = max(0.0, time.perf_counter() - trace.next_start)
                number = len(trace.retried) + 1
                final = dataclasses_replace(final, attempt=number, latency_s=latency)
                trace.retried = []
        records.append(final)
        debug = logger.isEnabledFor(logging.DEBUG)
        url = redact(self._transport.url(path)) if debug and path else path
        for record in records:
            emit(record)
            if debug:
                logger.debug(
                    "ai.attempt provider=%s method=%s url=%s attempt=%d status=%s "
                    "http_status=%s latency_ms=%.1f error=%s",
                    record.provider,
                    method,
                    url,
                    record.attempt,
                    record.status,
                    record.status_code,
                    record.latency_s * 1000.0,
                    record.error,
                )

    def _fail(self, error: AIProviderError, started: float, retries: int) -> AIProviderError:
        elapsed = time.perf_counter() - started
        self._stats.record(
            CallRecord(
                success=False,
                latency=elapsed,
                retries=retries,
                rate_limited=1 if error.status_code == 429 else 0,
            )
        )
        if not self._attempts_wanted():
            return error
        trace = _TRACE.get()
        self._emit_attempts(
            AttemptRecord(
                ts=time.time(),
                provider=self.provider_name,
                model=trace.model if trace is not None else self.default_model,
                attempt=retries + 1,
                status="error",
                error=type(error).__name__,
                status_code=error.status_code,
                latency_s=elapsed,
                request_id=error.request_id,
            )
        )
        return error

    def _finish(self, response: Response, call: ChatCall, started: float) -> AIResponse:
        if response.status_code >= 400:
            raise self._fail(self._error_from_response(response), started, response.retries_taken)
        try:
            data = json.loads(response.content)
        except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply
            raise self._fail(
                MalformedResponseError(
                    f"{self.provider_name} returned a body that is not JSON: "
                    f"{response.text[:120]!r}",
                    provider=self.provider_name,
                    status_code=response.status_code,
                    request_id=response.request_id,
                ),
                started,
                response.retries_taken,
            ) from None
        try:
            parsed = self._parse(data, call.model)
        except AIProviderError as exc:
            exc.status_code = response.status_code
            exc.request_id = response.request_id
            raise self._fail(exc, started, response.retries_taken) from None
        except RecursionError:
            raise self._fail(
                MalformedResponseError(
                    f"{self.provider_name} returned JSON nested too deeply to use",
                    provider=self.provider_name,
                    status_code=response.status_code,
                    request_id=response.request_id,
                ),
                started,
                response.retries_taken,
            ) from None
        return self._success(parsed, data, response, started)

    def _success(
        self, parsed: Parsed, data: Any, response: Response | None, started: float
    ) -> AIResponse:
        elapsed = time.perf_counter() - started
        usage: dict[str, int] = {}
        prompt = parsed.prompt_tokens or 0
        completion = parsed.completion_tokens or 0
        cost = None
        if parsed.prompt_tokens is not None or parsed.completion_tokens is not None:
            usage = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            }
            cost = estimate_cost(parsed.model, prompt, completion)
        retries = response.retries_taken if response is not None else 0
        self._stats.record(
            CallRecord(
                success=True,
                latency=elapsed,
                retries=retries,
                model=parsed.model,
                prompt_tokens=prompt,
                completion_tokens=completion,
                cost_usd=cost,
            )
        )
        if self._attempts_wanted():
            self._emit_final_ok(parsed, response, elapsed, retries, prompt, completion, cost)
        metadata: dict[str, Any] = {"finish_reason": parsed.finish_reason, **parsed.extra}
        return AIResponse(
            content=parsed.content,
            provider_name=self.provider_name,
            model=parsed.model,
            usage=usage,
            metadata=metadata,
            raw_response=data,
            response_time=elapsed,
            request_id=response.request_id if response is not None else None,
            retries_taken=retries,
            cost_usd=cost,
            tool_calls=parsed.tool_calls,
            finish_reason=parsed.finish_reason,
        )

    def _emit_final_ok(
        self,
        parsed: Parsed,
        response: Response | None,
        elapsed: float,
        retries: int,
        prompt: int,
        completion: int,
        cost: float | None,
    ) -> None:
        self._emit_attempts(
            AttemptRecord(
                ts=time.time(),
                provider=self.provider_name,
                model=parsed.model,
                attempt=retries + 1,
                status="ok",
                status_code=response.status_code if response is not None else None,
                latency_s=elapsed,
                prompt_tokens=prompt,
                completion_tokens=completion,
                total_tokens=prompt + completion,
                cost_usd=cost,
                request_id=response.request_id if response is not None else None,
            )
        )

    def _prepare(
        self,
        prompt: str,
        system_prompt: str | None,
        model: str | None,
        temperature: float,
        max_tokens: int | None,
        tools: Sequence[Mapping[str, Any]] | None,
        tool_choice: str | Mapping[str, Any] | None,
        stream: bool,
        kwargs: dict[str, Any],
    ) -> ChatCall:
        if self._closed:
            raise ProviderUnavailableError(
                f"{self.provider_name} provider is closed", provider=self.provider_name
            )
        return self._build(
            prompt,
            system_prompt,
            model or self.default_model,
            temperature,
            max_tokens,
            tools,
            tool_choice,
            stream,
            kwargs,
        )

    # -- public calls ----------------------------------------------------------------------
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
        """See :meth:`AIProvider.generate_response`."""
        call = self._prepare(
            prompt, system_prompt, model, temperature, max_tokens, tools, tool_choice, False, kwargs
        )
        started = time.perf_counter()
        token = self._trace(call, started)
        try:
            try:
                response = self._transport.request(
                    "POST",
                    call.path,
                    json=call.payload,
                    idempotent=True,
                    tokens=call.tokens,
                    timeout=call.timeout,
                )
            except TransportError as exc:
                error = self._error_from_transport(exc)
                raise self._fail(error, started, exc.retries_taken) from exc
            return self._finish(response, call, started)
        finally:
            _TRACE.reset(token)

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
        """See :meth:`AIProvider.agenerate_response`."""
        call = self._prepare(
            prompt, system_prompt, model, temperature, max_tokens, tools, tool_choice, False, kwargs
        )
        started = time.perf_counter()
        token = self._trace(call, started)
        try:
            try:
                response = await self._transport.arequest(
                    "POST",
                    call.path,
                    json=call.payload,
                    idempotent=True,
                    tokens=call.tokens,
                    timeout=call.timeout,
                )
            except TransportError as exc:
                error = self._error_from_transport(exc)
                raise self._fail(error, started, exc.retries_taken) from exc
            return self._finish(response, call, started)
        finally:
            _TRACE.reset(token)

    def _stream_finished(self, state: StreamState, call: ChatCall, started: float) -> None:
        if not state.done:
            raise self._fail(
                ProviderUnavailableError(
                    f"{self.provider_name} stream ended before completion (connection cut)",
                    provider=self.provider_name,
                ),
                started,
                0,
            )
        parsed = Parsed(
            content="",
            model=state.model or call.model,
            prompt_tokens=state.prompt_tokens,
            completion_tokens=state.completion_tokens,
            finish_reason=state.finish_reason,
        )
        self._success(parsed, None, None, started)

    def stream_response(
        self,
        prompt: str,
        system_prompt: str | None = None,
        model: str | None = None,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        **kwargs: Any,
    ) -> Iterator[str]:
        """Yield text chunks as the vendor streams them (Server-Sent Events).

        Raises:
            ProviderUnavailableError: If the stream is cut before its end marker.
            AIProviderError: As for :meth:`generate_response`, and for an error event.
        """
        tools = kwargs.pop("tools", None)
        tool_choice = kwargs.pop("tool_choice", None)
        call = self._prepare(
            prompt, system_prompt, model, temperature, max_tokens, tools, tool_choice, True, kwargs
        )
        started = time.perf_counter()
        decoder = StreamDecoder(self, call, started)
        try:
            with self._transport.stream(
                "POST",
                call.path,
                json=call.payload,
                idempotent=True,
                tokens=call.tokens,
                timeout=call.timeout,
            ) as response:
                if response.status_code >= 400:
                    full = Response(
                        response.status_code,
                        response.headers,
                        response.read(),
                        attempts=response.attempts,
                    )
                    raise self._fail(self._error_from_response(full), started, full.retries_taken)
                for line in response.iter_lines():
                    text = decoder.feed(line)
                    if text:
                        yield text
                    if decoder.done:
                        break
                text = decoder.flush()
                if text:
                    yield text
        except TransportError as exc:
            raise self._fail(self._error_from_transport(exc), started, exc.retries_taken) from exc
        decoder.finish()

    async def astream_response(
        self,
        prompt: str,
        system_prompt: str | None = None,
        model: str | None = None,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[str]:
        """Async twin of :meth:`stream_response`."""
        tools = kwargs.pop("tools", None)
        tool_choice = kwargs.pop("tool_choice", None)
        call = self._prepare(
            prompt, system_prompt, model, temperature, max_tokens, tools, tool_choice, True, kwargs
        )
        started = time.perf_counter()
        decoder = StreamDecoder(self, call, started)
        try:
            async with self._transport.astream(
                "POST",
                call.path,
                json=call.payload,
                idempotent=True,
                tokens=call.tokens,
                timeout=call.timeout,
            ) as response:
                if response.status_code >= 400:
                    full = Response(
                        response.status_code,
                        response.headers,
                        await response.aread(),
                        attempts=response.attempts,
                    )
                    raise self._fail(self._error_from_response(full), started, full.retries_taken)
                async for line in response.aiter_lines():
                    text = decoder.feed(line)
                    if text:
                        yield text
                    if decoder.done:
                        break
                text = decoder.flush()
                if text:
                    yield text
        except TransportError as exc:
            raise self._fail(self._error_from_transport(exc), started, exc.retries_taken) from exc
        decoder.finish()

    def _event_text(self, event: ServerSentEvent, state: StreamState, started: float) -> str | None:
        try:
            return self._stream_event(event, state)
        except AIProviderError as exc:
            raise self._fail(exc, started, 0) from None
        except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
            raise self._fail(
                MalformedResponseError(
                    f"{self.provider_name} sent a malformed stream event: {event.data[:120]!r}",
                    provider=self.provider_name,
                ),
                started,
                0,
            ) from exc

    # -- models and credentials ------------------------------------------------------------
    def _fetch_models(self) -> list[str]:
        try:
            response = self._transport.request("GET", self.models_path, timeout=30.0)
        except TransportError as exc:
            raise self._error_from_transport(exc) from exc
        if response.status_code >= 400:
            raise self._error_from_response(response)
        try:
            models = self._parse_models(response.json())
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            raise MalformedResponseError(
                f"{self.provider_name} returned an unexpected model list",
                provider=self.provider_name,
                status_code=response.status_code,
            ) from exc
        with self._models_lock:
            self._models = models
        return models

    def _check_credentials(self) -> bool:
        try:
            self._fetch_models()
        except ProviderAuthenticationError:
            return False
        return True

    def get_available_models(self) -> list[str]:
        """Model ids from the vendor's models endpoint (fetched once, then cached).

        Raises:
            AIProviderError: If the list cannot be fetched.
        """
        with self._models_lock:
            if self._models is not None:
                return list(self._models)
        return list(self._fetch_models())

    def get_default_model(self) -> str:
        """The model used when none is given."""
        return self.default_model

    def accepts_model(self, model: str) -> bool:
        """Whether this provider serves ``model``: by its name's prefix, else by the vendor's
        model list (fetched once; a list that cannot be fetched serves nothing)."""
        if model == self.default_model or model.startswith(self.model_prefixes):
            return True
        if model.startswith(self.foreign_model_prefixes):
            return False
        try:
            return model in self.get_available_models()
        except AIProviderError:
            return False

    @property
    def is_available(self) -> bool:
        """Configured, not closed, credentials not rejected, circuit not open."""
        if not super().is_available:
            return False
        breaker = self._transport.breaker
        return breaker is None or breaker.state is not BreakerState.OPEN

    def close(self) -> None:
        """Close the pooled connections."""
        super().close()
        self._transport.close()

    async def aclose(self) -> None:
        """Close this event loop's session and the sync connections."""
        super().close()
        await self._transport.aclose()


class StreamDecoder:
    """One streamed answer's decoding: SSE events, the vendor's event parser, the end check.

    The sync and async stream loops of :class:`HTTPProvider` only read lines and feed them
    here, so the two cannot drift apart (httpx's decoders work the same way).

    Args:
        provider: The provider whose ``_stream_event`` interprets events.
        call: The request, for the model reported when the stream names none.
        started: ``time.perf_counter()`` when the call began (for the stats).
    """

    __slots__ = ("_call", "_provider", "_sse", "_started", "state")

    def __init__(self, provider: HTTPProvider, call: ChatCall, started: float) -> None:
        self._provider = provider
        self._call = call
        self._started = started
        self._sse = SSEDecoder()
        self.state = StreamState()

    @property
    def done(self) -> bool:
        """Whether the vendor's end marker arrived (later lines are ignored)."""
        return self.state.done

    def feed(self, line: str) -> str | None:
        """Text carried by the event this line completes, if any."""
        if self.state.done:
            return None
        event = self._sse.feed(line)
        if event is None:
            return None
        return self._provider._event_text(event, self.state, self._started)

    def flush(self) -> str | None:
        """At the end of the body: the text of an event not closed by a blank line."""
        if self.state.done:
            return None
        event = self._sse.flush()
        if event is None:
            return None
        return self._provider._event_text(event, self.state, self._started)

    def finish(self) -> None:
        """Check the stream ended with its end marker and record the call's stats.

        Raises:
            ProviderUnavailableError: If the stream was cut before its end marker.
        """
        self._provider._stream_finished(self.state, self._call, self._started)
