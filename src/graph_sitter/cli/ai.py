"""`graph-sitter ai PROMPT --target FILE::SYMBOL` and `graph-sitter ai-map PROMPT --targets QUERY`.

Both build the code graph of ``--path`` (default: the working directory) and call
:mod:`graph_sitter.ai.codebase_ai` (``ask``, ``edit``, ``map_targets``); providers are chosen
as by ``cb.ai`` (``--provider`` names one). Every request lands in the usage ledger
(``graph-sitter usage``).

Target query of ``ai-map --targets`` (terms separated by commas; their union, in file order)::

    functions | methods | classes | all     every symbol of that kind (all: the three)
    PATTERN                                 functions, methods and classes whose dotted name
                                            (module.Qualified.name, e.g. shop.pricing.total,
                                            shop.models.Order.total) or any trailing part of it
                                            matches the glob: pricing.*, Order.*, *_price
    KIND:PATTERN                            the same, one kind only: methods:Order.*
    FILE::PATTERN                           in FILE only, the glob on qualified names:
                                            src/shop/pricing.py::*  models.py::Order.*
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.markup import escape

from graph_sitter.cli._build import BuildProgress, build_progress, load_codebase
from graph_sitter.cli._output import EXIT_FAILURE, error
from graph_sitter.cli._tables import Col, make_table, print_table

if TYPE_CHECKING:
    from graph_sitter.ai.batch import BatchEvent
    from graph_sitter.ai.providers.base import AIResponse
    from graph_sitter.core.codebase import Codebase
    from graph_sitter.core.symbols import Symbol

KINDS = ("functions", "methods", "classes", "all")
_MODULE_SUFFIXES = (".__init__", ".index")


# -- loading and selecting -----------------------------------------------------------------
@contextmanager
def _codebase(root: str, bar: BuildProgress | None = None, **options: Any) -> Iterator[Codebase]:
    """The codebase at ``root`` with its AI session configured; closed on exit.

    Its build shows on ``bar``, or on a progress display of its own (stderr, when a terminal).
    """
    from graph_sitter.ai import codebase_ai

    if bar is None:
        with build_progress(Console(stderr=True)) as own:
            cb = load_codebase(root, own)
    else:
        cb = load_codebase(root, bar)
    try:
        if options:
            codebase_ai.set_session_options(cb, **options)
        yield cb
    finally:
        codebase_ai.close(cb)


def resolve_target(cb: Codebase, spec: str) -> Symbol:
    """``FILE::SYMBOL`` (or a unique name / ``Class.method``) to one symbol.

    Raises:
        FileNotFoundInCodebaseError: FILE is not in the codebase (close names suggested).
        SymbolNotFoundError: No such symbol (close names suggested).
        AmbiguousSymbolError: The name is not unique (candidates listed).
    """
    if "::" in spec:
        cb.get_file(spec.split("::", 1)[0])  # a clear error when the file is wrong
    found = cb.get_symbol(spec, optional=True) or cb.get_function(spec)
    assert found is not None
    return found


def _pool(cb: Codebase, kind: str) -> list[Symbol]:
    pools: dict[str, list[Symbol]] = {
        "functions": list(cb.functions),
        "methods": list(cb.methods),
        "classes": list(cb.classes),
    }
    if kind == "all":
        return [*pools["functions"], *pools["methods"], *pools["classes"]]
    return pools[kind]


def dotted_names(sym: Symbol) -> list[str]:
    """``module.Qualified.name`` and each trailing part of it that starts after a dot."""
    module = sym.filepath.rsplit(".", 1)[0].replace("/", ".")
    for suffix in _MODULE_SUFFIXES:
        module = module.removesuffix(suffix)
    parts = [*module.split("."), *sym.qualified_name.split(".")]
    return [".".join(parts[i:]) for i in range(len(parts))]


def select_targets(cb: Codebase, query: str) -> list[Symbol]:
    """The symbols a target query selects, in file and line order (see the module docstring).

    Raises:
        click.BadParameter: An empty term or an unknown kind (exit code 2).
    """
    chosen: dict[tuple[str, int, int], Symbol] = {}
    for raw in query.split(","):
        term = raw.strip()
        if not term:
            raise click.BadParameter(f"empty term in {query!r}", param_hint="'--targets'")
        if "::" in term:
            path, pattern = term.split("::", 1)
            file = cb.get_file(path)
            assert file is not None
            matched = [
                s
                for s in _pool(cb, "all")
                if s.filepath == file.filepath and fnmatchcase(s.qualified_name, pattern or "*")
            ]
        elif term in KINDS:
            matched = _pool(cb, term)
        else:
            kind, _, pattern = term.rpartition(":") if ":" in term else ("all", "", term)
            if kind not in KINDS:
                raise click.BadParameter(
                    f"unknown kind {kind!r} in {term!r}; use one of {', '.join(KINDS)}",
                    param_hint="'--targets'",
                )
            matched = [
                s
                for s in _pool(cb, kind)
                if any(fnmatchcase(name, pattern) for name in dotted_names(s))
            ]
        for sym in matched:
            chosen.setdefault((sym.filepath, *sym.start_point), sym)
    return [chosen[key] for key in sorted(chosen)]


# -- ai ------------------------------------------------------------------------------------
def _response_json(response: AIResponse | None) -> dict[str, Any]:
    if response is None:
        return {}
    return {
        "provider": response.provider_name,
        "model": response.model,
        "usage": dict(response.usage),
        "cost_usd": response.cost_usd,
        "cached": response.cached,
        "retries": response.retries_taken,
        "seconds": round(response.response_time, 3),
        "request_id": response.request_id,
    }


def _footer(info: dict[str, Any]) -> str:
    if not info:
        return ""
    parts = [f"{info['provider']} {info['model']}"]
    total = info["usage"].get("total_tokens")
    if total:
        parts.append(f"{total} tokens")
    if info["cost_usd"]:
        parts.append(f"${info['cost_usd']:.4f}")
    parts.append(f"{info['seconds']:.1f}s")
    if info["cached"]:
        parts.append("from cache")
    if info["retries"]:
        parts.append(f"{info['retries']} retries")
    return " · ".join(parts)


@click.command()
@click.argument("prompt")
@click.option("--target", "-t", metavar="FILE::SYMBOL", help="The function, method or class.")
@click.option(
    "--path",
    "root",
    type=click.Path(exists=True, file_okay=False),
    default=".",
    show_default=True,
    help="Root of the codebase.",
)
@click.option("--provider", help="openai, anthropic, codegen, ... (default: by credentials).")
@click.option("--model", help="Model (default: the provider's).")
@click.option("--apply", is_flag=True, help="Rewrite the target with the answer and save it.")
@click.option("--dry-run", is_flag=True, help="With --apply: print the diff, write nothing.")
@click.option("--no-cache", is_flag=True, help="Do not answer from the response cache.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def ai(
    prompt: str,
    target: str | None,
    root: str,
    provider: str | None,
    model: str | None,
    apply: bool,
    dry_run: bool,
    no_cache: bool,
    as_json: bool,
) -> None:
    """Ask an AI provider PROMPT about a symbol, with graph context; --apply edits it.

    Without --apply the answer is printed. With --apply the reply must be a complete
    replacement of the target (checked before anything is queued); the diff is printed and
    the file is written, unless --dry-run (which implies --apply) is given.
    """
    from graph_sitter.ai import codebase_ai

    editing = apply or dry_run
    if editing and not target:
        raise click.UsageError("--apply and --dry-run need --target FILE::SYMBOL")
    err = Console(stderr=True)
    options: dict[str, Any] = {"cache": False} if no_cache else {}
    with _codebase(root, None, **options) as cb:
        symbol = resolve_target(cb, target) if target else None
        where = (
            {"target": symbol.qualified_name, "file": symbol.filepath}
            if symbol is not None
            else {"target": None, "file": None}
        )
        if not editing:
            text = codebase_ai.ask(cb, prompt, target=symbol, model=model, provider=provider)
            info = _response_json(codebase_ai.last_response(cb))
            if as_json:
                click.echo(json.dumps({**where, "answer": text, **info}, indent=2))
            else:
                click.echo(text)
                err.print(f"[dim]{escape(_footer(info))}[/dim]", highlight=False)
            return
        assert symbol is not None
        diff = codebase_ai.edit(cb, prompt, symbol, model=model, provider=provider)
        info = _response_json(codebase_ai.last_response(cb))
        files = sorted({line[6:] for line in diff.splitlines() if line.startswith("+++ b/")})
        applied = bool(diff) and not dry_run
        if applied:
            cb.commit()
    if as_json:
        payload = {**where, "diff": diff, "applied": applied, "dry_run": dry_run, "files": files}
        click.echo(json.dumps({**payload, **info}, indent=2))
        return
    click.echo(diff, nl=False)
    if not diff:
        err.print("the reply leaves the target unchanged; nothing to write")
    elif dry_run:
        err.print("dry run: nothing was written", highlight=False)
    else:
        err.print(escape(f"applied to {', '.join(files)}"), highlight=False)
    err.print(f"[dim]{escape(_footer(info))}[/dim]", highlight=False)


# -- ai-map --------------------------------------------------------------------------------
class _MapReport:
    """What ai-map shows and saves: one entry per target, updated as events arrive."""

    def __init__(self, prompt: str, query: str, targets: list[Symbol], path: Path | None):
        self.prompt = prompt
        self.query = query
        self.path = path
        self.stopped: dict[str, Any] | None = None
        self.items: list[dict[str, Any]] = [
            {
                "target": s.qualified_name,
                "file": s.filepath,
                "line": s.start_point[0] + 1,
                "status": "pending",
                "answer": None,
                "error": None,
            }
            for s in targets
        ]

    def record(self, event: BatchEvent) -> None:
        item = self.items[event.index]
        if event.error is not None:
            item.update(status="error", error=f"{type(event.error).__name__}: {event.error}")
        else:
            status = "resumed" if event.resumed else "cached" if event.cached else "answered"
            item.update(status=status, answer=event.result, error=None)
        if self.path is not None:
            self.save()

    def counts(self) -> dict[str, int]:
        statuses = [i["status"] for i in self.items]
        names = ("answered", "resumed", "cached", "error", "pending")
        return {"total": len(statuses), **{n: statuses.count(n) for n in names}}

    def as_json(self) -> dict[str, Any]:
        return {
            "prompt": self.prompt,
            "query": self.query,
            "results_file": str(self.path) if self.path is not None else None,
            "updated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            **self.counts(),
            "stopped": self.stopped,
            "items": self.items,
        }

    def save(self) -> None:
        assert self.path is not None
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, self.path)


def _summary_line(counts: dict[str, int], journal: Path | None) -> str:
    resumed = counts["resumed"]
    parts = [f"{counts['total']} target(s)"]
    if resumed:
        source = f"from {journal}" if journal is not None else "from the batch journal"
        parts.append(f"{resumed} already finished, skipped (resumed {source})")
    parts.append(f"{counts['answered']} requested")
    if counts["cached"]:
        parts.append(f"{counts['cached']} from the response cache")
    parts.append(f"{counts['error']} failed")
    return "ai-map: " + ", ".join(parts)


@click.command("ai-map")
@click.argument("prompt")
@click.option(
    "--targets",
    "query",
    required=True,
    metavar="QUERY",
    help="functions | methods | classes | all | GLOB | KIND:GLOB | FILE::GLOB, comma-separated.",
)
@click.option(
    "--path",
    "root",
    type=click.Path(exists=True, file_okay=False),
    default=".",
    show_default=True,
    help="Root of the codebase.",
)
@click.option("--concurrency", type=click.IntRange(min=1), default=8, show_default=True)
@click.option(
    "--results",
    type=click.Path(dir_okay=False, writable=True),
    help="Save answers here as JSON (a FILE.journal beside it makes re-runs resume).",
)
@click.option("--provider", help="openai, anthropic, codegen, ... (default: by credentials).")
@click.option("--model", help="Model (default: the provider's).")
@click.option("--max-requests", type=click.IntRange(min=0), help="Stop after N AI requests.")
@click.option("--restart", is_flag=True, help="Ask every target again (do not resume).")
@click.option("--no-cache", is_flag=True, help="Do not answer from the response cache.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def ai_map(
    prompt: str,
    query: str,
    root: str,
    concurrency: int,
    results: str | None,
    provider: str | None,
    model: str | None,
    max_requests: int | None,
    restart: bool,
    no_cache: bool,
    as_json: bool,
) -> None:
    """Run PROMPT on every symbol QUERY selects, concurrently, with a progress bar.

    Resumable: every answer is saved as it arrives (in the --results file's journal, else
    in the AI state directory), so running the same command again skips finished items and
    asks only the rest. Exit code 1 if any item failed (the others are kept).

    \b
    QUERY (comma-separated terms, their union):
      functions | methods | classes | all
      GLOB          on dotted names and their tails: pricing.*  Order.*  *_price
      KIND:GLOB     one kind only: methods:Order.*
      FILE::GLOB    in one file, on qualified names: src/shop/pricing.py::*
    """
    from graph_sitter.ai import codebase_ai
    from graph_sitter.ai.errors import MaxAIRequestsError

    options: dict[str, Any] = {"max_ai_requests": max_requests}
    if no_cache:
        options["cache"] = False
    path = Path(results).resolve() if results else None
    journal = path.with_name(path.name + ".journal") if path is not None else None
    err = Console(stderr=True)
    with (
        build_progress(err, enabled=not as_json) as bar,
        _codebase(root, bar, **options) as cb,
    ):
        with bar.stage("Selecting targets"):
            targets = select_targets(cb, query)
        if not targets:
            raise click.ClickException(
                f"the query {query!r} selects no functions, methods or classes"
            )
        report = _MapReport(prompt, query, targets, path)
        preparing = f"Preparing {len(targets):,} requests (graph context)"
        task = bar.progress.add_task(preparing, total=len(targets))

        def on_prepared(done: int, total: int) -> None:
            if done < total:
                bar.progress.update(task, completed=done)
            else:  # every request is ready: the same bar now counts the answers
                bar.progress.update(task, description="ai-map", completed=0)

        def on_event(event: BatchEvent) -> None:
            report.record(event)
            bar.progress.update(task, description="ai-map", completed=event.done)

        try:
            codebase_ai.map_targets(
                cb,
                prompt,
                targets,
                concurrency=concurrency,
                callback=on_event,
                on_prepared=on_prepared,
                return_exceptions=True,
                resume=not restart,
                journal=journal,
                provider=provider,
                model=model,
            )
        except MaxAIRequestsError:
            report.stopped = {"reason": "max_requests", "max_requests": max_requests}
        saved_in = journal or _journal_path(cb)
    if path is not None:
        report.save()
    counts = report.counts()
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        _render_map(report, Console())
    err.print(escape(_summary_line(counts, journal)), highlight=False)
    if path is not None:
        err.print(escape(f"results: {path}"), highlight=False)
    if report.stopped is not None:
        err.print(escape(_stopped_lines(counts, max_requests, path, saved_in)), highlight=False)
    if counts["error"]:
        error(
            f"{counts['error']} of {counts['total']} item(s) failed; the others are saved: "
            "run the same command again to retry only the failed ones"
        )
    if counts["error"] or report.stopped is not None:
        raise SystemExit(EXIT_FAILURE)


def _journal_path(cb: Codebase) -> Path | None:
    """The batch journal ``map_targets`` uses without ``--results`` (None: not resumable)."""
    from graph_sitter.ai import codebase_ai

    base = codebase_ai.get_session(cb).state_dir()
    return base / "batches.sqlite3" if base is not None else None


def _stopped_lines(
    counts: dict[str, int], limit: int | None, results: Path | None, journal: Path | None
) -> str:
    done = counts["answered"] + counts["resumed"] + counts["cached"]
    lines = [
        f"Stopped: --max-requests {limit} reached; {counts['pending']} target(s) not asked.",
    ]
    if results is not None or journal is not None:
        where = f"{results} (resumable from {journal})" if results and journal else results
        lines.append(f"Saved: {done} finished answer(s) in {where or journal}.")
        lines.append(
            "To ask the rest, run the same command again with a higher --max-requests "
            "(or without it): finished targets are skipped."
        )
    else:
        lines.append(
            "Nothing was saved to resume from (no AI state directory): "
            "use --results FILE to keep the answers."
        )
    return "\n".join(lines)


def _render_map(report: _MapReport, console: Console) -> None:
    rows = []
    for item in report.items:
        text = item["answer"] if item["error"] is None else item["error"]
        first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
        status = "not asked" if item["status"] == "pending" else item["status"]
        cells = (item["target"], f"{item['file']}:{item['line']}", status, first[:120])
        rows.append([escape(c) for c in cells])
    table = make_table(
        [Col("target", min_width=14), Col("file", min_width=14, drop=1), Col("status"),
         Col("answer", min_width=20)],
        rows,
        width=console.width,
        title=f"ai-map: {report.prompt}",
    )  # fmt: skip
    print_table(console, table)
