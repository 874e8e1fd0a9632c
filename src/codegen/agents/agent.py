"""codegen 0.57's module path: ``from codegen.agents.agent import Agent, AgentTask``."""

from codegen.agent import Agent
from codegen.task import AgentTask

__all__ = ["Agent", "AgentTask"]
