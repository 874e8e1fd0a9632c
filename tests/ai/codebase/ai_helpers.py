"""Helpers for the codebase.ai tests: a small real project, an echoing emulator, subprocesses."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph_sitter import Codebase
from graph_sitter.testing import OpenAIEmulator, TextReply, ToolCall, ToolCallReply
from graph_sitter.testing._base import Route
from graph_sitter.testing._faults import Fault
from graph_sitter.testing._replies import Reply
from graph_sitter.testing._server import RecordedRequest, Response

API_KEY = "sk-test-emulator-key-0123456789"
REPO_SRC = str(Path(__file__).resolve().parents[3] / "src")

PROJECT = {
    "shop/models.py": '''\
"""Domain models."""

TAX_RATE = 0.2


class Item:
    """A line item."""

    price: float = 0.0

    def __init__(self, name: str, price: float) -> None:
        self.name = name
        self.price = price

    def total(self, quantity: int) -> float:
        return apply_tax(self.price * quantity)


def apply_tax(amount: float) -> float:
    return round(amount * (1 + TAX_RATE), 2)
''',
    "shop/cart.py": '''\
from shop.models import Item, apply_tax


def checkout(items: list[Item]) -> float:
    """Sum the cart."""
    subtotal = sum(item.price for item in items)
    return apply_tax(subtotal)


def quick_buy(name: str, price: float) -> float:
    return checkout([Item(name, price)])
''',
    "shop/api.py": """\
from shop.cart import checkout


def handle(request):
    return {"total": checkout(request.items)}


def unrelated():
    return 42
""",
}


def write_project(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` under ``root`` and return ``root``."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def many_functions(count: int, per_file: int = 25) -> dict[str, str]:
    """``count`` small functions ``f000``... spread over modules, each calling a helper."""
    files: dict[str, str] = {}
    for start in range(0, count, per_file):
        body = ["def helper(x):", "    return x + 1", ""]
        for i in range(start, min(start + per_file, count)):
            body += ["", f"def f{i:03d}(x):", f"    return helper(x) * {i}", ""]
        files[f"pkg/m{start // per_file:02d}.py"] = "\n".join(body)
    return files


def openai_env(emulator: OpenAIEmulator, **extra: str) -> dict[str, str]:
    return {"OPENAI_API_KEY": API_KEY, "OPENAI_BASE_URL": emulator.base_url, **extra}


_TARGET = re.compile(r"### target: (\S+)")


class EchoEmulator(OpenAIEmulator):
    """An OpenAI emulator that answers ``answer for <target>`` (through the ``answer`` tool when
    tools are sent), counts answers per target, injects faults by request number
    (``fault_plan(n) -> Fault | None``, n = 1-based generative request), and can hold every
    answer after the ``hold_after``-th (a one-hour delay: the request arrived, no answer left).

    Hooks ``_respond``/``_reply_for`` of :class:`~graph_sitter.testing._base.BaseEmulator`.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(api_key=API_KEY, **kwargs)
        self.fault_plan: Callable[[int], Fault | None] | None = None
        self.hold_after: int | None = None
        self.answered: Counter[str] = Counter()
        self.arrived: Counter[str] = Counter()
        self.generative = 0
        self.holding = threading.Event()  # set when a request is held (arrived, never answered)
        self._plan_lock = threading.Lock()
        self._held = False

    def _respond(
        self, request: RecordedRequest, route: Route, params: dict[str, str], fault: Fault | None
    ) -> Response:
        self._held = False
        if route.generative:
            with self._plan_lock:
                self.generative += 1
                number = self.generative
                self.arrived[_name_of(request)] += 1
                if fault is None and self.fault_plan is not None:
                    fault = self.fault_plan(number)
                if fault is None and self.hold_after is not None:
                    self._held = sum(self.answered.values()) >= self.hold_after
        response = super()._respond(request, route, params, fault)
        if self._held:
            response.delay += 3600.0
            self.holding.set()
        return response

    def _reply_for(self, request: RecordedRequest, fault: Fault | None) -> Reply | None:
        queued = super()._reply_for(request, fault)
        if queued is not None:
            return queued
        name = _name_of(request)
        if not self._held:
            self.answered[name] += 1
        answer = f"answer for {name}"
        body = request.json or {}
        if body.get("tools"):
            return ToolCallReply((ToolCall("answer", {"answer": answer}),))
        return TextReply(answer)


def _name_of(request: RecordedRequest) -> str:
    body = request.json or {}
    messages = body.get("messages") or []
    text = messages[-1].get("content", "") if messages else ""
    match = _TARGET.search(text if isinstance(text, str) else json.dumps(text))
    return match.group(1) if match else "?"


def session_for(
    cb: Codebase, emulator: OpenAIEmulator, state_dir: Path, **options: Any
) -> Codebase:
    """Point ``cb``'s AI session at ``emulator`` with state in ``state_dir``."""
    env = openai_env(emulator)
    env.update(options.pop("extra_env", {}))
    cb.set_session_options(env=env, env_file=None, state_dir=state_dir, **options)
    return cb


def python_child(script: str, *args: str) -> subprocess.Popen[str]:
    """Start ``python -c script args`` with the package importable; pipes for all streams."""
    env = {**os.environ, "PYTHONPATH": REPO_SRC, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-W", "error", "-c", script, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finish(child: subprocess.Popen[str], timeout: float = 30.0) -> str:
    """Wait for ``child``; fail with its stderr if it did not exit cleanly; return its stdout."""
    out, err = child.communicate(timeout=timeout)
    assert child.returncode == 0, f"child failed ({child.returncode}):\n{err}"
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
