"""The avatar engine interface: a scene's face parameters in, one RGBA frame per parameter out (the types are
vocabulary's).

Every engine (drawn, photo, twin, and later neural ones) satisfies `AvatarEngine`, so the pipeline can switch
engines without knowing how a frame is made. An engine gets the scene's whole timeline up front: a still look
draws each frame from its own parameters alone (`StillLook` supplies that), while a look made of footage plans
over time (which footage frame plays behind, which real mouth fits) and continues from the previous scene.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from avatarstudio.render.vocabulary import Box, FaceBox, FaceParams, Frame


@dataclass(frozen=True)
class SceneClock:
    """Where a scene's frames sit in the whole video: output frames per second, and the index (in the whole
    video) of the scene's first frame."""

    fps: int
    first_frame: int = 0


class AvatarEngine(Protocol):
    """Turns a scene's face parameters into frames of one avatar look.

    Guarantees: `frames` yields one new or read-only RGBA uint8 array of `size` (width, height) per params, in
    order; the same params and clock give the same frames; `face_box` describes where the face is at rest; outside
    `moving_box` (x0, y0, x1, y1 in frame pixels), every frame is the same, so a compositor need only redraw that
    part; None means any pixel may change. `opaque` True promises that every pixel of every frame has alpha 255, so
    nothing under the avatar shows (False promises nothing).
    """

    size: tuple[int, int]
    face_box: FaceBox
    moving_box: Box | None
    opaque: bool

    def frames(self, params: Sequence[FaceParams], clock: SceneClock) -> Iterator[Frame]:
        """The scene's frames, one per entry of `params`."""
        ...


class StillLook:
    """For engines whose frame depends on its own parameters alone: `frames` draws them one by one."""

    def frame(self, params: FaceParams) -> Frame:
        """The avatar with `params` applied."""
        raise NotImplementedError

    def frames(self, params: Sequence[FaceParams], clock: SceneClock) -> Iterator[Frame]:
        return (self.frame(one) for one in params)
