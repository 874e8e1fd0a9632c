"""Imports as upstream graph-sitter scripts read them, in Python and TypeScript."""

from __future__ import annotations

import pytest

from graph_sitter import Codebase
from graph_sitter.core import Import, ImportResolution, ImportType

PY_FILES = {
    "shop/__init__.py": "",
    "shop/pricing.py": "TAX = 0.2\n\ndef total(items):\n    return sum(items)\n",
    "shop/cart.py": (
        "import os\n"
        "import shop.pricing as pricing\n"
        "from shop.pricing import total as sum_up, TAX\n"
        "from . import pricing as p2\n"
        "from .pricing import *\n"
        "\n"
        "def checkout(items):\n"
        "    import json\n"
        "    return json.dumps(sum_up(items))\n"
        "\n"
        "try:\n"
        "    import ujson\n"
        "except ImportError:\n"
        "    ujson = None\n"
        "\n"
        "class Cart:\n"
        "    def load(self):\n"
        "        from shop import pricing\n"
        "        return pricing\n"
    ),
}

TS_FILES = {
    "web/lib.ts": (
        "export default function main() {}\nexport type Shape = 1;\nexport const size = 1;\n"
    ),
    "web/app.ts": (
        "import React, { useState as useLocal } from 'react';\n"
        "import * as lib from './lib';\n"
        'import main from "./lib";\n'
        "import './polyfill';\n"
        "import type { Shape } from './lib';\n"
        "import { size } from './lib';\n"
        "const legacy = require('./lib');\n"
        "export function load() {\n"
        "  const later = require('./lib');\n"
        "  return later;\n"
        "}\n"
    ),
}


def _py() -> Codebase:
    return Codebase.from_files(PY_FILES)


def _ts() -> Codebase:
    return Codebase.from_files(TS_FILES)


def _imports(cb: Codebase, path: str) -> dict[str, Import]:
    found: dict[str, Import] = {}
    for imp in cb.get_file(path).imports:
        found.setdefault(imp.name, imp)  # the first binding of a name
    return found


def test_python_import_kinds_names_and_namespaces() -> None:
    cb = _py()
    imps = _imports(cb, "shop/cart.py")
    os_, pricing, sum_up = imps["os"], imps["pricing"], imps["sum_up"]
    assert os_.import_type == ImportType.MODULE and os_.namespace == "os"
    assert os_.symbol_name == "os" and os_.alias is None
    assert pricing.import_type == ImportType.MODULE and pricing.namespace == "pricing"
    assert pricing.module == "shop.pricing" and pricing.module.source == "shop.pricing"
    assert sum_up.import_type == ImportType.NAMED_EXPORT and sum_up.namespace is None
    assert sum_up.symbol_name.source == "total"  # type: ignore[union-attr]
    assert sum_up.alias is not None and sum_up.alias.source == "sum_up"
    assert sum_up.is_aliased_import() and not imps["TAX"].is_aliased_import()
    assert sum_up.is_symbol_import() and not sum_up.is_module_import
    star = imps["*"]
    assert star.import_type == ImportType.WILDCARD and star.is_wildcard_import()
    assert star.symbol_name is None


def test_python_dynamic_imports_are_those_under_a_block() -> None:
    cb = _py()
    dynamic = {(imp.name, imp.is_dynamic) for imp in cb.get_file("shop/cart.py").imports}
    assert dynamic == {
        ("os", False),
        ("pricing", False),
        ("sum_up", False),
        ("TAX", False),
        ("p2", False),
        ("*", False),
        ("json", True),  # inside a function
        ("ujson", True),  # inside try
        ("pricing", True),  # inside a method
    }


def test_python_one_step_targets() -> None:
    cb = _py()
    cart = cb.get_file("shop/cart.py")
    pricing_file = cb.get_file("shop/pricing.py")
    imps = _imports(cb, "shop/cart.py")
    sum_up = imps["sum_up"]
    assert sum_up.imported_symbol == pricing_file.get_function("total")
    assert sum_up.from_file == pricing_file and sum_up.to_file == cart
    resolution = sum_up.resolve_import()
    assert resolution == ImportResolution(pricing_file, pricing_file.get_function("total"), False)
    # `from . import pricing` names a module: the file itself.
    assert imps["p2"].imported_symbol == pricing_file
    assert imps["p2"].resolve_import().imports_file  # type: ignore[union-attr]
    # External: nothing of ours.
    assert imps["os"].imported_symbol is None and imps["os"].from_file is None
    assert imps["os"].resolve_import() is None
    with pytest.raises(ValueError, match="base_path"):
        sum_up.resolve_import(base_path="src")


def test_python_statements_has_import_and_importers() -> None:
    cb = _py()
    cart = cb.get_file("shop/cart.py")
    statements = cart.import_statements
    assert [s.source for s in statements][:3] == [
        "import os",
        "import shop.pricing as pricing",
        "from shop.pricing import total as sum_up, TAX",
    ]
    assert [i.name for i in statements[2].imports] == ["sum_up", "TAX"]
    assert cart.has_import("sum_up") and cart.has_import("TAX")
    assert not cart.has_import("total")  # the local name counts, as upstream
    pricing_file = cb.get_file("shop/pricing.py")
    assert pricing_file.importers == [cart]
    inbound = pricing_file.inbound_imports
    assert {i.name for i in inbound} == {"pricing", "sum_up", "TAX", "p2", "*"}
    assert cart.importers == []


def test_typescript_module_text_keeps_quotes() -> None:
    cb = _ts()
    imps = _imports(cb, "web/app.ts")
    assert imps["React"].module == "react" and imps["React"].module.source == "'react'"
    assert imps["main"].module.source == '"./lib"'
    # Still a plain string for existing callers.
    assert imps["lib"].module.startswith("./") and isinstance(imps["lib"].module, str)


def test_typescript_import_kinds() -> None:
    cb = _ts()
    imps = _imports(cb, "web/app.ts")
    kinds = {name: imp.import_type for name, imp in imps.items()}
    assert kinds == {
        "React": ImportType.DEFAULT_EXPORT,
        "useLocal": ImportType.NAMED_EXPORT,
        "lib": ImportType.WILDCARD,
        "main": ImportType.DEFAULT_EXPORT,
        "": ImportType.SIDE_EFFECT,
        "Shape": ImportType.NAMED_EXPORT,
        "size": ImportType.NAMED_EXPORT,
        "legacy": ImportType.MODULE,
        "later": ImportType.MODULE,
    }
    assert imps["lib"].symbol_name.source == "* as lib"  # type: ignore[union-attr]
    assert imps["lib"].namespace == "lib" and imps["size"].namespace is None
    assert imps["useLocal"].symbol_name == "useState" and imps["useLocal"].is_aliased_import()
    assert imps["Shape"].is_type_import() and not imps["size"].is_type_import()
    assert imps[""].symbol_name is None and imps[""].namespace is None


def test_typescript_dynamic_and_targets() -> None:
    cb = _ts()
    lib = cb.get_file("web/lib.ts")
    app = cb.get_file("web/app.ts")
    imps = _imports(cb, "web/app.ts")
    assert [n for n, i in imps.items() if i.is_dynamic] == ["later"]
    assert imps["main"].imported_symbol == lib.get_function("main")
    assert imps["lib"].imported_symbol == lib and imps["legacy"].imported_symbol == lib
    assert imps["size"].resolve_import() == ImportResolution(lib, lib.get_global_var("size"), False)
    assert imps["React"].from_file is None and imps["React"].resolve_import() is None
    assert imps["size"].to_file == app
    assert lib.importers == [app]
    assert len(lib.inbound_imports) == 6
    assert len(app.import_statements) == 8


def test_typescript_dynamic_import_calls_are_found_and_resolved() -> None:
    cb = Codebase.from_files(
        {
            "src/routes.ts": "export function home() {}\n",
            "src/main.ts": (
                "const routes = await import('./routes');\n"
                "require('./polyfill');\n"
                "export function boot() {\n"
                "  import('./routes').then((mod) => mod.home());\n"
                "  const later = await import('./routes');\n"
                "  return later;\n"
                "}\n"
                "module.exports = require('./routes');\n"
            ),
        }
    )
    main = cb.get_file("src/main.ts")
    routes = cb.get_file("src/routes.ts")
    found = [(i.name, i.source, i.is_dynamic, i.import_type) for i in main.imports]
    assert found == [
        ("routes", "const routes = await import('./routes');", True, ImportType.MODULE),
        ("", "require('./polyfill');", False, ImportType.SIDE_EFFECT),
        ("", "import('./routes')", True, ImportType.SIDE_EFFECT),
        ("later", "const later = await import('./routes');", True, ImportType.MODULE),
        ("", "require('./routes')", False, ImportType.SIDE_EFFECT),
    ]
    assert [i.resolved_symbol for i in main.imports] == [routes, None, routes, routes, routes]
    assert main.imports[0].module.source == "'./routes'"
    assert main.imports[2].parent == main.get_function("boot")
    # A bound dynamic import is a name like any other: its uses are found.
    later = main.get_import("later")
    assert later is not None and [u.match for u in later.usages()] == ["later"]
    assert routes.importers == [main]


def test_python_import_module_with_a_literal_is_a_dynamic_import() -> None:
    cb = Codebase.from_files(
        {
            "plugins/__init__.py": "",
            "plugins/csv_out.py": "def write():\n    pass\n",
            "main.py": (
                "import importlib\n\n"
                "def load(name):\n"
                "    fixed = importlib.import_module('plugins.csv_out')\n"
                "    other = importlib.import_module(name)\n"
                "    return fixed, other\n\n"
                "__import__('plugins')\n"
            ),
        }
    )
    main = cb.get_file("main.py")
    dynamic = [i for i in main.imports if i.is_dynamic]
    assert [(i.module, i.source) for i in dynamic] == [
        ("plugins.csv_out", "importlib.import_module('plugins.csv_out')"),
        ("plugins", "__import__('plugins')"),
    ]
    assert dynamic[0].resolved_symbol == cb.get_file("plugins/csv_out.py")
    assert dynamic[0].parent == main.get_function("load")
    assert dynamic[0].import_type == ImportType.MODULE
    assert dynamic[1].resolved_symbol == cb.get_file("plugins/__init__.py")
    assert cb.get_file("plugins/csv_out.py").importers == [main]
    # The static `import importlib` is unchanged, and still used.
    importlib_ = main.get_import("importlib")
    assert importlib_ is not None and not importlib_.is_dynamic
    assert len(importlib_.usages()) == 2
