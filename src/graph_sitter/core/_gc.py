"""`paused_gc()`: no cyclic garbage collection while a bulk step allocates many small objects.

Building a graph allocates millions of tuples, lists and records and frees almost none, so the
collector's full passes over an ever larger heap find nothing and cost time (a third of the
name index build on 1.5M lines). The objects made in these steps hold no reference cycles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block (re-entrant; restores the prior state)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
