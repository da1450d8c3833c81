"""Notices jobs (videos, digital twins, lipsyncs) whose worker died: a processing job without a recent heartbeat
is retried, or failed with a reason once its attempts are used up, and a waiting job whose task left the queue
without starting (a worker that died between taking it and claiming it) is queued again. A webhook delivery whose
attempt's lease ran out (its worker died mid-attempt) is queued again too, and a job that ended without its events
being written (its worker died in between; a photo import's, before it was made a talking photo) is announced. No
accepted job or event is lost."""
from __future__ import annotations

import logging
import shutil
import threading
import time
from typing import TYPE_CHECKING

from avatarstudio.jobs import retention
from avatarstudio.jobs.kinds import KINDS, JobKind
from avatarstudio.store.webhooks import WebhookEvents

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

log = logging.getLogger(__name__)


def sweep(runtime: Runtime) -> list[str]:
    """One pass over every kind of job; returns the ids it acted on."""
    cutoff = time.time() - runtime.settings.stale_after_seconds
    acted: list[str] = []
    for kind in KINDS:
        acted += (_retry_stale(runtime, kind, cutoff) + _requeue_lost(runtime, kind, cutoff)
                  + _announce_lost(runtime, kind, cutoff))
    return acted + _requeue_cut_off_deliveries(runtime)


def _announce_lost(runtime: Runtime, kind: JobKind, cutoff: float) -> list[str]:
    """Jobs that ended before `cutoff` and were never announced: their worker died between recording the end and
    writing its events (a photo import's, before making it a talking photo, which its announcement does)."""
    announced = [job_id for job_id in kind.records(runtime.db).unannounced_before(cutoff)
                 if kind.announce_lost(runtime, job_id, runtime.queue.deliver)]
    for job_id in announced:
        log.warning("%s %s ended, but its worker stopped before announcing it; announced now", kind.noun, job_id)
    return announced


def _requeue_cut_off_deliveries(runtime: Runtime) -> list[str]:
    taken = WebhookEvents(runtime.db).take_back_cut_off()
    for delivery_id, attempt in taken:
        log.warning("webhook delivery %s was cut off mid-attempt; queueing attempt %d", delivery_id, attempt)
        runtime.queue.deliver_again(delivery_id, attempt)
    return [delivery_id for delivery_id, _ in taken]


def _retry_stale(runtime: Runtime, kind: JobKind, cutoff: float) -> list[str]:
    records = kind.records(runtime.db)
    stale = records.silent_since(cutoff)
    for job_id, attempts in stale:
        if attempts < runtime.settings.render_attempts and records.requeue(job_id, attempts):
            log.warning("%s %s lost its worker; retrying (attempt %d)", kind.noun, job_id, attempts + 1)
            runtime.queue.enqueue(kind, job_id)
        elif records.fail(job_id, "worker_lost",
                          f"The worker rendering this {kind.noun} stopped responding {attempts} time(s); giving up",
                          attempt=attempts):
            # The lost worker's scratch files, when it shared this data dir; nobody else will remove them.
            shutil.rmtree(runtime.work_dir(job_id), ignore_errors=True)
            kind.announce_end(runtime, job_id, runtime.queue.deliver)
    return [job_id for job_id, _ in stale]


def _requeue_lost(runtime: Runtime, kind: JobKind, cutoff: float) -> list[str]:
    waiting = kind.records(runtime.db).waiting_since(cutoff)
    if not waiting:
        return []
    lost = waiting - runtime.queue.queued(kind)
    for job_id in lost:
        # A claim racing with this re-enqueue is harmless: only one run can move the job out of waiting.
        log.warning("%s %s was waiting without a queued task; queueing it again", kind.noun, job_id)
        runtime.queue.enqueue(kind, job_id)
    return sorted(lost)


def start_reaper(runtime: Runtime, stop: threading.Event) -> threading.Thread:
    """The reaper's sweeps, and now and then the retention sweep (jobs/retention.py), on one thread."""
    def loop() -> None:
        next_retention = time.monotonic()
        while not stop.wait(max(1.0, runtime.settings.stale_after_seconds / 3)):
            try:
                sweep(runtime)
                if time.monotonic() >= next_retention:
                    next_retention = time.monotonic() + retention.INTERVAL_SECONDS
                    log.info("retention sweep removed %s", retention.sweep(runtime))
            except Exception:  # noqa: BLE001 - the reaper must outlive a passing database error
                log.exception("reaper sweep failed")

    thread = threading.Thread(target=loop, daemon=True, name="reaper")
    thread.start()
    return thread
