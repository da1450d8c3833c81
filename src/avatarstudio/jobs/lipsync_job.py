"""One lipsync: prepare the given video as a twin on the fly (in the job's scratch directory), then render it
speaking the given audio at the source's own size and frame rate (HeyGen's keep_the_same_format). Audio longer than
the video extends it by the twin's ping-pong timeline."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio import spec
from avatarstudio.errors import RenderError
from avatarstudio.jobs import announce, runner, watchdog
from avatarstudio.jobs.kinds import LIPSYNC
from avatarstudio.jobs.render_job import resolver, store_outputs
from avatarstudio.render import pipeline
from avatarstudio.render.encode.trim import cut
from avatarstudio.store.lipsyncs import Lipsyncs
from avatarstudio.store.models import Lipsync

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

PREPARE_SHARE = 0.4
"""The part of the job's progress that preparing the footage accounts for; rendering is the rest."""


def run(runtime: Runtime, lipsync_id: str, deliver: announce.Deliver) -> None:
    def work(workdir: Path, watch: watchdog.Watch) -> runner.Done:
        from avatarstudio.render.twin import TwinError, prepare  # the render side loads mediapipe: only here

        progress = watch.moved
        job = Lipsyncs(runtime.db).get(lipsync_id)
        if job is None:
            raise RenderError("not_found", f"The lipsync {lipsync_id} was deleted")
        footage = _source_video(runtime, job, workdir)
        prepared_dir = workdir / "footage"
        prepared_dir.mkdir()
        try:
            prepared = prepare(footage, prepared_dir, progress=lambda done: progress(done * PREPARE_SHARE))
        except TwinError as error:
            raise RenderError(error.code, f"video: {error.message}") from None
        twin_id = f"lipsync-{lipsync_id}"
        output, notes = _same_format(prepared, job.captions)
        scene = spec.Scene(spec.Character(spec.TwinLook(twin_id)), spec.AudioSpeech(spec.MediaRef(**job.audio)))
        rendered = pipeline.render(spec.VideoSpec((scene,), output, job.title), workdir / "render",
                                   resolver(runtime, workdir, {twin_id: prepared_dir}),
                                   progress=lambda done: progress(PREPARE_SHARE + done * (1 - PREPARE_SHARE)),
                                   max_seconds=runtime.settings.max_video_seconds, planned=watch.planned)
        if job.mode == "precision":
            notes.append("mode precision renders like speed here: one lip-sync engine serves both")
        return runner.Done(rendered.duration, store_outputs(runtime, LIPSYNC.blob_prefix(lipsync_id), rendered),
                           notes + rendered.notes)

    runner.run(runtime, LIPSYNC, lipsync_id, deliver, work)


def _source_video(runtime: Runtime, job: Lipsync, workdir: Path) -> Path:
    """The source video, cut to start_time..end_time when the request asks for part of it."""
    source = resolver(runtime, workdir)(spec.MediaRef(**job.video), "video")
    if job.start_time is None and job.end_time is None:
        return source
    return cut(source, job.start_time or 0.0, job.end_time, workdir / "part.mp4")


def _same_format(prepared, captions: bool) -> tuple[spec.Output, list[str]]:
    """The output at the footage's size and frame rate; H.264 needs even sizes, so an odd side loses one pixel."""
    width, height = prepared.width // 2 * 2, prepared.height // 2 * 2
    fps = max(1, round(prepared.fps))
    notes = []
    if (width, height) != (prepared.width, prepared.height):
        notes.append(f"The source is {prepared.width}x{prepared.height}; the output is {width}x{height} "
                     "(H.264 needs even sizes)")
    if abs(fps - prepared.fps) > 0.01:
        notes.append(f"The source plays at {prepared.fps:.3f} fps; the output at {fps} fps")
    return spec.Output(width, height, fps=fps, captions=captions), notes
