"""The provider interface (:class:`AIProvider`) and its answer (:class:`AIResponse`).

Concrete providers implement the abstract methods; the base class supplies the shared,
thread-safe parts: statistics, the cached credential check, and the context managers.
"""

from __future__ import annotations

import abc
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graph_sitter.ai.stats import ProviderStats

__all__ = ["AIProvider", "AIResponse"]


@dataclass(frozen=True, slots=True)
class AIResponse:
    """One answer from a provider.

    Attributes:
        content: The text answer (``""`` when the model answered only with tool calls).
        provider_name: The provider that produced it (``"OpenAI"``, ``"Anthropic"``...).
        model: The model the vendor reports having used.
        usage: ``prompt_tokens``, ``completion_tokens``, ``total_tokens`` when reported.
        metadata: Extra facts: ``finish_reason``, ``providers_tried`` after a fallback, ...
        raw_response: The vendor's decoded JSON body.
        response_time: Seconds from the call to the answer, retries included.
        request_id: The vendor's request id, if sent.
        retries_taken: Retries the call needed.
        cost_usd: Estimated cost, ``None`` when the model's price is unknown.
        cached: Whether the answer came from a cache rather than the vendor.
        tool_calls: Tool calls in OpenAI's shape (``id``, ``type``, ``function`` with
            ``name`` and JSON ``arguments``), whatever the vendor.
        finish_reason: Why generation stopped (``stop``, ``length``, ``tool_calls``...).
    """

    content: str
    provider_name: str
    model: str
    usage: Mapping[str, int] = field(default_factory=dict, hash=False)
    metadata: Mapping[str, Any] = field(default_factory=dict, hash=False)
    raw_response: Any = field(default=None, hash=False, repr=False, compare=False)
    response_time: float = 0.0
    request_id: str | None = None
    retries_taken: int = 0
    cost_usd: float | None = None
    cached: bool = False
    tool_calls: tuple[Mapping[str, Any], ...] = field(default=(), hash=False)
    finish_reason: str | None = None


class AIProvider(abc.ABC):
    """Base class of every provider. Instances are safe to share between threads.

    Subclasses set :attr:`provider_name` and :attr:`env_vars` and implement
    :meth:`generate_response`, :meth:`agenerate_response`, :meth:`get_default_model` and
    :meth:`_check_credentials`.

    Args:
        validation_ttl: Seconds a credential check result stays cached.
    """

    provider_name: ClassVar[str] = "AI"
    #: Environment variables the provider reads (for messages and credential detection).
    env_vars: ClassVar[tuple[str, ...]] = ()

    # -- capabilities (declared by each provider class) ----------------------------------
    #: Sends tool definitions and ``tool_choice`` to the model (``cb.ai`` forces an
    #: ``answer`` tool when true, else asks for plain text).
    supports_tools: bool = False
    #: :meth:`stream_response` yields text as it is generated (else one final chunk).
    supports_streaming: bool = False
    #: The system prompt travels as a separate instruction (else it is folded into the
    #: prompt).
    supports_system_prompt: bool = True
    #: The constructor takes ``rate_limit`` and ``breaker`` for its HTTP transport, so a
    #: session can share client-side limits and breakers (in Redis) between processes.
    supports_shared_limits: ClassVar[bool] = False

    def __init__(self, *, validation_ttl: float = 300.0) -> None:
        self.validation_ttl = validation_ttl
        self._stats = ProviderStats(self.provider_name)
        self._validation_lock = threading.Lock()
        self._validation: tuple[bool, float] | None = None
        self.last_validation_error: str | None = None
        #: The error that kept the last credential check from being made, if any.
        self.last_validation_exception: Exception | None = None
        self._closed = False

    # -- abstract --------------------------------------------------------------------------
    @abc.abstractmethod
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
        """Ask the model and wait for the whole answer.

        Args:
            prompt: The user message.
            system_prompt: Instructions placed before the prompt.
            model: The model; default :meth:`get_default_model`.
            temperature: Sampling temperature (sent explicitly: vendors default to 1.0).
            max_tokens: Cap on generated tokens.
            tools: Tool definitions in OpenAI's ``{"type": "function", ...}`` shape.
            tool_choice: ``"auto"``, ``"none"``, ``"required"`` or a specific tool.
            **kwargs: Vendor parameters passed through (``messages`` replaces the prompt
                with a full conversation; ``timeout`` overrides the call's timeout).

        Raises:
            AIProviderError: Or one of its subclasses; see :mod:`graph_sitter.ai.errors`.
        """

    @abc.abstractmethod
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

    @abc.abstractmethod
    def get_default_model(self) -> str:
        """The model used when none is given."""

    @abc.abstractmethod
    def _check_credentials(self) -> bool:
        """Make the cheap credential check; ``False`` for rejected credentials.

        Raise an ``AIProviderError`` when the check itself could not be made.
        """

    # -- overridable -----------------------------------------------------------------------
    @property
    def has_credentials(self) -> bool:
        """Whether the provider was given what it needs to authenticate."""
        return True

    @property
    def is_available(self) -> bool:
        """Configured, not closed, and not known to have bad credentials."""
        if self._closed or not self.has_credentials:
            return False
        validation = self._validation
        return validation is None or validation[0]

    def accepts_model(self, model: str) -> bool:
        """Whether ``model`` names a model of this vendor (used by fallback chains)."""
        return True

    def get_available_models(self) -> list[str]:
        """Models the provider can serve (may call the vendor)."""
        return [self.get_default_model()]

    def stream_response(
        self,
        prompt: str,
        system_prompt: str | None = None,
        model: str | None = None,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        **kwargs: Any,
    ) -> Iterator[str]:
        """Yield the answer's text as it is generated (one full chunk if not supported)."""
        response = self.generate_response(
            prompt, system_prompt, model, temperature, max_tokens, **kwargs
        )
        yield response.content

    async def astream_response(
        self,
        prompt: str,
        system_prompt: str | None = None,
        model: str | None = None,
        temperature: float = 0.0,
        max_tokens: int | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[str]:
        """Async twin of :meth:`stream_response`."""
        response = await self.agenerate_response(
            prompt, system_prompt, model, temperature, max_tokens, **kwargs
        )
        yield response.content

    # -- shared ----------------------------------------------------------------------------
    def validate_credentials(self, force: bool = False) -> bool:
        """Check the credentials with a cheap call; the result is cached.

        Concurrent callers share one check. Definite answers (accepted/rejected) are
        cached for :attr:`validation_ttl` seconds; a check that could not be made (network
        error, 5xx) returns ``False`` without caching, and sets
        :attr:`last_validation_error`.

        Args:
            force: Ignore the cached result.
        """
        if not self.has_credentials:
            self.last_validation_error = "no credentials configured"
            return False
        cached = self._validation
        if not force and cached is not None and time.monotonic() - cached[1] < self.validation_ttl:
            return cached[0]
        with self._validation_lock:
            cached = self._validation
            now = time.monotonic()
            if not force and cached is not None and now - cached[1] < self.validation_ttl:
                return cached[0]
            from graph_sitter.ai.errors import AIProviderError

            try:
                valid = self._check_credentials()
            except AIProviderError as exc:
                self.last_validation_error = str(exc)
                self.last_validation_exception = exc
                return False
            self.last_validation_exception = None
            self.last_validation_error = None if valid else "credentials rejected"
            self._validation = (valid, time.monotonic())
            return valid

    def get_stats(self) -> dict[str, Any]:
        """Basic counters: see the API contract for the keys."""
        return self._stats.snapshot(is_available=self.is_available)

    def get_enhanced_stats(self) -> dict[str, Any]:
        """Counters plus latency percentiles, tokens, cost and per-model usage."""
        return self._stats.enhanced(is_available=self.is_available)

    def close(self) -> None:
        """Release pooled connections. The provider cannot be used afterwards."""
        self._closed = True

    async def aclose(self) -> None:
        """Async twin of :meth:`close` (also closes this event loop's async session)."""
        self.close()

    def __enter__(self) -> AIProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> AIProvider:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} provider_name={self.provider_name!r}>"
