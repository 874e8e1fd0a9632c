"""Usages, symbol usages and dependencies with upstream graph-sitter's names and meanings."""

from __future__ import annotations

import pytest

from graph_sitter import Codebase
from graph_sitter.core import Import, SourceFile, Usage, UsageKind, UsageType
from graph_sitter.core.dataclasses.usage import UsageType as UpstreamPathUsageType

PY = {
    "billing/rates.py": (
        "TAX = 0.2\n"
        "\n"
        "def tax_for(amount):\n"
        "    return amount * TAX\n"
        "\n"
        "def gross(amount):\n"
        "    return amount + tax_for(amount)\n"
    ),
    "billing/invoice.py": (
        "from billing.rates import tax_for as compute_tax\n"
        "\n"
        "def invoice_total(lines):\n"
        "    return sum(compute_tax(x) for x in lines)\n"
    ),
    "billing/report.py": (
        "from billing.rates import tax_for\n"
        "from billing import rates\n"
        "\n"
        "def summary(amount):\n"
        "    return tax_for(amount)\n"
        "\n"
        "class Report:\n"
        "    def line(self, amount):\n"
        "        return rates.tax_for(amount)\n"
        "\n"
        "TOTAL = tax_for(10)\n"
        "print(tax_for(1))\n"
    ),
    "billing/__init__.py": "",
}

TS = {
    "src/format.ts": (
        "export function formatPrice(value: number): string {\n"
        "  return value.toFixed(2);\n"
        "}\n"
        "export class Money {}\n"
    ),
    "src/cart.ts": (
        "import { formatPrice } from './format';\n"
        "import { formatPrice as fp, Money } from './format';\n"
        "import * as fmt from './format';\n"
        "\n"
        "export class Cart extends Money {\n"
        "  total(items: Money[]): string {\n"
        "    return formatPrice(1) + fp(2) + fmt.formatPrice(3);\n"
        "  }\n"
        "}\n"
        "export function label(m: Money = new Money()): Money {\n"
        "  return m;\n"
        "}\n"
    ),
}


@pytest.fixture(scope="module")
def py() -> Codebase:
    return Codebase.from_files(PY)


@pytest.fixture(scope="module")
def ts() -> Codebase:
    return Codebase.from_files(TS)


def names(symbols: list) -> set[str]:
    return {s.filepath if isinstance(s, SourceFile) else s.name for s in symbols}


def test_usages_is_a_property_and_a_call(py: Codebase) -> None:
    tax_for = py.get_function("tax_for")
    as_property = tax_for.usages
    assert isinstance(as_property, list)
    assert as_property == tax_for.usages()  # the old spelling keeps working
    assert all(isinstance(u, Usage) for u in as_property)
    assert len(as_property) == 8
    assert [u.filepath for u in as_property] == sorted(u.filepath for u in as_property)


def test_usage_types_follow_upstream(py: Codebase) -> None:
    tax_for = py.get_function("tax_for")
    by_type = {t: [(u.filepath, u.start_point[0]) for u in tax_for.usages(t)] for t in UsageType}
    assert by_type[UsageType.DIRECT] == [
        ("billing/invoice.py", 0),  # the import statements naming it
        ("billing/rates.py", 6),  # same file
        ("billing/report.py", 0),
    ]
    assert by_type[UsageType.CHAINED] == [("billing/report.py", 8)]  # rates.tax_for
    assert by_type[UsageType.INDIRECT] == [
        ("billing/report.py", 4),
        ("billing/report.py", 10),
        ("billing/report.py", 11),
    ]
    assert by_type[UsageType.ALIASED] == [("billing/invoice.py", 3)]  # as compute_tax
    both = tax_for.usages(usage_types=UsageType.DIRECT | UsageType.ALIASED)
    assert len(both) == 4
    assert UpstreamPathUsageType is UsageType


def test_usage_fields(py: Codebase) -> None:
    tax_for = py.get_function("tax_for")
    aliased = tax_for.usages(UsageType.ALIASED)[0]
    assert aliased.match == "compute_tax" and aliased.match.source == "compute_tax"
    assert aliased.match.filepath == "billing/invoice.py"
    assert aliased.match.start_point == (3, 15)
    assert aliased.usage_symbol == py.get_function("invoice_total")
    assert aliased.usage_type is UsageType.ALIASED
    assert aliased.kind == "call" and aliased.kind == UsageKind.BODY
    assert aliased.usage_kind is UsageKind.BODY
    imported_by = aliased.imported_by
    assert isinstance(imported_by, Import) and imported_by.name == "compute_tax"
    statement = tax_for.usages(UsageType.DIRECT)[0]
    assert statement.kind == "import" and statement.usage_kind is UsageKind.IMPORTED
    assert isinstance(statement.usage_symbol, Import)
    assert statement.match == "tax_for" and statement.match.start_point == (0, 26)
    module_level = next(u for u in tax_for.usages if u.start_point[0] == 10)
    assert module_level.usage_symbol == py.get_symbol("TOTAL")
    chained = tax_for.usages(UsageType.CHAINED)[0]
    assert chained.match == "rates.tax_for"  # the member access, as upstream
    assert chained.start_point == (8, 21)  # the name itself
    in_print = next(u for u in tax_for.usages if u.start_point[0] == 11)
    assert in_print.usage_symbol == py.get_file("billing/report.py")


def test_symbol_usages(py: Codebase) -> None:
    tax_for = py.get_function("tax_for")
    users = tax_for.symbol_usages
    assert names(users) == {
        "gross",
        "compute_tax",
        "invoice_total",
        "tax_for",  # the import binding in report.py
        "summary",
        "line",  # a method of a top-level class is its own parent symbol
        "TOTAL",
        "billing/report.py",  # module code
    }
    direct = tax_for.symbol_usages(UsageType.DIRECT | UsageType.CHAINED)
    assert names(direct) == {"gross", "compute_tax", "tax_for", "line"}
    assert all(isinstance(s, Import) for s in direct if s.name in ("compute_tax", "tax_for"))
    # A recursive function uses itself.
    cb = Codebase.from_files({"r.py": "def walk(n):\n    return walk(n - 1) if n else 0\n"})
    walk = cb.get_function("walk")
    assert walk.symbol_usages == [walk]


def test_usage_match_is_editable(py: Codebase) -> None:
    cb = Codebase.from_files(PY)
    for usage in cb.get_function("tax_for").usages(UsageType.INDIRECT):
        usage.match.edit("vat_for")
    after = cb.get_diff()
    assert "-    return tax_for(amount)\n+    return vat_for(amount)" in after
    assert "+TOTAL = vat_for(10)" in after
    assert "from billing.rates import tax_for\n" in cb.get_file("billing/report.py").content


def test_dependencies_upstream_meaning(py: Codebase) -> None:
    summary = py.get_function("summary")
    deps = summary.dependencies
    assert len(deps) == 1 and isinstance(deps[0], Import) and deps[0].name == "tax_for"
    assert summary.dependencies(UsageType.INDIRECT) == [py.get_function("tax_for")]
    assert summary.resolved_dependencies == [py.get_function("tax_for")]
    line = py.get_function("Report.line")
    assert [d.name for d in line.dependencies] == ["rates"]  # the module import
    assert line.dependencies(UsageType.CHAINED) == [py.get_function("tax_for")]
    everything = line.dependencies(usage_types=None)
    assert [d.name for d in everything] == ["tax_for", "rates"]  # sorted by file, position
    gross = py.get_function("gross")
    assert gross.dependencies == [py.get_function("tax_for")]  # same file: direct
    # Depth: gross -> tax_for -> TAX.
    assert gross.dependencies(max_depth=2) == [py.get_symbol("TAX"), py.get_function("tax_for")]
    # A class depends on what its methods need, not on its own methods.
    report = py.get_class("Report")
    assert [d.name for d in report.dependencies] == ["rates"]


def test_typescript_usage_types_and_kinds(ts: Codebase) -> None:
    fmt = ts.get_function("formatPrice")
    rows = [(u.start_point[0], u.usage_type, u.usage_kind) for u in fmt.usages]
    assert rows == [
        (0, UsageType.DIRECT, UsageKind.IMPORTED),
        (1, UsageType.DIRECT, UsageKind.IMPORTED),
        (6, UsageType.INDIRECT, UsageKind.BODY),
        (6, UsageType.ALIASED, UsageKind.BODY),
        (6, UsageType.CHAINED, UsageKind.BODY),
    ]
    money = ts.get_class("Money")
    kinds = [u.usage_kind for u in money.usages if u.filepath == "src/cart.ts"]
    assert kinds == [
        UsageKind.IMPORTED,
        UsageKind.SUBCLASS,
        UsageKind.TYPED_PARAMETER,  # items: Money[]
        UsageKind.TYPED_PARAMETER,
        UsageKind.DEFAULT_VALUE,
        UsageKind.RETURN_TYPE,
    ]
    assert names(money.symbol_usages) == {"Money", "Cart", "total", "label"}


def test_typescript_dependencies(ts: Codebase) -> None:
    total = ts.get_function("Cart.total")
    assert [d.name for d in total.dependencies] == ["formatPrice", "fp", "Money", "fmt"]
    assert all(isinstance(d, Import) for d in total.dependencies)
    assert total.dependencies(UsageType.ALIASED) == [ts.get_function("formatPrice")]
    resolved = total.resolved_dependencies  # imports followed; a namespace import stays
    assert [d.name for d in resolved] == ["Money", "formatPrice", "fmt"]
    assert resolved[:2] == [ts.get_class("Money"), ts.get_function("formatPrice")]


def test_python_usage_kinds() -> None:
    cb = Codebase.from_files(
        {
            "m.py": (
                "from typing import Optional\n"
                "\n"
                "class Node:\n"
                "    pass\n"
                "\n"
                "def register(cls):\n"
                "    return cls\n"
                "\n"
                "@register\n"
                "class Leaf(Node):\n"
                "    parent: Node = None\n"
                "\n"
                "def walk(n: Node, default=Node, seen: Optional[Node] = None) -> Node:\n"
                "    return Node()\n"
            )
        }
    )
    node = cb.get_class("Node")
    assert [u.usage_kind for u in node.usages] == [
        UsageKind.SUBCLASS,
        UsageKind.TYPE_ANNOTATION,
        UsageKind.TYPED_PARAMETER,
        UsageKind.DEFAULT_VALUE,
        UsageKind.GENERIC,
        UsageKind.RETURN_TYPE,
        UsageKind.BODY,
    ]
    assert [u.usage_kind for u in cb.get_function("register").usages] == [UsageKind.DECORATOR]


def test_reexported_imports_are_used() -> None:
    """An import that another module imports in turn is used: a script deleting imports
    without usages must not delete a package's re-exports."""
    cb = Codebase.from_files(
        {
            "billing/rates.py": "def tax_for(amount):\n    return amount\n",
            "billing/__init__.py": "from billing.rates import tax_for\n",
            "app.py": "from billing import tax_for\n\ndef run():\n    return tax_for(1)\n",
            "src/fmt.ts": "export function fmt() {}\n",
            "src/index.ts": "export { fmt } from './fmt';\n",
            "src/use.ts": "import { fmt } from './index';\nfmt();\n",
        }
    )
    reexport = cb.get_file("billing/__init__.py").get_import("tax_for")
    assert reexport is not None
    (usage,) = reexport.usages
    assert usage.filepath == "app.py" and usage.usage_type is UsageType.DIRECT
    assert usage.usage_symbol == cb.get_file("app.py").get_import("tax_for")
    assert reexport.symbol_usages == [cb.get_file("app.py").get_import("tax_for")]
    # The definition still counts the import statement that reaches it through the package.
    tax_for = cb.get_function("tax_for")
    assert reexport in tax_for.symbol_usages(UsageType.DIRECT)
    assert cb.get_file("app.py").get_import("tax_for") in tax_for.symbol_usages(UsageType.INDIRECT)
    barrel = cb.get_file("src/index.ts").imports[0]
    assert [u.filepath for u in barrel.usages] == ["src/use.ts"]
