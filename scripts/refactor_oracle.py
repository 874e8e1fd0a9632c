#!/usr/bin/env python3
# ruff: noqa: B023 (every lambda is called at once, inside its loop iteration)
"""Record what the code graph answers and what its edits would write, for a before/after check.

Run it with two versions of graph-sitter on the same tree and compare the outputs: a refactor
that must not change behaviour leaves them byte-identical (`cmp old.json new.json`).

    python scripts/refactor_oracle.py TREE OUT.json [--parts reads,edits,moves,files]

- reads: every function's parameters, decorators, calls (callee, awaited, arguments), `is_jsx`;
  every global's value; usages with their kind; classes' superclasses, subclasses, decorators;
- edits: per sampled function: rename/remove/retype a parameter, add one, asyncify, set a
  docstring, rename, arrow to named; call renames and argument edits; import renames and
  removals; add_import; removal of globals (each as a diff, then `reset`);
- moves: sampled top-level symbols moved with the three strategies, with and without
  dependencies (diff and report);
- files: sampled files moved to three new paths (`update_filepath`).

Errors are recorded as their class and message: a refusal is an answer too. The parse and
graph caches are off, so each run computes everything itself.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from typing import Any

os.environ["GRAPH_SITTER_CACHE_DIR"] = "off"

from graph_sitter import Codebase

Row = list[Any]


def _attempt(cb: Codebase, rows: list[Row], label: str, action: Callable[[], object]) -> None:
    try:
        result = action()
        rows.append([label, repr(result)[:60], cb.get_diff()])
    except Exception as exc:
        rows.append([label, "error", f"{type(exc).__name__}: {exc}"[:300]])
    cb.reset()


def reads(cb: Codebase) -> list[Row]:
    rows: list[Row] = []
    for fn in cb.functions:
        params = [
            [p.name, p.kind, str(p.type or ""), str(p.default or ""), p.is_optional]
            for p in fn.parameters
        ]
        calls = [
            [
                c.name,
                c.start_byte,
                c.is_awaited,
                [[str(a.name or ""), str(a.value)] for a in c.args],
                c.function_definition.qualified_name if c.function_definition else None,
            ]
            for c in fn.function_calls
        ]
        decorators = [str(d) for d in fn.decorators]
        rows.append([fn.filepath, fn.qualified_name, params, decorators, fn.is_jsx, calls])
    for var in cb.global_vars:
        rows.append([var.filepath, var.name, type(var.value).__name__, str(var.value)[:60]])
    for sym in list(cb.symbols)[:4000]:
        for use in sym.usages:
            rows.append([sym.filepath, sym.name, use.filepath, str(use.usage_kind)])
    for cls in cb.classes:
        supers = [s.name for s in cls.superclasses]
        subs = [s.name for s in cls.subclasses]
        rows.append([cls.filepath, cls.name, supers, subs, [str(d) for d in cls.decorators]])
    return rows


def edits(cb: Codebase) -> list[Row]:
    rows: list[Row] = []
    run = lambda label, action: _attempt(cb, rows, label, action)  # noqa: E731
    functions = sorted(cb.functions, key=lambda f: (f.filepath, f.start_byte))[::3][:400]
    for fn in functions:
        where = f"{fn.filepath}:{fn.qualified_name}"
        python = fn.filepath.endswith((".py", ".pyi"))
        params = [p.name for p in fn.parameters if p.kind != "self"]
        if params:
            last = params[-1]
            run(where + " rename parameter", lambda: fn.rename_parameter(last, last + "_x"))
            run(where + " remove parameter", lambda: fn.remove_parameter(last))
            run(
                where + " parameter type", lambda: fn.get_parameter(last).set_type_annotation("int")
            )
        run(
            where + " add parameter",
            lambda: fn.add_parameter("zz=None" if python else "zz?: number"),
        )
        run(where + " asyncify", fn.asyncify)
        run(where + " docstring", lambda: fn.set_docstring("Doc."))
        run(where + " rename", lambda: fn.rename(fn.name + "Renamed"))
        if not python:
            run(where + " arrow to named", fn.arrow_to_named)
        for call in fn.function_calls[:2]:
            at = f"{where} call {call.start_byte}"
            run(at + " rename", lambda: call.rename("zzz"))
            run(at + " add argument", lambda: call.add_argument("1"))
            if call.args:
                run(at + " remove argument", lambda: call.args[-1].remove())
    for imp in sorted(cb.imports, key=lambda i: (i.filepath, i.start_byte))[::5][:300]:
        at = f"{imp.filepath}:{imp.start_byte}"
        if imp.name:
            run(at + " import rename", lambda: imp.rename(imp.name + "Z"))
        run(at + " import remove", imp.remove)
    for file in sorted(cb.files, key=lambda f: f.filepath)[::7][:60]:
        line = "from os import path" if file.filepath.endswith(".py") else "import { x } from './y'"
        run(file.filepath + " add_import", lambda: file.add_import(line))
    for var in sorted(cb.global_vars, key=lambda s: (s.filepath, s.start_byte))[::5][:200]:
        run(f"{var.filepath}:{var.name} remove", var.remove)
    return rows


def _extension(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def moves(cb: Codebase) -> list[Row]:
    rows: list[Row] = []
    paths = sorted(f.filepath for f in cb.files)
    symbols = sorted(
        (s for s in [*cb.functions, *cb.classes] if s.parent_symbol is s),
        key=lambda s: (s.filepath, s.start_byte),
    )
    picked = [(s.filepath, s.name) for s in symbols[::9][:150]]
    for i, (path, name) in enumerate(picked):
        same = [p for p in paths if p != path and _extension(p) == _extension(path)]
        if not same:
            continue
        dest = same[(i * 7) % len(same)]
        for strategy in ("update_all_imports", "add_back_edge", "duplicate_dependencies"):
            for deps in (True, False):
                sym = next(s for s in cb.get_file(path).symbols if s.name == name)
                label = f"{path}:{name} -> {dest} {strategy} deps={deps}"
                _attempt(
                    cb,
                    rows,
                    label,
                    lambda sym=sym, s=strategy, d=deps: sym.move_to_file(  # type: ignore[misc]
                        dest, include_dependencies=d, strategy=s
                    ),
                )
    return rows


def files(cb: Codebase) -> list[Row]:
    rows: list[Row] = []
    for path in sorted(f.filepath for f in cb.files)[::4][:120]:
        folder, _, name = path.rpartition("/")
        prefix = folder + "/" if folder else ""
        for new in (f"{prefix}moved_{name}", f"other/{name}", f"{prefix}sub/deeper/{name}"):
            _attempt(cb, rows, f"{path} -> {new}", lambda: cb.get_file(path).update_filepath(new))
    return rows


PARTS: dict[str, Callable[[Codebase], list[Row]]] = {
    "reads": reads,
    "edits": edits,
    "moves": moves,
    "files": files,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree")
    parser.add_argument("out")
    parser.add_argument("--parts", default=",".join(PARTS))
    args = parser.parse_args()
    report: dict[str, list[Row]] = {}
    for part in args.parts.split(","):
        report[part] = PARTS[part](Codebase(args.tree))
        errors = sum(1 for row in report[part] if len(row) > 1 and row[1] == "error")
        print(f"{part}: {len(report[part])} rows ({errors} refused)")
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(report, handle)


if __name__ == "__main__":
    main()
