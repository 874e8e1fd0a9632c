"""A fallback chain: an :class:`AIProvider` that tries several providers in order.

A failure another provider can absorb (unavailable, circuit open, rate-limited past its
retries or quota, timeout, 5xx, a malformed body) moves the request to the next provider;
any other error (bad request, authentication, content filter, ...) is raised at once. The answer's
``metadata["providers_tried"]`` lists every provider tried, the successful one last, and
``metadata["fallback_errors"]`` the errors that caused each move.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from graph_sitter.ai.errors import (
    AIProviderError,
    MalformedResponseError,
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

    def _plan(self, model: str | None) -> list[tuple[AIProvider, str | None]]:
        order = [p for p in self.providers if p.is_available] or list(self.providers)
        return [(p, model if model and p.accepts_model(model) else None) for p in order]

    def _answer(self, response: AIResponse, tried: list[str], errors: list[str]) -> AIResponse:
        self._stats.record(
            CallRecord(
                success=True,
                latency=response.response_time,
                retries=response.retries_taken,
                model=response.model,
                prompt_tokens=int(response.usage.get("prompt_tokens", 0)),
                completion_tokens=int(response.usage.get("completion_tokens", 0)),
                cost_usd=response.cost_usd,
            )
        )
        metadata = {**response.metadata, "providers_tried": tried, "fallback_errors": errors}
        return dataclasses.replace(response, metadata=metadata)

    def _moved(self, provider: AIProvider, exc: AIProviderError, tried: list[str]) -> str:
        logger.warning(
            "ai.fallback from=%s error=%s remaining=%d",
            provider.provider_name,
            type(exc).__name__,
            len(self.providers) - len(tried),
        )
        return f"{provider.provider_name}: {type(exc).__name__}: {exc}"

    def _all_failed(self, errors: list[AIProviderError]) -> AIProviderError:
        self._stats.record(CallRecord(success=False, latency=0.0))
        if len(errors) == 1:
            return errors[0]
        summary = "; ".join(f"{e.provider}: {type(e).__name__}" for e in errors)
        return ProviderUnavailableError(
            f"every provider failed ({summary})", provider=self.provider_name, errors=tuple(errors)
        )

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
            ProviderUnavailableError: Every provider failed (``errors`` lists why).
        """
        tried: list[str] = []
        notes: list[str] = []
        errors: list[AIProviderError] = []
        for provider, provider_model in self._plan(model):
            tried.append(provider.provider_name)
            try:
                response = provider.generate_response(
                    prompt,
                    system_prompt,
                    provider_model,
                    temperature,
                    max_tokens,
                    tools,
                    tool_choice,
                    **dict(kwargs),
                )
            except self.absorb as exc:
                errors.append(exc)
                notes.append(self._moved(provider, exc, tried))
                continue
            return self._answer(response, tried, notes)
        raise self._all_failed(errors)

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
        tried: list[str] = []
        notes: list[str] = []
        errors: list[AIProviderError] = []
        for provider, provider_model in self._plan(model):
            tried.append(provider.provider_name)
            try:
                response = await provider.agenerate_response(
                    prompt,
                    system_prompt,
                    provider_model,
                    temperature,
                    max_tokens,
                    tools,
                    tool_choice,
                    **dict(kwargs),
                )
            except self.absorb as exc:
                errors.append(exc)
                notes.append(self._moved(provider, exc, tried))
                continue
            return self._answer(response, tried, notes)
        raise self._all_failed(errors)

    def get_enhanced_stats(self) -> dict[str, Any]:
        """The chain's counters plus ``providers``: each provider's enhanced stats."""
        stats = super().get_enhanced_stats()
        stats["providers"] = {p.provider_name: p.get_enhanced_stats() for p in self.providers}
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
