"""Running one render: claim the video, keep its heartbeat, render, store the files, announce the outcome."""
from __future__ import annotations

import logging
import shutil
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio import logs, spec
from avatarstudio.errors import RenderError
from avatarstudio.fetch import fetch
from avatarstudio.jobs import announce, watchdog
from avatarstudio.jobs.kinds import VIDEO
from avatarstudio.render import pipeline, processes
from avatarstudio.store import twins
from avatarstudio.store.assets import Assets
from avatarstudio.store.videos import Videos

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

log = logging.getLogger(__name__)


def resolver(runtime: Runtime, workdir: Path, prepared: dict[str, Path] | None = None) -> pipeline.MediaResolver:
    """Assets from the blob store, URLs through the safe fetch, twins as a local directory of their files:
    `prepared` (a lipsync's footage, prepared in this job) or a stored twin's local copy."""
    settings = runtime.settings
    prepared = prepared or {}

    def resolve(ref: spec.MediaRef, kind: str) -> Path:
        if ref.kind == "twin":
            if ref.value in prepared:
                return prepared[ref.value]
            try:
                return twins.local_copy(runtime, ref.value)
            except twins.TwinUnavailable as error:
                raise RenderError("avatar_not_found", str(error)) from None
        if ref.kind == "asset":
            asset = Assets(runtime.db).get(ref.value)
            key = asset.blob_key if asset is not None else None
            if key is None or not runtime.blobs.exists(key):
                raise RenderError("download_failed", f"Asset {ref.value} no longer exists")
            return runtime.blobs.local_path(key)
        destination = workdir / f"download-{abs(hash(ref.value))}"
        return fetch(ref.value, destination, allow_private=settings.allow_private_urls,
                     max_bytes=settings.fetch_max_bytes, timeout=settings.fetch_timeout_seconds)

    return resolve


def store_outputs(runtime: Runtime, prefix: str, rendered: pipeline.Rendered) -> dict[str, str]:
    """Stores the rendered files under `prefix` (a job kind's blob_prefix); returns their keys by role."""
    keys = {}
    for role, path in rendered.files().items():
        key = f"{prefix}{path.name}"
        runtime.blobs.put_file(key, path)
        keys[role] = key
    return keys


def run(runtime: Runtime, video_id: str, deliver: announce.Deliver) -> None:
    with logs.about_video(video_id):
        _run(runtime, video_id, deliver)


def _run(runtime: Runtime, video_id: str, deliver: announce.Deliver) -> None:
    videos = Videos(runtime.db)
    if not videos.start(video_id):
        return
    # Read at once: the reaper can take the video back only after its heartbeat has been silent for a while.
    video = videos.require(video_id)
    attempt = video.attempts
    workdir = runtime.work_dir(video_id)
    shutil.rmtree(workdir, ignore_errors=True)  # what an earlier attempt's lost worker left behind
    failure: RenderError | None = None
    stalled = partial(_stalled, runtime, video_id, attempt, deliver)
    started = time.monotonic()
    with watchdog.Watch(runtime, video_id, attempt, stalled) as watch, processes.owned_by(watch.children):
        try:
            video_spec = spec.from_dict(video.spec)
            rendered = pipeline.render(video_spec, workdir, resolver(runtime, workdir), progress=watch.moved,
                                       max_seconds=runtime.settings.max_video_seconds, planned=watch.planned)
            watch.children.check()
            # This worker's histograms, published with its heartbeat (jobs/liveness.py); the pipeline logs the line.
            runtime.metrics.observe_render(rendered.stage_seconds, time.monotonic() - started, rendered.duration)
            keys = store_outputs(runtime, VIDEO.blob_prefix(video_id), rendered)
        except processes.Stopped:
            pass
        except RenderError as error:
            failure = error
        except Exception:  # noqa: BLE001 - any crash must still end the job as failed, with its reason
            if not watch.stopped:
                log.exception("render of %s crashed", video_id)
            failure = RenderError("render_failed", "The render failed because of an internal error; "
                                  "the server's log has the details")
    current = videos.get(video_id)
    if current is None or current.attempts == attempt:
        # Otherwise a later attempt (the reaper took the video back from this slow one) works in this folder.
        shutil.rmtree(workdir, ignore_errors=True)
    if watch.stopped:
        # Settled already: by the watch (stalled), by a delete (gone) or by the shutdown (re-queued).
        settled = False
    elif failure is not None:
        message = failure.message if not failure.detail else f"{failure.message}: {failure.detail}"
        log.warning("render failed: %s", message, extra={"error_code": failure.code})
        settled = videos.fail(video_id, failure.code, message, attempt=attempt)
    else:
        settled = videos.complete(video_id, rendered.duration, keys, rendered.notes, attempt)
    if settled:
        announce.video_finished(runtime, video_id, deliver)
    else:
        _drop_orphan_files(runtime, video_id)


def _stalled(runtime: Runtime, video_id: str, attempt: int, deliver: announce.Deliver) -> None:
    """The watch stopped a render that stopped moving: retried while attempts remain, else failed."""
    videos = Videos(runtime.db)
    if attempt < runtime.settings.render_attempts and videos.requeue(video_id, attempt):
        log.warning("render of %s stalled; retrying", video_id)
        runtime.queue.render(video_id)
    elif videos.fail(video_id, watchdog.STALLED,
                     f"The render stopped making progress (no progress for {runtime.settings.render_stall_seconds:g}"
                     f" s, or past its time budget) {attempt} time(s); giving up", attempt=attempt):
        announce.video_finished(runtime, video_id, deliver)


def _drop_orphan_files(runtime: Runtime, video_id: str) -> None:
    """A video deleted while it rendered: files stored meanwhile belong to no row, so they go too. (A video
    retried elsewhere keeps its files: the other attempt writes the same keys.)"""
    if Videos(runtime.db).get(video_id) is None:
        runtime.blobs.delete_prefix(VIDEO.blob_prefix(video_id))


def abandon_for_shutdown(runtime: Runtime) -> list[str]:
    """Stops the renders this process still runs after its grace period and puts them back in the queue without
    spending an attempt: another worker (or this one, restarted) renders them from the start."""
    requeued = []
    for watch in watchdog.stop_all(watchdog.SHUTDOWN):
        if Videos(runtime.db).requeue(watch.video_id, watch.attempt, refund=True):
            runtime.queue.render(watch.video_id)
            requeued.append(watch.video_id)
    return requeued
