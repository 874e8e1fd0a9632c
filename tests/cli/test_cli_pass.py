"""The first hour with the CLI (issue 14), item by item, through `graph_sitter.cli.main`.

Each test runs the CLI in-process as a user would type it (arguments, environment, terminal
width through COLUMNS) and reads what it printed and its exit code.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import click
import pytest
from rich.console import Console
from rich.table import Table

from graph_sitter.cli import main
from graph_sitter.cli._build import build_progress, load_codebase
from graph_sitter.cli._tables import Col, fit_numbers, make_table, print_table
from graph_sitter.core.codebase import Codebase

FIXTURE = Path(__file__).parent.parent / "fixtures" / "python"
TRUNCATED_NUMBER = re.compile(r"[\d$,.]…|…[\d$]")


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "ANTHROPIC_", "CODEGEN_", "GRAPH_SITTER_")):
            monkeypatch.delenv(name)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.setenv("GRAPH_SITTER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


# -- 1. the demo's labels ----------------------------------------------------------------------
def test_methods_are_labelled_methods_and_skip_reasons_are_plural(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    calls = "".join("        self.ping()\n" for _ in range(3))
    root = write(tmp_path / "p", {
        "m.py": f"class C:\n    def ping(self):\n        return 1\n\n    def pong(self):\n{calls}",
        "build/x.py": "y = 1\n", "dist/z.py": "z = 1\n", "node_modules/w.py": "w = 1\n",
    })  # fmt: skip
    code, out, _ = cli(capsys, "analyze", str(root), "--json")
    assert code == 0
    top = json.loads(out)["most_used"][0]
    assert (top["name"], top["kind"]) == ("C.ping", "method")
    code, out, _ = cli(capsys, "analyze", str(root))
    assert "C.ping" in out and "method" in out
    assert "Skipped: 3 vendored or generated folders" in " ".join(out.split())
    (root / "dist").rename(root / "dist_kept")
    (root / "build").rename(root / "build_kept")
    code, out, _ = cli(capsys, "analyze", str(root))
    assert "Skipped: 1 vendored or generated folder" in " ".join(out.split())
    assert "folders" not in out


# -- 2. tables at 80 columns -------------------------------------------------------------------
def test_numbers_are_never_cut_and_titles_do_not_wrap() -> None:
    table = Table(title="Usage (from the ledger, this session, every provider and model)")
    table.add_column("model")
    for col in ("reqs", "cached", "errors", "tok in", "tok out", "cost", "p50", "p95"):
        table.add_column(col, justify="right")
    table.add_row("claude-3-5-haiku-latest", "12,345", "1,234", "12", "2,079,012",
                  "1,234,567", "$0.3123", "1,181", "2,345")  # fmt: skip
    buffer = io.StringIO()
    console = Console(file=buffer, width=80)
    print_table(console, table)
    text = buffer.getvalue()
    assert not TRUNCATED_NUMBER.findall(text), text
    for number in ("2,079,012", "1,234,567", "$0.3123", "12,345"):
        assert number in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert text.splitlines()[0].strip() == table.title  # the title is one line
    # fit_numbers alone is what `graph-sitter usage` can adopt
    assert fit_numbers(Table()) is not None


def test_low_value_columns_are_dropped_first_and_wide_keeps_them() -> None:
    url = "https://codegen.com/agent/trace/123456789?org=42"
    rows = [("123,456", "COMPLETE", "2025-01-01 12:00", "API", url)]
    cols = [Col("id", numeric=True), Col("status"), Col("created", drop=1),
            Col("source", drop=2), Col("web", whole=True)]  # fmt: skip
    # 95 columns: "created" wraps; 90: "source" goes; 80: "created" goes too
    for width, hidden in ((95, None), (90, "source"), (80, "created, source")):
        buffer = io.StringIO()
        console = Console(file=buffer, width=width)
        print_table(console, make_table(cols, rows, width=width))
        text = buffer.getvalue()
        assert url in text and "123,456" in text  # whole, on one line
        assert all(len(line) <= width for line in text.splitlines())
        note = " ".join(text.split()).partition("not shown at this width: ")[2]
        assert note == (f"{hidden} (--wide shows them)" if hidden else "")
    assert "2025-01-01 12:00" not in text
    buffer = io.StringIO()
    console = Console(file=buffer, width=80)
    print_table(console, make_table(cols, rows, width=80, wide=True), wide=True)
    assert "source" in buffer.getvalue() and url in buffer.getvalue()


def test_symbols_keep_line_numbers_whole_on_a_narrow_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "x = 0\n" * 12_344 + "def far_away_function_with_a_long_name(): pass\n"
    root = write(tmp_path / "p", {"a/very/long/path/to/some/module_name.py": body})
    monkeypatch.setenv("COLUMNS", "40")
    code, out, _ = cli(capsys, "symbols", str(root), "--kind", "function")
    assert code == 0
    assert "12,345" in out and not TRUNCATED_NUMBER.findall(out), out


# -- 3. flags, errors, LOG_LEVEL, help ---------------------------------------------------------
def test_version_and_debug_anywhere(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "--version")
    assert code == 0 and re.fullmatch(r"graph-sitter \d+\.\d+\.\d+\S*\n", out)
    for args in (["--debug", "usages", str(FIXTURE), "nope"],
                 ["usages", str(FIXTURE), "nope", "--debug"],
                 ["usages", "--debug", str(FIXTURE), "nope"]):  # fmt: skip
        with pytest.raises(Exception, match="No function named 'nope'"):
            main(args)  # --debug: the traceback is not swallowed
    code, _, err = cli(capsys, "usages", str(FIXTURE), "nope")
    assert code == 1 and err.count("\n") == 1 and err.startswith("Error: No function named")


def test_one_error_style_for_click_and_our_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = cli(capsys, "analyze", "--top", "many", str(FIXTURE))
    assert code == 2
    assert err.splitlines() == [
        "Error: Invalid value for '--top': 'many' is not a valid integer. "
        "(see 'graph-sitter analyze --help')"
    ]
    code, _, err = cli(capsys, "bogus-command")
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("Error: No such command")
    code, _, err = cli(capsys, "ai", "x", "--path", str(tmp_path), "--apply")
    assert code == 2 and err.startswith("Error: --apply and --dry-run need --target")


def test_bad_log_level_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "bogus")
    code, out, err = cli(capsys, "analyze", str(FIXTURE))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "Error: LOG_LEVEL='bogus' is not a log level; use one of DEBUG, INFO, WARNING, ERROR, "
        "CRITICAL"
    ]
    monkeypatch.setenv("LOG_LEVEL", "warning")  # any case is accepted
    code, _, _ = cli(capsys, "analyze", str(FIXTURE), "--json")
    assert code == 0


def test_library_warnings_are_one_styled_line(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    from graph_sitter.cli._output import cli_logging

    with cli_logging(logging.WARNING, debug=False):
        logging.getLogger("graph_sitter.http").warning("http.give_up name=%s attempts=%d", "X", 3)
        logging.getLogger("graph_sitter.http").info("http.retry hidden")
    err = capsys.readouterr().err
    assert err == "Warning: http.give_up name=X attempts=3 (graph_sitter.http)\n"
    assert logging.getLogger("graph_sitter").handlers == [] or all(
        type(h).__name__ != "CliLogHandler" for h in logging.getLogger("graph_sitter").handlers
    )


def test_analyze_help_explains_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "analyze", "--help")
    text = " ".join(out.split())
    assert code == 0
    assert "--language [python|typescript]" in text
    assert "typescript also covers .js, .jsx, .mjs, .cjs" in text
    assert "Exit code 3" in text


# -- 4. empty trees ----------------------------------------------------------------------------
def test_empty_tree_and_wrong_language_warn_and_exit_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = cli(capsys, "analyze", str(empty))
    assert (code, out) == (3, "")
    assert err == f"Warning: no python or typescript files under {empty}; nothing to analyse\n"
    ts = write(tmp_path / "ts", {"a.ts": "export const a = 1;\n", "b.tsx": "export {};\n"})
    code, out, err = cli(capsys, "analyze", str(ts), "--language", "python")
    assert (code, out) == (3, "")
    assert err == (
        f"Warning: no python files under {ts}, but 2 typescript file(s): use --language "
        "typescript, or leave --language out to detect the language\n"
    )
    code, out, err = cli(capsys, "analyze", str(ts), "--language", "python", "--json")
    assert code == 3 and json.loads(out)["warning"].startswith("no python files")
    code, out, _ = cli(capsys, "analyze", str(ts))  # detected without --language
    assert code == 0 and "│ files" in out
    for command in ("symbols", "demo"):
        code, _, err = cli(capsys, command, str(empty))
        assert code == 3 and err.startswith("Warning: no python or typescript files"), command


# -- 6. progress -------------------------------------------------------------------------------
def test_every_build_stage_is_labelled(tmp_path: Path) -> None:
    root = write(tmp_path / "p", {f"m{i}.py": f"def f{i}():\n    return {i}\n" for i in range(5)})
    cache = str(tmp_path / "cache")
    seen: list[str] = []
    for _ in range(2):  # a cold build, then one that loads the resolved graph from the cache
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, width=100)
        with build_progress(console) as bar:
            load_codebase(str(root), bar, cache_dir=cache)
            seen.append(" | ".join(t.description for t in bar.progress.tasks))
    assert seen[0] == "Reading files | Parsing files | Resolving names | Indexing symbols"
    assert seen[1] == "Reading files | Parsing files | Loading the cached graph | Indexing symbols"
    stages: list[tuple[str, int, int]] = []
    Codebase(root, cache_dir="", progress=lambda s, d, t: stages.append((s, d, t)))
    order = [s for i, (s, _, _) in enumerate(stages) if i == 0 or stages[i - 1][0] != s]
    assert order == ["read", "parse", "resolve"]
    assert stages[1] == ("parse", 0, 5) and stages[-1] == ("resolve", 5, 5)


# -- 7. usages ---------------------------------------------------------------------------------
def test_usages_show_columns_and_agree_with_analyze(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = write(tmp_path / "p", {
        "lib.py": "def inc(x):\n    return x + 1\n",
        "app.py": "from lib import inc\n\nprint(inc(inc(1)))\n",
    })  # fmt: skip
    code, out, _ = cli(capsys, "usages", str(root), "inc", "--json")
    assert code == 0
    places = [(u["file"], u["line"], u["column"], u["kind"]) for u in json.loads(out)["usages"]]
    assert places == [("app.py", 1, 1, "import"), ("app.py", 3, 7, "call"),
                      ("app.py", 3, 11, "call")]  # fmt: skip
    code, out, _ = cli(capsys, "usages", str(root), "inc")
    rows = [line.split() for line in out.splitlines() if line.strip().startswith("app.py")]
    assert [row[:4] for row in rows] == [["app.py", "1", "1", "import"],
                                         ["app.py", "3", "7", "call"],
                                         ["app.py", "3", "11", "call"]]  # fmt: skip
    code, out, _ = cli(capsys, "analyze", str(root), "--json")
    counts = {row["name"]: row["usages"] for row in json.loads(out)["most_used"]}
    assert counts["inc"] == len(places)


# -- 8. symlink loops --------------------------------------------------------------------------
def test_self_referencing_symlink_is_listed_as_skipped(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = write(tmp_path / "p", {"a.py": "x = 1\n"})
    os.symlink("loop", root / "loop")  # no extension: a file or a folder, we cannot tell
    os.symlink("self.py", root / "self.py")
    code, out, _ = cli(capsys, "analyze", str(root), "--json")
    assert code == 0
    skipped = {s["path"]: s["reason"] for s in json.loads(out)["skipped_files"]}
    assert skipped == {"loop": "unreadable (symlink loop)", "self.py": "unreadable (symlink loop)"}
    code, out, _ = cli(capsys, "analyze", str(root))
    assert "Skipped: 2 unreadable" in out


def test_click_errors_keep_their_exit_code() -> None:
    assert click.UsageError("x").exit_code == 2  # the contract main() relies on
