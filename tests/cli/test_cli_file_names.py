"""File names that are not valid UTF-8 in CLI output (issue 12, defect 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ENTRY = str(Path(sys.executable).parent / "graph-sitter")


def run(cache: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRAPH_SITTER_CACHE_DIR": cache, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [ENTRY, *args],
        capture_output=True,
        encoding="utf-8",
        errors="surrogateescape",
        env=env,
        timeout=120,
        check=False,
    )


def test_symbols_and_usages_of_a_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    root = os.fsencode(tmp_path / "proj")
    os.makedirs(root)
    with open(os.path.join(root, b"caf\xe9.py"), "wb") as handle:
        handle.write(b"def brew():\n    return 1\n\n\ndef serve():\n    return brew()\n")
    cache = str(tmp_path / "cache")
    for cache_dir in ("off", cache, cache):  # without the cache, filling it, reading it
        listed = run(cache_dir, "symbols", os.fsdecode(root), "--json")
        assert listed.returncode == 0, listed.stderr
        assert [(s["name"], s["file"]) for s in json.loads(listed.stdout)] == [
            ("brew", "caf\udce9.py"),
            ("serve", "caf\udce9.py"),
        ]
        table = run(cache_dir, "usages", os.fsdecode(root), "brew")
        assert table.returncode == 0, table.stderr
        assert "caf\udce9.py" in table.stdout  # printed as the name's own bytes
        analyzed = run(cache_dir, "analyze", os.fsdecode(root), "--json")
        assert analyzed.returncode == 0, analyzed.stderr
        assert json.loads(analyzed.stdout)["files"] == 1
