"""Blinks at natural, irregular intervals, the same for the same seed."""
from __future__ import annotations

import numpy as np

MIN_GAP_S, MAX_GAP_S = 2.0, 6.0
CLOSING_S, OPENING_S = 0.05, 0.10   # about 150 ms from open to open


def blink_times(duration: float, seed: int) -> list[float]:
    """Moments (seconds) when the eyes are fully closed: the first 0.5-2.5 s in, then every 2-6 s."""
    rng = np.random.default_rng(seed)
    times = []
    t = float(rng.uniform(0.5, 2.5))
    while t < duration - OPENING_S:
        times.append(t)
        # Gaps cluster around 3.5 s but vary widely, like a relaxed speaker's.
        t += float(np.clip(rng.gamma(shape=4.0, scale=0.9), MIN_GAP_S, MAX_GAP_S))
    return times


def blink_curve(n_frames: int, fps: int, seed: int) -> np.ndarray:
    """blink per frame, 0 open .. 1 closed. Each closed moment is moved to a frame time so it is really seen."""
    frame_times = np.arange(n_frames) / fps
    curve = np.zeros(n_frames)
    for t in blink_times(n_frames / fps, seed):
        peak = round(t * fps) / fps
        before = np.clip(1 - (peak - frame_times) / CLOSING_S, 0, 1) * (frame_times <= peak)
        after = np.clip(1 - (frame_times - peak) / OPENING_S, 0, 1) * (frame_times > peak)
        curve = np.maximum(curve, before + after)
    return curve
