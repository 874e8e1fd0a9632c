"""The floors of ``docs/architecture.md``, checked on the source with ``ast``.

Every module under ``src/`` is parsed and its imports collected: module-level imports,
imports under ``if TYPE_CHECKING:`` (type-only: they never run), and imports inside a
function (lazy: they run only when the function does), each with the function that holds
it. Relative imports are resolved against the importing module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: The ``Codebase`` methods allowed to import the AI layer lazily (thin delegates).
AI_DELEGATES = frozenset(
    {
        "Codebase.ai",
        "Codebase.ai_edit",
        "Codebase.ai_map",
        "Codebase.ai_context",
        "Codebase.set_session_options",
        "Codebase.set_ai_key",
        "Codebase.ai_client",
    }
)
ABOVE_CORE = (
    "graph_sitter.ai",
    "graph_sitter.cli",
    "graph_sitter.testing",
    "graph_sitter.dashboard",
    "graph_sitter.mcp",
    "codegen",
)


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement's target as seen from ``module``."""

    module: str
    target: str
    line: int
    scope: str  # "" at module level, else the qualified name of the enclosing function
    type_only: bool

    @property
    def lazy(self) -> bool:
        return bool(self.scope)

    def __str__(self) -> str:
        where = f" in {self.scope}" if self.scope else ""
        kind = " (type-only)" if self.type_only else (" (lazy)" if self.lazy else "")
        return f"{self.module}:{self.line}{where} imports {self.target}{kind}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.scopes: list[str] = []
        self.type_only = 0
        self.functions = 0
        self.found: list[Import] = []

    def _add(self, target: str, node: ast.stmt) -> None:
        scope = ".".join(self.scopes) if self.functions else ""
        self.found.append(Import(self.module, target, node.lineno, scope, self.type_only > 0))

    def _resolve(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = self.package.split(".")
        if node.level > 1:
            base = base[: len(base) - (node.level - 1)]
        return ".".join([*base, node.module] if node.module else base)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self._resolve(node)
        for alias in node.names:
            # `from pkg import sub` may name a submodule: record both spellings' target.
            self._add(f"{base}.{alias.name}" if alias.name != "*" else base, node)

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            self.type_only += 1
            for child in node.body:
                self.visit(child)
            self.type_only -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scopes.append(node.name)
        self.generic_visit(node)
        self.scopes.pop()

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.append(node.name)
        self.functions += 1
        self.generic_visit(node)
        self.functions -= 1
        self.scopes.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function


def _collect(source: str, module: str, is_package: bool = False) -> list[Import]:
    collector = _Collector(module, is_package)
    collector.visit(ast.parse(source))
    return collector.found


def _imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text("utf-8")
        found.extend(_collect(source, _module_name(path), path.name == "__init__.py"))
    return found


IMPORTS = _imports()


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _ours(name: str) -> bool:
    return _within(name, "graph_sitter") or _within(name, "codegen")


def test_the_collector_tells_module_level_type_only_and_lazy_imports_apart() -> None:
    source = """
from typing import TYPE_CHECKING
from . import sibling
from ..up import thing
if TYPE_CHECKING:
    from graph_sitter.ai import codebase_ai
class Codebase:
    def ai(self):
        from graph_sitter.ai import codebase_ai
        def inner():
            import graph_sitter.cli
"""
    found = {(i.target, i.scope, i.type_only) for i in _collect(source, "graph_sitter.core.x")}
    assert found == {
        ("typing.TYPE_CHECKING", "", False),
        ("graph_sitter.core.sibling", "", False),
        ("graph_sitter.up.thing", "", False),
        ("graph_sitter.ai.codebase_ai", "", True),
        ("graph_sitter.ai.codebase_ai", "Codebase.ai", False),
        ("graph_sitter.cli", "Codebase.ai.inner", False),
    }


def test_the_walk_sees_the_known_imports() -> None:
    # The collector is only as good as what it finds: check a few known facts.
    lazy_delegate = [
        i
        for i in IMPORTS
        if i.module == "graph_sitter.core.codebase" and i.target == "graph_sitter.ai.codebase_ai"
    ]
    assert lazy_delegate and all(i.lazy for i in lazy_delegate)
    assert {i.scope for i in lazy_delegate} <= AI_DELEGATES
    assert any(
        i.module == "graph_sitter.ai.providers.openai" and not i.lazy and not i.type_only
        for i in IMPORTS
    )
    assert any(i.type_only for i in IMPORTS if i.module.startswith("graph_sitter.core"))
    assert len({i.module for i in IMPORTS}) > 50


def test_core_imports_nothing_above_it_except_the_ai_delegates() -> None:
    bad = [
        str(i)
        for i in IMPORTS
        if _within(i.module, "graph_sitter.core")
        and any(_within(i.target, above) for above in ABOVE_CORE)
        and not (i.lazy and i.scope in AI_DELEGATES and _within(i.target, "graph_sitter.ai"))
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("codegen", ("codegen", "graph_sitter.http")),
        ("graph_sitter.http", ("graph_sitter.http",)),
    ],
)
def test_lower_floors_import_only_what_they_may(package: str, allowed: tuple[str, ...]) -> None:
    bad = [
        str(i)
        for i in IMPORTS
        if _within(i.module, package)
        and _ours(i.target)
        and not any(_within(i.target, ok) for ok in allowed)
    ]
    assert bad == []


def test_nothing_imports_the_cli_but_the_cli() -> None:
    # A package's `__main__` (`python -m graph_sitter.mcp`) is a command-line entry point: it
    # belongs to the CLI layer wherever it sits, and nothing imports it.
    bad = [
        str(i)
        for i in IMPORTS
        if _within(i.target, "graph_sitter.cli")
        and not _within(i.module, "graph_sitter.cli")
        and not i.module.endswith(".__main__")
    ]
    assert bad == []
