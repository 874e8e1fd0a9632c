"""Small wire helpers shared by the emulators: JSON, ids, token estimates, retry headers."""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Iterable
from email.utils import formatdate
from typing import Any

from graph_sitter.testing._faults import RateLimit
from graph_sitter.testing._server import Response

__all__ = [
    "dumps",
    "estimate_tokens",
    "go_duration",
    "json_response",
    "message_text",
    "new_id",
    "retry_headers",
    "should_retry_header",
]

JSON_TYPE = ("content-type", "application/json")


def dumps(value: Any) -> bytes:
    """Compact JSON bytes (the vendors send compact JSON)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(status: int, value: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """A JSON response with ``content-type: application/json``."""
    return Response(status, [JSON_TYPE, *headers], dumps(value))


def new_id(prefix: str, length: int = 24) -> str:
    """A random id such as ``chatcmpl-3f2a...``."""
    return prefix + uuid.uuid4().hex[:length]


def estimate_tokens(text: str) -> int:
    """About four characters a token, at least one."""
    return max(1, math.ceil(len(text) / 4))


def message_text(messages: Any) -> str:
    """Concatenate the text of chat messages (string contents and ``text`` parts)."""
    parts: list[str] = []
    if isinstance(messages, str):
        return messages
    if not isinstance(messages, list):
        return ""
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(
                str(part.get("text", ""))
                for part in content
                if isinstance(part, dict) and isinstance(part.get("text"), str)
            )
    return "\n".join(parts)


def go_duration(seconds: float) -> str:
    """Format a duration the way OpenAI's ``x-ratelimit-reset-*`` headers do: ``20ms``, ``1s``,
    ``6m0s``, ``1m30.5s``, ``1h2m3s``."""
    if seconds < 1:
        return f"{max(0, round(seconds * 1000))}ms"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{round(secs, 3):g}s"
    if hours:
        return f"{int(hours)}h{int(minutes)}m{text}"
    if minutes:
        return f"{int(minutes)}m{text}"
    return text


def should_retry_header(value: bool | None) -> list[tuple[str, str]]:
    """``x-should-retry`` when the fault sets it."""
    if value is None:
        return []
    return [("x-should-retry", "true" if value else "false")]


def retry_headers(fault: RateLimit) -> list[tuple[str, str]]:
    """``Retry-After`` (seconds or HTTP-date), ``retry-after-ms`` and ``x-should-retry``."""
    headers: list[tuple[str, str]] = []
    if fault.retry_after is not None:
        if fault.retry_after_format == "http-date":
            when = math.ceil(time.time() + fault.retry_after)
            headers.append(("retry-after", formatdate(when, usegmt=True)))
        else:
            headers.append(("retry-after", f"{fault.retry_after:g}"))
    if fault.retry_after_ms is not None:
        headers.append(("retry-after-ms", f"{fault.retry_after_ms:g}"))
    headers.extend(should_retry_header(fault.should_retry))
    return headers
