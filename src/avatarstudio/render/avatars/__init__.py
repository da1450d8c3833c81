"""Avatar engines: face parameters in, RGBA frames out (see base.py for the interface).

`builtin_engine` renders a catalogue look, `photo_engine` a user's photo, `placed_engine` a scene's character
(those, or a digital twin from render/twin) at the size and place it is shown. How each built-in look is made (which
drawn palette and framing, which crop of which photo) is recorded here, keyed by the catalogue's avatar ids.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial
from importlib.resources import files

import numpy as np
from PIL import Image

from avatarstudio import spec
from avatarstudio.catalog import avatars as catalog
from avatarstudio.render import twin
from avatarstudio.render.avatars.base import AvatarEngine
from avatarstudio.render.avatars.drawn import PALETTES, VIEWPORTS, DrawnEngine
from avatarstudio.render.avatars.photo import PhotoEngine
from avatarstudio.render.compose.fill import face_centred, fills
from avatarstudio.render.compose.image_file import load_image
from avatarstudio.render.compose.placement import Placement, place
from avatarstudio.render.vocabulary import FaceBox, FaceParams, Frame, MediaResolver

__all__ = ["AvatarEngine", "FaceBox", "FaceParams", "builtin_engine", "builtin_photo", "look_image", "look_photo",
           "photo_engine", "placed_engine"]

PLACEMENT_PROBE_HEIGHT = 256
"""The height of the engine built only to learn a look's proportions and face position before placing it."""


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


def look_photo(character: spec.Character | None, resolve: MediaResolver) -> Frame | None:
    """The photo a scene's character animates; None for a drawn look, a twin (its footage is no photo) or no
    character."""
    if character is None or isinstance(character.look, spec.TwinLook):
        return None
    if isinstance(character.look, spec.BuiltinLook):
        return builtin_photo(character.look.avatar_id)
    return load_image(resolve(character.look.image, "image"))


def photo_engine(image: Frame, height: int, matting: bool = False, super_resolution: bool = False) -> AvatarEngine:
    """An engine for a user's photo (RGBA, RGB or grey uint8), frames exactly `height` pixels tall.

    The face is found and animated by a landmark-driven warp (photo.py); `matting` makes the background
    transparent; `super_resolution` sharpens a photo enlarged to `height` (upscale.py). Raises
    `render.face.FaceError` when the photo does not show exactly one face.
    """
    return PhotoEngine(image, height, matting=matting, super_resolution=super_resolution)


def placed_engine(character: spec.Character, canvas: tuple[int, int], resolve: MediaResolver,
                  transparent: bool = False, auto: bool = False) -> tuple[AvatarEngine, Placement]:
    """The character's engine, built at the size it is shown so frames need no resizing, and where it goes.

    A photo look's background is removed when the character asks for matting or the scene is `transparent`, and
    when the scene's background is `auto` and the photo does not fill the frame (then its face is centred too).
    Raises `render.face.FaceError` for a photo without exactly one face, `render.twin.TwinError` for a twin whose
    prepared files cannot be read.
    """
    look = character.look
    matting = character.matting or transparent
    if isinstance(look, spec.TwinLook):
        return _placed_twin(character, look, canvas, resolve, matting)
    if isinstance(look, spec.BuiltinLook):
        make = partial(builtin_engine, look.avatar_id, matting=matting)
    else:
        make = partial(photo_engine, load_image(resolve(look.image, "image")), matting=matting,
                       super_resolution=character.super_resolution)
    sizing = make(PLACEMENT_PROBE_HEIGHT)
    if auto and look_photo(character, resolve) is not None and fills(sizing.size, canvas):
        character = face_centred(character, sizing.size, sizing.face_box, canvas)
        make = partial(make, matting=True)
    placement = place(sizing.size, canvas, character.scale, character.offset_x, character.offset_y,
                      character.style, face_box=sizing.face_box)
    return make(max(2, placement.height)), placement


def _placed_twin(character: spec.Character, look: spec.TwinLook, canvas: tuple[int, int], resolve: MediaResolver,
                 matting: bool) -> tuple[AvatarEngine, Placement]:
    """A twin fills the frame with its footage (cropped around the person) unless the person is to be cut out
    (matting, a transparent background) or placed (scale, offset, closeUp, circle)."""
    prepared = twin.load(resolve(spec.MediaRef("twin", look.twin_id), "twin"))
    if not matting and (character.style, character.scale, character.offset_x, character.offset_y) == (
            "normal", 1.0, 0.0, 0.0):
        return twin.filling(prepared, canvas, look.precision), Placement(0, 0, *canvas)
    sizing = twin.placed(prepared, PLACEMENT_PROBE_HEIGHT, matting)
    placement = place(sizing.size, canvas, character.scale, character.offset_x, character.offset_y, character.style,
                      face_box=sizing.face_box)
    return twin.placed(prepared, max(2, placement.height), matting, look.precision), placement


@lru_cache(maxsize=None)
def look_image(avatar_id: str) -> Frame:
    """The look at rest as an RGBA still, `catalog.LOOK_HEIGHT` pixels tall (its preview image); cached and
    read-only. Raises `catalog.UnknownAvatar` for an id not in the catalogue."""
    still = builtin_engine(avatar_id, catalog.LOOK_HEIGHT).frame(FaceParams())
    still.flags.writeable = False
    return still


@lru_cache(maxsize=1)
def astronaut_photo() -> Frame:
    """scikit-image's astronaut.png (NASA, public domain) as RGB uint8, read-only."""
    with files("skimage.data").joinpath("astronaut.png").open("rb") as handle:
        photo = np.asarray(Image.open(handle).convert("RGB"))
    photo.flags.writeable = False
    return photo
