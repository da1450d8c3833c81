"""Filling the frame when a photo's shape differs from the video's and no background was asked for.

Placed as it is, a square portrait in a 16:9 video stands in the middle with bars on both sides. Video editors
fill such bars instead, and so does this module: the person is cut out (person segmentation, render/face) and
stands with the face at the frame's centre, over the photo's own background with the person painted out,
stretched to cover the frame, blurred and darkened so that it reads as depth, not as content. A photo that shows
too little background to extend (a tight close-up) gets a neutral studio backdrop instead: a soft grey vignette.
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from avatarstudio import spec
from avatarstudio.render.face import analyse
from avatarstudio.render.vocabulary import FaceBox, Frame

SHAPE_TOLERANCE = 0.02
"""Relative difference of aspect ratios under which a photo already fills the frame."""
PAINT_SIDE = 96
"""Pixels on the photo's longer side at which the person is painted out: the result is blurred anyway."""
PERSON_ABOVE = 0.1
"""Matte values above this count as the person when painting it out (its soft edge included)."""
MIN_BACKGROUND = 0.08
"""The fraction of the photo that must be background for it to be extended; below it, the studio backdrop."""
BLUR = 0.035
"""Gaussian sigma of the backdrop's blur, as a fraction of the frame's longer side."""
DARKEN = 0.62
"""What the extended background keeps of its brightness, so the sharp person stands out in front of it."""
STUDIO_CENTRE, STUDIO_EDGE = (74, 78, 88), (22, 24, 29)
WORK_DIVISOR = 8
"""The backdrop is built at an eighth of the frame's size and enlarged: a blur that wide hides the difference."""


def fills(photo_size: tuple[int, int], canvas: tuple[int, int]) -> bool:
    """Whether a photo of `photo_size` (width, height) leaves part of a `canvas` (width, height) to fill."""
    (pw, ph), (cw, ch) = photo_size, canvas
    return abs((pw / ph) / (cw / ch) - 1.0) > SHAPE_TOLERANCE


def fill_backdrop(photo: Frame, width: int, height: int) -> Frame:
    """An opaque RGBA backdrop of (height, width) for `photo` (RGB or RGBA uint8 with one face): its background
    with the person painted out, cover-fitted and centred on the face, blurred and darkened; or the studio
    backdrop when the photo shows too little background."""
    analysis = analyse(photo)
    work = (max(2, width // WORK_DIVISOR), max(2, height // WORK_DIVISOR))
    background = _painted_background(np.ascontiguousarray(photo[..., :3]), analysis.matte)
    if background is None:
        small = _studio(*work)
    else:
        factor = PAINT_SIDE / max(photo.shape[:2])
        small = _cover(background, analysis.face_centre()[0] * factor, work)
        sigma = BLUR * max(work)
        small = cv2.GaussianBlur(small.astype(np.float32), (0, 0), sigma, borderType=cv2.BORDER_REFLECT) * DARKEN
    layer = np.full((height, width, 4), 255, np.uint8)
    layer[..., :3] = np.clip(cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC) + 0.5, 0, 255)
    return layer


def face_centred(character: spec.Character, avatar_size: tuple[int, int], face_box: FaceBox,
                 canvas: tuple[int, int]) -> spec.Character:
    """The character cut out of its photo and moved sideways so its face is at the frame's centre (plus the
    offset it asked for). closeUp and circle already centre on the face, so only `normal` moves."""
    if character.style != "normal":
        return replace(character, matting=True)
    (aw, ah), (cw, ch) = avatar_size, canvas
    shown_width = character.scale * ch * aw / ah
    return replace(character, matting=True, offset_x=character.offset_x + (0.5 - face_box.cx) * shown_width / cw)


def _painted_background(rgb: np.ndarray, matte: np.ndarray) -> np.ndarray | None:
    """The photo at `PAINT_SIDE` with the person painted out from the background round it; None when the
    background is too small a part of the photo to stand for it."""
    height, width = rgb.shape[:2]
    factor = PAINT_SIDE / max(height, width)
    size = (max(2, round(width * factor)), max(2, round(height * factor)))
    small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    person = (cv2.resize(matte, size, interpolation=cv2.INTER_AREA) > PERSON_ABOVE).astype(np.uint8)
    person = cv2.dilate(person, np.ones((3, 3), np.uint8))
    if 1.0 - person.mean() < MIN_BACKGROUND:
        return None
    return cv2.inpaint(small, person * 255, 5, cv2.INPAINT_TELEA)


def _cover(image: np.ndarray, face_x: float, size: tuple[int, int]) -> np.ndarray:
    """`image` scaled to cover `size` (width, height), its crop centred on `face_x` as far as the image allows."""
    ih, iw = image.shape[:2]
    width, height = size
    scale = max(width / iw, height / ih)
    left = min(max(face_x * scale - width / 2, 0.0), iw * scale - width)
    top = (ih * scale - height) / 2
    matrix = np.float32([[scale, 0, -left], [0, scale, -top]])
    return cv2.warpAffine(image, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def _studio(width: int, height: int) -> np.ndarray:
    """A neutral backdrop: light grey behind the head fading to dark at the corners (float32 RGB)."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    distance = np.hypot((xs + 0.5) / width - 0.5, ((ys + 0.5) / height - 0.4) * height / width)
    weight = np.clip(distance / 0.75, 0.0, 1.0)[..., None]
    return np.float32(STUDIO_CENTRE) * (1 - weight) + np.float32(STUDIO_EDGE) * weight
