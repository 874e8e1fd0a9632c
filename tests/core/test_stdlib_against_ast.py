"""The graph of real standard-library packages agrees with Python's own `ast` module."""

from __future__ import annotations

import ast
import sysconfig
import tokenize
from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.core.symbols import Class, Function, SourceFile

STDLIB = Path(sysconfig.get_paths()["stdlib"])


def ast_definitions(root: Path) -> set[tuple[str, str, str, str, int]]:
    """(file, kind, name, parent qualified name, 1-based line) for every def/class."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_bytes())

        def visit(node: ast.AST, parents: list[str], rel: str = rel) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    kind = "class" if isinstance(child, ast.ClassDef) else "function"
                    found.add((rel, kind, child.name, ".".join(parents), child.lineno))
                    visit(child, [*parents, child.name], rel)
                else:
                    visit(child, parents, rel)

        visit(tree, [])
    return found


def name_tokens(path: Path, name: str) -> int:
    """How many NAME tokens spell `name` (an oracle independent of tree-sitter)."""
    with path.open("rb") as handle:
        return sum(
            1
            for tok in tokenize.tokenize(handle.readline)
            if tok.type == tokenize.NAME and tok.string == name
        )


def graph_definitions(cb: Codebase) -> set[tuple[str, str, str, str, int]]:
    found = set()
    for sym in [*cb.functions, *cb.methods, *cb.classes]:
        parent = sym.parent
        parent_name = "" if isinstance(parent, SourceFile) else parent.qualified_name
        kind = "class" if isinstance(sym, Class) else "function"
        assert isinstance(sym, (Class, Function))
        found.add((sym.filepath, kind, sym.name, parent_name, sym.start_point[0] + 1))
    return found


@pytest.mark.parametrize("package", ["json", "email", "asyncio", "importlib"])
def test_every_function_and_class_matches_ast(package: str) -> None:
    root = STDLIB / package
    assert root.is_dir(), f"standard library package missing: {root}"
    cb = Codebase(root, cache_dir="", exclude_dirs=())
    expected = ast_definitions(root)
    actual = graph_definitions(cb)
    assert len(expected) > 20
    assert actual == expected


def test_stdlib_package_imports_resolve_inside_the_package() -> None:
    cb = Codebase(STDLIB / "email", cache_dir="")
    # `from email.mime.base import MIMEBase` inside email/mime/text.py-like modules resolves.
    text = cb.get_file("mime/text.py")
    assert text is not None
    imports = {i.name: i for i in text.imports}
    base = imports["MIMENonMultipart"].resolved_symbol
    assert base is not None and base.filepath == "mime/nonmultipart.py"
    assert base.name == "MIMENonMultipart"
    # `from email import errors` then `errors.HeaderParseError`: usages through the module.
    usages = cb.get_class("HeaderParseError").usages()
    expected_counts = {
        rel: name_tokens(STDLIB / "email" / rel, "HeaderParseError")
        for rel in ("_header_value_parser.py", "header.py", "message.py")
    }
    for rel, count in expected_counts.items():
        assert sum(1 for u in usages if u.filepath == rel) == count, rel
