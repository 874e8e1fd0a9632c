"""The tools: graph questions and safe edits over one `Codebase`, independent of the protocol.

:class:`GraphTools` validates arguments against the tool's model, brings the graph up to date
with the disk (see :mod:`._fresh`), runs the tool, and returns ``(structured, text)``. Every
failure a caller can cause (bad argument, unknown or ambiguous symbol, refused edit, provider
error) is raised as :class:`ToolError` with one clear message; nothing is written on error.
Calls are serialised: the graph is not thread-safe.
"""

from __future__ import annotations

import difflib
import logging
import textwrap
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from graph_sitter.core.codebase import Codebase
from graph_sitter.core.errors import AmbiguousSymbolError, CodebaseError
from graph_sitter.core.languages import support_for
from graph_sitter.core.symbols import Class, Function, Import, Symbol
from graph_sitter.mcp import _models as m
from graph_sitter.mcp._calls import callees_of, callers_of, calls_inside, walk_calls
from graph_sitter.mcp._fresh import DiskWatch, refresh_graph
from graph_sitter.mcp._index import Entry, SymbolIndex, kind_of, ref_of

__all__ = ["GraphTools", "ToolError", "ToolSpec", "tool_specs"]

logger = logging.getLogger("graph_sitter.mcp")

_KINDS = ("function", "method", "class", "global_var", "interface", "type", "enum")


class ToolError(Exception):
    """A tool call failed for a reason the caller can fix; the message says which."""


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool as advertised: name, description, argument and result models, and whether
    it may write files."""

    name: str
    description: str
    args: type[BaseModel]
    result: type[BaseModel]
    read_only: bool = True


_SPECS = (
    ToolSpec(
        "codebase_summary",
        "Files, lines and symbols per language, and files that could not be parsed.",
        m.NoArgs,
        m.SummaryResult,
    ),
    ToolSpec(
        "find_symbol",
        "Find definitions whose name matches (exact, prefix, substring, then close spellings).",
        m.FindSymbolArgs,
        m.FindSymbolResult,
    ),
    ToolSpec(
        "symbol_source",
        "The source of a definition, with its file, lines, signature and docstring.",
        m.SymbolArgs,
        m.SymbolSourceResult,
    ),
    ToolSpec(
        "find_usages",
        "Every place a symbol is used (through scopes and imports), the definition excluded.",
        m.FindUsagesArgs,
        m.FindUsagesResult,
    ),
    ToolSpec(
        "symbol_dependencies",
        "The symbols of the codebase a definition uses, and the external names it imports.",
        m.SymbolArgs,
        m.SymbolDependenciesResult,
    ),
    ToolSpec(
        "call_graph",
        "Callers and callees of a function or class, up to `depth` levels.",
        m.CallGraphArgs,
        m.CallGraphResult,
    ),
    ToolSpec(
        "graph_context",
        "Exactly the context `codebase.ai` would send about a symbol: its class, what it "
        "calls and uses, and its callers, packed into `max_tokens`.",
        m.GraphContextArgs,
        m.GraphContextResult,
    ),
    ToolSpec(
        "rename_symbol",
        "Rename a definition with every resolved usage and import. Dry run by default: "
        "returns the diff; `apply=true` writes it (server started with --allow-edits only).",
        m.RenameArgs,
        m.EditResult,
        read_only=False,
    ),
    ToolSpec(
        "move_symbol",
        "Move a top-level definition to another file of the codebase, with the imports it "
        "needs, updating its importers. Dry run by default; `apply=true` writes it (server "
        "started with --allow-edits only).",
        m.MoveArgs,
        m.EditResult,
        read_only=False,
    ),
)

_ASK_AI = ToolSpec(
    "ask_ai",
    "Ask the configured AI provider about a symbol through `codebase.ai` (its context is "
    "what `graph_context` shows with max_tokens=6000, the session's default budget).",
    m.AskAIArgs,
    m.AskAIResult,
)


def tool_specs(ai: bool = False) -> dict[str, ToolSpec]:
    """The tools offered, by name, in listing order (`ask_ai` last, when `ai`)."""
    return {spec.name: spec for spec in (*_SPECS, *([_ASK_AI] if ai else []))}


class GraphTools:
    """The tools over one codebase.

    Args:
        codebase: The graph (built from a folder for edits and freshness to apply).
        allow_edits: Whether `apply=true` may write files.
        watch: Disk snapshots taken before the graph read the files; checked before each call.
        ai: Offer `ask_ai` (when a provider is configured).
    """

    def __init__(
        self,
        codebase: Codebase,
        *,
        allow_edits: bool = False,
        watch: DiskWatch | None = None,
        ai: bool = False,
    ) -> None:
        self.codebase = codebase
        self.allow_edits = allow_edits
        self.watch = watch
        self.specs = tool_specs(ai)
        self._lock = threading.Lock()
        self._index_of: int | None = None
        self._index_cache: SymbolIndex | None = None
        self._handlers: dict[str, Callable[[Any], tuple[BaseModel, str]]] = {
            "codebase_summary": self._summary,
            "find_symbol": self._find_symbol,
            "symbol_source": self._symbol_source,
            "find_usages": self._find_usages,
            "symbol_dependencies": self._dependencies,
            "call_graph": self._call_graph,
            "graph_context": self._graph_context,
            "rename_symbol": self._rename,
            "move_symbol": self._move,
            "ask_ai": self._ask_ai,
        }

    # -- entry point -------------------------------------------------------------------
    def call(self, name: str, arguments: Mapping[str, Any] | None) -> tuple[dict[str, Any], str]:
        """Run tool `name`; return its structured result and a readable text.

        Raises:
            ToolError: Unknown tool, invalid arguments, or a failure the caller can fix.
        """
        spec = self.specs.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(self.specs), n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise ToolError(f"Unknown tool {name!r}.{hint}")
        try:
            args = spec.args.model_validate(dict(arguments or {}))
        except ValidationError as exc:
            raise ToolError(f"Invalid arguments for {name}: {_validation_message(exc)}") from exc
        with self._lock:
            self._sync()
            try:
                result, text = self._handlers[name](args)
            except CodebaseError as exc:
                raise ToolError(str(exc)) from exc
            finally:
                if self.codebase.has_pending_edits:
                    self.codebase.discard_edits()
        return result.model_dump(mode="json"), text

    def _sync(self) -> None:
        """Bring the graph up to date with the disk (a stat scan; re-reads only changes)."""
        if self.watch is None:
            return
        changes = self.watch.check()
        if not changes:
            return
        self.watch.snapshot()  # before the graph reads: a write racing the re-read is seen next
        updated = refresh_graph(self.codebase, changes)
        logger.info("graph refreshed from disk: %s", ", ".join(updated[:10]))

    # -- lookups -----------------------------------------------------------------------
    def _symbol(self, name: str) -> Symbol:
        cb = self.codebase
        if "::" in name:
            # Look in that one file (cheaper than filtering every symbol by path).
            path, qualified = name.split("::", 1)
            source = cb.get_file(path)
            assert source is not None
            try:
                sym = source.get_symbol(qualified, optional=False)
            except AmbiguousSymbolError:
                # `path::name` names the definition whose qualified name is exactly `name`
                # (the module-level `digest`, not the method `HMAC.digest` of the same file).
                exact = [s for s in cb.get_symbols(name) if s.qualified_name == qualified]
                if len(exact) != 1:
                    raise
                sym = exact[0]
        else:
            sym = cb.get_symbol(name)
        assert sym is not None
        return sym

    def _index(self) -> SymbolIndex:
        """Every definition's names, kind and place, rebuilt when the graph changed (its
        `generation` moves on commit, refresh and created files)."""
        current = self.codebase.generation
        if self._index_of != current:
            self._index_cache = SymbolIndex(self.codebase)
            self._index_of = current
        assert self._index_cache is not None
        return self._index_cache

    def _summary(self, _: m.NoArgs) -> tuple[BaseModel, str]:
        cb = self.codebase
        languages: dict[str, dict[str, int]] = {}
        for f in cb.files:
            stats = languages.setdefault(f.language, {"files": 0, "lines": 0, "symbols": 0})
            stats["files"] += 1
            stats["lines"] += f.line_count
        for lang, count in self._index().per_language.items():
            languages.setdefault(lang, {"files": 0, "lines": 0, "symbols": 0})["symbols"] += count
        skipped: dict[str, int] = {}
        for item in cb.skipped:
            reason = item.reason.split(" (")[0]
            skipped[reason] = skipped.get(reason, 0) + 1
        result = m.SummaryResult(
            root=cb.root,
            files=sum(s["files"] for s in languages.values()),
            lines=sum(s["lines"] for s in languages.values()),
            symbols=sum(s["symbols"] for s in languages.values()),
            languages={k: m.LanguageStats(**v) for k, v in sorted(languages.items())},
            problems=[m.Problem(file=p, problem=why) for p, why in cb.problems],
            skipped=dict(sorted(skipped.items())),
        )
        total = f"{result.files} files, {result.lines} lines, {result.symbols} symbols"
        lines = [f"{result.root}: {total}"]
        lines += [
            f"  {lang}: {s.files} files, {s.lines} lines, {s.symbols} symbols"
            for lang, s in result.languages.items()
        ]
        lines.append(f"problems: {len(result.problems)}")
        lines += [f"  {p.file}: {p.problem}" for p in result.problems[:20]]
        return result, "\n".join(lines)

    def _find_symbol(self, args: m.FindSymbolArgs) -> tuple[BaseModel, str]:
        if args.kind is not None and args.kind not in _KINDS:
            raise ToolError(f"Unknown kind {args.kind!r}; use one of: {', '.join(_KINDS)}.")
        entries = self._index().entries
        if args.kind is not None:
            entries = [e for e in entries if e.row[2] == args.kind]
        query = args.name
        lowered = query.lower()
        ranked: list[tuple[int, int, int, Entry]] = []
        for order, e in enumerate(entries):
            if query == e.row[0] or query == e.row[1]:
                rank = 0
            elif lowered == e.name or lowered == e.qualified:
                rank = 1
            elif e.name.startswith(lowered):
                rank = 2
            elif lowered in e.qualified:
                rank = 3
            else:
                continue
            ranked.append((rank, len(e.qualified), order, e))
        if not ranked:
            names = sorted({e.name for e in entries})
            close = set(difflib.get_close_matches(lowered, names, n=args.limit, cutoff=0.6))
            ranked = [(4, len(e.qualified), i, e) for i, e in enumerate(entries) if e.name in close]
        ranked.sort(key=lambda item: item[:3])
        matches = [entry.ref for *_, entry in ranked[: args.limit]]
        result = m.FindSymbolResult(matches=matches, total=len(ranked))
        text = f"{len(ranked)} match(es) for {query!r}" + "".join(
            f"\n{r.kind} {r.qualified_name}  {r.file}:{r.line}" for r in matches
        )
        return result, text

    def _symbol_source(self, args: m.SymbolArgs) -> tuple[BaseModel, str]:
        sym = self._symbol(args.symbol)
        doc = sym.docstring if isinstance(sym, Function | Class) else None
        decorators = [str(d) for d in sym.decorators] if isinstance(sym, Function | Class) else []
        result = m.SymbolSourceResult(
            symbol=_full_name(sym),
            kind=kind_of(sym),
            source=sym.definition_source,
            file=sym.filepath,
            start_line=sym.start_point[0] + 1,
            end_line=sym.end_point[0] + 1,
            signature=_signature(sym),
            docstring=doc,
            decorators=decorators,
        )
        text = f"{result.symbol} ({result.file}:{result.start_line}-{result.end_line})\n"
        return result, text + "\n".join([*decorators, result.source])

    def _find_usages(self, args: m.FindUsagesArgs) -> tuple[BaseModel, str]:
        sym = self._symbol(args.symbol)
        usages = sym.usages()
        out: list[m.UsageOut] = []
        contents: dict[str, bytes] = {}
        for usage in usages[: args.limit]:
            content = contents.get(usage.filepath)
            if content is None:
                content = contents[usage.filepath] = usage.file.content_bytes
            start = usage.start_byte
            begin = content.rfind(b"\n", 0, start) + 1
            end = content.find(b"\n", start)
            raw = content[begin : end if end >= 0 else len(content)]
            out.append(
                m.UsageOut(
                    file=usage.filepath,
                    line=usage.start_point[0] + 1,
                    column=len(content[begin:start].decode("utf-8", "replace")) + 1,
                    kind=usage.kind,
                    context=raw.decode("utf-8", "replace").rstrip("\r"),
                )
            )
        result = m.FindUsagesResult(
            symbol=_full_name(sym),
            usages=out,
            total=len(usages),
            truncated=len(usages) > len(out),
        )
        text = f"{len(usages)} usage(s) of {result.symbol}" + "".join(
            f"\n{u.file}:{u.line}:{u.column} {u.kind}: {u.context.strip()}" for u in out
        )
        return result, text

    def _dependencies(self, args: m.SymbolArgs) -> tuple[BaseModel, str]:
        sym = self._symbol(args.symbol)
        deps: list[m.SymbolRef] = []
        external: list[str] = []
        for dep in sym.dependencies:
            if isinstance(dep, Import):
                target = dep.resolved_symbol
                if target is None:
                    label = f"{dep.module}.{dep.imported_name}" if dep.imported_name else dep.module
                    external.append(label)
                    continue
                if isinstance(target, Symbol):
                    deps.append(ref_of(target))
                    continue
            deps.append(ref_of(dep))
        result = m.SymbolDependenciesResult(
            symbol=_full_name(sym), dependencies=_unique(deps), external=sorted(set(external))
        )
        text = f"{result.symbol} uses {len(result.dependencies)} symbol(s)" + "".join(
            f"\n{d.kind} {d.qualified_name}  {d.file}:{d.line}" for d in result.dependencies
        )
        if result.external:
            text += "\nexternal: " + ", ".join(result.external)
        return result, text

    def _call_graph(self, args: m.CallGraphArgs) -> tuple[BaseModel, str]:
        sym = self._symbol(args.symbol)
        callers = walk_calls(sym, args.depth, callers_of)
        callees = walk_calls(sym, args.depth, callees_of)
        unresolved = sorted(
            {call.name for call in calls_inside(sym) if call.function_definition is None}
        )
        result = m.CallGraphResult(
            symbol=_full_name(sym), callers=callers, callees=callees, unresolved_calls=unresolved
        )
        parts = [f"{result.symbol}: {len(callers)} caller(s), {len(callees)} callee(s)"]
        parts += [
            f"  <- {'  ' * (n.depth - 1)}{n.qualified_name}  {n.file}:{n.line}" for n in callers
        ]
        parts += [
            f"  -> {'  ' * (n.depth - 1)}{n.qualified_name}  {n.file}:{n.line}" for n in callees
        ]
        return result, "\n".join(parts)

    def _graph_context(self, args: m.GraphContextArgs) -> tuple[BaseModel, str]:
        from graph_sitter.ai import codebase_ai

        sym = self._symbol(args.symbol)
        ctx = self.codebase.ai_context(sym, max_context_tokens=args.max_tokens)
        # The same two sections `codebase.ai` puts in the user message before the task.
        text = codebase_ai.context_text(ctx)
        result = m.GraphContextResult(
            symbol=_full_name(sym),
            text=text,
            tokens=ctx.tokens,
            budget=ctx.budget,
            items=[_context_item(i.summary()) for i in ctx.items],
            dropped=[_context_item(i.summary()) for i in ctx.dropped],
        )
        return result, text

    # -- edits -------------------------------------------------------------------------
    def _edit(self, apply: bool, queue: Callable[[], None]) -> tuple[BaseModel, str]:
        cb = self.codebase
        if apply and not self.allow_edits:
            raise ToolError(
                "Refusing to write: this server was started without --allow-edits. "
                "Call again with apply=false for the diff, or restart with --allow-edits."
            )
        if apply and not cb.root:
            raise ToolError("This codebase lives in memory; there is nothing to write to.")
        cb.discard_edits()
        queue()
        diff = cb.get_diff()
        files = sorted(line[6:] for line in diff.splitlines() if line.startswith("+++ b/"))
        if apply:
            cb.commit()
            if self.watch is not None:
                self.watch.snapshot()
        else:
            cb.discard_edits()
        result = m.EditResult(diff=diff, files_changed=files, applied=apply)
        head = "applied" if apply else "dry run (nothing written)"
        return result, f"{head}: {len(files)} file(s)\n{diff}"

    def _rename(self, args: m.RenameArgs) -> tuple[BaseModel, str]:
        sym = self._symbol(args.symbol)
        _check_identifier(args.new_name, sym.file.language)
        if args.new_name == sym.name:
            raise ToolError(f"{_full_name(sym)} is already named {args.new_name!r}.")
        return self._edit(args.apply, lambda: _ignore(sym.rename(args.new_name)))

    def _move(self, args: m.MoveArgs) -> tuple[BaseModel, str]:
        sym = self._symbol(args.symbol)
        dest = self.codebase.get_file(args.destination)
        assert dest is not None
        if dest.filepath == sym.filepath:
            raise ToolError(f"{_full_name(sym)} is already in {dest.filepath}.")
        return self._edit(args.apply, lambda: sym.move_to_file(dest))

    def _ask_ai(self, args: m.AskAIArgs) -> tuple[BaseModel, str]:
        from graph_sitter.ai import codebase_ai
        from graph_sitter.ai.errors import AIProviderError

        sym = self._symbol(args.symbol)
        try:
            answer = self.codebase.ai(args.prompt, target=sym)
        except AIProviderError as exc:
            raise ToolError(f"{type(exc).__name__}: {exc}") from exc
        response = codebase_ai.last_response(self.codebase)
        result = m.AskAIResult(
            answer=answer,
            provider=response.provider_name if response else None,
            model=response.model if response else None,
        )
        return result, answer


# -- helpers -------------------------------------------------------------------------------


# -- helpers -------------------------------------------------------------------------------
def _ignore(_: object) -> None:
    return None


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "arguments"
        message = "unknown argument" if error["type"] == "extra_forbidden" else error["msg"]
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def _check_identifier(name: str, language: str) -> None:
    if not support_for(language).is_valid_identifier(name):
        raise ToolError(f"{name!r} is not a valid {language} identifier.")


def _full_name(sym: Symbol) -> str:
    return f"{sym.filepath}::{sym.qualified_name}"


def _unique(refs: Iterable[m.SymbolRef]) -> list[m.SymbolRef]:
    seen: dict[tuple[str, str], m.SymbolRef] = {}
    for ref in refs:
        seen.setdefault((ref.file, ref.qualified_name), ref)
    return list(seen.values())


def _signature(sym: Symbol) -> str:
    """Header lines up to the body (`def f(...) -> T:`, `class K(B):`, `function f() {`)."""
    text = textwrap.dedent(" " * sym.start_point[1] + sym.definition_source)
    if not isinstance(sym, Function | Class):
        return text.splitlines()[0] if text else ""
    head: list[str] = []
    for line in text.splitlines():
        head.append(line)
        if line.rstrip().endswith((":", "{", "=>")):
            break
    return "\n".join(head).rstrip(" {").rstrip()


def _context_item(summary: Mapping[str, Any]) -> m.ContextItemOut:
    return m.ContextItemOut(
        role=summary["role"],
        name=summary["name"],
        file=summary["filepath"],
        line=summary["line"],
        shape=summary["shape"],
        tokens=summary["tokens"],
    )
