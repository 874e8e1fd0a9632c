"""`graph-sitter analyze PATH`: build the graph of a codebase and summarise it."""

from __future__ import annotations

import json
import os
import sysconfig
import time
from collections import Counter
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph_sitter.core.codebase import Codebase

_STAGES = {"parse": "Parsing files", "resolve": "Resolving names"}


def default_target() -> str:
    """The installed standard library: a real, large codebase every machine has."""
    return sysconfig.get_paths()["stdlib"]


def summarize(cb: Codebase, seconds: float, top: int = 10) -> dict[str, Any]:
    """Counts, import resolution, most-used symbols, and everything left out or broken."""
    graph = cb._graph
    imports = cb.imports
    internal = sum(1 for i in imports if i.resolved_symbol is not None)
    counts: Counter[tuple[int, int]] = Counter()
    for key, records in graph.usages.items():
        rec = graph.files[key[0]].index.defs[key[1]]
        if rec.kind == "import":
            continue
        counts[key] = sum(1 for r in records if not r[3] & 8)
    most_used = []
    for (f, d), n in counts.most_common(top):
        sym = cb._symbol(f, d)
        most_used.append(
            {"name": sym.qualified_name, "kind": sym.kind, "file": sym.filepath, "usages": n}
        )
    skipped = Counter(s.reason.split(" (")[0] for s in cb.skipped)
    return {
        "root": cb.root,
        "language": cb.language,
        "seconds": round(seconds, 3),
        "files": len(graph.files),
        "lines": sum(pf.index.line_count for pf in graph.files),
        "functions": len(cb.functions),
        "methods": len(cb.methods),
        "classes": len(cb.classes),
        "global_vars": len(cb.global_vars),
        "interfaces": len(cb.interfaces),
        "types": len(cb.types),
        "imports": len(imports),
        "imports_resolved": internal,
        "imports_external": len(imports) - internal,
        "most_used": most_used,
        "skipped": dict(skipped),
        "skipped_files": [{"path": s.path, "reason": s.reason} for s in cb.skipped],
        "problems": [{"path": p, "problem": m} for p, m in cb.problems],
    }


def render(summary: dict[str, Any], console: Console) -> None:
    table = Table(title=f"graph-sitter analyze: {summary['root']}", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("files", summary["files"]),
        ("lines", summary["lines"]),
        ("functions (not methods)", summary["functions"]),
        ("methods", summary["methods"]),
        ("classes", summary["classes"]),
        ("global variables", summary["global_vars"]),
        ("interfaces / type aliases", f"{summary['interfaces']} / {summary['types']}"),
        ("imports", summary["imports"]),
        ("  resolved in this codebase", summary["imports_resolved"]),
        ("  external / unresolved", summary["imports_external"]),
        ("build time (s)", summary["seconds"]),
    ]
    for name, value in rows:
        table.add_row(name, f"{value:,}" if isinstance(value, int) else str(value))
    console.print(table)
    if summary["most_used"]:
        used = Table(title="Most-used symbols")
        for col in ("symbol", "kind", "file", "usages"):
            used.add_column(col, justify="right" if col == "usages" else "left")
        for row in summary["most_used"]:
            used.add_row(row["name"], row["kind"], row["file"], str(row["usages"]))
        console.print(used)
    if summary["skipped"]:
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(summary["skipped"].items()))
        console.print(f"[bold]Skipped:[/bold] {reasons}")
    problems = summary["problems"]
    if problems:
        console.print(f"[bold]Files with problems ({len(problems)}):[/bold]")
        for item in problems[:15]:
            console.print(f"  {item['path']}: {item['problem']}")
        if len(problems) > 15:
            console.print(f"  ... and {len(problems) - 15} more (see --json)")


@click.command()
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
@click.option("--language", type=click.Choice(["python", "typescript"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--top", default=10, show_default=True, help="How many most-used symbols.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the parse cache.")
def analyze(
    path: str | None, language: str | None, as_json: bool, top: int, no_cache: bool
) -> None:
    """Build the code graph of PATH (default: this Python's standard library) and summarise it."""
    target = os.path.abspath(path or default_target())
    if not os.path.isdir(target):
        raise click.ClickException(f"{target} is not a folder")
    console = Console(stderr=True)
    start = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,
    ) as progress:
        tasks: dict[str, Any] = {}

        def on_progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(_STAGES.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        cb = Codebase(
            target, language=language, progress=on_progress, cache_dir="" if no_cache else None
        )
    summary = summarize(cb, time.perf_counter() - start, top)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    else:
        render(summary, Console())
