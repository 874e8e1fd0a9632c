"""Every scripted fault produces exactly the bytes, headers and status it promises."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime

import httpx
import openai
import pytest
from emulator_helpers import AUTH, CHAT, raw_exchange, sse_json

from graph_sitter.testing import (
    ConnectionReset,
    ContextLengthExceeded,
    HTTPError,
    MalformedJSON,
    OpenAIEmulator,
    Overloaded,
    QuotaExceeded,
    RateLimit,
    SlowFirstByte,
    StreamError,
    TruncatedStream,
)

STREAM = {**CHAT, "stream": True}
RAW_CHAT = (
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-key\r\n"
    b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
    % (len(json.dumps(CHAT)), json.dumps(CHAT).encode())
)


@pytest.fixture
def http(openai_emulator: OpenAIEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=openai_emulator.base_url, headers=AUTH, timeout=5) as client:
        yield client


def _content(response: httpx.Response) -> str:
    content: str = response.json()["choices"][0]["message"]["content"]
    return content


def test_rate_limit_with_retry_after_seconds_fires_once(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(RateLimit(retry_after=2))
    limited = http.post("/chat/completions", json=CHAT)
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "2"
    assert "retry-after-ms" not in limited.headers
    assert "x-should-retry" not in limited.headers
    assert limited.headers["x-ratelimit-remaining-requests"] == "0"
    error = limited.json()["error"]
    assert (error["type"], error["code"], error["param"]) == (
        "requests",
        "rate_limit_exceeded",
        None,
    )
    assert http.post("/chat/completions", json=CHAT).status_code == 200


def test_rate_limit_with_retry_after_http_date(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(RateLimit(retry_after=5, retry_after_format="http-date"))
    header = http.post("/chat/completions", json=CHAT).headers["retry-after"]
    assert header.endswith(" GMT")
    delta = parsedate_to_datetime(header).timestamp() - time.time()
    assert 3.5 <= delta <= 6.5


def test_rate_limit_with_retry_after_ms_only(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(RateLimit(retry_after_ms=1500, should_retry=True))
    response = http.post("/chat/completions", json=CHAT)
    assert response.status_code == 429
    assert response.headers["retry-after-ms"] == "1500"
    assert "retry-after" not in response.headers
    assert response.headers["x-should-retry"] == "true"


def test_rate_limit_without_any_hint(openai_emulator: OpenAIEmulator, http: httpx.Client) -> None:
    openai_emulator.queue_fault(RateLimit())
    response = http.post("/chat/completions", json=CHAT)
    assert response.status_code == 429
    assert not {"retry-after", "retry-after-ms", "x-should-retry"} & set(response.headers)


def test_insufficient_quota(openai_emulator: OpenAIEmulator, sdk_client: openai.OpenAI) -> None:
    openai_emulator.queue_fault(QuotaExceeded(should_retry=False))
    with pytest.raises(openai.RateLimitError) as caught:
        sdk_client.chat.completions.create(model="gpt-4o-mini", messages=[])
    assert caught.value.status_code == 429
    assert caught.value.code == "insufficient_quota"
    assert caught.value.type == "insufficient_quota"
    assert caught.value.response.headers["x-should-retry"] == "false"


@pytest.fixture
def sdk_client(openai_emulator: OpenAIEmulator) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        api_key="test-key", base_url=openai_emulator.base_url, max_retries=0
    ) as client:
        yield client


def test_context_length_exceeded(openai_emulator: OpenAIEmulator, http: httpx.Client) -> None:
    openai_emulator.queue_fault(ContextLengthExceeded(max_context=8192, requested=9000))
    response = http.post("/chat/completions", json=CHAT)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "context_length_exceeded"
    assert error["message"].startswith(
        "This model's maximum context length is 8192 tokens. However, your messages resulted in "
        "9000 tokens."
    )


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors(openai_emulator: OpenAIEmulator, http: httpx.Client, status: int) -> None:
    openai_emulator.queue_fault(HTTPError(status))
    response = http.post("/chat/completions", json=CHAT)
    assert response.status_code == status
    assert response.json()["error"]["type"] == "server_error"
    assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("status", "code", "exception"),
    [
        (400, None, openai.BadRequestError),
        (401, "invalid_api_key", openai.AuthenticationError),
        (403, "unsupported_country_region_territory", openai.PermissionDeniedError),
        (404, "model_not_found", openai.NotFoundError),
    ],
)
def test_client_errors_map_to_sdk_exceptions(
    openai_emulator: OpenAIEmulator,
    sdk_client: openai.OpenAI,
    status: int,
    code: str | None,
    exception: type[openai.APIStatusError],
) -> None:
    openai_emulator.queue_fault(HTTPError(status))
    with pytest.raises(exception) as caught:
        sdk_client.chat.completions.create(
            model="gpt-5-imaginary", messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == status
    assert caught.value.code == code
    if status == 404:
        assert "`gpt-5-imaginary` does not exist" in caught.value.message


def test_http_error_overrides_and_raw_body(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(
        HTTPError(409, message="busy", code="conflict", headers=(("x-extra", "1"),))
    )
    openai_emulator.queue_fault(HTTPError(502, body=b"<html>Bad Gateway</html>"))
    first = http.post("/chat/completions", json=CHAT)
    assert (first.status_code, first.headers["x-extra"]) == (409, "1")
    assert first.json()["error"] == {
        "message": "busy",
        "type": "invalid_request_error",
        "param": None,
        "code": "conflict",
    }
    second = http.post("/chat/completions", json=CHAT)
    assert (second.status_code, second.text) == (502, "<html>Bad Gateway</html>")
    assert second.headers["content-type"].startswith("text/html")


def test_overloaded_is_a_503_for_openai(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(Overloaded())
    response = http.post("/chat/completions", json=CHAT)
    assert response.status_code == 503
    assert "overloaded" in response.json()["error"]["message"]


def test_connection_reset_before_any_response(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(ConnectionReset())
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post("/chat/completions", json=CHAT)
    assert openai_emulator.request_count == 1
    assert _content(http.post("/chat/completions", json=CHAT)).startswith("Hello")


def test_connection_reset_mid_response_sends_exactly_the_first_bytes(
    openai_emulator: OpenAIEmulator,
) -> None:
    openai_emulator.queue_fault(ConnectionReset(after_bytes=40, rst=False))
    received = raw_exchange(openai_emulator.port, RAW_CHAT)
    assert len(received) == 40
    assert received.startswith(b"HTTP/1.1 200 OK\r\ndate: ")


def test_connection_reset_mid_response_breaks_the_client(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(ConnectionReset(after_bytes=300))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        http.post("/chat/completions", json=CHAT)
    openai_emulator.queue_fault(ConnectionReset(after_bytes=300, rst=False))
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/chat/completions", json=CHAT)
    assert http.post("/chat/completions", json=CHAT).status_code == 200


def test_slow_first_byte_trips_a_shorter_read_timeout(openai_emulator: OpenAIEmulator) -> None:
    openai_emulator.queue_fault(SlowFirstByte(delay=1.0))
    timeout = httpx.Timeout(5, read=0.1)
    with httpx.Client(base_url=openai_emulator.base_url, headers=AUTH, timeout=timeout) as client:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            client.post("/chat/completions", json=CHAT)
        assert time.monotonic() - started < 0.9


def test_slow_first_byte_then_answers_with_its_own_reply(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(SlowFirstByte(delay=0.2, reply="late"))
    openai_emulator.queue_reply("queued")
    started = time.monotonic()
    slow = http.post("/chat/completions", json=CHAT)
    assert time.monotonic() - started >= 0.2
    assert _content(slow) == "late"
    assert _content(http.post("/chat/completions", json=CHAT)) == "queued"


def test_malformed_json_with_200(openai_emulator: OpenAIEmulator, http: httpx.Client) -> None:
    openai_emulator.queue_fault(MalformedJSON())
    response = http.post("/chat/completions", json=CHAT)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_truncated_stream_cuts_the_connection_before_done(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(TruncatedStream(after_events=2))
    lines: list[str] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        http.stream("POST", "/chat/completions", json=STREAM) as response,
    ):
        lines.extend(response.iter_lines())
    data = [line for line in lines if line.startswith("data: ")]
    assert len(data) == 2
    assert "data: [DONE]" not in lines


def test_truncated_stream_with_clean_end_just_lacks_done(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(TruncatedStream(after_events=3, clean_end=True))
    body = http.post("/chat/completions", json=STREAM).text
    assert body.count("data: ") == 3
    assert "[DONE]" not in body
    full = http.post("/chat/completions", json=STREAM).text
    assert len(sse_json(full)) > 3


def test_truncated_non_streaming_body(openai_emulator: OpenAIEmulator, http: httpx.Client) -> None:
    openai_emulator.queue_fault(TruncatedStream())
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/chat/completions", json=CHAT)


def test_stream_error_event(openai_emulator: OpenAIEmulator, sdk_client: openai.OpenAI) -> None:
    openai_emulator.queue_fault(StreamError(after_events=2, message="boom"))
    received: list[str] = []
    with pytest.raises(openai.APIError, match="boom"):
        for chunk in sdk_client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
        ):
            received.append(chunk.choices[0].delta.content or "")
    assert len(received) == 2


def test_faults_bound_to_a_path_wait_for_it(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_fault(HTTPError(500), path="/v1/chat/*")
    assert http.get("/models").status_code == 200
    assert openai_emulator.queued == 1
    assert http.post("/chat/completions", json=CHAT).status_code == 500
    assert openai_emulator.queued == 0


def test_replies_and_faults_are_consumed_in_order(
    openai_emulator: OpenAIEmulator, http: httpx.Client
) -> None:
    openai_emulator.queue_reply("first")
    openai_emulator.queue_fault(HTTPError(503), times=2)
    openai_emulator.queue_reply("second")
    # A models request skips replies but takes the first fault.
    assert http.get("/models").status_code == 503
    assert _content(http.post("/chat/completions", json=CHAT)) == "first"
    assert http.post("/chat/completions", json=CHAT).status_code == 503
    assert _content(http.post("/chat/completions", json=CHAT)) == "second"
    assert _content(http.post("/chat/completions", json=CHAT)).startswith("Hello")


def test_faults_fire_before_authentication_and_reset_clears_them(
    openai_emulator: OpenAIEmulator,
) -> None:
    openai_emulator.queue_fault(HTTPError(500))
    openai_emulator.queue_fault(HTTPError(500))
    url = f"{openai_emulator.base_url}/chat/completions"
    assert httpx.post(url, json=CHAT).status_code == 500
    openai_emulator.reset()
    assert openai_emulator.queued == 0
    assert openai_emulator.requests == []
    assert httpx.post(url, json=CHAT).status_code == 401
