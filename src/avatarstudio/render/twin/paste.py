"""Putting a mouth from one footage frame onto another: align, warp, match colour, blend.

The source's lower face is already cut out in the reference face's coordinates (mouths.py). It is mapped onto the
background frame through the reference face (both frames' similarity transforms, from stable points steadied over
time), optionally warped on the way (thin-plate spline) so its lips and jaw take a target shape (both in one
resampling: one interpolation's blur, not two), shifted in colour so the two agree where the mask feathers out,
and blended over the lower face only: a hull from the jaw line to just under the nose, covering both faces' chins
(an opened jaw reaches lower than a closed one), feathered over a tenth of the face's width.
"""
from __future__ import annotations

import cv2
import numpy as np

from avatarstudio.render.avatars.warp import ThinPlate, cell_centres
from avatarstudio.render.twin import layout
from avatarstudio.render.twin.align import apply
from avatarstudio.render.twin.mouths import LOWER_OVAL, MouthReader
from avatarstudio.render.twin.twin import Twin

UNDER_NOSE = (206, 203, 98, 97, 2, 326, 327, 423, 426)
"""Cheeks and the nose's base, image left to right: the blend's upper edge."""
LIPS = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146,
        78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95)
CHIN_AREA = (152, 148, 377, 176, 400, 199, 175, 200, 18)
SHAPED = LIPS + CHIN_AREA
"""The points a mouth is warped by: where they sit gives the lips' and the jaw's shape."""
FEATHER = 0.1
"""Feather width as a fraction of the distance between the jaw's ends."""
HALF_SIZE_SIGMA = 3.0
"""Feathers this wide or wider are blurred at half size."""
SHRINK = 0.06
"""The hull is pulled this fraction towards the mouth, so the feather stays inside the face's outline."""
WARP_STEP = 6.0
"""Pixels between the points where the spline is evaluated (resized bilinearly in between)."""
WARP_SHARE = 0.7
"""How far the lips and jaw are moved from the chosen mouth's shape towards the target's; the rest of the
difference is left as the real mouth had it. Measured on jwpIntro against the whole way (1.0): the held-out mouth
SSIM rises from 0.863 to 0.875 and its flicker falls from 1.22x to 1.12x, new speech flickers 1.21x the footage
instead of 1.29x, and the lip opening follows the target shapes as closely (correlation 0.96; 0.95 at 0.5)."""


class MouthPaster:
    """Pastes source mouths onto background frames of one twin (both by footage frame index)."""

    def __init__(self, twin: Twin):
        self._twin = twin
        self._mouths = MouthReader(twin.file(layout.MOUTHS), twin.mouth_offsets)
        x0, y0, x1, y1 = twin.crop_box
        self._origin = np.array([x0, y0], np.float64)
        self._crop_size = (x1 - x0, y1 - y0)
        self._unit = float(max(self._crop_size))
        self._border = self._border_points()

    def _border_points(self) -> np.ndarray:
        width, height = self._crop_size
        xs, ys = np.linspace(0, width - 1, 5), np.linspace(0, height - 1, 5)
        return np.array([(x, y) for x in xs for y in ys if x in (xs[0], xs[-1]) or y in (ys[0], ys[-1])], np.float64)

    def _crop_from(self, behind: int, source: int) -> np.ndarray:
        """3 x 3: background frame pixels -> source crop pixels (through the steady reference face)."""
        twin = self._twin
        return (_translation(-self._origin) @ _square(twin.crop_transform[source])
                @ _square(cv2.invertAffineTransform(twin.to_reference[source])) @ _square(twin.to_reference[behind]))

    def paste(self, background: np.ndarray, behind: int, source: int, target: np.ndarray | None = None,
              second: int | None = None) -> None:
        """Draws frame `source`'s lower face over `background` (RGB uint8, footage frame `behind`, changed in
        place). `target`, the points SHAPED in the background frame's pixels, is the shape the lips and jaw are
        warped to (the held-out test warps to the true shape). With a `second` source warped to the same target, the two
        mouths are averaged (precision mode: what is particular to one frame, noise and blur, halves)."""
        twin = self._twin
        crop, to_crop, mouth_points, plate = self._shaped(behind, source, target)
        hull = np.concatenate([twin.points[behind][list(LOWER_OVAL + UNDER_NOSE)].astype(np.float64),
                               mouth_points[list(LOWER_OVAL)]])
        centre = twin.points[behind][list(LIPS)].mean(axis=0)
        hull = centre + (hull - centre) * (1 - SHRINK)
        jaw = np.linalg.norm(hull[0] - hull[len(LOWER_OVAL) - 1])
        feather = max(2.0, FEATHER * jaw)
        height, width = background.shape[:2]
        margin = int(np.ceil(2 * feather))
        x0, y0 = np.maximum(np.floor(hull.min(axis=0)).astype(int) - margin, 0)
        x1, y1 = np.minimum(np.ceil(hull.max(axis=0)).astype(int) + margin, (width, height))
        if x1 - x0 < 4 or y1 - y0 < 4:
            return
        patch = _patch(crop, to_crop, (x0, y0, x1, y1), plate)
        if second is not None and target is not None:
            other, other_to_crop, _, other_plate = self._shaped(behind, second, target)
            patch = cv2.addWeighted(patch, 0.5, _patch(other, other_to_crop, (x0, y0, x1, y1), other_plate), 0.5, 0)
        mask = np.zeros((y1 - y0, x1 - x0), np.float32)
        cv2.fillConvexPoly(mask, cv2.convexHull((hull - (x0, y0)).round().astype(np.int32)), 1.0)
        mask = _feathered(mask, feather / 2)
        region = background[y0:y1, x0:x1]
        ring = ((mask > 0.05) & (mask < 0.6)).astype(np.uint8)
        if ring.any():
            shift = np.subtract(cv2.mean(region, ring)[:3], cv2.mean(patch, ring)[:3])
            patch = cv2.add(patch, (*shift, 0.0))
        region[:] = cv2.blendLinear(patch, region, mask, 1 - mask)

    def _shaped(self, behind: int, source: int, target: np.ndarray | None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, ThinPlate | None]:
        """(crop, to_crop, mouth points, plate): frame `source`'s lower-face crop; the 3 x 3 map from background
        pixels into it; its landmarks in background pixels, once warped; the spline (in the crop's pixels) that warps
        it to `target`, where given."""
        twin = self._twin
        crop = self._mouths.crop(source)
        to_crop = self._crop_from(behind, source)
        source_in_crop = apply((_translation(-self._origin) @ _square(twin.crop_transform[source]))[:2],
                               twin.points[source].astype(np.float64))
        if target is None:
            return crop, to_crop, apply(cv2.invertAffineTransform(to_crop[:2]), source_in_crop), None
        chosen = list(SHAPED)
        target_in_crop = apply(to_crop[:2], target.astype(np.float64))
        moved = source_in_crop[chosen] + WARP_SHARE * (target_in_crop - source_in_crop[chosen])
        plate = ThinPlate(np.concatenate([source_in_crop[chosen], self._border]),
                          np.concatenate([moved, self._border]), self._unit)
        # Warped, the mouth has the background face's outline with (nearly) the target's lips and jaw.
        mouth_points = twin.points[behind].astype(np.float64)
        mouth_points[chosen] = apply(cv2.invertAffineTransform(to_crop[:2]), moved)
        return crop, to_crop, mouth_points, plate


def _patch(crop: np.ndarray, to_crop: np.ndarray, box: tuple[int, int, int, int], plate: ThinPlate | None
           ) -> np.ndarray:
    """The crop drawn into the background's `box`: each patch pixel maps into the crop by `to_crop`, then through
    `plate` (evaluated every WARP_STEP pixels, resized in between) where given."""
    x0, y0, x1, y1 = box
    # Patch pixel (u, v) is background pixel (x0 + u, y0 + v).
    patch_to_crop = (to_crop @ _translation(np.array([x0, y0], np.float64)))[:2]
    size = (x1 - x0, y1 - y0)
    if plate is None:
        return cv2.warpAffine(crop, patch_to_crop, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                              borderMode=cv2.BORDER_REPLICATE)
    cells = (max(2, round(size[0] / WARP_STEP)), max(2, round(size[1] / WARP_STEP)))
    sources = plate.source(apply(patch_to_crop, cell_centres(size, cells)))
    pixels = cv2.resize(sources.reshape(cells[1], cells[0], 2), size, interpolation=cv2.INTER_LINEAR)
    return cv2.remap(crop, pixels, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _feathered(mask: np.ndarray, sigma: float) -> np.ndarray:
    """`mask` blurred by a Gaussian of `sigma` pixels. A wide one is blurred at half size and scaled back: a
    quarter of the work, within 0.006 of the full-size blur for a face's feather (sigma 6.5)."""
    if sigma < HALF_SIZE_SIGMA:
        return cv2.GaussianBlur(mask, (0, 0), sigma)
    height, width = mask.shape
    half = cv2.resize(mask, ((width + 1) // 2, (height + 1) // 2), interpolation=cv2.INTER_AREA)
    return cv2.resize(cv2.GaussianBlur(half, (0, 0), sigma / 2), (width, height), interpolation=cv2.INTER_LINEAR)


def _square(matrix: np.ndarray) -> np.ndarray:
    return np.vstack([matrix, (0.0, 0.0, 1.0)])


def _translation(shift: np.ndarray) -> np.ndarray:
    return np.array([[1.0, 0.0, shift[0]], [0.0, 1.0, shift[1]], [0.0, 0.0, 1.0]])
