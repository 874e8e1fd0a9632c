"""Client overhead of OpenAIProvider against the local OpenAI emulator, with anchors measured
in the same run: a bare ``httpx.Client.post`` of the same request, the official ``openai`` SDK,
and ``AsyncOpenAI`` for async throughput with 64 concurrent callers.

Run: ``.venv/bin/python bench/client_overhead.py [--requests 3000] [--async-requests 6000]``

The emulator runs in a separate process (so it does not share our GIL) and answers instantly.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

EMULATOR = """
import sys
from graph_sitter.testing import run_emulator
run_emulator("openai", api_key="bench-key-0123456789", record_limit=0,
             on_ready=lambda url: (print(url, flush=True)))
"""
KEY = "bench-key-0123456789"
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "temperature": 0.0}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fn: Callable[[], object], n: int, warmup: int = 200) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, percentile(samples, 0.99) * 1000


async def throughput(call: Callable[[], Awaitable[object]], total: int, callers: int = 64) -> float:
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    for _ in range(200):
        await call()
    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(callers)))
    return total / (time.perf_counter() - start)


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def import_ms(statement: str) -> float:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement], capture_output=True, text=True
    )
    line = [ln for ln in out.stderr.splitlines() if "graph_sitter.ai.providers" in ln][-1]
    return int(line.split("|")[1]) / 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--async-requests", type=int, default=6000)
    parser.add_argument("--rss-calls", type=int, default=10_000)
    args = parser.parse_args()

    import httpx
    import openai

    from graph_sitter.ai.providers import OpenAIProvider

    server = subprocess.Popen([sys.executable, "-c", EMULATOR], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        rows: list[tuple[str, str, str, str]] = []

        provider = OpenAIProvider(KEY, base_url, env={}, env_file=None)
        bare = httpx.Client()
        headers = {"authorization": f"Bearer {KEY}", "content-type": "application/json"}
        payload = json.dumps(BODY).encode()
        sdk = openai.OpenAI(api_key=KEY, base_url=base_url, max_retries=0)

        ours = timed(lambda: provider.generate_response("hi"), args.requests)
        raw = timed(
            lambda: bare.post(f"{base_url}/chat/completions", content=payload, headers=headers),
            args.requests,
        )
        official = timed(
            lambda: sdk.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], temperature=0
            ),
            args.requests,
        )
        rows.append(
            (
                "sync p50 ms",
                f"{ours[0]:.3f}",
                f"httpx {raw[0]:.3f}",
                f"+{ours[0] - raw[0]:.3f} ms (target <= +0.150)",
            )
        )
        rows.append(
            ("sync p99 ms", f"{ours[1]:.3f}", f"httpx {raw[1]:.3f}", f"x{ours[1] / raw[1]:.2f}")
        )
        rows.append(
            (
                "sync p50 ms vs SDK",
                f"{ours[0]:.3f}",
                f"openai {official[0]:.3f}",
                f"x{ours[0] / official[0]:.2f}",
            )
        )

        async def run_async() -> tuple[float, float]:
            async_sdk = openai.AsyncOpenAI(api_key=KEY, base_url=base_url, max_retries=0)
            anchor = await throughput(
                lambda: async_sdk.chat.completions.create(
                    model="gpt-4o-mini",
                    messages=[{"role": "user", "content": "hi"}],
                    temperature=0,
                ),
                args.async_requests,
            )
            await async_sdk.close()
            mine = await throughput(lambda: provider.agenerate_response("hi"), args.async_requests)
            await provider.aclose()
            return mine, anchor

        mine, anchor = asyncio.run(run_async())
        rows.append(
            (
                "async req/s, 64 callers",
                f"{mine:.0f}",
                f"AsyncOpenAI {anchor:.0f}",
                f"x{mine / anchor:.2f} (target >= x2)",
            )
        )

        provider = OpenAIProvider(KEY, base_url, env={}, env_file=None)
        for _ in range(1000):
            provider.generate_response("hi")
        before = rss_mib()
        for _ in range(args.rss_calls):
            provider.generate_response("hi")
        after = rss_mib()
        provider.close()
        rows.append(
            (
                f"RSS MiB after {args.rss_calls} more calls",
                f"{after:.1f}",
                f"before {before:.1f}",
                f"{after - before:+.1f} MiB",
            )
        )

        cold = import_ms("import graph_sitter.ai.providers")
        rows.append(
            (
                "import graph_sitter.ai.providers ms",
                f"{cold:.0f}",
                "target 150",
                f"x{cold / 150:.2f}",
            )
        )
        bare.close()
        sdk.close()
    finally:
        server.terminate()
        server.wait()

    width = [
        max(len(r[i]) for r in [*rows, ("figure", "measured", "anchor", "ratio")]) for i in range(4)
    ]
    for row in [("figure", "measured", "anchor (same run)", "ratio"), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, width, strict=False)))


if __name__ == "__main__":
    main()
