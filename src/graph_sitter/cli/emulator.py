"""`graph-sitter emulator openai|anthropic|codegen`: serve a local vendor emulator."""

from __future__ import annotations

import click


@click.command()
@click.argument("kind", type=click.Choice(["openai", "anthropic", "codegen"]))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=0, show_default=True, help="0 picks a free port.")
def emulator(kind: str, host: str, port: int) -> None:
    """Serve a local emulator of a vendor API until Ctrl-C (for tests and demos)."""
    from graph_sitter.testing import run_emulator

    def ready(base_url: str) -> None:
        click.echo(f"{kind} emulator listening on {base_url} (Ctrl-C to stop)", err=True)

    try:
        run_emulator(kind, host, port, on_ready=ready)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
