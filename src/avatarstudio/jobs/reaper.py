"""Notices videos whose worker died: a processing video without a recent heartbeat is retried, or failed
with a reason once its attempts are used up, and a waiting video whose task left the queue without starting (a
worker that died between taking it and claiming it) is queued again. No accepted video is lost."""
from __future__ import annotations

import logging
import shutil
import threading
import time
from typing import TYPE_CHECKING

from avatarstudio.jobs import announce, retention
from avatarstudio.store.videos import Videos

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

log = logging.getLogger(__name__)


def sweep(runtime: Runtime) -> list[str]:
    """One pass; returns the ids it acted on."""
    settings = runtime.settings
    cutoff = time.time() - settings.stale_after_seconds
    videos = Videos(runtime.db)
    stale = videos.silent_since(cutoff)
    for video_id, attempts in stale:
        if attempts < settings.render_attempts and videos.requeue(video_id, attempts):
            log.warning("video %s lost its worker; retrying (attempt %d)", video_id, attempts + 1)
            runtime.queue.render(video_id)
        elif videos.fail(video_id, "worker_lost",
                         f"The worker rendering this video stopped responding {attempts} time(s); giving up",
                         attempt=attempts):
            # The lost worker's scratch files, when it shared this data dir; nobody else will remove them.
            shutil.rmtree(runtime.work_dir(video_id), ignore_errors=True)
            announce.video_finished(runtime, video_id, runtime.queue.deliver)
    return [video_id for video_id, _ in stale] + _requeue_lost(runtime, cutoff)


def _requeue_lost(runtime: Runtime, cutoff: float) -> list[str]:
    waiting = Videos(runtime.db).waiting_since(cutoff)
    if not waiting:
        return []
    lost = waiting - runtime.queue.queued_renders()
    for video_id in lost:
        # A claim racing with this re-enqueue is harmless: only one run can move the video out of waiting.
        log.warning("video %s was waiting without a queued task; queueing it again", video_id)
        runtime.queue.render(video_id)
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
