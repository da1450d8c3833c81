"""Running one render: claim the video, keep its heartbeat, render, store the files, announce the outcome."""
from __future__ import annotations

import logging
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio import logs, spec
from avatarstudio.errors import RenderError
from avatarstudio.fetch import fetch
from avatarstudio.jobs import announce
from avatarstudio.render import pipeline
from avatarstudio.store.assets import Assets
from avatarstudio.store.videos import Videos

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

log = logging.getLogger(__name__)


class _Heartbeat(threading.Thread):
    """Proves the worker is alive while it renders; the reaper retries videos whose heartbeat stops."""

    def __init__(self, runtime: Runtime, video_id: str, attempt: int):
        super().__init__(daemon=True, name=f"heartbeat-{video_id}")
        self.runtime, self.video_id, self.attempt = runtime, video_id, attempt
        self.progress = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.runtime.settings.heartbeat_seconds):
            Videos(self.runtime.db).beat(self.video_id, self.progress, self.attempt)


def resolver(runtime: Runtime, workdir: Path) -> pipeline.MediaResolver:
    settings = runtime.settings

    def resolve(ref: spec.MediaRef, kind: str) -> Path:
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


def store_outputs(runtime: Runtime, video_id: str, rendered: pipeline.Rendered) -> dict[str, str]:
    keys = {}
    for role, path in rendered.files().items():
        key = f"videos/{video_id}/{path.name}"
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
    heartbeat = _Heartbeat(runtime, video_id, attempt)
    heartbeat.start()
    started = time.monotonic()
    try:
        video_spec = spec.from_dict(video.spec)
        rendered = pipeline.render(video_spec, workdir, resolver(runtime, workdir),
                                   progress=lambda done: setattr(heartbeat, "progress", int(done * 100)),
                                   max_seconds=runtime.settings.max_video_seconds)
        # This worker's histograms, published with its heartbeat (jobs/liveness.py); the pipeline logs the line.
        runtime.metrics.observe_render(rendered.stage_seconds, time.monotonic() - started, rendered.duration)
        keys = store_outputs(runtime, video_id, rendered)
        heartbeat.stopped.set()
        finished = videos.complete(video_id, rendered.duration, keys, rendered.notes, attempt)
    except RenderError as error:
        heartbeat.stopped.set()
        message = error.message if not error.detail else f"{error.message}: {error.detail}"
        log.warning("render failed: %s", message, extra={"error_code": error.code})
        finished = videos.fail(video_id, error.code, message, attempt=attempt)
    except Exception as error:  # noqa: BLE001 - any crash must still end the job as failed, with its reason
        heartbeat.stopped.set()
        log.exception("render of %s crashed", video_id)
        finished = videos.fail(video_id, "render_failed", f"{type(error).__name__}: {error}", attempt=attempt)
    finally:
        heartbeat.stopped.set()
        current = videos.get(video_id)
        if current is None or current.attempts == attempt:
            # Otherwise a later attempt (the reaper took the video back from this slow one) works in this folder.
            shutil.rmtree(workdir, ignore_errors=True)
    if finished:
        announce.video_finished(runtime, video_id, deliver)
    else:
        log.warning("video %s is no longer attempt %d's (deleted, or taken back by the reaper); its outcome is "
                    "dropped", video_id, attempt)
