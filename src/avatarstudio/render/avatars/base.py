"""The avatar engine interface: per-frame face parameters in, one RGBA frame out.

Every engine (drawn, photo, and later landmark-warped or neural ones) satisfies `AvatarEngine`, so the pipeline
can switch engines without knowing how a frame is made.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from avatarstudio.render.vocabulary import Frame


@dataclass(frozen=True)
class FaceParams:
    """One frame's pose and expression. Every field 0 is the neutral face at rest.

    head_x and head_y are fractions of the face height (positive = right / down); head_roll is in degrees
    (positive = clockwise on screen). Engines may ignore what they cannot show (a still photo ignores the mouth).
    """

    mouth_open: float = 0.0
    mouth_round: float = 0.0
    blink: float = 0.0
    smile: float = 0.0
    head_x: float = 0.0
    head_y: float = 0.0
    head_roll: float = 0.0


@dataclass(frozen=True)
class FaceBox:
    """Where the face is in an engine's frames: centre (cx of the width, cy of the height) and its height (of the
    frame height), all fractions. Framing styles (closeUp, circle) centre on it."""

    cx: float
    cy: float
    height: float


DEFAULT_FACE_BOX = FaceBox(cx=0.5, cy=0.35, height=0.3)
"""A head-and-shoulders portrait, for frames whose face position is unknown."""


class AvatarEngine(Protocol):
    """Turns face parameters into frames of one avatar look.

    Guarantees: `frame` returns a new or read-only RGBA uint8 array of `size` (width, height) for every call on
    one instance; equal params give equal frames; `face_box` describes where the face is at rest; outside
    `moving_box` (x0, y0, x1, y1 in frame pixels), every frame is the same, so a compositor need only redraw that
    part; None means any pixel may change.
    """

    size: tuple[int, int]
    face_box: FaceBox
    moving_box: tuple[int, int, int, int] | None

    def frame(self, params: FaceParams) -> Frame:
        """The avatar with `params` applied."""
        ...
