"""A cache never changes an answer: cold, warm and incremental builds give the same graph.

The corpus is real code: a few standard-library packages copied from the running Python.
"""

from __future__ import annotations

import os
import shutil
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from graph_sitter import Codebase
from graph_sitter.core.parse import ParsedFile, graph_cache_key
from graph_sitter.core.symbols import SourceFile

STDLIB = Path(sysconfig.get_paths()["stdlib"])
PACKAGES = ("asyncio", "email", "json", "importlib", "encodings")


def graph_snapshot(cb: Codebase) -> dict[tuple[Any, ...], Any]:
    """Every import's target and every definition's usages (file, position, kind)."""
    out: dict[tuple[Any, ...], Any] = {}
    for imp in cb.imports:
        target = imp.resolved_symbol
        where: Any
        if target is None:
            where = None
        elif isinstance(target, SourceFile):
            where = (target.filepath,)
        else:
            where = (target.filepath, target.qualified_name, target.start_byte)
        out[("import", imp.filepath, imp.start_byte, imp.name)] = where
    for group in (cb.functions, cb.methods, cb.classes, cb.global_vars):
        for sym in group:
            out[("usages", sym.filepath, sym.start_byte, sym.name)] = sorted(
                (u.filepath, u.start_point, u.end_point, u.kind) for u in sym.usages()
            )
    return out


def assert_same_graph(got: dict[tuple[Any, ...], Any], want: dict[tuple[Any, ...], Any]) -> None:
    differ = sorted((k for k in got.keys() | want.keys() if got.get(k) != want.get(k)), key=str)
    shown = [(k, got.get(k), want.get(k)) for k in differ[:10]]
    assert not differ, f"{len(differ)} differences, first: {shown}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "lib"
    ignore = shutil.ignore_patterns("__pycache__", "test", "tests")
    for name in PACKAGES:
        shutil.copytree(STDLIB / name, root / name, ignore=ignore)
    return root


def test_cold_warm_and_incremental_builds_give_the_same_graph(corpus: Path, tmp_path: Path) -> None:
    tree = tmp_path / "lib"
    shutil.copytree(corpus, tree)
    cache = str(tmp_path / "cache")

    cold = graph_snapshot(Codebase(tree, cache_dir=cache))
    warm_cb = Codebase(tree, cache_dir=cache)
    assert all(pf.from_cache for pf in warm_cb._graph.files)
    warm = graph_snapshot(warm_cb)
    assert_same_graph(warm, cold)
    # The shapes of issue 12 (defect 2) resolve to the submodule in both.
    futures = warm_cb.get_file("asyncio/futures.py")
    assert futures is not None
    events = futures.get_import("events")
    assert events is not None and isinstance(events.resolved_symbol, SourceFile)
    assert events.resolved_symbol.filepath == "asyncio/events.py"
    assert len(cold) > 4000

    # Incremental: a rename (identifiers only), an edit that re-parses, a new file.
    cb = warm_cb
    get_loop = cb.get_symbol("asyncio/coroutines.py::iscoroutine")
    assert get_loop is not None and len(get_loop.usages()) > 5
    get_loop.rename("is_coroutine_object")
    cb.commit()
    loads = cb.get_function("json/__init__.py::loads")
    assert loads is not None
    loads.insert_after("def loads_twice(s):\n    return loads(loads(s))")
    message = cb.get_file("email/message.py")
    assert message is not None
    message.edit(message.content.replace("import quopri\n", "import quopri\nimport json\n", 1))
    cb.commit()
    cb.create_file("json/extra.py", "from . import decoder\nfrom json import loads_twice\n")
    cb.commit()
    policy = cb.get_class("email/_policybase.py::Policy")
    assert policy is not None
    policy.rename("BasePolicy")
    cb.commit()
    incremental = graph_snapshot(cb)

    fresh = graph_snapshot(Codebase(tree, cache_dir=""))
    assert_same_graph(incremental, fresh)
    rewarm = graph_snapshot(Codebase(tree, cache_dir=cache))
    assert_same_graph(rewarm, fresh)
    assert fresh != cold  # the edits did change the graph


def test_cache_key_covers_paths_contents_root_and_inputs() -> None:
    def parsed(path: str, digest: str) -> ParsedFile:
        return ParsedFile(path, "python", b"", "utf-8", digest, None)  # type: ignore[arg-type]

    base = graph_cache_key([parsed("a.py", "d1")], "root")
    assert base is not None
    assert graph_cache_key([parsed("a.py", "d2")], "root") != base
    assert graph_cache_key([parsed("b.py", "d1")], "root") != base
    assert graph_cache_key([parsed("a.py", "d1")], "other") != base
    assert graph_cache_key([parsed("a.py", "d1")], "root", [("tsconfig.json", b"{}")]) != base
    assert graph_cache_key([parsed("a.py", "")], "root") is None  # edited in memory


def test_a_file_name_that_is_not_utf8_works_with_and_without_the_cache(tmp_path: Path) -> None:
    root = os.fsencode(tmp_path / "proj")
    os.makedirs(os.path.join(root, b"pkg"))
    odd = os.path.join(root, b"pkg", b"caf\xe9.py")
    with open(odd, "wb") as handle:
        handle.write(b"def brew():\n    return 1\n\n\ndef serve():\n    return brew()\n")
    with open(os.path.join(root, b"pkg", b"__init__.py"), "wb"):
        pass
    cache = str(tmp_path / "cache")
    for cache_dir in ("", cache, cache):
        cb = Codebase(os.fsdecode(root), cache_dir=cache_dir)
        assert [f.filepath for f in cb.files] == ["pkg/__init__.py", "pkg/caf\udce9.py"]
        brew = cb.get_function("brew")
        assert brew is not None and brew.filepath == "pkg/caf\udce9.py"
        assert [u.start_point for u in brew.usages()] == [(5, 11)]
    brew.rename("pour")
    cb.commit()
    with open(odd, "rb") as handle:
        assert handle.read() == b"def pour():\n    return 1\n\n\ndef serve():\n    return pour()\n"
    again = Codebase(os.fsdecode(root), cache_dir=cache)
    pour = again.get_function("pkg/caf\udce9.py::pour")
    assert pour is not None and len(pour.usages()) == 1
