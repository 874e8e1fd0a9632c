"""`graph-sitter mcp` over stdio, driven by the official `mcp` client, on a copy of the
stdlib's `json` package: listing, answers checked against the graph and the source text,
dry runs, applied edits, refusals, freshness, and a burst of bad calls."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from mcp_helpers import (
    call,
    call_error,
    make_repo,
    run,
    run_app,
    stdio_session,
    tree_bytes,
)

import graph_sitter
from graph_sitter import Codebase

TOOLS = {
    "codebase_summary": ([], []),
    "find_symbol": (["name", "kind", "limit"], ["name"]),
    "symbol_source": (["symbol"], ["symbol"]),
    "find_usages": (["symbol", "limit"], ["symbol"]),
    "symbol_dependencies": (["symbol"], ["symbol"]),
    "call_graph": (["symbol", "depth"], ["symbol"]),
    "graph_context": (["symbol", "max_tokens"], ["symbol"]),
    "rename_symbol": (["symbol", "new_name", "apply"], ["symbol", "new_name"]),
    "move_symbol": (["symbol", "destination", "apply"], ["symbol", "destination"]),
}
OUTPUT_KEYS = {
    "codebase_summary": {"files", "lines", "symbols", "languages", "problems"},
    "find_symbol": {"matches"},
    "symbol_source": {"source", "file", "start_line", "end_line", "signature", "docstring"},
    "find_usages": {"usages"},
    "symbol_dependencies": {"dependencies"},
    "call_graph": {"callers", "callees"},
    "graph_context": {"text"},
    "rename_symbol": {"diff", "files_changed", "applied"},
    "move_symbol": {"diff", "files_changed", "applied"},
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def lines_of(repo: Path, rel: str) -> list[str]:
    return (repo / rel).read_text(encoding="utf-8").split("\n")


def expected_usages(cb: Codebase, name: str) -> list[tuple[str, int, int, str]]:
    sym = cb.get_symbol(name)
    assert sym is not None
    out = []
    for u in sym.usages():
        row, col = u.start_point
        line = u.file.content_bytes.split(b"\n")[row]
        out.append((u.filepath, row + 1, len(line[:col].decode()) + 1, u.kind))
    return out


def test_tools_are_listed_with_input_and_output_schemas(tmp_path: Path, repo: Path) -> None:
    async def main() -> None:
        async with stdio_session(tmp_path, repo) as session:
            info = session.server_info
            assert info is not None
            assert (info.name, info.version) == ("graph-sitter", graph_sitter.__version__)
            listed = (await session.list_tools()).tools
            by_name = {tool.name: tool for tool in listed}
            assert list(by_name) == list(TOOLS)  # no ask_ai: no provider is configured
            for name, (props, required) in TOOLS.items():
                tool = by_name[name]
                assert tool.description
                assert tool.input_schema["type"] == "object"
                assert sorted(tool.input_schema.get("properties", {})) == sorted(props)
                assert sorted(tool.input_schema.get("required", [])) == sorted(required)
                assert tool.input_schema.get("additionalProperties") is False
                assert tool.output_schema is not None
                assert OUTPUT_KEYS[name] <= set(tool.output_schema["required"])
                assert tool.annotations is not None
                assert tool.annotations.read_only_hint is (
                    name not in ("rename_symbol", "move_symbol")
                )

    run(main)


def test_answers_match_the_graph_and_the_source_text(tmp_path: Path, repo: Path) -> None:
    cb = Codebase(repo, cache_dir="")

    async def main() -> None:
        async with stdio_session(tmp_path, repo) as s:
            summary = await call(s, "codebase_summary")
            py_files = sorted(p for p in repo.rglob("*.py"))
            assert summary["files"] == len(py_files) == len(cb.files)
            assert summary["languages"]["python"]["files"] == len(py_files)
            assert summary["lines"] == sum(f.line_count for f in cb.files)
            assert summary["problems"] == []

            found = await call(s, "find_symbol", name="JSONDecoder")
            first = found["matches"][0]
            assert (first["qualified_name"], first["kind"], first["file"]) == (
                "JSONDecoder",
                "class",
                "json/decoder.py",
            )
            assert lines_of(repo, "json/decoder.py")[first["line"] - 1].startswith(
                "class JSONDecoder"
            )
            fuzzy = await call(s, "find_symbol", name="scnstring", limit=5)
            assert "py_scanstring" in {m["name"] for m in fuzzy["matches"]}
            methods = await call(s, "find_symbol", name="decode", kind="method")
            assert {m["kind"] for m in methods["matches"]} == {"method"}
            assert "JSONDecoder.decode" in {m["qualified_name"] for m in methods["matches"]}

            source = await call(s, "symbol_source", symbol="json/decoder.py::JSONDecoder.decode")
            text = lines_of(repo, "json/decoder.py")
            block = text[source["start_line"] - 1 : source["end_line"]]
            assert block[0].strip() == source["source"].split("\n")[0].strip()
            assert "\n".join(block).endswith(source["source"].split("\n")[-1])
            assert source["signature"] == "def decode(self, s, _w=WHITESPACE.match):"
            assert (
                source["docstring"] is not None and "Python representation" in source["docstring"]
            )
            sym = cb.get_symbol("JSONDecoder.decode")
            assert sym is not None and source["source"] == sym.source

            for name in ("scanstring", "JSONDecoder", "loads", "py_scanstring", "dumps"):
                result = await call(s, "find_usages", symbol=name)
                got = [(u["file"], u["line"], u["column"], u["kind"]) for u in result["usages"]]
                assert got == expected_usages(cb, name)
                assert result["total"] == len(got) and not result["truncated"]
                definition = cb.get_symbol(name)
                assert definition is not None
                for u in result["usages"]:
                    line = lines_of(repo, u["file"])[u["line"] - 1]
                    assert u["context"] == line
                    if u["kind"] != "import":
                        assert line[u["column"] - 1 :].startswith(name), (name, u)
                    assert (u["file"], u["line"]) != (
                        definition.filepath,
                        definition.start_point[0] + 1,
                    )
            limited = await call(s, "find_usages", symbol="JSONDecoder", limit=1)
            assert len(limited["usages"]) == 1 and limited["truncated"]

            deps = await call(s, "symbol_dependencies", symbol="loads")
            names = {d["qualified_name"] for d in deps["dependencies"]}
            assert {"JSONDecoder", "detect_encoding", "_default_decoder"} <= names
            loads = cb.get_symbol("loads")
            assert loads is not None
            assert names == {
                getattr(d, "resolved_symbol", d).qualified_name for d in loads.dependencies
            }

            graph = await call(s, "call_graph", symbol="loads", depth=2)
            callers = {(c["qualified_name"], c["file"], c["depth"]) for c in graph["callers"]}
            assert ("load", "json/__init__.py", 1) in callers
            assert ("<module>", "app.py", 1) in callers
            callees = {c["qualified_name"] for c in graph["callees"]}
            assert {"detect_encoding", "JSONDecoder.decode"} & callees
            app = next(c for c in graph["callers"] if c["file"] == "app.py")
            assert [lines_of(repo, "app.py")[n - 1] for n in app["call_lines"]] == [
                'data = loads(\'{"b": [1, 2.5, {"c": null}], "a": "x"}\')'
            ]

    run(main)


def test_dry_runs_write_nothing(tmp_path: Path, repo: Path) -> None:
    before = tree_bytes(repo)

    async def main() -> None:
        async with stdio_session(tmp_path, repo) as s:
            usages_before = await call(s, "find_usages", symbol="loads")
            rename = await call(s, "rename_symbol", symbol="loads", new_name="parse_json")
            assert rename["applied"] is False
            assert "-def loads(" in rename["diff"] and "+def parse_json(" in rename["diff"]
            assert "+from json import dumps, parse_json" in rename["diff"]
            headers = re.findall(r"^\+\+\+ b/(.+)$", rename["diff"], flags=re.M)
            assert rename["files_changed"] == sorted(headers)
            assert {"app.py", "json/__init__.py"} <= set(rename["files_changed"])

            move = await call(
                s, "move_symbol", symbol="detect_encoding", destination="json/decoder.py"
            )
            assert move["applied"] is False
            assert set(move["files_changed"]) >= {"json/__init__.py", "json/decoder.py"}
            assert "+def detect_encoding(b):" in move["diff"]

            message = await call_error(
                s, "rename_symbol", {"symbol": "loads", "new_name": "parse_json", "apply": True}
            )
            assert "--allow-edits" in message
            # The graph still describes the files as they are.
            assert (await call(s, "find_symbol", name="parse_json"))["total"] == 0
            assert await call(s, "find_usages", symbol="loads") == usages_before

    run(main)
    assert tree_bytes(repo) == before


def test_allow_edits_rename_and_move_keep_a_real_program_running(
    tmp_path: Path, repo: Path
) -> None:
    first = run_app(repo)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ['{"a": "x", "b": [1, 2.5, {"c": null}]}', "[True, False]"]

    async def main() -> None:
        async with stdio_session(tmp_path, repo, "--allow-edits") as s:
            count = (await call(s, "find_usages", symbol="loads"))["total"]
            rename = await call(
                s, "rename_symbol", symbol="loads", new_name="parse_json", apply=True
            )
            assert rename["applied"] is True and "app.py" in rename["files_changed"]
            after = await call(s, "find_usages", symbol="parse_json")
            assert after["total"] == count
            found = await call(s, "find_symbol", name="loads")
            assert "loads" not in {m["name"] for m in found["matches"]}
            move = await call(
                s,
                "move_symbol",
                symbol="detect_encoding",
                destination="json/decoder.py",
                apply=True,
            )
            assert move["applied"] is True
            moved = await call(s, "symbol_source", symbol="detect_encoding")
            assert moved["file"] == "json/decoder.py"

    run(main)
    assert "from json import dumps, parse_json" in (repo / "app.py").read_text()
    assert "def parse_json(" in (repo / "json" / "__init__.py").read_text()
    assert "def detect_encoding(" in (repo / "json" / "decoder.py").read_text()
    assert "def detect_encoding(" not in (repo / "json" / "__init__.py").read_text()
    second = run_app(repo)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert not list(repo.rglob(".gs-*"))  # no temporary file left behind


def test_edits_outside_the_root_and_bad_names_are_refused(tmp_path: Path, repo: Path) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("def other():\n    return 1\n", encoding="utf-8")
    before = tree_bytes(repo)

    async def main() -> None:
        async with stdio_session(tmp_path, repo, "--allow-edits") as s:
            for destination in ("../outside.py", str(outside), "/etc/hosts", "json/../../x.py"):
                for apply in (False, True):
                    message = await call_error(
                        s,
                        "move_symbol",
                        {"symbol": "detect_encoding", "destination": destination, "apply": apply},
                    )
                    assert "outside the codebase root" in message, message
            missing = await call_error(
                s, "move_symbol", {"symbol": "loads", "destination": "json/nothere.py"}
            )
            assert "json/nothere.py" in missing
            for bad in ("1abc", "class", "a-b", "two words"):
                message = await call_error(
                    s, "rename_symbol", {"symbol": "loads", "new_name": bad, "apply": True}
                )
                assert "not a valid python identifier" in message
            same = await call_error(s, "rename_symbol", {"symbol": "loads", "new_name": "loads"})
            assert "already named" in same

    run(main)
    assert tree_bytes(repo) == before
    assert outside.read_text() == "def other():\n    return 1\n"


def test_files_changed_added_and_deleted_after_start_are_seen(tmp_path: Path, repo: Path) -> None:
    async def main() -> None:
        async with stdio_session(tmp_path, repo) as s:
            start = await call(s, "find_usages", symbol="py_scanstring")
            assert "json/extra.py" not in {u["file"] for u in start["usages"]}

            extra = repo / "json" / "extra.py"
            extra.write_text(
                "from json.decoder import py_scanstring\n\n\n"
                "def first_string(doc):\n    return py_scanstring(doc, 1)[0]\n",
                encoding="utf-8",
            )
            seen = await call(s, "find_usages", symbol="py_scanstring")
            assert {u["file"] for u in seen["usages"]} >= {"json/extra.py"}
            assert (await call(s, "find_symbol", name="first_string"))["total"] == 1

            nested = repo / "json" / "sub" / "deep.py"
            nested.parent.mkdir()
            nested.write_text(
                "from json.extra import first_string\n\nVALUE = first_string('\"x\"')\n"
            )
            users = await call(s, "find_usages", symbol="first_string")
            assert {u["file"] for u in users["usages"]} == {"json/sub/deep.py"}

            tool = repo / "json" / "tool.py"
            tool.write_text(tool.read_text() + "\n\ndef added_later():\n    return main()\n")
            graph = await call(s, "call_graph", symbol="json/tool.py::main")
            assert "added_later" in {c["qualified_name"] for c in graph["callers"]}

            extra.unlink()
            gone = await call(s, "find_usages", symbol="py_scanstring")
            assert "json/extra.py" not in {u["file"] for u in gone["usages"]}
            assert gone["usages"] == start["usages"]
            message = await call_error(s, "symbol_source", {"symbol": "first_string"})
            assert "first_string" in message
            summary = await call(s, "codebase_summary")
            assert summary["files"] == len(list(repo.rglob("*.py")))

    run(main)


BAD_CALLS: list[tuple[str, Any, str]] = [
    ("find_usages", {"symbol": "lods"}, "Did you mean: loads"),
    ("find_usages", {"symbol": "JSONDecodr.decode"}, "No symbol named"),
    ("symbol_source", {"symbol": "__init__"}, "are named '__init__'"),
    ("symbol_source", {"symbol": "json/nowhere.py::loads"}, "No file named 'json/nowhere.py'"),
    ("symbol_source", {"symbol": "json/__init__.py::lods"}, "Did you mean: loads"),
    ("symbol_source", {"symbol": "../../etc/passwd::x"}, "outside the codebase root"),
    ("find_usages", {"symbol": 3}, "symbol: Input should be a valid string"),
    ("find_usages", {"symbol": ""}, "symbol"),
    ("find_usages", {}, "symbol: Field required"),
    ("find_usages", {"symbol": "loads", "limit": 0}, "limit"),
    ("find_usages", {"symbol": "loads", "limit": "5"}, "limit"),
    ("find_usages", {"symbol": "loads", "colour": "red"}, "colour: unknown argument"),
    ("find_symbol", {"name": "x", "kind": "banana"}, "Unknown kind 'banana'"),
    ("call_graph", {"symbol": "loads", "depth": 99}, "depth"),
    ("graph_context", {"symbol": "loads", "max_tokens": -1}, "max_tokens"),
    ("rename_symbol", {"symbol": "loads", "new_name": "x", "apply": "yes"}, "apply"),
    ("rename_symbol", {"symbol": "loads", "new_name": "x", "apply": True}, "--allow-edits"),
    ("move_symbol", {"symbol": "JSONDecoder.decode", "destination": "app.py"}, "top-level"),
    ("move_symbol", {"symbol": "loads", "destination": "/"}, "outside the codebase root"),
    ("no_such_tool", {}, "Unknown tool"),
    ("find_usage", {"symbol": "loads"}, "Did you mean: find_usages"),
]


def test_server_survives_a_burst_of_bad_calls(tmp_path: Path, repo: Path) -> None:
    before = tree_bytes(repo)

    async def main() -> None:
        async with stdio_session(tmp_path, repo) as s:
            good = await call(s, "find_usages", symbol="loads")
            for _ in range(3):
                for name, arguments, expected in BAD_CALLS:
                    message = await call_error(s, name, arguments)
                    assert expected in message, (name, arguments, message)
            assert await call(s, "find_usages", symbol="loads") == good

    run(main)
    assert tree_bytes(repo) == before
    log = (tmp_path / "server.log").read_text(encoding="utf-8")
    assert "Traceback" not in log
    assert "graph of" in log  # logs went to stderr (stdout is the protocol)


def test_missing_extra_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from graph_sitter.cli.main import main

    monkeypatch.setitem(sys.modules, "mcp", None)
    assert main(["mcp", os.fspath(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "pip install 'graph-sitter[mcp]'" in lines[0]
