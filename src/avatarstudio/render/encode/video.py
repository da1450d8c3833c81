"""Streaming RGBA frames plus a mono audio track into one MP4 (H.264 + AAC) or WebM (VP9 with alpha + Opus).

Two ffmpeg runs per file. While frames arrive, one process encodes them from its stdin into a video-only
Matroska file. At close(), when the frame count is known, the audio is cut or padded to exactly frames / fps,
written as a WAV, and a second, short run copies the video and encodes the audio into the final container.
ffmpeg's own apad + -shortest cuts audio only to whole codec frames and overshot now and then (by 70 ms once,
by 0.8 s with empty audio); the second run costs a remux, which +faststart (MP4) needs anyway.

With a `BurnIn`, the same process also writes a second video: its filter graph splits the incoming frames and
draws the ASS subtitles on one branch with libass before encoding it, so both files are first-generation
encodes of the very same frames and differ only where captions are drawn (and by the encoder's own noise).
"""
from __future__ import annotations

import os
import queue
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

import numpy as np
import soundfile

from avatarstudio.render.encode.audio import ENCODED_SAMPLE_RATE, fit_to_frames, write_wav
from avatarstudio.render.encode.ffmpeg import (
    QUIET, EncodeError, failure, ffmpeg_exe, partial_path, run_ffmpeg_into,
)
from avatarstudio.render.vocabulary import Frame

VIDEO_CODEC: dict[str, list[str]] = {
    # ultrafast keeps encoding within the 5 ms/frame budget at 720p on 2 cores (~215 fps; veryfast ~110 fps,
    # superfast ~155 fps); crf 20 pays for the weaker compression with bitrate, not with visible quality.
    "mp4": ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "20"],
    # VP9 keeps alpha only without alt-ref frames; realtime + cpu-used 8 is what makes it fast enough.
    "webm": [
        "-c:v", "libvpx-vp9", "-auto-alt-ref", "0", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1",
        "-crf", "32", "-b:v", "0",
    ],
}
AUDIO_CODEC: dict[str, list[str]] = {
    "mp4": ["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"],
    "webm": ["-c:a", "libopus", "-b:a", "96k"],
}
PIXEL_FORMAT = {"mp4": "yuv420p", "webm": "yuva420p"}
QUEUED_FRAMES = 2
"""Frames waiting for the writer thread: enough to keep ffmpeg fed, few enough to keep memory flat."""
BT709_TAGS = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
"""Container tags set again on the copied stream: libvpx-vp9 leaves primaries and transfer unknown."""


@dataclass(frozen=True)
class EncodeTarget:
    """One output file. Width and height must be even (yuv420p); MP4 drops alpha, so compose a background first."""

    path: Path
    container: Literal["mp4", "webm"]
    width: int
    height: int
    fps: int = 25


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


def _to_yuv(pixel_format: str) -> str:
    """The filter converting RGBA input with the BT.709 matrix into limited-range YUV, tagged as such.

    The tags go on the frames (setparams): encoders take colour properties from the frames they receive.
    """
    return (
        f"scale=out_color_matrix=bt709:out_range=tv,format={pixel_format},"
        "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv"
    )


def video_arguments(target: EncodeTarget, output: Path, burn_in: BurnIn | None = None,
                    captioned: Path | None = None) -> list[str]:
    """The streaming run: raw RGBA frames on stdin, encoded to a video-only Matroska file `output`, and with
    `burn_in` also to `captioned` with the subtitles drawn in (run it in the subtitles' folder)."""
    to_yuv = _to_yuv(PIXEL_FORMAT[target.container])
    codec = VIDEO_CODEC[target.container]
    source = [
        ffmpeg_exe(), *QUIET, "-y",
        "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{target.width}x{target.height}",
        "-framerate", str(target.fps), "-i", "pipe:0",
    ]
    if burn_in is None or captioned is None:
        return [*source, "-vf", to_yuv, *codec, "-f", "matroska", str(output)]
    alpha = ":alpha=1" if target.container == "webm" else ""
    graph = (f"[0:v]split=2[plain][tocaption];[plain]{to_yuv}[clean];"
             f"[tocaption]format=rgba,ass=filename={burn_in.ass.name}:fontsdir={burn_in.fonts_dir.name}{alpha},"
             f"format=rgba,{to_yuv}[captioned]")
    return [*source, "-filter_complex", graph,
            "-map", "[clean]", *codec, "-f", "matroska", str(output),
            "-map", "[captioned]", *codec, "-f", "matroska", str(captioned)]


def mux_arguments(target: EncodeTarget, video: Path, wav: Path) -> list[str]:
    """The closing run, less its output: the encoded video copied, the WAV (frames / fps long) encoded beside it."""
    return [
        "-i", str(video), "-i", str(wav), "-map", "0:v:0", "-map", "1:a:0",
        "-c:v", "copy", *BT709_TAGS,
        "-ar", str(ENCODED_SAMPLE_RATE), *AUDIO_CODEC[target.container],
        "-f", target.container,
    ]


class VideoWriter:
    """Streams RGBA frames into one ffmpeg process; audio is given up front (a float32 mono array + rate).

    The file lasts exactly frames / fps: the audio is cut or padded with silence to fit. It appears at
    `target.path` only when close() succeeds (it is written beside it first). Used as a context manager, an
    exception inside the block kills ffmpeg and leaves no partial file behind.
    """

    def __init__(self, target: EncodeTarget, samples: np.ndarray | Path, sample_rate: int,
                 burn_in: BurnIn | None = None) -> None:
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
        self._shape = (target.height, target.width, 4)
        self._workdir = tempfile.TemporaryDirectory(prefix="avatarstudio-encode-")
        self._video = Path(self._workdir.name) / "video.mkv"
        self._captioned = Path(self._workdir.name) / "captioned.mkv"
        self._stderr: IO[bytes] = tempfile.TemporaryFile(prefix="avatarstudio-ffmpeg-")
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            video_arguments(target, self._video, burn_in, self._captioned), stdin=subprocess.PIPE,
            stderr=self._stderr, cwd=burn_in.ass.parent if burn_in is not None else None,
        )
        self._frames: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=QUEUED_FRAMES)
        self._pipe_broken = threading.Event()
        self._pump_thread = threading.Thread(target=self._pump, daemon=True, name="encode-pipe")
        self._pump_thread.start()

    def write(self, frame: Frame) -> None:
        """Queues one RGBA uint8 frame of shape (height, width, 4) (copied: the caller may reuse its buffer);
        raises EncodeError if ffmpeg has died."""
        if self._process is None:
            raise EncodeError(f"{self.target.path}: write() after the writer was closed")
        if frame.shape != self._shape or frame.dtype != np.uint8:
            raise ValueError(f"expected a uint8 frame of shape {self._shape}, got {frame.dtype} {frame.shape}")
        if self._pipe_broken.is_set():
            self._process.wait()
            error = self._video_failure("ffmpeg stopped reading frames")
            self.abort()
            raise error
        self._frames.put(np.array(frame, copy=True))
        self.frames_written += 1

    def _pump(self) -> None:
        """The writer thread: hands queued frames to ffmpeg. A pipe write releases the GIL, so the next frame is
        drawn while ffmpeg takes this one; writing inline left one of the two cores idle for each frame."""
        stdin = self._process.stdin
        while (frame := self._frames.get()) is not None:
            if self._pipe_broken.is_set():
                continue
            try:
                stdin.write(frame.data)
            except (BrokenPipeError, ValueError):
                self._pipe_broken.set()

    def _stop_pump(self) -> None:
        self._frames.put(None)
        self._pump_thread.join()

    def close(self) -> None:
        """Finishes the file and moves it into place; raises EncodeError with ffmpeg's stderr tail on failure."""
        if self._process is None:
            return
        if self.frames_written == 0:
            self.abort()
            raise EncodeError(f"encoding {self.target.path} failed: no frames were written")
        self._stop_pump()
        try:
            self._process.stdin.close()
        except BrokenPipeError:
            pass
        if self._process.wait() != 0:
            error = self._video_failure(f"ffmpeg exit {self._process.returncode}")
            self.abort()
            raise error
        try:
            self._add_audio()
        except BaseException:
            self.abort()
            raise
        self._release()

    def abort(self) -> None:
        """Kills ffmpeg if it is still running and removes the partial output; safe to call more than once."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._pipe_broken.set()
            self._stop_pump()
            try:
                self._process.stdin.close()
            except BrokenPipeError:
                pass
        partial_path(self.target.path).unlink(missing_ok=True)
        if self.burn_in is not None:
            partial_path(self.burn_in.path).unlink(missing_ok=True)
        self._release()

    def _add_audio(self) -> None:
        """The closing run: audio fitted to the frames, muxed with the video into the target's container."""
        wav = self._fitted_wav()
        run_ffmpeg_into(self.target.path, mux_arguments(self.target, self._video, wav), f"writing {self.target.path}")
        if self.burn_in is not None:
            run_ffmpeg_into(self.burn_in.path, mux_arguments(self.target, self._captioned, wav),
                            f"writing {self.burn_in.path}")

    def _fitted_wav(self) -> Path:
        """A WAV exactly frames / fps long: the caller's file when it already is, else a fitted copy."""
        wanted = round(self.frames_written * self._sample_rate / self.target.fps)
        if isinstance(self._audio, Path):
            if soundfile.info(self._audio).frames == wanted:
                return self._audio
            samples, _ = soundfile.read(self._audio, dtype="float32")
        else:
            samples = self._audio
        wav = Path(self._workdir.name) / "audio.wav"
        write_wav(wav, fit_to_frames(samples, self._sample_rate, self.frames_written, self.target.fps),
                  self._sample_rate)
        return wav

    def _video_failure(self, what: str) -> EncodeError:
        self._stderr.seek(0)
        return failure(f"encoding {self.target.path} failed ({what})", self._stderr.read())

    def _release(self) -> None:
        self._process = None
        self._stderr.close()
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
