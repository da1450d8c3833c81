"""What the service keeps, and the sweep that removes the rest.

With AVATARSTUDIO_RETENTION_DAYS set, finished videos older than that go with their files and batches, and webhook
events with their attempts. Always: scratch folders that no running job owns (what a crashed render, training or
lipsync left) and speech previews (POST /v3/voices/speech) older than their download links. Every process sweeps
now and then; a sweep is idempotent, so several processes sweeping together do no harm.
"""
from __future__ import annotations

import shutil
import time
from typing import TYPE_CHECKING

from avatarstudio.jobs.kinds import KINDS
from avatarstudio.store.batches import Batches
from avatarstudio.store.videos import Videos
from avatarstudio.store.webhooks import WebhookEvents

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

DAY = 86400
SPEECH_PREVIEWS = "speech/"
INTERVAL_SECONDS = 3600


def sweep(runtime: Runtime) -> dict[str, int]:
    """One pass; returns how many of each kind it removed."""
    removed = {"videos": 0, "webhook_events": 0}
    if runtime.settings.retention_days:
        cutoff = time.time() - runtime.settings.retention_days * DAY
        removed["videos"] = _old_videos(runtime, cutoff)
        removed["webhook_events"] = _old_events(runtime, cutoff)
    removed["scratch_folders"] = _orphan_scratch(runtime)
    removed["speech_previews"] = runtime.blobs.delete_older_than(
        SPEECH_PREVIEWS, time.time() - runtime.settings.url_ttl_seconds)
    return removed


def _old_videos(runtime: Runtime, cutoff: float) -> int:
    videos = Videos(runtime.db)
    old = videos.finished_before(cutoff)
    for video_id in old:
        # Files first: a sweep interrupted in between leaves a record to retry, never files that no record owns.
        runtime.blobs.delete_prefix(f"videos/{video_id}/")
        videos.forget_finished(video_id)
    Batches(runtime.db).forget_empty_before(cutoff)
    return len(old)


def _old_events(runtime: Runtime, cutoff: float) -> int:
    return WebhookEvents(runtime.db).forget_settled_before(cutoff)


def _orphan_scratch(runtime: Runtime) -> int:
    """Scratch folders of jobs (videos, twins' trainings, lipsyncs) not running now, untouched for longer than a
    lost worker is waited for."""
    root = runtime.settings.data_dir / "work"
    if not root.is_dir():
        return 0
    quiet_since = time.time() - runtime.settings.stale_after_seconds
    folders = {folder.name: folder for folder in root.iterdir()
               if folder.is_dir() and folder.stat().st_mtime < quiet_since}
    rendering = set().union(*(kind.records(runtime.db).processing_among(list(folders)) for kind in KINDS))
    for name in folders.keys() - rendering:
        shutil.rmtree(folders[name], ignore_errors=True)
    return len(folders.keys() - rendering)
