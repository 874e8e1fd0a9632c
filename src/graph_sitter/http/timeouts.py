"""Timeout settings for one HTTP call: per-phase limits plus a total deadline."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Timeout"]


@dataclass(frozen=True, slots=True)
class Timeout:
    """How long each phase of a request may take, in seconds.

    Attributes:
        connect: Establishing the TCP/TLS connection.
        read: Waiting for any chunk of the response (first byte included).
        write: Sending any chunk of the request.
        pool: Waiting for a free connection from the pool.
        total: Wall-clock limit for the whole call, every attempt and every backoff wait
            included. ``None`` means no overall limit beyond the retry policy's.
    """

    connect: float = 5.0
    read: float = 600.0
    write: float = 600.0
    pool: float = 10.0
    total: float | None = 600.0

    def __post_init__(self) -> None:
        for name in ("connect", "read", "write", "pool", "total"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"Timeout.{name} must be positive, got {value!r}")

    @classmethod
    def of(cls, seconds: float, *, connect: float = 5.0) -> Timeout:
        """A timeout where reads, writes and the total are all ``seconds`` long.

        Args:
            seconds: The read/write/total limit.
            connect: The connect limit (capped at ``seconds``).
        """
        return cls(
            connect=min(connect, seconds),
            read=seconds,
            write=seconds,
            pool=min(10.0, seconds),
            total=seconds,
        )
