"""Benchmark: name lookups (`get_symbol`) on a large tree: index build, hits, misses.

Usage:
    python bench/lookups.py --corpus PATH [--repeat N] [--cache DIR]

Builds the code graph of PATH once (cache in DIR, default a temporary folder), then N times
drops the name index and measures: its build, the FIRST miss after that build (each round a
misspelling of a different length), then hits and misses (with suggestions) on names sampled
from the tree. Anchors, measured in the same run: a linear scan over every name for a hit, and
difflib over every name for a miss. Prints medians; the machine may be shared, so read the
figures as such.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from graph_sitter import Codebase
from graph_sitter.core.errors import CodebaseError


def timed(call: Callable[[str], object], name: str) -> float:
    start = time.perf_counter()
    with contextlib.suppress(CodebaseError):
        call(name)
    return time.perf_counter() - start


def typo(name: str) -> str:
    """Swap the two middle letters (a transposition, the commonest typo)."""
    i = len(name) // 2
    return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache", default="")
    args = parser.parse_args()
    cache = args.cache or tempfile.mkdtemp(prefix="lookups_cache_")
    start = time.perf_counter()
    cb = Codebase(args.corpus, cache_dir=cache)
    graph_s = time.perf_counter() - start
    lines = sum(f.line_count for f in cb.files)
    print(f"corpus {args.corpus}: {len(cb.files)} files, {lines} lines, graph {graph_s:.1f} s")

    cb.get_symbols("_")
    names = list(cb._names().by_name)
    known = set(names)
    rng = random.Random(7)
    long_names = [n for n in names if len(n) > 3]
    sample = rng.sample(long_names, min(300, len(long_names)))
    misses = [t for t in map(typo, sample) if t not in known]
    by_length: dict[int, str] = {}
    for miss in misses:
        by_length.setdefault(len(miss), miss)
    firsts = [by_length[k] for k in sorted(by_length)]
    rng.shuffle(firsts)
    index = cb._names()
    qualified = [
        q
        for n in sample
        for f, d in index.by_name[n][:1]
        if "." in (q := index.qualified_names(f)[d])
    ]
    qual_misses = []  # a typo in the member of a qualified name: `Owner.mebmer`
    for q in qualified:
        owner, member = q.rsplit(".", 1)
        miss = f"{owner}.{typo(member)}"
        if len(member) > 3 and not index.find(miss, ("function", "class"), None):
            qual_misses.append(miss)

    builds: list[float] = []
    first_miss: list[float] = []
    first_qual: list[float] = []
    for round_ in range(args.repeat):
        cb._name_index = None  # a fresh index, as after an edit
        start = time.perf_counter()
        cb._names()
        builds.append(time.perf_counter() - start)
        first_miss.append(timed(cb.get_symbol, firsts[round_ % len(firsts)]))
        first_qual.append(timed(cb.get_symbol, qual_misses[round_ % len(qual_misses)]))
    qual_times = [timed(cb.get_symbol, n) for n in qual_misses]
    hits = [timed(cb.get_symbols, n) for n in sample]
    miss_times = [timed(cb.get_symbol, n) for n in misses]
    scan_hit = [timed(lambda n: [m for m in names if m == n], n) for n in sample[:20]]
    scan_miss = [timed(lambda n: difflib.get_close_matches(n, names), n) for n in misses[:5]]

    us = 1e6
    rows = [
        ("index build (ms)", statistics.median(builds) * 1e3, None),
        ("hit p50 (us)", quantile(hits, 0.5) * us, statistics.median(scan_hit) * us),
        ("hit p99 (us)", quantile(hits, 0.99) * us, statistics.median(scan_hit) * us),
        ("miss p50 (us)", quantile(miss_times, 0.5) * us, statistics.median(scan_miss) * us),
        ("miss p99 (us)", quantile(miss_times, 0.99) * us, statistics.median(scan_miss) * us),
        ("first miss after build (us)", statistics.median(first_miss) * us, None),
        ("qualified miss p50 (us)", quantile(qual_times, 0.5) * us, None),
        ("qualified miss p99 (us)", quantile(qual_times, 0.99) * us, None),
        ("first qualified miss (us)", statistics.median(first_qual) * us, None),
        ("first qualified, worst (us)", max(first_qual) * us, None),
        ("first miss, worst round (us)", max(first_miss) * us, statistics.median(scan_miss) * us),
    ]
    counts = f"{len(sample)} hits, {len(misses)} misses, {len(qual_misses)} qualified misses"
    print(f"{len(names)} names; {args.repeat} fresh index builds; {counts}")
    print("anchor: linear scan over every name (hit), difflib over every name (miss)")
    print(f"{'figure':<30} {'value':>12} {'anchor':>12} {'ratio':>8}")
    for label, value, anchor in rows:
        if anchor is None:
            print(f"{label:<30} {value:>12.1f} {'-':>12} {'-':>8}")
        else:
            print(f"{label:<30} {value:>12.1f} {anchor:>12.1f} {value / anchor:>8.4f}")
    print("targets: hit < 50 us, every miss (first included) < 5000 us")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
