"""codegen 0.57's import paths: ``from codegen.agents import Agent`` (and ``AgentTask``).

The same classes as :class:`codegen.Agent` and :class:`codegen.Task`; nothing else lives here.
"""

from codegen.agent import Agent
from codegen.task import AgentTask

__all__ = ["Agent", "AgentTask"]
