"""Python module names and import resolution over a graph's files."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from graph_sitter.core._targets import ModTarget

if TYPE_CHECKING:
    from graph_sitter.core._records import DefRecord
    from graph_sitter.core._targets import Target
    from graph_sitter.core.resolve import Graph

SUFFIXES = (".py", ".pyi")
_SOURCE_ROOTS = ("src", "lib", "python", "source")


def module_names(path: str, paths: set[str], prefix: str = "") -> list[str]:
    """Candidate dotted names of a Python file, most canonical first."""
    for suffix in SUFFIXES:
        if path.endswith(suffix):
            stem = path[: -len(suffix)]
            break
    else:
        return []
    parts = stem.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
        package_dir_parts = parts
    else:
        package_dir_parts = parts[:-1]
    # Walk up while the folder is a regular package.
    top = len(package_dir_parts)
    while top > 0:
        init = "/".join(package_dir_parts[:top]) + "/__init__.py"
        if init in paths or init + "i" in paths:
            top -= 1
        else:
            break
    if top == 0 and prefix:
        names = [".".join([prefix, *parts])]
        names.append(".".join(parts))
        return names
    names = [".".join(parts[top:])]
    for root in _SOURCE_ROOTS:
        if parts and parts[0] == root and len(parts) > 1:
            names.append(".".join(parts[1:]))
    names.append(".".join(parts))
    return names


def resolve_import(graph: Graph, f: int, rec: DefRecord, depth: int) -> Target | None:
    """What `import a.b [as x]`, `from m import name` or `import_module("m")` binds."""
    module = rec.module or ""
    if rec.imported_name is None:  # import a.b.c [as x], import_module("a.b.c")
        if rec.alias is not None or not rec.name:
            return module_target(graph, f, module)
        return module_target(graph, f, module.split(".")[0])
    base = module_target(graph, f, module)
    if base is None or rec.imported_name == "*":
        return base
    return graph.member(base, rec.imported_name, depth + 1)


def module_target(graph: Graph, f: int, module: str) -> ModTarget | None:
    """The module a (possibly relative) dotted name in file `f` denotes."""
    if not module.startswith("."):
        return graph.module_target(module)
    level = len(module) - len(module.lstrip("."))
    rest = module[level:]
    directory = posixpath.dirname(graph.files[f].path)
    for _ in range(level - 1):
        if not directory:
            return None
        directory = posixpath.dirname(directory)
    base = posixpath.join(directory, *rest.split(".")) if rest else directory
    for candidate in (
        f"{base}.py",
        f"{base}.pyi",
        f"{base}/__init__.py",
        f"{base}/__init__.pyi",
    ):
        i = graph.file_index.get(candidate)
        if i is not None:
            return ModTarget(graph.module_of[i])
    # A namespace package (a folder without __init__.py) holding modules of ours.
    prefix = base + "/"
    for path, i in graph.file_index.items():
        if path.startswith(prefix) and path.endswith(SUFFIXES):
            name = graph.module_of.get(i, "")
            depth_below = path[len(prefix) :].count("/") + 1
            parts = name.split(".")
            if len(parts) > depth_below:
                return ModTarget(".".join(parts[:-depth_below]))
    return None
