"""Per-attempt timeouts and the translation of httpx exceptions (no asyncio imported)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph_sitter.http._call import AttemptFailure

if TYPE_CHECKING:
    import httpx

__all__ = ["AttemptTimeouts", "httpx_failure"]


@dataclass(frozen=True, slots=True)
class AttemptTimeouts:
    """The limits of one attempt, already clipped to the call's remaining time."""

    connect: float
    read: float
    write: float
    pool: float
    total: float | None

    def to_httpx(self) -> httpx.Timeout:
        """As an ``httpx.Timeout``."""
        import httpx

        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


def httpx_failure(exc: httpx.TransportError, timeouts: AttemptTimeouts) -> AttemptFailure:
    """Translate an httpx transport exception into an :class:`AttemptFailure`."""
    import httpx

    detail = type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout):
        return AttemptFailure(
            "connect", timed_out=True, request_sent=False, timeout_duration=timeouts.connect
        )
    if isinstance(exc, httpx.PoolTimeout):
        return AttemptFailure(
            "pool", timed_out=True, request_sent=False, timeout_duration=timeouts.pool
        )
    if isinstance(exc, httpx.ReadTimeout):
        return AttemptFailure(
            "read", timed_out=True, request_sent=True, timeout_duration=timeouts.read
        )
    if isinstance(exc, httpx.WriteTimeout):
        return AttemptFailure(
            "write", timed_out=True, request_sent=True, timeout_duration=timeouts.write
        )
    if isinstance(exc, httpx.ConnectError):
        return AttemptFailure("connect", timed_out=False, request_sent=False, detail=detail)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError | httpx.ProxyError):
        return AttemptFailure("fatal", timed_out=False, request_sent=False, detail=detail)
    return AttemptFailure("protocol", timed_out=False, request_sent=True, detail=detail)
