"""Bad input never crashes `Codebase(...)`; each case is reported and the rest still works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.core.errors import (
    CodebaseLoadError,
    PathOutsideCodebaseError,
    UnsupportedLanguageError,
)


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    (tmp_path / "good.py").write_text("def ok():\n    return 1\n")
    (tmp_path / "latin.py").write_bytes(
        b"# -*- coding: latin-1 -*-\ndef caf\xe9():\n    return '\xe9'\n\ndef plain():\n    pass\n"
    )
    (tmp_path / "broken_utf8.py").write_bytes(b"def f():\n    return '\xff\xfe'\n")
    (tmp_path / "binary.py").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "syntax.py").write_text(
        "def good():\n    pass\n\ndef bad(:\n    pass\n\nclass After:\n    pass\n"
    )
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "huge.py").write_text("x = 1\n" * 200_000)
    os.symlink("loop_b.py", tmp_path / "loop_a.py")
    os.symlink("loop_a.py", tmp_path / "loop_b.py")
    os.symlink(tmp_path, tmp_path / "self_link")  # a folder symlink loop
    outside = tmp_path.parent / f"{tmp_path.name}_outside.py"
    outside.write_text("def secret(): pass\n")
    os.symlink(outside, tmp_path / "escape.py")
    for vendored in ("node_modules/pkg", ".venv/lib", "build"):
        (tmp_path / vendored).mkdir(parents=True)
        (tmp_path / vendored / "vendored.py").write_text("def vendored(): pass\n")
    (tmp_path / ".gitignore").write_text("generated/\n*.gen.py\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "g.py").write_text("def generated(): pass\n")
    (tmp_path / "x.gen.py").write_text("def generated2(): pass\n")
    return tmp_path


def test_messy_tree_builds_and_reports_everything(messy: Path) -> None:
    cb = Codebase(messy, cache_dir="", max_file_bytes=1_000_000)
    paths = {f.filepath for f in cb.files}
    assert paths == {"good.py", "latin.py", "broken_utf8.py", "syntax.py", "empty.py"}
    reasons = {s.path: s.reason for s in cb.skipped}
    assert reasons["binary.py"] == "binary"
    assert reasons["huge.py"].startswith("too large")
    assert reasons["loop_a.py"].startswith("unreadable")
    assert reasons["loop_b.py"].startswith("unreadable")
    assert reasons["escape.py"] == "symlink outside the root"
    assert reasons["self_link"].startswith("symlinked folder")
    assert reasons["node_modules"].startswith("vendored")
    assert reasons[".venv"].startswith("vendored")
    assert reasons["build"].startswith("vendored")
    assert reasons["generated"] == "gitignored"
    assert reasons["x.gen.py"] == "gitignored"
    names = {fn.name for fn in cb.functions}
    # Everything that parses is kept, including the parts of a file around a syntax error.
    assert {"ok", "café", "plain", "good", "f"} <= names
    assert cb.get_class("After").filepath == "syntax.py"
    problems = dict(cb.problems)
    assert problems["broken_utf8.py"] == "not valid utf-8 (byte 0xff at offset 21)"
    assert "syntax error" in problems["syntax.py"]
    assert cb.get_file("syntax.py").syntax_errors
    assert cb.get_file("latin.py").encoding == "latin-1"
    assert cb.get_function("café").source.startswith("def café():")
    assert cb.get_file("empty.py").symbols == []


def test_everything_can_be_included(messy: Path) -> None:
    cb = Codebase(messy, cache_dir="", respect_gitignore=False, exclude_dirs=())
    paths = {f.filepath for f in cb.files}
    assert {"generated/g.py", "x.gen.py", "node_modules/pkg/vendored.py", "huge.py"} <= paths


def test_paths_outside_the_root_are_refused(messy: Path) -> None:
    cb = Codebase(messy, cache_dir="")
    with pytest.raises(PathOutsideCodebaseError):
        cb.get_file("../etc/passwd")
    with pytest.raises(PathOutsideCodebaseError):
        cb.get_file("/etc/passwd")
    assert cb.get_file(str(messy / "good.py")).filepath == "good.py"


def test_bad_roots_and_languages(tmp_path: Path) -> None:
    with pytest.raises(CodebaseLoadError):
        Codebase(tmp_path / "missing")
    with pytest.raises(UnsupportedLanguageError):
        Codebase(tmp_path, language="cobol")
    assert Codebase(tmp_path, cache_dir="").files == []


def test_cache_gives_the_same_graph(tmp_path: Path) -> None:
    src = Path(__file__).parent.parent / "fixtures" / "python"
    cache = tmp_path / "cache"
    cold = Codebase(src, cache_dir=str(cache))
    warm = Codebase(src, cache_dir=str(cache))
    assert any(cache.rglob("*.pkl"))
    assert len(list(cache.rglob("graphs/*.pkl"))) == 1  # the resolved graph is cached too
    assert all(pf.from_cache for pf in warm._graph.files)
    assert [repr(s) for s in warm.symbols] == [repr(s) for s in cold.symbols]
    before = [(u.filepath, u.start_byte) for u in cold.get_function("total_price").usages()]
    after = [(u.filepath, u.start_byte) for u in warm.get_function("total_price").usages()]
    assert before == after
    # A corrupted cache entry is ignored, not trusted.
    for entry in cache.rglob("*.pkl"):
        entry.write_bytes(b"garbage")
    again = Codebase(src, cache_dir=str(cache))
    assert not any(pf.from_cache for pf in again._graph.files)
    assert [repr(s) for s in again.symbols] == [repr(s) for s in cold.symbols]


def test_parallel_build_matches_serial(tmp_path: Path) -> None:
    # Enough bytes to use worker processes; the graph must not depend on it.
    for i in range(40):
        body = "".join(f"def f{i}_{j}(x):\n    return helper(x) + {j}\n\n" for j in range(1000))
        (tmp_path / f"m{i}.py").write_text(f"from util import helper\n\n{body}")
    (tmp_path / "util.py").write_text("def helper(x):\n    return x\n")
    code = (
        "import sys; from graph_sitter import Codebase; "
        "cb = Codebase(sys.argv[1], cache_dir='', workers=int(sys.argv[2])); "
        "print(len(cb.functions), len(cb.get_function('helper').usages()))"
    )
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code, str(tmp_path), str(w)],
            capture_output=True, text=True, check=True,
        ).stdout.split()
        for w in (1, 2)
    ]  # fmt: skip
    assert outputs[0] == outputs[1] == [str(40 * 1000 + 1), str(40 * 1000 + 40)]


def test_an_extractor_failure_on_one_file_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph_sitter.core.languages import python as py

    real = py.extract

    def flaky(content: bytes, tree: object) -> object:
        if b"BOOM" in content:
            raise RuntimeError("extractor bug")
        return real(content, tree)  # type: ignore[arg-type]

    monkeypatch.setattr(py, "extract", flaky)
    (tmp_path / "ok.py").write_text("def fine():\n    pass\n")
    (tmp_path / "bad.py").write_text("BOOM = 1\n")
    cb = Codebase(tmp_path, cache_dir="")
    assert [f.name for f in cb.functions] == ["fine"]
    assert dict(cb.problems)["bad.py"] == "could not be analysed (RuntimeError: extractor bug)"
