"""Configuration objects. Nothing here reads the environment on import.

Import the settings lazily: ``from graph_sitter.configs.models.secrets import Secrets``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph_sitter.configs.models.secrets import ConfigurationError, Secrets

__all__ = ["ConfigurationError", "Secrets"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from graph_sitter.configs.models import secrets

        return getattr(secrets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
