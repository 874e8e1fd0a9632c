"""Small helpers shared by the emulator tests (not a test module)."""

from __future__ import annotations

import json
import socket
from typing import Any

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello"}]}
AUTH = {"authorization": "Bearer test-key"}
ANTHROPIC_HEADERS = {"x-api-key": "test-key", "anthropic-version": "2023-06-01"}
MESSAGE = {
    "model": "claude-sonnet-4-5",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "Say hello"}],
}


def parse_sse(text: str) -> list[tuple[str | None, str]]:
    """Split an SSE body into ``(event, data)`` pairs, asserting the framing on the way."""
    assert text.endswith("\n\n"), "an SSE body ends with a blank line"
    events: list[tuple[str | None, str]] = []
    for block in text[:-2].split("\n\n"):
        name: str | None = None
        data: list[str] = []
        for line in block.split("\n"):
            field, sep, value = line.partition(": ")
            assert sep, f"malformed SSE line {line!r}"
            if field == "event":
                name = value
            else:
                assert field == "data", f"unexpected SSE field {field!r}"
                data.append(value)
        events.append((name, "\n".join(data)))
    return events


def sse_json(text: str) -> list[Any]:
    """The JSON payloads of an OpenAI stream, without the final ``[DONE]``."""
    events = parse_sse(text)
    assert events[-1] == (None, "[DONE]")
    return [json.loads(data) for _, data in events[:-1]]


def raw_exchange(port: int, payload: bytes) -> bytes:
    """Send raw bytes and return every byte the server sent before closing (or resetting)."""
    received = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload)
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            received += data
    return bytes(received)
