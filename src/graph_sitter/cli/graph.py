"""`graph-sitter symbols PATH` and `graph-sitter usages PATH NAME`."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from graph_sitter.core.codebase import Codebase
from graph_sitter.core.symbols import Symbol

_KINDS = ("function", "method", "class", "global_var", "import", "interface", "type", "enum")


def _symbol_row(sym: Symbol) -> dict[str, Any]:
    return {
        "name": sym.qualified_name,
        "kind": "method" if getattr(sym, "is_method", False) else sym.kind,
        "file": sym.filepath,
        "line": sym.start_point[0] + 1,
    }


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--kind", type=click.Choice(_KINDS), multiple=True, help="Only these kinds.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def symbols(path: str, kind: tuple[str, ...], as_json: bool) -> None:
    """List the definitions of the codebase at PATH."""
    cb = Codebase(path)
    pool: list[Symbol] = [*cb.functions, *cb.methods, *cb.classes, *cb.global_vars]
    pool += [*cb.imports, *cb.interfaces, *cb.types]
    rows = [_symbol_row(s) for s in pool]
    if kind:
        rows = [r for r in rows if r["kind"] in kind]
    rows.sort(key=lambda r: (r["file"], r["line"], r["name"]))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rows)} symbols")
    for col in ("name", "kind", "file", "line"):
        table.add_column(col, justify="right" if col == "line" else "left")
    for r in rows:
        table.add_row(r["name"], r["kind"], r["file"], str(r["line"]))
    Console().print(table)


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def usages(path: str, name: str, as_json: bool) -> None:
    """Where NAME (a name, Class.method, or file.py::name) is used in the codebase at PATH."""
    cb = Codebase(path)
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
    table = Table(title=f"{sym.qualified_name} ({sym.filepath}): {len(rows)} usages")
    for col in ("file", "line", "kind", "in"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["file"]), str(r["line"]), str(r["kind"]), str(r["in"]))
    Console().print(table)
