"""Webhooks: POST each observed status change of a task to your URL, signed, in the background.

The Codegen API has no webhook registration of its own; the SDK delivers these itself, from
the process that watches the task (``wait_for_completion`` or ``refresh``).

Wire format::

    POST <webhook_url>
    Content-Type: application/json
    X-Codegen-Event: task.status_changed
    X-Codegen-Delivery: <uuid, the same for every retry of one event>
    X-Codegen-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>

    {"id": "<delivery uuid>", "type": "task.status_changed", "created": <t>, "data": {...}}

Receivers check the signature with :func:`verify_signature` (constant-time comparison; a
timestamp outside the replay window fails) and drop repeated ``X-Codegen-Delivery`` ids.

Delivery runs in one daemon thread per :class:`~codegen.Agent`, never in the polling thread:
each event is retried with full-jitter exponential backoff by the shared transport; events
still undelivered are kept (see :meth:`WebhookDispatcher.undelivered`) and can be sent again
with :meth:`WebhookDispatcher.redeliver`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from codegen.events import StatusChange
from graph_sitter.http import RetryPolicy, Timeout, Transport, TransportError, register_secret

__all__ = [
    "DEFAULT_TOLERANCE",
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "WebhookDelivery",
    "WebhookDispatcher",
    "sign",
    "verify_signature",
]

logger = logging.getLogger("codegen.webhooks")

SIGNATURE_HEADER = "X-Codegen-Signature"
EVENT_HEADER = "X-Codegen-Event"
DELIVERY_HEADER = "X-Codegen-Delivery"
#: Seconds a signature stays valid either side of its timestamp (the replay window).
DEFAULT_TOLERANCE = 300.0
EVENT_TYPE = "task.status_changed"


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``X-Codegen-Signature`` value for ``body``.

    Args:
        body: The exact bytes sent.
        secret: The shared secret.
        timestamp: Unix seconds; default now.
    """
    moment = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={moment},v1={_digest(secret, moment, body)}"


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name) if hasattr(headers, "get") else None
    if value is None and hasattr(headers, "items"):
        lowered = name.lower()
        for key, item in headers.items():
            if isinstance(key, str) and key.lower() == lowered:
                value = item
                break
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value if isinstance(value, str) else None


def verify_signature(
    body: bytes | str,
    headers: Mapping[str, str] | Any,
    secret: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """Whether a webhook request is authentic and fresh.

    Args:
        body: The raw request body, exactly as received.
        headers: The request headers (any case-insensitive or plain mapping).
        secret: The shared secret.
        tolerance: The replay window in seconds, either side of the signed timestamp.
        now: The current Unix time (for tests); default ``time.time()``.

    Returns:
        ``True`` only when a ``v1`` signature matches (compared in constant time) and its
        timestamp lies within ``tolerance`` of ``now``.
    """
    raw = _header(headers, SIGNATURE_HEADER)
    if not raw or not secret:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in raw.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            # Plain ASCII digits only, at most 12 of them (year 33658): a 400-digit value
            # would overflow the float comparison below; "+5", "5_0", non-ASCII digits are
            # not timestamps either.
            if not (value.isascii() and value.isdigit() and len(value) <= 12):
                return False
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    data = body.encode() if isinstance(body, str) else bytes(body)
    expected = _digest(secret, timestamp, data)
    matched = False
    for candidate in candidates:
        matched |= hmac.compare_digest(expected, candidate)
    return matched


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    """An event that could not be delivered.

    Attributes:
        event: The status change.
        url: Where it was to go.
        delivery_id: The ``X-Codegen-Delivery`` id (stable across retries and redelivery).
        attempts: HTTP attempts made.
        error: Why the last attempt failed (redacted).
    """

    event: StatusChange
    url: str
    delivery_id: str
    attempts: int
    error: str
    secret: str | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class _Job:
    event: StatusChange
    url: str
    secret: str | None = field(repr=False)
    delivery_id: str


_STOP = object()


class WebhookDispatcher:
    """Delivers webhook events from one background thread. Thread-safe.

    Args:
        timeout: Seconds per delivery attempt.
        retry: Retry policy per event (default 5 attempts within 120 s, backoff 0.5-30 s).
        max_undelivered: How many failed deliveries are kept (oldest dropped first).
        http_transport: An ``httpx`` transport (tests).
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        max_undelivered: int = 1000,
        http_transport: Any = None,
    ) -> None:
        self._transport = Transport(
            timeout=Timeout.of(timeout),
            retry=retry
            or RetryPolicy(max_attempts=5, max_elapsed=120.0, initial_delay=0.5, max_delay=30.0),
            budget=None,
            breaker=None,
            name="codegen.webhooks",
            http_transport=http_transport,
        )
        self._queue: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._delivered = 0
        self._undelivered: deque[WebhookDelivery] = deque(maxlen=max_undelivered)
        self._thread: threading.Thread | None = None
        self._closed = False

    # -- public ----------------------------------------------------------------------------
    def submit(self, url: str, secret: str | None, event: StatusChange) -> None:
        """Queue ``event`` for ``url``; returns at once."""
        self._enqueue(_Job(event, url, secret, str(uuid.uuid4())))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued event was delivered or given up on.

        Returns:
            ``True`` if the queue drained within ``timeout`` seconds.
        """
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def undelivered(self) -> list[WebhookDelivery]:
        """Events that could not be delivered, oldest first."""
        with self._lock:
            return list(self._undelivered)

    def redeliver(self) -> int:
        """Queue every undelivered event again (same delivery ids); returns how many."""
        with self._lock:
            jobs = [_Job(d.event, d.url, d.secret, d.delivery_id) for d in self._undelivered]
            self._undelivered.clear()
        for job in jobs:
            self._enqueue(job)
        return len(jobs)

    @property
    def delivered_count(self) -> int:
        """Events delivered so far."""
        with self._lock:
            return self._delivered

    def close(self, timeout: float | None = 5.0) -> None:
        """Deliver what is queued (waiting at most ``timeout`` s), then stop the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            thread.join(timeout)
        self._transport.close()

    # -- worker ----------------------------------------------------------------------------
    def _enqueue(self, job: _Job) -> None:
        with self._lock:
            if self._closed:
                self._undelivered.append(
                    WebhookDelivery(job.event, job.url, job.delivery_id, 0, "dispatcher closed",
                                    job.secret)
                )  # fmt: skip
                return
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="codegen-webhooks", daemon=True
                )
                self._thread.start()
        self._queue.put(job)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if not isinstance(job, _Job):
                return
            try:
                self._deliver(job)
            except Exception:  # the worker must survive anything a delivery throws
                logger.exception("codegen.webhook_worker_error url=%s", job.url)
                self._failed(job, 0, "unexpected error (see log)")
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def _deliver(self, job: _Job) -> None:
        created = int(time.time())
        body = json.dumps(
            {
                "id": job.delivery_id,
                "type": EVENT_TYPE,
                "created": created,
                "data": job.event.to_json(),
            },
            separators=(",", ":"),
        ).encode()
        headers = {
            "content-type": "application/json",
            "user-agent": "codegen-sdk-webhooks (graph-sitter)",
            EVENT_HEADER: EVENT_TYPE,
            DELIVERY_HEADER: job.delivery_id,
        }
        if job.secret:
            register_secret(job.secret)
            headers[SIGNATURE_HEADER] = sign(body, job.secret, created)
        try:
            # Receivers de-duplicate on the delivery id, so replaying is harmless.
            response = self._transport.request(
                "POST", job.url, content=body, headers=headers, idempotent=True
            )
        except TransportError as exc:
            self._failed(job, exc.attempts, str(exc))
            return
        if response.is_success:
            with self._lock:
                self._delivered += 1
            logger.debug("codegen.webhook_delivered task_id=%s", job.event.task_id)
            return
        self._failed(job, response.attempts, f"HTTP {response.status_code}")

    def _failed(self, job: _Job, attempts: int, error: str) -> None:
        logger.warning(
            "codegen.webhook_undelivered task_id=%s status=%s attempts=%d error=%s",
            job.event.task_id,
            job.event.status,
            attempts,
            error,
        )
        with self._lock:
            self._undelivered.append(
                WebhookDelivery(job.event, job.url, job.delivery_id, attempts, error, job.secret)
            )

    def __repr__(self) -> str:
        return f"<WebhookDispatcher pending={self._pending}>"
