"""Refactorings as upstream graph-sitter users write them: created files, moves with strategies,
merged trims, stale handles. Programs are run after the refactoring where it matters."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.core import EditConflictError, EditError, SessionLimitError, StaleSymbolError


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run(cmd: list[str], cwd: Path) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


# ----------------------------------------------------------------------------- defect 1
PY_BANK = {
    "bank/__init__.py": "",
    "bank/core.py": (
        "import math\n\n\nclass Ledger:\n    def __init__(self):\n        self.items = []\n\n"
        "    def add(self, x):\n        self.items.append(math.floor(x))\n        return self\n\n\n"
        "def open_ledger():\n    return Ledger()\n"
    ),
    "main.py": "from bank.core import Ledger, open_ledger\n\nprint(Ledger().add(2.5).items, "
    "open_ledger().items)\n",
}


def test_create_file_returns_a_file_usable_in_the_same_transaction(tmp_path: Path) -> None:
    write_tree(tmp_path, PY_BANK)
    before = run([sys.executable, "main.py"], tmp_path)
    cb = Codebase(tmp_path, cache_dir="")
    dest = cb.create_file("bank/ledger.py")
    assert dest is not None and dest.filepath == "bank/ledger.py"
    assert cb.get_file("bank/ledger.py") == dest
    cls = cb.get_class("Ledger")
    cls.move_to_file(dest)
    assert dest.add_import(module="typing", name="Any") is True
    assert "--- /dev/null\n+++ b/bank/ledger.py" in cb.get_diff()
    cb.commit()
    assert [s.name for s in dest.symbols] == ["Ledger"]
    assert (tmp_path / "bank/ledger.py").read_text().startswith("import math\nfrom typing")
    assert run([sys.executable, "main.py"], tmp_path) == before


def test_create_file_then_reset_leaves_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, PY_BANK)
    cb = Codebase(tmp_path, cache_dir="")
    fn = cb.get_function("open_ledger")
    new = cb.create_file("bank/extra.py", "X = 1\n")
    assert [s.name for s in new.symbols] == ["X"]
    cb.reset()
    assert cb.get_file("bank/extra.py", optional=True) is None
    assert not (tmp_path / "bank/extra.py").exists()
    assert fn.name == "open_ledger" and fn.filepath == "bank/core.py"
    with pytest.raises(StaleSymbolError):
        _ = new.filepath


# ----------------------------------------------------------------------------- defect 2
ESM = {
    "package.json": '{"type": "module"}\n',
    "lib/util.js": "export function round(x) {\n  return Math.round(x * 100) / 100;\n}\n",
    "lib/bank.js": (
        "import { round } from './util.js';\n\nexport class Ledger {\n  constructor() {\n"
        "    this.items = [];\n  }\n  add(x) {\n    this.items.push(round(x));\n    return this;\n"
        "  }\n}\n\nexport function open() {\n  return new Ledger();\n}\n"
    ),
    "lib/index.js": "export { Ledger, open } from './bank.js';\n",
    "main.js": (
        "import { Ledger, open } from './lib/bank.js';\nimport * as lib from './lib/index.js';\n\n"
        "console.log(new Ledger().add(1.234).items[0], open().items.length, "
        "new lib.Ledger().add(2).items[0]);\n"
    ),
}


def test_moving_a_js_class_keeps_the_esm_specifier_style(tmp_path: Path) -> None:
    assert shutil.which("node"), "node is required for this test"
    write_tree(tmp_path, ESM)
    before = run(["node", "main.js"], tmp_path)
    cb = Codebase(tmp_path, cache_dir="")
    dest = cb.create_file("lib/ledger.js")
    cb.get_class("Ledger").move_to_file(dest)
    cb.commit()
    main = (tmp_path / "main.js").read_text()
    assert "import { Ledger } from './lib/ledger.js';" in main
    assert "from './ledger.js'" in (tmp_path / "lib/index.js").read_text()
    assert (tmp_path / "lib/ledger.js").read_text().startswith("import { round } from './util.js';")
    assert run(["node", "main.js"], tmp_path) == before


def test_new_specifiers_follow_an_extensionless_importer() -> None:
    cb = Codebase.from_files(
        {
            "src/a.ts": "export function f() {\n  return 1;\n}\n",
            "src/b.ts": 'import { f } from "./a";\n\nexport const y = f();\n',
            "src/dest/index.ts": "",
        }
    )
    cb.get_function("f").move_to_file("src/dest/index.ts")
    assert '+import { f } from "./dest";' in cb.get_diff()


# ----------------------------------------------------------------------------- defect 3
def test_two_removals_sharing_trimmed_blank_lines_merge() -> None:
    src = "import os\n\n\ndef baz():\n    return 3\n\n\ndef foo():\n    return os.sep\n\n\n"
    src += "def bar():\n    return 2\n"
    cb = Codebase.from_files({"a.py": src})
    cb.get_function("foo").remove()
    cb.get_function("bar").remove()
    cb.commit()
    assert cb.get_file("a.py").content == "def baz():\n    return 3\n"


def test_true_conflicts_still_raise_and_leave_the_queue_as_it_was() -> None:
    cb = Codebase.from_files({"a.py": "def foo():\n    return 1\n\n\ndef bar():\n    return 2\n"})
    foo = cb.get_function("foo")
    foo.edit("def foo():\n    return 10")
    diff = cb.get_diff()
    with pytest.raises(EditConflictError):
        foo.replace("return 1", "return 11")
    with pytest.raises(EditConflictError):
        foo.remove()  # a removal over a replaced definition: two meanings
    assert cb.get_diff() == diff


# ----------------------------------------------------------------------------- defect 4
@pytest.mark.parametrize(
    ("files", "dest"),
    [
        (
            {
                "a.py": "import os\n\n\ndef foo():\n    return os.sep\n",
                "b.py": "from a import foo\n\n\ndef use():\n    return foo()\n",
            },
            "b.py",
        ),
        (
            {
                "a.ts": "import { x } from './c';\n\nexport function foo() {\n  return x;\n}\n",
                "c.ts": "export const x = 1;\n",
                "b.ts": (
                    "import { foo } from './a';\n\nexport function use() {\n  return foo();\n}\n"
                ),
            },
            "b.ts",
        ),
    ],
)
def test_moving_into_a_file_that_imports_the_symbol_drops_that_import(
    files: dict[str, str], dest: str
) -> None:
    cb = Codebase.from_files(files)
    cb.get_function("foo").move_to_file(dest)
    cb.commit()
    text = cb.get_file(dest).content
    assert "import { foo }" not in text and "from a import foo" not in text
    assert cb.get_file(dest).get_function("foo").name == "foo"
    assert not cb.get_file(dest).syntax_errors
    imports = [i.name for i in cb.get_file(dest).imports]
    assert imports == ["os"] if dest == "b.py" else imports == ["x"]


# ----------------------------------------------------------------------------- defect 5
def test_a_removed_import_handle_raises_instead_of_reading_another() -> None:
    cb = Codebase.from_files({"a.py": "from m import a, b, c\nfrom n import d\n\nprint(a, c, d)\n"})
    b = cb.get_file("a.py").get_import("b")
    c = cb.get_file("a.py").get_import("c")
    b.remove()
    cb.commit()
    with pytest.raises(StaleSymbolError, match="'b'"):
        _ = b.name
    assert c.name == "c" and c.module == "m"
    assert repr(b) == "<Import (removed by a commit)>"
    assert b == b and b != c and b not in cb.get_file("a.py").imports


def test_handles_follow_renames_and_moves_across_commits() -> None:
    cb = Codebase.from_files(
        {
            "a.py": (
                "class Box:\n    def size(self):\n        return 1\n\n\n"
                "def helper():\n    return 2\n"
            ),
            "b.py": "from a import Box, helper\n\nBox().size() + helper()\n",
            "c.py": "",
        }
    )
    box = cb.get_class("Box")
    size = box.get_method("size")
    helper = cb.get_function("helper")
    box.rename("Crate")
    cb.commit()
    assert box.name == "Crate" and size.qualified_name == "Crate.size"
    helper.move_to_file("c.py")
    cb.commit()
    assert helper.filepath == "c.py" and helper.source.startswith("def helper")
    assert box.filepath == "a.py"
    size.rename("volume")
    cb.commit()
    assert size.name == "volume"
    box.remove()
    cb.commit()
    with pytest.raises(StaleSymbolError):
        _ = size.name


# ----------------------------------------------------------------------------- strategies
SRC = {
    "file1.py": "def external_dep():\n    return 42\n",
    "file2.py": (
        "from file1 import external_dep\n\n\ndef foo():\n    return foo_dep() + 1\n\n\n"
        "def foo_dep():\n    return 24\n\n\ndef bar():\n    return external_dep() + bar_dep()\n\n\n"
        "def bar_dep():\n    return 2\n"
    ),
    "file3.py": "from file2 import bar\n\n\ndef baz():\n    return bar() + 1\n",
    "file4.py": "",
    "main.py": "from file2 import foo\nfrom file3 import baz\n\nprint(foo(), baz())\n",
}


def refactor(tmp_path: Path, act: object) -> dict[str, str]:
    write_tree(tmp_path, SRC)
    before = run([sys.executable, "main.py"], tmp_path)
    cb = Codebase(tmp_path, cache_dir="")
    act(cb)  # type: ignore[operator]
    cb.commit()
    assert run([sys.executable, "main.py"], tmp_path) == before
    return {f.filepath: f.content for f in cb.files}


def test_update_all_imports_moves_private_dependencies_and_repoints(tmp_path: Path) -> None:
    got = refactor(
        tmp_path,
        lambda cb: cb.get_function("bar").move_to_file(
            "file4.py", include_dependencies=True, strategy="update_all_imports"
        ),
    )
    assert "bar" not in got["file2.py"] and "foo_dep" in got["file2.py"]
    assert got["file4.py"].startswith("from file1 import external_dep\n\n\ndef bar():")
    assert "def bar_dep():" in got["file4.py"]
    assert got["file3.py"].startswith("from file4 import bar\n")


def test_add_back_edge_keeps_importers_and_reexports(tmp_path: Path) -> None:
    got = refactor(
        tmp_path,
        lambda cb: cb.get_function("bar").move_to_file("file4.py", strategy="add_back_edge"),
    )
    assert got["file3.py"] == SRC["file3.py"]
    assert "from file4 import bar" in got["file2.py"]
    assert "def bar():" not in got["file2.py"]


def test_add_back_edge_into_the_only_importer(tmp_path: Path) -> None:
    got = refactor(
        tmp_path,
        lambda cb: cb.get_function("bar").move_to_file("file3.py", strategy="add_back_edge"),
    )
    assert "bar" not in got["file2.py"]
    assert "from file2 import bar" not in got["file3.py"]


def test_without_dependencies_the_destination_imports_them(tmp_path: Path) -> None:
    got = refactor(
        tmp_path,
        lambda cb: cb.get_function("bar").move_to_file("file4.py", include_dependencies=False),
    )
    assert "from file2 import bar_dep" in got["file4.py"]
    assert "def bar_dep():" in got["file2.py"]


def test_duplicate_dependencies_copies_and_keeps_what_is_still_used(tmp_path: Path) -> None:
    got = refactor(
        tmp_path,
        lambda cb: cb.get_function("bar").move_to_file(
            "file4.py", strategy="duplicate_dependencies"
        ),
    )
    assert got["file3.py"] == SRC["file3.py"]  # importers are left alone
    assert "def bar():" in got["file2.py"] and "def bar_dep():" in got["file2.py"]
    assert "def bar():" in got["file4.py"] and "def bar_dep():" in got["file4.py"]


def test_a_move_that_makes_two_files_import_each_other_is_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cb = Codebase.from_files(
        {
            "m.py": "RATE = 2\n\n\ndef price(x):\n    return x * RATE\n\n\ndef cheap():\n"
            "    return price(1)\n\n\nTOTAL = RATE + 1\n",
            "n.py": "",
        }
    )
    with caplog.at_level(logging.WARNING, logger="graph_sitter.core.edits"):
        report = cb.get_function("price").move_to_file("n.py", include_dependencies=False)
    assert report.cycles == [("m.py", "n.py")]
    assert report.imported_from_source == ["RATE"]
    assert "circular import" in caplog.text


def test_unknown_strategy_is_refused() -> None:
    cb = Codebase.from_files({"a.py": "def f():\n    return 1\n", "b.py": ""})
    with pytest.raises(EditError, match="strategy"):
        cb.get_function("f").move_to_file("b.py", strategy="teleport")


# ----------------------------------------------------------------------------- import edits
IMPORTS = {
    "m.py": "def scale(x, factor, *, clamp=False):\n    return x * factor\n",
    "u.py": (
        "from m import scale as sc\nimport os\nfrom b.c import d\n\n"
        "print(sc(1, 2), sc(3, factor=4, clamp=True), d, os.sep)\n"
    ),
}


def test_import_aliases_and_modules_are_rewritten_with_their_uses() -> None:
    cb = Codebase.from_files(IMPORTS)
    f = cb.get_file("u.py")
    f.get_import("os").set_import_symbol_alias("system")
    f.get_import("d").set_import_symbol_alias("D")
    f.get_import("sc").set_import_module("m2")
    cb.ctx.commit_transactions()
    assert cb.get_file("u.py").content == (
        "from m2 import scale as sc\nimport os as system\nfrom b.c import d as D\n\n"
        "print(sc(1, 2), sc(3, factor=4, clamp=True), D, system.sep)\n"
    )


def test_import_rename_follows_reexports_to_the_definition() -> None:
    cb = Codebase.from_files(
        {
            "a.ts": "function bar() {\n  return 2;\n}\nexport { bar };\n",
            "idx.ts": "export { bar } from './a';\n",
            "use.ts": "import { bar } from './idx';\nconsole.log(bar());\n",
        }
    )
    cb.get_file("use.ts").get_import("bar").rename("baz")
    cb.G.commit_transactions()
    text = {f.filepath: f.content for f in cb.files}
    assert "function baz()" in text["a.ts"] and "export { baz };" in text["a.ts"]
    assert text["idx.ts"] == "export { baz } from './a';\n"
    assert text["use.ts"] == "import { baz } from './idx';\nconsole.log(baz());\n"


def test_add_import_from_strings_and_symbols() -> None:
    cb = Codebase.from_files({"a.py": "X = 1\n", "b.py": "def f():\n    return 1\n"})
    a = cb.get_file("a.py")
    assert a.add_import_from_import_string("from typing import Any") is True
    assert a.add_symbol_import(cb.get_function("f")) is True
    with pytest.raises(EditError, match="not an import"):
        a.add_import_from_import_string("x = 1")
    cb.commit()
    assert cb.get_file("a.py").content == "from typing import Any\nfrom b import f\n\nX = 1\n"


def test_removing_a_ts_symbol_trims_its_local_export_lists() -> None:
    cb = Codebase.from_files(
        {
            "a.ts": "function foo() {}\nfunction bar() {}\nfunction baz() {}\n"
            "export { foo, bar, baz };\nexport default bar;\n"
        }
    )
    cb.get_function("foo").remove()
    cb.get_function("bar").remove()
    cb.commit()
    assert cb.get_file("a.ts").content == "function baz() {}\nexport { baz };\n"


# ----------------------------------------------------------------------------- parameters
def test_parameter_edits_update_every_resolved_call_site() -> None:
    cb = Codebase.from_files(IMPORTS)
    fn = cb.get_function("scale")
    assert fn.rename_parameter("factor", "k") == 3  # the parameter, its use, one keyword
    cb.commit()
    assert "sc(3, k=4, clamp=True)" in cb.get_file("u.py").content
    fn = cb.get_function("scale")
    assert fn.add_parameter("offset", call_value="0") == 2
    cb.commit()
    assert cb.get_function("scale").source.startswith("def scale(x, k, offset, *, clamp=False)")
    assert "sc(1, 2, offset=0), sc(3, k=4, clamp=True, offset=0)" in cb.get_file("u.py").content
    cb.get_function("scale").remove_parameter("clamp")
    cb.commit()
    assert cb.get_function("scale").source.startswith("def scale(x, k, offset):")
    assert "sc(1, 2, offset=0), sc(3, k=4, offset=0)" in cb.get_file("u.py").content


def test_call_and_argument_edits_by_byte_range() -> None:
    from graph_sitter.core import _edit_ops as ops

    cb = Codebase.from_files({"a.ts": "function f(a: number, b: number) {\n  return a;\n}\n"
                              "f(1, 2);\n"})  # fmt: skip
    call = cb.get_function("f").call_sites[0]
    f = call.file._f
    ga = cb._access
    _, args = ops.call_arguments(ga, f, call.start_byte, call.end_byte)
    ops.edit_argument(ga, f, args[0].start_byte, args[0].end_byte, "10")
    ops.remove_argument(ga, f, args[1].start_byte, args[1].end_byte)
    ops.rename_call(ga, f, call.start_byte, call.end_byte, "g")
    assert cb.get_diff().endswith("-f(1, 2);\n+g(10);\n")


# ----------------------------------------------------------------------------- session
def test_session_limits_stop_queueing_and_undo_the_operation_in_progress() -> None:
    cb = Codebase.from_files(IMPORTS)
    cb.set_session_options(max_transactions=2)
    cb.get_file("u.py").get_import("os").set_import_symbol_alias("system")  # 2 edits
    diff = cb.get_diff()
    with pytest.raises(SessionLimitError, match="max_transactions=2"):
        cb.get_function("scale").rename("resize")
    assert cb.get_diff() == diff
    cb.set_session_options(max_transactions=None, max_seconds=0)
    with pytest.raises(SessionLimitError, match="max_seconds=0"):
        cb.get_function("scale").rename("resize")
    cb.set_session_options(max_seconds=None)
    assert cb.get_function("scale").rename("resize") == 2  # the definition, the import
    with pytest.raises(ValueError, match="max_transactions"):
        cb.set_session_options(max_transactions=-1)


# ----------------------------------------------------------------------------- files
def test_update_filepath_moves_the_file_and_its_imports_follow(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/util.py": "def twice(x):\n    return 2 * x\n",
            "app/calc.py": (
                "from .util import twice\n\n\ndef quad(x):\n    return twice(twice(x))\n"
            ),
            "main.py": "from app.calc import quad\n\nprint(quad(3))\n",
        },
    )
    before = run([sys.executable, "main.py"], tmp_path)
    cb = Codebase(tmp_path, cache_dir="")
    calc = cb.get_file("app/calc.py")
    quad = cb.get_function("quad")
    cb.create_file("app/math/__init__.py")
    calc.update_filepath("app/math/calc.py")
    cb.commit()
    assert not (tmp_path / "app/calc.py").exists()
    assert (tmp_path / "app/math/calc.py").read_text().startswith("from ..util import twice\n")
    assert (tmp_path / "main.py").read_text().startswith("from app.math.calc import quad\n")
    assert run([sys.executable, "main.py"], tmp_path) == before
    assert calc.filepath == "app/math/calc.py" and quad.filepath == "app/math/calc.py"


def test_file_remove_deletes_on_commit_and_refuses_later_edits(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "X = 1\n", "b.py": "Y = 2\n"})
    cb = Codebase(tmp_path, cache_dir="")
    a = cb.get_file("a.py")
    x = cb.get_symbol("X")
    a.remove()
    assert "+++ /dev/null" in cb.get_diff()
    with pytest.raises(EditError, match="removed"):
        x.edit("X = 3")
    cb.commit()
    assert not (tmp_path / "a.py").exists()
    assert [f.filepath for f in cb.files] == ["b.py"]
    with pytest.raises(StaleSymbolError):
        _ = x.name


def test_shared_dependencies_move_and_are_imported_back_without_a_cycle(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "m.py": "RATE = 2\n\n\ndef price(x):\n    return x * RATE\n\n\n"
            "TOTAL = RATE + price(1)\n",
            "n.py": "",
            "main.py": "import m\nimport n\n\nprint(m.TOTAL, m.price(3))\n",
        },
    )
    before = run([sys.executable, "main.py"], tmp_path)
    cb = Codebase(tmp_path, cache_dir="")
    report = cb.get_function("price").move_to_file("n.py")
    assert report.moved == ["RATE", "price"] and report.cycles == []
    cb.commit()
    assert cb.get_file("m.py").content.startswith("from n import RATE, price\n") or (
        cb.get_file("m.py").content.startswith("from n import RATE\nfrom n import price\n")
    )
    assert "import m" not in cb.get_file("n.py").content
    assert run([sys.executable, "main.py"], tmp_path) == before


def test_a_name_listed_in_dunder_all_stays_importable_from_the_source() -> None:
    cb = Codebase.from_files(
        {
            "m.py": (
                "__all__ = ['f', 'g']\n\n\ndef f():\n    return 1\n\n\ndef g():\n    return 2\n"
            ),
            "n.py": "",
        }
    )
    cb.get_function("f").move_to_file("n.py")
    cb.commit()
    assert cb.get_file("m.py").content.startswith("from n import f\n")
