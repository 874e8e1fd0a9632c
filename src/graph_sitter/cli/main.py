"""Entry point: command group, error handling and exit codes.

Exit codes: 0 success; 1 a command failed (one ``Error: ...`` line on stderr); 2 a usage
error (a bad option or argument, or a bad ``LOG_LEVEL``: one ``Error: ...`` line); 3 nothing
to analyse (the folder has no source file of the language: a ``Warning: ...`` line says what
it holds instead); 130 interrupted.

``--debug`` (accepted anywhere on the command line) shows tracebacks and the library's log
from DEBUG up; otherwise the log is shown from ``LOG_LEVEL`` (default ERROR) up.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from collections.abc import Sequence

import click

from graph_sitter.cli import _output
from graph_sitter.cli import agent as agent_cmds
from graph_sitter.cli import ai as ai_cmds
from graph_sitter.cli import analyze as analyze_cmd
from graph_sitter.cli import dashboard as dashboard_cmd
from graph_sitter.cli import demo as demo_cmd
from graph_sitter.cli import emulator as emulator_cmd
from graph_sitter.cli import graph as graph_cmds
from graph_sitter.cli import mcp as mcp_cmd
from graph_sitter.cli import providers as providers_cmd
from graph_sitter.cli import repair as repair_cmd
from graph_sitter.cli import usage as usage_cmd
from graph_sitter.core.errors import CodebaseError

EXIT_FAILURE = _output.EXIT_FAILURE
DEBUG_FLAG = "--debug"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graph-sitter", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show tracebacks and the library's log (anywhere).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """graph-sitter: a code graph for Python and TypeScript, with resilient AI providers."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


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
cli.add_command(repair_cmd.repair)
cli.add_command(usage_cmd.usage)


def split_debug(args: Sequence[str]) -> tuple[list[str], bool]:
    """``args`` without any ``--debug`` before a ``--``, and whether there was one."""
    rest = list(args)
    end = rest.index("--") if "--" in rest else len(rest)
    debug = DEBUG_FLAG in rest[:end]
    return [a for a in rest[:end] if a != DEBUG_FLAG] + rest[end:], debug


def _our_error(exc: BaseException) -> bool:
    """Errors whose message is written for users: shown without their type name."""
    from codegen.exceptions import CodegenError
    from graph_sitter.ai.errors import AIProviderError

    return isinstance(exc, CodebaseError | AIProviderError | CodegenError)


def _usage_hint(exc: click.UsageError) -> str:
    ctx = exc.ctx
    return f" (see '{ctx.command_path} --help')" if ctx is not None else ""


_OUTPUT_ERRORS = "graph_sitter.cli.output"


def _output_errors(exc: UnicodeError) -> tuple[str | bytes, int]:
    """File names that are not UTF-8 (kept as surrogates) print as their own bytes; any other
    character the stream's encoding cannot represent prints as a backslash escape."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    try:
        return codecs.lookup_error("surrogateescape")(exc)
    except UnicodeEncodeError:
        return codecs.lookup_error("backslashreplace")(exc)


def _never_fail_on_output() -> None:
    codecs.register_error(_OUTPUT_ERRORS, _output_errors)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=_OUTPUT_ERRORS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (errors print one line unless --debug)."""
    args, debug = split_debug(sys.argv[1:] if argv is None else argv)
    if debug:
        args.insert(0, DEBUG_FLAG)
    if argv is None:  # a real process: output never fails on a character (ASCII locales)
        _never_fail_on_output()
    try:
        level = _output.log_level(os.environ, debug=debug)
    except click.UsageError as exc:
        _output.error(exc.format_message())
        return exc.exit_code
    with _output.cli_logging(level, debug=debug):
        try:
            cli.main(args=args, prog_name="graph-sitter", standalone_mode=False)
        except click.exceptions.Abort:
            _output.error("aborted")
            return EXIT_FAILURE
        except click.UsageError as exc:
            _output.error(exc.format_message() + _usage_hint(exc))
            return exc.exit_code
        except click.ClickException as exc:
            _output.error(exc.format_message())
            return exc.exit_code
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else EXIT_FAILURE
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            return 130
        except Exception as exc:  # the CLI's one boundary: one line; the traceback with --debug
            if debug:
                raise
            if _our_error(exc):
                _output.error(str(exc))
            else:
                _output.error(f"{type(exc).__name__}: {exc} (--debug shows the traceback)")
            return EXIT_FAILURE
    return 0


if __name__ == "__main__":
    sys.exit(main())
