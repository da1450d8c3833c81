"""Where the head is nearly still: the footage's turn-around points, where playing it backwards shows no jump.

Head speed is the stable points' movement between frames, in eye distances per second, smoothed over a fifth of a
second; a turn point is the stillest frame near each end of the footage (in its first and last END_SHARE), so the
ping-pong plays as much of the footage as it can.
"""
from __future__ import annotations

import numpy as np

from avatarstudio.render.twin.track import STABLE, eye_distance

END_SHARE = 0.15
SMOOTH_SECONDS = 0.2


def head_speed(points: np.ndarray, fps: float) -> np.ndarray:
    """Per frame, how fast the head moves (eye distances per second); frames without a face count as fast."""
    centre = np.nanmean(points[:, list(STABLE)], axis=1)
    step = np.linalg.norm(np.diff(centre, axis=0), axis=1)
    step = np.concatenate([step[:1], step])
    speed = step / np.nanmedian(eye_distance(points)) * fps
    speed = np.where(np.isnan(speed), np.nanmax(speed, initial=1.0) if np.isfinite(speed).any() else 1.0, speed)
    width = max(1, round(SMOOTH_SECONDS * fps))
    return np.convolve(np.pad(speed, width, mode="edge"), np.ones(2 * width + 1) / (2 * width + 1), "valid")


def turn_points(speed: np.ndarray, usable: np.ndarray) -> tuple[int, int]:
    """(first, last): the stillest frames with a face near the start and near the end of the footage."""
    n = len(speed)
    edge = max(1, int(END_SHARE * n))
    cost = np.where(usable, speed, np.inf)
    first = int(np.argmin(cost[:edge]))
    last = n - edge + int(np.argmin(cost[n - edge:]))
    return first, last
