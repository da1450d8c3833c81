"""The twin's own videos (the footage at its working size, the person's matte): written once by `prepare`, read
back by frame index while rendering.

They are H.264 with a keyframe every GOP frames, so a renderer playing the footage backwards (the ping-pong
timeline) decodes each group of pictures once and keeps it, instead of seeking before every frame. They are encoded
for fast decoding (no CABAC, no deblocking: measured on jwpIntro, decoding to RGB took half the time, encoding a
quarter less, for 8 % larger files), since every render decodes them again.
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

GOP = 12
WRITE_AHEAD = 4
QUALITY_CRF = 18


class ClipWriter:
    """Appends RGB (or, with `grey`, single-channel) uint8 frames of one size to an MP4. Frames are encoded on a
    second thread (x264 runs outside the GIL), up to WRITE_AHEAD behind the caller, so preparing a twin tracks the
    next frame meanwhile."""

    def __init__(self, path: Path, size: tuple[int, int], fps: float, grey: bool = False):
        self._container = av.open(str(path), "w")
        self._stream = self._container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        self._stream.width, self._stream.height = size
        self._stream.pix_fmt = "gray" if grey else "yuv420p"
        self._stream.options = {"crf": str(QUALITY_CRF), "preset": "superfast", "g": str(GOP),
                                "keyint_min": str(GOP), "sc_threshold": "0", "bf": "0", "tune": "fastdecode"}
        self._format = "gray" if grey else "rgb24"
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="clip-writer")
        self._pending: deque[Future] = deque()

    def write(self, image: np.ndarray) -> None:
        """Queues `image` (copied: the caller may reuse it); raises what encoding an earlier frame raised."""
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format=self._format)
        self._pending.append(self._worker.submit(self._encode, frame))
        while len(self._pending) > WRITE_AHEAD:
            self._pending.popleft().result()

    def _encode(self, frame: av.VideoFrame | None) -> None:
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> None:
        try:
            while self._pending:
                self._pending.popleft().result()
            self._encode(None)
        finally:
            self._worker.shutdown()
            self._container.close()


def copy_start(path: Path, out: Path, seconds: float) -> None:
    """The first `seconds` of a clip (whole groups of pictures) copied into `out` without re-encoding."""
    with av.open(str(path)) as source, av.open(str(out), "w") as target:
        stream = source.streams.video[0]
        copy = target.add_stream_from_template(stream)
        for packet in source.demux(stream):
            if packet.dts is None:
                continue
            if packet.is_keyframe and packet.pts * stream.time_base >= seconds:
                break
            packet.stream = copy
            target.mux(packet)


class ClipReader:
    """Frames of a clip written by ClipWriter, by index (0-based), decoded one group of pictures at a time."""

    def __init__(self, path: Path, grey: bool = False):
        self._container = av.open(str(path))
        self._stream = self._container.streams.video[0]
        self._format = "gray" if grey else "rgb24"
        self._cached: dict[int, np.ndarray | av.VideoFrame] = {}
        self._group = -1
        self._decoder = None

    def frame(self, index: int) -> np.ndarray:
        """Frame `index` (read-only). Reading forwards or backwards decodes every frame once; a frame is converted
        to RGB only when asked for (a render at a lower frame rate than the footage's skips some)."""
        group = index // GOP
        if group != self._group:
            self._load(group)
        index = index if index in self._cached else max(self._cached)
        found = self._cached[index]
        if isinstance(found, av.VideoFrame):
            found = found.to_ndarray(format=self._format)
            found.flags.writeable = False
            self._cached[index] = found
        return found

    def _load(self, group: int) -> None:
        if group != self._group + 1 or self._decoder is None:
            # One frame's duration in the stream's time base, times the group's first index: its keyframe.
            step = 1 / (self._stream.average_rate * self._stream.time_base)
            self._container.seek(int(group * GOP * step), stream=self._stream, backward=True, any_frame=False)
            self._decoder = self._container.decode(self._stream)
        self._cached = {}
        first = group * GOP
        for frame in self._decoder:
            index = round(frame.pts * self._stream.time_base * self._stream.average_rate)
            if index >= first:
                self._cached[index] = frame
            if index >= first + GOP - 1:
                break
        self._group = group

    def close(self) -> None:
        self._container.close()
