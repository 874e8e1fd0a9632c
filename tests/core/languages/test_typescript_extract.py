"""TypeScript/JavaScript extraction on the fixture project in tests/fixtures/typescript."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import tree_sitter as ts

from graph_sitter.core._records import (
    CLASS,
    ENUM,
    FUNCTION,
    GLOBAL_VAR,
    IMPORT,
    INTERFACE,
    REF_CALL,
    REF_TYPE,
    REF_WRITE,
    TYPE_ALIAS,
    FileIndex,
)
from graph_sitter.core.languages import typescript
from graph_sitter.core.languages.typescript.extract import (
    ATTRIBUTE,
    extract,
    language_for,
    resolve_module,
)

ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "typescript"
FIXTURE_FILES = sorted(
    p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.suffix in (".ts", ".tsx", ".js")
)


def _parse(path: str, content: bytes) -> FileIndex:
    tree = ts.Parser(language_for(path)).parse(content)
    return extract(content, tree)


def load(rel: str) -> tuple[bytes, FileIndex]:
    content = (ROOT / rel).read_bytes()
    return content, _parse(rel, content)


def src(code: str, path: str = "x.ts") -> tuple[bytes, FileIndex]:
    content = code.encode()
    return content, _parse(path, content)


def defs_table(index: FileIndex) -> list[tuple[str, str, str | None, int]]:
    """(kind, name, parent name, 1-based line) of every non-import definition."""
    rows = []
    for d in index.defs:
        if d.kind == IMPORT:
            continue
        parent = index.defs[d.parent].name if d.parent >= 0 else None
        rows.append((d.kind, d.name, parent, d.start_point[0] + 1))
    return rows


def imports_table(index: FileIndex) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(d.name, d.module, d.imported_name, d.alias) for d in index.defs if d.kind == IMPORT]


def refs_of(content: bytes, index: FileIndex, name: str) -> list[tuple[int, str, str | None, int]]:
    """(line, target kind, owner name, flags) of each reference spelled `name`."""
    rows = []
    for start, end, target, owner, flags in index.refs:
        if content[start:end].decode() != name:
            continue
        assert index.defs[target].name == name
        owner_name = index.defs[owner].name if owner >= 0 else None
        rows.append(
            (content.count(b"\n", 0, start) + 1, index.defs[target].kind, owner_name, flags)
        )
    return rows


def def_index(index: FileIndex, name: str, kind: str | None = None) -> int:
    matches = [
        i for i, d in enumerate(index.defs) if d.name == name and (kind is None or d.kind == kind)
    ]
    assert len(matches) == 1, matches
    return matches[0]


def chains_text(content: bytes, index: FileIndex) -> list[tuple[str, bool, str | None, str, int]]:
    rows = []
    for head, is_this, owner, parts, call in index.chains:
        text = ".".join(content[s:e].decode() for s, e in parts)
        owner_name = index.defs[owner].name if owner >= 0 else None
        rows.append((index.defs[head].name, is_this, owner_name, text, call))
    return rows


# --- grammars ------------------------------------------------------------------------------


def test_language_for_picks_grammar_by_extension() -> None:
    ts_lang = language_for("a.ts")
    tsx_lang = language_for("a.tsx")
    assert ts_lang is language_for("b.d.ts") is language_for("c.mts") is language_for("d.cts")
    assert tsx_lang is not ts_lang
    for path in ("a.js", "a.jsx", "a.mjs", "a.cjs", "A.TSX"):
        assert language_for(path) is tsx_lang


@pytest.mark.parametrize("rel", FIXTURE_FILES)
def test_every_fixture_extracts_and_pickles(rel: str) -> None:
    content, index = load(rel)
    assert index.language == "typescript"
    assert index.line_count == content.count(b"\n")
    assert pickle.loads(pickle.dumps(index)) == index
    for d in index.defs:
        assert d.ext_start <= d.start <= d.name_start <= d.name_end <= d.end
        assert d.parent < len(index.defs)
    for start, end, target, owner, _ in index.refs:
        assert 0 <= target < len(index.defs)
        assert owner < len(index.defs)
        assert content[start:end].decode() == index.defs[target].name
    assert (rel == "src/broken.ts") == bool(index.errors)


# --- definitions ---------------------------------------------------------------------------


def test_base_definitions_kinds_parents_and_lines() -> None:
    _, index = load("src/models/base.ts")
    assert defs_table(index) == [
        (TYPE_ALIAS, "ID", None, 2),
        (INTERFACE, "Identifiable", None, 4),
        (ENUM, "Status", None, 8),
        (CLASS, "Entity", None, 14),
        (ATTRIBUTE, "count", "Entity", 15),
        (ATTRIBUTE, "id", "Entity", 16),
        (FUNCTION, "constructor", "Entity", 18),
        (FUNCTION, "describe", "Entity", 23),
        (FUNCTION, "label", "Entity", 25),
    ]
    assert index.exports == {"ID": 0, "Identifiable": 1, "Status": 2, "Entity": 3}
    assert all(d.is_exported for d in index.defs[:4])
    assert not any(d.is_exported for d in index.defs[4:])


def test_ranges_name_and_extended_start() -> None:
    content, index = load("src/models/base.ts")
    alias, _, _, entity = index.defs[:4]
    # ext_start takes the JSDoc above and the `export` keyword; start is the declaration.
    doc = b"/** Identifier of a stored entity. */\nexport "
    assert content[alias.ext_start : alias.start] == doc
    assert content[alias.start : alias.end] == b"type ID = string | number;"
    assert content[alias.name_start : alias.name_end] == b"ID"
    assert content[entity.ext_start : entity.start] == b"// Base of every stored entity.\nexport "
    assert content[entity.start : entity.start + 14] == b"abstract class"
    assert entity.start_point == (13, 7)
    assert tuple(entity.end_point) == (27, 1)
    label = index.defs[def_index(index, "label")]
    assert content[label.start : label.end].startswith(b"label(): string {")


def test_arrow_and_function_consts_and_global_vars() -> None:
    content, index = load("src/utils/format.ts")
    assert defs_table(index) == [
        (GLOBAL_VAR, "DEFAULT_WIDTH", None, 3),
        (GLOBAL_VAR, "sep", None, 4),
        (GLOBAL_VAR, "lineEnd", None, 4),
        (GLOBAL_VAR, "calls", None, 5),
        (FUNCTION, "pad", None, 7),
        (FUNCTION, "formatUser", None, 12),
        (FUNCTION, "pad", "formatUser", 13),
        (FUNCTION, "counter", None, 17),
        (FUNCTION, "summary", None, 23),
    ]
    fmt = index.defs[def_index(index, "formatUser")]
    assert content[fmt.start : fmt.end].startswith(b"const formatUser = (user: User)")
    assert content[fmt.ext_start : fmt.start] == b"export "
    exported = {d.name for d in index.defs if d.is_exported}
    assert exported == {
        "DEFAULT_WIDTH", "sep", "lineEnd", "calls", "pad", "formatUser", "counter", "summary"
    }  # fmt: skip
    top_pad = next(i for i, d in enumerate(index.defs) if d.name == "pad" and d.parent < 0)
    assert index.exports == {
        "DEFAULT_WIDTH": def_index(index, "DEFAULT_WIDTH"),
        "sep": def_index(index, "sep"),
        "lineEnd": def_index(index, "lineEnd"),
        "pad": top_pad,
        "formatUser": def_index(index, "formatUser"),
        "default": def_index(index, "summary"),
        "count": def_index(index, "counter"),
        "calls": def_index(index, "calls"),
    }


def test_class_members_and_nested_arrow_function() -> None:
    _, index = load("src/models/user.ts")
    assert defs_table(index) == [
        (CLASS, "User", None, 4),
        (ATTRIBUTE, "status", "User", 5),
        (FUNCTION, "constructor", "User", 7),
        (FUNCTION, "describe", "User", 11),
        (FUNCTION, "disable", "User", 15),
        (FUNCTION, "notify", "disable", 17),
        (FUNCTION, "isUser", None, 22),
    ]


def test_overloads_merge_into_one_function() -> None:
    content, index = src(
        "export function f(a: string): string;\n"
        "export function f(a: number): number;\n"
        "export function f(a: any) { return f(a); }\n"
        "class C { m(): void; m(x?: number) {} }\n"
        "declare function g(): void;\n"
    )
    assert defs_table(index) == [
        (FUNCTION, "f", None, 3),
        (CLASS, "C", None, 4),
        (FUNCTION, "m", "C", 4),
        (FUNCTION, "g", None, 5),
    ]
    f = index.defs[0]
    assert f.ext_start == 0 and content[f.start :].startswith(b"function f(a: any)")
    assert index.exports == {"f": 0}
    assert refs_of(content, index, "f") == [(3, FUNCTION, "f", REF_CALL)]
    g = index.defs[3]
    assert content[g.ext_start : g.start] == b"declare "


def test_ambient_declarations() -> None:
    content, index = src(
        "export declare function f(): void;\n"
        "declare const c: number;\n"
        "export declare class K { m(): void; }\n",
        "types.d.ts",
    )
    assert defs_table(index) == [
        (FUNCTION, "f", None, 1),
        (GLOBAL_VAR, "c", None, 2),
        (CLASS, "K", None, 3),
        (FUNCTION, "m", "K", 3),
    ]
    assert [d.is_exported for d in index.defs] == [True, False, True, False]
    assert index.exports == {"f": 0, "K": 2}
    assert [content[d.ext_start : d.start] for d in index.defs[:3]] == [
        b"export declare ",
        b"declare ",
        b"export declare ",
    ]


def test_default_exports_and_class_expressions() -> None:
    _, index = src("export default class Widget {}\n")
    assert index.exports == {"default": 0} and index.defs[0].is_exported
    _, index = src("export default function make() {}\nconst Alias = class {};\n")
    assert defs_table(index) == [(FUNCTION, "make", None, 1), (CLASS, "Alias", None, 2)]
    assert index.exports == {"default": 0}


# --- imports and re-exports ----------------------------------------------------------------


def test_import_forms() -> None:
    _, index = load("src/app/main.ts")
    assert imports_table(index) == [
        ("", "./polyfills", None, None),
        ("summary", "../utils/format", "default", "summary"),
        ("padText", "../utils/format", "pad", "padText"),
        ("formatUser", "../utils/format", "formatUser", None),
        ("models", "../models/index.js", None, "models"),
        ("ID", "../models/base", "ID", None),
        ("Status", "../models/base.js", "Status", None),
    ]
    imports = [d for d in index.defs if d.kind == IMPORT]
    assert [d.is_type_only for d in imports] == [False] * 5 + [True, False]
    assert not any(d.is_reexport or d.is_exported for d in imports)
    assert all(d.parent == -1 for d in imports)
    summary = imports[1]
    assert summary.start == summary.ext_start == imports[2].start  # the statement
    assert summary.start_point[0] == 1


def test_type_only_import_forms() -> None:
    _, index = load("src/models/user.ts")
    assert [(d.name, d.is_type_only) for d in index.defs if d.kind == IMPORT] == [
        ("Entity", False),
        ("Status", False),
        ("ID", True),
        ("Identifiable", True),
    ]


def test_reexports_in_barrel() -> None:
    _, index = load("src/models/index.ts")
    assert imports_table(index) == [
        ("User", "./user", "User", None),
        ("isAUser", "./user", "isUser", "isAUser"),
        ("*", "./base", "*", None),
        ("shapes", "./shapes.js", None, "shapes"),
        ("Key", "./base", "ID", "Key"),
    ]
    assert all(d.is_reexport and d.is_exported for d in index.defs)
    assert [d.is_type_only for d in index.defs] == [False, False, False, False, True]
    assert index.exports == {"User": 0, "isAUser": 1, "shapes": 3, "Key": 4}
    assert index.refs == []


def test_reexport_default_as_name() -> None:
    _, index = load("src/utils/index.ts")
    assert imports_table(index) == [
        ("*", "./format.js", "*", None),
        ("summary", "./format", "default", "summary"),
    ]


def test_commonjs_require_and_exports() -> None:
    content, index = load("src/legacy/config.js")
    assert imports_table(index) == [
        ("path", "path", None, "path"),
        ("readFileSync", "fs", "readFileSync", None),
        ("write", "fs", "writeFileSync", "write"),
        ("defaults", "./defaults", None, "defaults"),
    ]
    assert defs_table(index) == [
        (GLOBAL_VAR, "cache", None, 5),
        (FUNCTION, "load", None, 7),
        (FUNCTION, "save", None, 13),
    ]
    assert index.exports == {
        "load": def_index(index, "load"),
        "save": def_index(index, "save"),
        "defaults": def_index(index, "defaults"),
    }
    assert refs_of(content, index, "cache") == [
        (8, GLOBAL_VAR, "load", 0),
        (8, GLOBAL_VAR, "load", 0),
        (9, GLOBAL_VAR, "load", REF_WRITE),
        (10, GLOBAL_VAR, "load", 0),
    ]
    assert refs_of(content, index, "write") == [(13, IMPORT, "save", REF_CALL)]


def test_module_exports_identifier_is_default() -> None:
    _, index = src("function main() {}\nmodule.exports = main;\n", "a.cjs")
    assert index.exports == {"default": 0}


# --- references ----------------------------------------------------------------------------


def test_parameter_shadowing_an_import_is_not_a_reference() -> None:
    content, index = load("src/app/main.ts")
    # `run(..., formatUser)` shadows the import inside `run`; only the call in `start` counts.
    assert refs_of(content, index, "formatUser") == [(19, IMPORT, "start", 0)]
    assert refs_of(content, index, "summary") == [(12, IMPORT, "run", REF_CALL)]
    assert refs_of(content, index, "padText") == [(19, IMPORT, "start", REF_CALL)]
    assert refs_of(content, index, "run") == [(19, FUNCTION, "start", REF_CALL)]
    assert refs_of(content, index, "App") == [(28, CLASS, None, 0)]
    assert index.exports == {"App": def_index(index, "App"), "default": def_index(index, "App")}


def test_type_references_are_flagged() -> None:
    content, index = load("src/app/main.ts")
    assert refs_of(content, index, "ID") == [
        (7, IMPORT, "DEFAULT_ID", REF_TYPE),
        (9, IMPORT, "run", REF_TYPE),
    ]
    assert refs_of(content, index, "models") == [
        (9, IMPORT, "run", REF_TYPE),  # `models.User` as a type
        (10, IMPORT, "run", 0),
    ]
    content, index = load("src/models/user.ts")
    assert refs_of(content, index, "Entity") == [(4, IMPORT, "User", REF_TYPE)]
    assert refs_of(content, index, "Identifiable") == [(4, IMPORT, "User", REF_TYPE)]
    assert refs_of(content, index, "Status") == [
        (5, IMPORT, "status", REF_TYPE),
        (5, IMPORT, "status", 0),
        (16, IMPORT, "disable", 0),
    ]
    assert refs_of(content, index, "User") == [
        (22, CLASS, "isUser", REF_TYPE),
        (23, CLASS, "isUser", 0),
    ]


def test_local_function_shadows_module_function() -> None:
    content, index = load("src/utils/format.ts")
    inner = next(i for i, d in enumerate(index.defs) if d.name == "pad" and d.parent >= 0)
    outer = next(i for i, d in enumerate(index.defs) if d.name == "pad" and d.parent < 0)
    pads = [(r[0], r[2]) for r in index.refs if content[r[0] : r[1]] == b"pad"]
    assert [t for _, t in pads] == [inner, outer]
    assert refs_of(content, index, "calls") == [
        (8, GLOBAL_VAR, "pad", REF_WRITE),
        (24, GLOBAL_VAR, "summary", 0),
        (27, GLOBAL_VAR, None, 0),
    ]
    assert refs_of(content, index, "counter") == [
        (24, FUNCTION, "summary", REF_CALL),
        (27, FUNCTION, None, 0),
    ]
    assert refs_of(content, index, "DEFAULT_WIDTH") == [(7, GLOBAL_VAR, "pad", 0)]


def test_jsx_components_are_call_references() -> None:
    content, index = load("src/components/Greeting.tsx")
    assert defs_table(index) == [
        (INTERFACE, "GreetingProps", None, 5),
        (FUNCTION, "Badge", None, 10),
        (FUNCTION, "Greeting", None, 12),
    ]
    assert refs_of(content, index, "Badge") == [(17, FUNCTION, "Greeting", REF_CALL)]
    assert refs_of(content, index, "formatUser") == [(17, IMPORT, "Greeting", REF_CALL)]
    assert refs_of(content, index, "User") == [(6, IMPORT, "GreetingProps", REF_TYPE)]
    assert chains_text(content, index) == [("React", False, "Greeting", "useState", REF_CALL)]
    assert index.exports == {"Greeting": 2 + 3, "default": 5}


def test_scoping_rules() -> None:
    content, index = src(
        "import { a, b, c, d, e, T } from './m';\n"
        "function f<T>(x: T) {\n"  # type parameter T shadows the import
        "  { let a = 1; a; }\n"  # block-scoped let shadows inside the block only
        "  a;\n"
        "  try {} catch (b) { b; }\n"
        "  for (const c of []) { c; }\n"
        "  c;\n"
        "  if (x) { var d = 1; }\n"  # var is hoisted to the function
        "  d;\n"
        "  const { e: alias = e } = {};\n"  # a default value reads the outer e
        "  label: for (;;) { break label; }\n"
        "}\n"
        "const o = { a: 1, b };\n"
        "o.a; T;\n"
    )
    seen = [(content[s:e].decode(), content.count(b"\n", 0, s) + 1) for s, e, *_ in index.refs]
    assert seen == [("a", 4), ("c", 7), ("e", 10), ("b", 13), ("o", 14), ("T", 14)]


def test_writes_calls_and_new() -> None:
    content, index = src(
        "let n = 0;\nclass K {}\nn = 1; n += 2; n++; [n] = [3]; ({ n } = { n: 4 });\n"
        "new K(); K.create(); n;\n"
    )
    assert refs_of(content, index, "n") == [
        (3, GLOBAL_VAR, None, REF_WRITE),
        (3, GLOBAL_VAR, None, REF_WRITE),
        (3, GLOBAL_VAR, None, REF_WRITE),
        (3, GLOBAL_VAR, None, REF_WRITE),
        (3, GLOBAL_VAR, None, REF_WRITE),
        (4, GLOBAL_VAR, None, 0),
    ]
    assert refs_of(content, index, "K") == [(4, CLASS, None, REF_CALL), (4, CLASS, None, 0)]
    assert chains_text(content, index) == [("K", False, None, "create", REF_CALL)]


# --- chains --------------------------------------------------------------------------------


def test_this_chains_point_to_the_class() -> None:
    content, index = load("src/models/user.ts")
    assert chains_text(content, index) == [
        ("Status", False, "status", "Active", 0),
        ("User", True, "describe", "label", REF_CALL),
        ("User", True, "describe", "name", 0),
        ("User", True, "disable", "status", 0),
        ("Status", False, "disable", "Disabled", 0),
        ("User", True, "notify", "describe", REF_CALL),  # arrow functions keep `this`
    ]


def test_this_in_plain_function_or_object_method_is_not_the_class() -> None:
    content, index = src(
        "class A {\n  m() {\n    function g() { return this.x; }\n"
        "    const o = { h() { return this.y; } };\n    return this.z;\n  }\n}\n"
    )
    assert chains_text(content, index) == [("A", True, "m", "z", 0)]


def test_namespace_chain_and_multiline_chain() -> None:
    content, index = src("import * as ns from './m';\nns.a.b();\nns\n  .c\n  ?.d;\nns[0].e;\n")
    assert chains_text(content, index) == [
        ("ns", False, None, "a.b", REF_CALL),
        ("ns", False, None, "c.d", 0),
    ]


# --- errors --------------------------------------------------------------------------------


def test_syntax_error_is_reported_and_valid_parts_extracted() -> None:
    _, index = load("src/broken.ts")
    assert index.errors and index.errors[0][0][0] == 4
    assert index.defs[0].name == "ok" and index.defs[0].kind == FUNCTION
    assert index.exports["ok"] == 0


# --- module resolution ---------------------------------------------------------------------


FILES = {
    "src/app/main.ts",
    "src/models/index.ts",
    "src/models/user.ts",
    "src/models/base.ts",
    "src/components/Greeting.tsx",
    "src/legacy/config.js",
    "src/types/api.d.ts",
    "src/esm/mod.mts",
    "src/data.json",
}


@pytest.mark.parametrize(
    ("importer", "specifier", "expected"),
    [
        ("src/app/main.ts", "../models/user", "src/models/user.ts"),
        ("src/app/main.ts", "../models/user.js", "src/models/user.ts"),
        ("src/app/main.ts", "../models", "src/models/index.ts"),
        ("src/app/main.ts", "../models/", "src/models/index.ts"),
        ("src/app/main.ts", "../models/index.js", "src/models/index.ts"),
        ("src/app/main.ts", "../components/Greeting", "src/components/Greeting.tsx"),
        ("src/app/main.ts", "../components/Greeting.jsx", "src/components/Greeting.tsx"),
        ("src/app/main.ts", "../legacy/config", "src/legacy/config.js"),
        ("src/app/main.ts", "../legacy/config.js", "src/legacy/config.js"),
        ("src/app/main.ts", "../types/api", "src/types/api.d.ts"),
        ("src/app/main.ts", "../esm/mod.mjs", "src/esm/mod.mts"),
        ("src/app/main.ts", "../data.json", "src/data.json"),
        ("src/models/user.ts", "./base", "src/models/base.ts"),
        ("src/models/user.ts", "./missing", None),
        ("src/app/main.ts", "react", None),
        ("src/app/main.ts", "@scope/pkg/sub", None),
        ("src/app/main.ts", "../../../outside", None),
    ],
)
def test_resolve_module(importer: str, specifier: str, expected: str | None) -> None:
    assert resolve_module(importer, specifier, FILES.__contains__) == expected


def test_resolve_module_extension_order() -> None:
    files = {"a/x.ts", "a/x.js", "a/x/index.ts", "a/y.js", "a/y/index.ts"}
    assert resolve_module("a/main.ts", "./x", files.__contains__) == "a/x.ts"
    assert resolve_module("a/main.ts", "./y", files.__contains__) == "a/y.js"
    assert resolve_module("main.ts", "./a/y/", files.__contains__) == "a/y/index.ts"
    assert resolve_module("a/main.ts", "./x.js", files.__contains__) == "a/x.js"  # exact first


def test_module_constants() -> None:
    assert typescript.SUPPORT.name == "typescript"
    assert ".tsx" in typescript.SUPPORT.extensions and ".cjs" in typescript.SUPPORT.extensions
