"""spec -> files. Runs the stages in order, streams frames into the encoder, and reports progress.

speech (per scene) -> motion -> avatar frames -> composition -> encoding -> side files (thumbnail, GIF,
subtitles). Only one frame exists at a time, so memory does not grow with the video's length.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import soundfile
from PIL import Image

from avatarstudio import spec
from avatarstudio.catalog import voices
from avatarstudio.errors import RenderError
from avatarstudio.render import encode, speech
from avatarstudio.render.avatars import AvatarEngine, builtin_engine, builtin_photo, photo_engine
from avatarstudio.render.compose.backdrop import Backdrop, PlayingVideo, first_video_frame, still_backdrop
from avatarstudio.render.compose.background import background_canvas
from avatarstudio.render.compose.blend import alpha_over
from avatarstudio.render.compose.captions import prepare_burn_in
from avatarstudio.render.compose.fill import face_centred, fill_backdrop, fills
from avatarstudio.render.compose.placement import Placement, composite_into, composite_within, moving_area, place
from avatarstudio.render.encode.segment import Box
from avatarstudio.render.compose.text import render_text
from avatarstudio.render.compose.watermark import watermark_layer
from avatarstudio.render.face import FaceError
from avatarstudio.render.memory import large_buffers_unmapped, release_garbage
from avatarstudio.render.motion import face_params
from avatarstudio.render.stopwatch import Stopwatch
from avatarstudio.render.vocabulary import Frame, SpeechTrack, Timed

MediaResolver = Callable[[spec.MediaRef, str], Path]
"""(reference, expected kind 'image'|'audio'|'video') -> a local file with its bytes."""

Progress = Callable[[float], None]
"""Called with the fraction done, 0..1."""

Mark = tuple[Frame, int, int]
"""The watermark's pixels and where their top-left corner goes in the frame."""

SPEECH_SHARE = 0.1
_NO_SAMPLES = np.zeros(0, dtype=np.float32)
PLACEMENT_PROBE_HEIGHT = 256
FRAMES_SHARE = 0.85


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
    notes: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage: speech, motion, avatar, compose, encode, side_files."""


@dataclass
class _Scene:
    """A scene made ready to draw: its speech timings, frame count, and where its audio starts in the video's
    speech file (the samples are read back only while the scene is drawn)."""

    source: spec.Scene
    track: SpeechTrack
    n_frames: int
    audio_start: int


def _speak(scene: spec.Scene, resolve: MediaResolver, captions: bool) -> SpeechTrack:
    """The scene's speech at its requested volume (v3 voice_settings.volume: 1 full, 0 silent); uploaded audio is
    transcribed only when `captions` asks for its words."""
    track = _spoken(scene, resolve, captions)
    volume = getattr(scene.speech, "volume", 1.0)
    if volume != 1.0:
        track.samples = track.samples * np.float32(volume)
    return track


def _spoken(scene: spec.Scene, resolve: MediaResolver, captions: bool) -> SpeechTrack:
    said = scene.speech
    try:
        if isinstance(said, spec.TextSpeech):
            voice = voices.get_voice(said.voice_id)
            if voice is None:
                raise RenderError("render_failed", f"Voice {said.voice_id} not found")
            settings = speech.VoiceSettings(said.speed, said.pitch, said.locale, said.emotion, said.stability,
                                            said.style)
            return speech.synthesize(said.text, voice, settings)
        if isinstance(said, spec.Silence):
            return speech.silence(said.seconds)
        return speech.load_audio(resolve(said.audio, "audio"), said.language, transcribe=captions)
    except speech.SpeechError as error:
        code = "unsupported_locale" if error.code == "UNSUPPORTED_LOCALE" else "invalid_audio"
        raise RenderError(code, error.message, detail=error.code) from None


def _untranscribed(said: spec.AudioSpeech, index: int) -> str:
    """The status note for an uploaded recording that gave its captions no words."""
    if not speech.is_english(said.language):
        return (f"captions: scene {index + 1}'s uploaded audio is in {said.language}, and only English recordings "
                "are transcribed, so it has no captions")
    return (f"captions: no English words were recognised in the uploaded audio of scene {index + 1}, so it has none "
            "(uploaded audio is transcribed as English unless voice_settings.locale says otherwise)")


def _fit_to_frames(track: SpeechTrack, fps: int) -> tuple[SpeechTrack, int]:
    """Pad the scene's audio with silence to a whole number of frames so scenes cut cleanly on frame edges."""
    n_frames = max(1, int(np.ceil(track.duration * fps - 1e-6)))
    wanted = round(n_frames * track.sample_rate / fps)
    samples = np.zeros(wanted, dtype=np.float32)
    samples[: min(wanted, len(track.samples))] = track.samples[:wanted]
    return SpeechTrack(samples, track.sample_rate, track.words, track.phonemes), n_frames


def _caption_words(scene: _Scene) -> list[Timed]:
    """The scene's spoken words, labelled as written in its script (punctuation included) when it has one."""
    said = scene.source.speech
    if isinstance(said, spec.TextSpeech):
        return encode.as_written(scene.track.words, said.text)
    return scene.track.words


def _shifted(items: list[Timed], offset: float) -> list[Timed]:
    return [Timed(item.label, item.start + offset, item.end + offset) for item in items]


def _load_image(path: Path) -> Frame:
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGBA")).copy()
    except (OSError, ValueError) as error:
        raise RenderError("invalid_image", f"The image could not be decoded: {error}") from None


def _background(scene: spec.Scene, width: int, height: int, resolve: MediaResolver, notes: list[str]) -> Backdrop:
    """The scene's backdrop; a video is probed here and decoded while the scene's frames are drawn."""
    bg = scene.background
    text = render_text(scene.text, width, height) if scene.text is not None else None
    if text is not None and text.note:
        notes.append(text.note)
    if bg.kind == "video" and bg.media is not None:
        path = resolve(bg.media, "video")
        if bg.play_style != "freeze":
            return Backdrop(width, height, video=PlayingVideo(path, bg.fit, bg.play_style), text=text)
        layer = first_video_frame(path, width, height, bg.fit)
    elif bg.kind == "transparent":
        layer = background_canvas(width, height)
    elif bg.kind == "image" and bg.media is not None:
        layer = background_canvas(width, height, image=_load_image(resolve(bg.media, "image")), fit=bg.fit)
    elif bg.kind == "auto" and (photo := _photo(scene.character, resolve)) is not None \
            and fills((photo.shape[1], photo.shape[0]), (width, height)):
        with _one_face():
            layer = fill_backdrop(photo, width, height)
    else:
        layer = background_canvas(width, height, color=bg.color)
    return still_backdrop(layer, text)


def _photo(character: spec.Character | None, resolve: MediaResolver) -> Frame | None:
    """The photo a scene's character animates; None for a drawn look or no character."""
    if character is None:
        return None
    if isinstance(character.look, spec.BuiltinLook):
        return builtin_photo(character.look.avatar_id)
    return _load_image(resolve(character.look.image, "image"))


def _avatar(character: spec.Character, canvas: tuple[int, int], resolve: MediaResolver,
            transparent: bool = False, auto: bool = False) -> tuple[AvatarEngine, Placement]:
    """The look's engine, built at the size it is shown so frames need no resizing.

    A photo look's background is removed when the character asks for matting or the scene is `transparent`, and
    when the scene's background is `auto` and the photo does not fill the frame (then its face is centred too).
    """
    look = character.look
    matting = character.matting or transparent
    if isinstance(look, spec.BuiltinLook):
        make = partial(builtin_engine, look.avatar_id, matting=matting)
    else:
        make = partial(photo_engine, _load_image(resolve(look.image, "image")), matting=matting,
                       super_resolution=character.super_resolution)
    with _one_face():
        sizing = make(PLACEMENT_PROBE_HEIGHT)
        if auto and _photo(character, resolve) is not None and fills(sizing.size, canvas):
            character = face_centred(character, sizing.size, sizing.face_box, canvas)
            make = partial(make, matting=True)
        placement = place(sizing.size, canvas, character.scale, character.offset_x, character.offset_y,
                          character.style, face_box=sizing.face_box)
        return make(max(2, placement.height)), placement


@contextmanager
def _one_face() -> Iterator[None]:
    """A photo that does not show exactly one face fails the video with face_not_found, in the user's words."""
    try:
        yield
    except FaceError as error:
        raise RenderError("face_not_found", error.message, detail=error.code) from None


def _scene_frames(scene: _Scene, output: spec.Output, resolve: MediaResolver, notes: list[str], seed: int,
                  clock: Stopwatch, hold_still: Callable[[Box | None], None], mark: Mark | None) -> Iterator[Frame]:
    """Each of the scene's frames: its backdrop with its character drawn in, the watermark `mark` on top (one
    buffer, reused). Before the first, `hold_still` is told the box outside which all of them are the same (None:
    no such box)."""
    with clock.stage("compose"):
        backdrop = _background(scene.source, output.width, output.height, resolve, notes)
    character = scene.source.character
    if character is None:
        # A still backdrop alone never changes: an empty box (the encoder streams a token 2 x 2 of each frame).
        hold_still((0, 0, 0, 0) if backdrop.still is not None else None)
        with closing(backdrop.frames(scene.n_frames, output.fps)) as layers:
            for frame in layers:
                _draw_mark(frame, mark)
                yield frame
        return
    with clock.stage("avatar"):
        engine, placement = _avatar(character, (output.width, output.height), resolve,
                                    transparent=scene.source.background.kind == "transparent",
                                    auto=scene.source.background.kind == "auto")
    with clock.stage("motion"):
        params = face_params(scene.track, output.fps, scene.n_frames, character.expressiveness, character.expression,
                             seed=seed, talking_style=character.talking_style, motion_prompt=character.motion_prompt,
                             notes=notes)
    # After the first frame only the part of the canvas under the avatar's moving box is redrawn.
    area = None if backdrop.still is None else moving_area(placement, engine.size, engine.moving_box,
                                                           (output.width, output.height))
    hold_still(area)
    with closing(backdrop.frames(scene.n_frames, output.fps, changing=area)) as layers:
        for index, frame_params in enumerate(params):
            with clock.stage("avatar"):
                avatar = engine.frame(frame_params)
            with clock.stage("compose"):
                frame = next(layers)
                if index and area is not None:
                    composite_within(frame, area, avatar, placement, character.style, character.circle_background)
                    _draw_mark(frame, mark, area)
                else:
                    composite_into(frame, avatar, placement, character.style, character.circle_background)
                    _draw_mark(frame, mark)
            yield frame


def _draw_mark(frame: Frame, mark: Mark | None, area: Box | None = None) -> None:
    """The watermark over `frame`, only inside `area` when given: outside it, the frame still holds the watermark
    drawn on an earlier frame, and drawing it again would blend its soft edges twice."""
    if mark is None:
        return
    patch, x, y = mark
    x0, y0, x1, y1 = area or (0, 0, frame.shape[1], frame.shape[0])
    alpha_over(frame[y0:y1, x0:x1], patch, x - x0, y - y0)


def _watermark(video: spec.VideoSpec, resolve: MediaResolver) -> Mark | None:
    if video.watermark is None:
        return None
    image = _load_image(resolve(video.watermark.image, "image"))
    return watermark_layer(image, video.watermark, video.output.width, video.output.height)


def _scene_audio(speech_file: Path, scene: _Scene, fps: int) -> np.ndarray:
    """One scene's samples, read back from the video's speech file for the motion stage."""
    count = round(scene.n_frames * speech.SAMPLE_RATE / fps)
    samples, _ = soundfile.read(speech_file, start=scene.audio_start, frames=count, dtype="float32")
    return samples


def render(video: spec.VideoSpec, workdir: Path, resolve: MediaResolver, progress: Progress = lambda _: None,
           max_seconds: float = 3600.0) -> Rendered:
    """Render the whole video into `workdir`; RenderError names what went wrong."""
    workdir.mkdir(parents=True, exist_ok=True)
    output = video.output
    clock = Stopwatch()
    scenes: list[_Scene] = []
    notes: list[str] = []
    speech_file = workdir / "speech.wav"
    # Each scene's audio goes to disk as soon as it is spoken, so an hour of speech is never held in memory.
    with (soundfile.SoundFile(speech_file, "w", samplerate=speech.SAMPLE_RATE, channels=1, subtype="FLOAT") as sink,
          large_buffers_unmapped()):
        for index, scene in enumerate(video.scenes):
            with clock.stage("speech"):
                track, n_frames = _fit_to_frames(_speak(scene, resolve, output.captions), output.fps)
                sink.write(track.samples)
                release_garbage()
            timings = SpeechTrack(_NO_SAMPLES, track.sample_rate, track.words, track.phonemes)
            scenes.append(_Scene(scene, timings, n_frames, sink.tell() - len(track.samples)))
            if output.captions and isinstance(scene.speech, spec.AudioSpeech) and not track.words:
                notes.append(_untranscribed(scene.speech, index))
            progress(SPEECH_SHARE * (index + 1) / len(video.scenes))
    total_frames = sum(scene.n_frames for scene in scenes)
    duration = total_frames / output.fps
    if duration > max_seconds:
        raise RenderError("video_too_long", "Video is too long",
                          detail=f"{duration:.1f} s is longer than the limit of {max_seconds:.0f} s")

    words: list[Timed] = []
    offset = 0.0
    for scene in scenes:
        words += _shifted(_caption_words(scene), offset)
        offset += scene.n_frames / output.fps

    files = Rendered(workdir / f"video.{output.container}", workdir / "thumbnail.jpg", workdir / "preview.gif",
                     workdir / "captions.srt", workdir / "captions.vtt", workdir / "captions.ass", duration,
                     notes=notes)
    target = encode.EncodeTarget(files.video, output.container, output.width, output.height, output.fps)
    burn_in = None
    if output.captions:
        burn_in, note = prepare_burn_in(words, output.width, output.height, workdir,
                                        workdir / f"captioned.{output.container}", files.ass.name)
        files.notes += [note] if note else []
    thumbnail: Frame | None = None
    written = 0
    mark = _watermark(video, resolve)
    with encode.VideoWriter(target, speech_file, speech.SAMPLE_RATE, burn_in, scratch=workdir) as writer:
        for index, scene in enumerate(scenes):
            scene.track.samples = _scene_audio(speech_file, scene, output.fps)
            for frame in _scene_frames(scene, output, resolve, files.notes, index, clock, writer.hold_still, mark):
                with clock.stage("encode"):
                    writer.write(frame)
                written += 1
                if written == min(total_frames // 2, output.fps):
                    thumbnail = frame.copy()  # frame buffers are reused
                if written % output.fps == 0:
                    progress(SPEECH_SHARE + FRAMES_SHARE * written / total_frames)
            scene.track.samples = _NO_SAMPLES
            release_garbage()
        with clock.stage("encode"):
            writer.close()
    with clock.stage("side_files"):
        encode.write_thumbnail(thumbnail if thumbnail is not None else frame, files.thumbnail)
        encode.write_gif_preview(files.video, files.gif)
        files.srt.write_text(encode.captions_srt(words))
        files.vtt.write_text(encode.captions_vtt(words))
        if burn_in is None:
            files.ass.write_text(encode.captions_ass(words, output.width, output.height))
        else:
            files.captioned = burn_in.path
    files.stage_seconds = dict(clock.seconds)
    progress(1.0)
    return files
