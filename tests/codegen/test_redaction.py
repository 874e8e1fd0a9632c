"""A token the API echoes back in an error body is redacted in the exception's data."""

from __future__ import annotations

import json

import pytest
from codegen_helpers import TOKEN

from codegen import Agent
from codegen.exceptions import AuthenticationError
from graph_sitter.testing import CodegenEmulator, HTTPError


def test_echoed_token_is_redacted_from_response_data(agent: Agent, emu: CodegenEmulator) -> None:
    body = {"detail": f"Invalid token {TOKEN}", "token": TOKEN, "status_code": 401}
    emu.queue_fault(HTTPError(401, body=json.dumps(body).encode()))
    with pytest.raises(AuthenticationError) as info:
        agent.run(prompt="hello")
    error = info.value
    assert error.status_code == 401
    shown = json.dumps(error.response_data) + str(error) + repr(error)
    assert TOKEN not in shown
    assert "Invalid token" in json.dumps(error.response_data)
