"""Local vendor emulators: real HTTP/1.1 servers on 127.0.0.1 that speak OpenAI, Anthropic and
Codegen wire formats, with scriptable replies and faults, for tests and local development.

    from graph_sitter.testing import OpenAIEmulator, RateLimit

    with OpenAIEmulator(api_key="test-key") as emu:
        emu.queue_fault(RateLimit(retry_after=2))
        emu.queue_reply("Hello!")
        client = openai.OpenAI(api_key="test-key", base_url=emu.base_url)
        ...
        assert len(emu.requests) == 2

``base_url`` is ``http://127.0.0.1:PORT/v1`` for OpenAI and ``http://127.0.0.1:PORT`` for Anthropic
and Codegen (their SDKs add ``/v1``). Each emulator runs its own asyncio event loop in a daemon
thread; ``stop()`` (or leaving the ``with`` block) closes every socket and the thread.

Scripted entries are consumed FIFO, one per request: faults by any request, replies only by
requests that generate something; ``path=`` (an ``fnmatch`` glob) binds an entry to matching paths.
Requests that carry ``tools`` and ``tool_choice`` are answered as the vendors do (a forced call
gets schema-valid arguments). ``parse_fault_spec`` and ``load_replies`` read the text forms used
by ``graph-sitter emulator --fault/--replies`` (see ``docs/emulators.md``). Pytest fixtures live
in :mod:`graph_sitter.testing.pytest_plugin`.
"""

from __future__ import annotations

from graph_sitter.testing._anthropic import AnthropicEmulator
from graph_sitter.testing._codegen import CodegenEmulator
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
from graph_sitter.testing._openai import OpenAIEmulator
from graph_sitter.testing._replies import (
    AgentLog,
    AgentRunReply,
    PullRequest,
    Reply,
    TextReply,
    ToolCall,
    ToolCallReply,
)
from graph_sitter.testing._runner import run_emulator
from graph_sitter.testing._server import RecordedRequest
from graph_sitter.testing._specs import FaultSpec, load_replies, parse_fault_spec

__all__ = [
    "AgentLog",
    "AgentRunReply",
    "AnthropicEmulator",
    "CodegenEmulator",
    "ConnectionReset",
    "ContextLengthExceeded",
    "Fault",
    "FaultSpec",
    "HTTPError",
    "MalformedJSON",
    "OpenAIEmulator",
    "Overloaded",
    "PullRequest",
    "QuotaExceeded",
    "RateLimit",
    "RecordedRequest",
    "Reply",
    "SlowFirstByte",
    "StreamError",
    "TextReply",
    "ToolCall",
    "ToolCallReply",
    "TruncatedStream",
    "load_replies",
    "parse_fault_spec",
    "run_emulator",
]
