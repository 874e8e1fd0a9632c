"""Provider health rows: factory status + ledger usage + live circuit breakers -> one row each.

Pure functions over plain data, except :func:`circuit_state`, which reads a live provider's
breaker. The factory's status never contains a secret; error strings pass through
:func:`graph_sitter.http.redact` again anyway before they reach the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph_sitter.ai.providers.base import AIProvider
from graph_sitter.dashboard.metrics import CIRCUIT_OPEN_STATUS
from graph_sitter.http.breaker import BreakerState
from graph_sitter.http.redaction import redact

__all__ = ["DISPLAY_NAMES", "circuit_state", "live_circuits", "provider_rows"]

#: How the built-in providers name themselves (the ledger records these names).
DISPLAY_NAMES = {"codegen": "Codegen", "openai": "OpenAI", "anthropic": "Anthropic"}
_REJECTED = "credentials rejected"
_NOT_CONFIGURED = "not configured"


def circuit_state(provider: object) -> str | None:
    """The state (``closed``, ``open``, ``half_open``) of a live provider's breaker, if any.

    HTTP providers keep their breaker on their transport and Codegen on its agent's API
    client; the providers have no public accessor yet, so this looks both places up by
    attribute and returns ``None`` when neither exists.
    """
    transport = getattr(provider, "_transport", None)
    breaker = getattr(transport, "breaker", None)
    if breaker is None:
        api = getattr(getattr(provider, "_agent", None), "_api", None)
        breaker = getattr(api, "breaker", None)
    state = getattr(breaker, "state", None)
    return state.value if isinstance(state, BreakerState) else None


def live_circuits(providers: Iterable[AIProvider]) -> dict[str, str]:
    """``{lower-case name: breaker state}`` of in-process providers (fallbacks expanded)."""
    result: dict[str, str] = {}
    for provider in providers:
        members = getattr(provider, "providers", None)
        if isinstance(members, tuple):
            result.update(live_circuits(m for m in members if isinstance(m, AIProvider)))
            continue
        state = circuit_state(provider)
        if state is not None:
            result[str(provider.provider_name).lower()] = state
    return result


def _credentials(entry: Mapping[str, Any], checked: bool) -> tuple[str, str | None]:
    if not entry.get("has_credentials"):
        return _NOT_CONFIGURED, None
    result = entry.get("validation_result")
    error = entry.get("error")
    if result is True:
        return "valid", None
    if result is False and error == _REJECTED:
        return "rejected", error
    if result is False:
        return "unverified", redact(str(error or "the check failed"))
    return ("unverified" if checked else "checking"), None


def _circuit(
    names: tuple[str, ...], live: Mapping[str, str], usage: Mapping[str, Any] | None
) -> dict[str, str | None]:
    for name in names:
        if name in live:
            return {"state": live[name], "source": "live"}
    if usage is not None:
        last = usage.get("last_status")
        if last == CIRCUIT_OPEN_STATUS:
            return {"state": "open", "source": "ledger"}
        if last == "ok":
            return {"state": "closed", "source": "ledger"}
    return {"state": None, "source": None}


def provider_rows(
    status: Mapping[str, Mapping[str, Any]],
    *,
    validated: bool,
    usage: Mapping[str, Mapping[str, Any]],
    live: Mapping[str, str],
) -> list[dict[str, Any]]:
    """One row per registered provider, in selection order.

    Args:
        status: :func:`graph_sitter.ai.providers.get_provider_status` output.
        validated: Whether ``status`` came from a pass that checked credentials with the
            vendors (otherwise configured providers show ``checking``).
        usage: Ledger totals per provider name (:func:`~graph_sitter.dashboard.metrics.
            provider_usage`); matched case-insensitively to the registry and display names.
        live: :func:`live_circuits` of the providers in this process.

    Returns:
        Rows ``{name, display_name, configured, credentials, error, circuit {state, source},
        status, usage}`` where ``credentials`` is ``not configured``, ``checking``, ``valid``,
        ``rejected`` or ``unverified``, and ``status`` is ``up``, ``degraded``, ``down``,
        ``checking`` or ``not configured``.
    """
    usage_by_name = {name.lower(): totals for name, totals in usage.items()}
    rows: list[dict[str, Any]] = []
    for name, entry in status.items():
        stats = entry.get("stats") or {}
        display = str(stats.get("provider_name") or DISPLAY_NAMES.get(name, name))
        names = (name.lower(), display.lower())
        own_usage = next((usage_by_name[n] for n in names if n in usage_by_name), None)
        credentials, error = _credentials(entry, validated)
        circuit = _circuit(names, live, own_usage)
        if credentials == _NOT_CONFIGURED:
            overall = _NOT_CONFIGURED
        elif credentials == "rejected" or circuit["state"] == "open":
            overall = "down"
        elif credentials == "checking":
            overall = "checking"
        elif (
            credentials == "unverified"
            or circuit["state"] == "half_open"
            or (own_usage is not None and own_usage.get("last_status") != "ok")
        ):
            overall = "degraded"
        else:
            overall = "up"
        rows.append(
            {
                "name": name,
                "display_name": display,
                "configured": bool(entry.get("has_credentials")),
                "credentials": credentials,
                "error": error,
                "circuit": circuit,
                "status": overall,
                "usage": own_usage,
            }
        )
    return rows
