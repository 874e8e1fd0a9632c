"""``run_emulator`` (the CLI's entry point), the pytest fixtures and the public exports."""

from __future__ import annotations

import inspect
import os
import signal
import subprocess
import sys
import threading

import httpx
import pytest

import graph_sitter.testing as testing
from graph_sitter.testing import (
    AnthropicEmulator,
    CodegenEmulator,
    OpenAIEmulator,
    run_emulator,
)


@pytest.mark.parametrize(
    ("kind", "path", "headers"),
    [
        ("openai", "/models", {"authorization": "Bearer k"}),
        ("anthropic", "/v1/models", {"x-api-key": "k", "anthropic-version": "2023-06-01"}),
        ("codegen", "/v1/users/me", {"authorization": "Bearer k"}),
    ],
)
def test_run_emulator_serves_until_stopped(kind: str, path: str, headers: dict[str, str]) -> None:
    urls: list[str] = []
    ready = threading.Event()
    stop = threading.Event()

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    thread = threading.Thread(
        target=run_emulator, args=(kind,), kwargs={"on_ready": on_ready, "stop": stop}
    )
    thread.start()
    try:
        assert ready.wait(5)
        assert httpx.get(urls[0] + path, headers=headers).status_code == 200
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(urls[0] + path, headers=headers)


def test_run_emulator_passes_options_and_rejects_unknown_kinds() -> None:
    stop = threading.Event()
    urls: list[str] = []

    def on_ready(url: str) -> None:
        urls.append(url)
        assert httpx.get(f"{url}/models").status_code == 401
        stop.set()

    run_emulator("openai", on_ready=on_ready, stop=stop, api_key="secret")
    assert urls
    with pytest.raises(ValueError, match="anthropic, codegen, openai"):
        run_emulator("gemini")


def test_run_emulator_ends_cleanly_on_ctrl_c() -> None:
    code = (
        "import sys\n"
        "from graph_sitter.testing import run_emulator\n"
        "run_emulator('openai', on_ready=lambda url: print(url, flush=True))\n"
        "print('stopped', flush=True)\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env={**os.environ}
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert httpx.get(f"{url}/models").status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
        assert process.stdout.read().strip() == "stopped"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def test_fixtures_yield_running_emulators(
    openai_emulator: OpenAIEmulator,
    anthropic_emulator: AnthropicEmulator,
    codegen_emulator: CodegenEmulator,
) -> None:
    assert openai_emulator.api_key == anthropic_emulator.api_key == "test-key"
    ok = httpx.get(
        f"{codegen_emulator.base_url}/v1/users/me", headers={"authorization": "Bearer test-token"}
    )
    assert ok.status_code == 200
    assert codegen_emulator.org_id == 1
    assert openai_emulator.port != anthropic_emulator.port


def test_public_api_is_explicit_and_sorted() -> None:
    assert testing.__all__ == sorted(testing.__all__)
    public = {
        name
        for name, value in vars(testing).items()
        if not name.startswith("_") and not inspect.ismodule(value) and name != "annotations"
    }
    assert public == set(testing.__all__)
    for name in testing.__all__:
        value = getattr(testing, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__doc__, f"{name} has no docstring"
