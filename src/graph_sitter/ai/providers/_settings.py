"""Resolve a provider's settings (arguments > environment > ``.env``) and build its transport."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from graph_sitter.ai.errors import ProviderConfigurationError
from graph_sitter.http import RetryPolicy, Timeout, Transport, redact, register_secret

__all__ = ["ProviderSettings", "resolve_settings"]

_TRANSPORT_OPTIONS = (
    "breaker",
    "budget",
    "rate_limit",
    "limits",
    "http_transport",
    "async_http_transport",
    "max_response_bytes",
    "async_backend",
    "idempotency_header",
)


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
        self, *, name: str, headers: dict[str, str], on_retry: tuple[Any, ...], kw: dict[str, Any]
    ) -> Transport:
        """A transport for these settings; consumes the transport options found in ``kw``."""
        options = {key: kw.pop(key) for key in _TRANSPORT_OPTIONS if key in kw}
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
    kw: dict[str, Any],
    default_timeout: float = 600.0,
    default_max_retries: int = 2,
) -> ProviderSettings:
    """Merge arguments over ``{VENDOR}_*`` variables (from ``kw["env"]`` or the environment).

    Consumes ``env``, ``env_file`` and ``retry`` from ``kw``.

    Raises:
        ProviderConfigurationError: An argument or variable is invalid (names it).
    """
    from graph_sitter.configs.models.secrets import ConfigurationError, Secrets

    env = kw.pop("env", None)
    env_file = kw.pop("env_file", ".env")
    retry = kw.pop("retry", None)
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
