"""``cb.ai_map``: one prompt over many targets, concurrent and resumable.

Builds one :class:`~graph_sitter.ai.request.AIRequest` per target in the calling thread,
keys each by its cache key, and hands them to :func:`graph_sitter.ai.batch.run_batch`
(workers, per-item retries, the journal that makes a re-run skip finished items); each
item is sent through :func:`graph_sitter.ai.send.send`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from graph_sitter.ai.cache import canonical_json, content_hash, request_key
from graph_sitter.ai.request import (
    NOT_GIVEN,
    AIRequest,
    CallOptions,
    NotGiven,
    build_request,
    effective_request,
    for_provider,
)
from graph_sitter.ai.send import send
from graph_sitter.ai.session import get_session

if TYPE_CHECKING:
    from graph_sitter.ai.batch import BatchCallback, BatchItem, BatchJournal
    from graph_sitter.core.codebase import Codebase

__all__ = ["batch_id_of", "map_targets"]

logger = logging.getLogger("graph_sitter.ai")


def batch_id_of(requests: Sequence[AIRequest], prompt: str) -> str:
    """The default batch id: derived from the prompt, provider, model and temperature."""
    first = requests[0] if requests else None
    identity = {
        "operation": "map",
        "prompt": prompt,
        "provider": first.provider_name if first else None,
        "model": first.model if first else None,
        "temperature": first.temperature if first else None,
    }
    return content_hash(canonical_json(identity))


def map_targets(
    cb: Codebase,
    prompt: str,
    targets: Iterable[Any],
    concurrency: int | None = 8,
    *,
    callback: BatchCallback | None = None,
    on_prepared: Callable[[int, int], None] | None = None,
    batch_id: str | None = None,
    resume: bool = True,
    return_exceptions: bool = False,
    item_retries: int | NotGiven = NOT_GIVEN,
    journal: str | Path | Literal[False] | None = None,
    context: Any = None,
    model: str | None = None,
    provider: str | None = None,
    temperature: float | NotGiven = NOT_GIVEN,
    max_tokens: int | NotGiven | None = NOT_GIVEN,
    cache: bool | str | NotGiven = NOT_GIVEN,
    max_context_tokens: int | None = None,
    **extra: Any,
) -> list[Any]:
    """Run ``prompt`` on every target concurrently; answers in input order. Resumable.

    Each answer is persisted as it arrives (batch journal in the AI state directory), so a
    re-run of the same batch after a crash or interrupt skips finished items and requests
    only the others. Every request goes through its provider's transport (client-side rate
    limit, retries, circuit breaker); an item that still fails with a retryable error is
    tried again ``item_retries`` times.

    Args:
        cb: The codebase.
        prompt: The task, asked about each target.
        targets: Symbols, files or strings.
        concurrency: Requests in flight at once (default the session's, 8).
        callback: Called with a :class:`~graph_sitter.ai.batch.BatchEvent` after each
            item, in this thread.
        on_prepared: Called as ``on_prepared(done, total)`` while the requests and their
            graph context are built, before any is sent.
        batch_id: Default derived from the prompt, provider, model and temperature.
        resume: Skip the items a previous run of the same batch finished.
        return_exceptions: Put errors in the list instead of raising.
        item_retries: Extra attempts of a failed item (default the session's).
        journal: A path, ``False`` for none, ``None`` for the session's.
        context: As in :func:`graph_sitter.ai.codebase_ai.ask`, like ``model``,
            ``provider``, ``temperature``, ``max_tokens``, ``cache``,
            ``max_context_tokens`` and vendor parameters (``**extra``).

    Returns:
        One answer per target, in input order.

    Raises:
        AIBatchError: Some items failed (``results`` and ``errors``); the others are saved.
        MaxAIRequestsError: The session's request limit ran out; finished items are saved.
    """
    from graph_sitter.ai.batch import BatchItem, BatchJournal, run_batch

    session = get_session(cb)
    retries = int(
        session.options.item_retries if isinstance(item_retries, NotGiven) else item_retries
    )
    chosen = session.provider(provider)
    call = CallOptions(
        context, model, provider, temperature, max_tokens, cache, max_context_tokens, extra
    )
    listed = list(targets)
    requests: list[AIRequest] = []
    for target in listed:
        requests.append(for_provider(build_request(session, "map", prompt, target, call), chosen))
        if on_prepared is not None:
            on_prepared(len(requests), len(listed))
    batch_items = [
        BatchItem(
            index=i,
            name=r.name,
            key=request_key(effective_request(chosen, r, r.tools and chosen.supports_tools)),
            payload=r,
        )
        for i, r in enumerate(requests)
    ]
    store: BatchJournal | None
    owned = False
    if journal is False:
        store = None
    elif journal is not None:
        store = BatchJournal(Path(journal))
        owned = True
    else:
        store = session.journal()
    if store is None and journal is not False:
        logger.warning("ai.batch_not_resumable reason=no_state_dir")

    def work(item: BatchItem) -> tuple[str, bool]:
        response, answer = send(session, item.payload)
        return answer, response.cached

    try:
        return run_batch(
            batch_items,
            work,
            total=len(batch_items),
            concurrency=concurrency or session.options.concurrency,
            journal=store,
            batch_id=batch_id or batch_id_of(requests, prompt),
            callback=callback,
            item_retries=retries,
            resume=bool(resume),
            return_exceptions=bool(return_exceptions),
        )
    finally:
        if owned and store is not None:
            store.close()
