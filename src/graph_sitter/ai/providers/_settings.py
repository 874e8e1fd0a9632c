"""Resolve a provider's settings (arguments > environment > ``.env``) and build its transport."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from graph_sitter.ai.errors import ProviderConfigurationError
from graph_sitter.http import (
    CircuitBreaker,
    RateLimit,
    RateLimiter,
    RetryBudget,
    RetryPolicy,
    Timeout,
    Transport,
    redact,
    register_secret,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["ProviderSettings", "TransportOptions", "check_transport_options", "resolve_settings"]


class TransportOptions(TypedDict, total=False):
    """Options an HTTP provider hands to its :class:`~graph_sitter.http.Transport` as given
    (one left out keeps the transport's default, which differs from ``None`` for ``budget``
    and ``breaker``)."""

    breaker: CircuitBreaker | None
    budget: RetryBudget | None
    rate_limit: RateLimit | RateLimiter | None
    limits: httpx.Limits | None
    http_transport: httpx.BaseTransport | None
    async_http_transport: httpx.AsyncBaseTransport | None
    async_backend: Literal["auto", "aiohttp", "httpx"]
    idempotency_header: str | None
    max_response_bytes: int | None


def check_transport_options(
    options: Mapping[str, Any], allowed: frozenset[str] = TransportOptions.__optional_keys__
) -> None:
    """Raise ``TypeError`` for a keyword not in ``allowed`` (:class:`TransportOptions`'s keys)."""
    unknown = set(options) - allowed
    if unknown:
        raise TypeError(f"unexpected argument(s): {', '.join(sorted(unknown))}")


@dataclass(frozen=True, slots=True)
class ProviderSettings:
    """Resolved connection settings of one provider (the key is hidden from ``repr``)."""

    api_key: str | None = field(repr=False)
    base_url: str = field(repr=False)
    timeout: float
    max_retries: int
    retry: RetryPolicy | None = None

    def __repr__(self) -> str:
        return (
            f"ProviderSettings(base_url={redact(self.base_url)!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries!r})"
        )

    def build_transport(
        self,
        *,
        name: str,
        headers: dict[str, str],
        on_retry: tuple[Any, ...],
        options: TransportOptions,
    ) -> Transport:
        """A transport for these settings and the options given."""
        retry = self.retry or RetryPolicy(max_attempts=self.max_retries + 1)
        return Transport(
            self.base_url,
            headers=headers,
            timeout=Timeout.of(self.timeout),
            retry=retry,
            name=name,
            secrets=(self.api_key,) if self.api_key else (),
            on_retry=on_retry,
            **options,
        )


def resolve_settings(
    vendor: str,
    *,
    api_key: str | None,
    base_url: str | None,
    timeout: float | None,
    max_retries: int | None,
    default_base_url: str,
    env: Mapping[str, str] | None = None,
    env_file: str | None = ".env",
    retry: RetryPolicy | None = None,
    default_timeout: float = 600.0,
    default_max_retries: int = 2,
) -> ProviderSettings:
    """Merge arguments over ``{VENDOR}_*`` variables (from ``kw["env"]`` or the environment).

    Raises:
        ProviderConfigurationError: An argument or variable is invalid (names it).
    """
    from graph_sitter.configs.models.secrets import ConfigurationError, Secrets

    if timeout is not None and not (timeout > 0 and math.isfinite(timeout)):
        raise ProviderConfigurationError(
            f"timeout must be a positive number of seconds, got {timeout!r}"
        )
    if max_retries is not None and (not isinstance(max_retries, int) or max_retries < 0):
        raise ProviderConfigurationError(
            f"max_retries must be an integer >= 0, got {max_retries!r}"
        )
    try:
        secrets = Secrets.load(env=env, env_file=env_file)
    except ConfigurationError as exc:
        raise ProviderConfigurationError(str(exc)) from None
    key = api_key or secrets.secret(f"{vendor}_api_key")
    register_secret(key)
    resolved_timeout = timeout if timeout is not None else getattr(secrets, f"{vendor}_timeout")
    resolved_retries = (
        max_retries if max_retries is not None else getattr(secrets, f"{vendor}_max_retries")
    )
    url = base_url or getattr(secrets, f"{vendor}_base_url") or default_base_url
    return ProviderSettings(
        api_key=key or None,
        base_url=url.rstrip("/"),
        timeout=float(resolved_timeout if resolved_timeout is not None else default_timeout),
        max_retries=int(resolved_retries if resolved_retries is not None else default_max_retries),
        retry=retry,
    )
