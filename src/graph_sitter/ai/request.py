"""The request ``cb.ai`` sends: one frozen :class:`AIRequest`, built in one place.

:func:`build_request` turns a call (``ask``, ``edit`` or one ``map`` item) into the prompt
text, the sampling options and the cache inputs; :func:`effective_request` is what the
cache key hashes (the request after each provider's defaults).
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from graph_sitter.ai import context as _context
from graph_sitter.ai._sentinel import NOT_GIVEN, NotGiven
from graph_sitter.ai.cache import content_hash
from graph_sitter.ai.providers.base import AIProvider
from graph_sitter.ai.providers.fallback import FallbackProvider
from graph_sitter.core.symbols import SourceFile, Symbol

if TYPE_CHECKING:
    from graph_sitter.ai.session import Session

__all__ = [
    "ANSWER_TOOL",
    "FORCE_ANSWER",
    "NOT_GIVEN",
    "AIRequest",
    "CallOptions",
    "NotGiven",
    "Operation",
    "build_context",
    "build_request",
    "cacheable",
    "context_text",
    "effective_request",
    "for_provider",
    "members",
    "plain",
]

Operation = Literal["ask", "edit", "map"]


#: The tool every chat request is forced to call: its one argument is the answer.
ANSWER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "answer",
        "description": "Deliver the complete answer to the user's request.",
        "parameters": {
            "type": "object",
            "properties": {
                "answer": {"type": "string", "description": "The complete answer."},
            },
            "required": ["answer"],
            "additionalProperties": False,
        },
    },
}
#: ``tool_choice`` forcing :data:`ANSWER_TOOL`.
FORCE_ANSWER: dict[str, Any] = {"type": "function", "function": {"name": "answer"}}


@dataclass(frozen=True, slots=True)
class AIRequest:
    """A request ready to send (built in the calling thread, sent from any).

    Attributes:
        operation: ``ask``, ``edit`` or ``map`` (recorded in the usage ledger).
        system: The system prompt (with the answer-tool instruction when ``tools``).
        user: The user message: context, target and task.
        provider_name: The provider asked for (``None``: the session's choice).
        model: The model (``None``: each provider's default).
        temperature: Sampling temperature.
        max_tokens: Cap on generated tokens (``None``: the provider's default).
        tools: Whether the ``answer`` tool is wanted.
        extra: Vendor parameters passed through (part of the cache key).
        target_hash: Content hash of the target (part of the cache key).
        context: What was packed as context.
        cache_mode: ``True``, ``"always"``, ``False`` or ``"off"``.
        name: The target's name, for metadata and batch items.
    """

    operation: Operation
    system: str
    user: str
    provider_name: str | None
    model: str | None
    temperature: float
    max_tokens: int | None
    tools: bool
    extra: Mapping[str, Any]
    target_hash: str | None
    context: _context.AIContext
    cache_mode: bool | str
    name: str


# -- templates -----------------------------------------------------------------------------
@cache
def _template(name: str) -> string.Template:
    text = resources.files("graph_sitter.ai").joinpath("prompts", name).read_text("utf-8")
    return string.Template(text)


def _context_section(ctx: _context.AIContext) -> str:
    rendered = ctx.render()
    return f"## Related code from the repository\n\n{rendered}\n\n" if rendered else ""


def _target_section(ctx: _context.AIContext) -> str:
    target = ctx.target
    if target is None:
        return ""
    return f"## Target\n{target.render()}\n\n"


def context_text(ctx: _context.AIContext) -> str:
    """The graph sections an ask puts in the user message before the task (the related code,
    then the target): exactly what `codebase.ai` sends for this context."""
    return _context_section(ctx) + _target_section(ctx)


def _system_prompt(template: str, tools: bool) -> str:
    system = _template(template).substitute().strip()
    if tools:
        system += "\n\n" + _template("answer_tool.txt").substitute().strip()
    return system


# -- building ------------------------------------------------------------------------------
def _target_hash(target: Any) -> str | None:
    if isinstance(target, Symbol):
        return content_hash(f"{target.filepath}\0{target.qualified_name}\0{target.extended_source}")
    if isinstance(target, SourceFile):
        return content_hash(f"{target.filepath}\0{target.content}")
    if target is None:
        return None
    return content_hash(str(target))


def _target_name(target: Any) -> str:
    if isinstance(target, Symbol):
        return target.qualified_name
    if isinstance(target, SourceFile):
        return target.filepath
    return "" if target is None else str(target)[:80]


def build_context(
    session: Session, target: Any, context: Any, budget: int | None
) -> _context.AIContext:
    """The context sent with ``target`` (``budget``: ``None`` for the session's)."""
    options = session.options
    symbol = target if isinstance(target, Symbol) else None
    extra_context = context
    if target is not None and symbol is None:
        # A file or text as target: it is the subject, shown as explicit context.
        extra_context = [target] if context is None else [target, context]
    return _context.build(
        symbol,
        extra_context,
        max_context_tokens=budget if budget is not None else options.max_context_tokens,
        token_counter=options.token_counter,
    )


@dataclass(frozen=True, slots=True)
class CallOptions:
    """What a caller of ``ask``/``edit``/``map`` chose; a left-out value is the session's.

    Attributes:
        context: Explicit context (``None``: graph context for a symbol target).
        model: The model (``None``: the session's, else each provider's default).
        provider: A provider name (``None``: the session's, else by credentials).
        temperature: Sampling temperature.
        max_tokens: Cap on generated tokens (``None``: the provider's default).
        cache: ``True``, ``"always"`` or ``False``.
        max_context_tokens: Context budget (``None``: the session's).
        extra: Vendor parameters passed through (part of the cache key).
    """

    context: Any = None
    model: str | None = None
    provider: str | None = None
    temperature: float | NotGiven = NOT_GIVEN
    max_tokens: int | NotGiven | None = NOT_GIVEN
    cache: bool | str | NotGiven = NOT_GIVEN
    max_context_tokens: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def build_request(
    session: Session, operation: Operation, prompt: str, target: Any, call: CallOptions
) -> AIRequest:
    """The request for one call; options the caller left out take the session's.

    ``edit`` asks for a replacement of the symbol ``target`` (shown apart from the
    context); ``ask`` and ``map`` ask about ``target`` with its context.
    """
    options = session.options
    temperature, max_tokens, cache = call.temperature, call.max_tokens, call.cache
    ctx = build_context(session, target, call.context, call.max_context_tokens)
    if operation == "edit":
        user = _template("edit.txt").substitute(
            context_section=_context_section(dataclasses.replace(ctx, target=None)),
            target_name=target.qualified_name,
            target_path=f"{target.filepath}:{target.start_point[0] + 1}",
            language=_context._fence_language(target.filepath),
            target_source=_context.dedented_source(target),
            prompt=prompt,
        )
        system = _system_prompt("edit_system.txt", tools=True)
    else:
        user = _template("ask.txt").substitute(
            context_section=_context_section(ctx),
            target_section=_target_section(ctx),
            prompt=prompt,
        )
        system = _system_prompt("system.txt", tools=True)
    return AIRequest(
        operation=operation,
        system=system,
        user=user,
        provider_name=call.provider,
        model=call.model or options.model,
        temperature=float(
            options.temperature if isinstance(temperature, NotGiven) else temperature
        ),
        max_tokens=options.max_tokens if isinstance(max_tokens, NotGiven) else max_tokens,
        tools=options.use_tools is not False,
        extra=dict(call.extra),
        target_hash=_target_hash(target),
        context=ctx,
        cache_mode=options.cache if isinstance(cache, NotGiven) else cache,
        name=_target_name(target),
    )


def plain(request: AIRequest) -> AIRequest:
    """The same request asking for plain text (no tool, no tool instruction)."""
    system = request.system.split("\n\n" + _template("answer_tool.txt").substitute().strip())[0]
    return dataclasses.replace(request, system=system, tools=False)


def for_provider(request: AIRequest, provider: AIProvider) -> AIRequest:
    """Drop the tool instruction from the system prompt when tools will not be sent."""
    if provider.supports_tools and request.tools:
        return request
    return plain(request)


# -- the cache key's input -----------------------------------------------------------------
def members(provider: AIProvider) -> tuple[AIProvider, ...]:
    """The providers a request may reach: a chain's members, else the provider itself."""
    if isinstance(provider, FallbackProvider):
        return provider.providers
    return (provider,)


def effective_request(provider: AIProvider, request: AIRequest, tools: bool) -> dict[str, Any]:
    """The full effective request after defaults (the cache key's input)."""
    out = []
    chain = members(provider)
    for member in chain:
        model = request.model
        if model is not None and len(chain) > 1 and not member.accepts_model(model):
            continue  # a chain sends a named model only to the providers serving it
        if model is None:
            model = member.get_default_model()
        max_tokens = request.max_tokens
        if max_tokens is None:
            max_tokens = getattr(member, "default_max_tokens", None)
        out.append(
            {
                "provider": member.provider_name,
                "base_url": str(getattr(member, "base_url", "") or ""),
                "model": model,
                "max_tokens": max_tokens,
            }
        )
    return {
        "providers": out,
        "system": request.system,
        "messages": [{"role": "user", "content": request.user}],
        "temperature": request.temperature,
        "tools": [ANSWER_TOOL] if tools else None,
        "tool_choice": FORCE_ANSWER if tools else None,
        "extra": dict(request.extra),
        "target": request.target_hash,
    }


def cacheable(request: AIRequest) -> bool:
    """Whether the answer may be cached (deterministic, or the cache mode says always)."""
    mode = request.cache_mode
    if mode is False or mode == "off":
        return False
    if mode == "always":
        return True
    return request.temperature == 0
