"""Lipsync job records. A lipsync is added waiting, before its job is queued; deleting one leaves its files
(lipsyncs/<id>/) to the caller. The state machine is store/jobs.py's."""
from __future__ import annotations

from sqlalchemy import select

from avatarstudio.store.jobs import Jobs
from avatarstudio.store.models import Lipsync
from avatarstudio.store.paging import Page, page_of_query


class Lipsyncs(Jobs[Lipsync]):
    kind = "lipsync"
    model = Lipsync

    def page(self, token: str | None, limit: int) -> Page[Lipsync]:
        """Newest first (ties by id, so pages never overlap)."""
        with self.db.session() as session:
            return page_of_query(session, select(Lipsync).order_by(Lipsync.created_at.desc(), Lipsync.id),
                                 token, limit)

    def by_ids(self, lipsync_ids: list[str]) -> dict[str, Lipsync]:
        """The lipsyncs that exist among `lipsync_ids`, by id."""
        with self.db.session() as session:
            return {job.id: job for job in session.scalars(select(Lipsync).where(Lipsync.id.in_(lipsync_ids)))}
