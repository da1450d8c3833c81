"""The inside of an opened mouth, drawn between the moved inner lips of a photo.

Layers, back to front: the cavity (a dark red gradient, deepest in the middle of the opening and towards the
centre of the mouth), a tongue hint rising from the lower lip once the mouth is open enough, and the upper
teeth. When the photo shows its own teeth (its lips are parted), the photo's mouth interior is moved with the
upper lip and the head, so the person's real teeth stay attached under the upper lip; otherwise an ivory band
shaded towards the corners stands in for them. Everything is drawn within the opening's bounding box only.
"""
from __future__ import annotations

import cv2
import numpy as np

from avatarstudio.render.avatars.rig import FaceRig
from avatarstudio.render.face.landmarks import INNER_CORNERS, INNER_LOWER_LIP, INNER_UPPER_LIP
from avatarstudio.render.vocabulary import FaceParams

CAVITY_EDGE = np.array([96, 40, 42], np.float32)
CAVITY_DEEP = np.array([30, 9, 12], np.float32)
TONGUE = np.array([166, 82, 86], np.float32)
TEETH = np.array([232, 226, 214], np.float32)
TEETH_HEIGHT = 0.11        # mouth widths, for the stand-in teeth
PHOTO_TEETH_GAP = 0.06     # mouth widths of parted lips in the photo above which its own teeth are used
TONGUE_FROM = 0.12         # mouth widths of opening at which the tongue starts to show
UPPER_RING = (INNER_CORNERS[0], *INNER_UPPER_LIP, INNER_CORNERS[1])
LOWER_RING = (INNER_CORNERS[0], *INNER_LOWER_LIP, INNER_CORNERS[1])
OPENING = UPPER_RING + LOWER_RING[::-1][1:-1]
"""The inner lip contour, once round: corner, upper lip left to right, corner, lower lip right to left."""

SUBPIXEL = 2  # cv2 drawing works in 1/4-pixel units with shift=2


def _fill(shape: tuple[int, int], polygon: np.ndarray) -> np.ndarray:
    """An anti-aliased coverage mask (float32 0..1) of a polygon in a box of `shape` (height, width)."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(polygon * (1 << SUBPIXEL)).astype(np.int32)], 255, cv2.LINE_AA, SUBPIXEL)
    return mask.astype(np.float32) * (1.0 / 255.0)


def _curve(points: np.ndarray, xs: np.ndarray) -> np.ndarray:
    order = np.argsort(points[:, 0])
    return np.interp(xs, points[order, 0], points[order, 1])


def draw_interior(crop: np.ndarray, base: np.ndarray, origin: tuple[int, int], rig: FaceRig, dest: np.ndarray,
                  params: FaceParams) -> None:
    """Paint the mouth's inside into `crop` (RGBA, a region of the frame at `origin`) in place.

    `base` is the unwarped frame the crop came from; `dest` the moved landmarks in frame pixels.
    """
    ox, oy = origin
    ring = dest[list(OPENING)] - (ox, oy)
    upper, lower = dest[list(UPPER_RING)] - (ox, oy), dest[list(LOWER_RING)] - (ox, oy)
    height, width = crop.shape[:2]
    x0, y0 = (max(0, int(np.floor(v)) - 2) for v in ring.min(axis=0))
    x1, y1 = int(np.ceil(ring[:, 0].max())) + 3, int(np.ceil(ring[:, 1].max())) + 3
    x1, y1 = min(width, x1), min(height, y1)
    if x1 <= x0 or y1 <= y0 or (lower[:, 1] - upper[:, 1]).max() < 0.5:
        return
    box = (y1 - y0, x1 - x0)
    coverage = _fill(box, ring - (x0, y0))
    if coverage.max() == 0:
        return
    xs = np.arange(x0, x1, dtype=np.float32)
    top, bottom = _curve(upper, xs)[None, :], _curve(lower, xs)[None, :]
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    opening = np.maximum(bottom - top, 1.0)
    across = np.clip((ys - top) / opening, 0.0, 1.0)
    centre_x = (upper[0, 0] + upper[-1, 0]) / 2
    half = max((upper[-1, 0] - upper[0, 0]) / 2, 1.0)
    profile = np.sqrt(np.clip(1.0 - ((xs[None, :] - centre_x) / half) ** 2, 0.0, 1.0))
    depth = (np.sin(np.pi * across) * profile)[..., None]
    colour = CAVITY_EDGE + (CAVITY_DEEP - CAVITY_EDGE) * depth
    width_px = rig.mouth_width
    tongue_show = np.clip((opening / width_px - TONGUE_FROM) / TONGUE_FROM, 0.0, 1.0)
    tongue = (np.clip((across - 0.55) / 0.3, 0.0, 1.0) * profile * tongue_show)[..., None]
    colour = colour + (TONGUE * (0.6 + 0.4 * profile[..., None]) - colour) * tongue
    teeth, teeth_cover = _teeth(base, (x0 + ox, y0 + oy), box, rig, params, top - y0, profile)
    colour = colour + (teeth - colour) * teeth_cover[..., None]
    region = crop[y0:y1, x0:x1, :3].astype(np.float32)
    blended = region + (colour - region) * coverage[..., None]
    crop[y0:y1, x0:x1, :3] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)


def _teeth(base: np.ndarray, corner: tuple[int, int], box: tuple[int, int], rig: FaceRig, params: FaceParams,
           top: np.ndarray, profile: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(colour, coverage) of the upper teeth in the box whose top-left frame pixel is `corner`."""
    if rig.source_gap > PHOTO_TEETH_GAP * rig.mouth_width:
        upper_shift, _ = rig.lip_shifts(params)
        matrix = rig.head_matrix(params).copy()
        matrix[:, 2] += matrix[:, :2] @ np.array([0.0, upper_shift])
        matrix[:, 2] -= corner
        # The whole RGBA frame goes in (a channel slice would make cv2 copy the frame on every call).
        colour = cv2.warpAffine(base, matrix, (box[1], box[0]), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE)[..., :3].astype(np.float32)
        photo_ring = rig.points[list(OPENING)].astype(np.float64)
        moved = photo_ring @ matrix[:, :2].T + matrix[:, 2]
        return colour, _fill(box, moved)
    ys = np.arange(box[0], dtype=np.float32)[:, None]
    band = TEETH_HEIGHT * rig.mouth_width * profile
    cover = np.clip((top + band - ys) / 1.5, 0.0, 1.0) * (ys >= top - 1)
    shade = (0.55 + 0.45 * profile)[..., None]
    return np.broadcast_to(TEETH, (*box, 3)) * shade, cover
