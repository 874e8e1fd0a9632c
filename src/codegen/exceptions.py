"""Errors of the Codegen agent SDK. Every error a caller can catch derives from the root::

    CodegenError                        root: message, status_code, request_id, response_data
    ├── ConfigurationError              no token / organisation id (names the variables); ValueError
    ├── ValidationError                 a bad argument, caught before any request, or HTTP 422
    │                                   (details: the API's [{loc, msg, type}]); ValueError
    ├── APIError                        the API answered with an error status
    │   ├── AuthenticationError         401: the token is missing, wrong or expired
    │   │   └── PermissionDeniedError   403: the token has no access to the organisation
    │   ├── PlanLimitError              402: the plan's agent-run allowance is used up
    │   ├── NotFoundError               404: no such agent run (or repository) in the organisation
    │   ├── RateLimitError              429 after the SDK's own backoff: retry_after (or None)
    │   └── ServerError                 5xx after the SDK's own retries
    ├── NetworkError                    no usable response (connection refused, reset, cut)
    │   └── RunCreationUnknownError     a create request may have reached the server and no run
    │                                   tagged with its client_request_id was found (yet)
    ├── AgentTimeoutError               a deadline ran out: timeout_duration (and task_id,
    │                                   task_status when waiting for a run); builtins.TimeoutError
    └── TaskError                       the run ended in a failure status: task_id, task_status

``AuthorizationError`` is another name of ``AuthenticationError`` (codegen 0.57's spelling), and
``TimeoutError`` of ``AgentTimeoutError`` (the public spelling, fixed by the API; the class is
named so as not to shadow the built-in it derives from).

Messages say what happened and what to do next. They never contain the token: every message
passes through :func:`graph_sitter.http.redact`.
"""

from __future__ import annotations

import builtins
from typing import Any

from graph_sitter.http import redact, redact_data

__all__ = [
    "APIError",
    "AgentTimeoutError",
    "AuthenticationError",
    "AuthorizationError",
    "CodegenError",
    "ConfigurationError",
    "NetworkError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlanLimitError",
    "RateLimitError",
    "RunCreationUnknownError",
    "ServerError",
    "TaskError",
    "TimeoutError",
    "ValidationError",
]


class CodegenError(Exception):
    """Root of every error the SDK raises.

    Attributes:
        message: What happened (redacted).
        status_code: The HTTP status when the API answered, else ``None``.
        request_id: The API's request id header, when it sent one.
        response_data: The decoded error body, when there was one.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        response_data: Any = None,
    ) -> None:
        self.message = redact(message)
        super().__init__(self.message)
        self.status_code = status_code
        self.request_id = request_id
        self.response_data = redact_data(response_data)  # a server may echo the token

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r})"


class ConfigurationError(CodegenError, ValueError):
    """The client cannot be built: the token or organisation id is missing or unusable."""


class ValidationError(CodegenError, ValueError):
    """An argument is invalid (raised before any request) or the API answered 422.

    Attributes:
        details: The API's validation errors (``[{"loc", "msg", "type"}]``), or ``[]``.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        request_id: str | None = None,
        response_data: Any = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, request_id=request_id, response_data=response_data
        )
        self.details = list(details or [])


class APIError(CodegenError):
    """The API answered with an error status (see ``status_code`` and ``response_data``)."""


class AuthenticationError(APIError):
    """401: the token was rejected. Check ``CODEGEN_TOKEN``."""


#: codegen 0.57's name for :class:`AuthenticationError` (the same class).
AuthorizationError = AuthenticationError


class PermissionDeniedError(AuthenticationError):
    """403: the token is valid but has no access to this organisation (``CODEGEN_ORG_ID``)."""


class PlanLimitError(APIError):
    """402: the organisation's plan allows no more agent runs. Upgrade the plan; not retried."""


class NotFoundError(APIError):
    """404: the agent run (or repository) does not exist in this organisation."""


class RateLimitError(APIError):
    """429: still rate limited after the SDK backed off.

    Attributes:
        retry_after: Seconds the API asked to wait, or ``None`` (it usually does not say).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = 429,
        request_id: str | None = None,
        response_data: Any = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, request_id=request_id, response_data=response_data
        )
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: the API failed on its side, still after the SDK's retries. Try again later."""


class NetworkError(CodegenError):
    """No usable response arrived.

    Attributes:
        request_sent: Whether the request may have reached the server.
        attempts: Attempts made before giving up.
    """

    def __init__(self, message: str, *, request_sent: bool = False, attempts: int = 1) -> None:
        super().__init__(message)
        self.request_sent = request_sent
        self.attempts = attempts


class RunCreationUnknownError(NetworkError):
    """A create request may have been processed, and the SDK could not find the run.

    The SDK never sends such a request again by itself (that could start a second run).
    Look for the run later with ``agent.find_task(error.client_request_id)``.

    Attributes:
        client_request_id: The id the SDK stored in the run's ``metadata``.
    """

    def __init__(self, message: str, *, client_request_id: str, attempts: int = 1) -> None:
        super().__init__(message, request_sent=True, attempts=attempts)
        self.client_request_id = client_request_id


class AgentTimeoutError(CodegenError, builtins.TimeoutError):
    """A deadline ran out (an HTTP call's, or ``wait_for_completion``'s).

    Attributes:
        timeout_duration: The limit that ran out, in seconds.
        task_id: The agent run waited for, when waiting for one.
        task_status: Its last observed status, when waiting for one.
    """

    def __init__(
        self,
        message: str,
        *,
        timeout_duration: float,
        task_id: int | None = None,
        task_status: str | None = None,
    ) -> None:
        super().__init__(message)
        self.timeout_duration = timeout_duration
        self.task_id = task_id
        self.task_status = task_status


#: The public name of :class:`AgentTimeoutError` (``from codegen.exceptions import
#: TimeoutError``; the same class).
TimeoutError = AgentTimeoutError


class TaskError(CodegenError):
    """The agent run reached a terminal failure status.

    Attributes:
        task_id: The agent run's id.
        task_status: Its status (``FAILED``, ``ERROR``, ``CANCELLED``, ...).
    """

    def __init__(self, message: str, *, task_id: int, task_status: str) -> None:
        super().__init__(message)
        self.task_id = task_id
        self.task_status = task_status
