"""The local monitoring dashboard: provider health, usage and agent runs in a web page.

``graph-sitter dashboard`` runs it; :func:`serve` embeds it in a program (its providers'
live circuit breakers then show too). See ``docs/dashboard.md``.
"""

from __future__ import annotations

from graph_sitter.dashboard.monitor import Monitor
from graph_sitter.dashboard.server import DEFAULT_PORT, DashboardServer, is_loopback, serve

__all__ = ["DEFAULT_PORT", "DashboardServer", "Monitor", "is_loopback", "serve"]
