"""Per-attempt records of provider calls, collected for the usage ledger.

One logical request (``cb.ai(...)``) can take several attempts: HTTP retries inside one
provider, then the next provider of a fallback chain. Providers describe each attempt with an
:class:`AttemptRecord` and hand it to :func:`emit`; whoever wants them (the usage ledger in
:mod:`graph_sitter.ai.send`) opens :func:`record_attempts` around the call. Records go
to the innermost open recorder of the current context (thread or asyncio task; a worker
thread started with ``asyncio.to_thread`` shares its caller's), and nowhere when none is open.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["AttemptRecord", "emit", "is_recording", "record_attempts", "retry_error_name"]

_recorder: contextvars.ContextVar[list[AttemptRecord] | None] = contextvars.ContextVar(
    "graph_sitter_ai_attempts", default=None
)


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One attempt at a vendor: an HTTP request, or one Codegen agent run.

    Attributes:
        ts: Unix time the attempt ended.
        provider: The provider's display name (``OpenAI``, ``Anthropic``, ``Codegen``...).
        model: The model reported by the vendor, else the one requested.
        attempt: 1-based number of the attempt within its provider call.
        status: ``ok`` or ``error``.
        error: The error's class name (``ProviderUnavailableError``...), ``None`` when ok.
            Attempts that were retried carry the class their failure maps to (by HTTP status;
            ``ProviderUnavailableError`` when there was no response at all).
        status_code: The HTTP status, when there was a response.
        latency_s: Seconds this attempt took (backoff sleeps before it excluded).
        prompt_tokens: Input tokens reported (0 when unknown).
        completion_tokens: Output tokens reported (0 when unknown).
        total_tokens: Their sum.
        cost_usd: Estimated cost, ``None`` when unknown (failed attempts: ``None``).
        request_id: The vendor's request id, when known.
    """

    ts: float
    provider: str
    model: str
    attempt: int = 1
    status: str = "ok"
    error: str | None = None
    status_code: int | None = None
    latency_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cost_usd: float | None = None
    request_id: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the attempt succeeded."""
        return self.status == "ok"


@contextmanager
def record_attempts() -> Iterator[list[AttemptRecord]]:
    """Collect the attempts made in this context until the block ends, in order."""
    log: list[AttemptRecord] = []
    token = _recorder.set(log)
    try:
        yield log
    finally:
        _recorder.reset(token)


def is_recording() -> bool:
    """Whether a recorder is open in this context (providers skip building records if not)."""
    return _recorder.get() is not None


def emit(record: AttemptRecord) -> None:
    """Hand one attempt to the current recorder (dropped when none is open)."""
    log = _recorder.get()
    if log is not None:
        log.append(record)


def retry_error_name(status_code: int | None) -> str:
    """The error class a retried attempt's failure maps to, from its HTTP status."""
    if status_code == 429:
        return "ProviderRateLimitError"
    if status_code == 408:
        return "ProviderTimeoutError"
    if status_code is None or status_code >= 500:
        return "ProviderUnavailableError"
    return "AIProviderError"
