"""Codebase entry points as upstream spells them: from_string, from_files, files(...)."""

from __future__ import annotations

import enum

import pytest

from graph_sitter import Codebase
from graph_sitter.core import FileList, UnsupportedLanguageError


class ProgrammingLanguage(enum.Enum):
    """Stands in for upstream's enum: its values are upper-case names."""

    PYTHON = "PYTHON"
    TYPESCRIPT = "TYPESCRIPT"


def test_from_string_python_and_typescript() -> None:
    py = Codebase.from_string("def add(a, b):\n    return a + b\n", language="python")
    assert [f.filepath for f in py.files] == ["test.py"]
    assert py.get_function("add").parameters[1].name == "b"  # type: ignore[union-attr]
    ts = Codebase.from_string(
        "export function add(a: number, b: number): number { return a + b; }\n",
        language=ProgrammingLanguage.TYPESCRIPT,
    )
    assert [f.filepath for f in ts.files] == ["test.ts"]
    assert [e.name for e in ts.files[0].exports] == ["add"]


def test_from_string_needs_a_known_language() -> None:
    with pytest.raises(TypeError, match="language"):
        Codebase.from_string("x = 1\n", language=None)
    with pytest.raises(UnsupportedLanguageError):
        Codebase.from_string("x = 1\n", language="cobol")


def test_from_files_language_keyword_and_enum() -> None:
    files = {"a.py": "import b\n", "b.py": "X = 1\n", "web/c.ts": "export const c = 1;\n"}
    assert len(Codebase.from_files(files).files) == 3
    only_py = Codebase.from_files(files, language=ProgrammingLanguage.PYTHON)
    assert [f.filepath for f in only_py.files] == ["a.py", "b.py"]
    only_ts = Codebase.from_files(files, language="typescript")
    assert [f.filepath for f in only_ts.files] == ["web/c.ts"]


def test_files_is_a_list_and_a_call() -> None:
    cb = Codebase.from_files(
        {"a.py": "A = 1\n", "ui/app.tsx": "export const App = () => <div />;\n", "ui/b.ts": ""}
    )
    files = cb.files
    assert isinstance(files, list) and isinstance(files, FileList)
    assert [f.filepath for f in files] == ["a.py", "ui/app.tsx", "ui/b.ts"]
    assert [f.filepath for f in cb.files(extensions=[".ts", "tsx"])] == ["ui/app.tsx", "ui/b.ts"]
    assert [f.filepath for f in cb.files(extensions=[".py"])] == ["a.py"]
    assert cb.files(extensions="*") == files == cb.files()
    assert cb.files(extensions=[".md"]) == []
    with pytest.raises(ValueError, match="list of extensions"):
        cb.files(extensions=".py")
