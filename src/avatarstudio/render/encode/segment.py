"""One streaming ffmpeg run: RGBA frames handed in, converted to planar YUV (planar.py) on the way to its stdin, a
video-only Matroska file (and its captioned twin) out.

A run takes either whole frames or, for frames that are all equal outside one box (a talking photo's moving face
on a still backdrop), the first frame once as a still and then only that box of each frame; ffmpeg overlays the
box on the still. At 720p that converts and sends a tenth of the pixels. VideoWriter strings runs together when
the still changes, one per scene, and joins their files.
"""
from __future__ import annotations

import queue
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from fractions import Fraction
from pathlib import Path
from typing import IO

import numpy as np

from avatarstudio.render import processes
from avatarstudio.render.encode import planar
from avatarstudio.render.encode.ffmpeg import QUIET, EncodeError, failure, ffmpeg_exe
from avatarstudio.render.vocabulary import Box, Frame

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
ALPHA = {"mp4": False, "webm": True}
"""Whether the container's video keeps the frames' alpha."""
QUEUED_FRAMES = 2
"""Frames waiting for the writer thread: enough to keep ffmpeg fed, few enough to keep memory flat."""
_TAGS = "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv"


@dataclass(frozen=True)
class Caption:
    """Subtitles to draw on a second output: `ass` and `fonts` are plain names in the folder ffmpeg runs in (so
    no path needs quoting inside the filter graph); `offset` is the run's first frame time in the video, in
    seconds, as the subtitle times count from the video's start."""

    ass: str
    fonts: str
    output: Path
    offset: float = 0.0


@dataclass(frozen=True)
class Still:
    """The run's frames are `frame` outside `box`: `frame` is stored at `path` (its yuv_planes), and only the box
    is streamed."""

    path: Path
    box: Box


def even_box(box: Box, size: tuple[int, int]) -> Box:
    """`box` grown to even edges inside a frame of even `size` (width, height), at least 2 x 2: yuv420p keeps one
    colour sample per 2 x 2 pixels, so a box on even edges is converted exactly as the whole frame would be."""
    width, height = size
    x0, y0 = min(box[0] // 2 * 2, width - 2), min(box[1] // 2 * 2, height - 2)
    x1, y1 = max(x0 + 2, min(width, -(-box[2] // 2) * 2)), max(y0 + 2, min(height, -(-box[3] // 2) * 2))
    return x0, y0, x1, y1


def yuv_planes(container: str, size: tuple[int, int] | None = None) -> Callable[[np.ndarray], list[np.ndarray]]:
    """What a run of `container` writes to ffmpeg for each frame, and for a still: its planes (planar.py), scaled
    to `size` (width, height) from a frame of another size when given."""
    return partial(planar.planes, alpha=ALPHA[container], size=size)


def _raw_input(width: int, height: int, fps: int | Fraction, source: str, pixel_format: str) -> list[str]:
    return ["-f", "rawvideo", "-pix_fmt", pixel_format, "-s", f"{width}x{height}", "-framerate", str(fps),
            "-i", source]


def video_arguments(container: str, size: tuple[int, int], fps: int | Fraction, output: Path,
                    still: Still | None = None, caption: Caption | None = None,
                    bitrate: int | None = None) -> list[str]:
    """The ffmpeg command of one run: raw planar YUV on stdin (yuv_planes: whole frames, or `still`'s box of each;
    the still's own file alike), encoded and tagged BT.709 into the video-only Matroska file `output`, and with `caption` also to `caption.output` with the subtitles drawn in.
    `fps` may be a Fraction (30000/1001 goes to ffmpeg as that ratio); `bitrate` (bits a second) replaces the
    constant quality with that average rate."""
    width, height = size
    pixel_format = planar.PIXEL_FORMAT[ALPHA[container]]
    if still is None:
        inputs = _raw_input(width, height, fps, "pipe:0", pixel_format)
        graph = f"[0:v]{_TAGS}[v]"
    else:
        x0, y0, x1, y1 = still.box
        inputs = [*_raw_input(width, height, fps, str(still.path), pixel_format),
                  *_raw_input(x1 - x0, y1 - y0, fps, "pipe:0", pixel_format)]
        graph = (f"[0:v]loop=loop=-1:size=1[still];"
                 f"[still][1:v]overlay=x={x0}:y={y0}:format=yuv420:shortest=1:eof_action=endall,{_TAGS}[v]")
    codec = VIDEO_CODEC[container] if bitrate is None else _at_bitrate(VIDEO_CODEC[container], bitrate)
    command = [ffmpeg_exe(), *QUIET, "-y", *inputs]
    if caption is None:
        return [*command, "-filter_complex", graph, "-map", "[v]", *codec, "-f", "matroska", str(output)]
    alpha = ":alpha=1" if container == "webm" else ""
    # libass times the subtitles by each frame's timestamp, which starts at 0 in every run.
    shift, unshift = (f"setpts=PTS+{caption.offset:.6f}/TB,", ",setpts=PTS-STARTPTS") if caption.offset else ("", "")
    graph += (f";[v]split=2[clean][tocaption];"
              f"[tocaption]{shift}ass=filename={caption.ass}:fontsdir={caption.fonts}{alpha}{unshift}[captioned]")
    return [*command, "-filter_complex", graph,
            "-map", "[clean]", *codec, "-f", "matroska", str(output),
            "-map", "[captioned]", *codec, "-f", "matroska", str(caption.output)]


def _at_bitrate(codec: list[str], bitrate: int) -> list[str]:
    """`codec`'s arguments with its constant quality (-crf, and VP9's -b:v 0) replaced by an average of `bitrate`
    bits a second, held within 1.5 times that over two seconds' buffer."""
    kept, skip = [], False
    for argument in codec:
        if skip:
            skip = False
        elif argument in ("-crf", "-b:v"):
            skip = True
        else:
            kept.append(argument)
    return [*kept, "-b:v", str(bitrate), "-maxrate", str(round(bitrate * 1.5)), "-bufsize", str(bitrate * 2)]


class Segment:
    """One running ffmpeg process fed by a writer thread (a run that reads only files calls end_input() at once).
    Each frame written goes to ffmpeg as the arrays `encoded` makes of it (on the writer thread), by default as it
    is. finish() waits for it; kill() abandons it."""

    def __init__(self, name: str, arguments: list[str], box: Box | None, cwd: Path | None = None,
                 encoded: Callable[[np.ndarray], list[np.ndarray]] = lambda frame: [frame]):
        self.frames = 0
        self._name = name
        self._box = box
        self._encoded = encoded
        self._stderr: IO[bytes] = tempfile.TemporaryFile(prefix="avatarstudio-ffmpeg-")
        self._process = processes.popen(arguments, stdin=subprocess.PIPE, stderr=self._stderr, cwd=cwd)
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=QUEUED_FRAMES)
        self._pipe_broken = threading.Event()
        self._pump_thread = threading.Thread(target=self._pump, daemon=True, name="encode-pipe")
        self._pump_thread.start()

    def write(self, frame: Frame) -> None:
        """Queues a copy of the frame (or of its box): the caller may reuse its buffer. Raises EncodeError if
        ffmpeg has stopped reading."""
        if self._pipe_broken.is_set():
            self._process.wait()
            raise self._failure("ffmpeg stopped reading frames")
        if self._box is not None:
            x0, y0, x1, y1 = self._box
            frame = frame[y0:y1, x0:x1]
        self._queue.put(np.array(frame, copy=True))
        self.frames += 1

    def _pump(self) -> None:
        """The writer thread: converts queued frames and hands them to ffmpeg. Conversion and pipe writes release
        the GIL, so the next frame is drawn meanwhile; writing inline left one of the two cores idle for each
        frame."""
        stdin = self._process.stdin
        while (frame := self._queue.get()) is not None:
            if self._pipe_broken.is_set():
                continue
            try:
                for part in self._encoded(frame):
                    stdin.write(part.data)
            except (BrokenPipeError, ValueError):
                self._pipe_broken.set()

    def end_input(self) -> None:
        """No more frames: ffmpeg goes on to finish its file while the caller does other work. Safe to repeat."""
        if self._pump_thread.is_alive():
            self._stop_pump()

    def finish(self) -> None:
        """Waits for ffmpeg to write out its last frames; raises EncodeError with its stderr if it failed."""
        self.end_input()
        if self._process.wait() != 0:
            raise self._failure(f"ffmpeg exit {self._process.returncode}")
        self._stderr.close()

    def kill(self) -> None:
        self._process.kill()
        self._pipe_broken.set()
        self.end_input()
        self._process.wait()
        self._stderr.close()

    def _stop_pump(self) -> None:
        self._queue.put(None)
        self._pump_thread.join()
        try:
            self._process.stdin.close()
        except BrokenPipeError:
            pass

    def _failure(self, what: str) -> EncodeError:
        self._stderr.seek(0)
        return failure(f"encoding {self._name} failed ({what})", self._stderr.read())
