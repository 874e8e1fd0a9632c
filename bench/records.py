"""Benchmark: why dotted chains stay plain tuples in the parse cache.

Usage:
    python bench/records.py [--corpus PATH] [--repeat N]

Extracts every Python file of the corpus (default: this Python's standard library, tests left
out), then pickles and unpickles all their `FileIndex.chains` as they are (plain tuples, the
anchor) and as instances of a named tuple with the same fields. Prints the medians of N runs and
the ratios: the cost a named record would add to every warm build that loads the cache.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import sysconfig
import time
from typing import Any, NamedTuple

from graph_sitter.core._records import Chain
from graph_sitter.core.parse import parse_one


class NamedChain(NamedTuple):
    head: int
    head_kind: int
    owner: int
    components: tuple[tuple[int, int], ...]
    last_call: int


def _chains(root: str) -> list[Chain]:
    out: list[Chain] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("test", "tests", "idle_test", "site-packages")]
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    content = handle.read()
                try:
                    out.extend(parse_one(os.path.relpath(path, root), content)[1].chains)
                except (ValueError, UnicodeDecodeError):
                    continue
    return out


def _median(repeat: int, fn: Any) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    plain = _chains(args.corpus)
    named = [NamedChain(*c) for c in plain]
    plain_blob, named_blob = pickle.dumps(plain, 5), pickle.dumps(named, 5)
    rows = [
        (
            "dump",
            _median(args.repeat, lambda: pickle.dumps(named, 5)),
            _median(args.repeat, lambda: pickle.dumps(plain, 5)),
        ),
        (
            "load",
            _median(args.repeat, lambda: pickle.loads(named_blob)),
            _median(args.repeat, lambda: pickle.loads(plain_blob)),
        ),
    ]
    print(f"{len(plain):,} chains from {args.corpus}; medians of {args.repeat} runs")
    print(f"{'':6} {'named tuple':>12} {'plain tuple':>12} {'ratio':>7}")
    for label, t_named, t_plain in rows:
        ratio = t_named / t_plain
        print(f"{label:6} {t_named * 1000:9.1f} ms {t_plain * 1000:9.1f} ms {ratio:6.2f}x")
    print(f"bytes  {len(named_blob):>12,} {len(plain_blob):>12,}")


if __name__ == "__main__":
    main()
