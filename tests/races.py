"""Running calls (or processes) at the same instant, to prove that guarded changes have exactly one winner."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RACERS = 8


def race(*calls: Callable[[], bool]) -> list[bool]:
    """Run the calls at the same instant, each on its own thread (so on its own pooled connection)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], bool]) -> bool:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def open_together(url: str, count: int, scratch: Path) -> None:
    """Open (and so migrate) the database at `url` from `count` processes at once, and check that all succeed.
    Each process imports first and then waits for the same signal, so their schema changes really overlap."""
    go = scratch / "go"
    script = ("import pathlib, sys, time\nfrom avatarstudio.store.db import Database\n"
              "pathlib.Path(sys.argv[2]).touch()\n"
              "while not pathlib.Path(sys.argv[3]).exists(): time.sleep(0.005)\nDatabase(sys.argv[1])\n")
    processes = [subprocess.Popen([sys.executable, "-c", script, url, str(scratch / f"ready-{n}"), str(go)],
                                  stderr=subprocess.PIPE, text=True) for n in range(count)]
    deadline = time.monotonic() + 60
    while len(list(scratch.glob("ready-*"))) < count:
        assert time.monotonic() < deadline, "the processes did not get ready"
        time.sleep(0.05)
    go.touch()
    errors = [process.communicate(timeout=60)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * count, "\n".join(errors)
