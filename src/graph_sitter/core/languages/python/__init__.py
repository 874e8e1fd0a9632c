"""Python: the `LanguageSupport` for `.py` and `.pyi` files."""

from __future__ import annotations

import ast
import inspect
import keyword
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from graph_sitter.core.languages._common import first_covering, spelling, split_top_level, under
from graph_sitter.core.languages._syntax import Syntax
from graph_sitter.core.languages.python import modules
from graph_sitter.core.languages.python.extract import extract, language
from graph_sitter.core.languages.python.syntax import SYNTAX
from graph_sitter.core.text import SourceText

if TYPE_CHECKING:
    import tree_sitter as ts

    from graph_sitter.core._records import DefRecord, FileIndex
    from graph_sitter.core._targets import ModTarget, Target
    from graph_sitter.core.languages._protocol import ExportStatementRecord
    from graph_sitter.core.resolve import Graph

__all__ = ["SUPPORT", "PythonSupport"]

_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
# Statements whose body runs later or conditionally: an import under one is dynamic.
_DYNAMIC_PARENTS = frozenset(
    {
        "function_definition",
        "class_definition",
        "if_statement",
        "try_statement",
        "with_statement",
        "for_statement",
        "while_statement",
        "match_statement",
    }
)


class PythonSupport:
    """Python's answers to what the core asks of a language."""

    name: str = "python"
    extensions: tuple[str, ...] = (".py", ".pyi")
    class_body_opener: int = ord(":")
    angle_brackets_nest: bool = False
    identifier_swaps_in_place: bool = True
    has_export_statements: bool = False
    has_jsx: bool = False
    method_kinds_by_decorator: bool = True
    constructor_name: str = "__init__"
    extent_covers_decorators: bool = True
    decorated_wrapper: str | None = "decorated_definition"
    line_comment: bytes = b"#"
    block_comments: bool = False
    documents_with_comments: bool = False
    nameless_import_is_module: bool = True
    namespace_imports: bool = False
    quoted_modules: bool = False
    dotted_modules: bool = True
    import_module_field: str = "module_name"
    module_export_list: str | None = "__all__"
    definition_gap: int = 2
    overload_signatures: bool = False
    async_wraps_return_type: bool = False
    variadic_parameter_types: tuple[str, ...] = (
        "list_splat_pattern",
        "dictionary_splat_pattern",
        "keyword_separator",
    )
    sample_path: str = "probe.py"
    syntax: Syntax = SYNTAX

    def grammar(self, path: str) -> ts.Language:
        return language()

    def grammar_key(self, path: str) -> str:
        return self.name

    def extract(self, content: bytes, tree: ts.Tree) -> FileIndex:
        return extract(content, tree)

    def recover(self, parser: ts.Parser, content: bytes, tree: ts.Tree) -> ts.Tree:
        return tree

    def declared_encoding(self, content: bytes) -> str:
        """A UTF-8 BOM, else a PEP 263 coding cookie on one of the first two lines."""
        if content.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig"
        for line in content.split(b"\n", 2)[:2]:
            match = _CODING_RE.match(line)
            if match:
                return match.group(1).decode("ascii", "replace").lower()
        return "utf-8"

    def module_names(self, path: str, paths: set[str], prefix: str) -> list[str]:
        return modules.module_names(path, paths, prefix)

    def resolve_import(self, graph: Graph, f: int, rec: DefRecord, depth: int) -> Target | None:
        return modules.resolve_import(graph, f, rec, depth)

    def module_spec_target(self, graph: Graph, f: int, spec: str) -> ModTarget | None:
        return modules.module_target(graph, f, spec)

    def import_source(self, graph: Graph, f: int, rec: DefRecord) -> int | None:
        target = modules.module_target(graph, f, rec.module or "")
        return graph.file_of_target(target) if target is not None else None

    def import_hop(
        self, graph: Graph, f: int, rec: DefRecord, name: str
    ) -> tuple[int | None, int | None]:
        src = self.import_source(graph, f, rec)
        return src, (graph.module_defs(src).get(name) if src is not None else None)

    def resolution_inputs(self, graph: Graph) -> str:
        return ""

    def docstring(self, content: bytes, node: ts.Node) -> SourceText | None:
        """The string literal opening a function's or class's body (`inspect.cleandoc`-ed)."""
        body = node.child_by_field_name("body")
        if body is None or not body.named_children:
            return None
        first = body.named_children[0]
        if first.type != "expression_statement" or not first.named_children:
            return None
        string = first.named_children[0]
        if string.type != "string":
            return None
        raw = bytes(content[string.start_byte : string.end_byte]).decode("utf-8", "replace")
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            return None
        if not isinstance(value, str):
            return None
        return SourceText(inspect.cleandoc(value), raw)

    def module_binding(self, graph: Graph, src: int, name: str) -> int | None:
        return graph.module_defs(src).get(name)

    def imported_member(self, graph: Graph, src: int, name: str) -> int | None:
        return graph.module_defs(src).get(name)

    def import_file(self, graph: Graph, f: int, rec: DefRecord) -> int | None:
        if rec.imported_name is None and rec.alias is None and rec.name:
            # `import a.b` binds `a`: the package it names.
            target = modules.module_target(graph, f, (rec.module or "").split(".")[0])
            return graph.file_of_target(target) if target is not None else None
        return self.import_source(graph, f, rec)

    def submodule_file(self, graph: Graph, src: int, name: str) -> int | None:
        sub = graph.module_target(f"{graph.module_of.get(src, '')}.{name}")
        return graph.file_of_target(sub) if sub is not None else None

    def module_import_name(self, rec: DefRecord) -> str:
        return rec.module or ""

    def is_dynamic_import(
        self, content: bytes, rec: DefRecord, node_of: Callable[[], ts.Node]
    ) -> bool:
        """Under a function, class, condition, `try`, `with` or loop; or `import_module()`."""
        if rec.name and rec.start_point[1] == 0:
            return False  # a statement in column 0 is at module level
        node = node_of()
        if not rec.name:
            return True  # `importlib.import_module("m")`: loads when it runs, wherever it is
        return under(node, _DYNAMIC_PARENTS)

    def export_statements(
        self, content: bytes, root: ts.Node, index: FileIndex, module_defs: dict[str, int]
    ) -> list[ExportStatementRecord]:
        return []

    def superclass_names(self, header: str) -> list[str]:
        """`class C(A, B[T], metaclass=M):` -> A, B[T] (keyword arguments are not bases)."""
        inner = header[header.find("(") + 1 : header.rfind(")")] if "(" in header else ""
        names = [p.strip() for p in split_top_level(inner)]
        return [n for n in names if n and "=" not in n.split("[")[0]]

    def import_binding_node(
        self, statement: ts.Node, name_start: int, name_end: int
    ) -> ts.Node | None:
        return first_covering(statement, name_start, name_end, _binds_import)

    def imported_name_nodes(self, statement: ts.Node, content: bytes, name: bytes) -> list[ts.Node]:
        return spelling(statement, content, name, _names_imported)

    def render_import(
        self, module: str, name: str | None, alias: str | None, type_only: bool, quote: str
    ) -> str:
        if name is None:
            return f"import {module}" + (f" as {alias}" if alias else "")
        return f"from {module} import {name}" + (f" as {alias}" if alias and alias != name else "")

    def keyword_argument(self, name: str, value: str) -> str:
        return f"{name}={value}"

    def is_valid_identifier(self, name: str) -> bool:
        return name.isidentifier() and not keyword.iskeyword(name)


SUPPORT = PythonSupport()


def _binds_import(node: ts.Node) -> bool:
    """`b as c`, or a dotted name not inside one."""
    if node.type == "aliased_import":
        return True
    parent = node.parent
    return node.type == "dotted_name" and not (
        parent is not None and parent.type == "aliased_import"
    )


def _names_imported(node: ts.Node, parent: ts.Node) -> bool:
    """`name` of `from m import name [as x]` (not the module, not `import a.b as x`)."""
    if node.type != "dotted_name":
        return False
    if parent.type == "import_from_statement":
        return parent.child_by_field_name("module_name") != node
    if parent.type == "aliased_import":
        in_from = parent.parent is None or parent.parent.type != "import_statement"
        return in_from and parent.child_by_field_name("name") == node
    return False
