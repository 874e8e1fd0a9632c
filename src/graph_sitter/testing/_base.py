"""What the three emulators share: lifecycle, scripting, recording, clock, limits (private)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from graph_sitter.testing._faults import (
    ConnectionReset,
    Fault,
    HTTPError,
    RateLimit,
    SlowFirstByte,
    StreamError,
    TruncatedStream,
)
from graph_sitter.testing._replies import Reply, ToolCall, coerce_reply
from graph_sitter.testing._script import MovingWindow, Script, ceil_seconds
from graph_sitter.testing._server import HTTPServer, RecordedRequest, Response

__all__ = ["BaseEmulator", "Route", "RouteHandler"]

RouteHandler = Callable[[RecordedRequest, dict[str, str], "Fault | None"], Response]
_MODIFIERS = (SlowFirstByte, TruncatedStream, StreamError)


@dataclass(frozen=True, slots=True)
class Route:
    """A matched endpoint: its handler, whether it consumes replies, and its rate-limit bucket."""

    handler: RouteHandler
    generative: bool = False
    bucket: str = "standard"


class BaseEmulator:
    """Common machinery; subclasses add routes and the vendor's wire format."""

    _kind = "emulator"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        rpm_limit: int | None = None,
        clock: Callable[[], float] | None = None,
        record_limit: int | None = 10_000,
    ) -> None:
        if latency < 0:
            raise ValueError("latency must be >= 0 seconds")
        self.latency = latency
        self.rpm_limit = rpm_limit
        self._clock_source = clock or time.monotonic
        self._offset = 0.0
        self._script = Script()
        self._record_lock = threading.Lock()
        self._records: deque[RecordedRequest] = deque(maxlen=record_limit)
        self._record_enabled = record_limit != 0
        self._request_count = 0
        self._rpm_window = MovingWindow(rpm_limit, 60.0) if rpm_limit else None
        self._server = HTTPServer(
            self._handle, host=host, port=port, clock=self.now, name=self._kind
        )
        self._host = host

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Start serving in a background thread and return ``self``."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving: close the listening socket, every connection and the thread."""
        self._server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._server.running else "stopped"
        return f"<{type(self).__name__} {where}>"

    @property
    def host(self) -> str:
        """The address the server binds."""
        return self._host

    @property
    def port(self) -> int:
        """The bound TCP port (the random one when constructed with ``port=0``)."""
        return self._server.port

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` with no path."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The base URL an SDK is given (see each emulator)."""
        return self.url

    # -- clock -----------------------------------------------------------------------------

    def now(self) -> float:
        """The emulator's clock in seconds: the ``clock`` callable plus ``advance_time`` offsets."""
        return self._clock_source() + self._offset

    def advance_time(self, seconds: float) -> None:
        """Move the emulator's clock forward (rate-limit windows, timestamps); never sleeps."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._offset += seconds

    # -- scripting -------------------------------------------------------------------------

    def queue_reply(self, reply: Reply | ToolCall | str, *, path: str | None = None) -> None:
        """Queue the answer for the next generating request (a string is a ``TextReply``).

        Args:
            reply: The reply.
            path: A path glob (``fnmatch``) the request must match; ``None`` matches any.
        """
        self._script.push(coerce_reply(reply), path)

    def queue_fault(self, fault: Fault, *, path: str | None = None, times: int = 1) -> None:
        """Queue a fault for the next request(s).

        Args:
            fault: The fault.
            path: A path glob (``fnmatch``) the request must match; ``None`` matches any.
            times: How many consecutive matching requests get it.
        """
        for _ in range(times):
            self._script.push(fault, path)

    @property
    def queued(self) -> int:
        """How many scripted entries are still waiting."""
        return len(self._script)

    def reset(self) -> None:
        """Forget scripted entries, recorded requests and rate-limit history."""
        self._script.clear()
        self.clear_requests()
        self._rpm_window = MovingWindow(self.rpm_limit, 60.0) if self.rpm_limit else None

    # -- recording and connections ---------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the recorded requests, oldest first (the newest ``record_limit``)."""
        with self._record_lock:
            return list(self._records)

    @property
    def request_count(self) -> int:
        """Requests received since start (not bounded by ``record_limit``)."""
        return self._request_count

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        with self._record_lock:
            self._records.clear()

    @property
    def open_connections(self) -> int:
        """TCP connections currently open to the emulator."""
        return self._server.open_connections

    @property
    def total_connections(self) -> int:
        """TCP connections accepted since start (keep-alive reuse keeps this low)."""
        return self._server.total_connections

    def wait_for_open_connections(self, count: int = 0, timeout: float = 5.0) -> bool:
        """Block until exactly ``count`` connections are open (the server sees a client's close a
        moment after it happens); return ``False`` on timeout."""
        return self._server.wait_for_open_connections(count, timeout)

    # -- request pipeline ------------------------------------------------------------------

    async def _handle(self, request: RecordedRequest) -> Response:
        with self._record_lock:
            self._request_count += 1
            if self._record_enabled:
                self._records.append(request)
        match = self._match(request)
        if match is None:
            response = self._not_found(request)
        else:
            route, params = match
            fault = self._script.take_fault(request.path, route.generative)
            response = self._respond(request, route, params, fault)
        if self.latency:
            response.delay += self.latency
        return response

    def _respond(
        self,
        request: RecordedRequest,
        route: Route,
        params: dict[str, str],
        fault: Fault | None,
    ) -> Response:
        if fault is not None and not isinstance(fault, _MODIFIERS):
            if not isinstance(fault, ConnectionReset):
                return self._render_fault(request, fault)
            processed = fault.processed if fault.processed is not None else fault.after_bytes > 0
            if not processed:
                return Response(200, abort_after=fault.after_bytes, rst=fault.rst)
        denied = self._authenticate(request)
        if denied is not None:
            return denied
        limited = self._check_rate(request, route)
        if limited is not None:
            return limited
        response = route.handler(request, params, fault)
        return self._modify(request, response, fault)

    def _modify(
        self, request: RecordedRequest, response: Response, fault: Fault | None
    ) -> Response:
        if isinstance(fault, SlowFirstByte):
            response.delay += fault.delay
        elif isinstance(fault, ConnectionReset):
            response.abort_after = fault.after_bytes
            response.rst = fault.rst
        elif isinstance(fault, TruncatedStream):
            if response.chunks is not None:
                response.chunks = list(response.chunks)[: fault.after_events]
                response.end_stream = fault.clean_end
            else:
                response.body_limit = len(response.body) // 2
        elif isinstance(fault, StreamError):
            if response.chunks is not None:
                kept = list(response.chunks)[: fault.after_events]
                response.chunks = [*kept, self._stream_error_event(fault)]
            else:
                return self._render_fault(request, HTTPError(500, message=fault.message))
        return response

    def _reply_for(self, request: RecordedRequest, fault: Fault | None) -> Reply | None:
        """The reply a generating request uses: a response-shaping fault's own ``reply`` (or the
        default), else the next queued reply; ``None`` means "use the default"."""
        if isinstance(fault, ConnectionReset | SlowFirstByte | TruncatedStream | StreamError):
            return None if fault.reply is None else coerce_reply(fault.reply)
        return self._script.take_reply(request.path)

    def _check_rate(self, request: RecordedRequest, route: Route) -> Response | None:
        window = self._rpm_window
        if window is None:
            return None
        wait = window.hit(self.now())
        if wait is None:
            return None
        return self._render_fault(request, RateLimit(retry_after=ceil_seconds(wait)))

    # -- vendor hooks ----------------------------------------------------------------------

    def _match(self, request: RecordedRequest) -> tuple[Route, dict[str, str]] | None:
        raise NotImplementedError

    def _not_found(self, request: RecordedRequest) -> Response:
        raise NotImplementedError

    def _authenticate(self, request: RecordedRequest) -> Response | None:
        raise NotImplementedError

    def _render_fault(self, request: RecordedRequest, fault: Fault) -> Response:
        raise NotImplementedError

    def _stream_error_event(self, fault: StreamError) -> bytes:
        raise NotImplementedError
