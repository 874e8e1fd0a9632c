"""A commit killed at any point leaves, after repair, every file old or every file new."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from graph_sitter import Codebase
from graph_sitter.cli.main import cli
from graph_sitter.core.journal import JournalEntry, content_hash, write_journal

WORKER = Path(__file__).with_name("_crash_worker.py")
TRIALS = 300
BUDGET_S = 22.0


def test_sigkill_at_random_points_of_real_commits_is_repaired(tmp_path: Path) -> None:
    # A killed process loses nothing the kernel already has, so the tree may live in memory
    # (tmpfs, where fsync costs nothing) and more trials fit in the time budget.
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else tmp_path) as scratch:
        root = Path(scratch) / "proj"
        email = Path(sysconfig.get_paths()["stdlib"]) / "email"
        shutil.copytree(email, root / "email", ignore=shutil.ignore_patterns("__pycache__"))
        args = [str(root), str(Path(scratch) / "cache"), str(TRIALS), "7", str(BUDGET_S)]
        run = subprocess.run(
            [sys.executable, str(WORKER), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    outcomes = report["outcomes"]
    assert report["edited"] >= 20 and len(report["changed"]) == report["edited"]
    assert len(outcomes) >= 100, f"only {len(outcomes)} trials in {BUDGET_S} s"

    seen = Counter((o["journal_before"], o["result"]) for o in outcomes)
    for o in outcomes:
        assert o["result"] in ("old", "new"), o  # never a torn file, never a mixed set
        assert o["temps_after"] == [] and o["journals_after"] == [], o
        if o["journal_before"] and o["mode"] != "fail":
            assert o["result"] == "new", o  # a complete journal is rolled forward
    # The kills landed everywhere: while temporary files were written (the tree stays old and
    # the temporary files go), and between the journal and the last rename (rolled forward).
    assert sum(o["killed"] for o in outcomes) >= len(outcomes) * 0.7
    assert seen[(True, "new")] >= 8, seen
    assert sum(1 for o in outcomes if o["result"] == "old" and o["temps_before"]) >= 10, seen
    # Failed renames: the undoing itself is journaled; killed during it, repair finishes it.
    failed = [o for o in outcomes if o["mode"] == "fail"]
    assert len(failed) >= 20
    assert sum(1 for o in failed if o["journal_before"] and o["result"] == "old") >= 3, seen


def _package(root: Path) -> dict[str, bytes]:
    root.mkdir()
    files = {"a.py": b"def f():\n    return 1\n", "b.py": b"from a import f\n\nf()\n"}
    for name, content in files.items():
        (root / name).write_bytes(content)
    return files


def test_an_incomplete_journal_is_discarded_with_its_temporary_files(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    files = _package(root)
    (root / ".gs-abc123.tmp").write_bytes(b"def g():\n    return 1\n")
    entries = [JournalEntry(".gs-abc123.tmp", "a.py", "rename", "0" * 32, None)]
    path = Path(write_journal(str(root), entries))
    path.write_bytes(path.read_bytes()[:-20])  # killed while writing it: no checksum line

    cb = Codebase(root, cache_dir="")

    assert {f.filepath: f.content.encode() for f in cb.files} == files
    assert list(root.rglob(".gs-*")) == [] and list(root.rglob("*.journal")) == []
    assert [f.filepath for f in cb.files] == ["a.py", "b.py"]  # .graph-sitter/ is not read


def test_a_complete_journal_rolls_forward_but_keeps_later_user_changes(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    files = _package(root)
    new_a, new_b = b"def g():\n    return 1\n", b"from a import g\n\ng()\n"
    (root / ".gs-1.tmp").write_bytes(new_a)
    (root / ".gs-2.tmp").write_bytes(new_b)
    old_a, old_b = content_hash(files["a.py"]), content_hash(files["b.py"])
    write_journal(
        str(root),
        [
            JournalEntry(".gs-1.tmp", "a.py", "rename", content_hash(new_a), old_a),
            JournalEntry(".gs-2.tmp", "b.py", "rename", content_hash(new_b), old_b),
        ],
    )
    (root / "b.py").write_bytes(b"# edited by the user after the crash\n")

    result = CliRunner().invoke(cli, ["repair", str(root)])

    assert result.exit_code == 0, result.output
    assert "1 file(s) rolled forward" in result.output and "b.py" in result.output
    assert (root / "a.py").read_bytes() == new_a
    assert (root / "b.py").read_bytes() == b"# edited by the user after the crash\n"
    assert list(root.rglob(".gs-*")) == [] and list(root.rglob("*.journal")) == []
    again = CliRunner().invoke(cli, ["repair", str(root)])
    assert again.exit_code == 0 and "nothing to repair" in again.output


def test_repair_removes_stray_temporary_files_anywhere(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    _package(root)
    (root / "deep" / "er").mkdir(parents=True)
    (root / "deep" / "er" / ".gs-zz.tmp").write_text("half")
    os.mkdir(root / "node_modules")
    (root / "node_modules" / ".gs-yy.tmp").write_text("half")
    result = CliRunner().invoke(cli, ["repair", str(root)])
    assert result.exit_code == 0, result.output
    assert "removed 2 temporary file(s)" in result.output
    assert list(root.rglob(".gs-*")) == []
