"""Every public package lists its names in a sorted `__all__`, and each one exists."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = [
    "graph_sitter",
    "graph_sitter.core",
    "graph_sitter.ai.providers",
    "graph_sitter.http",
    "graph_sitter.testing",
    "codegen",
    "codegen.exceptions",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_resolves(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported, f"{name} exports nothing"
    assert exported == sorted(exported), f"{name}.__all__ is not sorted"
    missing = [n for n in exported if not hasattr(module, n)]
    assert missing == []


def test_api_contract_names() -> None:
    from graph_sitter import Codebase
    from graph_sitter.core import Class, Function, Import, SourceFile

    cb = Codebase.from_files({"a.py": "import os\n\nclass K:\n    def m(self):\n        pass\n"})
    assert isinstance(cb.get_class("K"), Class)
    assert isinstance(cb.get_function("K.m"), Function)
    assert isinstance(cb.imports[0], Import) and isinstance(cb.files[0], SourceFile)
    for name in ("name", "filepath", "file", "source", "extended_source", "start_point",
                 "end_point", "line_range", "parent", "usages", "dependencies"):  # fmt: skip
        assert hasattr(cb.get_class("K"), name), name
