"""Shared data of the dashboard tests: the seeded ledger rows."""

from __future__ import annotations

from graph_sitter.ai.usage import UsageRecord

#: (provider, model, latency s, status, cached) of the seeded rows, oldest first.
SEED = (
    ("OpenAI", "gpt-4o-mini", 0.1, "ok", False),
    ("OpenAI", "gpt-4o-mini", 0.2, "ok", False),
    ("OpenAI", "gpt-4o-mini", 0.3, "ok", False),
    ("OpenAI", "gpt-4o-mini", 0.4, "ok", False),
    ("OpenAI", "gpt-4o-mini", 0.5, "ok", False),
    ("OpenAI", "gpt-4o-mini", 1.0, "ProviderTimeoutError", False),
    ("Anthropic", "claude-3-5-haiku", 0.25, "ok", False),
    ("OpenAI", "gpt-4o-mini", 0.001, "ok", True),
)


def record(
    provider: str, model: str, latency: float, status: str, cached: bool, ts: float
) -> UsageRecord:
    """A ledger row as ``cb.ai`` writes it (tokens and cost only for answered vendor calls)."""
    answered = status == "ok" and not cached
    return UsageRecord(
        ts=ts,
        operation="ask",
        provider=provider,
        model=model,
        prompt_tokens=100 if answered else 0,
        completion_tokens=20 if answered else 0,
        total_tokens=120 if answered else 0,
        cost_usd=(0.001 if answered else None) if not cached else 0.0,
        latency_s=latency,
        status=status,
        retries=1 if status != "ok" else 0,
        cached=cached,
        request_id=f"req-{ts:.0f}",
    )
