"""``cb.ai``, ``cb.ai_edit``, ``cb.ai_map``, ``cb.ai_context``: the code graph meets the providers.

Data flow of ``cb.ai("Improve", target=fn)``::

    ask -> context.build(fn)            graph neighbours ranked and packed into a budget
        -> prompt templates             package data: graph_sitter/ai/prompts/*.txt
        -> cache lookup                 cache.request_key(effective request)
        -> request limit                max_ai_requests (cache hits do not count)
        -> provider.generate_response   factory chain (Codegen -> OpenAI -> Anthropic),
                                        transport (limiter, breaker, retries)
        -> answer                       forced ``answer`` tool call, else the plain text
        -> usage ledger, cache store    usage.UsageLedger, cache.CacheStore

Per-codebase state (options, request count, providers, stores) lives in a :class:`Session`
kept on the codebase as ``cb._ai_session``; the functions below are what the ``Codebase``
delegates call. Options are set with :func:`set_session_options`; see
``docs/codebase-ai.md`` for each option and environment variable.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import string
import textwrap
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph_sitter.ai import context as _context
from graph_sitter.ai.attempts import AttemptRecord, record_attempts
from graph_sitter.ai.cache import (
    DEFAULT_TTL,
    REDIS_URL_ENV,
    CacheStore,
    ai_state_dir,
    canonical_json,
    content_hash,
    open_store,
    redis_client,
    request_key,
    storable,
)
from graph_sitter.ai.errors import (
    AIEditError,
    AIProviderError,
    MalformedResponseError,
    MaxAIRequestsError,
    ProviderRequestError,
)
from graph_sitter.ai.providers.base import AIProvider, AIResponse
from graph_sitter.ai.usage import UsageLedger, UsageRecord, default_ledger_path
from graph_sitter.core.symbols import Class, Function, SourceFile, Symbol

if TYPE_CHECKING:
    import redis

    from graph_sitter.ai.batch import BatchCallback, BatchJournal
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
    "edit",
    "get_session",
    "last_response",
    "map_targets",
    "reset",
    "set_ai_key",
    "set_session_options",
]

logger = logging.getLogger("graph_sitter.ai")

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
_FORCE_ANSWER: dict[str, Any] = {"type": "function", "function": {"name": "answer"}}
_DISPLAY = {"openai": "OpenAI", "anthropic": "Anthropic", "codegen": "Codegen"}
_TOOL_CAPABLE = ("OpenAI", "Anthropic")
# Providers whose HTTP transport takes `rate_limit`/`breaker` (Codegen's SDK has its own).
_SHARED_TRANSPORT = ("openai", "anthropic")
_FENCE = re.compile(r"^\s*```[\w+-]*[ \t]*\n(?P<body>.*?)\n?```\s*$", re.DOTALL)


# -- options -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SessionOptions:
    """Options of a codebase's AI session (set with :func:`set_session_options`).

    Attributes:
        max_ai_requests: Provider requests allowed (``None``: unlimited). Cache hits and
            resumed batch items do not count.
        max_context_tokens: Budget for the target plus automatic context.
        provider: Provider name (``"openai"``...); ``None`` selects by credentials.
        model: Model; ``None`` uses each provider's default.
        temperature: Sampling temperature (always sent; the vendors' default is 1.0).
        max_tokens: Cap on generated tokens (``None``: the provider's default).
        cache: ``True`` caches deterministic requests (temperature 0); ``"always"`` also
            caches the others; ``False`` disables the cache.
        cache_ttl: Seconds an answer stays cached (``None``: forever).
        cache_store: ``None`` (Redis when ``GRAPH_SITTER_REDIS_URL`` is set, else SQLite),
            ``"sqlite"``, ``"redis"``, or a :class:`~graph_sitter.ai.cache.CacheStore`.
        usage_ledger: ``True`` records every request in the usage ledger; ``False`` does not.
        requests_per_minute: Client-side limit per provider, paced evenly (see
            :func:`paced_limits`); ``None``: no client limit.
        tokens_per_minute: Client-side token limit per provider.
        rate_limit_margin: Fraction of the limits actually used (jitter headroom).
        use_tools: ``None`` forces the ``answer`` tool when the provider supports tools;
            ``False`` always asks for plain text.
        token_counter: Count context tokens with this instead of the estimate.
        concurrency: Default concurrency of :func:`map_targets`.
        item_retries: Extra attempts of a failed batch item.
        state_dir: Folder of the SQLite cache, ledger and batch journal (default: the user
            cache directory, see :func:`graph_sitter.ai.cache.ai_state_dir`).
        env: Mapping read instead of ``os.environ`` (credentials, Redis URL, paths).
        env_file: Dotenv file read by the providers (``None`` to skip).
        provider_options: Extra arguments for ``create_ai_provider``.
    """

    max_ai_requests: int | None = 150
    max_context_tokens: int = _context.DEFAULT_MAX_CONTEXT_TOKENS
    provider: str | None = None
    model: str | None = None
    temperature: float = 0.0
    max_tokens: int | None = None
    cache: bool | str = True
    cache_ttl: float | None = DEFAULT_TTL
    cache_store: CacheStore | str | None = None
    usage_ledger: bool = True
    requests_per_minute: float | None = None
    tokens_per_minute: int | None = None
    rate_limit_margin: float = 0.98
    use_tools: bool | None = None
    token_counter: Callable[[str], int] | None = None
    concurrency: int = 8
    item_retries: int = 2
    state_dir: str | Path | None = None
    env: Mapping[str, str] | None = None
    env_file: str | None = ".env"
    provider_options: Mapping[str, Any] = field(default_factory=dict)


_PROVIDER_OPTIONS = frozenset(
    {
        "provider",
        "requests_per_minute",
        "tokens_per_minute",
        "rate_limit_margin",
        "env",
        "env_file",
        "provider_options",
    }
)
_STORE_OPTIONS = frozenset({"cache_store", "state_dir", "env", "usage_ledger"})


# -- session -------------------------------------------------------------------------------
class Session:
    """A codebase's AI state: options, the request count, providers and stores.

    Thread-safe: :func:`map_targets` uses it from worker threads.
    """

    def __init__(self) -> None:
        self.options = SessionOptions()
        self._lock = threading.RLock()
        self.requests_made = 0
        self._providers: dict[str | None, AIProvider] = {}
        self._cache: CacheStore | None = None
        self._cache_opened = False
        self._ledger: UsageLedger | None = None
        self._ledger_opened = False
        self._journal: BatchJournal | None = None
        self._redis: redis.Redis | None = None
        self.no_tools: set[str] = set()
        self.last: AIResponse | None = None
        self._last_local = threading.local()

    # options
    def configure(self, **options: Any) -> None:
        """Change options; providers or stores affected by the change are rebuilt lazily."""
        names = {f.name for f in dataclasses.fields(SessionOptions)}
        unknown = sorted(set(options) - names)
        if unknown:
            raise TypeError(
                f"unknown session option(s): {', '.join(unknown)}; "
                f"valid options: {', '.join(sorted(names))}"
            )
        limit = options.get("max_ai_requests", self.options.max_ai_requests)
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise ValueError(f"max_ai_requests must be an integer >= 0 or None, got {limit!r}")
        with self._lock:
            self.options = dataclasses.replace(self.options, **options)
            if _PROVIDER_OPTIONS & set(options):
                self._close_providers()
            if _STORE_OPTIONS & set(options):
                self._close_stores()

    @property
    def env(self) -> Mapping[str, str] | None:
        """The environment mapping given in the options (``None``: ``os.environ``)."""
        return self.options.env

    def _env_value(self, name: str) -> str | None:
        import os

        source = os.environ if self.options.env is None else self.options.env
        return source.get(name) or None

    # request limit
    def reserve_request(self) -> None:
        """Count one provider request, or raise :class:`MaxAIRequestsError`."""
        with self._lock:
            limit = self.options.max_ai_requests
            if limit is not None and self.requests_made >= limit:
                raise MaxAIRequestsError(
                    f"this session already made {self.requests_made} AI request(s), the "
                    f"limit set by max_ai_requests={limit}; raise it with "
                    "cb.set_session_options(max_ai_requests=N) (None for no limit) or call "
                    "cb.reset()",
                    limit=limit,
                    used=self.requests_made,
                )
            self.requests_made += 1

    def reset(self) -> None:
        """Clear the request count (options, providers and stores are kept)."""
        with self._lock:
            self.requests_made = 0
            self.last = None

    # state directory
    def state_dir(self) -> Path | None:
        """Where the SQLite files live (``None``: on-disk state disabled)."""
        if self.options.state_dir is not None:
            return Path(self.options.state_dir)
        return ai_state_dir(self.options.env)

    # stores
    def cache_store(self) -> CacheStore | None:
        """The response cache store (opened on first use), or ``None`` when disabled."""
        with self._lock:
            if not self._cache_opened:
                self._cache_opened = True
                configured = self.options.cache_store
                if isinstance(configured, CacheStore):
                    self._cache = configured
                elif configured == "off":
                    self._cache = None
                else:
                    base = self.state_dir()
                    path = None if base is None else base / "responses.sqlite3"
                    env = dict(self.options.env) if self.options.env is not None else None
                    if path is None and (configured == "sqlite" or not self._redis_url()):
                        self._cache = None
                    else:
                        self._cache = open_store(configured, env=env, path=path)
            return self._cache

    def ledger(self) -> UsageLedger | None:
        """The usage ledger (opened on first use), or ``None`` when off."""
        with self._lock:
            if not self._ledger_opened:
                self._ledger_opened = True
                path = default_ledger_path(self.options.env) if self.options.usage_ledger else None
                if (
                    path is not None
                    and self.options.state_dir is not None
                    and not self._env_value("GRAPH_SITTER_AI_USAGE_DB")
                ):
                    path = Path(self.options.state_dir) / "usage.sqlite3"
                self._ledger = UsageLedger(path) if path is not None else None
            return self._ledger

    def journal(self) -> BatchJournal | None:
        """The batch journal (opened on first use), or ``None`` without on-disk state."""
        from graph_sitter.ai.batch import BatchJournal

        with self._lock:
            if self._journal is None:
                base = self.state_dir()
                if base is None:
                    return None
                self._journal = BatchJournal(base / "batches.sqlite3")
            return self._journal

    def _redis_url(self) -> str | None:
        return self._env_value(REDIS_URL_ENV)

    def redis(self) -> redis.Redis | None:
        """The shared Redis client when ``GRAPH_SITTER_REDIS_URL`` is set."""
        url = self._redis_url()
        if url is None:
            return None
        with self._lock:
            if self._redis is None:
                self._redis = redis_client(url)
            return self._redis

    # providers
    def provider(self, name: str | None) -> AIProvider:
        """The provider for ``name`` (``None``: by credentials), built once and reused."""
        key = name if name is not None else self.options.provider
        with self._lock:
            provider = self._providers.get(key)
            if provider is None:
                provider = self._build_provider(key)
                self._providers[key] = provider
            return provider

    def _transport_kwargs(self, name: str) -> dict[str, Any]:
        """``rate_limit`` / ``breaker`` for one provider (Redis-shared when configured)."""
        from graph_sitter.ai.shared_state import CombinedRateLimiter
        from graph_sitter.http import RateLimiter

        options = self.options
        out: dict[str, Any] = {}
        if name not in _SHARED_TRANSPORT:
            return out
        limits = paced_limits(
            options.requests_per_minute, options.tokens_per_minute, options.rate_limit_margin
        )
        limiters: list[RateLimiter] = []
        client = self.redis()
        if client is not None:
            from graph_sitter.ai.shared_state import RedisCircuitBreaker, RedisRateLimiter

            scope = f"{name}:{self._endpoint_hash(name)}"
            out["breaker"] = RedisCircuitBreaker(_DISPLAY[name], client=client, scope=scope)
            for index, limit in enumerate(limits):
                limiters.append(RedisRateLimiter(limit, client=client, scope=f"{scope}:{index}"))
        else:
            limiters = [RateLimiter(limit) for limit in limits]
        if limiters:
            out["rate_limit"] = (
                limiters[0] if len(limiters) == 1 else CombinedRateLimiter(*limiters)
            )
        return out

    def _endpoint_hash(self, name: str) -> str:
        from graph_sitter.configs.models.secrets import ConfigurationError, Secrets

        try:
            secrets = Secrets.load(env=self.options.env, env_file=self.options.env_file)
        except ConfigurationError:
            return "default"
        base = getattr(secrets, f"{name}_base_url", None) or "default"
        return content_hash(str(base).rstrip("/"))[:16]

    def _build_provider(self, name: str | None) -> AIProvider:
        from graph_sitter.ai.providers.factory import create_ai_provider, get_available_providers

        options = self.options
        kwargs: dict[str, Any] = dict(options.provider_options)
        if options.env is not None:
            kwargs.setdefault("env", dict(options.env))
        kwargs.setdefault("env_file", options.env_file)
        if name is not None:
            kwargs.update(self._transport_kwargs(name.strip().lower()))
            return create_ai_provider(name, **kwargs)
        per_provider = {k: dict(v) for k, v in dict(kwargs.pop("provider_kwargs", {})).items()}
        for available in get_available_providers(kwargs.get("env"), kwargs.get("env_file")):
            extra = self._transport_kwargs(available)
            if extra:
                per_provider.setdefault(available, {}).update(extra)
        return create_ai_provider(None, provider_kwargs=per_provider, **kwargs)

    # last response (per thread, and the latest overall)
    def remember(self, response: AIResponse) -> None:
        """Keep ``response`` as the latest answer."""
        self.last = response
        self._last_local.value = response

    def _close_providers(self) -> None:
        providers = list(self._providers.values())
        self._providers.clear()
        for provider in providers:
            provider.close()

    def _close_stores(self) -> None:
        if self._cache is not None and not isinstance(self.options.cache_store, CacheStore):
            self._cache.close()
        self._cache = None
        self._cache_opened = False
        if self._ledger is not None:
            self._ledger.close()
        self._ledger = None
        self._ledger_opened = False
        if self._journal is not None:
            self._journal.close()
        self._journal = None
        if self._redis is not None:
            self._redis.close()
        self._redis = None

    def close(self) -> None:
        """Close providers, stores and the Redis client."""
        with self._lock:
            self._close_providers()
            self._close_stores()


def paced_limits(
    requests_per_minute: float | None, tokens_per_minute: int | None, margin: float = 0.98
) -> list[Any]:
    """Client-side :class:`~graph_sitter.http.RateLimit` values for per-minute limits.

    Requests are **paced evenly**: ``N`` per minute become one request every
    ``60 / (N * margin)`` seconds. Vendors enforce per-minute limits in sub-minute slices
    and count with their own clocks, so a burst of a minute's worth (or of a second's worth,
    landing on a window edge) draws 429s; even spacing leaves room for network jitter.
    Tokens use a bucket of ``tokens_per_minute * margin`` refilled over 60 s.
    """
    from graph_sitter.http import RateLimit

    if not 0 < margin <= 1:
        raise ValueError("rate_limit_margin must be in (0, 1]")
    limits = []
    if requests_per_minute:
        limits.append(RateLimit(requests=1, period=60.0 / (requests_per_minute * margin)))
    if tokens_per_minute:
        limits.append(RateLimit(tokens=max(1, int(tokens_per_minute * margin)), period=60.0))
    return limits


def get_session(cb: Codebase) -> Session:
    """The codebase's session, created on first use (closed when the codebase is collected)."""
    session: Session | None = getattr(cb, "_ai_session", None)
    if session is None:
        session = Session()
        cb._ai_session = session  # type: ignore[attr-defined]
        weakref.finalize(cb, session.close)
    return session


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
    """Clear the session's request count (``Codebase.reset`` calls this when it can)."""
    session: Session | None = getattr(cb, "_ai_session", None)
    if session is not None:
        session.reset()


def close(cb: Codebase) -> None:
    """Close the session's providers and stores (they reopen on the next call)."""
    session: Session | None = getattr(cb, "_ai_session", None)
    if session is not None:
        session.close()


def last_response(cb: Codebase) -> AIResponse | None:
    """The :class:`AIResponse` behind the latest ``cb.ai``/``cb.ai_edit`` answer."""
    session: Session | None = getattr(cb, "_ai_session", None)
    return None if session is None else session.last


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


def _system_prompt(template: str, tools: bool) -> str:
    system = _template(template).substitute().strip()
    if tools:
        system += "\n\n" + _template("answer_tool.txt").substitute().strip()
    return system


# -- the request ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Prepared:
    """A request ready to send (built in the calling thread)."""

    operation: str
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


def _supports_tools(provider: AIProvider) -> bool:
    declared = getattr(provider, "supports_tools", None)
    if isinstance(declared, bool):
        return declared
    chain = getattr(provider, "providers", None)
    if isinstance(chain, tuple) and chain:
        return all(_supports_tools(p) for p in chain)
    return provider.provider_name in _TOOL_CAPABLE


def _members(provider: AIProvider) -> tuple[AIProvider, ...]:
    chain = getattr(provider, "providers", None)
    return chain if isinstance(chain, tuple) and chain else (provider,)


def _effective(provider: AIProvider, prepared: _Prepared, tools: bool) -> dict[str, Any]:
    """The full effective request after defaults (the cache key's input)."""
    members = []
    chain = _members(provider)
    for member in chain:
        model = prepared.model
        if model is not None and len(chain) > 1 and not member.accepts_model(model):
            continue  # a chain sends a named model only to the providers serving it
        if model is None:
            model = member.get_default_model()
        max_tokens = prepared.max_tokens
        if max_tokens is None:
            max_tokens = getattr(member, "default_max_tokens", None)
        members.append(
            {
                "provider": member.provider_name,
                "base_url": str(getattr(member, "base_url", "") or ""),
                "model": model,
                "max_tokens": max_tokens,
            }
        )
    return {
        "providers": members,
        "system": prepared.system,
        "messages": [{"role": "user", "content": prepared.user}],
        "temperature": prepared.temperature,
        "tools": [ANSWER_TOOL] if tools else None,
        "tool_choice": _FORCE_ANSWER if tools else None,
        "extra": dict(prepared.extra),
        "target": prepared.target_hash,
    }


def _cacheable(prepared: _Prepared) -> bool:
    mode = prepared.cache_mode
    if mode is False or mode == "off":
        return False
    if mode == "always":
        return True
    return prepared.temperature == 0


def _answer_of(response: AIResponse, tools: bool) -> tuple[str, str]:
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


def _log_usage(
    session: Session,
    prepared: _Prepared,
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
            operation=prepared.operation,
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


def _send(
    session: Session, prepared: _Prepared, validate: Callable[[str], None] | None = None
) -> tuple[AIResponse, str]:
    """Cache lookup, request limit, provider call, answer extraction, ledger, cache store."""
    provider = session.provider(prepared.provider_name)
    session.ledger()  # opened before the call: a bad ledger setting fails before any spend
    tools = prepared.tools and _supports_tools(provider)
    if tools and session.options.use_tools is False:
        tools = False
    members_key = ",".join(f"{m.provider_name}:{prepared.model}" for m in _members(provider))
    if members_key in session.no_tools:
        tools = False
    if not tools and prepared.tools:
        prepared = _plain(prepared)
    started = time.perf_counter()
    store = session.cache_store() if _cacheable(prepared) else None
    key = request_key(_effective(provider, prepared, tools))
    if store is not None:
        hit = store.get(key)
        if hit is not None and "answer" in hit:
            response, answer, via = _from_cache(hit, started)
            response = _annotate(response, prepared, key, via)
            _log_usage(session, prepared, provider="", model="", started=started, response=response)
            return response, answer
    while True:
        session.reserve_request()
        requested_model = prepared.model or provider.get_default_model()
        attempts: list[AttemptRecord] = []
        try:
            with record_attempts() as attempts:
                response = provider.generate_response(
                    prepared.user,
                    prepared.system,
                    prepared.model,
                    prepared.temperature,
                    prepared.max_tokens,
                    [ANSWER_TOOL] if tools else None,
                    _FORCE_ANSWER if tools else None,
                    **dict(prepared.extra),
                )
        except ProviderRequestError as exc:
            _log_usage(
                session,
                prepared,
                provider=provider.provider_name,
                model=requested_model,
                started=started,
                error=exc,
                attempts=attempts,
            )
            if tools and _tools_rejected(exc):
                logger.info(
                    "ai.tools_unsupported provider=%s model=%s (asking for plain text)",
                    provider.provider_name,
                    requested_model,
                )
                session.no_tools.add(members_key)
                tools = False
                prepared = _plain(prepared)
                key = request_key(_effective(provider, prepared, tools))
                continue
            raise
        except AIProviderError as exc:
            _log_usage(
                session,
                prepared,
                provider=provider.provider_name,
                model=requested_model,
                started=started,
                error=exc,
                attempts=attempts,
            )
            raise
        break
    try:
        answer, via = _answer_of(response, tools)
        if validate is not None:
            validate(answer)
    except AIProviderError as exc:
        _log_usage(
            session,
            prepared,
            provider=provider.provider_name,
            model=requested_model,
            started=started,
            error=exc,
            attempts=attempts,
        )
        raise
    _log_usage(
        session,
        prepared,
        provider="",
        model="",
        started=started,
        response=response,
        attempts=attempts,
    )
    response = _annotate(response, prepared, key, via)
    if store is not None and storable(response.finish_reason, answer):
        store.set(key, _to_cache(response, answer, via), session.options.cache_ttl)
    return response, answer


def _annotate(response: AIResponse, prepared: _Prepared, key: str, via: str) -> AIResponse:
    metadata = {
        **response.metadata,
        "operation": prepared.operation,
        "target": prepared.name or None,
        "context": prepared.context.summary(),
        "cache_key": key,
        "answer_via": via,
    }
    return dataclasses.replace(response, metadata=metadata)


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


def _build_context(session: Session, target: Any, context: Any, budget: int | None) -> Any:
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


def _prepare_ask(
    session: Session,
    prompt: str,
    target: Any,
    context: Any,
    model: str | None,
    provider: str | None,
    kwargs: dict[str, Any],
    operation: str = "ask",
) -> _Prepared:
    options = session.options
    temperature = float(kwargs.pop("temperature", options.temperature))
    max_tokens = kwargs.pop("max_tokens", options.max_tokens)
    cache_mode = kwargs.pop("cache", options.cache)
    budget = kwargs.pop("max_context_tokens", None)
    ctx = _build_context(session, target, context, budget)
    user = _template("ask.txt").substitute(
        context_section=_context_section(ctx), target_section=_target_section(ctx), prompt=prompt
    )
    return _Prepared(
        operation=operation,
        system=_system_prompt("system.txt", tools=True),
        user=user,
        provider_name=provider,
        model=model or options.model,
        temperature=temperature,
        max_tokens=max_tokens,
        tools=options.use_tools is not False,
        extra=kwargs,
        target_hash=_target_hash(target),
        context=ctx,
        cache_mode=cache_mode,
        name=_target_name(target),
    )


def _plain(prepared: _Prepared) -> _Prepared:
    """The same request asking for plain text (no tool, no tool instruction)."""
    system = prepared.system.split("\n\n" + _template("answer_tool.txt").substitute().strip())[0]
    return dataclasses.replace(prepared, system=system, tools=False)


def _finalise_system(prepared: _Prepared, provider: AIProvider) -> _Prepared:
    """Drop the tool instruction from the system prompt when tools will not be sent."""
    if _supports_tools(provider) and prepared.tools:
        return prepared
    return _plain(prepared)


# -- public functions ----------------------------------------------------------------------
def ask_response(
    cb: Codebase,
    prompt: str,
    target: Any = None,
    context: Any = None,
    model: str | None = None,
    provider: str | None = None,
    **kwargs: Any,
) -> AIResponse:
    """Like :func:`ask`, returning the whole :class:`AIResponse`.

    ``metadata`` gains ``context`` (what was sent, see :class:`~.context.AIContext`),
    ``cache_key``, ``answer_via`` (``tool`` or ``text``), ``operation`` and ``target``.
    """
    session = get_session(cb)
    prepared = _prepare_ask(session, prompt, target, context, model, provider, dict(kwargs))
    prepared = _finalise_system(prepared, session.provider(provider))
    response, _ = _send(session, prepared)
    session.remember(response)
    return response


def ask(
    cb: Codebase,
    prompt: str,
    target: Any = None,
    context: Any = None,
    model: str | None = None,
    provider: str | None = None,
    **kwargs: Any,
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
        **kwargs: ``temperature``, ``max_tokens``, ``cache`` (``True``/``"always"``/
            ``False``), ``max_context_tokens``; anything else is sent to the provider as a
            vendor parameter (and is part of the cache key).

    Returns:
        The answer exactly as the model produced it.

    Raises:
        MaxAIRequestsError: The session's ``max_ai_requests`` is spent.
        AIProviderError: Or a subclass, when the providers fail.
    """
    session = get_session(cb)
    prepared = _prepare_ask(session, prompt, target, context, model, provider, dict(kwargs))
    prepared = _finalise_system(prepared, session.provider(provider))
    response, answer = _send(session, prepared)
    session.remember(response)
    return answer


def context_for(cb: Codebase, target: Any, **kwargs: Any) -> _context.AIContext:
    """The context ``cb.ai(..., target=target)`` would send (nothing is requested).

    Args:
        cb: The codebase.
        target: The symbol.
        **kwargs: ``context`` (as in :func:`ask`) and ``max_context_tokens``.
    """
    session = get_session(cb)
    unknown = set(kwargs) - {"context", "max_context_tokens"}
    if unknown:
        raise TypeError(f"unexpected argument(s): {', '.join(sorted(unknown))}")
    return _build_context(session, target, kwargs.get("context"), kwargs.get("max_context_tokens"))


# -- edits ---------------------------------------------------------------------------------
def _strip_fences(reply: str) -> str:
    text = reply.strip("\n")
    match = _FENCE.match(text)
    if match:
        return match.group("body")
    return text


def _language_suffix(filepath: str) -> str:
    return "." + filepath.rsplit(".", 1)[-1] if "." in filepath else ".py"


def _check_replacement(target: Symbol, code: str, provider: str | None) -> str:
    """Validate a reply as a replacement of ``target``; return the code to queue."""
    from graph_sitter.core.codebase import Codebase

    def fail(reason: str, detail: str) -> AIEditError:
        return AIEditError(
            f"the reply cannot replace {target.qualified_name}: {detail}; nothing was changed",
            target=target.qualified_name,
            reason=reason,
            reply=code,
            provider=provider,
        )

    source = textwrap.dedent(_strip_fences(code)).strip("\n")
    if not source.strip():
        raise fail("empty", "it is empty")
    probe = Codebase.from_files({f"_ai_edit_check{_language_suffix(target.filepath)}": source})
    if not probe.files:
        raise fail("unsupported", "its language cannot be checked")
    file = probe.files[0]
    if file.problem or file.syntax_errors:
        where = file.syntax_errors[0][0] if file.syntax_errors else (0, 0)
        raise fail(
            "not code",
            f"it does not parse as code (syntax error at line {where[0] + 1}); the model "
            f"answered: {source[:80]!r}",
        )
    defined = [s for s in file.symbols if s.name]
    names = [s.name for s in defined]
    same = [s for s in defined if s.name == target.name]
    if not same:
        found = ", ".join(names) or "nothing"
        raise fail("wrong name", f"it does not define {target.name!r} (it defines {found})")
    if type(same[0]) is not type(target) and not (
        isinstance(same[0], Function) and isinstance(target, Function)
    ):
        raise fail(
            "wrong kind",
            f"it defines {target.name!r} as a {type(same[0]).__name__.lower()}, "
            f"not a {type(target).__name__.lower()}",
        )
    others = [n for n in names if n != target.name] + [i.name for i in file.imports]
    if len(same) > 1 or others:
        extra = ", ".join(others) or target.name
        raise fail("extra definitions", f"it also defines {extra}; only the target may change")
    return source


def edit(cb: Codebase, prompt: str, target: Any, **kwargs: Any) -> str:
    """Ask for a replacement of ``target``, validate it, queue it as an edit; return the diff.

    The reply must parse and define the same name (and kind) and nothing else; Markdown
    fences around it are removed. The edit replaces ``target.extended_source`` (decorators
    and leading comments included) and is only queued: ``cb.commit()`` writes it.

    Args:
        cb: The codebase.
        prompt: The instruction ("Add type hints").
        target: The function, method or class to rewrite.
        **kwargs: As for :func:`ask` (``context``, ``model``, ``provider``, ...).

    Returns:
        The unified diff of the codebase's pending edits (this one included).

    Raises:
        AIEditError: The reply is not a valid replacement; nothing was queued.
        MaxAIRequestsError: The session's request limit is spent.
    """
    if not isinstance(target, Function | Class) and not isinstance(target, Symbol):
        raise TypeError(f"ai_edit needs a symbol (function, method or class), got {target!r}")
    session = get_session(cb)
    options = session.options
    context = kwargs.pop("context", None)
    model = kwargs.pop("model", None)
    provider_name = kwargs.pop("provider", None)
    temperature = float(kwargs.pop("temperature", options.temperature))
    max_tokens = kwargs.pop("max_tokens", options.max_tokens)
    cache_mode = kwargs.pop("cache", options.cache)
    budget = kwargs.pop("max_context_tokens", None)
    ctx = _build_context(session, target, context, budget)
    without_target = dataclasses.replace(ctx, target=None)
    user = _template("edit.txt").substitute(
        context_section=_context_section(without_target),
        target_name=target.qualified_name,
        target_path=f"{target.filepath}:{target.start_point[0] + 1}",
        language=_context._fence_language(target.filepath),
        target_source=_context.dedented_source(target),
        prompt=prompt,
    )
    provider = session.provider(provider_name)
    prepared = _Prepared(
        operation="edit",
        system=_system_prompt("edit_system.txt", tools=True),
        user=user,
        provider_name=provider_name,
        model=model or options.model,
        temperature=temperature,
        max_tokens=max_tokens,
        tools=options.use_tools is not False,
        extra=kwargs,
        target_hash=_target_hash(target),
        context=ctx,
        cache_mode=cache_mode,
        name=target.qualified_name,
    )
    prepared = _finalise_system(prepared, provider)
    checked: dict[str, str] = {}

    def validate(answer: str) -> None:
        checked["code"] = _check_replacement(target, answer, provider.provider_name)

    response, answer = _send(session, prepared, validate)
    session.remember(response)
    code = checked.get("code") or _check_replacement(target, answer, response.provider_name)
    target.edit(code, extended=True)
    return cb.get_diff()


# -- batches -------------------------------------------------------------------------------
def _batch_id(prepared: Sequence[_Prepared], prompt: str) -> str:
    first = prepared[0] if prepared else None
    identity = {
        "operation": "map",
        "prompt": prompt,
        "provider": first.provider_name if first else None,
        "model": first.model if first else None,
        "temperature": first.temperature if first else None,
    }
    return content_hash(canonical_json(identity))


def map_targets(
    cb: Codebase,
    prompt: str,
    targets: Iterable[Any],
    concurrency: int | None = 8,
    **kwargs: Any,
) -> list[Any]:
    """Run ``prompt`` on every target concurrently; answers in input order. Resumable.

    Each answer is persisted as it arrives (batch journal in the AI state directory), so a
    re-run of the same batch after a crash or interrupt skips finished items and requests
    only the others. Every request goes through its provider's transport (client-side rate
    limit, retries, circuit breaker); an item that still fails with a retryable error is
    tried again ``item_retries`` times.

    Args:
        cb: The codebase.
        prompt: The task, asked about each target.
        targets: Symbols, files or strings.
        concurrency: Requests in flight at once (default the session's, 8).
        **kwargs: ``callback`` (called with a :class:`~graph_sitter.ai.batch.BatchEvent`
            after each item, in this thread), ``on_prepared`` (called as
            ``on_prepared(done, total)`` while the requests and their graph context are
            built, before any is sent), ``batch_id`` (default derived from the
            prompt, provider, model and temperature), ``resume`` (default ``True``),
            ``return_exceptions`` (put errors in the list instead of raising),
            ``item_retries``, ``journal`` (a path, or ``False`` for none), and the options
            of :func:`ask` (``context``, ``model``, ``provider``, ``temperature``...).

    Returns:
        One answer per target, in input order.

    Raises:
        AIBatchError: Some items failed (``results`` and ``errors``); the others are saved.
        MaxAIRequestsError: The session's request limit ran out; finished items are saved.
    """
    from graph_sitter.ai.batch import BatchItem, BatchJournal, run_batch

    session = get_session(cb)
    callback: BatchCallback | None = kwargs.pop("callback", None)
    batch_id: str | None = kwargs.pop("batch_id", None)
    resume = bool(kwargs.pop("resume", True))
    return_exceptions = bool(kwargs.pop("return_exceptions", False))
    item_retries = int(kwargs.pop("item_retries", session.options.item_retries))
    journal_option = kwargs.pop("journal", None)
    context = kwargs.pop("context", None)
    model = kwargs.pop("model", None)
    provider_name = kwargs.pop("provider", None)
    on_prepared: Callable[[int, int], None] | None = kwargs.pop("on_prepared", None)
    provider = session.provider(provider_name)
    listed = list(targets)
    items: list[_Prepared] = []
    for target in listed:
        prepared = _prepare_ask(
            session, prompt, target, context, model, provider_name, dict(kwargs), "map"
        )
        items.append(_finalise_system(prepared, provider))
        if on_prepared is not None:
            on_prepared(len(items), len(listed))
    tools_for = _supports_tools(provider)
    batch_items = [
        BatchItem(
            index=i,
            name=p.name,
            key=request_key(_effective(provider, p, p.tools and tools_for)),
            payload=p,
        )
        for i, p in enumerate(items)
    ]
    journal: BatchJournal | None
    owned = False
    if journal_option is False:
        journal = None
    elif journal_option is not None:
        journal = BatchJournal(Path(journal_option))
        owned = True
    else:
        journal = session.journal()
    if journal is None and journal_option is not False:
        logger.warning("ai.batch_not_resumable reason=no_state_dir")

    def work(item: BatchItem) -> tuple[str, bool]:
        response, answer = _send(session, item.payload)
        return answer, response.cached

    try:
        return run_batch(
            batch_items,
            work,
            total=len(batch_items),
            concurrency=concurrency or session.options.concurrency,
            journal=journal,
            batch_id=batch_id or _batch_id(items, prompt),
            callback=callback,
            item_retries=item_retries,
            resume=resume,
            return_exceptions=return_exceptions,
        )
    finally:
        if owned and journal is not None:
            journal.close()
