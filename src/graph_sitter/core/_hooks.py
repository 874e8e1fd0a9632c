"""Reset hooks: how layers above the core learn that ``Codebase.reset`` ran.

The core knows nothing of the layers built on it (the AI session, for one), yet
``Codebase.reset`` must reach their per-codebase state. A layer registers a hook once;
``reset`` calls every registered hook with the codebase, in registration order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph_sitter.core.codebase import Codebase

__all__ = ["ResetHook", "register_reset_hook", "run_reset_hooks"]

ResetHook = Callable[["Codebase"], None]

_lock = threading.Lock()
_hooks: list[ResetHook] = []


def register_reset_hook(hook: ResetHook) -> None:
    """Call ``hook(codebase)`` from every ``Codebase.reset`` (registering twice is a no-op)."""
    with _lock:
        if hook not in _hooks:
            _hooks.append(hook)


def run_reset_hooks(codebase: Codebase) -> None:
    """Run the registered hooks for ``codebase`` (``Codebase.reset`` calls this)."""
    with _lock:
        hooks = tuple(_hooks)
    for hook in hooks:
        hook(codebase)
