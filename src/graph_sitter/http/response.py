"""What the transport hands back: a fully read :class:`Response` or a :class:`StreamResponse`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any

from graph_sitter.http.retry import parse_retry_after

__all__ = ["AsyncStreamResponse", "Response", "StreamResponse"]


class _Meta:
    __slots__ = ("attempts", "elapsed", "headers", "status_code", "url")

    status_code: int
    headers: Mapping[str, str]
    url: str
    attempts: int
    elapsed: float

    @property
    def retries_taken(self) -> int:
        """Retries the call needed (``attempts - 1``)."""
        return self.attempts - 1

    @property
    def is_success(self) -> bool:
        """Whether the status is 2xx."""
        return 200 <= self.status_code < 300

    @property
    def request_id(self) -> str | None:
        """The vendor's request id header (``x-request-id`` or ``request-id``), if any."""
        return self.headers.get("x-request-id") or self.headers.get("request-id")

    @property
    def retry_after(self) -> float | None:
        """The server's requested wait in seconds (``retry-after-ms``/``Retry-After``)."""
        return parse_retry_after(self.headers)


class Response(_Meta):
    """A final HTTP response whose body has been read.

    Attributes:
        status_code: HTTP status.
        headers: Case-insensitive response headers.
        content: The body.
        url: The request URL.
        attempts: Attempts the call took (1 when it succeeded at once).
        elapsed: Seconds from the first attempt to the end of the last one.
    """

    __slots__ = ("content",)

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        *,
        url: str = "",
        attempts: int = 1,
        elapsed: float = 0.0,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.url = url
        self.attempts = attempts
        self.elapsed = elapsed

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (invalid bytes replaced)."""
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` if it is not JSON)."""
        return json.loads(self.content)

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}] attempts={self.attempts}>"


class StreamResponse(_Meta):
    """A response whose body is read incrementally (sync). Use inside ``with transport.stream``."""

    __slots__ = ("_lines", "_read")

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        *,
        lines: Callable[[], Iterator[str]],
        read: Callable[[], bytes],
        url: str = "",
        attempts: int = 1,
        elapsed: float = 0.0,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.url = url
        self.attempts = attempts
        self.elapsed = elapsed
        self._lines = lines
        self._read = read

    def iter_lines(self) -> Iterator[str]:
        """Yield the body's lines without line endings."""
        return self._lines()

    def read(self) -> bytes:
        """Read the rest of the body (e.g. an error body)."""
        return self._read()

    def __repr__(self) -> str:
        return f"<StreamResponse [{self.status_code}]>"


class AsyncStreamResponse(_Meta):
    """Async twin of :class:`StreamResponse`. Use inside ``async with transport.astream``."""

    __slots__ = ("_lines", "_read")

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        *,
        lines: Callable[[], AsyncIterator[str]],
        read: Callable[[], Any],
        url: str = "",
        attempts: int = 1,
        elapsed: float = 0.0,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.url = url
        self.attempts = attempts
        self.elapsed = elapsed
        self._lines = lines
        self._read = read

    def aiter_lines(self) -> AsyncIterator[str]:
        """Yield the body's lines without line endings."""
        return self._lines()

    async def aread(self) -> bytes:
        """Read the rest of the body."""
        data: bytes = await self._read()
        return data

    def __repr__(self) -> str:
        return f"<AsyncStreamResponse [{self.status_code}]>"
