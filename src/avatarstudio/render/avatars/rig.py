"""The face rig of a photo: where each landmark goes for one frame's `FaceParams`.

Mouth: `mouth_open` sets the gap between the inner lips (an elliptical profile across the mouth, up to
`OPEN_GAP` mouth widths at the centre); the upper lip takes `UPPER_SHARE` of the movement and the lower lip and
jaw the rest, so a photo with parted lips also closes (mouth_open 0 is a closed mouth). The chin follows the
lower lip (`JAW_SHARE`), the jaw line less the higher it is (the jaw hinges near the ears). `mouth_round`
narrows the lips towards the centre and pushes them out; `smile` pulls the corners out and up.
Head: `head_x`/`head_y` (face heights) and `head_roll` (degrees, clockwise, about the chin) move every landmark
as one rigid head. Eyes are closed by eyes.py, which reads the moved eye landmarks.

The vertical opening (lips apart, jaw down) is kept apart from the rest (`pose` returns both stages) because it
tears the image along the lips: columns.py warps it exactly, the smooth warp does the rest.
"""
from __future__ import annotations

import numpy as np

from avatarstudio.render.face.landmarks import (CHIN, EYES, INNER_CORNERS, INNER_LOWER_LIP,
                                                INNER_UPPER_LIP, MOUTH_CORNERS, NOSE_TIP, OUTER_LOWER_LIP,
                                                OUTER_UPPER_LIP)
from avatarstudio.render.vocabulary import FaceParams

OPEN_GAP = 0.42       # mouth widths between the inner lips at the centre, fully open
ROUND_GAP = 0.12      # extra opening at full rounding (an "oo" is small but open)
UPPER_SHARE = 0.25
JAW_SHARE = 0.9
ROUND_NARROW = 0.22   # the lips' width shrinks by this fraction at full rounding
ROUND_POUT = 0.04     # mouth widths the outer lips move away from the centre line at full rounding
SMILE_OUT = 0.07      # mouth widths each corner moves out at full smile
SMILE_UP = 0.06
PROFILE_POWER = 0.7   # lower = a squarer opening

UPPER_LIP = INNER_UPPER_LIP + OUTER_UPPER_LIP
LOWER_LIP = INNER_LOWER_LIP + OUTER_LOWER_LIP
CORNERS = MOUTH_CORNERS + INNER_CORNERS
LIPS = UPPER_LIP + LOWER_LIP + CORNERS
LOWER_OVAL = (132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361)

CONTROL = (CORNERS + (40, 0, 270, 91, 17, 321) + (132, 172, 150, 152, 379, 397, 361)
           + (10, 67, 297, 54, 284, 162, 389, 234, 454)
           + tuple(eye["corners"][i] for eye in EYES for i in (0, 1)) + (NOSE_TIP, 105, 334, 205, 425))
"""The landmarks that steer the smooth warp: outer lips, jaw line, forehead and temples, eyes, nose, brows,
cheeks. The inner lips are left to columns.py (they meet when the mouth closes, which a spline cannot fit)."""


class FaceRig:
    """The rig of one face from its 478 landmarks in an engine's frame pixels (x, y)."""

    def __init__(self, points: np.ndarray):
        self.points = points.astype(np.float32)
        left, right = points[MOUTH_CORNERS[0]], points[MOUTH_CORNERS[1]]
        self.mouth_width = float(np.hypot(*(right - left)))
        self.mouth_centre = (points[13] + points[14]) / 2
        self.chin = points[CHIN].astype(np.float64)
        self.face_height = float(points[CHIN, 1] - points[10, 1]) * 1.12
        half = self.mouth_width / 2
        upper, lower = points[list(INNER_UPPER_LIP)], points[list(INNER_LOWER_LIP)]
        self._pair_u = np.concatenate([[-1.0], (upper[:, 0] - self.mouth_centre[0]) / half, [1.0]])
        self._pair_gap = np.concatenate([[0.0], np.maximum(lower[:, 1] - upper[:, 1], 0.0), [0.0]])
        order = np.argsort(self._pair_u)
        self._pair_u, self._pair_gap = self._pair_u[order], self._pair_gap[order]
        self._lips = np.array(LIPS)
        self._lip_u = np.clip((points[self._lips, 0] - self.mouth_centre[0]) / half, -1.0, 1.0)
        self._is_upper = np.isin(self._lips, UPPER_LIP)
        self._is_lower = np.isin(self._lips, LOWER_LIP)
        self._is_outer = np.isin(self._lips, OUTER_UPPER_LIP + OUTER_LOWER_LIP)
        self._jaw = np.array(LOWER_OVAL)
        hinge_y = float(points[NOSE_TIP, 1])
        self._jaw_weight = np.clip((points[self._jaw, 1] - hinge_y) / max(self.chin[1] - hinge_y, 1.0), 0.0, 1.0)

    @property
    def source_gap(self) -> float:
        """Pixels between the inner lips at the centre of the mouth in the photo."""
        return float(np.interp(0.0, self._pair_u, self._pair_gap))

    def lip_shifts(self, params: FaceParams) -> tuple[float, float]:
        """(upper, lower) vertical pixels the lips' centres move (negative = up) before the head moves."""
        upper, lower = self._gap_shifts(params, np.zeros(1))
        return float(upper[0]), float(lower[0])

    def _gap_shifts(self, params: FaceParams, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        target = (OPEN_GAP * params.mouth_open + ROUND_GAP * params.mouth_round * min(1.0, 4 * params.mouth_open))
        profile = np.sqrt(np.clip(1.0 - u * u, 0.0, 1.0)) ** PROFILE_POWER
        delta = target * self.mouth_width * profile - np.interp(u, self._pair_u, self._pair_gap)
        return -UPPER_SHARE * delta, (1.0 - UPPER_SHARE) * delta

    def head_matrix(self, params: FaceParams) -> np.ndarray:
        """The 2 x 3 affine that moves the whole head: roll about the chin, then the shift."""
        angle = np.radians(params.head_roll)
        cos, sin = np.cos(angle), np.sin(angle)
        rotation = np.array([[cos, -sin], [sin, cos]])
        shift = self.chin - rotation @ self.chin + np.array([params.head_x, params.head_y]) * self.face_height
        return np.hstack([rotation, shift[:, None]])

    def jaw_drop(self, params: FaceParams) -> float:
        """Pixels the chin moves down (negative = up) before the head moves."""
        return JAW_SHARE * self.lip_shifts(params)[1]

    def pose(self, params: FaceParams) -> tuple[np.ndarray, np.ndarray]:
        """(lifted, dest): every landmark (478 x 2 pixels) after the mouth's vertical opening only, and where it
        finally appears in this frame (plus rounding, smile and the head's motion).

        The vertical opening is what columns.py warps; the rest is the smooth warp's job (photo.py).
        """
        lifted = self.points.astype(np.float64).copy()
        u = self._lip_u
        upper, lower = self._gap_shifts(params, u)
        lifted[self._lips, 1] += np.where(self._is_upper, upper, 0.0) + np.where(self._is_lower, lower, 0.0)
        lifted[self._jaw, 1] += self.jaw_drop(params) * self._jaw_weight
        moved = lifted.copy()
        width = self.mouth_width
        pout = ROUND_POUT * width * params.mouth_round * np.sqrt(np.clip(1 - u * u, 0, 1)) * self._is_outer
        dy = np.where(self._is_upper, -pout, 0.0) + np.where(self._is_lower, pout, 0.0)
        dy -= SMILE_UP * width * params.smile * u * u
        dx = -ROUND_NARROW * params.mouth_round * u * width / 2 + SMILE_OUT * width * params.smile * u * np.abs(u)
        moved[self._lips, 0] += dx
        moved[self._lips, 1] += dy
        matrix = self.head_matrix(params)
        return lifted, moved @ matrix[:, :2].T + matrix[:, 2]

    def gap_shifts(self, params: FaceParams, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(upper, lower) vertical pixels the lips move at positions `u` across the mouth (-1 .. 1, corner to
        corner); 0 beyond the corners."""
        return self._gap_shifts(params, u)

    @property
    def jaw_line(self) -> tuple[np.ndarray, np.ndarray]:
        """The lower face oval's points (n x 2) and how much of the chin's drop each follows (n)."""
        return self.points[self._jaw], self._jaw_weight
