"""Scripted successful answers: what an emulator says when nothing goes wrong (private).

A reply is queued with ``emulator.queue_reply(...)`` and consumed by the next request to an endpoint
that generates something (chat completions, messages, agent-run creation and resume).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AgentLog",
    "AgentRunReply",
    "PullRequest",
    "Reply",
    "TextReply",
    "ToolCall",
    "ToolCallReply",
    "coerce_reply",
]

_WORD = re.compile(r"\s*\S+|\s+")


@dataclass(frozen=True, slots=True)
class TextReply:
    """A plain text answer.

    Attributes:
        text: The assistant's text.
        finish_reason: OpenAI vocabulary (``stop``, ``length``, ``content_filter``); the Anthropic
            emulator maps ``stop`` -> ``end_turn`` and ``length`` -> ``max_tokens`` and passes any
            other value through.
        prompt_tokens: Reported input tokens; ``None`` estimates them (about 4 characters a token).
        completion_tokens: Reported output tokens; ``None`` estimates them.
        chunks: How a streamed answer is split; ``None`` splits on words.
    """

    text: str
    finish_reason: str = "stop"
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    chunks: tuple[str, ...] | None = None

    def stream_pieces(self) -> list[str]:
        """Return the text pieces a streamed answer is sent in (they concatenate to ``text``)."""
        if self.chunks is not None:
            return list(self.chunks)
        return _WORD.findall(self.text)


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One function call the assistant asks the client to make.

    Attributes:
        name: The function name.
        arguments: A mapping (sent as compact JSON) or a string sent verbatim, which lets a test
            send arguments that are not valid JSON.
        id: The call id; ``None`` generates ``call_...`` (OpenAI) or ``toolu_...`` (Anthropic).
    """

    name: str
    arguments: Mapping[str, Any] | str = field(default_factory=dict)
    id: str | None = None

    def arguments_json(self) -> str:
        """Return the arguments as the JSON string OpenAI puts on the wire."""
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(dict(self.arguments), separators=(",", ":"))

    def arguments_object(self) -> dict[str, Any]:
        """Return the arguments as the JSON object Anthropic puts on the wire."""
        if isinstance(self.arguments, str):
            try:
                value = json.loads(self.arguments)
            except ValueError:
                return {"_raw": self.arguments}
            return value if isinstance(value, dict) else {"_value": value}
        return dict(self.arguments)


@dataclass(frozen=True, slots=True)
class ToolCallReply:
    """An answer made of tool calls (OpenAI ``finish_reason: tool_calls``, ``content: null``).

    Attributes:
        tool_calls: The calls, in order (their stream deltas carry ``index`` 0, 1, ...).
        text: Optional text sent alongside (Anthropic puts it in a ``text`` block first; OpenAI in
            ``content``).
        prompt_tokens: Reported input tokens; ``None`` estimates them.
        completion_tokens: Reported output tokens; ``None`` estimates them.
    """

    tool_calls: tuple[ToolCall, ...]
    text: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A pull request an agent run reports in ``github_pull_requests``.

    Attributes:
        title: PR title.
        url: PR URL; ``None`` derives one from the run id.
        head_branch_name: The branch the PR comes from.
        id: PR id; ``None`` allocates one.
    """

    title: str = "Emulated change"
    url: str | None = None
    head_branch_name: str = "codegen/emulated-change"
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AgentLog:
    """One entry of an agent run's log (``AgentRunLogResponse``)."""

    message_type: str = "ACTION"
    thought: str | None = None
    tool_name: str | None = None
    tool_input: Mapping[str, Any] | None = None
    tool_output: Mapping[str, Any] | None = None
    observation: Mapping[str, Any] | str | None = None


@dataclass(frozen=True, slots=True)
class AgentRunReply:
    """How the next Codegen agent run (created or resumed) plays out.

    Attributes:
        status: The terminal status reached (``COMPLETE``, ``FAILED``, ``ERROR``, ``CANCELLED``,
            ``STOPPED``, ``TIMEOUT``, ``MAX_ITERATIONS_REACHED``, ``OUT_OF_TOKENS`` or any other
            string); until then the run reports ``ACTIVE``.
        result: The run's ``result`` once terminal.
        summary: The run's ``summary`` once terminal.
        polls: How many ``GET .../agent/run/{id}`` requests answer ``ACTIVE`` before the terminal
            status shows; ``None`` uses the emulator's ``polls_until_complete``.
        pull_requests: PRs listed in ``github_pull_requests`` once terminal.
        logs: Log entries; ``None`` generates a short plausible log. While the run is active one
            more entry becomes visible with every poll; all are visible once terminal.
    """

    status: str = "COMPLETE"
    result: str | None = "Task completed by the Codegen emulator."
    summary: str | None = None
    polls: int | None = None
    pull_requests: tuple[PullRequest, ...] = ()
    logs: tuple[AgentLog, ...] | None = None


Reply = TextReply | ToolCallReply | AgentRunReply


def coerce_reply(reply: Reply | ToolCall | str) -> Reply:
    """Normalise the shorthands accepted by ``queue_reply`` (a string, a bare tool call)."""
    if isinstance(reply, str):
        return TextReply(reply)
    if isinstance(reply, ToolCall):
        return ToolCallReply((reply,))
    if isinstance(reply, TextReply | ToolCallReply | AgentRunReply):
        return reply
    raise TypeError(f"not a reply: {reply!r}; use TextReply, ToolCallReply, ToolCall or a string")
