"""Video records and their state machine: waiting -> processing(progress) -> completed | failed.

Every transition is one guarded UPDATE, so two processes racing on the same video (a worker finishing late and
the reaper giving up on it) cannot both win. A render names its attempt (the count `start` made), so a worker the
reaper gave up on too early, still running, can neither keep the retry alive nor finish or fail the video under it.
"""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from sqlalchemy.exc import IntegrityError

from avatarstudio.store.models import Batch, CapacityLock, Video, now
from avatarstudio.store.paging import Page, page_of_query
from avatarstudio.store.repository import Repository

ACTIVE = ("waiting", "processing")
FINISHED = ("completed", "failed")


class Videos(Repository[Video]):
    """A video is added waiting; deleting one leaves its files to the caller."""

    kind = "video"
    model = Video

    def page(self, token: str | None, limit: int, folder_id: str | None = None,
             title: str | None = None) -> Page[Video]:
        """Newest first (ties by id, so pages never overlap), optionally one folder's or titles containing `title`."""
        query = select(Video).order_by(Video.created_at.desc(), Video.id)
        if folder_id:
            query = query.where(Video.folder_id == folder_id)
        if title:
            query = query.where(Video.title.contains(title))
        with self.db.session() as session:
            return page_of_query(session, query, token, limit)

    def by_ids(self, video_ids: list[str]) -> dict[str, Video]:
        """The videos that exist among `video_ids`, by id."""
        with self.db.session() as session:
            return {video.id: video for video in session.scalars(select(Video).where(Video.id.in_(video_ids)))}

    def in_batch(self, batch_id: str) -> list[Video]:
        """A batch's videos in item order."""
        with self.db.session() as session:
            return list(session.scalars(select(Video).where(Video.batch_id == batch_id).order_by(Video.item_index)))

    def count_by_status(self) -> dict[str, int]:
        """How many videos are in each status now (statuses with none are absent)."""
        with self.db.session() as session:
            return dict(session.execute(select(Video.status, func.count()).group_by(Video.status)).all())

    def count_active(self, key_id: str) -> int:
        """How many of the key's videos outside batches are waiting or rendering (batches have their own limit)."""
        with self.db.session() as session:
            return session.scalar(select(func.count()).select_from(Video).where(
                Video.key_id == key_id, Video.status.in_(ACTIVE), Video.batch_id.is_(None)))

    def silent_since(self, cutoff: float) -> list[tuple[str, int]]:
        """(id, attempts) of the processing videos whose last heartbeat is older than `cutoff`."""
        with self.db.session() as session:
            return [(video.id, video.attempts) for video in session.scalars(
                select(Video).where(Video.status == "processing", Video.heartbeat_at < cutoff))]

    def waiting_since(self, cutoff: float) -> set[str]:
        """Ids of the videos created before `cutoff` that are still waiting."""
        with self.db.session() as session:
            return set(session.scalars(select(Video.id).where(Video.status == "waiting", Video.created_at < cutoff)))

    # --- the guarded transitions ---------------------------------------------------------------------------

    def _move(self, video_id: str, from_status: tuple[str, ...], attempt: int | None = None,
              **values: object) -> bool:
        """One guarded UPDATE: True when this call moved the video, False when it was not in `from_status` (or,
        given an attempt, is no longer in that attempt)."""
        query = update(Video).where(Video.id == video_id, Video.status.in_(from_status))
        if attempt is not None:
            query = query.where(Video.attempts == attempt)
        with self.db.session() as session:
            moved = session.execute(query.values(**values)).rowcount
        return moved == 1

    def start(self, video_id: str) -> bool:
        """waiting -> processing, counting the attempt; False when the video is not waiting (deleted, already
        taken, finished): exactly one of several racing workers gets True."""
        return self._move(video_id, ("waiting",), status="processing", attempts=Video.attempts + 1,
                          started_at=now(), heartbeat_at=now(), progress=0)

    def beat(self, video_id: str, progress: int | None = None, attempt: int | None = None) -> bool:
        """Records that the worker is alive (and its progress, kept within 0-99); a video that is no longer
        processing, or no longer in `attempt`, is left untouched and the answer is False (deleted, or taken back):
        the render should stop."""
        values: dict = {"heartbeat_at": now()}
        if progress is not None:
            values["progress"] = max(0, min(99, progress))
        return self._move(video_id, ("processing",), attempt, **values)

    def complete(self, video_id: str, duration: float, files: dict, notes: list[str],
                 attempt: int | None = None) -> bool:
        """processing -> completed with its outputs; False when it was no longer processing (or no longer in
        `attempt`)."""
        return self._move(video_id, ("processing",), attempt, status="completed", progress=100, completed_at=now(),
                          duration=duration, files=files, notes=notes)

    def fail(self, video_id: str, code: str, message: str, from_status: tuple[str, ...] = ACTIVE,
             attempt: int | None = None) -> bool:
        """-> failed with a reason, only from `from_status` (and `attempt`); False when the video was in none of
        them."""
        return self._move(video_id, from_status, attempt, status="failed", completed_at=now(), error_code=code,
                          error_message=message)

    def requeue(self, video_id: str, attempt: int | None = None, refund: bool = False) -> bool:
        """processing (in `attempt`) -> waiting, for a retry; False when it was not. `refund` gives the attempt
        back: the render was interrupted by a shutdown, not by anything wrong with it."""
        values: dict = {"status": "waiting", "progress": 0, "heartbeat_at": None}
        if refund:
            values["attempts"] = Video.attempts - 1
        return self._move(video_id, ("processing",), attempt, **values)

    def finished_before(self, cutoff: float) -> list[str]:
        """Ids of the videos that reached completed or failed before `cutoff`."""
        with self.db.session() as session:
            return list(session.scalars(select(Video.id).where(Video.status.in_(FINISHED),
                                                               Video.completed_at < cutoff)))

    def forget_finished(self, video_id: str) -> bool:
        """Deletes a finished video's record; False when it is not finished (or gone)."""
        with self.db.session() as session:
            return session.execute(delete(Video).where(Video.id == video_id, Video.status.in_(FINISHED))).rowcount == 1

    def processing_among(self, video_ids: list[str]) -> set[str]:
        """Which of `video_ids` are processing now."""
        with self.db.session() as session:
            return set(session.scalars(select(Video.id).where(Video.id.in_(video_ids), Video.status == "processing")))

    def add_within_cap(self, key_id: str, cap: int, videos: list[Video], batch: Batch | None = None) -> int | None:
        """Adds the videos (and their batch) only if the key then has at most `cap` videos waiting or processing;
        else adds nothing and returns how many it has now. Counting and adding are one transaction under the key's
        lock row, so concurrent creates cannot overshoot the cap (on SQLite and PostgreSQL alike)."""
        for tries_left in (1, 0):
            try:
                with self.db.session() as session:
                    if not session.execute(update(CapacityLock).where(CapacityLock.key_id == key_id)
                                           .values(taken_at=now())).rowcount:
                        session.add(CapacityLock(key_id=key_id))
                        session.flush()
                    active = session.scalar(select(func.count()).select_from(Video).where(
                        Video.key_id == key_id, Video.status.in_(ACTIVE)))
                    if active + len(videos) > cap:
                        return active
                    if batch is not None:
                        session.add(batch)
                        session.flush()
                    session.add_all(videos)
                return None
            except IntegrityError:
                if not tries_left:  # two first creates of a key both added its lock row; the second now finds it
                    raise
        return None
