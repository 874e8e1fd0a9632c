"""Run an emulator in the foreground, for ``graph-sitter emulator ...`` (private)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from graph_sitter.testing._anthropic import AnthropicEmulator
from graph_sitter.testing._base import BaseEmulator
from graph_sitter.testing._codegen import CodegenEmulator
from graph_sitter.testing._openai import OpenAIEmulator
from graph_sitter.testing._replies import Reply
from graph_sitter.testing._specs import FaultSpec

__all__ = ["EMULATORS", "run_emulator"]

EMULATORS: dict[str, type[BaseEmulator]] = {
    "anthropic": AnthropicEmulator,
    "codegen": CodegenEmulator,
    "openai": OpenAIEmulator,
}


def run_emulator(
    kind: str,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    on_ready: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
    script: Sequence[Reply | FaultSpec] = (),
    **options: Any,
) -> None:
    """Serve one emulator until ``KeyboardInterrupt`` (or until ``stop`` is set), then shut it
    down cleanly and return. Prints nothing.

    Args:
        kind: ``"openai"``, ``"anthropic"`` or ``"codegen"``.
        host: Address to bind.
        port: Port to bind; 0 picks a free one (learn it through ``on_ready``).
        on_ready: Called once with the emulator's ``base_url`` when it listens.
        stop: An event that ends the run when set (for embedding; Ctrl-C also ends it).
        script: Replies and faults queued in order before the first request (see
            :func:`load_replies` and :func:`parse_fault_spec`).
        **options: Passed to the emulator's constructor (``api_key=``, ``token=``, ...).

    Raises:
        ValueError: ``kind`` is not one of the three emulators.
        OSError: The address cannot be bound.
    """
    try:
        factory = EMULATORS[kind]
    except KeyError:
        known = ", ".join(sorted(EMULATORS))
        raise ValueError(f"unknown emulator {kind!r}; choose one of: {known}") from None
    emulator = factory(host=host, port=port, **options)
    for entry in script:
        if isinstance(entry, FaultSpec):
            emulator.queue_fault(entry.fault, path=entry.path, times=entry.times)
        else:
            emulator.queue_reply(entry)
    done = stop if stop is not None else threading.Event()
    with emulator:
        if on_ready is not None:
            on_ready(emulator.base_url)
        try:
            while not done.wait(3600):
                pass
        except KeyboardInterrupt:
            return
