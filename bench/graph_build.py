"""Benchmark: full code-graph build versus raw tree-sitter parsing of the same files.

Usage:
    python bench/graph_build.py [PATH] [--repeat N]

Default corpus: the running Python's standard library without its tests. Prints a table with
the median of N cold builds (cache disabled), a warm build (cache filled), raw tree-sitter parse
time of the same files in the same run (one process, the anchor), their ratio, and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time

CHILD = r"""
import json, resource, sys, time
from graph_sitter import Codebase
root, cache = sys.argv[1], sys.argv[2]
t = time.perf_counter()
cb = Codebase(root, cache_dir=cache, exclude_dirs=EXCLUDE)
elapsed = time.perf_counter() - t
files = cb.files
lines = sum(f.line_count for f in files)
usages = sum(len(v) for v in cb._graph.usages.values())
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "files": len(files), "lines": lines, "usages": usages,
                  "rss_kb": rss, "child_rss_kb": kids}))
"""

EXCLUDE = [
    "test", "tests", "idle_test", "site-packages", "__pycache__", ".git", "node_modules",
    ".venv", "venv", "build", "dist",
]  # fmt: skip


def raw_parse_seconds(root: str) -> tuple[float, int]:
    import tree_sitter as ts

    from graph_sitter.core.discover import discover
    from graph_sitter.core.languages import LANGUAGES

    found = discover(root, tuple(LANGUAGES.values()), excluded_dirs=frozenset(EXCLUDE))
    datas = []
    for rel, lang in found.files:
        with open(os.path.join(root, rel), "rb") as handle:
            datas.append((lang.grammar(rel), handle.read()))
    parsers: dict[int, ts.Parser] = {}
    start = time.perf_counter()
    for grammar, content in datas:
        parser = parsers.get(id(grammar)) or parsers.setdefault(id(grammar), ts.Parser(grammar))
        parser.parse(content)
    return time.perf_counter() - start, len(datas)


def run_build(root: str, cache: str) -> dict[str, float]:
    import json

    code = CHILD.replace("EXCLUDE", repr(frozenset(EXCLUDE)))
    out = subprocess.run(
        [sys.executable, "-c", code, root, cache], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    root = os.path.abspath(args.path)

    raws = [raw_parse_seconds(root) for _ in range(args.repeat)]
    raw = statistics.median(r[0] for r in raws)
    colds = [run_build(root, "") for _ in range(args.repeat)]
    cold = statistics.median(c["seconds"] for c in colds)
    with tempfile.TemporaryDirectory() as cache:
        run_build(root, cache)
        warms = [run_build(root, cache) for _ in range(args.repeat)]
    warm = statistics.median(w["seconds"] for w in warms)
    first = colds[0]
    peak_mb = max(max(c["rss_kb"], c["child_rss_kb"]) for c in colds) / 1024

    print(f"corpus: {root}")
    print(
        f"files: {first['files']:.0f}   lines: {first['lines']:.0f}   usages: {first['usages']:.0f}"
    )
    print(f"cores: {os.cpu_count()}   python: {sys.version.split()[0]}   repeats: {args.repeat}")
    print()
    print(f"{'figure':<34}{'value':>12}{'anchor (raw parse)':>22}{'ratio':>10}")
    rows = [
        ("full graph, cold (median s)", cold),
        ("full graph, warm cache (median s)", warm),
    ]
    for name, value in rows:
        print(f"{name:<34}{value:>12.3f}{raw:>22.3f}{value / raw:>10.2f}x")
    print(f"{'lines/s, cold':<34}{first['lines'] / cold:>12.0f}")
    print(f"{'peak RSS, parent or worker (MB)':<34}{peak_mb:>12.0f}")
    print("targets: cold <= 4.00x raw parse; peak RSS < 1024 MB")


if __name__ == "__main__":
    main()
