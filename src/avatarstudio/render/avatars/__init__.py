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
from avatarstudio.render.avatars.base import AvatarEngine, FaceBox, FaceParams
from avatarstudio.render.avatars.drawn import PALETTES, VIEWPORTS, DrawnEngine
from avatarstudio.render.avatars.photo import PhotoEngine
from avatarstudio.render.vocabulary import Frame

__all__ = ["AvatarEngine", "FaceBox", "FaceParams", "builtin_engine", "builtin_photo", "photo_engine"]


@dataclass(frozen=True)
class DrawnLook:
    palette: str
    viewport: str


@dataclass(frozen=True)
class PhotoCrop:
    """A crop (x0, y0, x1, y1) of a source photo, in its pixels. The face in it is found by render.face."""

    crop: tuple[int, int, int, int]


LOOKS: dict[str, DrawnLook | PhotoCrop] = {
    "Ava_drawn_front": DrawnLook("ava", "front"),
    "Ava_drawn_close": DrawnLook("ava", "close"),
    "Noah_drawn_front": DrawnLook("noah", "front"),
    "Noah_drawn_close": DrawnLook("noah", "close"),
    "Astronaut_Portrait_public": PhotoCrop((0, 0, 512, 512)),
    "Astronaut_Closeup_public": PhotoCrop((64, 0, 384, 320)),
    "Astronaut_Vertical_public": PhotoCrop((80, 0, 368, 512)),
}


def builtin_engine(avatar_id: str, height: int, matting: bool = False) -> AvatarEngine:
    """An engine for a catalogue look, producing frames exactly `height` pixels tall.

    `matting` makes a photo look's background transparent (drawn looks always are). Raises
    `catalog.UnknownAvatar` for an id that is not in the catalogue.
    """
    if catalog.get_avatar(avatar_id) is None:
        raise catalog.UnknownAvatar(avatar_id)
    look = LOOKS[avatar_id]
    if isinstance(look, DrawnLook):
        return DrawnEngine(PALETTES[look.palette], VIEWPORTS[look.viewport], height)
    return PhotoEngine(builtin_photo(avatar_id), height, matting=matting)


def builtin_photo(avatar_id: str) -> Frame | None:
    """The photo a catalogue look animates (RGB, read-only); None for a drawn look."""
    look = LOOKS[avatar_id]
    if isinstance(look, DrawnLook):
        return None
    x0, y0, x1, y1 = look.crop
    return astronaut_photo()[y0:y1, x0:x1]


def photo_engine(image: Frame, height: int, matting: bool = False, super_resolution: bool = False) -> AvatarEngine:
    """An engine for a user's photo (RGBA, RGB or grey uint8), frames exactly `height` pixels tall.

    The face is found and animated by a landmark-driven warp (photo.py); `matting` makes the background
    transparent; `super_resolution` sharpens a photo enlarged to `height` (upscale.py). Raises
    `render.face.FaceError` when the photo does not show exactly one face.
    """
    return PhotoEngine(image, height, matting=matting, super_resolution=super_resolution)


@lru_cache(maxsize=1)
def astronaut_photo() -> Frame:
    """scikit-image's astronaut.png (NASA, public domain) as RGB uint8, read-only."""
    with files("skimage.data").joinpath("astronaut.png").open("rb") as handle:
        photo = np.asarray(Image.open(handle).convert("RGB"))
    photo.flags.writeable = False
    return photo
