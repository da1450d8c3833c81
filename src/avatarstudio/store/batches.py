"""Batches of videos or of lipsyncs created by one request (POST /v3/videos/batches, /v3/lipsyncs/batches)."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from avatarstudio.store.models import Batch
from avatarstudio.store.repository import NotFound, Repository
from avatarstudio.store.jobs import ACTIVE, RENDERS


class Batches(Repository[Batch]):
    kind = "batch"
    model = Batch

    def require_of(self, kind: str, batch_id: str) -> Batch:
        """The batch when it holds items of `kind` (the kind of their repository: Videos.kind, Lipsyncs.kind);
        NotFound otherwise, as when there is none."""
        batch = self.get(batch_id)
        if batch is None or batch.kind != kind:
            raise NotFound(self.kind, batch_id)
        return batch

    def claim_finished(self, batch_id: str) -> Batch | None:
        """The batch, when every item of it is final and no one has claimed its end before: of the processes
        finishing its last items at once, exactly one gets it (to announce batch.finished); the others get None."""
        with self.db.session() as session:
            open_items = sum(session.scalar(select(func.count()).select_from(model).where(
                model.batch_id == batch_id, model.status.in_(ACTIVE))) for model in RENDERS)
            if open_items:
                return None
            claimed = session.execute(update(Batch).where(Batch.id == batch_id, Batch.finished_notified.is_(False))
                                      .values(finished_notified=True)).rowcount
            return session.get(Batch, batch_id) if claimed else None

    def forget_empty_before(self, cutoff: float) -> None:
        """Deletes the batches made before `cutoff` that have no item left."""
        with self.db.session() as session:
            session.execute(delete(Batch).where(Batch.created_at < cutoff, *(~Batch.id.in_(
                select(model.batch_id).where(model.batch_id.is_not(None))) for model in RENDERS)))
