"""Benchmark: our graph build versus the upstream graph-sitter 0.56 on the same corpus.

Usage:
    python bench/vs_upstream.py [--packages json,email,...] [--upstream-python PATH]

The upstream package needs Python 3.12 and a git repository, so the script copies the named
standard-library packages into a temporary git repository and, unless `--upstream-python` is
given, creates a Python 3.12 virtual environment (from `pyenv prefix 3.12.1`) with
`graph-sitter==0.56.14` (and `mini-racer==0.12.4`, the last release its import works with).
Each side builds the graph in a fresh process (our parse cache off); the table shows the median
of N runs, peak RSS, and how many functions and classes each found.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

OURS = r"""
import json, resource, sys, time
from graph_sitter import Codebase
t = time.perf_counter()
cb = Codebase(sys.argv[1], language="python", cache_dir="")
fns = {(f.filepath, f.name) for f in cb.functions if f._rec.parent == -1}
print(json.dumps({"seconds": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "functions": sorted(fns), "classes": len(cb.classes)}))
"""

UPSTREAM = r"""
import json, logging, resource, sys, time
logging.disable(logging.CRITICAL)
from graph_sitter import Codebase
t = time.perf_counter()
cb = Codebase(sys.argv[1], language="python")
fns = {(f.filepath, f.name) for f in cb.functions}
print(json.dumps({"seconds": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "functions": sorted(fns), "classes": len(cb.classes)}))
"""


def upstream_python(tmp: str) -> str:
    base = subprocess.run(
        ["pyenv", "prefix", "3.12.1"], capture_output=True, text=True, check=True
    ).stdout.strip()
    venv = os.path.join(tmp, "upstream-venv")
    subprocess.run([f"{base}/bin/python", "-m", "venv", venv], check=True)
    pip = [f"{venv}/bin/python", "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "graph-sitter==0.56.14", "mini-racer==0.12.4"], check=True)
    return f"{venv}/bin/python"


def run(python: str, code: str, root: str) -> dict[str, object]:
    out = subprocess.run(
        [python, "-c", code, root],
        capture_output=True,
        text=True,
        check=True,
        cwd=os.path.dirname(root),  # not the corpus: its packages would shadow the stdlib
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", default="json,email,asyncio,importlib,logging,http")
    parser.add_argument("--upstream-python", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    stdlib = sysconfig.get_paths()["stdlib"]
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "corpus")
        os.makedirs(root)
        for name in args.packages.split(","):
            shutil.copytree(
                os.path.join(stdlib, name),
                os.path.join(root, name),
                ignore=shutil.ignore_patterns("__pycache__", "test", "tests"),
            )
        git = ["git", "-c", "user.email=bench@example.invalid", "-c", "user.name=bench"]
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        subprocess.run([*git, "commit", "-qm", "corpus"], cwd=root, check=True)
        lines = sum(
            Path(d, f).read_bytes().count(b"\n")
            for d, _, files in os.walk(root)
            if ".git" not in d
            for f in files
            if f.endswith(".py")
        )
        up_python = args.upstream_python or upstream_python(tmp)
        ours = [run(sys.executable, OURS, root) for _ in range(args.repeat)]
        theirs = [run(up_python, UPSTREAM, root) for _ in range(args.repeat)]
    ours_s = statistics.median(float(r["seconds"]) for r in ours)  # type: ignore[arg-type]
    theirs_s = statistics.median(float(r["seconds"]) for r in theirs)  # type: ignore[arg-type]
    our_fns = {tuple(x) for x in ours[0]["functions"]}  # type: ignore[attr-defined]
    their_fns = {tuple(x) for x in theirs[0]["functions"]}  # type: ignore[attr-defined]
    print(f"corpus: stdlib packages {args.packages} ({lines} lines), git repository copy")
    print(f"cores: {os.cpu_count()}   repeats: {args.repeat}")
    print()
    print(f"{'figure':<34}{'graph-sitter (ours)':>22}{'upstream 0.56':>16}{'ratio':>10}")
    print(
        f"{'graph build, median s':<34}{ours_s:>22.3f}{theirs_s:>16.3f}{theirs_s / ours_s:>9.1f}x"
    )
    rss_o, rss_t = float(ours[0]["rss_mb"]), float(theirs[0]["rss_mb"])  # type: ignore[arg-type]
    print(f"{'peak RSS, MB':<34}{rss_o:>22.0f}{rss_t:>16.0f}{rss_t / rss_o:>9.1f}x")
    print(f"{'module-level functions':<34}{len(our_fns):>22}{len(their_fns):>16}")
    print(f"{'classes':<34}{ours[0]['classes']:>22}{theirs[0]['classes']:>16}")
    only_ours, only_theirs = sorted(our_fns - their_fns), sorted(their_fns - our_fns)
    print(f"functions only we found: {len(only_ours)} {only_ours[:5]}")
    print(f"functions only upstream found: {len(only_theirs)} {only_theirs[:5]}")


if __name__ == "__main__":
    main()
