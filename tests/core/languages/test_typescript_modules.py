"""TypeScript module resolution rules: tsconfig paths/baseUrl/extends, workspaces, exports."""

from __future__ import annotations

import json

import pytest

from graph_sitter.core.languages.typescript.modules import (
    ModuleResolver,
    Resolution,
    is_config_file,
    parse_jsonc,
    parse_pnpm_packages,
)


def resolver(tree: dict[str, object]) -> ModuleResolver:
    """A resolver over `{path: source or config}`; dict values are written as JSON."""
    configs: dict[str, bytes] = {}
    sources: set[str] = set()
    for path, value in tree.items():
        if isinstance(value, dict):
            configs[path] = json.dumps(value).encode()
        elif is_config_file(path):
            configs[path] = str(value).encode()
        else:
            sources.add(path)
    return ModuleResolver(sources, configs.get)


# ------------------------------------------------------------------------------ parsing
def test_jsonc_comments_and_trailing_commas() -> None:
    text = """{
      // line comment
      "a": "http://x/*not a comment*/", /* block
      comment */ "b": [1, 2, /* c */ ],
      "c": {"d": "e\\"//",},
    }"""
    assert parse_jsonc(text) == {"a": "http://x/*not a comment*/", "b": [1, 2], "c": {"d": 'e"//'}}
    with pytest.raises(ValueError):
        parse_jsonc("{'a': 1}")


def test_pnpm_workspace_subset() -> None:
    text = """# comment
packages:
  - 'packages/*'
  - "apps/**"   # trailing comment
  - '!**/test/**'
catalog:
  vite: ^5
"""
    assert parse_pnpm_packages(text) == ["packages/*", "apps/**", "!**/test/**"]
    assert parse_pnpm_packages("packages: ['a/*', \"b\"]\n") == ["a/*", "b"]
    assert parse_pnpm_packages("catalog:\n  - x\n") == []


def test_config_file_names() -> None:
    assert is_config_file("a/tsconfig.json") and is_config_file("tsconfig.build.json")
    assert is_config_file("pkg/package.json") and is_config_file("pnpm-workspace.yaml")
    assert not is_config_file("a/config.json") and not is_config_file("a.ts")


# ------------------------------------------------------------------------------ relative
def test_relative_and_assets() -> None:
    r = resolver({"src/a.ts": "", "src/b/index.tsx": "", "src/c.ts": ""})
    assert r.resolve("src/a.ts", "./c.js") == "src/c.ts"  # .js names the .ts source
    assert r.resolve("src/a.ts", "./b") == "src/b/index.tsx"
    assert r.resolve("src/a.ts", "../../outside") is None
    assert r.explain("src/a.ts", "./style.css") == Resolution(
        None, True, "asset", "not a source file (css, json, ...)"
    )
    assert r.explain("src/a.ts", "./gone").reason == "no such file"
    assert r.explain("src/a.ts", "react") == Resolution(None, False, "external")


# ------------------------------------------------------------------------------ tsconfig
def test_paths_exact_wildcard_longest_prefix_and_fallback_targets() -> None:
    r = resolver(
        {
            "tsconfig.json": {
                "compilerOptions": {
                    "paths": {
                        "@app/*": ["./missing/*", "./src/*"],
                        "@app/special/*": ["./special/*"],
                        "config": ["./src/config/index.ts"],
                    }
                }
            },
            "src/util/x.ts": "",
            "special/y.ts": "",
            "src/config/index.ts": "",
            "main.ts": "",
        }
    )
    assert r.resolve("main.ts", "@app/util/x") == "src/util/x.ts"  # second substitution
    assert r.resolve("main.ts", "@app/special/y") == "special/y.ts"  # longest prefix wins
    assert r.resolve("main.ts", "config") == "src/config/index.ts"
    missing = r.explain("main.ts", "@app/none")
    assert (missing.path, missing.internal, missing.via) == (None, True, "paths")


def test_paths_relative_to_base_url_and_base_url_alone() -> None:
    r = resolver(
        {
            "web/tsconfig.json": {
                "compilerOptions": {"baseUrl": "./src", "paths": {"~/*": ["lib/*"]}}
            },
            "web/src/lib/date.ts": "",
            "web/src/components/button.tsx": "",
            "web/src/main.ts": "",
        }
    )
    assert r.resolve("web/src/main.ts", "~/date") == "web/src/lib/date.ts"
    assert r.explain("web/src/main.ts", "components/button") == Resolution(
        "web/src/components/button.tsx", True, "base-url"
    )


def test_extends_chain_relative_and_package_nearest_config_wins() -> None:
    r = resolver(
        {
            "tsconfig.json": '{"extends": "./configs/base", /* jsonc */ }',
            "configs/base.json": {"extends": "@acme/tsconfig/strict.json"},
            "node_modules/@acme/tsconfig/strict.json": {
                "compilerOptions": {"baseUrl": "../../..", "paths": {"#lib/*": ["lib/*"]}}
            },
            "lib/a.ts": "",
            "main.ts": "",
            "tools/tsconfig.json": {"compilerOptions": {"paths": {"#lib/*": ["./vendor/*"]}}},
            "tools/vendor/a.ts": "",
            "tools/run.ts": "",
        }
    )
    # `paths` from a package config is relative to its `baseUrl` (three folders up: the root).
    assert r.resolve("main.ts", "#lib/a") == "lib/a.ts"
    assert r.resolve("tools/run.ts", "#lib/a") == "tools/vendor/a.ts"  # nearest tsconfig


def test_extends_cycle_and_broken_config_do_not_break_resolution() -> None:
    r = resolver(
        {
            "tsconfig.json": {"extends": "./b.json", "compilerOptions": {"baseUrl": "."}},
            "b.json": {"extends": "./tsconfig.json"},
            "pkg/tsconfig.json": "{ not json",
            "pkg/x.ts": "",
            "lib/y.ts": "",
            "main.ts": "",
        }
    )
    assert r.resolve("main.ts", "lib/y") == "lib/y.ts"
    assert r.resolve("pkg/x.ts", "lib/y") is None  # its own (broken) config has no baseUrl


# ------------------------------------------------------------------------------ packages
def test_workspaces_array_object_and_pnpm_forms() -> None:
    for manifest, pnpm in (
        ({"workspaces": ["packages/*"]}, None),
        ({"workspaces": {"packages": ["packages/**"]}}, None),
        ({}, "packages:\n  - packages/*\n  - '!packages/skip'\n"),
    ):
        tree: dict[str, object] = {
            "package.json": manifest,
            "packages/core/package.json": {"name": "@x/core", "main": "lib/index.js"},
            "packages/core/src/index.ts": "",
            "packages/skip/package.json": {"name": "skip"},
            "packages/skip/src/index.ts": "",
            "app/main.ts": "",
        }
        if pnpm is not None:
            tree["pnpm-workspace.yaml"] = pnpm
        r = resolver(tree)
        assert r.explain("app/main.ts", "@x/core") == Resolution(
            "packages/core/src/index.ts", True, "workspace"
        )
        if pnpm is not None:
            assert r.resolve("app/main.ts", "skip") is None  # excluded by `!`


def test_package_imports_itself_by_name() -> None:
    r = resolver(
        {
            "package.json": {"name": "typeorm", "main": "./index.js", "types": "./index.d.ts"},
            "tsconfig.json": {"compilerOptions": {"outDir": "build/compiled"}},
            "src/index.ts": "",
            "src/driver/Driver.ts": "",
            "test/a.test.ts": "",
        }
    )
    assert r.explain("test/a.test.ts", "typeorm") == Resolution("src/index.ts", True, "self")
    assert r.resolve("test/a.test.ts", "typeorm/driver/Driver") == "src/driver/Driver.ts"


def test_exports_conditions_subpaths_and_wildcards() -> None:
    r = resolver(
        {
            "package.json": {"workspaces": ["pkgs/*"]},
            "pkgs/ui/package.json": {
                "name": "ui",
                "exports": {
                    ".": {"types": "./dist/index.d.ts", "import": "./dist/esm/index.mjs"},
                    "./button": {"require": "./dist/cjs/button.cjs", "default": "./x.js"},
                    "./icons/*": {"types": "./dist/types/icons/*.d.ts"},
                    "./internal/*": None,
                },
            },
            "pkgs/ui/src/index.ts": "",
            "pkgs/ui/src/button.tsx": "",
            "pkgs/ui/src/icons/star.ts": "",
            "app.ts": "",
        }
    )
    assert r.resolve("app.ts", "ui") == "pkgs/ui/src/index.ts"
    assert r.resolve("app.ts", "ui/button") == "pkgs/ui/src/button.tsx"  # dist/cjs -> src
    assert r.resolve("app.ts", "ui/icons/star") == "pkgs/ui/src/icons/star.ts"
    hidden = r.explain("app.ts", "ui/secret")
    assert (hidden.path, hidden.internal) == (None, True)
    assert "exports" in hidden.reason


def test_out_dir_maps_to_root_dir_and_exports_string_form() -> None:
    r = resolver(
        {
            "package.json": {"workspaces": ["packages/*"]},
            "packages/core/package.json": {"name": "@t/core", "main": "lib/common/index.js"},
            "packages/core/tsconfig.json": {
                "compilerOptions": {"rootDir": "source", "outDir": "lib"}
            },
            "packages/core/source/common/index.ts": "",
            "packages/core/source/common/command.ts": "",
            "packages/tiny/package.json": {"name": "tiny", "exports": "./dist/main.js"},
            "packages/tiny/src/main.ts": "",
            "packages/app/src/a.ts": "",
        }
    )
    importer = "packages/app/src/a.ts"
    assert r.resolve(importer, "@t/core") == "packages/core/source/common/index.ts"
    assert r.resolve(importer, "@t/core/lib/common/command") == (
        "packages/core/source/common/command.ts"
    )
    assert r.resolve(importer, "tiny") == "packages/tiny/src/main.ts"


def test_inputs_digest_covers_the_configs_read() -> None:
    tree: dict[str, object] = {
        "tsconfig.json": {"compilerOptions": {"paths": {"@/*": ["src/*"]}}},
        "src/a.ts": "",
    }
    first = resolver(tree).inputs_digest()
    assert resolver(tree).inputs_digest() == first
    tree["tsconfig.json"] = {"compilerOptions": {"paths": {"@/*": ["lib/*"]}}}
    assert resolver(tree).inputs_digest() != first


def test_odd_manifests_resolve_as_if_absent() -> None:
    r = resolver(
        {
            "package.json": {"workspaces": ["packages/*", 7, None]},
            "pnpm-workspace.yaml": "packages: oops\n",
            "packages/a/package.json": "[1, 2]",
            "packages/a/src/index.ts": "",
            "packages/b/package.json": {"name": "b", "exports": {".": 5, "./x": [None, {}]}},
            "packages/b/src/index.ts": "",
            "tsconfig.json": {"extends": 3, "compilerOptions": {"paths": {"@/*": "src/*"}}},
            "src/util.ts": "",
            "main.ts": "",
        }
    )
    assert r.resolve("main.ts", "a") is None  # a manifest that is not an object names nothing
    assert r.resolve("main.ts", "b") == "packages/b/src/index.ts"  # `src/index` fallback
    assert r.explain("main.ts", "b/x").path is None
    assert r.resolve("main.ts", "@/util") == "src/util.ts"  # a single string substitution
