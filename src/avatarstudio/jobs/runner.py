"""Running one long job, of any kind (a video's render, a digital twin's training, a lipsync): claim it, watch it,
do the work, record the outcome, announce it. The one code path every kind goes through.

Nothing accepted is lost and nothing stays stuck. The job runs under its watch (jobs/watchdog.py): its heartbeat
beats only while it moves; a job that stalls or outlives its budget has its child processes killed and is retried
or failed with `render_stalled`; a worker shutting down puts it back in the queue without spending an attempt
(`abandon_for_shutdown`); a worker that dies stops the heartbeat and the reaper takes over. Whatever the work
raises, the job ends failed with a reason in the user's words (a RenderError's message), and its webhook says so.
A run names its attempt (store/jobs.py), so a worker the reaper took the job back from (alive but slow to beat)
can neither keep the retry's heartbeat, finish or fail it, nor remove its scratch files; its dropped outcome sends
no webhook.
"""
from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio.errors import RenderError
from avatarstudio.jobs import announce, watchdog
from avatarstudio.jobs.kinds import JobKind
from avatarstudio.render import processes

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Done:
    """What a finished job records: its duration, its stored files (role -> blob key), status notes, and values of
    columns only its table has."""

    duration: float
    files: dict[str, str]
    notes: list[str]
    extra: dict = field(default_factory=dict)


Work = Callable[[Path, watchdog.Watch], Done]
"""The job's own work, handed its scratch directory (empty) and its watch: `watch.moved(0..1)` reports progress,
`watch.planned(seconds)` the length of what it makes (its time budget grows with it); child processes it starts
in this thread belong to the watch, which kills them when it stops the job."""


def run(runtime: Runtime, kind: JobKind, job_id: str, deliver: announce.Deliver, work: Work) -> None:
    records = kind.records(runtime.db)
    if not records.start(job_id):
        return
    # Read at once: the reaper can take the job back only after its heartbeat has been silent for a while.
    attempt = records.require(job_id).attempts
    workdir = runtime.work_dir(job_id)
    shutil.rmtree(workdir, ignore_errors=True)  # what an earlier attempt's lost worker left behind
    workdir.mkdir(parents=True)
    failure: RenderError | None = None
    stalled = partial(_stalled, runtime, kind, job_id, attempt, deliver)
    with watchdog.Watch(runtime, kind, job_id, attempt, stalled) as watch, processes.owned_by(watch.children):
        try:
            done = work(workdir, watch)
            watch.children.check()
        except processes.Stopped:
            pass
        except RenderError as error:
            failure = error
        except Exception:  # noqa: BLE001 - any crash must still end the job as failed, with its reason
            if not watch.stopped:
                log.exception("%s %s crashed", kind.noun, job_id)
            failure = RenderError("render_failed", f"The {kind.activity} failed because of an internal error; the "
                                  "server's log has the details")
    current = records.get(job_id)
    if current is None or current.attempts == attempt:
        # Otherwise a later attempt (the reaper took the job back from this slow one) works in this folder.
        shutil.rmtree(workdir, ignore_errors=True)
    if watch.stopped:
        # Settled already: by the watch (stalled), by a delete (gone) or by the shutdown (re-queued).
        settled = False
    elif failure is not None:
        message = failure.message if not failure.detail else f"{failure.message}: {failure.detail}"
        log.warning("%s failed: %s", kind.noun, message, extra={"error_code": failure.code})
        settled = records.fail(job_id, failure.code, message, attempt=attempt)
    else:
        settled = records.complete(job_id, done.duration, done.files, done.notes, attempt, **done.extra)
    if settled:
        kind.announce_end(runtime, job_id, deliver)
    elif records.get(job_id) is None:
        # Deleted while it ran: files stored meanwhile belong to no row, so they go too. (A job merely given up on
        # keeps them: a retry of it may have stored the same ones.)
        runtime.blobs.delete_prefix(kind.blob_prefix(job_id))
    elif not watch.stopped:
        log.warning("%s %s is no longer attempt %d's (taken back by the reaper); its outcome is dropped",
                    kind.noun, job_id, attempt)


def _stalled(runtime: Runtime, kind: JobKind, job_id: str, attempt: int, deliver: announce.Deliver) -> None:
    """The watch stopped a job that stopped moving: retried while attempts remain, else failed."""
    records = kind.records(runtime.db)
    if attempt < runtime.settings.render_attempts and records.requeue(job_id, attempt):
        log.warning("%s %s stalled; retrying", kind.noun, job_id)
        runtime.queue.enqueue(kind, job_id)
    elif records.fail(job_id, watchdog.STALLED,
                      f"The {kind.activity} stopped making progress (no progress for "
                      f"{runtime.settings.render_stall_seconds:g} s, or past its time budget) {attempt} time(s); "
                      "giving up", attempt=attempt):
        kind.announce_end(runtime, job_id, deliver)


def abandon_for_shutdown(runtime: Runtime) -> list[str]:
    """Stops the jobs this process still runs after its grace period and puts them back in the queue without
    spending an attempt: another worker (or this one, restarted) does them from the start."""
    requeued = []
    for watch in watchdog.stop_all(watchdog.SHUTDOWN):
        if watch.kind.records(runtime.db).requeue(watch.job_id, watch.attempt, refund=True):
            runtime.queue.enqueue(watch.kind, watch.job_id)
            requeued.append(watch.job_id)
    return requeued
