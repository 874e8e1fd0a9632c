"""Benchmark: rename a widely used function + commit + incremental re-sync vs a full rebuild.

Usage:
    python bench/rename.py [--repeat N]

Copies this Python's standard library (without tests) to a temporary folder, builds its graph,
picks the module-level function with the most usages (at least 200), renames it, commits
(writes files, re-parses touched files, re-indexes the files that read them), and compares
the median of N runs with a full cold rebuild of the graph measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time

from graph_sitter import Codebase

EXCLUDE = ("test", "tests", "idle_test", "site-packages", "__pycache__")


def busiest_function(cb: Codebase) -> tuple[str, str, int]:
    best = ("", "", 0)
    for fn in cb.functions:
        if fn._rec.parent != -1 or fn.name.startswith("__"):
            continue
        n = len(fn.usages())
        if n > best[2]:
            best = (fn.filepath, fn.name, n)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    stdlib = sysconfig.get_paths()["stdlib"]
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "lib")
        shutil.copytree(stdlib, root, ignore=shutil.ignore_patterns(*EXCLUDE), symlinks=True)
        cb = Codebase(root, cache_dir="")
        path, name, count = busiest_function(cb)
        if count < 200:
            sys.exit(f"no function with 200 usages found (best: {name}, {count})")
        renames, rebuilds, touched = [], [], 0
        current = name
        for i in range(args.repeat):
            fn = cb.get_function(f"{path}::{current}")
            new = f"{name}_r{i}"
            start = time.perf_counter()
            fn.rename(new)
            touched = len(cb._tx.edits)
            cb.commit()
            renames.append(time.perf_counter() - start)
            current = new
            start = time.perf_counter()
            Codebase(root, cache_dir="")
            rebuilds.append(time.perf_counter() - start)
        check = cb.get_function(f"{path}::{current}")
        assert len(check.usages()) == count, (len(check.usages()), count)
    rename, rebuild = statistics.median(renames), statistics.median(rebuilds)
    print(f"corpus: copy of {stdlib} without tests; {len(cb.files)} files")
    print(f"renamed: {path}::{name} ({count} usages, {touched} files edited)")
    print(f"cores: {os.cpu_count()}   python: {sys.version.split()[0]}   repeats: {args.repeat}")
    print()
    print(f"{'figure':<42}{'value (s)':>12}{'anchor: full rebuild (s)':>28}{'speed-up':>10}")
    label = "rename + commit + incremental re-sync"
    print(f"{label:<42}{rename:>12.3f}{rebuild:>28.3f}{rebuild / rename:>9.1f}x")
    print("target: incremental at least 20x faster than the full rebuild")


if __name__ == "__main__":
    main()
