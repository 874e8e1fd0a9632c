"""Cross-file TypeScript/JavaScript graph of tests/fixtures/typescript."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.core.symbols import SourceFile

FIXTURE = Path(__file__).parent.parent / "fixtures" / "typescript"


@pytest.fixture(scope="module")
def cb() -> Codebase:
    return Codebase(FIXTURE, cache_dir="")


def test_imports_resolve_across_files(cb: Codebase) -> None:
    main = cb.get_file("src/app/main.ts")
    assert main.get_import("summary").resolved_symbol == cb.get_function("summary")  # default
    assert main.get_import("padText").resolved_symbol == cb.get_function("pad")  # alias
    models = main.get_import("models").resolved_symbol  # `* as models` from "../models/index.js"
    assert isinstance(models, SourceFile) and models.filepath == "src/models/index.ts"
    greeting = cb.get_file("src/components/Greeting.tsx")
    # Through the `utils/index.ts` barrel (`export * from "./format.js"`).
    assert greeting.get_import("formatUser").resolved_symbol == cb.get_function("formatUser")
    assert greeting.get_import("React").is_external
    index = cb.get_file("src/models/index.ts")
    assert index.get_import("Key").resolved_symbol == cb.get_symbol("ID")  # export {ID as Key}
    legacy = cb.get_file("src/legacy/config.js")
    assert legacy.get_import("defaults").resolved_symbol == cb.get_file("src/legacy/defaults.js")


def test_usages_and_hierarchy(cb: Codebase) -> None:
    found = cb.get_function("formatUser").usages()
    usages = [(u.filepath, u.start_point[0], u.kind) for u in found]
    assert usages == [
        ("src/app/main.ts", 1, "import"),
        ("src/app/main.ts", 18, "reference"),
        ("src/components/Greeting.tsx", 2, "import"),
        ("src/components/Greeting.tsx", 16, "call"),
        ("src/utils/format.ts", 23, "reference"),
    ]
    user = cb.get_class("User")
    entity = cb.get_class("Entity")
    assert user.superclasses == [entity]
    assert entity.subclasses == [user]
    assert user.superclass_names == ["Entity", "Identifiable"]
    assert {i.name for i in cb.interfaces} == {"GreetingProps", "Identifiable"}
    assert [t.name for t in cb.types] == ["ID"]
    assert cb.get_file("src/broken.ts").syntax_errors
