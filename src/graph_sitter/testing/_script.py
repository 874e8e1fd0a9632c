"""The FIFO of scripted replies and faults, and a moving-window rate limiter (private)."""

from __future__ import annotations

import math
import threading
from collections import deque
from fnmatch import fnmatchcase

from graph_sitter.testing._faults import FAULT_TYPES, Fault
from graph_sitter.testing._replies import Reply

__all__ = ["MovingWindow", "Script"]

Entry = tuple[str | None, Fault | Reply]


class Script:
    """Thread-safe FIFO of scripted entries, each optionally bound to a path glob.

    A request consumes at most one entry: the first entry whose path matches and that applies to
    it. Faults apply to every request; replies only to endpoints that generate something.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Entry] = []

    def __len__(self) -> int:
        return len(self._entries)

    def push(self, item: Fault | Reply, path: str | None) -> None:
        with self._lock:
            self._entries.append((path, item))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def take_fault(self, path: str, generative: bool) -> Fault | None:
        """Pop the first applicable entry if it is a fault (a reply ahead of it blocks it on a
        generative endpoint, so FIFO order holds across kinds)."""
        if not self._entries:
            return None
        with self._lock:
            for index, (pattern, item) in enumerate(self._entries):
                if pattern is not None and not fnmatchcase(path, pattern):
                    continue
                if isinstance(item, FAULT_TYPES):
                    del self._entries[index]
                    return item
                if generative:
                    return None
            return None

    def take_reply(self, path: str) -> Reply | None:
        """Pop the first reply whose path matches."""
        if not self._entries:
            return None
        with self._lock:
            for index, (pattern, item) in enumerate(self._entries):
                if pattern is not None and not fnmatchcase(path, pattern):
                    continue
                if not isinstance(item, FAULT_TYPES):
                    del self._entries[index]
                    return item
            return None


class MovingWindow:
    """At most ``limit`` hits in any ``period`` seconds (a moving-window log; rejected hits do not
    count). Time comes from the caller, so an emulator's injectable clock drives it."""

    __slots__ = ("_hits", "limit", "period")

    def __init__(self, limit: int, period: float) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("a rate limit needs limit >= 1 and period > 0")
        self.limit = limit
        self.period = period
        self._hits: deque[float] = deque()

    def _expire(self, now: float) -> None:
        hits = self._hits
        while hits and hits[0] <= now - self.period:
            hits.popleft()

    def hit(self, now: float) -> float | None:
        """Record a hit and return ``None``, or return the seconds until one would be allowed."""
        self._expire(now)
        if len(self._hits) >= self.limit:
            return max(self._hits[0] + self.period - now, 0.0)
        self._hits.append(now)
        return None

    def remaining(self, now: float) -> int:
        """Hits still allowed now."""
        self._expire(now)
        return self.limit - len(self._hits)

    def reset_in(self, now: float) -> float:
        """Seconds until the window is full again (0 when empty)."""
        self._expire(now)
        if not self._hits:
            return 0.0
        return max(self._hits[-1] + self.period - now, 0.0)


def ceil_seconds(seconds: float) -> int:
    """Round a wait up to whole seconds, at least 1."""
    return max(1, math.ceil(seconds))
