"""What every job table's repository shares (videos, digital twins, lipsyncs, photo imports): the state machine
waiting -> processing(progress) -> completed | failed, and the queries the reaper asks.

Every transition is one guarded UPDATE, so two processes racing on the same job (a worker finishing late and the
reaper giving up on it) cannot both win. A run names its attempt (the count `start` made), so a worker the reaper
gave up on too early, still running, can neither keep the retry alive nor finish or fail the job under it. The
tables share these columns through models.JobColumns.
"""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select, update

from avatarstudio.store.models import Lipsync, PhotoImport, Twin, Video, now
from avatarstudio.store.repository import Repository

ACTIVE = ("waiting", "processing")
ENDED = ("completed", "failed")
RENDERS = (Video, Lipsync)
"""The job tables that render a video for an API key: their active records count against the key's concurrency
cap, and they come in batches."""
Job = TypeVar("Job", Video, Twin, Lipsync, PhotoImport)


class Jobs(Repository[Job]):
    """A job table's records. Subclasses name their `kind` and `model`."""

    def silent_since(self, cutoff: float) -> list[tuple[str, int]]:
        """(id, attempts) of the processing jobs whose last heartbeat is older than `cutoff`."""
        model = self.model
        with self.db.session() as session:
            return [(job.id, job.attempts) for job in session.scalars(
                select(model).where(model.status == "processing", model.heartbeat_at < cutoff))]

    def waiting_since(self, cutoff: float) -> set[str]:
        """Ids of the jobs created before `cutoff` that are still waiting."""
        model = self.model
        with self.db.session() as session:
            return set(session.scalars(select(model.id).where(model.status == "waiting", model.created_at < cutoff)))

    def unannounced_before(self, cutoff: float) -> list[str]:
        """Ids of the jobs that ended before `cutoff` and whose end was never announced: their worker died between
        the two (or a refusal was recorded and its announcement lost)."""
        model = self.model
        with self.db.session() as session:
            return list(session.scalars(select(model.id).where(model.status.in_(ENDED), model.completed_at < cutoff,
                                                               model.announced_at.is_(None))))

    def announced(self, job_id: str) -> bool:
        """Records that the job's end is announced; False when it was already (or the job is gone, or has not
        ended): of a worker and the reaper, or of two reapers, only one gets True."""
        model = self.model
        query = update(model).where(model.id == job_id, model.status.in_(ENDED), model.announced_at.is_(None))
        with self.db.session() as session:
            return session.execute(query.values(announced_at=now())).rowcount == 1

    def processing_among(self, job_ids: list[str]) -> set[str]:
        """Which of `job_ids` are processing now."""
        model = self.model
        with self.db.session() as session:
            return set(session.scalars(select(model.id).where(model.id.in_(job_ids), model.status == "processing")))

    def in_batch(self, batch_id: str) -> list[Job]:
        """A batch's items in item order (videos and lipsyncs come in batches; twins do not)."""
        model = self.model
        with self.db.session() as session:
            return list(session.scalars(select(model).where(model.batch_id == batch_id).order_by(model.item_index)))

    # --- the guarded transitions ---------------------------------------------------------------------------

    def _move(self, job_id: str, from_status: tuple[str, ...], attempt: int | None = None,
              **values: object) -> bool:
        """One guarded UPDATE: True when this call moved the job, False when it was not in `from_status` (or,
        given an attempt, is no longer in that attempt)."""
        model = self.model
        query = update(model).where(model.id == job_id, model.status.in_(from_status))
        if attempt is not None:
            query = query.where(model.attempts == attempt)
        with self.db.session() as session:
            moved = session.execute(query.values(**values)).rowcount
        return moved == 1

    def start(self, job_id: str) -> bool:
        """waiting -> processing, counting the attempt; False when the job is not waiting (deleted, already
        taken, finished): exactly one of several racing workers gets True."""
        return self._move(job_id, ("waiting",), status="processing", attempts=self.model.attempts + 1,
                          started_at=now(), heartbeat_at=now(), progress=0)

    def beat(self, job_id: str, progress: int | None = None, attempt: int | None = None) -> bool:
        """Records that the worker is alive (and its progress, kept within 0-99); a job that is no longer
        processing, or no longer in `attempt`, is left untouched and the answer is False (deleted, or taken back):
        the work should stop."""
        values: dict = {"heartbeat_at": now()}
        if progress is not None:
            values["progress"] = max(0, min(99, progress))
        return self._move(job_id, ("processing",), attempt, **values)

    def complete(self, job_id: str, duration: float, files: dict, notes: list[str], attempt: int | None = None,
                 **extra: object) -> bool:
        """processing -> completed with its outputs (`extra`: columns only this table has); False when it was no
        longer processing (or no longer in `attempt`)."""
        return self._move(job_id, ("processing",), attempt, status="completed", progress=100, completed_at=now(),
                          duration=duration, files=files, notes=notes, **extra)

    def fail(self, job_id: str, code: str, message: str, from_status: tuple[str, ...] = ACTIVE,
             attempt: int | None = None) -> bool:
        """-> failed with a reason, only from `from_status` (and `attempt`); False when the job was in none of
        them."""
        return self._move(job_id, from_status, attempt, status="failed", completed_at=now(), error_code=code,
                          error_message=message)

    def requeue(self, job_id: str, attempt: int | None = None, refund: bool = False) -> bool:
        """processing (in `attempt`) -> waiting, for a retry; False when it was not. `refund` gives the attempt
        back: the work was interrupted by a shutdown, not by anything wrong with it."""
        values: dict = {"status": "waiting", "progress": 0, "heartbeat_at": None}
        if refund:
            values["attempts"] = self.model.attempts - 1
        return self._move(job_id, ("processing",), attempt, **values)
