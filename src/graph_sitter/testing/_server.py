"""A small, fast HTTP/1.1 server on asyncio streams, run in its own daemon thread (private).

It parses requests (Content-Length and chunked bodies, keep-alive, ``Expect: 100-continue``),
hands each one to an async handler as a frozen :class:`RecordedRequest`, and writes the
:class:`Response` the handler returns: a plain body, a chunked stream, or a deliberately broken
one (cut after N bytes, closed with a RST, first byte delayed). No per-request thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import socket
import struct
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, unquote

__all__ = ["HTTPServer", "RecordedRequest", "Response", "sse_event"]

logger = logging.getLogger("graph_sitter.testing")

_MAX_HEAD = 64 * 1024
_MAX_BODY = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the emulator received it.

    Attributes:
        method: ``GET``, ``POST``, ...
        path: The decoded path, without the query string (``/v1/chat/completions``).
        query: Query parameters (the last value wins for a repeated name).
        query_string: The raw query string.
        headers: Header names lower-cased; repeated headers joined with ``", "``.
        body: The raw body.
        json: The parsed JSON body, or ``None`` when there is no body or it is not JSON.
        json_error: Why the body did not parse as JSON (``None`` when it did or was empty).
        time: The emulator's clock (see ``advance_time``) when the request arrived.
        connection_id: Which connection carried it (1, 2, ... in accept order).
    """

    method: str
    path: str
    query: Mapping[str, str]
    query_string: str
    headers: Mapping[str, str]
    body: bytes
    json: Any
    json_error: str | None
    time: float
    connection_id: int

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return a header by case-insensitive name."""
        return self.headers.get(name.lower(), default)


@dataclass(slots=True)
class Response:
    """What a handler asks the server to send.

    ``chunks`` switches to ``Transfer-Encoding: chunked`` with one chunk per item (one SSE event
    each); ``end_stream=False`` then closes the connection instead of sending the terminator.
    ``abort_after`` sends only that many bytes of the serialised response and closes the socket
    (with a TCP RST when ``rst``). ``body_limit`` sends the head (announcing the full length) and
    only that many body bytes, then closes. ``delay`` waits before the first byte.
    """

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    chunks: Sequence[bytes] | None = None
    end_stream: bool = True
    abort_after: int | None = None
    body_limit: int | None = None
    rst: bool = False
    delay: float = 0.0
    close: bool = False


def sse_event(data: str, event: str | None = None) -> bytes:
    """Frame one server-sent event (``event:`` line optional, then ``data:``, then a blank line)."""
    if event is None:
        return f"data: {data}\n\n".encode()
    return f"event: {event}\ndata: {data}\n\n".encode()


class _BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


_REASONS = {status.value: status.phrase for status in HTTPStatus}
_REASONS[529] = "Overloaded"

Handler = Callable[[RecordedRequest], Awaitable[Response]]


class _DateCache:
    __slots__ = ("_second", "_value")

    def __init__(self) -> None:
        self._second = -1
        self._value = ""

    def get(self) -> str:
        now = int(time.time())
        if now != self._second:
            self._second = now
            self._value = formatdate(now, usegmt=True)
        return self._value


class HTTPServer:
    """An HTTP/1.1 server bound to ``host:port`` serving ``handler`` from a daemon thread."""

    def __init__(
        self,
        handler: Handler,
        *,
        host: str,
        port: int,
        clock: Callable[[], float],
        name: str = "emulator",
    ) -> None:
        self._handler = handler
        self._host = host
        self._requested_port = port
        self._clock = clock
        self._name = name
        self._port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._ids = itertools.count(1)
        self._dates = _DateCache()
        self._conn_lock = threading.Condition()
        self._open = 0
        self._total = 0

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (raises if the server is not running)."""
        if self._port is None:
            raise RuntimeError("the emulator is not running: call start() or use it as a context")
        return self._port

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None

    def start(self) -> None:
        """Bind and start serving in a daemon thread; return once the socket listens."""
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(
                        self._serve_connection,
                        self._host,
                        self._requested_port,
                        limit=_MAX_HEAD,
                        backlog=1024,
                    )
                )
            except BaseException as exc:  # reported to start() and re-raised there
                failure.append(exc)
                loop.close()
                ready.set()
                return
            self._port = self._server.sockets[0].getsockname()[1]
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        thread = threading.Thread(target=run, name=f"graph-sitter-{self._name}", daemon=True)
        self._loop = loop
        thread.start()
        ready.wait()
        if failure:
            thread.join()
            self._loop = None
            raise failure[0]
        self._thread = thread

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listening socket and every connection, then end the thread (idempotent)."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        try:
            future.result(timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
            self._thread = None
            self._loop = None
            self._server = None
            self._port = None

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        # Let the transports' close callbacks run before the loop stops.
        for _ in range(3):
            await asyncio.sleep(0)

    # -- connection accounting -------------------------------------------------------------

    @property
    def open_connections(self) -> int:
        """Connections currently open."""
        return self._open

    @property
    def total_connections(self) -> int:
        """Connections accepted since start."""
        return self._total

    def wait_for_open_connections(self, count: int = 0, timeout: float = 5.0) -> bool:
        """Block until exactly ``count`` connections are open; ``False`` on timeout."""
        with self._conn_lock:
            return self._conn_lock.wait_for(lambda: self._open == count, timeout)

    def _opened(self) -> None:
        with self._conn_lock:
            self._open += 1
            self._total += 1
            self._conn_lock.notify_all()

    def _closed(self) -> None:
        with self._conn_lock:
            self._open -= 1
            self._conn_lock.notify_all()

    # -- one connection --------------------------------------------------------------------

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._opened()
        connection_id = next(self._ids)
        try:
            while True:
                try:
                    request, keep_alive = await self._read_request(reader, writer, connection_id)
                except _BadRequest as exc:
                    body = f"{exc.reason}\n".encode()
                    await self._write(
                        writer,
                        Response(exc.status, [("content-type", "text/plain")], body),
                        False,
                    )
                    return
                if request is None:
                    return
                try:
                    response = await self._handler(request)
                except Exception:
                    logger.exception("emulator_handler_failed path=%s", request.path)
                    response = Response(
                        500, [("content-type", "text/plain")], b"emulator handler failed\n"
                    )
                keep_alive = keep_alive and not response.close
                if not await self._write(writer, response, keep_alive):
                    return
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            return
        except asyncio.CancelledError:
            # Only stop() cancels connections; ending quietly keeps asyncio's stream callback
            # from reporting the cancellation as an error.
            return
        finally:
            writer.close()
            self._closed()
            if task is not None:
                self._tasks.discard(task)

    async def _read_request(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        connection_id: int,
    ) -> tuple[RecordedRequest | None, bool]:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if exc.partial.strip():
                raise _BadRequest(400, "incomplete request head") from exc
            return None, False
        except asyncio.LimitOverrunError as exc:
            raise _BadRequest(431, "request head too large") from exc
        lines = head[:-4].decode("latin-1").split("\r\n")
        # Tolerate stray blank lines between keep-alive requests (RFC 9112 section 2.2).
        while lines and not lines[0]:
            lines.pop(0)
        if not lines:
            return await self._read_request(reader, writer, connection_id)
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _BadRequest(400, "malformed request line")
        method, target, version = parts
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise _BadRequest(400, "malformed header line")
            key = name.lower()
            value = value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        if headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = await self._read_body(reader, headers)
        raw_path, _, query_string = target.partition("?")
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        parsed: Any = None
        json_error: str | None = None
        if body:
            try:
                parsed = json.loads(body)
            except ValueError as exc:
                json_error = str(exc)
        connection = headers.get("connection", "").lower()
        if version == "HTTP/1.1":
            keep_alive = "close" not in connection
        else:
            keep_alive = "keep-alive" in connection
        request = RecordedRequest(
            method=method,
            path=unquote(raw_path),
            query=query,
            query_string=query_string,
            headers=headers,
            body=body,
            json=parsed,
            json_error=json_error,
            time=self._clock(),
            connection_id=connection_id,
        )
        return request, keep_alive

    async def _read_body(self, reader: asyncio.StreamReader, headers: Mapping[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts: list[bytes] = []
            size_total = 0
            while True:
                size_line = await reader.readuntil(b"\r\n")
                try:
                    size = int(size_line.split(b";")[0].strip(), 16)
                except ValueError as exc:
                    raise _BadRequest(400, "malformed chunk size") from exc
                if size == 0:
                    while (await reader.readuntil(b"\r\n")) != b"\r\n":
                        pass  # trailers are ignored
                    return b"".join(parts)
                size_total += size
                if size_total > _MAX_BODY:
                    raise _BadRequest(413, "request body too large")
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
        length_text = headers.get("content-length")
        if not length_text:
            return b""
        try:
            length = int(length_text)
        except ValueError as exc:
            raise _BadRequest(400, "malformed content-length") from exc
        if length < 0:
            raise _BadRequest(400, "malformed content-length")
        if length > _MAX_BODY:
            raise _BadRequest(413, "request body too large")
        return await reader.readexactly(length) if length else b""

    # -- writing ---------------------------------------------------------------------------

    def _head(self, response: Response, keep_alive: bool) -> bytes:
        reason = _REASONS.get(response.status, "Unknown")
        lines = [f"HTTP/1.1 {response.status} {reason}", f"date: {self._dates.get()}"]
        lines.extend(f"{name}: {value}" for name, value in response.headers)
        if response.chunks is not None:
            lines.append("transfer-encoding: chunked")
        else:
            lines.append(f"content-length: {len(response.body)}")
        lines.append("connection: keep-alive" if keep_alive else "connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def _write(
        self, writer: asyncio.StreamWriter, response: Response, keep_alive: bool
    ) -> bool:
        """Send ``response``; return whether the connection may serve another request."""
        if response.delay > 0:
            await asyncio.sleep(response.delay)
        if response.chunks is not None and not response.end_stream:
            keep_alive = False
        if response.abort_after is not None or response.body_limit is not None:
            keep_alive = False
        head = self._head(response, keep_alive)
        if response.chunks is None:
            pieces = [head + response.body]
        else:
            pieces = [head]
            pieces.extend(b"%x\r\n%b\r\n" % (len(chunk), chunk) for chunk in response.chunks)
            if response.end_stream:
                pieces.append(b"0\r\n\r\n")
        if response.abort_after is not None:
            await self._send_then_abort(writer, pieces, response.abort_after, response.rst)
            return False
        if response.body_limit is not None and response.chunks is None:
            writer.write(head + response.body[: response.body_limit])
            await writer.drain()
            writer.close()
            return False
        if len(pieces) == 1:
            writer.write(pieces[0])
            await writer.drain()
        else:
            for piece in pieces:
                writer.write(piece)
                await writer.drain()
        return keep_alive

    async def _send_then_abort(
        self, writer: asyncio.StreamWriter, pieces: list[bytes], limit: int, rst: bool
    ) -> None:
        data = b"".join(pieces)[: max(limit, 0)]
        if data:
            writer.write(data)
            await writer.drain()
        if rst:
            sock = writer.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
        else:
            writer.close()
