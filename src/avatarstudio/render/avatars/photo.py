"""A photo avatar for now: the still itself, moved gently as a whole.

The photo is enlarged once by `MARGIN` on every side; each frame is a window of the output size into it, shifted
by the head pose (head_x, head_y; breathing arrives through head_y). That is a pure slice, so a frame costs
nothing and never shows an edge. Head roll, mouth and eyes are not shown yet: issue #4 replaces this engine
with a landmark-driven warp of the face.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from avatarstudio.render.avatars.base import DEFAULT_FACE_BOX, FaceBox, FaceParams
from avatarstudio.render.compose.blend import as_rgba
from avatarstudio.render.vocabulary import Frame

MARGIN = 0.02  # of the frame's width and height, on each side: the most the window may shift


class PhotoEngine:
    """An `AvatarEngine` for one still photo, frames exactly `height` pixels tall (aspect kept)."""

    def __init__(self, image: Frame, height: int, face_box: FaceBox = DEFAULT_FACE_BOX):
        rgba = as_rgba(image)
        width = max(1, round(rgba.shape[1] * height / rgba.shape[0]))
        self.size = (width, height)
        self.face_box = face_box
        self._margin = (round(MARGIN * width), round(MARGIN * height))
        enlarged = (width + 2 * self._margin[0], height + 2 * self._margin[1])
        self._photo = np.asarray(Image.fromarray(rgba, "RGBA").resize(enlarged, Image.Resampling.LANCZOS))
        self._face_px = face_box.height * height

    def frame(self, params: FaceParams) -> Frame:
        """The photo window for the head pose in `params` (shifts beyond the margin stop at it); read-only."""
        mx, my = self._margin
        dx = int(np.clip(round(params.head_x * self._face_px), -mx, mx))
        dy = int(np.clip(round(params.head_y * self._face_px), -my, my))
        # The content moves right/down by (dx, dy): the window moves the other way.
        window = self._photo[my - dy:my - dy + self.size[1], mx - dx:mx - dx + self.size[0]]
        window.flags.writeable = False
        return window
