"""The Codegen REST API emulator (private; exported from ``graph_sitter.testing``).

Follows ``codegen-openapi.json``: integer ids, upper-case statuses, ``{message, status_code}``
errors, FastAPI-style 422 ``{"detail": [{loc, msg, type}]}`` bodies, and the published rate
limits enforced per token on the emulator's clock.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from graph_sitter.testing._base import BaseEmulator, Route
from graph_sitter.testing._codegen_model import (
    SOURCE_TYPES,
    ErrorList,
    Run,
    bool_param,
    int_param,
    validate_body,
)
from graph_sitter.testing._faults import (
    ContextLengthExceeded,
    Fault,
    HTTPError,
    MalformedJSON,
    Overloaded,
    QuotaExceeded,
    RateLimit,
    StreamError,
)
from graph_sitter.testing._replies import (
    AgentRunReply,
    Reply,
    TextReply,
    ToolCallReply,
    coerce_reply,
)
from graph_sitter.testing._script import MovingWindow
from graph_sitter.testing._server import RecordedRequest, Response
from graph_sitter.testing._wire import JSON_TYPE, dumps, json_response, retry_headers

__all__ = ["CodegenEmulator"]

_MESSAGES = {
    400: "Bad request.",
    401: "Invalid or expired API token.",
    402: (
        "Alloted agent runs for the current billing plan have been reached. Please upgrade your "
        "plan to continue."
    ),
    403: "You do not have access to this organization.",
    404: "Agent run not found.",
    429: "Rate limit exceeded. Please try again later.",
    500: "Internal server error.",
    502: "Bad gateway.",
    503: "Service temporarily unavailable.",
    504: "Gateway timeout.",
}
#: bucket -> (requests, seconds), from the published limits.
DEFAULT_RATE_LIMITS: dict[str, tuple[int, float]] = {
    "create": (10, 60.0),
    "standard": (60, 30.0),
    "logs": (60, 60.0),
}
_DEFAULT_RUN = AgentRunReply()
_ORG = r"/v1/organizations/(?P<org_id>[^/]+)"
_ROUTES: list[tuple[str, re.Pattern[str], str, str]] = [
    ("POST", re.compile(rf"{_ORG}/agent/run"), "create", "create"),
    ("POST", re.compile(rf"{_ORG}/agent/run/resume"), "resume", "standard"),
    ("GET", re.compile(rf"{_ORG}/agent/run/(?P<agent_run_id>[^/]+)"), "get", "standard"),
    ("GET", re.compile(rf"{_ORG}/agent/runs"), "list", "standard"),
    ("GET", re.compile(rf"{_ORG}/repos"), "repos", "standard"),
    (
        "GET",
        re.compile(
            r"/v1/alpha/organizations/(?P<org_id>[^/]+)/agent/run/(?P<agent_run_id>[^/]+)/logs"
        ),
        "logs",
        "logs",
    ),
    ("GET", re.compile(r"/v1/users/me"), "me", "standard"),
    ("GET", re.compile(r"/v1/organizations"), "orgs", "standard"),
]


def _error(
    status: int, message: str | None = None, headers: Iterable[tuple[str, str]] = ()
) -> Response:
    body = {"message": message or _MESSAGES.get(status, "Error."), "status_code": status}
    return json_response(status, body, headers)


def _unprocessable(details: ErrorList) -> Response:
    return json_response(422, {"detail": details})


@dataclass(slots=True)
class _Paging:
    org_id: int = 0
    run_id: int = 0
    skip: int = 0
    limit: int = 100
    reverse: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _page(items: list[Any], total: int, paging: _Paging) -> dict[str, Any]:
    return {
        "items": items,
        "total": total,
        "page": paging.skip // paging.limit + 1,
        "size": paging.limit,
        "pages": math.ceil(total / paging.limit),
    }


class CodegenEmulator(BaseEmulator):
    """A local Codegen REST API (``base_url`` ``http://127.0.0.1:PORT``, no ``/v1``).

    Endpoints: ``POST /v1/organizations/{org_id}/agent/run``, ``GET .../agent/run/{id}``,
    ``GET .../agent/runs?skip&limit&user_id&source_type`` (newest first), ``POST
    .../agent/run/resume``, ``GET .../repos``, ``GET /v1/alpha/organizations/{org_id}/agent/run/
    {id}/logs?skip&limit&reverse``, ``GET /v1/users/me`` and ``GET /v1/organizations``.

    A run reports ``ACTIVE`` for ``polls`` GETs of ``.../agent/run/{id}``, then its scripted
    terminal status (``queue_reply(AgentRunReply(status="FAILED"))``), with ``result``,
    ``summary`` and ``github_pull_requests`` filled in.

    Args:
        token: The accepted ``Authorization: Bearer`` token(s); ``None`` accepts any.
        org_id: The organisation the token may access (others answer 403).
        repos: Repository full names (``owner/name``) listed by the repos endpoint (ids 1, 2, ...).
        polls_until_complete: Default number of ``ACTIVE`` polls before the terminal status.
        default_reply: How a run plays out when no reply is queued.
        enforce_rate_limits: Enforce the published limits per token (agent-run creation 10 per
            60 s, logs 60 per 60 s, other endpoints 60 per 30 s) on the emulator's clock; a 429
            carries no ``Retry-After``.
        max_agent_runs: After this many runs, creation answers 402 (plan limit); ``None``: never.
        host: Address to bind.
        port: Port to bind; 0 picks a free one.
        latency: Seconds added before every response's first byte.
        clock: Time source in seconds (default ``time.monotonic``); see ``advance_time``.
        record_limit: How many requests ``requests`` keeps (newest); ``None`` keeps all, 0 none.
    """

    _kind = "codegen"

    def __init__(
        self,
        *,
        token: str | Sequence[str] | None = None,
        org_id: int = 1,
        repos: Sequence[str] = ("acme/widgets",),
        polls_until_complete: int = 2,
        default_reply: AgentRunReply | str = _DEFAULT_RUN,
        enforce_rate_limits: bool = True,
        max_agent_runs: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: float = 0.0,
        clock: Callable[[], float] | None = None,
        record_limit: int | None = 10_000,
    ) -> None:
        super().__init__(
            host=host, port=port, latency=latency, clock=clock, record_limit=record_limit
        )
        if isinstance(token, str):
            self._tokens: frozenset[str] | None = frozenset({token})
        else:
            self._tokens = None if token is None else frozenset(token)
        self.org_id = org_id
        self.repos = tuple(repos)
        self.polls_until_complete = polls_until_complete
        self.default_reply = _as_run_reply(coerce_reply(default_reply))
        self.enforce_rate_limits = enforce_rate_limits
        self.rate_limits = dict(DEFAULT_RATE_LIMITS)
        self.max_agent_runs = max_agent_runs
        self._lock = threading.Lock()
        self._runs: dict[int, Run] = {}
        self._next_run_id = 1
        self._next_pr_id = 1
        self._windows: dict[tuple[str, str], MovingWindow] = {}
        handlers = {
            "create": self._create,
            "resume": self._resume,
            "get": self._get,
            "list": self._list,
            "repos": self._repos,
            "logs": self._logs,
            "me": self._me,
            "orgs": self._orgs,
        }
        self._compiled = [
            (method, pattern, Route(handlers[name], name in ("create", "resume"), bucket))
            for method, pattern, name, bucket in _ROUTES
        ]

    # -- inspection and control from tests ------------------------------------------------

    @property
    def runs(self) -> list[dict[str, Any]]:
        """Every agent run as the API would show it now, newest first (does not count a poll)."""
        with self._lock:
            return [run.to_json() for run in sorted(self._runs.values(), key=lambda r: -r.id)]

    def get_run(self, run_id: int) -> dict[str, Any]:
        """One run as the API would show it now (does not count a poll); ``KeyError`` if absent."""
        with self._lock:
            return self._runs[run_id].to_json()

    def set_run_status(self, run_id: int, status: str, *, result: str | None = None) -> None:
        """Force a run's status from now on (e.g. ``CANCELLED`` while a client polls)."""
        with self._lock:
            run = self._runs[run_id]
            run.forced_status = status
            if result is not None:
                run.forced_result = result

    def reset(self) -> None:
        """Also forget runs and rate-limit history."""
        super().reset()
        with self._lock:
            self._runs.clear()
            self._windows.clear()

    # -- routing, auth, limits -------------------------------------------------------------

    def _match(self, request: RecordedRequest) -> tuple[Route, dict[str, str]] | None:
        for method, pattern, route in self._compiled:
            found = pattern.fullmatch(request.path)
            if found is not None and method == request.method:
                return route, found.groupdict()
        return None

    def _not_found(self, request: RecordedRequest) -> Response:
        return json_response(404, {"detail": "Not Found"})

    def _token(self, request: RecordedRequest) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    def _authenticate(self, request: RecordedRequest) -> Response | None:
        if self._tokens is None:
            return None
        if self._token(request) not in self._tokens:
            return _error(401)
        return None

    def _limit(self, request: RecordedRequest, bucket: str) -> Response | None:
        if not self.enforce_rate_limits:
            return None
        key = (self._token(request), bucket)
        with self._lock:
            window = self._windows.get(key)
            if window is None:
                limit, period = self.rate_limits[bucket]
                window = self._windows[key] = MovingWindow(limit, period)
            wait = window.hit(self.now())
        return None if wait is None else _error(429)

    def _prepare(
        self,
        request: RecordedRequest,
        params: dict[str, str],
        bucket: str,
        *,
        paging: bool = False,
        reverse: bool = False,
        filters: bool = False,
    ) -> _Paging | Response:
        """Validate path and query (422), then rate-limit (429), then organisation access (403)."""
        errors: ErrorList = []
        parsed = _Paging()
        if "org_id" in params:
            parsed.org_id = int_param(params["org_id"], ("path", "org_id"), errors)
        if "agent_run_id" in params:
            parsed.run_id = int_param(params["agent_run_id"], ("path", "agent_run_id"), errors)
        query = request.query
        if paging:
            parsed.skip = int_param(query.get("skip", "0"), ("query", "skip"), errors, minimum=0)
            parsed.limit = int_param(
                query.get("limit", "100"), ("query", "limit"), errors, minimum=1, maximum=100
            )
        if reverse:
            parsed.reverse = bool_param(query.get("reverse", "false"), ("query", "reverse"), errors)
        if filters:
            if query.get("user_id"):
                parsed.extra["user_id"] = int_param(query["user_id"], ("query", "user_id"), errors)
            source = query.get("source_type")
            if source:
                if source not in SOURCE_TYPES:
                    allowed = ", ".join(f"'{s}'" for s in SOURCE_TYPES[:-1])
                    errors.append(
                        {
                            "type": "enum",
                            "loc": ["query", "source_type"],
                            "msg": f"Input should be {allowed} or '{SOURCE_TYPES[-1]}'",
                            "input": source,
                        }
                    )
                parsed.extra["source_type"] = source
        if errors:
            return _unprocessable(errors)
        limited = self._limit(request, bucket)
        if limited is not None:
            return limited
        if "org_id" in params and parsed.org_id != self.org_id:
            return _error(403)
        return parsed

    def _check_rate(self, request: RecordedRequest, route: Route) -> Response | None:
        return None  # Codegen limits are applied in _prepare, after validation.

    # -- faults ----------------------------------------------------------------------------

    def _render_fault(self, request: RecordedRequest, fault: Fault) -> Response:
        if isinstance(fault, RateLimit):
            return _error(429, fault.message, retry_headers(fault))
        if isinstance(fault, QuotaExceeded):
            return _error(402, fault.message)
        if isinstance(fault, ContextLengthExceeded):
            requested = fault.requested or fault.max_context + 1000
            message = f"Prompt is too long: {requested} tokens > {fault.max_context} maximum."
            return _error(400, message)
        if isinstance(fault, Overloaded):
            return _error(503, fault.message)
        if isinstance(fault, HTTPError):
            extra = list(fault.headers)
            if fault.body is not None:
                headers = [("content-type", fault.content_type), *extra]
                return Response(fault.status, headers, fault.body)
            if fault.status == 422 and fault.message is None:
                detail = [
                    {"loc": ["body"], "msg": "Emulated validation error", "type": "value_error"}
                ]
                return json_response(422, {"detail": detail}, extra)
            return _error(fault.status, fault.message, extra)
        if isinstance(fault, MalformedJSON):
            return Response(200, [JSON_TYPE], fault.body)
        raise TypeError(f"fault {fault!r} is not rendered as a response")

    def _stream_error_event(self, fault: StreamError) -> bytes:
        return dumps({"message": fault.message, "status_code": 500})

    # -- endpoints -------------------------------------------------------------------------

    def _timestamp(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self._offset)

    def _script_for(self, request: RecordedRequest, fault: Fault | None) -> AgentRunReply:
        reply = self._reply_for(request, fault)
        return self.default_reply if reply is None else _as_run_reply(reply)

    def _body(self, request: RecordedRequest, required: Sequence[str]) -> dict[str, Any] | Response:
        if request.json_error is not None:
            try:
                json.loads(request.body)
            except json.JSONDecodeError as exc:
                detail = {
                    "type": "json_invalid",
                    "loc": ["body", exc.pos],
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": exc.msg},
                }
                return _unprocessable([detail])
        errors = validate_body(request.json, required)
        if errors:
            return _unprocessable(errors)
        body: dict[str, Any] = request.json
        return body

    def _create(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        prepared = self._prepare(request, params, "create")
        if isinstance(prepared, Response):
            return prepared
        body = self._body(request, ("prompt",))
        if isinstance(body, Response):
            return body
        repo_id = body.get("repo_id")
        if repo_id is not None and not 1 <= repo_id <= len(self.repos):
            return _error(404, "Repository not found.")
        with self._lock:
            if self.max_agent_runs is not None and len(self._runs) >= self.max_agent_runs:
                return _error(402)
            script = self._script_for(request, fault)
            run = Run(
                id=self._next_run_id,
                organization_id=prepared.org_id,
                prompt=body["prompt"],
                created_at=self._timestamp(),
                metadata=body.get("metadata"),
                repo_full_name=self.repos[repo_id - 1] if repo_id else None,
                request=body,
            )
            self._next_run_id += 1
            self._next_pr_id = run.play(script, self.polls_until_complete, self._next_pr_id)
            self._runs[run.id] = run
            return json_response(200, run.to_json())

    def _resume(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        prepared = self._prepare(request, params, "standard")
        if isinstance(prepared, Response):
            return prepared
        body = self._body(request, ("agent_run_id", "prompt"))
        if isinstance(body, Response):
            return body
        with self._lock:
            run = self._runs.get(body["agent_run_id"])
            if run is None or run.organization_id != prepared.org_id:
                return _error(404)
            script = self._script_for(request, fault)
            run.prompt = body["prompt"]
            self._next_pr_id = run.play(script, self.polls_until_complete, self._next_pr_id)
            return json_response(200, run.to_json())

    def _get(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        prepared = self._prepare(request, params, "standard")
        if isinstance(prepared, Response):
            return prepared
        with self._lock:
            run = self._runs.get(prepared.run_id)
            if run is None or run.organization_id != prepared.org_id:
                return _error(404)
            payload = run.to_json()
            run.poll()
        return json_response(200, payload)

    def _list(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        prepared = self._prepare(request, params, "standard", paging=True, filters=True)
        if isinstance(prepared, Response):
            return prepared
        source = prepared.extra.get("source_type")
        user = prepared.extra.get("user_id")
        with self._lock:
            runs = [
                run
                for run in sorted(self._runs.values(), key=lambda r: -r.id)
                if run.organization_id == prepared.org_id
                and (source is None or run.source_type == source)
                and (user is None or run.user_id == user)
            ]
            items = [run.to_json() for run in runs[prepared.skip : prepared.skip + prepared.limit]]
        return json_response(200, _page(items, len(runs), prepared))

    def _repos(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        prepared = self._prepare(request, params, "standard", paging=True)
        if isinstance(prepared, Response):
            return prepared
        repos = [
            {
                "id": index,
                "name": full_name.rpartition("/")[2],
                "full_name": full_name,
                "description": None,
                "github_id": str(100_000 + index),
                "organization_id": self.org_id,
                "visibility": "private",
                "archived": False,
                "setup_status": "COMPLETE",
                "language": "Python",
            }
            for index, full_name in enumerate(self.repos, start=1)
        ]
        items = repos[prepared.skip : prepared.skip + prepared.limit]
        return json_response(200, _page(items, len(repos), prepared))

    def _logs(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        prepared = self._prepare(request, params, "logs", paging=True, reverse=True)
        if isinstance(prepared, Response):
            return prepared
        with self._lock:
            run = self._runs.get(prepared.run_id)
            if run is None or run.organization_id != prepared.org_id:
                return _error(404)
            logs = run.visible_logs()
            payload = run.to_json(with_logs=True)
        if prepared.reverse:
            logs.reverse()
        payload.update(_page([], len(logs), prepared))
        del payload["items"], payload["total"]
        payload["logs"] = logs[prepared.skip : prepared.skip + prepared.limit]
        payload["total_logs"] = len(logs)
        return json_response(200, payload)

    def _me(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        prepared = self._prepare(request, params, "standard")
        if isinstance(prepared, Response):
            return prepared
        user = {
            "id": 1,
            "email": "developer@example.com",
            "github_user_id": "1000001",
            "github_username": "emulated-developer",
            "avatar_url": None,
            "full_name": "Emulated Developer",
            "role": "ADMIN",
            "is_admin": True,
        }
        return json_response(200, user)

    def _orgs(
        self, request: RecordedRequest, params: dict[str, str], fault: Fault | None
    ) -> Response:
        prepared = self._prepare(request, params, "standard", paging=True)
        if isinstance(prepared, Response):
            return prepared
        org = {
            "id": self.org_id,
            "name": "Emulated Organization",
            "settings": {"enable_pr_creation": True, "enable_rules_detection": True},
        }
        items = [org][prepared.skip : prepared.skip + prepared.limit]
        return json_response(200, _page(items, 1, prepared))


def _as_run_reply(reply: Reply) -> AgentRunReply:
    if isinstance(reply, AgentRunReply):
        return reply
    if isinstance(reply, TextReply):
        return AgentRunReply(result=reply.text)
    if isinstance(reply, ToolCallReply):
        return AgentRunReply(result=reply.text or "")
    raise TypeError(f"not a reply: {reply!r}")
