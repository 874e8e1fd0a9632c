"""Provider registry, credential detection, selection, health and the fallback chain.

Built-in providers are registered by import path so nothing is imported before it is
needed; third-party providers register with :func:`register_provider` or through the
``graph_sitter.ai.providers`` entry-point group (an entry point names an
:class:`AIProvider` subclass; its ``env_vars`` class attribute lists the variables it
needs). Selection order is ascending ``priority``: Codegen (10, when installed), OpenAI
(20), Anthropic (30), then custom providers (100 unless given).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, overload

from graph_sitter.ai.errors import (
    AIProviderError,
    ProviderAuthenticationError,
    ProviderConfigurationError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from graph_sitter.ai.providers.base import AIProvider
from graph_sitter.ai.providers.fallback import FallbackProvider
from graph_sitter.http.redaction import mask_secret, redact

__all__ = [
    "ENTRY_POINT_GROUP",
    "CredentialCheck",
    "ProviderSpec",
    "check_provider",
    "create_ai_provider",
    "detect_available_credentials",
    "get_available_providers",
    "get_provider_comparison",
    "get_provider_status",
    "get_recommended_provider",
    "provider_class",
    "register_provider",
    "validate_provider_credentials",
]

logger = logging.getLogger("graph_sitter.ai")

ENTRY_POINT_GROUP = "graph_sitter.ai.providers"
VALIDATION_TTL = 300.0
_SECRET_MARKERS = ("KEY", "TOKEN", "SECRET")


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """How to find, detect and build one provider.

    Attributes:
        name: Registry key (lower case, e.g. ``"openai"``).
        target: The provider class, a factory, or ``"module:Class"`` imported on first use.
        env_vars: Variables reported by :func:`detect_available_credentials`.
        required: Variables that must all be set for the provider to count as configured
            (any one group of ``alternatives`` also suffices).
        alternatives: Other variable groups that suffice (e.g. ``OPENAI_BASE_URL`` alone
            for a local OpenAI-compatible server).
        priority: Lower is preferred.
    """

    name: str
    target: str | Callable[..., AIProvider]
    env_vars: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, ...], ...] = ()
    priority: int = 100
    display_name: str = ""

    def load(self) -> Callable[..., AIProvider]:
        """The class or factory (importing it if registered by path)."""
        if not isinstance(self.target, str):
            return self.target
        module, _, attr = self.target.partition(":")
        loaded: Callable[..., AIProvider] = getattr(importlib.import_module(module), attr)
        return loaded


_BUILTINS = (
    ProviderSpec(
        "codegen",
        "graph_sitter.ai.providers.codegen:CodegenProvider",
        env_vars=(
            "CODEGEN_ORG_ID",
            "CODEGEN_TOKEN",
            "CODEGEN_BASE_URL",
            "CODEGEN_TIMEOUT",
            "CODEGEN_MAX_RETRIES",
        ),
        required=("CODEGEN_ORG_ID", "CODEGEN_TOKEN"),
        priority=10,
        display_name="Codegen",
    ),
    ProviderSpec(
        "openai",
        "graph_sitter.ai.providers.openai:OpenAIProvider",
        env_vars=("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_TIMEOUT", "OPENAI_MAX_RETRIES"),
        required=("OPENAI_API_KEY",),
        alternatives=(("OPENAI_BASE_URL",),),
        priority=20,
        display_name="OpenAI",
    ),
    ProviderSpec(
        "anthropic",
        "graph_sitter.ai.providers.anthropic:AnthropicProvider",
        env_vars=("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
        required=("ANTHROPIC_API_KEY",),
        priority=30,
        display_name="Anthropic",
    ),
)


@dataclass
class _Registry:
    specs: dict[str, ProviderSpec] = field(default_factory=dict)
    entry_points_loaded: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)
    live: weakref.WeakValueDictionary[str, AIProvider] = field(
        default_factory=weakref.WeakValueDictionary
    )
    validations: dict[tuple[str, str], tuple[bool, str | None, float]] = field(default_factory=dict)
    checking: dict[tuple[str, str], threading.Lock] = field(default_factory=dict)


_registry = _Registry(specs={spec.name: spec for spec in _BUILTINS})


def register_provider(
    name: str,
    provider: str | Callable[..., AIProvider],
    *,
    env_vars: tuple[str, ...] | None = None,
    required: tuple[str, ...] | None = None,
    priority: int = 100,
    replace: bool = False,
) -> ProviderSpec:
    """Make a provider selectable by name (and, when it has credentials, automatically).

    Args:
        name: Registry key (case-insensitive).
        provider: An :class:`AIProvider` subclass, a factory, or ``"module:Class"``.
        env_vars: Variables it reads; default its class's ``env_vars``.
        required: Variables that must be set; default ``env_vars``.
        priority: Lower is preferred in automatic selection.
        replace: Allow replacing an existing registration.

    Raises:
        ProviderConfigurationError: The name is taken and ``replace`` is false.
    """
    key = name.strip().lower()
    if env_vars is None:
        env_vars = tuple(getattr(provider, "env_vars", ()))
    spec = ProviderSpec(
        key,
        provider,
        env_vars=env_vars,
        required=env_vars if required is None else required,
        priority=priority,
        display_name=str(getattr(provider, "provider_name", "") or name),
    )
    with _registry.lock:
        if key in _registry.specs and not replace:
            raise ProviderConfigurationError(
                f"a provider named {key!r} is already registered (pass replace=True)"
            )
        _registry.specs[key] = spec
    return spec


def _load_entry_points() -> None:
    if _registry.entry_points_loaded:
        return
    with _registry.lock:
        if _registry.entry_points_loaded:
            return
        _registry.entry_points_loaded = True
        from importlib.metadata import entry_points

        for ep in entry_points(group=ENTRY_POINT_GROUP):
            key = ep.name.lower()
            if key in _registry.specs:
                continue
            try:
                target = ep.load()
            except Exception:  # a broken plug-in must not break provider selection
                logger.exception("ai.entry_point_failed name=%s", ep.name)
                continue
            register_provider(key, target, priority=int(getattr(target, "priority", 100)))


def _specs(prefer_codegen: bool = True) -> list[ProviderSpec]:
    _load_entry_points()
    with _registry.lock:
        specs = list(_registry.specs.values())

    def rank(spec: ProviderSpec) -> tuple[int, str]:
        if spec.name == "codegen" and not prefer_codegen:
            return (10_000, spec.name)
        return (spec.priority, spec.name)

    return sorted(specs, key=rank)


def _spec(name: str) -> ProviderSpec:
    key = name.strip().lower()
    for spec in _specs():
        if key in (spec.name, spec.display_name.lower()):
            return spec
    known = ", ".join(s.name for s in _specs())
    raise ProviderConfigurationError(f"unknown AI provider {name!r}; known providers: {known}")


def provider_class(name: str) -> type[AIProvider] | None:
    """The :class:`AIProvider` subclass registered as ``name``, to read its capabilities.

    ``None`` when ``name`` is unknown or registered as a factory rather than a class.
    """
    try:
        target = _spec(name).load()
    except ProviderConfigurationError:
        return None
    if isinstance(target, type) and issubclass(target, AIProvider):
        return target
    return None


def _values(
    spec: ProviderSpec, env: Mapping[str, str] | None, env_file: str | None
) -> dict[str, str | None]:
    import os

    from graph_sitter.configs.models.secrets import ConfigurationError, Secrets

    source: Mapping[str, str] = os.environ if env is None else env
    try:
        secrets: Secrets | None = Secrets.load(env=env, env_file=env_file)
    except ConfigurationError:
        secrets = None
    values: dict[str, str | None] = {}
    for var in dict.fromkeys(spec.env_vars + spec.required):
        field_name = var.lower()
        value: Any = None
        if secrets is not None and field_name in Secrets.model_fields:
            value = secrets.secret(field_name)
            if value is None:
                raw = getattr(secrets, field_name)
                value = None if raw is None else str(raw)
        if value is None:
            value = source.get(var) or None
        values[var] = value
    return values


def _configured(spec: ProviderSpec, values: Mapping[str, str | None]) -> bool:
    groups = ((spec.required,) if spec.required else ()) + spec.alternatives
    return any(all(values.get(var) for var in group) for group in groups) if groups else True


def _hint(var: str, value: str | None) -> str | None:
    if value is None:
        return None
    if any(marker in var for marker in _SECRET_MARKERS):
        return mask_secret(value)
    return redact(value)


def detect_available_credentials(
    env: Mapping[str, str] | None = None, env_file: str | None = ".env"
) -> dict[str, dict[str, Any]]:
    """Which providers have credentials; never returns a secret.

    Args:
        env: A mapping used instead of ``os.environ`` (for tests).
        env_file: The dotenv file read besides the environment (``None`` to skip).

    Returns:
        ``{name: {"available", "env_vars", "missing", "hints"}}`` where ``hints`` maps each
        set variable to a masked value (``sk-...a1b2``).
    """
    result: dict[str, dict[str, Any]] = {}
    for spec in _specs():
        values = _values(spec, env, env_file)
        result[spec.name] = {
            "available": _configured(spec, values),
            "env_vars": list(spec.env_vars),
            "missing": [var for var in spec.required if not values.get(var)],
            "hints": {var: _hint(var, v) for var, v in values.items() if v},
        }
    return result


def get_available_providers(
    env: Mapping[str, str] | None = None, env_file: str | None = ".env", prefer_codegen: bool = True
) -> list[str]:
    """Names of the providers that have credentials, in selection order."""
    detected = detect_available_credentials(env, env_file)
    return [s.name for s in _specs(prefer_codegen) if detected[s.name]["available"]]


def _build(spec: ProviderSpec, kwargs: Mapping[str, Any]) -> AIProvider:
    """A provider for use: the one whose stats :func:`get_provider_status` reports."""
    provider = spec.load()(**kwargs)
    _registry.live[spec.name] = provider
    return provider


def _probe(spec: ProviderSpec, kwargs: Mapping[str, Any]) -> AIProvider:
    """A throwaway provider for a credential check (never reported as the live one)."""
    return spec.load()(**kwargs)


def _credentials_rejected(provider: AIProvider) -> bool:
    return provider.last_validation_error == "credentials rejected"


def create_ai_provider(
    provider_name: str | None = None,
    prefer_codegen: bool = True,
    fallback_enabled: bool = True,
    validate_on_creation: bool = True,
    *,
    provider_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
    **kwargs: Any,
) -> AIProvider:
    """Build the provider to use.

    Args:
        provider_name: A registered name (``"openai"``, ``"anthropic"``...); ``None`` picks
            every provider with credentials, in preference order.
        prefer_codegen: Put Codegen first (else last) in automatic selection.
        fallback_enabled: With several candidates, return a :class:`FallbackProvider`.
        validate_on_creation: Check credentials now (a cheap cached call); providers whose
            credentials are rejected are dropped (or, when named, raise).
        provider_kwargs: For automatic selection, arguments of one provider only
            (``{"openai": {...}}``); a named provider takes its arguments directly.
        **kwargs: For a named provider, its constructor arguments. For automatic
            selection, arguments given to every provider (``env``, ``env_file``, ``retry``,
            ``async_backend``...).

    Raises:
        ProviderConfigurationError: No credentials (the message names the variables).
        ProviderAuthenticationError: A named provider's credentials were rejected.
    """
    if provider_name is not None:
        if provider_kwargs is not None:
            raise TypeError(
                "provider_kwargs is for automatic selection; give a named provider's "
                "arguments directly"
            )
        return _create_named(provider_name, validate_on_creation, kwargs)
    return _create_automatic(
        prefer_codegen, fallback_enabled, validate_on_creation, provider_kwargs or {}, kwargs
    )


def _create_named(name: str, validate: bool, kwargs: Mapping[str, Any]) -> AIProvider:
    """The provider `name`, built with `kwargs`; refused without credentials, or with
    credentials the validation rejects."""
    spec = _spec(name)
    _require_credentials(spec, kwargs)
    provider = _build(spec, kwargs)
    logger.debug("ai.select provider=%s reason=named", provider.provider_name)
    if validate and not provider.validate_credentials():
        _refuse_if_rejected(provider, spec)
    return provider


def _require_credentials(spec: ProviderSpec, kwargs: Mapping[str, Any]) -> None:
    """Raise unless `kwargs` give a key, token or URL, or the environment configures `spec`."""
    if any(kwargs.get(k) for k in ("api_key", "token", "base_url")):
        return
    if not _configured(spec, _values(spec, *_env_arguments(kwargs))):
        needed = " and ".join(spec.required) or "its settings"
        raise ProviderConfigurationError(
            f"{spec.display_name or spec.name} has no credentials: set {needed}",
            provider=spec.display_name or spec.name,
        )


def _env_arguments(kwargs: Mapping[str, Any]) -> tuple[Mapping[str, str] | None, str | None]:
    """The ``env`` and ``env_file`` (by default ``.env``) among a provider's arguments."""
    return kwargs.get("env"), kwargs.get("env_file", ".env")


def _refuse_if_rejected(provider: AIProvider, spec: ProviderSpec) -> None:
    """After a failed validation of a named provider: close it and raise if the credentials
    were rejected; otherwise (inconclusive) log a warning and keep it."""
    if _credentials_rejected(provider):
        provider.close()
        raise ProviderAuthenticationError(
            f"{provider.provider_name} rejected the credentials; check "
            f"{' / '.join(spec.required) or 'the key'}",
            provider=provider.provider_name,
        )
    logger.warning(
        "ai.validation_inconclusive provider=%s error=%s",
        provider.provider_name,
        redact(provider.last_validation_error or ""),
    )


def _create_automatic(
    prefer_codegen: bool,
    fallback_enabled: bool,
    validate: bool,
    per_provider: Mapping[str, Mapping[str, Any]],
    kwargs: Mapping[str, Any],
) -> AIProvider:
    """Every provider with credentials the validation does not reject (only the first without
    `fallback_enabled`), in preference order; several make a `FallbackProvider`."""
    candidates = get_available_providers(*_env_arguments(kwargs), prefer_codegen)
    logger.debug(
        "ai.select_candidates providers=%s reason=credentials_found order=%s",
        ",".join(candidates) or "-",
        "codegen_first" if prefer_codegen else "codegen_last",
    )
    chosen = _usable_providers(candidates, fallback_enabled, validate, per_provider, kwargs)
    logger.debug(
        "ai.select providers=%s fallback=%s",
        ",".join(p.provider_name for p in chosen) or "-",
        "on" if fallback_enabled and len(chosen) > 1 else "off",
    )
    if not chosen:
        needed = "; ".join(
            f"{s.display_name or s.name}: {' and '.join(s.required) or 'settings'}"
            for s in _specs(prefer_codegen)
        )
        raise ProviderConfigurationError(f"no AI provider has usable credentials ({needed})")
    return chosen[0] if len(chosen) == 1 else FallbackProvider(chosen)


def _usable_providers(
    candidates: list[str],
    fallback_enabled: bool,
    validate: bool,
    per_provider: Mapping[str, Mapping[str, Any]],
    kwargs: Mapping[str, Any],
) -> list[AIProvider]:
    """Build the `candidates` in order, dropping (and closing) those whose credentials the
    validation rejects; stop at the first kept one without `fallback_enabled`."""
    chosen: list[AIProvider] = []
    for name in candidates:
        provider = _build(_spec(name), {**kwargs, **per_provider.get(name, {})})
        if validate and not provider.validate_credentials() and _credentials_rejected(provider):
            logger.warning("ai.provider_skipped provider=%s reason=rejected", name)
            provider.close()
            continue
        chosen.append(provider)
        if not fallback_enabled:
            break
    return chosen


def _fingerprint(values: Mapping[str, str | None]) -> str:
    digest = hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()
    return digest[:16]


def _validate(
    spec: ProviderSpec, env: Mapping[str, str] | None, env_file: str | None, force: bool, **kw: Any
) -> tuple[bool, str | None]:
    values = _values(spec, env, env_file)
    if not _configured(spec, values):
        return False, "no credentials configured"
    key = (spec.name, _fingerprint(values))
    if not force:
        cached = _cached_validation(key)
        if cached is not None:
            return cached
    # The check is a network call: it runs under its credential set's own lock, never the
    # registry's, so a slow vendor holds up no other provider. Callers of the same set
    # wait for one check and share its result (checked again once the lock is theirs).
    with _registry.lock:
        key_lock = _registry.checking.setdefault(key, threading.Lock())
    with key_lock:
        if not force:
            cached = _cached_validation(key)
            if cached is not None:
                return cached
        try:
            provider = _probe(spec, {"env": env, "env_file": env_file, **kw})
        except AIProviderError as exc:
            return False, str(exc)
        try:
            valid = provider.validate_credentials(force=True)
            error = provider.last_validation_error
        finally:
            provider.close()
        if valid or error == "credentials rejected":
            with _registry.lock:
                _registry.validations[key] = (valid, error, time.monotonic())
        return valid, error


def _cached_validation(key: tuple[str, str]) -> tuple[bool, str | None] | None:
    with _registry.lock:
        cached = _registry.validations.get(key)
    if cached is not None and time.monotonic() - cached[2] < VALIDATION_TTL:
        return cached[0], cached[1]
    return None


@overload
def validate_provider_credentials(
    provider_name: str,
    force: bool = ...,
    env: Mapping[str, str] | None = ...,
    *,
    name: None = ...,
    env_file: str | None = ...,
    **kwargs: Any,
) -> bool: ...
@overload
def validate_provider_credentials(
    provider_name: None = ...,
    force: bool = ...,
    env: Mapping[str, str] | None = ...,
    *,
    name: str,
    env_file: str | None = ...,
    **kwargs: Any,
) -> bool: ...
@overload
def validate_provider_credentials(
    provider_name: None = ...,
    force: bool = ...,
    env: Mapping[str, str] | None = ...,
    *,
    name: None = ...,
    env_file: str | None = ...,
    **kwargs: Any,
) -> dict[str, bool]: ...
def validate_provider_credentials(
    provider_name: str | None = None,
    force: bool = False,
    env: Mapping[str, str] | None = None,
    *,
    name: str | None = None,
    env_file: str | None = ".env",
    **kwargs: Any,
) -> bool | dict[str, bool]:
    """Check credentials with each vendor's cheapest call (list models); cached 300 s.

    Thread-safe: concurrent callers share one check per provider and credential set.
    Codegen's check reads the organisation's repositories, so a wrong ``CODEGEN_ORG_ID``
    fails it as a wrong token does.

    Args:
        provider_name: One provider (returns a bool), or ``None`` for every provider with
            credentials (returns ``{name: bool}``).
        force: Ignore cached results.
        env: A mapping used instead of ``os.environ``.
        name: Another spelling of ``provider_name`` (give one of them).
        env_file: A dotenv file read for missing variables (``None`` to skip).
        **kwargs: Passed to the provider constructors (``http_transport``...).

    Raises:
        TypeError: ``name`` and ``provider_name`` name different providers.
    """
    if name is not None:
        if provider_name is not None and provider_name != name:
            raise TypeError("give provider_name or name, not both")
        provider_name = name
    if provider_name is not None:
        return _validate(_spec(provider_name), env, env_file, force, **kwargs)[0]
    return {
        name: _validate(_spec(name), env, env_file, force, **kwargs)[0]
        for name in get_available_providers(env, env_file)
    }


def get_provider_status(
    env: Mapping[str, str] | None = None, env_file: str | None = ".env", validate: bool = True
) -> dict[str, dict[str, Any]]:
    """Credentials, availability, validation and live stats of every registered provider.

    Returns:
        ``{name: {has_credentials, credential_info, is_available, validation_result,
        error, stats}}``; ``stats`` are the enhanced statistics (``get_enhanced_stats``,
        latency percentiles included) of the last provider built for that name while it
        is alive, else ``None``.
    """
    detected = detect_available_credentials(env, env_file)
    status: dict[str, dict[str, Any]] = {}
    for spec in _specs():
        info = detected[spec.name]
        result: bool | None = None
        error: str | None = None if info["available"] else "no credentials configured"
        if info["available"] and validate:
            result, error = _validate(spec, env, env_file, False)
        live = _registry.live.get(spec.name)
        status[spec.name] = {
            "has_credentials": info["available"],
            "credential_info": info,
            "is_available": bool(info["available"] and result is not False),
            "validation_result": result,
            "error": error,
            "stats": live.get_enhanced_stats() if live is not None else None,
        }
    return status


def get_recommended_provider(
    env: Mapping[str, str] | None = None,
    env_file: str | None = ".env",
    validate: bool = False,
    prefer_codegen: bool = True,
) -> str | None:
    """The first provider in selection order that has (and, if asked, passes) credentials."""
    for name in get_available_providers(env, env_file, prefer_codegen):
        if not validate or _validate(_spec(name), env, env_file, False)[0]:
            return name
    return None


def get_provider_comparison(
    env: Mapping[str, str] | None = None, env_file: str | None = ".env", validate: bool = True
) -> dict[str, Any]:
    """Every provider side by side plus a summary.

    Returns:
        ``{"providers": {name: status + priority}, "summary": {total_providers,
        available_providers, validated_providers, recommended_provider}}``.
    """
    status = get_provider_status(env, env_file, validate)
    priorities = {spec.name: spec.priority for spec in _specs()}
    providers = {name: {**entry, "priority": priorities[name]} for name, entry in status.items()}
    recommended = next(
        (
            name
            for name in get_available_providers(env, env_file)
            if status[name]["validation_result"] is not False
        ),
        None,
    )
    return {
        "providers": providers,
        "summary": {
            "total_providers": len(providers),
            "available_providers": sum(1 for e in status.values() if e["is_available"]),
            "validated_providers": sum(1 for e in status.values() if e["validation_result"]),
            "recommended_provider": recommended,
        },
    }


@dataclass(frozen=True, slots=True)
class CredentialCheck:
    """The outcome of one provider's credential check, with the reason when it failed.

    Attributes:
        provider: The registry name (``openai``...).
        verdict: ``VALID``; ``REJECTED`` (the vendor answered 401/403: wrong key, or no
            access to the organisation); ``UNREACHABLE`` (no answer: connection refused,
            DNS, timeout); ``MISCONFIGURED`` (a setting is malformed; ``detail`` names the
            variable); ``NOT_CONFIGURED`` (no credentials); ``UNVERIFIED`` (the vendor
            answered, but not usefully: 5xx, malformed body).
        detail: Why, in one redacted line (``None`` when valid).
    """

    provider: str
    verdict: str
    detail: str | None = None

    @property
    def valid(self) -> bool:
        """Whether the credentials were accepted."""
        return self.verdict == "VALID"


def _setting_problem(values: Mapping[str, str | None]) -> str | None:
    for var, value in values.items():
        if var.endswith("_BASE_URL") and value and not value.startswith(("http://", "https://")):
            return f"{var} must be an http(s) URL, got {redact(value)!r}"
    return None


def check_provider(
    provider_name: str,
    env: Mapping[str, str] | None = None,
    env_file: str | None = ".env",
    **kwargs: Any,
) -> CredentialCheck:
    """Check one provider's credentials now (never cached) and say why they fail.

    Args:
        provider_name: A registered name.
        env: A mapping used instead of ``os.environ``.
        env_file: The dotenv file read besides the environment (``None`` to skip).
        **kwargs: Passed to the provider's constructor.

    Raises:
        ProviderConfigurationError: The name is not registered.
    """
    spec = _spec(provider_name)
    values = _values(spec, env, env_file)
    if not _configured(spec, values):
        needed = " and ".join(spec.required) or "its settings"
        return CredentialCheck(spec.name, "NOT_CONFIGURED", f"set {needed}")
    problem = _setting_problem(values)
    if problem is not None:
        return CredentialCheck(spec.name, "MISCONFIGURED", problem)
    try:
        provider = _probe(spec, {"env": env, "env_file": env_file, **kwargs})
    except ProviderConfigurationError as exc:
        return CredentialCheck(spec.name, "MISCONFIGURED", redact(str(exc)))
    try:
        valid = provider.validate_credentials(force=True)
        error = provider.last_validation_exception
        message = provider.last_validation_error
    finally:
        provider.close()
    logger.debug("ai.credential_check provider=%s valid=%s", spec.name, valid)
    if valid:
        return CredentialCheck(spec.name, "VALID")
    if error is None:
        hint = " / ".join(spec.required) or "the key"
        return CredentialCheck(
            spec.name, "REJECTED", f"the vendor refused the credentials; check {hint}"
        )
    detail = redact(message or str(error))
    if isinstance(error, ProviderConfigurationError):
        return CredentialCheck(spec.name, "MISCONFIGURED", detail)
    if isinstance(error, ProviderAuthenticationError):
        return CredentialCheck(spec.name, "REJECTED", detail)
    status = getattr(error, "status_code", None)
    if isinstance(error, ProviderTimeoutError | ProviderUnavailableError) and status is None:
        return CredentialCheck(spec.name, "UNREACHABLE", detail)
    return CredentialCheck(spec.name, "UNVERIFIED", detail)
