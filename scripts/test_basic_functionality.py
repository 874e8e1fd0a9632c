#!/usr/bin/env python3
"""Check a graph-sitter installation without credentials or network.

Runs imports, provider detection, provider creation, the factory's errors, configuration
validation and a tiny code graph; prints a pass/fail table and exits 1 if any check fails.

Usage: python scripts/test_basic_functionality.py
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable

CHECKS: list[tuple[str, Callable[[], str]]] = []


def check(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    def register(fn: Callable[[], str]) -> Callable[[], str]:
        CHECKS.append((name, fn))
        return fn

    return register


@check("imports")
def _imports() -> str:
    import codegen
    import graph_sitter
    import graph_sitter.ai.providers as providers

    missing = [n for n in ("create_ai_provider", "OpenAIProvider") if not hasattr(providers, n)]
    assert not missing, f"missing exports: {missing}"
    assert hasattr(graph_sitter, "Codebase") and hasattr(codegen, "__all__")
    return "graph_sitter, graph_sitter.ai.providers, codegen"


@check("provider detection (empty environment)")
def _detection() -> str:
    from graph_sitter.ai.providers import detect_available_credentials

    found = detect_available_credentials(env={}, env_file=None)
    assert found and not any(v["available"] for v in found.values()), found
    return f"{len(found)} providers known, none configured"


@check("secrets are masked")
def _masking() -> str:
    from graph_sitter.ai.providers import detect_available_credentials

    secret = "sk-test-0123456789abcdefSECRET"
    found = detect_available_credentials(env={"OPENAI_API_KEY": secret}, env_file=None)
    text = repr(found)
    assert found["openai"]["available"] and secret not in text, text
    return "OPENAI_API_KEY shown as " + str(found["openai"]["hints"]["OPENAI_API_KEY"])


@check("provider creation (no network)")
def _creation() -> str:
    from graph_sitter.ai.providers import OpenAIProvider

    with OpenAIProvider(api_key="sk-test-not-real", base_url="http://127.0.0.1:9/v1") as p:
        assert p.provider_name == "OpenAI" and "sk-test-not-real" not in repr(p)
        keys = set(p.get_stats())
    needed = {"provider_name", "request_count", "error_count", "error_rate"}
    assert needed <= keys, keys
    return "OpenAIProvider built, stats keys present, key not in repr"


@check("factory: clear error without credentials")
def _factory() -> str:
    from graph_sitter.ai.providers import AIProviderError, create_ai_provider

    try:
        create_ai_provider(env={}, env_file=None)
    except AIProviderError as exc:
        assert "OPENAI_API_KEY" in str(exc), str(exc)
        return str(exc)[:70]
    raise AssertionError("create_ai_provider succeeded with no credentials")


@check("configuration: invalid values named")
def _configuration() -> str:
    from graph_sitter.configs.models.secrets import ConfigurationError, Secrets

    try:
        Secrets.load(env={"CODEGEN_TIMEOUT": "abc", "OPENAI_MAX_RETRIES": "-1"}, env_file=None)
    except ConfigurationError as exc:
        text = str(exc)
        assert "CODEGEN_TIMEOUT" in text and "OPENAI_MAX_RETRIES" in text, text
        return "CODEGEN_TIMEOUT and OPENAI_MAX_RETRIES reported"
    raise AssertionError("invalid settings were accepted")


@check("code graph")
def _graph() -> str:
    from graph_sitter import Codebase

    cb = Codebase.from_files(
        {"a.py": "def f():\n    return 1\n", "b.py": "from a import f\n\nf()\n"}
    )
    fn = cb.get_function("f")
    assert fn is not None and [u.kind for u in fn.usages()] == ["import", "call"]
    return "2 files, usages resolved across an import"


def main() -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="graph-sitter basic functionality")
    table.add_column("check")
    table.add_column("result")
    table.add_column("detail")
    failed = 0
    for name, fn in CHECKS:
        start = time.perf_counter()
        try:
            detail = fn()
            status = "[green]pass[/green]"
        except Exception as exc:  # a script's report: show the failure, keep checking
            failed += 1
            status = "[red]FAIL[/red]"
            detail = f"{type(exc).__name__}: {exc}"
            if "--debug" in sys.argv:
                traceback.print_exc()
        table.add_row(name, status, f"{detail} ({(time.perf_counter() - start) * 1000:.0f} ms)")
    Console().print(table)
    print(f"{len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
