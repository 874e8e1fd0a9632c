"""Benchmark: what the crash journal adds to a multi-file commit.

Usage:
    python bench/commit_journal.py [--files N] [--repeat N]

Copies N modules of this Python's standard library to a temporary folder and writes them all
with `write_atomically` (temporary files, fsync, journal, renames), alternating with the same
write where the journal file (written and fsynced) is replaced by an empty one, so both
figures see the same load. Prints the medians and the difference.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import graph_sitter.core.edits as edits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=83)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = sorted(stdlib.glob("*.py"))[: args.files]
    real_journal: Callable[..., Any] = edits.write_journal

    def no_journal(root: str, entries: Any) -> str:
        fd, path = tempfile.mkstemp(dir=root)  # emptied after the renames: give it a file
        os.close(fd)
        return path

    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "lib")
        os.mkdir(root)
        for src in sources:
            shutil.copy(src, root)
        contents = {p.name: p.read_bytes() for p in sources}
        with_journal, without = [], []
        for i in range(args.repeat):
            files = {name: data + f"# {i}\n".encode() for name, data in contents.items()}
            for journaled in (True, False) if i % 2 else (False, True):
                edits.write_journal = real_journal if journaled else no_journal  # type: ignore[assignment]
                start = time.perf_counter()
                edits.write_atomically(root, files)
                (with_journal if journaled else without).append(time.perf_counter() - start)
    a, b = statistics.median(with_journal), statistics.median(without)
    print(f"files per commit: {len(sources)}   cores: {os.cpu_count()}   repeats: {args.repeat}")
    print(f"python: {sys.version.split()[0]}   folder: {tempfile.gettempdir()}")
    print()
    print(f"{'figure':<36}{'value (ms)':>12}{'anchor: no journal (ms)':>26}{'added (ms)':>12}")
    label = "commit with journal"
    print(f"{label:<36}{a * 1000:>12.1f}{b * 1000:>26.1f}{(a - b) * 1000:>12.1f}")
    print("target: the journal adds no more than a few ms")


if __name__ == "__main__":
    main()
