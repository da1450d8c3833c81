"""The task queues: Huey on SQLite by default, Redis when QUEUE_URL says so. Tasks carry only ids."""
from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey

from avatarstudio.config import Settings


def make_huey(settings: Settings, name: str = "avatarstudio", store_none: bool = False) -> Huey:
    """The queue called `name` on the configured backend; queues of different names share it independently.
    `store_none` keeps results that are None, for callers that wait for a task's answer whatever it is."""
    if settings.queue_url.startswith("redis://"):
        return RedisHuey(name, url=settings.queue_url, store_none=store_none)
    return SqliteHuey(name, filename=settings.queue_url.removeprefix("sqlite:///"), store_none=store_none)
