"""`graph-sitter demo`: the graph of a real codebase, then `codebase.ai` end to end.

With no credentials in the environment the AI part runs against the bundled vendor emulators
(clearly labelled), with an injected OpenAI outage that shows retries and the fallback to
Anthropic; with real credentials it uses the real providers, exactly as a user's code would.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from graph_sitter.cli._build import build_progress, check_not_empty, load_codebase
from graph_sitter.cli._tables import Col, make_table, print_table
from graph_sitter.cli.analyze import default_target, render, summarize
from graph_sitter.core.codebase import Codebase
from graph_sitter.core.symbols import Function, SourceFile

if TYPE_CHECKING:
    from graph_sitter.ai.providers.base import AIProvider, AIResponse

_PROMPT = "In two sentences: what does this function do, and what is one risk in it?"


def pick_target(cb: Codebase) -> Function:
    """A module-level function with callers and dependencies: the best showcase of context."""
    best: tuple[int, Function] | None = None
    for fn in cb.functions:
        if (
            not isinstance(fn.parent, SourceFile)  # nested in a function
            or fn.name.startswith("_")
            or fn.end_point[0] - fn.start_point[0] > 60
        ):
            continue
        score = len(fn.usages()) + 3 * len(fn.resolved_dependencies)
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
        anthropic.queue_reply(reply, path="*/messages")
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


def _usage_table(summary: dict[str, Any], width: int, order: list[str]) -> Table:
    """Per provider: requests reaching it, its attempts and how many failed (the outage).

    Providers in ``order`` (the order they were tried) come first.
    """
    groups = sorted(
        summary["by_provider"].items(),
        key=lambda item: order.index(item[0]) if item[0] in order else len(order),
    )
    rows = [
        (
            escape(name),
            f"{row['requests']:,}",
            f"{row.get('attempts', row['requests']):,}",
            f"{row['errors']:,}",
            f"{row['retries']:,}",
            f"{row['total_tokens']:,}",
            f"${row['cost_usd']:.4f}",
            f"{row['latency_ms']['p50']:,.1f}",
        )
        for name, row in groups
    ]
    return make_table(
        [Col("provider"), Col("reqs", numeric=True), Col("attempts", numeric=True),
         Col("failed", numeric=True), Col("retries", numeric=True),
         Col("tokens", numeric=True), Col("cost", numeric=True),
         Col("p50 ms", numeric=True, drop=1)],
        rows,
        width=width,
        title="Usage (from the ledger)",
        caption="per provider: every attempt, failed ones too",
        table_box=box.HEAVY_HEAD,
    )  # fmt: skip


def _count(n: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{n:,} {noun if n == 1 else plural}"


def _chain_counters(chain: AIProvider) -> dict[str, tuple[int, int, int]]:
    """``{provider: (requests, errors, retries)}`` of every provider of ``chain`` so far."""
    members = getattr(chain, "providers", None) or (chain,)
    out: dict[str, tuple[int, int, int]] = {}
    for member in members:
        stats = member.get_enhanced_stats()
        out[member.provider_name] = (
            int(stats.get("request_count", 0)),
            int(stats.get("error_count", 0)),
            int(stats.get("total_retries", 0)),
        )
    return out


def attempts_line(
    response: AIResponse,
    before: dict[str, tuple[int, int, int]],
    after: dict[str, tuple[int, int, int]],
) -> tuple[str, int]:
    """``OpenAI: 3 attempts, failed → Anthropic: 1 attempt, answered`` and the total retries.

    Counted from each provider's statistics around the request, so retries made by a provider
    that then failed over are included (the answer's own ``retries_taken`` is only the last
    provider's).
    """
    parts: list[str] = []
    retries = 0
    tried = list(response.metadata.get("providers_tried") or [response.provider_name])
    for name in tried:
        now, then = after.get(name, (0, 0, 0)), before.get(name, (0, 0, 0))
        requests, errors, retried = (a - b for a, b in zip(now, then, strict=True))
        if requests <= 0 and name != response.provider_name:
            parts.append(f"{name}: skipped")
            continue
        retries += max(retried, 0)
        attempts = max(requests, 1) + max(retried, 0)
        outcome = "answered" if name == response.provider_name and errors <= 0 else "failed"
        parts.append(f"{name}: {attempts} attempt{'s' if attempts != 1 else ''}, {outcome}")
    if response.retries_taken > retries:
        retries = response.retries_taken
    return " → ".join(parts), retries


@click.command()
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
def demo(path: str | None) -> None:
    """Build the graph of PATH (default: the standard library), then ask an AI about it.

    Without AI credentials the bundled emulators answer (OpenAI fails three times, then the
    request falls back to Anthropic). Exit code 3 if PATH has no source file.
    """
    console = Console()
    target_dir = os.path.abspath(path or default_target())
    start = time.perf_counter()
    with build_progress(console) as bar:
        cb = load_codebase(target_dir, bar)
        check_not_empty(cb, None)
        with bar.stage("Counting usages"):
            summary = summarize(cb, time.perf_counter() - start, top=5)
        with bar.stage("Choosing a function to ask about"):
            fn = pick_target(cb)
            context = cb.ai_context(fn)
    render(summary, console)
    console.print(
        f"\n[bold]Target:[/bold] {escape(fn.filepath)}::{escape(fn.qualified_name)} "
        f"({_count(len(fn.usages()), 'usage')}, "
        f"{_count(len(fn.resolved_dependencies), 'dependency')})"
    )
    items = ", ".join(f"{item.role} {item.name}" for item in context.items[:8]) or "none"
    console.print(f"[bold]Graph context ({context.tokens:,} tokens):[/bold] {escape(items)}")

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
        chain = codebase_ai.get_session(cb).provider(None)
        before = _chain_counters(chain)
        asked = time.perf_counter()
        with console.status("Asking..."):
            response = codebase_ai.ask_response(cb, _PROMPT, target=fn)
        seconds = time.perf_counter() - asked
        tried, retries = attempts_line(response, before, _chain_counters(chain))
        console.print(
            Panel(
                escape(response.content),
                title=escape(
                    f"answer from {response.provider_name} ({response.model})"
                    + (" (emulator)" if emulated else "")
                ),
                subtitle=f"retries: {retries}, {seconds:.1f} s",
            )
        )
        console.print(f"[bold]Providers tried:[/bold] {escape(tried)}", highlight=False)
        ledger = codebase_ai.get_session(cb).ledger()
        summary = ledger.summary() if ledger is not None else usage.summary()
        order = list(response.metadata.get("providers_tried") or [])
        print_table(console, _usage_table(summary, console.width, order))
        codebase_ai.close(cb)
