"""Drive Debian's headless Chromium over the DevTools protocol with the standard library only.

A minimal RFC 6455 client (text frames, client masking, fragmentation, ping/close) and a CDP
session that collects every event while it waits for replies, so a test can inspect console
messages and exceptions afterwards.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1600",
)
_LISTENING = "DevTools listening on "


class CDPError(Exception):
    """A DevTools command failed, or the browser did not answer in time."""


def chromium_binary() -> str:
    """The Chromium binary; raises (so a test fails, never skips) when it is missing."""
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if found is None:
        raise RuntimeError(
            "Chromium is missing: the dashboard's browser test needs Debian's `chromium` package "
            "(apt-get install -y chromium; .ci/run installs it)"
        )
    return found


class WebSocket:
    """A blocking WebSocket client for ``ws://`` URLs (enough for DevTools)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        assert parts.scheme == "ws" and parts.hostname and parts.port
        self._sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        self._sock.sendall(request.encode())
        self._buffer = b""
        while b"\r\n\r\n" not in self._buffer:
            chunk = self._sock.recv(4096)
            if not chunk:
                raise CDPError("the browser closed the connection during the WebSocket handshake")
            self._buffer += chunk
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise CDPError(f"WebSocket handshake refused: {head.splitlines()[0]!r}")

    def _read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            chunk = self._sock.recv(65536)
            if not chunk:
                raise CDPError("the browser closed the DevTools connection")
            self._buffer += chunk
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self._sock.sendall(header + mask + masked)

    def send(self, text: str) -> None:
        """Send one text message."""
        self._send_frame(0x1, text.encode())

    def recv(self, timeout: float) -> str:
        """The next text message (waiting up to ``timeout`` seconds)."""
        self._sock.settimeout(max(timeout, 0.001))
        message = b""
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._read(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._read(8))
            payload = self._read(length)
            if opcode == 0x8:
                raise CDPError("the browser closed the DevTools connection")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x0, 0x1):
                message += payload
                if first & 0x80:
                    return message.decode()

    def close(self) -> None:
        """Send a close frame and close the socket."""
        with suppress(OSError):
            self._send_frame(0x8, struct.pack("!H", 1000))
        self._sock.close()


class CDPSession:
    """Commands and events over one page target's WebSocket."""

    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._next_id = 0

    def _receive(self, deadline: float) -> dict[str, Any]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise CDPError("timed out waiting for the browser")
        try:
            message: dict[str, Any] = json.loads(self.ws.recv(remaining))
        except TimeoutError as exc:
            raise CDPError("timed out waiting for the browser") from exc
        if "method" in message:
            self.events.append(message)
        return message

    def call(self, method: str, timeout: float = 10.0, **params: Any) -> dict[str, Any]:
        """Send a command and return its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        ident = self._next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == ident:
                if "error" in message:
                    raise CDPError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def wait_event(
        self,
        method: str,
        timeout: float = 10.0,
        where: Callable[[dict[str, Any]], bool] = lambda _params: True,
    ) -> dict[str, Any]:
        """The first event ``method`` (already received or arriving within ``timeout``)."""
        for event in self.events:
            if event["method"] == method and where(event.get("params", {})):
                return event
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("method") == method and where(message.get("params", {})):
                return message

    def navigate(self, url: str, timeout: float = 10.0) -> None:
        """Open ``url`` and wait for its ``load`` event."""
        seen = len(self.events)
        self.call("Page.navigate", timeout=timeout, url=url)
        deadline = time.monotonic() + timeout
        while not any(e["method"] == "Page.loadEventFired" for e in self.events[seen:]):
            self._receive(deadline)

    def evaluate(self, expression: str, timeout: float = 10.0) -> Any:
        """Evaluate JavaScript in the page (awaiting a promise) and return its JSON value."""
        result = self.call(
            "Runtime.evaluate",
            timeout=timeout,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise CDPError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors seen so far."""
        found: list[str] = []
        for event in self.events:
            params = event.get("params", {})
            if event["method"] == "Runtime.consoleAPICalled" and params.get("type") in (
                "error",
                "assert",
            ):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif event["method"] == "Runtime.exceptionThrown":
                found.append(f"exception: {params.get('exceptionDetails')}")
            elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                found.append(f"log {entry.get('source')}: {entry.get('text')} {entry.get('url')}")
        return found


@contextmanager
def chromium(profile: Path, timeout: float = 20.0) -> Iterator[CDPSession]:
    """Start headless Chromium on ``about:blank`` and yield a session on its page."""
    binary = chromium_binary()
    process = subprocess.Popen(
        [binary, *FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    stderr_tail: list[str] = []

    def pump() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    ws: WebSocket | None = None
    try:
        deadline = time.monotonic() + timeout
        browser_url = None
        while browser_url is None:  # the ready line Chromium prints once DevTools listens
            try:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                raise CDPError(f"Chromium did not start in {timeout} s: {stderr_tail}") from None
            if line is None:
                raise CDPError(f"Chromium exited ({process.wait()}): {''.join(stderr_tail)}")
            stderr_tail.append(line)
            if line.startswith(_LISTENING):
                browser_url = line[len(_LISTENING) :].strip()
        port = urlsplit(browser_url).port
        targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=10.0).json()
        page = next(t for t in targets if t.get("type") == "page")
        ws = WebSocket(page["webSocketDebuggerUrl"])
        session = CDPSession(ws)
        for domain in ("Runtime", "Log", "Page"):
            session.call(f"{domain}.enable")
        yield session
    finally:
        if ws is not None:
            ws.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
