"""Running a digital twin's training or a lipsync: claim it, keep its heartbeat, do the work, record the outcome,
announce it. (A video's render runs under its own watch, jobs/watchdog.py, in render_job.py.)

Nothing accepted is lost: whatever the work raises, the job ends failed with a reason in the user's words (a
RenderError's message) or the crash's, and its webhook says so; a worker that dies mid-job stops the heartbeat and
the reaper takes over. A run names its attempt (store/jobs.py), so a worker the reaper took the job back from
(alive but slow to beat) can neither keep the retry's heartbeat, finish or fail it, nor remove its scratch files;
its dropped outcome sends no webhook.
"""
from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio.errors import RenderError
from avatarstudio.jobs import announce
from avatarstudio.jobs.kinds import JobKind

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

log = logging.getLogger(__name__)
Progress = Callable[[float], None]


@dataclass(frozen=True)
class Done:
    """What a finished job records: its duration, its stored files (role -> blob key), status notes, and values of
    columns only its table has."""

    duration: float
    files: dict[str, str]
    notes: list[str]
    extra: dict = field(default_factory=dict)


Work = Callable[[Path, Progress], Done]
"""The job's own work, handed its scratch directory (empty) and a progress callback taking 0..1."""


class _Heartbeat(threading.Thread):
    """Proves the worker is alive while it works; the reaper retries jobs whose heartbeat stops."""

    def __init__(self, runtime: Runtime, kind: JobKind, job_id: str, attempt: int):
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.runtime, self.kind, self.job_id, self.attempt = runtime, kind, job_id, attempt
        self.progress = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.runtime.settings.heartbeat_seconds):
            self.kind.records(self.runtime.db).beat(self.job_id, self.progress, self.attempt)


def run(runtime: Runtime, kind: JobKind, job_id: str, deliver: announce.Deliver, work: Work) -> None:
    records = kind.records(runtime.db)
    if not records.start(job_id):
        return
    # Read at once: the reaper can take the job back only after its heartbeat has been silent for a while.
    attempt = records.require(job_id).attempts
    workdir = runtime.work_dir(job_id)
    shutil.rmtree(workdir, ignore_errors=True)  # what an earlier attempt's lost worker left behind
    workdir.mkdir(parents=True)
    heartbeat = _Heartbeat(runtime, kind, job_id, attempt)
    heartbeat.start()
    try:
        done = work(workdir, lambda fraction: setattr(heartbeat, "progress", int(fraction * 100)))
        heartbeat.stopped.set()
        finished = records.complete(job_id, done.duration, done.files, done.notes, attempt, **done.extra)
        if not finished and records.get(job_id) is None:
            # Deleted while it ran: its files would belong to nothing. (A job merely given up on keeps them: a
            # retry of it may have stored the same files.)
            runtime.blobs.delete_prefix(kind.blob_prefix(job_id))
    except RenderError as error:
        heartbeat.stopped.set()
        message = error.message if not error.detail else f"{error.message}: {error.detail}"
        log.warning("%s failed: %s", kind.noun, message, extra={"error_code": error.code})
        finished = records.fail(job_id, error.code, message, attempt=attempt)
    except Exception as error:  # noqa: BLE001 - any crash must still end the job as failed, with its reason
        heartbeat.stopped.set()
        log.exception("%s %s crashed", kind.noun, job_id)
        finished = records.fail(job_id, "render_failed", f"{type(error).__name__}: {error}", attempt=attempt)
    finally:
        heartbeat.stopped.set()
        current = records.get(job_id)
        if current is None or current.attempts == attempt:
            # Otherwise a later attempt (the reaper took the job back from this slow one) works in this folder.
            shutil.rmtree(workdir, ignore_errors=True)
    if finished:
        kind.finished(runtime, job_id, deliver)
    else:
        log.warning("%s %s is no longer attempt %d's (deleted, or taken back by the reaper); its outcome is "
                    "dropped", kind.noun, job_id, attempt)
