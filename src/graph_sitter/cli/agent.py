"""`graph-sitter agent run|status|list|logs`: Codegen agent runs from the command line.

Credentials come from ``CODEGEN_ORG_ID`` / ``CODEGEN_TOKEN`` (and ``CODEGEN_BASE_URL``), or a
``.env`` file in the working directory; the token is never printed. ``agent run --wait`` exits
0 when the run completes, 1 when it ends in a failure status or the wait times out (the run
keeps going: the API has no cancel endpoint).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from graph_sitter.cli._output import error
from graph_sitter.cli._tables import Col, make_table, print_table

if TYPE_CHECKING:
    from codegen import Agent, LogEntry, Task, TaskProgress

EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130


@contextmanager
def _agent() -> Iterator[Agent]:
    from codegen import Agent

    agent = Agent()
    try:
        yield agent
    finally:
        agent.close()


def task_json(task: Task) -> dict[str, Any]:
    """A JSON-ready view of a task's latest snapshot."""
    return {
        "id": task.id,
        "status": task.status,
        "web_url": task.web_url,
        "created_at": task.created_at.isoformat() if task.created_at else None,
        "result": task.result,
        "summary": task.summary,
        "source_type": task.run.source_type,
        "pull_requests": [pr.to_json() for pr in task.pull_requests],
        "metadata": dict(task.metadata),
    }


def log_json(entry: LogEntry) -> dict[str, Any]:
    """A JSON-ready view of one log entry."""
    return {
        "created_at": entry.created_at.isoformat() if entry.created_at else None,
        "message_type": entry.message_type,
        "thought": entry.thought,
        "tool_name": entry.tool_name,
        "tool_input": dict(entry.tool_input) if entry.tool_input is not None else None,
        "tool_output": dict(entry.tool_output) if entry.tool_output is not None else None,
        "observation": (
            entry.observation
            if isinstance(entry.observation, str) or entry.observation is None
            else dict(entry.observation)
        ),
    }


def _dump(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def _status_style(status: str | None) -> str:
    from codegen.models import status_kind

    kind = status_kind(status)
    colour = {"success": "green", "failure": "red"}.get(kind, "yellow")
    return f"[{colour}]{escape(status or 'UNKNOWN')}[/{colour}]"


def _log_line(entry: LogEntry) -> str:
    what = entry.thought or (
        entry.observation if isinstance(entry.observation, str) else entry.tool_name
    )
    tool = f" [{entry.tool_name}]" if entry.tool_name else ""
    return escape(f"{entry.message_type or 'LOG'}{tool} {what or ''}".rstrip())


def render_task(task: Task, console: Console) -> None:
    """One task as a small key/value table."""
    table = Table(show_header=False, title=f"agent run {task.id}")
    table.add_column("field")
    table.add_column("value", overflow="fold")
    table.add_row("status", _status_style(task.status))
    table.add_row("web", escape(task.web_url or "-"))
    table.add_row("created", task.created_at.isoformat() if task.created_at else "-")
    if task.result:
        table.add_row("result", escape(task.result))
    if task.summary:
        table.add_row("summary", escape(task.summary))
    for pr in task.pull_requests:
        table.add_row("pull request", escape(f"{pr.title or ''} {pr.url or ''}".strip()))
    console.print(table)


@click.group()
def agent() -> None:
    """Codegen agent runs (CODEGEN_ORG_ID and CODEGEN_TOKEN)."""


def _wait(
    task: Task, timeout: float, poll_interval: float, as_json: bool, console: Console
) -> None:
    """Poll ``task`` to its end with a live status line (a line per change without a TTY)."""
    started = time.monotonic()
    last_status: list[str | None] = [task.status]
    live = console.is_terminal and not as_json

    def line(status: str | None) -> str:
        return f"agent run {task.id}: {_status_style(status)} ({time.monotonic() - started:.0f}s)"

    def on_progress(event: TaskProgress) -> None:
        if not as_json:
            for entry in event.new_logs:
                console.print(f"  [dim]{_log_line(entry)}[/dim]", highlight=False)
        if live:
            status_line.update(line(event.status))
        elif not as_json and event.status != last_status[0]:
            console.print(line(event.status), highlight=False)
        last_status[0] = event.status

    with console.status(line(task.status)) if live else _nothing() as status_line:
        if not live and not as_json:
            console.print(line(task.status), highlight=False)
        task.wait_for_completion(
            timeout=timeout, poll_interval=poll_interval, progress_callback=on_progress
        )


@contextmanager
def _nothing() -> Iterator[Any]:
    yield None


@agent.command("run")
@click.argument("prompt")
@click.option("--repository", "-r", help="owner/name the agent works on.")
@click.option("--branch", help="Branch to work from.")
@click.option(
    "--priority",
    type=click.Choice(["low", "normal", "high", "urgent"]),
    default="normal",
    show_default=True,
)
@click.option("--tag", "tags", multiple=True, help="Label the run (repeatable).")
@click.option("--wait", is_flag=True, help="Wait for the run to finish (live status line).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=600.0,
    show_default=True,
    help="Seconds to wait with --wait.",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds between polls with --wait.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def run_cmd(
    prompt: str,
    repository: str | None,
    branch: str | None,
    priority: str,
    tags: Sequence[str],
    wait: bool,
    timeout: float,
    poll_interval: float,
    as_json: bool,
) -> None:
    """Start an agent run with PROMPT; with --wait, follow it to the end."""
    from codegen import TaskError, TimeoutError

    console = Console(stderr=True)
    with _agent() as client:
        task = client.run(
            prompt, priority=priority, repository=repository, branch=branch, tags=list(tags) or None
        )
        if not as_json:
            console.print(
                f"started agent run {task.id}: {escape(task.web_url or '')}", highlight=False
            )
        failure: Exception | None = None
        if wait:
            try:
                _wait(task, timeout, poll_interval, as_json, console)
            except (TaskError, TimeoutError) as exc:
                failure = exc
            except KeyboardInterrupt:
                click.echo(
                    f"stopped waiting; agent run {task.id} keeps running "
                    f"(graph-sitter agent status {task.id})",
                    err=True,
                )
                raise SystemExit(EXIT_INTERRUPTED) from None
        if as_json:
            _dump(task_json(task))
        else:
            render_task(task, Console())
        if failure is not None:
            error(str(failure))
            raise SystemExit(EXIT_FAILURE)


@agent.command()
@click.argument("task_id", type=click.IntRange(min=1), metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(task_id: int, as_json: bool) -> None:
    """The status, result and pull requests of agent run ID."""
    with _agent() as client:
        task = client.get_task(task_id)
    if as_json:
        _dump(task_json(task))
    else:
        render_task(task, Console())


@agent.command("list")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--wide", is_flag=True, help="Every column, even past the terminal's width.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_cmd(limit: int, wide: bool, as_json: bool) -> None:
    """The organisation's latest agent runs, newest first.

    On a narrow terminal the source and creation time columns give way to the web URL,
    which is never cut (--wide keeps every column).
    """
    with _agent() as client:
        tasks = client.list_tasks(limit=limit)
    if as_json:
        _dump([task_json(t) for t in tasks])
        return
    console = Console()
    rows = [
        (
            str(t.id),
            _status_style(t.status),
            t.created_at.strftime("%Y-%m-%d %H:%M") if t.created_at else "-",
            escape(t.run.source_type or "-"),
            escape(t.web_url or "-"),
        )
        for t in tasks
    ]
    table = make_table(
        [Col("id", numeric=True), Col("status"), Col("created", drop=1), Col("source", drop=2),
         Col("web", whole=True)],
        rows,
        width=console.width,
        title=f"{len(tasks)} agent runs",
        wide=wide,
    )  # fmt: skip
    print_table(console, table, wide=wide)


@agent.command()
@click.argument("task_id", type=click.IntRange(min=1), metavar="ID")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N entries.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def logs(task_id: int, limit: int | None, as_json: bool) -> None:
    """The log of agent run ID, oldest first."""
    with _agent() as client:
        entries = client.get_task(task_id).get_logs(limit=limit)
    if as_json:
        _dump([log_json(e) for e in entries])
        return
    table = Table(title=f"agent run {task_id}: {len(entries)} log entries")
    for col in ("time", "type", "tool", "thought / observation"):
        table.add_column(col, overflow="fold")
    for e in entries:
        what = e.thought or (e.observation if isinstance(e.observation, str) else "")
        when = e.created_at.strftime("%H:%M:%S") if e.created_at else "-"
        cells = (e.message_type or "-", e.tool_name or "-", what or "")
        table.add_row(when, *(escape(c) for c in cells))
    Console().print(table)
