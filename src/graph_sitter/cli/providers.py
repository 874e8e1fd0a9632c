"""`graph-sitter providers status|compare|validate`."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from graph_sitter.cli._tables import Col, make_table, print_table


@click.group()
def providers() -> None:
    """Which AI providers are configured, valid and healthy."""


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


@providers.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--no-validate", is_flag=True, help="Do not call the vendors to check keys.")
@click.option("--wide", is_flag=True, help="Every column, even past the terminal's width.")
def status(as_json: bool, no_validate: bool, wide: bool) -> None:
    """Credentials, validation and live statistics per provider (secrets masked).

    The statistics (requests, error rate, median latency in ms) are those of the providers
    this process is using ("-" for the others); with none in use a caption says so and
    the columns are left out (--wide shows them anyway).
    """
    from graph_sitter.ai.providers import get_provider_status

    data = get_provider_status(validate=not no_validate)
    if as_json:
        _dump(data)
        return
    console = Console()
    live = wide or any(entry.get("stats") for entry in data.values())
    columns = [Col("provider"), Col("credentials"), Col("valid"), Col("available")]
    if live:
        columns += [Col(h, numeric=True) for h in ("requests", "error rate", "p50 ms")]
    columns.append(Col("error", min_width=20, drop=1))
    rows = [
        (
            escape(name),
            "yes" if entry["has_credentials"] else "no",
            "-" if entry["validation_result"] is None
            else ("yes" if entry["validation_result"] else "no"),
            "yes" if entry["is_available"] else "no",
            *(_live_cells(entry.get("stats")) if live else ()),
            escape(entry["error"] or ""),
        )
        for name, entry in data.items()
    ]  # fmt: skip
    table = make_table(
        columns,
        rows,
        width=console.width,
        title="AI providers",
        caption=None if live else "no provider is in use in this process: no live statistics",
        wide=wide,
    )
    print_table(console, table, wide=wide)


def _live_cells(stats: dict[str, Any] | None) -> tuple[str, str, str]:
    """``(requests, error rate, p50 latency)`` of a live provider's stats; ``-`` if unknown."""
    if not stats:
        return "-", "-", "-"
    requests = int(stats.get("request_count") or 0)
    rate = f"{float(stats.get('error_rate') or 0.0):.1%}" if requests else "-"
    p50 = (stats.get("latency_ms") or {}).get("p50")
    latency = f"{float(p50):,.0f}" if isinstance(p50, int | float) and requests else "-"
    return f"{requests:,}", rate, latency


@providers.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--no-validate", is_flag=True, help="Do not call the vendors to check keys.")
def compare(as_json: bool, no_validate: bool) -> None:
    """Every provider side by side, and the one that would be chosen."""
    from graph_sitter.ai.providers import get_provider_comparison

    data = get_provider_comparison(validate=not no_validate)
    if as_json:
        _dump(data)
        return
    console = Console()
    rows = [
        (
            escape(name),
            str(entry["priority"]),
            "yes" if entry["has_credentials"] else "no",
            "yes" if entry["is_available"] else "no",
        )
        for name, entry in data["providers"].items()
    ]
    table = make_table(
        [Col("provider"), Col("priority", numeric=True), Col("credentials"), Col("available")],
        rows,
        width=console.width,
        title="Provider comparison",
    )
    print_table(console, table)
    summary = data["summary"]
    console.print(
        f"recommended: {escape(summary['recommended_provider'] or 'none (no credentials)')}"
    )


@providers.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def validate(name: str | None, as_json: bool) -> None:
    """Check credentials with each vendor's cheapest call; exit 1 unless all are valid.

    Each provider gets one verdict: valid, REJECTED (the vendor answered 401/403),
    UNREACHABLE (no answer: connection refused, timeout), MISCONFIGURED (a malformed
    setting, named), NOT_CONFIGURED or UNVERIFIED (the vendor answered, but not usefully).
    """
    from graph_sitter.ai.errors import ProviderConfigurationError
    from graph_sitter.ai.providers import get_available_providers
    from graph_sitter.ai.providers.factory import check_provider

    try:
        names = [name] if name else get_available_providers()
        checks = [check_provider(n) for n in names]
    except ProviderConfigurationError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        _dump({c.provider: {"valid": c.valid, "verdict": c.verdict, "detail": c.detail}
               for c in checks})  # fmt: skip
    else:
        if not checks:
            click.echo("no provider has credentials configured", err=True)
        for check in checks:
            if check.valid:
                click.echo(f"{check.provider}: valid")
            else:
                click.echo(f"{check.provider}: {check.verdict}: {check.detail}")
    if not checks or not all(c.valid for c in checks):
        raise SystemExit(1)
