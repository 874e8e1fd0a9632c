"""Text forms of scripted faults and replies, for ``graph-sitter emulator`` (private).

Fault specs (``--fault``)::

    WHAT[xTIMES][:KEY=VALUE[,KEY=VALUE...]]

``WHAT`` is an HTTP status (``503``, ``429``, ``401``, ...) or a name: ``overloaded``,
``quota``, ``context``, ``reset``, ``malformed``, ``truncate``, ``stream-error``, ``slow``.
``xTIMES`` repeats it on consecutive requests. Keys: ``retry-after`` (seconds),
``retry-after-ms``, ``should-retry`` (``true``/``false``), ``message``, ``delay`` (seconds, for
``slow``), ``path`` (an ``fnmatch`` glob the request path must match). Examples: ``503x3``,
``429:retry-after=2``, ``429x2:retry-after-ms=500,path=/v1/chat/*``, ``reset``, ``slow:delay=5``.
A 429 is a :class:`RateLimit`; other statuses are :class:`HTTPError` in the vendor's format.

Reply lines (``--replies FILE``, JSON lines, consumed in order; blank lines and lines starting
with ``#`` are skipped)::

    "Plain text answer"
    {"content": "text", "finish_reason": "stop", "usage": {"prompt_tokens": 9}}
    {"tool_calls": [{"name": "answer", "arguments": {"answer": "..."}}], "content": null}
    {"status": "COMPLETE", "result": "Done", "summary": "...", "polls": 1}
    {"fault": "429:retry-after=1"}

A string is a text reply. An object with ``tool_calls`` is a tool-call reply (each call
``{"name", "arguments", "id"?}``, or OpenAI's ``{"id", "function": {"name", "arguments"}}``;
``arguments`` an object or a JSON string). An object with ``status`` (or ``result``) is a Codegen
agent run. An object with ``fault`` is a fault spec, queued in its place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph_sitter.testing._faults import (
    ConnectionReset,
    ContextLengthExceeded,
    Fault,
    HTTPError,
    MalformedJSON,
    Overloaded,
    QuotaExceeded,
    RateLimit,
    SlowFirstByte,
    StreamError,
    TruncatedStream,
)
from graph_sitter.testing._replies import (
    AgentRunReply,
    Reply,
    TextReply,
    ToolCall,
    ToolCallReply,
)

__all__ = ["FaultSpec", "load_replies", "parse_fault_spec", "parse_reply"]

_SPEC = re.compile(r"(?P<what>[a-z-]+|\d{3})(?:x(?P<times>\d+))?(?::(?P<options>.*))?", re.I)
_NAMED = (
    "overloaded",
    "quota",
    "context",
    "reset",
    "malformed",
    "truncate",
    "stream-error",
    "slow",
)
_KEYS = ("retry-after", "retry-after-ms", "should-retry", "message", "delay", "path")


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """A fault to queue ``times`` times, optionally bound to a path glob.

    Attributes:
        fault: The fault.
        times: How many consecutive matching requests get it.
        path: An ``fnmatch`` glob the request path must match; ``None`` matches any.
    """

    fault: Fault
    times: int = 1
    path: str | None = None


def parse_fault_spec(spec: str) -> FaultSpec:
    """Parse ``503x3``, ``429:retry-after=2``, ``reset``, ... (see the module docstring).

    Raises:
        ValueError: The spec is malformed; the message says what is accepted.
    """
    found = _SPEC.fullmatch(spec.strip())
    if found is None:
        raise ValueError(
            f"bad fault spec {spec!r}: expected STATUS or NAME, optional xTIMES, optional "
            ":key=value,... (e.g. 503x3, 429:retry-after=2)"
        )
    what = found["what"].lower()
    times = int(found["times"] or 1)
    if times < 1:
        raise ValueError(f"bad fault spec {spec!r}: xTIMES must be at least 1")
    options = _options(spec, found["options"])
    path = options.pop("path", None)
    fault = _fault(spec, what, options)
    return FaultSpec(fault, times, path)


def _options(spec: str, text: str | None) -> dict[str, str]:
    options: dict[str, str] = {}
    if not text:
        return options
    for item in text.split(","):
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or key not in _KEYS:
            known = ", ".join(_KEYS)
            raise ValueError(f"bad fault spec {spec!r}: unknown option {item!r} (known: {known})")
        options[key] = value.strip()
    return options


def _number(spec: str, options: Mapping[str, str], key: str) -> float | None:
    if key not in options:
        return None
    try:
        value = float(options[key])
    except ValueError:
        raise ValueError(f"bad fault spec {spec!r}: {key} must be a number") from None
    if value < 0:
        raise ValueError(f"bad fault spec {spec!r}: {key} must be >= 0")
    return value


def _should_retry(spec: str, options: Mapping[str, str]) -> bool | None:
    value = options.get("should-retry")
    if value is None:
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ValueError(f"bad fault spec {spec!r}: should-retry must be true or false")


def _fault(spec: str, what: str, options: dict[str, str]) -> Fault:
    message = options.get("message") or None
    should_retry = _should_retry(spec, options)
    retry_after = _number(spec, options, "retry-after")
    retry_after_ms = _number(spec, options, "retry-after-ms")
    if what.isdigit():
        status = int(what)
        if not 400 <= status <= 599:
            raise ValueError(f"bad fault spec {spec!r}: the status must be 400-599")
        if status == 429:
            return RateLimit(retry_after, "seconds", retry_after_ms, message, should_retry)
        headers: list[tuple[str, str]] = []
        if retry_after is not None:
            headers.append(("retry-after", f"{retry_after:g}"))
        if retry_after_ms is not None:
            headers.append(("retry-after-ms", f"{retry_after_ms:g}"))
        return HTTPError(status, message, headers=tuple(headers), should_retry=should_retry)
    if what == "overloaded":
        return Overloaded(message, should_retry)
    if what == "quota":
        return QuotaExceeded(message, should_retry)
    if what == "context":
        return ContextLengthExceeded(should_retry=should_retry)
    if what == "reset":
        return ConnectionReset()
    if what == "malformed":
        return MalformedJSON()
    if what == "truncate":
        return TruncatedStream()
    if what == "stream-error":
        return StreamError(message=message) if message else StreamError()
    if what == "slow":
        delay = _number(spec, options, "delay")
        return SlowFirstByte(delay if delay is not None else 1.0)
    raise ValueError(
        f"bad fault spec {spec!r}: unknown fault {what!r}; use an HTTP status or one of: "
        + ", ".join(_NAMED)
    )


def parse_reply(value: Any) -> Reply | FaultSpec:
    """Turn one decoded JSON line into a reply or a fault (see the module docstring).

    Raises:
        ValueError: The value has none of the accepted shapes.
    """
    if isinstance(value, str):
        return TextReply(value)
    if not isinstance(value, dict):
        raise ValueError(f"expected a string or an object, got {type(value).__name__}")
    if "fault" in value:
        if not isinstance(value["fault"], str):
            raise ValueError("'fault' must be a fault spec string such as \"503x2\"")
        return parse_fault_spec(value["fault"])
    usage = value.get("usage") or {}
    if not isinstance(usage, dict):
        raise ValueError("'usage' must be an object")
    prompt = _optional_int(usage, "prompt_tokens")
    completion = _optional_int(usage, "completion_tokens")
    content = value.get("content")
    if content is not None and not isinstance(content, str):
        raise ValueError("'content' must be a string or null")
    if "tool_calls" in value:
        calls = value["tool_calls"]
        if not isinstance(calls, list) or not calls:
            raise ValueError("'tool_calls' must be a non-empty list")
        return ToolCallReply(tuple(_tool_call(call) for call in calls), content, prompt, completion)
    if "status" in value or "result" in value:
        polls = value.get("polls")
        if polls is not None and (not isinstance(polls, int) or polls < 0):
            raise ValueError("'polls' must be a non-negative integer")
        return AgentRunReply(
            status=str(value.get("status", "COMPLETE")),
            result=_optional_str(value, "result"),
            summary=_optional_str(value, "summary"),
            polls=polls,
        )
    if content is None:
        raise ValueError("an object needs 'content', 'tool_calls', 'status' or 'fault'")
    finish = value.get("finish_reason", "stop")
    if not isinstance(finish, str):
        raise ValueError("'finish_reason' must be a string")
    return TextReply(content, finish, prompt, completion)


def _optional_int(source: Mapping[str, Any], key: str) -> int | None:
    value = source.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValueError(f"'{key}' must be an integer")
    return value


def _optional_str(source: Mapping[str, Any], key: str) -> str | None:
    value = source.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    return value


def _tool_call(call: Any) -> ToolCall:
    if not isinstance(call, dict):
        raise ValueError("each tool call must be an object")
    function = call.get("function")
    source = function if isinstance(function, dict) else call
    name = source.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("each tool call needs a 'name'")
    arguments = source.get("arguments", {})
    if not isinstance(arguments, dict | str):
        raise ValueError("tool call 'arguments' must be an object or a JSON string")
    call_id = call.get("id")
    if call_id is not None and not isinstance(call_id, str):
        raise ValueError("tool call 'id' must be a string")
    return ToolCall(name, arguments, call_id)


def load_replies(path: str | Path) -> list[Reply | FaultSpec]:
    """Read a JSON-lines script of replies (and faults), in order.

    Raises:
        OSError: The file cannot be read.
        ValueError: A line is not JSON or not an accepted shape; the message names the line.
    """
    source = Path(path)
    entries: list[Reply | FaultSpec] = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            entries.append(parse_reply(json.loads(text)))
        except ValueError as exc:
            raise ValueError(f"{source.name} line {number}: {exc}") from None
    return entries
