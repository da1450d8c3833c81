"""Eyelids that close over a photo's eyes without smearing.

For each eye, the upper lid line moves down towards the lower lid by `blink`. The strip of lid skin above the
eye (`LID_BAND` eye heights) is stretched down with it, column by column, so the lid that covers the eye is the
person's own skin and the lashes travel with the lid's edge; nothing is dragged sideways. At the corners, where
the lids meet, nothing moves, so the change blends into the unchanged face.
"""
from __future__ import annotations

import cv2
import numpy as np

from avatarstudio.render.face.landmarks import EYES

LID_BAND = 1.3     # eye heights of skin above the upper lid that stretch down over the eye
MIN_BLINK = 0.02   # below this the eyes are left as they are


def close_eyelids(crop: np.ndarray, dest: np.ndarray, blink: float) -> None:
    """Close both eyes in `crop` (RGBA, in place) by `blink` 0..1; `dest` holds the landmarks in crop pixels."""
    if blink < MIN_BLINK:
        return
    for eye in EYES:
        left, right = eye["corners"]
        upper = dest[[left, *eye["upper"], right]]
        lower = dest[[left, *eye["lower"], right]]
        _close_one(crop, upper, lower, min(blink, 1.0))


def _close_one(crop: np.ndarray, upper: np.ndarray, lower: np.ndarray, blink: float) -> None:
    eye_height = float((lower[:, 1] - upper[:, 1]).max())
    if eye_height < 1.0:
        return
    band = LID_BAND * eye_height + 2.0
    height, width = crop.shape[:2]
    x0 = max(0, int(np.floor(upper[:, 0].min())))
    x1 = min(width, int(np.ceil(upper[:, 0].max())) + 1)
    y0 = max(0, int(np.floor(upper[:, 1].min() - band)))
    y1 = min(height, int(np.ceil(lower[:, 1].max())) + 2)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    xs = np.arange(x0, x1, dtype=np.float32)
    lid = np.interp(xs, *upper[np.argsort(upper[:, 0])].T)
    floor = np.maximum(np.interp(xs, *lower[np.argsort(lower[:, 0])].T), lid)
    closed = lid + blink * (floor - lid)
    skin_top = lid - band
    ys = np.arange(y0, y1, dtype=np.float32)[:, None]
    stretch = (lid - skin_top) / np.maximum(closed - skin_top, 1e-3)
    source_y = np.where((ys >= skin_top) & (ys < closed), skin_top + (ys - skin_top) * stretch, ys)
    map_x = np.broadcast_to(xs - x0, source_y.shape).astype(np.float32)
    region = crop[y0:y1, x0:x1].copy()
    crop[y0:y1, x0:x1] = cv2.remap(region, map_x, (source_y - y0).astype(np.float32), cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REPLICATE)
