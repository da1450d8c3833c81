"""A video's render: the work jobs/runner.py runs for a video (render, store the files), and the media resolver every
kind of job renders with."""
from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio import logs, spec
from avatarstudio.errors import RenderError
from avatarstudio.fetch import fetch
from avatarstudio.jobs import announce, runner, watchdog
from avatarstudio.jobs.kinds import VIDEO
from avatarstudio.render import pipeline
from avatarstudio.store import twins
from avatarstudio.store.assets import Assets
from avatarstudio.store.videos import Videos

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime


def resolver(runtime: Runtime, workdir: Path, prepared: dict[str, Path] | None = None) -> pipeline.MediaResolver:
    """Assets from the blob store, URLs through the safe fetch, twins as a local directory of their files:
    `prepared` (a lipsync's footage, prepared in this job) or a stored twin's local copy; local files by their
    name in `workdir`."""
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
        if ref.kind == "local":
            # A name, never a path: nothing outside the job's own folder can be reached this way.
            return workdir / Path(ref.value).name
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
        runner.run(runtime, VIDEO, video_id, deliver, partial(_render, runtime, video_id))


def _render(runtime: Runtime, video_id: str, workdir: Path, watch: watchdog.Watch) -> runner.Done:
    video = Videos(runtime.db).get(video_id)
    if video is None:
        raise RenderError("not_found", f"The video {video_id} was deleted")
    started = time.monotonic()
    rendered = pipeline.render(spec.from_dict(video.spec), workdir, resolver(runtime, workdir), progress=watch.moved,
                               max_seconds=runtime.settings.max_video_seconds, planned=watch.planned)
    # This worker's histograms, published with its heartbeat (jobs/liveness.py); the pipeline logs the line.
    runtime.metrics.observe_render(rendered.stage_seconds, time.monotonic() - started, rendered.duration)
    return runner.Done(rendered.duration, store_outputs(runtime, VIDEO.blob_prefix(video_id), rendered),
                       rendered.notes)
