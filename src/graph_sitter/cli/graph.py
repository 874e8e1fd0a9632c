"""`graph-sitter symbols PATH` and `graph-sitter usages PATH NAME`."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from graph_sitter.cli._build import build_progress, check_not_empty, load_codebase
from graph_sitter.cli._tables import Col, make_table, print_table
from graph_sitter.cli.analyze import LANGUAGE_HELP, symbol_kind
from graph_sitter.core.codebase import Codebase
from graph_sitter.core.symbols import Symbol

_KINDS = ("function", "method", "class", "global_var", "import", "interface", "type", "enum")
_LANGUAGES = click.Choice(["python", "typescript"])


def _symbol_row(sym: Symbol) -> dict[str, Any]:
    return {
        "name": sym.qualified_name,
        "kind": symbol_kind(sym),
        "file": sym.filepath,
        "line": sym.start_point[0] + 1,
        "column": sym.start_point[1] + 1,
    }


def _load(path: str, language: str | None, as_json: bool) -> Codebase:
    with build_progress(Console(stderr=True), enabled=not as_json) as bar:
        cb = load_codebase(path, bar, language=language)
    check_not_empty(cb, language)
    return cb


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--kind", type=click.Choice(_KINDS), multiple=True, help="Only these kinds.")
@click.option("--language", type=_LANGUAGES, default=None, help=LANGUAGE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def symbols(path: str, kind: tuple[str, ...], language: str | None, as_json: bool) -> None:
    """List the definitions of the codebase at PATH (exit code 3 if it has no source file)."""
    cb = _load(path, language, as_json)
    pool: list[Symbol] = [*cb.functions, *cb.methods, *cb.classes, *cb.global_vars]
    pool += [*cb.imports, *cb.interfaces, *cb.types]
    rows = [_symbol_row(s) for s in pool]
    if kind:
        rows = [r for r in rows if r["kind"] in kind]
    rows.sort(key=lambda r: (r["file"], r["line"], r["column"], r["name"]))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    console = Console()
    table = make_table(
        [Col("name", min_width=20), Col("kind"), Col("file", min_width=20),
         Col("line", numeric=True)],
        [(escape(r["name"]), r["kind"], escape(r["file"]), f"{r['line']:,}") for r in rows],
        width=console.width,
        title=f"{len(rows):,} symbols",
    )  # fmt: skip
    print_table(console, table)


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.argument("name")
@click.option("--language", type=_LANGUAGES, default=None, help=LANGUAGE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def usages(path: str, name: str, language: str | None, as_json: bool) -> None:
    """Where NAME (a name, Class.method, or file.py::name) is used in the codebase at PATH.

    One row per place (file, line and column): two calls on one line are two rows. Imports
    that name the symbol count as usages, as in `analyze`'s most-used symbols.
    """
    cb = _load(path, language, as_json)
    sym = cb.get_symbol(name, optional=True) or cb.get_function(name)
    assert sym is not None
    rows = [
        {
            "file": u.filepath,
            "line": u.start_point[0] + 1,
            "column": u.start_point[1] + 1,
            "kind": u.kind,
            "in": getattr(u.usage_symbol, "qualified_name", u.filepath),
        }
        for u in sym.usages()
    ]
    if as_json:
        click.echo(json.dumps({"symbol": _symbol_row(sym), "usages": rows}, indent=2))
        return
    console = Console()
    table = make_table(
        [Col("file", min_width=20), Col("line", numeric=True), Col("col", numeric=True),
         Col("kind"), Col("in", min_width=12)],
        [
            (
                escape(str(r["file"])),
                f"{r['line']:,}",
                str(r["column"]),
                str(r["kind"]),
                escape(str(r["in"]) if r["in"] != r["file"] else "(module level)"),
            )
            for r in rows
        ],
        width=console.width,
        title=f"{sym.qualified_name} ({sym.filepath}): {len(rows):,} usages",
    )  # fmt: skip
    print_table(console, table)
