"""OpenAI and every OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio), over HTTP.

Talks to ``POST {base_url}/chat/completions`` and ``GET {base_url}/models`` through the
shared transport; no vendor SDK is imported.
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
from graph_sitter.http import RetryPolicy, ServerSentEvent, redact

__all__ = ["DEFAULT_OPENAI_BASE_URL", "MODEL_PREFIXES", "OpenAIProvider"]

DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"
#: Name prefixes of OpenAI's models (others are looked up in the server's model list).
MODEL_PREFIXES = ("gpt-", "chatgpt-", "o1", "o3", "o4", "codex-", "computer-use-")


class OpenAIProvider(HTTPProvider):
    """Chat completions from OpenAI or any OpenAI-compatible server.

    Args:
        api_key: The key; default ``OPENAI_API_KEY``. Optional for a custom ``base_url``
            (local servers such as Ollama ignore it).
        base_url: Default ``OPENAI_BASE_URL``, else ``https://api.openai.com/v1``.
        timeout: Seconds per call; default ``OPENAI_TIMEOUT``, else 600.
        max_retries: Retries per call; default ``OPENAI_MAX_RETRIES``, else 2.
        organization: Sent as ``OpenAI-Organization``.
        default_model: Default ``gpt-4o-mini``.
        validation_ttl: Seconds a credential check result stays cached.
        env: A mapping read instead of the environment.
        env_file: A dotenv file read for missing variables (``None`` to skip).
        retry: A :class:`~graph_sitter.http.RetryPolicy` replacing ``max_retries``.
        **transport_options: Passed to the transport as given (see
            :class:`~graph_sitter.ai.providers._settings.TransportOptions`):
            ``rate_limit``, ``breaker``, ``budget``, ``limits``, ``http_transport``/
            ``async_http_transport`` (for tests), ``async_backend``, ``idempotency_header``.
    """

    provider_name: ClassVar[str] = "OpenAI"
    supports_tools = True
    supports_streaming = True
    supports_shared_limits: ClassVar[bool] = True
    env_vars: ClassVar[tuple[str, ...]] = (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "OPENAI_TIMEOUT",
        "OPENAI_MAX_RETRIES",
    )
    models_path = "/models"
    model_prefixes = MODEL_PREFIXES
    foreign_model_prefixes = ("claude",)

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        *,
        organization: str | None = None,
        default_model: str | None = None,
        validation_ttl: float = 300.0,
        env: Mapping[str, str] | None = None,
        env_file: str | None = ".env",
        retry: RetryPolicy | None = None,
        **transport_options: Unpack[TransportOptions],
    ) -> None:
        settings = resolve_settings(
            "openai",
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_base_url=DEFAULT_OPENAI_BASE_URL,
            env=env,
            env_file=env_file,
            retry=retry,
        )
        check_transport_options(transport_options)
        self._settings = settings
        headers = {"accept": "application/json", "user-agent": "graph-sitter"}
        if settings.api_key:
            headers["authorization"] = f"Bearer {settings.api_key}"
        if organization:
            headers["openai-organization"] = str(organization)
        transport = settings.build_transport(
            name=self.provider_name,
            headers=headers,
            on_retry=(self._on_retry,),
            options=transport_options,
        )
        super().__init__(
            transport,
            default_model=default_model or "gpt-4o-mini",
            validation_ttl=float(validation_ttl),
        )

    @property
    def base_url(self) -> str:
        """The API root requests go to."""
        return self._settings.base_url

    @property
    def has_credentials(self) -> bool:
        """A key, or a custom (local) server that may not need one."""
        return bool(self._settings.api_key) or self._settings.base_url != DEFAULT_OPENAI_BASE_URL

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
        if system_prompt:
            messages.insert(0, {"role": "system", "content": system_prompt})
        payload: dict[str, Any] = {"model": model, "messages": messages, "temperature": temperature}
        if max_tokens is not None:
            payload["max_tokens"] = max_tokens
        if tools:
            payload["tools"] = list(tools)
        if tool_choice is not None:
            payload["tool_choice"] = tool_choice
        if stream:
            payload["stream"] = True
            payload["stream_options"] = {"include_usage": True}
        payload.update(kwargs)
        texts = [m.get("content") or "" for m in messages if isinstance(m.get("content"), str)]
        return ChatCall(
            "/chat/completions", payload, estimate_tokens(texts, max_tokens), model, timeout
        )

    def _parse(self, data: Any, model: str) -> Parsed:
        name = self.provider_name
        if not isinstance(data, dict):
            raise MalformedResponseError(
                f"{name} returned {type(data).__name__}, not an object", provider=name
            )
        if "error" in data and "choices" not in data:
            message, _ = self._error_details(data)
            raise AIProviderError(f"{name} returned an error: {message}", provider=name)
        choices = data.get("choices")
        if not isinstance(choices, list):
            raise MalformedResponseError(f"{name} response has no 'choices' list", provider=name)
        if not choices:
            raise EmptyResponseError(f"{name} returned no choices", provider=name)
        choice = choices[0]
        msg = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(msg, dict):
            raise MalformedResponseError(f"{name} choice has no 'message' object", provider=name)
        finish_reason = choice.get("finish_reason")
        content = msg.get("content")
        tool_calls = msg.get("tool_calls") or []
        if finish_reason == "content_filter":
            raise ContentFilterError(
                f"{name} withheld the answer (finish_reason=content_filter); rephrase the prompt",
                provider=name,
            )
        if msg.get("refusal") and not content:
            raise ContentFilterError(f"{name} refused: {msg['refusal']}", provider=name)
        if content is not None and not isinstance(content, str):
            raise MalformedResponseError(f"{name} message content is not a string", provider=name)
        if not isinstance(tool_calls, list):
            raise MalformedResponseError(f"{name} tool_calls is not a list", provider=name)
        if not content and not tool_calls:
            raise EmptyResponseError(
                f"{name} returned an empty answer (finish_reason={finish_reason})", provider=name
            )
        raw_usage = data.get("usage")
        usage: dict[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
        return Parsed(
            content=content or "",
            model=str(data.get("model") or model),
            prompt_tokens=_int_or_none(usage.get("prompt_tokens")),
            completion_tokens=_int_or_none(usage.get("completion_tokens")),
            finish_reason=finish_reason,
            tool_calls=tuple(tool_calls),
            extra={"id": data.get("id"), "system_fingerprint": data.get("system_fingerprint")},
        )

    def _error_details(self, data: Any) -> tuple[str, str | None]:
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict):
            code = error.get("code") or error.get("type")
            return str(error.get("message") or code or "unknown error"), (
                str(code) if code else None
            )
        if isinstance(error, str):
            return error, None
        return json.dumps(data)[:300], None

    def _stream_event(self, event: ServerSentEvent, state: StreamState) -> str | None:
        if event.data == "[DONE]":
            state.done = True
            return None
        chunk = json.loads(event.data)
        if "error" in chunk:
            message, _ = self._error_details(chunk)
            raise AIProviderError(
                f"{self.provider_name} stream error: {message}", provider=self.provider_name
            )
        if chunk.get("model"):
            state.model = chunk["model"]
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            state.prompt_tokens = _int_or_none(usage.get("prompt_tokens"))
            state.completion_tokens = _int_or_none(usage.get("completion_tokens"))
        text: list[str] = []
        for choice in chunk.get("choices") or ():
            if choice.get("finish_reason"):
                state.finish_reason = choice["finish_reason"]
                if choice["finish_reason"] == "content_filter":
                    raise ContentFilterError(
                        f"{self.provider_name} withheld the answer mid-stream",
                        provider=self.provider_name,
                    )
            piece = (choice.get("delta") or {}).get("content")
            if piece:
                text.append(piece)
        return "".join(text) or None

    def _parse_models(self, data: Any) -> list[str]:
        return [str(item["id"]) for item in data["data"]]

    def __repr__(self) -> str:
        url = redact(self._settings.base_url)
        return f"<OpenAIProvider base_url={url!r} model={self.default_model!r}>"


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
