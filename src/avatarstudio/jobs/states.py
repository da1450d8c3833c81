"""The job state machine: waiting -> processing(progress) -> completed | failed.

Every transition is one guarded UPDATE, so two processes racing on the same video (a worker finishing late and
the reaper giving up on it) cannot both win.
"""
from __future__ import annotations

from sqlalchemy import update

from avatarstudio.store.db import Database
from avatarstudio.store.models import Video, now

ACTIVE = ("waiting", "processing")


def start(db: Database, video_id: str) -> bool:
    """waiting -> processing; False when the video is not waiting (deleted, already taken, finished)."""
    with db.session() as session:
        moved = session.execute(
            update(Video).where(Video.id == video_id, Video.status == "waiting")
            .values(status="processing", attempts=Video.attempts + 1, started_at=now(), heartbeat_at=now(),
                    progress=0)
        ).rowcount
    return moved == 1


def beat(db: Database, video_id: str, progress: int | None = None) -> None:
    values: dict = {"heartbeat_at": now()}
    if progress is not None:
        values["progress"] = max(0, min(99, progress))
    with db.session() as session:
        session.execute(update(Video).where(Video.id == video_id, Video.status == "processing").values(**values))


def complete(db: Database, video_id: str, duration: float, files: dict, notes: list[str]) -> bool:
    with db.session() as session:
        moved = session.execute(
            update(Video).where(Video.id == video_id, Video.status == "processing")
            .values(status="completed", progress=100, completed_at=now(), duration=duration, files=files,
                    notes=notes)
        ).rowcount
    return moved == 1


def fail(db: Database, video_id: str, code: str, message: str, from_status: tuple[str, ...] = ACTIVE) -> bool:
    with db.session() as session:
        moved = session.execute(
            update(Video).where(Video.id == video_id, Video.status.in_(from_status))
            .values(status="failed", completed_at=now(), error_code=code, error_message=message)
        ).rowcount
    return moved == 1


def requeue(db: Database, video_id: str) -> bool:
    """processing -> waiting, for a retry after its worker was lost."""
    with db.session() as session:
        moved = session.execute(
            update(Video).where(Video.id == video_id, Video.status == "processing")
            .values(status="waiting", progress=0, heartbeat_at=None)
        ).rowcount
    return moved == 1
