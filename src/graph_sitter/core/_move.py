"""`move_to_file` with dependencies and upstream's three import strategies.

- ``update_all_imports`` (default): the symbol (and, with ``include_dependencies``, the
  definitions of its file it needs, transitively) moves; every file importing a moved name is
  repointed at the destination; the source imports back what it still uses.
- ``add_back_edge``: the same move, but importers are left alone: the source file imports
  the moved symbol from the destination (a re-export), so existing imports keep working.
- ``duplicate_dependencies``: the symbol and its dependencies are copied into the
  destination; the dependencies stay in the source as well, and the symbol leaves the source
  only when nothing there (nor any importer) still uses it. Importers are not repointed.

Dependencies that do not move are imported by the destination from the source. When the
result has the source and the destination importing each other, `MoveReport.cycles` says so
and a warning is logged on ``graph_sitter.core.edits`` (Python tolerates such a cycle while
the names are used only inside functions; module-level uses fail at import time).
"""

from __future__ import annotations

import logging
import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph_sitter.core._records import CLASS, FUNCTION, GLOBAL_VAR, IMPORT, IMPORT_FLAG
from graph_sitter.core._targets import ModTarget, SymTarget, is_sym
from graph_sitter.core.edits import Edit, EditError
from graph_sitter.core.languages import support_for
from graph_sitter.core.symbols import SourceFile

if TYPE_CHECKING:
    from graph_sitter.core._access import GraphAccess
    from graph_sitter.core.symbols import Symbol

__all__ = ["STRATEGIES", "MoveReport", "move_to_file"]

logger = logging.getLogger("graph_sitter.core.edits")

STRATEGIES = ("update_all_imports", "add_back_edge", "duplicate_dependencies")
_MOVABLE = (FUNCTION, CLASS, GLOBAL_VAR, "interface", "type", "enum")
# Comments (and blank space) above a TypeScript declaration: `// ...` lines, `/* ... */` blocks.
_LEADING_COMMENTS = re.compile(r"(?:\s*(?://[^\n]*|/\*.*?\*/))*\s*", re.S)


@dataclass
class MoveReport:
    """What a `move_to_file` queued: moved and copied names, imports back, cycle risks."""

    source: str
    destination: str
    moved: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)
    imported_from_source: list[str] = field(default_factory=list)
    cycles: list[tuple[str, str]] = field(default_factory=list)


def move_to_file(
    ga: GraphAccess,
    sym: Symbol,
    target: SourceFile | str,
    include_dependencies: bool = True,
    strategy: str = "update_all_imports",
) -> MoveReport:
    if strategy not in STRATEGIES:
        raise EditError(f"Unknown move strategy {strategy!r}; use one of {', '.join(STRATEGIES)}.")
    rec = sym._rec
    if rec.parent != -1 or rec.kind not in _MOVABLE:
        raise EditError("move_to_file moves top-level functions, classes and variables only.")
    dest = target if isinstance(target, SourceFile) else ga.codebase.get_file(target)
    assert dest is not None
    graph = ga.graph
    src_f, dst_f = sym._f, dest._f
    pf = graph.files[src_f]
    report = MoveReport(pf.path, graph.files[dst_f].path)
    if dst_f == src_f:
        return report
    if graph.files[dst_f].language != pf.language:
        raise EditError(f"Cannot move a {pf.language} definition into {report.destination}.")
    move = _plan(ga, sym, dst_f, include_dependencies, strategy, report)
    added = _import_dependencies(move)
    _append_code(move, added)
    _remove_from_source(move)
    back_edge = _repoint_or_import_back(move)
    _report_cycles(move, back_edge)
    return report


@dataclass
class _Move:
    """One move under way: who moves where, and what the phases found."""

    ga: GraphAccess
    sym: Symbol
    src_f: int
    dst_f: int
    strategy: str
    report: MoveReport
    travel: list[int]  # definitions of the source written into the destination, the symbol first
    moving: set[int]  # those that leave the source (all of `travel` unless duplicating)

    @property
    def pf(self) -> Any:
        return self.ga.graph.files[self.src_f]

    def inside(self, pos: int) -> bool:
        """Whether source offset `pos` lies in travelling code."""
        defs = self.pf.index.defs
        return any(defs[d].ext_start <= pos < defs[d].end for d in self.travel)


def _plan(
    ga: GraphAccess,
    sym: Symbol,
    dst_f: int,
    include_dependencies: bool,
    strategy: str,
    report: MoveReport,
) -> _Move:
    """What travels: the symbol, plus the local definitions it needs, transitively. Those the
    source still uses are imported back from the destination, so the destination never imports
    the source (no import cycle)."""
    src_f = sym._f
    travel = [sym._d]
    if include_dependencies:
        travel = _closure(ga, src_f, sym._d, exclusive=False)
    duplicate = strategy == "duplicate_dependencies"
    moving = set(travel) if not duplicate else set()
    if duplicate and not _used_outside(ga, src_f, sym._d, set(travel), dst_f):
        # The symbol leaves the source only when nothing else still uses it there.
        moving = {sym._d} | set(_closure(ga, src_f, sym._d, exclusive=True))
    return _Move(ga, sym, src_f, dst_f, strategy, report, travel, moving)


def _import_dependencies(move: _Move) -> bool:
    """Queue the imports the travelling code needs in the destination; whether any was."""
    from graph_sitter.core import _edit_ops as ops

    ga, graph, pf = move.ga, move.ga.graph, move.pf
    defs = pf.index.defs
    spans = [(defs[d].ext_start, defs[d].end) for d in move.travel]
    needed: dict[tuple[str, str | None, str | None, bool], int] = {}
    for start, _, target_def, _, _ in pf.index.refs:
        if target_def < 0 or not move.inside(start):
            continue
        dep = defs[target_def]
        if dep.parent != -1 or target_def in move.travel:
            continue
        if any(lo <= dep.start and dep.end <= hi for lo, hi in spans):
            continue
        if dep.kind != IMPORT:
            module = ops.module_spec(ga, move.dst_f, move.src_f)
            needed.setdefault((module, dep.name, None, False), dep.start)
            if dep.name not in move.report.imported_from_source:
                move.report.imported_from_source.append(dep.name)
            continue
        resolved = graph.resolve_import(move.src_f, target_def)
        if resolved is not None and (
            graph.file_of_target(resolved) == move.dst_f
            or (type(resolved) is SymTarget and resolved.f == move.dst_f)
        ):
            continue  # it names the destination itself: nothing to import
        module = _module_from(ga, move.src_f, move.dst_f, dep.module or "")
        needed.setdefault((module, dep.imported_name, dep.alias, dep.is_type_only), dep.start)
    dest_view = SourceFile(ga, move.dst_f)
    added = False
    for module, name, alias, type_only in sorted(needed, key=needed.__getitem__):
        queued = ops.add_import(
            ga, dest_view, module=module, name=name, alias=alias, type_only=type_only
        )
        added = queued or added
    return added


def _append_code(move: _Move, added_imports: bool) -> None:
    """Append the travelling code, in source order, to the destination."""
    from graph_sitter.core import _edit_ops as ops

    pf, dpf = move.pf, move.ga.graph.files[move.dst_f]
    defs = pf.index.defs
    nl = ops.newline_of(dpf.content)
    support = support_for(pf.language)
    chunks = []
    for d in sorted(move.travel, key=lambda i: defs[i].start):
        text = bytes(pf.content[defs[d].ext_start : defs[d].end]).decode("utf-8", "replace")
        # `export` goes after the comments above the declaration (its JSDoc), not before them
        comments = _LEADING_COMMENTS.match(text)
        cut = comments.end() if comments else 0
        head, code = text[:cut], text[cut:]
        bare = not code.startswith(("export", "@"))
        if support.has_export_statements and bare and (d == move.sym._d or defs[d].is_exported):
            code = "export " + code
        chunks.append(head + code)
    sep = nl * support.definition_gap
    tail = dpf.content
    body = (sep + nl).join(ops.encode(c, nl) for c in chunks) + nl
    lead = nl if tail and not tail.endswith(b"\n") else b""
    if tail.strip() or added_imports:
        lead += sep
    end = len(tail)
    move.ga.queue(dpf.path, Edit(end, end, lead + body, "move"))


def _remove_from_source(move: _Move) -> None:
    """Remove what moved from the source, and the imports only that code used."""
    from graph_sitter.core import _edit_ops as ops

    ga, pf, report = move.ga, move.pf, move.report
    defs = pf.index.defs
    for d in sorted(move.moving, key=lambda i: defs[i].start):
        start, stop = ops._removal_range(pf.content, defs[d].ext_start, defs[d].end)
        ga.queue(report.source, Edit(start, stop, b"", "removal"))
        qual = ops.qualified(ga, move.src_f, d)
        ga.tx.follow[(report.source, qual)] = (report.destination, qual)
        report.moved.append(defs[d].name)
    report.copied = [defs[d].name for d in move.travel if d not in move.moving]
    moved_spans = [(defs[d].ext_start, defs[d].end) for d in move.moving]
    unused = []
    for d, irec in enumerate(defs):
        if irec.kind != IMPORT or irec.parent != -1 or irec.imported_name == "*":
            continue
        uses = [u for u in ga.graph.usages.get((move.src_f, d), ()) if u[0] == move.src_f]
        if uses and all(any(lo <= u[1] < hi for lo, hi in moved_spans) for u in uses):
            unused.append(d)
    ops.remove_bindings(ga, move.src_f, unused)


def _repoint_or_import_back(move: _Move) -> bool:
    """Repoint the importers of what moved (per strategy); the source imports back what it,
    or an importer reaching it through the source, still uses. Whether it had to."""
    from graph_sitter.core import _edit_ops as ops

    ga, pf, src_f = move.ga, move.pf, move.src_f
    defs = pf.index.defs
    back = []
    for d in sorted(move.moving, key=lambda i: defs[i].start):
        needs = _repoint_importers(ga, src_f, d, move.dst_f, move.strategy, move.moving)
        needs = needs or _in_dunder_all(pf, defs[d].name)  # `from source import *` keeps it
        if needs or _used_outside(ga, src_f, d, move.moving, None, files=False):
            back.append(d)
    for d in back:
        module = ops.module_spec(ga, src_f, move.dst_f)
        ops.add_import(ga, SourceFile(ga, src_f), module=module, name=defs[d].name)
    return bool(back)


def _report_cycles(move: _Move, back_edge: bool) -> None:
    """Note (and log) a source and destination that now import each other."""
    report = move.report
    if report.imported_from_source and (
        back_edge or _imports_file(move.ga, move.src_f, move.dst_f)
    ):
        report.cycles.append((report.source, report.destination))
    for a, b in report.cycles:
        logger.warning(
            "moving %s into %s: %s and %s now import each other (circular import risk)",
            move.sym.name,
            b,
            a,
            b,
        )


def _closure(ga: GraphAccess, f: int, d: int, exclusive: bool) -> list[int]:
    """`d` and the top-level definitions of file `f` it needs, transitively, in order found.

    With `exclusive`, only definitions used by nothing else in the file (nor by other files
    except through an import the move repoints) are taken.
    """
    graph = ga.graph
    defs = graph.files[f].index.defs
    refs = graph.files[f].index.refs
    picked = [d]
    changed = True
    while changed:
        changed = False
        spans = [(defs[i].ext_start, defs[i].end) for i in picked]
        for start, _, target, _, _ in refs:
            if target < 0 or target in picked:
                continue
            rec = defs[target]
            if rec.parent != -1 or rec.kind not in _MOVABLE:
                continue
            if not any(lo <= start < hi for lo, hi in spans):
                continue
            if any(lo <= rec.start and rec.end <= hi for lo, hi in spans):
                continue
            if exclusive and _used_outside(ga, f, target, set(picked) | {target}, None):
                continue
            picked.append(target)
            changed = True
            break
    return picked


def _used_outside(
    ga: GraphAccess, f: int, d: int, group: set[int], ignore_file: int | None, files: bool = True
) -> bool:
    """Whether `d` of `f` is used outside the definitions `group` (other files too if `files`,
    except `ignore_file`)."""
    graph = ga.graph
    defs = graph.files[f].index.defs
    spans = [(defs[i].ext_start, defs[i].end) for i in group]
    for uf, start, _, _, _ in graph.iter_usages((f, d)):
        if uf == f:
            if not any(lo <= start < hi for lo, hi in spans):
                return True
        elif files and uf != ignore_file:
            return True
    return False


def _module_from(ga: GraphAccess, src_f: int, dst_f: int, module: str) -> str:
    """The module an import of the source file names, as the destination must spell it."""
    graph = ga.graph
    pf = graph.files[src_f]
    if not module.startswith("."):
        return module
    if support_for(pf.language).dotted_modules:
        base = graph.module_spec_target(src_f, module)
        target = graph.file_of_target(base) if base is not None else None
        if target is not None:
            return python_spec(ga, dst_f, target, module)
        return base.name if type(base) is ModTarget else module
    spec_path = posixpath.normpath(posixpath.join(posixpath.dirname(pf.path), module))
    rel = posixpath.relpath(spec_path, posixpath.dirname(graph.files[dst_f].path) or ".")
    return rel if rel.startswith("../") else "./" + rel


def python_spec(ga: GraphAccess, importer: int, target: int, like: str | None = None) -> str:
    """How Python file `importer` names `target`: relative when `like` is relative (or when
    the target has no absolute module name)."""
    graph = ga.graph
    absolute = graph.module_of.get(target)
    if absolute and not (like is not None and like.startswith(".")):
        return str(absolute)
    here = [p for p in posixpath.dirname(graph.files[importer].path).split("/") if p]
    stem = re.sub(r"(/?__init__)?\.pyi?$", "", graph.files[target].path)
    parts = [p for p in stem.split("/") if p]
    common = 0
    while common < min(len(here), len(parts)) and here[common] == parts[common]:
        common += 1
    return "." * (len(here) - common + 1) + ".".join(parts[common:])


def _repoint_importers(
    ga: GraphAccess, src_f: int, d: int, dst_f: int, strategy: str, moving: set[int]
) -> bool:
    """Update the files importing definition `d` of `src_f`; True if the source must re-export
    it (an importer reaches it other than through an import statement naming it)."""
    from graph_sitter.core import _edit_ops as ops

    graph = ga.graph
    needs_back = False
    importing: set[int] = set()
    other_uses: set[int] = set()
    for uf, start, _, flags, _ in sorted(set(graph.iter_usages((src_f, d)))):
        if uf == src_f:
            continue
        if not flags & IMPORT_FLAG:
            other_uses.add(uf)
            continue
        for i, irec in enumerate(graph.files[uf].index.defs):
            if irec.kind != IMPORT or irec.start != start or irec.imported_name is None:
                continue
            if not is_sym(graph.resolve_import(uf, i), src_f, d):
                continue
            if not _direct(ga, uf, irec.module or "", src_f):
                continue  # through a re-export: that module is updated instead
            importing.add(uf)
            if uf == dst_f:  # the destination imported it: now it defines it
                ops.remove_bindings(ga, uf, [i])
                continue
            if strategy != "update_all_imports":
                needs_back = True
                continue
            _repoint_one(ga, uf, i, irec, dst_f)
    if other_uses - importing - {dst_f}:
        needs_back = True  # module attribute or wildcard access (`mod.name`, `import *`)
    return needs_back


def _repoint_one(ga: GraphAccess, uf: int, i: int, irec: Any, dst_f: int) -> None:
    from graph_sitter.core import _edit_ops as ops

    graph = ga.graph
    new_module = ops.module_spec(ga, uf, dst_f, like=irec.module)
    defs_u = graph.files[uf].index.defs
    siblings = [j for j, r in enumerate(defs_u) if r.kind == IMPORT and r.start == irec.start]
    if len(siblings) == 1:
        ops._repoint_module(ga, uf, irec, new_module)
        return
    ops.remove_bindings(ga, uf, [i])
    if irec.is_reexport:  # `export { a, b } from './x'`: a re-export of its own
        content = graph.files[uf].content
        nl = ops.newline_of(content)
        quote = ops._quote_style(content) or '"'
        item = irec.imported_name + (f" as {irec.alias}" if irec.alias else "")
        kw = "export type" if irec.is_type_only else "export"
        line = f"{kw} {{ {item} }} from {quote}{new_module}{quote};"
        at = ops.line_end(content, irec.end - 1)
        lead = nl if at == len(content) and not content.endswith(b"\n") else b""
        ga.queue(graph.files[uf].path, Edit(at, at, lead + ops.encode(line, nl) + nl, "import"))
        return
    ops.add_import(
        ga,
        SourceFile(ga, uf),
        module=new_module,
        name=irec.imported_name,
        alias=irec.alias,
        type_only=irec.is_type_only,
    )


def _direct(ga: GraphAccess, uf: int, module: str, src_f: int) -> bool:
    return ga.graph.spec_file(uf, module) == src_f


def _imports_file(ga: GraphAccess, f: int, other: int) -> bool:
    """Whether file `f` has an import resolving into file `other`."""
    graph = ga.graph
    for d, rec in enumerate(graph.files[f].index.defs):
        if rec.kind != IMPORT:
            continue
        target = graph.resolve_import(f, d)
        if target is None:
            continue
        if graph.file_of_target(target) == other or (
            type(target) is SymTarget and target.f == other
        ):
            return True
    return False


def _in_dunder_all(pf: Any, name: str) -> bool:
    """Whether the Python file lists `name` in its `__all__`."""
    export_list = support_for(pf.language).module_export_list
    if export_list is None:
        return False
    for rec in pf.index.defs:
        if rec.kind == GLOBAL_VAR and rec.name == export_list and rec.parent == -1:
            text = pf.content[rec.start : rec.end]
            if f'"{name}"'.encode() in text or f"'{name}'".encode() in text:
                return True
    return False
