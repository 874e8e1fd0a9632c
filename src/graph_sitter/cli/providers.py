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
