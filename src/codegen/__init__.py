"""Codegen agent SDK: start agent runs on the Codegen REST API and follow them.

    from codegen import Agent

    with Agent(org_id="323", token="...") as agent:     # or CODEGEN_ORG_ID / CODEGEN_TOKEN
        task = agent.run("Add type hints to utils.py", repository="owner/repo")
        task.wait_for_completion(timeout=600)
        print(task.result, [pr.url for pr in task.get_artifacts()])

Every request goes through the shared resilient transport (:mod:`graph_sitter.http`) with
client-side limits matching the published ones. Errors are in :mod:`codegen.exceptions`;
webhook signing and verification in :mod:`codegen.webhooks`.
"""

from codegen._api import RateLimits
from codegen.agent import Agent
from codegen.events import ProgressCallback, StatusCallback, StatusChange, TaskProgress
from codegen.exceptions import (
    APIError,
    AuthenticationError,
    CodegenError,
    ConfigurationError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    PlanLimitError,
    RateLimitError,
    RunCreationUnknownError,
    TaskError,
    TimeoutError,
    ValidationError,
)
from codegen.models import AgentRun, Artifacts, LogEntry, PullRequest, Repository
from codegen.task import Task, WebhookTarget
from codegen.webhooks import WebhookDelivery, WebhookDispatcher, verify_signature

__all__ = [
    "APIError",
    "Agent",
    "AgentRun",
    "Artifacts",
    "AuthenticationError",
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
    "StatusCallback",
    "StatusChange",
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
