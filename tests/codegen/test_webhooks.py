"""Webhooks: signed POSTs to a local stdlib receiver, retries, undelivered events, verification."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from codegen_helpers import make_agent

from codegen import Agent, WebhookDispatcher
from codegen.webhooks import SIGNATURE_HEADER, sign, verify_signature
from graph_sitter.http import SleepRecorder
from graph_sitter.testing import AgentRunReply, CodegenEmulator

SECRET = "whsec-test-secret-0123456789"


class Receiver:
    """A loopback HTTP server recording POSTs; answers the scripted statuses, then 200."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.gate = threading.Event()
        self.gate.set()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.gate.wait(10)
                receiver.received.append(({k: v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/codegen"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def test_status_changes_are_posted_signed_and_verifiable(
    emu: CodegenEmulator, receiver: Receiver, sleeps: SleepRecorder
) -> None:
    emu.queue_reply(AgentRunReply(polls=1, result="shipped"))
    with make_agent(emu, webhook_url=receiver.url, webhook_secret=SECRET) as agent:
        receiver.statuses = [503]  # the first delivery fails: retried with backoff
        task = agent.run("Ship it")
        task.wait_for_completion(timeout=60, poll_interval=1)
        assert agent.webhooks.flush(10)
        assert agent.get_stats()["webhooks_delivered"] == 1
    (first, _), (headers, body) = receiver.received[0], receiver.received[1]
    assert first[SIGNATURE_HEADER] == headers[SIGNATURE_HEADER]  # same delivery, retried
    assert first["X-Codegen-Delivery"] == headers["X-Codegen-Delivery"]
    payload = json.loads(body)
    assert (
        payload["type"] == "task.status_changed" and payload["id"] == headers["X-Codegen-Delivery"]
    )
    assert payload["data"]["task_id"] == task.id
    assert (payload["data"]["previous_status"], payload["data"]["status"]) == ("ACTIVE", "COMPLETE")
    assert payload["data"]["result"] == "shipped"
    assert verify_signature(body, headers, SECRET)
    assert verify_signature(body, {k.lower(): v for k, v in headers.items()}, SECRET)
    # Forged: another body, another secret, no header, a mangled signature.
    assert not verify_signature(body.replace(b"shipped", b"hacked!"), headers, SECRET)
    assert not verify_signature(body, headers, "whsec-wrong-secret-000")
    assert not verify_signature(body, {}, SECRET)
    assert not verify_signature(body, {SIGNATURE_HEADER: "t=abc,v1=00"}, SECRET)
    # Replayed outside the window (either side), accepted inside it.
    signed_at = int(headers[SIGNATURE_HEADER].split(",")[0][2:])
    assert not verify_signature(body, headers, SECRET, now=signed_at + 301)
    assert not verify_signature(body, headers, SECRET, now=signed_at - 301)
    assert verify_signature(body, headers, SECRET, now=signed_at + 299)
    assert SECRET not in repr(agent.webhook) and SECRET not in json.dumps(payload)


def test_sign_and_verify_round_trip() -> None:
    body = b'{"hello":"world"}'
    now = int(time.time())
    header = sign(body, SECRET, now)
    assert verify_signature(body, {SIGNATURE_HEADER: header}, SECRET, now=now)
    assert verify_signature(body.decode(), {SIGNATURE_HEADER: header}, SECRET, now=now)
    rotated = f"{header},v1={'0' * 64}"  # several signatures (key rotation): any may match
    assert verify_signature(body, {SIGNATURE_HEADER: rotated}, SECRET, now=now)


def test_delivery_never_blocks_polling_and_failures_are_kept(
    emu: CodegenEmulator, receiver: Receiver, sleeps: SleepRecorder
) -> None:
    emu.queue_reply(AgentRunReply(polls=1, result="done"))
    with make_agent(emu) as agent:
        receiver.gate.clear()  # the receiver hangs until released
        receiver.statuses = [500] * 5  # then fails every attempt of the first event
        task = agent.run("Notify me", webhook_url=receiver.url)
        task.wait_for_completion(timeout=60, poll_interval=1)  # returns while delivery hangs
        assert task.is_successful and receiver.received == []
        receiver.gate.set()
        assert agent.webhooks.flush(10)
        (failed,) = agent.webhooks.undelivered()
        assert failed.event.task_id == task.id and failed.event.status == "COMPLETE"
        assert failed.attempts == 5 and "500" in failed.error
        assert SIGNATURE_HEADER not in receiver.received[0][0]  # no secret: unsigned
        assert agent.get_stats()["webhooks_undelivered"] == 1
        assert agent.webhooks.redeliver() == 1  # the receiver is healthy again
        assert agent.webhooks.flush(10)
        assert agent.webhooks.undelivered() == []
        ids = {h["X-Codegen-Delivery"] for h, _ in receiver.received}
        assert len(ids) == 1 and len(receiver.received) == 6


def test_status_callback_and_unreachable_receiver(
    emu: CodegenEmulator, sleeps: SleepRecorder
) -> None:
    dispatcher = WebhookDispatcher(timeout=1.0)
    try:
        with make_agent(emu) as agent:
            emu.queue_reply(AgentRunReply(polls=1))
            task = agent.run("x")
            seen: list[str | None] = []
            task.add_status_callback(lambda event: seen.append(event.status))
            task.add_status_callback(lambda event: dispatcher.submit(
                "http://127.0.0.1:9/closed", SECRET, event))  # fmt: skip
            task.refresh()  # still ACTIVE: no change, no call
            task.refresh()
            assert seen == ["COMPLETE"]
        assert dispatcher.flush(10)
        (failed,) = dispatcher.undelivered()
        assert failed.url.endswith("/closed") and SECRET not in repr(failed)
    finally:
        dispatcher.close()


def test_agent_validates_webhook_settings(emu: CodegenEmulator) -> None:
    from codegen import ValidationError

    with pytest.raises(ValidationError):
        make_agent(emu, webhook_url="ftp://example.com")
    with pytest.raises(ValidationError):
        make_agent(emu, webhook_secret=SECRET)
    agent: Agent = make_agent(emu, webhook_url="https://example.com/hook", webhook_secret=SECRET)
    with agent:
        assert agent.webhook is not None and SECRET not in repr(agent.webhook)


@pytest.mark.parametrize(
    "timestamp",
    ["9" * 400, "-" + "9" * 400, "1e400", "+1700000000", "1_700_000_000", "١٧٠٠٠٠٠٠٠٠", " 17", ""],
)
def test_hostile_timestamps_are_rejected_not_raised(timestamp: str) -> None:
    body = b'{"ok": true}'
    digest = sign(body, SECRET, 1_700_000_000).partition(",v1=")[2]
    header = {SIGNATURE_HEADER: f"t={timestamp},v1={digest}"}
    assert verify_signature(body, header, SECRET, now=1_700_000_000) is False
