"""Database reads from async code: inline when the database is a local SQLite file, else in the thread pool.

A trip through the thread pool costs more than the read it carries when the database is SQLite on local disk:
a row by primary key takes tens of microseconds there, and in WAL mode a reader never waits for a writer (the
worker's progress updates). A database server is another matter (a network round trip, a pool that may have to
connect), so its reads stay off the event loop.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi.concurrency import run_in_threadpool

from avatarstudio.runtime import Runtime

Result = TypeVar("Result")


async def database_read(runtime: Runtime, read: Callable[..., Result], *args: object) -> Result:
    """`read(*args)`: a short read of the database and nothing else (no blob store, no waiting)."""
    if runtime.db.local:
        return read(*args)
    return await run_in_threadpool(read, *args)
