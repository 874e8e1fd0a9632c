"""What the CLI writes besides results: error and warning lines, and the library's log.

One style for every message on stderr: ``Error: ...`` (ours and click's alike, one line) and
``Warning: ...``. The library's log records (``graph_sitter.*``, ``codegen.*``) are shown only
at ``LOG_LEVEL`` or above (default ``ERROR``; ``--debug`` lowers it to ``DEBUG``), each as one
line in the same style, never in logging's raw ``WARNING name: message`` format.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import click

__all__ = [
    "EXIT_EMPTY",
    "EXIT_FAILURE",
    "EXIT_USAGE",
    "LOG_LEVELS",
    "CliLogHandler",
    "cli_logging",
    "error",
    "log_level",
    "warn",
]

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_EMPTY = 3
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_LIBRARY_LOGGERS = ("graph_sitter", "codegen")


def error(message: str) -> None:
    """Print ``Error: message`` on stderr (one line per line of ``message``)."""
    click.secho("Error: ", fg="red", bold=True, err=True, nl=False)
    click.echo(message, err=True)


def warn(message: str) -> None:
    """Print ``Warning: message`` on stderr."""
    click.secho("Warning: ", fg="yellow", bold=True, err=True, nl=False)
    click.echo(message, err=True)


class CliLogHandler(logging.Handler):
    """Library log records as the CLI's own one-liners on stderr (tracebacks with --debug)."""

    def __init__(self, level: int, *, tracebacks: bool = False) -> None:
        super().__init__(level)
        self.tracebacks = tracebacks

    def emit(self, record: logging.LogRecord) -> None:
        try:
            label = record.levelname.capitalize()
            colour = {"Warning": "yellow", "Error": "red", "Critical": "red"}.get(label)
            click.secho(f"{label}: ", fg=colour, bold=colour is not None, err=True, nl=False)
            click.secho(f"{record.getMessage()} ", err=True, nl=False)
            click.secho(f"({record.name})", dim=True, err=True)
            if self.tracebacks and record.exc_info and record.exc_info[1] is not None:
                click.echo("".join(traceback.format_exception(*record.exc_info)), err=True)
        except Exception:  # logging's contract: a handler never raises into the caller
            self.handleError(record)


def log_level(environ: Mapping[str, str], *, debug: bool) -> int:
    """The library log level from ``LOG_LEVEL`` (default ERROR; DEBUG with --debug).

    Raises:
        click.UsageError: ``LOG_LEVEL`` is not one of :data:`LOG_LEVELS` (exit code 2).
    """
    raw = environ.get("LOG_LEVEL", "").strip()
    if not raw:
        return logging.DEBUG if debug else logging.ERROR
    if raw.upper() not in LOG_LEVELS:
        raise click.UsageError(
            f"LOG_LEVEL={raw!r} is not a log level; use one of {', '.join(LOG_LEVELS)}"
        )
    level: int = getattr(logging, raw.upper())
    return level


@contextmanager
def cli_logging(level: int, *, debug: bool) -> Iterator[CliLogHandler]:
    """Route the library's log records at ``level`` and above to a :class:`CliLogHandler`.

    The loggers' previous levels and handlers come back on exit (the CLI may run in-process,
    under tests, next to other users of the same loggers).
    """
    handler = CliLogHandler(level, tracebacks=debug)
    saved: list[tuple[logging.Logger, int, bool]] = []
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.setLevel(level)
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield handler
    finally:
        for logger, previous, propagate in saved:
            logger.removeHandler(handler)
            logger.setLevel(previous)
            logger.propagate = propagate
