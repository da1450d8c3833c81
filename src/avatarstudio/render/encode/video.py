"""Streaming RGBA frames plus a mono audio track into one MP4 (H.264 + AAC) or WebM (VP9 with alpha + Opus).

While frames arrive, an ffmpeg process encodes them from its stdin into a video-only Matroska file (segment.py;
one process per group of frames that share a still, one for all of them otherwise). The audio is cut or padded to
exactly frames / fps, written as a WAV, and encoded alone by another run: from the start when the caller says how
many frames will come (the encode then overlaps the drawing: 0.6 s of AAC for 30 s of speech), else at close().
A last, short run copies (and joins) the video and the audio into the final container.
ffmpeg's own apad + -shortest cuts audio only to whole codec frames and overshot now and then (by 70 ms once,
by 0.8 s with empty audio); the last run costs a remux, which +faststart (MP4) needs anyway.

With a `BurnIn`, each process also writes a second video: its filter graph splits the frames and draws the ASS
subtitles on one branch with libass before encoding it, so both files are first-generation
encodes of the very same frames and differ only where captions are drawn (and by the encoder's own noise).
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Literal

import numpy as np
import soundfile

from avatarstudio.render.encode.audio import ENCODED_SAMPLE_RATE, fit_to_frames, write_wav
from avatarstudio.render.encode.ffmpeg import QUIET, EncodeError, ffmpeg_exe, partial_path, run_ffmpeg_into
from avatarstudio.render.encode.segment import (
    VIDEO_CODEC, Caption, Segment, Still, even_box, video_arguments, yuv_planes,
)
from avatarstudio.render.vocabulary import Box, Frame

AUDIO_CODEC: dict[str, list[str]] = {
    # The fast coder: 128 kb/s is ample for one voice either way, and it spends 0.6 s of CPU on 31 s of speech where
    # the default (twoloop) spends 0.9 s, while the video's frames are drawn.
    "mp4": ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "128k"],
    "webm": ["-c:a", "libopus", "-b:a", "96k"],
}
MUX_OPTIONS: dict[str, list[str]] = {"mp4": ["-movflags", "+faststart"], "webm": []}
BT709_TAGS = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
"""Container tags set again on the copied stream: libvpx-vp9 leaves primaries and transfer unknown."""


@dataclass(frozen=True)
class EncodeTarget:
    """One output file. Width and height must be even (yuv420p); MP4 drops alpha, so compose a background first."""

    path: Path
    container: Literal["mp4", "webm"]
    width: int
    height: int
    fps: int | Fraction = 25
    bitrate: int | None = None
    """Video bits a second to aim at; None: constant quality (segment.py's VIDEO_CODEC)."""


@dataclass(frozen=True)
class BurnIn:
    """A second output with subtitles drawn in: `ass` is the subtitle file and `fonts_dir` the folder of fonts
    libass may use; both must sit in the same folder under plain names (letters, digits, '.', '_', '-'), as
    ffmpeg runs there and names them relatively, which spares quoting paths inside a filter graph."""

    path: Path
    ass: Path
    fonts_dir: Path

    def check(self) -> None:
        if self.fonts_dir.parent != self.ass.parent:
            raise ValueError(f"{self.fonts_dir} and {self.ass} must be in the same folder")
        for name in (self.ass.name, self.fonts_dir.name):
            if not _PLAIN_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not a plain file name (letters, digits, '.', '_', '-')")


_PLAIN_NAME = re.compile(r"[A-Za-z0-9._-]+")


def audio_arguments(target: EncodeTarget, wav: Path) -> list[str]:
    """The audio's run, less its output: the WAV (frames / fps long) encoded alone, in the target's container."""
    return ["-i", str(wav), "-ar", str(ENCODED_SAMPLE_RATE), *AUDIO_CODEC[target.container], "-f", target.container]


def mux_arguments(target: EncodeTarget, videos: list[Path], audio: Path) -> list[str]:
    """The closing run, less its output: the encoded videos joined and copied, with the encoded `audio`
    (audio_arguments) copied beside them. Several runs' files are joined with the concat demuxer, through a list
    written beside them."""
    if len(videos) == 1:
        video_input = ["-i", str(videos[0])]
    else:
        listing = videos[0].with_name(f"{videos[0].stem}.txt")
        listing.write_text("".join(f"file '{video.name}'\n" for video in videos))
        video_input = ["-f", "concat", "-safe", "0", "-i", str(listing)]
    return [
        *video_input, "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0",
        "-c", "copy", *BT709_TAGS, *MUX_OPTIONS[target.container],
        "-f", target.container,
    ]


class VideoWriter:
    """Streams RGBA frames into ffmpeg; the audio is given up front (a float32 mono array, or a WAV file).

    The file lasts exactly frames / fps: the audio is cut or padded with silence to fit. `planned_frames`, when
    the caller knows how many frames it will write, lets the audio be encoded while they are drawn. It appears at
    `target.path` only when close() succeeds (it is written beside it first). Used as a context manager, an
    exception inside the block kills ffmpeg and leaves no partial file behind.

    `hold_still(box)` tells it that the frames that follow are all equal outside `box`: it then sends ffmpeg the
    first of them whole and only the box of the others (MP4 only: WebM's transparent pixels would blend, not
    replace). Each such group is one ffmpeg run; the runs' files are joined at close().
    """

    def __init__(self, target: EncodeTarget, samples: np.ndarray | Path, sample_rate: int,
                 burn_in: BurnIn | None = None, scratch: Path | None = None, planned_frames: int | None = None) -> None:
        if target.container not in VIDEO_CODEC:
            raise ValueError(f"container must be one of {sorted(VIDEO_CODEC)}, got {target.container!r}")
        if target.width <= 0 or target.height <= 0 or target.width % 2 or target.height % 2:
            raise ValueError(f"width and height must be positive and even, got {target.width}x{target.height}")
        if sample_rate <= 0:
            raise ValueError(f"sample_rate must be positive, got {sample_rate}")
        # Frames go to a temporary file first, so an unwritable target would otherwise surface only at close().
        if not os.access(target.path.parent, os.W_OK):
            raise EncodeError(f"cannot write {target.path}: {target.path.parent} is not a writable folder")
        if burn_in is not None:
            burn_in.check()
        self.target = target
        self.burn_in = burn_in
        self.frames_written = 0
        # The audio is read at close(); a long video's is better passed as a WAV file than as an array.
        self._audio = samples if isinstance(samples, Path) else np.asarray(samples, dtype=np.float32)
        self._sample_rate = sample_rate
        self._planes = yuv_planes(target.container, (target.width, target.height))
        # In the caller's `scratch` folder (a render's work dir) when given: a killed process leaves its partial
        # files where the next attempt, or the reaper, clears them, not in the system's temp folder.
        self._workdir = tempfile.TemporaryDirectory(prefix="avatarstudio-encode-", dir=scratch)
        self._segment: Segment | None = None
        self._videos: list[Path] = []
        self._captioned: list[Path] = []
        self._still_box: Box | None = None
        self._closed = False
        self._audio_run: Segment | None = None
        self._audio_frames = 0
        self._encoded_audio = Path(self._workdir.name) / f"audio.{target.container}"
        if planned_frames:
            self._start_audio(planned_frames)

    def hold_still(self, box: Box | None) -> None:
        """The frames written next are equal outside `box` (x0, y0, x1, y1), until the next call; None makes no
        such promise. Call it before each group's first frame."""
        if self.target.container != "mp4":
            return
        if box is not None:
            box = even_box(box, (self.target.width, self.target.height))
        if box == (0, 0, self.target.width, self.target.height):
            box = None
        if box is None and self._still_box is None:
            return  # whole frames go on in the same run
        self._end_segment()
        self._still_box = box

    def write(self, frame: Frame) -> None:
        """Queues one RGBA uint8 frame (copied: the caller may reuse its buffer); raises EncodeError if ffmpeg has
        died. A frame of another size than the target's is scaled to it, on the way to ffmpeg (planar.py: cheaper
        than scaling it first), except while frames are held still (their box is in the target's pixels)."""
        if self._closed:
            raise EncodeError(f"{self.target.path}: write() after the writer was closed")
        if frame.ndim != 3 or frame.shape[2] != 4 or frame.dtype != np.uint8:
            raise ValueError(f"expected a uint8 RGBA frame, got {frame.dtype} {frame.shape}")
        if self._still_box is not None and frame.shape[:2] != (self.target.height, self.target.width):
            raise ValueError(f"frames held still must be {self.target.width}x{self.target.height}, got "
                             f"{frame.shape[1]}x{frame.shape[0]}")
        if self._segment is None:
            self._segment = self._start_segment(frame)
        try:
            self._segment.write(frame)
        except EncodeError:
            self.abort()
            raise
        self.frames_written += 1

    def _start_segment(self, first: Frame) -> Segment:
        index = len(self._videos)
        folder = Path(self._workdir.name)
        video = folder / f"video-{index}.mkv"
        still = None
        if self._still_box is not None:
            still = Still(folder / f"still-{index}.yuv", self._still_box)
            still.path.write_bytes(b"".join(plane.data for plane in self._planes(first)))
        caption = None
        if self.burn_in is not None:
            caption = Caption(self.burn_in.ass.name, self.burn_in.fonts_dir.name, folder / f"captioned-{index}.mkv",
                              float(self.frames_written / self.target.fps))
            self._captioned.append(caption.output)
        arguments = video_arguments(self.target.container, (self.target.width, self.target.height), self.target.fps,
                                    video, still, caption, self.target.bitrate)
        self._videos.append(video)
        return Segment(str(self.target.path), arguments, self._still_box,
                       cwd=self.burn_in.ass.parent if self.burn_in is not None else None,
                       encoded=self._planes if still is None else yuv_planes(self.target.container))

    def _end_segment(self) -> None:
        """Lets the current run finish; the next frame starts another."""
        if self._segment is None:
            return
        segment, self._segment = self._segment, None
        try:
            segment.finish()
        except EncodeError:
            self.abort()
            raise

    def close(self) -> None:
        """Finishes the file and moves it into place; raises EncodeError with ffmpeg's stderr tail on failure."""
        if self._closed:
            return
        if self.frames_written == 0:
            self.abort()
            raise EncodeError(f"encoding {self.target.path} failed: no frames were written")
        self._end_segment()
        try:
            self._add_audio()
        except BaseException:
            self.abort()
            raise
        self._release()

    def abort(self) -> None:
        """Kills ffmpeg if it is still running and removes the partial output; safe to call more than once."""
        if self._segment is not None:
            self._segment.kill()
            self._segment = None
        self._stop_audio()
        partial_path(self.target.path).unlink(missing_ok=True)
        if self.burn_in is not None:
            partial_path(self.burn_in.path).unlink(missing_ok=True)
        self._release()

    def _start_audio(self, frames: int) -> None:
        """Encodes the audio fitted to `frames` frames, in the background, into the scratch folder."""
        self._stop_audio()
        arguments = audio_arguments(self.target, self._fitted_wav(frames))
        self._audio_run = Segment(f"the audio of {self.target.path}",
                                  [ffmpeg_exe(), *QUIET, "-y", *arguments, str(self._encoded_audio)], None)
        self._audio_run.end_input()
        self._audio_frames = frames

    def _stop_audio(self) -> None:
        if self._audio_run is not None:
            self._audio_run.kill()
            self._audio_run = None

    def _add_audio(self) -> None:
        """The closing run: the audio fitted to the frames written (encoded already when they were as many as
        planned), muxed with the video into the target's container."""
        if self._audio_run is None or self._audio_frames != self.frames_written:
            self._start_audio(self.frames_written)
        audio, self._audio_run = self._audio_run, None
        audio.finish()
        run_ffmpeg_into(self.target.path, mux_arguments(self.target, self._videos, self._encoded_audio),
                        f"writing {self.target.path}")
        if self.burn_in is not None:
            run_ffmpeg_into(self.burn_in.path, mux_arguments(self.target, self._captioned, self._encoded_audio),
                            f"writing {self.burn_in.path}")

    def _fitted_wav(self, frames: int) -> Path:
        """A WAV exactly `frames` / fps long: the caller's file when it already is, else a fitted copy."""
        wanted = round(frames * self._sample_rate / self.target.fps)
        if isinstance(self._audio, Path):
            if soundfile.info(self._audio).frames == wanted:
                return self._audio
            samples, _ = soundfile.read(self._audio, dtype="float32")
        else:
            samples = self._audio
        wav = Path(self._workdir.name) / "audio.wav"
        write_wav(wav, fit_to_frames(samples, self._sample_rate, frames, self.target.fps),
                  self._sample_rate)
        return wav

    def _release(self) -> None:
        self._closed = True
        self._workdir.cleanup()

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()
