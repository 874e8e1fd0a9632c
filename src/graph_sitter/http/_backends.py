"""I/O adapters under the transport: httpx (sync and async) and aiohttp (async).

Each adapter opens one attempt, hands back the raw (still encoded) body chunks, and
translates its library's exceptions into :class:`~graph_sitter.http._call.AttemptFailure`,
so the retry loops never see vendor-specific exception types. aiohttp is imported only
when the async path is first used (it costs ~250 ms to import); httpx's async client is
the fallback when aiohttp is not installed and the choice for injected ``httpx`` mock
transports.

Why aiohttp for async: httpcore's async connection pool serialises on a lock and caps a
single client near 350 requests/s with 64 concurrent callers on a 2-core machine; aiohttp's
connector with its C HTTP parser sustains many times that (see ``bench/client_overhead.py``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from graph_sitter.http._attempt import AttemptTimeouts, httpx_failure
from graph_sitter.http._call import AttemptFailure

if TYPE_CHECKING:
    import aiohttp
    import httpx

__all__ = [
    "AiohttpBackend",
    "AsyncBackend",
    "AsyncOpenStream",
    "HttpxAsyncBackend",
    "PerLoop",
]


class AsyncOpenStream(Protocol):
    """A response whose headers arrived and whose body is still to be read."""

    status_code: int
    headers: Mapping[str, str]

    def aiter_raw(self) -> AsyncIterator[bytes]:
        """The body as it arrives, still content-encoded (the transport decodes it)."""
        ...

    async def aclose(self) -> None: ...


class AsyncBackend(Protocol):
    """Opens one attempt asynchronously; the transport reads and decodes the body."""

    async def open(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        timeouts: AttemptTimeouts,
    ) -> AsyncOpenStream: ...

    async def aclose(self) -> None: ...


# -- httpx async ---------------------------------------------------------------------------


class _HttpxOpenStream:
    def __init__(self, response: httpx.Response, timeouts: AttemptTimeouts) -> None:
        import httpx

        self._httpx = httpx
        self._response = response
        self._timeouts = timeouts
        self.status_code = response.status_code
        self.headers: Mapping[str, str] = response.headers
        self._decoded: bytes | None = None
        if response.is_stream_consumed:  # built in memory (a mock transport): already decoded
            self._decoded = response.content
            self.headers = {k: v for k, v in response.headers.items() if k != "content-encoding"}

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        if self._decoded is not None:
            yield self._decoded
            return
        try:
            async for chunk in self._response.aiter_raw():
                yield chunk
        except self._httpx.TransportError as exc:
            raise httpx_failure(exc, self._timeouts) from exc

    async def aclose(self) -> None:
        await self._response.aclose()


class HttpxAsyncBackend:
    """Async attempts through ``httpx.AsyncClient`` (one client per event loop)."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None, limits: httpx.Limits) -> None:
        import httpx

        self._httpx = httpx
        self._client = httpx.AsyncClient(transport=transport, limits=limits, timeout=None)

    async def open(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        timeouts: AttemptTimeouts,
    ) -> AsyncOpenStream:
        request = self._client.build_request(
            method, url, content=content, headers=headers, timeout=timeouts.to_httpx()
        )
        try:
            response = await self._client.send(request, stream=True)
        except self._httpx.TransportError as exc:
            raise httpx_failure(exc, timeouts) from exc
        return _HttpxOpenStream(response, timeouts)

    async def aclose(self) -> None:
        await self._client.aclose()


# -- aiohttp -------------------------------------------------------------------------------


def _aiohttp_failure(exc: BaseException, timeouts: AttemptTimeouts) -> AttemptFailure:
    import aiohttp

    detail = type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return AttemptFailure(
            "connect", timed_out=True, request_sent=False, timeout_duration=timeouts.connect
        )
    if isinstance(exc, asyncio.TimeoutError):
        return AttemptFailure(
            "read", timed_out=True, request_sent=True, timeout_duration=timeouts.read
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        return AttemptFailure("connect", timed_out=False, request_sent=False, detail=detail)
    if isinstance(exc, aiohttp.InvalidURL):
        return AttemptFailure("fatal", timed_out=False, request_sent=False, detail=detail)
    return AttemptFailure("protocol", timed_out=False, request_sent=True, detail=detail)


class _AiohttpOpenStream:
    def __init__(self, response: aiohttp.ClientResponse, timeouts: AttemptTimeouts) -> None:
        self._response = response
        self._timeouts = timeouts
        self.status_code = response.status
        self.headers: Mapping[str, str] = response.headers

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        import aiohttp

        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _aiohttp_failure(exc, self._timeouts) from exc

    async def aclose(self) -> None:
        self._response.release()


class AiohttpBackend:
    """Async attempts through one ``aiohttp.ClientSession`` (one per event loop)."""

    def __init__(self, limits: httpx.Limits) -> None:
        import aiohttp

        self._aiohttp = aiohttp
        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0,
            limit_per_host=0,
            keepalive_timeout=limits.keepalive_expiry or 5.0,
        )
        self._session = aiohttp.ClientSession(
            connector=connector, auto_decompress=False, skip_auto_headers=("User-Agent",)
        )

    def _timeout(self, timeouts: AttemptTimeouts) -> aiohttp.ClientTimeout:
        return self._aiohttp.ClientTimeout(
            total=timeouts.total,
            connect=timeouts.pool + timeouts.connect,
            sock_connect=timeouts.connect,
            sock_read=timeouts.read,
        )

    async def open(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        content: bytes | None,
        timeouts: AttemptTimeouts,
    ) -> AsyncOpenStream:
        try:
            response = await self._session.request(
                method,
                url,
                data=content,
                headers=headers,
                timeout=self._timeout(timeouts),
                allow_redirects=False,
            )
        except (TimeoutError, self._aiohttp.ClientError) as exc:
            raise _aiohttp_failure(exc, timeouts) from exc
        return _AiohttpOpenStream(response, timeouts)

    async def aclose(self) -> None:
        await self._session.close()


# -- one backend per event loop ------------------------------------------------------------


class PerLoop:
    """Keeps one async backend per running event loop.

    Sessions are bound to the loop that created them. A guard task closes the loop's
    backend when the loop shuts down (``asyncio.run`` cancels leftover tasks before closing
    the loop), so forgetting ``aclose()`` does not leak sockets.
    """

    def __init__(self, factory: Callable[[], AsyncBackend]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._entries: dict[asyncio.AbstractEventLoop, tuple[AsyncBackend, asyncio.Task[None]]] = {}

    def get(self) -> AsyncBackend:
        """The backend of the running loop, created on first use."""
        loop = asyncio.get_running_loop()
        entry = self._entries.get(loop)
        if entry is not None:
            return entry[0]
        with self._lock:
            entry = self._entries.get(loop)
            if entry is None:
                backend = self._factory()
                guard = loop.create_task(self._guard(loop, backend))
                entry = (backend, guard)
                self._entries[loop] = entry
        return entry[0]

    async def _guard(self, loop: asyncio.AbstractEventLoop, backend: AsyncBackend) -> None:
        try:
            await loop.create_future()
        except asyncio.CancelledError:
            with self._lock:
                current = self._entries.get(loop)
                owned = current is not None and current[0] is backend
                if owned:
                    del self._entries[loop]
            if owned:
                await backend.aclose()

    async def aclose(self) -> None:
        """Close the running loop's backend (others close with their loops)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._entries.pop(loop, None)
        if entry is not None:
            backend, guard = entry
            guard.cancel()
            await backend.aclose()

    def close_all_threadsafe(self) -> None:
        """From synchronous code: ask every other live loop to close its backend."""
        with self._lock:
            entries = list(self._entries.items())
        for loop, (_, guard) in entries:
            if loop.is_closed():
                continue
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                guard.cancel()
            else:
                loop.call_soon_threadsafe(guard.cancel)

    def __bool__(self) -> bool:
        return bool(self._entries)
