"""The OpenAI chat-completions emulator (private; exported from ``graph_sitter.testing``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
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
from graph_sitter.testing._tools import ToolRequestError, openai_tools, resolve_reply
from graph_sitter.testing._wire import (
    JSON_TYPE,
    dumps,
    estimate_tokens,
    go_duration,
    json_response,
    message_text,
    new_id,
    retry_headers,
    should_retry_header,
)

__all__ = ["OpenAIEmulator"]

DEFAULT_MODELS = ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "o4-mini")
_DEFAULT_TEXT = "Hello from the OpenAI emulator."
_SSE_TYPE = ("content-type", "text/event-stream; charset=utf-8")
_MISSING_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header "
    "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from "
    "https://platform.openai.com/account/api-keys."
)
_BAD_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
    "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
    "valid JSON.)"
)
_QUOTA = (
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, read the docs: "
    "https://platform.openai.com/docs/guides/error-codes/api-errors."
)
# status -> (type, code, message)
_DEFAULT_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: (
        "invalid_request_error",
        "unsupported_country_region_territory",
        "Country, region, or territory not supported",
    ),
    404: (
        "invalid_request_error",
        "model_not_found",
        "The model `{model}` does not exist or you do not have access to it.",
    ),
    409: ("invalid_request_error", None, "The request conflicts with another request."),
    500: (
        "server_error",
        None,
        "The server had an error while processing your request. Sorry about that!",
    ),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", None, "The server is overloaded or not ready yet."),
    504: ("server_error", None, "Gateway timeout."),
}


def _mask(key: str) -> str:
    if len(key) <= 8:
        return "*" * len(key)
    return f"{key[:3]}{'*' * (len(key) - 7)}{key[-4:]}"


def _error_body(message: str, type_: str, code: str | None, param: str | None = None) -> bytes:
    return dumps({"error": {"message": message, "type": type_, "param": param, "code": code}})


class OpenAIEmulator(BaseEmulator):
    """A local OpenAI-compatible server: ``POST /v1/chat/completions`` (JSON or SSE),
    ``GET /v1/models`` and ``GET /v1/models/{id}``.

    ``base_url`` is ``http://127.0.0.1:PORT/v1``, what ``openai.OpenAI(base_url=...)`` expects.
    Every response carries ``x-request-id``; completions and 429s carry ``x-ratelimit-*``.

    ``tools``, ``tool_choice`` (``auto``, ``none``, ``required``, a named function,
    ``allowed_tools``) and ``parallel_tool_calls`` are honoured: a forced call is answered with
    a tool call whose arguments validate against the function's ``parameters`` schema (a queued
    text reply is carried into them); see :mod:`graph_sitter.testing._tools`.

    Args:
        api_key: The key accepted in ``Authorization: Bearer``; ``None`` accepts any (or none),
            like Ollama.
        models: Model ids listed by ``GET /v1/models``.
        strict_models: Answer 404 ``model_not_found`` to a completion naming a model not in
            ``models`` (as the real API does); by default any model is served.
        default_reply: The answer when no reply is queued. A configured one is treated like a
            queued reply for forced tool calls (its text is carried into the arguments); with
            the built-in default a forced call gets arguments generated from the schema.
        host: Address to bind.
        port: Port to bind; 0 picks a free one.
        latency: Seconds added before every response's first byte.
        rpm_limit: Requests per moving 60 s (emulator clock) before a 429 ``rate_limit_exceeded``
            with ``Retry-After``; ``None`` for no limit.
        clock: Time source in seconds (default ``time.monotonic``); see ``advance_time``.
        record_limit: How many requests ``requests`` keeps (newest); ``None`` keeps all, 0 none.
    """

    _kind = "openai"

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
        self.tokens_limit = 2_000_000
        self._routes = {
            ("POST", "/v1/chat/completions"): Route(self._chat, generative=True),
            ("GET", "/v1/models"): Route(self._list_models),
        }

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v1`` (the OpenAI SDK's ``base_url``)."""
        return f"{self.url}/v1"

    # -- routing and auth ------------------------------------------------------------------

    def _match(self, request: RecordedRequest) -> tuple[Route, dict[str, str]] | None:
        route = self._routes.get((request.method, request.path))
        if route is not None:
            return route, {}
        prefix = "/v1/models/"
        if request.method == "GET" and request.path.startswith(prefix):
            return Route(self._get_model), {"model": request.path[len(prefix) :]}
        return None

    def _headers(self) -> list[tuple[str, str]]:
        return [
            ("x-request-id", new_id("req_", 32)),
            ("openai-version", "2020-10-01"),
            ("openai-processing-ms", "1"),
        ]

    def _error(
        self,
        status: int,
        message: str,
        type_: str,
        code: str | None,
        param: str | None = None,
        headers: Sequence[tuple[str, str]] = (),
    ) -> Response:
        return Response(
            status,
            [JSON_TYPE, *self._headers(), *headers],
            _error_body(message, type_, code, param),
        )

    def _not_found(self, request: RecordedRequest) -> Response:
        message = f"Invalid URL ({request.method} {request.path})"
        return self._error(404, message, "invalid_request_error", None)

    def _authenticate(self, request: RecordedRequest) -> Response | None:
        if self.api_key is None:
            return None
        header = request.headers.get("authorization", "")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            return self._error(401, _MISSING_KEY, "invalid_request_error", None)
        if key != self.api_key:
            message = (
                f"Incorrect API key provided: {_mask(key)}. You can find your API key at "
                "https://platform.openai.com/account/api-keys."
            )
            return self._error(401, message, "invalid_request_error", "invalid_api_key")
        return None

    def _ratelimit_headers(
        self, prompt_tokens: int, exhausted: bool = False
    ) -> list[tuple[str, str]]:
        window = self._rpm_window
        now = self.now()
        if window is not None:
            limit = window.limit
            remaining = 0 if exhausted else window.remaining(now)
            reset = go_duration(window.reset_in(now))
        else:
            limit, remaining, reset = 10_000, 0 if exhausted else 9_999, "6ms"
        tokens_left = max(self.tokens_limit - prompt_tokens, 0)
        return [
            ("x-ratelimit-limit-requests", str(limit)),
            ("x-ratelimit-limit-tokens", str(self.tokens_limit)),
            ("x-ratelimit-remaining-requests", str(remaining)),
            ("x-ratelimit-remaining-tokens", str(tokens_left)),
            ("x-ratelimit-reset-requests", reset),
            ("x-ratelimit-reset-tokens", go_duration(prompt_tokens * 60 / self.tokens_limit)),
        ]

    # -- faults ----------------------------------------------------------------------------

    def _render_fault(self, request: RecordedRequest, fault: Fault) -> Response:
        if isinstance(fault, RateLimit):
            limit = self._rpm_window.limit if self._rpm_window else 10_000
            wait = fault.retry_after if fault.retry_after is not None else 1
            message = fault.message or (
                f"Rate limit reached for requests per min (RPM): Limit {limit}, Used {limit}, "
                f"Requested 1. Please try again in {wait:g}s."
            )
            headers = [*self._ratelimit_headers(0, exhausted=True), *retry_headers(fault)]
            return self._error(429, message, "requests", "rate_limit_exceeded", None, headers)
        if isinstance(fault, QuotaExceeded):
            headers = should_retry_header(fault.should_retry)
            message = fault.message or _QUOTA
            code = "insufficient_quota"
            return self._error(429, message, code, code, None, headers)
        if isinstance(fault, ContextLengthExceeded):
            requested = fault.requested or fault.max_context + 1000
            message = (
                f"This model's maximum context length is {fault.max_context} tokens. However, "
                f"your messages resulted in {requested} tokens. Please reduce the length of the "
                "messages."
            )
            headers = should_retry_header(fault.should_retry)
            return self._error(
                400,
                message,
                "invalid_request_error",
                "context_length_exceeded",
                "messages",
                headers,
            )
        if isinstance(fault, Overloaded):
            message = fault.message or "The engine is currently overloaded, please try again later."
            headers = should_retry_header(fault.should_retry)
            return self._error(503, message, "server_error", None, None, headers)
        if isinstance(fault, HTTPError):
            return self._render_http_error(request, fault)
        if isinstance(fault, MalformedJSON):
            return Response(200, [JSON_TYPE, *self._headers()], fault.body)
        raise TypeError(f"fault {fault!r} is not rendered as a response")

    def _render_http_error(self, request: RecordedRequest, fault: HTTPError) -> Response:
        extra = [*fault.headers, *should_retry_header(fault.should_retry)]
        if fault.body is not None:
            headers = [("content-type", fault.content_type), *self._headers(), *extra]
            return Response(fault.status, headers, fault.body)
        code: str | None
        if fault.status == 429:
            type_, code, message = "requests", "rate_limit_exceeded", "Rate limit reached."
        else:
            fallback = "server_error" if fault.status >= 500 else "invalid_request_error"
            type_, code, message = _DEFAULT_ERRORS.get(fault.status, (fallback, None, "Error."))
        body = request.json if isinstance(request.json, dict) else {}
        message = fault.message or message.replace("{model}", str(body.get("model", "")))
        return self._error(
            fault.status, message, fault.error_type or type_, fault.code or code, None, extra
        )

    def _stream_error_event(self, fault: StreamError) -> bytes:
        error = {
            "message": fault.message,
            "type": fault.error_type or "server_error",
            "param": None,
            "code": None,
        }
        return sse_event(json.dumps({"error": error}))

    # -- endpoints -------------------------------------------------------------------------

    def _model_object(self, model: str) -> dict[str, Any]:
        return {"id": model, "object": "model", "created": 1_700_000_000, "owned_by": "system"}

    def _list_models(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        data = [self._model_object(model) for model in self.models]
        return json_response(200, {"object": "list", "data": data}, self._headers())

    def _get_model(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        model = params["model"]
        if model not in self.models:
            message = f"The model '{model}' does not exist"
            return self._error(404, message, "invalid_request_error", "model_not_found", "model")
        return json_response(200, self._model_object(model), self._headers())

    def _validate(self, request: RecordedRequest) -> Response | None:
        body = request.json
        if request.json_error is not None or not isinstance(body, dict):
            return self._error(400, _BAD_JSON, "invalid_request_error", None)
        if not body.get("model"):
            return self._error(
                400, "you must provide a model parameter", "invalid_request_error", None
            )
        messages = body.get("messages")
        if not isinstance(messages, list):
            message = "Missing required parameter: 'messages'."
            return self._error(
                400, message, "invalid_request_error", "missing_required_parameter", "messages"
            )
        if not messages:
            message = (
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but "
                "got an empty array instead."
            )
            return self._error(400, message, "invalid_request_error", "empty_array", "messages")
        return None

    def _chat(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        invalid = self._validate(request)
        if invalid is not None:
            return invalid
        body: dict[str, Any] = request.json
        model = str(body["model"])
        if self.strict_models and model not in self.models:
            missing = _DEFAULT_ERRORS[404][2].replace("{model}", model)
            return self._error(404, missing, "invalid_request_error", "model_not_found", "model")
        try:
            tools, choice = openai_tools(body)
        except ToolRequestError as exc:
            return self._error(400, exc.message, "invalid_request_error", exc.code, exc.param)
        scripted = self._reply_for(request, fault)
        try:
            default = _as_chat(self.default_reply) or TextReply("")
            if scripted is None and self.default_reply != TextReply(_DEFAULT_TEXT):
                scripted = self.default_reply  # a configured default is what the user scripted
            reply = resolve_reply(_as_chat(scripted), default, tools, choice)
        except SchemaError as exc:
            invalid_schema = f"Invalid schema for function parameters: {exc}"
            return self._error(
                400, invalid_schema, "invalid_request_error", "invalid_function_parameters"
            )
        prompt_tokens = reply.prompt_tokens or estimate_tokens(message_text(body["messages"]))
        completion_tokens = reply.completion_tokens or _completion_tokens(reply)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
        headers = [*self._headers(), *self._ratelimit_headers(prompt_tokens)]
        completion_id = new_id("chatcmpl-")
        created = int(time.time())
        if body.get("stream") is True:
            options = body.get("stream_options")
            include_usage = isinstance(options, dict) and options.get("include_usage") is True
            chunks = _stream_chunks(completion_id, created, model, reply, usage, include_usage)
            return Response(
                200, [_SSE_TYPE, ("cache-control", "no-cache"), *headers], chunks=chunks
            )
        calls = _tool_calls(reply)
        message: dict[str, Any] = {
            "role": "assistant",
            "content": reply.text,
            "refusal": None,
            "annotations": [],
        }
        if calls:
            message["tool_calls"] = calls
        payload = {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [
                {"index": 0, "message": message, "logprobs": None, "finish_reason": _finish(reply)}
            ],
            "usage": usage,
            "service_tier": "default",
            "system_fingerprint": "fp_emulator",
        }
        return json_response(200, payload, headers)


def _as_chat(reply: Reply | None) -> TextReply | ToolCallReply | None:
    if isinstance(reply, AgentRunReply):
        return TextReply(reply.result or "")
    return reply


def _finish(reply: TextReply | ToolCallReply) -> str:
    return reply.finish_reason if isinstance(reply, TextReply) else "tool_calls"


def _completion_tokens(reply: TextReply | ToolCallReply) -> int:
    text = reply.text or ""
    if isinstance(reply, ToolCallReply):
        text += "".join(call.name + call.arguments_json() for call in reply.tool_calls)
    return estimate_tokens(text)


def _call_id(call: ToolCall, index: int, salt: str) -> str:
    return call.id or f"call_{salt[-16:]}{index}"


def _tool_calls(reply: TextReply | ToolCallReply) -> list[dict[str, Any]]:
    if not isinstance(reply, ToolCallReply):
        return []
    salt = new_id("")
    return [
        {
            "id": _call_id(call, index, salt),
            "type": "function",
            "function": {"name": call.name, "arguments": call.arguments_json()},
        }
        for index, call in enumerate(reply.tool_calls)
    ]


def _stream_chunks(
    completion_id: str,
    created: int,
    model: str,
    reply: TextReply | ToolCallReply,
    usage: dict[str, Any],
    include_usage: bool,
) -> list[bytes]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        payload: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": "fp_emulator",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        if include_usage:
            payload["usage"] = None
        return sse_event(json.dumps(payload, separators=(",", ":")))

    events: list[bytes] = []
    if isinstance(reply, TextReply):
        events.append(chunk({"role": "assistant", "content": "", "refusal": None}))
        events.extend(chunk({"content": piece}) for piece in reply.stream_pieces())
    else:
        first_content = "" if reply.text else None
        events.append(chunk({"role": "assistant", "content": first_content, "refusal": None}))
        if reply.text:
            events.extend(
                chunk({"content": piece}) for piece in TextReply(reply.text).stream_pieces()
            )
        salt = new_id("")
        for index, call in enumerate(reply.tool_calls):
            start = {
                "index": index,
                "id": _call_id(call, index, salt),
                "type": "function",
                "function": {"name": call.name, "arguments": ""},
            }
            events.append(chunk({"tool_calls": [start]}))
            arguments = call.arguments_json()
            for offset in range(0, len(arguments), 16):
                fragment = {
                    "index": index,
                    "function": {"arguments": arguments[offset : offset + 16]},
                }
                events.append(chunk({"tool_calls": [fragment]}))
    events.append(chunk({}, _finish(reply)))
    if include_usage:
        payload = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "system_fingerprint": "fp_emulator",
            "choices": [],
            "usage": usage,
        }
        events.append(sse_event(json.dumps(payload, separators=(",", ":"))))
    events.append(sse_event("[DONE]"))
    return events
