"""Building a codebase for a command: a labelled progress line per stage, and empty trees.

Every stage of a build that can take more than about half a second has a label on stderr
(when stderr is a terminal): reading, parsing, loading the cached graph or resolving names,
then indexing the symbols; commands add their own stages (``stage("Selecting targets")``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from graph_sitter.cli._output import EXIT_EMPTY, warn
from graph_sitter.core.codebase import Codebase
from graph_sitter.core.discover import discover
from graph_sitter.core.languages import LANGUAGES, normalize_language

__all__ = [
    "BuildProgress",
    "build_progress",
    "check_not_empty",
    "empty_warning",
    "load_codebase",
]

STAGE_LABELS = {
    "read": "Reading files",
    "parse": "Parsing files",
    "load": "Loading the cached graph",
    "resolve": "Resolving names",
}


class _Count(ProgressColumn):
    """``done/total`` for counted stages; nothing for a stage of unknown length."""

    def render(self, task: Task) -> Text:
        if task.total is None or task.total <= 1:
            return Text("")
        return Text(f"{int(task.completed):,}/{int(task.total):,}", style="progress.download")


class BuildProgress:
    """The progress display of one command: stages of the core build and the command's own.

    Call it as the ``progress`` callback of :class:`Codebase`; use :meth:`stage` around a step
    of unknown length. A new stage completes the previous ones (a stage that was abandoned,
    like "load" on a cache miss, is removed).
    """

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self._tasks: dict[str, TaskID] = {}

    def _start(self, key: str, label: str, total: float | None) -> TaskID:
        tasks = {task.id: task for task in self.progress.tasks}
        for other, task_id in list(self._tasks.items()):
            task = tasks.get(task_id)
            if task is None or task.finished:
                continue
            if other == "load":  # a cache miss: resolving follows instead
                self.progress.remove_task(task_id)
                del self._tasks[other]
            else:
                self.progress.update(task_id, completed=task.total or 1, total=task.total or 1)
        task_id = self.progress.add_task(label, total=total)
        self._tasks[key] = task_id
        return task_id

    def __call__(self, stage: str, done: int, total: int) -> None:
        task_id = self._tasks.get(stage)
        if task_id is None:
            task_id = self._start(stage, STAGE_LABELS.get(stage, stage), total)
        self.progress.update(task_id, completed=done, total=total)

    @contextmanager
    def stage(self, label: str, total: int | None = None) -> Iterator[TaskID]:
        """A stage of the command itself; finished when the block ends."""
        task_id = self._start(label, label, total)
        try:
            yield task_id
        finally:
            task = next(t for t in self.progress.tasks if t.id == task_id)
            self.progress.update(task_id, completed=task.total or 1, total=task.total or 1)


@contextmanager
def build_progress(console: Console, *, enabled: bool = True) -> Iterator[BuildProgress]:
    """A transient progress display on ``console`` (off when it is not a terminal)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        _Count(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not enabled or not console.is_terminal,
    ) as progress:
        yield BuildProgress(progress)


def load_codebase(
    path: str,
    bar: BuildProgress,
    *,
    language: str | None = None,
    cache_dir: str | None = None,
) -> Codebase:
    """Build the codebase at ``path`` with every stage on ``bar``, symbols indexed."""
    cb = Codebase(path, language=language, cache_dir=cache_dir, progress=bar)
    with bar.stage("Indexing symbols"):
        cb.functions  # noqa: B018 - builds the symbol index once, under its own label
    return cb


def _shown_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def empty_warning(cb: Codebase, language: str | None) -> str | None:
    """Why ``cb`` has nothing to analyse (None when it has source files).

    The message says what the folder holds instead: files of another language (with the
    ``--language`` to use), or none of a supported language at all.
    """
    if cb.files:
        return None
    forced = normalize_language(language).name if language else None
    where = _shown_path(cb.root) if cb.root else "(in memory)"
    if forced is None:
        names = " or ".join(sorted(LANGUAGES))
        return f"no {names} files under {where}; nothing to analyse"
    counts: dict[str, int] = {}
    for _, lang in discover(cb.root, tuple(LANGUAGES.values())).files:
        counts[lang.name] = counts.get(lang.name, 0) + 1
    if not counts:
        return f"no {forced} files under {where}, nor of any other supported language"
    other, n = max(counts.items(), key=lambda item: item[1])
    return (
        f"no {forced} files under {where}, but {n:,} {other} file(s): "
        f"use --language {other}, or leave --language out to detect the language"
    )


def check_not_empty(cb: Codebase, language: str | None) -> None:
    """Warn and exit with :data:`EXIT_EMPTY` when ``cb`` has no source file to analyse."""
    message = empty_warning(cb, language)
    if message is not None:
        warn(message)
        raise SystemExit(EXIT_EMPTY)
