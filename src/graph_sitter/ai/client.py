"""``get_ai_client``: the one-call way to get a provider."""

from __future__ import annotations

from typing import Any

from graph_sitter.ai.providers.base import AIProvider
from graph_sitter.ai.providers.factory import create_ai_provider

__all__ = ["get_ai_client"]


def get_ai_client(provider_name: str | None = None, **kwargs: Any) -> AIProvider:
    """The same as :func:`graph_sitter.ai.providers.create_ai_provider`.

    Args:
        provider_name: A provider name, or ``None`` for automatic selection with fallback.
        **kwargs: Passed to :func:`create_ai_provider`.
    """
    return create_ai_provider(provider_name, **kwargs)
