"""A hostile HTTP server on 127.0.0.1 for attack tests: it answers with whatever raw bytes
a test scripts, paced as the test says (trickled bytes, gzip bombs, unterminated streams)."""

from __future__ import annotations

import contextlib
import socket
import threading
import zlib
from collections.abc import Callable, Iterator
from types import TracebackType

Behaviour = Callable[[socket.socket], None]


def read_request(conn: socket.socket) -> bytes:
    """Read one request (head and a Content-Length body) from ``conn``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head


def response_head(status: int = 200, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def gzip_bomb(inflated: int) -> bytes:
    """A gzip body of zeros that inflates to ``inflated`` bytes (about 1000:1)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(inflated // len(block))]
    parts.append(compressor.flush())
    return b"".join(parts)


class RawServer:
    """Accepts connections and runs ``behaviour(conn)`` for each, on its own thread.

    ``stop`` is set when the server closes, so trickling behaviours end promptly.
    """

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.stop = threading.Event()
        self.requests = 0
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.requests += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            self.behaviour(conn)

    def __enter__(self) -> RawServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop.set()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._sock.close()
        self._acceptor.join(5)
        for thread in self._threads:
            thread.join(5)


def trickle(stop: threading.Event, interval: float = 0.5) -> Behaviour:
    """Send a valid response one byte every ``interval`` seconds (200 s for 400 bytes)."""
    body = b'{"ok": true, "padding": "' + b"x" * 300 + b'"}'
    payload = response_head(200, {"content-length": str(len(body))}) + body

    def behaviour(conn: socket.socket) -> None:
        read_request(conn)
        for i in range(len(payload)):
            conn.sendall(payload[i : i + 1])
            if stop.wait(interval):
                return

    return behaviour


def send_all(payload: bytes) -> Behaviour:
    """Answer every request with ``payload`` and close."""

    def behaviour(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(payload)
        conn.shutdown(socket.SHUT_WR)

    return behaviour


@contextlib.contextmanager
def serving(make: Callable[[threading.Event], Behaviour]) -> Iterator[RawServer]:
    """A server whose behaviour may watch the server's stop event."""
    server = RawServer(lambda conn: None)
    server.behaviour = make(server.stop)
    with server:
        yield server
