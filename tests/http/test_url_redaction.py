"""Credentials in URLs (``user:pass@``, ``?key=``) never reach logs, errors, reprs or status."""

from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner

from graph_sitter.ai.providers import OpenAIProvider, ProviderUnavailableError
from graph_sitter.ai.providers.openai import DEFAULT_OPENAI_BASE_URL
from graph_sitter.cli.main import cli
from graph_sitter.http import NetworkError, Transport, redact, redact_data
from graph_sitter.http import testing as sleep_testing
from graph_sitter.http.redaction import REDACTED
from graph_sitter.testing import HTTPError, OpenAIEmulator

PASSWORD = "proxy-pw-417"
KEY = "sk-url-test-key-0123456789"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("http://alice:proxy-pw-417@proxy.local/v1", "proxy-pw-417"),
        ("https://alice@proxy.local:8443/v1", "alice"),
        ("GET http://h/v1/x?key=abc123&keep=1", "abc123"),
        ("https://h/cb?code=ab12&token=tt99&sig=zz77#top", "tt99"),
        ("https://h/cb?code=ab12&token=tt99&sig=zz77#top", "zz77"),
        ("https://h/cb?code=ab12&token=tt99&sig=zz77#top", "ab12"),
        ("https://h/?api_key=k1k1&access_token=a2a2", "a2a2"),
        ("https://h/?X-Amz-Signature=f00d&X-Amz-Credential=c4fe", "f00d"),
    ],
)
def test_redact_masks_url_credentials(text: str, secret: str) -> None:
    masked = redact(text)
    assert secret not in masked and REDACTED in masked


def test_redact_keeps_ordinary_urls_and_parameters() -> None:
    text = "see https://api.example.com/v1/chat?model=gpt&stream=true and a@b.example"
    assert redact(text) == text
    assert redact("https://h/?key=1&keep=2").endswith("&keep=2")


def test_redact_data_masks_echoed_tokens_in_error_bodies() -> None:
    body = {
        "detail": f"token {KEY} is invalid",
        "token": "short",
        "errors": [{"url": f"http://u:{PASSWORD}@h/"}],
        "status_code": 401,
    }
    masked = json.dumps(redact_data(body))
    assert KEY not in masked and PASSWORD not in masked and "short" not in masked
    assert '"status_code": 401' in masked


def test_password_in_base_url_never_leaks(caplog: pytest.LogCaptureFixture) -> None:
    with OpenAIEmulator(api_key=KEY) as emu, sleep_testing():
        base = emu.base_url.replace("http://", f"http://alice:{PASSWORD}@")
        for _ in range(3):
            emu.queue_fault(HTTPError(503))
        provider = OpenAIProvider(api_key=KEY, base_url=base, env={}, env_file=None)
        with caplog.at_level(logging.DEBUG), provider:
            with pytest.raises(ProviderUnavailableError) as info:
                provider.generate_response("hello")
            shown = [
                caplog.text,
                str(info.value),
                repr(info.value),
                repr(provider),
                repr(provider._settings),
                repr(provider._transport),
            ]
    assert "HTTP Request" in caplog.text  # httpx's own INFO line was emitted, redacted
    assert "http.give_up" in caplog.text  # and the default WARNING line
    for text in shown:
        assert PASSWORD not in text and "alice" not in text, text


def test_transport_errors_hide_query_secrets(caplog: pytest.LogCaptureFixture) -> None:
    transport = Transport("http://127.0.0.1:9", timeout=2.0)
    with transport, caplog.at_level("DEBUG"), pytest.raises(NetworkError) as info:
        transport.request("GET", "/x?api_key=qs-secret-99&sig=sig-secret-88")
    for text in (caplog.text, str(info.value), repr(info.value)):
        assert "qs-secret-99" not in text and "sig-secret-88" not in text


def test_providers_status_json_hides_the_password() -> None:
    env = {
        "OPENAI_API_KEY": KEY,
        "OPENAI_BASE_URL": f"http://alice:{PASSWORD}@127.0.0.1:9/v1?token=tok-in-url-77",
    }
    result = CliRunner().invoke(cli, ["providers", "status", "--json", "--no-validate"], env=env)
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output and "tok-in-url-77" not in result.output
    assert KEY not in result.output
    assert DEFAULT_OPENAI_BASE_URL not in result.output
