"""spec -> files. `render` is the chain of the stages; each step below it is one stage's share of the work.

speech (per scene) -> motion -> avatar frames -> composition -> encoding -> side files (thumbnail, GIF,
subtitles). Only one frame exists at a time, so memory does not grow with the video's length. What each stage
does lives in its folder (render/speech, motion, avatars, compose, encode); the types they exchange are in
vocabulary.py; this module only strings them together, times them, and turns their errors into RenderError.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile

from avatarstudio import spec
from avatarstudio.errors import RenderError
from avatarstudio.render import encode, speech
from avatarstudio.render.avatars import look_photo, placed_engine
from avatarstudio.render.avatars.base import AvatarEngine, SceneClock
from avatarstudio.render.compose.backdrop import scene_backdrop
from avatarstudio.render.compose.blend import resize
from avatarstudio.render.compose.captions import prepare_burn_in
from avatarstudio.render.compose.image_file import ImageError
from avatarstudio.render.compose.placement import Placement, composite_into, composite_within, moving_area
from avatarstudio.render.compose.watermark import Mark, draw_mark, video_mark
from avatarstudio.render.face import FaceError
from avatarstudio.render.twin import TwinError
from avatarstudio.render.memory import large_buffers_unmapped, release_garbage
from avatarstudio.render.motion import face_params
from avatarstudio.render.speech import glossary
from avatarstudio.render.speech.scenes import padded_to_frames, read_samples, speak_scene, untranscribed_note
from avatarstudio.render.stopwatch import Stopwatch
from avatarstudio.render.vocabulary import Box, Frame, MediaResolver, SpeechTrack, Timed

__all__ = ["MediaResolver", "Progress", "Rendered", "render"]

log = logging.getLogger(__name__)

Progress = Callable[[float], None]
"""Called with the fraction done, 0..1."""

SPEECH_SHARE = 0.1
FRAMES_SHARE = 0.85
_NO_SAMPLES = np.zeros(0, dtype=np.float32)


@dataclass
class Rendered:
    video: Path
    thumbnail: Path
    gif: Path
    srt: Path
    vtt: Path
    ass: Path
    duration: float
    captioned: Path | None = None
    """The video with captions burned in, when the request asked for captions."""
    speech: Path | None = None
    """The video's speech alone (WAV, as long as its frames), for a caller that remixes the soundtrack."""
    notes: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage: speech, motion, avatar, compose, encode, side_files."""

    def files(self) -> dict[str, Path]:
        """Each file made, by its role (spec.OUTPUT_ROLES, whose names are this class's fields)."""
        return {role: getattr(self, role) for role in spec.OUTPUT_ROLES if getattr(self, role) is not None}


@dataclass
class _Scene:
    """A scene made ready to draw: its speech timings, frame count, and where its audio starts in the video's
    speech file (the samples are read back only while the scene is drawn)."""

    source: spec.Scene
    track: SpeechTrack
    n_frames: int
    audio_start: int
    first_frame: int
    """The scene's first frame's index in the whole video."""


@dataclass
class _Run:
    """What every step of one render shares: its inputs, its clock, and the notes for the video's status."""

    video: spec.VideoSpec
    workdir: Path
    resolve: MediaResolver
    progress: Progress
    clock: Stopwatch = field(default_factory=Stopwatch)
    notes: list[str] = field(default_factory=list)

    @property
    def speech_file(self) -> Path:
        return self.workdir / "speech.wav"


def render(video: spec.VideoSpec, workdir: Path, resolve: MediaResolver, progress: Progress = lambda _: None,
           max_seconds: float = 3600.0, planned: Callable[[float], None] = lambda _: None) -> Rendered:
    """Render the whole video into `workdir`; RenderError names what went wrong. `planned` hears the video's
    duration once the speech is known (a watchdog sizes its time budget by it)."""
    started = time.perf_counter()
    run = _Run(video, workdir, resolve, progress)
    with _as_render_errors():
        workdir.mkdir(parents=True, exist_ok=True)
        scenes = _speak(run)
        files = _outputs(run, _checked_duration(scenes, video.output.rate, max_seconds))
        planned(files.duration)
        words = _caption_words(scenes, video.output.rate)
        burn_in = _burn_in(run, words, files)
        output = video.output
        with encode.GifPreview(files.gif, output.rate, (output.width, output.height)) as preview:
            thumbnail = _draw_and_encode(run, scenes, burn_in, files, preview)
            with run.clock.stage("side_files"):
                _write_side_files(run, files, thumbnail, preview, words, burn_in)
    files.notes = run.notes
    files.stage_seconds = dict(run.clock.seconds)
    seconds = time.perf_counter() - started
    # The same figures as fields, for a JSON log line (logs.py): the worker's video id is added there.
    fields = {"video_seconds": round(files.duration, 3), "render_seconds": round(seconds, 3),
              "ratio": round(seconds / files.duration, 4) if files.duration > 0 else None,
              "stage_seconds": {stage: round(spent, 3) for stage, spent in files.stage_seconds.items()}}
    log.info("rendered %.1f s of video (%d scenes) in %.1f s: %s", files.duration, len(scenes), seconds,
             ", ".join(f"{stage} {spent:.2f} s" for stage, spent in files.stage_seconds.items()), extra=fields)
    progress(1.0)
    return files


@contextmanager
def _as_render_errors() -> Iterator[None]:
    """Every stage's own error as the RenderError a failed video reports: the one place they are translated."""
    try:
        yield
    except speech.SpeechError as error:
        code = "unsupported_locale" if error.code == "UNSUPPORTED_LOCALE" else "invalid_audio"
        raise RenderError(code, error.message, detail=error.code) from None
    except FaceError as error:
        raise RenderError("face_not_found", error.message, detail=error.code) from None
    except TwinError as error:
        raise RenderError("avatar_not_ready", error.message, detail=error.code) from None
    except ImageError as error:
        raise RenderError("invalid_image", str(error)) from None
    except encode.EncodeError as error:
        # ffmpeg's words name server paths: they go to the log, not to the user.
        log.warning("encoding failed: %s", error)
        raise RenderError("render_failed", "The video could not be encoded") from None


def _speak(run: _Run) -> list[_Scene]:
    """Every scene's speech, written to the speech file as soon as it is spoken, so an hour of speech is never
    held in memory; what stays is its timings."""
    output = run.video.output
    scenes: list[_Scene] = []
    with (soundfile.SoundFile(run.speech_file, "w", samplerate=speech.SAMPLE_RATE, channels=1,
                              subtype="FLOAT") as sink,
          large_buffers_unmapped()):
        for index, scene in enumerate(run.video.scenes):
            with run.clock.stage("speech"):
                track, n_frames = padded_to_frames(speak_scene(scene, run.resolve, output.captions), output.rate)
                sink.write(track.samples)
                release_garbage()
            timings = SpeechTrack(_NO_SAMPLES, track.sample_rate, track.words, track.phonemes)
            scenes.append(_Scene(scene, timings, n_frames, sink.tell() - len(track.samples),
                                 sum(done.n_frames for done in scenes)))
            if output.captions and isinstance(scene.speech, spec.AudioSpeech) and not track.words:
                run.notes.append(untranscribed_note(scene.speech, index))
            run.progress(SPEECH_SHARE * (index + 1) / len(run.video.scenes))
    return scenes


def _checked_duration(scenes: list[_Scene], fps: float, max_seconds: float) -> float:
    """The video's length in seconds, refused when it is over the service's limit."""
    duration = sum(scene.n_frames for scene in scenes) / fps
    if duration > max_seconds:
        raise RenderError("video_too_long", "Video is too long",
                          detail=f"{duration:.1f} s is longer than the limit of {max_seconds:.0f} s")
    return duration


def _outputs(run: _Run, duration: float) -> Rendered:
    workdir, container = run.workdir, run.video.output.container
    return Rendered(workdir / f"video.{container}", workdir / "thumbnail.jpg", workdir / "preview.gif",
                    workdir / "captions.srt", workdir / "captions.vtt", workdir / "captions.ass", duration,
                    speech=run.speech_file)


def _caption_words(scenes: list[_Scene], fps: float) -> list[Timed]:
    """Every scene's spoken words as its script writes them: glossary terms joined back first (render/speech/
    glossary.py), then punctuation restored."""
    return encode.video_words([_written_words(scene) + (scene.n_frames / fps,) for scene in scenes])


def _written_words(scene: _Scene) -> tuple[list[Timed], str | None]:
    said = scene.source.speech
    if not isinstance(said, spec.TextSpeech):
        return scene.track.words, None
    return glossary.as_written(scene.track.words, glossary.respell(said.text, said.pronunciations)), said.text


def _burn_in(run: _Run, words: list[Timed], files: Rendered) -> encode.BurnIn | None:
    """Captions drawn into a second copy of the video, when the request asked for captions."""
    output = run.video.output
    if not output.captions:
        return None
    burn_in, note = prepare_burn_in(words, output.width, output.height, run.workdir,
                                    run.workdir / f"captioned.{output.container}", files.ass.name)
    run.notes += [note] if note else []
    return burn_in


def _draw_and_encode(run: _Run, scenes: list[_Scene], burn_in: encode.BurnIn | None, files: Rendered,
                     preview: encode.GifPreview) -> Frame:
    """Draw every frame and stream it into the encoder and the GIF `preview`; returns the frame the thumbnail
    shows (one second in, or the middle of a shorter video)."""
    output = run.video.output
    target = encode.EncodeTarget(files.video, output.container, output.width, output.height, output.fps,
                                 output.bitrate)
    second = max(1, round(output.rate))
    total_frames = sum(scene.n_frames for scene in scenes)
    thumbnail: Frame | None = None
    written = 0
    mark = video_mark(run.video.watermark, run.resolve, output.width, output.height)
    with encode.VideoWriter(target, run.speech_file, speech.SAMPLE_RATE, burn_in, scratch=run.workdir,
                            planned_frames=total_frames) as writer:
        for index, scene in enumerate(scenes):
            scene.track.samples = read_samples(run.speech_file, scene.audio_start, scene.n_frames, output.rate)
            for frame in _scene_frames(run, scene, index, writer.hold_still, mark):
                with run.clock.stage("encode"):
                    writer.write(frame)
                    preview.offer(written, frame)
                written += 1
                if written == min(total_frames // 2, second):
                    thumbnail = _output_sized(frame, output)  # a copy: frame buffers are reused
                if written % second == 0:
                    run.progress(SPEECH_SHARE + FRAMES_SHARE * written / total_frames)
            scene.track.samples = _NO_SAMPLES
            release_garbage()
        with run.clock.stage("encode"):
            writer.close()
    return thumbnail if thumbnail is not None else _output_sized(frame, output)


def _output_sized(frame: Frame, output: spec.Output) -> Frame:
    """A copy of `frame` at the output's size (an avatar that is the whole picture comes at its own: _covers)."""
    return resize(frame, output.width, output.height).copy()


def _scene_frames(run: _Run, scene: _Scene, seed: int, hold_still: Callable[[Box | None], None],
                  mark: Mark | None) -> Iterator[Frame]:
    """Each of the scene's frames: its backdrop with its character drawn in, the watermark `mark` on top (one
    buffer, reused). Before the first, `hold_still` is told the box outside which all of them are the same (None:
    no such box)."""
    output, clock = run.video.output, run.clock
    with clock.stage("compose"):
        auto = scene.source.background.kind == "auto"
        photo = look_photo(scene.source.character, run.resolve) if auto else None
        backdrop = scene_backdrop(scene.source, output.width, output.height, run.resolve, run.notes, photo)
    character = scene.source.character
    if character is None:
        # A still backdrop alone never changes: an empty box (the encoder streams a token 2 x 2 of each frame).
        hold_still((0, 0, 0, 0) if backdrop.still is not None else None)
        with closing(backdrop.frames(scene.n_frames, output.fps)) as layers:
            for frame in layers:
                draw_mark(frame, mark)
                yield frame
        return
    with clock.stage("avatar"):
        engine, placement = placed_engine(character, (output.width, output.height), run.resolve,
                                          transparent=scene.source.background.kind == "transparent", auto=auto)
    with clock.stage("motion"):
        params = face_params(scene.track, output.rate, scene.n_frames, character.expressiveness, character.expression,
                             seed=seed, talking_style=character.talking_style, motion_prompt=character.motion_prompt,
                             notes=run.notes)
    if _covers(engine, placement, character.style, (output.width, output.height), mark):
        # Nothing under or over the avatar shows: its frames go to the encoder as they are, which scales them to the
        # output (a twin's footage: in YUV, a fifth of the work of scaling and compositing the RGBA frame here).
        hold_still(None)
        with closing(iter(engine.frames(params, SceneClock(output.rate, scene.first_frame)))) as avatars:
            for _ in range(scene.n_frames):
                with clock.stage("avatar"):
                    avatar = next(avatars)
                yield avatar
        return
    # After the first frame only the part of the canvas under the avatar's moving box is redrawn.
    area = None if backdrop.still is None else moving_area(placement, engine.size, engine.moving_box,
                                                           (output.width, output.height))
    hold_still(area)
    with (closing(backdrop.frames(scene.n_frames, output.fps, changing=area)) as layers,
          closing(iter(engine.frames(params, SceneClock(output.rate, scene.first_frame)))) as avatars):
        for index in range(scene.n_frames):
            with clock.stage("avatar"):
                avatar = next(avatars)
            with clock.stage("compose"):
                frame = next(layers)
                if index and area is not None:
                    composite_within(frame, area, avatar, placement, character.style, character.circle_background)
                    draw_mark(frame, mark, area)
                else:
                    composite_into(frame, avatar, placement, character.style, character.circle_background)
                    draw_mark(frame, mark)
            yield frame


def _covers(engine: AvatarEngine, placement: Placement, style: str, canvas: tuple[int, int],
            mark: Mark | None) -> bool:
    """Whether the avatar alone is the picture: opaque over the whole canvas, no circle cut from it, no watermark on
    it, and changing anywhere (an avatar changing in a box is better streamed as that box: see hold_still)."""
    return (engine.opaque and engine.moving_box is None and style != "circle" and mark is None
            and (placement.x, placement.y, placement.width, placement.height) == (0, 0, *canvas))


def _write_side_files(run: _Run, files: Rendered, thumbnail: Frame, preview: encode.GifPreview, words: list[Timed],
                      burn_in: encode.BurnIn | None) -> None:
    """The thumbnail, the GIF preview, and the caption files (the burned-in copy was made with the video)."""
    output = run.video.output
    encode.write_thumbnail(thumbnail, files.thumbnail)
    preview.finish()
    files.srt.write_text(encode.captions_srt(words))
    files.vtt.write_text(encode.captions_vtt(words))
    if burn_in is None:
        files.ass.write_text(encode.captions_ass(words, output.width, output.height))
    else:
        files.captioned = burn_in.path
