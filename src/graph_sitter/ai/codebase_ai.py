"""``cb.ai``, ``cb.ai_edit``, ``cb.ai_map``, ``cb.ai_context``: the code graph meets the providers.

A thin facade: the ``Codebase`` delegates and the CLI call the functions below, which
compose the AI layer's parts::

    session.py      per-codebase options, request limit, providers and stores
                    (a WeakKeyDictionary keyed by codebase; Codebase.reset reaches it
                    through a core reset hook)
    request.py      the frozen AIRequest, built in one place: context.build(target),
                    prompt templates (graph_sitter/ai/prompts/*.txt), sampling options
    send.py         cache lookup -> call (tool fallback) -> answer, check, cache store;
                    one usage-ledger row per call
    edit_reply.py   is the reply to ai_edit a replacement of the target?
    ai_map.py       many targets through batch.run_batch (resumable journal)

Options are set with :func:`set_session_options`; see ``docs/codebase-ai.md`` for each
option and environment variable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph_sitter.ai import context as _context
from graph_sitter.ai.ai_map import map_targets
from graph_sitter.ai.edit_reply import check_replacement
from graph_sitter.ai.providers.base import AIProvider, AIResponse
from graph_sitter.ai.request import (
    ANSWER_TOOL,
    NOT_GIVEN,
    CallOptions,
    NotGiven,
    build_context,
    build_request,
    context_text,
    for_provider,
)
from graph_sitter.ai.send import send
from graph_sitter.ai.session import Session, SessionOptions, existing_session, get_session
from graph_sitter.core.symbols import Symbol

if TYPE_CHECKING:
    from graph_sitter.core.codebase import Codebase

__all__ = [
    "ANSWER_TOOL",
    "Session",
    "SessionOptions",
    "ai_client",
    "ask",
    "ask_response",
    "close",
    "context_for",
    "context_text",
    "edit",
    "get_session",
    "last_response",
    "map_targets",
    "reset",
    "set_ai_key",
    "set_session_options",
]


# -- session -------------------------------------------------------------------------------
def set_session_options(cb: Codebase, **options: Any) -> None:
    """Set session options (see :class:`SessionOptions`), e.g. ``max_ai_requests=150``.

    Raises:
        TypeError: An unknown option (the message lists the valid ones).
        ValueError: An invalid value.
    """
    get_session(cb).configure(**options)


def set_ai_key(cb: Codebase, key: str) -> None:
    """Upstream's ``Codebase.set_ai_key``: send this codebase's AI calls to OpenAI with ``key``.

    The same as ``set_session_options(provider="openai", provider_options={..., "api_key":
    key})``; other provider options are kept. The key is redacted from logs and errors.

    Raises:
        ValueError: ``key`` is empty or not a string.
    """
    from graph_sitter.http import register_secret

    if not isinstance(key, str) or not key.strip():
        raise ValueError("set_ai_key needs a non-empty API key string")
    register_secret(key)
    session = get_session(cb)
    options = {**dict(session.options.provider_options), "api_key": key}
    session.configure(provider="openai", provider_options=options)


def ai_client(cb: Codebase) -> AIProvider:
    """Upstream's ``Codebase.ai_client``: the provider (or fallback chain) the session uses,
    built on first use exactly as ``cb.ai`` builds it."""
    return get_session(cb).provider(None)


def reset(cb: Codebase) -> None:
    """Clear the session's request count (``Codebase.reset`` does this through its hook)."""
    session = existing_session(cb)
    if session is not None:
        session.reset()


def close(cb: Codebase) -> None:
    """Close the session's providers and stores (they reopen on the next call)."""
    session = existing_session(cb)
    if session is not None:
        session.close()


def last_response(cb: Codebase) -> AIResponse | None:
    """The :class:`AIResponse` behind the latest ``cb.ai``/``cb.ai_edit`` answer."""
    session = existing_session(cb)
    return None if session is None else session.last


# -- asking --------------------------------------------------------------------------------
def _ask(
    cb: Codebase,
    prompt: str,
    target: Any,
    context: Any,
    model: str | None,
    provider: str | None,
    temperature: float | NotGiven,
    max_tokens: int | NotGiven | None,
    cache: bool | str | NotGiven,
    max_context_tokens: int | None,
    extra: dict[str, Any],
) -> tuple[AIResponse, str]:
    session = get_session(cb)
    call = CallOptions(
        context, model, provider, temperature, max_tokens, cache, max_context_tokens, extra
    )
    request = build_request(session, "ask", prompt, target, call)
    response, answer = send(session, for_provider(request, session.provider(provider)))
    session.remember(response)
    return response, answer


def ask_response(
    cb: Codebase,
    prompt: str,
    target: Any = None,
    context: Any = None,
    model: str | None = None,
    provider: str | None = None,
    *,
    temperature: float | NotGiven = NOT_GIVEN,
    max_tokens: int | NotGiven | None = NOT_GIVEN,
    cache: bool | str | NotGiven = NOT_GIVEN,
    max_context_tokens: int | None = None,
    **extra: Any,
) -> AIResponse:
    """Like :func:`ask`, returning the whole :class:`AIResponse`.

    ``content`` is the answer :func:`ask` returns, also when the model gave it through the
    ``answer`` tool (the call stays in ``tool_calls``, the vendor's own text in
    ``metadata["raw_content"]``), and also for a cache hit. ``metadata`` gains ``context``
    (what was sent, see :class:`~.context.AIContext`), ``cache_key``, ``answer_via``
    (``tool`` or ``text``), ``raw_content``, ``operation`` and ``target``.
    """
    return _ask(
        cb, prompt, target, context, model, provider,
        temperature, max_tokens, cache, max_context_tokens, extra,
    )[0]  # fmt: skip


def ask(
    cb: Codebase,
    prompt: str,
    target: Any = None,
    context: Any = None,
    model: str | None = None,
    provider: str | None = None,
    *,
    temperature: float | NotGiven = NOT_GIVEN,
    max_tokens: int | NotGiven | None = NOT_GIVEN,
    cache: bool | str | NotGiven = NOT_GIVEN,
    max_context_tokens: int | None = None,
    **extra: Any,
) -> str:
    """Ask an AI provider about ``target`` with graph-aware context; return the answer.

    Args:
        cb: The codebase.
        prompt: The task.
        target: A symbol (function, class, ...), a file, or text the prompt is about.
        context: ``None``/``"auto"`` for graph context (the default with a symbol target),
            or explicit context: a string, symbol, file, list or dict of those (a list may
            include ``"auto"`` to add graph context too).
        model: The model; default the session's, else each provider's default.
        provider: A provider name; default the session's, else by credentials
            (Codegen, then OpenAI or a compatible server, then Anthropic, with fallback).
        temperature: Sampling temperature; default the session's.
        max_tokens: Cap on generated tokens; default the session's (``None``: the
            provider's default).
        cache: ``True``/``"always"``/``False``; default the session's.
        max_context_tokens: Context budget; default the session's.
        **extra: Sent to the provider as vendor parameters (part of the cache key).

    Returns:
        The answer exactly as the model produced it.

    Raises:
        MaxAIRequestsError: The session's ``max_ai_requests`` is spent.
        AIProviderError: Or a subclass, when the providers fail.
    """
    return _ask(
        cb, prompt, target, context, model, provider,
        temperature, max_tokens, cache, max_context_tokens, extra,
    )[1]  # fmt: skip


def context_for(
    cb: Codebase, target: Any, *, context: Any = None, max_context_tokens: int | None = None
) -> _context.AIContext:
    """The context ``cb.ai(..., target=target)`` would send (nothing is requested).

    Args:
        cb: The codebase.
        target: The symbol.
        context: As in :func:`ask`.
        max_context_tokens: Context budget; default the session's.
    """
    return build_context(get_session(cb), target, context, max_context_tokens)


# -- edits ---------------------------------------------------------------------------------
def edit(
    cb: Codebase,
    prompt: str,
    target: Any,
    *,
    context: Any = None,
    model: str | None = None,
    provider: str | None = None,
    temperature: float | NotGiven = NOT_GIVEN,
    max_tokens: int | NotGiven | None = NOT_GIVEN,
    cache: bool | str | NotGiven = NOT_GIVEN,
    max_context_tokens: int | None = None,
    **extra: Any,
) -> str:
    """Ask for a replacement of ``target``, validate it, queue it as an edit; return the diff.

    The reply must parse and define the same name (and kind) and nothing else; Markdown
    fences around it are removed (see :mod:`graph_sitter.ai.edit_reply`). The edit
    replaces ``target.extended_source`` (decorators and leading comments included) and is
    only queued: ``cb.commit()`` writes it.

    Args:
        cb: The codebase.
        prompt: The instruction ("Add type hints").
        target: The function, method or class to rewrite.
        context: As for :func:`ask`, like the other keyword arguments.

    Returns:
        The unified diff of the codebase's pending edits (this one included).

    Raises:
        AIEditError: The reply is not a valid replacement; nothing was queued.
        MaxAIRequestsError: The session's request limit is spent.
    """
    if not isinstance(target, Symbol):
        raise TypeError(f"ai_edit needs a symbol (function, method or class), got {target!r}")
    session = get_session(cb)
    call = CallOptions(
        context, model, provider, temperature, max_tokens, cache, max_context_tokens, extra
    )
    request = build_request(session, "edit", prompt, target, call)
    chosen = session.provider(provider)
    checked: dict[str, str] = {}

    def validate(answer: str) -> None:
        checked["code"] = check_replacement(target, answer, chosen.provider_name)

    response, answer = send(session, for_provider(request, chosen), validate)
    session.remember(response)
    code = checked.get("code") or check_replacement(target, answer, response.provider_name)
    target.edit(code, extended=True)
    return cb.get_diff()
