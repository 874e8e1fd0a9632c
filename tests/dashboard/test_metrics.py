"""The pure parts: percentiles, time buckets, health rows, URL filtering."""

from __future__ import annotations

import pytest
from dashboard_helpers import record

from graph_sitter.dashboard.health import provider_rows
from graph_sitter.dashboard.metrics import ledger_metrics, percentile
from graph_sitter.dashboard.monitor import safe_url


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (
        50.0,
        95.0,
        99.0,
    )
    assert percentile([], 0.5) == 0.0
    assert percentile([7.0], 0.99) == 7.0


def test_series_buckets_cover_the_window() -> None:
    rows = [
        record("OpenAI", "m", 0.1, "ok", False, ts=1000.0),
        record("OpenAI", "m", 0.3, "RateLimitError", False, ts=1059.0),
        record("OpenAI", "m", 0.2, "ok", False, ts=1100.0),
        record("OpenAI", "m", 0.2, "ok", False, ts=100.0),  # outside the window
    ]
    data = ledger_metrics(rows, now=1120.0, window=120.0, buckets=2)
    assert data["totals"]["requests"] == 3
    first, second = data["series"]["points"]
    assert (first["requests"], first["errors"], second["requests"]) == (2, 1, 1)
    assert first["p95_ms"] == pytest.approx(300.0)
    assert second["cumulative_cost_usd"] == pytest.approx(0.002)
    with pytest.raises(ValueError):
        ledger_metrics(rows, now=0.0, window=0.0)


def _status(**entry: object) -> dict[str, dict[str, object]]:
    return {"openai": {"has_credentials": True, "validation_result": None, "error": None, **entry}}


def test_health_rows() -> None:
    usage = {"OpenAI": {"last_status": "ProviderCircuitOpenError", "requests": 3}}
    (row,) = provider_rows(_status(validation_result=True), validated=True, usage=usage, live={})
    assert (row["credentials"], row["circuit"]["state"], row["status"]) == ("valid", "open", "down")

    (row,) = provider_rows(_status(), validated=False, usage={}, live={})
    assert (row["credentials"], row["status"]) == ("checking", "checking")

    fake_key = "sk-" + "abcdefghijklmnop1234"  # built at run time: no secret-shaped literal
    status = _status(validation_result=False, error=f"network down: key={fake_key}")
    (row,) = provider_rows(status, validated=True, usage={}, live={"openai": "half_open"})
    assert (row["credentials"], row["status"]) == ("unverified", "degraded")
    assert row["circuit"] == {"state": "half_open", "source": "live"}
    assert fake_key not in row["error"]


def test_only_http_urls_become_links() -> None:
    assert safe_url("https://codegen.com/agent/trace/1") == "https://codegen.com/agent/trace/1"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(None) is None
