"""The Anthropic messages emulator (private; exported from ``graph_sitter.testing``)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from graph_sitter.testing._base import BaseEmulator, Route
from graph_sitter.testing._faults import (
    ContextLengthExceeded,
    Fault,
    HTTPError,
    MalformedJSON,
    Overloaded,
    QuotaExceeded,
    RateLimit,
    StreamError,
)
from graph_sitter.testing._replies import (
    AgentRunReply,
    Reply,
    TextReply,
    ToolCall,
    ToolCallReply,
    coerce_reply,
)
from graph_sitter.testing._schema import SchemaError
from graph_sitter.testing._server import RecordedRequest, Response, sse_event
from graph_sitter.testing._tools import ToolRequestError, anthropic_tools, resolve_reply
from graph_sitter.testing._wire import (
    JSON_TYPE,
    dumps,
    estimate_tokens,
    json_response,
    message_text,
    new_id,
    retry_headers,
    should_retry_header,
)

__all__ = ["AnthropicEmulator"]

DEFAULT_MODELS = ("claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1")
_DEFAULT_TEXT = "Hello from the Anthropic emulator."
_SSE_TYPE = ("content-type", "text/event-stream; charset=utf-8")
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
_DEFAULT_MESSAGES = {
    400: "Invalid request.",
    401: "invalid x-api-key",
    402: "Your credit balance is too low to access the Anthropic API.",
    403: "Your API key does not have permission to use the specified resource.",
    404: "Not found.",
    413: "Request exceeds the maximum allowed number of bytes.",
    429: "Number of requests has exceeded your rate limit.",
    500: "Internal server error",
    504: "Request timed out.",
    529: "Overloaded",
}
_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}")
_STOP_REASONS = {"stop": "end_turn", "length": "max_tokens", "tool_calls": "tool_use"}


class AnthropicEmulator(BaseEmulator):
    """A local Anthropic Messages API: ``POST /v1/messages`` (JSON or SSE) and ``GET /v1/models``.

    ``base_url`` is ``http://127.0.0.1:PORT`` (the Anthropic SDK appends ``/v1/...``). Requests
    need a key, in ``x-api-key`` or as ``Authorization: Bearer <key>`` (what the ``anthropic``
    2.x SDK sends), and an ``anthropic-version`` that is a date (``YYYY-MM-DD``); every response
    carries ``request-id`` and errors are ``{"type": "error", "error": {"type", "message"},
    "request_id"}``.

    ``tools`` and ``tool_choice`` (``auto``, ``any``, ``tool``, ``none``, with
    ``disable_parallel_tool_use``) are honoured: a forced call is answered with a ``tool_use``
    block whose ``input`` validates against the tool's ``input_schema`` (a queued text reply is
    carried into it), ``stop_reason: "tool_use"``, streamed as ``input_json_delta`` events.

    Args:
        api_key: The key accepted in ``x-api-key`` or ``Authorization: Bearer``; ``None``
            accepts any (a key is still required, as by the real API).
        models: Model ids listed by ``GET /v1/models``.
        strict_models: Answer 404 ``not_found_error`` to a message naming a model not in
            ``models`` (as the real API does); by default any model is served.
        default_reply: The answer when no reply is queued. A configured one is treated like a
            queued reply for forced tool calls (its text is carried into the arguments); with
            the built-in default a forced call gets arguments generated from the schema.
        host: Address to bind.
        port: Port to bind; 0 picks a free one.
        latency: Seconds added before every response's first byte.
        rpm_limit: Requests per moving 60 s (emulator clock) before a 429 ``rate_limit_error``
            with ``retry-after``; ``None`` for no limit.
        clock: Time source in seconds (default ``time.monotonic``); see ``advance_time``.
        record_limit: How many requests ``requests`` keeps (newest); ``None`` keeps all, 0 none.
    """

    _kind = "anthropic"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        models: Sequence[str] = DEFAULT_MODELS,
        strict_models: bool = False,
        default_reply: Reply | ToolCall | str = _DEFAULT_TEXT,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        rpm_limit: int | None = None,
        clock: Callable[[], float] | None = None,
        record_limit: int | None = 10_000,
    ) -> None:
        super().__init__(
            host=host,
            port=port,
            latency=latency,
            rpm_limit=rpm_limit,
            clock=clock,
            record_limit=record_limit,
        )
        self.api_key = api_key
        self.models = tuple(models)
        self.strict_models = strict_models
        self.default_reply = coerce_reply(default_reply)
        self._routes = {
            ("POST", "/v1/messages"): Route(self._messages, generative=True),
            ("GET", "/v1/models"): Route(self._list_models),
        }

    # -- routing and auth ------------------------------------------------------------------

    def _match(self, request: RecordedRequest) -> tuple[Route, dict[str, str]] | None:
        route = self._routes.get((request.method, request.path))
        return None if route is None else (route, {})

    def _error(
        self,
        status: int,
        type_: str,
        message: str,
        headers: Sequence[tuple[str, str]] = (),
    ) -> Response:
        request_id = new_id("req_", 24)
        body = {"type": "error", "error": {"type": type_, "message": message}}
        body["request_id"] = request_id
        return Response(status, [JSON_TYPE, ("request-id", request_id), *headers], dumps(body))

    def _not_found(self, request: RecordedRequest) -> Response:
        return self._error(404, "not_found_error", f"Not found: {request.method} {request.path}")

    def _authenticate(self, request: RecordedRequest) -> Response | None:
        key = request.headers.get("x-api-key")
        if not key:
            scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
            key = bearer.strip() if scheme.lower() == "bearer" else ""
        if not key or (self.api_key is not None and key != self.api_key):
            return self._error(401, "authentication_error", "invalid x-api-key")
        version = request.headers.get("anthropic-version")
        if not version:
            return self._error(
                400, "invalid_request_error", "anthropic-version: header is required"
            )
        if not _valid_version(version):
            message = (
                f"anthropic-version: invalid version {version[:40]!r}; expected a date such as "
                "2023-06-01"
            )
            return self._error(400, "invalid_request_error", message)
        return None

    def _ratelimit_headers(self, exhausted: bool = False) -> list[tuple[str, str]]:
        window = self._rpm_window
        now = self.now()
        limit = window.limit if window else 4_000
        remaining = window.remaining(now) if window else limit - 1
        if exhausted:
            remaining = 0
        reset_in = window.reset_in(now) if window else 0.0
        reset = datetime.now(UTC) + timedelta(seconds=reset_in)
        return [
            ("anthropic-ratelimit-requests-limit", str(limit)),
            ("anthropic-ratelimit-requests-remaining", str(remaining)),
            ("anthropic-ratelimit-requests-reset", reset.strftime("%Y-%m-%dT%H:%M:%SZ")),
        ]

    # -- faults ----------------------------------------------------------------------------

    def _render_fault(self, request: RecordedRequest, fault: Fault) -> Response:
        if isinstance(fault, RateLimit):
            message = fault.message or _DEFAULT_MESSAGES[429]
            headers = [*self._ratelimit_headers(exhausted=True), *retry_headers(fault)]
            return self._error(429, "rate_limit_error", message, headers)
        if isinstance(fault, QuotaExceeded):
            message = fault.message or (
                "Your credit balance is too low to access the Anthropic API. Please go to Plans "
                "& Billing to upgrade or purchase credits."
            )
            headers = should_retry_header(fault.should_retry)
            return self._error(400, "invalid_request_error", message, headers)
        if isinstance(fault, ContextLengthExceeded):
            requested = fault.requested or fault.max_context + 1000
            message = f"prompt is too long: {requested} tokens > {fault.max_context} maximum"
            headers = should_retry_header(fault.should_retry)
            return self._error(400, "invalid_request_error", message, headers)
        if isinstance(fault, Overloaded):
            headers = should_retry_header(fault.should_retry)
            return self._error(529, "overloaded_error", fault.message or "Overloaded", headers)
        if isinstance(fault, HTTPError):
            extra = [*fault.headers, *should_retry_header(fault.should_retry)]
            if fault.body is not None:
                headers = [("content-type", fault.content_type), ("request-id", new_id("req_"))]
                return Response(fault.status, [*headers, *extra], fault.body)
            fallback = "api_error" if fault.status >= 500 else "invalid_request_error"
            type_ = fault.error_type or _ERROR_TYPES.get(fault.status, fallback)
            message = fault.message or _DEFAULT_MESSAGES.get(fault.status, "Error")
            return self._error(fault.status, type_, message, extra)
        if isinstance(fault, MalformedJSON):
            return Response(200, [JSON_TYPE, ("request-id", new_id("req_"))], fault.body)
        raise TypeError(f"fault {fault!r} is not rendered as a response")

    def _stream_error_event(self, fault: StreamError) -> bytes:
        error = {"type": fault.error_type or "overloaded_error", "message": fault.message}
        return sse_event(json.dumps({"type": "error", "error": error}), "error")

    # -- endpoints -------------------------------------------------------------------------

    def _list_models(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        data = [
            {
                "type": "model",
                "id": model,
                "display_name": model.replace("-", " ").title(),
                "created_at": "2025-01-01T00:00:00Z",
            }
            for model in self.models
        ]
        payload = {
            "data": data,
            "has_more": False,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }
        return json_response(200, payload, [("request-id", new_id("req_"))])

    def _validate(self, request: RecordedRequest) -> Response | None:
        body = request.json
        if request.json_error is not None or not isinstance(body, dict):
            return self._error(400, "invalid_request_error", "Request body is not valid JSON.")
        for field in ("model", "max_tokens", "messages"):
            if field not in body:
                return self._error(400, "invalid_request_error", f"{field}: Field required")
        if not isinstance(body["max_tokens"], int) or body["max_tokens"] < 1:
            message = "max_tokens: Input should be a valid integer greater than or equal to 1"
            return self._error(400, "invalid_request_error", message)
        if not isinstance(body["messages"], list) or not body["messages"]:
            message = "messages: at least one message is required"
            return self._error(400, "invalid_request_error", message)
        return None

    def _messages(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        invalid = self._validate(request)
        if invalid is not None:
            return invalid
        body: dict[str, Any] = request.json
        if self.strict_models and body["model"] not in self.models:
            return self._error(404, "not_found_error", f"model: {body['model']}")
        try:
            tools, choice = anthropic_tools(body)
        except ToolRequestError as exc:
            return self._error(400, "invalid_request_error", exc.message)
        scripted = self._reply_for(request, fault)
        try:
            default = _as_message(self.default_reply) or TextReply("")
            if scripted is None and self.default_reply != TextReply(_DEFAULT_TEXT):
                scripted = self.default_reply  # a configured default is what the user scripted
            reply = resolve_reply(_as_message(scripted), default, tools, choice)
        except SchemaError as exc:
            return self._error(400, "invalid_request_error", f"tools: input_schema: {exc}")
        system = body.get("system")
        prompt = message_text(body["messages"]) + (system if isinstance(system, str) else "")
        input_tokens = reply.prompt_tokens or estimate_tokens(prompt)
        blocks = _content_blocks(reply)
        output_tokens = reply.completion_tokens or estimate_tokens(dumps(blocks).decode())
        stop_reason = _stop_reason(reply)
        message_id = new_id("msg_")
        request_id = new_id("req_")
        headers = [("request-id", request_id), *self._ratelimit_headers()]
        model = str(body["model"])
        if body.get("stream") is True:
            events = _stream_events(
                message_id, model, blocks, stop_reason, input_tokens, output_tokens
            )
            return Response(
                200, [_SSE_TYPE, ("cache-control", "no-cache"), *headers], chunks=events
            )
        payload = {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": blocks,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        }
        return json_response(200, payload, headers)


def _valid_version(value: str) -> bool:
    if not _VERSION.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _as_message(reply: Reply | None) -> TextReply | ToolCallReply | None:
    if isinstance(reply, AgentRunReply):
        return TextReply(reply.result or "")
    return reply


def _stop_reason(reply: TextReply | ToolCallReply) -> str:
    if isinstance(reply, ToolCallReply):
        return "tool_use"
    return _STOP_REASONS.get(reply.finish_reason, reply.finish_reason)


def _content_blocks(reply: TextReply | ToolCallReply) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if reply.text:
        blocks.append({"type": "text", "text": reply.text})
    if isinstance(reply, ToolCallReply):
        salt = new_id("")
        blocks.extend(
            {
                "type": "tool_use",
                "id": call.id or f"toolu_{salt[-16:]}{index}",
                "name": call.name,
                "input": call.arguments_object(),
            }
            for index, call in enumerate(reply.tool_calls)
        )
    return blocks


def _stream_events(
    message_id: str,
    model: str,
    blocks: list[dict[str, Any]],
    stop_reason: str,
    input_tokens: int,
    output_tokens: int,
) -> list[bytes]:
    def event(name: str, payload: dict[str, Any]) -> bytes:
        return sse_event(json.dumps(payload, separators=(",", ":")), name)

    start: dict[str, Any] = {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": 1,
        },
    }
    events = [event("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(blocks):
        if block["type"] == "text":
            opening: dict[str, Any] = {"type": "text", "text": ""}
            deltas = [
                {"type": "text_delta", "text": piece}
                for piece in TextReply(block["text"]).stream_pieces()
            ]
        else:
            opening = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            arguments = json.dumps(block["input"], separators=(",", ":"))
            deltas = [
                {"type": "input_json_delta", "partial_json": arguments[offset : offset + 16]}
                for offset in range(0, len(arguments), 16)
            ]
        events.append(
            event(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": opening},
            )
        )
        if index == 0:
            events.append(event("ping", {"type": "ping"}))
        events.extend(
            event(
                "content_block_delta", {"type": "content_block_delta", "index": index, "delta": d}
            )
            for d in deltas
        )
        events.append(event("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {
                    "input_tokens": input_tokens,
                    "cache_creation_input_tokens": 0,
                    "cache_read_input_tokens": 0,
                    "output_tokens": output_tokens,
                },
            },
        )
    )
    events.append(event("message_stop", {"type": "message_stop"}))
    return events
