"""`graph-sitter analyze PATH`: build the graph of a codebase and summarise it."""

from __future__ import annotations

import heapq
import json
import os
import sysconfig
import textwrap
import time
from collections import Counter
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.markup import escape

from graph_sitter.cli._build import build_progress, empty_warning, load_codebase
from graph_sitter.cli._output import EXIT_EMPTY, warn
from graph_sitter.cli._tables import Col, make_table, print_table
from graph_sitter.core.codebase import Codebase
from graph_sitter.core.symbols import Symbol

LANGUAGE_HELP = (
    "Analyse only files of this language (typescript also covers .js, .jsx, .mjs, .cjs); "
    "default: every supported file."
)


def default_target() -> str:
    """The installed standard library: a real, large codebase every machine has."""
    return sysconfig.get_paths()["stdlib"]


def symbol_kind(sym: Symbol) -> str:
    """``method`` for functions defined in a class, else the symbol's own kind."""
    return "method" if getattr(sym, "is_method", False) else sym.kind


def most_used_symbols(cb: Codebase, top: int) -> list[Symbol]:
    """The `top` definitions (imports left out) with the most usages (`usage_count`); ties
    in the order functions, methods, classes, attributes, ..., then by file and position."""
    classes = cb.classes
    candidates: list[Symbol] = [
        *cb.functions,
        *cb.methods,
        *classes,
        *(a for c in classes for a in c.attributes),
        *cb.global_vars,
        *cb.interfaces,
        *cb.types,
        *cb.enums,
        *(s for f in cb.files for s in f.symbols if s.kind == "namespace"),
    ]
    counted = [(n, s) for s in candidates if (n := s.usage_count)]
    return [s for _, s in heapq.nsmallest(top, counted, key=lambda pair: -pair[0])]


# Skip reasons that end in a noun, and their plural (the others are adjectives: "3 binary").
_PLURAL_REASONS = {
    "vendored or generated folder": "vendored or generated folders",
    "symlinked folder": "symlinked folders",
    "symlink outside the root": "symlinks outside the root",
    "symlink loop": "symlink loops",
    "not a regular file": "not regular files",
    "unsupported file type": "unsupported file types",
}


def count_phrase(n: int, reason: str) -> str:
    """``1 symlink loop``, ``122 vendored or generated folders``, ``3 binary``."""
    return f"{n:,} {reason if n == 1 else _PLURAL_REASONS.get(reason, reason)}"


def summarize(cb: Codebase, seconds: float, top: int = 10) -> dict[str, Any]:
    """Counts, import resolution, most-used symbols, and everything left out or broken.

    A symbol's usage count is what ``graph-sitter usages`` lists for it (``symbol.usages()``:
    references, calls and the imports that name it, each place once).
    """
    files = cb.files
    imports = cb.imports
    internal = sum(1 for i in imports if i.resolved_symbol is not None)
    most_used = [
        {
            "name": sym.qualified_name,
            "kind": symbol_kind(sym),
            "file": sym.filepath,
            "usages": sym.usage_count,
        }
        for sym in most_used_symbols(cb, top)
    ]
    skipped = Counter(s.reason.split(" (")[0] for s in cb.skipped)
    return {
        "root": cb.root,
        "language": cb.language,
        "seconds": round(seconds, 3),
        "files": len(files),
        "lines": sum(f.line_count for f in files),
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


def problem_lines(item: dict[str, str], width: int) -> str:
    """``  path: problem`` fitted to ``width``, continuation lines indented under the path."""
    return textwrap.fill(
        f"{item['path']}: {item['problem']}",
        width=max(width, 24),
        initial_indent="  ",
        subsequent_indent="      ",
        break_on_hyphens=False,
    )


def render(summary: dict[str, Any], console: Console) -> None:
    rows = [
        ("files", summary["files"]),
        ("lines", summary["lines"]),
        ("functions (not methods)", summary["functions"]),
        ("methods", summary["methods"]),
        ("classes", summary["classes"]),
        ("global variables", summary["global_vars"]),
        ("interfaces / type aliases", f"{summary['interfaces']:,} / {summary['types']:,}"),
        ("imports", summary["imports"]),
        ("  resolved in this codebase", summary["imports_resolved"]),
        ("  external / unresolved", summary["imports_external"]),
        ("build time (s)", summary["seconds"]),
    ]
    counts = make_table(
        [Col("what"), Col("count", numeric=True)],
        [(name, f"{value:,}" if isinstance(value, int) else str(value)) for name, value in rows],
        width=console.width,
        show_header=False,
        table_box=box.ROUNDED,
    )
    counts.title = f"graph-sitter analyze: {escape(summary['root'])}"
    print_table(console, counts)
    if summary["most_used"]:
        used = make_table(
            [Col("symbol", min_width=16), Col("kind"), Col("file", min_width=16),
             Col("usages", numeric=True)],
            [
                (escape(row["name"]), row["kind"], escape(row["file"]), f"{row['usages']:,}")
                for row in summary["most_used"]
            ],
            width=console.width,
            title="Most-used symbols",
        )  # fmt: skip
        print_table(console, used)
    if summary["skipped"]:
        reasons = ", ".join(
            count_phrase(n, reason) for reason, n in sorted(summary["skipped"].items())
        )
        console.print(f"[bold]Skipped:[/bold] {escape(reasons)}", highlight=False)
    problems = summary["problems"]
    if problems:
        console.print(f"[bold]Files with problems ({len(problems)}):[/bold]")
        for item in problems[:15]:
            console.print(escape(problem_lines(item, console.width)), highlight=False)
        if len(problems) > 15:
            console.print(f"  ... and {len(problems) - 15} more (see --json)")


@click.command()
@click.argument("path", required=False, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--language", type=click.Choice(["python", "typescript"]), default=None, help=LANGUAGE_HELP
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--top", default=10, show_default=True, help="How many most-used symbols.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the parse cache.")
def analyze(
    path: str | None, language: str | None, as_json: bool, top: int, no_cache: bool
) -> None:
    """Build the code graph of PATH (default: this Python's standard library) and summarise it.

    Exit code 3, with a warning, when PATH has no source file (of --language, if given).
    """
    target = os.path.abspath(path or default_target())
    err = Console(stderr=True)
    start = time.perf_counter()
    with build_progress(err, enabled=not as_json) as bar:
        cb = load_codebase(target, bar, language=language, cache_dir="" if no_cache else None)
        with bar.stage("Counting usages"):
            summary = summarize(cb, time.perf_counter() - start, top)
    problem = empty_warning(cb, language)
    if problem is not None:
        summary["warning"] = problem
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    elif problem is None:
        render(summary, Console())
    if problem is not None:
        warn(problem)
        raise SystemExit(EXIT_EMPTY)
