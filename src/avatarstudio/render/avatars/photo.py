"""A photo avatar for now: the still itself, moved gently as a whole by one cheap affine per frame.

The head pose (head_x, head_y, head_roll) becomes a small translation and a rotation about the chin; mouth and
eyes are not animated yet (issue #4 replaces this engine with a landmark-driven warp of the face). The photo is
padded by repeating its edge pixels before it is moved, so the frame borders never show a gap, and it is
enlarged by `ZOOM` so that smear stays a few pixels wide.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image

from avatarstudio.render.avatars.base import DEFAULT_FACE_BOX, FaceBox, FaceParams
from avatarstudio.render.compose.blend import as_rgba
from avatarstudio.render.vocabulary import Frame

ZOOM = 1.03
PAD = 0.06  # of the larger side, replicated edge pixels around the photo


class PhotoEngine:
    """An `AvatarEngine` for one still photo, frames exactly `height` pixels tall (aspect kept)."""

    def __init__(self, image: Frame, height: int, face_box: FaceBox = DEFAULT_FACE_BOX):
        rgba = as_rgba(image)
        width = max(1, round(rgba.shape[1] * height / rgba.shape[0]))
        still = np.asarray(Image.fromarray(rgba, "RGBA").resize((width, height), Image.Resampling.LANCZOS))
        self.size = (width, height)
        self.face_box = face_box
        self._pad = math.ceil(PAD * max(width, height))
        self._padded = Image.fromarray(np.pad(still, ((self._pad,) * 2, (self._pad,) * 2, (0, 0)), mode="edge"))
        self._face_px = face_box.height * height
        self._pivot = (face_box.cx * width, (face_box.cy + face_box.height / 2) * height)
        self._rest = self._moved(0.0, 0.0, 0.0)

    def frame(self, params: FaceParams) -> Frame:
        """The photo moved by the head pose in `params`; a new (height, width, 4) array."""
        if not (params.head_x or params.head_y or params.head_roll):
            return self._rest.copy()
        return self._moved(params.head_x, params.head_y, params.head_roll)

    def _moved(self, head_x: float, head_y: float, head_roll: float) -> Frame:
        # Image.transform wants the inverse map: for each output pixel, where to read in the padded photo.
        angle = math.radians(head_roll)
        cos, sin = math.cos(angle) / ZOOM, math.sin(angle) / ZOOM
        px, py = self._pivot
        tx, ty = head_x * self._face_px, head_y * self._face_px
        # input = pivot + R(-roll) (output - pivot - t) / ZOOM, shifted by the padding.
        a, b = cos, sin
        d, e = -sin, cos
        ox, oy = -px - tx, -py - ty
        c = a * ox + b * oy + px + self._pad
        f = d * ox + e * oy + py + self._pad
        moved = self._padded.transform(self.size, Image.Transform.AFFINE, (a, b, c, d, e, f), Image.Resampling.BILINEAR)
        return np.asarray(moved)
