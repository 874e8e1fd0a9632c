"""Codegen agent SDK: start agent runs on the Codegen REST API and follow them.

    from codegen import Agent

    with Agent(token="...", org_id=323) as agent:       # or CODEGEN_TOKEN / CODEGEN_ORG_ID
        task = agent.run("Add type hints to utils.py", repository="owner/repo")
        task.wait_for_completion(timeout=600)
        print(task.result, [pr.url for pr in task.get_artifacts()])

Every request goes through the shared resilient transport (:mod:`graph_sitter.http`) with
client-side limits matching the published ones. Errors are in :mod:`codegen.exceptions`;
webhook signing and verification in :mod:`codegen.webhooks`.
"""

import logging

from codegen._api import RateLimits
from codegen.agent import Agent
from codegen.events import ProgressCallback, StatusCallback, StatusChange, TaskProgress
from codegen.exceptions import (
    AgentTimeoutError,
    APIError,
    AuthenticationError,
    AuthorizationError,
    CodegenError,
    ConfigurationError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    PlanLimitError,
    RateLimitError,
    RunCreationUnknownError,
    ServerError,
    TaskError,
    TimeoutError,
    ValidationError,
)
from codegen.models import AgentRun, Artifacts, LogEntry, PullRequest, Repository
from codegen.task import AgentTask, StatusFlag, Task, WebhookTarget
from codegen.webhooks import WebhookDelivery, WebhookDispatcher, verify_signature

__all__ = [
    "APIError",
    "Agent",
    "AgentRun",
    "AgentTask",
    "AgentTimeoutError",
    "Artifacts",
    "AuthenticationError",
    "AuthorizationError",
    "CodegenError",
    "ConfigurationError",
    "LogEntry",
    "NetworkError",
    "NotFoundError",
    "PermissionDeniedError",
    "PlanLimitError",
    "ProgressCallback",
    "PullRequest",
    "RateLimitError",
    "RateLimits",
    "Repository",
    "RunCreationUnknownError",
    "ServerError",
    "StatusCallback",
    "StatusChange",
    "StatusFlag",
    "Task",
    "TaskError",
    "TaskProgress",
    "TimeoutError",
    "ValidationError",
    "WebhookDelivery",
    "WebhookDispatcher",
    "WebhookTarget",
    "verify_signature",
]

# Library convention: records go nowhere unless the application configures logging.
logging.getLogger("codegen").addHandler(logging.NullHandler())
