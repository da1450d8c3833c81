"""Avatar engines: face parameters in, RGBA frames out (see base.py for the interface).

`builtin_engine` renders a catalogue look, `photo_engine` a user's photo. How each built-in look is made (which
drawn palette and framing, which crop of which photo) is recorded here, keyed by the catalogue's avatar ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np
from PIL import Image

from avatarstudio.catalog import avatars as catalog
from avatarstudio.render.avatars.base import DEFAULT_FACE_BOX, AvatarEngine, FaceBox, FaceParams
from avatarstudio.render.avatars.drawn import PALETTES, VIEWPORTS, DrawnEngine
from avatarstudio.render.avatars.photo import PhotoEngine
from avatarstudio.render.vocabulary import Frame

__all__ = ["AvatarEngine", "FaceBox", "FaceParams", "builtin_engine", "photo_engine"]


@dataclass(frozen=True)
class DrawnLook:
    palette: str
    viewport: str


@dataclass(frozen=True)
class PhotoCrop:
    """A crop (x0, y0, x1, y1) of a source photo whose face occupies `face` (x0, y0, x1, y1), both in its pixels."""

    crop: tuple[int, int, int, int]
    face: tuple[int, int, int, int]

    def face_box(self) -> FaceBox:
        x0, y0, x1, y1 = self.crop
        fx0, fy0, fx1, fy1 = self.face
        return FaceBox(
            cx=((fx0 + fx1) / 2 - x0) / (x1 - x0),
            cy=((fy0 + fy1) / 2 - y0) / (y1 - y0),
            height=(fy1 - fy0) / (y1 - y0),
        )


ASTRONAUT_FACE = (176, 62, 272, 172)  # hairline to chin in skimage's 512 x 512 astronaut.png
LOOKS: dict[str, DrawnLook | PhotoCrop] = {
    "Ava_drawn_front": DrawnLook("ava", "front"),
    "Ava_drawn_close": DrawnLook("ava", "close"),
    "Noah_drawn_front": DrawnLook("noah", "front"),
    "Noah_drawn_close": DrawnLook("noah", "close"),
    "Astronaut_Portrait_public": PhotoCrop((0, 0, 512, 512), ASTRONAUT_FACE),
    "Astronaut_Closeup_public": PhotoCrop((64, 0, 384, 320), ASTRONAUT_FACE),
    "Astronaut_Vertical_public": PhotoCrop((80, 0, 368, 512), ASTRONAUT_FACE),
}


def builtin_engine(avatar_id: str, height: int) -> AvatarEngine:
    """An engine for a catalogue look, producing frames exactly `height` pixels tall.

    Raises `catalog.UnknownAvatar` for an id that is not in the catalogue.
    """
    if catalog.get_avatar(avatar_id) is None:
        raise catalog.UnknownAvatar(avatar_id)
    look = LOOKS[avatar_id]
    if isinstance(look, DrawnLook):
        return DrawnEngine(PALETTES[look.palette], VIEWPORTS[look.viewport], height)
    return PhotoEngine(astronaut_photo()[look.crop[1]:look.crop[3], look.crop[0]:look.crop[2]], height, look.face_box())


def photo_engine(image: Frame, height: int, face_box: FaceBox = DEFAULT_FACE_BOX) -> AvatarEngine:
    """An engine for a user's photo (RGBA, RGB or grey uint8), frames exactly `height` pixels tall.

    For now the still moves gently as a whole; `face_box` (where the face is, if known) sets the pivot.
    """
    return PhotoEngine(image, height, face_box)


@lru_cache(maxsize=1)
def astronaut_photo() -> Frame:
    """scikit-image's astronaut.png (NASA, public domain) as RGB uint8, read-only."""
    with files("skimage.data").joinpath("astronaut.png").open("rb") as handle:
        photo = np.asarray(Image.open(handle).convert("RGB"))
    photo.flags.writeable = False
    return photo
