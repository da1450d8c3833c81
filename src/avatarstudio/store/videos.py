"""Video records; their state machine (waiting -> processing(progress) -> completed | failed) is store/jobs.py's,
shared with the other job tables."""
from __future__ import annotations

from sqlalchemy import Row, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from avatarstudio.store.jobs import ACTIVE, ENDED, RENDERS, Jobs
from avatarstudio.store.models import Batch, CapacityLock, Lipsync, Video, now
from avatarstudio.store.paging import Page, page_of_query
from avatarstudio.store.repository import NotFound

STATUS_COLUMNS = select(*(column for column in Video.__table__.c if column.name != "spec")).where(
    Video.id == bindparam("video_id"))
"""Every column but the spec (the request as rendered, the one large value): what a status answer reads."""
StatusRow = Row
"""What Videos.status returns: a row whose attributes are the Video columns above, read-only."""


class Videos(Jobs[Video]):
    """A video is added waiting; deleting one leaves its files to the caller."""

    kind = "video"
    model = Video

    def status(self, video_id: str | None) -> StatusRow:
        """The video's status columns as one row, its attributes named like Video's; NotFound when there is none.
        Status is what dashboards poll, so it is read without the ORM (a Core row skips the identity map, the
        unit of work and the spec's JSON, which made up most of a status request's time), and not read again
        while nothing in the database has changed (Database.remembered)."""
        row = self.db.remembered(("video status", video_id), lambda: self._status_row(video_id)) if video_id else None
        if row is None:
            raise NotFound(self.kind, video_id)
        return row

    def _status_row(self, video_id: str) -> StatusRow | None:
        with self.db.engine.connect() as connection:
            return connection.execute(STATUS_COLUMNS, {"video_id": video_id}).first()

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

    def count_by_status(self) -> dict[str, int]:
        """How many videos are in each status now (statuses with none are absent)."""
        with self.db.session() as session:
            return dict(session.execute(select(Video.status, func.count()).group_by(Video.status)).all())

    def finished_before(self, cutoff: float) -> list[str]:
        """Ids of the videos that reached completed or failed before `cutoff`."""
        with self.db.session() as session:
            return list(session.scalars(select(Video.id).where(Video.status.in_(ENDED),
                                                               Video.completed_at < cutoff)))

    def forget_finished(self, video_id: str) -> bool:
        """Deletes a finished video's record; False when it is not finished (or gone)."""
        with self.db.session() as session:
            return session.execute(delete(Video).where(Video.id == video_id, Video.status.in_(ENDED))).rowcount == 1

    def add_within_cap(self, key_id: str, cap: int, videos: list[Video | Lipsync],
                       batch: Batch | None = None) -> int | None:
        """Adds the videos or lipsyncs (and their batch) only if the key then has at most `cap` of them waiting or
        processing (a record added already failed does not count); else adds nothing and returns how many it has
        now. Counting and adding are one transaction under the key's lock row, so concurrent creates cannot
        overshoot the cap (on SQLite and PostgreSQL alike)."""
        for tries_left in (1, 0):
            try:
                with self.db.writes, self.db.session() as session:
                    if not session.execute(update(CapacityLock).where(CapacityLock.key_id == key_id)
                                           .values(taken_at=now())).rowcount:
                        session.add(CapacityLock(key_id=key_id))
                        session.flush()
                    active = sum(session.scalar(select(func.count()).select_from(model).where(
                        model.key_id == key_id, model.status.in_(ACTIVE))) for model in RENDERS)
                    if active + sum(video.status != "failed" for video in videos) > cap:
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
