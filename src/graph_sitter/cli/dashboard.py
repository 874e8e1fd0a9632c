"""`graph-sitter dashboard`: serve the monitoring page until Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import click

from graph_sitter.cli._output import warn


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to bind (0 picks a free one).",
)
@click.option(
    "--ledger",
    "ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Usage ledger file (default: GRAPH_SITTER_AI_USAGE_DB or the AI state dir).",
)
@click.option(
    "--refresh",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.5),
    help="Seconds between the page's updates.",
)
@click.option("--no-validate", is_flag=True, help="Do not call the vendors to check keys.")
def dashboard(host: str, port: int, ledger: Path | None, refresh: float, no_validate: bool) -> None:
    """Serve a local web page with provider health, usage and recent agent runs."""
    from graph_sitter.dashboard import DashboardServer, is_loopback

    if not is_loopback(host):
        warn(
            f"binding to {host}: the dashboard has no authentication and anyone who "
            "can reach this address can read it"
        )
    with DashboardServer(
        host, port, ledger_path=ledger, refresh_seconds=refresh, validate=not no_validate
    ) as server:
        click.echo(
            f"Dashboard at {server.url} (ledger: {server.ledger_path or 'off'}); Ctrl-C stops it."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
