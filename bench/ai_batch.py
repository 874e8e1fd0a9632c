"""``cb.ai_map`` throughput against a rate-limited emulator, then the same batch from cache.

The OpenAI emulator runs in its own process with 50 ms latency and a limit of 600 requests
per moving minute. The batch asks one question per function of an in-memory codebase with
``requests_per_minute=600`` (paced evenly at 98% of it) and 8 workers.

Figures:

* throughput as a fraction of the limit: ``(items / seconds) / (600 / 60)``; target >= 0.9
  with zero failed items;
* the same batch again, answered from the response cache (journal bypassed with
  ``resume=False``): overhead per 1000 items; target < 1 s;
* the same batch resumed from the batch journal (no cache lookups), for comparison.

Run: ``.venv/bin/python bench/ai_batch.py [--items 1000]`` (1000 items take ~100 s: the
limit allows 10 per second; ``--items 200`` takes ~20 s).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time

from graph_sitter import Codebase
from graph_sitter.ai import codebase_ai, usage
from graph_sitter.ai.batch import BatchEvent

KEY = "bench-key-0123456789"
LIMIT_RPM = 600
EMULATOR = f"""
from graph_sitter.testing import run_emulator
run_emulator("openai", api_key="{KEY}", latency=0.05, rpm_limit={LIMIT_RPM}, record_limit=0,
             on_ready=lambda url: print(url, flush=True))
"""


def codebase(items: int) -> Codebase:
    files: dict[str, str] = {}
    per_file = 50
    for start in range(0, items, per_file):
        lines = ["def helper(x):", "    return x + 1", ""]
        for i in range(start, min(start + per_file, items)):
            lines += ["", f"def f{i:04d}(x):", f"    return helper(x) * {i}", ""]
        files[f"pkg/m{start // per_file:03d}.py"] = "\n".join(lines)
    return Codebase.from_files(files)


def run(cb: Codebase, targets: list[object], **kwargs: object) -> tuple[float, list[BatchEvent]]:
    events: list[BatchEvent] = []
    started = time.perf_counter()
    cb.ai_map(
        "Summarise this function in one line.",
        targets,
        concurrency=8,
        callback=events.append,
        return_exceptions=True,
        **kwargs,
    )
    return time.perf_counter() - started, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    items = args.items

    emulator = subprocess.Popen([sys.executable, "-c", EMULATOR], stdout=subprocess.PIPE, text=True)
    assert emulator.stdout is not None
    base_url = emulator.stdout.readline().strip()
    state = tempfile.TemporaryDirectory(prefix="gs-ai-bench-")
    try:
        cb = codebase(items)
        targets: list[object] = [cb.get_function(f"f{i:04d}") for i in range(items)]
        cb.set_session_options(
            env={"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": base_url},
            env_file=None,
            state_dir=state.name,
            max_ai_requests=None,
            requests_per_minute=LIMIT_RPM,
            provider_options={"validate_on_creation": False},
        )
        live_s, live = run(cb, targets)
        failed = sum(1 for e in live if e.error is not None)
        provider = codebase_ai.get_session(cb).provider(None)
        rate_limited = provider.get_enhanced_stats()["rate_limit_count"]
        cached_s, cached = run(cb, targets, resume=False)
        resumed_s, resumed = run(cb, targets)
        codebase_ai.close(cb)
        ledger = usage.summary(path=f"{state.name}/usage.sqlite3")
    finally:
        state.cleanup()
        emulator.terminate()
        emulator.wait(timeout=10)
        emulator.stdout.close()

    ratio = (items / live_s) / (LIMIT_RPM / 60)
    per_1000_cache = cached_s / items * 1000
    per_1000_journal = resumed_s / items * 1000
    rows = [
        ("figure", "anchor", "value", "ratio"),
        (
            f"live batch: {items} items in {live_s:.1f} s",
            f"limit {LIMIT_RPM}/min = {LIMIT_RPM / 60:.0f}/s, target >= 0.9",
            f"{items / live_s:.2f} req/s",
            f"{ratio:.3f}",
        ),
        ("failed items (live)", "target 0", str(failed), "-"),
        ("429 answers seen (live)", "-", str(rate_limited), "-"),
        (
            "re-run from cache, per 1000 items",
            "target < 1 s",
            f"{per_1000_cache:.3f} s",
            f"{per_1000_cache / 1.0:.3f}",
        ),
        (
            "cache hits (re-run)",
            f"{items}",
            str(sum(1 for e in cached if e.cached)),
            "-",
        ),
        (
            "resume from journal, per 1000 items",
            "target < 1 s",
            f"{per_1000_journal:.3f} s",
            f"{per_1000_journal / 1.0:.3f}",
        ),
        ("items resumed (journal)", f"{items}", str(sum(1 for e in resumed if e.resumed)), "-"),
        (
            "ledger: vendor requests / cache hits",
            f"{items} / {items}",
            f"{ledger['vendor_requests']} / {ledger['cache_hits']}",
            "-",
        ),
    ]
    width = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, width, strict=True)))


if __name__ == "__main__":
    main()
