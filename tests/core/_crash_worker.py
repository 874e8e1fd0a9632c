"""Kill real multi-file commits at random points; repair; report what the tree looked like.

Run by `test_commit_crash.py` as `python _crash_worker.py ROOT CACHE TRIALS SEED BUDGET_S`
(trials stop early once BUDGET_S seconds are spent). This process builds the graph once and
queues a set of renames touching about twenty files; each trial forks a child that commits them
and is killed with SIGKILL, either at a random step (the N-th call into `os` made by the commit
machinery) or after a random delay in microseconds once it signals that the commit starts; in
"fail" trials a random rename also fails with an I/O error, so the kill may land while the
commit undoes the files it already replaced. The worker then opens a `Codebase` on the root
(which repairs), compares every file with its old and new content, and restores the old tree.
One JSON line is printed.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import graph_sitter.core.edits as edits_module
import graph_sitter.core.journal as journal_module
from graph_sitter import Codebase
from graph_sitter.core.edits import CommitError


class KillingOs:
    """Stands in for `os` in the commit modules: counts calls, SIGKILLs itself at call `at`.

    With `fail_replace=k`, the k-th `os.replace` raises an I/O error instead (the commit then
    undoes the files it already replaced), and `at` counts only the calls after that failure.
    """

    def __init__(self, at: int, fail_replace: int = 0) -> None:
        self.at = at
        self.fail_replace = fail_replace
        self.replaces = 0
        self.calls = 0
        self.lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        value = getattr(os, name)
        if not callable(value) or isinstance(value, type):
            return value

        def step(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                if not self.fail_replace or self.replaces >= self.fail_replace:
                    self.calls += 1
                if self.at and self.calls == self.at:
                    os.kill(os.getpid(), signal.SIGKILL)
                if name == "replace":
                    self.replaces += 1
                    if self.replaces == self.fail_replace:
                        raise OSError(errno.EIO, "Input/output error (injected)")
            return value(*args, **kwargs)

        return step


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*.py")
        if ".graph-sitter" not in p.parts
    }


def leftovers(root: Path) -> tuple[list[str], list[str]]:
    temps = [str(p) for p in root.rglob(".gs-*.tmp")]
    journals = [str(p) for p in (root / ".graph-sitter").rglob("*.journal") if p.stat().st_size]
    return temps, journals


def queue_renames(cb: Codebase, want_files: int) -> int:
    ranked = []
    for sym in [*cb.functions, *cb.classes, *cb.global_vars]:
        if sym._rec.parent == -1:
            files = {u.filepath for u in sym.usages()}
            ranked.append((-len(files), sym.filepath, sym.name))
    for _, path, name in sorted(ranked):
        cb.get_symbol(f"{path}::{name}").rename(f"{name}_renamed")  # type: ignore[union-attr]
        if len(cb._tx.edits) >= want_files:
            break
    return len(cb._tx.edits)


def run_child(
    cb: Codebase, at: int, ready: int | None, report: int | None, fail_replace: int = 0
) -> None:
    """In the forked child: commit (killed on the way, unless `at` is past the last step)."""
    killer = KillingOs(at, fail_replace)
    edits_module.os = killer  # type: ignore[assignment]
    journal_module.os = killer  # type: ignore[assignment]
    if ready is not None:
        os.write(ready, b"r")
    start = time.perf_counter()
    try:
        cb.commit()
    except CommitError:
        if not fail_replace:
            raise
    if report is not None:
        os.write(report, json.dumps([killer.calls, time.perf_counter() - start]).encode())
    os._exit(0)


def restore(root: Path, old: dict[str, bytes], rels: list[str]) -> None:
    for rel in rels:
        path = root / rel
        if not path.exists() or path.read_bytes() != old[rel]:
            path.unlink(missing_ok=True)  # a new file: ext4 does not flush it on close
            path.write_bytes(old[rel])


def main() -> None:
    root, cache = Path(sys.argv[1]), sys.argv[2]
    trials, seed, budget = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    stop_at = time.monotonic() + budget
    rng = random.Random(seed)
    cb = Codebase(root, cache_dir=cache)
    edited = queue_renames(cb, 20)
    old = snapshot(root)

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        run_child(cb, 0, None, write_end)
    os.waitpid(pid, 0)
    steps, duration = json.loads(os.read(read_end, 1000))
    new = snapshot(root)
    changed = sorted(k for k in old if old[k] != new[k])
    restore(root, old, changed)
    # The longest undoing: the last rename fails, every other file is undone.
    pid = os.fork()
    if pid == 0:
        run_child(cb, 0, None, write_end, fail_replace=edited)
    os.waitpid(pid, 0)
    fail_steps = json.loads(os.read(read_end, 1000))[0]
    assert snapshot(root) == old, "a failed commit did not restore the tree"

    outcomes = []
    for trial in range(trials):
        if time.monotonic() > stop_at:
            break
        mode = ("timer", "step", "step", "fail")[trial % 4]
        at = {"step": rng.randint(1, steps), "fail": rng.randint(1, fail_steps)}.get(mode, 0)
        fail_replace = 0
        if mode == "fail":  # often the very first rename: nothing to undo, only to clean
            fail_replace = 1 if trial % 16 == 3 else rng.randint(1, edited)
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            run_child(cb, at, ready_w if mode == "timer" else None, None, fail_replace)
        os.close(ready_w)
        if mode == "timer":
            os.read(ready_r, 1)
            deadline = time.perf_counter() + rng.uniform(0, duration * 1.2)
            while time.perf_counter() < deadline:
                pass
            os.kill(pid, signal.SIGKILL)
        os.close(ready_r)
        _, status = os.waitpid(pid, 0)
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        temps_before, journals_before = leftovers(root)

        Codebase(root, cache_dir=cache)  # repairs

        now = snapshot(root)
        torn = [k for k in old if now.get(k) not in (old[k], new[k])]
        mixed_new = sorted(k for k in changed if now.get(k) == new[k])
        if torn:
            result = "torn"
        elif all(now[k] == new[k] for k in old):
            result = "new"
        elif all(now[k] == old[k] for k in old):
            result = "old"
        else:
            result = "mixed"
        temps_after, journals_after = leftovers(root)
        outcomes.append(
            {
                "mode": mode,
                "at": at,
                "fail_replace": fail_replace,
                "killed": killed,
                "journal_before": bool(journals_before),
                "temps_before": len(temps_before),
                "result": result,
                "torn": torn,
                "new_files": mixed_new if result == "mixed" else [],
                "temps_after": temps_after,
                "journals_after": journals_after,
            }
        )
        restore(root, old, changed)
    print(json.dumps({"edited": edited, "changed": changed, "steps": steps, "outcomes": outcomes}))


if __name__ == "__main__":
    main()
