"""Freshness in process: after files change, are added and are deleted on disk, the next tool
call answers exactly as a graph built from scratch would; a same-size rewrite that keeps its
modification time is still seen."""

from __future__ import annotations

import os
from pathlib import Path

from mcp_helpers import make_repo

from graph_sitter import Codebase
from graph_sitter.core.discover import DEFAULT_EXCLUDED_DIRS, DEFAULT_MAX_FILE_BYTES
from graph_sitter.core.languages import LANGUAGES
from graph_sitter.mcp import DiskWatch, GraphTools, ToolError

SYMBOLS = ("py_scanstring", "JSONDecoder", "loads", "dumps", "JSONDecodeError", "first_string")


def watch_for(root: Path) -> DiskWatch:
    return DiskWatch(
        str(root),
        tuple(LANGUAGES.values()),
        respect_gitignore=True,
        excluded_dirs=DEFAULT_EXCLUDED_DIRS,
        max_file_bytes=DEFAULT_MAX_FILE_BYTES,
    )


def answers(tools: GraphTools) -> dict[str, object]:
    out: dict[str, object] = {"summary": tools.call("codebase_summary", {})[0]}
    for name in SYMBOLS:
        try:
            out[name] = tools.call("find_usages", {"symbol": name})[0]["usages"]
            out[name + " deps"] = tools.call("symbol_dependencies", {"symbol": name})[0]
        except ToolError as exc:
            out[name] = str(exc)
    return out


def test_changes_on_disk_give_the_answers_of_a_fresh_build(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    watch = watch_for(repo)
    watch.snapshot()
    tools = GraphTools(Codebase(repo, cache_dir=""), watch=watch)
    answers(tools)

    decoder = repo / "json" / "decoder.py"
    decoder.write_text(
        decoder.read_text().replace("def py_scanstring(", "def py_scanstring_old(", 1)
        + "\n\ndef py_scanstring(s, end, strict=True):\n"
        + "    return py_scanstring_old(s, end, strict)\n"
    )
    assert answers(tools) == answers(GraphTools(Codebase(repo, cache_dir="")))  # modified only
    (repo / "json" / "extra.py").write_text(
        "from json.decoder import py_scanstring, JSONDecoder\n\n\n"
        "def first_string(doc):\n    return py_scanstring(doc, 1)[0]\n\n\n"
        "class Strict(JSONDecoder):\n    pass\n"
    )
    (repo / "json" / "tool.py").unlink()
    (repo / "app.py").write_text(
        (repo / "app.py").read_text()
        + "from json.extra import first_string\nfirst_string('\"a\"')\n"
    )
    got = answers(tools)
    expected = answers(GraphTools(Codebase(repo, cache_dir="")))
    assert got == expected
    usages = got["py_scanstring"]
    assert isinstance(usages, list) and any(u["file"] == "json/extra.py" for u in usages)
    assert watch.check().paths == []  # the snapshot was renewed


def test_a_same_size_rewrite_keeping_its_mtime_is_seen(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    target = root / "m.py"
    target.write_text("def aaa():\n    return 1\n")
    watch = watch_for(root)
    watch.snapshot()
    stat = os.stat(target)
    with open(target, "r+b") as handle:  # in place: same inode, same size
        handle.write(b"def bbb():\n    return 1\n")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert os.stat(target).st_mtime_ns == stat.st_mtime_ns
    assert watch.check().modified == ("m.py",)


def test_nothing_changed_reports_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    watch = watch_for(repo)
    watch.snapshot()
    assert not watch.check()
    (repo / "notes.txt").write_text("not source")  # the folder changed, no source file did
    walks: list[int] = []
    discover = watch._discover

    def counting() -> list[str]:
        walks.append(1)
        return discover()

    watch._discover = counting  # type: ignore[method-assign]
    assert not watch.check()
    assert not watch.check()
    assert len(walks) == 1  # the second check did not walk the tree again


def test_language_and_exclude_options_hold_for_files_added_later(tmp_path: Path) -> None:
    from graph_sitter.mcp.server import load_tools

    root = tmp_path / "repo"
    (root / "gen").mkdir(parents=True)
    (root / "a.py").write_text("def used():\n    return 1\n")
    (root / "b.ts").write_text("export const x = 1;\n")
    (root / "gen" / "g.py").write_text("from a import used\nused()\n")
    tools = load_tools(str(root), language="python", exclude=["gen"], ai=False)
    summary = tools.call("codebase_summary", {})[0]
    assert (summary["files"], list(summary["languages"])) == (1, ["python"])
    (root / "gen" / "h.py").write_text("from a import used\nused()\n")
    (root / "c.ts").write_text("export const y = 2;\n")
    assert tools.watch is not None and not tools.watch.check()  # neither is tracked
    (root / "d.py").write_text("from a import used\nused()\n")
    usages = tools.call("find_usages", {"symbol": "used"})[0]["usages"]
    assert {u["file"] for u in usages} == {"d.py"}
