"""A short animated GIF preview of a video's first seconds, for the API's gif_url."""
from __future__ import annotations

from math import ceil
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from avatarstudio.render.encode.ffmpeg import QUIET, EncodeError, ffmpeg_exe, partial_path
from avatarstudio.render.encode.segment import Segment

GRAPH = ("[0:v]split[frames][sample];[sample]palettegen=reserve_transparent=1:stats_mode=full[palette];"
         "[frames][palette]paletteuse=dither=bayer:bayer_scale=2:alpha_threshold=128")
"""One palette for the whole clip (palettegen, then paletteuse) keeps skin tones smooth. Ordered (Bayer) dithering
looks as smooth on a face as error diffusion (sierra2_4a) and, measured on 30 frames of a twin's footage, costs
0.4 s of CPU instead of 1.0 s and makes a file half as large. GIF transparency is on or off per pixel: pixels with
alpha below 128 become transparent, the rest opaque."""


class GifPreview:
    """The preview made from the frames as they are drawn, so the video is never decoded again for it (a VP9 with
    alpha needs libvpx's slow decoder for that). `offer` is handed each frame of the video in order; the ones the
    preview shows (the first `seconds`, at `fps`) go, `width` pixels wide and with their alpha (a transparent WebM
    gives a transparent GIF), to an ffmpeg that starts with the first of them. Once it has the last, it builds the
    palette and dithers (about 0.4 s of one core for 30 frames of 320 x 180 of real footage, most of the GIF's cost)
    while the video goes on being drawn; `finish` then only waits for it. Used as a context manager, an exception
    inside the block stops that ffmpeg and leaves no partial file behind."""

    def __init__(self, path: Path, video_fps: float, size: tuple[int, int], seconds: float = 3.0, width: int = 320,
                 fps: int = 10) -> None:
        self.path = path
        self.fps = fps
        self.size = (width, max(2, round(width * size[1] / size[0] / 2) * 2))
        self._shown = {round(step * video_fps / fps) for step in range(ceil(seconds * fps))}
        self._last = max(self._shown)
        self._encoder: Segment | None = None

    def offer(self, index: int, frame: np.ndarray) -> None:
        """Frame number `index` (from 0) of the video, RGBA; sent on (a scaled copy) when the preview shows it.
        Raises EncodeError if ffmpeg has stopped reading."""
        if index not in self._shown:
            return
        if self._encoder is None:
            self._encoder = self._start()
        self._encoder.write(cv2.resize(frame, self.size, interpolation=cv2.INTER_AREA))
        if index == self._last:
            self._encoder.end_input()

    def _start(self) -> Segment:
        width, height = self.size
        return Segment(str(self.path), [
            ffmpeg_exe(), *QUIET, "-y", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", f"{width}x{height}",
            "-framerate", str(self.fps), "-i", "pipe:0", "-filter_complex", GRAPH, "-loop", "0", "-f", "gif",
            str(partial_path(self.path)),
        ], None)

    def finish(self) -> None:
        """The looping GIF of the frames offered, moved into place at `path` once complete. Raises EncodeError with
        ffmpeg's message on failure, or when no frame was offered."""
        encoder, self._encoder = self._encoder, None
        if encoder is None:
            raise EncodeError(f"writing GIF preview {self.path} failed: no frames were offered")
        try:
            encoder.finish()
        except EncodeError:
            partial_path(self.path).unlink(missing_ok=True)
            raise
        partial_path(self.path).replace(self.path)

    def abort(self) -> None:
        """Stops ffmpeg if it is running and removes the partial file; safe to call more than once."""
        encoder, self._encoder = self._encoder, None
        if encoder is not None:
            encoder.kill()
            partial_path(self.path).unlink(missing_ok=True)

    def __enter__(self) -> GifPreview:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is not None:
            self.abort()
