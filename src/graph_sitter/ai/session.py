"""A codebase's AI session: options, the request limit, providers and stores.

Sessions live here, in the AI layer, keyed weakly by codebase (the core object carries no
AI state): :func:`get_session` creates one on first use and registers the AI layer's reset
hook with the core (``Codebase.reset`` restarts the request count); the session closes
when its codebase is collected.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph_sitter.ai import context as _context
from graph_sitter.ai.cache import (
    DEFAULT_TTL,
    REDIS_URL_ENV,
    CacheStore,
    ai_state_dir,
    content_hash,
    open_store,
    redis_client,
)
from graph_sitter.ai.errors import MaxAIRequestsError
from graph_sitter.ai.providers.base import AIProvider, AIResponse
from graph_sitter.ai.usage import UsageLedger, default_ledger_path
from graph_sitter.core._hooks import register_reset_hook

if TYPE_CHECKING:
    import redis

    from graph_sitter.ai.batch import BatchJournal
    from graph_sitter.core.codebase import Codebase

__all__ = [
    "Session",
    "SessionOptions",
    "existing_session",
    "get_session",
    "paced_limits",
]


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
        from graph_sitter.ai.providers.factory import provider_class
        from graph_sitter.ai.shared_state import CombinedRateLimiter
        from graph_sitter.http import RateLimiter

        options = self.options
        out: dict[str, Any] = {}
        cls = provider_class(name)
        if cls is None or not cls.supports_shared_limits:
            return out
        limits = paced_limits(
            options.requests_per_minute, options.tokens_per_minute, options.rate_limit_margin
        )
        limiters: list[RateLimiter] = []
        client = self.redis()
        if client is not None:
            from graph_sitter.ai.shared_state import RedisCircuitBreaker, RedisRateLimiter

            scope = f"{name}:{self._endpoint_hash(name)}"
            out["breaker"] = RedisCircuitBreaker(cls.provider_name, client=client, scope=scope)
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


_sessions: weakref.WeakKeyDictionary[Codebase, Session] = weakref.WeakKeyDictionary()
_sessions_lock = threading.Lock()


def get_session(cb: Codebase) -> Session:
    """The codebase's session, created on first use (closed when the codebase is collected)."""
    with _sessions_lock:
        session = _sessions.get(cb)
        if session is None:
            register_reset_hook(_reset_hook)
            session = Session()
            _sessions[cb] = session
            weakref.finalize(cb, session.close)
        return session


def existing_session(cb: Codebase) -> Session | None:
    """The codebase's session if one was created (nothing is created)."""
    with _sessions_lock:
        return _sessions.get(cb)


def _reset_hook(cb: Codebase) -> None:
    session = existing_session(cb)
    if session is not None:
        session.reset()
