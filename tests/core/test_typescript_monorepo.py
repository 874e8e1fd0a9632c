"""A monorepo modelled on vue core's layout: pnpm workspace, tsconfig `paths`, `exports`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph_sitter import Codebase
from graph_sitter.core.symbols import SourceFile

FIXTURE = Path(__file__).parent.parent / "fixtures" / "typescript_monorepo"


@pytest.fixture(scope="module")
def cb() -> Codebase:
    return Codebase(FIXTURE, cache_dir="")


def _target(cb: Codebase, path: str, name: str) -> str | None:
    found = cb.get_file(path).get_import(name).resolved_symbol
    if found is None:
        return None
    return found.filepath if isinstance(found, SourceFile) else f"{found.filepath}::{found.name}"


@pytest.mark.parametrize(
    ("path", "name", "expected"),
    [
        # tsconfig `paths` wildcard (`@mono/*` -> `./packages/*/src`), through a barrel.
        ("packages/reactivity/src/ref.ts", "isString", "packages/shared/src/general.ts::isString"),
        ("packages/runtime-core/src/index.ts", "ref", "packages/reactivity/src/ref.ts::ref"),
        # exact `paths` pattern (`mono`), then `export *` of a package.
        (
            "packages/server-renderer/src/helpers/render.ts",
            "createApp",
            "packages/runtime-core/src/index.ts::createApp",
        ),
        # A folder with its own tsconfig (baseUrl, no paths): workspace packages by name.
        (
            "packages-private/playground/src/main.ts",
            "helper",
            "packages-private/playground/utils/helper.ts::helper",
        ),
        (
            "packages-private/playground/src/main.ts",
            "isString",  # exports "." -> types dist/shared.d.ts -> src/index.ts
            "packages/shared/src/general.ts::isString",
        ),
        (
            "packages-private/playground/src/main.ts",
            "renderToString",  # exports "./helpers/*" -> dist/helpers/*.d.ts -> src/helpers/
            "packages/server-renderer/src/helpers/render.ts::renderToString",
        ),
        (
            "packages-private/playground/src/main.ts",
            "start",  # lib/node/backend.js -> outDir lib -> rootDir src
            "packages/legacy/src/node/backend.ts::start",
        ),
        # `paths: {}` in a package tsconfig overrides the inherited patterns; a namespace.
        (
            "packages/legacy/src/node/backend.ts",
            "CommonCommands",
            "packages/legacy/src/common/command.ts::CommonCommands",
        ),
        (
            "packages/legacy/src/node/backend.ts",
            "Command",
            "packages/legacy/src/common/command.ts::Command",
        ),
    ],
)
def test_imports_resolve_across_packages(cb: Codebase, path: str, name: str, expected: str) -> None:
    assert _target(cb, path, name) == expected


def test_star_reexport_of_a_package(cb: Codebase) -> None:
    star = cb.get_file("packages/mono/src/index.ts").imports[0]
    assert star.module == "@mono/runtime-core"
    assert star.resolved_symbol == cb.get_file("packages/runtime-core/src/index.ts")


def test_usages_follow_across_packages(cb: Codebase) -> None:
    usages = cb.get_function("isString").usages()
    files = sorted({u.filepath for u in usages})
    assert files == [
        "packages-private/playground/src/main.ts",
        "packages/reactivity/src/ref.ts",
        "packages/runtime-core/src/index.ts",
    ]
    calls = [(u.filepath, u.start_point[0]) for u in usages if u.kind == "call"]
    assert calls == [
        ("packages-private/playground/src/main.ts", 6),
        ("packages/reactivity/src/ref.ts", 5),
        ("packages/runtime-core/src/index.ts", 7),
    ]
    label = cb.get_function("label").usages()  # `CommonCommands.label(...)` across packages
    assert [(u.filepath, u.kind) for u in label] == [
        ("packages/legacy/src/node/backend.ts", "call")
    ]
    create_app = cb.get_function("createApp").usages()
    assert ("packages/server-renderer/src/helpers/render.ts", 3) in [
        (u.filepath, u.start_point[0]) for u in create_app if u.kind == "call"
    ]


def test_in_memory_codebase_reads_configs_from_the_mapping() -> None:
    cb = Codebase.from_files(
        {
            "tsconfig.json": '{"compilerOptions": {"paths": {"@/*": ["./src/*"]},},}',
            "src/util.ts": "export function util() { return 1 }\n",
            "app/main.ts": "import { util } from '@/util'\nutil()\n",
        }
    )
    assert [s.path for s in cb.skipped] == []
    assert cb.get_file("app/main.ts").get_import("util").resolved_symbol == cb.get_function("util")


def test_graph_cache_is_keyed_by_the_configs(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    cache = str(tmp_path / "cache")
    path, name = "packages/reactivity/src/ref.ts", "isString"
    assert _target(Codebase(root, cache_dir=cache), path, name) is not None
    tsconfig = root / "tsconfig.json"
    tsconfig.write_text(tsconfig.read_text().replace('"@mono/*"', '"@other/*"'))
    # Same sources, another tsconfig: the cached graph must not answer.
    warm = Codebase(root, cache_dir=cache)
    assert _target(warm, path, name) == _target(Codebase(root, cache_dir=""), path, name)
    assert _target(warm, path, name) == "packages/shared/src/general.ts::isString"  # workspace
    (root / "packages/shared/package.json").unlink()
    assert _target(Codebase(root, cache_dir=cache), path, name) is None


def test_editing_a_barrel_updates_imports_across_packages(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    cb = Codebase(root, cache_dir="")
    importers = [
        ("packages/reactivity/src/ref.ts", "isString"),
        ("packages/reactivity/src/ref.ts", "extend"),
        ("packages/runtime-core/src/index.ts", "makeMap"),
    ]
    assert all(_target(cb, path, name) is not None for path, name in importers)
    cb.get_file("packages/shared/src/index.ts").edit("export { makeMap } from './makeMap'\n")
    cb.commit()
    fresh = Codebase(root, cache_dir="")
    for path, name in importers:
        assert _target(cb, path, name) == _target(fresh, path, name)
    assert _target(cb, "packages/reactivity/src/ref.ts", "isString") is None
    assert cb.get_function("isString").usages() == []
    assert _target(cb, "packages/runtime-core/src/index.ts", "makeMap") is not None
