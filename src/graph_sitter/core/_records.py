"""Compact, picklable records that a parse worker extracts from one file.

Worker processes turn source bytes into a `FileIndex`; the parent process turns many of them
into a graph. Records hold byte offsets into the file's content, never tree-sitter nodes, so
they cross process boundaries and live in the content-hash cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

# Definition kinds.
FUNCTION = "function"
CLASS = "class"
GLOBAL_VAR = "global_var"
IMPORT = "import"
INTERFACE = "interface"
TYPE_ALIAS = "type"
ENUM = "enum"
NAMESPACE = "namespace"  # TypeScript `namespace X {}` / `module X {}`: exported members
ATTRIBUTE = "attribute"  # a class-body variable or field (exposed through `Class.attributes`)

# Reference flags.
REF_CALL = 1
REF_WRITE = 2
REF_TYPE = 4
# Usage flag (graph usage records, beside the reference flags): an import statement naming
# the definition.
IMPORT_FLAG = 8

# Reference targets below zero.
TARGET_STAR = -2  # a free name that may come from a wildcard import

# Chain head kinds (`FileIndex.chains`): what the head of `a.b.c` is.
DEF_HEAD = 0  # a definition or import binding of the file (the head index is a def index)
SELF_HEAD = 1  # `self`/`cls`/`this`: the enclosing class (head: the class's def index)
SUPER_HEAD = 2  # `super()`: the bases of the enclosing class (head: the class's def index)
INSTANCE_HEAD = 3  # head is an index into `FileIndex.local_ctors`: an instance of that class

# Bump when extraction output changes, so stale cache entries are never read.
EXTRACTOR_VERSION = 10


# A dotted chain `head.a.b` (fields named in `FileIndex.chains`).
Chain: TypeAlias = tuple[int, int, int, tuple[tuple[int, int], ...], int]


@dataclass(slots=True)
class DefRecord:
    """One definition: function, class, global variable, import binding, or TS type."""

    kind: str
    name: str
    start: int
    end: int
    ext_start: int
    name_start: int
    name_end: int
    start_point: tuple[int, int]
    end_point: tuple[int, int]
    parent: int = -1
    # Imports only: `module` is as written ("a.b", ".m", "./x"); `imported_name` is None for a
    # module import (`import a.b`), "*" for a wildcard, "default" for a TS default import.
    module: str | None = None
    imported_name: str | None = None
    alias: str | None = None
    is_reexport: bool = False
    is_type_only: bool = False
    is_exported: bool = False


@dataclass(slots=True)
class FileIndex:
    """Everything the graph needs from one parsed file."""

    language: str
    line_count: int
    defs: list[DefRecord] = field(default_factory=list)
    # (start, end, target def index or TARGET_STAR, owner def index or -1, flags)
    refs: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    # (head, head kind: DEF_HEAD / SELF_HEAD / SUPER_HEAD / INSTANCE_HEAD, owner def index,
    #  ((start, end), ...) of the components after the head, flags of the last component).
    # Plain tuples, like `refs`: they are unpickled from the parse cache by the ten thousand,
    # and a named tuple costs 4x to load there (`python bench/records.py`).
    chains: list[Chain] = field(default_factory=list)
    # class spans of locals whose every binding is `x = Ctor(...)` or `x: Ctor` (and of
    # `Ctor().m` call heads): heads of INSTANCE_HEAD chains
    local_ctors: list[tuple[int, int]] = field(default_factory=list)
    # (class def index, attribute name, class span start, end): `self.attr = Ctor(...)`,
    # `cls.attr = Ctor(...)`, `self.attr: Ctor`, class-level `attr: Ctor` / `attr = Ctor()`
    instance_attrs: list[tuple[int, str, int, int]] = field(default_factory=list)
    # function def index -> span of the class its return annotation names (`-> C`,
    # `-> Optional[C]`): `make().m()` and `x = make(); x.m()` can then be followed
    return_types: dict[int, tuple[int, int]] = field(default_factory=dict)
    # exported name -> local def index (TypeScript `export {a as b}`, `export default x`)
    exports: dict[str, int] = field(default_factory=dict)
    # syntax error ranges as ((row, col), (row, col))
    errors: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
