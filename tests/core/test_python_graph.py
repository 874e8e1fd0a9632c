"""The Python graph of a small realistic project (tests/fixtures/python)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.core.errors import AmbiguousSymbolError, SymbolNotFoundError
from graph_sitter.core.symbols import Class, Function, Import, SourceFile

FIXTURE = Path(__file__).parent.parent / "fixtures" / "python"


@pytest.fixture(scope="module")
def cb() -> Codebase:
    return Codebase(FIXTURE, cache_dir="")


def lines_of(usages: list) -> list[tuple[str, int, str]]:
    return [(u.filepath, u.start_point[0] + 1, u.kind) for u in usages]


def test_files_and_symbols(cb: Codebase) -> None:
    assert [f.filepath for f in cb.files] == [
        "src/shop/__init__.py",
        "src/shop/cli.py",
        "src/shop/models.py",
        "src/shop/payments/__init__.py",
        "src/shop/payments/gateway.py",
        "src/shop/pricing.py",
    ]
    assert {c.qualified_name for c in cb.classes} == {
        "Item", "Order", "Order.Status", "Gateway", "BaseGateway", "FakeGateway",
    }  # fmt: skip
    assert {f.name for f in cb.functions} == {
        "total_price", "apply_tax", "rounded", "cheapest", "checkout", "main",
    }  # fmt: skip
    assert {g.name for g in cb.global_vars} == {"__all__", "DEFAULT_CURRENCY", "TAX_RATE", "log"}


def test_function_details(cb: Codebase) -> None:
    fn = cb.get_function("total_price")
    assert isinstance(fn, Function)
    assert fn.filepath == "src/shop/pricing.py"
    assert fn.start_point == (6, 0)
    assert [p.name for p in fn.parameters] == ["order", "with_tax"]
    assert fn.parameters[0].type == "models.Order"
    assert fn.parameters[1].default == "True"
    assert fn.return_type == "float"
    assert not fn.is_async and not fn.is_method
    rounded = cb.get_function("rounded")
    assert rounded.parent == cb.get_function("apply_tax")
    charge = cb.get_function("FakeGateway.charge")
    assert charge.is_async and charge.is_method
    item = cb.get_class("Item")
    assert item.decorators == ["@dataclass"]
    assert item.docstring == "One line of an order."
    assert item.extended_source.startswith("@dataclass\nclass Item:")
    assert item.source.startswith("@dataclass\nclass Item:")  # decorators included, as upstream
    assert item.definition_source.startswith("class Item:")
    assert [m.name for m in item.methods] == ["subtotal"]
    assert [a.name for a in item.attributes] == ["name", "unit_price", "quantity"]


def test_imports_resolve(cb: Codebase) -> None:
    init = cb.get_file("src/shop/__init__.py")
    price_of = init.get_import("price_of")
    assert isinstance(price_of, Import)
    assert (price_of.module, price_of.imported_name, price_of.alias) == (
        ".pricing",
        "total_price",
        "price_of",
    )
    assert price_of.resolved_symbol == cb.get_function("total_price")
    cli = cb.get_file("src/shop/cli.py")
    # Re-exported through the package __init__.
    assert cli.get_import("Item").resolved_symbol == cb.get_class("Item")
    assert cli.get_import("price_of").resolved_symbol == cb.get_function("total_price")
    # `import shop.payments.gateway` binds `shop`: the package.
    shop = cli.get_import("shop")
    assert isinstance(shop.resolved_symbol, SourceFile)
    assert shop.resolved_symbol.filepath == "src/shop/__init__.py"
    # Parent-relative import and an absolute import through the src/ layout.
    gateway = cb.get_file("src/shop/payments/gateway.py")
    assert gateway.get_import("total_price").resolved_symbol == cb.get_function("total_price")
    assert gateway.get_import("Order").resolved_symbol == cb.get_class("Order")
    # External imports are marked, never errors.
    assert gateway.get_import("logging").is_external
    assert gateway.get_import("Protocol").resolved_symbol is None
    # `from . import models` resolves to the module file.
    models = cb.get_file("src/shop/pricing.py").get_import("models").resolved_symbol
    assert isinstance(models, SourceFile) and models.filepath == "src/shop/models.py"


def test_usages_through_scopes_and_imports(cb: Codebase) -> None:
    total = cb.get_function("total_price")
    assert lines_of(total.usages()) == [
        ("src/shop/__init__.py", 4, "import"),
        ("src/shop/cli.py", 2, "import"),
        ("src/shop/cli.py", 8, "call"),  # price_of(order): alias through the package
        ("src/shop/payments/gateway.py", 4, "import"),
        ("src/shop/payments/gateway.py", 21, "call"),
        # not line 32: `total_price = 0` shadows the import inside checkout()
    ]
    apply_tax = cb.get_function("apply_tax")
    assert lines_of(apply_tax.usages()) == [
        ("src/shop/cli.py", 9, "call"),  # through `from shop.pricing import *`
        ("src/shop/pricing.py", 10, "call"),
    ]
    checkout = cb.get_function("checkout")
    assert lines_of(checkout.usages()) == [("src/shop/cli.py", 10, "call")]  # dotted chain
    tax_rate = cb.get_global_var("TAX_RATE") if hasattr(cb, "get_global_var") else None
    assert tax_rate is None or tax_rate.name == "TAX_RATE"


def test_method_usages_via_self_and_inheritance(cb: Codebase) -> None:
    charge = cb.get_function("BaseGateway.charge")
    assert lines_of(charge.usages()) == [("src/shop/payments/gateway.py", 23, "call")]
    subtotal = cb.get_function("Item.subtotal")
    # `item.subtotal()` on an untyped loop variable is not resolved (documented heuristic).
    assert subtotal.usages() == []
    label_user = cb.get_function("Order.Status.label")
    assert label_user.resolved_dependencies == [cb.get_class("Order.Status").attributes[0]]


def test_calls_and_dependencies(cb: Codebase) -> None:
    pay = cb.get_function("BaseGateway.pay")
    calls = pay.function_calls
    assert [c.name for c in calls] == ["total_price", "info", "charge"]
    assert calls[0].function_definition == cb.get_function("total_price")
    assert calls[1].function_definition is None  # log.info: external
    assert calls[2].function_definition == cb.get_function("BaseGateway.charge")
    sites = cb.get_function("apply_tax").call_sites
    assert [(c.filepath, c.source) for c in sites] == [
        ("src/shop/cli.py", "apply_tax(10.0)"),
        ("src/shop/pricing.py", "apply_tax(total)"),
    ]
    assert sites[1].parent_function == cb.get_function("total_price")
    deps = cb.get_function("total_price").resolved_dependencies
    assert cb.get_function("apply_tax") in deps
    assert cb.get_class("Order") in deps  # models.Order in the annotation


def test_class_hierarchy(cb: Codebase) -> None:
    base = cb.get_class("BaseGateway")
    fake = cb.get_class("FakeGateway")
    assert fake.superclasses == [base]
    assert base.subclasses == [fake]
    assert cb.get_class("Gateway").superclass_names == ["Protocol"]
    assert cb.get_class("Gateway").superclasses == []


def test_lookup_errors(cb: Codebase) -> None:
    with pytest.raises(SymbolNotFoundError) as missing:
        cb.get_function("total_prise")
    assert "total_price" in missing.value.suggestions
    assert "total_price" in str(missing.value)
    with pytest.raises(AmbiguousSymbolError) as ambiguous:
        cb.get_function("charge")
    assert sorted(ambiguous.value.candidates) == [
        "src/shop/payments/gateway.py::BaseGateway.charge",
        "src/shop/payments/gateway.py::FakeGateway.charge",
        "src/shop/payments/gateway.py::Gateway.charge",
    ]
    assert cb.get_function("nope", optional=True) is None
    assert cb.get_file("src/shop/nope.py", optional=True) is None
    assert isinstance(cb.get_symbol("src/shop/models.py::Order"), Class)
    assert len(cb.get_symbols("charge")) == 3
