"""Check: usages of exported functions against the TypeScript language service's findReferences.

Usage:
    npm install --prefix /tmp/tsls typescript@5
    python bench/ts_references.py --root PATH --typescript /tmp/tsls/node_modules/typescript \\
        [--tsconfig tsconfig.json] [--sample 80]

Samples exported module-level functions of PATH (seeded), lists their usages from the graph
(import statements left out), and runs `bench/ts_references.js` under node, which builds a
language service over the same files with the given tsconfig's options and calls
`findReferences` on each function. References in import/export statements, definitions and JSDoc
`{@link}`s are TypeScript's only; our usage is *verified* when findReferences lists it or when
`getDefinitionAtPosition` at it lands on the function, *unverifiable* when the checker cannot
resolve the alias there (typically a dependency that is not installed). Prints precision (over
verifiable usages) and recall. Needs node; not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

from graph_sitter import Codebase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--typescript", required=True, help="folder of the typescript package")
    parser.add_argument("--tsconfig", default="tsconfig.json", help="relative to --root")
    parser.add_argument("--sample", type=int, default=80)
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    cb = Codebase(root, language="typescript", cache_dir="")
    functions = [
        fn
        for fn in cb.functions
        if fn._rec.parent == -1 and fn._rec.is_exported and not fn.filepath.endswith(".d.ts")
    ]
    random.Random(7).shuffle(functions)
    items = []
    for fn in functions[: args.sample]:
        content = cb._graph.files[fn._f].content
        start = fn._rec.name_start
        line = content.count(b"\n", 0, start)
        col = start - (content.rfind(b"\n", 0, start) + 1)
        ours = [
            [u.filepath, u.start_point[0], u.start_point[1]]
            for u in fn.usages()
            if u.kind != "import"
        ]
        items.append({"file": fn.filepath, "name": fn.name, "line": line, "col": col, "ours": ours})
    files = [pf.path for pf in cb._graph.files]
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ts_references.js")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"root": root, "files": files, "items": items}, handle)
    try:
        result = subprocess.run(
            ["node", "--max-old-space-size=6000", script, handle.name, args.tsconfig],
            env={**os.environ, "TYPESCRIPT": os.path.abspath(args.typescript)},
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    if result.returncode != 0:
        sys.exit(f"node failed: {result.stderr.strip()[-2000:]}")
    print(f"tree: {root}; {len(functions)} exported functions, {len(items)} sampled")
    print(f"cores: {os.cpu_count()}   python: {sys.version.split()[0]}")
    print(result.stdout.rstrip())


if __name__ == "__main__":
    main()
