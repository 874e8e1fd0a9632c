"""The send pipeline: cache lookup, then the call (with tool fallback), then the finish.

:func:`send` is the one way an :class:`~graph_sitter.ai.request.AIRequest` reaches a
provider::

    cache lookup        a hit is answered (and recorded) without counting a request
    call                request limit, provider.generate_response; the ``answer`` tool is
                        dropped (once per provider and model) when the vendor rejects tools
    finish              answer extraction, the caller's check, cache store

Each call writes exactly one usage-ledger row, in ``finally``, with the attempt records
:func:`~graph_sitter.ai.attempts.record_attempts` collected during it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from graph_sitter.ai.attempts import AttemptRecord, record_attempts
from graph_sitter.ai.cache import request_key, storable
from graph_sitter.ai.errors import AIProviderError, MalformedResponseError, ProviderRequestError
from graph_sitter.ai.providers.base import AIProvider, AIResponse
from graph_sitter.ai.request import (
    ANSWER_TOOL,
    FORCE_ANSWER,
    AIRequest,
    cacheable,
    effective_request,
    members,
    plain,
)
from graph_sitter.ai.usage import UsageRecord

if TYPE_CHECKING:
    from graph_sitter.ai.session import Session

__all__ = ["answer_of", "send"]

logger = logging.getLogger("graph_sitter.ai")


def answer_of(response: AIResponse, tools: bool) -> tuple[str, str]:
    """``(answer, via)``: the ``answer`` tool argument, else the text, exactly as sent."""
    if tools:
        for call in response.tool_calls:
            function = call.get("function") or {}
            if function.get("name") != "answer":
                continue
            arguments = function.get("arguments")
            try:
                parsed = json.loads(arguments) if isinstance(arguments, str) else arguments
            except ValueError:
                parsed = None
            if isinstance(parsed, Mapping) and isinstance(parsed.get("answer"), str):
                return str(parsed["answer"]), "tool"
            if response.content:
                return response.content, "text"
            raise MalformedResponseError(
                f"{response.provider_name} called the answer tool with arguments that are not "
                f"a JSON object with a string 'answer': {str(arguments)[:120]!r}",
                provider=response.provider_name,
                request_id=response.request_id,
            )
    if response.content:
        return response.content, "text"
    raise MalformedResponseError(
        f"{response.provider_name} returned neither text nor an answer tool call",
        provider=response.provider_name,
        request_id=response.request_id,
    )


def _tools_rejected(exc: ProviderRequestError) -> bool:
    text = str(exc).lower()
    return "tool" in text or "function" in text


# -- cache values --------------------------------------------------------------------------
def _to_cache(response: AIResponse, answer: str, via: str) -> dict[str, Any]:
    return {
        "answer": answer,
        "via": via,
        "content": response.content,
        "provider_name": response.provider_name,
        "model": response.model,
        "usage": dict(response.usage),
        "finish_reason": response.finish_reason,
        "request_id": response.request_id,
        "cost_usd": response.cost_usd,
        "tool_calls": [dict(c) for c in response.tool_calls],
        "providers_tried": list(response.metadata.get("providers_tried", []) or []),
        "stored_at": time.time(),
    }


def _from_cache(value: Mapping[str, Any], started: float) -> tuple[AIResponse, str, str]:
    response = AIResponse(
        content=str(value.get("content") or ""),
        provider_name=str(value.get("provider_name") or ""),
        model=str(value.get("model") or ""),
        usage=dict(value.get("usage") or {}),
        metadata={"finish_reason": value.get("finish_reason"), "cached_at": value.get("stored_at")},
        raw_response=None,
        response_time=time.perf_counter() - started,
        request_id=value.get("request_id"),
        retries_taken=0,
        cost_usd=0.0,
        cached=True,
        tool_calls=tuple(value.get("tool_calls") or ()),
        finish_reason=value.get("finish_reason"),
    )
    return response, str(value["answer"]), str(value.get("via") or "text")


def _annotate(
    response: AIResponse, request: AIRequest, key: str, answer: str, via: str
) -> AIResponse:
    """The response as callers see it: ``content`` is the answer, however it came.

    An answer given through the ``answer`` tool becomes ``content``; the vendor's own text
    (often ``""``) stays in ``metadata["raw_content"]`` and the call in ``tool_calls``.
    """
    metadata = {
        **response.metadata,
        "operation": request.operation,
        "target": request.name or None,
        "context": request.context.summary(),
        "cache_key": key,
        "answer_via": via,
        "raw_content": response.content,
    }
    return dataclasses.replace(response, content=answer, metadata=metadata)


# -- the usage ledger ----------------------------------------------------------------------
def _log_usage(
    session: Session,
    request: AIRequest,
    *,
    provider: str,
    model: str,
    started: float,
    response: AIResponse | None = None,
    error: AIProviderError | None = None,
    attempts: Sequence[AttemptRecord] = (),
) -> None:
    ledger = session.ledger()
    if ledger is None:
        return
    usage = response.usage if response is not None and not response.cached else {}
    retries = 0
    if attempts:
        retries = len(attempts) - 1
    elif response is not None:
        retries = response.retries_taken
    elif error is not None and error.attempts:
        retries = max(0, error.attempts - 1)
    ledger.record(
        UsageRecord(
            ts=time.time(),
            operation=request.operation,
            provider=(
                response.provider_name
                if response is not None
                else (attempts[-1].provider if attempts else provider)
            ),
            model=response.model if response is not None else model,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            total_tokens=int(usage.get("total_tokens", 0)),
            cost_usd=response.cost_usd if response is not None else None,
            latency_s=time.perf_counter() - started,
            status="ok" if error is None else type(error).__name__,
            retries=retries,
            cached=bool(response is not None and response.cached),
            request_id=(
                response.request_id
                if response is not None
                else (error.request_id if error is not None else None)
            ),
            attempts=tuple(attempts),
        )
    )


# -- the pipeline --------------------------------------------------------------------------
def _call(
    session: Session,
    provider: AIProvider,
    request: AIRequest,
    tools: bool,
    started: float,
    validate: Callable[[str], None] | None,
) -> tuple[AIResponse, str, str]:
    """One counted provider call and its answer; one ledger row, whatever the outcome."""
    session.reserve_request()
    requested_model = request.model or provider.get_default_model()
    attempts: list[AttemptRecord] = []
    response: AIResponse | None = None
    error: AIProviderError | None = None
    answered = False
    try:
        with record_attempts() as attempts:
            response = provider.generate_response(
                request.user,
                request.system,
                request.model,
                request.temperature,
                request.max_tokens,
                [ANSWER_TOOL] if tools else None,
                FORCE_ANSWER if tools else None,
                **dict(request.extra),
            )
        answer, via = answer_of(response, tools)
        if validate is not None:
            validate(answer)
        answered = True
        return response, answer, via
    except AIProviderError as exc:
        error = exc
        raise
    finally:
        if error is not None:
            _log_usage(
                session,
                request,
                provider=provider.provider_name,
                model=requested_model,
                started=started,
                error=error,
                attempts=attempts,
            )
        elif answered and response is not None:
            _log_usage(
                session,
                request,
                provider="",
                model="",
                started=started,
                response=response,
                attempts=attempts,
            )


def send(
    session: Session, request: AIRequest, validate: Callable[[str], None] | None = None
) -> tuple[AIResponse, str]:
    """Cache lookup, request limit, provider call, answer extraction, ledger, cache store.

    Args:
        session: The codebase's session (limits, providers, stores).
        request: What to send.
        validate: Checks the answer; an :class:`AIProviderError` it raises is recorded as
            the call's outcome and nothing is cached.

    Returns:
        ``(response, answer)``; the response's ``content`` is the answer, its metadata
        gains ``operation``, ``target``, ``context``, ``cache_key``, ``answer_via`` and
        ``raw_content`` (the vendor's own text).
    """
    provider = session.provider(request.provider_name)
    session.ledger()  # opened before the call: a bad ledger setting fails before any spend
    tools = request.tools and provider.supports_tools
    if tools and session.options.use_tools is False:
        tools = False
    members_key = ",".join(f"{m.provider_name}:{request.model}" for m in members(provider))
    if members_key in session.no_tools:
        tools = False
    if not tools and request.tools:
        request = plain(request)
    started = time.perf_counter()
    store = session.cache_store() if cacheable(request) else None
    key = request_key(effective_request(provider, request, tools))
    if store is not None:
        hit = store.get(key)
        if hit is not None and "answer" in hit:
            response, answer, via = _from_cache(hit, started)
            response = _annotate(response, request, key, answer, via)
            _log_usage(session, request, provider="", model="", started=started, response=response)
            return response, answer
    while True:
        try:
            response, answer, via = _call(session, provider, request, tools, started, validate)
        except ProviderRequestError as exc:
            if not (tools and _tools_rejected(exc)):
                raise
            logger.info(
                "ai.tools_unsupported provider=%s model=%s (asking for plain text)",
                provider.provider_name,
                request.model or provider.get_default_model(),
            )
            session.no_tools.add(members_key)
            tools = False
            request = plain(request)
            key = request_key(effective_request(provider, request, tools))
            continue
        break
    raw = response
    response = _annotate(response, request, key, answer, via)
    if store is not None and storable(response.finish_reason, answer):
        store.set(key, _to_cache(raw, answer, via), session.options.cache_ttl)
    return response, answer
