"""The mouth's vertical opening as an exact per-column warp of the lower face.

Every pixel column between the jaw's sides is cut at fixed rows of the photo: the nose's base, the upper lip's
outer and inner edges, the lower lip's inner and outer edges, the jaw line, and a row on the neck. Opening the
mouth moves the lip rows and the jaw row down or up (rig.py says how far per column); the nose row and the neck
row stay, and the rows between stretch or squeeze linearly. Where the lips part, the gap shows the photo's own
mouth interior stretched (mouth.py paints over it); where they meet, the rows between them vanish, so a photo
with parted lips closes cleanly, with no teeth left in the seam.
"""
from __future__ import annotations

import numpy as np

from avatarstudio.render.avatars.rig import FaceRig
from avatarstudio.render.face.landmarks import (INNER_CORNERS, INNER_LOWER_LIP, INNER_UPPER_LIP, MOUTH_CORNERS,
                                                OUTER_LOWER_LIP, OUTER_UPPER_LIP)
from avatarstudio.render.vocabulary import FaceParams

NOSE_BASE = 2
NECK_BELOW = 0.3    # face heights below the jaw line where the neck stops stretching
EDGE_TAPER = 0.2    # of the warped width, at each side, over which the opening fades to nothing
MIN_STEP = 0.25     # pixels between consecutive rows, so that each column's rows increase


def _row(points: np.ndarray, chain: tuple[int, ...], xs: np.ndarray) -> np.ndarray:
    line = points[list(chain)]
    order = np.argsort(line[:, 0])
    return np.interp(xs, line[order, 0], line[order, 1])


class MouthColumns:
    """The per-column warp of one face; `x0` is the first column and rows are in frame pixels."""

    def __init__(self, rig: FaceRig):
        points = rig.points
        jaw, self._jaw_weight_points = rig.jaw_line
        self.x0 = int(np.floor(jaw[:, 0].min()))
        self.x1 = int(np.ceil(jaw[:, 0].max())) + 1
        xs = np.arange(self.x0, self.x1, dtype=np.float64)
        self._xs = xs
        left, right = MOUTH_CORNERS
        inner_left, inner_right = INNER_CORNERS
        jaw_row = np.interp(xs, *jaw[np.argsort(jaw[:, 0])].T)
        rows = [
            np.full_like(xs, points[NOSE_BASE, 1]),
            _row(points, (left, *OUTER_UPPER_LIP, right), xs),
            _row(points, (inner_left, *INNER_UPPER_LIP, inner_right), xs),
            _row(points, (inner_left, *INNER_LOWER_LIP, inner_right), xs),
            _row(points, (left, *OUTER_LOWER_LIP, right), xs),
            jaw_row,
            jaw_row + NECK_BELOW * rig.face_height,
        ]
        source = np.array(rows)
        for k in range(1, len(source)):
            source[k] = np.maximum(source[k], source[k - 1] + MIN_STEP)
        self.source = source
        self.top = int(np.floor(source[0].min()))
        self.bottom = int(np.ceil(source[-1].max())) + 1
        half = (self.x1 - self.x0) / 2
        centre = self.x0 + half
        self._u = (xs - rig.mouth_centre[0]) / (rig.mouth_width / 2)
        edge = np.clip((half - np.abs(xs - centre)) / (EDGE_TAPER * 2 * half), 0.0, 1.0)
        self._taper = edge * edge * (3 - 2 * edge)
        order = np.argsort(jaw[:, 0])
        self._jaw_weight = np.interp(xs, jaw[order, 0], self._jaw_weight_points[order])
        self._rig = rig

    def rows(self, params: FaceParams) -> np.ndarray:
        """Where each source row appears in this frame (rows x columns, pixels), before the head moves."""
        upper, lower = self._rig.gap_shifts(params, self._u)
        jaw = self._rig.jaw_drop(params) * self._jaw_weight
        shifts = np.array([np.zeros_like(upper), upper, upper, lower, lower, jaw, np.zeros_like(upper)])
        moved = self.source + shifts * self._taper
        for k in range(1, len(moved)):
            moved[k] = np.maximum(moved[k], moved[k - 1])
        return moved

    def unwarp(self, first_column: int, y: np.ndarray, moved: np.ndarray) -> np.ndarray:
        """The source rows of `y` (rows x columns, for frame columns from `first_column` on) in the opened face
        (`moved` from `rows`); values outside the warped band stay as they are.

        Each map column is treated as the frame column it is in; the head's motion shifts the true column by a
        few pixels at most, where the lip rows barely change.
        """
        columns = np.arange(y.shape[1]) + first_column - self.x0
        valid = (columns >= 0) & (columns < len(self._xs))
        columns = np.clip(columns, 0, len(self._xs) - 1)
        dest, source = moved[:, columns].astype(np.float32), self.source[:, columns].astype(np.float32)
        dest[:, ~valid] = source[:, ~valid]   # columns outside the jaw map to themselves
        slope = (source[1:] - source[:-1]) / np.maximum(dest[1:] - dest[:-1], 1e-6)
        out = y
        for k in range(len(dest) - 1):
            inside = (y >= dest[k]) & (y < dest[k + 1])
            out = np.where(inside, source[k] + (y - dest[k]) * slope[k], out)
        return out
