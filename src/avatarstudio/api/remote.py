"""The one answer that needs the outside world first (the OPTIONS probe of a webhook endpoint) is waited for
here: on a small pool of threads of its own, so that slow remote servers can never occupy the threads every other
route shares. When every slot is busy the request gets 429 with Retry-After instead of a place in an unbounded
queue.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from avatarstudio.errors import ServiceError

SLOTS = 4
RETRY_AFTER_SECONDS = 5
T = TypeVar("T")

_pool = ThreadPoolExecutor(SLOTS, thread_name_prefix="remote")
_free = threading.BoundedSemaphore(SLOTS)


async def off_the_shared_pool(call: Callable[..., T], *args) -> T:
    """`call(*args)` on the remote lane; 429 when the lane is full."""
    if not _free.acquire(blocking=False):
        raise ServiceError("rate_limit_exceeded", "Too many requests are waiting on remote servers; retry later",
                           retry_after=RETRY_AFTER_SECONDS)
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool, call, *args)
    finally:
        _free.release()
