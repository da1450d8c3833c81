"""A short animated GIF preview of a video's first seconds, for the API's gif_url."""
from __future__ import annotations

from math import ceil
from pathlib import Path

import cv2
import numpy as np

from avatarstudio.render.encode.ffmpeg import run_ffmpeg_into

GRAPH = ("[0:v]split[frames][sample];[sample]palettegen=reserve_transparent=1:stats_mode=full[palette];"
         "[frames][palette]paletteuse=dither=sierra2_4a:alpha_threshold=128")
"""One palette for the whole clip (palettegen, then paletteuse) keeps skin tones smooth. GIF transparency is on or
off per pixel: pixels with alpha below 128 become transparent, the rest opaque."""


class GifPreview:
    """The preview made from the frames as they are drawn, so the video is never decoded again for it (a VP9 with
    alpha needs libvpx's slow decoder for that). `offer` is handed each frame of the video in order; the ones the
    preview shows (the first `seconds`, at `fps`) are kept, `width` pixels wide, with their alpha, so a transparent
    WebM gives a transparent GIF. Most of the GIF's cost is the palette and its dithering, about 1.3 s of one core
    for 30 frames of 320 x 180."""

    def __init__(self, video_fps: float, size: tuple[int, int], seconds: float = 3.0, width: int = 320,
                 fps: int = 10) -> None:
        self.fps = fps
        self.size = (width, max(2, round(width * size[1] / size[0] / 2) * 2))
        self._shown = {round(step * video_fps / fps) for step in range(ceil(seconds * fps))}
        self._frames: list[np.ndarray] = []

    def offer(self, index: int, frame: np.ndarray) -> None:
        """Frame number `index` (from 0) of the video, RGBA; kept (a scaled copy) when the preview shows it."""
        if index in self._shown:
            self._frames.append(cv2.resize(frame, self.size, interpolation=cv2.INTER_AREA))

    def write(self, gif_path: Path) -> None:
        """The looping GIF of the frames kept. Raises EncodeError with ffmpeg's message on failure."""
        width, height = self.size
        run_ffmpeg_into(
            gif_path,
            ["-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}", "-framerate", str(self.fps),
             "-i", "pipe:0", "-filter_complex", GRAPH, "-loop", "0", "-f", "gif"],
            f"writing GIF preview {gif_path}",
            stdin=b"".join(frame.tobytes() for frame in self._frames),
        )
