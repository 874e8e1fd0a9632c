"""Benchmark: share of internal TypeScript imports the graph resolves to a file of the tree.

Usage:
    python bench/ts_resolution.py --root PATH [--show N]

Builds the TypeScript graph of PATH (no cache) and, for every import and re-export record, asks
the module resolver how its specifier resolves. An import is *internal* when its specifier is
relative, matches a `paths` pattern of the importer's tsconfig, resolves under `baseUrl`, or names
a workspace package (or the importer's own package). Prints the share of internal imports
that reach a file (imports of assets such as `./a.css` are counted apart), next to the anchor of
relative-path-only resolution (what the graph did before tsconfig and workspace support), and the
unresolved ones grouped by reason with examples.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict

from graph_sitter import Codebase
from graph_sitter.core._records import IMPORT
from graph_sitter.core.languages.typescript import module_resolver
from graph_sitter.core.languages.typescript.modules import resolve_relative


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder of a TypeScript tree")
    parser.add_argument("--show", type=int, default=3, help="examples per reason")
    args = parser.parse_args()
    start = time.perf_counter()
    cb = Codebase(args.root, language="typescript", cache_dir="")
    built = time.perf_counter() - start
    graph = cb._graph
    exists = graph.file_index.__contains__
    total = resolved = relative_only = assets = 0
    by_via: Counter[str] = Counter()
    reasons: dict[str, list[str]] = defaultdict(list)
    start = time.perf_counter()
    for pf in graph.files:
        for rec in pf.index.defs:
            if rec.kind != IMPORT or not rec.module:
                continue
            result = module_resolver(graph).explain(pf.path, rec.module)
            if not result.internal:
                continue
            if result.via == "asset":
                assets += 1
                continue
            total += 1
            by_via[result.via] += 1
            if result.path is not None:
                resolved += 1
            else:
                reason = f"{result.via}: {result.reason}"
                reasons[reason].append(f"{pf.path}: {rec.module!r}")
            if resolve_relative(pf.path, rec.module, exists) is not None:
                relative_only += 1
    resolving = time.perf_counter() - start
    share = resolved / total if total else 1.0
    anchor = relative_only / total if total else 1.0
    print(f"tree: {os.path.abspath(args.root)}; {len(graph.files)} files; built in {built:.1f} s")
    print(f"cores: {os.cpu_count()}   python: {sys.version.split()[0]}")
    print(f"internal imports: {total} ({', '.join(f'{k} {v}' for k, v in by_via.most_common())})")
    print(f"relative imports of assets (css, json, ...; not counted): {assets}")
    print(f"explaining every import took {resolving:.2f} s")
    print()
    print(f"{'figure':<40}{'value':>10}{'anchor: relative paths only':>30}{'ratio':>8}")
    ratio = share / anchor if anchor else float("inf")
    print(f"{'internal imports resolved':<40}{share:>10.1%}{anchor:>30.1%}{ratio:>7.2f}x")
    print("target: >= 98% on vue core and theia")
    if reasons:
        print()
        print("unresolved internal imports by reason:")
        for reason, items in sorted(reasons.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(items):>6}  {reason}")
            for example in items[: args.show]:
                print(f"            {example}")


if __name__ == "__main__":
    main()
