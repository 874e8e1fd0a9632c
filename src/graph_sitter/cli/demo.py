"""`graph-sitter demo`: the graph of a real codebase, then `codebase.ai` end to end.

With no credentials in the environment the AI part runs against the bundled vendor emulators
(clearly labelled), with an injected OpenAI outage that shows retries and the fallback to
Anthropic; with real credentials it uses the real providers, exactly as a user's code would.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from graph_sitter.cli.analyze import default_target, render, summarize
from graph_sitter.core.codebase import Codebase
from graph_sitter.core.symbols import Function

_PROMPT = "In two sentences: what does this function do, and what is one risk in it?"


def pick_target(cb: Codebase) -> Function:
    """A module-level function with callers and dependencies: the best showcase of context."""
    best: tuple[int, Function] | None = None
    for fn in cb.functions:
        if (
            fn._rec.parent != -1
            or fn.name.startswith("_")
            or fn.end_point[0] - fn.start_point[0] > 60
        ):
            continue
        score = len(fn.usages()) + 3 * len(fn.dependencies)
        if best is None or score > best[0]:
            best = (score, fn)
    if best is None:
        raise click.ClickException("no module-level function to ask about in this codebase")
    return best[1]


@contextlib.contextmanager
def emulated_vendors(console: Console) -> Iterator[dict[str, str]]:
    """OpenAI and Anthropic emulators; OpenAI answers 503 until its retries run out."""
    from graph_sitter.testing import AnthropicEmulator, HTTPError, OpenAIEmulator

    key = "demo-key-not-a-secret"
    reply = (
        "(emulated answer) It serialises a value and delegates the work to a helper; a risk is "
        "that a caller passes an object the helper cannot handle."
    )
    with OpenAIEmulator(api_key=key) as openai, AnthropicEmulator(api_key=key) as anthropic:
        outage = HTTPError(503, "The server is overloaded (injected outage).")
        openai.queue_fault(outage, path="*/chat/completions", times=3)
        anthropic.queue_reply(reply)
        console.print(
            Panel.fit(
                f"No AI credentials found: using the bundled [bold]emulators[/bold] "
                f"(OpenAI at {openai.base_url}, Anthropic at {anthropic.base_url}).\n"
                "Injected outage: OpenAI answers 503 three times, so the request is retried, "
                "then fails over to Anthropic.",
                title="emulated vendors",
            )
        )
        yield {
            "OPENAI_API_KEY": key,
            "OPENAI_BASE_URL": openai.base_url,
            "ANTHROPIC_API_KEY": key,
            "ANTHROPIC_BASE_URL": anthropic.base_url,
        }


def _has_credentials() -> bool:
    from graph_sitter.ai.providers import get_available_providers

    return bool(get_available_providers())


def _usage_table(summary: dict[str, Any]) -> Table:
    """Per provider: requests reaching it, its attempts and how many failed (the outage)."""
    table = Table(
        title="Usage (from the ledger)", caption="per provider: every attempt, failed ones too"
    )
    columns = ("provider", "reqs", "attempts", "failed", "retries", "tokens", "USD")
    for col in (*columns, "p50 ms"):
        table.add_column(col, justify="left" if col == "provider" else "right")
    for name, row in summary["by_provider"].items():
        table.add_row(
            name,
            str(row["requests"]),
            str(row.get("attempts", row["requests"])),
            str(row["errors"]),
            str(row["retries"]),
            str(row["total_tokens"]),
            f"{row['cost_usd']:.6f}",
            f"{row['latency_ms']['p50']:.1f}",
        )
    return table


@click.command()
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
def demo(path: str | None) -> None:
    """Build the graph of PATH (default: the standard library), then ask an AI about it."""
    console = Console()
    if "LOG_LEVEL" not in os.environ:
        # The demo is about resilience: show the transport's retry and fallback warnings.
        logging.getLogger("graph_sitter").setLevel(logging.WARNING)
    target_dir = os.path.abspath(path or default_target())
    start = time.perf_counter()
    with console.status("Building the code graph..."):
        cb = Codebase(target_dir)
    render(summarize(cb, time.perf_counter() - start, top=5), console)

    fn = pick_target(cb)
    context = cb.ai_context(fn)
    console.print(
        f"\n[bold]Target:[/bold] {fn.filepath}::{fn.qualified_name} "
        f"({len(fn.usages())} usages, {len(fn.dependencies)} dependencies)"
    )
    items = ", ".join(f"{item.role} {item.name}" for item in context.items[:8]) or "none"
    console.print(f"[bold]Graph context ({context.tokens} tokens):[/bold] {items}")

    from graph_sitter.ai import codebase_ai, usage

    with contextlib.ExitStack() as stack:
        emulated = not _has_credentials()
        if not emulated:
            console.print(Panel.fit("Using the real providers found in the environment."))
            cb.set_session_options()
        else:
            env = stack.enter_context(emulated_vendors(console))
            state = stack.enter_context(tempfile.TemporaryDirectory(prefix="gs-demo-"))
            cb.set_session_options(env=env, env_file=None, state_dir=state, cache=False)
        with console.status("Asking..."):
            response = codebase_ai.ask_response(cb, _PROMPT, target=fn)
        meta = response.metadata
        console.print(
            Panel(
                escape(response.content),
                title=f"answer from {response.provider_name} ({response.model})"
                + (" (emulator)" if emulated else ""),
                subtitle=(
                    f"providers tried: {meta.get('providers_tried', [response.provider_name])}"
                    f", retries: {response.retries_taken}, {response.response_time * 1000:.0f} ms"
                ),
            )
        )
        ledger = codebase_ai.get_session(cb).ledger()
        summary = ledger.summary() if ledger is not None else usage.summary()
        console.print(_usage_table(summary))
        codebase_ai.close(cb)
