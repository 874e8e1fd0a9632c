"""A fallback chain: an :class:`AIProvider` that tries several providers in order.

A failure another provider can absorb (unavailable, circuit open, rate-limited past its
retries or quota, timeout, 5xx, a malformed body) moves the request to the next provider;
any other error (bad request, authentication, content filter, ...) is raised at once. The answer's
``metadata["providers_tried"]`` lists every provider tried, the successful one last, and
``metadata["fallback_errors"]`` the errors that caused each move.

A request that names a model goes only to the providers that serve it
(:meth:`AIProvider.accepts_model`: known name prefixes, then each provider's model list);
when none does, it fails with :class:`ModelNotFoundError` instead of reaching a provider
that would drop the model. The chain's own statistics count each call once, whichever way
it ended. Selection and every move are logged at DEBUG on ``graph_sitter.ai``.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from graph_sitter.ai.errors import (
    AIProviderError,
    MalformedResponseError,
    ModelNotFoundError,
    ProviderConfigurationError,
    ProviderRateLimitError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from graph_sitter.ai.providers.base import AIProvider, AIResponse
from graph_sitter.ai.stats import CallRecord

__all__ = ["ABSORBABLE_ERRORS", "FallbackProvider"]

logger = logging.getLogger("graph_sitter.ai")

#: Errors that move a request to the next provider.
ABSORBABLE_ERRORS: tuple[type[AIProviderError], ...] = (
    MalformedResponseError,  # a garbled, oversized or too deeply nested body from one vendor
    ProviderUnavailableError,
    ProviderRateLimitError,
    ProviderTimeoutError,
)


class FallbackProvider(AIProvider):
    """Try ``providers`` in order until one answers.

    Args:
        providers: At least one provider, in preference order. The chain owns them:
            closing the chain closes them.
        absorb: Error types that move the request to the next provider.
    """

    provider_name: ClassVar[str] = "Fallback"

    def __init__(
        self,
        providers: Sequence[AIProvider],
        *,
        absorb: tuple[type[AIProviderError], ...] = ABSORBABLE_ERRORS,
    ) -> None:
        if not providers:
            raise ProviderConfigurationError("a fallback chain needs at least one provider")
        super().__init__()
        self.providers = tuple(providers)
        self.absorb = absorb
        # The chain can do what every member can do (it streams as one final chunk).
        self.supports_tools = all(p.supports_tools for p in self.providers)
        self.supports_system_prompt = all(p.supports_system_prompt for p in self.providers)

    @property
    def has_credentials(self) -> bool:
        """Whether any provider in the chain has credentials."""
        return any(p.has_credentials for p in self.providers)

    @property
    def is_available(self) -> bool:
        """Whether any provider in the chain is available."""
        return not self._closed and any(p.is_available for p in self.providers)

    def get_default_model(self) -> str:
        """The first provider's default model."""
        return self.providers[0].get_default_model()

    def get_available_models(self) -> list[str]:
        """The union of the providers' models, in chain order."""
        seen: dict[str, None] = {}
        for provider in self.providers:
            try:
                models = provider.get_available_models()
            except AIProviderError:
                continue
            seen.update(dict.fromkeys(models))
        return list(seen)

    def _check_credentials(self) -> bool:
        return any(p.validate_credentials() for p in self.providers)

    def accepts_model(self, model: str) -> bool:
        """Whether any provider of the chain serves ``model``."""
        return any(p.accepts_model(model) for p in self.providers)

    def _plan(self, model: str | None) -> list[AIProvider]:
        available = [p for p in self.providers if p.is_available]
        order = available or list(self.providers)
        if not model:
            plan = order
            reason = "no model named: available providers in order"
        else:
            plan = [p for p in order if p.accepts_model(model)]
            reason = f"providers serving model {model}"
            if not plan:  # those serving it may be unavailable now: still better than none
                plan = [p for p in self.providers if p.accepts_model(model)]
                reason = f"providers serving model {model} (none available now)"
            if not plan:
                names = ", ".join(p.provider_name for p in self.providers)
                raise ModelNotFoundError(
                    f"no provider of this chain ({names}) serves model {model!r}; name a "
                    "model one of them serves, or leave model unset to use their defaults",
                    provider=self.provider_name,
                )
        logger.debug(
            "ai.select chain=%s plan=%s skipped=%s reason=%s",
            ",".join(p.provider_name for p in self.providers),
            ",".join(p.provider_name for p in plan),
            ",".join(p.provider_name for p in self.providers if p not in plan) or "-",
            reason,
        )
        return plan

    def _answer(
        self, response: AIResponse, tried: list[str], errors: list[str], started: float
    ) -> AIResponse:
        elapsed = time.perf_counter() - started
        self._stats.record(
            CallRecord(
                success=True,
                latency=elapsed,
                retries=response.retries_taken,
                model=response.model,
                prompt_tokens=int(response.usage.get("prompt_tokens", 0)),
                completion_tokens=int(response.usage.get("completion_tokens", 0)),
                cost_usd=response.cost_usd,
            )
        )
        if len(tried) > 1:
            logger.debug(
                "ai.fallback_answered provider=%s tried=%s", response.provider_name, ",".join(tried)
            )
        metadata = {**response.metadata, "providers_tried": tried, "fallback_errors": errors}
        return dataclasses.replace(response, metadata=metadata, response_time=elapsed)

    def _moved(
        self, provider: AIProvider, exc: AIProviderError, tried: list[str], remaining: int
    ) -> str:
        logger.warning(
            "ai.fallback from=%s error=%s remaining=%d",
            provider.provider_name,
            type(exc).__name__,
            remaining,
        )
        return f"{provider.provider_name}: {type(exc).__name__}: {exc}"

    def _stopped(self, provider: AIProvider, exc: AIProviderError, started: float) -> None:
        """A failure no other provider can absorb: count it and say why the chain stops."""
        logger.debug(
            "ai.fallback_stop provider=%s error=%s reason=not_absorbable",
            provider.provider_name,
            type(exc).__name__,
        )
        self._failed(started)

    def _failed(self, started: float) -> None:
        self._stats.record(CallRecord(success=False, latency=time.perf_counter() - started))

    def _all_failed(self, errors: list[AIProviderError], started: float) -> AIProviderError:
        self._failed(started)
        logger.debug("ai.fallback_exhausted errors=%d", len(errors))
        if len(errors) == 1:
            return errors[0]
        summary = "; ".join(f"{e.provider}: {type(e).__name__}" for e in errors)
        return ProviderUnavailableError(
            f"every provider failed ({summary})", provider=self.provider_name, errors=tuple(errors)
        )

    def _start(self, model: str | None, started: float) -> list[AIProvider]:
        try:
            return self._plan(model)
        except AIProviderError:
            self._failed(started)
            raise

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
        """Ask each provider in turn; see :meth:`AIProvider.generate_response`.

        Raises:
            ModelNotFoundError: ``model`` is named and no provider of the chain serves it.
            ProviderUnavailableError: Every provider failed (``errors`` lists why).
        """
        started = time.perf_counter()
        plan = self._start(model, started)
        tried: list[str] = []
        notes: list[str] = []
        errors: list[AIProviderError] = []
        for provider in plan:
            tried.append(provider.provider_name)
            try:
                response = provider.generate_response(
                    prompt,
                    system_prompt,
                    model,
                    temperature,
                    max_tokens,
                    tools,
                    tool_choice,
                    **dict(kwargs),
                )
            except self.absorb as exc:
                errors.append(exc)
                notes.append(self._moved(provider, exc, tried, len(plan) - len(tried)))
                continue
            except AIProviderError as exc:
                self._stopped(provider, exc, started)
                raise
            return self._answer(response, tried, notes, started)
        raise self._all_failed(errors, started)

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
        """Async twin of :meth:`generate_response`."""
        started = time.perf_counter()
        plan = self._start(model, started)
        tried: list[str] = []
        notes: list[str] = []
        errors: list[AIProviderError] = []
        for provider in plan:
            tried.append(provider.provider_name)
            try:
                response = await provider.agenerate_response(
                    prompt,
                    system_prompt,
                    model,
                    temperature,
                    max_tokens,
                    tools,
                    tool_choice,
                    **dict(kwargs),
                )
            except self.absorb as exc:
                errors.append(exc)
                notes.append(self._moved(provider, exc, tried, len(plan) - len(tried)))
                continue
            except AIProviderError as exc:
                self._stopped(provider, exc, started)
                raise
            return self._answer(response, tried, notes, started)
        raise self._all_failed(errors, started)

    def get_enhanced_stats(self) -> dict[str, Any]:
        """The chain's counters plus ``providers`` (each provider's enhanced stats) and
        ``task_count``, ``successful_tasks``, ``failed_tasks`` (Codegen's, else 0)."""
        stats = super().get_enhanced_stats()
        members = {p.provider_name: p.get_enhanced_stats() for p in self.providers}
        for key in ("task_count", "successful_tasks", "failed_tasks"):
            stats[key] = sum(int(m.get(key, 0) or 0) for m in members.values())
        stats["providers"] = members
        return stats

    def close(self) -> None:
        """Close every provider of the chain."""
        super().close()
        for provider in self.providers:
            provider.close()

    async def aclose(self) -> None:
        """Async twin of :meth:`close`."""
        super().close()
        for provider in self.providers:
            await provider.aclose()

    def __repr__(self) -> str:
        names = ", ".join(p.provider_name for p in self.providers)
        return f"<FallbackProvider [{names}]>"
