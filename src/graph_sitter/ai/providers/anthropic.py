"""Anthropic's Messages API over HTTP (``POST /v1/messages``), without the vendor SDK.

Tools are accepted in OpenAI's shape and converted; ``tool_use`` blocks come back as
OpenAI-shaped tool calls so callers handle one format whatever the vendor.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Unpack

from graph_sitter.ai.errors import (
    AIProviderError,
    ContentFilterError,
    EmptyResponseError,
    MalformedResponseError,
    ProviderUnavailableError,
)
from graph_sitter.ai.providers._http import (
    ChatCall,
    HTTPProvider,
    Parsed,
    StreamState,
    estimate_tokens,
)
from graph_sitter.ai.providers._settings import (
    TransportOptions,
    check_transport_options,
    resolve_settings,
)
from graph_sitter.ai.providers.openai import MODEL_PREFIXES as OPENAI_MODEL_PREFIXES
from graph_sitter.http import RetryPolicy, ServerSentEvent, redact

__all__ = ["DEFAULT_ANTHROPIC_BASE_URL", "AnthropicProvider"]

DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"
_FINISH = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
}


def convert_tools(tools: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI-shaped tool definitions to Anthropic's (already-Anthropic ones pass through)."""
    converted = []
    for tool in tools:
        function = tool.get("function")
        if tool.get("type") == "function" and isinstance(function, Mapping):
            converted.append(
                {
                    "name": function["name"],
                    "description": function.get("description", ""),
                    "input_schema": function.get("parameters") or {"type": "object"},
                }
            )
        else:
            converted.append(dict(tool))
    return converted


def convert_tool_choice(choice: str | Mapping[str, Any]) -> dict[str, Any]:
    """OpenAI's ``tool_choice`` to Anthropic's."""
    if isinstance(choice, str):
        return {"type": {"required": "any", "auto": "auto", "none": "none"}.get(choice, choice)}
    function = choice.get("function")
    if isinstance(function, Mapping):
        return {"type": "tool", "name": function["name"]}
    return dict(choice)


class AnthropicProvider(HTTPProvider):
    """Claude models through Anthropic's Messages API.

    Args:
        api_key: Default ``ANTHROPIC_API_KEY``.
        base_url: Default ``ANTHROPIC_BASE_URL``, else ``https://api.anthropic.com`` (paths
            add ``/v1``, as in Anthropic's SDK).
        timeout: Seconds per call; default ``ANTHROPIC_TIMEOUT``, else 600.
        max_retries: Retries per call; default ``ANTHROPIC_MAX_RETRIES``, else 2.
        default_model: Default ``claude-3-5-haiku-latest``.
        default_max_tokens: ``max_tokens`` sent when a call gives none (Anthropic requires it).
        validation_ttl, env, env_file, retry, **transport_options: As for
            :class:`~graph_sitter.ai.providers.OpenAIProvider`.
    """

    provider_name: ClassVar[str] = "Anthropic"
    supports_tools = True
    supports_streaming = True
    supports_shared_limits: ClassVar[bool] = True
    env_vars: ClassVar[tuple[str, ...]] = ("ANTHROPIC_API_KEY",)
    models_path = "/v1/models"
    model_prefixes = ("claude-",)
    foreign_model_prefixes = OPENAI_MODEL_PREFIXES

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        *,
        default_model: str | None = None,
        default_max_tokens: int = 4096,
        validation_ttl: float = 300.0,
        env: Mapping[str, str] | None = None,
        env_file: str | None = ".env",
        retry: RetryPolicy | None = None,
        **transport_options: Unpack[TransportOptions],
    ) -> None:
        settings = resolve_settings(
            "anthropic",
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_base_url=DEFAULT_ANTHROPIC_BASE_URL,
            env=env,
            env_file=env_file,
            retry=retry,
        )
        check_transport_options(transport_options)
        self._settings = settings
        headers = {
            "accept": "application/json",
            "user-agent": "graph-sitter",
            "anthropic-version": ANTHROPIC_VERSION,
        }
        if settings.api_key:
            headers["x-api-key"] = settings.api_key
        transport = settings.build_transport(
            name=self.provider_name,
            headers=headers,
            on_retry=(self._on_retry,),
            options=transport_options,
        )
        super().__init__(
            transport,
            default_model=default_model or "claude-3-5-haiku-latest",
            validation_ttl=float(validation_ttl),
        )
        self.default_max_tokens = int(default_max_tokens)

    @property
    def base_url(self) -> str:
        """The API root requests go to."""
        return self._settings.base_url

    @property
    def has_credentials(self) -> bool:
        """Whether an API key is configured."""
        return bool(self._settings.api_key)

    def _is_context_overflow(self, message: str, code: str | None) -> bool:
        lowered = message.lower()
        return (
            "prompt is too long" in lowered
            or "context window" in lowered
            or (super()._is_context_overflow(message, code))
        )

    # -- wire format -----------------------------------------------------------------------
    def _build(
        self,
        prompt: str,
        system_prompt: str | None,
        model: str,
        temperature: float,
        max_tokens: int | None,
        tools: Sequence[Mapping[str, Any]] | None,
        tool_choice: str | Mapping[str, Any] | None,
        stream: bool,
        kwargs: dict[str, Any],
    ) -> ChatCall:
        timeout = kwargs.pop("timeout", None)
        messages = kwargs.pop("messages", None)
        messages = [{"role": "user", "content": prompt}] if messages is None else list(messages)
        limit = max_tokens if max_tokens is not None else self.default_max_tokens
        payload: dict[str, Any] = {
            "model": model,
            "max_tokens": limit,
            "messages": messages,
            "temperature": temperature,
        }
        if system_prompt:
            payload["system"] = system_prompt
        if tools:
            payload["tools"] = convert_tools(tools)
        if tool_choice is not None:
            payload["tool_choice"] = convert_tool_choice(tool_choice)
        if stream:
            payload["stream"] = True
        payload.update(kwargs)
        texts = [system_prompt or ""] + [
            m["content"] for m in messages if isinstance(m.get("content"), str)
        ]
        return ChatCall("/v1/messages", payload, estimate_tokens(texts, limit), model, timeout)

    def _parse(self, data: Any, model: str) -> Parsed:
        name = self.provider_name
        if not isinstance(data, dict):
            raise MalformedResponseError(f"{name} returned a non-object body", provider=name)
        if data.get("type") == "error":
            message, _ = self._error_details(data)
            raise AIProviderError(f"{name} returned an error: {message}", provider=name)
        blocks = data.get("content")
        if not isinstance(blocks, list):
            raise MalformedResponseError(f"{name} response has no 'content' list", provider=name)
        stop_reason = data.get("stop_reason")
        if stop_reason == "refusal":
            raise ContentFilterError(
                f"{name} declined to answer (stop_reason=refusal)", provider=name
            )
        texts: list[str] = []
        tool_calls: list[dict[str, Any]] = []
        for block in blocks:
            if not isinstance(block, dict):
                raise MalformedResponseError(
                    f"{name} content block is not an object", provider=name
                )
            if block.get("type") == "text":
                texts.append(str(block.get("text", "")))
            elif block.get("type") == "tool_use":
                tool_calls.append(
                    {
                        "id": block.get("id"),
                        "type": "function",
                        "function": {
                            "name": block.get("name"),
                            "arguments": json.dumps(block.get("input") or {}),
                        },
                    }
                )
        content = "".join(texts)
        if not content and not tool_calls:
            raise EmptyResponseError(
                f"{name} returned an empty answer (stop_reason={stop_reason})", provider=name
            )
        raw_usage = data.get("usage")
        usage: dict[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
        return Parsed(
            content=content,
            model=str(data.get("model") or model),
            prompt_tokens=_int(usage.get("input_tokens")),
            completion_tokens=_int(usage.get("output_tokens")),
            finish_reason=_FINISH.get(str(stop_reason), stop_reason),
            tool_calls=tuple(tool_calls),
            extra={"id": data.get("id"), "stop_reason": stop_reason},
        )

    def _error_details(self, data: Any) -> tuple[str, str | None]:
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict):
            kind = error.get("type")
            return str(error.get("message") or kind or "unknown error"), (
                str(kind) if kind else None
            )
        return json.dumps(data)[:300], None

    def _stream_event(self, event: ServerSentEvent, state: StreamState) -> str | None:
        if not event.data:
            return None
        data = json.loads(event.data)
        kind = data.get("type") or event.event
        if kind == "message_start":
            message = data.get("message") or {}
            state.model = message.get("model")
            state.prompt_tokens = _int((message.get("usage") or {}).get("input_tokens"))
        elif kind == "content_block_delta":
            delta = data.get("delta") or {}
            if delta.get("type") == "text_delta":
                return str(delta.get("text", "")) or None
        elif kind == "message_delta":
            delta = data.get("delta") or {}
            if delta.get("stop_reason"):
                state.finish_reason = _FINISH.get(delta["stop_reason"], delta["stop_reason"])
            output = _int((data.get("usage") or {}).get("output_tokens"))
            if output is not None:
                state.completion_tokens = output
        elif kind == "message_stop":
            state.done = True
        elif kind == "error":
            message, code = self._error_details(data)
            if code == "overloaded_error":
                raise ProviderUnavailableError(
                    f"{self.provider_name} overloaded mid-stream: {message}",
                    provider=self.provider_name,
                )
            raise AIProviderError(
                f"{self.provider_name} stream error: {message}", provider=self.provider_name
            )
        return None

    def _parse_models(self, data: Any) -> list[str]:
        return [str(item["id"]) for item in data["data"]]

    def __repr__(self) -> str:
        return (
            f"<AnthropicProvider base_url={redact(self._settings.base_url)!r} "
            f"model={self.default_model!r}>"
        )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
