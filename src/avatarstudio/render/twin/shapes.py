"""The lip and jaw shape new speech asks for, learned from the footage itself.

A chosen mouth fits its output frame's target only as well as the nearest real mouth does, so it is warped the rest
of the way (paste.py). The target shape is read off the person's own mouths: over every usable frame, each lip and
chin landmark, in the reference face's coordinates (the head's motion taken out), is fitted as a quadratic in
that frame's lip opening and width. A target (opening, width) from the motion stage, smooth over time, then gives
a whole lip-and-jaw shape in this person's proportions, placed on the background frame's face.
"""
from __future__ import annotations

import cv2
import numpy as np

from avatarstudio.render.twin.align import apply
from avatarstudio.render.twin.paste import SHAPED
from avatarstudio.render.twin.twin import Twin


def _terms(lips: np.ndarray) -> np.ndarray:
    """(n, 5) regressors of (n, 2) lip shapes: 1, opening, width, opening^2, opening x width."""
    opening, width = lips[:, 0], lips[:, 1]
    return np.stack([np.ones_like(opening), opening, width, opening * opening, opening * width], axis=1)


class ShapeModel:
    """Lip and chin landmarks (paste.SHAPED) as a function of (opening, width), fitted on one twin's footage."""

    def __init__(self, twin: Twin):
        self._twin = twin
        frames = np.flatnonzero(twin.usable & ~np.isnan(twin.lips).any(axis=1))
        matrices, points = twin.to_reference[frames], twin.points[frames][:, list(SHAPED)].astype(np.float64)
        shapes = np.einsum("nij,nkj->nki", matrices[:, :, :2], points) + matrices[:, None, :, 2]
        self._coefficients, *_ = np.linalg.lstsq(_terms(twin.lips[frames].astype(np.float64)),
                                                 shapes.reshape(len(frames), -1), rcond=None)

    def reference_shapes(self, lips: np.ndarray) -> np.ndarray:
        """(T, len(SHAPED), 2) landmarks in the reference face's pixels for (T, 2) target lip shapes."""
        return (_terms(lips.astype(np.float64)) @ self._coefficients).reshape(len(lips), len(SHAPED), 2)

    def placed(self, lips: np.ndarray, behind: np.ndarray) -> np.ndarray:
        """(T, len(SHAPED), 2) float32: the lips and jaw in the shapes lips[t], on background frame behind[t]'s face
        (its pixels)."""
        twin = self._twin
        return np.stack([apply(cv2.invertAffineTransform(twin.to_reference[back]), shape)
                         for back, shape in zip(behind, self.reference_shapes(lips))]).astype(np.float32)


def with_shape(points: np.ndarray, shaped: np.ndarray) -> np.ndarray:
    """Landmarks (..., 478, 2) with their lips and jaw (paste.SHAPED) replaced by `shaped` (..., len(SHAPED), 2)."""
    out = np.array(points, np.float64)
    out[..., list(SHAPED), :] = shaped
    return out
