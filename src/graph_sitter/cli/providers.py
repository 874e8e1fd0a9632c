"""`graph-sitter providers status|compare|validate`."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table


@click.group()
def providers() -> None:
    """Which AI providers are configured, valid and healthy."""


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


@providers.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--no-validate", is_flag=True, help="Do not call the vendors to check keys.")
def status(as_json: bool, no_validate: bool) -> None:
    """Credentials, validation and live statistics per provider (secrets masked)."""
    from graph_sitter.ai.providers import get_provider_status

    data = get_provider_status(validate=not no_validate)
    if as_json:
        _dump(data)
        return
    table = Table(title="AI providers")
    for col in ("provider", "credentials", "valid", "available", "error"):
        table.add_column(col)
    for name, entry in data.items():
        valid = entry["validation_result"]
        table.add_row(
            name,
            "yes" if entry["has_credentials"] else "no",
            "-" if valid is None else ("yes" if valid else "no"),
            "yes" if entry["is_available"] else "no",
            entry["error"] or "",
        )
    Console().print(table)


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
    table = Table(title="Provider comparison")
    for col in ("provider", "priority", "credentials", "available"):
        table.add_column(col)
    for name, entry in data["providers"].items():
        table.add_row(
            name,
            str(entry["priority"]),
            "yes" if entry["has_credentials"] else "no",
            "yes" if entry["is_available"] else "no",
        )
    Console().print(table)
    summary = data["summary"]
    Console().print(f"recommended: {summary['recommended_provider'] or 'none (no credentials)'}")


@providers.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def validate(name: str | None, as_json: bool) -> None:
    """Check credentials with each vendor's cheapest call; exit 1 if any is rejected."""
    from graph_sitter.ai.providers import validate_provider_credentials

    results: dict[str, bool] = (
        {name: validate_provider_credentials(name, force=True)}
        if name
        else validate_provider_credentials(force=True)
    )
    if as_json:
        _dump(results)
    else:
        if not results:
            click.echo("no provider has credentials configured", err=True)
        for provider, ok in results.items():
            click.echo(f"{provider}: {'valid' if ok else 'REJECTED'}")
    if not results or not all(results.values()):
        raise SystemExit(1)
