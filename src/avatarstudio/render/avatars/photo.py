"""The photo engine: a still photo that talks, by a landmark-driven warp of its face region only.

Built once per look and size: the photo's face analysis (landmarks, matte; cached per image), the photo sized
to the frame (upscale.py), a crop box around the head and a thin-plate warp of that crop (warp.py). Per frame:
the rig (rig.py) moves the landmarks for the `FaceParams`; a smooth warp of the crop carries the head, rounding
and smile so the control landmarks land there while the crop's border stays put (no seam with the untouched
frame), composed with the exact per-column opening of lips and jaw (columns.py); the opened mouth's inside is
drawn (mouth.py) and the eyelids are closed (eyes.py). Only the crop is computed; the rest of the frame is a copy.

With `matting`, the frame's alpha is the person matte, so the background is transparent.
"""
from __future__ import annotations

import cv2
import numpy as np

from avatarstudio.render.avatars.base import StillLook
from avatarstudio.render.avatars.columns import MouthColumns
from avatarstudio.render.avatars.eyes import close_eyelids
from avatarstudio.render.avatars.mouth import draw_interior
from avatarstudio.render.avatars.rig import CONTROL, FaceRig
from avatarstudio.render.avatars.upscale import fit_height
from avatarstudio.render.avatars.warp import ThinPlateWarp
from avatarstudio.render.compose.blend import as_rgba
from avatarstudio.render.face import FaceAnalysis, analyse
from avatarstudio.render.face.landmarks import CHIN, FACE_OVAL, FOREHEAD
from avatarstudio.render.vocabulary import FaceBox, FaceParams, Frame

CROP_SIDE = 0.45     # face heights of margin left and right of the face oval
CROP_ABOVE = 0.65    # face heights above landmark 10 (the hair moves with the head)
CROP_BELOW = 0.45    # face heights below the chin (the neck stretches, the shoulders stay)
GRID_CELLS = 18      # warp grid cells per face height
ANCHORS_PER_SIDE = 10
COLUMN_MARGIN = 0.1  # face heights round the mouth-opening warp that the head's motion may move it


class PhotoEngine(StillLook):
    """An `AvatarEngine` for one photo (RGBA, RGB or grey uint8), frames exactly `height` pixels tall.

    Raises `FaceError` (from render.face) when the photo does not show exactly one face.
    """

    def __init__(self, image: Frame, height: int, matting: bool = False, super_resolution: bool = False):
        rgba = as_rgba(image)
        analysis = analyse(rgba)
        self._base = fit_height(rgba, height, super_resolution)
        width = self._base.shape[1]
        self.size = (width, height)
        scale = np.array([width / rgba.shape[1], height / rgba.shape[0]], np.float32)
        if matting:
            self._base[..., 3] = _matte_alpha(analysis, self._base[..., 3], (width, height))
        self._base.flags.writeable = False
        points = analysis.points * scale
        self._rig = FaceRig(points)
        face_height = self._rig.face_height
        centre_x, centre_y = analysis.face_centre()
        self.face_box = FaceBox(cx=centre_x * float(scale[0]) / width, cy=centre_y * float(scale[1]) / height,
                                height=face_height / height)
        oval = points[list(FACE_OVAL)]
        x0 = max(0, int(oval[:, 0].min() - CROP_SIDE * face_height))
        x1 = min(width, int(np.ceil(oval[:, 0].max() + CROP_SIDE * face_height)))
        y0 = max(0, int(points[FOREHEAD, 1] - CROP_ABOVE * face_height))
        y1 = min(height, int(np.ceil(points[CHIN, 1] + CROP_BELOW * face_height)))
        self._origin = np.array([x0, y0], np.float32)
        self._box = (x0, y0, x1, y1)
        self.moving_box = self._box
        self.opaque = False  # a photo may have transparent pixels, and a matte makes them
        self._anchors = _border_points(x1 - x0, y1 - y0, ANCHORS_PER_SIDE)
        self._control = list(CONTROL)
        self._warp = ThinPlateWarp((x1 - x0, y1 - y0), max(2.0, face_height / GRID_CELLS), (x0, y0))
        self._columns = MouthColumns(self._rig)
        margin = round(COLUMN_MARGIN * face_height)
        self._column_box = (max(x0, self._columns.x0 - margin) - x0, max(y0, self._columns.top - margin) - y0,
                            min(x1, self._columns.x1 + margin) - x0, min(y1, self._columns.bottom + margin) - y0)

    def frame(self, params: FaceParams) -> Frame:
        """The photo with the face moved, the mouth opened and the eyes closed as `params` say (a new array)."""
        lifted, dest = self._rig.pose(params)
        local = dest - self._origin
        src = np.vstack([lifted[self._control] - self._origin, self._anchors])
        map_x, map_y = self._warp.maps(src, np.vstack([local[self._control], self._anchors]))
        cx0, cy0, cx1, cy1 = self._column_box
        near_y = map_y[cy0:cy1, cx0:cx1]
        near_y[...] = self._columns.unwarp(cx0 + int(self._origin[0]), near_y, self._columns.rows(params))
        crop = cv2.remap(self._base, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        x0, y0, x1, y1 = self._box
        draw_interior(crop, self._base, (x0, y0), self._rig, dest, params)
        close_eyelids(crop, local, params.blink)
        out = self._base.copy()
        out[y0:y1, x0:x1] = crop
        return out


def _matte_alpha(analysis: FaceAnalysis, alpha: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    matte = cv2.resize(analysis.matte, size, interpolation=cv2.INTER_LINEAR)
    return (alpha.astype(np.float32) * matte + 0.5).astype(np.uint8)


def _border_points(width: int, height: int, per_side: int) -> np.ndarray:
    """Points spread evenly round a (width, height) box's edge, corners included: the warp pins them."""
    right, bottom = width - 1.0, height - 1.0
    steps = np.linspace(0.0, 1.0, per_side, endpoint=False)
    edges = [np.stack([steps * right, np.zeros_like(steps)], 1),
             np.stack([np.full_like(steps, right), steps * bottom], 1),
             np.stack([right - steps * right, np.full_like(steps, bottom)], 1),
             np.stack([np.zeros_like(steps), bottom - steps * bottom], 1)]
    return np.vstack(edges).astype(np.float32)
