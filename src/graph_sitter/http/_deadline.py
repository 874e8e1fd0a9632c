"""A watchdog that enforces a sync call's total deadline on a blocking socket read.

httpx's sync client has per-read timeouts only, so a server that trickles a byte every
half second keeps a call alive forever. Each sync call registers its deadline here; one
daemon thread shuts the call's socket down when the deadline passes, which wakes the
blocked read at once. The socket is learnt from httpcore's ``trace`` extension when the
connection is made, or from the response once its headers arrived.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from typing import Any

__all__ = ["Watch", "watch"]


class Watch:
    """The deadline of one sync attempt; call :meth:`cancel` when the attempt is over."""

    __slots__ = ("_lock", "_sock", "cancelled", "deadline", "fired")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.fired = False
        self.cancelled = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: learn the socket of a new connection."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            stream = info.get("return_value")
            if stream is not None:
                self.attach(stream)

    def attach(self, stream: Any) -> None:
        """Watch the socket under an httpcore network stream."""
        get = getattr(stream, "get_extra_info", None)
        sock = get("socket") if get is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sock = sock
            fired = self.fired
        if fired:
            _shutdown(sock)

    def fire(self) -> None:
        with self._lock:
            if self.cancelled:
                return
            self.fired = True
            sock = self._sock
        if sock is not None:
            _shutdown(sock)

    def cancel(self) -> None:
        """The attempt ended: never touch its socket again."""
        with self._lock:
            self.cancelled = True
            self._sock = None
        _watchdog.discard()


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Watchdog:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watch]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self._cancelled = 0

    def add(self, item: Watch) -> None:
        with self._cond:
            heapq.heappush(self._heap, (item.deadline, next(self._seq), item))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="graph-sitter-http-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is item:
                self._cond.notify()

    def discard(self) -> None:
        with self._cond:
            self._cancelled += 1
            if self._cancelled > 64 and self._cancelled > len(self._heap) // 2:
                self._heap = [entry for entry in self._heap if not entry[2].cancelled]
                heapq.heapify(self._heap)
                self._cancelled = 0

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2].cancelled:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait(30.0)
                    if not self._heap:
                        self._thread = None
                        return
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                item = heapq.heappop(self._heap)[2]
            item.fire()


_watchdog = _Watchdog()


def watch(remaining: float) -> Watch | None:
    """A registered watch for an attempt with ``remaining`` seconds, or None without a limit."""
    if remaining == float("inf"):
        return None
    item = Watch(time.monotonic() + remaining)
    _watchdog.add(item)
    return item
