"""Pocketsphinx decodes run in a helper process, so the worker's own threads keep running meanwhile.

Pocketsphinx's decoder holds Python's GIL for the whole of a decode: measured here, a 20 s phone decode stopped
every other thread of the process for 5 s and a 20 s word decode for 38 s. In a worker that froze the render's
heartbeat, so a long uploaded recording (or a twin's footage, up to ten minutes) looked like a lost worker and was
taken back by the reaper. Each decode is therefore sent to one long-lived helper process per worker process
(spawned, so it inherits no threads or locks), and the caller waits on a pipe with the GIL released. The helper
keeps its decoder between calls, as the worker did before.
"""
from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Result = TypeVar("Result")

_LOCK = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def run(function: Callable[..., Result], *args: object) -> Result:
    """`function(*args)` in the helper process; `function` must be a module-level function, its arguments and
    result picklable. Calls from several threads queue for the one helper. A helper that died (killed with a
    stalled render, out of memory) raises BrokenProcessPool here and is replaced on the next call."""
    global _pool
    with _LOCK:
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        pool = _pool
    try:
        return pool.submit(function, *args).result()
    except BrokenProcessPool:
        with _LOCK:
            if _pool is pool:
                _pool = None
        raise
