"""A background video, decoded once per scene and streamed frame by frame, fitted to the canvas.

One ffmpeg process per scene decodes the file, retimes it, scales and places it, and writes raw RGBA frames to a
pipe; the renderer reads them one at a time into a reused buffer, so memory does not grow with the scene's
length, and the decoding runs beside the rest of the render on another core.

Timing (`play_style`), for a scene of N frames at the output rate; the source is resampled to the output
rate by dropping or repeating frames (ffmpeg's fps filter, nearest frame):

- ``freeze``: the first frame, held for the whole scene.
- ``loop``: played from the start and restarted from the start as often as the scene needs; the last loop is
  cut where the scene ends.
- ``fit_to_scene``: time-stretched (or compressed) so that exactly the whole clip spans the scene: frame i shows
  the source at i / N of its duration. Frames are repeated or dropped, never blended; audio is ignored.
- ``once``: played once; its last frame is held if the scene is longer, and it is cut if shorter.

Fit (`fit`), with the same geometry as still images (`background.fit_box`): ``cover`` and ``crop`` scale it by
max(W/w, H/h) and cut the overflow equally from both sides (an odd pixel from the left/top); ``contain`` scales it
by min(W/w, H/h) and centres it; ``none`` keeps its pixel size, centred, cut at the edges if larger. Where the
video does not cover the canvas (contain's bars, a small video with none) the frame is transparent: black in an
MP4, transparent in a WebM. Scaling is bilinear; the source's own colour matrix is honoured when converting to
RGB. The video's audio is never used.
"""
from __future__ import annotations

import logging
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from avatarstudio.errors import RenderError
from avatarstudio.render import processes
from avatarstudio.render.compose.background import fit_box
from avatarstudio.render.encode.ffmpeg import QUIET, ffmpeg_exe
from avatarstudio.render.vocabulary import Frame

log = logging.getLogger(__name__)

PLAY_STYLES = ("freeze", "loop", "fit_to_scene", "once")


def probe_video(path: Path) -> tuple[int, int, float]:
    """(width, height, duration in seconds) of the file's first video stream; RenderError if it has none."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise RenderError("render_failed", "The background video has no video stream")
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                duration = 0.0
    except (av.error.FFmpegError, OSError) as error:
        raise RenderError("render_failed", f"The background video could not be decoded: {error}") from None
    if width <= 0 or height <= 0:
        raise RenderError("render_failed", "The background video has no picture size")
    return width, height, duration


def filter_graph(source: tuple[int, int, float], width: int, height: int, fit: str, play_style: str,
                 n_frames: int, fps: int) -> str:
    """The ffmpeg -vf chain turning the decoded source into N RGBA frames of (width, height) for this scene."""
    if play_style not in PLAY_STYLES:
        raise ValueError(f"play_style must be one of {PLAY_STYLES}, got {play_style!r}")
    iw, ih, duration = source
    new_w, new_h, x, y = fit_box(iw, ih, width, height, fit)
    steps = ["setpts=PTS-STARTPTS"]
    if play_style == "fit_to_scene" and duration > 0:
        steps.append(f"setpts=PTS*{n_frames / fps / duration:.9f}")
    steps.append(f"fps={fps}")
    if (new_w, new_h) != (iw, ih):
        steps.append(f"scale={new_w}:{new_h}:flags=bilinear")
    steps.append("format=rgba")
    crop_x, crop_y = max(0, -x), max(0, -y)
    crop_w, crop_h = min(new_w - crop_x, width - max(0, x)), min(new_h - crop_y, height - max(0, y))
    if (crop_w, crop_h) != (new_w, new_h):
        steps.append(f"crop={crop_w}:{crop_h}:{crop_x}:{crop_y}:exact=1")
    if (crop_w, crop_h) != (width, height):
        steps.append(f"pad={width}:{height}:{max(0, x)}:{max(0, y)}:color=black@0")
    # Hold the last frame if the source runs out (once, or a rounding short of N with fit_to_scene).
    steps.append("tpad=stop=-1:stop_mode=clone")
    return ",".join(steps)


def video_frames(path: Path, width: int, height: int, fit: str, play_style: str, n_frames: int,
                 fps: int) -> Iterator[Frame]:
    """Exactly `n_frames` RGBA frames of the background video for one scene (see the module notes).

    The same buffer is yielded each time and refilled for the next frame, so the caller may draw on it but must
    copy a frame to keep it. Closing the iterator early stops the decoder. RenderError when the file cannot be
    decoded.
    """
    source = probe_video(path)
    wanted = 1 if play_style == "freeze" else n_frames
    arguments = [ffmpeg_exe(), *QUIET, *(["-stream_loop", "-1"] if play_style == "loop" else []),
                 "-i", str(path), "-an", "-sn",
                 "-vf", filter_graph(source, width, height, fit, play_style, n_frames, fps),
                 "-frames:v", str(wanted), "-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1"]
    frame = np.zeros((height, width, 4), np.uint8)
    view = memoryview(frame.reshape(-1))
    with tempfile.TemporaryFile(prefix="avatarstudio-bg-") as stderr:
        process = processes.popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr)
        try:
            for _ in range(wanted):
                if not _read_exactly(process.stdout, view):
                    process.wait()
                    stderr.seek(0)
                    said = stderr.read().decode("utf-8", errors="replace")[-500:].strip()
                    # ffmpeg's words name server paths: they go to the log, not to the user.
                    log.warning("decoding background video failed (ffmpeg exit %s): %s", process.returncode, said)
                    raise RenderError("render_failed", "The background video could not be decoded")
                yield frame
            held = frame.copy() if n_frames > wanted else frame
            for _ in range(n_frames - wanted):
                np.copyto(frame, held)
                yield frame
        finally:
            process.kill()
            process.wait()
            process.stdout.close()


def _read_exactly(stream, view: memoryview) -> bool:
    """Fills `view` from the pipe; False if the pipe ends first."""
    done = 0
    while done < len(view):
        count = stream.readinto(view[done:])
        if not count:
            return False
        done += count
    return True
