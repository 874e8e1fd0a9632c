"""TypeScript module resolution, as the compiler does it, mapped onto the sources of the tree.

An import specifier is resolved, in order, by:

1. a relative or absolute path (`./a`, `../b.js`, `/src/c`): the file, its TypeScript source
   beside it (`./a.js` -> `./a.ts`), each extension, then `<path>/index.<ext>`;
2. the `compilerOptions.paths` of the importer's nearest `tsconfig.json` (or `jsconfig.json`),
   following `extends` chains (relative files and packages); exact patterns first, then the
   wildcard pattern with the longest prefix; each substitution is tried in order;
3. `compilerOptions.baseUrl` (a non-relative specifier under it);
4. a workspace package by name (`package.json` `workspaces`, array or `{packages: [...]}`,
   `pnpm-workspace.yaml` `packages:`, `lerna.json` `packages`), or the importer's own package by
   its `name`: the subpath goes through `exports` (conditions, subpaths, `*` subpaths) or, for
   the package itself, `types`/`typings`/`module`/`main`; what those name (usually build output,
   `dist/index.d.ts`, `lib/common/foo.js`) is mapped back to the source it is built from
   (`outDir` -> `rootDir` of the package's tsconfig, then the common layouts `dist|lib|build|
   out/... -> src/...`), and `src/index` is the last resort for the package itself.

Configuration files are read through a callback (from disk or from an in-memory mapping); JSON
files may hold comments and trailing commas as tsconfig files do. Everything read is recorded so
that a cache of the resolved graph can be keyed by it (`inputs_digest`).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graph_sitter.core.languages.typescript.config import (
    export_targets,
    glob_regex,
    parse_jsonc,
    parse_pnpm_packages,
)

__all__ = [
    "CONFIG_NAMES",
    "ModuleResolver",
    "Resolution",
    "is_config_file",
    "parse_jsonc",
    "parse_pnpm_packages",
    "resolve_relative",
]

ConfigReader = Callable[[str], bytes | None]

# Files, other than sources, that module resolution reads.
CONFIG_NAMES = frozenset(
    {"package.json", "tsconfig.json", "jsconfig.json", "pnpm-workspace.yaml", "lerna.json"}
)
_TSCONFIG_RE = re.compile(r"^(?:tsconfig|jsconfig)[\w.-]*\.json$")

_RESOLVE_EXTENSIONS = (".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_JS_TO_TS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
_CODE_EXTENSIONS = frozenset({".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"})
_SOURCE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
_DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
_BUILT_SUFFIXES = (*_DECLARATION_SUFFIXES, ".js", ".mjs", ".cjs", ".jsx")
# Folders build output commonly goes to, and flavours nested in them (`dist/esm/...`).
_BUILD_DIRS = frozenset({"dist", "lib", "build", "out", "esm", "cjs", "types", "typings", "dts"})
_FLAVOUR_DIRS = frozenset(
    {"esm", "cjs", "es", "umd", "types", "typings", "node", "browser", "compiled", "src", "mjs"}
)
_MAX_EXTENDS = 16
_MAX_CONFIG_BYTES = 4 * 1024 * 1024


def is_config_file(path: str) -> bool:
    """Whether module resolution reads a file of this name (package.json, tsconfig*.json, ...)."""
    name = posixpath.basename(path)
    return name in CONFIG_NAMES or _TSCONFIG_RE.match(name) is not None


@dataclass(frozen=True, slots=True)
class Resolution:
    """How an import specifier resolved.

    Attributes:
        path: The file it denotes (a path of the tree), or None.
        internal: Whether the specifier names code of this tree (relative, a `paths` pattern,
            `baseUrl`, a workspace package or the importer's own package).
        via: "relative", "paths", "base-url", "workspace", "self", "asset" (a relative
            specifier of a file that is not code, such as `./style.css`) or "external".
        reason: Why an internal specifier found no file ("" when resolved or external).
    """

    path: str | None
    internal: bool
    via: str
    reason: str = ""


# ----------------------------------------------------------------------------- file lookup
def _file_candidates(base: str, directory_only: bool = False) -> Iterator[str]:
    if base and not directory_only:
        yield base
        stem, ext = posixpath.splitext(base)
        for replacement in _JS_TO_TS.get(ext, ()):
            yield stem + replacement
        for ext_ in _RESOLVE_EXTENSIONS:
            yield base + ext_
    prefix = base + "/" if base else ""
    for ext_ in _RESOLVE_EXTENSIONS:
        yield prefix + "index" + ext_


def _find_file(
    base: str, exists: Callable[[str], bool], directory_only: bool = False
) -> str | None:
    if base == ".." or base.startswith("../"):
        return None  # outside the tree
    if base == ".":
        base = ""
    for candidate in _file_candidates(base, directory_only):
        if exists(candidate):
            return candidate
    return None


def resolve_relative(importer: str, specifier: str, exists: Callable[[str], bool]) -> str | None:
    """Resolve a relative (or root-absolute) specifier to a file path of the tree, or None."""
    if not specifier.startswith((".", "/")) or specifier.startswith("//"):
        return None
    if specifier.startswith("/"):
        base = posixpath.normpath(specifier.lstrip("/") or ".")
    else:
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
    return _find_file(base, exists, directory_only=specifier.endswith("/"))


def _join(directory: str, value: str) -> str:
    joined = posixpath.normpath(posixpath.join(directory, value))
    return "" if joined == "." else joined


def _dirname(path: str) -> str:
    return posixpath.dirname(path)


def _ancestors(directory: str) -> Iterator[str]:
    """`directory` and every folder above it, up to the root ("")."""
    while True:
        yield directory
        if not directory:
            return
        directory = posixpath.dirname(directory)


# ----------------------------------------------------------------------------- resolver
@dataclass(slots=True)
class _TsConfig:
    path: str
    base_url: str | None = None  # folder, relative to the tree root
    paths: list[tuple[str, list[str]]] = field(default_factory=list)  # pattern -> folders
    root_dir: str | None = None
    out_dir: str | None = None


@dataclass(slots=True)
class _Package:
    directory: str
    name: str
    manifest: dict[str, Any]


class ModuleResolver:
    """Resolves import specifiers of one tree; results are cached per (folder, specifier).

    Args:
        files: Paths of the tree's source files (POSIX, relative to its root).
        read: Returns the bytes of a file of the tree (a config file), or None when missing.
    """

    def __init__(self, files: Collection[str], read: ConfigReader) -> None:
        self._files = files
        self._read_raw = read
        self._read: dict[str, bytes | None] = {}
        self._json: dict[str, Any] = {}
        self._tsconfig_at: dict[str, _TsConfig | None] = {}  # folder -> nearest tsconfig
        self._loaded: dict[str, _TsConfig | None] = {}  # tsconfig path -> loaded
        self._package_at: dict[str, _Package | None] = {}  # folder -> nearest package
        self._workspace: dict[str, _Package] | None = None
        self._cache: dict[tuple[str, str], Resolution] = {}
        self._folders: list[str] | None = None

    # ------------------------------------------------------------------ reading
    def _bytes(self, path: str) -> bytes | None:
        if path in self._read:
            return self._read[path]
        data: bytes | None = None
        if path and not path.startswith("../") and path != "..":
            try:
                data = self._read_raw(path)
            except (OSError, ValueError):
                data = None
            if data is not None and len(data) > _MAX_CONFIG_BYTES:
                data = None
        self._read[path] = data
        return data

    def _load_json(self, path: str) -> Any:
        if path in self._json:
            return self._json[path]
        data = self._bytes(path)
        value: Any = None
        if data is not None:
            try:
                value = parse_jsonc(data.decode("utf-8-sig", "replace"))
            except ValueError:
                value = None  # a broken config resolves as if it were absent
        self._json[path] = value
        return value

    def inputs_digest(self) -> str:
        """Digest of every config file resolution reads (for the graph cache key)."""
        for folder in self._source_folders():
            self._nearest_tsconfig(folder)
            self._nearest_package(folder)
        packages = self._workspace_packages()
        for package in packages.values():
            self._package_tsconfig(package)
        h = hashlib.blake2b(digest_size=16)
        for path in sorted(self._read):
            data = self._read[path]
            h.update(path.encode("utf-8", "surrogateescape") + b"\0")
            h.update(b"-" if data is None else hashlib.blake2b(data, digest_size=16).digest())
        return h.hexdigest()

    def _source_folders(self) -> list[str]:
        if self._folders is None:
            folders: set[str] = set()
            for path in self._files:
                folder = _dirname(path)
                while folder not in folders:
                    folders.add(folder)
                    if not folder:
                        break
                    folder = _dirname(folder)
            folders.add("")
            self._folders = sorted(folders)
        return self._folders

    # ------------------------------------------------------------------ tsconfig
    def _nearest_tsconfig(self, folder: str) -> _TsConfig | None:
        if folder in self._tsconfig_at:
            return self._tsconfig_at[folder]
        found: _TsConfig | None = None
        for name in ("tsconfig.json", "jsconfig.json"):
            path = f"{folder}/{name}" if folder else name
            if self._bytes(path) is not None:
                found = self._tsconfig(path)
                break
        else:
            found = self._nearest_tsconfig(_dirname(folder)) if folder else None
        self._tsconfig_at[folder] = found
        return found

    def _tsconfig(self, path: str) -> _TsConfig:
        """The effective options of a tsconfig file, `extends` chain merged."""
        loaded = self._loaded.get(path)
        if loaded is not None:
            return loaded
        config = _TsConfig(path)
        self._loaded[path] = config  # cycle guard
        # Options from the chain, outermost first; each with the folder it is relative to.
        chain: list[tuple[str, dict[str, Any]]] = []
        self._collect_chain(path, chain, set())
        paths_dir: str | None = None
        raw_paths: dict[str, Any] | None = None
        for directory, options in chain:
            if isinstance(options.get("baseUrl"), str):
                config.base_url = _join(directory, options["baseUrl"])
            if isinstance(options.get("paths"), dict):
                raw_paths, paths_dir = options["paths"], directory
            if isinstance(options.get("rootDir"), str):
                config.root_dir = _join(directory, options["rootDir"])
            if isinstance(options.get("outDir"), str):
                config.out_dir = _join(directory, options["outDir"])
        if raw_paths is not None and paths_dir is not None:
            base = config.base_url if config.base_url is not None else paths_dir
            for pattern, targets in raw_paths.items():
                if isinstance(targets, str):
                    targets = [targets]
                if isinstance(targets, list):
                    folders = [_join(base, t) for t in targets if isinstance(t, str)]
                    config.paths.append((str(pattern), folders))
        return config

    def _collect_chain(
        self, path: str, chain: list[tuple[str, dict[str, Any]]], seen: set[str]
    ) -> None:
        if path in seen or len(seen) >= _MAX_EXTENDS:
            return
        seen.add(path)
        data = self._load_json(path)
        if not isinstance(data, dict):
            return
        extends = data.get("extends")
        parents = [extends] if isinstance(extends, str) else extends
        if isinstance(parents, list):
            for parent in parents:
                if isinstance(parent, str):
                    found = self._extends_path(_dirname(path), parent)
                    if found is not None:
                        self._collect_chain(found, chain, seen)
        options = data.get("compilerOptions")
        chain.append((_dirname(path), options if isinstance(options, dict) else {}))

    def _extends_path(self, directory: str, spec: str) -> str | None:
        if spec.startswith((".", "/")):
            base = _join(directory, spec.lstrip("/") if spec.startswith("/") else spec)
            for candidate in (base, base + ".json", base + "/tsconfig.json"):
                if self._bytes(candidate) is not None:
                    return candidate
            return None
        # A package: a workspace package, else one installed in a node_modules folder above.
        name, subpath = _split_package(spec)
        folders: list[str] = []
        package = self._workspace_packages().get(name)
        if package is not None:
            folders.append(package.directory)
        folders.extend(_join(d, f"node_modules/{name}") for d in _ancestors(directory))
        for folder in folders:
            if subpath != ".":
                base = _join(folder, subpath)
                for candidate in (base, base + ".json", base + "/tsconfig.json"):
                    if self._bytes(candidate) is not None:
                        return candidate
                continue
            manifest = self._load_json(_join(folder, "package.json"))
            if isinstance(manifest, dict) and isinstance(manifest.get("tsconfig"), str):
                candidate = _join(folder, manifest["tsconfig"])
                if self._bytes(candidate) is not None:
                    return candidate
            candidate = _join(folder, "tsconfig.json")
            if self._bytes(candidate) is not None:
                return candidate
        return None

    # ------------------------------------------------------------------ packages
    def _workspace_packages(self) -> dict[str, _Package]:
        if self._workspace is not None:
            return self._workspace
        self._workspace = {}
        globs: list[str] = []
        manifest = self._load_json("package.json")
        if isinstance(manifest, dict):
            workspaces = manifest.get("workspaces")
            if isinstance(workspaces, dict):
                workspaces = workspaces.get("packages")
            if isinstance(workspaces, list):
                globs.extend(g for g in workspaces if isinstance(g, str))
        pnpm = self._bytes("pnpm-workspace.yaml")
        if pnpm is not None:
            globs.extend(parse_pnpm_packages(pnpm.decode("utf-8", "replace")))
        lerna = self._load_json("lerna.json")
        if isinstance(lerna, dict) and isinstance(lerna.get("packages"), list):
            globs.extend(g for g in lerna["packages"] if isinstance(g, str))
        include = [glob_regex(g) for g in globs if not g.startswith("!")]
        exclude = [glob_regex(g[1:]) for g in globs if g.startswith("!")]
        if not include:
            return self._workspace
        for folder in self._source_folders():
            if not folder or not any(r.match(folder) for r in include):
                continue
            if any(r.match(folder) for r in exclude):
                continue
            package = self._package_in(folder)
            if package is not None:
                self._workspace.setdefault(package.name, package)
        return self._workspace

    def _package_in(self, folder: str) -> _Package | None:
        manifest = self._load_json(_join(folder, "package.json"))
        if not isinstance(manifest, dict):
            return None
        name = manifest.get("name")
        return _Package(folder, name if isinstance(name, str) else "", manifest)

    def _nearest_package(self, folder: str) -> _Package | None:
        if folder in self._package_at:
            return self._package_at[folder]
        found = self._package_in(folder)
        if found is None and folder:
            found = self._nearest_package(_dirname(folder))
        self._package_at[folder] = found
        return found

    def _package_tsconfig(self, package: _Package) -> _TsConfig | None:
        path = _join(package.directory, "tsconfig.json")
        return self._tsconfig(path) if self._bytes(path) is not None else None

    # ------------------------------------------------------------------ resolution
    def resolve(self, importer: str, specifier: str) -> str | None:
        """The file of the tree `specifier` denotes when imported from `importer`, or None."""
        return self.explain(importer, specifier).path

    def explain(self, importer: str, specifier: str) -> Resolution:
        """Resolve `specifier`, saying how (see `Resolution`)."""
        folder = _dirname(importer)
        key = (folder, specifier)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._explain(importer, folder, specifier)
        return cached

    def _exists(self, path: str) -> bool:
        return path in self._files

    def _explain(self, importer: str, folder: str, spec: str) -> Resolution:
        if not spec:
            return Resolution(None, False, "external")
        if spec.startswith((".", "/")) and not spec.startswith("//"):
            path = resolve_relative(importer, spec, self._exists)
            if path is None and _is_asset(spec):
                return Resolution(None, True, "asset", "not a source file (css, json, ...)")
            return Resolution(path, True, "relative", "" if path else "no such file")
        config = self._nearest_tsconfig(folder)
        matched_paths = False
        if config is not None and config.paths:
            found, matched_paths = self._via_paths(config, spec)
            if found is not None:
                return Resolution(found, True, "paths")
        if config is not None and config.base_url is not None:
            found = _find_file(_join(config.base_url, spec), self._exists)
            if found is not None:
                return Resolution(found, True, "base-url")
        name, subpath = _split_package(spec)
        package = self._workspace_packages().get(name)
        via = "workspace"
        if package is None:
            own = self._nearest_package(folder)
            if own is not None and own.name and own.name == name:
                package, via = own, "self"
        if package is not None:
            found, reason = self._in_package(package, subpath)
            return Resolution(found, True, via, reason)
        if matched_paths:
            return Resolution(None, True, "paths", "no file for the tsconfig paths substitutions")
        return Resolution(None, False, "external")

    def _via_paths(self, config: _TsConfig, spec: str) -> tuple[str | None, bool]:
        best: tuple[int, str, list[str]] | None = None
        for pattern, targets in config.paths:
            if "*" not in pattern:
                if pattern == spec:
                    best = (len(pattern) + 1, "", targets)
                    break
                continue
            prefix, _, suffix = pattern.partition("*")
            if (
                spec.startswith(prefix)
                and spec.endswith(suffix)
                and len(spec) >= len(prefix) + len(suffix)
                and (best is None or len(prefix) > best[0])
            ):
                best = (len(prefix), spec[len(prefix) : len(spec) - len(suffix)], targets)
        if best is None:
            return None, False
        _, star, targets = best
        for target in targets:
            found = _find_file(target.replace("*", star), self._exists)
            if found is None:
                found = self._to_source(target.replace("*", star))
            if found is not None:
                return found, True
        return None, True

    def _in_package(self, package: _Package, subpath: str) -> tuple[str | None, str]:
        manifest = package.manifest
        targets: list[str] = []
        exports = manifest.get("exports")
        exported = export_targets(exports, subpath) if exports is not None else None
        if exported is not None:
            targets = exported
        if subpath == ".":
            for key in ("types", "typings", "module", "main"):
                value = manifest.get(key)
                if isinstance(value, str):
                    targets.append(value)
        else:
            targets.append(subpath)
        tsconfig = self._package_tsconfig(package)
        directory = package.directory
        literal: list[str] = []
        for target in targets:
            path = _join(directory, target)
            if _is_source(path) and self._exists(path):
                return path, ""
            found = self._to_source(path, directory, tsconfig)
            if found is not None:
                return found, ""
            literal.append(path)
        if subpath == ".":
            for base in (_join(directory, "src"), directory):
                found = _find_file(base, self._exists, directory_only=True)
                if found is not None:
                    return found, ""
        for path in literal:
            found = _find_file(path, self._exists)
            if found is not None:
                return found, ""
        if exports is not None and not exported:
            return None, f"subpath {subpath!r} not in the package's exports"
        return None, "no source file for the package entry"

    def _to_source(
        self, path: str, package_dir: str | None = None, tsconfig: _TsConfig | None = None
    ) -> str | None:
        """The source file a built path (`dist/x.d.ts`, `lib/y.js`) is compiled from."""
        stem = path
        for suffix in _BUILT_SUFFIXES:
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        bases: list[str] = []
        if tsconfig is not None and tsconfig.out_dir is not None:
            out = tsconfig.out_dir
            if stem == out or stem.startswith(out + "/"):
                root = tsconfig.root_dir
                if root is None and package_dir is not None:
                    root = _join(package_dir, "src")
                if root is not None:
                    bases.append(_join(root, stem[len(out) + 1 :] or "."))
        if package_dir is not None:
            rest = stem[len(package_dir) + 1 :] if package_dir else stem
            parts = rest.split("/") if rest else []
            if parts and parts[0] in _BUILD_DIRS:
                tail = parts[1:]
                variants = [tail]
                if tail and tail[0] in _FLAVOUR_DIRS:
                    variants.append(tail[1:])
                for variant in variants:
                    bases.append(_join(package_dir, "/".join(["src", *variant])))
                    bases.append(_join(package_dir, "/".join(variant) or "."))
            elif parts:
                bases.append(_join(package_dir, "/".join(["src", *parts])))
        bases.insert(0, stem)
        for base in _unique(bases):
            for candidate in _file_candidates(base):
                if _is_source(candidate) and self._exists(candidate):
                    return candidate
        return None


def _is_asset(spec: str) -> bool:
    """A specifier naming a file that is not code (`./a.css`, `./b.json`, `./c.js?raw`)."""
    if "?" in spec:
        return True  # a bundler query (`?raw`, `?url`): the file's text or address, not code
    ext = posixpath.splitext(spec)[1].lower()
    return bool(ext) and ext not in _CODE_EXTENSIONS


def _is_source(path: str) -> bool:
    return path.endswith(_SOURCE_SUFFIXES) and not path.endswith(_DECLARATION_SUFFIXES)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _split_package(spec: str) -> tuple[str, str]:
    """`@scope/name/sub/path` -> (`@scope/name`, `./sub/path`); `name` -> (`name`, `.`)."""
    parts = spec.split("/")
    count = 2 if spec.startswith("@") and len(parts) > 1 else 1
    name = "/".join(parts[:count])
    rest = "/".join(parts[count:])
    return name, f"./{rest}" if rest else "."
