"""Reading the user's footage once: probe it against the limits, then decode its frames upright (rotation metadata
honoured) and its audio.

Any container and codec FFmpeg reads is accepted (MP4, MOV and WebM with H.264, HEVC or VP9 are what phones and
browsers make). The limits are checked from the container before any frame is decoded, so a ten-hour upload is
refused at once.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from avatarstudio.render.twin.errors import TwinError

MIN_SECONDS, MAX_SECONDS = 5.0, 600.0
MIN_SIDE = 240
"""Shorter side in pixels. 360p and up is what the issue asks for; PsychoPy's 352 x 288 test clip of a talking man
still makes a usable twin, so the floor is lower and README recommends 720p."""
MAX_SIDE = 4096
AUDIO_RATE = 16000


@dataclass(frozen=True)
class Probe:
    """What the container says: frame rate, upright size, duration (seconds) and frame count."""

    fps: float
    width: int
    height: int
    duration: float
    frames: int
    rotation: int
    """Degrees clockwise the decoded pictures are turned to stand upright (0, 90, 180, 270)."""


def probe(path: Path) -> Probe:
    """The footage's properties, checked against the limits. Raises TwinError naming the limit broken."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise TwinError("not_a_video", "The file has no video stream: upload an MP4, MOV or WebM video")
            stream = container.streams.video[0]
            fps = float(stream.average_rate or stream.guessed_rate or 0)
            duration = _duration(container, stream)
            first = next(container.decode(stream))
            rotation = _clockwise(first)
            width, height = first.width, first.height
    except (av.FFmpegError, StopIteration, UnicodeDecodeError):
        raise TwinError("not_a_video", "The file could not be read as a video: upload an MP4, MOV or WebM "
                                       "(H.264, HEVC or VP9)") from None
    if rotation in (90, 270):
        width, height = height, width
    if fps <= 0 or duration <= 0:
        raise TwinError("not_a_video", "The video has no frame rate or duration that can be read")
    if duration < MIN_SECONDS:
        raise TwinError("footage_too_short", f"Footage must be {MIN_SECONDS:g} s to {MAX_SECONDS / 60:g} min long; "
                                             f"this is {duration:.1f} s")
    if duration > MAX_SECONDS:
        raise TwinError("footage_too_long", f"Footage must be {MIN_SECONDS:g} s to {MAX_SECONDS / 60:g} min long; "
                                            f"this is {duration / 60:.1f} min")
    if min(width, height) < MIN_SIDE:
        raise TwinError("resolution_too_low", f"Footage must be at least {MIN_SIDE} pixels on its shorter side "
                                              f"(720p or more is best); this is {width} x {height}")
    if max(width, height) > MAX_SIDE:
        raise TwinError("resolution_too_high", f"Footage may be at most {MAX_SIDE} pixels on its longer side (4K); "
                                               f"this is {width} x {height}")
    return Probe(fps, width, height, duration, max(1, round(duration * fps)), rotation)


def _duration(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return (container.duration or 0) / av.time_base


def _clockwise(frame: av.VideoFrame) -> int:
    """How far to turn `frame` clockwise to show it upright: the display matrix's angle is counter-clockwise."""
    return round(-float(getattr(frame, "rotation", 0) or 0) / 90) % 4 * 90


def frames(path: Path, rotation: int) -> Iterator[np.ndarray]:
    """Every frame of the footage as upright RGB uint8, in order, decoded on a second thread."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            rgb = frame.to_ndarray(format="rgb24")
            yield np.ascontiguousarray(np.rot90(rgb, k=-rotation // 90)) if rotation else rgb


def audio(path: Path) -> np.ndarray:
    """The footage's sound as mono float32 at AUDIO_RATE (empty when it has none)."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return np.zeros(0, np.float32)
        resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
        pieces = []
        for frame in container.decode(container.streams.audio[0]):
            pieces += [chunk.to_ndarray().reshape(-1) for chunk in resampler.resample(frame)]
        pieces += [chunk.to_ndarray().reshape(-1) for chunk in resampler.resample(None)]
    return np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, np.float32)
