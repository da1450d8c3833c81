"""The task queue: Huey on SQLite by default, Redis when QUEUE_URL says so. Tasks carry only ids."""
from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey

from avatarstudio.config import Settings


def make_huey(settings: Settings) -> Huey:
    if settings.queue_url.startswith("redis://"):
        return RedisHuey("avatarstudio", url=settings.queue_url)
    return SqliteHuey("avatarstudio", filename=settings.queue_url.removeprefix("sqlite:///"))
