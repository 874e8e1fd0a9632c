"""Resumable batches for ``cb.ai_map``: a journal of finished items and a concurrent runner.

The runner sends items on a thread pool (``concurrency`` at a time; every request still goes
through its provider's transport, so the client-side rate limiter, retries and circuit
breaker apply), persists each answer to the :class:`BatchJournal` **in the worker thread as
soon as it arrives**, then reports it to the caller's callback (in the calling thread).
Re-running a batch (same ``batch_id``; by default derived from the prompt, provider, model
and temperature) skips every item whose exact request (its cache key: prompt, context and
target content included) is in the journal, so a crashed, killed or interrupted batch loses
nothing and requests nothing twice that had been answered.

An item whose request fails with an error another attempt can fix (unavailable, rate
limited, timeout, circuit open) is retried ``item_retries`` more times after the transport's
own retries, waiting ``retry_after`` when the error carries one.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from graph_sitter.ai._sqlite import SQLiteFile
from graph_sitter.ai.errors import (
    AIBatchError,
    AIProviderError,
    MaxAIRequestsError,
    ProviderCircuitOpenError,
    ProviderRateLimitError,
    ProviderTimeoutError,
    ProviderUnavailableError,
)
from graph_sitter.ai.providers.fallback import ABSORBABLE_ERRORS
from graph_sitter.http import sleep as _sleep

__all__ = ["BatchCallback", "BatchEvent", "BatchItem", "BatchJournal", "run_batch"]

logger = logging.getLogger("graph_sitter.ai")


@dataclass(frozen=True, slots=True)
class BatchEvent:
    """What a batch callback receives after each item.

    Attributes:
        index: The item's position in the input.
        total: Items in the batch.
        done: Items finished so far (successes and failures), this one included.
        name: The target's name (qualified name, file path or a label).
        result: The answer, or ``None`` if the item failed.
        error: The error, when it failed.
        resumed: Whether the answer came from the journal of an earlier run.
        cached: Whether the answer came from the response cache.
    """

    index: int
    total: int
    done: int
    name: str
    result: str | None
    error: AIProviderError | None = None
    resumed: bool = False
    cached: bool = False


class BatchCallback(Protocol):
    """Called in the calling thread after each item; exceptions are logged and ignored."""

    def __call__(self, event: BatchEvent) -> None: ...


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One prepared item: its position, display name, journal key and payload."""

    index: int
    name: str
    key: str
    payload: Any


class BatchJournal:
    """Finished batch items in SQLite (WAL, busy timeout): safe for threads and processes.

    Args:
        path: The database file (parent folders are created).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._file = SQLiteFile(
            self.path,
            (
                "CREATE TABLE IF NOT EXISTS items (batch TEXT NOT NULL, key TEXT NOT NULL, "
                "idx INTEGER, name TEXT, result TEXT NOT NULL, finished REAL NOT NULL, "
                "PRIMARY KEY (batch, key))",
            ),
            kind="batch journal",
        )

    def finished(self, batch_id: str) -> dict[str, str]:
        """``{item key: answer}`` of every finished item of the batch."""
        rows = self._file.query("SELECT key, result FROM items WHERE batch = ?", (batch_id,))
        return {str(k): str(v) for k, v in rows}

    def record(self, batch_id: str, item: BatchItem, result: str) -> None:
        """Persist one finished item (durable when this returns).

        A failed write is logged, not raised: the answer stays in the batch's results,
        only a later resume would ask for it again.
        """
        try:
            self._file.execute(
                "INSERT OR REPLACE INTO items (batch, key, idx, name, result, finished) "
                "VALUES (?,?,?,?,?,?)",
                (batch_id, item.key, item.index, item.name, result, time.time()),
            )
        except sqlite3.Error as exc:
            logger.warning("ai.batch_journal_write_failed path=%s error=%s", self.path, exc)

    def forget(self, batch_id: str) -> int:
        """Drop a batch's items (the next run starts from scratch); how many there were."""
        return self._file.execute("DELETE FROM items WHERE batch = ?", (batch_id,))

    def close(self) -> None:
        """Close the database."""
        self._file.close()

    def __repr__(self) -> str:
        return f"BatchJournal({str(self.path)!r})"


def _notify(callback: BatchCallback | None, event: BatchEvent) -> None:
    if callback is None:
        return
    try:
        callback(event)
    except Exception:  # a callback must not break the batch
        logger.exception("ai.batch_callback_failed index=%d", event.index)


def _retry_delay(error: AIProviderError, attempt: int) -> float:
    hinted: float | None = None
    if isinstance(error, ProviderCircuitOpenError | ProviderRateLimitError):
        hinted = error.retry_after
    if hinted is not None:
        return max(0.0, min(hinted, 120.0))
    return float(min(2 ** (attempt - 1), 16))


_RETRYABLE: tuple[type[AIProviderError], ...] = (
    *ABSORBABLE_ERRORS,
    ProviderUnavailableError,
    ProviderTimeoutError,
)


def run_batch(
    items: Sequence[BatchItem],
    work: Callable[[BatchItem], tuple[str, bool]],
    *,
    total: int,
    concurrency: int = 8,
    journal: BatchJournal | None = None,
    batch_id: str = "",
    callback: BatchCallback | None = None,
    item_retries: int = 2,
    resume: bool = True,
    return_exceptions: bool = False,
) -> list[Any]:
    """Run ``work`` over ``items`` concurrently; results in input order.

    Args:
        items: Prepared items (``index`` is the position in the result list).
        work: Sends one item; returns ``(answer, cached)`` or raises ``AIProviderError``.
        total: Size of the result list.
        concurrency: Items in flight at once.
        journal: Where finished items are persisted (``None``: not resumable).
        batch_id: The journal's batch name.
        callback: Told about each item (see :class:`BatchEvent`).
        item_retries: Extra attempts for an item that failed with a retryable error.
        resume: Skip items the journal has (``False`` runs them again and overwrites).
        return_exceptions: Put errors in the result list instead of raising.

    Raises:
        MaxAIRequestsError: The session's request limit ran out (finished items are saved).
        AIBatchError: Some items failed (``results``/``errors``; finished ones are saved).
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    results: list[Any] = [None] * total
    errors: dict[int, AIProviderError] = {}
    done = 0
    finished = journal.finished(batch_id) if journal is not None and resume else {}
    pending: list[BatchItem] = []
    for item in items:
        if item.key in finished:
            results[item.index] = finished[item.key]
            done += 1
            _notify(
                callback,
                BatchEvent(item.index, total, done, item.name, results[item.index], resumed=True),
            )
        else:
            pending.append(item)
    if finished:
        logger.info(
            "ai.batch_resumed batch=%s finished=%d pending=%d",
            batch_id[:12],
            total - len(pending),
            len(pending),
        )

    def attempt(item: BatchItem) -> tuple[str, bool]:
        tries = 0
        while True:
            tries += 1
            try:
                answer, cached = work(item)
            except MaxAIRequestsError:
                raise
            except _RETRYABLE as exc:
                if tries > item_retries:
                    raise
                delay = _retry_delay(exc, tries)
                logger.info(
                    "ai.batch_item_retry index=%d try=%d delay=%.2f error=%s",
                    item.index,
                    tries,
                    delay,
                    type(exc).__name__,
                )
                _sleep.sleep(delay)
                continue
            if journal is not None:
                journal.record(batch_id, item, answer)
            return answer, cached

    stop: MaxAIRequestsError | None = None
    queue = list(reversed(pending))
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="ai-map") as pool:
        running: dict[Future[tuple[str, bool]], BatchItem] = {}
        try:
            while queue or running:
                while queue and stop is None and len(running) < concurrency:
                    item = queue.pop()
                    running[pool.submit(attempt, item)] = item
                if not running:
                    break
                finished_now, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished_now:
                    item = running.pop(future)
                    done += 1
                    try:
                        answer, cached = future.result()
                    except MaxAIRequestsError as exc:
                        stop = stop or exc
                        done -= 1
                        continue
                    except AIProviderError as exc:
                        errors[item.index] = exc
                        results[item.index] = exc if return_exceptions else None
                        _notify(
                            callback,
                            BatchEvent(item.index, total, done, item.name, None, error=exc),
                        )
                        continue
                    results[item.index] = answer
                    _notify(
                        callback,
                        BatchEvent(item.index, total, done, item.name, answer, cached=cached),
                    )
        except BaseException:
            for future in running:
                future.cancel()
            raise
    if stop is not None:
        raise stop
    if errors and not return_exceptions:
        first = next(iter(errors.values()))
        raise AIBatchError(
            f"{len(errors)} of {total} item(s) failed (first: {type(first).__name__}: {first}); "
            "finished items are saved: run the same batch again to retry only the failed ones",
            results=results,
            errors=errors,
        )
    return results
