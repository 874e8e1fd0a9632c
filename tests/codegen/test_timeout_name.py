"""``codegen.TimeoutError`` is the public spelling of ``AgentTimeoutError``."""

from __future__ import annotations

import builtins

import codegen
from codegen.exceptions import AgentTimeoutError, CodegenError, TimeoutError


def test_timeout_error_is_an_alias_that_still_is_a_builtin_timeout() -> None:
    assert TimeoutError is AgentTimeoutError is codegen.TimeoutError is codegen.AgentTimeoutError
    assert AgentTimeoutError.__name__ == "AgentTimeoutError"  # no longer shadows the builtin
    error = TimeoutError("late", timeout_duration=2.5)
    assert isinstance(error, builtins.TimeoutError)
    assert isinstance(error, CodegenError)
    assert error.timeout_duration == 2.5
