"""The upstream-style read scripts in scripts/upstream_examples run unchanged on real code.

Python: copies of stdlib packages (json, email) from the running interpreter. TypeScript: the
vue-like monorepo fixture. Each answer is checked against an oracle computed independently
(the `ast` module, or a text search), not against a stored snapshot.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent.parent / "scripts" / "upstream_examples"
MONOREPO = Path(__file__).parent.parent / "fixtures" / "typescript_monorepo"


def run(script: str, *args: str | Path) -> list[str]:
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *map(str, args)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stderr == "", out.stderr
    return out.stdout.splitlines()


def stdlib_copy(tmp_path: Path, package: str) -> Path:
    """`tmp_path/<package>/...`: the package under a root, so its absolute imports resolve."""
    source = Path(__import__(package).__file__ or "").parent
    shutil.copytree(source, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.fixture(scope="module")
def json_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stdlib_copy(tmp_path_factory.mktemp("json"), "json")


@pytest.fixture(scope="module")
def email_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return stdlib_copy(tmp_path_factory.mktemp("email"), "email")


def trees(root: Path) -> dict[str, ast.Module]:
    return {p.relative_to(root).as_posix(): ast.parse(p.read_text()) for p in root.rglob("*.py")}


def unused_oracle(root: Path) -> set[str]:
    """Top-level, undecorated, non-dunder, non-test functions that nothing names: a bare name
    in their own file, an attribute `x.name` or a `from m import name` anywhere."""
    modules = trees(root)
    attrs: set[str] = set()
    imported: set[str] = set()
    local: dict[str, set[str]] = {}
    for path, module in modules.items():
        local[path] = set()
        for node in ast.walk(module):
            if isinstance(node, ast.Name):
                local[path].add(node.id)
            elif isinstance(node, ast.Attribute):
                attrs.add(node.attr)
            elif isinstance(node, ast.ImportFrom):
                imported.update(alias.name for alias in node.names)
    found = set()
    for path, module in modules.items():
        for node in module.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.decorator_list:
                continue
            name = node.name
            if name.startswith("test") or (name.startswith("__") and name.endswith("__")):
                continue
            if name not in local[path] and name not in attrs and name not in imported:
                found.add(f"{path} {name}")
    return found


@pytest.mark.parametrize("package", ["json", "email"])
def test_dead_code_report_matches_an_ast_oracle(
    package: str, json_root: Path, email_root: Path
) -> None:
    root = json_root if package == "json" else email_root
    lines = run("dead_code_report.py", root)
    assert lines[-1] == f"{len(lines) - 1} unused functions"
    reported = {f"{line.split()[0].split(':')[0]} {line.split()[1]}" for line in lines[:-1]}
    # the oracle counts any same-named attribute or local name as a use, so it can only miss
    # dead functions; the graph tells these apart (and reports them), as explained here
    told_apart = {
        "json": set(),
        "email": {
            # called only as `encoder_module.header_encode(...)`, a module chosen at run time
            "email/base64mime.py header_encode",
            "email/quoprimime.py header_encode",
            # in utils.py `localtime` is formatdate's parameter, and `time.localtime` another
            "email/utils.py localtime",
        },
    }[package]
    assert reported == unused_oracle(root) | told_apart
    assert reported, "a real package has some entry points nothing in it calls"


def test_dead_code_report_on_json_keeps_what_tool_py_calls(json_root: Path) -> None:
    reported = {line.split()[1] for line in run("dead_code_report.py", json_root)[:-1]}
    # json/tool.py calls json.load, json.loads and json.dump; nothing in json calls dumps
    assert reported == {"dumps"}


def test_import_report_on_json(json_root: Path) -> None:
    lines = [line.split("\t") for line in run("import_report.py", json_root)]
    imports = [fields[1:] for fields in lines if fields[0] == "import"]
    by_file: dict[str, set[tuple[str, str]]] = {}
    for path, _line, _module, name, kind, *dynamic in imports:
        by_file.setdefault(path, set()).add((name, kind + ("+dynamic" if dynamic else "")))
    # the oracle: every import statement the ast finds, with its kind worked out by hand
    for path, module in trees(json_root).items():
        expected = set()
        for node in ast.walk(module):
            if isinstance(node, ast.Import):
                names = [(alias.name, alias.name.split(".")[0]) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = "json" if node.level else (node.module or "").split(".")[0]
                names = [(alias.name, base) for alias in node.names]
            else:
                continue
            in_try = any(isinstance(t, ast.Try) and node in ast.walk(t) for t in ast.walk(module))
            for name, base in names:
                kind = "internal" if base == "json" else "external"
                expected.add((name, kind + ("+dynamic" if in_try else "")))
        assert by_file.get(path, set()) == expected, path
    importers = {(f[1], f[2]) for f in lines if f[0] == "imported-by"}
    assert ("json/decoder.py", "json/__init__.py") in importers
    assert ("json/scanner.py", "json/decoder.py") in importers
    assert ("json/__init__.py", "json/tool.py") in importers
    total = dict(item.split("=") for item in lines[-1][1:])
    assert int(total["dynamic"]) == sum(1 for i in imports if i[-1] == "dynamic") == 5


def test_call_graph_on_json(json_root: Path) -> None:
    callers = [line.split("\t") for line in run("call_graph.py", json_root, "loads")]
    by_caller = {(f[1], f[2]): f[3] for f in callers if f[0] == "caller"}
    # json.load passes its six keyword arguments on to loads; json/tool.py calls json.loads(line)
    assert by_caller == {
        ("json/__init__.py", "load"): "cls,object_hook,object_pairs_hook,parse_constant,"
        "parse_float,parse_int",
        ("json/tool.py", "main"): "",
    }
    edges = run("call_graph.py", json_root)
    assert edges[-1] == f"{len(edges) - 1} call edges"
    assert "json/decoder.py:JSONDecoder.decode -> JSONDecoder.raw_decode (2 args)" in edges
    assert "json/__init__.py:load -> loads (8 args)" in edges
    # every edge names a caller that really calls the callee (checked with ast)
    calls: set[tuple[str, str]] = set()
    for path, module in trees(json_root).items():
        for fn in ast.walk(module):
            if isinstance(fn, ast.FunctionDef):
                for node in ast.walk(fn):
                    if isinstance(node, ast.Call):
                        f = node.func
                        callee = f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")
                        calls.add((f"{path}:{fn.name}", callee))
    for edge in edges[:-1]:
        caller, _, callee = edge.split(" ")[:3]
        caller_file, caller_name = caller.split(":")
        assert (f"{caller_file}:{caller_name.split('.')[-1]}", callee.split(".")[-1]) in calls


def test_ts_exports_report_on_the_monorepo(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(MONOREPO, root)
    lines = [line.split("\t") for line in run("ts_exports_report.py", root)]
    exports = {(f[1], f[2], f[3], f[4]) for f in lines if f[0] == "export"}
    assert ("packages/shared/src/index.ts", "", "wildcard", "packages/shared/src/general.ts") in (
        exports
    )
    assert (
        "packages/reactivity/src/index.ts",
        "Ref",
        "reexport",
        "packages/reactivity/src/ref.ts",
    ) in exports
    # the oracle for "unused": a name exported by its definition that no other file mentions
    texts = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.ts")}
    expected = set()
    for path, name, form, _ in exports:
        if form in ("named", "default", "type"):
            word = re.compile(rf"\b{re.escape(name)}\b")
            if not any(word.search(t) for other, t in texts.items() if other != path):
                expected.add((path, name))
    unused = {(f[1], f[2]) for f in lines if f[0] == "unused"}
    assert unused == expected
    assert expected == {
        ("packages/runtime-core/src/index.ts", "isBuiltIn"),
        ("packages-private/playground/src/main.ts", "out"),
    }
    assert lines[-1] == ["total", f"{len(exports)} exports", "2 unused"]
    json.dumps(lines)  # plain strings all through


def test_symbol_report_on_json_decoder(json_root: Path) -> None:
    rows = [line.split("\t") for line in run("symbol_report.py", json_root, "json/decoder.py")]
    source = (json_root / "json" / "decoder.py").read_text()
    module = ast.parse(source)
    summaries = {r[1]: r[3] for r in rows if r[0] == "symbol"}
    needs: dict[str, set[str]] = {}
    for r in rows:
        if r[0] == "needs" and r[3] == "json/decoder.py":
            needs.setdefault(r[1], set()).add(r[2])
    used_by = {(r[1], r[2], r[3]): int(r[4]) for r in rows if r[0] == "used-by"}

    # docstrings, and the comment block above a symbol without one
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            doc = ast.get_docstring(node)
            assert summaries[node.name] == (doc.strip().splitlines()[0] if doc else "")
    lines = source.splitlines()
    assign = next(
        n
        for n in module.body
        if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "scanstring"
    )
    assert lines[assign.lineno - 2].startswith("# ")
    assert summaries["scanstring"] == lines[assign.lineno - 2].removeprefix("# ")

    # JSONDecodeError: raised all through decoder.py, imported and raised again by __init__.py
    in_decoder = sum(
        1 for n in ast.walk(module) if isinstance(n, ast.Name) and n.id == "JSONDecodeError"
    )
    assert used_by[("JSONDecodeError", "json/decoder.py", "DIRECT")] == in_decoder
    assert {where for name, where, _ in used_by if name == "JSONDecodeError"} == {
        "json/__init__.py",
        "json/decoder.py",
    }

    # what each top-level function needs: the module-level names its body reads (ast oracle)
    bound: set[str] = set()
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Assign):
            bound.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Try):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    bound.update(a.asname or a.name for a in inner.names)
    for node in module.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        local = {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
        local |= {
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        read = {
            n.id
            for n in ast.walk(node)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in bound
        }
        assert needs.get(node.name, set()) == read - local, node.name


def test_import_and_call_reports_follow_workspace_packages(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(MONOREPO, root)
    rows = [line.split("\t") for line in run("import_report.py", root)]
    kinds = {(r[1], r[3], r[4]): r[5] for r in rows if r[0] == "import"}
    # every specifier names a file of the repo (relative, tsconfig path or workspace package)
    # except the stylesheet, which is not parsed
    texts = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*.ts")}
    specifiers = {
        (path, m.group(1))
        for path, text in texts.items()
        for m in re.finditer(r"from '([^']+)'", text)
    }
    assert {(path, module) for path, module, _ in kinds} == specifiers | {
        ("packages-private/playground/src/main.ts", "./style.css")
    }
    assert {kind for (_, module, _), kind in kinds.items() if module != "./style.css"} == {
        "internal"
    }
    assert kinds[("packages-private/playground/src/main.ts", "./style.css", "")] == "unresolved"
    importers = {(r[1], r[2]) for r in rows if r[0] == "imported-by"}
    assert {i for f, i in importers if f == "packages/reactivity/src/index.ts"} == {
        "packages/mono/src/index.ts",
        "packages/runtime-core/src/index.ts",
    }

    edges = run("call_graph.py", root)
    assert set(edges[:-1]) == {
        "packages/legacy/src/node/backend.ts:start -> label (1 args)",
        "packages/reactivity/src/ref.ts:ref -> extend (2 args)",
        "packages/runtime-core/src/index.ts:createApp -> ref (1 args)",
        "packages/runtime-core/src/index.ts:createApp -> isString (1 args)",
        "packages/server-renderer/src/helpers/render.ts:renderToString -> createApp (1 args)",
        "packages/reactivity/src/ref.ts:Ref.describe -> isString (1 args)",
    }
    callers = run("call_graph.py", root, "createApp")
    assert callers[0].split("\t")[:3] == [
        "caller",
        "packages/server-renderer/src/helpers/render.ts",
        "renderToString",
    ]
    assert [c.split("\t")[1] for c in callers[1:]] == ["ref", "isString"]
