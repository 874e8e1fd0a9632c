"""`graph-sitter usage [--since 1h|24h|7d|ISO]`: tokens, cost and latency from the usage ledger."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graph_sitter.cli._tables import Col, make_table, print_table

_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str | None) -> dt.datetime | dt.timedelta | None:
    """``30m``, ``1h``, ``24h``, ``7d``, ``2w`` (that long ago) or an ISO 8601 date/time.

    Raises:
        click.BadParameter: Anything else (exit code 2).
    """
    if text is None or not text.strip():
        return None
    match = _RELATIVE.match(text)
    if match:
        return dt.timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is neither a duration (30m, 1h, 24h, 7d, 2w) nor an ISO 8601 date/time "
            "(2025-06-01 or 2025-06-01T12:00)",
            param_hint="'--since'",
        ) from None


def _group_row(name: str, group: dict[str, Any]) -> list[str]:
    latency = group["latency_ms"]
    return [
        escape(name or "-"),
        f"{group['requests']:,}",
        f"{group['cache_hits']:,}",
        f"{group.get('attempts', group['vendor_requests']):,}",
        f"{group['errors']:,}",
        f"{group['prompt_tokens']:,}",
        f"{group['completion_tokens']:,}",
        f"${group['cost_usd']:,.4f}",
        f"{latency['p50']:.0f}",
        f"{latency['p95']:.0f}",
    ]


# Dropped first when the terminal is narrow (highest first); counts of attempts stay.
_COLUMNS = (
    Col("reqs", numeric=True),
    Col("cached", numeric=True, drop=4),
    Col("attempts", numeric=True),
    Col("failed", numeric=True),
    Col("tok in", numeric=True, drop=2),
    Col("tok out", numeric=True, drop=1),
    Col("cost", numeric=True),
    Col("p50", numeric=True, drop=3),
    Col("p95", numeric=True),
)


def _table(
    first: str, groups: dict[str, Any], *, width: int, wide: bool, caption: str | None = None
) -> Table:
    return make_table(
        [Col(first, min_width=12), *_COLUMNS],
        [_group_row(name, group) for name, group in groups.items()],
        width=width,
        caption=caption,
        wide=wide,
    )


def render(data: dict[str, Any], console: Console, *, wide: bool = False) -> None:
    """Totals, then one table per provider and per model (``wide``: every column)."""
    since = data["since"]
    when = (
        "all time"
        if not since
        else dt.datetime.fromtimestamp(since).astimezone().isoformat(timespec="seconds")
    )
    ledger = data.get("ledger") or "off (GRAPH_SITTER_AI_USAGE=off or no state directory)"
    console.print(f"[bold]AI usage since {when}[/bold]  (ledger: {escape(ledger)})")
    if data.get("ledger_reset"):
        console.print(
            "the ledger file was corrupt: it was moved to "
            f"{escape(data['ledger_reset'])} and a new, empty ledger was started"
        )
    if not data["requests"]:
        console.print("no AI requests recorded in this period")
        return
    latency = data["latency_ms"]
    console.print(
        f"{data['requests']:,} requests ({data['cache_hits']:,} from the cache, "
        f"{data['errors']:,} failed, {data['retries']:,} retries; "
        f"{data.get('attempts', 0):,} vendor attempts, {data.get('failed_attempts', 0):,} "
        "of them failed), "
        f"{data['total_tokens']:,} tokens ({data['prompt_tokens']:,} in, "
        f"{data['completion_tokens']:,} out), ${data['cost_usd']:,.4f}, latency "
        f"mean {latency['mean']:.0f} ms / p50 {latency['p50']:.0f} ms / "
        f"p95 {latency['p95']:.0f} ms",
        highlight=False,
    )
    width = console.width
    print_table(console, _table("provider", data["by_provider"], width=width, wide=wide), wide=wide)
    caption = (
        "per provider and model: attempts (failed: failed attempts); "
        "p50/p95: attempt latency in ms; cost: estimated, in USD"
    )
    by_model = _table("model", data["by_model"], width=width, wide=wide, caption=caption)
    print_table(console, by_model, wide=wide)


@click.command()
@click.option(
    "--since", "since_text", metavar="WHEN", help="Only requests since: 1h, 24h, 7d, or ISO date."
)
@click.option("--wide", is_flag=True, help="Every column, even past the terminal's width.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def usage(since_text: str | None, wide: bool, as_json: bool) -> None:
    """Tokens, cost and latency per provider and model, from the local usage ledger."""
    from graph_sitter.ai.usage import default_ledger_path, summary

    since = parse_since(since_text)
    path = default_ledger_path()
    if path is not None:
        data = summary(since, path=path)
    else:  # the ledger is off: an empty summary
        data = summary(since, env={"GRAPH_SITTER_AI_USAGE": "off"})
    data["ledger"] = str(path) if path is not None else None
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    render(data, Console(), wide=wide)
