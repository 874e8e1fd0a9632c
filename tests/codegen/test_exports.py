"""The public surface: exports, the error tree, and the layering (codegen imports only http)."""

from __future__ import annotations

import builtins
import subprocess
import sys

import codegen
import codegen.exceptions as exceptions


def test_exports_are_sorted_and_present() -> None:
    assert codegen.__all__ == sorted(codegen.__all__)
    for name in codegen.__all__:
        assert getattr(codegen, name) is not None
    for name in ("Agent", "Task", "verify_signature"):
        assert name in codegen.__all__
    assert exceptions.__all__ == sorted(exceptions.__all__)


def test_error_tree() -> None:
    for name in exceptions.__all__:
        assert issubclass(getattr(exceptions, name), exceptions.CodegenError)
    assert issubclass(exceptions.TimeoutError, builtins.TimeoutError)
    assert issubclass(exceptions.ValidationError, ValueError)
    error = exceptions.TimeoutError("late", timeout_duration=3.0)
    assert error.timeout_duration == 3.0
    assert exceptions.RateLimitError("slow", retry_after=2.0).retry_after == 2.0
    task_error = exceptions.TaskError("failed", task_id=7, task_status="FAILED")
    assert (task_error.task_id, task_error.task_status) == (7, "FAILED")


def test_import_is_light_and_layered() -> None:
    code = (
        "import sys, codegen; "
        "print(sorted(m for m in sys.modules if m.startswith('graph_sitter.') "
        "and not m.startswith('graph_sitter.http')), 'httpx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] False"
