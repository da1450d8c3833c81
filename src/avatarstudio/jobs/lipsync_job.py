"""One lipsync: prepare the given video as a twin on the fly (in the job's scratch directory), then render it
speaking the given audio at the source's own size. The options (store/lipsyncs.py's Options; the README's lipsync
section) decide the frame rate and bitrate (render/lipsync/format.py), how long the output lasts, whether the new
audio is cleaned, whether the source's background sound stays under it (render/lipsync/soundtrack.py) and whether
the service's mark is drawn. Audio longer than the video extends it by the twin's ping-pong timeline."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from avatarstudio import spec
from avatarstudio.errors import RenderError
from avatarstudio.jobs import announce, runner, watchdog
from avatarstudio.jobs.kinds import LIPSYNC
from avatarstudio.jobs.render_job import resolver, store_outputs
from avatarstudio.render import encode, pipeline
from avatarstudio.render.compose.watermark import write_default_mark
from avatarstudio.render.encode.trim import cut
from avatarstudio.render.lipsync import format as formats
from avatarstudio.render.lipsync import soundtrack
from avatarstudio.render.speech.track import SAMPLE_RATE
from avatarstudio.store.lipsyncs import Lipsyncs, Options
from avatarstudio.store.models import Lipsync

if TYPE_CHECKING:
    from avatarstudio.runtime import Runtime

PREPARE_SHARE = 0.4
"""The part of the job's progress that preparing the footage accounts for; rendering is the rest."""
AUDIO_FILE = "new-audio.wav"
MARK_FILE = "mark.png"


def run(runtime: Runtime, lipsync_id: str, deliver: announce.Deliver) -> None:
    def work(workdir: Path, watch: watchdog.Watch) -> runner.Done:
        from avatarstudio.render.twin import TwinError, prepare  # the render side loads mediapipe: only here

        progress = watch.moved
        job = Lipsyncs(runtime.db).get(lipsync_id)
        if job is None:
            raise RenderError("not_found", f"The lipsync {lipsync_id} was deleted")
        options = Options(**job.options)
        resolve = resolver(runtime, workdir)
        source = resolve(spec.MediaRef(**job.video), "video")
        footage = _part(source, job, workdir)
        prepared_dir = workdir / "footage"
        prepared_dir.mkdir()
        try:
            prepared = prepare(footage, prepared_dir, progress=lambda done: progress(done * PREPARE_SHARE))
        except TwinError as error:
            raise RenderError(error.code, f"video: {error.message}") from None
        twin_id = f"lipsync-{lipsync_id}"
        # The source's own format, not the cut's (cut.py re-encodes the part at a much higher bitrate).
        output, notes = _output(prepared, formats.probe(source), options, job.captions)
        try:
            soundtrack.new_audio(resolve(spec.MediaRef(**job.audio), "audio"), workdir / AUDIO_FILE,
                                 options.speech_enhancement, None if options.dynamic_duration else prepared.duration)
        except encode.EncodeError:
            raise RenderError("invalid_audio", "audio: the file holds no audio that could be decoded") from None
        look = spec.TwinLook(twin_id, precision=job.mode == "precision")
        scene = spec.Scene(spec.Character(look), spec.AudioSpeech(spec.MediaRef("local", AUDIO_FILE)))
        mark = None
        if options.watermark:
            write_default_mark(workdir / MARK_FILE, output.height)
            mark = spec.Watermark(spec.MediaRef("local", MARK_FILE))
        rendered = pipeline.render(spec.VideoSpec((scene,), output, job.title, mark), workdir / "render",
                                   resolver(runtime, workdir, {twin_id: prepared_dir}),
                                   progress=lambda done: progress(PREPARE_SHARE + done * (1 - PREPARE_SHARE)),
                                   max_seconds=runtime.settings.max_video_seconds, planned=watch.planned)
        if options.music_track:
            _keep_background(source, job, prepared_dir, rendered, output)
        return runner.Done(rendered.duration, store_outputs(runtime, LIPSYNC.blob_prefix(lipsync_id), rendered),
                           notes + rendered.notes)

    runner.run(runtime, LIPSYNC, lipsync_id, deliver, work)


def _part(source: Path, job: Lipsync, workdir: Path) -> Path:
    """The source video, cut to start_time..end_time when the request asks for part of it."""
    if job.start_time is None and job.end_time is None:
        return source
    return cut(source, job.start_time or 0.0, job.end_time, workdir / "part.mp4")


def _output(prepared, source: formats.SourceFormat, options: Options, captions: bool
            ) -> tuple[spec.Output, list[str]]:
    """The output at the footage's size (H.264 needs even sizes, so an odd side loses one pixel), at the frame
    rate and bitrate the options ask for."""
    width, height = prepared.width // 2 * 2, prepared.height // 2 * 2
    chosen = formats.output_format(source, options.same_format, options.fps_mode)
    notes = list(chosen.notes)
    if (width, height) != (prepared.width, prepared.height):
        notes.append(f"The source is {prepared.width}x{prepared.height}; the output is {width}x{height} "
                     "(H.264 needs even sizes)")
    return spec.Output(width, height, fps=chosen.fps, captions=captions, bitrate=chosen.bitrate), notes


def _keep_background(source: Path, job: Lipsync, prepared_dir: Path, rendered: pipeline.Rendered,
                     output: spec.Output) -> None:
    """The source's own sound, where its speaker is silent, mixed under the new speech of every rendered video."""
    bed = soundtrack.background(source, job.start_time or 0.0, job.end_time, prepared_dir, SAMPLE_RATE)
    frames = round(rendered.duration * output.rate)
    for video in (rendered.video, rendered.captioned):
        if video is not None:
            target = encode.EncodeTarget(video, output.container, output.width, output.height, output.fps)
            soundtrack.remix(video, rendered.speech, bed, target, frames)
