"""Benchmark: full code-graph build versus raw tree-sitter parsing of the same files.

Usage:
    python bench/graph_build.py [PATH | --corpus PATH] [--repeat N] [--with-tests]

Default corpus: the running Python's standard library. Any tree works (`--corpus`): every
supported language in it is parsed. Folders named `test`/`tests`/`idle_test` are left out
unless `--with-tests` is given (the output says which). Prints the median of N cold builds
(cache disabled), a warm build (cache filled), the raw tree-sitter parse of the same files in
the same run (one process: the anchor) with its CPU time, their ratios, peak RSS per line, and
lookup latencies (`get_symbol` hits on addresses and names, misses with suggestions).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from typing import Any

CHILD = r"""
import json, random, resource, statistics, sys, time
from graph_sitter import Codebase
from graph_sitter.core.errors import CodebaseError
root, cache, lookups = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
cpu = time.process_time()
t = time.perf_counter()
cb = Codebase(root, cache_dir=cache, exclude_dirs=EXCLUDE)
elapsed = time.perf_counter() - t
cpu = time.process_time() - cpu
files = cb.files
lines = sum(f.line_count for f in files)
usages = sum(len(v) for v in cb._graph.usages.values())
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
out = {"seconds": elapsed, "cpu": cpu + kids.ru_utime + kids.ru_stime, "files": len(files),
       "lines": lines, "usages": usages, "rss_kb": rss, "child_rss_kb": kids.ru_maxrss}
if lookups:
    t = time.perf_counter()
    cb.get_symbols("_")
    out["index_s"] = time.perf_counter() - t
    symbols = [s for kind in ("function", "class") for s in cb._collect().get(kind, [])]
    rng = random.Random(7)
    sample = rng.sample(symbols, min(300, len(symbols)))
    def timed(call, names):
        times = []
        for name in names:
            t = time.perf_counter()
            try:
                call(name)
            except CodebaseError:
                pass
            times.append(time.perf_counter() - t)
        times.sort()
        return [statistics.median(times) * 1e6, times[int(len(times) * 0.95)] * 1e6]
    out["hit_address_us"] = timed(cb.get_symbol, [s.address for s in sample])
    out["hit_name_us"] = timed(cb.get_symbols, [s.name for s in sample])
    known = set(cb._names().by_name)
    typos = []
    for s in sample:
        n = s.name
        if len(n) > 3:
            i = len(n) // 2
            typo = n[:i - 1] + n[i] + n[i - 1] + n[i + 1:]
            if typo not in known:
                typos.append(typo)
    out["miss_us"] = timed(cb.get_symbol, typos)
print(json.dumps(out))
"""

TEST_DIRS = ["test", "tests", "idle_test"]
EXCLUDE = [
    "site-packages", "__pycache__", ".git", "node_modules", ".venv", "venv", "build", "dist",
]  # fmt: skip


def raw_parse(root: str, exclude: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds of parsing every file once in this process (the anchor)."""
    import tree_sitter as ts

    from graph_sitter.core.discover import discover
    from graph_sitter.core.languages import LANGUAGES

    found = discover(root, tuple(LANGUAGES.values()), excluded_dirs=frozenset(exclude))
    datas = []
    for rel, lang in found.files:
        with open(os.path.join(root, rel), "rb") as handle:
            datas.append((lang.grammar(rel), handle.read()))
    parsers: dict[int, ts.Parser] = {}
    cpu = time.process_time()
    start = time.perf_counter()
    for grammar, content in datas:
        parser = parsers.get(id(grammar)) or parsers.setdefault(id(grammar), ts.Parser(grammar))
        parser.parse(content)
    return time.perf_counter() - start, time.process_time() - cpu, len(datas)


def run_build(root: str, cache: str, exclude: list[str], lookups: bool = False) -> dict[str, Any]:
    code = CHILD.replace("EXCLUDE", repr(frozenset(exclude)))
    out = subprocess.run(
        [sys.executable, "-c", code, root, cache, "1" if lookups else "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"build failed:\n{out.stderr}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=None)
    parser.add_argument("--corpus", help="any tree (languages detected); same as PATH")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--with-tests", action="store_true", help="keep test/tests folders")
    args = parser.parse_args()
    root = os.path.abspath(args.corpus or args.path or sysconfig.get_paths()["stdlib"])
    exclude = EXCLUDE if args.with_tests else EXCLUDE + TEST_DIRS

    raws = [raw_parse(root, exclude) for _ in range(args.repeat)]
    raw = statistics.median(r[0] for r in raws)
    raw_cpu = statistics.median(r[1] for r in raws)
    colds = [run_build(root, "", exclude, lookups=i == 0) for i in range(args.repeat)]
    cold = statistics.median(c["seconds"] for c in colds)
    cold_cpu = statistics.median(c["cpu"] for c in colds)
    with tempfile.TemporaryDirectory() as cache:
        run_build(root, cache, exclude)
        warms = [run_build(root, cache, exclude) for _ in range(args.repeat)]
    warm = statistics.median(w["seconds"] for w in warms)
    first = colds[0]
    peak = max(max(c["rss_kb"], c["child_rss_kb"]) for c in colds) * 1024

    print(f"corpus: {root}")
    skipped = "kept (--with-tests)" if args.with_tests else f"left out: {', '.join(TEST_DIRS)}"
    print(f"test folders: {skipped}")
    print(
        f"files: {first['files']:.0f}   lines: {first['lines']:.0f}   usages: {first['usages']:.0f}"
    )
    print(f"cores: {os.cpu_count()}   python: {sys.version.split()[0]}   repeats: {args.repeat}")
    print("(medians; on a shared machine other jobs add noise)")
    print()
    print(f"{'figure':<36}{'value':>12}{'anchor (raw parse)':>22}{'ratio':>10}")
    rows = [
        ("full graph, cold (median s)", cold, raw),
        ("full graph, cold CPU (median s)", cold_cpu, raw_cpu),
        ("full graph, warm cache (median s)", warm, raw),
    ]
    for name, value, anchor in rows:
        print(f"{name:<36}{value:>12.3f}{anchor:>22.3f}{value / anchor:>10.2f}x")
    print(f"{'lines/s, cold':<36}{first['lines'] / cold:>12.0f}")
    print(f"{'peak RSS, parent or worker (MB)':<36}{peak / 2**20:>12.0f}")
    print(f"{'peak RSS per line (bytes)':<36}{peak / max(first['lines'], 1):>12.0f}")
    print(f"{'name index build (ms)':<36}{first['index_s'] * 1000:>12.1f}")
    for label, key in (
        ("lookup hit, address (us)", "hit_address_us"),
        ("lookup hit, name (us)", "hit_name_us"),
        ("lookup miss + suggestions (us)", "miss_us"),
    ):
        median, p95 = first[key]
        print(f"{label:<36}{median:>12.1f}   p95 {p95:.1f}")
    print("targets: cold <= 2x raw parse wall, <= 3x its CPU; RSS < 500 bytes/line;")
    print("         lookup hit < 50 us, miss with suggestions < 5000 us")


if __name__ == "__main__":
    main()
