"""Small head motion: a slow idle sway and breathing, plus nods that follow the speech's emphasis."""
from __future__ import annotations

import numpy as np

SWAY_X = 0.02        # face heights
SWAY_Y = 0.01
SWAY_ROLL = 1.2      # degrees
BREATH_Y = 0.004     # face heights, at BREATH_HZ
BREATH_HZ = 0.25
NOD_Y = 0.015        # face heights at full mouth opening, smoothed into a nod


def _slow_noise(n_frames: int, fps: int, rng: np.random.Generator) -> np.ndarray:
    """A smooth wander in about [-1, 1]: three sines of 0.07-0.4 Hz with random phases."""
    t = np.arange(n_frames) / fps
    freqs = rng.uniform(0.07, 0.4, size=3)
    phases = rng.uniform(0, 2 * np.pi, size=3)
    weights = np.array([0.5, 0.3, 0.2])
    return (weights[:, None] * np.sin(2 * np.pi * freqs[:, None] * t + phases[:, None])).sum(axis=0)


def head_motion(mouth: np.ndarray, fps: int, amount: float, seed: int, nod: float = 1.0,
                sway: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(head_x, head_y, head_roll) per frame for a mouth-opening curve; `amount` scales everything (0 = still),
    `nod` the nods that follow the speech and `sway` the side-to-side wander."""
    n = len(mouth)
    rng = np.random.default_rng(seed + 1)
    x = sway * SWAY_X * _slow_noise(n, fps, rng)
    roll = SWAY_ROLL * _slow_noise(n, fps, rng)
    t = np.arange(n) / fps
    # A nod follows the loudness with a lag: a moving average over ~0.3 s.
    window = max(1, round(0.3 * fps))
    emphasis = np.convolve(mouth, np.ones(window) / window, mode="full")[:n]
    y = SWAY_Y * _slow_noise(n, fps, rng) + BREATH_Y * np.sin(2 * np.pi * BREATH_HZ * t) + nod * NOD_Y * emphasis
    return amount * x, amount * y, amount * roll
