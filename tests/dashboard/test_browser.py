"""The page in real headless Chromium (Debian's ``chromium``), driven over DevTools.

Fails (never skips) when Chromium is missing: ``.ci/run`` installs it.
"""

from __future__ import annotations

import time
from pathlib import Path

from cdp import CDPSession, chromium
from dashboard_helpers import record

from graph_sitter.ai.usage import UsageLedger
from graph_sitter.dashboard import DashboardServer

# Resolves once the page has rendered data (now, or at its next refresh) and `test` holds.
_RENDERED = """
new Promise((resolve) => {
  const test = () => %s;
  const check = () => { if (document.body.dataset.state === "ready" && test()) resolve(true); };
  document.addEventListener("dashboard:rendered", check);
  check();
})
"""


def rendered(session: CDPSession, condition: str = "true") -> None:
    assert session.evaluate(_RENDERED % condition, timeout=15) is True


def text(session: CDPSession, selector: str) -> str:
    value = session.evaluate(f"document.querySelector({selector!r}).textContent")
    assert isinstance(value, str)
    return value


def test_page_renders_the_seeded_ledger_without_console_errors(
    dashboard: DashboardServer, ledger_path: Path, tmp_path: Path
) -> None:
    with chromium(tmp_path / "profile") as page:
        page.navigate(dashboard.url)
        rendered(page)

        assert text(page, "#kpi-requests") == "8"
        assert text(page, "#kpi-errors") == "12.5%"
        assert text(page, "#kpi-p99").startswith("1,000")
        providers = text(page, "#providers tbody")
        assert "OpenAI" in providers and "Anthropic" in providers
        assert "not configured" in providers
        assert "CODEGEN_ORG_ID" in text(page, "#runs-note")
        assert "gpt-4o-mini" in text(page, "#models tbody")

        # the charts drew bars and lines: SVG paths with a non-zero length in every chart
        drawn = page.evaluate(
            """[...document.querySelectorAll("svg path")]
                 .filter((p) => p.getTotalLength() > 0)
                 .map((p) => p.closest("svg").id)"""
        )
        assert {"chart-requests", "chart-latency", "chart-tokens", "chart-cost"} <= set(drawn)

        # it refreshes by itself: a new ledger row appears without a reload
        navigations = sum(e["method"] == "Page.frameNavigated" for e in page.events)
        with UsageLedger(ledger_path) as ledger:
            ledger.record(record("OpenAI", "gpt-4o-mini", 0.2, "ok", False, ts=time.time()))
        rendered(page, 'document.getElementById("kpi-requests").textContent === "9"')
        assert sum(e["method"] == "Page.frameNavigated" for e in page.events) == navigations

        assert page.errors() == []
