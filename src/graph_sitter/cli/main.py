"""Entry point: command group, error handling and exit codes.

Exit codes: 0 success, 1 a command failed (one clear line on stderr), 2 usage error.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence

import click

from graph_sitter.cli import agent as agent_cmds
from graph_sitter.cli import ai as ai_cmds
from graph_sitter.cli import analyze as analyze_cmd
from graph_sitter.cli import dashboard as dashboard_cmd
from graph_sitter.cli import demo as demo_cmd
from graph_sitter.cli import emulator as emulator_cmd
from graph_sitter.cli import graph as graph_cmds
from graph_sitter.cli import mcp as mcp_cmd
from graph_sitter.cli import providers as providers_cmd
from graph_sitter.cli import usage as usage_cmd

EXIT_FAILURE = 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """graph-sitter: a code graph for Python and TypeScript, with resilient AI providers."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    level = os.environ.get("LOG_LEVEL", "ERROR").upper()
    logging.basicConfig(
        level=getattr(logging, level, logging.ERROR), format="%(levelname)s %(name)s: %(message)s"
    )


cli.add_command(agent_cmds.agent)
cli.add_command(ai_cmds.ai)
cli.add_command(ai_cmds.ai_map)
cli.add_command(analyze_cmd.analyze)
cli.add_command(dashboard_cmd.dashboard)
cli.add_command(demo_cmd.demo)
cli.add_command(emulator_cmd.emulator)
cli.add_command(graph_cmds.symbols)
cli.add_command(graph_cmds.usages)
cli.add_command(mcp_cmd.mcp)
cli.add_command(providers_cmd.providers)
cli.add_command(usage_cmd.usage)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (errors print one line unless --debug)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="graph-sitter", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_FAILURE
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_FAILURE
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except (
        Exception
    ) as exc:  # the CLI's one boundary: print one line, keep the traceback for --debug
        if debug:
            raise
        click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
        return EXIT_FAILURE
    return 0


if __name__ == "__main__":
    sys.exit(main())
