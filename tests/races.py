"""Running calls at the same instant, to prove that guarded state changes have exactly one winner."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

RACERS = 8


def race(*calls: Callable[[], bool]) -> list[bool]:
    """Run the calls at the same instant, each on its own thread (so on its own pooled connection)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], bool]) -> bool:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))
