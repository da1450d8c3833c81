"""The avatar engine interface: per-frame face parameters in, one RGBA frame out (the types are vocabulary's).

Every engine (drawn, photo, and later landmark-warped or neural ones) satisfies `AvatarEngine`, so the pipeline
can switch engines without knowing how a frame is made.
"""
from __future__ import annotations

from typing import Protocol

from avatarstudio.render.vocabulary import Box, FaceBox, FaceParams, Frame


class AvatarEngine(Protocol):
    """Turns face parameters into frames of one avatar look.

    Guarantees: `frame` returns a new or read-only RGBA uint8 array of `size` (width, height) for every call on
    one instance; equal params give equal frames; `face_box` describes where the face is at rest; outside
    `moving_box` (x0, y0, x1, y1 in frame pixels), every frame is the same, so a compositor need only redraw that
    part; None means any pixel may change.
    """

    size: tuple[int, int]
    face_box: FaceBox
    moving_box: Box | None

    def frame(self, params: FaceParams) -> Frame:
        """The avatar with `params` applied."""
        ...
