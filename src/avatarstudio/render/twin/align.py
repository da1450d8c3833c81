"""Similarity transforms on the stable face points: how one frame's face maps onto another's, ignoring the mouth.

A similarity (rotation, uniform scale, translation) is all a head that stays about facing the camera needs; its
closed form (Umeyama 1991) is cheaper than a robust fit and the stable points have no outliers worth rejecting.
"""
from __future__ import annotations

import numpy as np

from avatarstudio.render.twin.track import STABLE


def similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 2 x 3 matrix M that maps points `src` (n, 2) onto `dst` (n, 2) best in least squares."""
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    a, b = src - src_mean, dst - dst_mean
    variance = (a * a).sum()
    # Complex-number form: dst ~ z * src, with z = scale * e^(i angle).
    cross = (a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]).sum()
    dot = (a * b).sum()
    c, s = dot / variance, cross / variance
    rotation = np.array([[c, -s], [s, c]])
    return np.hstack([rotation, (dst_mean - rotation @ src_mean)[:, None]]).astype(np.float64)


def to_reference(points: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The matrix mapping a frame whose landmarks are `points` (478, 2) onto the reference's stable points."""
    return similarity(points[list(STABLE)].astype(np.float64), reference.astype(np.float64))


def apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return points @ matrix[:, :2].T + matrix[:, 2]

