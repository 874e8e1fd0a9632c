"""The JSON endpoints over loopback, against a ledger seeded through the ledger API."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from dashboard_helpers import record

from codegen import Agent
from graph_sitter.ai.usage import UsageLedger
from graph_sitter.dashboard import DashboardServer, is_loopback
from graph_sitter.testing import CodegenEmulator, OpenAIEmulator


def get(server: DashboardServer, path: str, **headers: str) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=10.0) as client:
        return client.get(path, headers=headers)


def test_summary_reports_the_seeded_ledger(dashboard: DashboardServer) -> None:
    data = get(dashboard, "/api/summary?window=3600").json()
    totals = data["totals"]
    assert totals["requests"] == 8
    assert totals["vendor_requests"] == 7
    assert totals["cache_hits"] == 1
    assert totals["errors"] == 1
    assert totals["error_rate"] == pytest.approx(1 / 8)
    assert totals["requests_per_minute"] == pytest.approx(8 / 60)
    # vendor latencies (ms): 100 200 250 300 400 500 1000; nearest rank
    assert totals["latency_ms"] == {"p50": 300.0, "p95": 1000.0, "p99": 1000.0}
    assert totals["total_tokens"] == 6 * 120
    assert totals["cost_usd"] == pytest.approx(0.006)
    assert set(data["by_provider"]) == {"Anthropic", "OpenAI"}
    assert data["by_provider"]["OpenAI"]["errors"] == 1
    assert data["by_model"]["claude-3-5-haiku"]["requests"] == 1
    points = data["series"]["points"]
    assert len(points) == 60
    assert sum(p["requests"] for p in points) == 8
    assert points[-1]["cumulative_cost_usd"] == pytest.approx(0.006)
    assert data["ledger"]["exists"] is True
    assert data["refresh_seconds"] == 0.5


def test_window_limits_the_rows(dashboard: DashboardServer) -> None:
    # the seeded rows are 60, 210, 360... seconds old
    assert get(dashboard, "/api/summary?window=300").json()["totals"]["requests"] == 2
    assert get(dashboard, "/api/summary?window=abc").status_code == 400


def test_providers_without_credentials_are_not_configured(dashboard: DashboardServer) -> None:
    assert dashboard.monitor.wait_for_pass(timeout=10)
    data = get(dashboard, "/api/providers").json()
    rows = {row["name"]: row for row in data["providers"]}
    assert list(rows)[:3] == ["codegen", "openai", "anthropic"]
    for row in rows.values():
        assert row["status"] == "not configured"
        assert row["credentials"] == "not configured"
    assert rows["openai"]["display_name"] == "OpenAI"
    assert rows["openai"]["usage"]["requests"] == 7
    # the last OpenAI request was a cache hit that succeeded: the circuit was closed
    assert rows["openai"]["circuit"] == {"state": "closed", "source": "ledger"}
    assert rows["codegen"]["circuit"] == {"state": None, "source": None}


def test_runs_without_codegen_credentials(dashboard: DashboardServer) -> None:
    assert dashboard.monitor.wait_for_pass(timeout=10)
    data = get(dashboard, "/api/runs").json()
    assert data["configured"] is False
    assert data["runs"] == []
    assert data["ledger"] == []


def test_page_and_assets_are_served_with_a_strict_policy(dashboard: DashboardServer) -> None:
    page = get(dashboard, "/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/static/app.js"' in page.text
    assert get(dashboard, "/static/app.js").headers["content-type"].startswith("text/javascript")
    assert get(dashboard, "/static/style.css").status_code == 200
    assert get(dashboard, "/favicon.ico").status_code == 204
    missing = get(dashboard, "/static/server.py")
    assert missing.status_code == 404
    assert missing.json() == {"error": "no such page: /static/server.py"}


def test_loopback_dashboard_refuses_foreign_host_names(dashboard: DashboardServer) -> None:
    assert get(dashboard, "/api/summary", Host="evil.example:80").status_code == 403
    assert get(dashboard, "/api/summary", Host=f"localhost:{dashboard.port}").status_code == 200
    assert is_loopback("127.0.0.2") and is_loopback("[::1]") and not is_loopback("0.0.0.0")


def test_missing_ledger_reads_as_empty_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nothing.sqlite3"
    with DashboardServer(port=0, ledger_path=path, env={}, env_file=None, validate=False) as dash:
        data = get(dash, "/api/summary").json()
    assert data["totals"]["requests"] == 0
    assert data["ledger"] == {
        "enabled": True,
        "path": str(path),
        "exists": False,
        "reset_from": None,
    }
    assert not path.exists()


def test_ledger_off_by_environment(tmp_path: Path) -> None:
    env = {"GRAPH_SITTER_AI_USAGE": "off"}
    with DashboardServer(port=0, env=env, env_file=None, validate=False) as dash:
        assert get(dash, "/api/summary").json()["ledger"]["enabled"] is False


def test_new_rows_show_on_the_next_request(dashboard: DashboardServer, ledger_path: Path) -> None:
    assert get(dashboard, "/api/summary").json()["totals"]["requests"] == 8
    with UsageLedger(ledger_path) as ledger:
        ledger.record(record("Codegen", "codegen-agent", 42.0, "ok", False, ts=time.time()))
    assert get(dashboard, "/api/summary").json()["totals"]["requests"] == 9
    runs = get(dashboard, "/api/runs").json()
    assert [(r["model"], r["latency_ms"]) for r in runs["ledger"]] == [("codegen-agent", 42000.0)]


def test_credentials_are_checked_in_the_background(tmp_path: Path) -> None:
    with OpenAIEmulator(api_key="sk-test-dashboard-0123456789") as emu:
        env = {"OPENAI_API_KEY": "sk-test-dashboard-0123456789", "OPENAI_BASE_URL": emu.base_url}
        with DashboardServer(
            port=0, ledger_path=tmp_path / "u.sqlite3", env=env, env_file=None
        ) as dash:
            assert dash.monitor.wait_for_pass(timeout=15)
            response = get(dash, "/api/providers")
        assert any(r.path.endswith("/models") for r in emu.requests)
    row = next(r for r in response.json()["providers"] if r["name"] == "openai")
    assert row["credentials"] == "valid"
    assert row["status"] == "up"
    assert "sk-test-dashboard" not in response.text


def test_rejected_credentials_show_as_down(tmp_path: Path) -> None:
    with OpenAIEmulator(api_key="sk-the-right-key-0123456789") as emu:
        env = {"OPENAI_API_KEY": "sk-a-wrong-key-0123456789", "OPENAI_BASE_URL": emu.base_url}
        with DashboardServer(
            port=0, ledger_path=tmp_path / "u.sqlite3", env=env, env_file=None
        ) as dash:
            assert dash.monitor.wait_for_pass(timeout=15)
            response = get(dash, "/api/providers")
    row = next(r for r in response.json()["providers"] if r["name"] == "openai")
    assert (row["credentials"], row["status"]) == ("rejected", "down")
    assert "sk-a-wrong-key" not in response.text


def test_recent_agent_runs_come_from_the_codegen_api(tmp_path: Path) -> None:
    token = "cg-dashboard-token-0123456789"
    with CodegenEmulator(token=token, org_id=7, enforce_rate_limits=False) as emu:
        with Agent(7, token, emu.base_url, env={}, env_file=None) as agent:
            first, second = agent.run("Fix the flaky test"), agent.run("Add a changelog entry")
        env = {"CODEGEN_ORG_ID": "7", "CODEGEN_TOKEN": token, "CODEGEN_BASE_URL": emu.base_url}
        with DashboardServer(
            port=0, ledger_path=tmp_path / "u.sqlite3", env=env, env_file=None
        ) as dash:
            assert dash.monitor.wait_for_pass(timeout=15)
            response = get(dash, "/api/runs")
    data = response.json()
    assert data["configured"] is True and data["error"] is None
    assert [run["id"] for run in data["runs"]] == [second.id, first.id]
    assert data["runs"][0]["web_url"] == second.web_url
    assert data["runs"][0]["web_url"].startswith("https://")
    assert token not in response.text
