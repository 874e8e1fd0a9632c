"""Sleeping and the clock, with a test mode that records planned sleeps instead of sleeping.

In the spirit of ``stamina.set_testing``: tests call :func:`set_testing` (or use the
:func:`testing` context manager) and every backoff, ``Retry-After`` wait or rate-limiter
wait is *recorded* instead of slept. The virtual time slept is added to :func:`monotonic`,
so deadlines, retry windows and circuit-breaker cool-downs behave as if the time had
really passed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = [
    "SleepRecorder",
    "asleep",
    "get_sleep_recorder",
    "monotonic",
    "set_testing",
    "sleep",
    "testing",
]


class SleepRecorder:
    """Collects the sleeps the library planned while test mode was on. Thread-safe."""

    __slots__ = ("_lock", "_planned", "_virtual")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._planned: list[float] = []
        self._virtual = 0.0

    def record(self, seconds: float) -> None:
        """Record one planned sleep and advance the virtual clock by it."""
        with self._lock:
            self._planned.append(seconds)
            self._virtual += seconds

    def advance(self, seconds: float) -> None:
        """Move the virtual clock forward without recording a sleep (for tests)."""
        with self._lock:
            self._virtual += seconds

    @property
    def planned(self) -> list[float]:
        """A copy of the planned sleeps, in the order they were planned."""
        with self._lock:
            return list(self._planned)

    @property
    def virtual_time(self) -> float:
        """Total seconds the virtual clock has been advanced."""
        return self._virtual

    def clear(self) -> None:
        """Forget the planned sleeps (the virtual clock keeps its value)."""
        with self._lock:
            self._planned.clear()

    def __repr__(self) -> str:
        return f"SleepRecorder(planned={self.planned!r})"


_recorder: SleepRecorder | None = None


def set_testing(enabled: bool) -> SleepRecorder | None:
    """Turn test mode on or off for the whole process.

    Args:
        enabled: ``True`` to record sleeps instead of sleeping.

    Returns:
        The new recorder when enabled, else ``None``.
    """
    global _recorder
    _recorder = SleepRecorder() if enabled else None
    return _recorder


def get_sleep_recorder() -> SleepRecorder | None:
    """The active recorder, or ``None`` outside test mode."""
    return _recorder


@contextmanager
def testing() -> Iterator[SleepRecorder]:
    """Context manager: test mode on inside the block, previous state restored after."""
    global _recorder
    previous = _recorder
    recorder = SleepRecorder()
    _recorder = recorder
    try:
        yield recorder
    finally:
        _recorder = previous


def monotonic() -> float:
    """``time.monotonic()`` plus the virtual time slept in test mode."""
    recorder = _recorder
    if recorder is None:
        return time.monotonic()
    return time.monotonic() + recorder.virtual_time


def sleep(seconds: float) -> None:
    """Sleep, or record the sleep in test mode. Non-positive values return at once."""
    if seconds <= 0:
        return
    recorder = _recorder
    if recorder is not None:
        recorder.record(seconds)
        return
    time.sleep(seconds)


async def asleep(seconds: float) -> None:
    """Async twin of :func:`sleep`."""
    if seconds <= 0:
        return
    recorder = _recorder
    if recorder is not None:
        recorder.record(seconds)
        return
    import asyncio

    await asyncio.sleep(seconds)
