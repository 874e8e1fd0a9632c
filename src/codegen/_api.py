"""REST calls to the Codegen API over the shared transport (private).

One :class:`CodegenAPI` per :class:`~codegen.Agent`. It owns three
:class:`graph_sitter.http.Transport` objects, one per published rate-limit bucket, that
share one connection pool, one circuit breaker and one retry budget:

===========  ====================================================  ==================
bucket       endpoints                                             published limit
===========  ====================================================  ==================
``create``   ``POST /v1/organizations/{org}/agent/run``            10 per 60 s
``standard`` runs, list, resume, repos, ``/v1/users/me``           60 per 30 s
``logs``     ``GET /v1/alpha/organizations/{org}/agent/run/{id}/logs``  60 per 60 s
===========  ====================================================  ==================

The client-side limiters use the published limits with a one-second margin on the period
(the server counts arrival times, we count departures), so a burst queues instead of
meeting a 429. This module is the one boundary where HTTP answers and transport
exceptions become :mod:`codegen.exceptions`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from codegen.exceptions import (
    AgentTimeoutError,
    APIError,
    AuthenticationError,
    CodegenError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    PlanLimitError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from graph_sitter.http import (
    CircuitBreaker,
    CircuitOpenError,
    RateLimit,
    RequestTimeout,
    Response,
    RetryBudget,
    RetryEvent,
    RetryPolicy,
    Timeout,
    Transport,
    TransportError,
)

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "Bucket",
    "CodegenAPI",
    "RateLimits",
    "error_from_response",
    "is_ambiguous",
]

logger = logging.getLogger("codegen")

Bucket = Literal["create", "standard", "logs"]

#: Added to each published period: the server counts arrivals, we count departures.
RATE_LIMIT_MARGIN = 1.0
_CREATE_LIMIT = RateLimit(requests=10, period=60.0 + RATE_LIMIT_MARGIN)
_STANDARD_LIMIT = RateLimit(requests=60, period=30.0 + RATE_LIMIT_MARGIN)
_LOGS_LIMIT = RateLimit(requests=60, period=60.0 + RATE_LIMIT_MARGIN)


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Client-side limits per bucket (``None`` disables one).

    Attributes:
        create: Agent-run creation (published: 10 per minute).
        standard: Every other endpoint (published: 60 per 30 s).
        logs: The logs endpoint (published: 60 per 60 s).
    """

    create: RateLimit | None = _CREATE_LIMIT
    standard: RateLimit | None = _STANDARD_LIMIT
    logs: RateLimit | None = _LOGS_LIMIT


#: The published limits (plus the margin): the default of :class:`~codegen.Agent`.
DEFAULT_RATE_LIMITS = RateLimits()


class _ApiStats:
    """Thread-safe request counters of one client."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests = 0
        self.errors = 0
        self.retries = 0
        self.rate_limited = 0
        self.last_request_time: float | None = None

    def record(self, *, ok: bool, retries: int) -> None:
        now = time.time()
        with self.lock:
            self.requests += 1
            self.errors += 0 if ok else 1
            self.retries += retries
            self.last_request_time = now

    def on_retry(self, event: RetryEvent) -> None:
        if event.status_code == 429:
            with self.lock:
                self.rate_limited += 1

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "request_count": self.requests,
                "error_count": self.errors,
                "error_rate": self.errors / self.requests if self.requests else 0.0,
                "total_retries": self.retries,
                "rate_limit_count": self.rate_limited,
                "last_request_time": self.last_request_time,
            }


def _decode(response: Response) -> Any:
    try:
        return json.loads(response.content) if response.content else None
    except ValueError:
        return None


def _validation_text(details: list[dict[str, Any]]) -> str:
    parts = []
    for item in details[:5]:
        loc = ".".join(str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path"))
        parts.append(f"{loc or 'request'}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request was rejected"


def error_from_response(response: Response) -> CodegenError:
    """Map an error answer to the SDK's exception, keeping the API's message."""
    status = response.status_code
    data = _decode(response)
    message: str | None = None
    if isinstance(data, Mapping):
        raw = data.get("message")
        detail = data.get("detail")
        if isinstance(raw, str):
            message = raw
        elif isinstance(detail, str):
            message = detail
    common: dict[str, Any] = {
        "status_code": status,
        "request_id": response.request_id,
        "response_data": data,
    }
    if status == 422:
        details = data.get("detail") if isinstance(data, Mapping) else None
        details = [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []
        text = message or _validation_text(details)
        return ValidationError(f"Codegen rejected the request: {text}", details=details, **common)
    text = message or (response.text[:200].strip() or f"HTTP {status}")
    if status == 401:
        return AuthenticationError(f"{text} (check CODEGEN_TOKEN)", **common)
    if status == 403:
        return PermissionDeniedError(
            f"{text} (check CODEGEN_ORG_ID and the token's organisation)", **common
        )
    if status == 402:
        return PlanLimitError(f"{text} (not retried)", **common)
    if status == 404:
        return NotFoundError(text, **common)
    if status == 429:
        return RateLimitError(
            f"{text} (still limited after {response.attempts} attempt(s))",
            retry_after=response.retry_after,
            **common,
        )
    if status >= 500:
        return ServerError(f"Codegen answered HTTP {status}: {text}", **common)
    return APIError(f"Codegen answered HTTP {status}: {text}", **common)


def error_from_transport(exc: TransportError) -> CodegenError:
    """Map a transport exception (no usable response) to the SDK's exception."""
    if isinstance(exc, RequestTimeout):
        return AgentTimeoutError(
            f"Codegen request timed out: {exc}", timeout_duration=exc.timeout_duration
        )
    if isinstance(exc, CircuitOpenError):
        return NetworkError(
            f"Codegen is temporarily skipped after repeated failures; retry in "
            f"{exc.retry_after:.0f}s",
            attempts=exc.attempts,
        )
    return NetworkError(
        f"Codegen could not be reached: {exc}", request_sent=exc.request_sent, attempts=exc.attempts
    )


def is_ambiguous(exc: TransportError) -> bool:
    """Whether a failed non-idempotent request may have been processed by the server."""
    if isinstance(exc, CircuitOpenError):
        return False
    if isinstance(exc, RequestTimeout) and exc.phase in ("connect", "pool"):
        return False
    return exc.request_sent or isinstance(exc, RequestTimeout)


class CodegenAPI:
    """The REST endpoints the SDK uses, as plain methods returning decoded JSON.

    Args:
        base_url: The API root (no ``/v1``).
        token: The bearer token (never logged).
        org_id: The organisation id.
        timeout: Seconds for each phase of one HTTP call (connect capped at 5 s).
        retry: The retry policy of every call.
        rate_limits: Client-side limits per bucket.
        http_transport: An ``httpx`` transport shared by the buckets (tests inject one).
    """

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        org_id: int,
        timeout: float,
        retry: RetryPolicy,
        rate_limits: RateLimits,
        http_transport: Any = None,
    ) -> None:
        import httpx

        self.org_id = org_id
        self.timeout = timeout
        self.stats = _ApiStats()
        self._http: httpx.BaseTransport = http_transport or httpx.HTTPTransport(
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=10)
        )
        headers = {
            "authorization": f"Bearer {token}",
            "accept": "application/json",
            "user-agent": "codegen-sdk (graph-sitter)",
        }
        breaker = CircuitBreaker("Codegen")
        budget = RetryBudget()
        limits: dict[Bucket, RateLimit | None] = {
            "create": rate_limits.create,
            "standard": rate_limits.standard,
            "logs": rate_limits.logs,
        }
        self._transports: dict[Bucket, Transport] = {
            bucket: Transport(
                base_url,
                headers=headers,
                timeout=self._timeout(None),
                retry=retry,
                budget=budget,
                breaker=breaker,
                rate_limit=limit,
                name="Codegen",
                secrets=(token,),
                http_transport=self._http,
                on_retry=(self.stats.on_retry,),
            )
            for bucket, limit in limits.items()
        }
        self._closed = False

    def _timeout(self, deadline: float | None) -> Timeout:
        per_phase = self.timeout if deadline is None else max(0.001, min(self.timeout, deadline))
        return Timeout(
            connect=min(5.0, per_phase),
            read=per_phase,
            write=per_phase,
            pool=min(10.0, per_phase),
            total=deadline,
        )

    @property
    def breaker(self) -> CircuitBreaker | None:
        """The breaker shared by every bucket."""
        return self._transports["standard"].breaker

    # -- core ------------------------------------------------------------------------------
    def call(
        self,
        bucket: Bucket,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        deadline: float | None = None,
        on_transport_error: Callable[[TransportError], CodegenError] | None = None,
    ) -> Any:
        """Send one logical call and return its decoded JSON body.

        Args:
            bucket: The rate-limit bucket.
            method: HTTP method.
            path: Path under the base URL.
            params: Query parameters (``None`` values dropped).
            body: JSON body.
            deadline: Seconds the whole call (limiter wait and retries included) may take.
            on_transport_error: Builds the error for a failure without a response (the
                caller may recover an ambiguous creation).

        Raises:
            CodegenError: The mapped error.
        """
        if self._closed:
            raise CodegenError("the Codegen client is closed")
        query = {k: v for k, v in (params or {}).items() if v is not None}
        if query:
            path = f"{path}?{urlencode(query)}"
        transport = self._transports[bucket]
        try:
            response = transport.request(
                method,
                path,
                json=body,
                timeout=self._timeout(deadline),
            )
        except TransportError as exc:
            self.stats.record(ok=False, retries=exc.retries_taken)
            error = (on_transport_error or error_from_transport)(exc)
            raise error from exc
        ok = response.is_success
        self.stats.record(ok=ok, retries=response.retries_taken)
        if not ok:
            raise error_from_response(response)
        data = _decode(response)
        if data is None:
            raise APIError(
                f"Codegen returned a body that is not JSON: {response.text[:120]!r}",
                status_code=response.status_code,
                request_id=response.request_id,
            )
        return data

    # -- endpoints -------------------------------------------------------------------------
    @property
    def _org(self) -> str:
        return f"/v1/organizations/{self.org_id}"

    def create_run(
        self,
        body: Mapping[str, Any],
        on_transport_error: Callable[[TransportError], CodegenError],
    ) -> Any:
        """``POST /v1/organizations/{org_id}/agent/run`` (never replayed once it may have been
        processed: the transport retries a POST only on proof it was not)."""
        return self.call(
            "create",
            "POST",
            f"{self._org}/agent/run",
            body=dict(body),
            on_transport_error=on_transport_error,
        )

    def get_run(self, run_id: int, *, deadline: float | None = None) -> Any:
        """``GET /v1/organizations/{org_id}/agent/run/{agent_run_id}``."""
        return self.call("standard", "GET", f"{self._org}/agent/run/{run_id}", deadline=deadline)

    def list_runs(
        self,
        *,
        skip: int,
        limit: int,
        user_id: int | None = None,
        source_type: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """``GET /v1/organizations/{org_id}/agent/runs`` (one page, newest first)."""
        params = {"skip": skip, "limit": limit, "user_id": user_id, "source_type": source_type}
        return self.call(
            "standard", "GET", f"{self._org}/agent/runs", params=params, deadline=deadline
        )

    def resume_run(self, body: Mapping[str, Any]) -> Any:
        """``POST /v1/organizations/{org_id}/agent/run/resume``."""
        return self.call("standard", "POST", f"{self._org}/agent/run/resume", body=dict(body))

    def list_repos(self, *, skip: int, limit: int) -> Any:
        """``GET /v1/organizations/{org_id}/repos`` (one page)."""
        return self.call(
            "standard", "GET", f"{self._org}/repos", params={"skip": skip, "limit": limit}
        )

    def get_logs(
        self, run_id: int, *, skip: int, limit: int, reverse: bool = False,
        deadline: float | None = None,
    ) -> Any:  # fmt: skip
        """``GET /v1/alpha/organizations/{org_id}/agent/run/{agent_run_id}/logs`` (one page)."""
        params = {"skip": skip, "limit": limit, "reverse": "true" if reverse else "false"}
        return self.call(
            "logs",
            "GET",
            f"/v1/alpha/organizations/{self.org_id}/agent/run/{run_id}/logs",
            params=params,
            deadline=deadline,
        )

    def me(self) -> Any:
        """``GET /v1/users/me`` (the cheap credential check)."""
        return self.call("standard", "GET", "/v1/users/me")

    def close(self) -> None:
        """Close the pooled connections."""
        if self._closed:
            return
        self._closed = True
        for transport in self._transports.values():
            transport.close()
